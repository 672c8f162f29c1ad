/* SYN cookies (RFC 4987 §3.6): when a listener's SYN queue is full, the
 * SYN,ACK is sent without keeping any state; its ISS encodes the
 * connection, a coarse clock and the peer's MSS, and the ACK that returns
 * it (SEG.ACK - 1) is enough to build the connection.  The layout is
 * Linux's: ISS = H1(addresses) + SEG.SEQ + (count << 24) +
 * ((H2(addresses, count) + MSS index) mod 2^24), count a 64-second clock.
 * With timestamps the low six bits of our TSval carry the window shift and
 * SACK-permitted, returned to us in the ACK's TSecr. */
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

#define COOKIE_BITS   24
#define COOKIE_MASK   ((1u << COOKIE_BITS) - 1)
#define COOKIE_PERIOD (64 * TL_SEC)
#define COOKIE_AGE    2                     /* counts a cookie stays good (Linux MAX_SYNCOOKIE_AGE) */
#define TS_OPT_MASK   0x3fu
#define TS_NO_WSCALE  0xfu
#define TS_SACK       0x10u

static const uint16_t msstab[] = {536, 1300, 1440, 1460};   /* Linux's table */

static uint32_t cookie_hash(const struct host *h, uint32_t which, uint32_t src, uint32_t dst,
                            uint16_t sport, uint16_t dport, uint32_t count)
{
    return tcp_conn_hash(h, 2 + which, dst, dport, src, sport, count);
}

static uint32_t make_cookie(const struct host *h, uint32_t src, uint32_t dst, uint16_t sport,
                            uint16_t dport, uint32_t sseq, uint32_t count, uint32_t data)
{
    return cookie_hash(h, 0, src, dst, sport, dport, 0) + sseq + (count << COOKIE_BITS) +
           ((cookie_hash(h, 1, src, dst, sport, dport, count) + data) & COOKIE_MASK);
}

void tcp_syncookie_send(struct host *h, struct sock *l, uint32_t src, uint32_t dst,
                        const struct tcp_seg *g, tl_time now)
{
    uint16_t peer_mss = g->opt.has_mss ? g->opt.mss : 536;
    uint32_t idx = 0;
    for (uint32_t i = 0; i < sizeof msstab / sizeof msstab[0]; i++)
        if (msstab[i] <= peer_mss)
            idx = i;
    uint32_t count = (uint32_t)(now / COOKIE_PERIOD);
    struct tcp_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.sport = g->dport;
    seg.dport = g->sport;
    seg.seq = make_cookie(h, src, dst, g->sport, g->dport, g->seq, count, idx);
    seg.ack = g->seq + 1;
    seg.flags = TH_SYN | TH_ACK;
    seg.wnd = l->rcvq.limit > 0xffff ? 0xffff : (uint16_t)l->rcvq.limit;
    seg.opt.has_mss = true;
    seg.opt.mss = ETH_MTU - 40;
    bool ts = h->cfg.tcp_timestamps && g->opt.has_ts;
    if (ts) {
        /* Without timestamps there is nowhere to keep the other options:
         * the connection goes without them (as on Linux). */
        seg.opt.sack_perm = h->cfg.tcp_sack && g->opt.sack_perm;
        seg.opt.has_wscale = h->cfg.tcp_wscale && g->opt.has_wscale;
        seg.opt.wscale = tcp_wscale_for(l);
        uint32_t bits = (seg.opt.has_wscale ? (g->opt.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX
                                                                              : g->opt.wscale)
                                            : TS_NO_WSCALE) |
                        (seg.opt.sack_perm ? TS_SACK : 0);
        uint32_t off = tcp_conn_hash(h, 1, dst, g->dport, src, g->sport, 0);
        uint32_t clock = (uint32_t)(now / TL_MS) + off;
        /* Never ahead of our clock (the peer's PAWS would drop what
         * follows): a period back if the bits would carry it past. */
        uint32_t tsval = (clock & ~TS_OPT_MASK) | bits;
        if (seq_gt(tsval, clock))
            tsval = ((clock & ~TS_OPT_MASK) - (TS_OPT_MASK + 1)) | bits;
        seg.opt.has_ts = true;
        seg.opt.ts_val = tsval;
        seg.opt.ts_ecr = g->opt.ts_val;
    }
    l->syncookies_sent++;
    h->tcp.syncookies_sent++;
    tcp_send_raw(h, dst, src, &seg, now);
}

bool tcp_syncookie_check(struct host *h, const struct sock *l, uint32_t src, uint32_t dst,
                         const struct tcp_seg *g, tl_time now, struct syncookie *out)
{
    if (g->flags & (TH_SYN | TH_RST))
        return false;
    uint32_t cookie = g->ack - 1, sseq = g->seq - 1;
    uint32_t count = (uint32_t)(now / COOKIE_PERIOD);
    uint32_t c = cookie - cookie_hash(h, 0, src, dst, g->sport, g->dport, 0) - sseq;
    uint32_t diff = (count - (c >> COOKIE_BITS)) & 0xff;
    if (diff >= COOKIE_AGE)
        return false;
    uint32_t data = (c - cookie_hash(h, 1, src, dst, g->sport, g->dport, count - diff)) & COOKIE_MASK;
    if (data >= sizeof msstab / sizeof msstab[0])
        return false;
    memset(out, 0, sizeof *out);
    out->mss = msstab[data];
    if (h->cfg.tcp_timestamps && g->opt.has_ts) {
        uint32_t bits = g->opt.ts_ecr & TS_OPT_MASK;
        out->ts_ok = true;
        out->sack_ok = h->cfg.tcp_sack && (bits & TS_SACK);
        out->wscale_ok = h->cfg.tcp_wscale && (bits & 0xf) != TS_NO_WSCALE;
        out->wscale = (uint8_t)(bits & 0xf);
        if (out->wscale > TCP_WSCALE_MAX)
            out->wscale = TCP_WSCALE_MAX;
    }
    (void)l;
    return true;
}
