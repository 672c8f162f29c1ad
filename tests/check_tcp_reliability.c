/* Reliability of tcplab's TCP, one mechanism at a time, against a peer
 * played by hand (tests/lib/peer.h): the retransmission timer (RFC 6298,
 * with Karn's rule and the re-initialisation of (5.7)), congestion
 * control (RFC 5681, the initial window of RFC 6928), fast retransmit
 * and NewReno fast recovery (RFC 6582), SACK (RFC 2018, used as RFC 6675
 * says), reassembly of out-of-order data, window scaling and timestamps
 * with PAWS (RFC 7323). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "peer.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"

static struct segtest T;
static struct peer P;

static void setup(void) { peer_fixture(&P, &T, 3); }
static void teardown(void) { sg_free(&T); }

/* A plain peer (no options but MSS), connected after `rtt`. */
static struct sock *plain(tl_time rtt)
{
    return peer_connect(&P, &T, rtt);
}

/* The same, the socket running NewReno (the course's congestion lab). */
static struct sock *plain_reno(tl_time rtt)
{
    T.h->cfg.tcp_cc = TCP_CC_RENO;
    return plain(rtt);
}

/* A peer offering everything Linux offers. */
static struct sock *full(tl_time rtt)
{
    P.ws = P.ts = P.sack = true;
    P.wscale = 7;
    P.tsval = 1000;
    P.wnd = 1 << 20;
    return peer_connect(&P, &T, rtt);
}

static void queue_bytes(struct sock *s, size_t n) { peer_queue(&P, s, n); }
/* The data segments romeo sends now; their count. */
static int pop_data(struct tcp_seg *out, int max) { return peer_pop_data(&P, out, max, false); }

/* ---- RFC 6298: RTT and RTO ------------------------------------------- */

CK_CASE("RFC 6298 retransmission timer", setup, teardown);

CK_TEST(test_first_rtt_sample_sets_srtt_rttvar_rto_rfc6298_2_2)
{
    struct sock *s = plain(300 * TL_MS);
    /* R = 300 ms: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 900 ms. */
    ck_assert_int_eq(s->tcb.srtt, 300 * TL_MS);
    ck_assert_int_eq(s->tcb.rttvar, 150 * TL_MS);
    ck_assert_int_eq(s->tcb.rto, 900 * TL_MS);
}
END_TEST

CK_TEST(test_next_rtt_sample_smooths_rfc6298_2_3)
{
    struct sock *s = plain(300 * TL_MS);
    queue_bytes(s, 100);
    struct tcp_seg d[4];
    ck_assert_int_eq(pop_data(d, 4), 1);
    sg_advance(&T, T.now + 100 * TL_MS);
    peer_send(&P, TH_ACK, d[0].seq + 100, 0, NULL, 0);
    /* RTTVAR = 3/4 150 + 1/4 |300 - 100| = 162.5; SRTT = 7/8 300 + 1/8 100 = 275. */
    ck_assert_int_eq(s->tcb.rttvar, 162500);
    ck_assert_int_eq(s->tcb.srtt, 275000);
    ck_assert_int_eq(s->tcb.rto, 275000 + 4 * 162500);
}
END_TEST

CK_TEST(test_rto_floor_200ms_by_default_and_settable)
{
    struct sock *s = plain(1 * TL_MS);
    ck_assert_int_eq(s->tcb.rto, 200 * TL_MS);                /* Linux's TCP_RTO_MIN */
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_RTO_MIN, 500), 0);
    int v;
    ck_assert_int_eq(sock_getsockopt(T.h, s->fd, SOCKOPT_RTO_MIN, &v), 0);
    ck_assert_int_eq(v, 500);
    queue_bytes(s, 10);
    struct tcp_seg d[2];
    pop_data(d, 2);
    sg_advance(&T, T.now + 1 * TL_MS);
    peer_send(&P, TH_ACK, d[0].seq + 10, 0, NULL, 0);
    ck_assert_int_eq(s->tcb.rto, 500 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_RTO_MIN, 0), -EINVAL);
}
END_TEST

CK_TEST(test_timer_restarts_on_new_ack_stops_when_all_acked_rfc6298_5)
{
    struct sock *s = plain(10 * TL_MS);
    queue_bytes(s, 3 * 1460);                    /* three segments (MSS 1460) */
    struct tcp_seg d[4];
    ck_assert_int_eq(pop_data(d, 4), 3);
    tl_time sent = T.now;
    ck_assert_int_eq(s->tcb.rto_at, sent + s->tcb.rto);     /* (5.1) */
    sg_advance(&T, T.now + 50 * TL_MS);
    peer_send(&P, TH_ACK, d[0].seq + d[0].len, 0, NULL, 0);
    ck_assert_int_eq(s->tcb.rto_at, T.now + s->tcb.rto);    /* (5.3) restarted */
    peer_send(&P, TH_ACK, d[2].seq + d[2].len, 0, NULL, 0);
    ck_assert_int_eq(s->tcb.rto_at, TL_NEVER);              /* (5.2) all acknowledged */
}
END_TEST

CK_TEST(test_karn_no_sample_from_a_retransmission_backoff_kept)
{
    struct sock *s = plain(10 * TL_MS);
    tl_time rto = s->tcb.rto;
    tl_time srtt = s->tcb.srtt;
    queue_bytes(s, 100);
    struct tcp_seg d[2];
    pop_data(d, 2);
    sg_advance(&T, T.now + rto);                 /* (5.4) retransmitted, (5.5) backed off */
    ck_assert_int_eq(pop_data(d, 2), 1);
    ck_assert_int_eq(s->tcb.rto, 2 * rto);
    sg_advance(&T, T.now + 5 * TL_MS);
    peer_send(&P, TH_ACK, d[0].seq + 100, 0, NULL, 0);
    /* Karn: the ACK may be for either transmission: no sample, the
     * backed-off RTO stays for the next segment. */
    ck_assert_int_eq(s->tcb.srtt, srtt);
    ck_assert_int_eq(s->tcb.rto, 2 * rto);
    queue_bytes(s, 100);
    pop_data(d, 2);
    sg_advance(&T, T.now + 20 * TL_MS);
    peer_send(&P, TH_ACK, d[0].seq + 100, 0, NULL, 0);
    ck_assert_int_ne(s->tcb.srtt, srtt);         /* a fresh segment: sampled, RTO recomputed */
    ck_assert_int_eq(s->tcb.rto, 200 * TL_MS);
}
END_TEST

CK_TEST(test_backoff_doubles_then_etimedout_after_retry_limit)
{
    T.h->cfg.data_retries = 4;
    struct sock *s = plain(10 * TL_MS);
    tl_time rto = s->tcb.rto;
    queue_bytes(s, 100);
    peer_drain(&P);
    tl_time at = T.now;
    for (int k = 0; k < 4; k++) {
        at += rto << k;
        sg_advance(&T, at - 1);
        ck_assert_uint_eq(peer_drain(&P), 0);
        sg_advance(&T, at);
        ck_assert_uint_eq(peer_drain(&P), 1);
        ck_assert_int_eq(s->tcb.retries, k + 1);
    }
    sg_advance(&T, at + (rto << 4));
    ck_assert_int_eq(s->tcb.state, TCP_CLOSED);
    char b[4];
    ck_assert_int_eq(sock_recv(T.h, s->fd, b, sizeof b, T.now), -ETIMEDOUT);
}
END_TEST

CK_TEST(test_rto_after_syn_retransmission_reinitialised_to_3s_rfc6298_5_7)
{
    int fd = sock_socket(T.h, SOCKT_TCP);
    ck_assert_int_eq(sock_connect(T.h, fd, SG_PEER_IP, 80, T.now), -EINPROGRESS);
    struct sock *s = sock_by_fd(T.h, fd);
    P.t = &T;
    P.s = s;
    P.port = 80;
    P.wnd = 65535;
    peer_drain(&P);
    sg_advance(&T, T.now + 1 * TL_SEC);          /* the SYN again, RTO now 2 s */
    ck_assert_uint_eq(peer_drain(&P), 1);
    ck_assert_int_eq(s->tcb.rto, 2 * TL_SEC);
    sg_advance(&T, T.now + 50 * TL_MS);
    P.nxt = 777;
    peer_send(&P, TH_SYN | TH_ACK, s->tcb.iss + 1, 0, NULL, 0);
    ck_assert_int_eq(s->tcb.state, TCP_ESTABLISHED);
    /* No sample (Karn), and the SYN's backed-off RTO does not carry over. */
    ck_assert_int_eq(s->tcb.rto, TCP_RTO_FALLBACK);
    ck_assert_int_eq(s->tcb.srtt, 0);
    /* RFC 5681 §3.1: the SYN was lost, the initial window is one segment. */
    ck_assert_uint_eq(s->tcb.cwnd, s->tcb.eff_mss);
    peer_drain(&P);
    queue_bytes(s, 5000);
    struct tcp_seg d[8];
    ck_assert_int_eq(pop_data(d, 8), 1);
    ck_assert_int_eq(s->tcb.rto_at, T.now + 3 * TL_SEC);
}
END_TEST

/* ---- RFC 5681, RFC 6928: the congestion window --------------------------- */

CK_CASE("congestion control and recovery", setup, teardown);

CK_TEST(test_initial_window_ten_segments_rfc6928)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert_uint_eq(s->tcb.cwnd, 10 * 1460u);
    queue_bytes(s, 60000);
    struct tcp_seg d[64];
    ck_assert_int_eq(pop_data(d, 64), 10);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(d[i].len, 1460);
}
END_TEST

CK_TEST(test_slow_start_then_congestion_avoidance)
{
    struct sock *s = plain_reno(10 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_SNDBUF, 4 << 20), 0);
    P.wnd = 65535;
    queue_bytes(s, 3 << 20);                     /* never short of data: cwnd-limited */
    struct tcp_seg d[64];
    int n = pop_data(d, 64);
    uint32_t cwnd = s->tcb.cwnd;
    for (int i = 0; i < n; i++)                  /* slow start: one MSS per ACK (eq. 2) */
        peer_send(&P, TH_ACK, d[i].seq + d[i].len, 0, NULL, 0);
    ck_assert_uint_eq(s->tcb.cwnd, cwnd + (uint32_t)n * 1460);
    /* Congestion avoidance: about one MSS per cwnd of data acknowledged. */
    s->tcb.ssthresh = s->tcb.cwnd;
    cwnd = s->tcb.cwnd;
    uint32_t acked = 0;
    while (acked < cwnd) {
        n = pop_data(d, 64);
        ck_assert_int_gt(n, 0);
        for (int i = 0; i < n && acked < cwnd; i++) {
            peer_send(&P, TH_ACK, d[i].seq + d[i].len, 0, NULL, 0);
            acked += d[i].len;
        }
    }
    ck_assert_uint_eq(s->tcb.cwnd, cwnd + 1460);
}
END_TEST

/* ---- fast retransmit, NewReno (RFC 6582) --------------------------------- */

/* Ten segments out, the first lost: three duplicate ACKs. */
static void three_dupacks(struct tcp_seg *d)
{
    queue_bytes(P.s, 14600);
    ck_assert_int_eq(pop_data(d, 16), 10);
    for (int k = 0; k < 3; k++)
        peer_send(&P, TH_ACK, d[0].seq, 0, NULL, 0);
}

CK_TEST(test_fast_retransmit_on_third_duplicate_ack)
{
    struct sock *s = plain_reno(10 * TL_MS);
    struct tcp_seg d[16], r[4];
    queue_bytes(s, 14600);
    ck_assert_int_eq(pop_data(d, 16), 10);
    peer_send(&P, TH_ACK, d[0].seq, 0, NULL, 0);
    peer_send(&P, TH_ACK, d[0].seq, 0, NULL, 0);
    ck_assert_int_eq(pop_data(r, 4), 0);         /* two are not enough */
    peer_send(&P, TH_ACK, d[0].seq, 0, NULL, 0);
    ck_assert_int_eq(pop_data(r, 4), 1);
    ck_assert_uint_eq(r[0].seq, d[0].seq);
    ck_assert(s->tcb.in_recovery);
    ck_assert_uint_eq(s->tcb.ssthresh, 14600 / 2);           /* eq. (4) */
    ck_assert_uint_eq(s->tcb.cwnd, 14600 / 2 + 3 * 1460);    /* RFC 6582 step 2 */
    ck_assert_uint_eq(s->tcb.recover, d[9].seq + d[9].len);
    ck_assert_uint_eq(s->tcb.fast_retrans, 1);
}
END_TEST

CK_TEST(test_newreno_partial_ack_retransmits_next_hole_full_ack_ends_recovery)
{
    struct sock *s = plain_reno(10 * TL_MS);
    struct tcp_seg d[16], r[8];
    three_dupacks(d);                            /* segments 0 and 5 lost */
    pop_data(r, 8);
    uint32_t before = s->tcb.cwnd;
    peer_send(&P, TH_ACK, d[5].seq, 0, NULL, 0); /* partial: 0-4 arrive */
    int n = pop_data(r, 8);
    ck_assert_int_ge(n, 1);
    ck_assert_uint_eq(r[0].seq, d[5].seq);       /* the next hole, at once */
    ck_assert(s->tcb.in_recovery);
    /* deflated by what was acknowledged, one MSS added back */
    ck_assert_uint_eq(s->tcb.cwnd, before - 5 * 1460 + 1460);
    peer_send(&P, TH_ACK, s->tcb.recover, 0, NULL, 0);       /* full */
    ck_assert(!s->tcb.in_recovery);
    ck_assert_uint_le(s->tcb.cwnd, s->tcb.ssthresh);
}
END_TEST

CK_TEST(test_no_second_fast_retransmit_for_the_same_window_rfc6582)
{
    struct sock *s = plain_reno(10 * TL_MS);
    struct tcp_seg d[16], r[8];
    three_dupacks(d);
    pop_data(r, 8);
    sg_advance(&T, T.now + s->tcb.rto);          /* recovery fails: timeout */
    ck_assert(s->tcb.rto_recovery);
    ck_assert_uint_eq(s->tcb.cwnd, 1460);        /* one segment, RFC 5681 §3.1 */
    pop_data(r, 8);
    for (int k = 0; k < 5; k++)                  /* dupacks of the go-back-N */
        peer_send(&P, TH_ACK, d[0].seq, 0, NULL, 0);
    ck_assert(!s->tcb.in_recovery);
    ck_assert_uint_eq(s->tcb.fast_retrans, 1);
}
END_TEST

/* ---- SACK (RFC 2018, RFC 6675) ------------------------------------------ */

CK_TEST(test_sack_recovery_retransmits_only_the_holes)
{
    struct sock *s = full(10 * TL_MS);
    ck_assert(s->tcb.sack_ok);
    struct tcp_seg d[16], r[16];
    queue_bytes(s, 10 * s->tcb.eff_mss);
    ck_assert_int_eq(pop_data(d, 16), 10);
    /* segments 1 and 4 lost: the peer SACKs 2-3 and 5-9 */
    uint32_t b[4] = {d[2].seq, d[4].seq, d[5].seq, d[9].seq + d[9].len};
    peer_send(&P, TH_ACK, d[1].seq, 0, b, 2);
    peer_send(&P, TH_ACK, d[1].seq, 0, b, 2);
    peer_send(&P, TH_ACK, d[1].seq, 0, b, 2);
    ck_assert(s->tcb.in_recovery);
    int n = pop_data(r, 16);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].seq, d[1].seq);
    ck_assert_uint_eq(r[1].seq, d[4].seq);
    ck_assert_uint_eq(s->tcb.retrans_segs, 2);
}
END_TEST

CK_CASE("reassembly and options", setup, teardown);

CK_TEST(test_out_of_order_held_acked_with_sack_then_reassembled)
{
    struct sock *s = full(10 * TL_MS);
    uint32_t base = P.nxt;
    struct tcp_seg g;
    /* 1000 bytes at +1000 and at +3000: two runs held, SACKed newest first. */
    peer_send_at(&P, TH_ACK, base + 1000, s->tcb.snd_nxt, 1000, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.ack, base);
    ck_assert_int_eq(g.opt.nsack, 1);
    peer_send_at(&P, TH_ACK, base + 3000, s->tcb.snd_nxt, 1000, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_int_eq(g.opt.nsack, 2);
    ck_assert_uint_eq(g.opt.sack[0].left, base + 3000);      /* RFC 2018 §4: the newest first */
    ck_assert_uint_eq(g.opt.sack[0].right, base + 4000);
    ck_assert_uint_eq(g.opt.sack[1].left, base + 1000);
    ck_assert_uint_eq(sock_recv_queue(s), 0);
    ck_assert_uint_eq(s->tcb.ofo_bytes, 2000);
    /* the gaps fill: in order, one run at a time */
    peer_send_at(&P, TH_ACK, base, s->tcb.snd_nxt, 1000, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.ack, base + 2000);
    peer_send_at(&P, TH_ACK, base + 2000, s->tcb.snd_nxt, 1000, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.ack, base + 4000);
    ck_assert_int_eq(g.opt.nsack, 0);
    static uint8_t buf[8192];
    ck_assert_int_eq(sock_recv(T.h, s->fd, buf, sizeof buf, T.now), 4000);
    ck_assert_int_eq(memcmp(buf, sg_payload(), 1000), 0);    /* each piece in its place */
    ck_assert_int_eq(memcmp(buf + 3000, sg_payload(), 1000), 0);
    ck_assert_uint_eq(s->tcb.ofo_segs, 0);
    ck_assert_uint_eq(sg_drops_total(T.h), 0);
}
END_TEST

CK_TEST(test_overlapping_and_duplicate_out_of_order_data)
{
    struct sock *s = full(10 * TL_MS);
    uint32_t base = P.nxt;
    peer_send_at(&P, TH_ACK, base + 500, s->tcb.snd_nxt, 1000, NULL, 0);    /* 500-1500 */
    peer_send_at(&P, TH_ACK, base + 1000, s->tcb.snd_nxt, 1000, NULL, 0);   /* 1000-2000 */
    peer_send_at(&P, TH_ACK, base + 500, s->tcb.snd_nxt, 1000, NULL, 0);    /* again */
    peer_send_at(&P, TH_ACK, base + 200, s->tcb.snd_nxt, 1200, NULL, 0);    /* 200-1400 */
    ck_assert_uint_eq(s->tcb.ofo_bytes, 1800);
    peer_send_at(&P, TH_ACK, base, s->tcb.snd_nxt, 300, NULL, 0);
    ck_assert_uint_eq(s->tcb.rcv_nxt, base + 2000);
    ck_assert_uint_eq(sock_recv_queue(s), 2000);
    ck_assert_uint_eq(s->tcb.ofo_bytes, 0);
}
END_TEST

CK_TEST(test_out_of_order_fin_taken_when_the_gap_fills)
{
    struct sock *s = full(10 * TL_MS);
    uint32_t base = P.nxt;
    peer_send_at(&P, TH_ACK | TH_FIN, base + 100, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert_int_eq(s->tcb.state, TCP_ESTABLISHED);
    peer_send_at(&P, TH_ACK, base, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert_int_eq(s->tcb.state, TCP_CLOSE_WAIT);
    ck_assert_uint_eq(s->tcb.rcv_nxt, base + 201);
    struct tcp_seg g;
    peer_recv(&P, &g);
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.ack, base + 201);
}
END_TEST

CK_TEST(test_out_of_order_data_past_a_held_fin_keeps_the_queue_sound)
{
    /* A peer's error (found by fuzzing): data held beyond a FIN held out
     * of order.  The queue stays sorted; the FIN ends the stream where it
     * said, and what lies beyond it is thrown away. */
    struct sock *s = full(10 * TL_MS);
    uint32_t base = P.nxt;
    peer_send_at(&P, TH_ACK | TH_FIN, base + 100, s->tcb.snd_nxt, 0, NULL, 0);
    peer_send_at(&P, TH_ACK, base + 50, s->tcb.snd_nxt, 100, NULL, 0);       /* 50-150 */
    peer_send_at(&P, TH_ACK | TH_FIN, base + 120, s->tcb.snd_nxt, 10, NULL, 0);
    peer_send_at(&P, TH_ACK, base, s->tcb.snd_nxt, 50, NULL, 0);
    ck_assert_int_eq(s->tcb.state, TCP_CLOSE_WAIT);
    ck_assert_uint_eq(s->tcb.rcv_nxt, base + 101);
    ck_assert_uint_eq(sock_recv_queue(s), 100);
    ck_assert_ptr_null(s->ofo);
    ck_assert_uint_eq(s->tcb.ofo_segs, 0);
}
END_TEST

CK_TEST(test_reassembly_queue_bounded_drops_named)
{
    T.h->cfg.ofo_max_segs = 4;
    struct sock *s = full(10 * TL_MS);
    uint32_t base = P.nxt;
    for (int k = 0; k < 6; k++)
        peer_send_at(&P, TH_ACK, base + 200 * (uint32_t)(k + 1), s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert_uint_eq(s->tcb.ofo_segs, 4);
    ck_assert_uint_eq(T.h->drops[DROP_TCP_OUT_OF_ORDER], 2);
}
END_TEST

/* ---- RFC 7323 ---------------------------------------------------------- */

CK_TEST(test_syn_options_as_linux_sends_them)
{
    int fd = sock_socket(T.h, SOCKT_TCP);
    sock_connect(T.h, fd, SG_PEER_IP, 80, T.now);
    struct sg_out o;
    do
        ck_assert(sg_pop_peer(&T, &o));
    while (!o.is_tcp);
    /* mss 1460, sackOK, TS val ecr 0, nop, wscale 7: 20 bytes, in this order. */
    const uint8_t *opt = o.l4 + TCP_HLEN;
    ck_assert_uint_eq(o.tcp.hlen, TCP_HLEN + 20);
    static const uint8_t head[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
    ck_assert_int_eq(memcmp(opt, head, sizeof head), 0);
    ck_assert_uint_eq(o.tcp.opt.ts_ecr, 0);
    static const uint8_t tail[] = {1, 3, 3, 7};
    ck_assert_int_eq(memcmp(opt + 16, tail, sizeof tail), 0);
}
END_TEST

CK_TEST(test_syn_ack_answers_only_the_options_offered)
{
    int l = sock_socket(T.h, SOCKT_TCP);
    sock_bind(T.h, l, 0, 80);
    sock_listen(T.h, l, 8, T.now);
    struct tcp_seg g;
    memset(&g, 0, sizeof g);
    g.sport = 5000;
    g.dport = 80;
    g.seq = 1000;
    g.flags = TH_SYN;
    g.wnd = 65535;
    g.opt.has_mss = true;
    g.opt.mss = 1400;
    g.opt.sack_perm = true;
    uint8_t f[ETH_FRAME_MAX];
    sg_input(&T, f, sg_frame_tcp(f, SG_PEER_IP, SG_HOST_IP, &g));
    struct tcp_seg r;
    ck_assert(sg_pop_tcp(&T, &r));
    ck_assert_int_eq(r.flags, TH_SYN | TH_ACK);
    ck_assert(r.opt.has_mss && r.opt.sack_perm);
    ck_assert(!r.opt.has_ts && !r.opt.has_wscale);
}
END_TEST

CK_TEST(test_windows_scaled_both_ways)
{
    P.ws = true;
    P.wscale = 2;
    P.wnd = 40000 << 2;
    struct sock *s = plain(10 * TL_MS);
    ck_assert(s->tcb.wscale_ok);
    ck_assert_uint_eq(s->tcb.snd_wscale, 2);
    ck_assert_uint_eq(s->tcb.rcv_wscale, 7);
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 0, NULL, 0);
    ck_assert_uint_eq(s->tcb.snd_wnd, 40000 << 2);           /* SEG.WND << Snd.Wind.Shift */
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 100, NULL, 0);
    struct tcp_seg g;
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq((uint32_t)g.wnd << 7, s->tcb.rcv_wnd);
    ck_assert_uint_le(s->tcb.rcv_wnd, 65536 - 100);
}
END_TEST

CK_TEST(test_no_scaling_when_the_peer_does_not_offer_it)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert(!s->tcb.wscale_ok && !s->tcb.ts_ok && !s->tcb.sack_ok);
    ck_assert_uint_eq(s->tcb.rcv_wscale, 0);
    ck_assert_uint_eq(s->tcb.eff_mss, 1460);
}
END_TEST

CK_TEST(test_timestamps_echo_ts_recent_and_paws_drops_old_segments)
{
    struct sock *s = full(10 * TL_MS);
    ck_assert(s->tcb.ts_ok);
    ck_assert_uint_eq(s->tcb.eff_mss, 1448);     /* RFC 6691: the 12 bytes of TS come off */
    struct tcp_seg g;
    P.tsval = 5000;
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.opt.ts_ecr, 5000);       /* TS.Recent echoed */
    /* an old duplicate: TSval below TS.Recent (RFC 7323 §5.3 R1) */
    P.tsval = 4000;
    uint64_t drops = T.h->drops[DROP_TCP_PAWS];
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert_uint_eq(T.h->drops[DROP_TCP_PAWS], drops + 1);
    ck_assert(peer_recv(&P, &g));                /* acknowledged, not taken */
    ck_assert_uint_eq(sock_recv_queue(s), 100);
    ck_assert_uint_eq(g.opt.ts_ecr, 5000);
}
END_TEST
