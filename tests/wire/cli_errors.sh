#!/bin/sh
# `vmsg decode` on bad input: exit 2 and exactly one line per bad message on
# stderr, `vmsg: WHERE: problem`, WHERE naming the argument or the stdin line.
# usage: cli_errors.sh VMSG
set -u
vmsg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect STDIN_TEXT PATTERN ARGS... : exit 2, one stderr line matching PATTERN
expect() {
    input=$1 pattern=$2
    shift 2
    printf '%s' "$input" | "$vmsg" decode "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ]; then
        echo "cli_errors: decode $*: exit: expected 2, got $rc" >&2
        fails=$((fails + 1))
    fi
    if [ "$lines" -ne 1 ]; then
        echo "cli_errors: decode $*: stderr: expected 1 line, got $lines" >&2
        fails=$((fails + 1))
    fi
    if ! grep -Eq "$pattern" "$tmp/err"; then
        echo "cli_errors: decode $*: stderr: expected /$pattern/, got '$(head -1 "$tmp/err")'" >&2
        fails=$((fails + 1))
    fi
}

expect '' "^vmsg: argument 1: column 3: 'z' is not a hex digit$" 00zz
expect '' '^vmsg: argument 2: column 3: odd number of hex digits$' 0007010007000800 000
expect '' '^vmsg: argument 1: truncated: msg_size: ' 00:05:01:00:07:00:10:00
expect '' '^vmsg: argument 1: truncated: header: ' 000501
expect '' '^vmsg: argument 1: malformed: msg_id: 0x01 ' 00:01:01:00:00:00:08:00
expect '' '^vmsg: argument 1: malformed: msg_size: 4 is smaller' 00:05:01:00:00:00:04:00
expect '' "^vmsg: decode: --profile: unknown profile 'v9'" --profile v9 0007010007000800
expect '' "^vmsg: decode: --binding: unknown binding 'x'" --binding x 0007010007000800
expect '0007010007000800
0007zz
' "^vmsg: <stdin>:2: column 5: 'z' is not a hex digit$"
expect '# c

00 05 01 00 07 00 10 00
' '^vmsg: <stdin>:3: truncated: ' --json
expect '' '^vmsg: decode: no message given$'

# good input still exits 0 and prints nothing on stderr
if ! "$vmsg" decode 0007010007000800 >"$tmp/out" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
    echo "cli_errors: decode of a valid message: expected exit 0 and no stderr" >&2
    fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] || { echo "cli_errors: $fails failure(s)" >&2; exit 1; }
