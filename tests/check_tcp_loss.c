/* Loss recovery as Linux runs it, one mechanism per scripted loss pattern,
 * against a peer played by hand (tests/lib/peer.h) that offers SACK and
 * timestamps: the tail loss probe (RFC 8985 §7), RACK's detection of a
 * lost retransmission (RFC 8985 §6), a timeout that keeps the SACK
 * scoreboard, F-RTO's undo of a spurious timeout (RFC 5682), PRR's
 * sending in fast recovery (RFC 6937), DSACK (RFC 2883), and CUBIC's
 * window against RFC 9438's formula. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "peer.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"

static struct segtest T;
static struct peer P;

static void setup(void)
{
    sg_init(&T, 5);
    memset(&P, 0, sizeof P);
}

static void teardown(void)
{
    sg_free(&T);
}

/* A peer offering what Linux offers, connected after 10 ms. */
static struct sock *linux_peer(void)
{
    P.ws = P.ts = P.sack = true;
    P.wscale = 7;
    P.tsval = 1000;
    P.wnd = 1 << 20;
    peer_connect(&P, &T, 10 * TL_MS);
    return P.s;
}

static void queue_bytes(struct sock *s, size_t n) { peer_queue(&P, s, n); }
static int pop_data(struct tcp_seg *out, int max) { return peer_pop_data(&P, out, max, false); }

/* An ACK of everything below `ack`, SACKing [l, r). */
static void sack(uint32_t ack, uint32_t l, uint32_t r)
{
    uint32_t b[2] = {l, r};
    peer_send(&P, TH_ACK, ack, 0, b, 1);
}

static uint32_t end_of(const struct tcp_seg *g)
{
    return g->seq + (uint32_t)g->len;
}

/* How many losses of s the host's trace holds that `by` found. */
static uint32_t losses_by(const struct sock *s, enum loss_by by)
{
    uint32_t n = 0;
    const struct trace *tr = &T.h->trace;
    for (uint64_t id = trace_first_id(tr); id <= trace_last_id(tr); id++) {
        const struct trace_ev *e = trace_get(tr, id);
        if (e && e->kind == TRACE_LOSS && e->sock_id == s->id)
            n += e->nlost[by];
    }
    return n;
}

START_TEST(test_tail_loss_recovered_by_tlp_without_a_timeout)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[16], r[16];
    queue_bytes(s, 10 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 10);
    sg_advance(&T, T.now + 10 * TL_MS);
    peer_send(&P, TH_ACK, end_of(&d[7]), 0, NULL, 0);   /* the last two are lost */
    ck_assert_int_eq(pop_data(r, 16), 0);
    ck_assert(s->tcb.tlp_at != TL_NEVER);
    ck_assert(s->tcb.tlp_at < s->tcb.rto_at);
    /* PTO = 2 SRTT + 2 ms with more than one segment out (RFC 8985 §7.2) */
    ck_assert_int_eq(s->tcb.tlp_at - T.now, 2 * s->tcb.srtt + 2 * TL_MS);
    sg_advance(&T, s->tcb.tlp_at);
    ck_assert_int_eq(pop_data(r, 16), 1);                /* the probe: the last segment again */
    ck_assert_uint_eq(r[0].seq, d[9].seq);
    ck_assert_uint_eq(s->tcb.tlp_probes, 1);
    sg_advance(&T, T.now + 10 * TL_MS);
    sack(d[8].seq, d[9].seq, end_of(&d[9]));             /* the probe's SACK exposes d[8] */
    sg_advance(&T, T.now + 5 * TL_MS);                   /* past RACK's reordering window */
    ck_assert_int_eq(pop_data(r, 16), 1);
    ck_assert_uint_eq(r[0].seq, d[8].seq);
    ck_assert(s->tcb.in_recovery);
    peer_send(&P, TH_ACK, end_of(&d[9]), 0, NULL, 0);
    ck_assert(!s->tcb.in_recovery);
    ck_assert_uint_eq(s->tcb.snd_una, s->tcb.snd_nxt);
    ck_assert_uint_eq(s->tcb.timeouts, 0);
    ck_assert_uint_eq(losses_by(s, LOSS_BY_TLP), 1);
    ck_assert_uint_eq(losses_by(s, LOSS_BY_RTO), 0);
}
END_TEST

START_TEST(test_lost_retransmission_detected_by_rack)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[16], r[16];
    queue_bytes(s, 30 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 10);
    sg_advance(&T, T.now + 10 * TL_MS);
    /* d[1] lost: three SACKs above it, and RACK (no reordering seen,
     * DupThresh segments SACKed: no window) marks it lost at once. */
    for (int k = 2; k <= 4; k++)
        sack(d[1].seq, d[2].seq, end_of(&d[k]));
    ck_assert(s->tcb.in_recovery);
    ck_assert_uint_eq(losses_by(s, LOSS_BY_RACK), 1);
    int n = pop_data(r, 16);
    bool resent = false;
    for (int i = 0; i < n; i++)
        resent = resent || r[i].seq == d[1].seq;
    ck_assert(resent);                                   /* the retransmission ... */
    tl_time rexmit = T.now;
    for (int k = 5; k <= 9; k++)                         /* ... and new data after it */
        sack(d[1].seq, d[2].seq, end_of(&d[k]));
    struct tcp_seg more[16];
    int m = pop_data(more, 16);
    ck_assert_int_ge(m, 1);
    ck_assert_uint_gt(more[m - 1].seq, d[9].seq);
    /* The retransmission is lost too: the new data sent after it is
     * SACKed, and once RACK.rtt has passed d[1] is lost again. */
    sg_advance(&T, rexmit + 10 * TL_MS);
    uint32_t b[4] = {d[2].seq, end_of(&more[m - 1])};
    peer_send(&P, TH_ACK, d[1].seq, 0, b, 1);
    sg_advance(&T, T.now + 5 * TL_MS);
    n = pop_data(r, 16);
    ck_assert_int_ge(n, 1);
    ck_assert_uint_eq(r[0].seq, d[1].seq);               /* sent again */
    ck_assert_uint_eq(losses_by(s, LOSS_BY_RACK), 2);
    ck_assert_uint_eq(s->tcb.timeouts, 0);
}
END_TEST

START_TEST(test_timeout_keeps_the_scoreboard_sacked_data_not_resent)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[16], r[16];
    queue_bytes(s, 10 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 10);
    sg_advance(&T, T.now + 10 * TL_MS);
    sack(d[0].seq, d[2].seq, end_of(&d[5]));             /* 0 and 1 lost, 2-5 held */
    pop_data(r, 16);                                     /* recovery's retransmissions, lost */
    sg_advance(&T, s->tcb.rto_at);                       /* and then nothing: a timeout */
    ck_assert_uint_eq(s->tcb.timeouts, 1);
    ck_assert(s->tcb.rto_recovery);
    ck_assert_uint_eq(s->tcb.sacked_out, 4);             /* the scoreboard is kept */
    uint32_t seen[16];
    int ns = 0;
    for (int round = 0; round < 8 && s->tcb.snd_una != s->tcb.snd_nxt; round++) {
        int n = pop_data(r, 16);
        for (int i = 0; i < n; i++) {
            seen[ns < 16 ? ns++ : 15] = r[i].seq;
            /* never a SACKed segment */
            ck_assert(!(seq_ge(r[i].seq, d[2].seq) && seq_lt(r[i].seq, end_of(&d[5]))));
        }
        sg_advance(&T, T.now + 10 * TL_MS);
        for (int i = 0; i < n; i++) {
            uint32_t ack = end_of(&r[i]);
            if (ack == d[2].seq)
                ack = end_of(&d[5]);                     /* the hole below 2-5 filled */
            peer_send(&P, TH_ACK, seq_gt(ack, s->tcb.snd_una) ? ack : s->tcb.snd_una, 0, NULL,
                      0);
        }
    }
    ck_assert_uint_eq(s->tcb.snd_una, s->tcb.snd_nxt);
    ck_assert_int_ge(ns, 2);
    ck_assert_uint_eq(seen[0], d[0].seq);
    ck_assert_uint_eq(s->tcb.timeouts, 1);
    ck_assert_uint_eq(s->tcb.retrans_segs, 2 + 6);       /* 0 and 1 twice; 6-9 once */
}
END_TEST

START_TEST(test_spurious_timeout_undone_by_frto)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[16], r[16];
    queue_bytes(s, 20 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 10);
    uint32_t cwnd = s->tcb.cwnd, ssthresh = s->tcb.ssthresh;
    sg_advance(&T, s->tcb.tlp_at);                       /* the ACKs are late: a probe */
    ck_assert_int_eq(pop_data(r, 16), 1);
    ck_assert_uint_eq(r[0].seq, end_of(&d[9]));          /* new data (RFC 8985 §7.3) */
    sg_advance(&T, s->tcb.rto_at);                       /* ... then a timeout */
    ck_assert(s->tcb.rto_recovery);
    ck_assert(s->tcb.frto);
    ck_assert_int_eq(pop_data(r, 16), 1);
    ck_assert_uint_eq(r[0].seq, d[0].seq);
    /* The late ACKs arrive: they cover segments never sent again, so
     * the originals got through (RFC 5682 §3.1 step 3b). */
    peer_send(&P, TH_ACK, end_of(&d[4]), 0, NULL, 0);
    ck_assert(!s->tcb.rto_recovery);
    ck_assert_uint_eq(s->tcb.spurious_rto, 1);
    ck_assert_uint_ge(s->tcb.cwnd, cwnd);                /* the window is given back */
    ck_assert_uint_eq(s->tcb.ssthresh, ssthresh);
    ck_assert_uint_eq(s->tcb.lost_out, 0);
    int n = pop_data(r, 16);
    for (int i = 0; i < n; i++)                          /* d[5..9] are not sent again */
        ck_assert(seq_ge(r[i].seq, end_of(&d[9])));
    ck_assert_uint_eq(s->tcb.retrans_segs, 1);
}
END_TEST

START_TEST(test_prr_sends_in_proportion_during_recovery)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[32], r[32];
    uint32_t mss = s->tcb.eff_mss;
    s->tcb.cwnd = 20 * mss;
    queue_bytes(s, 44 * mss);
    ck_assert_int_eq(pop_data(d, 32), 20);
    sg_advance(&T, T.now + 10 * TL_MS);
    /* d[0] lost; the others arrive and are SACKed one by one */
    int k = 1;
    for (;;) {
        sack(d[0].seq, d[1].seq, end_of(&d[k++]));
        if (s->tcb.in_recovery || k == 20)
            break;
        pop_data(r, 32);                                 /* new data as SACKs shrink the pipe */
    }
    ck_assert(s->tcb.in_recovery);
    ck_assert_uint_eq(s->tcb.ssthresh, 14 * mss);        /* CUBIC: beta 0.7 */
    ck_assert_uint_ge(s->tcb.recover_fs, 20 * mss);      /* RecoverFS, the flight */
    int sent = pop_data(r, 32);
    ck_assert_int_ge(sent, 1);
    ck_assert_uint_eq(r[0].seq, d[0].seq);               /* the fast retransmit first */
    for (; k < 20; k++) {
        sack(d[0].seq, d[1].seq, end_of(&d[k]));
        sent += pop_data(r, 32);
        /* RFC 6937: while pipe > ssthresh, prr_out follows
         * prr_delivered * ssthresh / RecoverFS, to within a segment */
        double due = (double)s->tcb.prr_delivered * s->tcb.ssthresh / s->tcb.recover_fs;
        ck_assert_uint_eq(s->tcb.prr_out, (uint32_t)sent * mss);
        ck_assert(s->tcb.prr_out <= due + mss + 1);
        ck_assert(s->tcb.prr_out + mss + 1 >= due);
        ck_assert_uint_le(tcp_pipe(&s->tcb), s->tcb.cwnd);
    }
    /* 17 segments delivered in recovery: ssthresh / RecoverFS of them went,
     * fewer than delivered (the window comes down) but not none */
    double share = 17.0 * s->tcb.ssthresh / s->tcb.recover_fs;
    ck_assert(sent >= share - 1 && sent <= share + 1);
    ck_assert_int_lt(sent, 17);
    peer_send(&P, TH_ACK, s->tcb.recover, 0, NULL, 0);
    ck_assert(!s->tcb.in_recovery);
    ck_assert_uint_eq(s->tcb.cwnd, s->tcb.ssthresh);    /* recovery ends at ssthresh */
}
END_TEST

START_TEST(test_dsack_recorded_and_sent)
{
    struct sock *s = linux_peer();
    struct tcp_seg d[16];
    queue_bytes(s, 4 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 4);
    peer_send(&P, TH_ACK, end_of(&d[3]), 0, NULL, 0);
    /* the peer reports d[0] arrived twice (RFC 2883 §4, below the ACK) */
    sack(end_of(&d[3]), d[0].seq, end_of(&d[0]));
    ck_assert_uint_eq(s->tcb.dsack_dups, 1);
    /* and tcplab's receiver sends a DSACK for data it already had */
    uint32_t base = P.nxt;
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 500, NULL, 0);
    struct tcp_seg g;
    while (peer_recv(&P, &g))
        ;
    peer_send_at(&P, TH_ACK, base, s->tcb.snd_nxt, 500, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_int_eq(g.opt.nsack, 1);
    ck_assert_uint_eq(g.opt.sack[0].left, base);
    ck_assert_uint_eq(g.opt.sack[0].right, base + 500);
    ck_assert_uint_eq(g.ack, base + 500);
}
END_TEST

/* ---- CUBIC, RFC 9438 ---------------------------------------------------- */

/* A CUBIC TCB (MSS 1000) that had a window of w segments, full, when a
 * loss struck at `now`: ssthresh and cwnd as the reduction left them. */
static void cubic_after_loss(struct tcb *t, uint32_t w, tl_time srtt, tl_time now)
{
    memset(t, 0, sizeof *t);
    t->cc = TCP_CC_CUBIC;
    t->eff_mss = 1000;
    t->cwnd = w * 1000;
    t->srtt = srtt;
    t->snd_una = 1;
    t->snd_nxt = 1 + t->cwnd;
    t->ssthresh = tcp_cc_ssthresh(t, now);
    t->cwnd = t->ssthresh;
}

/* One round trip of ACKs, one per segment of cwnd, evenly spaced. */
static tl_time ack_one_rtt(struct tcb *t, tl_time now)
{
    uint32_t segs = t->cwnd / 1000;
    for (uint32_t i = 0; i < segs; i++) {
        now += t->srtt / segs;
        tcp_cc_ack(t, 1000, t->cwnd, now);
    }
    return now;
}

START_TEST(test_cubic_window_follows_rfc9438_formula)
{
    struct tcb t;
    tl_time now = 10 * TL_SEC, start = now;
    cubic_after_loss(&t, 100, 100 * TL_MS, now);         /* a loss at W = 100 */
    ck_assert_uint_eq(t.ssthresh, 70 * 1000);            /* eq. (5): beta 0.7 */
    ck_assert(fabs(t.cubic.w_max - 100.0) < 1e-9);
    double k = cbrt(100.0 * (1 - 0.7) / 0.4);            /* eq. (2): 4.217 s */
    double checks[] = {1.0, 2.0, 3.0, 4.0, k, 5.0, 6.0};
    size_t c = 0;
    while (c < sizeof checks / sizeof checks[0]) {
        now = ack_one_rtt(&t, now);
        double secs = (double)(now - start) / TL_SEC;
        if (secs >= checks[c]) {
            ck_assert(fabs(t.cubic.k - k) < 1e-6);
            /* the window tracks W_cubic(t + RTT) (eq. 1), within 2 segments */
            double w = 0.4 * pow(secs + 0.1 - k, 3) + 100.0;
            double cw = t.cwnd / 1000.0;
            ck_assert_msg(fabs(cw - w) <= 2.0, "t=%.2f cwnd %.1f W_cubic %.1f", secs, cw, w);
            c++;
        }
    }
}
END_TEST

START_TEST(test_cubic_reno_friendly_region_rfc9438_4_3)
{
    /* A short RTT makes CUBIC slower than Reno: W_est leads (§4.3). */
    struct tcb t;
    tl_time now = TL_SEC;
    cubic_after_loss(&t, 20, 1 * TL_MS, now);            /* cwnd 14 */
    for (int rtt = 0; rtt < 10; rtt++)
        now = ack_one_rtt(&t, now);
    /* alpha = 3 (1 - 0.7) / (1 + 0.7) = 0.53 segments per RTT (below
     * W_max = 20, where alpha becomes 1): about 5.3 in 10 RTTs */
    ck_assert(t.cubic.w_est > 14 + 4.8 && t.cubic.w_est < 14 + 5.8);
    ck_assert_uint_eq(t.cwnd / 1000, (uint32_t)t.cubic.w_est);
}
END_TEST

START_TEST(test_congestion_control_selectable_per_socket)
{
    int fd = sock_socket(T.h, SOCKT_TCP);
    int v;
    ck_assert_int_eq(sock_getsockopt(T.h, fd, SOCKOPT_CONGESTION, &v), 0);
    ck_assert_int_eq(v, TCP_CC_CUBIC);                   /* Linux's default */
    ck_assert_int_eq(sock_setsockopt(T.h, fd, SOCKOPT_CONGESTION, TCP_CC_RENO), 0);
    ck_assert_int_eq(sock_getsockopt(T.h, fd, SOCKOPT_CONGESTION, &v), 0);
    ck_assert_int_eq(v, TCP_CC_RENO);
    ck_assert_int_eq(sock_setsockopt(T.h, fd, SOCKOPT_CONGESTION, 7), -ENOENT);
    ck_assert_int_eq(tcp_cc_by_name("reno"), TCP_CC_RENO);
    ck_assert_int_eq(tcp_cc_by_name("cubic"), TCP_CC_CUBIC);
    ck_assert_int_eq(tcp_cc_by_name("bbr"), -1);
}
END_TEST

static Suite *loss_suite(void)
{
    Suite *s = suite_create("tcp_loss");
    TCase *c = tcase_create("RACK-TLP, scoreboard, F-RTO, PRR, DSACK");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_tail_loss_recovered_by_tlp_without_a_timeout);
    tcase_add_test(c, test_lost_retransmission_detected_by_rack);
    tcase_add_test(c, test_timeout_keeps_the_scoreboard_sacked_data_not_resent);
    tcase_add_test(c, test_spurious_timeout_undone_by_frto);
    tcase_add_test(c, test_prr_sends_in_proportion_during_recovery);
    tcase_add_test(c, test_dsack_recorded_and_sent);
    suite_add_tcase(s, c);
    c = tcase_create("CUBIC");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_cubic_window_follows_rfc9438_formula);
    tcase_add_test(c, test_cubic_reno_friendly_region_rfc9438_4_3);
    tcase_add_test(c, test_congestion_control_selectable_per_socket);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(loss_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
