/* TCP output: segments built from the TCB and handed to IPv4.  Decides
 * what may be sent now: retransmissions of what loss recovery declared
 * lost (the retransmission queue's marks, within cwnd: RFC 6675's
 * NextSeg() rule 1, paced by PRR), then new data within the peer's window and
 * the congestion window, held back by Nagle (RFC 9293 §3.7.4) and the
 * sender's silly-window avoidance (§3.8.6.2.1), our FIN once the data is
 * out, an ACK when one is owed.  The windows we announce follow the
 * receiver's silly-window avoidance (§3.8.6.2.2) and RFC 7323 scaling. */
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

/* Free receive buffer, as much as the window field can say. */
static uint32_t rcv_space(const struct sock *s)
{
    size_t space = bytering_space(&s->rcvq);
    uint32_t max = (uint32_t)0xffff << s->tcb.rcv_wscale;
    return space > max ? max : (uint32_t)space;
}

uint32_t tcp_select_window(const struct sock *s)
{
    const struct tcb *t = &s->tcb;
    uint32_t space = rcv_space(s);
    uint32_t cur = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    /* RFC 9293 §3.8.6.2.2: move the right edge only by min(RCV.BUFF/2,
     * Eff.snd.MSS) or more, so the sender never sees a silly window. */
    uint32_t step = (uint32_t)(s->rcvq.limit / 2) < t->rcv_mss ? (uint32_t)(s->rcvq.limit / 2)
                                                               : t->rcv_mss;
    uint32_t wnd = space;
    if (space > cur && space - cur < step)
        wnd = cur;
    /* RFC 7323 §2.3: the field carries wnd >> Rcv.Wind.Shift; round down,
     * never promising room we do not have. */
    return wnd >> t->rcv_wscale << t->rcv_wscale;
}

uint32_t tcp_rcv_window(const struct sock *s)
{
    const struct tcb *t = &s->tcb;
    uint32_t announced = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    uint32_t space = rcv_space(s);
    return space > announced ? space : announced;
}

void tcp_send_raw(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *seg,
                  tl_time now)
{
    uint8_t buf[ETH_MTU];
    size_t n = tcp_build(buf, sizeof buf - IPV4_HLEN, src, dst, seg);
    if (n)
        ip_output(h, dst, IP_PROTO_TCP, 0, true, buf, n, now);
}

void tcp_send_segment(struct host *h, struct sock *s, uint32_t seq, uint8_t flags,
                      const uint8_t *data, size_t len, tl_time now)
{
    struct tcb *t = &s->tcb;
    struct tcp_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.sport = s->lport;
    seg.dport = s->rport;
    seg.seq = seq;
    seg.flags = flags;
    seg.data = data;
    seg.len = len;
    if (flags & TH_ACK)
        seg.ack = t->rcv_nxt;
    tcp_options_for(s, flags, len, &seg.opt, now);
    if (flags & TH_RST) {
        seg.wnd = 0;
    } else if (flags & TH_SYN) {
        /* RFC 7323 §2.2: the window of a SYN is never scaled.  As Linux
         * (tcp_select_initial_window), the buffer is offered in whole
         * segments: the MSS we announce, less the timestamps a SYN,ACK
         * has agreed on (64240 in a SYN, 65160 in a SYN,ACK with
         * timestamps, for an MSS of 1460 and a 64 KiB buffer). */
        size_t space = bytering_space(&s->rcvq);
        uint32_t mss = t->rcv_mss - ((flags & TH_ACK) && t->ts_ok ? TCP_TS_LEN : 0);
        if (mss && space > mss)
            space -= space % mss;
        t->rcv_wnd = space > 0xffff ? 0xffff : (uint32_t)space;
        t->rcv_adv = t->rcv_nxt + t->rcv_wnd;
        seg.wnd = (uint16_t)t->rcv_wnd;
    } else {
        t->rcv_wnd = tcp_select_window(s);
        t->rcv_adv = t->rcv_nxt + t->rcv_wnd;
        seg.wnd = (uint16_t)(t->rcv_wnd >> t->rcv_wscale);
    }
    if (flags & TH_ACK) {
        if (t->quick && !(flags & TH_SYN))
            t->quick--;                        /* Linux's tcp_dec_quickack_mode() */
        t->dsack = false;
        t->ack_pushed = false;
        t->ack_now = false;
        t->delack_at = TL_NEVER;
        t->unacked_rcvd = 0;
        t->last_ack_sent = t->rcv_nxt;
    }
    t->segs_out++;
    tcp_send_raw(h, s->laddr ? s->laddr : h->cfg.addr, s->raddr, &seg, now);
}

void tcp_send_ack(struct host *h, struct sock *s, tl_time now)
{
    tcp_send_segment(h, s, s->tcb.snd_nxt, TH_ACK, NULL, 0, now);
}

bool tcp_challenge_ack(struct host *h, struct sock *s, tl_time now)
{
    int limit = h->cfg.challenge_ack_limit;
    if (limit > 0) {
        /* RFC 5961 §7: at most about `limit` a second, host-wide; the
         * quota of each second is drawn at random around it (as Linux),
         * so that the count leaks nothing to an off-path attacker. */
        tl_time slot = now / TL_SEC;
        if (slot != h->challenge_slot) {
            h->challenge_slot = slot;
            h->challenge_left = limit / 2 + (int)rng_below(&h->rng, (uint32_t)limit);
        }
        if (h->challenge_left <= 0) {
            h->challenge_acks_suppressed++;
            return false;
        }
        h->challenge_left--;
    }
    h->challenge_acks++;
    tcp_send_ack(h, s, now);
    return true;
}

/* RFC 9293 §3.10.7.1: a segment for no connection.  Never answer an RST;
 * otherwise <SEQ=SEG.ACK><CTL=RST> if it had ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
void tcp_send_reset_for(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *in,
                        tl_time now)
{
    if (in->flags & TH_RST)
        return;
    struct tcp_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.sport = in->dport;
    seg.dport = in->sport;
    if (in->flags & TH_ACK) {
        seg.seq = in->ack;
        seg.flags = TH_RST;
    } else {
        seg.seq = 0;
        seg.ack = in->seq + tcp_seg_len(in);
        seg.flags = TH_RST | TH_ACK;
    }
    tcp_send_raw(h, dst, src, &seg, now);
}

uint32_t tcp_send_at(struct host *h, struct sock *s, uint32_t seq, uint32_t maxlen, bool retrans,
                     tl_time now)
{
    struct tcb *t = &s->tcb;
    uint8_t buf[ETH_MTU];
    if (seq == t->iss && t->snd_una == t->iss) {
        /* Our SYN, not yet acknowledged: SYN-SENT sends <SYN>, any state
         * that has the peer's SYN sends <SYN,ACK>. */
        uint8_t flags = t->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK;
        tcp_send_segment(h, s, t->iss, flags, NULL, 0, now);
        if (retrans) {
            t->retrans_segs++;
            h->tcp.retrans_segs++;
            t->syn_retransmitted = true;
            t->rtt_timing = false;             /* Karn */
        } else if (!t->rtt_timing) {
            t->rtt_timing = true;
            t->rtt_seq = t->iss;
            t->rtt_start = now;
        }
        if (seq_gt(t->iss + 1, t->snd_nxt))
            t->snd_nxt = t->iss + 1;
        return 1;
    }
    uint32_t start = tcp_data_start(t);
    uint32_t data_end = start + (uint32_t)s->sndq.len;
    if (seq_lt(seq, start))
        return 0;
    uint32_t avail = seq_lt(seq, data_end) ? data_end - seq : 0;
    if (retrans && seq_lt(t->snd_nxt, seq + avail))
        avail = seq_lt(seq, t->snd_nxt) ? t->snd_nxt - seq : 0;   /* only what went before */
    uint32_t n = avail < maxlen ? avail : maxlen;
    if (n > t->eff_mss)
        n = t->eff_mss;
    bool fin = t->fin_queued && seq + n == t->fin_seq;
    if (n == 0 && !fin)
        return 0;
    uint8_t flags = TH_ACK;
    if (n > 0 && seq + n == data_end)
        flags |= TH_PSH;                       /* the end of what the user gave us */
    if (fin)
        flags |= TH_FIN;
    bytering_peek(&s->sndq, seq - start, buf, n);
    tcp_send_segment(h, s, seq, flags, buf, n, now);
    uint32_t used = n + (fin ? 1 : 0);
    if (retrans) {
        tcp_rtx_retransmitted(s, seq, seq + used, now);
    } else {
        tcp_rtx_append(s, seq, seq + used, now);
        if (n < t->eff_mss)
            t->snd_sml = seq + used;
        t->tlp_at = TL_NEVER;                  /* RFC 8985 §7.2: the PTO restarts */
    }
    if (t->in_recovery)
        t->prr_out += used;                    /* RFC 6937 prr_out */
    if (retrans) {
        t->retrans_segs++;
        h->tcp.retrans_segs++;
        t->bytes_retrans += n;
        t->rtt_timing = false;                 /* Karn: no sample from this range */
    } else {
        t->bytes_sent += n;
        if (!t->rtt_timing && n > 0) {
            t->rtt_timing = true;              /* RFC 6298 §3: time one segment a round trip */
            t->rtt_seq = seq;
            t->rtt_start = now;
        }
    }
    if (fin)
        t->fin_sent = true;
    if (seq_gt(seq + used, t->snd_nxt))
        t->snd_nxt = seq + used;
    t->last_send = now;
    return used;
}

static bool sending_state(enum tcp_state st)
{
    switch (st) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        return true;
    default:
        return false;
    }
}

/* Retransmissions of what loss recovery marked lost, in order of
 * sequence, while cwnd allows (RFC 6675 §5 step (C), NextSeg() rule 1;
 * after a timeout, everything not SACKed).  False if cwnd is used up. */
static bool send_lost(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    const struct tcp_txseg *x;
    while ((x = tcp_rtx_next_lost(s))) {
        uint32_t len = x->end - x->seq, pipe = tcp_pipe(t);
        if (pipe >= t->cwnd || t->cwnd - pipe < len)
            return false;
        if (!tcp_send_at(h, s, x->seq, len, true, now))
            break;
    }
    return true;
}

uint32_t tcp_retransmit_head(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    /* RFC 6298 (5.4): the earliest segment not acknowledged (nor SACKed). */
    for (uint32_t i = 0; i < s->rtx_n && seq_gt(t->snd_una, t->iss); i++) {
        const struct tcp_txseg *x = tcp_rtx_at(s, i);
        if (!(x->flags & TXS_SACKED))
            return tcp_send_at(h, s, x->seq, x->end - x->seq, true, now);
    }
    return tcp_send_at(h, s, t->snd_una, t->eff_mss, true, now);
}

/* New data (and the FIN) in order, as windows, Nagle and SWS allow. */
static void send_new(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    t->wnd_blocked = false;
    for (;;) {
        uint32_t data_end = tcp_data_end(s);
        uint32_t unsent = seq_lt(t->snd_nxt, data_end) ? data_end - t->snd_nxt : 0;
        bool fin_pending = t->fin_queued && seq_le(t->snd_nxt, t->fin_seq);
        if (unsent == 0 && !fin_pending)
            return;
        uint32_t len = unsent < t->eff_mss ? unsent : t->eff_mss;
        uint32_t need = len ? len : 1;
        /* Congestion window (RFC 5681 §3.1), with limited transmit on the
         * first two duplicate ACKs (RFC 3042). */
        uint32_t pipe = t->sack_ok || t->rto_recovery ? tcp_pipe(t) : t->snd_nxt - t->snd_una;
        uint32_t cwnd = t->cwnd;
        if (!t->in_recovery && !t->rto_recovery && t->dupacks > 0 && t->dupacks < TCP_DUPTHRESH)
            cwnd += (uint32_t)t->dupacks * t->eff_mss;
        if (pipe >= cwnd || cwnd - pipe < need)
            return;
        /* The peer's window, and the sender's SWS avoidance (RFC 9293
         * §3.8.6.2.1): a full segment, or all that is queued, or at least
         * half the largest window the peer ever offered. */
        int32_t room = (int32_t)(t->snd_una + t->snd_wnd - t->snd_nxt);
        if (room < (int32_t)need) {
            if (len == 0 || room <= 0 || (uint32_t)room < t->max_snd_wnd / 2) {
                t->wnd_blocked = true;
                return;
            }
            len = (uint32_t)room;
        }
        /* Nagle (RFC 896, RFC 9293 §3.7.4) with Minshall's change, as Linux:
         * a short segment waits while an earlier short one is unacknowledged,
         * unless it ends the stream or TCP_NODELAY. */
        bool ends_stream = t->fin_queued && len == unsent;
        bool short_out = seq_gt(t->snd_sml, t->snd_una) && seq_le(t->snd_sml, t->snd_nxt);
        if (len > 0 && len < t->eff_mss && !t->nodelay && !ends_stream && short_out)
            return;
        if (!tcp_send_at(h, s, t->snd_nxt, len, false, now))
            return;
    }
}

void tcp_output(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (!sending_state(t->state)) {
        if (t->ack_now && tcp_state_synchronized(t->state))
            tcp_send_ack(h, s, now);
        tcp_timers_update(h, s, now);
        return;
    }
    /* RFC 5681 §4.1: after an idle period longer than the RTO, restart
     * from the initial window. */
    if (t->snd_nxt == t->snd_una && t->last_send && now - t->last_send > t->rto) {
        uint32_t iw = tcp_initial_window(t);
        if (t->cwnd > iw)
            t->cwnd = iw;
    }
    /* The window reopened with our probe octet unacknowledged (the peer
     * dropped it): it goes again as the start of the next segment. */
    if (t->persist_at != TL_NEVER && t->snd_wnd > 0 && t->snd_nxt == t->snd_una + 1 &&
        seq_gt(t->snd_una, t->iss)) {
        t->snd_nxt = t->snd_una;
        t->rtt_timing = false;
    }
    bool room = true;
    if (t->frto_new)
        t->frto_new = false;                   /* RFC 5682 step 2b: new data first */
    else if (t->rto_recovery || (t->in_recovery && t->sack_ok))
        room = send_lost(h, s, now);
    if (room)
        send_new(h, s, now);
    if (t->ack_now)
        tcp_send_ack(h, s, now);
    tcp_timers_update(h, s, now);
}

/* RFC 9293 §3.8.6.1: "the sending TCP peer must regularly transmit at
 * least one octet of new data (if available) ... even if the send window
 * is zero".  With a small window open, the SWS override timeout sends what
 * fits (§3.8.6.2.1). */
void tcp_send_probe(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    t->probes++;
    h->tcp.probes++;
    int32_t room = (int32_t)(t->snd_una + t->snd_wnd - t->snd_nxt);
    if (seq_lt(t->snd_una, t->snd_nxt) && room <= 0) {
        tcp_send_at(h, s, t->snd_una, 1, true, now);    /* the probe octet again */
        return;
    }
    uint32_t len = room > 0 ? (uint32_t)room : 1;
    if (!tcp_send_at(h, s, t->snd_nxt, len, false, now))
        tcp_send_ack(h, s, now);
}
