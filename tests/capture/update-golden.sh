#!/bin/sh
# Rewrite tests/capture/golden/*.out from the current `vmsg dump`.
# usage: tests/capture/update-golden.sh [BUILD_DIR]   (default: build)
# Then review `git diff tests/capture/golden` like code before committing.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
exec sh "$src/tests/capture/run-golden.sh" "$build/tools/vmsg/vmsg" "$src" --update
