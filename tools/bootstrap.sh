#!/bin/sh
# bootstrap.sh: from a fresh Debian 12 machine to results, in one command.
#
#   tools/bootstrap.sh run    install what is missing, build, run the suites against
#                             the built-in reference implementations, write the reports
#   tools/bootstrap.sh test   install what is missing, build three times (gcc; clang with
#                             ASan+UBSan; clang libFuzzer) and run every test with ctest in the
#                             first two, a bounded fuzz smoke in the third
#   tools/bootstrap.sh build  install and build only
#
# Idempotent: packages already present are not touched, builds are incremental.
# Environment: BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan),
# JOBS (default: number of cores), VMSG_SKIP_INSTALL=1 to never call apt-get.
set -eu

cd "$(dirname "$0")/.."
top=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# What the build and the tests use, as Debian 12 package names.
BUILD_PKGS="cmake make gcc clang pkg-config libc6-dev libcmocka-dev libpcap-dev libyaml-dev
 libjansson-dev lcov libwireshark-dev wireshark-dev tshark util-linux"
TEST_PKGS="libxml2-utils valgrind chromium man-db groff-base"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

install_missing() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    [ "${VMSG_SKIP_INSTALL:-0}" = 1 ] && die "missing packages:$missing (VMSG_SKIP_INSTALL=1)"
    [ "$(id -u)" = 0 ] || die "missing packages:$missing; run as root or install them"
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

configure_build() { # dir, extra cmake args...
    dir=$1
    shift
    if [ ! -f "$dir/CMakeCache.txt" ]; then
        cmake -S "$top" -B "$dir" "$@" >/dev/null
    fi
    cmake --build "$dir" -j "$JOBS" -- --no-print-directory >/dev/null ||
        cmake --build "$dir" -j 1 # rebuild serially so the first error is readable
}

do_build() {
    # shellcheck disable=SC2086
    install_missing $BUILD_PKGS
    say "building in $BUILD_DIR"
    configure_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

do_run() {
    do_build
    vmsg="$top/$BUILD_DIR/tools/vmsg/vmsg"
    out="$top/$BUILD_DIR/vmsg-report"
    mkdir -p "$out"
    if "$vmsg" --help | grep -q '^  run '; then
        say "running all suites against the built-in reference implementations"
        rc=0
        "$vmsg" run --report "$out" || rc=$?
        say "reports written to $out:"
        for f in results.json junit.xml results.tap summary.md report.html; do
            [ -f "$out/$f" ] && printf '  %s\n' "$out/$f"
        done
        exit "$rc"
    fi
    # Until the suites land: decode and dump the bundled sample capture.
    sample="$top/vectors/captures/sample-v1.pcap"
    if [ -f "$sample" ] && "$vmsg" --help | grep -q '^  dump '; then
        say "dumping the bundled sample capture $sample"
        "$vmsg" dump -v "$sample" | tee "$out/sample-v1.txt"
        say "decoded capture written to $out/sample-v1.txt"
    else
        say "decoding the spec's GET_DEVICES example"
        "$vmsg" decode "02 02 00 00 00 00 0c 00 00 00 10 00" \
            "03 02 00 00 00 00 10 00 00 00 10 00 10 00 25 00" | tee "$out/example.txt"
        say "decoded example written to $out/example.txt"
    fi
}

do_test() {
    # shellcheck disable=SC2086
    install_missing $BUILD_PKGS $TEST_PKGS
    say "build 1/2: gcc, $BUILD_DIR"
    configure_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    say "build 2/2: clang with AddressSanitizer + UndefinedBehaviorSanitizer, $ASAN_BUILD_DIR"
    configure_build "$ASAN_BUILD_DIR" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
        "-DVMSG_SANITIZERS=address;undefined"
    rc=0
    say "tests, gcc build"
    (cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS") || rc=1
    say "tests, clang ASan+UBSan build"
    (cd "$ASAN_BUILD_DIR" &&
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            ctest --output-on-failure -j "$JOBS") || rc=1
    FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
    say "fuzz smoke: clang libFuzzer + ASan + UBSan, $FUZZ_BUILD_DIR, 10 s per target"
    # only the fuzz programs: the rest of the tree was tested in the two builds above
    [ -f "$FUZZ_BUILD_DIR/CMakeCache.txt" ] || cmake -S "$top" -B "$FUZZ_BUILD_DIR" -DCMAKE_C_COMPILER=clang \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMSG_FUZZ=ON -DVMSG_FUZZ_SMOKE_SECONDS=10 >/dev/null
    cmake --build "$FUZZ_BUILD_DIR" -j "$JOBS" --target fuzz-all -- --no-print-directory >/dev/null ||
        cmake --build "$FUZZ_BUILD_DIR" -j 1 --target fuzz-all
    (cd "$FUZZ_BUILD_DIR" && ASAN_OPTIONS=detect_leaks=1 ctest -L fuzz --output-on-failure -j "$JOBS") || rc=1
    [ "$rc" = 0 ] && say "all tests passed in the three builds" || say "some tests FAILED (see above)"
    return "$rc"
}

case "${1:-}" in
run) do_run ;;
test) do_test ;;
build) do_build ;;
*)
    echo "usage: tools/bootstrap.sh run|test|build" >&2
    exit 2
    ;;
esac
