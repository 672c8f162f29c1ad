/* IPv6 (RFC 8200): the header, the walk through the extension headers,
 * and the hand-off to TCP, UDP and ICMPv6; the TCP/UDP/ICMPv6
 * pseudo-header (RFC 8200 §8.1), whose destination is the final one of a
 * routing header.  tcpdump 4.99.3 print-ip6.c and print-ip-demux.c.
 * tcplab's stack speaks IPv4 only: this is for reading what a Linux host
 * puts on its link (neighbour discovery, MLD, TCP and UDP over IPv6). */
#include "decode/decode_int.h"

#define IP6_HDRLEN 40

enum {
    NH_HOPOPTS = 0,
    NH_ICMP = 1,
    NH_IGMP = 2,
    NH_IPV4 = 4,
    NH_TCP = 6,
    NH_UDP = 17,
    NH_DCCP = 33,
    NH_IPV6 = 41,
    NH_ROUTING = 43,
    NH_FRAGMENT = 44,
    NH_ICMPV6 = 58,
    NH_NONE = 59,
    NH_DSTOPTS = 60,
    NH_ND = 77,
    NH_SCTP = 132,
    NH_ETHERNET = 143,
};

/* print-ip-demux.c for an IPv6 payload. */
static void demux(struct nd *nd, uint32_t ip6, uint32_t off, uint32_t len, bool fragmented,
                  uint8_t nh)
{
    switch (nh) {
    case NH_TCP:
        nd_tcp_print(nd, off, len, ip6, fragmented);
        break;
    case NH_UDP:
        nd_udp_print(nd, off, len, ip6, fragmented);
        break;
    case NH_ICMPV6:
        nd_icmp6_print(nd, off, len, ip6, fragmented);
        break;
    case NH_IPV4:
        nd_ip_print(nd, off, len);
        break;
    case NH_IPV6:
        nd_ip6_print(nd, off, len);
        break;
    case NH_ICMP:
    case NH_IGMP:
        nd_print(nd, "[%s requires IPv4] (invalid)", nd_ipproto_name(nh));
        break;
    case NH_ND:
        nd_print(nd, " nd %u", len);
        break;
    case NH_NONE:
        nd_print(nd, "no next header");
        break;
    default:
        /* Includes protocols tcpdump has printers for and tcplab has not. */
        nd_print(nd, " ip-proto-%u %u", nh, len);
        break;
    }
}

static void print_verbose_header(struct nd *nd, uint32_t ip6, uint8_t nh, uint32_t plen)
{
    uint32_t flow = nd_be32(nd, ip6);
    nd_print(nd, "(");
    if (flow & 0x0ff00000)
        nd_print(nd, "class 0x%02x, ", (flow & 0x0ff00000) >> 20);
    if (flow & 0x000fffff)
        nd_print(nd, "flowlabel 0x%05x, ", flow & 0x000fffff);
    nd_print(nd, "hlim %u, next-header %s (%u) payload length: %u) ", nd_u8(nd, ip6 + 7),
             nd_ipproto_name(nh), nh, plen);
}

/* The walk of ip6_print: each extension header is printed and skipped
 * until a protocol that is not one; a non-first fragment ends it. */
static void walk(struct nd *nd, uint32_t ip6, uint32_t length, uint32_t len,
                 uint32_t payload_len, uint8_t nh)
{
    uint32_t cp = ip6, advance = IP6_HDRLEN, total = 0;
    bool fragmented = false, found_ext = false, found_jumbo = false, found_hbh = false;
    int ph = -1;                /* the previous header, -1 for the IPv6 header */
    (void)length;
    while (cp < nd->snapend && advance > 0) {
        if (len < advance) {
            nd_print_trunc(nd);
            return;
        }
        cp += advance;
        len -= advance;
        total += advance;
        if (cp == ip6 + IP6_HDRLEN && nh != NH_TCP && nh != NH_UDP && nh != NH_DCCP &&
            nh != NH_SCTP) {
            nd_print_ip6addr(nd, ip6 + 8);
            nd_print(nd, " > ");
            nd_print_ip6addr(nd, ip6 + 24);
            nd_print(nd, ": ");
        }
        int adv;
        switch (nh) {
        case NH_HOPOPTS:
            /* RFC 8200 §4.3: only right after the IPv6 header, once */
            if (found_hbh) {
                nd_print(nd, "[The Hop-by-Hop Options header was already found] (invalid)");
                return;
            }
            if (ph != -1) {
                nd_print(nd, "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
                return;
            }
            adv = nd_ip6_hbhopt_print(nd, cp, &found_jumbo, &payload_len);
            if (payload_len == 0 && !found_jumbo) {
                nd_print(nd, "[No valid Jumbo Payload Hop-by-Hop option found] (invalid)");
                return;
            }
            if (adv < 0)
                return;
            found_hbh = true;
            break;
        case NH_DSTOPTS:
            adv = nd_ip6_dstopt_print(nd, cp);
            if (adv < 0)
                return;
            break;
        case NH_FRAGMENT:
            adv = nd_ip6_frag_print(nd, cp, ip6);
            if (adv < 0 || nd->snapend <= cp + (uint32_t)adv)
                return;
            fragmented = true;
            break;
        case NH_ROUTING:
            if (!nd_ttest(nd, cp, 1)) {
                nd_print_trunc(nd);
                return;
            }
            adv = nd_ip6_rt_print(nd, cp);
            if (adv < 0)
                return;
            break;
        default:
            if (found_jumbo) {
                len = payload_len + IP6_HDRLEN;
                if (len < total) {
                    nd_print_trunc(nd);
                    return;
                }
                if (length < len)
                    nd_print(nd, "truncated-ip6 - %u bytes missing!", len - length);
                nd_push_snapend(nd, ip6, len);
                len -= total;
            } else if (payload_len == 0) {
                /* no payload, so no room for an extension header */
                if (found_ext) {
                    nd_print_trunc(nd);
                    return;
                }
                len = IP6_HDRLEN;
                nd_push_snapend(nd, ip6, len);
                len -= total;
            }
            demux(nd, ip6, cp, len, fragmented, nh);
            return;
        }
        found_ext = true;
        nh = nd_u8(nd, cp);
        advance = (uint32_t)adv;
        ph = nh;
        nd->proto = "ip6";
    }
}

void nd_ip6_print(struct nd *nd, uint32_t ip6, uint32_t length)
{
    nd->proto = "ip6";
    if (!nd_ttest(nd, ip6, IP6_HDRLEN)) {
        nd_print_trunc(nd);
        return;
    }
    if (length < IP6_HDRLEN) {
        nd_print(nd, "truncated-ip6 %u", length);
        return;
    }
    if (!nd->opts->link)
        nd_print(nd, "IP6 ");
    unsigned version = nd_u8(nd, ip6) >> 4;
    if (version != 6) {
        nd_print(nd, "version error: %u != 6", version);
        return;
    }
    uint32_t payload_len = nd_be16(nd, ip6 + 4), len;
    if (payload_len != 0) {
        len = payload_len + IP6_HDRLEN;
        if (length < len)
            nd_print(nd, "truncated-ip6 - %u bytes missing!", len - length);
    } else {
        len = length + IP6_HDRLEN;     /* sic: a Jumbo Payload is looked for */
    }
    uint8_t nh = nd_u8(nd, ip6 + 6);
    if (nd->opts->verbose)
        print_verbose_header(nd, ip6, nh, payload_len);
    /* Nothing past the payload belongs to the packet (Ethernet padding). */
    uint32_t saved = nd_push_snapend(nd, ip6, len);
    walk(nd, ip6, length, len, payload_len, nh);
    nd_pop_snapend(nd, saved);
}

/* tcpdump's ip6_finddst: the last address of a type 0 or 2 routing
 * header, or the first segment (the final one) of a type 4 (RFC 8754),
 * else the header's destination. */
static uint32_t final_destination(struct nd *nd, uint32_t ip6)
{
    uint32_t cp = ip6, advance = IP6_HDRLEN, dst = ip6 + 24;
    uint8_t nh = nd_u8(nd, ip6 + 6);
    while (cp < nd->snapend) {
        cp += advance;
        switch (nh) {
        case NH_HOPOPTS:
        case NH_DSTOPTS:
        case 62:                /* Mobility (old) */
        case 135:               /* Mobility */
            advance = (nd_u8(nd, cp + 1) + 1u) << 3;
            nh = nd_u8(nd, cp);
            break;
        case NH_FRAGMENT:
            advance = 8;
            nh = nd_u8(nd, cp);
            break;
        case NH_ROUTING: {
            if (!nd_ttest(nd, cp, 4))
                return dst;
            unsigned len = nd_u8(nd, cp + 1), type = nd_u8(nd, cp + 2);
            if (type == 0 || type == 2) {
                if (len % 2 == 1)
                    return dst;
                for (uint32_t i = 0, p = cp + 8; i < len / 2; i++, p += 16) {
                    if (!nd_ttest(nd, p, 16))
                        return dst;
                    dst = p;
                }
            } else if (type == 4) {
                if (len % 2 == 1 || !nd_ttest(nd, cp + 8, 16))
                    return dst;
                dst = cp + 8;
            }
            return dst;
        }
        default:
            return dst;
        }
    }
    return dst;
}

uint32_t nd_ip6_pseudo_sum(struct nd *nd, uint32_t ip6, uint8_t proto, uint32_t len)
{
    uint32_t sum = nd_sum(nd, ip6 + 8, 16, 0);
    uint8_t nh = nd_u8(nd, ip6 + 6);
    bool scan = nh == NH_HOPOPTS || nh == NH_DSTOPTS || nh == 62 || nh == 135 ||
                nh == NH_FRAGMENT || nh == NH_ROUTING;
    uint32_t dst = scan ? final_destination(nd, ip6) : ip6 + 24;
    if (!nd_ttest(nd, dst, 16))
        nd_trunc(nd);
    sum = nd_sum(nd, dst, 16, sum);
    return sum + (len >> 16) + (len & 0xffff) + proto;
}
