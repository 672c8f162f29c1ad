/* Flow control and robustness of tcplab's TCP: zero windows and window
 * probes (RFC 9293 §3.8.6.1, MUST-36), window updates, silly-window
 * avoidance on both sides (§3.8.6.2), Nagle and TCP_NODELAY (§3.7.4),
 * delayed ACK as an option (§3.8.6.3), the challenge-ACK throttle of RFC
 * 5961 §7, SYN floods against a listener (SYN cookies, RFC 4987), and a
 * few corners found by testing (CLOSE in an active SYN-RECEIVED, the
 * trace rings). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "peer.h"
#include "simtest.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "xfer.h"

static struct segtest T;
static struct peer P;

static void setup(void) { peer_fixture(&P, &T, 5); }
static void teardown(void) { sg_free(&T); }

static struct sock *plain(tl_time rtt)
{
    return peer_connect(&P, &T, rtt);
}

static void queue_bytes(struct sock *s, size_t n) { peer_queue(&P, s, n); }
static int pop_data(struct tcp_seg *out, int max) { return peer_pop_data(&P, out, max, true); }

/* ---- zero window and probes ------------------------------------------- */

CK_CASE("windows", setup, teardown);

CK_TEST(test_zero_window_probed_with_backoff_and_never_timed_out_while_answered)
{
    struct sock *s = plain(10 * TL_MS);
    tl_time rto = s->tcb.rto;
    queue_bytes(s, 1000);
    struct tcp_seg d[4];
    ck_assert_int_eq(pop_data(d, 4), 1);
    P.wnd = 0;                                   /* takes it all, then shuts the window */
    peer_send(&P, TH_ACK, d[0].seq + 1000, 0, NULL, 0);
    queue_bytes(s, 500);
    ck_assert_int_eq(pop_data(d, 4), 0);         /* nothing fits */
    ck_assert_int_eq(s->tcb.persist_at, T.now + rto);
    ck_assert_int_eq(s->tcb.rto_at, TL_NEVER);
    /* MUST-36: one octet beyond the window, at RTO, 2 RTO, 4 RTO ... (SHLD-29, -30);
     * the peer answers each with a zero window: more probes than data_retries,
     * and the connection lives on. */
    tl_time at = T.now, gap = rto;
    uint32_t probe_seq = s->tcb.snd_nxt;
    for (int k = 0; k < T.h->cfg.data_retries + 5; k++) {
        at += gap;
        sg_advance(&T, at);
        ck_assert_int_eq(pop_data(d, 4), 1);
        ck_assert_uint_eq(d[0].len, 1);
        ck_assert_uint_eq(d[0].seq, probe_seq);
        peer_send(&P, TH_ACK, probe_seq, 0, NULL, 0);
        gap = gap * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : gap * 2;
    }
    ck_assert_int_eq(s->tcb.state, TCP_ESTABLISHED);
    ck_assert_uint_ge(s->tcb.probes, (uint32_t)T.h->cfg.data_retries + 5);
    /* the window opens: the rest goes, the persist timer stops */
    P.wnd = 65535;
    peer_send(&P, TH_ACK, probe_seq, 0, NULL, 0);
    ck_assert_int_eq(pop_data(d, 4), 1);
    ck_assert_uint_eq(d[0].seq, probe_seq);
    ck_assert_uint_eq(d[0].len, 500);
    ck_assert_int_eq(s->tcb.persist_at, TL_NEVER);
    ck_assert_int_ne(s->tcb.rto_at, TL_NEVER);
}
END_TEST

CK_TEST(test_unanswered_window_probes_time_out)
{
    T.h->cfg.data_retries = 3;
    struct sock *s = plain(10 * TL_MS);
    queue_bytes(s, 1000);
    struct tcp_seg d[4];
    pop_data(d, 4);
    P.wnd = 0;
    peer_send(&P, TH_ACK, d[0].seq + 1000, 0, NULL, 0);
    queue_bytes(s, 10);
    for (int k = 0; k < 10 && s->tcb.state != TCP_CLOSED; k++) {
        sg_advance(&T, host_next_deadline(T.h));
        peer_drain(&P);                          /* the peer is gone: no answers */
    }
    ck_assert_int_eq(s->tcb.state, TCP_CLOSED);
    char b[4];
    ck_assert_int_eq(sock_recv(T.h, s->fd, b, sizeof b, T.now), -ETIMEDOUT);
}
END_TEST

/* On the simulated wire: juliet reads only after romeo has stalled; the
 * window update that reopens it may be lost, a probe finds the window open. */
static void stalled_then_read(bool lose_update)
{
    struct simtest st;
    st_init(&st, 9);
    int l = sock_socket(st.juliet, SOCKT_TCP);
    sock_bind(st.juliet, l, 0, 4000);
    ck_assert_int_eq(sock_setsockopt(st.juliet, l, SOCKOPT_RCVBUF, 8192), 0);
    sock_listen(st.juliet, l, 4, st.net->now);
    int c = sock_socket(st.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&st, st.romeo, c, JULIET_IP, 4000), 0);
    int a = sock_accept(st.juliet, l, NULL, NULL, st.net->now);
    ck_assert_int_eq(sock_send(st.romeo, c, sg_payload(), 30000, st.net->now), 30000);
    st_settle(&st);
    /* romeo has stopped: what is left of the window is too small to use
     * (sender SWS avoidance) or nothing */
    const struct sock *rs = sock_by_fd(st.romeo, c);
    ck_assert_uint_lt(rs->tcb.snd_wnd, rs->tcb.eff_mss);
    ck_assert_uint_ge(sock_recv_queue(sock_by_fd(st.juliet, a)), 8192 - rs->tcb.eff_mss);
    ck_assert_uint_lt(rs->tcb.snd_nxt - rs->tcb.iss - 1, 30000);
    static uint8_t buf[40000];
    size_t got = 0;
    if (lose_update) {
        struct fault_settings f = {.drop_next = 1};
        faults_configure(st.net->wire, &f, st.net->now);
    }
    for (int guard = 0; got < 30000 && guard < 1000; guard++) {
        long r = sock_recv(st.juliet, a, buf + got, sizeof buf - got, st.net->now);
        if (r > 0)
            got += (size_t)r;
        simnet_sleep(st.net, 100 * TL_MS);
    }
    ck_assert_uint_eq(got, 30000);
    ck_assert_int_eq(memcmp(buf, sg_payload(), 30000), 0);
    if (lose_update) {
        ck_assert_uint_eq(st.net->wire->st.dropped, 1);
        ck_assert_uint_ge(st.romeo->tcp.probes, 1);
    }
    st_free(&st);
}

CK_TEST(test_window_update_resumes_a_stalled_sender)
{
    stalled_then_read(false);
}
END_TEST

CK_TEST(test_lost_window_update_found_by_a_probe)
{
    stalled_then_read(true);
}
END_TEST

/* ---- silly window syndrome -------------------------------------------- */

CK_TEST(test_receiver_announces_no_silly_window)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_RCVBUF, 16384), 0);
    /* fill the buffer */
    uint32_t seq = P.nxt;
    for (int k = 0; k < 16; k++)
        peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1024, NULL, 0);
    ck_assert_uint_eq(sock_recv_queue(s), 16384);
    peer_drain(&P);
    /* reading 100 bytes at a time: no window update until a full segment
     * (§3.8.6.2.2: min(RCV.BUFF/2, Eff.snd.MSS)) has been freed */
    char b[100];
    int reads = 0;
    struct tcp_seg g;
    while (!peer_recv(&P, &g)) {
        ck_assert_int_eq(sock_recv(T.h, s->fd, b, sizeof b, T.now), 100);
        reads++;
        ck_assert_int_lt(reads, 200);
    }
    ck_assert_uint_ge((uint32_t)reads * 100, 1460);
    ck_assert_uint_ge(peer_wnd_of(&P, &g), 1460);
    ck_assert_uint_eq(g.ack, seq + 16384);
}
END_TEST

CK_TEST(test_sender_avoids_silly_segments_until_the_override_timeout)
{
    struct sock *s = plain(10 * TL_MS);
    queue_bytes(s, 1460);
    struct tcp_seg d[8];
    pop_data(d, 8);
    P.wnd = 100;                                 /* far below half of the largest window */
    peer_send(&P, TH_ACK, d[0].seq + 1460, 0, NULL, 0);
    queue_bytes(s, 5000);
    ck_assert_int_eq(pop_data(d, 8), 0);         /* a 100-byte segment would be silly */
    sg_advance(&T, s->tcb.persist_at);           /* the override timeout (§3.8.6.2.1) */
    ck_assert_int_eq(pop_data(d, 8), 1);
    ck_assert_uint_eq(d[0].len, 100);
}
END_TEST

/* ---- Nagle, NODELAY, delayed ACK ------------------------------------- */

CK_CASE("Nagle and delayed ACK", setup, teardown);

CK_TEST(test_nagle_holds_small_segments_while_data_is_unacknowledged)
{
    struct sock *s = plain(10 * TL_MS);
    struct tcp_seg d[8];
    queue_bytes(s, 10);
    ck_assert_int_eq(pop_data(d, 8), 1);         /* nothing in flight: goes at once */
    queue_bytes(s, 10);
    queue_bytes(s, 10);
    ck_assert_int_eq(pop_data(d, 8), 0);         /* held */
    peer_send(&P, TH_ACK, d[0].seq + 10, 0, NULL, 0);
    ck_assert_int_eq(pop_data(d, 8), 1);         /* together, when the ACK comes */
    ck_assert_uint_eq(d[0].len, 20);
}
END_TEST

CK_TEST(test_nodelay_sends_small_segments_at_once)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_NODELAY, 1), 0);
    struct tcp_seg d[8];
    queue_bytes(s, 10);
    queue_bytes(s, 10);
    queue_bytes(s, 10);
    ck_assert_int_eq(pop_data(d, 8), 3);
}
END_TEST

CK_TEST(test_quickack_option_acks_every_data_segment_at_once)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_QUICKACK, 1), 0);
    struct tcp_seg g;
    for (int k = 0; k < 40; k++) {               /* beyond Linux's 16 quick ACKs too */
        peer_send(&P, TH_ACK | TH_PSH, s->tcb.snd_nxt, 12, NULL, 0);
        ck_assert(peer_recv(&P, &g));
        ck_assert_uint_eq(g.ack, P.nxt);
    }
}
END_TEST

CK_TEST(test_quick_acks_at_the_start_then_delayed_as_linux)
{
    struct sock *s = plain(10 * TL_MS);
    struct tcp_seg g;
    for (int k = 0; k < 16; k++) {               /* Linux's TCP_MAX_QUICKACKS */
        peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1460, NULL, 0);
        ck_assert(peer_recv(&P, &g));
        ck_assert_uint_eq(g.ack, P.nxt);
    }
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1460, NULL, 0);
    ck_assert(!peer_recv(&P, &g));               /* then delayed ... */
    ck_assert_int_eq(s->tcb.delack_at - T.now, 40 * TL_MS);   /* ato: 40 ms */
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1460, NULL, 0);
    ck_assert(peer_recv(&P, &g));                /* ... but not past the second full segment */
    ck_assert_uint_eq(g.ack, P.nxt);
}
END_TEST

CK_TEST(test_delayed_ack_option_every_second_segment_or_timeout)
{
    struct sock *s = plain(10 * TL_MS);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_QUICKACK, 0), 0);
    struct tcp_seg g;
    s->tcb.last_rcv = T.now;                     /* past the quick ACKs of the start */
    s->tcb.quick = 0;
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1460, NULL, 0);
    ck_assert(!peer_recv(&P, &g));               /* delayed ... */
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 1460, NULL, 0);
    ck_assert(peer_recv(&P, &g));                /* ... but not past the second full segment */
    ck_assert_uint_eq(g.ack, P.nxt);
    peer_send(&P, TH_ACK, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert(!peer_recv(&P, &g));
    tl_time sent = T.now;
    sg_advance(&T, sent + T.h->cfg.delack_time);                /* ... nor past the timeout */
    ck_assert(peer_recv(&P, &g));
    ck_assert_uint_eq(g.ack, P.nxt);
    /* out of order: at once (RFC 5681 §4.2) */
    peer_send_at(&P, TH_ACK, P.nxt + 500, s->tcb.snd_nxt, 100, NULL, 0);
    ck_assert(peer_recv(&P, &g));
}
END_TEST

/* ---- RFC 5961 §7 ------------------------------------------------------ */

CK_CASE("attacks and corners", setup, teardown);
CK_TIMEOUT(120);

CK_TEST(test_challenge_acks_throttled_per_second)
{
    struct sock *s = plain(10 * TL_MS);
    int limit = T.h->cfg.challenge_ack_limit;
    size_t acks = 0;
    for (int k = 0; k < 5 * limit; k++) {        /* in-window RSTs, not exact: challenges */
        peer_send_at(&P, TH_RST, P.nxt + 1 + (uint32_t)k % 1000, 0, 0, NULL, 0);
        acks += peer_drain(&P);
    }
    ck_assert_int_eq(s->tcb.state, TCP_ESTABLISHED);
    ck_assert_uint_le(acks, (size_t)(limit + limit / 2));
    ck_assert_uint_ge(acks, (size_t)(limit / 2));
    ck_assert_uint_eq(T.h->drops[DROP_TCP_RST_CHALLENGE], (uint64_t)5 * limit);
    ck_assert_uint_eq(T.h->challenge_acks_suppressed + acks, (uint64_t)5 * limit);
    sg_advance(&T, T.now + TL_SEC);              /* the next second has a new quota */
    peer_send_at(&P, TH_RST, P.nxt + 1, 0, 0, NULL, 0);
    ck_assert_uint_eq(peer_drain(&P), 1);
}
END_TEST

/* ---- SYN floods -------------------------------------------------------- */

static size_t host_socks(const struct host *h)
{
    size_t n = 0;
    for (const struct sock *s = h->socks; s; s = s->next)
        n++;
    return n;
}

static size_t arp_waiting(const struct host *h)
{
    size_t n = 0;
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        n += (size_t)h->arp[i].nwaiting;
    return n;
}

CK_TEST(test_syn_flood_memory_bounded_and_a_genuine_client_connects)
{
    struct simtest st;
    st_init(&st, 11);
    int l = sock_socket(st.juliet, SOCKT_TCP);
    sock_bind(st.juliet, l, 0, 80);
    sock_listen(st.juliet, l, 128, st.net->now);
    /* ARP between the two, so the flood's effect on the cache shows */
    host_ping(st.romeo, JULIET_IP, 1, 1, 8, st.net->now);
    st_settle(&st);
    size_t heap0 = xfer_heap_bytes(), heap_max = heap0;
    struct rng r;
    rng_seed(&r, 99);
    int c = -1;
    const int N = 100000;
    for (int k = 0; k < N; k++) {
        /* a spoofed SYN: a random on-link source that never answers */
        struct tcp_seg g;
        memset(&g, 0, sizeof g);
        g.sport = (uint16_t)(1024 + rng_below(&r, 60000));
        g.dport = 80;
        g.seq = (uint32_t)rng_next(&r);
        g.flags = TH_SYN;
        g.wnd = 65535;
        g.opt.has_mss = true;
        g.opt.mss = 1460;
        g.opt.has_ts = (k & 1) != 0;
        g.opt.ts_val = (uint32_t)k;
        uint32_t src = 0x0a0a0000u | (3 + rng_below(&r, 0xfff0));
        uint8_t f[ETH_FRAME_MAX];
        size_t n = sg_frame_tcp(f, src, JULIET_IP, &g);
        memcpy(f + ETH_ALEN, "\x02\x00\xde\xad\xbe\xef", ETH_ALEN);
        host_input(st.juliet, f, n, st.net->now);
        if (k % 1000 == 999) {
            simnet_sleep(st.net, 10 * TL_MS);   /* 100 000 SYNs a second */
            size_t heap = xfer_heap_bytes();
            if (heap > heap_max)
                heap_max = heap;
            ck_assert_uint_le(host_socks(st.juliet), 256 + 2);
            ck_assert_uint_le(arp_waiting(st.juliet), ARP_CACHE_SIZE * ARP_QUEUE_MAX);
        }
        if (k == N / 2) {                        /* the genuine client, mid-flood */
            c = sock_socket(st.romeo, SOCKT_TCP);
            ck_assert_int_eq(sock_connect(st.romeo, c, JULIET_IP, 80, st.net->now), -EINPROGRESS);
        }
    }
    simnet_sleep(st.net, 2 * TL_SEC);
    ck_assert_int_eq(st_state(st.romeo, c), TCP_ESTABLISHED);
    ck_assert_uint_gt(st.juliet->tcp.syncookies_sent, (uint64_t)N / 2);
    ck_assert_uint_ge(st.juliet->tcp.syncookies_ok, 1);
    /* it carries data, and the stack still answers */
    int a = sock_accept(st.juliet, l, NULL, NULL, st.net->now);
    ck_assert_int_ge(a, 3);
    ck_assert_int_eq(sock_send(st.romeo, c, "still here", 10, st.net->now), 10);
    simnet_sleep(st.net, 1 * TL_SEC);
    char b[16];
    ck_assert_int_eq(sock_recv(st.juliet, a, b, sizeof b, st.net->now), 10);
    uint64_t pings = st.romeo->npings;
    host_ping(st.romeo, JULIET_IP, 2, 2, 8, st.net->now);
    simnet_sleep(st.net, 1 * TL_SEC);
    ck_assert_uint_eq(st.romeo->npings, pings + 1);
    /* memory: a few MB at most (256 embryos, ARP queues), however long the flood */
    ck_assert_uint_lt(heap_max - heap0, 8u << 20);
    /* the embryos go: their SYN,ACKs unanswered, ARP unresolved */
    simnet_sleep(st.net, 120 * TL_SEC);
    ck_assert_uint_le(host_socks(st.juliet), 3);
    st_free(&st);
}
END_TEST

CK_TEST(test_syn_cookie_connection_keeps_the_options)
{
    struct simtest st;
    st_init(&st, 12);
    st.juliet->cfg.syn_queue_max = 0;            /* every SYN answered with a cookie */
    int l = sock_socket(st.juliet, SOCKT_TCP);
    sock_bind(st.juliet, l, 0, 80);
    sock_listen(st.juliet, l, 0, st.net->now);
    int c = sock_socket(st.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&st, st.romeo, c, JULIET_IP, 80), 0);
    ck_assert_uint_eq(st.juliet->tcp.syncookies_sent, 1);
    ck_assert_uint_eq(st.juliet->tcp.syncookies_ok, 1);
    int a = sock_accept(st.juliet, l, NULL, NULL, st.net->now);
    ck_assert_int_ge(a, 3);
    const struct tcb *jt = &sock_by_fd(st.juliet, a)->tcb, *rt = &sock_by_fd(st.romeo, c)->tcb;
    ck_assert(jt->ts_ok && jt->sack_ok && jt->wscale_ok);   /* through the TSval bits */
    ck_assert_uint_eq(jt->snd_wscale, rt->rcv_wscale);
    ck_assert_uint_eq(jt->rcv_wscale, rt->snd_wscale);
    ck_assert_uint_eq(jt->snd_mss, 1460);
    static uint8_t buf[70000];
    ck_assert_int_eq(sock_send(st.romeo, c, sg_payload(), 60000, st.net->now), 60000);
    size_t got = 0;
    for (int k = 0; k < 100 && got < 60000; k++) {
        st_settle(&st);
        long n = sock_recv(st.juliet, a, buf + got, sizeof buf - got, st.net->now);
        if (n > 0)
            got += (size_t)n;
    }
    ck_assert_uint_eq(got, 60000);
    ck_assert_int_eq(memcmp(buf, sg_payload(), 60000), 0);
    st_free(&st);
}
END_TEST

CK_TEST(test_forged_cookie_ack_gets_rst)
{
    T.h->cfg.syn_queue_max = 0;
    int l = sock_socket(T.h, SOCKT_TCP);
    sock_bind(T.h, l, 0, 80);
    sock_listen(T.h, l, 0, T.now);
    sg_tcp_from_peer(&T, 5000, 80, 1000, 0, TH_SYN, 65535, 0);
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g));
    ck_assert_int_eq(g.flags, TH_SYN | TH_ACK);
    sg_tcp_from_peer(&T, 5000, 80, 1001, g.seq + 2, TH_ACK, 65535, 0);   /* wrong cookie */
    ck_assert(sg_pop_tcp(&T, &g));
    ck_assert_int_eq(g.flags, TH_RST);
    ck_assert_int_eq(sock_by_fd(T.h, l)->accept_queued, 0);
    sg_tcp_from_peer(&T, 5001, 80, 7000, 0, TH_SYN, 65535, 0);
    ck_assert(sg_pop_tcp(&T, &g));
    uint32_t old = g.seq;
    sg_advance(&T, T.now + 200 * TL_SEC);        /* too old: more than two 64 s periods */
    sg_tcp_from_peer(&T, 5002, 80, 9000, 0, TH_SYN, 65535, 0);   /* still flooded */
    struct sg_out o;
    ck_assert(sg_pop_peer(&T, &o) && o.is_tcp && o.tcp.flags == (TH_SYN | TH_ACK));
    sg_tcp_from_peer(&T, 5001, 80, 7001, old + 1, TH_ACK, 65535, 0);
    ck_assert(sg_pop_peer(&T, &o) && o.is_tcp);
    ck_assert_int_eq(o.tcp.flags, TH_RST);
    ck_assert_uint_eq(T.h->tcp.syncookies_ok, 0);
}
END_TEST

/* ---- corners ---------------------------------------------------------- */

CK_TEST(test_close_in_active_syn_received_then_rto_resends_syn_ack_and_fin)
{
    /* Simultaneous open, then close before the peer's ACK: the FIN follows
     * the unacknowledged SYN (§3.10.4); a timeout resends the SYN,ACK
     * (and never reads the empty send queue). */
    int fd = sock_socket(T.h, SOCKT_TCP);
    sock_bind(T.h, fd, 0, 5000);
    sock_connect(T.h, fd, SG_PEER_IP, 80, T.now);
    struct sock *s = sock_by_fd(T.h, fd);
    sg_drain(&T);
    sg_tcp_from_peer(&T, 80, 5000, 42, 0, TH_SYN, 8192, 0);
    ck_assert_int_eq(s->tcb.state, TCP_SYN_RECEIVED);
    sg_drain(&T);
    ck_assert_int_eq(sock_close(T.h, fd, T.now), 0);
    ck_assert_int_eq(s->tcb.state, TCP_FIN_WAIT_1);
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g));
    ck_assert_int_eq(g.flags, TH_FIN | TH_ACK);
    ck_assert_uint_eq(g.seq, s->tcb.iss + 1);
    sg_advance(&T, s->tcb.rto_at);
    ck_assert(sg_pop_tcp(&T, &g));
    ck_assert_int_eq(g.flags, TH_SYN | TH_ACK);
    ck_assert_uint_eq(g.seq, s->tcb.iss);
    ck_assert(sg_pop_tcp(&T, &g) == false || g.flags == (TH_FIN | TH_ACK));
    /* the peer acknowledges both: FIN-WAIT-2 */
    sg_tcp_from_peer(&T, 80, 5000, 43, s->tcb.iss + 2, TH_ACK, 8192, 0);
    ck_assert_int_eq(s->tcb.state, TCP_FIN_WAIT_2);
}
END_TEST

CK_TEST(test_transitions_stay_in_the_trace_after_a_long_transfer)
{
    struct simtest st;
    st_init(&st, 13);
    struct xfer x = {.bytes = {4u << 20, 4u << 20}, .seed = 1};
    ck_assert(xfer_run(st.net, &x));
    /* thousands of frames went by; every transition of the connection is kept */
    ck_assert_uint_gt(st.net->w.frames, 5000);
    ck_assert_uint_eq(trace_first_id(&st.romeo->trace), 1);
    ck_assert_int_eq(st_transitions(st.romeo, 1, TCP_SYN_SENT, TCP_ESTABLISHED), 1);
    ck_assert_int_eq(st_transitions(st.romeo, 1, TCP_ESTABLISHED, TCP_FIN_WAIT_1) +
                     st_transitions(st.romeo, 1, TCP_CLOSE_WAIT, TCP_LAST_ACK), 1);
    /* frames and drops have a ring of their own */
    ck_assert_uint_gt(trace_last_id(&st.romeo->wire_trace), 5000);
    st_free(&st);
}
END_TEST
