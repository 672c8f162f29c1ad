/* UDP (RFC 768) over IPv4 and IPv6: ports, length checks and the -vv checksum.
 * tcpdump 4.99.3 print-udp.c; shared/docs/tcpdump-format.md §7.
 * tcpdump switches to an application printer on many well-known ports;
 * tcplab prints every datagram as plain UDP. */
#include "decode/decode_int.h"

#define UDP_HDRLEN 8
#define IPPROTO_UDP_ 17

/* "src.sport > dst.dport: ", or without ports if they were not captured
 * (sport < 0); a UDP header inside another protocol prints ports only. */
static void print_addr(struct nd *nd, uint32_t ip, bool dst)
{
    if (nd_ip_is6(nd, ip))
        nd_print_ip6addr(nd, ip + (dst ? 24 : 8));
    else
        nd_print_ipaddr(nd, ip + (dst ? 16 : 12));
}

static void print_endpoints(struct nd *nd, uint32_t ip, int sport, int dport)
{
    if (nd_u8(nd, ip + (nd_ip_is6(nd, ip) ? 6 : 9)) == IPPROTO_UDP_) {
        print_addr(nd, ip, false);
        if (sport >= 0)
            nd_print(nd, ".%d", sport);
        nd_print(nd, " > ");
        print_addr(nd, ip, true);
        if (dport >= 0)
            nd_print(nd, ".%d", dport);
        nd_print(nd, ": ");
    } else if (sport >= 0) {
        nd_print(nd, "%d > %d: ", sport, dport);
    }
}

/* IPv4 under -vv (§7): "[udp sum ok] ", "[bad udp cksum ...] ", "[no cksum] ";
 * IPv6 under -v, where the checksum is mandatory (RFC 8200 §8.1): a zero
 * one is just wrong. */
static void print_checksum(struct nd *nd, uint32_t up, uint32_t ip, uint32_t length)
{
    uint16_t stored = nd_be16(nd, up + 6);
    if (stored == 0 && !nd_ip_is6(nd, ip)) {
        nd_print(nd, "[no cksum] ");
        return;
    }
    if (!nd_ttest(nd, up + UDP_HDRLEN, length))
        return;
    uint32_t total = length + UDP_HDRLEN;
    uint16_t sum = nd_cksum_fold(nd_sum(nd, up, total, nd_ip_pseudo_sum(nd, ip, IPPROTO_UDP_, total)));
    if (sum != 0)
        nd_print(nd, "[bad udp cksum 0x%04x -> 0x%04x!] ", stored,
                 nd_cksum_shouldbe(stored, sum));
    else
        nd_print(nd, "[udp sum ok] ");
}

void nd_udp_print(struct nd *nd, uint32_t up, uint32_t length, uint32_t ip, bool fragmented)
{
    nd->proto = "udp";
    if (!nd_ttest(nd, up + 2, 2)) {
        print_endpoints(nd, ip, -1, -1);
        nd_print_trunc(nd);
        return;
    }
    uint16_t sport = nd_be16(nd, up), dport = nd_be16(nd, up + 2);
    if (length < UDP_HDRLEN) {
        print_endpoints(nd, ip, sport, dport);
        nd_print(nd, "truncated-udp %u", length);
        return;
    }
    if (!nd_ttest(nd, up + 4, 2)) {
        print_endpoints(nd, ip, sport, dport);
        nd_print_trunc(nd);
        return;
    }
    uint32_t ulen = nd_be16(nd, up + 4);
    if (ulen < UDP_HDRLEN) {
        print_endpoints(nd, ip, sport, dport);
        nd_print(nd, "truncated-udplength %u", ulen);
        return;
    }
    ulen -= UDP_HDRLEN;
    length -= UDP_HDRLEN;
    if (ulen < length)
        length = ulen;
    if (up + UDP_HDRLEN > nd->snapend) {
        print_endpoints(nd, ip, sport, dport);
        nd_print_trunc(nd);
        return;
    }
    print_endpoints(nd, ip, sport, dport);
    if (nd->opts->verbose > (nd_ip_is6(nd, ip) ? 0 : 1) && !fragmented)
        print_checksum(nd, up, ip, length);
    if (ulen > length && !fragmented)
        nd_print(nd, "UDP, bad length %u > %u", ulen, length);
    else
        nd_print(nd, "UDP, length %u", ulen);
}
