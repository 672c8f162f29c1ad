#!/bin/sh
# make bench, the loss table (issue 14): 2 MiB one way with P% random loss
# in both directions once the connection is up, tcplab against Linux in
# the same run, RUNS runs per loss rate; prints "key value" lines for
# run.sh (loss_P_tcplab_median, loss_P_linux_median, ..._ratio, stalls, the
# longest tcplab run) and one line per run on stderr.
#
#   tcplab: build/bench/lossbench (the stack through its socket API on the
#           simulated wire, `wire loss P` switched on after the handshake;
#           each end reads or writes at every event), virtual time from
#           the first data segment to the ACK of the last byte
#   Linux:  two network namespaces joined by a veth (offloads off), nftables
#           dropping P% of the TCP segments arriving in each (numgen random
#           mod 100 < P drop; SYNs spared, so the loss starts once the
#           connection is up), python3 at both ends; real time from the
#           first send to the ACK of the last byte (SIOCOUTQ reaching 0)
#
#   sh loss.sh LOSSBENCH RUNS BYTES P...
#
# Needs root, ip, nft, ethtool and python3 for the Linux half, else it says
# loss_linux_skipped WHY.  The namespaces are made here and deleted on exit.
set -u
LB=$1 RUNS=$2 BYTES=$3
shift 3
tmp=$(mktemp -d) || exit 1
A=tcplab-loss-a-$$ B=tcplab-loss-b-$$
cleanup() {
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# median FILE: of the numbers in FILE, one a line
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print "none";
        else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- tcplab ---------------------------------------------------------------------
"$LB" --runs "$RUNS" --bytes "$BYTES" --limit 900 "$@" >"$tmp/tcplab" || {
    echo "loss: lossbench exited $?" >&2
    exit 1
}
sed 's/^/tcplab: /' "$tmp/tcplab" >&2
for p in "$@"; do
    grep "^loss $p run .* seconds " "$tmp/tcplab" | awk '{ print $6 }' >"$tmp/t$p"
    echo "loss_${p}_tcplab_median $(median "$tmp/t$p")"
    echo "loss_${p}_tcplab_max $(sort -g "$tmp/t$p" | tail -n 1)"
    echo "loss_${p}_tcplab_stalls $(grep -c "^loss $p run .* stalled" "$tmp/tcplab")"
    echo "loss_${p}_tcplab_timeouts $(grep "^loss $p run .* seconds " "$tmp/tcplab" |
        awk '{ s += $8 } END { print s + 0 }')"
done

# ---- Linux ------------------------------------------------------------------------
why=
if [ "$(id -u)" -ne 0 ]; then why="not root"
else
    for c in ip nft ethtool python3; do
        command -v $c >/dev/null 2>&1 || { why="no $c"; break; }
    done
fi
[ -z "$why" ] && ! ip netns add "$A" 2>/dev/null && why="cannot make a network namespace"
if [ -n "$why" ]; then
    echo "loss_linux_skipped $why"
    exit 0
fi
ip netns add "$B" &&
    ip link add lv0 netns "$A" type veth peer name lv1 netns "$B" &&
    ip -n "$A" addr add 10.98.0.1/24 dev lv0 && ip -n "$B" addr add 10.98.0.2/24 dev lv1 &&
    ip -n "$A" link set lo up && ip -n "$B" link set lo up &&
    ip -n "$A" link set lv0 up && ip -n "$B" link set lv1 up || {
    echo "loss_linux_skipped cannot set up the veth pair"
    exit 0
}
for ns in "$A" "$B"; do
    dev=lv0
    [ "$ns" = "$B" ] && dev=lv1
    ip netns exec "$ns" ethtool -K $dev tso off gso off gro off tx off rx off >/dev/null 2>&1
done

cat >"$tmp/server.py" <<'EOF'
import socket, sys
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.98.0.2", 5001))
l.listen()
print("listening", flush=True)
while True:
    c, _ = l.accept()
    while c.recv(1 << 20):
        pass
    c.close()
EOF
cat >"$tmp/client.py" <<'EOF'
import fcntl, socket, struct, sys, termios, time
n = int(sys.argv[1])
data = bytes(n)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("10.98.0.2", 5001))
t0 = time.monotonic()
s.sendall(data)
# SIOCOUTQ: bytes not yet acknowledged; 0 once the last byte's ACK is in
while struct.unpack("i", fcntl.ioctl(s, termios.TIOCOUTQ, b"\0\0\0\0"))[0] > 0:
    if time.monotonic() - t0 > 120:
        print("stalled")
        sys.exit(0)
    time.sleep(0.00005)
print("%.6f" % (time.monotonic() - t0))
s.close()
EOF
ip netns exec "$B" python3 "$tmp/server.py" >"$tmp/server.out" 2>&1 &
sp=$!
i=0
while ! grep -q listening "$tmp/server.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 200 ] || { echo "loss: the python3 server did not start" >&2; kill $sp; exit 1; }
    sleep 0.05
done
for p in "$@"; do
    for ns in "$A" "$B"; do
        ip netns exec "$ns" nft -f - <<EOF || { echo "loss: nft failed" >&2; kill $sp; exit 1; }
flush ruleset
table inet loss {
    chain input {
        type filter hook input priority 0; policy accept;
        meta l4proto tcp tcp flags & syn == 0 numgen random mod 100 < $p drop
    }
}
EOF
    done
    : >"$tmp/l$p"
    stalls=0
    k=1
    while [ $k -le "$RUNS" ]; do
        r=$(ip netns exec "$A" timeout 150 python3 "$tmp/client.py" "$BYTES")
        echo "linux: loss $p run $k seconds ${r:-none}" >&2
        case $r in
            [0-9]*) echo "$r" >>"$tmp/l$p" ;;
            *) stalls=$((stalls + 1)) ;;
        esac
        k=$((k + 1))
    done
    echo "loss_${p}_linux_median $(median "$tmp/l$p")"
    echo "loss_${p}_linux_stalls $stalls"
done
kill $sp 2>/dev/null
wait $sp 2>/dev/null
exit 0
