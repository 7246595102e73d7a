#!/bin/sh
# Regenerate the sample captures and compare them byte for byte with the committed
# copies in vectors/captures/ (the generator tools/samples is the reviewed source).
# usage: check-samples.sh VMSG_SAMPLES COMMITTED_DIR OUT_DIR
set -u
gen=$1
committed=$2
out=$3
rm -rf "$out" && mkdir -p "$out" || exit 3
"$gen" "$out" || { echo "vmsg-samples failed"; exit 1; }
fail=0
for f in "$out"/*; do
    b=$(basename "$f")
    if [ ! -e "$committed/$b" ]; then
        echo "vectors/captures/$b: generated but not committed"
        fail=1
    elif ! cmp -s "$f" "$committed/$b"; then
        echo "vectors/captures/$b: differs from the generator's output"
        fail=1
    fi
done
for f in "$committed"/*.pcap; do
    b=$(basename "$f")
    [ -e "$out/$b" ] || { echo "vectors/captures/$b: committed but no longer generated"; fail=1; }
done
if [ "$fail" -ne 0 ]; then
    echo "to regenerate: build/tools/samples/vmsg-samples vectors/captures (then review and update the README)"
fi
exit "$fail"
