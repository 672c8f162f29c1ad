/* TCP header and option parsing and building (RFC 9293 §3.1 and §3.2).
 * The state machine only ever sees a struct tcp_seg. */
#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

/* RFC 9293 §3.2: every option is parsed; one with a length below 2 or running
 * past the header is malformed (MUST-7: handled without harm; we drop). */
enum drop_reason tcp_parse_options(const uint8_t *p, size_t len, struct tcp_opts *o)
{
    memset(o, 0, sizeof *o);
    size_t i = 0;
    while (i < len) {
        uint8_t kind = p[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len || p[i + 1] < 2 || i + p[i + 1] > len)
            return DROP_TCP_BAD_OPTION;
        uint8_t olen = p[i + 1];
        const uint8_t *v = p + i + 2;
        switch (kind) {
        case TCPOPT_MSS:
            if (olen != 4)
                return DROP_TCP_BAD_OPTION;
            o->has_mss = true;
            o->mss = get_be16(v);
            break;
        case TCPOPT_WSCALE:
            if (olen != 3)
                return DROP_TCP_BAD_OPTION;
            o->has_wscale = true;
            o->wscale = v[0];
            break;
        case TCPOPT_SACK_PERM:
            if (olen != 2)
                return DROP_TCP_BAD_OPTION;
            o->sack_perm = true;
            break;
        case TCPOPT_SACK:
            if ((olen - 2) % 8 != 0)
                return DROP_TCP_BAD_OPTION;
            for (int b = 0; b < (olen - 2) / 8 && o->nsack < TCP_MAX_SACK; b++) {
                o->sack[o->nsack].left = get_be32(v + 8 * b);
                o->sack[o->nsack].right = get_be32(v + 8 * b + 4);
                o->nsack++;
            }
            break;
        case TCPOPT_TS:
            if (olen != 10)
                return DROP_TCP_BAD_OPTION;
            o->has_ts = true;
            o->ts_val = get_be32(v);
            o->ts_ecr = get_be32(v + 4);
            break;
        default:
            o->unknown++;
            break;
        }
        i += olen;
    }
    return DROP_NONE;
}

enum drop_reason tcp_parse(const uint8_t *p, size_t len, uint32_t src, uint32_t dst,
                           struct tcp_seg *s)
{
    if (len < TCP_HLEN)
        return DROP_TCP_TRUNCATED;
    s->hlen = (uint8_t)((p[12] >> 4) * 4);
    if (s->hlen < TCP_HLEN || s->hlen > len)
        return DROP_TCP_BAD_HLEN;
    if (len > 0xffff ||
        csum_finish(csum_add(csum_pseudo(src, dst, IP_PROTO_TCP, (uint16_t)len), p, len)) != 0)
        return DROP_TCP_BAD_CSUM;
    s->sport = get_be16(p);
    s->dport = get_be16(p + 2);
    s->seq = get_be32(p + 4);
    s->ack = get_be32(p + 8);
    s->flags = p[13];
    s->wnd = get_be16(p + 14);
    s->cksum = get_be16(p + 16);
    s->urp = get_be16(p + 18);
    enum drop_reason r = tcp_parse_options(p + TCP_HLEN, s->hlen - TCP_HLEN, &s->opt);
    if (r != DROP_NONE)
        return r;
    s->data = p + s->hlen;
    s->len = len - s->hlen;
    return DROP_NONE;
}

size_t tcp_options_len(const struct tcp_opts *o)
{
    size_t n = 0;
    if (o->has_mss)
        n += 4;
    if (o->sack_perm)
        n += o->has_ts ? 2 : 4;         /* without TS: nop, nop, sackOK (Linux) */
    if (o->has_ts)
        n += 10;
    if (o->has_wscale)
        n += 4;                         /* nop + wscale */
    if (o->nsack)
        n += 2 + 2 + 8u * o->nsack;     /* nop nop + sack */
    return (n + 3) & ~(size_t)3;
}

/* Options in the order and layout Linux sends them: mss, sackOK, TS, nop,
 * wscale (mss, nop, nop, sackOK, nop, wscale without timestamps; mss, nop,
 * nop, TS, nop, wscale without SACK). */
static size_t put_options(uint8_t *p, const struct tcp_opts *o)
{
    size_t i = 0;
    if (o->has_mss) {
        p[i] = TCPOPT_MSS; p[i + 1] = 4; put_be16(p + i + 2, o->mss); i += 4;
    }
    if (o->sack_perm) {
        if (!o->has_ts) {
            p[i++] = TCPOPT_NOP;
            p[i++] = TCPOPT_NOP;
        }
        p[i] = TCPOPT_SACK_PERM; p[i + 1] = 2; i += 2;
    }
    if (o->has_ts) {
        if (!o->sack_perm) {            /* mss,nop,nop,TS: Linux without SACK */
            p[i++] = TCPOPT_NOP;
            p[i++] = TCPOPT_NOP;
        }
        p[i] = TCPOPT_TS; p[i + 1] = 10;
        put_be32(p + i + 2, o->ts_val); put_be32(p + i + 6, o->ts_ecr); i += 10;
    }
    if (o->has_wscale) {
        p[i++] = TCPOPT_NOP;
        p[i] = TCPOPT_WSCALE; p[i + 1] = 3; p[i + 2] = o->wscale; i += 3;
    }
    if (o->nsack) {
        p[i++] = TCPOPT_NOP;
        p[i++] = TCPOPT_NOP;
        p[i] = TCPOPT_SACK; p[i + 1] = (uint8_t)(2 + 8 * o->nsack); i += 2;
        for (int b = 0; b < o->nsack; b++) {
            put_be32(p + i, o->sack[b].left);
            put_be32(p + i + 4, o->sack[b].right);
            i += 8;
        }
    }
    while (i % 4)
        p[i++] = TCPOPT_NOP;
    return i;
}

size_t tcp_build(uint8_t *out, size_t cap, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
    size_t olen = tcp_options_len(&s->opt);
    size_t hlen = TCP_HLEN + olen;
    size_t total = hlen + s->len;
    if (olen > TCP_OPT_MAX || total > cap || total > 0xffff)
        return 0;
    put_be16(out, s->sport);
    put_be16(out + 2, s->dport);
    put_be32(out + 4, s->seq);
    put_be32(out + 8, s->ack);
    out[12] = (uint8_t)((hlen / 4) << 4);
    out[13] = s->flags;
    put_be16(out + 14, s->wnd);
    put_be16(out + 16, 0);
    put_be16(out + 18, s->urp);
    put_options(out + TCP_HLEN, &s->opt);
    if (s->len)
        memmove(out + hlen, s->data, s->len);
    uint32_t sum = csum_add(csum_pseudo(src, dst, IP_PROTO_TCP, (uint16_t)total), out, total);
    put_be16(out + 16, csum_finish(sum));
    return total;
}

char *tcp_flags_str(uint8_t flags, char *buf)
{
    static const char order[] = "FSRP.UEW";
    char *q = buf;
    for (int i = 0; i < 8; i++)
        if (flags & (1u << i))
            *q++ = order[i];
    if (q == buf) {
        strcpy(buf, "none");
        return buf;
    }
    *q = '\0';
    return buf;
}
