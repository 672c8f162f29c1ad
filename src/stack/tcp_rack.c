/* RACK-TLP (RFC 8985): loss detection by time.  A segment is lost when a
 * segment sent after it has been delivered and more than RACK.rtt plus a
 * reordering window has passed since it went out; this finds lost
 * retransmissions too (their time is that of the retransmission).  The
 * RACK timer covers segments not yet past the window; the tail loss probe
 * (PTO) sends one segment when ACKs stop coming, so that a loss at the
 * tail is found by RACK from the probe's ACK instead of by a timeout. */
#include "stack/stack_int.h"
#include "stack/tcp.h"

#define TLP_WCDELACK   (200 * TL_MS)   /* RFC 8985 §7.2 WCDelAckT (Linux: TCP_RTO_MIN) */
#define TLP_MIN_EXTRA  (2 * TL_MS)     /* Linux's TCP_TIMEOUT_MIN at HZ=1000 */
#define TLP_NO_RTT     (1 * TL_SEC)    /* §7.2: no RTT sample yet */

void tcp_loss_note(struct host *h, struct sock *s, uint32_t seq, uint32_t end, enum loss_by by,
                   tl_time now)
{
    s->tcb.lost_total++;
    trace_add_loss(&h->trace, s->id, s->fd, seq, end, by, now);
}

/* RFC 8985 §6.2 RACK_sent_after(). */
static bool sent_after(tl_time t1, uint32_t seq1, tl_time t2, uint32_t seq2)
{
    return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}

void tcp_rack_advance(struct sock *s, const struct tcp_txseg *x, const struct tcp_seg *g,
                      uint32_t fack, tl_time now)
{
    struct tcb *t = &s->tcb;
    tl_time rtt = now - x->xmit;
    /* Step 3, RACK_detect_reordering(): delivered below the highest
     * delivered without having been sent again means reordering (a
     * cumulative ACK compares with the highest before it: fack). */
    if (seq_gt(x->end, t->rack_fack))
        t->rack_fack = x->end;
    if (seq_lt(x->end, fack) && !(x->flags & TXS_EVER_RETRANS)) {
        t->reordering_seen = true;
        uint32_t mss = t->eff_mss ? t->eff_mss : 536;
        uint32_t dist = (fack - x->seq + mss - 1) / mss;
        if (dist > t->reordering)
            t->reordering = dist > 300 ? 300 : dist;
    }
    /* Step 2: a retransmitted segment's delivery is ambiguous; skip it if
     * the ACK answers the first transmission (its echoed timestamp is
     * older, RFC 7323) or came back faster than any round trip. */
    if (x->flags & TXS_EVER_RETRANS) {
        if (t->ts_ok && g && g->opt.has_ts && g->opt.ts_ecr &&
            seq_lt(g->opt.ts_ecr, tcp_ts_clock(t, x->xmit)))
            return;
        if (t->min_rtt && rtt < t->min_rtt)
            return;
    } else if (t->min_rtt == 0 || rtt < t->min_rtt) {
        t->min_rtt = rtt;
    }
    t->rack_rtt = rtt;
    if (sent_after(x->xmit, x->end, t->rack_xmit, t->rack_end)) {
        t->rack_xmit = x->xmit;
        t->rack_end = x->end;
    }
}

/* §6.2 step 4, RACK_update_reo_wnd(): none while no reordering has been
 * seen and recovery runs or DupThresh segments are SACKed (the classic
 * rule); else a quarter of the minimum RTT per step, at most SRTT. */
static tl_time reo_wnd(const struct tcb *t)
{
    if (!t->reordering_seen &&
        (t->in_recovery || t->rto_recovery || t->sacked_out >= TCP_DUPTHRESH))
        return 0;
    tl_time w = (tl_time)(t->reo_wnd_mult ? t->reo_wnd_mult : 1) * (t->min_rtt / 4);
    return t->srtt && w > t->srtt ? t->srtt : w;
}

void tcp_rack_dsack(struct tcb *t)
{
    /* §6.2 step 4: a DSACK means the window was too small: widen it for
     * the next 16 recoveries. */
    if (t->reo_wnd_mult < 255)
        t->reo_wnd_mult = (uint8_t)((t->reo_wnd_mult ? t->reo_wnd_mult : 1) + 1);
    t->reo_wnd_persist = 16;
}

void tcp_rack_recovered(struct tcb *t)
{
    if (t->reo_wnd_persist && --t->reo_wnd_persist == 0)
        t->reo_wnd_mult = 1;
}

uint32_t tcp_rack_detect(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    t->rack_at = TL_NEVER;
    if (!t->sack_ok || t->rack_xmit == 0)
        return 0;
    tl_time w = reo_wnd(t);
    t->reo_wnd = w;
    tl_time wait = 0;
    uint32_t n = 0;
    enum loss_by by = t->tlp_out ? LOSS_BY_TLP : LOSS_BY_RACK;
    /* §6.2 step 5, RACK_detect_loss(). */
    for (uint32_t i = 0; i < s->rtx_n; i++) {
        struct tcp_txseg *x = tcp_rtx_at(s, i);
        if ((x->flags & TXS_SACKED) || (x->flags & (TXS_LOST | TXS_RETRANS)) == TXS_LOST)
            continue;                          /* delivered, or lost and not yet resent */
        if (!sent_after(t->rack_xmit, t->rack_end, x->xmit, x->end))
            continue;
        tl_time remaining = x->xmit + t->rack_rtt + w - now;
        if (remaining <= 0) {
            tcp_rtx_set(s, x, (uint8_t)((x->flags & TXS_EVER_RETRANS) | TXS_LOST));
            tcp_loss_note(h, s, x->seq, x->end, by, now);
            n++;
        } else if (remaining > wait) {
            wait = remaining;
        }
    }
    if (wait)
        t->rack_at = now + wait;               /* §6.3 RACK's reordering timer */
    return n;
}

void tcp_rack_timeout(struct host *h, struct sock *s, tl_time now)
{
    if (tcp_rack_detect(h, s, now))
        tcp_loss_found(h, s, 0, now);
    tcp_output(h, s, now);
}

/* ---- the tail loss probe, RFC 8985 §7 ---------------------------------- */

void tcp_tlp_update(struct host *h, struct sock *s, tl_time now)
{
    (void)h;
    struct tcb *t = &s->tcb;
    /* §7.2: with SACK, in the open state, one probe at a time, something
     * in flight, not while probing a zero window. */
    if (!t->sack_ok || t->in_recovery || t->rto_recovery || t->tlp_out ||
        t->snd_nxt == t->snd_una || t->persist_at != TL_NEVER || !s->rtx_n) {
        t->tlp_at = TL_NEVER;
        return;
    }
    if (t->tlp_at != TL_NEVER)
        return;                                /* armed at the last send or ACK */
    tl_time pto = TLP_NO_RTT;
    if (t->srtt)
        pto = 2 * t->srtt + (s->rtx_n == 1 ? TLP_WCDELACK : TLP_MIN_EXTRA);
    t->tlp_at = now + pto;
    if (t->rto_at != TL_NEVER && t->rto_at < t->tlp_at)
        t->tlp_at = t->rto_at;                 /* §7.2: never after the RTO; the probe goes instead */
}

void tcp_tlp_timeout(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->in_recovery || t->rto_recovery || t->tlp_out || t->snd_nxt == t->snd_una)
        return;
    /* §7.3: a new segment if the peer's window lets one go, else the last
     * segment sent, again. */
    uint32_t used = 0;
    bool retrans = false;
    int32_t room = (int32_t)(t->snd_una + t->snd_wnd - t->snd_nxt);
    if (room > 0 && seq_lt(t->snd_nxt, tcp_data_end(s))) {
        uint32_t len = (uint32_t)room < t->eff_mss ? (uint32_t)room : t->eff_mss;
        used = tcp_send_at(h, s, t->snd_nxt, len, false, now);
    }
    if (!used && s->rtx_n) {
        const struct tcp_txseg *x = tcp_rtx_at(s, s->rtx_n - 1);
        if (x->flags & TXS_SACKED)
            return;
        t->tlp_seq = x->seq;
        t->tlp_end = x->end;
        used = tcp_send_at(h, s, x->seq, x->end - x->seq, true, now);
        retrans = used > 0;
    }
    if (!used)
        return;
    t->tlp_out = true;
    t->tlp_retrans = retrans;
    t->tlp_high_seq = t->snd_nxt;
    t->tlp_probes++;
    t->tlp_at = TL_NEVER;
    t->rto_at = now + t->rto;                  /* §7.3: then the RTO */
}

void tcp_tlp_ack(struct host *h, struct sock *s, const struct tcp_seg *g,
                 const struct tcp_delivery *d, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (!t->tlp_out)
        return;
    /* §7.4.1: a DSACK for the probe says the original arrived: nothing
     * was lost. */
    if (d->dsack && t->tlp_retrans && seq_le(d->dsack_left, t->tlp_seq) &&
        seq_ge(d->dsack_right, t->tlp_end)) {
        t->tlp_out = false;
        return;
    }
    if (seq_lt(g->ack, t->tlp_high_seq))
        return;
    t->tlp_out = false;
    /* §7.4.2: the probe repaired the loss of the last segment (no DSACK
     * came for it): a loss all the same, so the congestion window comes
     * down as in a recovery that has ended. */
    if (t->tlp_retrans && !d->dsack && !t->in_recovery && !t->rto_recovery) {
        tcp_loss_note(h, s, t->tlp_seq, t->tlp_end, LOSS_BY_TLP, now);
        t->ssthresh = tcp_cc_ssthresh(t, now);
        t->cwnd = t->ssthresh;
    }
}
