#!/bin/sh
# `vmsg replay` against live implementations: a session recorded through
# `vmsg proxy` (refdrv <-> refdev) replays without divergence against refdev
# (in process and as a process) and refdrv, diverges against a faulty refdev
# (compiler-style line naming the frame and field), writes its results as
# cases with --report, stops on a dying target with exit 3 naming the frame
# (an ERROR case), and rejects bad captures with exit 2. A capture through the
# reference bus (both faces) replays one face with --instance and is refused
# without it. Cases carry their duration (--timing original over a recorded
# gap).
# usage: replay_cli.sh VMSG SOURCE_DIR REPLAY_CAPTURES
set -u
VMSG=$1
SRC=$2
RC=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-replay-XXXXXX") || exit 3
trap 'rm -rf "$T"' EXIT
fail() { echo "replay_cli.sh: $*" >&2; for f in "$T"/*.out "$T"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done; exit 1; }
. "$SRC/tests/replay/run_lib.sh" # run, and the same with --threads 1 and 2

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

# case durations: the recorded gap (200 ms before the second EVENT_AVAIL) is
# kept by --timing original, so the EVENT_AVAIL group lasts at least about
# that long; SET_CONFIG, all after the gap, lasts a small part of it
"$VMSG" dump "$T/s.pcap" >"$T/s.txt" || fail "dump"
avail2=$(awk '$5 == "EVENT_AVAIL" { if (++n == 2) { print $1; exit } }' "$T/s.txt")
setc=$(awk '$5 == "SET_CONFIG" { print $1; exit }' "$T/s.txt")
[ -n "$avail2" ] && [ -n "$setc" ] && [ "$setc" -gt "$avail2" ] || fail "session: no SET_CONFIG after two EVENT_AVAIL"
run 0 make-gap "$RC" gap "$T/s.pcap" "$T/gap.pcap" "$avail2" 200
run 0 gap "$VMSG" replay "$T/gap.pcap" --iut builtin:refdev --as driver --timing original --report "$T/rep-gap" -q
duration() { # duration CASE-ID: its duration_ms in results.json, in whole ms
    awk -F'"' -v id="$1" '$2 == "id" { cur = $4 } $2 == "duration_ms" && cur == id { sub(/^: */, "", $3); print int($3); exit }' \
        "$T/rep-gap/results.json"
}
slow=$(duration replay.dev1.EVENT_AVAIL)
quick=$(duration replay.dev1.SET_CONFIG)
[ -n "$slow" ] && [ -n "$quick" ] || fail "gap: no duration_ms for the EVENT_AVAIL or SET_CONFIG case"
[ "$slow" -ge 150 ] || fail "gap: EVENT_AVAIL lasted $slow ms, expected the 200 ms gap"
[ $((quick * 2)) -lt "$slow" ] || fail "gap: SET_CONFIG lasted $quick ms, not a small part of EVENT_AVAIL's $slow ms"

# both faces of a bus: through the reference bus the capture holds the driver
# face (bus instance 0: refdrv <-> the bus) and the device face (instance 1:
# the bus <-> refdev, tokens renumbered by the bus)
run 0 record-bus "$VMSG" proxy --driver-side builtin:refdrv --device-side builtin:refdev --bus ref --capture "$T/bus.pcap"
run 2 bus-mixed "$VMSG" replay "$T/bus.pcap" --iut builtin:refdev --as driver
grep -q "^vmsg: replay: .*bus.pcap: frame [0-9]*: bus instance 1 after instance 0: the capture holds more than one bus (both faces of a bus proxy?): choose one with --instance$" \
    "$T/bus-mixed.err" || fail "bus-mixed: message"
run 0 bus-dev "$VMSG" replay "$T/bus.pcap" --iut builtin:refdev --as driver --instance 1 --report "$T/rep-bus" -q
grep -q " 0 divergences" "$T/bus-dev.out" || fail "bus-dev: divergence count"
grep -Eq "^replay: bus instance 1: [1-9][0-9]* records of other instances skipped$" "$T/bus-dev.out" ||
    fail "bus-dev: skipped count"
grep -q '"id": "replay.bus1.dev1.GET_CONFIG"' "$T/rep-bus/results.json" || fail "bus-dev: cases not of bus 1"
grep -q '"id": "replay.dev' "$T/rep-bus/results.json" && fail "bus-dev: a case of bus 0"
run 0 bus-drv "$VMSG" replay "$T/bus.pcap" --iut builtin:refdrv --as device --instance 0
grep -q " 0 divergences" "$T/bus-drv.out" || fail "bus-drv: divergence count"
# the device face's requests carry the bus's tokens, not refdrv's
run 1 bus-drv-face1 "$VMSG" replay "$T/bus.pcap" --iut builtin:refdrv --as device --instance 1 --stop-at-first
grep -q "bus.pcap:frame [0-9]*: field token: expected [0-9]*, got [0-9]*$" "$T/bus-drv-face1.out" ||
    fail "bus-drv-face1: token divergence"
run 0 bus-drv-face1-masked "$VMSG" replay "$T/bus.pcap" --iut builtin:refdrv --as device --instance 1 --ignore token
# one bus: nothing skipped
run 0 one-bus "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --instance 0
grep -q "^replay: bus instance 0: 0 records of other instances skipped$" "$T/one-bus.out" || fail "one-bus: skipped"
run 2 bus-none "$VMSG" replay "$T/bus.pcap" --iut builtin:refdev --as driver --instance 3
grep -q "bus.pcap: no record of bus instance 3 ([1-9][0-9]* records of other instances)$" "$T/bus-none.err" ||
    fail "bus-none: message"
run 2 bus-bad "$VMSG" replay "$T/bus.pcap" --iut builtin:refdev --as driver --instance x
grep -q "^vmsg: replay: --instance: expected a bus instance 0..65535, got 'x'$" "$T/bus-bad.err" || fail "bus-bad: message"

# one thread or two (the checker on a second thread): the same
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
grep -q "\-\-threads: expected auto, 1 or 2, got '3'" "$T/threads-bad.err" || fail "--threads 3: message"

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
run 2 cut-2 "$VMSG" replay "$SRC/vectors/captures/bad-cut-mid-record.pcap" --iut builtin:refdev --as driver --threads 2
cmp -s "$T/cut.err" "$T/cut-2.err" || fail "cut capture: two threads say it differently"
run 2 missing "$VMSG" replay "$T/nothing.pcap" --iut builtin:refdev --as driver
# a capture on standard input: read once, so its profile is given (and the checker stays on this thread)
"$VMSG" replay - --iut builtin:refdev --as driver <"$T/s.pcap" >"$T/stdin.out" 2>"$T/stdin.err"
[ $? -eq 2 ] || fail "stdin without --profile: exit not 2"
grep -q "^vmsg: replay: -: standard input is read only once: give the capture.s profile with --profile$" "$T/stdin.err" ||
    fail "stdin without --profile: message"
"$VMSG" replay - --profile v1 --iut builtin:refdev --as driver --threads 2 <"$T/s.pcap" >"$T/stdin-p.out" 2>"$T/stdin-p.err" ||
    fail "stdin --profile v1: exit $?"
grep -q " 0 divergences in .*, 1 thread)$" "$T/stdin-p.out" || fail "stdin --profile v1: not one thread, or divergences"
run 2 no-as "$VMSG" replay "$T/s.pcap" --iut builtin:refdev
run 2 bad-ignore "$VMSG" replay "$T/s.pcap" --iut builtin:refdev --as driver --ignore nonsense
grep -q "unknown field or group 'nonsense'" "$T/bad-ignore.err" || fail "bad --ignore message"
run 3 unreachable "$VMSG" replay "$T/s.pcap" --iut "unix:$T/nobody.sock" --as driver
exit 0
