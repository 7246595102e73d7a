#!/bin/sh
# Rewrites tests/dissector/golden/ from the current plugin. Review the diff
# like code before committing it.
#   tests/dissector/update-golden.sh [BUILD_DIR]   (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
cmake --build "$build" --target vmsg_wireshark vmsg_mkcap
plugin=$(find "$build/dissector/plugins" -name 'virtio_msg.so' | head -1)
for mode in registered golden samples; do
    VMSG_UPDATE_GOLDEN=1 sh "$here/run.sh" $mode "$plugin" "$build/tests/dissector/mkcap" "$here/golden" \
        "$here/../../vectors/captures"
done
git -C "$here" status --short -- golden
