#!/bin/sh
# The golden transcripts (transcripts/*.txt): each replays byte for byte
# with the sanitizer build.  Then, on copies: any edit of a command, an
# output line or a lab line fails replay and is named by its line; the
# same transcripts read as tap transcripts ("# mode: tap") are consistent,
# and tap transcripts broken by hand are caught at the right line; a
# missing, empty, binary or malformed file gives exactly one line.  Run
# from the repository root by tests/run.sh.
set -u
. tests/steps/step_common.inc
step_init transcripts

# ---- every golden replays
n=0
for t in transcripts/*.txt; do
    [ -f "$t" ] || continue
    n=$((n + 1))
    if out=$("$bin" replay "$t" 2>&1); then
        pass "$out"
    else
        fail "$t does not replay:"
        printf '%s\n' "$out" | sed 's/^/  /'
    fi
done
[ "$n" -gt 0 ] || fail "no golden transcripts in transcripts/"

# expect_fail NAME FILE LINE: replay exits 1 and names "FILE: line LINE:"
expect_fail() {
    out=$("$bin" replay "$2" 2>&1)
    st=$?
    first=$(printf '%s\n' "$out" | head -n 1)
    case $first in
        "$2: line $3: "*) [ "$st" -eq 1 ] && { pass "$1: $first"; return; } ;;
    esac
    fail "$1: exit $st, expected exit 1 and '$2: line $3: ...'; got:"
    printf '%s\n' "$out" | sed 's/^/  /'
}

# edit FILE LINE SED-EXPR OUT: OUT is FILE with SED-EXPR applied to LINE
edit() { sed "$2s$3" "$1" >"$4"; }

g=transcripts/lab-sockets.txt
if [ -f "$g" ]; then
    # a decoded segment: one digit changed
    l=$(grep -n 'Flags \[S\.\]' "$g" | head -n 1 | cut -d: -f1)
    edit "$g" "$l" '/seq \([0-9]\)/seq 9\1/' "$tmp/seg.txt"
    expect_fail "edited segment" "$tmp/seg.txt" "$l"
    # a command: its output no longer matches (the first line that differs)
    c=$(grep -n "^romeo> sock.connect(('10.10.2.100', 4000))\$" "$g" | head -n 1 | cut -d: -f1)
    edit "$g" "$c" '/4000/4002/' "$tmp/cmd.txt"
    l=$(awk -v c="$c" 'NR > c && /4000/ { print NR; exit }' "$g")
    expect_fail "edited command" "$tmp/cmd.txt" "$l"
    # a TCB value
    l=$(grep -n '^  SND.UNA' "$g" | head -n 1 | cut -d: -f1)
    edit "$g" "$l" '/SND.UNA \( *\)\([0-9]\)/SND.UNA \1\2\2/' "$tmp/tcb.txt"
    expect_fail "edited TCB" "$tmp/tcb.txt" "$l"
    # a lab line: a checkpoint claimed that was not met
    l=$(grep -n '^\[lab\] \[x\] refused:' "$g" | head -n 1 | cut -d: -f1)
    edit "$g" "$l" '/refused:/refusal:/' "$tmp/lab.txt"
    expect_fail "edited lab line" "$tmp/lab.txt" "$l"
    # a line removed, a line added
    l=$(grep -n 'ConnectionRefusedError' "$g" | head -n 1 | cut -d: -f1)
    sed "${l}d" "$g" >"$tmp/del.txt"
    expect_fail "deleted line" "$tmp/del.txt" "$l"
    sed "${l}a\\
ConnectionRefusedError: [Errno 111] Connection refused" "$g" >"$tmp/add.txt"
    expect_fail "added line" "$tmp/add.txt" "$((l + 1))"
else
    fail "$g is missing"
fi

# ---- the same transcripts as tap transcripts: consistent
for t in transcripts/*.txt; do
    [ -f "$t" ] || continue
    b=$(basename "$t")
    sed 's/^# mode: sim$/# mode: tap/' "$t" >"$tmp/tap-$b"
    if out=$("$bin" replay "$tmp/tap-$b" 2>&1) && printf '%s' "$out" | grep -q 'consistent'; then
        pass "$out"
    else
        fail "tap-$b is not consistent:"
        printf '%s\n' "$out" | sed 's/^/  /'
    fi
done

t="$tmp/tap-lab-sockets.txt"
if [ -f "$t" ]; then
    # an ACK of bytes never sent
    l=$(grep -n 'juliet > romeo .*Flags \[\.\], ack ' "$t" | head -n 1 | cut -d: -f1)
    ack=$(sed -n "${l}s/.*, ack \([0-9]*\),.*/\1/p" "$t")
    edit "$t" "$l" "/ack $ack,/ack $((ack + 1000)),/" "$tmp/tap-ack.txt"
    expect_fail "tap: ack beyond what was sent" "$tmp/tap-ack.txt" "$l"
    # a sequence number that skips bytes
    l=$(grep -n 'romeo > juliet .*Flags \[P\.\], seq ' "$t" | head -n 1 | cut -d: -f1)
    edit "$t" "$l" '/seq \([0-9]*\):\([0-9]*\)/seq 1\1:1\2/' "$tmp/tap-seq.txt"
    expect_fail "tap: sequence jump" "$tmp/tap-seq.txt" "$l"
    # a length that does not match the sequence numbers
    edit "$t" "$l" '/length 12/length 13/' "$tmp/tap-len.txt"
    expect_fail "tap: length" "$tmp/tap-len.txt" "$l"
    # a transition that is no edge of the diagram
    l=$(grep -n -- '-> CLOSE_WAIT (rcv FIN)' "$t" | head -n 1 | cut -d: -f1)
    edit "$t" "$l" '/-> CLOSE_WAIT (rcv FIN)/-> LAST_ACK (rcv FIN)/' "$tmp/tap-edge.txt"
    expect_fail "tap: not a diagram edge" "$tmp/tap-edge.txt" "$l"
fi

# ---- bad files: one line each, exit 1
: >"$tmp/empty.txt"
printf 'tcplab\000binary\n' >"$tmp/binary.txt"
printf '# tcplab transcript\n# version 0.1.0\n' >"$tmp/header.txt"
printf '# tcplab transcript\n# version: 0.1.0\n# mode: sim\n# seed: one\n' >"$tmp/seed.txt"
printf 'romeo> ss\n' >"$tmp/noheader.txt"
for f in missing empty binary header seed noheader; do
    out=$("$bin" replay "$tmp/$f.txt" 2>&1)
    st=$?
    lines=$(printf '%s\n' "$out" | wc -l)
    case $out in
        "$tmp/$f.txt: "*) [ "$st" -eq 1 ] && [ "$lines" -eq 1 ] && { pass "$f: $out"; continue; } ;;
    esac
    fail "$f: exit $st, $lines lines:"
    printf '%s\n' "$out" | sed 's/^/  /'
done

[ "$fails" -eq 0 ] || { echo "transcripts: $fails failed" >&2; exit 1; }
echo "transcripts: all passed"
