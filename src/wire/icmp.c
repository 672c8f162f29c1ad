/* ICMP message format (RFC 792). */
#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/icmp.h"

enum drop_reason icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *m)
{
    if (len < ICMP_HLEN)
        return DROP_ICMP_TRUNCATED;
    if (inet_checksum(p, len) != 0)
        return DROP_ICMP_BAD_CSUM;
    m->type = p[0];
    m->code = p[1];
    m->cksum = get_be16(p + 2);
    m->id = get_be16(p + 4);
    m->seq = get_be16(p + 6);
    m->data = p + ICMP_HLEN;
    m->len = len - ICMP_HLEN;
    return DROP_NONE;
}

size_t icmp_build(uint8_t *out, const struct icmp_msg *m)
{
    out[0] = m->type;
    out[1] = m->code;
    put_be16(out + 2, 0);
    put_be16(out + 4, m->id);
    put_be16(out + 6, m->seq);
    if (m->len)
        memmove(out + ICMP_HLEN, m->data, m->len);
    put_be16(out + 2, inet_checksum(out, ICMP_HLEN + m->len));
    return ICMP_HLEN + m->len;
}
