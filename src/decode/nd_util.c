/* Helpers shared by the printers: addresses as text (always numeric, -n)
 * and the Internet checksum (RFC 1071) with tcpdump's "should be" value. */
#include "decode/decode_int.h"

void nd_print_ipaddr(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 4))
        nd_trunc(nd);
    const uint8_t *a = nd->pkt + off;
    nd_print(nd, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void nd_print_macaddr(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 6))
        nd_trunc(nd);
    const uint8_t *m = nd->pkt + off;
    nd_print(nd, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

uint32_t nd_sum(const struct nd *nd, uint32_t off, uint32_t len, uint32_t initial)
{
    uint64_t sum = initial;
    const uint8_t *p = nd->pkt + off;
    uint32_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < len)
        sum += (uint32_t)p[i] << 8;
    while (sum >> 32)
        sum = (sum & 0xffffffffu) + (sum >> 32);
    return (uint32_t)sum;
}

uint16_t nd_cksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)(~sum & 0xffff);
}

/* tcpdump's in_cksum_shouldbe: `computed` is the complemented sum over
 * everything including the stored field, so stored + computed (one's
 * complement, end-around carry) is the negated sum of everything else,
 * i.e. the right field value (RFC 1624 §3). */
uint16_t nd_cksum_shouldbe(uint16_t stored, uint16_t computed)
{
    uint32_t shouldbe = (uint32_t)stored + computed;
    shouldbe = (shouldbe & 0xffff) + (shouldbe >> 16);
    shouldbe = (shouldbe & 0xffff) + (shouldbe >> 16);
    return (uint16_t)shouldbe;
}
