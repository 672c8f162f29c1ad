/* TCP options and the start of a TCB: what a new connection begins with
 * (RFC 6298 RTO, RFC 5681 / 6928 congestion window), the options a SYN
 * offers and the peer's answer (RFC 9293 §3.7.1 MSS, RFC 7323 window scale
 * and timestamps, RFC 2018 SACK-permitted), the options on each segment,
 * and the timestamp checks of RFC 7323 §4.3 and §5.3 (PAWS). */
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

#define RCVBUF_FOR_WSCALE (6u << 20)   /* Linux sizes the shift for tcp_rmem[2]: 7 */

static const char *const timer_names[] = {
#define TCP_TIMER_NAME(name, field, text) text,
    TCP_TIMERS(TCP_TIMER_NAME)
#undef TCP_TIMER_NAME
};

const char *tcp_timer_name(enum tcp_timer t)
{
    return (unsigned)t < TCPT__COUNT ? timer_names[t] : "?";
}

uint32_t tcp_initial_window(const struct tcb *t)
{
    uint32_t mss = t->eff_mss ? t->eff_mss : 536;
    if (t->syn_retransmitted)
        return mss;                            /* RFC 5681 §3.1, RFC 6928 §2 */
    uint32_t iw = 14600 > 2 * mss ? 14600 : 2 * mss;
    return iw < 10 * mss ? iw : 10 * mss;      /* RFC 6928: min(10*MSS, max(2*MSS, 14600)) */
}

void tcp_tcb_init(struct host *h, struct sock *s)
{
    struct tcb *t = &s->tcb;
    for (int i = 0; i < TCPT__COUNT; i++)
        t->timer[i] = TL_NEVER;
    t->rto = h->cfg.rto_initial;               /* RFC 6298 (2.1) */
    if (t->rto_min == 0)
        t->rto_min = h->cfg.rto_min;
    t->srtt = t->rttvar = 0;
    t->rtt_timing = false;
    t->retries = 0;
    t->syn_retransmitted = false;
    t->rcv_mss = ETH_MTU - 40;
    t->snd_mss = 536;                          /* RFC 9293 §3.7.1 default until told */
    t->eff_mss = 536;
    t->wscale_ok = t->ts_ok = t->sack_ok = false;
    t->snd_wscale = t->rcv_wscale = 0;
    t->ssthresh = 0x7fffffff;                  /* RFC 5681 §3.1: arbitrarily high */
    t->cwnd = tcp_initial_window(t);
    t->recover = t->iss;
    t->in_recovery = t->rto_recovery = false;
    tcp_cc_reset(t);
    t->reordering = TCP_DUPTHRESH;             /* Linux's initial tp->reordering */
    t->reo_wnd_mult = 1;
    t->ato = h->cfg.delack_time;
    t->quick = 0;
    t->dupacks = 0;
    t->fin_queued = t->fin_sent = t->fin_rcvd = false;
}

uint8_t tcp_wscale_for(const struct sock *s)
{
    size_t space = s->rcvq.limit > RCVBUF_FOR_WSCALE ? s->rcvq.limit : RCVBUF_FOR_WSCALE;
    uint8_t shift = 0;
    while ((space >> shift) > 0xffff && shift < TCP_WSCALE_MAX)
        shift++;
    return shift;
}

void tcp_syn_options_offer(struct host *h, struct sock *s)
{
    struct tcb *t = &s->tcb;
    /* Offered, not yet agreed: the SYN carries them when these are set. */
    t->wscale_ok = h->cfg.tcp_wscale;
    t->ts_ok = h->cfg.tcp_timestamps;
    t->sack_ok = h->cfg.tcp_sack;
    t->rcv_wscale = t->wscale_ok ? tcp_wscale_for(s) : 0;
    t->ts_offset = tcp_conn_hash(h, 1, s->laddr, s->lport, s->raddr, s->rport, 0);
}

void tcp_syn_options_take(struct host *h, struct sock *s, const struct tcp_seg *g, bool synack)
{
    struct tcb *t = &s->tcb;
    /* RFC 9293 §3.7.1: send no more than the peer's MSS (536 if absent). */
    uint16_t mss = g->opt.has_mss ? g->opt.mss : 536;
    if (mss > ETH_MTU - 40)
        mss = ETH_MTU - 40;
    if (mss < 64)
        mss = 64;
    t->snd_mss = mss;
    if (!synack) {                             /* a passive open offers what we do */
        t->wscale_ok = h->cfg.tcp_wscale;
        t->ts_ok = h->cfg.tcp_timestamps;
        t->sack_ok = h->cfg.tcp_sack;
        t->ts_offset = tcp_conn_hash(h, 1, s->laddr, s->lport, s->raddr, s->rport, 0);
    }
    /* RFC 7323 §2.2: both sides must send the option for either to scale. */
    t->wscale_ok = t->wscale_ok && g->opt.has_wscale;
    if (t->wscale_ok) {
        t->snd_wscale = g->opt.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : g->opt.wscale;
        if (!synack)
            t->rcv_wscale = tcp_wscale_for(s);
    } else {
        t->snd_wscale = t->rcv_wscale = 0;
    }
    t->ts_ok = t->ts_ok && g->opt.has_ts;      /* RFC 7323 §3.2 */
    if (t->ts_ok) {
        t->ts_recent = g->opt.ts_val;
        t->ts_recent_age = 0;
    }
    t->sack_ok = t->sack_ok && g->opt.sack_perm;   /* RFC 2018 §2 */
    /* The window our SYN offered starts at the peer's first octet, now
     * that we know where that is (Linux: rcv_wup = rcv_nxt). */
    if (synack)
        t->rcv_adv = t->rcv_nxt + t->rcv_wnd;
    /* RFC 6691: the MSS counts data only; our options come out of it. */
    t->eff_mss = (uint16_t)(t->snd_mss - (t->ts_ok ? TCP_TS_LEN : 0));
    t->cwnd = tcp_initial_window(t);
}

uint32_t tcp_ts_clock(const struct tcb *t, tl_time now)
{
    return (uint32_t)(now / TL_MS) + t->ts_offset;   /* a 1 ms clock, as Linux's */
}

void tcp_options_for(const struct sock *s, uint8_t flags, size_t datalen, struct tcp_opts *o,
                     tl_time now)
{
    const struct tcb *t = &s->tcb;
    memset(o, 0, sizeof *o);
    if (flags & TH_RST)
        return;
    bool syn = flags & TH_SYN;
    if (syn) {
        o->has_mss = true;                     /* RFC 9293 §3.7.1: MSS in every SYN */
        o->mss = t->rcv_mss;
        o->sack_perm = t->sack_ok;
        o->has_wscale = t->wscale_ok;
        o->wscale = t->rcv_wscale;
    }
    if (t->ts_ok) {
        o->has_ts = true;
        o->ts_val = tcp_ts_clock(t, now);
        o->ts_ecr = (flags & TH_ACK) ? t->ts_recent : 0;
    }
    /* RFC 2018 §4: SACK blocks in ACKs while data is held out of order,
     * as many as the header has room for. */
    if (!syn && (flags & TH_ACK) && t->sack_ok && (s->ofo || t->dsack)) {
        size_t used = tcp_options_len(o), total = used + datalen;
        size_t room = total >= ETH_MTU - 40 ? 0 : ETH_MTU - 40 - total;
        if (room > TCP_OPT_MAX - used)
            room = TCP_OPT_MAX - used;
        int max = room >= 4 + 8 ? (int)((room - 4) / 8) : 0;
        if (max > TCP_MAX_SACK)
            max = TCP_MAX_SACK;
        int k = 0;
        if (max > 0 && t->dsack) {             /* RFC 2883 §4: the DSACK first */
            o->sack[0].left = t->dsack_left;
            o->sack[0].right = t->dsack_right;
            k = 1;
        }
        if (max > k && s->ofo)
            k += tcp_ofo_sack_blocks(s, o, max - k, k);
        o->nsack = (uint8_t)k;
    }
}

/* RFC 7323 §5.3 R1. */
bool tcp_paws_ok(struct tcb *t, const struct tcp_seg *g, tl_time now)
{
    if (!t->ts_ok || !g->opt.has_ts || (g->flags & TH_RST))
        return true;
    if (!seq_lt(g->opt.ts_val, t->ts_recent))
        return true;
    if (now - t->ts_recent_age > TCP_PAWS_IDLE) {
        t->ts_recent = g->opt.ts_val;          /* idle 24 days: TS.Recent is invalid */
        return true;
    }
    return false;
}

/* RFC 7323 §4.3 (2): if SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent,
 * TS.Recent = SEG.TSval. */
void tcp_ts_update(struct tcb *t, const struct tcp_seg *g, tl_time now)
{
    if (!t->ts_ok || !g->opt.has_ts)
        return;
    if (seq_ge(g->opt.ts_val, t->ts_recent) && seq_le(g->seq, t->last_ack_sent)) {
        t->ts_recent = g->opt.ts_val;
        t->ts_recent_age = now;
    }
}
