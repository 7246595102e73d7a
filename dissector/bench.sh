#!/bin/sh
# Throughput of tshark with the plugin on an N-message capture (default 1M).
# Prints messages/s with the plugin decoding every message
# (`-T fields -e virtio-msg.msg_id`, what DESIGN.md section 9 compares
# `vmsg check` against) and with virtio-msg and vmsgcap disabled (tshark's
# own cost of reading and printing the same records), and their ratio.
# Measures only; nothing here is asserted by a test.
#   dissector/bench.sh [BUILD_DIR] [N]
set -eu
build=${1:-build}
n=${2:-1000000}
plugin=$(find "$build/dissector/plugins" -name virtio_msg.so | head -1)
[ -n "$plugin" ] || { echo "bench.sh: $build: plugin not built" >&2; exit 2; }
command -v tshark >/dev/null || { echo "bench.sh: tshark not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
ver=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
mkdir -p "$work/p/$ver/epan"
cp "$plugin" "$work/p/$ver/epan/"
"$build/tests/dissector/mkcap" --bench "$n" "$work/bench.pcap"
chmod -R a+rX "$work"
asuser=""
[ "$(id -u)" = 0 ] && asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
now() { date +%s.%N; }
run() {
    t0=$(now)
    $asuser env HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$work/p" tshark -r - "$@" < "$work/bench.pcap" > "$work/out" 2>/dev/null
    t1=$(now)
    lines=$(wc -l < "$work/out")
    echo "$t0 $t1 $lines"
}
set -- $(run -T fields -e virtio-msg.msg_id)
with=$(echo "$1 $2" | awk -v n="$n" '{printf "%.0f", n / ($2 - $1)}')
[ "$3" = "$n" ] || echo "bench.sh: warning: $3 lines for $n messages" >&2
set -- $(run --disable-protocol virtio-msg --disable-protocol vmsgcap -T fields -e frame.number)
without=$(echo "$1 $2" | awk -v n="$n" '{printf "%.0f", n / ($2 - $1)}')
echo "tshark + plugin, -T fields -e virtio-msg.msg_id: $with messages/s ($n messages)"
echo "tshark, plugin disabled, -e frame.number:        $without messages/s"
echo "ratio plugin/disabled: $(echo "$with $without" | awk '{printf "%.2f", $1 / $2}')"
