#!/bin/sh
# Runs one example of docs/examples.md exactly as written: the ```sh block
# after the line `<!-- example: NAME [needs=WHAT] [exit=N] -->`, with sh -e,
# in a temporary directory (vectors/ linked from the source tree), with the
# built vmsg first on PATH. Exit 77 (skip, with the reason) when the example
# needs something not built yet.
# The Wireshark example uses the plugin of this build when tshark does not
# load one already: a `tshark` first on PATH runs the real one as nobody with
# WIRESHARK_PLUGIN_DIR (root tshark ignores plugin dirs of its own, as the
# README says), which is what a user with the plugin in ~/.local gets.
# usage: run-example.sh SOURCE_DIR VMSG_DIR NAME [PLUGIN.so]
set -eu
src=$1 bindir=$2 name=$3 plugin=${4:-}
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
wireshark-plugin)
    command -v tshark >/dev/null || skip "tshark is not installed"
    tshark -G protocols 2>/dev/null | grep -q 'virtio-msg' || [ -f "$plugin" ] ||
        skip "the vmsg Wireshark plugin is neither installed nor built (VMSG_BUILD_DISSECTOR)" ;;
*) echo "run-example.sh: unknown need '$needs'"; exit 1 ;;
esac
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
awk -v m="$marker" '
    $0 == m { found = 1; next }
    found && !inside && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$doc" >"$tmp/example.sh"
[ -s "$tmp/example.sh" ] || { echo "run-example.sh: example '$name' has no sh block"; exit 1; }
mkdir -p "$tmp/vectors"
cp -R "$src/vectors/captures" "$tmp/vectors/"
if [ "$needs" = wireshark-plugin ] && ! tshark -G protocols 2>/dev/null | grep -q 'virtio-msg'; then
    ver=$(tshark -v | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    mkdir -p "$tmp/plugins/$ver/epan" "$tmp/bin"
    cp "$plugin" "$tmp/plugins/$ver/epan/"
    asuser=""
    [ "$(id -u)" = 0 ] && asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
    printf '#!/bin/sh\nexec %s env HOME=/nonexistent WIRESHARK_PLUGIN_DIR=%s %s "$@"\n' \
        "$asuser" "$tmp/plugins" "$(command -v tshark)" >"$tmp/bin/tshark"
    chmod 755 "$tmp/bin/tshark"
    chmod -R a+rX "$tmp"
    PATH=$tmp/bin:$PATH
    echo "(tshark runs with this build's plugin: $plugin)"
fi
echo "--- example $name (expect exit $want):"
cat "$tmp/example.sh"
echo "---"
rc=0
(cd "$tmp" && timeout 300 sh -e ./example.sh) || rc=$?
echo "--- exit $rc"
[ "$rc" = "$want" ] || { echo "FAIL: example '$name' exited $rc, expected $want"; exit 1; }
echo "ok: example '$name'"
