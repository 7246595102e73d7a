#!/bin/sh
# Regenerate tests/reports/fixtures/api.json (through the writer API) and
# every golden output, then review the diff like code: `git diff tests/reports`.
# usage: tests/reports/update-golden.sh [BUILD_DIR]   (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
"$build/tests/reports/results_writer" --write-api-fixture "$here/fixtures/api.json"
while read -r name fmt ext; do
    case $name in ''|'#'*) continue ;; esac
    "$build/tools/vmsg/vmsg" report "$here/fixtures/$name.json" --format "$fmt" -o "$here/golden/$name.$ext"
done < "$here/golden/INDEX"
echo "updated: review with git diff $here"
