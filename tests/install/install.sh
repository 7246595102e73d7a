#!/bin/sh
# Install into a temporary prefix, move the prefix elsewhere, hide the source
# and build trees (a private mount namespace with an empty tmpfs over each),
# then use the installed tree as a user would: vmsg from PATH, its data files,
# man pages, completion, and a C program built with
# `pkg-config --cflags --libs vmsg` against the installed headers and library.
# usage: install.sh SOURCE_DIR BUILD_DIR CC [EXTRA_CFLAGS]
set -eu
src=$1 build=$2 cc=$3 extra=${4:-}

if [ "${VMSG_INSTALL_PHASE:-1}" = 1 ]; then
    tmp=$(mktemp -d /tmp/vmsg-install.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    cmake --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log"; exit 1; }
    mv "$tmp/staged" "$tmp/prefix" # the installed tree must not remember where it was put
    here=$(cd "$(dirname "$0")" && pwd)
    cp "$here/install.sh" "$here/use_api.c" "$tmp/"
    export VMSG_INSTALL_PHASE=2 VMSG_INSTALL_TMP="$tmp"
    if unshare --mount true 2>/dev/null; then
        # shellcheck disable=SC2016
        unshare --mount sh -c '
            mount -t tmpfs none "$1" || exit 1
            case "$2" in "$1"/*) ;; *) mount -t tmpfs none "$2" || exit 1 ;; esac
            exec sh "$3" "$1" "$2" "$4" "$5"' sh "$src" "$build" "$tmp/install.sh" "$cc" "$extra"
        exit $?
    fi
    echo "install.sh: note: no mount namespace here; the source tree stays visible"
    sh "$tmp/install.sh" "$src" "$build" "$cc" "$extra"
    exit $?
fi

# ---- phase 2: only the installed tree -------------------------------------
tmp=$VMSG_INSTALL_TMP
P=$tmp/prefix
if [ -e "$src/CMakeLists.txt" ] && unshare --mount true 2>/dev/null; then
    echo "install.sh: FAIL: the source tree is still visible"; exit 1
fi
fails=0
fail() { echo "install.sh: FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "install.sh: ok: $*"; }
mkdir -p "$tmp/work" && cd "$tmp/work"
PATH=$P/bin:/usr/bin:/bin
LD_LIBRARY_PATH=$P/lib
PKG_CONFIG_PATH=$P/lib/pkgconfig
export PATH LD_LIBRARY_PATH PKG_CONFIG_PATH
unset VMSG_DATADIR || true

# 1. the files are where the README says
for f in bin/vmsg lib/libvmsg.a lib/libvmsg.so lib/pkgconfig/vmsg.pc include/vmsg/wire.h \
    include/vmsg/schema_gen.h include/vmsg/clauses_gen.h include/vmsg/version.h \
    share/vmsg/spec/messages.yaml share/vmsg/spec/clauses.yaml share/vmsg/personalities/default.yaml \
    share/man/man1/vmsg.1 share/man/man1/vmsg-run.1 share/bash-completion/completions/vmsg; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
[ "$(command -v vmsg)" = "$P/bin/vmsg" ] || fail "vmsg on PATH is $(command -v vmsg)"

# 2. the installed command
out=$(vmsg decode 00:05:01:00:07:00:10:00:00:00:00:00:04:00:00:00 2>&1) || fail "decode exit $?"
case $out in "GET_CONFIG req dev=1 tok=7 offset=0 length=4"*) ok "vmsg decode" ;; *) fail "decode: $out" ;; esac
out=$(vmsg clauses --role device --level MUST 2>&1) || fail "clauses exit $?"
case $out in *"clauses listed; coverage:"*) ok "vmsg clauses" ;; *) fail "clauses: $out" ;; esac
rc=0; out=$(vmsg run -q 2>&1) || rc=$?
case "$rc:$out" in 0:*" passed, 0 failed"*) ok "vmsg run -q: $out" ;; *) fail "run -q (exit $rc): $out" ;; esac
rc=0; out=$(vmsg run -q --suite device --iut 'exec:vmsg refdev --stdio' --report rep 2>&1) || rc=$?
case "$rc:$out" in 0:*" passed, 0 failed"*) ok "vmsg run over exec: with the installed refdev" ;;
*) fail "run exec: (exit $rc): $out" ;; esac
[ -s rep/results.json ] && [ -s rep/report.html ] || fail "run --report: reports missing"
vmsg report --help | grep -q '^example' || fail "report --help has no example"
vmsg report rep/results.json --format junit -o junit.xml && grep -q '<testsuite' junit.xml || fail "report junit"
ok "vmsg report"
out=$(vmsg refdev --personality big-config --check 2>&1) || fail "refdev personality from share/: $out"
case $out in *"name: big-config"*) ok "refdev finds share/vmsg/personalities" ;; *) fail "refdev: $out" ;; esac

# 3. man pages and completion from the prefix
if command -v man >/dev/null; then
    MANPATH=$P/share/man man -w vmsg-run >/dev/null 2>&1 && ok "man vmsg-run" || fail "man -w vmsg-run"
fi
bash -c ". '$P/share/bash-completion/completions/vmsg' && complete -p vmsg" >/dev/null 2>&1 ||
    fail "completion does not register"

# 4. the library through pkg-config
cflags=$(pkg-config --cflags vmsg) && libs=$(pkg-config --libs vmsg) || fail "pkg-config vmsg"
for h in "$P"/include/vmsg/*.h; do
    printf '#include <vmsg/%s>\n' "${h##*/}" >one.c
    # shellcheck disable=SC2086
    "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only $cflags one.c 2>err.txt ||
        fail "installed header ${h##*/} does not compile alone: $(head -n 3 err.txt)"
done
# shellcheck disable=SC2086
if "$cc" -std=c11 -Wall -Wextra -Werror $extra -o use_api "$tmp/use_api.c" $cflags $libs; then
    out=$(./use_api) || fail "use_api (shared) exit $?"
    case $out in *"GET_CONFIG req dev=1 tok=7 offset=0 length=4; clause device.config-gen.3") ok "shared: $out" ;;
    *) fail "use_api: $out" ;; esac
    ldd ./use_api | grep -q "$P/lib/libvmsg.so" || fail "use_api is not linked to the installed libvmsg.so"
else
    fail "cannot build against the installed library"
fi
# shellcheck disable=SC2086
if "$cc" -std=c11 $extra -o use_api_static "$tmp/use_api.c" $cflags "$P/lib/libvmsg.a" \
    $(pkg-config --libs yaml-0.1 libpcap jansson); then
    ./use_api_static >/dev/null && ok "static link" || fail "use_api_static"
else
    fail "cannot link libvmsg.a with its dependencies"
fi
[ "$fails" = 0 ] && echo "install.sh: all checks passed" || echo "install.sh: $fails check(s) failed"
[ "$fails" = 0 ]
