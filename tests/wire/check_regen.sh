#!/bin/sh
# Regenerate the vector index and diff it against the committed copy.
# usage: check_regen.sh VMSG_VECTORS COMMITTED_TSV SCRATCH_TSV
set -eu
gen=$1 committed=$2 scratch=$3
"$gen" > "$scratch"
if ! diff -u "$committed" "$scratch"; then
    echo "$committed: stale: the generator writes something else; run tools/vectors/update.sh and review the diff" >&2
    exit 1
fi
