#!/bin/sh
# Tap mode and the paced reader (recv --all N --every D): the kernel plays
# juliet and reads 4096 bytes every 100 ms of real time, woken by the
# world's deadline, while tcplab's stack sends 200 KiB with `&`; after
# `sleep 1s` it has read 10 to 12 times, and the digests agree at the end.
# In a network namespace of its own (unshare -n), which holds only lo and
# the TAP that tcplab creates and goes away with it.
set -u
name=tap_pace
bin=${TCPLAB:-build/san/tcplab}
[ -x "$bin" ] || { echo "$name: $bin is missing (run make tests)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP $name: tap tests need root (network namespaces, TAP)"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP $name: no /dev/net/tun"; exit 77; }
command -v unshare >/dev/null 2>&1 || { echo "SKIP $name: no unshare (util-linux)"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP $name: cannot make a network namespace here"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
cat >"$dir/script" <<'END'
show tcb off
show decode off
juliet: s = socket
juliet: bind s * 4000
juliet: listen s
c = socket
connect c juliet 4000
juliet: a = accept s
send c --bytes 200k &
juliet: recv a --all 4096 --every 100ms &
sleep 1s
jobs
wait 1
shutdown c wr
wait
END
if ! timeout 90 unshare -n "$bin" --tap=tlpace0 "$dir/script" >"$dir/out" 2>&1; then
    echo "FAIL $name: tcplab exited non-zero:"
    tail -20 "$dir/out" | sed 's/^/  /'
    exit 1
fi
reads=$(sed -n 's/^\[2\] juliet Running  recv a --all 4096 --every 100ms &  ([0-9]* bytes received in \([0-9]*\) reads)$/\1/p' "$dir/out")
sent=$(grep -o '^204800 bytes sent, sha256 [0-9a-f]*' "$dir/out" | awk '{ print $5 }')
got=$(grep -o '^204800 bytes received (end of stream), sha256 [0-9a-f]*' "$dir/out" | awk '{ print $8 }')
if [ -n "$reads" ] && [ "$reads" -ge 10 ] && [ "$reads" -le 12 ] && [ -n "$sent" ] &&
    [ "$sent" = "$got" ]; then
    echo "ok   $name: the kernel read 4096 bytes every 100 ms ($reads reads in the first second); digests agree"
else
    echo "FAIL $name: reads '$reads' in the first second, sent '$sent', received '$got':"
    tail -30 "$dir/out" | sed 's/^/  /'
    exit 1
fi
