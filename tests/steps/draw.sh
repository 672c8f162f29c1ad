#!/bin/sh
# The pictures (src/draw): the ladder of the socket lab session is the
# golden SVG byte for byte; every SVG is well-formed XML (xmllint); a 4 MiB
# transfer under 2% loss gives a time-sequence graph with one
# retransmission mark per segment the TCB counts as retransmitted, and a
# cwnd graph with one mark per fast retransmit and per timeout; PNG and PDF
# open and are not blank (the PNG's pixels, pdfinfo, pdftotext); the shell's
# `draw` and `tcplab draw` refuse bad input with one line.
# Run from the repository root by tests/run.sh.
set -u
bin=$(pwd)/build/san/tcplab
[ -x "$bin" ] || { echo "draw: $bin is missing (run make tests)" >&2; exit 1; }
for tool in xmllint pdfinfo pdftotext python3; do
    command -v $tool >/dev/null 2>&1 || { echo "draw: $tool is missing (make check installs it)" >&2; exit 1; }
done
export TCPLAB_LABS=labs TZ=UTC
export LSAN_OPTIONS="suppressions=$(pwd)/tests/draw/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
wellformed() { if xmllint --noout "$1" 2>"$tmp/xml.err"; then pass "$2: well-formed"; else fail "$2: not well-formed: $(head -n 1 "$tmp/xml.err")"; fi; }

# ---- golden SVGs of the socket lab session
for g in tests/draw/lab-sockets.*.svg; do
    name=$(basename "$g" .svg)                # lab-sockets.KIND[.SOCK]
    kind=$(echo "$name" | cut -d. -f2)
    sock=$(echo "$name" | cut -d. -f3)
    set -- draw "$kind"
    [ -n "$sock" ] && set -- "$@" --sock "$(echo "$sock" | tr '+' ':')"
    if ! "$bin" "$@" -o "$tmp/$name.svg" transcripts/lab-sockets.txt 2>"$tmp/err"; then
        fail "$name: tcplab draw failed: $(cat "$tmp/err")"
        continue
    fi
    wellformed "$tmp/$name.svg" "$name"
    if cmp -s "$g" "$tmp/$name.svg"; then
        pass "$name: identical to the golden SVG"
    else
        fail "$name: differs from $g:"
        diff "$g" "$tmp/$name.svg" | head -n 10 | sed 's/^/  /'
    fi
done
# the refused connect of the session raises its error on romeo's lifeline
grep -q 'x="242.0".*class="call fate".*>connect() raises ConnectionRefusedError<' \
    "$tmp/lab-sockets.ladder.svg" && pass "ladder: the refused connect shows its error" ||
    fail "ladder: no 'connect() raises ConnectionRefusedError' on romeo's lifeline"
# ... and in the terminal ladder, as the shell words them, for calls that
# fail at once (bind) and after frames (connect)
printf '%s\n' 'a = socket' 'bind a * 5000' 'b = socket' 'bind b * 5000' 'c = socket' \
    'connect c juliet 9' 'draw ladder' >"$tmp/raise.cmds"
LC_ALL=C "$bin" "$tmp/raise.cmds" >"$tmp/raise.out" 2>&1
grep -q '^  | bind() raises OSError: Address already in use  *|$' "$tmp/raise.out" &&
    grep -q '^  | connect() raises ConnectionRefusedError  *|$' "$tmp/raise.out" &&
    pass "terminal ladder: the calls' errors on romeo's lifeline" ||
    fail "terminal ladder: no 'bind() raises OSError' or 'connect() raises ConnectionRefusedError'"
[ -f tests/draw/lab-sockets.ladder.svg ] || fail "tests/draw/lab-sockets.ladder.svg is missing"

# ---- same session, same bytes; the shell's draw gives what tcplab draw gives
"$bin" draw ladder -o "$tmp/again.svg" transcripts/lab-sockets.txt &&
    cmp -s "$tmp/again.svg" tests/draw/lab-sockets.ladder.svg &&
    pass "ladder: deterministic" || fail "ladder: a second run differs"

# ---- 4 MiB under 2% loss: the marks against the TCB's counters
(cd "$tmp" && "$bin" --seed=7 "$OLDPWD/tests/draw/loss.cmds" >loss.out 2>&1)
info=$(grep -m 1 'retrans:' "$tmp/loss.out")
retrans=$(echo "$info" | sed -n 's/.* retrans:[0-9]*\/\([0-9]*\).*/\1/p')
fast=$(echo "$info" | sed -n 's/.* fast_retrans:\([0-9]*\).*/\1/p')
timeouts=$(echo "$info" | sed -n 's/.* timeouts:\([0-9]*\).*/\1/p')
: "${fast:=0}" "${timeouts:=0}"
if [ -z "$retrans" ] || [ "$retrans" -eq 0 ]; then
    fail "loss: no retransmissions in ss -i: $info"
else
    for f in loss-seq.svg loss-cwnd.svg; do
        [ -s "$tmp/$f" ] && wellformed "$tmp/$f" "$f" || fail "$f was not written"
    done
    marks=$(sed -n '/<g id="segments">/,/<\/g>/p' "$tmp/loss-seq.svg" | grep -c 'class="rexmit"')
    [ "$marks" -eq "$retrans" ] && pass "seq: $marks retransmission marks, the TCB's retrans $retrans" ||
        fail "seq: $marks retransmission marks, but the TCB counts $retrans"
    frm=$(sed -n '/<g id="marks">/,/<\/g>/p' "$tmp/loss-cwnd.svg" | grep -c 'class="fastrexmit"')
    tom=$(sed -n '/<g id="marks">/,/<\/g>/p' "$tmp/loss-cwnd.svg" | grep -c 'class="timeout"')
    [ "$frm" -eq "$fast" ] && [ "$tom" -eq "$timeouts" ] &&
        pass "cwnd: $frm fast-retransmit and $tom timeout marks, as the TCB counts" ||
        fail "cwnd: $frm fast-retransmit and $tom timeout marks, but the TCB counts $fast and $timeouts"
    [ "$fast" -gt 0 ] || fail "loss: no fast retransmit to mark (seed 7 used to give some)"
    # under loss the receiver sends duplicate ACKs with SACK blocks: marked
    sack=$(sed -n '/<g id="acks">/,/<\/g>/p' "$tmp/loss-seq.svg" | grep -c 'class="sack"')
    dup=$(sed -n '/<g id="acks">/,/<\/g>/p' "$tmp/loss-seq.svg" | grep -c 'class="dupack"')
    [ "$sack" -gt 0 ] && [ "$dup" -gt 0 ] && pass "seq: $sack SACK blocks and $dup duplicate ACKs marked" ||
        fail "seq: $sack SACK blocks and $dup duplicate ACKs marked under loss"
fi

# ---- a receiver that does not read: its zero windows are marked
printf '%s\n' 'juliet: l = socket' 'juliet: bind l * 4000' 'juliet: listen l' 's = socket' \
    'connect s juliet 4000' 'juliet: c = accept l' 'send s --bytes 1M &' 'sleep 3s' \
    'draw seq s zerownd.svg' >"$tmp/zerownd.cmds"
(cd "$tmp" && "$bin" zerownd.cmds >zerownd.out 2>&1)
zw=$(sed -n '/<g id="acks">/,/<\/g>/p' "$tmp/zerownd.svg" 2>/dev/null | grep -c 'class="zerownd"')
[ "$zw" -gt 0 ] && pass "seq: $zw zero-window advertisements marked" ||
    fail "seq: no zero window marked for a receiver that does not read"

# ---- frames the wire dropped or corrupted end in a cross halfway
printf '%s\n' 'juliet: l = socket' 'juliet: bind l * 4000' 'juliet: listen l' 's = socket' \
    'connect s juliet 4000' 'wire drop 1' 'send s "lost once"' 'wire corrupt 100%' \
    'send s "bit flipped"' 'sleep 300ms' 'wire reset' 'sleep 2s' 'draw ladder faults.svg' >"$tmp/faults.cmds"
(cd "$tmp" && "$bin" faults.cmds >faults.out 2>&1)
if [ -s "$tmp/faults.svg" ]; then
    crosses=$(grep -c 'class="cross"' "$tmp/faults.svg")
    grep -q '>dropped<' "$tmp/faults.svg" && grep -q '>corrupted<' "$tmp/faults.svg" &&
        [ "$crosses" -ge 4 ] && pass "faults: dropped and corrupted frames end in crosses ($crosses strokes)" ||
        fail "faults: no crosses for the dropped/corrupted frames"
else
    fail "faults: no ladder written: $(tail -n 3 "$tmp/faults.out")"
fi

# ---- a replay prints what `draw FILE` printed and writes no file
mkdir -p "$tmp/rec" "$tmp/elsewhere"
printf '%s\n' 'juliet: l = socket' 'juliet: listen l' 'draw states l.svg' 'draw ladder bad.gif' >"$tmp/rec/d.cmds"
(cd "$tmp/rec" && "$bin" --record=d.txt d.cmds >/dev/null 2>&1)
if [ -s "$tmp/rec/l.svg" ] && (cd "$tmp/elsewhere" && "$bin" replay "$tmp/rec/d.txt" >/dev/null) &&
   [ -z "$(ls "$tmp/elsewhere")" ]; then
    pass "replay: same output, no file written"
else
    fail "replay of a session with draw FILE: $(cd "$tmp/elsewhere" && "$bin" replay "$tmp/rec/d.txt" 2>&1 | head -n 3) $(ls "$tmp/elsewhere")"
fi

# ---- PNG and PDF: open, not blank
if [ -s "$tmp/loss-seq.png" ]; then
    set -- $(python3 tests/draw/pngcheck.py "$tmp/loss-seq.png")
    [ "${1:-0}" -gt 1000 ] && [ "${3:-0}" -gt 20000 ] && pass "seq PNG: ${1}x$2, $3 pixels inked" ||
        fail "seq PNG blank or too small: $*"
else
    fail "loss-seq.png was not written"
fi
"$bin" draw ladder -o "$tmp/ladder.png" transcripts/lab-sockets.txt &&
    set -- $(python3 tests/draw/pngcheck.py "$tmp/ladder.png") &&
    [ "${3:-0}" -gt 20000 ] && pass "ladder PNG: ${1}x$2, $3 pixels inked" || fail "ladder PNG blank: $*"
for pdf in "$tmp/loss-cwnd.pdf" "$tmp/ladder.pdf"; do
    [ "$pdf" = "$tmp/ladder.pdf" ] && "$bin" draw ladder -o "$pdf" transcripts/lab-sockets.txt
    if pdfinfo "$pdf" >"$tmp/pdfinfo" 2>&1 && grep -q '^Pages: *1$' "$tmp/pdfinfo"; then
        words=$(pdftotext "$pdf" - 2>/dev/null | wc -w)
        [ "$words" -gt 10 ] && pass "$(basename "$pdf"): opens, one page, $words words of text" ||
            fail "$(basename "$pdf"): no text in it"
    else
        fail "$(basename "$pdf"): pdfinfo: $(head -n 2 "$tmp/pdfinfo")"
    fi
done

# the same session, the same bytes in PNG and PDF as well (no clock in the PDF)
sleep 1
"$bin" draw ladder -o "$tmp/ladder2.pdf" transcripts/lab-sockets.txt &&
    "$bin" draw ladder -o "$tmp/ladder2.png" transcripts/lab-sockets.txt &&
    cmp -s "$tmp/ladder.pdf" "$tmp/ladder2.pdf" && cmp -s "$tmp/ladder.png" "$tmp/ladder2.png" &&
    pass "PNG and PDF: deterministic" || fail "PNG or PDF: a second run differs"

# ---- a pcap is drawn too (tcplab -w), states inferred from its segments
"$bin" -w "$tmp/lab.pcap" transcripts/lab-sockets.cmds >/dev/null 2>&1
if "$bin" draw ladder -o "$tmp/pcap.svg" "$tmp/lab.pcap" 2>"$tmp/err"; then
    wellformed "$tmp/pcap.svg" "pcap ladder"
    grep -q 'ESTABLISHED' "$tmp/pcap.svg" && grep -q 'TIME_WAIT' "$tmp/pcap.svg" &&
        pass "pcap ladder: states inferred" || fail "pcap ladder: no inferred states"
else
    fail "tcplab draw on a pcap: $(cat "$tmp/err")"
fi

# a capture of Linux kernels (the decoder's tcpdump vectors, tests/run.sh
# finds them): both sides' states inferred, each side's path in order
v=${TCPLAB_VECTORS:-../shared/vectors/tcpdump}/handshake.pcap
if [ -f "$v" ]; then
    if "$bin" draw ladder -o "$tmp/linux.svg" "$v" 2>"$tmp/err"; then
        wellformed "$tmp/linux.svg" "Linux pcap ladder"
        got=$(grep -o 'class="bold c[01]">[0-9]*: [A-Z_0-9]*' "$tmp/linux.svg" | sed 's/.*">//' | tr '\n' ' ')
        want='50000: SYN_SENT 4000: SYN_RECEIVED 50000: ESTABLISHED 4000: ESTABLISHED 50000: FIN_WAIT_1 4000: CLOSE_WAIT 50000: FIN_WAIT_2 4000: LAST_ACK 50000: TIME_WAIT 4000: CLOSED '
        [ "$got" = "$want" ] && pass "Linux pcap: both sides' states inferred in order" ||
            fail "Linux pcap: states inferred: $got"
    else
        fail "tcplab draw on a Linux pcap: $(cat "$tmp/err")"
    fi
else
    echo "note: no tcpdump vectors at $v: the Linux capture is not drawn"
fi

# ---- bad input: one line, non-zero, nothing written
bad() {
    want=$1; shift
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
    if [ $st -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$want" "$tmp/err"; then
        pass "refused: $*"
    else
        fail "$* (exit $st): $(cat "$tmp/err" "$tmp/out" | head -n 3)"
    fi
}
printf 'not a transcript\n' >"$tmp/junk.txt"
bad "no picture" draw spiral -o "$tmp/x.svg" transcripts/lab-sockets.txt
bad "must end in" draw ladder -o "$tmp/x.gif" transcripts/lab-sockets.txt
bad "cannot open\|No such" draw ladder -o "$tmp/x.svg" "$tmp/missing.txt"
bad "junk.txt" draw ladder -o "$tmp/x.svg" "$tmp/junk.txt"
bad "no socket" draw seq --sock nosuch -o "$tmp/x.svg" transcripts/lab-sockets.txt
bad "cannot write" draw ladder -o "$tmp/no/such/dir.svg" transcripts/lab-sockets.txt
[ -e "$tmp/x.svg" ] && fail "a refused draw wrote a file"
out=$(printf 'draw spiral\ndraw ladder x.gif\ndraw seq\ndraw cwnd nosuch x.svg\n' | "$bin" 2>&1)
n=$(printf '%s\n' "$out" | grep -c '^tcplab: \|error\|usage')
[ "$n" -ge 4 ] && pass "shell draw: bad arguments refused" || fail "shell draw accepted bad input: $out"

echo "draw: $fails failed"
[ "$fails" -eq 0 ]
