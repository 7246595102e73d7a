#!/bin/sh
# Regenerate vectors/messages.tsv from the reviewed generator (tools/vectors/*.c).
# usage: tools/vectors/update.sh [BUILD_DIR]    (default: build)
# Review the diff (git diff vectors/) before committing it.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
cmake --build "$build" --target vmsg-vectors >/dev/null
"$build/tools/vectors/vmsg-vectors" > "$top/vectors/messages.tsv.new"
mv "$top/vectors/messages.tsv.new" "$top/vectors/messages.tsv"
echo "vectors/messages.tsv: $(grep -vc '^#' "$top/vectors/messages.tsv") vectors"
