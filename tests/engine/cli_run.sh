#!/bin/sh
# `vmsg run` bad input: one line naming the place, exit 2 (usage/input) or 3
# (transport); and the good path ends with the tally line.
set -u
vmsg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() { # want_rc, stderr regex, args...
    want=$1
    re=$2
    shift 2
    "$vmsg" run "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" != "$want" ] || { [ -n "$re" ] && ! grep -Eq "$re" "$tmp/err"; } || { [ "$want" = 2 ] && [ "$lines" != 1 ]; }; then
        echo "vmsg run $*: expected exit $want and one line /$re/, got exit $rc:"
        sed 's/^/    /' "$tmp/err" | head -5
        fails=$((fails + 1))
    fi
}
expect 2 '^vmsg: run: --iut: foo:bar: unknown URI scheme' --iut foo:bar
expect 2 "^vmsg: run: --iut: builtin:refdev\?fault=nope: unknown fault 'nope'" --suite device --iut 'builtin:refdev?fault=nope'
expect 2 '^vmsg: run: --iut: .*/no/such.yaml: No such file' --suite device --iut 'builtin:refdev?personality=/no/such.yaml'
expect 2 "^vmsg: run: --suite: unknown suite 'sideways'" --suite sideways
expect 2 "^vmsg: run: --profile: unknown profile 'v9'" --profile v9
expect 2 '^vmsg: /no/such/expect.yaml: No such file' --expect /no/such/expect.yaml
printf -- '- [x\n' >"$tmp/bad.yaml"
expect 2 "^vmsg: $tmp/bad.yaml:2:1: " --expect "$tmp/bad.yaml"
expect 3 '' --suite device --iut unix:/no/such/socket -q
"$vmsg" run -q >"$tmp/out" 2>&1 || { echo "vmsg run (builtin references) failed:"; cat "$tmp/out"; fails=$((fails + 1)); }
tail -n 1 "$tmp/out" | grep -Eq '^[0-9]+ passed, 0 failed' || { echo "no clean closing line: $(tail -n 1 "$tmp/out")"; fails=$((fails + 1)); }
echo "$((10 - fails)) passed, $fails failed"
[ "$fails" = 0 ]
