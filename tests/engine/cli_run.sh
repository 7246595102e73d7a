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
expect 2 "^vmsg: run: --ics: 'nodot=1' is not SECTION.KEY=VALUE" --ics nodot=1
expect 2 "^vmsg: run: --ics: 'bus.x' is not SECTION.KEY=VALUE" --ics bus.x
# the conformance statement lands in results.json, declared entries win over
# gathered ones, and -v shows one line of it per suite
"$vmsg" run -v --report "$tmp/r" --ics bus.event_avail=out-of-band --ics device.note=declared \
    --ics link.max_msg_size=999 >"$tmp/out" 2>&1 || { echo "vmsg run --ics failed:"; cat "$tmp/out"; fails=$((fails + 1)); }
for want in '"event_avail": "out-of-band"' '"note": "declared"' '"max_msg_size": "999"' '"config_size": "8"' \
    '"get_devices": "1,2"' '"device": "gathered in'; do
    grep -Fq "$want" "$tmp/r/results.json" || { echo "results.json: no $want in ics"; fails=$((fails + 1)); }
done
grep -q '^device.ics: info answered, device_id 1,' "$tmp/out" || { echo "-v: no device.ics line"; fails=$((fails + 1)); }
grep -q '^bus.ics: .*EVENT_AVAIL out-of-band' "$tmp/out" || { echo "-v: no bus.ics line"; fails=$((fails + 1)); }
# an IUT that dies during the gathering: one ERROR line naming the place, the
# cases still run, exit 3
"$vmsg" run --suite device --iut exec:/bin/true >"$tmp/out" 2>&1
rc=$?
{ [ "$rc" = 3 ] && grep -q '^device.ics: ERROR (.*closed the connection.*(after GET_DEVICE_INFO' "$tmp/out" &&
    grep -q '^device.info.inactive: ERROR' "$tmp/out"; } || { echo "dying IUT during the ICS: exit $rc"; head -3 "$tmp/out"; fails=$((fails + 1)); }
# the cases hold the device to its statement: a declared entry that differs
# from what the device says fails the clause
"$vmsg" run -s device -k device.shm.regions --ics 'shm.0=length 0x2000 address 0x40000000' >"$tmp/out" 2>&1
grep -q '^device.shm.regions: FAIL: device.get-shm.1: expected the region as the device described it' "$tmp/out" ||
    { echo "shm region differing from the ICS: no FAIL"; cat "$tmp/out"; fails=$((fails + 1)); }
"$vmsg" run -s device -k device.info.inactive --ics device.config_size=9 >"$tmp/out" 2>&1
grep -q '^device.info.inactive: FAIL: device.get-device-info.1: .*config_size 9/8' "$tmp/out" ||
    { echo "GET_DEVICE_INFO differing from the ICS: no FAIL"; cat "$tmp/out"; fails=$((fails + 1)); }
# --no-check: the checker's evidence is gone, the verdicts of a clean run are the same
"$vmsg" run --suite device --iut 'builtin:refdev?fault=dev-no-echo-block-index' --report "$tmp/c" -q >/dev/null 2>&1
"$vmsg" run --suite device --iut 'builtin:refdev?fault=dev-no-echo-block-index' --report "$tmp/n" --no-check -q >/dev/null 2>&1
{ grep -q '"rule": "check.resp-echo"' "$tmp/c/results.json" && ! grep -q '"rule": "check' "$tmp/n/results.json"; } ||
    { echo "--no-check: checker findings present or missing as they should not be"; fails=$((fails + 1)); }
"$vmsg" run -q >"$tmp/out" 2>&1 || { echo "vmsg run (builtin references) failed:"; cat "$tmp/out"; fails=$((fails + 1)); }
tail -n 1 "$tmp/out" | grep -Eq '^[0-9]+ passed, 0 failed' || { echo "no clean closing line: $(tail -n 1 "$tmp/out")"; fails=$((fails + 1)); }
echo "$((25 - fails)) passed, $fails failed"
[ "$fails" = 0 ]
