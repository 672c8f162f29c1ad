#!/usr/bin/env python3
"""Tap mode through tcplab's fault injector (tests/steps/tap_faults.sh).

Runs inside the network namespace the shell script made (unshare -n):
tcplab --tap reads commands from a pipe; `wire loss 5%`, `wire reorder 5%`
and `wire dup 5%` act on the TAP link in both directions; then 8 MiB go
each way between tcplab's stack (romeo) and the Linux kernel (juliet,
ordinary Python sockets), and the SHA-256 of each stream is compared on
both ends.

usage: tap_faults.py   (TCPLAB: the binary; TAP_FAULTS_MIB: MiB each way, 8)
"""
import hashlib
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap_harness import Fail, Tcplab  # noqa: E402  (the one driver of tcplab --tap)

MIB = 1 << 20
SIZE = int(os.environ.get("TAP_FAULTS_MIB", "8")) * MIB


def grab(t, pattern, timeout):
    """The first group of the first line matching pattern."""
    return re.search(pattern, t.wait(pattern, timeout=timeout)).group(1)


def main():
    t = Tcplab()
    try:
        t.run("wire loss 5%")
        t.run("wire reorder 5%")
        t.run("wire dup 5%")
        t.wait(r"^wire: loss 5% dup 5% reorder 5%$", timeout=5)
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("10.10.2.100", 4000))
        srv.listen()
        srv.settimeout(60)
        got = {}

        def serve():
            c, _ = srv.accept()
            c.settimeout(120)
            h, n = hashlib.sha256(), 0
            while True:
                d = c.recv(65536)
                if not d:
                    break
                h.update(d)
                n += len(d)
            got["n"], got["sha"] = n, h.hexdigest()
            data = os.urandom(SIZE)
            got["sent"] = hashlib.sha256(data).hexdigest()
            c.sendall(data)
            c.close()

        th = threading.Thread(target=serve, daemon=True)
        th.start()
        start = time.monotonic()
        t.run("sock = socket")
        t.run("connect sock 10.10.2.100 4000", 60)
        t.run("show decode off")
        t.run("show tcb off")
        t.run("send sock --bytes %d" % SIZE, 300)
        sent = grab(t, r"^%d bytes sent, sha256 ([0-9a-f]{64})" % SIZE, 300)
        t.run("shutdown sock wr")
        t.run("recv sock --all", 300)
        rcvd = grab(t, r"^%d bytes received \(end of stream\), sha256 ([0-9a-f]{64})" % SIZE,
                    300)
        th.join(60)
        if got.get("n") != SIZE or got.get("sha") != sent:
            raise Fail("tcplab -> kernel: %s bytes, SHA-256 %s, sent %s" %
                       (got.get("n"), got.get("sha"), sent))
        if got.get("sent") != rcvd:
            raise Fail("kernel -> tcplab: SHA-256 differs")
        t.run("close sock")
        t.send("wire")
        t.wait(r"frames: \d+ in, \d+ delivered, .*lost.*duplicated.*reordered", timeout=10)
        t.p.stdin.close()
        if t.p.wait(60) != 0:
            raise Fail("tcplab exited non-zero")
        print("ok   tap faults: %d MiB each way through loss, reordering and duplication "
              "(%.1f s)" % (SIZE // MIB, time.monotonic() - start))
    except Fail as e:
        print("FAIL tap faults: %s" % e)
        print("--- tcplab's output (last 60 lines):")
        print("\n".join(t.lines[-60:]))
        t.p.kill()
        sys.exit(1)


if __name__ == "__main__":
    main()
