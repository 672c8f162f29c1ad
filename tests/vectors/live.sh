#!/bin/sh
# Live captures for the decoder's vectors: what the Linux kernel itself
# puts on a link, recorded by tcpdump -w.  Run by generate.sh as root;
# needs iproute2, ethtool, iputils-ping, tcpdump and python3.
#
#   sh tests/vectors/live.sh OUTDIR
#
# Everything happens in network namespaces made here (tcplab-vec-*) and
# deleted on exit, joined by veth pairs: nothing leaves them.
#   linkup  two hosts' interfaces come up with IPv6 on: MLDv2 reports,
#           duplicate address detection, router solicitations
#   tcp6    a TCP connection over IPv6 (13 bytes each way, both close)
#           and a UDP datagram with its echo
#   icmp6   echo, and the errors a router sends: port unreachable, no
#           route, time exceeded, packet too big
set -eu
out=${1:?usage: live.sh OUTDIR}
for tool in ip ethtool ping tcpdump python3; do
    command -v $tool >/dev/null || { echo "live.sh: $tool is needed" >&2; exit 2; }
done
R=tcplab-vec-romeo
J=tcplab-vec-juliet
cleanup() {
    [ -n "${dump:-}" ] && kill "$dump" 2>/dev/null
    ip netns del $R 2>/dev/null || true
    ip netns del $J 2>/dev/null || true
}
trap cleanup EXIT INT TERM
inr() { ip netns exec $R "$@"; }
inj() { ip netns exec $J "$@"; }

# romeo and juliet joined by veth0 (romeo) / veth1 (juliet), the MACs of
# the lab, checksums computed in software so that -v says (correct)
setup() {
    cleanup
    ip netns add $R
    ip netns add $J
    ip link add veth0 netns $R address 02:00:0a:0a:01:64 type veth \
        peer name veth1 netns $J address 02:00:0a:0a:02:64
    for ns in $R $J; do
        ip netns exec $ns ip link set lo up
        ip netns exec $ns ethtool -K "$([ $ns = $R ] && echo veth0 || echo veth1)" \
            tx off tso off gso off gro off >/dev/null 2>&1 || true
    done
}

# capture NAME: tcpdump -w on romeo's veth0 while "$@" runs
capture() {
    name=$1
    shift
    inr tcpdump -i veth0 -n -U --immediate-mode -Z root -s 262144 -w "$out/$name.pcap" \
        2>/dev/null &
    dump=$!
    sleep 1
    "$@"
    sleep 0.5
    kill "$dump"
    wait "$dump" 2>/dev/null || true
    dump=
}

# 1. link-up: romeo's side is up but has no carrier until juliet's comes
# up; then both send the kernel's own IPv6 chatter
linkup() {
    inj ip link set veth1 up
    sleep 5
}
setup
inr ip link set veth0 up
capture linkup linkup

# setup6: a fresh pair, fd00::a0a:164 (romeo) and fd00::a0a:264 (juliet)
# on it without a DAD wait, both ends up
setup6() {
    setup
    inr ip -6 addr add fd00::a0a:164/64 dev veth0 nodad
    inj ip -6 addr add fd00::a0a:264/64 dev veth1 nodad
    inr ip link set veth0 up
    inj ip link set veth1 up
}

# 2. TCP and UDP over IPv6 between the namespaces
setup6
sleep 3
traffic6() {
    inj python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("fd00::a0a:264", 4000)); s.listen(1)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("fd00::a0a:264", 4000))
sys.stdout.write("ready\n"); sys.stdout.flush()
c, _ = s.accept(); c.sendall(c.recv(100).upper()); c.recv(100); c.close()
data, peer = u.recvfrom(100); u.sendto(data, peer)
' | {
        read -r _
        inr python3 -c '
import socket, time
c = socket.create_connection(("fd00::a0a:264", 4000), source_address=("fd00::a0a:164", 50000))
c.sendall(b"hello juliet\n"); c.recv(100); time.sleep(0.2); c.close()
time.sleep(0.3)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("fd00::a0a:164", 50001))
u.sendto(b"datagram", ("fd00::a0a:264", 4000)); u.settimeout(2); u.recv(100)
'
    }
}
capture tcp6_live traffic6

# 3. ICMPv6 echo and errors: juliet routes for romeo to a network behind
# a veth pair of its own (fd00:99::/64, MTU 1280); fd00:98::/32 has no route.
setup6
inj ip link add veth2 mtu 1280 type veth peer name veth3 mtu 1280
inj ip -6 addr add fd00:99::1/64 dev veth2 nodad
inj ip link set veth3 up
inj ip link set veth2 up
inj sysctl -qw net.ipv6.conf.all.forwarding=1
inr ip -6 route add fd00:98::/32 via fd00::a0a:264
inr ip -6 route add fd00:99::/32 via fd00::a0a:264
sleep 2
errors6() {
    inr ping -6 -c 2 -i 0.3 -s 56 fd00::a0a:264 >/dev/null
    inr python3 -c '
import socket
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("fd00::a0a:164", 50002))
u.sendto(b"anyone?", ("fd00::a0a:264", 4001))
'
    sleep 1.1
    inr ping -6 -c 1 -W 1 fd00:98::1 >/dev/null 2>&1 || true
    sleep 1.1
    inr ping -6 -c 1 -W 1 -t 1 fd00:99::2 >/dev/null 2>&1 || true
    sleep 1.1
    inr ping -6 -c 1 -W 1 -s 1400 -M do fd00:99::2 >/dev/null 2>&1 || true
}
capture icmp6_live errors6
echo "live.sh: linkup tcp6_live icmp6_live captured in $out"
