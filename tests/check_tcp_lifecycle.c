/* The socket lab of the course, end to end on the simulated wire: the
 * observations a student is asked to make must hold on tcplab's stack. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "simtest.h"

static struct simtest T;

static void setup(void) { st_init(&T, 1); }
static void teardown(void) { st_free(&T); }

CK_CASE("socket lab", setup, teardown);

CK_TEST(test_socket_bind_listen_send_nothing)
{
    size_t m = st_mark(&T);
    int fd = st_listener(&T, T.juliet, 4000, 128);
    st_settle(&T);
    ck_assert_uint_eq(T.nframes, m);
    ck_assert_int_eq(st_state(T.juliet, fd), TCP_LISTEN);
}
END_TEST

CK_TEST(test_connect_to_closed_port_is_refused_by_rst)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    size_t m = st_mark(&T);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4001), ECONNREFUSED);
    ck_assert_uint_eq(st_count_tcp(&T, m), 2);
    const struct cap_frame *syn = st_tcp(&T, m, 0), *rst = st_tcp(&T, m, 1);
    ck_assert_int_eq(syn->seg.flags, TH_SYN);
    ck_assert_int_eq(rst->from, 1);
    ck_assert_int_eq(rst->seg.flags, TH_RST | TH_ACK);
    ck_assert_uint_eq(rst->seg.seq, 0);
    ck_assert_uint_eq(rst->seg.ack, syn->seg.seq + 1);
    ck_assert_int_eq(st_state(T.romeo, fd), TCP_CLOSED);
    /* The same socket may connect again (Linux). */
    int lfd = st_listener(&T, T.juliet, 4001, 128);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4001), 0);
    ck_assert_int_eq(st_state(T.romeo, fd), TCP_ESTABLISHED);
    (void)lfd;
}
END_TEST

CK_TEST(test_handshake_synack_before_accept)
{
    int lfd = st_listener(&T, T.juliet, 4000, 128);
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    size_t m = st_mark(&T);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4000), 0);
    ck_assert_uint_eq(st_count_tcp(&T, m), 3);
    ck_assert_int_eq(st_tcp(&T, m, 0)->seg.flags, TH_SYN);
    ck_assert_int_eq(st_tcp(&T, m, 1)->seg.flags, TH_SYN | TH_ACK);
    ck_assert_int_eq(st_tcp(&T, m, 2)->seg.flags, TH_ACK);
    ck_assert(st_tcp(&T, m, 0)->seg.opt.has_mss);
    ck_assert_int_eq(st_tcp(&T, m, 0)->seg.opt.mss, 1460);
    struct sock *c = sock_by_fd(T.romeo, fd);
    ck_assert_int_eq(st_transitions(T.romeo, c->id, TCP_CLOSED, TCP_SYN_SENT), 1);
    ck_assert_int_eq(st_transitions(T.romeo, c->id, TCP_SYN_SENT, TCP_ESTABLISHED), 1);
    /* The connection waits, established, in the accept queue. */
    struct sock *l = sock_by_fd(T.juliet, lfd);
    ck_assert_int_eq(l->accept_queued, 1);
    m = st_mark(&T);
    uint32_t a;
    uint16_t p;
    int cfd = sock_accept(T.juliet, lfd, &a, &p, T.net->now);
    ck_assert_int_ge(cfd, 3);
    ck_assert_uint_eq(a, ROMEO_IP);
    ck_assert_uint_eq(p, c->lport);
    st_settle(&T);
    ck_assert_uint_eq(st_mark(&T), m);    /* accept sends nothing */
    ck_assert_int_eq(st_state(T.juliet, cfd), TCP_ESTABLISHED);
    ck_assert_int_eq(sock_accept(T.juliet, lfd, NULL, NULL, T.net->now), -EAGAIN);
}
END_TEST

CK_TEST(test_data_acked_before_recv_and_waits_in_queue)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    size_t m = st_mark(&T);
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello juliet\n", 13, T.net->now), 13);
    st_settle(&T);
    ck_assert_uint_eq(st_count_tcp(&T, m), 2);
    const struct cap_frame *d = st_tcp(&T, m, 0), *ack = st_tcp(&T, m, 1);
    ck_assert_int_eq(d->seg.flags, TH_PSH | TH_ACK);
    ck_assert_uint_eq(d->seg.len, 13);
    ck_assert_int_eq(ack->from, 1);
    ck_assert_uint_eq(ack->seg.ack, d->seg.seq + 13);
    struct sock *s = sock_by_fd(T.juliet, sfd);
    ck_assert_uint_eq(sock_recv_queue(s), 13);
    /* The window: what is left of the 65160 the SYN,ACK offered (the 64
     * KiB buffer in segments of 1448, as Linux; SWS avoidance keeps that
     * right edge), in the units of the window scale both sides agreed on
     * (RFC 7323 §2.3, rounded down). */
    uint32_t wnd = (uint32_t)ack->seg.wnd << s->tcb.rcv_wscale;
    ck_assert_uint_eq(s->tcb.rcv_wscale, 7);                 /* as Linux's */
    ck_assert_uint_le(wnd, 65160 - 13);
    ck_assert_uint_ge(wnd, 65160 - 13 - 128);
    char buf[64];
    m = st_mark(&T);
    ck_assert_int_eq(sock_recv(T.juliet, sfd, buf, 5, T.net->now), 5);
    ck_assert_int_eq(memcmp(buf, "Hello", 5), 0);
    ck_assert_int_eq(sock_recv(T.juliet, sfd, buf, sizeof buf, T.net->now), 8);
    ck_assert_uint_eq(sock_recv_queue(s), 0);
    ck_assert_int_eq(sock_recv(T.juliet, sfd, buf, sizeof buf, T.net->now), -EAGAIN);
    st_settle(&T);
    ck_assert_uint_eq(st_count_tcp(&T, m), 0);
    /* and back */
    ck_assert_int_eq(sock_send(T.juliet, sfd, "Hi romeo", 8, T.net->now), 8);
    st_settle(&T);
    ck_assert_int_eq(sock_recv(T.romeo, cfd, buf, sizeof buf, T.net->now), 8);
    struct sock *c = sock_by_fd(T.romeo, cfd);
    ck_assert_uint_eq(c->tcb.snd_una, c->tcb.snd_nxt);
    ck_assert_uint_eq(c->tcb.snd_nxt, s->tcb.rcv_nxt);
    ck_assert_uint_eq(s->tcb.snd_nxt, c->tcb.rcv_nxt);
}
END_TEST

CK_TEST(test_client_closes_first_time_wait_then_closed)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct sock *c = sock_by_fd(T.romeo, cfd);
    int cid = c->id;
    size_t m = st_mark(&T);
    st_close(&T, T.romeo, cfd);
    /* FIN from romeo, ACK from juliet: FIN-WAIT-2 and CLOSE-WAIT. */
    ck_assert_uint_eq(st_count_tcp(&T, m), 2);
    ck_assert_int_eq(st_tcp(&T, m, 0)->seg.flags, TH_FIN | TH_ACK);
    ck_assert_int_eq(st_state(T.juliet, sfd), TCP_CLOSE_WAIT);
    ck_assert_int_eq(st_transitions(T.romeo, cid, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2), 1);
    char buf[8];
    ck_assert_int_eq(sock_recv(T.juliet, sfd, buf, sizeof buf, T.net->now), 0);   /* EOF */
    st_close(&T, T.juliet, sfd);
    ck_assert_int_eq(st_transitions(T.romeo, cid, TCP_FIN_WAIT_2, TCP_TIME_WAIT), 1);
    const struct sock *tw = sock_by_id(T.romeo, cid);
    ck_assert_ptr_nonnull(tw);
    ck_assert_int_eq(tw->tcb.state, TCP_TIME_WAIT);
    simnet_sleep(T.net, 59 * TL_SEC);
    ck_assert_ptr_nonnull(sock_by_id(T.romeo, cid));
    simnet_sleep(T.net, 2 * TL_SEC);
    ck_assert_ptr_null(sock_by_id(T.romeo, cid));
    ck_assert_int_eq(st_transitions(T.romeo, cid, TCP_TIME_WAIT, TCP_CLOSED), 1);
}
END_TEST

CK_TEST(test_server_closes_first)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    st_close(&T, T.juliet, sfd);
    ck_assert_int_eq(st_state(T.romeo, cfd), TCP_CLOSE_WAIT);
    st_close(&T, T.romeo, cfd);
    int tw = 0;
    for (const struct sock *s = T.juliet->socks; s; s = s->next)
        tw += s->tcb.state == TCP_TIME_WAIT;
    ck_assert_int_eq(tw, 1);
}
END_TEST
