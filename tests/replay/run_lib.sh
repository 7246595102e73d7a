# Sourced by replay_cli.sh and reorder.sh (which define T, the scratch
# folder, and fail MESSAGE) after their own fail().
#
# run WANT_RC NAME CMD...: run CMD, its output in $T/NAME.out and .err, and
# fail unless it exits WANT_RC. A replay that ran (exit 0 or 1) is run again
# on one thread and with the checker on a second one, which reads the
# records itself and, for frames paired out of order, reaches back into what
# it read: it must print the same lines but the rate and latency ones.
run() {
    want=$1; name=$2; shift 2
    "$@" >"$T/$name.out" 2>"$T/$name.err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$name: exit $got, expected $want"
    [ "$2" = replay ] && [ "$want" -le 1 ] && threads "$name" "$@"
    return 0
}
threads() { # threads NAME CMD...
    name=$1; shift
    grep -v -e "^replay: [0-9]* records" -e "^replay: answer latency" "$T/$name.out" >"$T/$name.cmp"
    for th in 1 2; do # (not t: the callers loop on it)
        "$@" --threads $th >"$T/$name-t$th.out" 2>"$T/$name-t$th.err"
        got=$?
        [ "$got" -eq "$want" ] || fail "$name --threads $th: exit $got, expected $want"
        grep -v -e "^replay: [0-9]* records" -e "^replay: answer latency" "$T/$name-t$th.out" >"$T/$name-t$th.cmp"
        cmp -s "$T/$name.cmp" "$T/$name-t$th.cmp" || fail "$name --threads $th: output differs"
    done
}
