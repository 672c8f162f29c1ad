#!/usr/bin/env python3
"""Crafted frames for the decoder's vectors, written as classic pcap files.

    python3 craft.py OUTDIR

writes OUTDIR/NAME.pcap for every scenario of SCENARIOS below.  Frames are
built byte by byte with struct (no scapy): Ethernet, IPv4, IPv6 with its
extension headers, TCP with any option bytes, UDP, ICMPv6; checksums are
computed unless a frame asks for a wrong one.  tcpdump 4.99.3 decodes the
files (generate.sh); nothing here says what the decode should be.
"""
import os
import struct
import sys

ROMEO_MAC = bytes.fromhex("02000a0a0164")
JULIET_MAC = bytes.fromhex("02000a0a0264")
ROMEO4 = bytes([10, 10, 1, 100])
JULIET4 = bytes([10, 10, 2, 100])
ROMEO6 = bytes.fromhex("fd000000000000010000000000000064")    # fd00:0:0:1::64
JULIET6 = bytes.fromhex("fd000000000000020000000000000064")   # fd00:0:0:2::64
ROMEO_LL = bytes.fromhex("fe80000000000000000aaff0fe0a0164")
JULIET_LL = bytes.fromhex("fe80000000000000000aaff0fe0a0264")
ALL_NODES = bytes.fromhex("ff020000000000000000000000000001")
ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000002")
MLDV2_ROUTERS = bytes.fromhex("ff020000000000000000000000000016")
UNSPEC = bytes(16)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, etype, src=ROMEO_MAC, dst=JULIET_MAC):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(payload, proto, src=ROMEO4, dst=JULIET4, ttl=64, ident=1, frag=0x4000,
         tos=0, opts=b"", total=None):
    ihl = (20 + len(opts)) // 4
    tl = total if total is not None else 20 + len(opts) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, tl, ident, frag, ttl, proto, 0,
                    src, dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return src + dst + struct.pack("!IxxxB", length, proto)


def with_sum(seg, off, pseudo, bad=None):
    """Put the checksum at offset off of seg (or the wrong value `bad`)."""
    seg = seg[:off] + b"\0\0" + seg[off + 2:]
    value = csum(pseudo + seg) if bad is None else bad
    return seg[:off] + struct.pack("!H", value) + seg[off + 2:]


def tcp_hdr(sport, dport, seq, ack, flags, opts=b"", win=64240, data=b"", urg=0):
    while len(opts) % 4:
        opts += b"\1"       # NOP padding keeps option lists as given
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0,
                       urg) + opts + data


def udp_hdr(sport, dport, data, length=None):
    return struct.pack("!HHHH", sport, dport, length or 8 + len(data), 0) + data


FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32


def tcp4(flags, opts=b"", data=b"", sport=50000, dport=4000, seq=1000, ack=2000,
         src=ROMEO4, dst=JULIET4, smac=ROMEO_MAC, dmac=JULIET_MAC):
    seg = tcp_hdr(sport, dport, seq, ack, flags, opts, data=data)
    seg = with_sum(seg, 16, pseudo4(src, dst, 6, len(seg)))
    return eth(ipv4(seg, 6, src, dst), 0x0800, smac, dmac)


# ---------------------------------------------------------------- IPv6

def ipv6(payload, nh, src=ROMEO6, dst=JULIET6, hlim=64, tc=0, flow=0, plen=None):
    first = (6 << 28) | (tc << 20) | flow
    pl = len(payload) if plen is None else plen
    return struct.pack("!IHBB", first, pl, nh, hlim) + src + dst + payload


def ext(nh, body):
    """A hop-by-hop/destination/routing header: body after (nh, len) is
    padded to 8-octet units with PadN."""
    body = bytes(body)
    pad = (-(len(body) + 2)) % 8
    if pad == 1:
        body += b"\0"
    elif pad:
        body += bytes([1, pad - 2]) + bytes(pad - 2)
    return bytes([nh, (len(body) + 2) // 8 - 1]) + body


def frag_hdr(nh, offset, more, ident):
    return struct.pack("!BBHI", nh, 0, (offset << 3) | (1 if more else 0), ident)


def l4_6(proto, seg, src, dst, sumoff, bad=None):
    return with_sum(seg, sumoff, pseudo6(src, dst, proto, len(seg)), bad)


def tcp6(flags, opts=b"", data=b"", sport=50000, dport=4000, seq=1000, ack=2000,
         src=ROMEO6, dst=JULIET6, bad=None, exts=b"", first_nh=6, hlim=64):
    seg = tcp_hdr(sport, dport, seq, ack, flags, opts, data=data)
    seg = l4_6(6, seg, src, dst, 16, bad)
    return eth(ipv6(exts + seg, first_nh if exts else 6, src, dst, hlim), 0x86dd)


def udp6(data, sport=50000, dport=4000, src=ROMEO6, dst=JULIET6, bad=None, length=None):
    seg = udp_hdr(sport, dport, data, length)
    seg = l4_6(17, seg, src, dst, 6, bad)
    return eth(ipv6(seg, 17, src, dst), 0x86dd)


def icmp6(typ, code, body, src=ROMEO6, dst=JULIET6, hlim=255, bad=None, exts=b"",
          first_nh=58, smac=ROMEO_MAC, dmac=JULIET_MAC):
    msg = struct.pack("!BBH", typ, code, 0) + body
    msg = l4_6(58, msg, src, dst, 2, bad)
    return eth(ipv6(exts + msg, first_nh if exts else 58, src, dst, hlim), 0x86dd,
               smac, dmac)


def nd_opt(typ, body):
    body = bytes(body)
    pad = (-(len(body) + 2)) % 8
    return bytes([typ, (len(body) + 2 + pad) // 8]) + body + bytes(pad)


def mcast_mac(addr):
    return bytes([0x33, 0x33]) + addr[12:]


def solicited(addr):
    return bytes.fromhex("ff0200000000000000000001ff") + addr[13:]


# ---------------------------------------------------------------- MPTCP

def mp(sub, rest, low=0, length=None):
    body = bytes([(sub << 4) | low]) + bytes(rest)
    return bytes([30, length if length is not None else 2 + len(body)]) + body


def k64(v):
    return struct.pack("!Q", v)


def scenario_mptcp():
    key_a, key_b = 0x0123456789abcdef, 0xfedcba9876543210
    F = []
    # MP_CAPABLE (RFC 8684 §3.1): v1 SYN (length 4), v0/v1 with a key,
    # checksum flag, the third ACK with both keys and with data length
    F.append(tcp4(SYN, mp(0, [0x01], low=1)))
    F.append(tcp4(SYN, mp(0, [0x81] + list(k64(key_a)), low=0)))
    F.append(tcp4(SYN | ACK, mp(0, [0x01] + list(k64(key_b)), low=1)))
    F.append(tcp4(ACK, mp(0, [0x01] + list(k64(key_a) + k64(key_b)), low=1)))
    F.append(tcp4(ACK | PSH, mp(0, [0x01] + list(k64(key_a) + k64(key_b)) + [0, 5], low=1),
                  data=b"hello"))
    F.append(tcp4(SYN, mp(0, [0x01] + list(k64(key_a)), low=2)))          # version 2
    F.append(tcp4(SYN, mp(0, [0x01] + list(k64(key_a) + k64(key_b)), low=1)))  # bad: 20 on SYN
    F.append(tcp4(ACK, mp(0, [0x01], low=1)))                              # bad: 4 without SYN
    # MP_JOIN (§3.2)
    F.append(tcp4(SYN, mp(1, [3] + list(struct.pack("!II", 0xdeadbeef, 0x01020304)), low=1)))
    F.append(tcp4(SYN | ACK, mp(1, [3] + list(k64(0x1122334455667788) +
                                              struct.pack("!I", 0xcafe)), low=0)))
    F.append(tcp4(ACK, mp(1, [0] + list(range(0xa0, 0xb4)))))
    F.append(tcp4(ACK, mp(1, [3] + list(struct.pack("!II", 1, 2)))))       # bad: 12 without SYN
    # DSS (§3.3): each combination of the A/a/M/m/F flags
    F.append(tcp4(ACK, mp(2, [0x01] + list(struct.pack("!I", 100000)))))
    F.append(tcp4(ACK, mp(2, [0x03] + list(k64(2 ** 40 + 7)))))
    F.append(tcp4(ACK | PSH, mp(2, [0x05] + list(struct.pack("!IIIH", 7, 8, 1, 10))),
                  data=b"0123456789"))
    F.append(tcp4(ACK | PSH, mp(2, [0x0f] + list(k64(2 ** 33) + k64(2 ** 34) +
                                                 struct.pack("!IHH", 1, 10, 0xbeef))),
                  data=b"0123456789"))
    F.append(tcp4(ACK | FIN, mp(2, [0x15] + list(struct.pack("!IIIH", 9, 10, 0, 1)))))
    F.append(tcp4(ACK, mp(2, [0x10])))
    F.append(tcp4(SYN, mp(2, [0x01] + list(struct.pack("!I", 1)))))         # bad: on a SYN
    F.append(tcp4(ACK, mp(2, [0x03] + list(struct.pack("!I", 1)))))        # bad: short ack
    F.append(tcp4(ACK, mp(2, [0x01] + list(struct.pack("!IH", 1, 2)))))    # bad: bytes left
    F.append(tcp4(ACK, mp(2, [0x04] + list(struct.pack("!II", 1, 2)))))    # bad: no length
    # ADD_ADDR (§3.4.1): IPv4/IPv6, port, HMAC, echo; v0 forms; bad ones
    F.append(tcp4(ACK, mp(3, [1] + list(bytes([10, 10, 3, 1]))) + b"\1\1"))
    F.append(tcp4(ACK, mp(3, [2] + list(bytes([10, 10, 3, 2])) + [0x1f, 0x90], low=1)))
    F.append(tcp4(ACK, mp(3, [3] + list(bytes([10, 10, 3, 3]) + k64(0xabcdef)))))
    F.append(tcp4(ACK, mp(3, [4] + list(bytes([10, 10, 3, 4])) + [0, 80] + list(k64(1)))))
    F.append(tcp4(ACK, mp(3, [5] + list(ROMEO6))))
    F.append(tcp4(ACK, mp(3, [6] + list(bytes.fromhex("20010db8000000000000000000000001")) +
                          [0x13, 0x88], low=6)))
    F.append(tcp4(ACK, mp(3, [7] + list(JULIET6 + k64(0x42)))))
    F.append(tcp4(ACK, mp(3, [8] + list(bytes.fromhex("fe800000000000000000000000000001")) +
                          [0, 22] + list(k64(0xffffffffffffffff)), low=1)))
    F.append(tcp4(ACK, mp(3, [9] + list(bytes([10, 10, 3, 9])), low=4)))
    F.append(tcp4(ACK, mp(3, [9] + list(bytes([10, 10, 3, 9])), low=2)))   # bad version/echo
    F.append(tcp4(ACK, mp(3, [9] + list(bytes([10, 10, 3, 9])) + [0])))    # bad: length 9
    # REMOVE_ADDR (§3.4.2), MP_PRIO (§3.3.8), MP_FAIL (§3.7),
    # MP_FASTCLOSE (§3.5), MP_TCPRST (§3.6) and unassigned subtypes
    F.append(tcp4(ACK, mp(4, [5])))
    F.append(tcp4(ACK, mp(4, [1, 2, 3])))
    F.append(tcp4(ACK, mp(4, [])))                                         # bad: length 3
    F.append(tcp4(ACK, mp(5, [], low=1)))
    F.append(tcp4(ACK, mp(5, [4], low=0)))
    F.append(tcp4(ACK, mp(5, [4, 5], low=1)))                              # bad: length 5
    F.append(tcp4(ACK | RST, mp(6, [0] + list(k64(123456789012)))))
    F.append(tcp4(ACK, mp(6, [0] + list(struct.pack("!I", 5)))))           # bad: length 8
    F.append(tcp4(ACK | RST, mp(7, [0] + list(k64(key_b)))))
    F.append(tcp4(ACK, mp(7, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])))             # bad: length 13
    F.append(tcp4(RST, mp(8, [2], low=0x1)))
    F.append(tcp4(ACK, mp(15, [1, 2, 3])))
    F.append(tcp4(ACK, bytes([30, 2]) + b"\1\1"))                          # bad: length 2
    F.append(tcp4(ACK, bytes([30, 40, 0x20, 1])))                          # past the header
    # several MPTCP options in one segment, and a second option after one
    F.append(tcp4(ACK, mp(2, [0x01] + list(struct.pack("!I", 5))) + mp(5, [], low=1) +
                  b"\1" + bytes([8, 10]) + struct.pack("!II", 1, 2)))
    # a capture cut inside the MPTCP option and after it (snaplen)
    f = tcp4(ACK, mp(2, [0x05] + list(struct.pack("!IIIH", 7, 8, 1, 10))), data=b"x" * 10)
    F.append((f, 14 + 20 + 20 + 8))
    f = tcp4(ACK, mp(5, [], low=1) + b"\1" + bytes([8, 10]) + struct.pack("!II", 1, 2))
    F.append((f, 14 + 20 + 20 + 4 + 4))
    return F


SCENARIOS = {
    "mptcp": scenario_mptcp,
}


def write_pcap(path, frames, t0=1795000000):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for i, fr in enumerate(frames):
            data, cap = (fr if isinstance(fr, tuple) else (fr, len(fr)))
            usec = i * 1000
            f.write(struct.pack("<IIII", t0 + usec // 1000000, usec % 1000000, cap, len(data)))
            f.write(data[:cap])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    names = sys.argv[2:] or list(SCENARIOS)
    for name in names:
        write_pcap(os.path.join(out, name + ".pcap"), SCENARIOS[name]())


if __name__ == "__main__":
    main()
