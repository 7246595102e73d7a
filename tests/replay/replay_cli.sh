#!/bin/sh
# `vmsg replay` against live implementations: a session recorded through
# `vmsg proxy` (refdrv <-> refdev) replays without divergence against refdev
# (in process and as a process) and refdrv, diverges against a faulty refdev
# (compiler-style line naming the frame and field), writes its results as
# cases with --report, stops on a dying target with exit 3 naming the frame
# (an ERROR case), and rejects bad captures with exit 2.
# usage: replay_cli.sh VMSG SOURCE_DIR
set -u
VMSG=$1
SRC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-replay-XXXXXX") || exit 3
trap 'rm -rf "$T"' EXIT
fail() { echo "replay_cli.sh: $*" >&2; for f in "$T"/*.out "$T"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done; exit 1; }
run() { # run WANT_RC NAME CMD...
    want=$1; name=$2; shift 2
    "$@" >"$T/$name.out" 2>"$T/$name.err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$name: exit $got, expected $want"
}

run 0 record "$VMSG" proxy --driver-side builtin:refdrv --device-side builtin:refdev --capture "$T/s.pcap"
run 0 as-driver "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --ignore token
grep -q " 0 divergences" "$T/as-driver.out" || fail "as-driver: divergence count"
grep -q "answer latency min .* p99 " "$T/as-driver.out" || fail "as-driver: latency line"
run 0 as-driver-exec "$VMSG" replay "$T/s.pcap" --iut "exec:$VMSG refdev --stdio" --as driver --timing scale=0.5
run 0 as-device "$VMSG" replay "$T/s.pcap" --iut builtin:refdrv --as device --ignore token
run 0 original "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --timing original

# a faulty device: the first divergence names capture, frame and field
run 1 fault "$VMSG" replay "$T/s.pcap" --iut "builtin:refdev?fault=dev-get-config-stale-generation" --as driver
grep -q "s.pcap:frame [0-9]*: field generation: expected [0-9]*, got [0-9]*$" "$T/fault.out" || fail "divergence line"
grep -q "^    expected: GET_CONFIG resp" "$T/fault.out" || fail "expected message not decoded"
grep -q "^    got:      GET_CONFIG resp" "$T/fault.out" || fail "received message not decoded"
run 1 first "$VMSG" replay "$T/s.pcap" --iut "builtin:refdev?fault=dev-get-config-stale-generation" --as driver \
    --stop-at-first --no-check
[ "$(grep -c ': field ' "$T/first.out")" -eq 1 ] || fail "--stop-at-first printed more than one divergence"
# masks: the same fault with the generation ignored leaves only the checker's findings
run 1 masked "$VMSG" replay "$T/s.pcap" --iut "builtin:refdev?fault=dev-get-config-stale-generation" --as driver \
    --ignore generation
grep -q ": field " "$T/masked.out" && fail "masked field still compared"
grep -q "device.get-config.1" "$T/masked.out" || fail "checker finding on the new traffic missing"

# --report: results.json in the results schema, one case per device and message,
# divergences as FAIL evidence with both messages, checker findings cited; the
# reports rendered beside it
run 1 report "$VMSG" replay "$T/s.pcap" --iut "builtin:refdev?fault=dev-get-config-stale-generation" --as driver \
    --report "$T/rep" -q
for f in results.json junit.xml results.tap summary.md report.html; do
    [ -s "$T/rep/$f" ] || fail "report: $f missing"
done
grep -q '"mode": "replay"' "$T/rep/results.json" || fail "report: mode"
grep -q '"complete": true' "$T/rep/results.json" || fail "report: not complete"
"$VMSG" report "$T/rep/results.json" --format tap >"$T/rep.tap.out" 2>"$T/rep.tap.err" || true
grep -q "^not ok [0-9]* - replay.dev1.GET_CONFIG: " "$T/rep.tap.out" || fail "report: GET_CONFIG case not failed"
grep -q "^ok [0-9]* - replay.dev1.GET_DEVICE_INFO: " "$T/rep.tap.out" || fail "report: GET_DEVICE_INFO case not passed"
grep -q 'summary: "recorded: GET_CONFIG resp dev=1 .* generation=1' "$T/rep.tap.out" || fail "report: recorded frame"
grep -q 'summary: "received: GET_CONFIG resp dev=1 .* generation=0' "$T/rep.tap.out" || fail "report: received frame"
grep -q 'clauses: \["device.get-config.1"\]' "$T/rep.tap.out" || fail "report: checker clause not cited by the case"
grep -q '"device.get-config.1": {' "$T/rep/results.json" || fail "report: clause metadata"
grep -q '<failure' "$T/rep/junit.xml" || fail "report: junit failure"
tail -n 1 "$T/report.out" | grep -Eq '^[0-9]+ passed, [1-9][0-9]* failed$' || fail "report: closing line"
run 0 report-clean "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --report "$T/rep-clean" -q
grep -q "^not ok" "$T/rep-clean/results.tap" && fail "report-clean: a case failed"
tail -n 1 "$T/report-clean.out" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' || fail "report-clean: closing line"

# one thread or two (reading and checking on a second thread): the same
# divergences, findings, order and cases; only the rates may differ
for t in 1 2; do
    run 1 threads-$t "$VMSG" replay "$T/s.pcap" --iut "builtin:refdev?fault=dev-get-config-stale-generation" \
        --as driver --threads $t --report "$T/rep-threads-$t"
    grep -v "^replay: " "$T/threads-$t.out" | sed "s/rep-threads-$t/rep-threads-N/" >"$T/threads-$t.cmp"
    grep -q "s.pcap:frame [0-9]*: device.get-config.1: " "$T/threads-$t.cmp" || fail "threads $t: checker finding missing"
    "$VMSG" report "$T/rep-threads-$t/results.json" --format tap | grep -v "duration_ms" >"$T/threads-$t.tap"
done
cmp -s "$T/threads-1.cmp" "$T/threads-2.cmp" || fail "--threads 1 and 2 print different results"
cmp -s "$T/threads-1.tap" "$T/threads-2.tap" || fail "--threads 1 and 2 report different cases"
run 2 threads-bad "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --threads 3
grep -q "\-\-threads: expected 1 or 2, got '3'" "$T/threads-bad.err" || fail "--threads 3: message"

# the target dies mid-run: exit 3, the message names the frame reached
run 3 dies "$VMSG" replay "$T/s.pcap" --iut "exec:sh -c 'dd bs=8 count=30 status=none | $VMSG refdev --stdio'" \
    --as driver --reply-timeout 300
grep -q "vmsg: replay: frame [0-9]*: waiting for the IUT's frame: .*closed" "$T/dies.err" || fail "dies: message"
frame=$(sed -n 's/^vmsg: replay: frame \([0-9]*\):.*/\1/p' "$T/dies.err")
[ "$frame" -gt 2 ] || fail "dies: frame $frame is not mid-run"
run 3 dies-report "$VMSG" replay "$T/s.pcap" --iut "exec:sh -c 'dd bs=8 count=30 status=none | $VMSG refdev --stdio'" \
    --as driver --reply-timeout 300 --report "$T/rep-dies" -q
grep -q '"id": "replay.transport"' "$T/rep-dies/results.json" || fail "dies-report: no transport case"
grep -q '"verdict": "ERROR"' "$T/rep-dies/results.json" || fail "dies-report: no ERROR verdict"

# bad input
run 2 cut "$VMSG" replay "$SRC/vectors/captures/bad-cut-mid-record.pcap" --iut builtin:refdev --as driver
grep -q "frame [0-9]" "$T/cut.err" || fail "cut capture: frame not named"
run 2 cut-1 "$VMSG" replay "$SRC/vectors/captures/bad-cut-mid-record.pcap" --iut builtin:refdev --as driver --threads 1
cmp -s "$T/cut.err" "$T/cut-1.err" || fail "cut capture: one thread says it differently"
run 2 missing "$VMSG" replay "$T/nothing.pcap" --iut builtin:refdev --as driver
run 2 no-as "$VMSG" replay "$T/s.pcap" --iut builtin:refdev
run 2 bad-ignore "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --ignore nonsense
grep -q "unknown field or group 'nonsense'" "$T/bad-ignore.err" || fail "bad --ignore message"
run 3 unreachable "$VMSG" replay "$T/s.pcap" --iut "unix:$T/nobody.sock" --as driver
exit 0
