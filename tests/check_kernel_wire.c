/* What tap mode infers of the kernel host's TCB from the segments on the
 * TAP (link/kernel_wire.c), checked without root or a TAP: juliet, a
 * simulated host whose TCB is known, plays the kernel.  Every frame of a
 * real conversation on the simulated wire is fed to kwire_frame as it
 * would have crossed the TAP, and at each quiet moment what it inferred
 * must equal juliet's real TCB (RFC 9293 §3.3.1 variables; §3.10.7.4 for
 * the window; RFC 7323 §2.3 for its scaling). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "link/kernel.h"
#include "simtest.h"

static struct simtest T;
static struct kwire KW;
static size_t fed;              /* frames of T already fed to KW */
static enum tcp_cause causes[64];   /* the causes kwire_frame reported, in order */
static int ncauses;

static void setup(void)
{
    st_init(&T, 7);
    memset(&KW, 0, sizeof KW);
    fed = 0;
    ncauses = 0;
}

static void teardown(void) { st_free(&T); }

/* Most tests: juliet, the kernel, has accepted romeo's connection. */
static int C, S, ID;            /* romeo's descriptor, juliet's, and its socket id */
static int jid(int fd);

static void setup_server(void)
{
    setup();
    st_establish(&T, &C, &S);
    ID = jid(S);
}

/* Every frame sent since the last call, as the TAP would carry it: from
 * the kernel when juliet sent it. */
static void feed(void)
{
    for (; fed < T.nframes; fed++) {
        const struct cap_frame *f = &T.frames[fed];
        enum tcp_cause cause;
        if (kwire_frame(&KW, f->from == 1, f->bytes, f->len, f->t, &cause) && ncauses < 64)
            causes[ncauses++] = cause;
    }
}

static bool caused(enum tcp_cause what)
{
    for (int i = 0; i < ncauses; i++)
        if (causes[i] == what)
            return true;
    return false;
}

/* Juliet's sockets by id: a closed one lives on (FIN-WAIT, TIME-WAIT)
 * without its descriptor. */
static int jid(int fd)
{
    const struct sock *s = sock_by_fd(T.juliet, fd);
    ck_assert_ptr_nonnull(s);
    return s->id;
}

static const struct tcb *jtcb(int id)
{
    const struct sock *s = sock_by_id(T.juliet, id);
    ck_assert_ptr_nonnull(s);
    return &s->tcb;
}

/* What was inferred for juliet's socket id. */
static const struct kwire_conn *inferred(int id)
{
    const struct sock *s = sock_by_id(T.juliet, id);
    ck_assert_ptr_nonnull(s);
    const struct kwire_conn *c = kwire_find(&KW, s->laddr, s->lport, s->raddr, s->rport);
    ck_assert_msg(c != NULL, "no inference for juliet's socket %d", id);
    return c;
}

/* The sequence variables inferred so far against juliet's TCB. */
static void expect_seq(int id)
{
    feed();
    const struct kwire_conn *c = inferred(id);
    const struct tcb *b = jtcb(id);
    ck_assert_uint_eq(c->iss, b->iss);
    ck_assert_uint_eq(c->irs, b->irs);
    ck_assert_uint_eq(c->snd_una, b->snd_una);
    ck_assert_uint_eq(c->snd_nxt, b->snd_nxt);
    ck_assert_uint_eq(c->rcv_nxt, b->rcv_nxt);
    ck_assert_uint_eq(c->snd_wnd, b->snd_wnd);
    ck_assert_uint_eq(c->snd_wl1, b->snd_wl1);
    ck_assert_uint_eq(c->snd_wl2, b->snd_wl2);
}

/* All of it once the wire is quiet, RCV.WND as juliet last announced it
 * too: the right edge it advertised (its last ACK being RCV.NXT then). */
static void expect_tcb(int id)
{
    st_settle(&T);
    expect_seq(id);
    const struct kwire_conn *c = inferred(id);
    ck_assert_uint_eq(c->rcv_nxt + c->rcv_wnd, jtcb(id)->rcv_adv);
}

static void send_all(struct host *h, int fd, size_t n)
{
    static char buf[4096];
    memset(buf, 'k', sizeof buf);
    while (n) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        ck_assert_int_eq(sock_send(h, fd, buf, k, T.net->now), (long)k);
        n -= k;
        st_settle(&T);
    }
}

static size_t recv_all(struct host *h, int fd)
{
    static char buf[65536];
    long r = sock_recv(h, fd, buf, sizeof buf, T.net->now);
    return r > 0 ? (size_t)r : 0;
}

CK_CASE("sequence variables, the kernel as the server", setup_server, teardown);

CK_TEST(test_kernel_server_handshake_iss_irs_and_windows)
{
    expect_tcb(ID);
    const struct kwire_conn *k = inferred(ID);
    ck_assert(k->k_syn && k->p_syn);
    ck_assert(k->k_passive);
    ck_assert_uint_ne(k->k_wscale, 0xff);           /* both offered window scaling */
    ck_assert_uint_ne(k->p_wscale, 0xff);
    ck_assert(caused(TCP_CAUSE_RCV_SYN));
    ck_assert(caused(TCP_CAUSE_RCV_ACK_OF_SYN));
}
END_TEST

CK_TEST(test_data_both_ways_moves_snd_and_rcv_as_the_tcb)
{
    send_all(T.romeo, C, 20000);                    /* to the kernel */
    expect_tcb(ID);
    ck_assert_uint_eq(recv_all(T.juliet, S), 20000);
    st_settle(&T);                                  /* the window update */
    expect_tcb(ID);
    send_all(T.juliet, S, 30000);                   /* from the kernel */
    expect_tcb(ID);
    for (int k = 0; k < 4 && inferred(ID)->snd_una != inferred(ID)->snd_nxt; k++) {
        simnet_sleep(T.net, 50 * TL_MS);            /* delayed ACKs, and the tail Nagle held */
        expect_tcb(ID);
    }
    ck_assert_uint_eq(inferred(ID)->snd_una, inferred(ID)->snd_nxt);
}
END_TEST

CK_TEST(test_unacknowledged_data_held_on_the_wire_shows_in_flight)
{
    feed();
    ck_assert_int_eq(sock_send(T.juliet, S, "abcdefgh", 8, T.net->now), 8);
    /* the segment is on its way, its ACK not yet: SND.NXT ahead of SND.UNA */
    simnet_sleep(T.net, SIM_DELAY / 2);
    feed();
    const struct kwire_conn *k = inferred(ID);
    const struct tcb *b = jtcb(ID);
    ck_assert_uint_eq(k->snd_nxt - k->snd_una, 8);
    ck_assert_uint_eq(k->snd_nxt, b->snd_nxt);
    ck_assert_uint_eq(k->snd_una, b->snd_una);
    expect_tcb(ID);                                 /* then acknowledged */
    ck_assert_uint_eq(k->snd_una, k->snd_nxt);
}
END_TEST

CK_TEST(test_data_taken_in_before_the_delayed_ack_advances_rcv_nxt)
{
    ck_assert_int_eq(sock_setsockopt(T.juliet, S, SOCKOPT_QUICKACK, 0), 0);   /* ACKs wait 40 ms */
    sock_by_fd(T.juliet, S)->tcb.quick = 0;         /* past Linux's quick ACKs of the start */
    sock_by_fd(T.juliet, S)->tcb.last_rcv = T.net->now;
    feed();
    ck_assert_int_eq(sock_send(T.romeo, C, "0123456789", 10, T.net->now), 10);
    simnet_sleep(T.net, 2 * SIM_DELAY);             /* arrived, not yet acknowledged */
    feed();
    ck_assert(jtcb(ID)->timer[TCPT_DELACK] != TL_NEVER);
    expect_seq(ID);
    simnet_sleep(T.net, 50 * TL_MS);                /* the delayed ACK */
    ck_assert(jtcb(ID)->timer[TCPT_DELACK] == TL_NEVER);
    expect_tcb(ID);
}
END_TEST

CK_CASE("the kernel as the client", setup, teardown);

CK_TEST(test_kernel_client_closes_first_fin_counted_in_snd_nxt)
{
    int lfd = st_listener(&T, T.romeo, 5000, 8);
    int c = sock_socket(T.juliet, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.juliet, c, ROMEO_IP, 5000), 0);
    int s = sock_accept(T.romeo, lfd, NULL, NULL, T.net->now), id = jid(c);
    ck_assert_int_ge(s, 3);
    expect_tcb(id);
    ck_assert(!inferred(id)->k_passive);
    ck_assert(caused(TCP_CAUSE_CONNECT));
    ck_assert(caused(TCP_CAUSE_RCV_SYN_ACK));
    send_all(T.juliet, c, 1000);
    st_close(&T, T.juliet, c);
    expect_tcb(id);                                 /* FIN_WAIT_2: SND.NXT past the FIN */
    const struct kwire_conn *k = inferred(id);
    ck_assert(k->k_fin);
    ck_assert_uint_eq(k->k_fin_seq + 1, k->snd_nxt);
    ck_assert(caused(TCP_CAUSE_SND_FIN));
    ck_assert(caused(TCP_CAUSE_RCV_ACK_OF_FIN));
    ck_assert_uint_eq(recv_all(T.romeo, s), 1000);  /* else romeo's close is an RST */
    st_close(&T, T.romeo, s);
    ck_assert_int_eq(jtcb(id)->state, TCP_TIME_WAIT);
    expect_tcb(id);                                 /* RCV.NXT past romeo's FIN */
    ck_assert(inferred(id)->p_fin);
    ck_assert(caused(TCP_CAUSE_RCV_FIN));
}
END_TEST

CK_CASE("resets, strays, and connections seen halfway", setup_server, teardown);

CK_TEST(test_abort_is_seen_as_rst)
{
    feed();
    ck_assert_int_eq(sock_abort(T.romeo, C, T.net->now), 0);
    st_settle(&T);
    feed();
    ck_assert(inferred(ID)->rst);
    ck_assert(caused(TCP_CAUSE_RCV_RST));
}
END_TEST

CK_TEST(test_other_frames_and_broken_frames_change_nothing)
{
    feed();
    struct kwire before = KW;
    /* ARP, and every prefix of a TCP frame: nothing inferred, nothing changed */
    const struct cap_frame *arp = &T.frames[0];
    ck_assert_uint_ne(arp->ethertype, ETHERTYPE_IPV4);
    enum tcp_cause cause;
    ck_assert(!kwire_frame(&KW, true, arp->bytes, arp->len, T.net->now, &cause));
    const struct cap_frame *syn = st_tcp(&T, 0, 0);
    ck_assert_ptr_nonnull(syn);
    for (size_t n = 0; n < syn->len; n++)
        ck_assert(!kwire_frame(&KW, false, syn->bytes, n, T.net->now, &cause));
    uint8_t bad[ETH_FRAME_MAX];
    memcpy(bad, syn->bytes, syn->len);
    bad[syn->len - 1] ^= 0x40;                      /* the TCP checksum no longer holds */
    ck_assert(!kwire_frame(&KW, false, bad, syn->len, T.net->now, &cause));
    ck_assert_int_eq(memcmp(&before, &KW, sizeof KW), 0);
}
END_TEST

CK_TEST(test_picked_up_mid_connection_knows_only_what_it_saw)
{
    fed = T.nframes;                                /* the handshake went unseen */
    send_all(T.juliet, S, 100);
    st_settle(&T);
    feed();
    const struct kwire_conn *k = inferred(ID);
    ck_assert(!k->k_syn && !k->p_syn);
    const struct tcb *b = jtcb(ID);
    ck_assert_uint_eq(k->snd_nxt, b->snd_nxt);
    ck_assert_uint_eq(k->snd_una, b->snd_una);
    ck_assert_uint_eq(k->rcv_nxt, b->rcv_nxt);
}
END_TEST
