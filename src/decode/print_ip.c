/* IPv4 (RFC 791): the verbose header line, the length checks, fragments,
 * and the hand-off to ICMP, UDP and TCP.
 * tcpdump 4.99.3 print-ip.c and print-ip-demux.c;
 * shared/docs/tcpdump-format.md §5. */
#include "decode/decode_int.h"

#define IP_HDRLEN 20
#define IP_MF 0x2000
#define IP_DF 0x4000
#define IP_RSVD 0x8000
#define IP_OFFMASK 0x1fff

enum {
    IPPROTO_ICMP_ = 1,
    IPPROTO_IPIP_ = 4,
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_IPV6_ = 41,
    IPPROTO_ICMPV6_ = 58,
    IPPROTO_NONE_ = 59,
    IPPROTO_ND_ = 77,
    IPPROTO_ETHERNET_ = 143,
};

/* tcpdump's ipproto_values: the names after "proto " under -v. */
static const struct nd_tok ip_protos[] = {
    {0, "Options"},
    {1, "ICMP"},
    {2, "IGMP"},
    {4, "IPIP"},
    {6, "TCP"},
    {8, "EGP"},
    {9, "IGRP"},
    {17, "UDP"},
    {33, "DCCP"},
    {41, "IPv6"},
    {43, "Routing"},
    {44, "Fragment"},
    {46, "RSVP"},
    {47, "GRE"},
    {50, "ESP"},
    {51, "AH"},
    {55, "Mobile IP"},
    {58, "ICMPv6"},
    {62, "Mobile IP (old)"},
    {88, "EIGRP"},
    {89, "OSPF"},
    {103, "PIM"},
    {108, "Compressed IP"},
    {112, "VRRP"},
    {113, "PGM"},
    {132, "SCTP"},
    {135, "Mobility"},
    {143, "Ethernet"},
    {0, NULL},
};

const char *nd_ipproto_name(unsigned proto)
{
    const char *name = nd_tok_name(ip_protos, proto);
    return name != NULL ? name : "unknown";
}

/* Printed by the verbose header after "flags [" (§5.2). */
static void print_frag_flags(struct nd *nd, uint16_t off)
{
    static const struct nd_tok flags[] = {
        {IP_MF, "+"}, {IP_DF, "DF"}, {IP_RSVD, "rsvd"}, {0, NULL},
    };
    const char *sep = "";
    bool any = false;
    for (const struct nd_tok *t = flags; t->s != NULL; t++) {
        if (off & t->v) {
            nd_print(nd, "%s%s", sep, t->s);
            sep = ", ";
            any = true;
        }
    }
    if (!any)
        nd_print(nd, "none");
}

static void print_ecn(struct nd *nd, uint8_t tos)
{
    static const char *const ecn[4] = {"", ",ECT(1)", ",ECT(0)", ",CE"};
    nd_print(nd, "%s", ecn[tos & 3]);
}

/* The source and destination address pair "a > b". */
static void print_addrs(struct nd *nd, uint32_t ip)
{
    nd_print_ipaddr(nd, ip + 12);
    nd_print(nd, " > ");
    nd_print_ipaddr(nd, ip + 16);
}

/* The verbose header "(tos ..., length N[, options (...)][, bad cksum])"
 * and the line break.  Returns false if the options were cut short. */
static bool print_verbose_header(struct nd *nd, uint32_t ip, uint32_t hlen,
                                 uint16_t frag, uint8_t proto)
{
    uint8_t tos = nd_u8(nd, ip + 1);
    nd_print(nd, "(tos 0x%x", tos);
    print_ecn(nd, tos);
    uint8_t ttl = nd_u8(nd, ip + 8);
    if (ttl >= 1)
        nd_print(nd, ", ttl %u", ttl);
    nd_print(nd, ", id %u, offset %u, flags [", nd_be16(nd, ip + 4),
             (frag & IP_OFFMASK) * 8u);
    print_frag_flags(nd, frag);
    const char *pname = nd_tok_name(ip_protos, proto);
    nd_print(nd, "], proto %s (%u)", pname != NULL ? pname : "unknown", proto);
    nd_print(nd, ", length %u", nd_be16(nd, ip + 2));

    bool truncated = false;
    if (hlen > IP_HDRLEN) {
        nd_print(nd, ", options (");
        if (nd_ip_print_options(nd, ip + IP_HDRLEN, hlen - IP_HDRLEN) < 0) {
            nd_print(nd, " [truncated-option]");
            truncated = true;
        }
        nd_print(nd, ")");
    }
    /* Header checksum: only a wrong one is mentioned (§5.2). */
    if (nd_ttest(nd, ip, hlen)) {
        uint16_t sum = nd_cksum_fold(nd_sum(nd, ip, hlen, 0));
        if (sum != 0) {
            uint16_t stored = nd_be16(nd, ip + 10);
            nd_print(nd, ", bad cksum %x (->%x)!", stored,
                     nd_cksum_shouldbe(stored, sum));
        }
    }
    nd_print(nd, ")\n    ");
    return !truncated;
}

/* print-ip-demux.c: the protocol after the header of a first fragment. */
static void ip_demux(struct nd *nd, uint32_t ip, uint32_t off, uint32_t len,
                     bool more_frags, uint8_t proto)
{
    switch (proto) {
    case IPPROTO_TCP_:
        nd_tcp_print(nd, off, len, ip, more_frags);
        break;
    case IPPROTO_UDP_:
        nd_udp_print(nd, off, len, ip, more_frags);
        break;
    case IPPROTO_ICMP_:
        nd_icmp_print(nd, off, len, ip, more_frags);
        break;
    case IPPROTO_IPIP_:
        nd_ip_print(nd, off, len);
        break;
    case IPPROTO_IPV6_:
        nd_ip6_print(nd, off, len);
        break;
    case IPPROTO_ND_:
        nd_print(nd, " nd %u", len);
        break;
    case IPPROTO_NONE_:
        nd_print(nd, "no next header");
        break;
    case IPPROTO_ICMPV6_:
        nd_print(nd, "[ICMPv6 requires IPv6] (invalid)");
        break;
    case IPPROTO_ETHERNET_:
        nd_print(nd, "[Ethernet requires IPv6] (invalid)");
        break;
    default:
        /* Includes protocols tcpdump has printers for and tcplab has not. */
        nd_print(nd, " ip-proto-%u %u", proto, len);
        break;
    }
}

void nd_ip_print(struct nd *nd, uint32_t ip, uint32_t length)
{
    nd->proto = "ip";
    uint8_t vhl = nd_u8(nd, ip);
    if (vhl >> 4 != 4) {
        if (vhl >> 4 == 6)
            nd_print(nd, "IP6, wrong link-layer encapsulation");
        else
            nd_print(nd, "IP%u", vhl >> 4);
        nd_print(nd, " (invalid)");
        return;
    }
    if (!nd->opts->link)
        nd_print(nd, "IP ");
    if (!nd_ttest(nd, ip, IP_HDRLEN)) {
        nd_print_trunc(nd);
        return;
    }
    if (length < IP_HDRLEN) {
        nd_print(nd, "truncated-ip %u", length);
        return;
    }
    uint32_t hlen = (vhl & 0x0f) * 4u;
    if (hlen < IP_HDRLEN) {
        nd_print(nd, "bad-hlen %u", hlen);
        return;
    }
    uint32_t len = nd_be16(nd, ip + 2);
    if (length < len)
        nd_print(nd, "truncated-ip - %u bytes missing! ", len - length);
    if (len < hlen) {
        nd_print(nd, "bad-len %u", len);
        return;
    }
    /* Nothing past the datagram belongs to it (Ethernet padding). */
    uint32_t saved = nd_push_snapend(nd, ip, len < length ? len : length);
    len -= hlen;
    uint16_t frag = nd_be16(nd, ip + 6);
    uint8_t proto = nd_u8(nd, ip + 9);

    if (nd->opts->verbose && !print_verbose_header(nd, ip, hlen, frag, proto)) {
        print_addrs(nd, ip);
        nd_print(nd, ": ");
        nd_print_trunc(nd);
        nd_pop_snapend(nd, saved);
        return;
    }

    if ((frag & IP_OFFMASK) == 0) {
        if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_) {
            print_addrs(nd, ip);
            nd_print(nd, ": ");
        }
        if (!nd_ttest(nd, ip, hlen)) {
            nd_print(nd, " [remaining caplen(%u) < header length(%u)]",
                     nd_avail(nd, ip), hlen);
            nd_trunc(nd);
        }
        ip_demux(nd, ip, ip + hlen, len, (frag & IP_MF) != 0, proto);
    } else {
        /* A later fragment: no transport header to show (§5.3). */
        print_addrs(nd, ip);
        nd_print(nd, ": ip-proto-%u", proto);
    }
    nd_pop_snapend(nd, saved);
}

/* If a source route is present the checksum covers its final hop
 * (tcpdump's ip_finddst, RFC 791 LSRR/SSRR). */
static uint32_t final_destination(struct nd *nd, uint32_t ip)
{
    uint32_t hlen = (nd_u8(nd, ip) & 0x0f) * 4u;
    uint32_t dst = ip + 16;
    if (hlen < IP_HDRLEN)
        return dst;
    uint32_t cp = ip + IP_HDRLEN, left = hlen - IP_HDRLEN, len;
    for (; left != 0; cp += len, left -= len) {
        if (!nd_ttest(nd, cp, 1))
            return dst;
        uint8_t type = nd->pkt[cp];
        if (type == 0)
            break;
        if (type == 1) {
            len = 1;
        } else {
            if (!nd_ttest(nd, cp + 1, 1))
                return dst;
            len = nd->pkt[cp + 1];
            if (len < 2)
                break;
        }
        if (left < len || !nd_ttest(nd, cp, len))
            return dst;
        if ((type == 131 || type == 137) && len >= 7)
            return cp + len - 4;
    }
    return dst;
}

uint32_t nd_ip_pseudo_sum(struct nd *nd, uint32_t ip, uint8_t proto, uint32_t len)
{
    if (nd_ip_is6(nd, ip))
        return nd_ip6_pseudo_sum(nd, ip, proto, len);
    uint32_t sum = nd_sum(nd, ip + 12, 4, 0);
    sum = nd_sum(nd, final_destination(nd, ip), 4, sum);
    return sum + proto + (len & 0xffff);
}
