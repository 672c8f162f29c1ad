/* IPv4 header parsing and building (RFC 791, RFC 1122 §3.2.1). */
#include <stdio.h>
#include <stdlib.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

enum drop_reason ipv4_parse(const uint8_t *p, size_t len, struct ipv4_hdr *h,
                            const uint8_t **payload, size_t *plen)
{
    if (len < IPV4_HLEN)
        return DROP_IP_TRUNCATED;
    if (p[0] >> 4 != 4)
        return DROP_IP_BAD_VERSION;
    h->hlen = (uint8_t)((p[0] & 0x0f) * 4);
    if (h->hlen < IPV4_HLEN)
        return DROP_IP_BAD_HLEN;
    if (len < h->hlen)
        return DROP_IP_TRUNCATED;
    h->tos = p[1];
    h->tot_len = get_be16(p + 2);
    h->id = get_be16(p + 4);
    h->frag = get_be16(p + 6);
    h->ttl = p[8];
    h->proto = p[9];
    h->cksum = get_be16(p + 10);
    h->src = get_be32(p + 12);
    h->dst = get_be32(p + 16);
    if (h->tot_len < h->hlen || h->tot_len > len)
        return DROP_IP_BAD_LEN;
    if (inet_checksum(p, h->hlen) != 0)
        return DROP_IP_BAD_CSUM;
    *payload = p + h->hlen;
    *plen = (size_t)h->tot_len - h->hlen;
    return DROP_NONE;
}

size_t ipv4_build(uint8_t *out, const struct ipv4_hdr *h, size_t payload_len)
{
    out[0] = 0x45;
    out[1] = h->tos;
    put_be16(out + 2, (uint16_t)(IPV4_HLEN + payload_len));
    put_be16(out + 4, h->id);
    put_be16(out + 6, h->frag);
    out[8] = h->ttl;
    out[9] = h->proto;
    put_be16(out + 10, 0);
    put_be32(out + 12, h->src);
    put_be32(out + 16, h->dst);
    put_be16(out + 10, inet_checksum(out, IPV4_HLEN));
    return IPV4_HLEN;
}

char *ipv4_ntoa(uint32_t a, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
    return buf;
}

int ipv4_aton(const char *s, uint32_t *a)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char *end;
        if (*s < '0' || *s > '9')
            return -1;
        unsigned long part = strtoul(s, &end, 10);
        if (part > 255 || end - s > 3)
            return -1;
        v = v << 8 | (uint32_t)part;
        s = end;
        if (i < 3) {
            if (*s != '.')
                return -1;
            s++;
        }
    }
    if (*s != '\0')
        return -1;
    *a = v;
    return 0;
}
