#!/bin/sh
# `tcplab read` on bad input: a missing, empty, non-pcap, truncated or
# non-Ethernet file, and an unknown flag, each give exactly one line on
# stderr starting with "tcplab read: " and a non-zero exit (2 for usage,
# 1 for file problems).  A file cut inside a record still prints the
# complete records first.  Uses the sanitizer build; run from the
# repository root by tests/run.sh.
set -u
. tests/steps/step_common.inc
step_init read_errors

# check NAME WANT_STATUS ARGS...: exactly one stderr line, the prefix, the status
check() {
    name=$1
    want=$2
    shift 2
    "$bin" read "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    lines=$(wc -l <"$tmp/err")
    first=$(head -n 1 "$tmp/err")
    if [ "$got" -ne "$want" ] || [ "$lines" -ne 1 ]; then
        echo "FAIL $name: exit $got (want $want), $lines stderr lines:"
        sed 's/^/  /' "$tmp/err"
        fails=$((fails + 1))
        return
    fi
    case $first in
        "tcplab read: "*) echo "ok   $name: $first" ;;
        *) echo "FAIL $name: stderr does not start with 'tcplab read: ': $first"
           fails=$((fails + 1)) ;;
    esac
}

# A valid one-frame Ethernet capture, built byte by byte (little-endian
# classic pcap, link type 1), and the same header with link type 12 (raw IP).
pcap_header() {   # $1: link type byte
    printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000'
    printf '\000\000\004\000'
    printf "\\$(printf '%03o' "$1")\\000\\000\\000"
}
record() {        # 42-byte ARP request frame
    printf '\001\000\000\000\000\000\000\000\052\000\000\000\052\000\000\000'
    printf '\377\377\377\377\377\377\002\000\012\012\001\144\010\006'
    printf '\000\001\010\000\006\004\000\001\002\000\012\012\001\144\012\012\001\144'
    printf '\000\000\000\000\000\000\012\012\002\144'
}
{ pcap_header 1; record; } >"$tmp/good.pcap"
{ pcap_header 1; record; record | head -c 30; } >"$tmp/cut.pcap"
{ pcap_header 12; record; } >"$tmp/raw.pcap"
: >"$tmp/empty.pcap"
echo "this is not a capture file, just some text" >"$tmp/text.pcap"

check "missing file" 1 -nt "$tmp/missing.pcap"
check "empty file" 1 -nt "$tmp/empty.pcap"
check "non-pcap file" 1 -nt "$tmp/text.pcap"
check "truncated pcap" 1 -nt "$tmp/cut.pcap"
check "non-Ethernet link type" 1 -nt "$tmp/raw.pcap"
check "unknown flag" 2 -nq "$tmp/good.pcap"
check "no file" 2 -nt

# The truncated file still shows its complete record, as tcpdump does.
"$bin" read -nt "$tmp/cut.pcap" >"$tmp/out" 2>/dev/null
if [ "$(cat "$tmp/out")" != "ARP, Request who-has 10.10.2.100 tell 10.10.1.100, length 28" ]; then
    echo "FAIL truncated pcap: complete records not printed first:"
    sed 's/^/  /' "$tmp/out"
    fails=$((fails + 1))
fi
# And a good file exits 0 with nothing on stderr.
if ! "$bin" read -nt "$tmp/good.pcap" >/dev/null 2>"$tmp/err" || [ -s "$tmp/err" ]; then
    echo "FAIL good file: non-zero exit or stderr output"
    fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || { echo "read_errors: $fails failed" >&2; exit 1; }
echo "read_errors: all passed"
