#!/bin/sh
# static-check.sh [BUILD_DIR]: cppcheck and clang-tidy over harness/ suites/
# reports/ tools/, using BUILD_DIR/compile_commands.json (default build).
#
#   tools/static-check.sh build
#
# cppcheck: --enable=warning,portability,performance, suppressions in
# tools/cppcheck-suppressions.txt (each with its reason) and inline
# `cppcheck-suppress` comments. clang-tidy: the checks of .clang-tidy (every
# finding is an error). Exit 0 clean, 1 findings, 2 usage, 77 when cppcheck or
# clang-tidy is missing (ctest counts it as skipped).
# Environment: JOBS (parallel clang-tidy runs, default: cores), CLANG_TIDY,
# CPPCHECK (program names).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
db=$build/compile_commands.json
CPPCHECK=${CPPCHECK:-cppcheck}
CLANG_TIDY=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy || echo clang-tidy)}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ ! -f "$db" ]; then
    echo "static-check.sh: $db: missing (configure the build with CMake first)" >&2
    exit 2
fi
for t in "$CPPCHECK" "$CLANG_TIDY"; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "static-check.sh: $t not installed: skipping the static checks" >&2
        exit 77
    fi
done

# A compile database of our own sources only (not tests/, not generated files).
work=$(mktemp -d "${TMPDIR:-/tmp}/vmsg-static.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
awk -v top="$top" '
    /^\{/ { rec = $0; keep = 0; next }
    /^\}/ {
        if (keep) { printf "%s%s\n}", (n++ ? ",\n" : "[\n"), rec }
        rec = ""; next
    }
    {
        rec = rec "\n" $0
        if ($0 ~ /"file":/) {
            f = $0; sub(/.*"file": *"/, "", f); sub(/".*/, "", f)
            if (index(f, top "/") == 1) {
                rel = substr(f, length(top) + 2)
                if (rel ~ /^(harness|suites|reports|tools)\//) { keep = 1; print f > "/dev/stderr" }
            }
        }
    }
    END { print (n ? "\n]" : "[]") }
' "$db" >"$work/compile_commands.json" 2>"$work/files"
sort -u "$work/files" >"$work/files.sorted"
nfiles=$(wc -l <"$work/files.sorted")
if [ "$nfiles" -eq 0 ]; then
    echo "static-check.sh: no sources of harness/ suites/ reports/ tools/ in $db" >&2
    exit 2
fi

rc=0
echo "static-check.sh: cppcheck over $nfiles files"
# cppcheck does not know the compiler's predefined byte-order macros; give the
# x86-64/arm64 values so that little-endian-only code (harness/bus/shm.c) is analyzed.
"$CPPCHECK" --project="$work/compile_commands.json" --enable=warning,portability,performance \
    --platform=unix64 -D__BYTE_ORDER__=1234 -D__ORDER_LITTLE_ENDIAN__=1234 -D__ORDER_BIG_ENDIAN__=4321 \
    --error-exitcode=1 --inline-suppr --suppressions-list="$top/tools/cppcheck-suppressions.txt" \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' -q -j "$JOBS" || rc=1

echo "static-check.sh: clang-tidy ($CLANG_TIDY) over $nfiles files"
# One clang-tidy per file group; --quiet keeps the output to the findings.
xargs -n 4 -P "$JOBS" "$CLANG_TIDY" -p "$work" --quiet <"$work/files.sorted" >"$work/tidy.out" 2>"$work/tidy.err" ||
    rc=1
grep -E ': (warning|error): ' "$work/tidy.out" | sort -u || true
if [ "$rc" != 0 ] && ! grep -q ': error: ' "$work/tidy.out" && [ -s "$work/tidy.err" ]; then
    grep -v 'warnings generated\|^Suppressed\|^Use -header-filter\|NOLINT' "$work/tidy.err" >&2 || true
fi
[ "$rc" = 0 ] && echo "static-check.sh: clean" || echo "static-check.sh: findings (see above)"
exit "$rc"
