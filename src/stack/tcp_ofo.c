/* Reassembly: segments that arrive beyond RCV.NXT are held (RFC 9293
 * §3.10.7.4, seventh check: "segments with higher beginning sequence
 * numbers may be held for later processing") and moved to the receive
 * queue when the gap before them fills.  What is held is also what our
 * SACK blocks describe (RFC 2018 §4).  The runs never overlap; memory is
 * bounded by the receive window (data beyond it is trimmed first) and by
 * the host's ofo_max_segs. */
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

static struct tcp_ofo *run_new(uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
    struct tcp_ofo *o = malloc(sizeof *o + len);
    if (!o)
        return NULL;
    o->next = NULL;
    o->seq = seq;
    o->len = len;
    o->fin = fin;
    if (len)
        memcpy(o->data, data, len);
    return o;
}

/* A run wholly before seq (an empty FIN marker: at or before it). */
static bool before(const struct tcp_ofo *o, uint32_t seq)
{
    return o->len ? seq_le(o->seq + o->len, seq) : seq_le(o->seq, seq);
}

/* The FIN at sequence number `at`: on the run that ends there, else on an
 * empty marker, keeping the list in order.  Data held beyond it would be
 * a peer's error: then the FIN is not kept (it comes again). */
static int place_fin(struct sock *s, uint32_t at)
{
    for (struct tcp_ofo **q = &s->ofo;; q = &(*q)->next) {
        struct tcp_ofo *o = *q;
        if (o && o->len == 0 && o->seq == at) {
            o->fin = true;
            return 0;
        }
        if (!o || seq_ge(o->seq, at)) {
            struct tcp_ofo *n = run_new(at, NULL, 0, true);
            if (!n)
                return -1;
            n->next = o;
            *q = n;
            s->tcb.ofo_segs++;
            return 0;
        }
        if (o->len && o->seq + o->len == at) {
            o->fin = true;
            return 0;
        }
        if (seq_gt(o->seq + o->len, at))
            return 0;
    }
}

int tcp_ofo_insert(struct host *h, struct sock *s, uint32_t seq, const uint8_t *data,
                   uint32_t len, bool fin)
{
    struct tcb *t = &s->tcb;
    if (t->ofo_segs >= h->cfg.ofo_max_segs)
        return -1;
    uint32_t end = seq + len;
    s->ofo_last = seq;
    /* Fill the gaps of [seq, end) between the runs already held; the runs
     * stay sorted and apart. */
    struct tcp_ofo **pp = &s->ofo;
    while (seq_lt(seq, end)) {
        struct tcp_ofo *o = *pp;
        if (o && before(o, seq)) {
            pp = &o->next;
            continue;
        }
        if (!o || seq_lt(seq, o->seq)) {
            uint32_t piece = o && seq_lt(o->seq, end) ? o->seq - seq : end - seq;
            struct tcp_ofo *n = run_new(seq, data, piece, false);
            if (!n)
                return -1;
            n->next = o;
            *pp = n;
            pp = &n->next;
            t->ofo_bytes += piece;
            t->ofo_segs++;
            seq += piece;
            data += piece;
            continue;
        }
        /* seq lies inside o: skip what o already holds */
        uint32_t covered = seq_lt(o->seq + o->len, end) ? o->seq + o->len - seq : end - seq;
        seq += covered;
        data += covered;
        pp = &o->next;
    }
    return fin ? place_fin(s, end) : 0;
}

bool tcp_ofo_drain(struct sock *s, bool *moved)
{
    struct tcb *t = &s->tcb;
    bool fin = false;
    while (s->ofo && seq_le(s->ofo->seq, t->rcv_nxt)) {
        struct tcp_ofo *o = s->ofo;
        uint32_t end = o->seq + o->len;
        if (seq_gt(end, t->rcv_nxt)) {
            uint32_t off = t->rcv_nxt - o->seq;
            size_t n = bytering_push(&s->rcvq, o->data + off, o->len - off);
            t->rcv_nxt += (uint32_t)n;
            t->bytes_received += n;
            *moved = true;
            if (n < o->len - off)
                break;                         /* the buffer shrank: wait for room */
        }
        if (o->fin && t->rcv_nxt == end)
            fin = true;
        s->ofo = o->next;
        t->ofo_bytes -= o->len;
        t->ofo_segs--;
        free(o);
        if (fin) {
            tcp_ofo_free(s);                   /* nothing is valid beyond the FIN */
            break;
        }
    }
    return fin;
}

void tcp_ofo_free(struct sock *s)
{
    while (s->ofo) {
        struct tcp_ofo *o = s->ofo;
        s->ofo = o->next;
        free(o);
    }
    s->tcb.ofo_bytes = 0;
    s->tcb.ofo_segs = 0;
}

int tcp_ofo_sack_blocks(const struct sock *s, struct tcp_opts *o, int max, int at)
{
    /* Contiguous ranges of what is held. */
    struct range { uint32_t l, r; } rng[TCP_MAX_SACK * 8];
    int n = 0;
    for (const struct tcp_ofo *q = s->ofo; q && n < (int)(sizeof rng / sizeof rng[0]); q = q->next) {
        if (!q->len)
            continue;
        if (n && rng[n - 1].r == q->seq)
            rng[n - 1].r = q->seq + q->len;
        else
            rng[n++] = (struct range){q->seq, q->seq + q->len};
    }
    /* RFC 2018 §4: first the block with the newest segment, then the
     * others, the highest (the most recently received, in a stream) first. */
    int first = -1;
    for (int i = 0; i < n; i++)
        if (seq_ge(s->ofo_last, rng[i].l) && seq_lt(s->ofo_last, rng[i].r))
            first = i;
    int k = 0;
    if (first >= 0 && k < max) {
        o->sack[at + k].left = rng[first].l;
        o->sack[at + k].right = rng[first].r;
        k++;
    }
    for (int i = n - 1; i >= 0 && k < max; i--) {
        if (i == first)
            continue;
        o->sack[at + k].left = rng[i].l;
        o->sack[at + k].right = rng[i].r;
        k++;
    }
    return k;
}
