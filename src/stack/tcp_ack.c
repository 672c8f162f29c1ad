/* Acknowledgements in: what an acceptable ACK does to the sender.  Round
 * trip time and the retransmission timeout (RFC 6298, with Karn's rule
 * and RFC 7323 timestamps), the congestion window (RFC 5681 slow start
 * and congestion avoidance), loss recovery (fast retransmit, NewReno
 * fast recovery of RFC 6582 without SACK, the SACK-based recovery of
 * RFC 6675 with it), and the SACK scoreboard (RFC 2018). */
#include "stack/stack_int.h"
#include "stack/tcp.h"

/* ---- RTT, RFC 6298 ---------------------------------------------------- */

void tcp_rtt_sample(struct sock *s, tl_time r)
{
    struct tcb *t = &s->tcb;
    if (r < 0)
        r = 0;
    if (t->srtt == 0 && t->rttvar == 0) {      /* (2.2) the first measurement */
        t->srtt = r;
        t->rttvar = r / 2;
    } else {                                   /* (2.3) beta = 1/4, alpha = 1/8 */
        tl_time d = t->srtt > r ? t->srtt - r : r - t->srtt;
        t->rttvar = (3 * t->rttvar + d) / 4;
        t->srtt = (7 * t->srtt + r) / 8;
    }
    tl_time k = 4 * t->rttvar > TCP_RTT_GRANULARITY ? 4 * t->rttvar : TCP_RTT_GRANULARITY;
    t->rto = t->srtt + k;
    if (t->rto < t->rto_min)                   /* (2.4), with Linux's 200 ms floor */
        t->rto = t->rto_min;
    if (t->rto > TCP_RTO_MAX)                  /* (2.5) */
        t->rto = TCP_RTO_MAX;
}

/* ---- SACK scoreboard, RFC 2018 ---------------------------------------- */

uint32_t tcp_sacked_bytes(const struct tcb *t)
{
    uint32_t n = 0;
    for (int i = 0; i < t->nsacked; i++)
        n += t->sacked[i].right - t->sacked[i].left;
    return n;
}

/* Forget what lies below SND.UNA. */
static void sack_trim(struct tcb *t)
{
    int k = 0;
    for (int i = 0; i < t->nsacked; i++) {
        if (seq_le(t->sacked[i].right, t->snd_una))
            continue;
        t->sacked[k] = t->sacked[i];
        if (seq_lt(t->sacked[k].left, t->snd_una))
            t->sacked[k].left = t->snd_una;
        k++;
    }
    t->nsacked = (uint8_t)k;
}

struct sack_range {
    uint32_t left, right, off;
};

/* Take the blocks of an ACK into the scoreboard; returns the bytes newly
 * SACKed.  Blocks outside (SND.UNA, SND.NXT] are ignored (§3: they can
 * only be stale or forged). */
static uint32_t sack_update(struct tcb *t, const struct tcp_seg *g)
{
    uint32_t before = tcp_sacked_bytes(t);
    struct sack_range v[TCP_SACK_BLOCKS + TCP_MAX_SACK];
    int n = 0;
    for (int i = 0; i < t->nsacked; i++, n++) {
        v[n].left = t->sacked[i].left;
        v[n].right = t->sacked[i].right;
    }
    for (int i = 0; i < g->opt.nsack; i++) {
        uint32_t l = g->opt.sack[i].left, r = g->opt.sack[i].right;
        if (!seq_lt(l, r) || seq_gt(r, t->snd_nxt) || seq_le(r, t->snd_una))
            continue;
        if (seq_lt(l, t->snd_una))
            l = t->snd_una;
        v[n].left = l;
        v[n].right = r;
        n++;
    }
    /* Sort by left edge, as offsets from SND.UNA (insertion: n is small). */
    for (int i = 0; i < n; i++)
        v[i].off = v[i].left - t->snd_una;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1].off > v[j].off; j--) {
            struct sack_range tmp = v[j];
            v[j] = v[j - 1];
            v[j - 1] = tmp;
        }
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (k > 0 && seq_le(v[i].left, t->sacked[k - 1].right)) {
            if (seq_gt(v[i].right, t->sacked[k - 1].right))
                t->sacked[k - 1].right = v[i].right;
            continue;
        }
        if (k == TCP_SACK_BLOCKS)
            break;                             /* full: the highest ranges are forgotten */
        t->sacked[k].left = v[i].left;
        t->sacked[k].right = v[i].right;
        k++;
    }
    t->nsacked = (uint8_t)k;
    uint32_t after = tcp_sacked_bytes(t);
    return after > before ? after - before : 0;
}

/* ---- loss recovery: which bytes are lost, what is in the network ------- */

/* Bytes of the hole [a, b) (b the left edge of block i, or SND.NXT when
 * i == nsacked) that recovery considers lost: they form a prefix. */
static uint32_t hole_lost(const struct tcb *t, uint32_t a, uint32_t b, int i)
{
    if (t->rto_recovery) {                     /* RFC 5681 §3.1: all sent before the timeout */
        if (!seq_lt(a, t->recover))
            return 0;
        return seq_lt(b, t->recover) ? b - a : t->recover - a;
    }
    if (!t->in_recovery)
        return 0;
    if (a == t->snd_una)                       /* fast retransmit, RFC 6582 partial ACKs */
        return b - a;
    /* RFC 6675 IsLost(): DupThresh discontiguous SACKed ranges above, or
     * more than (DupThresh - 1) * SMSS bytes SACKed above. */
    int above = t->nsacked - i;
    uint32_t bytes = 0;
    for (int k = i; k < t->nsacked; k++)
        bytes += t->sacked[k].right - t->sacked[k].left;
    return above >= TCP_DUPTHRESH || bytes > (TCP_DUPTHRESH - 1) * (uint32_t)t->eff_mss ? b - a : 0;
}

/* The holes (unSACKed ranges) of [SND.UNA, SND.NXT), in order; each with
 * the index of the SACKed block just above it. */
struct hole {
    uint32_t a, b;
    int i;
};

static int holes(const struct tcb *t, struct hole *hs)
{
    int n = 0;
    uint32_t a = t->snd_una;
    for (int i = 0; i <= t->nsacked; i++) {
        uint32_t b = i < t->nsacked ? t->sacked[i].left : t->snd_nxt;
        if (seq_lt(a, b))
            hs[n++] = (struct hole){a, b, i};
        if (i < t->nsacked)
            a = t->sacked[i].right;
    }
    return n;
}

uint32_t tcp_pipe(const struct tcb *t)
{
    if (!t->in_recovery && !t->rto_recovery)
        return t->snd_nxt - t->snd_una - tcp_sacked_bytes(t);
    /* RFC 6675 SetPipe(): every unSACKed octet not lost counts once, every
     * retransmitted one (below HighRxt) once more. */
    struct hole hs[TCP_SACK_BLOCKS + 1];
    int n = holes(t, hs);
    uint32_t pipe = 0;
    for (int k = 0; k < n; k++) {
        uint32_t a = hs[k].a, b = hs[k].b;
        pipe += (b - a) - hole_lost(t, a, b, hs[k].i);
        if (seq_gt(t->high_rxt, a))
            pipe += seq_lt(t->high_rxt, b) ? t->high_rxt - a : b - a;
    }
    return pipe;
}

bool tcp_next_lost(const struct sock *s, uint32_t *seq, uint32_t *len)
{
    const struct tcb *t = &s->tcb;
    uint32_t from = seq_gt(t->high_rxt, t->snd_una) ? t->high_rxt : t->snd_una;
    struct hole hs[TCP_SACK_BLOCKS + 1];
    int n = holes(t, hs);
    for (int k = 0; k < n; k++) {
        uint32_t a = hs[k].a;
        uint32_t lost_end = a + hole_lost(t, a, hs[k].b, hs[k].i);
        uint32_t lo = seq_gt(from, a) ? from : a;
        if (seq_lt(lo, lost_end)) {
            *seq = lo;
            *len = lost_end - lo < t->eff_mss ? lost_end - lo : t->eff_mss;
            return true;
        }
    }
    return false;
}

/* ---- congestion control, RFC 5681 / 6582 / 6675 ------------------------ */

static uint32_t half_flight(const struct tcb *t)
{
    /* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS) */
    uint32_t flight = t->snd_nxt - t->snd_una;
    uint32_t two = 2u * t->eff_mss;
    return flight / 2 > two ? flight / 2 : two;
}

static void enter_recovery(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    t->ssthresh = half_flight(t);
    t->recover = t->snd_nxt;
    t->in_recovery = true;
    t->fast_retrans++;
    h->tcp.fast_retrans++;
    t->high_rxt = t->snd_una;
    /* Fast retransmit (RFC 5681 §3.2 step 2): the first unacknowledged
     * segment, whatever cwnd says. */
    uint32_t used = tcp_send_at(h, s, t->snd_una, t->eff_mss, true, now);
    t->high_rxt = t->snd_una + used;
    if (t->sack_ok)
        t->cwnd = t->ssthresh;                            /* RFC 6675 §5 (4.2) */
    else
        t->cwnd = t->ssthresh + TCP_DUPTHRESH * t->eff_mss; /* RFC 6582 §3.2 step 2 */
}

/* New data acknowledged, prior_flight the flight before this ACK. */
static void cc_new_ack(struct host *h, struct sock *s, uint32_t acked, uint32_t prior_flight,
                       tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->rto_recovery && seq_ge(t->snd_una, t->recover))
        t->rto_recovery = false;
    if (t->in_recovery) {
        if (seq_ge(t->snd_una, t->recover)) {
            /* Full acknowledgement (RFC 6582 §3.2 step 6, option 1). */
            uint32_t flight = t->snd_nxt - t->snd_una;
            uint32_t w = (flight > t->eff_mss ? flight : t->eff_mss) + t->eff_mss;
            t->cwnd = w < t->ssthresh ? w : t->ssthresh;
            t->in_recovery = false;
            t->dupacks = 0;
            return;
        }
        /* Partial acknowledgement (RFC 6582 §3.2 step 5): retransmit the
         * first unacknowledged segment, deflate cwnd by what was acked
         * and add one segment back.  With SACK the hole now at SND.UNA is
         * lost and the output retransmits it as cwnd allows. */
        if (!t->sack_ok) {
            uint32_t used = tcp_send_at(h, s, t->snd_una, t->eff_mss, true, now);
            if (seq_gt(t->snd_una + used, t->high_rxt))
                t->high_rxt = t->snd_una + used;
            t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
            if (acked >= t->eff_mss)
                t->cwnd += t->eff_mss;
            if (t->cwnd < t->eff_mss)
                t->cwnd = t->eff_mss;
        }
        return;
    }
    /* Grow cwnd only while it is what limits the sender (RFC 7661's idea:
     * an application-limited flow earns no larger window). */
    bool slow_start = t->cwnd < t->ssthresh;
    bool limited = slow_start ? 2 * prior_flight >= t->cwnd
                              : prior_flight + 3u * t->eff_mss >= t->cwnd;
    if (!limited)
        return;
    if (slow_start) {
        t->cwnd += acked < t->eff_mss ? acked : t->eff_mss;   /* RFC 5681 eq. (2) */
    } else {
        t->bytes_acked += acked;                  /* RFC 5681 §3.1, byte counting */
        if (t->bytes_acked >= t->cwnd) {
            t->bytes_acked -= t->cwnd;
            t->cwnd += t->eff_mss;
        }
    }
}

static void cc_dupack(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->rto_recovery)
        return;                                   /* RFC 6582 §3.2 step 1: not above recover */
    t->dupacks++;
    if (t->in_recovery) {
        if (!t->sack_ok)
            t->cwnd += t->eff_mss;                /* RFC 6582 §3.2 step 4: inflate */
        return;
    }
    /* Fast retransmit: DupThresh duplicates, or (RFC 6675 §5) SND.UNA's
     * segment lost by the SACK rule; never twice for one window
     * (RFC 6582: the ACK must cover `recover`). */
    bool lost = t->dupacks >= TCP_DUPTHRESH;
    if (!lost && t->sack_ok && t->nsacked) {
        uint32_t bytes = tcp_sacked_bytes(t);
        lost = t->nsacked >= TCP_DUPTHRESH || bytes > (TCP_DUPTHRESH - 1) * (uint32_t)t->eff_mss;
    }
    if (lost && seq_ge(t->snd_una, t->recover))
        enter_recovery(h, s, now);
}

void tcp_on_rto(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    /* RFC 5681 §3.1: ssthresh from the first timeout of a segment only;
     * cwnd to the loss window, one segment. */
    if (t->retries == 0)
        t->ssthresh = half_flight(t);
    t->cwnd = t->eff_mss;
    t->bytes_acked = 0;
    t->in_recovery = false;
    t->rto_recovery = true;
    t->recover = t->snd_nxt;                   /* RFC 6582 §3.2 step 1 */
    t->high_rxt = t->snd_una;
    t->nsacked = 0;                            /* RFC 2018 §8: the receiver may have reneged */
    t->dupacks = 0;
    t->timeouts++;
    h->tcp.timeouts++;
    t->rtt_timing = false;
}

/* ---- the ACK ------------------------------------------------------------ */

void tcp_update_window(struct tcb *t, const struct tcp_seg *g)
{
    uint32_t wnd = g->wnd;
    if (!(g->flags & TH_SYN) && t->wscale_ok)
        wnd <<= t->snd_wscale;                 /* RFC 7323 §2.3 */
    t->snd_wnd = wnd;
    t->snd_wl1 = g->seq;
    t->snd_wl2 = g->ack;
    if (t->snd_wnd > t->max_snd_wnd)
        t->max_snd_wnd = t->snd_wnd;
}

void tcp_ack_of_syn(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->rtt_timing && !t->syn_retransmitted) {
        tcp_rtt_sample(s, now - t->rtt_start);
    } else if (t->syn_retransmitted && t->srtt == 0) {
        /* RFC 6298 (5.7): no sample (Karn), and the backed-off RTO of the
         * SYN does not carry over: 3 s when data transmission begins. */
        t->rto = TCP_RTO_FALLBACK > t->rto_min ? TCP_RTO_FALLBACK : t->rto_min;
    }
    t->rtt_timing = false;
    t->retries = 0;
    t->rto_at = TL_NEVER;
    t->cwnd = tcp_initial_window(t);
    t->ssthresh = 0x7fffffff;
    t->in_recovery = t->rto_recovery = false;
    t->recover = t->iss + 1;
    t->high_rxt = t->iss + 1;
    t->dupacks = 0;
}

void tcp_ack_received(struct host *h, struct sock *s, const struct tcp_seg *g, tl_time now)
{
    struct tcb *t = &s->tcb;
    uint32_t prior_una = t->snd_una, prior_flight = t->snd_nxt - t->snd_una;
    uint32_t newly_sacked = t->sack_ok && g->opt.nsack ? sack_update(t, g) : 0;
    uint32_t wnd = g->wnd;
    if (t->wscale_ok)
        wnd <<= t->snd_wscale;

    if (seq_gt(g->ack, t->snd_una)) {
        if (prior_una == t->iss)
            tcp_ack_of_syn(h, s, now);         /* e.g. FIN-WAIT-1 entered from SYN-RECEIVED */
        uint32_t acked = g->ack - t->snd_una;
        uint32_t old_start = tcp_data_start(t);
        bool backed_off = t->retries > 0 || t->rto_recovery;
        t->snd_una = g->ack;
        uint32_t data_acked = tcp_data_start(t) - old_start;
        if (data_acked > s->sndq.len)
            data_acked = (uint32_t)s->sndq.len;
        bytering_drop(&s->sndq, data_acked);
        t->bytes_acked_total += data_acked;
        sack_trim(t);
        /* RFC 6298 §3 with Karn's rule: a sample from the timed segment,
         * never from a retransmitted one.  After a retransmission the
         * echoed timestamp (RFC 7323 §4) is unambiguous and ends the
         * backoff. */
        if (t->rtt_timing && seq_gt(g->ack, t->rtt_seq)) {
            tcp_rtt_sample(s, now - t->rtt_start);
            t->rtt_timing = false;
        } else if (backed_off && t->ts_ok && g->opt.has_ts && g->opt.ts_ecr) {
            uint32_t ms = tcp_ts_clock(t, now) - g->opt.ts_ecr;
            if (ms < 60000)
                tcp_rtt_sample(s, (tl_time)ms * TL_MS);
        }
        t->retries = 0;
        t->rto_at = TL_NEVER;                  /* RFC 6298 (5.2) / (5.3): re-armed after output */
        cc_new_ack(h, s, acked, prior_flight, now);
        if (!t->in_recovery)
            t->dupacks = 0;
    } else if (g->ack == t->snd_una && prior_flight > 0 && wnd != 0 &&
               ((g->len == 0 && !(g->flags & (TH_SYN | TH_FIN)) && wnd == t->snd_wnd) ||
                newly_sacked > 0)) {
        /* A duplicate ACK (RFC 5681 §2), or one that SACKs new data (RFC 6675
         * §2).  Not with a zero window: those answer our window probes. */
        cc_dupack(h, s, now);
    }
    /* Window update (§3.10.7.4): only from a newer segment. */
    if (seq_le(t->snd_una, g->ack) &&
        (seq_lt(t->snd_wl1, g->seq) || (t->snd_wl1 == g->seq && seq_le(t->snd_wl2, g->ack))))
        tcp_update_window(t, g);
    /* The peer answers: with its window shut, our probes must go on as long
     * as it does (RFC 9293 §3.8.6.1), so no timeout counts against it. */
    if (t->snd_wnd == 0)
        t->retries = 0;
}
