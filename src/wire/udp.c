/* UDP datagram format (RFC 768); checksum over the IPv4 pseudo-header. */
#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

enum drop_reason udp_parse(const uint8_t *p, size_t len, uint32_t src, uint32_t dst,
                           struct udp_dgram *d)
{
    if (len < UDP_HLEN)
        return DROP_UDP_TRUNCATED;
    uint16_t ulen = get_be16(p + 4);
    if (ulen < UDP_HLEN || ulen > len)
        return DROP_UDP_BAD_LEN;
    d->sport = get_be16(p);
    d->dport = get_be16(p + 2);
    d->cksum = get_be16(p + 6);
    if (d->cksum != 0 &&
        csum_finish(csum_add(csum_pseudo(src, dst, IP_PROTO_UDP, ulen), p, ulen)) != 0)
        return DROP_UDP_BAD_CSUM;
    d->data = p + UDP_HLEN;
    d->len = ulen - UDP_HLEN;
    return DROP_NONE;
}

size_t udp_build(uint8_t *out, uint32_t src, uint32_t dst, const struct udp_dgram *d)
{
    uint16_t ulen = (uint16_t)(UDP_HLEN + d->len);
    put_be16(out, d->sport);
    put_be16(out + 2, d->dport);
    put_be16(out + 4, ulen);
    put_be16(out + 6, 0);
    if (d->len)
        memmove(out + UDP_HLEN, d->data, d->len);
    uint16_t c = csum_finish(csum_add(csum_pseudo(src, dst, IP_PROTO_UDP, ulen), out, ulen));
    put_be16(out + 6, c ? c : 0xffff);   /* RFC 768: zero is sent as all ones */
    return ulen;
}
