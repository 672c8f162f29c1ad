/* TCP input: segment arrival, RFC 9293 §3.10.7, one function per state
 * group (CLOSED, LISTEN, SYN-SENT, the rest), with RST and SYN handled as
 * RFC 5961 asks, timestamps as RFC 7323 §4.3 and §5.3 (PAWS) ask, and
 * out-of-order data held for reassembly.  Segments come parsed from
 * tcp_parse(); acknowledgements go to tcp_ack.c, replies out through
 * tcp_out.c. */
#include <errno.h>
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

#define SYNCOOKIE_WINDOW (120 * TL_SEC)   /* cookies are checked this long after an overflow */

struct seg_ctx {
    struct host *h;
    const struct ipv4_hdr *ip;
    struct tcp_seg seg;
    const uint8_t *frame;
    size_t flen;
    tl_time now;
};

static void drop(struct seg_ctx *c, enum drop_reason r)
{
    host_drop(c->h, r, c->frame, c->flen, c->now);
}

static struct sock *tcp_lookup(struct host *h, const struct ipv4_hdr *ip, const struct tcp_seg *g)
{
    return sock_find_tcp(h, g->dport, ip->src, g->sport);
}

/* §3.10.7.1 CLOSED (no TCB): RST unless the segment is an RST. */
static void closed_input(struct seg_ctx *c)
{
    tcp_send_reset_for(c->h, c->ip->src, c->ip->dst, &c->seg, c->now);
    drop(c, DROP_TCP_NO_SOCKET);
}

static int syn_queue_max(const struct host *h, const struct sock *l)
{
    return l->backlog > h->cfg.syn_queue_max ? l->backlog : h->cfg.syn_queue_max;
}

static void tcp_input_synced(struct seg_ctx *c, struct sock *s);

/* A new connection of listener l for the segment in c, its ISS chosen,
 * still in LISTEN (NULL on no memory). */
static struct sock *embryo_new(struct seg_ctx *c, struct sock *l, uint32_t iss)
{
    struct tcp_seg *g = &c->seg;
    struct host *h = c->h;
    struct sock *s = sock_alloc(h, SOCKT_TCP);
    if (!s)
        return NULL;
    s->parent = l;
    l->syn_queued++;
    s->laddr = c->ip->dst;
    sock_set_port(h, s, l->lport);
    s->raddr = c->ip->src;
    s->rport = g->sport;
    s->reuseaddr = l->reuseaddr;
    bytering_set_limit(&s->sndq, l->sndq.limit);
    bytering_set_limit(&s->rcvq, l->rcvq.limit);
    struct tcb *t = &s->tcb;
    t->state = TCP_LISTEN;                     /* born from the listener */
    t->passive = true;
    t->nodelay = l->tcb.nodelay;
    t->quickack = l->tcb.quickack;
    t->cc = l->tcb.cc;
    t->rto_min = l->tcb.rto_min;
    t->iss = iss;
    t->snd_una = t->snd_nxt = t->snd_up = iss;
    tcp_tcb_init(h, s);
    return s;
}

/* An ACK that returns a valid SYN cookie: the connection the SYN would
 * have made, in SYN-RECEIVED, takes the ACK as if it had waited there.
 * True if the segment was a cookie (taken or dropped). */
static bool cookie_input(struct seg_ctx *c, struct sock *l)
{
    struct tcp_seg *g = &c->seg;
    struct host *h = c->h;
    struct syncookie ck;
    if (!tcp_syncookie_check(h, l, c->ip->src, c->ip->dst, g, c->now, &ck))
        return false;
    if (l->accept_queued > l->backlog) {
        drop(c, DROP_TCP_SYN_QUEUE_FULL);      /* the client's next segment tries again */
        return true;
    }
    struct sock *s = embryo_new(c, l, g->ack - 1);
    if (!s)
        return true;
    l->syncookies_ok++;
    h->tcp.syncookies_ok++;
    struct tcb *t = &s->tcb;
    t->snd_nxt = g->ack;
    t->irs = g->seq - 1;
    t->rcv_nxt = t->rcv_up = g->seq;
    t->snd_wl1 = t->irs;
    t->snd_wl2 = t->iss;
    t->snd_mss = ck.mss;
    t->wscale_ok = ck.wscale_ok;
    t->snd_wscale = ck.wscale_ok ? ck.wscale : 0;
    t->rcv_wscale = ck.wscale_ok ? tcp_wscale_for(s) : 0;
    t->sack_ok = ck.sack_ok;
    t->ts_ok = ck.ts_ok;
    t->ts_recent = g->opt.ts_val;
    t->ts_recent_age = c->now;
    t->ts_offset = tcp_conn_hash(h, 1, s->laddr, s->lport, s->raddr, s->rport, 0);
    t->last_ack_sent = t->rcv_nxt;
    t->eff_mss = (uint16_t)(t->snd_mss - (t->ts_ok ? TCP_TS_LEN : 0));
    t->cwnd = tcp_initial_window(t);
    tcp_set_state(h, s, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN_COOKIE, c->now);
    tcp_input_synced(c, s);
    return true;
}

/* §3.10.7.2 LISTEN: a SYN makes a new connection in SYN-RECEIVED and the
 * SYN,ACK leaves at once, before any accept(). */
static void listen_input(struct seg_ctx *c, struct sock *l)
{
    struct tcp_seg *g = &c->seg;
    struct host *h = c->h;
    if (g->flags & TH_RST) {
        drop(c, DROP_TCP_LISTEN_BAD);          /* first: ignore an RST */
        return;
    }
    if (g->flags & TH_ACK) {                   /* second: <SEQ=SEG.ACK><CTL=RST> */
        /* ... unless it returns one of our SYN cookies (RFC 4987 §3.6). */
        if (!(g->flags & TH_SYN) && l->syn_overflow_at != TL_NEVER &&
            c->now - l->syn_overflow_at <= SYNCOOKIE_WINDOW && cookie_input(c, l))
            return;
        tcp_send_reset_for(h, c->ip->src, c->ip->dst, g, c->now);
        drop(c, DROP_TCP_LISTEN_BAD);
        return;
    }
    if (!(g->flags & TH_SYN)) {                /* fourth: anything else */
        drop(c, DROP_TCP_LISTEN_BAD);
        return;
    }
    /* Linux drops the SYN while the accept queue is full; the client's
     * retransmission tries again. */
    if (l->accept_queued > l->backlog) {
        drop(c, DROP_TCP_SYN_QUEUE_FULL);
        return;
    }
    /* A full SYN queue (a SYN flood, RFC 4987): answer without keeping
     * state, with a SYN cookie, or drop. */
    if (l->syn_queued >= syn_queue_max(h, l)) {
        if (!h->cfg.syncookies) {
            drop(c, DROP_TCP_SYN_QUEUE_FULL);
            return;
        }
        l->syn_overflow_at = c->now;
        tcp_syncookie_send(h, l, c->ip->src, c->ip->dst, g, c->now);
        return;
    }
    uint32_t iss = tcp_new_iss(h, c->ip->dst, l->lport, c->ip->src, g->sport, c->now);
    struct sock *s = embryo_new(c, l, iss);
    if (!s)
        return;
    struct tcb *t = &s->tcb;
    t->irs = g->seq;
    t->rcv_nxt = g->seq + 1;
    t->rcv_up = t->rcv_nxt;
    t->segs_in++;
    tcp_syn_options_take(h, s, g, false);
    tcp_update_window(t, g);
    tcp_set_state(h, s, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN, c->now);
    tcp_send_at(h, s, t->iss, 0, false, c->now);
    tcp_arm_rto(h, s, c->now);
}

/* §3.10.7.3 SYN-SENT. */
static void syn_sent_input(struct seg_ctx *c, struct sock *s)
{
    struct tcp_seg *g = &c->seg;
    struct tcb *t = &s->tcb;
    struct host *h = c->h;
    bool ack_ok = false;
    if (g->flags & TH_ACK) {                   /* first: check the ACK */
        if (seq_le(g->ack, t->iss) || seq_gt(g->ack, t->snd_nxt)) {
            if (!(g->flags & TH_RST))
                tcp_send_reset_for(h, c->ip->src, c->ip->dst, g, c->now);
            drop(c, DROP_TCP_BAD_ACK);
            return;
        }
        ack_ok = seq_le(t->snd_una, g->ack);
    }
    if (g->flags & TH_RST) {                   /* second: RST */
        if (ack_ok) {
            tcp_drop_conn(h, s, ECONNREFUSED, TCP_CAUSE_RCV_RST, c->now);
        } else {
            drop(c, DROP_TCP_RST_INVALID);
        }
        return;
    }
    if (!(g->flags & TH_SYN)) {                /* fifth: neither SYN nor RST */
        drop(c, DROP_TCP_NO_ACK);
        return;
    }
    /* fourth: SYN */
    t->irs = g->seq;
    t->rcv_nxt = g->seq + 1;
    t->rcv_up = t->rcv_nxt;
    tcp_syn_options_take(h, s, g, true);
    tcp_update_window(t, g);
    if (ack_ok) {
        t->snd_una = g->ack;
        tcp_ack_of_syn(h, s, c->now);
        tcp_set_state(h, s, TCP_ESTABLISHED, TCP_CAUSE_RCV_SYN_ACK, c->now);
        tcp_send_ack(h, s, c->now);            /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        tcp_output(h, s, c->now);
    } else {
        /* Simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
        tcp_set_state(h, s, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN, c->now);
        tcp_send_at(h, s, t->iss, 0, false, c->now);
    }
}

/* §3.10.7.4 first check: is the segment acceptable in the receive window? */
static bool seq_acceptable(const struct tcb *t, uint32_t wnd, const struct tcp_seg *g)
{
    uint32_t len = tcp_seg_len(g);
    if (len == 0)
        return wnd == 0 ? g->seq == t->rcv_nxt : seq_in(g->seq, t->rcv_nxt, t->rcv_nxt + wnd);
    if (wnd == 0)
        return false;
    return seq_in(g->seq, t->rcv_nxt, t->rcv_nxt + wnd) ||
           seq_in(g->seq + len - 1, t->rcv_nxt, t->rcv_nxt + wnd);
}

/* RFC 2883 §4: data that arrived twice is reported in the first SACK
 * block of the next ACK (a DSACK), so that the sender learns its
 * retransmission was spurious; and the ACK goes at once (Linux's
 * quick-ACK mode). */
static void note_dsack(struct tcb *t, uint32_t left, uint32_t right)
{
    if (!t->sack_ok)
        return;
    t->dsack = true;
    t->dsack_left = left;
    t->dsack_right = right;
    t->quick = TCP_MAX_QUICKACKS;
}

/* Cut what lies before RCV.NXT or beyond the window (§3.10.7.4, "trim").
 * Done just before the text: the RST and SYN checks look at the segment's
 * own SEG.SEQ (RFC 5961 §3.2, §4.2), so no SYN is left to trim here. */
static void trim_to_window(struct tcb *t, uint32_t wnd, struct tcp_seg *g)
{
    if (seq_lt(g->seq, t->rcv_nxt)) {
        uint32_t cut = t->rcv_nxt - g->seq;
        if (cut > g->len)
            cut = (uint32_t)g->len;
        if (cut)
            note_dsack(t, g->seq, g->seq + cut);
        g->data += cut;
        g->len -= cut;
        g->seq += cut;
    }
    uint32_t right = t->rcv_nxt + wnd;
    if (seq_gt(g->seq + (uint32_t)g->len, right)) {
        g->len = seq_gt(right, g->seq) ? right - g->seq : 0;
        g->flags &= (uint8_t)~TH_FIN;
    }
}

/* RFC 5961 §3.2 and §4.2: answer a suspicious RST or SYN with an ACK the
 * true peer can act on (throttled, §7). */
static void challenge_ack(struct seg_ctx *c, struct sock *s, enum drop_reason r)
{
    tcp_challenge_ack(c->h, s, c->now);
    drop(c, r);
}

static void rst_input(struct seg_ctx *c, struct sock *s)
{
    struct tcb *t = &s->tcb;
    if (c->seg.seq != t->rcv_nxt) {            /* in window but not exact */
        challenge_ack(c, s, DROP_TCP_RST_CHALLENGE);
        return;
    }
    switch (t->state) {
    case TCP_SYN_RECEIVED:
        /* Passive: back to LISTEN (the embryo goes); active: refused. */
        tcp_drop_conn(c->h, s, t->passive ? 0 : ECONNREFUSED, TCP_CAUSE_RCV_RST, c->now);
        break;
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        tcp_drop_conn(c->h, s, ECONNRESET, TCP_CAUSE_RCV_RST, c->now);
        break;
    case TCP_CLOSE_WAIT:
        tcp_drop_conn(c->h, s, EPIPE, TCP_CAUSE_RCV_RST, c->now);
        break;
    default:                                   /* CLOSING, LAST-ACK, TIME-WAIT */
        tcp_drop_conn(c->h, s, 0, TCP_CAUSE_RCV_RST, c->now);
        break;
    }
    bytering_drop(&s->sndq, s->sndq.len);
}

/* Fifth check, ACK, in the synchronized states.  Returns false if the
 * segment is to be dropped. */
static bool ack_input(struct seg_ctx *c, struct sock *s)
{
    struct tcp_seg *g = &c->seg;
    struct tcb *t = &s->tcb;
    struct host *h = c->h;
    /* RFC 5961 §5.2: acceptable if SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT. */
    if (seq_gt(g->ack, t->snd_nxt)) {
        tcp_challenge_ack(h, s, c->now);
        drop(c, DROP_TCP_BAD_ACK);
        return false;
    }
    if (seq_lt(g->ack, t->snd_una - t->max_snd_wnd)) {
        tcp_challenge_ack(h, s, c->now);
        drop(c, DROP_TCP_OLD_ACK);
        return false;
    }
    tcp_ack_received(h, s, g, c->now);

    bool our_fin_acked = t->fin_sent && seq_gt(t->snd_una, t->fin_seq);
    switch (t->state) {
    case TCP_FIN_WAIT_1:
        if (our_fin_acked) {
            tcp_set_state(h, s, TCP_FIN_WAIT_2, TCP_CAUSE_RCV_ACK_OF_FIN, c->now);
            if (s->fd < 0)
                t->fw2_at = c->now + h->cfg.fin_timeout;
        }
        break;
    case TCP_CLOSING:
        if (our_fin_acked)
            tcp_set_state(h, s, TCP_TIME_WAIT, TCP_CAUSE_RCV_ACK_OF_FIN, c->now);
        break;
    case TCP_LAST_ACK:
        if (our_fin_acked) {
            tcp_set_state(h, s, TCP_CLOSED, TCP_CAUSE_RCV_ACK_OF_FIN, c->now);
            return false;
        }
        break;
    default:
        break;
    }
    return true;
}

/* How an in-order arrival is acknowledged, as Linux does it (RFC 9293
 * §3.8.6.3, RFC 5681 §4.2, RFC 1122 4.2.3.2): at once in quick-ACK mode
 * (the first segments of a connection, after out-of-order data or a long
 * silence), for a FIN or a filled gap, or with TCP_QUICKACK set; else
 * once more than a full segment is unacknowledged, or when the delayed-ACK
 * timer (ato: 40 ms, adapting to the gaps between arrivals) runs out. */
static void ack_policy(struct host *h, struct sock *s, uint32_t n, bool now_please, tl_time now)
{
    struct tcb *t = &s->tcb;
    tl_time floor = h->cfg.delack_time;
    /* Linux's tcp_event_data_recv(): ato follows the arrival gaps. */
    if (!t->last_rcv) {
        t->quick = TCP_MAX_QUICKACKS;
        t->ato = floor;
    } else {
        tl_time m = now - t->last_rcv;
        if (m <= floor / 2) {
            t->ato = t->ato / 2 + floor / 2;
        } else if (m < t->ato) {
            t->ato = t->ato / 2 + m;
            if (t->ato > t->rto)
                t->ato = t->rto;
        } else if (m > t->rto) {
            t->quick = TCP_MAX_QUICKACKS;        /* idle: start again quickly */
        }
    }
    t->last_rcv = now ? now : 1;
    t->unacked_rcvd += n;
    if (n && n < t->eff_mss)
        t->ack_pushed = true;                  /* Linux's ICSK_ACK_PUSHED */
    if (t->quickack || now_please || t->quick || t->unacked_rcvd > t->eff_mss) {
        t->ack_now = true;
        return;
    }
    if (t->delack_at == TL_NEVER) {
        /* Linux's __tcp_send_delayed_ack(): above the floor, at most
         * 200 ms and at most the RTT. */
        tl_time d = t->ato;
        if (d > floor) {
            tl_time max = TCP_DELACK_MAX;
            tl_time rtt = t->srtt > floor ? t->srtt : floor;
            if (t->srtt && rtt < max)
                max = rtt;
            if (d > max)
                d = max;
        }
        t->delack_at = now + d;
    }
}

/* Seventh check: segment text.  In order, it goes to the receive queue,
 * and what it joins up with from the reassembly queue after it; out of
 * order, it is held and acknowledged at once (RFC 5681 §4.2), the ACK
 * carrying SACK blocks.  Returns true when the peer's FIN is now next. */
static bool text_input(struct seg_ctx *c, struct sock *s)
{
    struct tcp_seg *g = &c->seg;
    struct tcb *t = &s->tcb;
    bool fin = g->flags & TH_FIN;
    if (g->len == 0 && !fin)
        return false;
    switch (t->state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        break;
    default:
        if (g->len)
            drop(c, DROP_TCP_AFTER_FIN);
        g->len = 0;
        return false;
    }
    if (g->seq != t->rcv_nxt) {
        t->ack_now = true;
        t->quick = TCP_MAX_QUICKACKS;          /* out of order: quick ACKs for a while */
        if (tcp_ofo_insert(c->h, s, g->seq, g->data, (uint32_t)g->len, fin) < 0)
            drop(c, DROP_TCP_OUT_OF_ORDER);
        else
            c->h->tcp.ofo_segs++;
        g->flags &= (uint8_t)~TH_FIN;
        return false;
    }
    size_t n = bytering_push(&s->rcvq, g->data, g->len);
    t->rcv_nxt += (uint32_t)n;
    t->bytes_received += n;
    if (n < g->len) {
        drop(c, DROP_TCP_RCVBUF_FULL);
        g->flags &= (uint8_t)~TH_FIN;          /* the FIN lies beyond what we took */
        t->ack_now = true;
        return false;
    }
    bool moved = false;
    if (s->ofo)
        fin = tcp_ofo_drain(s, &moved) || fin;
    ack_policy(c->h, s, (uint32_t)n, fin || moved || n == 0, c->now);
    return fin;
}

/* Eighth check: FIN. */
static void fin_input(struct seg_ctx *c, struct sock *s, bool fin_now)
{
    struct tcb *t = &s->tcb;
    struct host *h = c->h;
    if (!fin_now) {
        if (!(c->seg.flags & TH_FIN))
            return;
        /* Not in order (held, or lost to a full buffer), or a FIN again. */
        t->ack_now = true;
        if (t->fin_rcvd && t->state == TCP_TIME_WAIT)
            t->tw_at = c->now + 2 * h->cfg.msl;    /* restart the 2 MSL timeout */
        return;
    }
    if (!t->fin_rcvd) {
        t->rcv_nxt++;
        t->fin_rcvd = true;
    }
    t->ack_now = true;
    switch (t->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        tcp_set_state(h, s, TCP_CLOSE_WAIT, TCP_CAUSE_RCV_FIN, c->now);
        break;
    case TCP_FIN_WAIT_1:
        if (t->fin_sent && seq_gt(t->snd_una, t->fin_seq))
            tcp_set_state(h, s, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN, c->now);
        else
            tcp_set_state(h, s, TCP_CLOSING, TCP_CAUSE_RCV_FIN, c->now);
        break;
    case TCP_FIN_WAIT_2:
        tcp_set_state(h, s, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN, c->now);
        break;
    default:                                   /* CLOSE-WAIT, CLOSING, LAST-ACK: stay */
        break;
    }
}

/* SYN-RECEIVED to ESTABLISHED: a passive connection joins its listener's
 * accept queue. */
static void established_from_syn_received(struct seg_ctx *c, struct sock *s)
{
    tcp_set_state(c->h, s, TCP_ESTABLISHED, TCP_CAUSE_RCV_ACK_OF_SYN, c->now);
    struct sock *l = s->parent;
    if (l) {
        l->syn_queued--;
        l->accept_queued++;
        struct sock **pp = &l->accept_head;
        while (*pp)
            pp = &(*pp)->accept_next;
        *pp = s;
    }
}

/* §3.10.7.4: SYN-RECEIVED and the synchronized states. */
static void sync_input(struct seg_ctx *c, struct sock *s)
{
    struct tcp_seg *g = &c->seg;
    struct tcb *t = &s->tcb;
    struct host *h = c->h;
    uint32_t wnd = tcp_rcv_window(s);

    /* RFC 5961 §4.2 as Linux applies it: in an active SYN-RECEIVED (a
     * simultaneous open) the peer's SYN,ACK completes the handshake. */
    bool simopen_synack = t->state == TCP_SYN_RECEIVED && !t->passive &&
                          (g->flags & (TH_SYN | TH_ACK | TH_RST)) == (TH_SYN | TH_ACK) &&
                          g->seq + 1 == t->rcv_nxt && g->ack == t->snd_nxt;
    if (simopen_synack) {
        g->flags &= (uint8_t)~TH_SYN;
        g->seq++;
    }

    /* RFC 7323 §5.3 R1, PAWS: a timestamp older than TS.Recent marks an
     * old duplicate; acknowledge and drop it. */
    if (!tcp_paws_ok(t, g, c->now)) {
        tcp_send_ack(h, s, c->now);
        drop(c, DROP_TCP_PAWS);
        return;
    }

    /* first: sequence number */
    if (!seq_acceptable(t, wnd, g)) {
        bool zero_window_data = wnd == 0 && g->len > 0 && g->seq == t->rcv_nxt;
        if (!zero_window_data) {
            if (g->len && seq_lt(g->seq, t->rcv_nxt) && !(g->flags & TH_RST)) {
                uint32_t end = g->seq + (uint32_t)g->len;
                note_dsack(t, g->seq, seq_lt(end, t->rcv_nxt) ? end : t->rcv_nxt);
            }
            if (!(g->flags & TH_RST))
                tcp_send_ack(h, s, c->now);    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
            /* TIME-WAIT (fifth check): "the only thing that can arrive in
             * this state is a retransmission of the remote FIN.  Acknowledge
             * it, and restart the 2 MSL timeout."  It lies just below
             * RCV.NXT, so it is the first check that sees it. */
            if (t->state == TCP_TIME_WAIT && (g->flags & (TH_FIN | TH_RST)) == TH_FIN &&
                g->seq + tcp_seg_len(g) == t->rcv_nxt)
                t->tw_at = c->now + 2 * h->cfg.msl;
            drop(c, (g->flags & TH_RST) ? DROP_TCP_RST_INVALID : DROP_TCP_UNACCEPTABLE);
            return;
        }
        /* Zero window: keep the ACK, drop the text (§3.10.7.4 "special
         * allowance"); this is how a window probe is answered. */
        drop(c, DROP_TCP_RCVBUF_FULL);
        g->len = 0;
        g->flags &= (uint8_t)~TH_FIN;
        t->ack_now = true;
    }
    tcp_ts_update(t, g, c->now);               /* RFC 7323 §4.3 (2) */

    /* second: RST */
    if (g->flags & TH_RST) {
        rst_input(c, s);
        return;
    }
    /* fourth: SYN in a synchronized state (RFC 5961 §4.2: challenge ACK) */
    if (g->flags & TH_SYN) {
        if (t->state == TCP_SYN_RECEIVED && t->passive) {
            tcp_drop_conn(h, s, 0, TCP_CAUSE_RCV_SYN, c->now);   /* return to LISTEN */
            drop(c, DROP_TCP_SYN_CHALLENGE);
            return;
        }
        challenge_ack(c, s, DROP_TCP_SYN_CHALLENGE);
        return;
    }
    /* fifth: ACK */
    if (!(g->flags & TH_ACK)) {
        drop(c, DROP_TCP_NO_ACK);
        return;
    }
    if (t->state == TCP_SYN_RECEIVED) {
        if (!seq_lt(t->snd_una, g->ack) || seq_gt(g->ack, t->snd_nxt)) {
            tcp_send_reset_for(h, c->ip->src, c->ip->dst, g, c->now);  /* <SEQ=SEG.ACK><CTL=RST> */
            drop(c, DROP_TCP_BAD_ACK);
            return;
        }
        established_from_syn_received(c, s);
    }
    if (!ack_input(c, s))
        return;
    /* sixth: URG — the urgent pointer is recorded, no urgent mode beyond that */
    if ((g->flags & TH_URG) && tcp_state_synchronized(t->state) &&
        seq_gt(g->seq + g->urp, t->rcv_up))
        t->rcv_up = g->seq + g->urp;
    /* seventh: segment text, trimmed to the window first */
    trim_to_window(t, wnd, g);
    bool fin_now = text_input(c, s);
    /* eighth: FIN */
    fin_input(c, s, fin_now);
    /* TIME-WAIT: a retransmitted FIN or anything else gets an ACK. */
    if (t->state == TCP_TIME_WAIT && (g->flags & TH_FIN))
        t->ack_now = true;
}

/* RFC 9293 §3.10.7.4 note / RFC 6191: a new SYN with a higher sequence number
 * may reopen a connection in TIME-WAIT (Linux does this too). */
static bool time_wait_reopen(struct seg_ctx *c, struct sock *s)
{
    const struct tcp_seg *g = &c->seg;
    if (s->tcb.state != TCP_TIME_WAIT || s->fd >= 0 ||
        (g->flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN || !seq_gt(g->seq, s->tcb.rcv_nxt))
        return false;
    /* an orphan: freed */
    tcp_set_state(c->h, s, TCP_CLOSED, TCP_CAUSE_RCV_SYN_TIME_WAIT, c->now);
    return true;
}

/* A segment for a connection in SYN-RECEIVED or later (also the one a SYN
 * cookie has just made), then whatever output it allows. */
static void tcp_input_synced(struct seg_ctx *c, struct sock *s)
{
    s->tcb.segs_in++;
    sync_input(c, s);
    if (s->tcb.state != TCP_CLOSED)
        tcp_output(c->h, s, c->now);
}

void tcp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
               const uint8_t *frame, size_t flen, tl_time now)
{
    struct seg_ctx c = {.h = h, .ip = ip, .frame = frame, .flen = flen, .now = now};
    enum drop_reason r = tcp_parse(p, len, ip->src, ip->dst, &c.seg);
    if (r != DROP_NONE) {
        drop(&c, r);
        return;
    }
    struct sock *s = tcp_lookup(h, ip, &c.seg);
    if (s && time_wait_reopen(&c, s))
        s = tcp_lookup(h, ip, &c.seg);

    if (!s) {
        closed_input(&c);
        return;
    }
    switch (s->tcb.state) {
    case TCP_LISTEN:
        listen_input(&c, s);
        return;
    case TCP_SYN_SENT:
        s->tcb.segs_in++;
        syn_sent_input(&c, s);
        return;
    default:
        tcp_input_synced(&c, s);
        return;
    }
}
