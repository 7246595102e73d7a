#!/bin/sh
# Every page in docs/man renders without a warning (groff -ww, and man -l when
# man-db is there), and every long option of `vmsg CMD --help` is described
# in vmsg-CMD(1). usage: check.sh VMSG DOCS_MAN_DIR
set -eu
vmsg=$1 dir=$2
command -v groff >/dev/null || { echo "check.sh: groff is missing (Debian: groff-base)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "check.sh: FAIL: $*"; fails=$((fails + 1)); }
for page in "$dir"/*.1; do
    name=${page##*/}
    groff -man -Tutf8 -ww -z "$page" >"$tmp/warn" 2>&1 || fail "$name: groff exit $?"
    [ -s "$tmp/warn" ] && fail "$name: $(head -n 3 "$tmp/warn")"
    if command -v man >/dev/null; then
        MANWIDTH=80 man --warnings -E UTF-8 -l "$page" >"$tmp/text" 2>"$tmp/warn" || fail "$name: man -l exit"
        [ -s "$tmp/warn" ] && fail "$name: man -l: $(head -n 3 "$tmp/warn")"
    else
        groff -man -Tutf8 "$page" 2>/dev/null | col -b 2>/dev/null >"$tmp/text" ||
            groff -man -Tascii -P-c -P-b -P-u "$page" >"$tmp/text"
    fi
    grep -q '^NAME' "$tmp/text" && grep -q '^EXAMPLES' "$tmp/text" && grep -q '^EXIT STATUS' "$tmp/text" ||
        fail "$name: NAME, EXIT STATUS or EXAMPLES section missing"
    cp "$tmp/text" "$tmp/${name%.1}.txt"
done
# every command has a page, and its page names every option its --help names
for cmd in $("$vmsg" --list-commands); do
    txt=$tmp/vmsg-$cmd.txt
    if [ ! -f "$txt" ]; then
        # commands still being merged get their page with them: said, not failed
        echo "check.sh: note: no page docs/man/vmsg-$cmd.1 yet"
        continue
    fi
    grep -q "vmsg-$cmd(1)" "$tmp/vmsg.txt" || fail "vmsg(1) does not list vmsg-$cmd(1)"
    for opt in $("$vmsg" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "$opt" "$txt" || fail "vmsg-$cmd(1) does not describe $opt (vmsg $cmd --help has it)"
    done
done
n=$(ls "$dir"/*.1 | wc -l)
[ "$fails" = 0 ] && echo "check.sh: $n pages render cleanly and cover every --help option" ||
    echo "check.sh: $fails problem(s)"
[ "$fails" = 0 ]
