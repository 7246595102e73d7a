#!/bin/sh
# Run every case of tests/capture/golden/TESTLIST through `vmsg dump` and compare
# stdout, then stderr, then "[exit N]" with golden/NAME.out.
# usage: run-golden.sh VMSG SRCDIR [--update]
# With --update the golden files are rewritten instead (review the diff!).
set -u
vmsg=$1
src=$2
update=${3:-}
here=$src/tests/capture
list=$here/golden/TESTLIST
tmp=$(mktemp -d) || exit 3
trap 'rm -rf "$tmp"' EXIT INT TERM
# Paths in the output are relative to the captures folder.
cd "$src/vectors/captures" || exit 3
fail=0
n=0
while read -r name args; do
    case $name in ''|'#'*) continue ;; esac
    n=$((n + 1))
    # shellcheck disable=SC2086 # the arguments are split on purpose
    "$vmsg" dump $args >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    { cat "$tmp/stdout" "$tmp/stderr"; echo "[exit $rc]"; } >"$tmp/$name.out"
    if [ "$update" = --update ]; then
        cp "$tmp/$name.out" "$here/golden/$name.out"
    elif ! cmp -s "$tmp/$name.out" "$here/golden/$name.out"; then
        echo "FAIL $name: vmsg dump $args"
        diff -u "$here/golden/$name.out" "$tmp/$name.out" | head -40
        fail=$((fail + 1))
    fi
done <"$list"
if [ "$n" -eq 0 ]; then
    echo "$list: no cases"
    exit 1
fi
echo "$n cases, $fail failed"
[ "$fail" -eq 0 ]
