/* ARP packet format (RFC 826), Ethernet/IPv4 only. */
#include <string.h>

#include "wire/arp.h"
#include "wire/bytes.h"

enum drop_reason arp_parse(const uint8_t *p, size_t len, struct arp_pkt *a)
{
    if (len < 8)
        return DROP_ARP_TRUNCATED;
    if (get_be16(p) != 1 || get_be16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
        return DROP_ARP_UNSUPPORTED;
    if (len < ARP_LEN)
        return DROP_ARP_TRUNCATED;
    a->op = get_be16(p + 6);
    memcpy(a->sha, p + 8, ETH_ALEN);
    a->spa = get_be32(p + 14);
    memcpy(a->tha, p + 18, ETH_ALEN);
    a->tpa = get_be32(p + 24);
    if (a->op != ARP_OP_REQUEST && a->op != ARP_OP_REPLY)
        return DROP_ARP_BAD_OP;
    return DROP_NONE;
}

size_t arp_build(uint8_t *out, const struct arp_pkt *a)
{
    put_be16(out, 1);
    put_be16(out + 2, ETHERTYPE_IPV4);
    out[4] = 6;
    out[5] = 4;
    put_be16(out + 6, a->op);
    memcpy(out + 8, a->sha, ETH_ALEN);
    put_be32(out + 14, a->spa);
    memcpy(out + 18, a->tha, ETH_ALEN);
    put_be32(out + 24, a->tpa);
    return ARP_LEN;
}
