#!/bin/sh
# tcplab packetdrill: every script under tests/packetdrill/ passes (none
# failed, none skipped: a skip is not a pass); each script under
# tests/packetdrill/fail/ prints exactly the lines of its .out file (a
# failure made on purpose, so every message is checked once) and exits 1
# for a failure, 0 for a skip; --ignore-window and --ignore-options make
# the two scripts that differ only there pass; bad command lines give one
# line.  Run from the repository root by tests/run.sh.
set -u
. tests/steps/step_common.inc
step_init packetdrill

# ---- our scripts: all pass
n=$(ls tests/packetdrill/*.pkt | wc -l)
"$bin" packetdrill tests/packetdrill/*.pkt > "$tmp/all" 2>&1
rc=$?
last=$(tail -n 1 "$tmp/all")
if [ "$rc" -eq 0 ] && [ "$last" = "$n passed, 0 failed, 0 skipped" ] && [ "$n" -ge 80 ]; then
    pass "$last"
else
    fail "tests/packetdrill: exit $rc, '$last' (want $n >= 80 passed):"
    grep -v '^PASS' "$tmp/all" | sed 's/^/  /'
fi

# ---- each message once
for f in tests/packetdrill/fail/*.pkt; do
    want=${f%.pkt}.out
    (cd tests/packetdrill/fail && "$bin" packetdrill "$(basename "$f")") > "$tmp/out" 2>&1
    rc=$?
    tail -n 1 "$tmp/out" > "$tmp/total"
    sed '$d' "$tmp/out" > "$tmp/got"
    case $(cat "$tmp/total") in
        "0 passed, 1 failed, 0 skipped") wrc=1 ;;
        *) wrc=0 ;;
    esac
    if [ ! -f "$want" ]; then
        fail "$f has no $want"
    elif ! cmp -s "$want" "$tmp/got"; then
        fail "$f prints:"
        diff "$want" "$tmp/got" | sed 's/^/  /'
    elif [ "$rc" -ne "$wrc" ]; then
        fail "$f exits $rc, not $wrc"
    else
        pass "$f: $(head -n 1 "$tmp/got")"
    fi
done

# ---- the comparison can be loosened
for c in "--ignore-window field-win" "--ignore-options options"; do
    set -- $c
    if out=$("$bin" packetdrill "$1" "tests/packetdrill/fail/$2.pkt" 2>&1) &&
       [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 0 failed, 0 skipped" ]; then
        pass "$1 $2.pkt passes"
    else
        fail "$1 $2.pkt: $out"
    fi
done

# ---- --report: the frames decoded, the transitions, the TCBs after each line
out=$("$bin" packetdrill --report tests/packetdrill/listen-syn-synack.pkt 2>&1)
if printf '%s\n' "$out" | grep -q '^--- line 9$' &&
   printf '%s\n' "$out" | grep -q '> IP 192.168.0.1.8080 > 192.0.2.1.40000: Flags \[S.\], seq [0-9]*, ack 1, win 64240, options \[mss 1460,nop,nop,sackOK,nop,wscale 7\], length 0' &&
   printf '%s\n' "$out" | grep -q 'LISTEN -> SYN_RECEIVED (rcv SYN)' &&
   printf '%s\n' "$out" | grep -q 'SND.UNA' &&
   [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 0 failed, 0 skipped" ]; then
    pass "--report shows the decode, the transitions and the TCBs"
else
    fail "--report:"
    printf '%s\n' "$out" | head -20 | sed 's/^/  /'
fi

# ---- bad command lines: one line, exit 2 (or 1 for a missing script)
check_cli() {
    want_rc=$1 want=$2
    shift 2
    out=$("$bin" packetdrill "$@" 2>&1)
    rc=$?
    if [ "$rc" -eq "$want_rc" ] && printf '%s\n' "$out" | head -n 1 | grep -q -- "$want"; then
        pass "packetdrill $*: $(printf '%s\n' "$out" | head -n 1)"
    else
        fail "packetdrill $*: exit $rc, '$out' (want $want_rc, '$want')"
    fi
}
check_cli 2 "usage: tcplab packetdrill"
check_cli 2 "unknown option '--bogus'" --bogus x.pkt
check_cli 1 "FAIL $tmp/none.pkt: No such file or directory" "$tmp/none.pkt"
printf 'a\0b' > "$tmp/bin.pkt"
check_cli 1 "not a text file" "$tmp/bin.pkt"

[ "$fails" -eq 0 ] || { echo "packetdrill: $fails failed"; exit 1; }
echo "packetdrill: all ok"
