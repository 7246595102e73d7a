#!/bin/sh
# Runs one example of docs/examples.md exactly as written: the ```sh block
# after the line `<!-- example: NAME [needs=WHAT] [exit=N] -->`, with sh -e,
# in a temporary directory (vectors/ linked from the source tree), with the
# built vmsg first on PATH. Exit 77 (skip, with the reason) when the example
# needs something not built yet.
# usage: run-example.sh SOURCE_DIR VMSG_DIR NAME
set -eu
src=$1 bindir=$2 name=$3
doc=$src/docs/examples.md
PATH=$bindir:$PATH
export PATH
marker=$(grep -E "^<!-- example: $name( |-->)" "$doc" || true)
[ -n "$marker" ] || { echo "run-example.sh: no example '$name' in $doc"; exit 1; }
want=0 needs=""
for tok in $marker; do
    case $tok in exit=*) want=${tok#exit=} ;; needs=*) needs=${tok#needs=} ;; esac
done
skip() { echo "SKIP: example '$name': $*"; exit 77; }
case $needs in
"") ;;
check | proxy | replay)
    vmsg --list-commands | grep -qx "$needs" || skip "needs 'vmsg $needs', not on this branch yet" ;;
driver-suite)
    [ -n "$(vmsg run --suite driver -l)" ] || skip "needs the driver suite, not on this branch yet" ;;
bus-sides)
    vmsg run --help | grep -q -- --driver-side || skip "needs 'vmsg run --driver-side', not on this branch yet" ;;
wireshark-plugin)
    command -v tshark >/dev/null || skip "tshark is not installed"
    tshark -G protocols 2>/dev/null | grep -q 'virtio-msg' ||
        skip "the vmsg Wireshark plugin is not installed where tshark looks" ;;
*) echo "run-example.sh: unknown need '$needs'"; exit 1 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v m="$marker" '
    $0 == m { found = 1; next }
    found && !inside && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$doc" >"$tmp/example.sh"
[ -s "$tmp/example.sh" ] || { echo "run-example.sh: example '$name' has no sh block"; exit 1; }
ln -s "$src/vectors" "$tmp/vectors"
echo "--- example $name (expect exit $want):"
cat "$tmp/example.sh"
echo "---"
rc=0
(cd "$tmp" && timeout 300 sh -e ./example.sh) || rc=$?
echo "--- exit $rc"
[ "$rc" = "$want" ] || { echo "FAIL: example '$name' exited $rc, expected $want"; exit 1; }
echo "ok: example '$name'"
