#!/bin/bash
# Drives tools/completion/vmsg.bash as readline would: COMP_LINE, COMP_POINT,
# COMP_WORDS and COMP_CWORD set by hand, _vmsg called, COMPREPLY checked.
# usage: complete.sh VMSG_BINARY_DIR COMPLETION_FILE
set -u
PATH=$1:$PATH
# shellcheck source=/dev/null
. "$2"
fails=0 n=0

# comp LINE: run the completion with the cursor at the end of LINE
comp() {
    COMP_LINE=$1
    COMP_POINT=${#1}
    read -r -a COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _vmsg vmsg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}
# has LINE WORD...: every WORD is offered
has() {
    local line=$1 w
    shift
    comp "$line"
    n=$((n + 1))
    for w in "$@"; do
        if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$w"; then
            echo "complete.sh: FAIL: '$line' does not offer '$w' (got: ${COMPREPLY[*]:0:12})"
            fails=$((fails + 1))
            return
        fi
    done
}
# only LINE WORD...: exactly these words, in any order
only() {
    local line=$1
    shift
    comp "$line"
    n=$((n + 1))
    local got want
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
    want=$(printf '%s\n' "$@" | sort)
    if [[ $got != "$want" ]]; then
        echo "complete.sh: FAIL: '$line' offers [${COMPREPLY[*]}], expected [$*]"
        fails=$((fails + 1))
    fi
}

complete -p vmsg | grep -q -- '-F _vmsg' || { echo "complete.sh: FAIL: not registered"; exit 1; }
has "vmsg " decode dump clauses run report refdev refdrv check replay proxy proxy replay
only "vmsg re" report refdev refdrv replay
only "vmsg --ver" --version
has "vmsg run --" --suite --iut --report --strict --list --quiet --no-check --ics
only "vmsg run --ics bus.e" bus.event_avail=out-of-band bus.event_avail=in-band
only "vmsg run --su" --suite
only "vmsg run --suite " device driver bus all
only "vmsg run -s d" device driver
only "vmsg decode --profile v1" v1 v1-noresv
only "vmsg dump -p r" rfc2
only "vmsg decode --profile=v" v1 v1-noresv v0 v2-draft
only "vmsg decode --binding ffa-" ffa-b ffa-c ffa-d ffa-e
has "vmsg run -k device.config." device.config.read device.config.stale-generation
has "vmsg run --clause device.status." device.status.1
has "vmsg refdev --fault dev-wrong" dev-wrong-msg-size dev-wrong-dev-num
has "vmsg refdev --fault dev-wrong-msg-size,dev-wrong" dev-wrong-msg-size,dev-wrong-dev-num
comp "vmsg refdrv --fault "
n=$((n + 1))
printf '%s\n' "${COMPREPLY[@]}" | grep -q '^dev-' && { echo "complete.sh: FAIL: refdrv offers dev faults"; fails=$((fails + 1)); }
[[ ${#COMPREPLY[@]} -gt 0 ]] || { echo "complete.sh: FAIL: refdrv --fault offers nothing"; fails=$((fails + 1)); }
# URIs: readline replaces only the part after the last ':' (COMP_WORDBREAKS)
has "vmsg run --iut builtin:ref" refdev refdrv "refdev?fault="
has "vmsg run --iut ex" exec:
has "vmsg run --suite bus --device-side uni" unix: unix-listen:
has "vmsg run --iut builtin:refdev?fault=dev-wrong-d" "refdev?fault=dev-wrong-dev-num"
only "vmsg refdev --listen std" stdio:
only "vmsg report --format j" json junit
only "vmsg clauses --role d" driver device
has "vmsg clauses --" --role --level --testability --uncovered --catalog --json
has "vmsg refdev --" --listen --stdio --personality --check --fault --list-faults
has "vmsg refdrv --" --connect --stdio --fault --bus
has "vmsg refdrv -c unix" unix: unix-listen:
only "vmsg check --format " text json
only "vmsg check --role a" all
has "vmsg check --" --profile --mid-session --complete --strict
only "vmsg replay s.pcap --as d" driver device
only "vmsg replay s.pcap --st" --stop-at-first --strict-order
has "vmsg replay s.pcap --" --window --ignore --report --instance
only "vmsg replay s.pcap --instance "
only "vmsg replay s.pcap --window "
only "vmsg replay s.pcap --threads " auto 1 2
only "vmsg replay s.pcap --threads a" auto
has "vmsg proxy --device-side ex" exec:
has "vmsg proxy --" --driver-side --device-side --capture --bus
echo "complete.sh: $((n - fails)) passed, $fails failed"
[[ $fails == 0 ]]
