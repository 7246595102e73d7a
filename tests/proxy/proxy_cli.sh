#!/bin/sh
# `vmsg proxy` as a program, over real processes and sockets.
# usage: proxy_cli.sh VMSG
set -u
VMSG=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-proxy-XXXXXX") || exit 3
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "proxy_cli.sh: $*" >&2; for f in "$T"/*.out "$T"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done; exit 1; }
wait_for() { # wait_for FILE PATTERN
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 200 ] && fail "timed out waiting for '$2' in $1"; sleep 0.05
    done
}

# 1. issue 4 done criterion: refdrv -> proxy (unix-listen) -> refdev (exec:
#    refdev --stdio): the script succeeds and the checker reports nothing.
"$VMSG" proxy --driver-side "unix-listen:$T/p.sock" --device-side "exec:$VMSG refdev --stdio" \
    --capture "$T/clean.pcap" --check --report "$T/rep" >"$T/p1.out" 2>"$T/p1.err" &
PID=$!
wait_for "$T/p1.err" "listening on"
"$VMSG" refdrv --connect "unix:$T/p.sock" >"$T/d1.out" 2>"$T/d1.err" || fail "refdrv through the proxy failed"
wait $PID; rc=$?; PID=
[ $rc -eq 0 ] || fail "proxy exited $rc on clean traffic"
grep -q ":frame " "$T/p1.out" && fail "findings on clean traffic"
tail -n 2 "$T/p1.out" | grep -q "^0 passed, 0 failed$" || fail "closing line"
grep -q '"mode": *"proxy"' "$T/rep/results.json" || fail "results.json mode"
"$VMSG" check "$T/clean.pcap" >"$T/c1.out" 2>&1 || fail "vmsg check of the proxy capture"
n=$("$VMSG" dump "$T/clean.pcap" | wc -l)
[ "$n" -gt 50 ] || fail "capture holds $n frames"

# 2. other adapters, reference bus in the middle: refdrv spawned (exec:,
#    enumerating with GET_DEVICES), refdev listening on tcp.
"$VMSG" refdev --once --listen tcp-listen:127.0.0.1:0 >/dev/null 2>"$T/dev2.err" &
DEV=$!
wait_for "$T/dev2.err" "listening on"
ADDR=$(sed -n 's/.*listening on //p' "$T/dev2.err")
"$VMSG" proxy --driver-side "exec:$VMSG refdrv --stdio --bus" --device-side "tcp:$ADDR" --bus ref --check \
    >"$T/p2.out" 2>"$T/p2.err" || fail "proxy with refbus exited $?"
grep -q "driver side program exited with status 0" "$T/p2.err" || fail "refdrv did not succeed through refbus"
grep -q ":frame " "$T/p2.out" && fail "findings on clean traffic through refbus"
wait $DEV || fail "refdev --once exited $?"

# 3. a faulty driver: the finding is printed compiler style, exit 1
"$VMSG" proxy --driver-side "exec:$VMSG refdrv --stdio --fault drv-size-above-max" --device-side builtin:refdev \
    --check >"$T/p3.out" 2>"$T/p3.err"
[ $? -eq 1 ] || fail "faulty traffic: expected exit 1"
grep -q "^proxy:frame [0-9]*: driver.set-vqueue.1: size: expected 1..256" "$T/p3.out" || fail "finding line"

# 4. a killed proxy leaves a readable capture prefix
"$VMSG" proxy --driver-side "exec:$VMSG refdrv --stdio --timeout 60000" \
    --device-side "exec:$VMSG refdev --stdio --fault dev-no-event-used" --capture "$T/cut.pcap" \
    >"$T/p4.out" 2>"$T/p4.err" &
PID=$!
i=0
size() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
while [ "$(size "$T/cut.pcap")" -lt 400 ]; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "no capture written"; sleep 0.05
done
sleep 0.2
kill -9 $PID; wait $PID 2>/dev/null; PID=
"$VMSG" dump "$T/cut.pcap" >"$T/d4.out" 2>"$T/d4.err"
[ $? -eq 0 ] || grep -q "truncated" "$T/d4.err" || fail "capture of a killed proxy unreadable"
[ "$(wc -l <"$T/d4.out")" -gt 10 ] || fail "capture prefix too short"

# 5. usage and transport errors
"$VMSG" proxy --driver-side builtin:refdrv >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing --device-side: expected 2"
"$VMSG" proxy -D builtin:refdrv -E builtin:refdev --bus nonsense >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --bus: expected 2"
"$VMSG" proxy -D builtin:refdrv -E "unix:$T/nobody.sock" 2>"$T/p5.err" >/dev/null; [ $? -eq 3 ] || fail "unreachable: expected 3"
grep -q "nobody.sock: connect" "$T/p5.err" || fail "unreachable side not named"
"$VMSG" proxy --serve -D "unix-listen:$T/s.sock" -E builtin:refdev 2>"$T/p5s.err" >/dev/null
[ $? -eq 2 ] || fail "--serve with a side that does not listen: expected 2"
grep -q "builtin:refdev' does not listen" "$T/p5s.err" || fail "--serve: the side that does not listen is not named"

# 6. --serve: the reference bus on two sockets, a new bus per case of the bus
#    suite; a bus fault behind the sockets is judged like the built-in one
serve_bus() { # bus-spec case-glob -> exit status of vmsg run
    rm -f "$T/bd.sock" "$T/bv.sock"
    "$VMSG" proxy --serve -q --bus "$1" -D "unix-listen:$T/bd.sock" -E "unix-listen:$T/bv.sock" \
        >"$T/p6.out" 2>"$T/p6.err" &
    PID=$!
    i=0
    while [ ! -S "$T/bd.sock" ]; do
        i=$((i + 1)); [ $i -gt 200 ] && fail "--serve: not listening"; sleep 0.05
    done
    rc=0
    "$VMSG" run --suite bus --case "$2" --driver-side "unix:$T/bd.sock" --device-side "unix:$T/bv.sock" >"$T/r6.out" 2>&1 || rc=$?
    kill $PID; wait $PID; prc=$?; PID=
    [ $prc -eq 0 ] || fail "--serve proxy exited $prc after SIGTERM"
    return $rc
}
serve_bus 'ref?dev=1,2' 'bus.forward.*' || fail "clean reference bus on two sockets: vmsg run exited $?"
grep -q "verdicts: PASS 2 (2 cases)" "$T/r6.out" || fail "--serve: expected two PASS: $(tail -1 "$T/r6.out")"
serve_bus 'ref?dev=1,2&fault=bus-wrong-dev-num-forward' 'bus.forward.addressed'
[ $? -eq 1 ] || fail "--serve: bus fault behind the sockets not caught"
grep -q "bus.forward.addressed: FAIL" "$T/r6.out" || fail "--serve: no FAIL line: $(cat "$T/r6.out")"
exit 0
