# bash completion for vmsg (installed as share/bash-completion/completions/vmsg).
# Commands, options and their values come from vmsg itself (--list-commands,
# --list-profiles, CMD --help, run -l, refdev/refdrv --list-faults, clauses),
# so new commands and options complete without editing this file.
# The current word is taken from COMP_LINE, not COMP_WORDS, so that URIs and
# clause ids with ':' complete whatever COMP_WORDBREAKS says.

_vmsg_reply() { # cur, candidates...: COMPREPLY = candidates starting with cur,
    # minus the part of cur up to its last ':' (readline replaces only that part)
    local cur=$1 c pre=""
    shift
    [[ $cur == *:* ]] && pre=${cur%:*}:
    COMPREPLY=()
    for c in "$@"; do
        [[ $c == "$cur"* ]] && COMPREPLY+=("${c#"$pre"}")
    done
}

_vmsg_files() { # cur, -f|-d
    local IFS=$'\n'
    COMPREPLY=($(compgen "$2" -- "$1"))
    compopt -o filenames 2>/dev/null
}

_vmsg() {
    local line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}} cur prev
    local -a w
    if [[ -n $line ]]; then
        read -r -a w <<<"$line"
        if [[ $line == *[[:space:]] ]]; then
            cur=""
        else
            cur=${w[${#w[@]} - 1]}
            unset 'w[${#w[@]}-1]'
        fi
    else
        w=("${COMP_WORDS[@]:0:COMP_CWORD}")
        cur=${COMP_WORDS[COMP_CWORD]}
    fi
    prev=${w[${#w[@]} - 1]}
    local vmsg=${w[0]:-vmsg}
    command -v "$vmsg" >/dev/null 2>&1 || vmsg=vmsg

    if ((${#w[@]} <= 1)); then
        _vmsg_reply "$cur" $("$vmsg" --list-commands 2>/dev/null) --help --version
        return 0
    fi
    local cmd=${w[1]}

    # --opt=value: complete the value as if it were the next word
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # option values
    local what=""
    case "$cmd:$prev" in
    *:--profile | decode:-p | dump:-p | clauses:-p | run:-p | check:-p | proxy:-p | replay:-p) what=profile ;;
    *:--binding | decode:-b | dump:-b | check:-b) what=binding ;;
    run:--suite | run:-s) what=suite ;;
    run:--ics) what=ics ;;
    run:--iut | run:-i | run:--driver-side | run:--device-side | replay:--iut | replay:-i) what=iut ;;
    proxy:--driver-side | proxy:-D | proxy:--device-side | proxy:-E) what=iut ;;
    replay:--as | replay:-a) what=side ;;
    replay:--timing | replay:-T) what=timing ;;
    replay:--threads) what=threads ;;
    proxy:--capture | proxy:-w) what=file ;;
    *:--report | proxy:-r | replay:-r) what=dir ;;
    run:--case | run:-k) what=case ;;
    run:--clause | run:-c) what=clause ;;
    run:--report | run:-r) what=dir ;;
    run:--expect | run:-e | clauses:--catalog | clauses:-c | report:--output | report:-o) what=file ;;
    report:--format | report:-f | check:--format | check:-f) what=format ;;
    check:--role | check:-r) what=checkrole ;;
    clauses:--role | clauses:-r) what=role ;;
    clauses:--level | clauses:-l) what=level ;;
    clauses:--testability | clauses:-t) what=testability ;;
    refdev:--listen | refdev:-L) what=listen ;;
    refdrv:--connect | refdrv:-c) what=iut ;;
    refdev:--personality | refdev:-p) what=personality ;;
    refdev:--fault | refdev:-f | refdrv:--fault | refdrv:-f) what=fault ;;
    refdrv:--script | refdrv:-s) what=script ;;
    *:--count | dump:-c | check:-m | *:--max-size | *:--max | *:--io | *:--reinit | *:--timeout | *:--reply-timeout | replay:--instance | *:--bus-devices | run:--seed | run:--dev-num | run:-d | run:--max-size | run:-m | run:--tag | run:-t | replay:--window | replay:-w)
        COMPREPLY=()
        return 0
        ;;
    esac
    case $what in
    profile) _vmsg_reply "$cur" $("$vmsg" --list-profiles 2>/dev/null) ;;
    binding) _vmsg_reply "$cur" none ffa-b ffa-c ffa-d ffa-e ;;
    suite) _vmsg_reply "$cur" device driver bus all ;;
    ics) # entries cases read that the harness cannot ask (SECTION.KEY=VALUE)
        _vmsg_reply "$cur" bus.event_avail=out-of-band bus.event_avail=in-band bus.devices=
        compopt -o nospace 2>/dev/null
        ;;
    format)
        if [[ $cmd == check ]]; then _vmsg_reply "$cur" text json; else _vmsg_reply "$cur" json junit tap md html text; fi ;;
    checkrole) _vmsg_reply "$cur" driver device bus all ;;
    script) _vmsg_reply "$cur" default verify late-queues features-all write-twice poll-config ;;
    side) _vmsg_reply "$cur" driver device ;;
    timing) _vmsg_reply "$cur" asap original scale= ;;
    threads) _vmsg_reply "$cur" auto 1 2 ;;
    role) _vmsg_reply "$cur" driver device bus any ;;
    level) _vmsg_reply "$cur" MUST must-not SHOULD should-not MAY ;;
    testability) _vmsg_reply "$cur" active passive both untestable ;;
    case) _vmsg_reply "$cur" $("$vmsg" run -l 2>/dev/null | awk '{ print $1 }') ;;
    clause) _vmsg_reply "$cur" $("$vmsg" clauses 2>/dev/null | awk '/^[a-z][a-z0-9-]*\.[a-z0-9.-]+ / { print $1 }') ;;
    iut)
        if [[ $cur == builtin:refdev\?fault=* || $cur == builtin:refdrv\?fault=* ]]; then
            local base=${cur%%=*}= role=dev
            [[ $cur == builtin:refdrv* ]] && role=drv
            local list=${cur#*=} done="" f
            [[ $list == *,* ]] && done=${list%,*},
            local -a c=()
            for f in $("$vmsg" "ref$role" --list-faults 2>/dev/null | awk '{ print $1 }'); do
                c+=("$base$done$f")
            done
            _vmsg_reply "$cur" "${c[@]}"
        else
            _vmsg_reply "$cur" builtin:refdev builtin:refdev?fault= builtin:refdrv builtin:refdrv?fault= builtin:refbus \
                exec: unix: unix-listen: tcp: tcp-listen: seqpacket: seqpacket-listen: shm: stdio:
            compopt -o nospace 2>/dev/null
        fi
        ;;
    listen)
        _vmsg_reply "$cur" stdio: unix-listen: tcp-listen: seqpacket-listen: unix: shm:
        compopt -o nospace 2>/dev/null
        ;;
    fault)
        local done="" f
        [[ $cur == *,* ]] && done=${cur%,*},
        local -a c=()
        for f in $("$vmsg" "$cmd" --list-faults 2>/dev/null | awk '{ print $1 }'); do
            c+=("$done$f")
        done
        _vmsg_reply "$cur" "${c[@]}"
        ;;
    personality)
        _vmsg_files "$cur" -f
        local dir
        dir=$(dirname "$(command -v "$vmsg" 2>/dev/null || echo .)")/../share/vmsg/personalities
        if [[ $cur != */* && -d $dir ]]; then
            local p
            for p in "$dir"/*.yaml; do
                p=${p##*/}
                [[ ${p%.yaml} == "$cur"* ]] && COMPREPLY+=("${p%.yaml}")
            done
        fi
        ;;
    file) _vmsg_files "$cur" -f ;;
    dir) _vmsg_files "$cur" -d ;;
    esac
    [[ -n $what ]] && return 0

    # options of the command, from its --help
    if [[ $cur == -* ]]; then
        _vmsg_reply "$cur" $("$vmsg" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
        return 0
    fi
    # operands
    case $cmd in
    dump | report | check | replay) _vmsg_files "$cur" -f ;;
    *) COMPREPLY=() ;;
    esac
    return 0
}
complete -F _vmsg vmsg
