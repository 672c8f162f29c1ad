/* Acknowledgements in: what an acceptable ACK does to the sender.  Round
 * trip time and the retransmission timeout (RFC 6298, with Karn's rule
 * and RFC 7323 timestamps); the scoreboard (tcp_rtx.c); then loss
 * recovery as Linux runs it: with SACK, losses found by RACK-TLP (RFC
 * 8985, tcp_rack.c), fast recovery paced by PRR (RFC 6937), a timeout's
 * recovery that keeps what the peer SACKed and is undone by F-RTO (RFC
 * 5682) when it was spurious; without SACK, NewReno (RFC 6582).  The
 * window grows as the socket's congestion control says (tcp_cc.c). */
#include "stack/stack_int.h"
#include "stack/tcp.h"

/* ---- RTT, RFC 6298 ---------------------------------------------------- */

void tcp_rtt_sample(struct sock *s, tl_time r)
{
    struct tcb *t = &s->tcb;
    if (r < 0)
        r = 0;
    if (t->min_rtt == 0 || r < t->min_rtt)
        t->min_rtt = r;                        /* RFC 8985's min_RTT */
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

/* ---- entering and leaving recovery ------------------------------------- */

static void save_undo(struct tcb *t)
{
    t->prior_cwnd = t->cwnd;
    t->prior_ssthresh = t->ssthresh;
}

static void enter_recovery(struct host *h, struct sock *s, uint32_t flight, tl_time now)
{
    struct tcb *t = &s->tcb;
    save_undo(t);
    t->ssthresh = tcp_cc_ssthresh(t, now);
    t->recover = t->snd_nxt;                   /* RFC 6582 / RFC 6675 RecoveryPoint */
    t->in_recovery = true;
    t->fast_retrans++;
    h->tcp.fast_retrans++;
    tcp_prr_init(t, flight);
}

void tcp_loss_found(struct host *h, struct sock *s, uint32_t flight, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->in_recovery || t->rto_recovery)
        return;
    enter_recovery(h, s, flight ? flight : t->snd_nxt - t->snd_una, now);
    tcp_prr_ack(t, 0);
}

void tcp_on_rto(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    bool new_recovery = !t->in_recovery && !t->rto_recovery;
    /* RFC 5681 §3.1: ssthresh from the first timeout of a segment only;
     * cwnd to the loss window, one segment. */
    if (t->retries == 0) {
        if (new_recovery)
            save_undo(t);
        t->ssthresh = tcp_cc_ssthresh(t, now);
    }
    t->cwnd = t->eff_mss;
    t->bytes_acked = 0;
    t->cubic.epoch = 0;
    /* RFC 5682 §3: F-RTO tests the timeout (with SACK, Linux's variant),
     * unless it struck in the middle of a fast recovery. */
    t->frto = t->sack_ok && (new_recovery || t->retries > 0);
    t->frto_new = false;
    t->in_recovery = false;
    t->rto_recovery = true;
    t->recover = t->snd_nxt;                   /* RFC 6582 §3.2 step 1 */
    t->dupacks = 0;
    t->timeouts++;
    h->tcp.timeouts++;
    t->rtt_timing = false;
    t->tlp_out = false;
    t->tlp_at = t->rack_at = TL_NEVER;
    /* Everything not SACKed is lost; what the peer SACKed is not sent
     * again (Linux's tcp_enter_loss; RFC 2018 §8 lets a sender keep it). */
    tcp_rtx_mark_all_lost(h, s, now);
}

/* F-RTO said the timeout was spurious: back to where it struck. */
static void undo_rto(struct sock *s)
{
    struct tcb *t = &s->tcb;
    if (t->prior_cwnd > t->cwnd)
        t->cwnd = t->prior_cwnd;
    if (t->prior_ssthresh > t->ssthresh)
        t->ssthresh = t->prior_ssthresh;
    tcp_rtx_unmark_lost(s);
    t->rto_recovery = false;
    t->frto = t->frto_new = false;
    t->spurious_rto++;
}

/* RFC 5682 §3.1 (SACK-enhanced F-RTO, as Linux's tcp_process_loss runs
 * it) on an ACK after the timeout.  True if the timeout was undone. */
static bool frto_ack(struct sock *s, const struct tcp_delivery *d, uint32_t acked,
                     uint32_t newly_sacked, bool dup)
{
    struct tcb *t = &s->tcb;
    /* Step 3b: segments never retransmitted were delivered: not all of
     * the flight was lost, the timeout was spurious. */
    if (d->orig) {
        undo_rto(s);
        return true;
    }
    if (seq_gt(t->snd_nxt, t->recover)) {
        if (newly_sacked || dup)
            t->frto = false;                   /* step 3a: the loss was real */
    } else if (acked) {
        /* Step 2b: the retransmission is acknowledged; send new data
         * instead of more retransmissions, to see what the next ACK says. */
        if (seq_lt(t->snd_nxt, tcp_data_end(s)) &&
            seq_lt(t->snd_nxt, t->snd_una + t->snd_wnd))
            t->frto_new = true;
        else
            t->frto = false;
    }
    return false;
}

/* ---- NewReno (RFC 6582), without SACK --------------------------------- */

static void newreno_retransmit_head(struct host *h, struct sock *s, tl_time now)
{
    if (s->rtx_n) {
        struct tcp_txseg *x = tcp_rtx_at(s, 0);
        tcp_loss_note(h, s, x->seq, x->end, LOSS_BY_DUPACK, now);
    }
    tcp_send_at(h, s, s->tcb.snd_una, s->tcb.eff_mss, true, now);
}

static void newreno_new_ack(struct host *h, struct sock *s, uint32_t acked, uint32_t prior_flight,
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
         * and add one segment back. */
        newreno_retransmit_head(h, s, now);
        t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
        if (acked >= t->eff_mss)
            t->cwnd += t->eff_mss;
        if (t->cwnd < t->eff_mss)
            t->cwnd = t->eff_mss;
        return;
    }
    tcp_cc_ack(t, acked, prior_flight, now);
}

static void newreno_dupack(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->rto_recovery)
        return;                                   /* RFC 6582 §3.2 step 1: not above recover */
    t->dupacks++;
    if (t->in_recovery) {
        t->cwnd += t->eff_mss;                    /* RFC 6582 §3.2 step 4: inflate */
        return;
    }
    /* Fast retransmit (RFC 5681 §3.2): DupThresh duplicates, never twice
     * for one window (RFC 6582: the ACK must cover `recover`). */
    if (t->dupacks < TCP_DUPTHRESH || !seq_ge(t->snd_una, t->recover))
        return;
    enter_recovery(h, s, t->snd_nxt - t->snd_una, now);
    newreno_retransmit_head(h, s, now);
    t->cwnd = t->ssthresh + TCP_DUPTHRESH * t->eff_mss;   /* RFC 6582 §3.2 step 2 */
}

/* ---- with SACK: RACK-TLP, PRR, F-RTO ----------------------------------- */

static void sack_recovery(struct host *h, struct sock *s, const struct tcp_seg *g,
                          const struct tcp_delivery *d, uint32_t acked, uint32_t newly_sacked,
                          uint32_t prior_flight, bool dup, tl_time now)
{
    struct tcb *t = &s->tcb;
    tcp_tlp_ack(h, s, g, d, now);
    if (t->rto_recovery && t->frto && frto_ack(s, d, acked, newly_sacked, dup))
        return;
    /* RFC 8985 §6.2: every delivery moves RACK on; look for losses. */
    if (d->segs)
        tcp_rack_detect(h, s, now);
    if (t->in_recovery && seq_ge(t->snd_una, t->recover)) {
        t->in_recovery = false;                /* RFC 6937: recovery ends at ssthresh */
        t->cwnd = t->ssthresh;
        tcp_rack_recovered(t);
    }
    if (t->rto_recovery && seq_ge(t->snd_una, t->recover)) {
        t->rto_recovery = false;
        t->frto = t->frto_new = false;
        tcp_rack_recovered(t);
    }
    /* Segments marked lost (now, or sent during the last recovery and
     * found lost before it ended): a new recovery episode. */
    if (!t->in_recovery && !t->rto_recovery && t->lost_out)
        enter_recovery(h, s, prior_flight, now);
    if (t->in_recovery)
        tcp_prr_ack(t, acked + newly_sacked);
    else if (acked)
        tcp_cc_ack(t, acked, prior_flight, now);
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
    t->rack_fack = t->iss + 1;
    t->dupacks = 0;
}

void tcp_ack_received(struct host *h, struct sock *s, const struct tcp_seg *g, tl_time now)
{
    struct tcb *t = &s->tcb;
    uint32_t prior_una = t->snd_una, prior_flight = t->snd_nxt - t->snd_una;
    struct tcp_delivery d = {.prior_fack = t->rack_fack};
    uint32_t newly_sacked = 0;
    if (t->sack_ok && g->opt.nsack) {
        newly_sacked = tcp_rtx_sack(s, g, now, &d);
        if (d.dsack) {
            t->dsack_dups++;                   /* RFC 2883: a retransmission was not needed */
            tcp_rack_dsack(t);
        }
    }
    uint32_t wnd = g->wnd;
    if (t->wscale_ok)
        wnd <<= t->snd_wscale;

    uint32_t acked = 0;
    bool dup = false;
    if (seq_gt(g->ack, t->snd_una)) {
        if (prior_una == t->iss)
            tcp_ack_of_syn(h, s, now);         /* e.g. FIN-WAIT-1 entered from SYN-RECEIVED */
        acked = g->ack - t->snd_una;
        uint32_t old_start = tcp_data_start(t);
        bool backed_off = t->retries > 0 || t->rto_recovery;
        t->snd_una = g->ack;
        uint32_t data_acked = tcp_data_start(t) - old_start;
        if (data_acked > s->sndq.len)
            data_acked = (uint32_t)s->sndq.len;
        bytering_drop(&s->sndq, data_acked);
        t->bytes_acked_total += data_acked;
        tcp_rtx_ack(s, g, now, &d);
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
        t->tlp_at = TL_NEVER;                  /* RFC 8985 §7.2: re-armed after output */
        if (!t->sack_ok)
            newreno_new_ack(h, s, acked, prior_flight, now);
        if (!t->in_recovery)
            t->dupacks = 0;
    } else if (g->ack == t->snd_una && prior_flight > 0 && wnd != 0 &&
               ((g->len == 0 && !(g->flags & (TH_SYN | TH_FIN)) && wnd == t->snd_wnd) ||
                newly_sacked > 0)) {
        /* A duplicate ACK (RFC 5681 §2), or one that SACKs new data (RFC 6675
         * §2).  Not with a zero window: those answer our window probes. */
        dup = true;
        if (!t->sack_ok)
            newreno_dupack(h, s, now);
        else
            t->dupacks++;
    }
    if (t->sack_ok && tcp_state_synchronized(t->state))
        sack_recovery(h, s, g, &d, acked, newly_sacked, prior_flight, dup, now);
    /* Window update (§3.10.7.4): only from a newer segment. */
    if (seq_le(t->snd_una, g->ack) &&
        (seq_lt(t->snd_wl1, g->seq) || (t->snd_wl1 == g->seq && seq_le(t->snd_wl2, g->ack))))
        tcp_update_window(t, g);
    /* The peer answers: with its window shut, our probes must go on as long
     * as it does (RFC 9293 §3.8.6.1), so no timeout counts against it. */
    if (t->snd_wnd == 0)
        t->retries = 0;
}
