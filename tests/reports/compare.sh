#!/bin/sh
# vmsg report --compare: a clean comparison exits 0, an injected regression
# exits 1 and names the case, bad input exits 2 with file:line:col.
# usage: compare.sh VMSG SRC_DIR OUT_DIR
set -u
vmsg=$1 src=$2 out=$3
fail=0
old=$src/fixtures/all-verdicts.json
"$vmsg" report --compare "$old" "$old" > "$out/cmp-clean.txt"
rc=$?
[ $rc -eq 0 ] || { echo "compare: clean comparison: expected exit 0, got $rc" >&2; fail=1; }
grep -q '^0 regressions' "$out/cmp-clean.txt" || { echo "compare: clean: no summary line" >&2; fail=1; }
# inject: the passing GET_CONFIG case now fails
new=$out/regressed.json
sed '/"id": "device.get-config.basic"/s/"verdict": "PASS"/"verdict": "FAIL"/' "$old" > "$new"
"$vmsg" report --compare "$old" "$new" > "$out/cmp-reg.txt"
rc=$?
[ $rc -eq 1 ] || { echo "compare: regression: expected exit 1, got $rc" >&2; fail=1; }
grep -q "^$new: regression: case device.get-config.basic: PASS -> FAIL\$" "$out/cmp-reg.txt" ||
    { echo "compare: regression line missing:" >&2; cat "$out/cmp-reg.txt" >&2; fail=1; }
grep -q "regression: clause device.get-config.1: PASS -> FAIL" "$out/cmp-reg.txt" ||
    { echo "compare: clause regression line missing" >&2; fail=1; }
# the other way round is progress, exit 0
"$vmsg" report --compare "$new" "$old" > "$out/cmp-prog.txt"
rc=$?
[ $rc -eq 0 ] && grep -q 'progress: case device.get-config.basic: FAIL -> PASS' "$out/cmp-prog.txt" ||
    { echo "compare: progress: expected exit 0 and a progress line (rc $rc)" >&2; fail=1; }
"$vmsg" report --compare "$old" "$new" --format json > "$out/cmp-reg.json"
[ $? -eq 1 ] && grep -q '"regression": 2' "$out/cmp-reg.json" ||
    { echo "compare: json format: wrong counts" >&2; fail=1; }
# bad input: the error names file:line:col
printf '{\n  "schema": "vmsg-results/1",\n  "cases": [\n' > "$out/truncated.json"
"$vmsg" report --compare "$old" "$out/truncated.json" 2> "$out/cmp-bad.txt" >/dev/null
rc=$?
[ $rc -eq 2 ] || { echo "compare: bad input: expected exit 2, got $rc" >&2; fail=1; }
grep -q "^vmsg: $out/truncated.json:4:0: " "$out/cmp-bad.txt" ||
    { echo "compare: bad input: no file:line:col:" >&2; cat "$out/cmp-bad.txt" >&2; fail=1; }
printf '{"schema": "vmsg-results/1", "cases": [{"id": "a", "verdict": "MAYBE"}]}\n' > "$out/badverdict.json"
"$vmsg" report "$out/badverdict.json" 2> "$out/bad-verdict.txt" >/dev/null
[ $? -eq 2 ] && grep -q "badverdict.json: cases\[0\].verdict: unknown verdict" "$out/bad-verdict.txt" ||
    { echo "report: bad verdict not reported with its place" >&2; cat "$out/bad-verdict.txt" >&2; fail=1; }
exit $fail
