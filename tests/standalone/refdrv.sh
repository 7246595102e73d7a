#!/bin/sh
# `vmsg refdrv` as a program: exit 0 when its script succeeds against refdev
# (spawned with exec:), 1 with the reason on stderr when the
# device breaks the script, 3 when the device is unreachable, 2 on usage.
# usage: refdrv.sh VMSG
set -u
VMSG=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-refdrv-XXXXXX") || exit 3
trap 'rm -rf "$T"' EXIT
fail() { echo "refdrv.sh: $*" >&2; cat "$T/err" >&2 2>/dev/null; exit 1; }
expect() { # expect RC CMD...
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$*: exit $got, expected $want"
}
expect 0 "$VMSG" refdrv --connect "exec:$VMSG refdev --stdio"
expect 0 "$VMSG" refdrv --connect "exec:$VMSG refdev --stdio --personality harness/ref/personalities/many-queues.yaml"
expect 1 "$VMSG" refdrv --timeout 100 --connect "exec:$VMSG refdev --stdio --fault dev-no-event-used"
grep -q "vmsg: refdrv: .*timeout" "$T/err" || fail "no reason on stderr"
expect 3 "$VMSG" refdrv --connect "unix:$T/nobody.sock"
grep -q "connect: No such file" "$T/err" || fail "unreachable device not named"
expect 2 "$VMSG" refdrv --connect "unix:$T/x.sock" --stdio
expect 2 "$VMSG" refdrv --fault no-such-fault --stdio
expect 2 "$VMSG" refdev --stdio --listen unix-listen:/x
# refdrv --stdio, spawned by refdev serving on an exec: link (one peer)
expect 0 "$VMSG" refdev --once --listen "exec:$VMSG refdrv --stdio"
exit 0
