#!/bin/sh
# Run one `vmsg decode` golden case and diff against tests/wire/golden/NAME.out.
# usage: run_golden.sh VMSG GOLDEN_DIR NAME [--update]
set -eu
vmsg=$1 dir=$2 name=$3 update=${4:-}
line=$(awk -F '\t' -v n="$name" '$1 == n { print; exit }' "$dir/cases.txt")
if [ -z "$line" ]; then
    echo "$dir/cases.txt: $name: no such case" >&2
    exit 2
fi
stdin=$(printf '%s\n' "$line" | awk -F '\t' '{ print $2 }')
args=$(printf '%s\n' "$line" | awk -F '\t' '{ print $3 }')
[ "$stdin" = "-" ] && stdin=/dev/null || stdin=$dir/$stdin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -f
# shellcheck disable=SC2086
set -- $args
set +e
"$vmsg" decode "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
{ cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; echo "--- exit $rc"; } >"$tmp/all"
if [ "$update" = "--update" ]; then
    cp "$tmp/all" "$dir/$name.out"
    exit 0
fi
if ! diff -u "$dir/$name.out" "$tmp/all"; then
    echo "$dir/$name.out: golden output differs (tests/wire/golden/update.sh regenerates; review the diff)" >&2
    exit 1
fi
