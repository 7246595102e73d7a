#!/bin/sh
# Dissector tests through tshark: run.sh MODE PLUGIN.so MKCAP GOLDEN_DIR
#   registered  plugin loads; every protocol and field is registered
#   golden      -T fields and -V trees of every capture mkcap writes, plus
#               the stats tree, compared with GOLDEN_DIR (VMSG_UPDATE_GOLDEN=1
#               rewrites them instead: see update-golden.sh)
#   fuzz        1000 copies of the captures mutated by editcap -E 0.05
#               (seeds 1, 2) dissected without a crash or a "Dissector bug"
#   valgrind    every capture once under valgrind; no error in our plugin
#   samples     the committed sample captures (vectors/captures, written by
#               the capture writer, another program than mkcap) in -T fields
#               form, compared with GOLDEN_DIR/samples; 5th argument: that folder
# Exit 77 (skipped) when tshark (or, for its mode, valgrind/editcap) is missing.
set -u
mode=$1 plugin=$2 mkcap=$3 golden=$4

command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }

work=$(mktemp -d) || exit 3
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
# tshark ignores user plugin folders when it runs as root: run it as nobody
# with a plugin folder of its own that nobody can read.
base=$work/plugins
ver=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
mkdir -p "$base/$ver/epan" "$work/caps" "$work/out"
cp "$plugin" "$base/$ver/epan/" || exit 3
chmod -R a+rX "$work"
if [ "$(id -u)" = 0 ]; then
    asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    asuser=""
fi
ts() {
    $asuser env HOME=/nonexistent TZ=UTC LC_ALL=C WIRESHARK_PLUGIN_DIR="$base" tshark "$@"
}
"$mkcap" "$work/caps" || { echo "FAIL: mkcap"; exit 3; }
caps="v1 v1-noresv rfc2 v0 v2-draft ffa-b ffa-c ffa-d ffa-e errors bare user0 tcp udp"
opts_for() {
    case $1 in
    ffa-*) echo "-o virtio-msg.binding:$1" ;;
    tcp) echo "-o virtio-msg.tcp.port:5555" ;;
    *) echo "" ;;
    esac
}
fail=0

case $mode in
registered)
    ts -G plugins 2>/dev/null | grep -q "virtio_msg.so" || { echo "FAIL: plugin not listed by tshark -G plugins"; exit 1; }
    ts -G protocols 2>/dev/null | cut -f3 > "$work/protos"
    for p in virtio-msg vmsgcap; do
        grep -qx "$p" "$work/protos" || { echo "FAIL: protocol $p not registered"; fail=1; }
    done
    ts -G fields 2>/dev/null | awk -F'\t' '$1 == "F" && ($5 == "virtio-msg" || $5 == "vmsgcap") {print $3 "\t" $4}' \
        > "$work/out/fields.txt"
    # A few fields the brief names explicitly, then the whole list.
    for f in virtio-msg.generation virtio-msg.msg_id virtio-msg.token virtio-msg.feature virtio-msg.unmatched \
             virtio-msg.response_in virtio-msg.request_in virtio-msg.time virtio-msg.device \
             virtio-msg.status.driver_ok vmsgcap.profile vmsgcap.bus_instance; do
        grep -q "^$f	" "$work/out/fields.txt" || { echo "FAIL: field $f not registered"; fail=1; }
    done
    if [ "${VMSG_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$work/out/fields.txt" "$golden/fields.txt"
    elif ! diff -u "$golden/fields.txt" "$work/out/fields.txt"; then
        echo "FAIL: registered fields differ from $golden/fields.txt"
        fail=1
    fi
    ;;
golden)
    F="-e frame.number -e vmsgcap.direction -e virtio-msg.msg_name -e virtio-msg.kind -e virtio-msg.dev_num"
    F="$F -e virtio-msg.token -e virtio-msg.msg_size -e virtio-msg.outcome -e virtio-msg.request_in"
    F="$F -e virtio-msg.response_in -e virtio-msg.time -e virtio-msg.unmatched -e _ws.col.Info -e _ws.expert.message"
    for c in $caps; do
        o=$(opts_for "$c")
        # shellcheck disable=SC2086
        ts -r "$work/caps/$c.pcap" -2 $o -T fields -E header=y -E occurrence=a -E aggregator='|' $F \
            > "$work/out/$c.fields" 2> "$work/out/$c.err" || { echo "FAIL: $c: tshark -T fields exit $?"; fail=1; }
        # shellcheck disable=SC2086
        ts -r "$work/caps/$c.pcap" -2 $o -V -O vmsgcap,virtio-msg > "$work/out/$c.tree" 2>> "$work/out/$c.err" \
            || { echo "FAIL: $c: tshark -V exit $?"; fail=1; }
    done
    # Single pass: responses still find their requests.
    ts -r - $F -T fields -E header=y -E occurrence=a -E aggregator='|' < "$work/caps/errors.pcap" \
        > "$work/out/errors.1pass.fields" 2>/dev/null || fail=1
    # The USER link type claim can be turned off (the record is left to user_dlt).
    ts -r - -o virtio-msg.user_dlt:off -T fields -e frame.protocols < "$work/caps/user0.pcap" \
        > "$work/out/user0-off.fields" 2>/dev/null || fail=1
    for c in v1 errors; do
        ts -r "$work/caps/$c.pcap" -2 -q -z virtio-msg,tree > "$work/out/$c.stats" 2>/dev/null || fail=1
    done
    if grep -l "Dissector bug\|DISSECTOR_ASSERT\|Malformed Packet" "$work/out/"*.tree "$work/out/"*.fields \
            "$work/out/"*.err 2>/dev/null; then
        echo "FAIL: dissector bug or exception in the outputs above"
        fail=1
    fi
    rm -f "$work/out/"*.err
    if [ "${VMSG_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$work/out/"* "$golden/"
        echo "golden files rewritten in $golden"
    else
        for f in "$work/out/"*; do
            n=$(basename "$f")
            if [ ! -f "$golden/$n" ]; then
                echo "FAIL: $golden/$n missing (run tests/dissector/update-golden.sh)"
                fail=1
            elif ! diff -u "$golden/$n" "$f"; then
                echo "FAIL: $n differs from golden"
                fail=1
            fi
        done
    fi
    ;;
fuzz)
    command -v editcap >/dev/null 2>&1 && command -v mergecap >/dev/null 2>&1 \
        || { echo "SKIP: editcap/mergecap not installed"; exit 77; }
    # 1000 captures: the captures (bare and user0 aside: other tag lengths
    # and link type) in rotation, mutated by editcap -E 0.05 with fixed seeds.
    # editcap costs ~0.1 s per start, so the 1000 are concatenated and
    # mutated in one run per seed (the PRNG moves on: every copy gets its own
    # mutations). -o 16 spares the exported-PDU tags (Wireshark's own
    # exported_pdu dissector asserts on broken tags): the capture header and
    # the message take the mutations.
    set --
    for c in $caps; do
        case $c in bare | user0 | tcp | udp) ;; *) set -- "$@" "$work/caps/$c.pcap" ;; esac
    done
    n=$#
    set --
    i=0
    while [ $i -lt 1000 ]; do
        k=0
        for c in $caps; do
            case $c in bare | user0 | tcp | udp) continue ;; esac
            [ $k = $((i % n)) ] && set -- "$@" "$work/caps/$c.pcap"
            k=$((k + 1))
        done
        i=$((i + 1))
    done
    mergecap -F pcap -a -w "$work/copies.pcap" "$@" || exit 3
    for seed in 1 2; do
        editcap -F pcap -E 0.05 --seed $seed -o 16 "$work/copies.pcap" "$work/mut$seed.pcap" 2>/dev/null || exit 3
        chmod a+r "$work/mut$seed.pcap"
    done
    # seed 1 under the profiles' own messages, seed 2 under an FF-A binding
    for run in "1 none" "2 ffa-e"; do
        set -- $run
        ts -r "$work/mut$1.pcap" -2 -o virtio-msg.binding:$2 -V > /dev/null 2> "$work/out/fuzz.err"
        rc=$?
        if [ $rc != 0 ]; then
            echo "FAIL: tshark exit $rc on mutated captures (seed $1, binding $2)"
            tail -5 "$work/out/fuzz.err"
            fail=1
        fi
        if grep -m5 "Dissector bug\|DISSECTOR_ASSERT\|assertion" "$work/out/fuzz.err"; then
            echo "FAIL: dissector bug on mutated captures (seed $1, binding $2)"
            fail=1
        fi
    done
    echo "fuzz: 1000 captures mutated with seeds 1 and 2 ($(wc -c < "$work/copies.pcap") bytes each run)"
    ;;
samples)
    vec=${5:-}
    [ -n "$vec" ] && [ -d "$vec" ] || { echo "SKIP: no sample captures folder"; exit 77; }
    mkdir -p "$work/out/samples"
    F="-e frame.number -e vmsgcap.direction -e virtio-msg.msg_name -e virtio-msg.kind -e virtio-msg.dev_num"
    F="$F -e virtio-msg.request_in -e virtio-msg.response_in -e _ws.col.Info -e _ws.expert.message"
    n=0
    for f in "$vec"/sample-*.pcap "$vec"/form-*.pcap "$vec"/oddities-*.pcap; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .pcap)
        case $name in *ffa-b*) o="-o virtio-msg.binding:ffa-b" ;; *ffa-c*) o="-o virtio-msg.binding:ffa-c" ;;
                      *ffa-d*) o="-o virtio-msg.binding:ffa-d" ;; *ffa-e*) o="-o virtio-msg.binding:ffa-e" ;; *) o="" ;; esac
        # shellcheck disable=SC2086
        ts -r - $o -T fields -E header=y -E occurrence=a -E aggregator='|' $F < "$f" \
            > "$work/out/samples/$name.fields" 2> "$work/out/err" || { echo "FAIL: $name: tshark exit $?"; fail=1; }
        if grep "Dissector bug" "$work/out/err" "$work/out/samples/$name.fields"; then
            echo "FAIL: $name: dissector bug"
            fail=1
        fi
        n=$((n + 1))
    done
    [ $n -gt 0 ] || { echo "SKIP: no sample captures in $vec"; exit 77; }
    if [ "${VMSG_UPDATE_GOLDEN:-0}" = 1 ]; then
        rm -rf "$golden/samples" && cp -r "$work/out/samples" "$golden/samples"
    elif ! diff -ru "$golden/samples" "$work/out/samples"; then
        echo "FAIL: sample captures decode differently from $golden/samples"
        fail=1
    fi
    ;;
valgrind)
    command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind not installed"; exit 77; }
    set --
    for c in $caps; do
        case $c in user0 | tcp | udp) ;; *) set -- "$@" "$work/caps/$c.pcap" ;; esac
    done
    mergecap -F pcap -a -w "$work/all.pcap" "$@" || exit 3
    chmod a+r "$work/all.pcap"
    mkdir "$work/vg" && chmod 777 "$work/vg" # the report is written as nobody
    supp=""
    [ -f /usr/share/glib-2.0/valgrind/glib.supp ] && supp="--suppressions=/usr/share/glib-2.0/valgrind/glib.supp"
    $asuser env HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$base" G_SLICE=always-malloc \
        valgrind $supp --error-exitcode=0 --num-callers=30 --leak-check=no --xml=yes --xml-file="$work/vg/vg.xml" \
        tshark -r "$work/all.pcap" -2 -V > /dev/null 2>&1
    [ -s "$work/vg/vg.xml" ] || { echo "FAIL: valgrind wrote no report"; exit 1; }
    # Count only errors whose stack passes through our plugin.
    ours=$(awk '/<error>/{e=""; inerr=1} inerr{e=e $0 "\n"} /<\/error>/{inerr=0; if (e ~ /virtio_msg\.so/) {n++; printf "%s", e}} END{print n+0 > "/dev/stderr"}' \
        "$work/vg/vg.xml" 2>&1 >"$work/ours.xml")
    total=$(grep -c "<error>" "$work/vg/vg.xml")
    echo "valgrind: $total error(s) in total, $ours in virtio_msg.so"
    if [ "$ours" != 0 ]; then
        grep -E "<kind>|<fn>|<file>|<line>" "$work/ours.xml" | head -60
        fail=1
    fi
    ;;
*)
    echo "run.sh: unknown mode '$mode' (registered, golden, fuzz, samples, valgrind)" >&2
    exit 2
    ;;
esac
[ $fail = 0 ] && echo "PASS: dissector $mode"
exit $fail
