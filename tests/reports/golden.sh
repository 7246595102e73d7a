#!/bin/sh
# Golden outputs: every writer on every fixture, compared byte for byte with
# tests/reports/golden/. Update with tests/reports/update-golden.sh BUILD_DIR.
# usage: golden.sh VMSG SRC_DIR OUT_DIR
set -u
vmsg=$1 src=$2 out=$3/golden
mkdir -p "$out"
fail=0
while read -r name fmt ext; do
    case $name in ''|'#'*) continue ;; esac
    got=$out/$name.$ext
    if ! "$vmsg" report "$src/fixtures/$name.json" --format "$fmt" -o "$got"; then
        echo "golden: $name.$ext: vmsg report failed" >&2; fail=1; continue
    fi
    if ! cmp -s "$got" "$src/golden/$name.$ext"; then
        echo "golden: $src/golden/$name.$ext: differs from $got:" >&2
        diff -u "$src/golden/$name.$ext" "$got" | head -40 >&2
        fail=1
    fi
done < "$src/golden/INDEX"
exit $fail
