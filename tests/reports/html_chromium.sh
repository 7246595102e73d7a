#!/bin/sh
# The HTML report in headless Chromium: the DOM has the summary, a failing
# case and an SVG ladder; a screenshot is kept as an artifact; a results file
# full of hostile strings renders inert (the only <script> is ours).
# SKIPs (exit 77) when /usr/bin/chromium is missing.
# usage: html_chromium.sh VMSG SRC_DIR OUT_DIR
set -u
vmsg=$1 src=$2 out=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "SKIP: $chromium not installed: HTML report not checked in a browser" >&2
    exit 77
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
run() { # extra-args...
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-quic --user-data-dir="$profile" "$@" 2>/dev/null
}
fail=0
need() { # file pattern what
    grep -q -- "$2" "$1" || { echo "html: $1: $3: no match for '$2'" >&2; fail=1; }
}
"$vmsg" report "$src/fixtures/all-verdicts.json" --format html -o "$out/all-verdicts.html" || exit 1
run --dump-dom "file://$out/all-verdicts.html" > "$out/all-verdicts.dom"
need "$out/all-verdicts.dom" '<p id="tally"><b>1 passed, 4 failed' "summary tally"
need "$out/all-verdicts.dom" 'id="summary"' "summary tiles"
need "$out/all-verdicts.dom" 'class="case" id="case-2" data-verdict="FAIL"' "failing case section"
need "$out/all-verdicts.dom" '<svg class="lad"' "SVG ladder"
need "$out/all-verdicts.dom" '<g class="msg failing" data-n="2">' "failing message in the ladder"
need "$out/all-verdicts.dom" 'id="matrix"' "clause matrix"
need "$out/all-verdicts.dom" 'id="ics"' "conformance statement"
run --screenshot="$out/all-verdicts.png" --window-size=1280,2400 "file://$out/all-verdicts.html" >/dev/null
[ -s "$out/all-verdicts.png" ] || { echo "html: no screenshot written" >&2; fail=1; }

"$vmsg" report "$src/fixtures/hostile.json" --format html -o "$out/hostile.html" || exit 1
run --dump-dom "file://$out/hostile.html" > "$out/hostile.dom"
need "$out/hostile.dom" 'data-verdict="FAIL"' "hostile case rendered"
need "$out/hostile.dom" '&lt;script&gt;alert(1)&lt;/script&gt;' "hostile text shown as text"
n=$(grep -o '<script' "$out/hostile.dom" | wc -l)
[ "$n" -eq 1 ] || { echo "html: hostile.dom: $n <script> elements, expected only ours" >&2; fail=1; }
for bad in '<img' '<svg onload' '<b>bold' '<b>suite' '<i>label'; do
    if grep -q -- "$bad" "$out/hostile.dom"; then
        echo "html: hostile.dom: '$bad' from data became markup" >&2; fail=1
    fi
done
if grep -E -q "<[a-zA-Z][^<>]* on(error|load|mouseover)=" "$out/hostile.dom"; then
    echo "html: hostile.dom: an event handler attribute from data" >&2; fail=1
fi
# a huge string (1 MB) renders and stays inert
awk 'BEGIN { s = "<script>alert(2)</script>"; while (length(s) < 1048576) s = s s;
             printf "{\"schema\":\"vmsg-results/1\",\"cases\":[{\"id\":\"big\",\"verdict\":\"FAIL\",\"evidence\":{\"observed\":\"%s\"}}]}\n", s }' \
    > "$out/huge.json"
"$vmsg" report "$out/huge.json" --format html -o "$out/huge.html" || { echo "html: huge input failed" >&2; exit 1; }
run --dump-dom "file://$out/huge.html" > "$out/huge.dom"
n=$(grep -o '<script' "$out/huge.dom" | wc -l)
[ "$n" -eq 1 ] || { echo "html: huge.dom: $n <script> elements" >&2; fail=1; }
exit $fail
