#!/bin/sh
# The device suite against `vmsg refdev` as a separate program, over one
# transport: exec (refdev --stdio spawned per case) or a listening refdev
# (unix, tcp, seqpacket, shm) serving one peer after another. Passes when
# the run reports no FAIL and no ERROR (exit 0) and refdev stops cleanly.
# usage: device_suite.sh VMSG exec|unix|tcp|seqpacket|shm
set -u
VMSG=$1
KIND=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-standalone-XXXXXX") || exit 3
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "device_suite.sh: $KIND: $*" >&2; [ -f "$T/refdev.err" ] && cat "$T/refdev.err" >&2; exit 1; }

# Start a listening refdev and wait until it says where it listens.
listen() {
    "$VMSG" refdev --listen "$1" $2 >/dev/null 2>"$T/refdev.err" &
    PID=$!
    i=0
    while ! grep -q "listening on" "$T/refdev.err" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 200 ] && fail "refdev did not start listening"
        kill -0 "$PID" 2>/dev/null || fail "refdev exited early"
        sleep 0.05
    done
    sed -n 's/.*listening on //p' "$T/refdev.err" | head -n 1
}

EXTRA=
case $KIND in
exec) IUT="exec:$VMSG refdev --stdio" ;;
unix) listen "unix-listen:$T/dev.sock" "" >/dev/null; IUT="unix:$T/dev.sock" ;;
tcp) # not in $(...): PID must be set in this shell to stop refdev at the end
    listen "tcp-listen:127.0.0.1:0" "" >"$T/addr"; IUT="tcp:$(cat "$T/addr")" ;;
seqpacket) listen "seqpacket-listen:$T/dev.sock" "" >/dev/null; IUT="seqpacket:$T/dev.sock" ;;
shm) # one message per 64-byte slot: both sides use 64 as the bus maximum
    listen "shm:$T/q" "--max-size 64" >/dev/null; IUT="shm:$T/q"; EXTRA="--max-size 64" ;;
*) echo "device_suite.sh: unknown transport '$KIND'" >&2; exit 2 ;;
esac

"$VMSG" run --suite device --iut "$IUT" $EXTRA -v >"$T/run.out" 2>&1
rc=$?
cat "$T/run.out"
[ $rc -eq 0 ] || fail "vmsg run exited $rc"
last=$(tail -n 1 "$T/run.out")
case $last in
*" 0 failed"*) ;;
*) fail "closing line: $last" ;;
esac
case $last in
*error*) fail "errors in: $last" ;;
esac
if [ -n "$PID" ]; then
    kill "$PID"
    wait "$PID"
    prc=$?
    PID=
    [ $prc -eq 0 ] || fail "refdev exited $prc after SIGTERM"
fi
exit 0
