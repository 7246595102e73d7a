#!/bin/sh
# JUnit XML is well formed (xmllint) with the expected element counts, and
# TAP has a plan matching its test points, for the fixtures.
# usage: junit_tap.sh VMSG SRC_DIR OUT_DIR
set -u
vmsg=$1 src=$2 out=$3
fail=0
check() { # what expected got
    if [ "$2" != "$3" ]; then echo "junit_tap: $1: expected $2, got $3" >&2; fail=1; fi
}
x=$out/av.xml
"$vmsg" report "$src/fixtures/all-verdicts.json" --format junit -o "$x" || exit 1
xmllint --noout "$x" || exit 1
check "all-verdicts testcase count" 10 "$(xmllint --xpath 'count(//testcase)' "$x")"
check "all-verdicts failure count" 3 "$(xmllint --xpath 'count(//failure)' "$x")"
check "all-verdicts error count" 1 "$(xmllint --xpath 'count(//error)' "$x")"
check "all-verdicts skipped count" 3 "$(xmllint --xpath 'count(//skipped)' "$x")"
check "all-verdicts testsuite count" 4 "$(xmllint --xpath 'count(//testsuite)' "$x")"
check "failure type is the clause" device.config-gen.3 \
    "$(xmllint --xpath 'string(//testcase[@classname="device"]/failure/@type)' "$x")"
check "root failures attribute" 3 "$(xmllint --xpath 'string(/testsuites/@failures)' "$x")"
h=$out/hostile.xml
"$vmsg" report "$src/fixtures/hostile.json" --format junit -o "$h" || exit 1
xmllint --noout "$h" || exit 1
check "hostile: no element from data" 0 "$(xmllint --xpath 'count(//script|//svg|//b|//img)' "$h")"
for fx in all-verdicts api hostile; do
    t=$out/$fx.tap
    "$vmsg" report "$src/fixtures/$fx.json" --format tap -o "$t" || exit 1
    check "$fx.tap: first line" "TAP version 13" "$(head -n 1 "$t")"
    plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$t")
    points=$(grep -c -E '^(ok|not ok) [0-9]+ ' "$t")
    check "$fx.tap: plan vs test points" "$plan" "$points"
done
check "all-verdicts.tap: not ok count (FAIL ERROR XPASS XFAIL + findings)" 5 \
    "$(grep -c '^not ok' "$out/all-verdicts.tap")"
check "all-verdicts.tap: SKIP directives" 2 "$(grep -c '# SKIP' "$out/all-verdicts.tap")"
check "all-verdicts.tap: TODO directives" 1 "$(grep -c '# TODO' "$out/all-verdicts.tap")"
exit $fail
