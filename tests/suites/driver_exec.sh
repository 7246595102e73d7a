#!/bin/sh
# The driver suite over exec: against the standalone reference driver
# (`vmsg refdrv --stdio`): clean -> exit 0, every case passes; with a fault ->
# exit 1 and a FAIL citing the fault's clause; usage errors -> exit 2.
# usage: driver_exec.sh VMSG
set -u
VMSG=$1
fail() { echo "driver_exec.sh: $*" >&2; exit 1; }

out=$("$VMSG" run --suite driver --iut "exec:$VMSG refdrv --stdio" 2>&1); rc=$?
[ $rc -eq 0 ] || fail "clean refdrv: exit $rc, expected 0: $out"
echo "$out" | grep -q '^21 passed, 0 failed' || fail "clean refdrv: expected 21 passes: $out"

out=$("$VMSG" run --suite driver -k 'driver.init.*' -v \
      --iut "exec:$VMSG refdrv --stdio --fault drv-skip-get-vqueue" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "faulted refdrv: exit $rc, expected 1: $out"
echo "$out" | grep -q 'FAIL: driver.vq-setup.1: ' || fail "faulted refdrv: no FAIL citing driver.vq-setup.1: $out"

"$VMSG" refdrv >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "refdrv without --stdio/--connect: exit $rc, expected 2"
"$VMSG" refdrv --stdio --fault no-such-fault </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "refdrv with an unknown fault: exit $rc, expected 2"
echo "driver_exec.sh: ok"
