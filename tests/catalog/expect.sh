#!/bin/sh
# expect.sh RC PATTERN COMMAND [ARGS...]
# Runs COMMAND, requires exit status RC and one output line (stdout and stderr
# together) equal to PATTERN; a PATTERN starting with '~' only has to occur
# inside a line; an empty PATTERN checks the status only. Prints the output
# on failure, like a compiler error: what was expected and what came out.
rc_want=$1
pattern=$2
shift 2
out=$("$@" 2>&1)
rc=$?
status=0
if [ "$rc" != "$rc_want" ]; then
    echo "expect.sh: $*: exit status: expected $rc_want, got $rc"
    status=1
fi
if [ -n "$pattern" ]; then
    case $pattern in
    "~"*) printf '%s\n' "$out" | grep -F -q -e "${pattern#\~}" || found=no ;;
    *) printf '%s\n' "$out" | grep -F -x -q -e "$pattern" || found=no ;;
    esac
    if [ "${found:-yes}" = no ]; then
        echo "expect.sh: $*: output: expected a line '$pattern', got:"
        status=1
    fi
fi
if [ $status != 0 ]; then
    printf '%s\n' "$out"
fi
exit $status
