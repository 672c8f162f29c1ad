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


def scenario_ip6_ext():
    """Extension headers (RFC 8200 §4) in front of TCP, UDP and ICMPv6."""
    F = []
    ra = bytes([5, 2, 0, 0])                         # router alert: MLD
    echo = struct.pack("!HH", 7, 1) + b"ping"
    # hop-by-hop with router alert and PadN, then ICMPv6 echo
    F.append(icmp6(128, 0, echo, exts=ext(58, ra), first_nh=0, hlim=1))
    # hop-by-hop: Pad1s, an unknown option, a jumbo option in a normal packet
    F.append(icmp6(128, 0, echo, exts=ext(58, [0, 0, 0x3e, 2, 0xaa, 0xbb]), first_nh=0))
    F.append(icmp6(128, 0, echo, exts=ext(58, [0xc2, 4, 0, 1, 0, 0]), first_nh=0))
    # router alert with a bad length; an option running past the header
    F.append(icmp6(128, 0, echo, exts=ext(58, [5, 3, 0, 0, 0]), first_nh=0))
    F.append(icmp6(128, 0, echo, exts=bytes([58, 0, 0x3e, 9, 1, 2, 3, 4]), first_nh=0))
    # destination options (with a home address option, RFC 6275 §6.3)
    F.append(tcp6(SYN, exts=ext(6, [1, 4, 0, 0, 0, 0]), first_nh=60))
    F.append(udp6(b"x"))
    F[-1] = eth(ipv6(ext(17, [0xc9, 16] + list(ROMEO6)) +
                     l4_6(17, udp_hdr(50000, 4000, b"dst"), ROMEO6, JULIET6, 6), 60), 0x86dd)
    # routing headers: type 0 (deprecated), type 2, type 4 (segment
    # routing), an unknown type, an odd length; the checksums use the final
    # destination
    via = bytes.fromhex("fd000000000000030000000000000001")
    rt0 = bytes([6, 4, 0, 1]) + bytes(4) + via + JULIET6
    seg = tcp_hdr(50001, 4000, 5, 0, SYN)
    seg = l4_6(6, seg, ROMEO6, JULIET6, 16)
    F.append(eth(ipv6(rt0 + seg, 43, ROMEO6, via), 0x86dd))
    rt2 = bytes([58, 2, 2, 1]) + bytes(4) + ROMEO6
    F.append(eth(ipv6(rt2 + l4_6(58, struct.pack("!BBH", 129, 0, 0) + echo, JULIET6, ROMEO6, 2),
                      43, JULIET6, ROMEO6), 0x86dd))
    srh = bytes([17, 4, 4, 0, 1, 0, 0, 7]) + JULIET6 + via
    F.append(eth(ipv6(srh + l4_6(17, udp_hdr(50002, 4000, b"srh"), ROMEO6, JULIET6, 6),
                      43, ROMEO6, via), 0x86dd))
    F.append(eth(ipv6(bytes([17, 0, 9, 0]) + bytes(4) + udp_hdr(1, 2, b""), 43), 0x86dd))
    F.append(eth(ipv6(bytes([17, 1, 0, 0]) + bytes(12) + udp_hdr(1, 2, b""), 43), 0x86dd))
    # fragments: first (TCP follows), a later one, an atomic fragment
    seg = l4_6(17, udp_hdr(50003, 4000, b"A" * 64), ROMEO6, JULIET6, 6)
    F.append(eth(ipv6(frag_hdr(17, 0, True, 0x1234) + seg[:40], 44), 0x86dd))
    F.append(eth(ipv6(frag_hdr(17, 5, False, 0x1234) + seg[40:], 44), 0x86dd))
    F.append(eth(ipv6(frag_hdr(58, 0, False, 0x99) + l4_6(58, struct.pack("!BBH", 128, 0, 0) + echo,
                                                        ROMEO6, JULIET6, 2), 44), 0x86dd))
    # a chain: hop-by-hop, destination options, fragment, TCP
    chain = ext(60, ra) + ext(44, [1, 0]) + frag_hdr(6, 0, False, 5)
    F.append(eth(ipv6(chain + l4_6(6, tcp_hdr(50004, 4000, 1, 0, SYN), ROMEO6, JULIET6, 16), 0),
                 0x86dd))
    # hop-by-hop not first, twice; no next header; IPv4 and IPv6 inside IPv6
    F.append(eth(ipv6(ext(0, [1, 0]) + ext(59, [1, 0]), 60), 0x86dd))
    F.append(eth(ipv6(ext(0, [1, 0]) + ext(59, [1, 0]), 0), 0x86dd))
    F.append(eth(ipv6(b"", 59), 0x86dd))
    F.append(eth(ipv6(ipv4(b"", 59), 4), 0x86dd))
    F.append(eth(ipv6(ipv6(b"", 59), 41), 0x86dd))
    F.append(eth(ipv6(b"abcd", 1), 0x86dd))
    F.append(eth(ipv6(b"abcd", 253), 0x86dd))
    # traffic class, flow label; wrong version; payload length past the frame
    F.append(eth(ipv6(l4_6(58, struct.pack("!BBH", 128, 0, 0) + echo, ROMEO6, JULIET6, 2), 58,
                      tc=0xb8, flow=0x12345), 0x86dd))
    F.append(eth(bytes([0x45]) + ipv6(b"", 59)[1:], 0x86dd))
    F.append(eth(ipv6(udp_hdr(1, 2, b"abc"), 17, plen=200), 0x86dd))
    # address forms (RFC 4291 §2.2, §2.5.5): IPv4-mapped and -compatible,
    # the first of two equal zero runs, no run of two, loopback
    mapped = bytes(10) + b"\xff\xff" + ROMEO4
    compat = bytes(12) + JULIET4
    F.append(eth(ipv6(b"", 59, mapped, compat), 0x86dd))
    F.append(eth(ipv6(b"", 59, bytes.fromhex("00010000000000010000000000000001"),
                      bytes.fromhex("00010002000300040005000600070008")), 0x86dd))
    F.append(eth(ipv6(b"", 59, bytes.fromhex("00000000000000000000000000000001"),
                      bytes.fromhex("20010db8000000010000000000000000")), 0x86dd))
    # truncated: header, extension header, inside the routing addresses
    F.append((tcp6(SYN), 14 + 30))
    F.append((icmp6(128, 0, echo, exts=ext(58, ra), first_nh=0), 14 + 40 + 4))
    F.append((eth(ipv6(rt0 + seg, 43, ROMEO6, via), 0x86dd), 14 + 40 + 8 + 20))
    # Ethernet padding after a short IPv6 packet
    F.append(eth(ipv6(b"", 59) + bytes(6), 0x86dd))
    return F


def scenario_tcp6():
    """TCP and UDP over IPv6: checksums, relative numbers, MPTCP."""
    F = []
    ts = bytes([1, 1, 8, 10]) + struct.pack("!II", 100, 0)
    F.append(tcp6(SYN, bytes([2, 4, 5, 0xa0, 4, 2]) + ts, seq=3000000000, ack=0))
    F.append(tcp6(SYN | ACK, bytes([2, 4, 5, 0xa0]), sport=4000, dport=50000, seq=7,
                  ack=3000000001, src=JULIET6, dst=ROMEO6))
    F.append(tcp6(ACK, seq=3000000001, ack=8))
    F.append(tcp6(ACK | PSH, data=b"hello over v6", seq=3000000001, ack=8))
    F.append(tcp6(ACK, bytes([1, 1, 5, 10]) + struct.pack("!II", 3000000005, 3000000010),
                  sport=4000, dport=50000, seq=8, ack=3000000001, src=JULIET6, dst=ROMEO6))
    F.append(tcp6(ACK | PSH, data=b"bad sum", seq=3000000014, ack=8, bad=0x1234))
    F.append(tcp6(ACK | RST, data=b"reset text", seq=3000000021, ack=8))
    F.append(tcp6(SYN, mp(0, [0x01], low=1), sport=50010))
    F.append(tcp6(ACK, mp(3, [5] + list(JULIET6) + [0x0f, 0xa0]), sport=50010))
    F.append(udp6(b"datagram"))
    F.append(udp6(b"bad sum", bad=0x4321))
    F.append(udp6(b"zero sum", bad=0))
    F.append(udp6(b"short", length=7))
    F.append(udp6(b"long", length=40))
    F.append((udp6(b"cut short" * 4), 14 + 40 + 8 + 4))
    F.append((tcp6(ACK, ts, data=b"cut"), 14 + 40 + 24))
    F.append(tcp6(ACK, bytes([0x22, 2]), sport=1, dport=1))
    # the same ports over IPv4 and IPv6 in one capture: tcpdump keeps
    # their relative numbers in separate tables
    F.append(tcp4(SYN | ACK, sport=4000, dport=50000, seq=500, ack=3000000001, src=JULIET4,
                  dst=ROMEO4, smac=JULIET_MAC, dmac=ROMEO_MAC))
    F.append(tcp4(ACK | PSH, data=b"over v4", seq=3000000001, ack=501))
    F.append(tcp6(ACK | PSH, data=b"over v6", seq=3000000040, ack=8))
    F.append(tcp4(ACK, sport=4000, dport=50000, seq=501, ack=3000000008, src=JULIET4,
                  dst=ROMEO4, smac=JULIET_MAC, dmac=ROMEO_MAC))
    return F


def quoted(pkt_frame, limit=1232):
    """The IPv6 packet of a frame, as an ICMPv6 error quotes it."""
    return pkt_frame[14:14 + limit]


def scenario_icmp6():
    """ICMPv6 (RFC 4443): echo, errors, and the odd cases."""
    F = []
    echo = struct.pack("!HH", 0x1234, 1) + bytes(range(56))
    F.append(icmp6(128, 0, echo, hlim=64))
    F.append(icmp6(129, 0, echo, src=JULIET6, dst=ROMEO6, hlim=64))
    F.append(icmp6(128, 0, echo, hlim=64, bad=0xdead))
    udp_pkt = quoted(udp6(b"probe", sport=50000, dport=4001))
    tcp_pkt = quoted(tcp6(SYN, sport=50000, dport=4001))
    for code in range(7):
        F.append(icmp6(1, code, bytes(4) + (tcp_pkt if code == 3 else udp_pkt),
                       src=JULIET6, dst=ROMEO6, hlim=64))
    F.append(icmp6(1, 4, bytes(4) + tcp_pkt, src=JULIET6, dst=ROMEO6, hlim=64))
    # port unreachable quoting a packet with an extension header, and one
    # quoting an ICMPv6 packet (no port to show), and one cut short
    frag_udp = eth(ipv6(frag_hdr(17, 0, True, 1) + l4_6(17, udp_hdr(50000, 4001, b"x" * 8),
                                                          ROMEO6, JULIET6, 6), 44), 0x86dd)
    F.append(icmp6(1, 4, bytes(4) + quoted(frag_udp), src=JULIET6, dst=ROMEO6, hlim=64))
    F.append(icmp6(1, 4, bytes(4) + quoted(icmp6(128, 0, echo)), src=JULIET6, dst=ROMEO6))
    F.append(icmp6(1, 4, bytes(4) + udp_pkt[:40], src=JULIET6, dst=ROMEO6))
    F.append(icmp6(2, 0, struct.pack("!I", 1280) + quoted(udp6(b"big" * 300)),
                   src=JULIET6, dst=ROMEO6, hlim=64))
    for code in range(3):
        F.append(icmp6(3, code, bytes(4) + udp_pkt, src=JULIET6, dst=ROMEO6, hlim=64))
    for code in range(5):
        F.append(icmp6(4, code, struct.pack("!I", 6 if code != 1 else 40) + udp_pkt,
                       src=JULIET6, dst=ROMEO6, hlim=64))
    F.append(icmp6(4, 0, struct.pack("!I", 6) + udp_pkt[:20], src=JULIET6, dst=ROMEO6))
    # unknown type and mtrace (printed with a dump), inverse ND, mobile IPv6
    F.append(icmp6(250, 1, b"unknown payload!"))
    F.append(icmp6(200, 0, bytes(12)))
    F.append(icmp6(141, 0, bytes(4)))
    F.append(icmp6(144, 0, struct.pack("!HH", 0x77, 0)))
    F.append(icmp6(145, 0, struct.pack("!HH", 0x77, 0) + JULIET6 + ROMEO6))
    F.append(icmp6(146, 0, struct.pack("!HH", 0x78, 0)))
    F.append(icmp6(147, 0, struct.pack("!HH", 0x78, 0xc000) +
                   nd_opt(3, [64, 0xc0] + list(struct.pack("!III", 600, 300, 0)) +
                          list(JULIET6[:8] + bytes(8)))))
    # router renumbering (RFC 2894): a command with a match-prefix part and
    # two use-prefix parts, a result, a sequence number reset, a bad length
    match = bytes([1, 3 + 8, 2, 48, 56, 64, 0, 0]) + bytes.fromhex("20010db8000100000000000000000000")
    use1 = bytes([64, 48, 0xc0, 0x80]) + struct.pack("!III", 0xffffffff, 3600, 0x80000000) + \
        bytes.fromhex("20010db8000200000000000000000000")
    use2 = bytes([64, 0, 0, 0]) + struct.pack("!III", 7200, 0xffffffff, 0xc0000000) + \
        bytes.fromhex("fd000000000000030000000000000000")
    rrh = struct.pack("!IBBHI", 77, 1, 0xf8, 300, 0)
    F.append(icmp6(138, 0, rrh + match + use1 + use2, dst=ALL_ROUTERS))
    F.append(icmp6(138, 0, struct.pack("!IBBHI", 78, 0, 0, 0, 5) + bytes([9, 4]) + match[2:],
                   dst=ALL_ROUTERS))
    F.append(icmp6(138, 1, struct.pack("!IBBHI", 79, 0, 0, 0, 0) + bytes(24), dst=ALL_ROUTERS))
    F.append(icmp6(138, 255, struct.pack("!IBBHI", 0, 0, 0, 0, 0), dst=ALL_ROUTERS))
    F.append(icmp6(138, 7, struct.pack("!IBBHI", 1, 0, 0, 0, 0), dst=ALL_ROUTERS))
    F.append((icmp6(138, 0, rrh + match + use1, dst=ALL_ROUTERS), 14 + 40 + 16 + 20))
    F.append(icmp6(138, 0, struct.pack("!I", 5), dst=ALL_ROUTERS))
    # an empty ICMPv6 message, and one whose header is cut
    F.append(eth(ipv6(b"", 58), 0x86dd))
    F.append((icmp6(128, 0, echo), 14 + 40 + 2))
    return F


def scenario_nd():
    """Neighbour discovery (RFC 4861) with every option tcpdump knows."""
    F = []
    sll = nd_opt(1, ROMEO_MAC)
    tll = nd_opt(2, JULIET_MAC)
    F.append(icmp6(133, 0, bytes(4) + sll, src=ROMEO_LL, dst=ALL_ROUTERS,
                   dmac=mcast_mac(ALL_ROUTERS)))
    F.append(icmp6(133, 0, bytes(4), src=UNSPEC, dst=ALL_ROUTERS, dmac=mcast_mac(ALL_ROUTERS)))
    prefix = nd_opt(3, [64, 0xc0] + list(struct.pack("!III", 2592000, 604800, 0)) +
                    list(bytes.fromhex("fd000000000000020000000000000000")))
    prefix_inf = nd_opt(3, [48, 0x20] + list(struct.pack("!III", 0xffffffff, 0xffffffff, 0)) +
                        list(bytes.fromhex("20010db8000000000000000000000000")))
    mtu = nd_opt(5, [0, 0] + list(struct.pack("!I", 1500)))
    rdnss = nd_opt(25, [0, 0] + list(struct.pack("!I", 600) + JULIET6 + ROMEO6))
    name = b"\x03lab\x07example\x00\x04test\x00"
    dnssl = nd_opt(31, [0, 0] + list(struct.pack("!I", 1200) + name))
    advint = nd_opt(7, [0, 0] + list(struct.pack("!I", 30000)))
    hai = nd_opt(8, [0, 0] + list(struct.pack("!HH", 10, 1800)))
    rinfo1 = nd_opt(24, [0, 0x08] + list(struct.pack("!I", 3600)))
    rinfo2 = nd_opt(24, [48, 0x18] + list(struct.pack("!I", 0xffffffff)) +
                    list(bytes.fromhex("20010db800aa0000")))
    rinfo3 = nd_opt(24, [64, 0x10] + list(struct.pack("!I", 60) + JULIET6))
    unknown = nd_opt(250, b"opaque")
    ra = struct.pack("!BBHII", 64, 0xc8, 1800, 30000, 1000)
    F.append(icmp6(134, 0, ra + sll + mtu + prefix + prefix_inf + rdnss + dnssl,
                   src=JULIET_LL, dst=ALL_NODES, smac=JULIET_MAC, dmac=mcast_mac(ALL_NODES)))
    F.append(icmp6(134, 0, struct.pack("!BBHII", 0, 0x02, 0, 0, 0) + advint + hai + rinfo1 +
                   rinfo2 + rinfo3, src=JULIET_LL, dst=ALL_NODES, smac=JULIET_MAC,
                   dmac=mcast_mac(ALL_NODES)))
    F.append(icmp6(134, 0, ra + unknown + mtu, src=JULIET_LL, dst=ALL_NODES, smac=JULIET_MAC))
    F.append(icmp6(134, 0, ra + nd_opt(5, [0, 0] + list(struct.pack("!I", 9000)) + [0] * 8),
                   src=JULIET_LL, dst=ALL_NODES, smac=JULIET_MAC))
    # neighbour solicitation: duplicate address detection, resolution
    F.append(icmp6(135, 0, bytes(4) + ROMEO6, src=UNSPEC, dst=solicited(ROMEO6),
                   dmac=mcast_mac(solicited(ROMEO6))))
    F.append(icmp6(135, 0, bytes(4) + JULIET6 + sll, src=ROMEO6, dst=solicited(JULIET6),
                   dmac=mcast_mac(solicited(JULIET6))))
    # neighbour advertisements: each flag combination
    for flags in (0x60000000, 0xe0000000, 0x20000000, 0):
        F.append(icmp6(136, 0, struct.pack("!I", flags) + JULIET6 + (tll if flags else b""),
                       src=JULIET6, dst=ROMEO6, smac=JULIET_MAC, dmac=ROMEO_MAC))
    # redirect with the target's address and the redirected header
    rhdr = nd_opt(4, bytes(6) + quoted(udp6(b"redirected"))[:48])
    F.append(icmp6(137, 0, bytes(4) + ROMEO_LL + JULIET6 + tll + rhdr, src=JULIET_LL,
                   dst=ROMEO6, smac=JULIET_MAC))
    # broken options: length 0, running past the capture, a bad prefix length
    F.append(icmp6(133, 0, bytes(4) + bytes([1, 0]) + ROMEO_MAC, src=ROMEO_LL, dst=ALL_ROUTERS))
    F.append((icmp6(134, 0, ra + sll + prefix, src=JULIET_LL, dst=ALL_NODES), 14 + 40 + 16 + 8 + 12))
    F.append(icmp6(134, 0, ra + nd_opt(3, [64, 0xc0] + list(struct.pack("!III", 1, 2, 0))),
                   src=JULIET_LL, dst=ALL_NODES))
    F.append((icmp6(135, 0, bytes(4) + JULIET6 + sll, src=ROMEO6, dst=solicited(JULIET6)),
              14 + 40 + 8 + 10))
    return F


def scenario_mld():
    """MLDv1 (RFC 2710) and MLDv2 (RFC 3810) queries and reports, as a
    Linux host sends them: hop limit 1, hop-by-hop router alert."""
    F = []
    hbh = ext(58, [5, 2, 0, 0])
    group = bytes.fromhex("ff020000000000000000000000000123")
    sol = solicited(ROMEO6)

    def mld(typ, body, dst, src=ROMEO_LL):
        return icmp6(typ, 0, body, src=src, dst=dst, hlim=1, exts=hbh, first_nh=0,
                     dmac=mcast_mac(dst))
    F.append(mld(130, struct.pack("!HH", 10000, 0) + UNSPEC, ALL_NODES, JULIET_LL))
    F.append(mld(131, struct.pack("!HH", 0, 0) + group, group))
    F.append(mld(132, struct.pack("!HH", 0, 0) + group, ALL_ROUTERS))
    # MLDv2 general query, and one with sources and exponential codes
    F.append(mld(130, struct.pack("!HH", 10000, 0) + UNSPEC + bytes([2, 125, 0, 0]),
                 ALL_NODES, JULIET_LL))
    F.append(mld(130, struct.pack("!HH", 0x8123, 0) + group + bytes([0x0b, 0x95, 0, 2]) +
                 JULIET6 + ROMEO6, group, JULIET_LL))
    F.append(mld(130, struct.pack("!HH", 1000, 0) + group + bytes([0, 10, 0, 3]) + JULIET6,
                 group, JULIET_LL))
    F.append(mld(130, struct.pack("!HH", 1000, 0) + bytes(4), group, JULIET_LL))
    # MLDv2 reports: what a Linux host sends at link-up, then records with
    # sources, each record type, an unknown one, and broken counts
    F.append(mld(143, struct.pack("!HH", 0, 1) + bytes([4, 0, 0, 0]) + sol, MLDV2_ROUTERS,
                 UNSPEC))
    recs = b"".join(bytes([t, 0]) + struct.pack("!H", n) + group + JULIET6 * n
                    for t, n in ((1, 1), (2, 0), (3, 2), (5, 1), (6, 0), (9, 0)))
    F.append(mld(143, struct.pack("!HH", 0, 6) + recs, MLDV2_ROUTERS))
    F.append(mld(143, struct.pack("!HH", 0, 3) + bytes([4, 0, 0, 0]) + sol, MLDV2_ROUTERS))
    F.append(mld(143, struct.pack("!HH", 0, 1) + bytes([1, 0, 0, 5]) + group, MLDV2_ROUTERS))
    F.append(mld(143, struct.pack("!H", 0), MLDV2_ROUTERS))
    F.append((mld(131, struct.pack("!HH", 0, 0) + group, group), 14 + 40 + 8 + 12))
    return F


SCENARIOS = {
    "icmp6": scenario_icmp6,
    "nd": scenario_nd,
    "mld": scenario_mld,
    "mptcp": scenario_mptcp,
    "ip6_ext": scenario_ip6_ext,
    "tcp6": scenario_tcp6,
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
