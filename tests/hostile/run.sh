#!/bin/sh
# Hostile devices over exec: each run must end (no hang past the time boxes),
# report the misbehaviour as FAIL or ERROR with evidence, keep going, and leave
# a complete, valid results.json with every selected case.
# usage: run.sh VMSG HOSTILE_IUT
set -u
vmsg=$1
iut=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
cases=$("$vmsg" run --suite device -l | wc -l)
check() { # mode, expected regex in the text output[, reply timeout ms]
    mode=$1
    want=$2
    reply=${3:-150}
    out="$tmp/$mode"
    VMSG_TIMEOUT_MULTIPLIER=${VMSG_TIMEOUT_MULTIPLIER:-1} \
        timeout 120 "$vmsg" run --suite device --reply-timeout "$reply" --iut "exec:$iut $mode" --report "$out" >"$out.txt" 2>&1
    rc=$?
    problem=""
    [ "$rc" = 124 ] && problem="hung (killed by timeout)"
    [ -z "$problem" ] && [ "$rc" != 1 ] && [ "$rc" != 3 ] && problem="exit $rc, expected 1 or 3"
    [ -z "$problem" ] && ! grep -q '"complete": *true' "$out/results.json" && problem="results.json not complete"
    if [ -z "$problem" ]; then
        n=$("$vmsg" report "$out/results.json" --format tap | grep -c '^\(not \)\{0,1\}ok ')
        [ "$n" = "$cases" ] || problem="$n cases in results.json, expected $cases"
    fi
    [ -z "$problem" ] && ! grep -Eq "$want" "$out.txt" && problem="no line matching /$want/"
    [ -z "$problem" ] && ! tail -n 1 "$out.txt" | grep -Eq '^[0-9]+ passed, [0-9]+ failed' && problem="no closing tally line"
    if [ -n "$problem" ]; then
        echo "hostile $mode: $problem"
        sed 's/^/    /' "$out.txt" | tail -n 15
        fails=$((fails + 1))
    else
        echo "hostile $mode: ok ($(tail -n 1 "$out.txt"))"
    fi
}
check crash 'ERROR.*(closed|signal|transport)' 3000
check hang 'FAIL: device\.[a-z-]+\.[0-9]+: expected a response'
check flood 'passed'
check garbage '(FAIL|ERROR)'
check oversize 'FAIL: device\.limits\.1'
check close 'ERROR' 3000
check wrongdev 'FAIL: device\.header\.3'
check twice 'passed'
# a crashing IUT leaves its stderr as evidence in the results
grep -q 'hostile(crash): message' "$tmp/crash/results.json" || { echo "hostile crash: IUT stderr missing from results.json"; fails=$((fails + 1)); }
echo "$((9 - fails)) passed, $fails failed"
[ "$fails" = 0 ]
