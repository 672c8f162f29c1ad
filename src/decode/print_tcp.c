/* TCP (RFC 9293) over IPv4 and IPv6: the segment line from "Flags [...]" to
 * "length N", relative sequence numbers, the -v checksum and RST text.
 * tcpdump 4.99.3 print-tcp.c; shared/docs/tcpdump-format.md §8.
 * Options are printed by print_tcp_opts.c. */
#include <string.h>

#include "decode/decode_int.h"
#include "decode/print_tcp.h"

#define TCP_HDRLEN 20
#define IPPROTO_TCP_ 6
#define MAX_RST_DATA_LEN 30

/* Flag letters in the order of the flags byte, low bit first (§8.2). */
static const struct nd_tok tcp_flags[] = {
    {TH_FIN, "F"}, {TH_SYN, "S"}, {TH_RST, "R"}, {TH_PUSH, "P"},
    {TH_ACK, "."}, {TH_URG, "U"}, {TH_ECE, "E"}, {TH_CWR, "W"},
    {0, NULL},
};

void nd_tcp_flags_string(uint8_t flags, char out[9])
{
    size_t n = 0;
    for (const struct nd_tok *t = tcp_flags; t->s != NULL; t++)
        if (flags & t->v)
            out[n++] = t->s[0];
    out[n] = '\0';
}

/* " [RST text]" (§8.5): RFC 1122 §4.2.2.12 allows text in a RST. */
static void print_rst_data(struct nd *nd, uint32_t sp, uint32_t length)
{
    nd_print(nd, nd_ttest(nd, sp, length) ? " [RST" : " [!RST");
    if (length > MAX_RST_DATA_LEN) {
        length = MAX_RST_DATA_LEN;
        nd_print(nd, "+");
    }
    nd_print(nd, " ");
    while (length && sp < nd->snapend) {
        nd_print_char(nd, nd_u8(nd, sp));
        sp++;
        length--;
    }
    nd_print(nd, "]");
}

/* The header's source or destination address, IPv4 or IPv6. */
static void print_addr(struct nd *nd, uint32_t ip, bool dst)
{
    if (nd_ip_is6(nd, ip))
        nd_print_ip6addr(nd, ip + (dst ? 24 : 8));
    else
        nd_print_ipaddr(nd, ip + (dst ? 16 : 12));
}

static void print_endpoints(struct nd *nd, uint32_t ip, uint16_t sport, uint16_t dport)
{
    bool v6 = nd_ip_is6(nd, ip);
    /* addresses only if TCP follows the IP header directly */
    if (nd_u8(nd, ip + (v6 ? 6 : 9)) == IPPROTO_TCP_) {
        print_addr(nd, ip, false);
        nd_print(nd, ".%u > ", sport);
        print_addr(nd, ip, true);
        nd_print(nd, ".%u: ", dport);
    } else {
        nd_print(nd, "%u > %u: ", sport, dport);
    }
}

/* -v (§8.6): over the pseudo-header and the whole segment, if captured. */
static void print_checksum(struct nd *nd, uint32_t tp, uint32_t ip, uint32_t length)
{
    if (!nd_ttest(nd, tp, length))
        return;
    uint16_t sum = nd_cksum_fold(nd_sum(nd, tp, length,
                                        nd_ip_pseudo_sum(nd, ip, IPPROTO_TCP_, length)));
    uint16_t stored = nd_be16(nd, tp + 16);
    nd_print(nd, ", cksum 0x%04x", stored);
    if (sum != 0)
        nd_print(nd, " (incorrect -> 0x%04x)", nd_cksum_shouldbe(stored, sum));
    else
        nd_print(nd, " (correct)");
}

void nd_tcp_print(struct nd *nd, uint32_t tp, uint32_t length, uint32_t ip, bool fragmented)
{
    nd->proto = "tcp";
    if (!nd_ttest(nd, tp + 2, 2)) {
        print_addr(nd, ip, false);
        nd_print(nd, " > ");
        print_addr(nd, ip, true);
        nd_print(nd, ":");
        nd_print_trunc(nd);
        return;
    }
    uint16_t sport = nd_be16(nd, tp), dport = nd_be16(nd, tp + 2);
    print_endpoints(nd, ip, sport, dport);
    if (!nd_ttest(nd, tp, TCP_HDRLEN)) {
        nd_print_trunc(nd);
        return;
    }
    uint32_t hlen = (nd_u8(nd, tp + 12) >> 4) * 4u;
    if (hlen < TCP_HDRLEN) {
        nd_print(nd, " tcp %u [bad hdr length %u - too short, < %u]",
                 length - hlen, hlen, TCP_HDRLEN);
        return;
    }
    struct tcp_seg s = {
        .seq = nd_be32(nd, tp + 4),
        .ack = nd_be32(nd, tp + 8),
        .flags = nd_u8(nd, tp + 13),
        .sack_base = 0,
        .payload_off = tp + hlen,
        .ip = ip,
        .tp = tp,
    };
    uint16_t win = nd_be16(nd, tp + 14), urp = nd_be16(nd, tp + 18);
    char fl[9];
    nd_tcp_flags_string(s.flags, fl);
    nd_print(nd, "Flags [%s]", fl[0] ? fl : "none");

    /* §8.3: only ACK-bearing segments use or update the table. */
    if (!nd->opts->abs_seq && (s.flags & TH_ACK)) {
        /* tcpdump keeps IPv4 and IPv6 conversations in two tables */
        bool v6 = nd_ip_is6(nd, ip);
        struct tcp_seq_key k = {.sport = sport, .dport = dport, .alen = v6 ? 16 : 4};
        memcpy(k.src, nd->pkt + ip + (v6 ? 8 : 12), k.alen);
        memcpy(k.dst, nd->pkt + ip + (v6 ? 24 : 16), k.alen);
        nd_tcp_seq_relative(nd->seqs, &k, (s.flags & TH_SYN) != 0, &s.seq, &s.ack,
                         &s.sack_base);
    }
    if (hlen > length) {
        nd_print(nd, " [bad hdr length %u - too long, > %u]", hlen, length);
        return;
    }
    if (nd->opts->verbose && !fragmented)
        print_checksum(nd, tp, ip, length);

    length -= hlen;
    s.payload_len = length;
    if (nd->opts->verbose > 1 || length > 0 || (s.flags & (TH_SYN | TH_FIN | TH_RST))) {
        nd_print(nd, ", seq %u", s.seq);
        if (length > 0)
            nd_print(nd, ":%u", s.seq + length);
    }
    if (s.flags & TH_ACK)
        nd_print(nd, ", ack %u", s.ack);
    nd_print(nd, ", win %u", win);
    if (s.flags & TH_URG)
        nd_print(nd, ", urg %u", urp);

    if (hlen > TCP_HDRLEN && nd_tcp_print_options(nd, &s, tp + TCP_HDRLEN,
                                               hlen - TCP_HDRLEN) != TCP_OPTS_OK)
        return;     /* "[bad opt]" or a truncation ended the line (§8.4) */

    nd_print(nd, ", length %u", length);
    if (length == 0)
        return;
    if (!nd_ttest(nd, tp, hlen)) {
        nd_print(nd, " [remaining caplen(%u) < header length(%u)]", nd_avail(nd, tp), hlen);
        nd_trunc(nd);
    }
    if ((s.flags & TH_RST) && nd->opts->verbose)
        print_rst_data(nd, tp + hlen, length);
}
