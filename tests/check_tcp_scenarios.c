/* Whole TCP conversations between two stacks on the simulated wire (RFC 9293
 * §3.5 opening and closing, §3.10.5 ABORT, §3.4 sequence numbers across
 * the wrap, §3.8.1 retransmission), checked by their segments, their state
 * transitions and what the socket calls return. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "segtest.h"
#include "simtest.h"

static struct simtest T;

static void setup(void) { st_init(&T, 1); }
static void teardown(void) { st_free(&T); }

static tl_time now(void) { return T.net->now; }

static int tcp_socket(struct host *h, uint16_t port)
{
    int fd = sock_socket(h, SOCKT_TCP);
    ck_assert_int_ge(fd, 3);
    if (port)
        ck_assert_int_eq(sock_bind(h, fd, 0, port), 0);
    return fd;
}

static int sock_id(struct host *h, int fd)
{
    return sock_by_fd(h, fd)->id;
}

/* When socket `id` of h entered state st (from its trace), or -1. */
static tl_time entered_at(const struct host *h, int id, enum tcp_state st)
{
    for (uint64_t e = trace_first_id(&h->trace); e <= trace_last_id(&h->trace); e++) {
        const struct trace_ev *ev = trace_get(&h->trace, e);
        if (ev && ev->kind == TRACE_STATE && ev->sock_id == id && ev->new_state == st)
            return ev->t;
    }
    return -1;
}

CK_CASE("opening and closing", setup, teardown);

CK_TEST(test_simultaneous_open_syn_received_then_established_on_both)
{
    int r = tcp_socket(T.romeo, 5000), j = tcp_socket(T.juliet, 6000);
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_connect(T.romeo, r, JULIET_IP, 6000, now()), -EINPROGRESS);
    ck_assert_int_eq(sock_connect(T.juliet, j, ROMEO_IP, 5000, now()), -EINPROGRESS);
    st_settle(&T);
    ck_assert_int_eq(st_state(T.romeo, r), TCP_ESTABLISHED);
    ck_assert_int_eq(st_state(T.juliet, j), TCP_ESTABLISHED);
    const struct tcb *rt = &sock_by_fd(T.romeo, r)->tcb, *jt = &sock_by_fd(T.juliet, j)->tcb;
    /* RFC 9293 Figure 7: two SYNs cross, then two SYN,ACKs, and no more. */
    ck_assert_uint_eq(st_count_tcp(&T, m), 4);
    for (int k = 0; k < 2; k++) {
        const struct tcp_seg *syn = &st_tcp(&T, m, (size_t)k)->seg;
        ck_assert_int_eq(syn->flags, TH_SYN);
        ck_assert_uint_eq(syn->seq, st_tcp(&T, m, (size_t)k)->from ? jt->iss : rt->iss);
    }
    for (int k = 2; k < 4; k++) {
        const struct cap_frame *c = st_tcp(&T, m, (size_t)k);
        const struct tcb *mine = c->from ? jt : rt, *theirs = c->from ? rt : jt;
        ck_assert_int_eq(c->seg.flags, TH_SYN | TH_ACK);
        ck_assert_uint_eq(c->seg.seq, mine->iss);            /* <SEQ=ISS><ACK=RCV.NXT> */
        ck_assert_uint_eq(c->seg.ack, theirs->iss + 1);
    }
    ck_assert_int_ne(st_tcp(&T, m, 2)->from, st_tcp(&T, m, 3)->from);
    int rid = sock_id(T.romeo, r), jid = sock_id(T.juliet, j);
    ck_assert_int_eq(st_transitions(T.romeo, rid, TCP_SYN_SENT, TCP_SYN_RECEIVED), 1);
    ck_assert_int_eq(st_transitions(T.romeo, rid, TCP_SYN_RECEIVED, TCP_ESTABLISHED), 1);
    ck_assert_int_eq(st_transitions(T.juliet, jid, TCP_SYN_SENT, TCP_SYN_RECEIVED), 1);
    ck_assert_int_eq(st_transitions(T.juliet, jid, TCP_SYN_RECEIVED, TCP_ESTABLISHED), 1);
    ck_assert_uint_eq(rt->snd_nxt, jt->rcv_nxt);
    ck_assert_uint_eq(jt->snd_nxt, rt->rcv_nxt);
    /* and the connection carries data */
    char buf[8];
    ck_assert_int_eq(sock_send(T.romeo, r, "ab", 2, now()), 2);
    st_settle(&T);
    ck_assert_int_eq(sock_recv(T.juliet, j, buf, sizeof buf, now()), 2);
}
END_TEST

CK_TEST(test_simultaneous_close_closing_then_time_wait_on_both)
{
    int c, s;
    st_establish(&T, &c, &s);
    int cid = sock_id(T.romeo, c), sid = sock_id(T.juliet, s);
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_close(T.romeo, c, now()), 0);
    st_close(&T, T.juliet, s);
    /* Two FINs cross, each acknowledging only the other's data; two ACKs. */
    ck_assert_uint_eq(st_count_tcp(&T, m), 4);
    ck_assert_int_eq(st_tcp(&T, m, 0)->seg.flags, TH_FIN | TH_ACK);
    ck_assert_int_eq(st_tcp(&T, m, 1)->seg.flags, TH_FIN | TH_ACK);
    ck_assert_int_eq(st_tcp(&T, m, 2)->seg.flags, TH_ACK);
    ck_assert_int_eq(st_tcp(&T, m, 3)->seg.flags, TH_ACK);
    ck_assert_uint_eq(st_tcp(&T, m, 2)->seg.ack, st_tcp(&T, m, 3)->seg.seq);
    const struct host *hs[2] = {T.romeo, T.juliet};
    const int ids[2] = {cid, sid};
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(st_transitions(hs[k], ids[k], TCP_ESTABLISHED, TCP_FIN_WAIT_1), 1);
        ck_assert_int_eq(st_transitions(hs[k], ids[k], TCP_FIN_WAIT_1, TCP_CLOSING), 1);
        ck_assert_int_eq(st_transitions(hs[k], ids[k], TCP_CLOSING, TCP_TIME_WAIT), 1);
        ck_assert_int_eq(sock_by_id(hs[k], ids[k])->tcb.state, TCP_TIME_WAIT);
    }
    simnet_sleep(T.net, 2 * T.romeo->cfg.msl);
    ck_assert_ptr_null(sock_by_id(T.romeo, cid));
    ck_assert_ptr_null(sock_by_id(T.juliet, sid));
}
END_TEST

CK_TEST(test_half_close_data_still_flows_toward_the_fin_sender)
{
    int c, s;
    st_establish(&T, &c, &s);
    char buf[64];
    ck_assert_int_eq(sock_shutdown(T.romeo, c, SHUTDOWN_WR, now()), 0);
    st_settle(&T);
    ck_assert_int_eq(st_state(T.romeo, c), TCP_FIN_WAIT_2);
    ck_assert_int_eq(st_state(T.juliet, s), TCP_CLOSE_WAIT);
    ck_assert_int_eq(sock_recv(T.juliet, s, buf, sizeof buf, now()), 0);      /* EOF */
    ck_assert_int_eq(sock_send(T.romeo, c, "late", 4, now()), -EPIPE);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(sock_send(T.juliet, s, "still here", 10, now()), 10);
        st_settle(&T);
        ck_assert_int_eq(sock_recv(T.romeo, c, buf, sizeof buf, now()), 10);
        ck_assert_int_eq(memcmp(buf, "still here", 10), 0);
    }
    ck_assert_int_eq(st_state(T.romeo, c), TCP_FIN_WAIT_2);
    ck_assert_int_eq(sock_recv(T.romeo, c, buf, sizeof buf, now()), -EAGAIN);
    st_close(&T, T.juliet, s);
    ck_assert_int_eq(st_state(T.romeo, c), TCP_TIME_WAIT);
    ck_assert_int_eq(sock_recv(T.romeo, c, buf, sizeof buf, now()), 0);
}
END_TEST

/* The RST of an abort: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> from romeo. */
static void expect_abort_rst(size_t m, const struct tcb *was)
{
    ck_assert_uint_eq(st_count_tcp(&T, m), 1);
    const struct cap_frame *rst = st_tcp(&T, m, 0);
    ck_assert_int_eq(rst->from, 0);
    ck_assert_int_eq(rst->seg.flags, TH_RST | TH_ACK);
    ck_assert_uint_eq(rst->seg.seq, was->snd_nxt);
    ck_assert_uint_eq(rst->seg.ack, was->rcv_nxt);
}

static void expect_reset_seen(int s)
{
    char buf[8];
    ck_assert_int_eq(st_state(T.juliet, s), TCP_CLOSED);
    ck_assert_int_eq(sock_recv(T.juliet, s, buf, sizeof buf, now()), -ECONNRESET);
    ck_assert_int_eq(sock_send(T.juliet, s, "x", 1, now()), -EPIPE);
    ck_assert_int_eq(sock_send(T.juliet, s, "x", 1, now()), -EPIPE);
}

CK_TEST(test_abort_sends_rst_ack_and_peer_sees_econnreset_then_epipe)
{
    int c, s;
    st_establish(&T, &c, &s);
    ck_assert_int_eq(sock_send(T.juliet, s, "unread?", 7, now()), 7);
    st_settle(&T);
    char buf[8];
    ck_assert_int_eq(sock_recv(T.romeo, c, buf, sizeof buf, now()), 7);
    struct tcb was = sock_by_fd(T.romeo, c)->tcb;
    int cid = sock_id(T.romeo, c);
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_abort(T.romeo, c, now()), 0);
    ck_assert_ptr_null(sock_by_fd(T.romeo, c));           /* the descriptor is gone */
    const struct sock *gone = sock_by_id(T.romeo, cid);
    ck_assert(!gone || (gone->dead && gone->tcb.state == TCP_CLOSED));   /* and the TCB */
    st_settle(&T);
    expect_abort_rst(m, &was);
    expect_reset_seen(s);
}
END_TEST

CK_TEST(test_linger_zero_close_sends_rst_instead_of_fin)
{
    int c, s;
    st_establish(&T, &c, &s);
    ck_assert_int_eq(sock_setsockopt(T.romeo, c, SOCKOPT_LINGER0, 1), 0);
    struct tcb was = sock_by_fd(T.romeo, c)->tcb;
    size_t m = st_mark(&T);
    st_close(&T, T.romeo, c);
    expect_abort_rst(m, &was);
    expect_reset_seen(s);
}
END_TEST

CK_TEST(test_close_with_unread_data_sends_rst_not_fin)
{
    int c, s;
    st_establish(&T, &c, &s);
    ck_assert_int_eq(sock_send(T.juliet, s, "never read", 10, now()), 10);
    st_settle(&T);
    struct tcb was = sock_by_fd(T.romeo, c)->tcb;
    ck_assert_uint_eq(sock_recv_queue(sock_by_fd(T.romeo, c)), 10);
    size_t m = st_mark(&T);
    st_close(&T, T.romeo, c);
    expect_abort_rst(m, &was);                            /* RFC 2525 §2.17 */
    expect_reset_seen(s);
}
END_TEST

static uint8_t data_byte(size_t i) { return (uint8_t)(i * 7 + i / 251); }

/* Move n bytes from (a, fa) to (b, fb), reading as they come; checks them.
 * When nothing moves, time runs to the next timer (a delayed ACK). */
static void transfer(struct host *a, int fa, struct host *b, int fb, size_t n)
{
    static uint8_t out[70000], in[70000];
    size_t sent = 0, got = 0;
    for (int guard = 0; got < n; guard++) {
        ck_assert_int_lt(guard, 10000);
        size_t before = sent + got;
        if (sent < n) {
            size_t chunk = n - sent < sizeof out ? n - sent : sizeof out;
            for (size_t k = 0; k < chunk; k++)
                out[k] = data_byte(sent + k);
            long w = sock_send(a, fa, out, chunk, now());
            if (w > 0)
                sent += (size_t)w;
            else
                ck_assert_int_eq(w, -EAGAIN);
        }
        st_settle(&T);
        long r;
        while ((r = sock_recv(b, fb, in, sizeof in, now())) > 0) {
            for (long k = 0; k < r; k++)
                ck_assert_msg(in[k] == data_byte(got + (size_t)k), "byte %zu", got + (size_t)k);
            got += (size_t)r;
        }
        st_settle(&T);
        if (sent + got == before && simnet_next_event(T.net) != TL_NEVER)
            simnet_sleep(T.net, simnet_next_event(T.net) - now());
    }
    ck_assert_uint_eq(got, n);
}

CK_CASE("sequence numbers, timers, determinism", setup, teardown);

CK_TEST(test_iss_just_below_2_32_wraps_and_every_byte_arrives)
{
    int lfd = st_listener(&T, T.juliet, 4000, 16);
    int c = tcp_socket(T.romeo, 0);
    host_force_iss(T.romeo, 0xffffff00u);
    host_force_iss(T.juliet, 0xfffffff0u);
    ck_assert_int_eq(st_connect(&T, T.romeo, c, JULIET_IP, 4000), 0);
    int s = sock_accept(T.juliet, lfd, NULL, NULL, now());
    const struct tcb *ct = &sock_by_fd(T.romeo, c)->tcb, *stb = &sock_by_fd(T.juliet, s)->tcb;
    ck_assert_uint_eq(ct->iss, 0xffffff00u);
    ck_assert_uint_eq(stb->irs, 0xffffff00u);
    ck_assert_uint_eq(stb->iss, 0xfffffff0u);
    transfer(T.romeo, c, T.juliet, s, 200000);
    transfer(T.juliet, s, T.romeo, c, 100000);
    ck_assert_uint_eq(ct->snd_nxt, (uint32_t)(0xffffff00u + 1 + 200000));   /* 0x00030c41 */
    ck_assert_uint_eq(ct->snd_una, ct->snd_nxt);
    ck_assert_uint_eq(stb->rcv_nxt, ct->snd_nxt);
    ck_assert_uint_eq(stb->snd_nxt, (uint32_t)(0xfffffff0u + 1 + 100000));
    ck_assert_uint_eq(stb->snd_una, stb->snd_nxt);
    ck_assert_uint_eq(ct->rcv_nxt, stb->snd_nxt);
    ck_assert_uint_eq(ct->retrans_segs + stb->retrans_segs, 0);
    ck_assert_uint_eq(sg_drops_total(T.romeo) + sg_drops_total(T.juliet), 0);
    /* and the close goes through the wrapped numbers too */
    ck_assert_int_eq(sock_close(T.romeo, c, now()), 0);
    st_close(&T, T.juliet, s);
    ck_assert_uint_eq(sg_drops_total(T.romeo) + sg_drops_total(T.juliet), 0);
}
END_TEST

CK_CASE("opening and closing", setup, teardown);

CK_TEST(test_time_wait_lasts_exactly_2msl)
{
    T.romeo->cfg.msl = 5 * TL_SEC;
    int c, s;
    st_establish(&T, &c, &s);
    int cid = sock_id(T.romeo, c);
    st_close(&T, T.romeo, c);
    st_close(&T, T.juliet, s);
    tl_time tw = entered_at(T.romeo, cid, TCP_TIME_WAIT);
    ck_assert_int_ge(tw, 0);
    simnet_sleep(T.net, tw + 10 * TL_SEC - 1 - now());
    ck_assert_ptr_nonnull(sock_by_id(T.romeo, cid));
    simnet_sleep(T.net, 1);
    ck_assert_ptr_null(sock_by_id(T.romeo, cid));
    ck_assert_int_eq(entered_at(T.romeo, cid, TCP_CLOSED), tw + 10 * TL_SEC);
}
END_TEST

CK_TEST(test_orphaned_fin_wait_2_closes_after_fin_timeout)
{
    int c, s;
    st_establish(&T, &c, &s);
    int cid = sock_id(T.romeo, c);
    st_close(&T, T.romeo, c);
    tl_time fw2 = entered_at(T.romeo, cid, TCP_FIN_WAIT_2);
    simnet_sleep(T.net, fw2 + T.romeo->cfg.fin_timeout - 1 - now());
    ck_assert_int_eq(sock_by_id(T.romeo, cid)->tcb.state, TCP_FIN_WAIT_2);
    simnet_sleep(T.net, 1);
    ck_assert_ptr_null(sock_by_id(T.romeo, cid));
    ck_assert_int_eq(st_state(T.juliet, s), TCP_CLOSE_WAIT);
}
END_TEST

CK_TEST(test_close_in_fin_wait_2_after_shutdown_starts_fin_timeout)
{
    /* Half-closed and held open, FIN_WAIT_2 waits for the peer as long as
     * it likes; once closed it is an orphan with Linux's tcp_fin_timeout. */
    int c, s;
    st_establish(&T, &c, &s);
    int cid = sock_id(T.romeo, c);
    ck_assert_int_eq(sock_shutdown(T.romeo, c, SHUTDOWN_WR, now()), 0);
    st_settle(&T);
    simnet_sleep(T.net, 2 * T.romeo->cfg.fin_timeout);
    ck_assert_int_eq(st_state(T.romeo, c), TCP_FIN_WAIT_2);
    tl_time closed = now();
    ck_assert_int_eq(sock_close(T.romeo, c, now()), 0);
    simnet_sleep(T.net, T.romeo->cfg.fin_timeout - 1);
    ck_assert_ptr_nonnull(sock_by_id(T.romeo, cid));
    simnet_sleep(T.net, 1);
    ck_assert_ptr_null(sock_by_id(T.romeo, cid));
    ck_assert_int_eq(entered_at(T.romeo, cid, TCP_CLOSED), closed + T.romeo->cfg.fin_timeout);
    (void)s;
}
END_TEST

CK_TEST(test_refused_connect_can_connect_again)
{
    int eph = tcp_socket(T.romeo, 0), fixed = tcp_socket(T.romeo, 5000);
    ck_assert_int_eq(st_connect(&T, T.romeo, eph, JULIET_IP, 4000), ECONNREFUSED);
    ck_assert_int_eq(st_connect(&T, T.romeo, fixed, JULIET_IP, 4000), ECONNREFUSED);
    ck_assert(!sock_by_fd(T.romeo, eph)->bound);          /* its ephemeral port given back */
    ck_assert_uint_eq(sock_by_fd(T.romeo, fixed)->lport, 5000);
    int lfd = st_listener(&T, T.juliet, 4000, 16);
    ck_assert_int_eq(st_connect(&T, T.romeo, eph, JULIET_IP, 4000), 0);
    ck_assert_int_eq(st_connect(&T, T.romeo, fixed, JULIET_IP, 4000), 0);
    ck_assert_uint_eq(sock_by_fd(T.romeo, fixed)->lport, 5000);
    ck_assert_int_ge(sock_accept(T.juliet, lfd, NULL, NULL, now()), 3);
    ck_assert_int_ge(sock_accept(T.juliet, lfd, NULL, NULL, now()), 3);
    ck_assert_int_eq(sock_connect(T.romeo, eph, JULIET_IP, 4000, now()), -EISCONN);
}
END_TEST

CK_TEST(test_full_accept_queue_drops_syns_until_accept)
{
    /* Linux admits backlog + 1 connections to the accept queue. */
    int lfd = st_listener(&T, T.juliet, 4000, 1);
    int c[3];
    for (int k = 0; k < 2; k++) {
        c[k] = tcp_socket(T.romeo, 0);
        ck_assert_int_eq(st_connect(&T, T.romeo, c[k], JULIET_IP, 4000), 0);
    }
    c[2] = tcp_socket(T.romeo, 0);
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_connect(T.romeo, c[2], JULIET_IP, 4000, now()), -EINPROGRESS);
    st_settle(&T);
    ck_assert_uint_eq(st_count_tcp(&T, m), 1);            /* the SYN, unanswered */
    ck_assert_uint_eq(T.juliet->drops[DROP_TCP_SYN_QUEUE_FULL], 1);
    ck_assert_int_eq(st_state(T.romeo, c[2]), TCP_SYN_SENT);
    ck_assert_int_ge(sock_accept(T.juliet, lfd, NULL, NULL, now()), 3);
    simnet_sleep(T.net, T.romeo->cfg.rto_initial);        /* the SYN's retransmission */
    st_settle(&T);
    ck_assert_int_eq(st_state(T.romeo, c[2]), TCP_ESTABLISHED);
    ck_assert_int_eq(sock_by_fd(T.juliet, lfd)->accept_queued, 2);
}
END_TEST

CK_CASE("sequence numbers, timers, determinism", setup, teardown);

CK_TEST(test_connect_times_out_after_syn_retries)
{
    /* The peer is up (it answers ARP) but its TCP never answers: romeo
     * alone, every TCP segment it sends dropped. */
    struct segtest t;
    sg_init(&t, 1);
    tl_time t0 = t.now, syn_at[8];
    int fd = sock_socket(t.h, SOCKT_TCP), nsyn = 0, err = 0;
    ck_assert_int_eq(sock_connect(t.h, fd, SG_PEER_IP, 80, t.now), -EINPROGRESS);
    uint32_t iss = sock_by_fd(t.h, fd)->tcb.iss;
    for (;;) {
        struct sg_out o;
        while (sg_pop_peer(&t, &o)) {
            ck_assert(o.is_tcp && o.tcp.flags == TH_SYN && o.tcp.seq == iss);
            ck_assert_int_lt(nsyn, 8);
            syn_at[nsyn++] = t.now;
        }
        if (sock_connect_done(t.h, fd, &err))
            break;
        tl_time d = host_next_deadline(t.h);
        ck_assert(d <= t0 + 200 * TL_SEC);
        sg_advance(&t, d);
    }
    /* RFC 6298 (5.5): the timeout doubles; Linux's tcp_syn_retries = 6. */
    static const int at[] = {0, 1, 3, 7, 15, 31, 63};
    ck_assert_int_eq(nsyn, 7);
    for (int k = 0; k < 7; k++)
        ck_assert_msg(syn_at[k] == t0 + at[k] * TL_SEC, "SYN %d at %lld", k, (long long)syn_at[k]);
    ck_assert_int_eq(err, ETIMEDOUT);
    ck_assert_int_eq(t.now, t0 + 127 * TL_SEC);
    ck_assert_uint_eq(sg_drain(&t), 0);                   /* no RST for a SYN-SENT */
    sg_free(&t);
}
END_TEST

CK_TEST(test_unacknowledged_data_backs_off_then_etimedout)
{
    /* RFC 6298 (5.5) backoff, capped at Linux's TCP_RTO_MAX of 120 s;
     * after data_retries (Linux tcp_retries2 = 15) the connection is
     * dropped with ETIMEDOUT, no RST.  The first timeout is the RTO the
     * handshake measured (RFC 6298 (2.2): here a zero RTT, so the 200 ms
     * floor). */
    struct segtest t;
    sg_init(&t, 1);
    int fd = sock_socket(t.h, SOCKT_TCP);
    ck_assert_int_eq(sock_connect(t.h, fd, SG_PEER_IP, 80, t.now), -EINPROGRESS);
    struct sock *s = sock_by_fd(t.h, fd);
    sg_tcp_from_peer(&t, 80, s->lport, 5000, s->tcb.iss + 1, TH_SYN | TH_ACK, 8192, 0);
    sg_drain(&t);
    ck_assert_int_eq(sock_send(t.h, fd, "lost", 4, t.now), 4);
    tl_time sent = t.now, prev = t.now, gap = 0;
    uint32_t seq = s->tcb.snd_una;
    int retx = -1, err = 0;
    char buf[4];
    for (;;) {
        struct sg_out o;
        while (sg_pop_peer(&t, &o)) {
            ck_assert(o.is_tcp && o.tcp.seq == seq && o.tcp.len == 4);
            if (retx >= 0) {
                tl_time want = gap ? (2 * gap > 120 * TL_SEC ? 120 * TL_SEC : 2 * gap)
                                   : t.h->cfg.rto_min;
                ck_assert_msg(t.now - prev == want, "retransmission %d after %lld", retx + 1,
                              (long long)(t.now - prev));
                gap = t.now - prev;
            }
            prev = t.now;
            retx++;
        }
        long r = sock_recv(t.h, fd, buf, sizeof buf, t.now);
        if (r != -EAGAIN) {
            err = (int)-r;
            break;
        }
        ck_assert(t.now < sent + 3600 * TL_SEC);
        sg_advance(&t, host_next_deadline(t.h));
    }
    ck_assert_int_eq(retx, t.h->cfg.data_retries);
    ck_assert_int_eq(err, ETIMEDOUT);
    ck_assert_int_eq(t.now - prev, 120 * TL_SEC);
    ck_assert_int_eq(s->tcb.state, TCP_CLOSED);
    ck_assert_uint_eq(sg_drain(&t), 0);
    sg_free(&t);
}
END_TEST

/* A short conversation, every frame captured. */
static void conversation(struct simtest *t)
{
    int l = sock_socket(t->juliet, SOCKT_TCP);
    sock_bind(t->juliet, l, 0, 4000);
    sock_listen(t->juliet, l, 8, t->net->now);
    int c = sock_socket(t->romeo, SOCKT_TCP);
    st_connect(t, t->romeo, c, JULIET_IP, 4000);
    int s = sock_accept(t->juliet, l, NULL, NULL, t->net->now);
    char buf[16];
    sock_send(t->romeo, c, "Hello juliet", 12, t->net->now);
    st_settle(t);
    sock_recv(t->juliet, s, buf, sizeof buf, t->net->now);
    sock_close(t->juliet, s, t->net->now);
    st_settle(t);
    sock_close(t->romeo, c, t->net->now);
    simnet_sleep(t->net, 120 * TL_SEC);
}

CK_TEST(test_same_seed_same_frames_other_seed_other_iss)
{
    struct simtest a, b, o;
    st_init(&a, 42);
    st_init(&b, 42);
    st_init(&o, 43);
    conversation(&a);
    conversation(&b);
    conversation(&o);
    ck_assert_uint_gt(a.nframes, 10);
    ck_assert_uint_eq(a.nframes, b.nframes);
    for (size_t k = 0; k < a.nframes; k++) {
        ck_assert_msg(a.frames[k].t == b.frames[k].t && a.frames[k].from == b.frames[k].from &&
                      a.frames[k].len == b.frames[k].len &&
                      memcmp(a.frames[k].bytes, b.frames[k].bytes, a.frames[k].len) == 0,
                      "frame %zu differs", k);
    }
    const struct tcp_seg *sa = &st_tcp(&a, 0, 0)->seg, *so = &st_tcp(&o, 0, 0)->seg;
    ck_assert_int_eq(sa->flags, TH_SYN);
    ck_assert_int_eq(so->flags, TH_SYN);
    ck_assert_uint_ne(sa->seq, so->seq);
    ck_assert_uint_ne(st_tcp(&a, 0, 1)->seg.seq, st_tcp(&o, 0, 1)->seg.seq);
    st_free(&a);
    st_free(&b);
    st_free(&o);
}
END_TEST

CK_CASE("opening and closing", setup, teardown);

CK_TEST(test_segment_for_a_forgotten_connection_gets_rst)
{
    /* juliet reboots: its fresh stack answers romeo's next segment with
     * <SEQ=SEG.ACK><CTL=RST> (§3.10.7.1), which romeo takes as exact. */
    int c, s;
    st_establish(&T, &c, &s);
    (void)s;
    struct host_config cfg = T.juliet->cfg;
    host_free(T.juliet);
    T.juliet = T.net->hosts[1] = host_new(&cfg);
    uint32_t rcv_nxt = sock_by_fd(T.romeo, c)->tcb.rcv_nxt;
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_send(T.romeo, c, "are you there?", 14, now()), 14);
    st_settle(&T);
    ck_assert_uint_eq(st_count_tcp(&T, m), 2);
    const struct cap_frame *rst = st_tcp(&T, m, 1);
    ck_assert_int_eq(rst->from, 1);
    ck_assert_int_eq(rst->seg.flags, TH_RST);
    ck_assert_uint_eq(rst->seg.seq, rcv_nxt);
    ck_assert_uint_eq(T.juliet->drops[DROP_TCP_NO_SOCKET], 1);
    char buf[8];
    ck_assert_int_eq(st_state(T.romeo, c), TCP_CLOSED);
    ck_assert_int_eq(sock_recv(T.romeo, c, buf, sizeof buf, now()), -ECONNRESET);
}
END_TEST

CK_TEST(test_connect_to_own_address_over_loopback)
{
    int lfd = st_listener(&T, T.romeo, 4000, 8);
    int c = tcp_socket(T.romeo, 0);
    size_t m = st_mark(&T);
    ck_assert_int_eq(st_connect(&T, T.romeo, c, ROMEO_IP, 4000), 0);
    int s = sock_accept(T.romeo, lfd, NULL, NULL, now());
    ck_assert_int_ge(s, 3);
    char buf[8];
    ck_assert_int_eq(sock_send(T.romeo, c, "me", 2, now()), 2);
    st_settle(&T);
    ck_assert_int_eq(sock_recv(T.romeo, s, buf, sizeof buf, now()), 2);
    ck_assert_int_eq(sock_close(T.romeo, c, now()), 0);
    st_close(&T, T.romeo, s);
    ck_assert_uint_eq(st_mark(&T), m);                    /* nothing on the wire */
    ck_assert_uint_eq(sg_drops_total(T.romeo), 0);
}
END_TEST
