#!/bin/sh
# Regenerate every golden `vmsg decode` output from cases.txt.
# usage: tests/wire/golden/update.sh [BUILD_DIR]    (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../../build}
vmsg=$build/tools/vmsg/vmsg
grep -v '^#' "$here/cases.txt" | awk -F '\t' 'NF { print $1 }' | while read -r name; do
    sh "$here/../run_golden.sh" "$vmsg" "$here" "$name" --update
done
echo "updated $(ls "$here"/*.out | wc -l) golden outputs in $here"
