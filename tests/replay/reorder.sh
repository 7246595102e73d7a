#!/bin/sh
# Reorder-tolerant replay. Captures whose interleaving differs from what the
# live reference answers: responses of three devices behind one refdev
# (small-window personality) in another order than refdev gives them, and a
# refdrv<->refdev session with an EVENT_USED moved later (the IUT sends it
# before the capture says) and earlier (before the EVENT_AVAIL it answers),
# and two EVENT_USED of the same device (queues 0 and 1) swapped.
# The default mode passes them and says how many frames it paired out of
# order; --strict-order reports the divergence; a wrong field is still a
# divergence in the default mode (a difference the --ignore masks hide is
# not); an event moved further than --window is.
# usage: reorder.sh VMSG REPLAY_CAPTURES SOURCE_DIR
set -u
VMSG=$1
RC=$2
SRC=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-reorder-XXXXXX") || exit 3
trap 'rm -rf "$T"' EXIT
fail() { echo "reorder.sh: $*" >&2; for f in "$T"/*.out "$T"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done; exit 1; }
. "$SRC/tests/replay/run_lib.sh" # run, and the same with --threads 1 and 2
P=$SRC/harness/ref/personalities/small-window.yaml
DEV="builtin:refdev?personality=$P"

# three devices, responses in another order than refdev's
run 0 make-two "$RC" two-devices "$P" "$T/two.pcap"
run 0 two "$VMSG" replay "$T/two.pcap" --iut "$DEV" --as driver
grep -q " 0 divergences" "$T/two.out" || fail "two: divergence count"
grep -q "^replay: 3 frames paired out of capture order" "$T/two.out" || fail "two: reordered count"
run 1 two-strict "$VMSG" replay "$T/two.pcap" --iut "$DEV" --as driver --strict-order
grep -q "two.pcap:frame 4: field dev_num: expected 17, got 1" "$T/two-strict.out" || fail "two-strict: divergence line"
grep -q "paired out of capture order" "$T/two-strict.out" && fail "two-strict: reordered"
# a real difference is still one when the order is tolerated
run 0 make-bad "$RC" two-devices "$P" "$T/bad.pcap" corrupt
run 1 bad "$VMSG" replay "$T/bad.pcap" --iut "$DEV" --as driver
grep -q "bad.pcap:frame 5: field device_id: expected 0x2, got 0x1$" "$T/bad.out" || fail "bad: divergence line"
[ "$(grep -c ': field ' "$T/bad.out")" -eq 1 ] || fail "bad: only the corrupted field diverges"

# events: a refdrv session, EVENT_USED moved
run 0 record "$VMSG" proxy --driver-side builtin:refdrv --device-side builtin:refdev --capture "$T/s.pcap"
"$VMSG" dump "$T/s.pcap" >"$T/s.txt" || fail "dump"
setc=$(awk '$5 == "SET_CONFIG" && $6 == "resp" { print $1; exit }' "$T/s.txt")
used=$(awk -v s="$setc" '$1 < s && $5 == "EVENT_USED" { u = $1 } END { print u }' "$T/s.txt")
next=$(awk -v s="$setc" '$1 > s && $5 == "EVENT_USED" { print $1; exit }' "$T/s.txt")
[ -n "$setc" ] && [ -n "$used" ] && [ -n "$next" ] || fail "session has no EVENT_USED around SET_CONFIG"

# recorded after the SET_CONFIG exchange, sent by refdev before it
run 0 make-late "$RC" move "$T/s.pcap" "$T/late.pcap" "$used" "$setc"
run 0 late "$VMSG" replay "$T/late.pcap" --iut builtin:refdev --as driver
grep -q "^replay: 1 frames paired out of capture order" "$T/late.out" || fail "late: reordered count"
run 1 late-strict "$VMSG" replay "$T/late.pcap" --iut builtin:refdev --as driver --strict-order
grep -q "late.pcap:frame [0-9]*: field message: expected SET_CONFIG resp, got EVENT_USED event" "$T/late-strict.out" ||
    fail "late-strict: divergence line"

# recorded before the EVENT_AVAIL it answers: not in by our next frame, left open, paired later
run 0 make-early "$RC" move "$T/s.pcap" "$T/early.pcap" "$used" $((used - 2))
run 0 early "$VMSG" replay "$T/early.pcap" --iut builtin:refdev --as driver --reply-timeout 100
grep -q " 0 divergences" "$T/early.out" || fail "early: divergence count"
grep -q ", 1 events came after our next frame" "$T/early.out" || fail "early: deferred count"
run 1 early-strict "$VMSG" replay "$T/early.pcap" --iut builtin:refdev --as driver --strict-order --reply-timeout 100
grep -q "early.pcap:frame [0-9]*: field (missing)" "$T/early-strict.out" || fail "early-strict: missing line"

# two events of one device and message swapped: EVENT_USED of queue 1 recorded
# where refdev sends the one of queue 0 and the other way round; each frame
# pairs with the open EVENT_USED it equals, not with the oldest
u0=$(awk '$5 == "EVENT_USED" && $NF == "index=0" { print $1; exit }' "$T/s.txt")
u1=$(awk -v a="$u0" '$1 > a && $5 == "EVENT_USED" && $NF == "index=1" { print $1; exit }' "$T/s.txt")
[ -n "$u0" ] && [ -n "$u1" ] || fail "session has no EVENT_USED of queue 0 then of queue 1"
run 0 make-swap "$RC" swap "$T/s.pcap" "$T/swap.pcap" "$u0" "$u1"
run 0 swap "$VMSG" replay "$T/swap.pcap" --iut builtin:refdev --as driver --reply-timeout 100
grep -q " 0 divergences" "$T/swap.out" || fail "swap: divergence count"
grep -q "^replay: 1 frames paired out of capture order" "$T/swap.out" || fail "swap: reordered count"
run 1 swap-strict "$VMSG" replay "$T/swap.pcap" --iut builtin:refdev --as driver --strict-order --reply-timeout 100
grep -q "swap.pcap:frame $u0: field index: expected 1, got 0$" "$T/swap-strict.out" || fail "swap-strict: divergence line"
# a wrong field in one of them (queue 0's, now at u1, says queue 2) still diverges, at its frame
run 0 make-swap-bad "$RC" swap "$T/s.pcap" "$T/swap-bad.pcap" "$u0" "$u1" index=2
run 1 swap-bad "$VMSG" replay "$T/swap-bad.pcap" --iut builtin:refdev --as driver --reply-timeout 100
grep -q "swap-bad.pcap:frame $u1: field index: expected 2, got 0$" "$T/swap-bad.out" || fail "swap-bad: divergence line"
[ "$(grep -c ': field ' "$T/swap-bad.out")" -eq 1 ] || fail "swap-bad: only the corrupted field diverges"
# a difference the masks hide: equal under --ignore token, so it pairs as well
run 0 make-swap-tok "$RC" swap "$T/s.pcap" "$T/swap-tok.pcap" "$u0" "$u1" token=7
run 1 swap-tok "$VMSG" replay "$T/swap-tok.pcap" --iut builtin:refdev --as driver --reply-timeout 100
grep -q "swap-tok.pcap:frame [0-9]*: field token: expected 7, got 0$" "$T/swap-tok.out" || fail "swap-tok: divergence line"
run 0 swap-tok-masked "$VMSG" replay "$T/swap-tok.pcap" --iut builtin:refdev --as driver --reply-timeout 100 \
    --ignore token
grep -q "^replay: 1 frames paired out of capture order" "$T/swap-tok-masked.out" || fail "swap-tok-masked: reordered"

# the window bounds the tolerance: moved just short of the next EVENT_USED (about 10 records)
run 0 make-far "$RC" move "$T/s.pcap" "$T/far.pcap" "$used" $((next - 1))
run 0 far "$VMSG" replay "$T/far.pcap" --iut builtin:refdev --as driver
run 1 far-window "$VMSG" replay "$T/far.pcap" --iut builtin:refdev --as driver --window 4 --reply-timeout 100
grep -q "far.pcap:frame [0-9]*: field (unexpected): expected a frame recorded within 4 records of here" \
    "$T/far-window.out" || fail "far-window: unexpected line"

# options
run 2 window-strict "$VMSG" replay "$T/two.pcap" --iut "$DEV" --as driver --strict-order --window 8
run 2 window-zero "$VMSG" replay "$T/two.pcap" --iut "$DEV" --as driver --window 0
grep -q "^vmsg: replay: --window: expected 1..4096, got '0'$" "$T/window-zero.err" || fail "window-zero: message"
exit 0
