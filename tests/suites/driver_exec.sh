#!/bin/sh
# The driver suite over exec: against the standalone reference driver
# (`vmsg refdrv --stdio`): clean -> exit 0, every case passes; with a fault ->
# exit 1 and a FAIL citing the fault's clause; every script clean too; usage
# errors -> exit 2.
# usage: driver_exec.sh VMSG
set -u
VMSG=$1
fail() { echo "driver_exec.sh: $*" >&2; exit 1; }

n=$("$VMSG" run --suite driver -l | wc -l)
[ "$n" -gt 0 ] || fail "the driver suite lists no cases"
out=$("$VMSG" run --suite driver --iut "exec:$VMSG refdrv --stdio" 2>&1); rc=$?
[ $rc -eq 0 ] || fail "clean refdrv: exit $rc, expected 0: $out"
echo "$out" | grep -q "^$n passed, 0 failed" || fail "clean refdrv: expected $n passes: $out"

# every refdrv script takes choices v1 allows: the driver suite passes each
for s in verify late-queues features-all write-twice poll-config; do
    out=$("$VMSG" run --suite driver --iut "exec:$VMSG refdrv --stdio --script $s" 2>&1); rc=$?
    [ $rc -eq 0 ] || fail "refdrv --script $s: exit $rc, expected 0: $out"
    echo "$out" | grep -q "^$n passed, 0 failed" || fail "refdrv --script $s: expected $n passes: $out"
done
"$VMSG" refdrv --stdio --script no-such-script </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "refdrv with an unknown script: exit $rc, expected 2"

out=$("$VMSG" run --suite driver -k 'driver.init.*' -v \
      --iut "exec:$VMSG refdrv --stdio --fault drv-skip-get-vqueue" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "faulted refdrv: exit $rc, expected 1: $out"
echo "$out" | grep -q 'FAIL: driver.vq-setup.1: ' || fail "faulted refdrv: no FAIL citing driver.vq-setup.1: $out"

"$VMSG" refdrv >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "refdrv without --stdio/--connect: exit $rc, expected 2"
"$VMSG" refdrv --stdio --fault no-such-fault </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "refdrv with an unknown fault: exit $rc, expected 2"
echo "driver_exec.sh: ok"
