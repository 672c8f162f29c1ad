/* The retransmission queue: one record per segment in flight (sequence
 * range, last transmission time, SACKed / lost / retransmitted), kept in
 * order of sequence from SND.UNA to SND.NXT.  Output appends what it sends
 * and marks what it resends; ACKs drop what they cover and SACK blocks
 * mark what the peer holds (RFC 2018, RFC 6675 §3's scoreboard).  RACK
 * (tcp_rack.c) reads the times, recovery the flags; the TCB keeps counts
 * of each flag so that the pipe (RFC 6675 SetPipe) is a sum, not a walk. */
#include <stdlib.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

struct tcp_txseg *tcp_rtx_at(const struct sock *s, uint32_t i)
{
    return &s->rtx[(s->rtx_head + i) & (s->rtx_cap - 1)];
}

/* Add (sign 1) or take away (-1) a record's share of the flag counts. */
static void count(struct tcb *t, const struct tcp_txseg *x, int sign)
{
    uint32_t len = x->end - x->seq;
    if (x->flags & TXS_SACKED) {
        t->sacked_out += (uint32_t)sign;
        t->sacked_bytes += (uint32_t)sign * len;
    }
    if (x->flags & TXS_LOST) {
        t->lost_out += (uint32_t)sign;
        t->lost_bytes += (uint32_t)sign * len;
    }
    if (x->flags & TXS_RETRANS) {
        t->retrans_out += (uint32_t)sign;
        t->retrans_bytes += (uint32_t)sign * len;
    }
}

void tcp_rtx_set(struct sock *s, struct tcp_txseg *x, uint8_t flags)
{
    count(&s->tcb, x, -1);
    x->flags = flags;
    count(&s->tcb, x, 1);
}

static void reset_counts(struct tcb *t)
{
    t->sacked_out = t->lost_out = t->retrans_out = 0;
    t->sacked_bytes = t->lost_bytes = t->retrans_bytes = 0;
}

void tcp_rtx_clear(struct sock *s)
{
    s->rtx_head = s->rtx_n = 0;
    reset_counts(&s->tcb);
}

void tcp_rtx_free(struct sock *s)
{
    free(s->rtx);
    s->rtx = NULL;
    s->rtx_cap = 0;
    tcp_rtx_clear(s);
}

static int grow(struct sock *s)
{
    uint32_t cap = s->rtx_cap ? s->rtx_cap * 2 : 64;
    struct tcp_txseg *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    for (uint32_t i = 0; i < s->rtx_n; i++)
        v[i] = *tcp_rtx_at(s, i);
    free(s->rtx);
    s->rtx = v;
    s->rtx_cap = cap;
    s->rtx_head = 0;
    return 0;
}

void tcp_rtx_append(struct sock *s, uint32_t seq, uint32_t end, tl_time now)
{
    /* Whatever was recorded at or beyond seq is no longer in flight (the
     * sender went back, as with a zero-window probe's octet). */
    while (s->rtx_n && seq_gt(tcp_rtx_at(s, s->rtx_n - 1)->end, seq)) {
        struct tcp_txseg *last = tcp_rtx_at(s, s->rtx_n - 1);
        count(&s->tcb, last, -1);
        if (seq_gt(seq, last->seq)) {
            last->end = seq;
            count(&s->tcb, last, 1);
            break;
        }
        s->rtx_n--;
    }
    if (s->rtx_n == s->rtx_cap && grow(s) < 0)
        return;                                /* unrecorded: counted by SND.NXT only */
    struct tcp_txseg *x = tcp_rtx_at(s, s->rtx_n++);
    x->seq = seq;
    x->end = end;
    x->xmit = now;
    x->flags = 0;
}

void tcp_rtx_retransmitted(struct sock *s, uint32_t seq, uint32_t end, tl_time now)
{
    for (uint32_t i = 0; i < s->rtx_n; i++) {
        struct tcp_txseg *x = tcp_rtx_at(s, i);
        if (seq_le(x->end, seq))
            continue;
        if (seq_ge(x->seq, end))
            break;
        x->xmit = now;
        tcp_rtx_set(s, x, (uint8_t)((x->flags & ~TXS_SACKED) | TXS_RETRANS | TXS_EVER_RETRANS));
    }
}

/* A record was delivered: what RACK and F-RTO learn from it. */
static void delivered(struct sock *s, const struct tcp_txseg *x, struct tcp_delivery *d,
                      const struct tcp_seg *g, uint32_t fack, tl_time now)
{
    if (!(x->flags & TXS_EVER_RETRANS))
        d->orig = true;
    d->segs++;
    tcp_rack_advance(s, x, g, fack, now);
}

void tcp_rtx_ack(struct sock *s, const struct tcp_seg *g, tl_time now, struct tcp_delivery *d)
{
    uint32_t una = s->tcb.snd_una;
    while (s->rtx_n) {
        struct tcp_txseg *x = tcp_rtx_at(s, 0);
        if (seq_le(una, x->seq))
            break;
        if (seq_lt(una, x->end)) {
            /* Part of it acknowledged: the rest stays, as in flight. */
            count(&s->tcb, x, -1);
            x->seq = una;
            count(&s->tcb, x, 1);
            break;
        }
        if (!(x->flags & TXS_SACKED))
            delivered(s, x, d, g, d->prior_fack, now);
        count(&s->tcb, x, -1);
        s->rtx_head = (s->rtx_head + 1) & (s->rtx_cap - 1);
        s->rtx_n--;
    }
    if (!s->rtx_n)
        reset_counts(&s->tcb);
}

/* RFC 2883 §4: the first block reports a duplicate if it lies below the
 * cumulative ACK, or inside the second block. */
static bool is_dsack(const struct tcp_seg *g)
{
    if (seq_le(g->opt.sack[0].right, g->ack))
        return true;
    return g->opt.nsack > 1 && seq_ge(g->opt.sack[0].left, g->opt.sack[1].left) &&
           seq_le(g->opt.sack[0].right, g->opt.sack[1].right);
}

uint32_t tcp_rtx_sack(struct sock *s, const struct tcp_seg *g, tl_time now, struct tcp_delivery *d)
{
    struct tcb *t = &s->tcb;
    uint32_t newly = 0;
    int first = 0;
    if (g->opt.nsack && is_dsack(g)) {
        d->dsack = true;
        d->dsack_left = g->opt.sack[0].left;
        d->dsack_right = g->opt.sack[0].right;
        first = 1;
    }
    for (int k = first; k < g->opt.nsack; k++) {
        uint32_t l = g->opt.sack[k].left, r = g->opt.sack[k].right;
        /* RFC 2018 §3: a block outside (SND.UNA, SND.NXT] is stale or forged. */
        if (!seq_lt(l, r) || seq_gt(r, t->snd_nxt) || seq_le(r, g->ack))
            continue;
        for (uint32_t i = 0; i < s->rtx_n; i++) {
            struct tcp_txseg *x = tcp_rtx_at(s, i);
            if (seq_le(x->end, l))
                continue;
            if (seq_gt(x->end, r))
                break;
            if (seq_lt(x->seq, l) || (x->flags & TXS_SACKED))
                continue;                      /* only whole segments are SACKed */
            delivered(s, x, d, g, t->rack_fack, now);
            tcp_rtx_set(s, x, TXS_SACKED | (x->flags & TXS_EVER_RETRANS));
            newly += x->end - x->seq;
        }
    }
    return newly;
}

void tcp_rtx_mark_all_lost(struct host *h, struct sock *s, tl_time now)
{
    for (uint32_t i = 0; i < s->rtx_n; i++) {
        struct tcp_txseg *x = tcp_rtx_at(s, i);
        if (x->flags & TXS_SACKED)
            continue;                          /* kept across the timeout (RFC 2018 §8 allows it) */
        if (!(x->flags & TXS_LOST))
            tcp_loss_note(h, s, x->seq, x->end, LOSS_BY_RTO, now);
        tcp_rtx_set(s, x, (uint8_t)((x->flags & TXS_EVER_RETRANS) | TXS_LOST));
    }
}

void tcp_rtx_unmark_lost(struct sock *s)
{
    for (uint32_t i = 0; i < s->rtx_n; i++) {
        struct tcp_txseg *x = tcp_rtx_at(s, i);
        if (x->flags & TXS_LOST)
            tcp_rtx_set(s, x, (uint8_t)(x->flags & ~TXS_LOST));
    }
}

const struct tcp_txseg *tcp_rtx_next_lost(const struct sock *s)
{
    for (uint32_t i = 0; i < s->rtx_n; i++) {
        const struct tcp_txseg *x = tcp_rtx_at(s, i);
        if ((x->flags & (TXS_LOST | TXS_RETRANS | TXS_SACKED)) == TXS_LOST)
            return x;
    }
    return NULL;
}

uint32_t tcp_pipe(const struct tcb *t)
{
    /* RFC 6675 SetPipe() (Linux's tcp_packets_in_flight): every octet sent
     * and not SACKed, less what is lost, plus what was sent again. */
    return t->snd_nxt - t->snd_una - t->sacked_bytes - t->lost_bytes + t->retrans_bytes;
}
