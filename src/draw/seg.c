/* Reading a logged frame's headers (seg.h), through the bounds-checked
 * getters of wire/bytes.h. */
#include <string.h>

#include "draw/seg.h"
#include "wire/bytes.h"

bool dseg_parse(const struct slog_frame *f, struct dseg *s)
{
    memset(s, 0, sizeof *s);
    const uint8_t *p = f->data;
    size_t cap = f->caplen;
    if (cap < 14 + 20 || get_be16(p + 12) != 0x0800 || (p[14] >> 4) != 4)
        return false;
    size_t ihl = (size_t)(p[14] & 0x0f) * 4;
    if (ihl < 20 || cap < 14 + ihl)
        return false;
    s->ip = true;
    s->src = get_be32(p + 14 + 12);
    s->dst = get_be32(p + 14 + 16);
    uint16_t tot = get_be16(p + 16);
    if (p[14 + 9] != 6 || cap < 14 + ihl + 20)
        return true;
    const uint8_t *t = p + 14 + ihl;
    size_t thl = (size_t)(t[12] >> 4) * 4;
    if (thl < 20 || tot < ihl + thl)
        return true;
    s->tcp = true;
    s->sport = get_be16(t);
    s->dport = get_be16(t + 2);
    s->seq = get_be32(t + 4);
    s->ack = get_be32(t + 8);
    s->flags = t[13];
    s->wnd = get_be16(t + 14);
    s->len = (uint32_t)(tot - ihl - thl);
    if (thl > 20 && cap >= 14 + ihl + thl)
        tcp_parse_options(t + 20, thl - 20, &s->opt);
    return true;
}

bool dseg_of(const struct dseg *s, const struct slog_sock *k)
{
    if (!s->tcp || !k)
        return false;
    return (s->src == k->laddr && s->sport == k->lport && s->dst == k->raddr &&
            s->dport == k->rport) ||
           (s->dst == k->laddr && s->dport == k->lport && s->src == k->raddr &&
            s->sport == k->rport);
}

const struct slog_frame *dseg_next(const struct slog *l, const struct slog_sock *sock, size_t *i,
                                   struct dseg *g, bool *ours)
{
    while (*i < l->frames.n) {
        const struct slog_frame *f = slog_frame_at(l, (*i)++);
        if (dseg_parse(f, g) && dseg_of(g, sock)) {
            *ours = g->src == sock->laddr && g->sport == sock->lport;
            return f;
        }
    }
    return NULL;
}
