#!/usr/bin/env python3
"""Tap-mode scenarios for tests/steps/tap_*.sh.

Each scenario runs inside the network namespace its shell script made
(unshare -n): tcplab --tap reads commands from a pipe, this program reads
what tcplab prints, and plays the kernel host with ordinary Python sockets,
as the lab's python3 would.  Nothing leaves the namespace: it holds only lo
and the TAP tcplab creates.

usage: tap_harness.py SCENARIO   (TCPLAB: the binary, default build/san/tcplab)
"""
import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

BIN = os.environ.get("TCPLAB", "build/san/tcplab")
ROMEO, JULIET = "10.10.1.100", "10.10.2.100"
MIB = 1 << 20


class Fail(Exception):
    pass


class Tcplab:
    """tcplab --tap, its standard input a pipe, its output collected."""

    started = []

    def __init__(self, *args):
        Tcplab.started.append(self)
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "detect_leaks=1"))
        self.p = subprocess.Popen([BIN, "--tap", "--no-color", *args, "-"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.lines = []
        self.eof = False
        self.cv = threading.Condition()
        self.nsync = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            with self.cv:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def mark(self):
        with self.cv:
            return len(self.lines)

    def wait(self, pattern, start=0, timeout=10):
        """The first line from `start` on that matches; Fail after timeout."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cv:
            i = start
            while True:
                while i < len(self.lines):
                    if rx.search(self.lines[i]):
                        return self.lines[i]
                    i += 1
                left = end - time.monotonic()
                if left <= 0 or self.eof:
                    raise Fail("no line matching %r in tcplab's output" % pattern)
                self.cv.wait(left)

    def sync(self, timeout=15):
        """Wait until tcplab has run everything sent so far."""
        self.nsync += 1
        self.send('print "sync %d"' % self.nsync)
        self.wait("^sync %d$" % self.nsync, timeout=timeout)
        return self.mark()

    def run(self, line, timeout=15):
        """Run one command; the lines it printed (and whatever came meanwhile)."""
        start = self.mark()
        self.send(line)
        end = self.sync(timeout)
        with self.cv:
            return self.lines[start:end - 1]

    def text(self, start=0):
        with self.cv:
            return "\n".join(self.lines[start:])

    def finish(self, timeout=40):
        self.p.stdin.close()
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise Fail("tcplab did not exit at the end of its input")
        with self.cv:
            while not self.eof:
                self.cv.wait(1)
        return rc


def expect(cond, what):
    if not cond:
        raise Fail(what)


def has(lines, pattern):
    rx = re.compile(pattern)
    return any(rx.search(l) for l in lines)


def sha_of(t, line):
    m = re.search(r"sha256 ([0-9a-f]{64})", t.wait(line))
    return m.group(1)


def tcp(timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return s


def recv_all(s):
    h, n = hashlib.sha256(), 0
    while True:
        d = s.recv(65536)
        if not d:
            return n, h.hexdigest()
        h.update(d)
        n += len(d)


def recv_exact(s, want):
    h, n = hashlib.sha256(), 0
    while n < want:
        d = s.recv(min(65536, want - n))
        if not d:
            break
        h.update(d)
        n += len(d)
    return n, h.hexdigest()


# ---- scenarios --------------------------------------------------------------

def icmp_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ping(addr, seq, timeout=3):
    """One ICMP echo from the kernel (a raw socket: the test runs as root)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(timeout)
    ident = os.getpid() & 0xffff
    payload = b"tcplab tap test " * 3
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, icmp_checksum(hdr + payload), ident, seq) + payload
    s.sendto(pkt, (addr, 0))
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        d, a = s.recvfrom(2048)
        ihl = (d[0] & 15) * 4
        t, _, _, i, q = struct.unpack("!BBHHH", d[ihl:ihl + 8])
        if t == 0 and i == ident and q == seq and a[0] == addr:
            return d[ihl + 8:] == payload
    return False


def basic():
    """ARP and ping from the kernel and to it; frames the stack does not
    handle (multicast, broadcast, IPv6) counted and summarised, not answered."""
    t = Tcplab()
    t.sync()
    m = t.mark()
    expect(ping(ROMEO, 1), "no echo reply from romeo to the kernel's ping")
    expect(ping(ROMEO, 2), "no echo reply to the second ping")
    t.sync()
    t.wait(r"juliet > romeo\s+ARP, Request who-has 10\.10\.1\.100 tell 10\.10\.2\.100", m)
    t.wait(r"romeo > juliet\s+ARP, Reply 10\.10\.1\.100 is-at 02:00:0a:0a:01:64", m)
    t.wait(r"juliet > romeo\s+IP 10\.10\.2\.100 > 10\.10\.1\.100: ICMP echo request", m)
    t.wait(r"romeo > juliet\s+IP 10\.10\.1\.100 > 10\.10\.2\.100: ICMP echo reply", m)

    out = t.run("ping juliet 2")
    expect(has(out, r"2 packets transmitted, 2 received"), "romeo's ping of juliet failed")

    # Noise from the kernel side: mDNS to a multicast group, a broadcast,
    # then IPv6 switched on (neighbour discovery, MLD, router solicitations).
    m = t.mark()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(JULIET))
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    for _ in range(5):
        u.sendto(b"\0" * 12, ("224.0.0.251", 5353))
    for _ in range(3):
        u.sendto(b"hello", ("10.10.255.255", 9999))
    u.close()
    v6 = "/proc/sys/net/ipv6/conf/tcplab0/disable_ipv6"
    if os.path.exists(v6):          # (a kernel without IPv6 has no such file)
        with open(v6, "w") as f:
            f.write("0\n")
    time.sleep(2.5)
    out = t.run("sleep 100ms")
    text = t.text(m)
    expect(len(re.findall(r"224\.0\.0\.251\.5353", text)) == 1,
           "the first mDNS frame should be decoded, the others only counted:\n" + text)
    expect(re.search(r"not handled by romeo's stack, so not answered:.*mDNS x5", text),
           "no summary of the mDNS frames:\n" + text)
    expect(re.search(r"IPv4 broadcast x3", text), "no summary of the broadcasts:\n" + text)
    expect(not os.path.exists(v6) or re.search(r"juliet > romeo\s+IP6 \S+ > ff02::", text),
           "the kernel's IPv6 frames are not decoded:\n" + text)
    expect(not re.search(r"romeo > juliet", text), "romeo answered a frame it does not handle:\n"
           + text)
    out = t.run("drops")
    expect(has(out, r"not this host|ethertype"), "drops does not count the frames not handled:\n"
           + "\n".join(out))
    expect(t.finish() == 0, "tcplab exited non-zero")


def records(lines, start, marker):
    """The decoded frames (first line plus continuation lines) whose first
    line contains `marker`, without the time and direction column."""
    out, cur = [], None
    for line in lines[start:]:
        m = re.match(r"^\s*\d+\.\d{6} (\w+ > \w+)\s+(.*)$", line)
        if m:
            cur = [m.group(2)] if marker in m.group(2) else None
            if cur is not None:
                out.append(cur)
        elif cur is not None and re.match(r"^ {20,}\t", line):
            cur.append(line.lstrip(" "))
        else:
            cur = None
    return ["\n".join(r) for r in out]


def ipv6():
    """IPv6 switched on on the TAP: the kernel's own link-up frames (MLDv2
    reports, duplicate address detection, router solicitations) decoded by
    tcplab exactly as tcpdump, capturing on the TAP at the same time,
    decodes them (-n -S -v -t); then filter ip6 and filter icmp6."""
    v6 = "/proc/sys/net/ipv6/conf/tcplab0/disable_ipv6"
    t = Tcplab()
    t.sync()
    if not os.path.exists(v6):
        print("SKIP tap ipv6: this kernel has no IPv6")
        t.finish()
        return
    t.run("decode -n -S -v -t")
    pcap = os.path.join(os.environ.get("TAPTEST_DIR", "/tmp"), "ipv6.pcap")
    dump = subprocess.Popen(["tcpdump", "-i", "tcplab0", "-n", "-U", "-Z", "root", "-s", "262144",
                             "-w", pcap, "ip6"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dump.stderr.readline()              # "listening on tcplab0 ..."
    m = t.mark()
    with open(v6, "w") as f:            # the link's IPv6 comes up
        f.write("0\n")
    time.sleep(6)                       # DAD (1 s), MLD reports, router solicitations
    dump.terminate()
    dump.wait(10)
    t.sync()                            # tcplab has shown all tcpdump saw, maybe more
    r = subprocess.run(["tcpdump", "-r", pcap, "-n", "-S", "-v", "-t"], capture_output=True,
                       text=True, timeout=20)
    want = []
    for line in r.stdout.splitlines():
        if line.startswith("\t"):
            want[-1] += "\n" + line
        else:
            want.append(line)
    got = records(t.lines, m, "IP6 ")
    expect(len(want) >= 3, "tcpdump saw too few IPv6 frames on the TAP:\n" + r.stdout)
    for kind in ("multicast listener report v2", "neighbor solicitation", "router solicitation"):
        expect(any(kind in w for w in want), "no %s on the TAP:\n%s" % (kind, r.stdout))
    expect(got[:len(want)] == want, "tcplab's decode differs from tcpdump's:\n--- tcpdump\n%s\n"
           "--- tcplab\n%s" % ("\n".join(want), "\n".join(got)))
    print("  tap ipv6: %d IPv6 frames decoded as tcpdump decoded them" % len(want))
    if os.environ.get("TAPTEST_SHOW"):
        print("\n".join(got))

    # filter ip6 / filter icmp6 on what the kernel sends now
    t.run("decode -n -S -t")
    idx = socket.if_nametoindex("tcplab0")

    def kernel_frames():
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        u.sendto(b"v6 datagram", ("ff02::1", 9999, 0, idx))
        u.close()
        ic = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        ic.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        ic.sendto(bytes([128, 0, 0, 0, 0x12, 0x34, 0, 1]) + b"ping", ("ff02::1", 0, 0, idx))
        ic.close()
        u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(JULIET))
        u4.sendto(b"v4", ("224.0.0.251", 5353))
        u4.close()
        time.sleep(0.5)

    for expr, shown, hidden in (("ip6", ["UDP, length 11", "ICMP6, echo request"], ["5353"]),
                                ("icmp6", ["ICMP6, echo request"], ["UDP, length 11", "5353"])):
        out = t.run("filter " + expr)
        m = t.mark()
        kernel_frames()
        t.sync()
        text = t.text(m)
        for s in shown:
            expect(s in text, "filter %s hid %r:\n%s" % (expr, s, text))
        for s in hidden:
            expect(s not in text, "filter %s showed %r:\n%s" % (expr, s, text))
    t.run("filter off")
    expect(t.finish() == 0, "tcplab exited non-zero")


def client():
    """tcplab connects to a kernel server: 1 MiB each way, tcplab closes first."""
    t = Tcplab()
    t.sync()
    srv = tcp()
    srv.bind((JULIET, 4000))
    srv.listen()
    got = {}

    def serve():
        c, _ = srv.accept()
        got["n"], got["sha"] = recv_all(c)          # to tcplab's FIN
        data = os.urandom(MIB)
        got["sent"] = hashlib.sha256(data).hexdigest()
        c.sendall(data)
        c.close()

    th = threading.Thread(target=serve)
    th.start()
    t.run("sock = socket")
    out = t.run("connect sock 10.10.2.100 4000")
    expect(has(out, r"romeo\s+sock \(fd 3\): CLOSED -> SYN_SENT \(connect\) -> ESTABLISHED "
               r"\(rcv SYN,ACK\)"), "connect: no handshake\n" + "\n".join(out))
    t.run("send sock --bytes 1M", timeout=30)
    sent = sha_of(t, r"^1048576 bytes sent, sha256")
    out = t.run("shutdown sock wr")
    t.run("recv sock --all", timeout=30)
    rcvd = sha_of(t, r"^1048576 bytes received \(end of stream\), sha256")
    th.join(20)
    expect(got.get("n") == MIB, "the kernel received %s bytes" % got.get("n"))
    expect(got["sha"] == sent, "SHA-256 of tcplab -> kernel differs")
    expect(got["sent"] == rcvd, "SHA-256 of kernel -> tcplab differs")
    t.run("close sock")
    t.sync()
    t.wait(r"romeo\s+sock .*FIN_WAIT_1 \(shutdown\)")
    t.wait(r"romeo\s+sock .*-> TIME_WAIT \(rcv FIN\)")
    # the kernel's side, seen from outside: another program's socket
    t.wait(r"juliet 10\.10\.2\.100:4000->10\.10\.1\.100:\d+ \(another program's socket\): "
           r".*CLOSE_WAIT \(rcv FIN\)")
    srv.close()
    expect(t.finish() == 0, "tcplab exited non-zero")


def server():
    """A kernel client connects to a tcplab server: 1 MiB each way, the
    kernel closes first."""
    t = Tcplab()
    t.run("sock = socket")
    t.run("bind sock 10.10.1.100 5000")
    t.run("listen sock")
    t.run("conn, addr = accept sock")
    got = {}

    def talk():
        c = tcp()
        c.connect((ROMEO, 5000))
        data = os.urandom(MIB)
        got["sent"] = hashlib.sha256(data).hexdigest()
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)                 # the kernel's FIN first
        got["n"], got["sha"] = recv_all(c)
        c.close()

    th = threading.Thread(target=talk)
    th.start()
    t.run("recv conn --all", timeout=30)
    rcvd = sha_of(t, r"^1048576 bytes received \(end of stream\), sha256")
    t.wait(r"conn = fd 4, addr = \('10\.10\.2\.100', \d+\)")
    t.run("send conn --bytes 1M", timeout=30)
    sent = sha_of(t, r"^1048576 bytes sent, sha256")
    t.run("close conn")
    th.join(20)
    expect(got.get("sent") == rcvd, "SHA-256 of kernel -> tcplab differs")
    expect(got.get("n") == MIB and got["sha"] == sent, "SHA-256 of tcplab -> kernel differs")
    t.sync()
    t.wait(r"romeo\s+conn .*LISTEN -> SYN_RECEIVED \(rcv SYN\) -> ESTABLISHED \(rcv ACK of SYN\)")
    t.wait(r"romeo\s+conn .*ESTABLISHED -> CLOSE_WAIT \(rcv FIN\)")
    t.wait(r"romeo\s+conn .*CLOSE_WAIT -> LAST_ACK \(close\) -> CLOSED \(rcv ACK of FIN\)")
    t.wait(r"juliet .*\(another program's socket\): .*FIN_WAIT_2 -> TIME_WAIT \(rcv FIN\)")
    expect(t.finish() == 0, "tcplab exited non-zero")


def refuse():
    """Refusals both ways (the kernel's RST, tcplab's) and abort both ways."""
    t = Tcplab()
    t.run("s = socket")
    out = t.run("connect s 10.10.2.100 4000")
    expect(has(out, r"^ConnectionRefusedError: \[Errno 111\] Connection refused$"),
           "no refusal by the kernel\n" + "\n".join(out))
    expect(has(out, r"juliet > romeo\s+IP 10\.10\.2\.100\.4000 > 10\.10\.1\.100\.\d+: Flags \[R\.\]"),
           "the kernel's RST is not decoded")
    expect(has(out, r"CLOSED -> SYN_SENT \(connect\) -> CLOSED \(rcv RST\)"), "no transitions")

    m = t.mark()
    c = tcp()
    try:
        c.connect((ROMEO, 5001))
        raise Fail("the kernel's connect to a closed port of romeo succeeded")
    except ConnectionRefusedError:
        pass
    c.close()
    t.sync()
    t.wait(r"romeo > juliet\s+IP 10\.10\.1\.100\.5001 > 10\.10\.2\.100\.\d+: Flags \[R\.\]", m)

    # tcplab aborts: RST to the kernel's socket
    t.run("l = socket")
    t.run("bind l * 5002")
    t.run("listen l")
    t.run("conn = accept l")
    c = tcp()
    c.connect((ROMEO, 5002))
    t.sync()
    t.wait(r"conn = fd \d+ from")
    out = t.run("abort conn")
    expect(has(out, r"romeo > juliet\s+IP 10\.10\.1\.100\.5002 > .*Flags \[R"), "abort sent no RST")
    expect(has(out, r"romeo\s+conn .*ESTABLISHED -> CLOSED"), "abort: no transition")
    try:
        d = c.recv(10)
        raise Fail("the kernel's socket read %r after tcplab's abort" % d)
    except ConnectionResetError:
        pass
    c.close()

    # the kernel aborts (SO_LINGER {1, 0}): tcplab's recv sees the reset
    t.run("conn2 = accept l")
    c = tcp()
    c.connect((ROMEO, 5002))
    t.sync()
    t.wait(r"conn2 = fd \d+ from")
    m = t.mark()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    t.sync()
    t.wait(r"juliet > romeo\s+IP 10\.10\.2\.100\.\d+ > 10\.10\.1\.100\.5002: Flags \[R", m)
    t.wait(r"romeo\s+conn2 .*ESTABLISHED -> CLOSED \(rcv RST\)", m)
    out = t.run("recv conn2")
    expect(has(out, r"ConnectionResetError: \[Errno 104\]"), "recv after RST\n" + "\n".join(out))
    t.run("close l")
    expect(t.finish() == 0, "tcplab exited non-zero")


def lab():
    """The socket lab: tcplab as romeo, typed in the lab's Python form;
    python3 as juliet.  Every step's observations, as the lab asks."""
    t = Tcplab()
    t.sync()
    # 1. open
    out = t.run("import socket")
    out = t.run("sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    expect(has(out, r"sock = TCP socket, fd 3"), "socket")
    # 2. connection refused: nothing listens on juliet yet
    out = t.run("sock.connect(('10.10.2.100', 4000))")
    expect(has(out, r"romeo > juliet\s+ARP, Request who-has 10\.10\.2\.100"), "no ARP")
    expect(has(out, r"Flags \[S\], seq \d+, win \d+, options \[mss 1460[],]"), "no SYN")
    expect(has(out, r"Flags \[R\.\], seq 0, ack \d+, win 0, length 0"), "no RST")
    expect(has(out, r"^ConnectionRefusedError: \[Errno 111\] Connection refused$"), "no refusal")
    expect(has(out, r"sock \(fd 3\): CLOSED -> SYN_SENT \(connect\) -> CLOSED \(rcv RST\)"),
           "refused: transitions")
    # 3. establishment: juliet (python3) listens and accepts
    srv = tcp()
    srv.bind((JULIET, 4000))
    srv.listen()
    conn = {}

    def acc():
        conn["s"], conn["a"] = srv.accept()

    th = threading.Thread(target=acc)
    th.start()
    out = t.run("sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    out = t.run("sock.connect(('10.10.2.100', 4000))")
    th.join(10)
    expect("s" in conn, "juliet accepted nothing")
    syn = [l for l in out if "romeo > juliet" in l and "Flags [S]," in l]
    synack = [l for l in out if "juliet > romeo" in l and "Flags [S.]" in l]
    ack = [l for l in out if "romeo > juliet" in l and "Flags [.]" in l]
    expect(syn and synack and ack, "handshake not decoded:\n" + "\n".join(out))
    iss = int(re.search(r"seq (\d+)", syn[0]).group(1))
    m2 = re.search(r"seq (\d+), ack (\d+)", synack[0])
    expect(int(m2.group(2)) == (iss + 1) % 2**32, "SYN,ACK does not acknowledge ISS+1")
    expect(re.search(r"ack %d," % ((int(m2.group(1)) + 1) % 2**32), ack[0]), "ACK of the SYN,ACK")
    expect(has(out, r"romeo\s+sock \(fd \d\): CLOSED -> SYN_SENT \(connect\) -> ESTABLISHED "
               r"\(rcv SYN,ACK\)"), "establishment: transitions")
    expect(has(out, r"juliet 10\.10\.2\.100:4000->10\.10\.1\.100:\d+ \(another program's socket\): "
               r"LISTEN -> (SYN_RECEIVED \(rcv SYN\) -> )?ESTABLISHED"),
           "the kernel's connection not seen:\n" + "\n".join(out))
    expect(has(out, r"inferred from the segments on tcplab0"), "no kernel TCB")
    out = t.run("ss")
    expect(has(out, r"^romeo\s+tcp\s+ESTAB") and has(out, r"^juliet\s+tcp\s+ESTAB")
           and has(out, r"^juliet\s+tcp\s+LISTEN"), "ss does not list both hosts:\n"
           + "\n".join(out))
    # 4. send and receive, both ways
    out = t.run('sock.send(b"Hello juliet")')
    expect(has(out, r"Flags \[P\.\], seq \d+:\d+, ack \d+, win \d+, (options \[[^]]*\], )?"
                    r"length 12"), "data segment")
    expect(has(out, r"^12$"), "send's result")
    c = conn["s"]
    expect(c.recv(1024) == b"Hello juliet", "juliet got something else")
    m = t.mark()
    c.send(b"Hello romeo")
    t.wait(r"juliet > romeo\s+.*Flags \[P\.\].*length 11", m)
    out = t.run("sock.recv(1024)")
    expect(has(out, r"^b'Hello romeo'$"), "romeo's recv")
    # 5. termination: romeo closes first, juliet follows
    out = t.run("sock.close()")
    expect(has(out, r"romeo > juliet\s+.*Flags \[F\.\]"), "no FIN from romeo")
    expect(has(out, r"ESTABLISHED -> FIN_WAIT_1 \(close\) -> FIN_WAIT_2 \(rcv ACK of FIN\)"),
           "active close: transitions\n" + "\n".join(out))
    m = t.mark()
    expect(c.recv(1024) == b"", "juliet did not see the end of the stream")
    c.close()
    t.sync()
    t.wait(r"juliet > romeo\s+.*Flags \[F\.\]", m)
    t.wait(r"romeo\s+sock \(fd \d, closed\): FIN_WAIT_2 -> TIME_WAIT \(rcv FIN\)", m)
    t.wait(r"juliet .*CLOSE_WAIT -> LAST_ACK \(snd FIN\) -> CLOSED \(rcv ACK of FIN\)", m)
    out = t.run("ss")
    expect(has(out, r"^romeo\s+tcp\s+TIME-WAIT"), "romeo not in TIME-WAIT")
    srv.close()
    expect(t.finish() == 0, "tcplab exited non-zero")


def shell():
    """The kernel host driven from the shell: its calls are real kernel
    calls; its state changes and TCB shown; ss and lsof list both hosts."""
    t = Tcplab("--record=" + os.environ["TAPTEST_DIR"] + "/t.txt")
    for line in ["juliet: s = socket", "juliet: bind s 10.10.2.100 4000", "juliet: listen s",
                 "juliet: c, a = accept s", "r = socket"]:
        t.run(line)
    out = t.run("connect r juliet 4000")
    expect(has(out, r"juliet: accept s returned:"), "juliet's accept did not complete")
    expect(has(out, r"juliet c \(fd 4\): LISTEN -> SYN_RECEIVED \(rcv SYN\) -> ESTABLISHED "
               r"\(rcv ACK of SYN\)"), "juliet's transitions:\n" + "\n".join(out))
    out = t.run('juliet: send c "Hello romeo\\n"')
    expect(has(out, r"juliet > romeo .*Flags \[P\.\].*length 12"), "juliet's send")
    out = t.run("recv r")
    expect(has(out, r"b'Hello romeo\\n'"), "romeo's recv")
    out = t.run("juliet: tcb c")
    expect(has(out, r"juliet c \(fd 4\)  10\.10\.2\.100:4000 -> 10\.10\.1\.100:\d+  ESTABLISHED"),
           "juliet's tcb header")
    expect(has(out, r"SND\.UNA\s+\d+\s+SND\.NXT\s+\d+"), "juliet's SND.UNA / SND.NXT")
    expect(has(out, r"TCP_INFO: RTO"), "no TCP_INFO")
    out = t.run("lsof")
    expect(has(out, r"tcplab\s+romeo\s+3u") and has(out, r"tcplab\s+juliet\s+4u"), "lsof")
    out = t.run("juliet: close c")
    expect(has(out, r"juliet c \(fd 4, closed\): ESTABLISHED -> FIN_WAIT_1 \(close\) -> "
               r"FIN_WAIT_2 \(rcv ACK of FIN\)"), "juliet's close:\n" + "\n".join(out))
    out = t.run("close r")
    expect(has(out, r"juliet c \(fd 4, closed\): FIN_WAIT_2 -> TIME_WAIT \(rcv FIN\)"),
           "juliet's TIME-WAIT:\n" + "\n".join(out))
    out = t.run("ss")
    expect(has(out, r"^juliet\s+tcp\s+TIME-WAIT"), "ss: juliet's TIME-WAIT")
    # ss -o: the kernel's TIME-WAIT timer, from its sock_diag dump
    out = t.run("ss -o")
    expect(has(out, r"^juliet\s+tcp\s+TIME-WAIT .* timer:\(timewait,(\d+sec|1min),0\)$"),
           "ss -o: juliet's TIME-WAIT timer:\n" + "\n".join(out))
    out = t.run("time")
    expect(has(out, r"s \(real\)$"), "time is not real")
    expect(t.finish() == 0, "tcplab exited non-zero")
    with open(os.environ["TAPTEST_DIR"] + "/t.txt") as f:
        head = f.read(400)
    expect("# mode: tap" in head, "the transcript's header does not say mode tap:\n" + head)


def timers():
    """Time is real: the stack's timers fire on their own while no command
    runs.  A datagram to an address on the link that nobody has: romeo's
    ARP request goes unanswered and is retried a second later, and the
    retry is printed while tcplab waits for its next line."""
    t = Tcplab()
    t.run("u = socket udp")
    m = t.mark()
    t.run('sendto u 10.10.3.3 9 "x"')
    time.sleep(2.5)
    text = t.text(m)
    n = len(re.findall(r"romeo > juliet\s+ARP, Request who-has 10\.10\.3\.3", text))
    expect(n >= 2, "the ARP retry did not fire while tcplab waited (%d requests):\n%s" % (n, text))
    out = t.run("time")
    expect(has(out, r"s \(real\)$"), "time is not real")
    expect(t.finish() == 0, "tcplab exited non-zero")


def tap_exists(name="tcplab0"):
    try:
        socket.if_nametoindex(name)
        return True
    except OSError:
        return False


def setup():
    """Set-up: without CAP_NET_ADMIN one line and exit 2; with it, the TAP
    goes when tcplab does; root dropped for SUDO_UID; --kernel=romeo;
    --netns with the printed command that enters the namespace."""
    # no privilege: one line naming what is missing and what to do
    for extra in ([], ["--netns"]):
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BIN,
                            "--tap", *extra], capture_output=True, text=True, timeout=20)
        err = r.stderr.strip().splitlines()
        expect(r.returncode == 2 and len(err) == 1 and "sudo" in err[0]
               and ("CAP_NET_ADMIN" in err[0] or "CAP_SYS_ADMIN" in err[0]),
               "without privileges: exit %d, stderr %r" % (r.returncode, r.stderr))
    expect(not tap_exists(), "a TAP is left behind")

    # root dropped to the sudo user after the set-up; the TAP removed at exit
    os.environ.update(SUDO_UID="65534", SUDO_GID="65534")
    t = Tcplab()
    del os.environ["SUDO_UID"], os.environ["SUDO_GID"]
    t.sync()
    expect(tap_exists(), "no tcplab0 while tcplab runs")
    with open("/proc/%d/status" % t.p.pid) as f:
        uid = [l for l in f if l.startswith("Uid:")][0].split()
    expect(uid[1:] == ["65534"] * 4, "tcplab still runs as %s" % uid)
    out = t.run("juliet: s = socket")
    expect(has(out, r"s = TCP socket, fd 3"), "the kernel host after the drop")
    expect(t.finish() == 0, "tcplab exited non-zero")
    expect(not tap_exists(), "tcplab0 is still there after tcplab exited")

    # the kernel plays romeo: the TAP has romeo's address, the stack is juliet
    t = Tcplab("--kernel=romeo")
    t.sync()
    srv = tcp()
    srv.bind((ROMEO, 4000))
    srv.listen()
    t.run("use juliet")
    t.run("s = socket")
    out = t.run("connect s romeo 4000")
    expect(has(out, r"juliet > romeo\s+IP 10\.10\.2\.100\.\d+ > 10\.10\.1\.100\.4000: Flags \[S\]"),
           "--kernel=romeo: no SYN from juliet\n" + "\n".join(out))
    expect(has(out, r"juliet\s+s \(fd 3\): CLOSED -> SYN_SENT \(connect\) -> ESTABLISHED"),
           "--kernel=romeo: no connection")
    srv.close()
    expect(t.finish() == 0, "tcplab exited non-zero")

    # --netns: the kernel host only inside; the printed command enters it
    t = Tcplab("--netns")
    line = t.wait(r"^tcplab: juliet exists only in a private network namespace")
    cmd = re.search(r"(nsenter --net=/proc/(\d+)/ns/net) python3$", line)
    expect(cmd and int(cmd.group(2)) == t.p.pid, "no command to enter the namespace: " + line)
    expect(not tap_exists(), "--netns: tcplab0 appeared outside the namespace")
    t.run("s = socket")
    t.run("bind s 10.10.1.100 5000")
    t.run("listen s")
    t.run("c = accept s")
    code = ("import socket; s = socket.create_connection(('10.10.1.100', 5000), 5); "
            "s.sendall(b'from inside'); s.close()")
    r = subprocess.run(cmd.group(1).split() + [sys.executable, "-c", code], capture_output=True,
                       text=True, timeout=20)
    expect(r.returncode == 0, "python3 in the namespace failed: " + r.stderr)
    out = t.run("recv c")
    expect(has(out, r"b'from inside'"), "no data from the namespace's python3")
    expect(t.finish() == 0, "tcplab exited non-zero")


def ip_json(*args):
    """iproute2's own reading, as JSON (ip -j), in this namespace."""
    import json
    return json.loads(subprocess.run(["ip", "-j", *args], check=True, capture_output=True,
                                     text=True).stdout or "[]")


def views():
    """The kernel host's own views: arp and ifconfig read from the kernel
    over rtnetlink, checked against ip neigh, ip -s link and ip addr taken
    in the same namespace just before and just after; diagram of a kernel
    socket drawn from the transitions tcplab observed."""
    t = Tcplab()
    t.run("ping juliet")                    # the kernel learns romeo's address

    # arp: every entry ip neigh lists, with its address and state
    before = ip_json("neigh", "show", "dev", "tcplab0")
    out = t.run("juliet: arp")
    after = ip_json("neigh", "show", "dev", "tcplab0")
    expect(before and after, "ip neigh lists nothing after a ping")
    rows = {}
    for line in (l for l in out if re.match(r"^\d+\.\d+\.\d+\.\d+ dev ", l)):
        m = re.match(r"^(\d+\.\d+\.\d+\.\d+) dev tcplab0 (?:lladdr (\S+) )?([A-Z]+)$", line)
        expect(m, "juliet: arp printed %r" % line)
        rows[m.group(1)] = (m.group(2), m.group(3))
    for e in before:
        expect(e["dst"] in rows, "ip neigh has %s, juliet: arp does not:\n%s" % (e["dst"], out))
        mac, state = rows[e["dst"]]
        expect(mac == e.get("lladdr"), "lladdr of %s: %s, ip neigh says %s"
               % (e["dst"], mac, e.get("lladdr")))
        states = set(e["state"]) | {s for a in after if a["dst"] == e["dst"] for s in a["state"]}
        expect(state in states, "state of %s: %s, ip neigh says %s" % (e["dst"], state, states))
    expect(rows.get(ROMEO, (None,))[0] == "02:00:0a:0a:01:64", "romeo's MAC in juliet's arp")
    expect(len(rows) == len(before), "juliet: arp lists %d entries, ip neigh %d"
           % (len(rows), len(before)))

    # ifconfig: the interface, its address and counters between two readings
    before = ip_json("-s", "link", "show", "dev", "tcplab0")[0]
    out = t.run("juliet: ifconfig")
    after = ip_json("-s", "link", "show", "dev", "tcplab0")[0]
    addr = [a for a in ip_json("addr", "show", "dev", "tcplab0")[0]["addr_info"]
            if a["family"] == "inet"][0]
    text = "\n".join(out)
    m = re.search(r"^tcplab0: flags=\d+<([A-Z,]+)>  mtu (\d+)$", text, re.M)
    expect(m, "ifconfig header:\n" + text)
    flags = set(m.group(1).split(","))
    for f in ("UP", "BROADCAST", "MULTICAST"):
        expect((f in flags) == (f in before["flags"]), "flag %s: ifconfig %s, ip link %s"
               % (f, sorted(flags), before["flags"]))
    expect(int(m.group(2)) == before["mtu"], "mtu")
    expect(re.search(r"^        inet %s  netmask 255\.255\.0\.0" % re.escape(addr["local"]), text,
                     re.M) and addr["prefixlen"] == 16, "inet line:\n" + text)
    expect(re.search(r"^        ether %s  \(Ethernet\)$" % before["address"], text, re.M),
           "ether line:\n" + text)
    for d in ("RX", "TX"):
        k = d.lower()
        m = re.search(r"^        %s packets (\d+)  bytes (\d+)$" % d, text, re.M)
        e = re.search(r"^        %s errors (\d+)  dropped (\d+)$" % d, text, re.M)
        expect(m and e, "%s counters:\n%s" % (d, text))
        for name, val in (("packets", m.group(1)), ("bytes", m.group(2)),
                          ("errors", e.group(1)), ("dropped", e.group(2))):
            lo, hi = before["stats64"][k][name], after["stats64"][k][name]
            expect(lo <= int(val) <= hi, "%s %s: ifconfig %s, ip -s link %d then %d"
                   % (d, name, val, lo, hi))
    expect(before["stats64"]["rx"]["packets"] > 0, "ip -s link counted nothing")

    # diagram of a kernel socket, from the transitions tcplab observed
    for line in ["juliet: s = socket", "juliet: bind s 10.10.2.100 4000", "juliet: listen s",
                 "juliet: c, a = accept s", "r = socket", "connect r juliet 4000"]:
        t.run(line)
    out = t.run("juliet: diagram c")
    text = "\n".join(out)
    expect(has(out, r"^juliet c \(fd 4\): ESTABLISHED \(box of #\)"), "diagram c:\n" + text)
    expect(has(out, r"#  ESTAB  #$"), "ESTABLISHED not boxed with #:\n" + text)
    expect(has(out, r"LISTEN\s+-> SYN_RECEIVED\s+rcv SYN$") and
           has(out, r"SYN_RECEIVED -> ESTABLISHED\s+rcv ACK of SYN$"),
           "diagram c's transitions:\n" + text)
    t.run("close r")
    out = t.run("juliet: diagram c")
    text = "\n".join(out)
    expect(has(out, r"^juliet c \(fd 4\): CLOSE_WAIT \(box of #\)") and
           has(out, r"ESTABLISHED\s+-> CLOSE_WAIT\s+rcv FIN$") and
           has(out, r"#   WAIT  #$"), "diagram c after romeo's close:\n" + text)
    out = t.run("juliet: diagram s")
    expect(has(out, r"^juliet s \(fd 3\): LISTEN \(box of #\)") and
           has(out, r"CLOSED -> LISTEN  listen$"), "diagram s:\n" + "\n".join(out))
    out = t.run("juliet: route")
    expect(has(out, r"^error: juliet is played by the Linux kernel"), "juliet: route")
    expect(t.finish() == 1, "tcplab's exit status (one shell error: juliet: route)")


def pcap_frames(path):
    """The frames of a pcap file (classic format, as tcplab -w writes it)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(end + "IIII", data[off:off + 16])
        yield wirelen, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def offload():
    """--offload: 64 MiB each way, tcplab the NIC with TSO.  The kernel
    uses GSO both ways (tcplab's counters), yet every frame tcplab decodes
    (and writes with -w) is a wire segment of at most the MSS, and both
    hosts' transitions are those of the client scenario."""
    size = 64 * MIB
    pcap = os.path.join(os.environ.get("TAPTEST_DIR", "/tmp"), "offload.pcap")
    t = Tcplab("--offload", "-w", pcap)
    t.sync()
    srv = tcp(timeout=60)
    srv.bind((JULIET, 4000))
    srv.listen()
    got = {}

    def serve():
        c, _ = srv.accept()
        c.settimeout(60)
        got["n"], got["sha"] = recv_all(c)
        data = os.urandom(size)
        got["sent"] = hashlib.sha256(data).hexdigest()
        c.sendall(data)
        c.close()

    th = threading.Thread(target=serve)
    th.start()
    t.run("sock = socket")
    out = t.run("connect sock 10.10.2.100 4000")
    expect(has(out, r"romeo\s+sock \(fd 3\): CLOSED -> SYN_SENT \(connect\) -> ESTABLISHED "
               r"\(rcv SYN,ACK\)"), "connect: no handshake\n" + "\n".join(out))
    t.run("send sock --bytes 64M", timeout=60)
    sent = sha_of(t, r"^67108864 bytes sent, sha256")
    t.run("shutdown sock wr")
    t.run("recv sock --all", timeout=60)
    rcvd = sha_of(t, r"^67108864 bytes received \(end of stream\), sha256")
    th.join(30)
    expect(got.get("n") == size, "the kernel received %s bytes" % got.get("n"))
    expect(got["sha"] == sent, "SHA-256 of tcplab -> kernel differs")
    expect(got["sent"] == rcvd, "SHA-256 of kernel -> tcplab differs")
    t.run("close sock")
    t.sync()
    t.wait(r"romeo\s+sock .*-> TIME_WAIT \(rcv FIN\)")
    t.wait(r"juliet 10\.10\.2\.100:4000->10\.10\.1\.100:\d+ \(another program's socket\): "
           r".*CLOSE_WAIT \(rcv FIN\)")
    out = "\n".join(t.run("ifconfig"))
    rx = re.search(r"offload \(--offload\): RX (\d+) GSO super-frames cut into (\d+) segments", out)
    tx = re.search(r"offload \(--offload\): TX (\d+) GSO frames joining (\d+) segments", out)
    bad = re.search(r"malformed from the kernel, dropped (\d+)", out)
    expect(rx and tx and bad, "ifconfig: no offload counters\n" + out)
    expect(int(rx.group(1)) > 0 and int(rx.group(2)) > int(rx.group(1)),
           "the kernel sent no GSO super-frames\n" + out)
    expect(int(tx.group(1)) > 0 and int(tx.group(2)) > int(tx.group(1)),
           "no GSO frame went to the kernel\n" + out)
    expect(bad.group(1) == "0", "frames from the kernel refused\n" + out)
    # the decode's frames, as -w wrote them: wire segments only
    shown = [l for l in t.lines if re.search(r" length \d+$", l) and "Flags" in l]
    big = [l for l in shown if int(l.rsplit(" ", 1)[1]) > 1448]
    expect(shown and not big, "the decode shows segments over the MSS: %s" % big[:3])
    srv.close()
    expect(t.finish() == 0, "tcplab exited non-zero")
    frames = data_bytes = 0
    for wirelen, f in pcap_frames(pcap):
        frames += 1
        expect(wirelen <= 1514, "a frame of %d bytes in the pcap" % wirelen)
        if len(f) >= 54 and f[12:14] == b"\x08\x00" and f[23] == 6:
            ihl = (f[14] & 15) * 4
            tot = struct.unpack(">H", f[16:18])[0]
            doff = (f[14 + ihl + 12] >> 4) * 4
            payload = tot - ihl - doff
            expect(payload <= 1448, "a TCP segment of %d bytes in the pcap" % payload)
            data_bytes += payload
    expect(data_bytes >= 2 * size, "the pcap holds %d bytes of TCP data, not %d" % (data_bytes, 2 * size))


SCENARIOS = {f.__name__: f for f in [basic, client, server, refuse, lab, shell, timers, setup,
                                     ipv6, views, offload]}

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in SCENARIOS:
        sys.exit("usage: tap_harness.py %s" % "|".join(SCENARIOS))
    start = time.monotonic()
    try:
        SCENARIOS[name]()
    except Fail as e:
        print("FAIL tap %s: %s" % (name, e))
        for t in Tcplab.started:
            print("--- tcplab's output (last 80 lines):")
            print("\n".join(t.lines[-80:]))
            t.p.kill()
        sys.exit(1)
    print("ok   tap %s (%.1f s)" % (name, time.monotonic() - start))
