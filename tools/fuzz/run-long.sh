#!/bin/sh
# run-long.sh TARGET SECONDS: fuzz one target for longer than the CI smoke.
#
#   tools/fuzz/run-long.sh decode 600
#
# Needs a libFuzzer build (default build-fuzz, override with FUZZ_BUILD_DIR):
#   CC=clang cmake -S . -B build-fuzz -DVMSG_FUZZ=ON && cmake --build build-fuzz
# The corpus grows in $FUZZ_BUILD_DIR/tools/fuzz/work/TARGET (never in the
# sources); seeds and vectors/regress/TARGET are read. Crashers land in
# $FUZZ_BUILD_DIR/tools/fuzz/artifacts/TARGET/. To keep one forever:
#   cp CRASHER vectors/regress/TARGET/<what-it-broke>
# and fix the bug; ctest replays vectors/regress/ in every build.
# Extra libFuzzer flags may follow SECONDS (e.g. -jobs=2 -workers=2).
set -eu

usage() {
    echo "usage: tools/fuzz/run-long.sh TARGET SECONDS [LIBFUZZER-FLAGS...]" >&2
    echo "example: tools/fuzz/run-long.sh decode 600" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]*) usage ;; esac

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/tools/fuzz/fuzz-$target
if [ ! -x "$bin" ]; then
    echo "run-long.sh: $bin: no such libFuzzer target (configure $build with -DVMSG_FUZZ=ON and build)" >&2
    exit 2
fi
work=$build/tools/fuzz/work/$target
art=$build/tools/fuzz/artifacts/$target
mkdir -p "$work" "$art"
set -- "$@" "$work"
for d in "$top/tools/fuzz/corpus/$target" "$build/tools/fuzz/seeds/$target" "$top/vectors/regress/$target"; do
    [ -d "$d" ] && set -- "$@" "$d"
done
# Loader targets write each input to a temporary file: keep it in memory.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    TMPDIR=/dev/shm
    export TMPDIR
fi
echo "run-long.sh: fuzzing $target for ${seconds}s; corpus $work; crashers in $art/"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} exec "$bin" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$art/" "$@"
