#!/bin/sh
# Captures: -w and `capture start` write a pcap that holds exactly the
# frames the shell decoded (tcplab read prints the same lines), and the
# display filter hides frames from the report but not from the capture.
set -u
T=build/san/tcplab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL capture: $*"; exit 1; }

cat >"$dir/s.txt" <<'SCRIPT'
juliet: s = socket
juliet: bind s * 4000
juliet: listen s
juliet: c = accept s
c = socket
connect c juliet 4000
send c "Hello juliet\n"
juliet: recv c 100
close c
juliet: close c
SCRIPT
$T -w "$dir/a.pcap" "$dir/s.txt" >"$dir/out.txt" || fail "script failed"
# The shell's decoded lines, without the time/direction column.
grep -E '^ +[0-9]+\.[0-9]{6} [a-z]+ > [a-z]+ +' "$dir/out.txt" |
    sed -E 's/^ +[0-9]+\.[0-9]{6} [a-z]+ > [a-z]+ +//' >"$dir/shell.txt"
$T read -nSt "$dir/a.pcap" >"$dir/read.txt" || fail "tcplab read failed"
[ -s "$dir/shell.txt" ] || fail "no decoded lines in the session"
cmp -s "$dir/shell.txt" "$dir/read.txt" || { diff "$dir/shell.txt" "$dir/read.txt" | head; fail "capture differs from the session's decode"; }
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump is missing (make deps installs it)"
TZ=UTC tcpdump -nSt -r "$dir/a.pcap" 2>/dev/null >"$dir/tcpdump.txt"
cmp -s "$dir/read.txt" "$dir/tcpdump.txt" || fail "tcpdump reads the capture differently"

# Filter: only SYNs shown, all frames captured; a bad expression changes nothing.
printf '%s\n' 'juliet: s = socket' 'juliet: bind s * 4000' 'juliet: listen s' \
    'filter tcp[13] & 2 != 0' 'capture start '"$dir/b.pcap" 'filter this is ( bad' \
    'c = socket' 'connect c juliet 4000' 'capture stop' >"$dir/f.txt"
$T "$dir/f.txt" >"$dir/fout.txt"
[ $? -eq 1 ] || fail "a bad filter expression must count as a shell error"
grep -q '^error: filter: ' "$dir/fout.txt" || fail "no libpcap message for the bad filter"
n=$(grep -cE '^ +[0-9]+\.[0-9]{6} ' "$dir/fout.txt")
[ "$n" -eq 2 ] || fail "filter shows $n frames, want the 2 SYNs"
grep -q 'frames hidden by the filter' "$dir/fout.txt" || fail "hidden frames not mentioned"
m=$($T read -nt "$dir/b.pcap" | wc -l)
[ "$m" -eq 5 ] || fail "capture holds $m frames, want 5 (ARP x2 + handshake)"
$T -w /nonexistent/dir/x.pcap "$dir/s.txt" >/dev/null 2>&1 && fail "unwritable -w must fail"
echo "capture: all passed"
