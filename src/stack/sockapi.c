/* stack_sockapi: the socket API table over tcplab's own stack, so the
 * shell drives a stack host and a kernel host the same way. */
#include <errno.h>

#include "stack/sockapi.h"

static int s_socket(void *h, enum sock_type t) { return sock_socket(h, t); }
static int s_bind(void *h, int fd, uint32_t a, uint16_t p) { return sock_bind(h, fd, a, p); }
static int s_listen(void *h, int fd, int b, tl_time now) { return sock_listen(h, fd, b, now); }
static int s_connect(void *h, int fd, uint32_t a, uint16_t p, tl_time now)
{
    return sock_connect(h, fd, a, p, now);
}
static int s_accept(void *h, int fd, uint32_t *a, uint16_t *p, tl_time now)
{
    return sock_accept(h, fd, a, p, now);
}
static long s_send(void *h, int fd, const void *b, size_t n, tl_time now)
{
    return sock_send(h, fd, b, n, now);
}
static long s_sendto(void *h, int fd, const void *b, size_t n, uint32_t a, uint16_t p, tl_time now)
{
    return sock_sendto(h, fd, b, n, a, p, now);
}
static long s_recvfrom(void *h, int fd, void *b, size_t n, uint32_t *a, uint16_t *p, tl_time now)
{
    return sock_recvfrom(h, fd, b, n, a, p, now);
}
static int s_shutdown(void *h, int fd, int how, tl_time now) { return sock_shutdown(h, fd, how, now); }
static int s_close(void *h, int fd, tl_time now) { return sock_close(h, fd, now); }
static int s_abort(void *h, int fd, tl_time now) { return sock_abort(h, fd, now); }
static int s_setsockopt(void *h, int fd, enum sockopt o, int v) { return sock_setsockopt(h, fd, o, v); }
static bool s_connect_done(void *h, int fd, int *err) { return sock_connect_done(h, fd, err); }

static int s_info(void *h, int fd, struct sockinfo *i)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    i->fd = fd;
    i->id = s->id;
    i->type = s->type;
    i->state = s->tcb.state;
    i->bound = s->bound;
    i->connected = s->type == SOCKT_TCP ? s->tcb.state >= TCP_SYN_SENT : s->connected;
    i->laddr = s->laddr;
    i->raddr = s->raddr;
    i->lport = s->lport;
    i->rport = s->rport;
    i->recv_q = sock_recv_queue(s);
    i->send_q = sock_send_queue(s);
    return 0;
}

const struct sockapi stack_sockapi = {
    .socket = s_socket,
    .bind = s_bind,
    .listen = s_listen,
    .connect = s_connect,
    .accept = s_accept,
    .send = s_send,
    .sendto = s_sendto,
    .recvfrom = s_recvfrom,
    .shutdown = s_shutdown,
    .close = s_close,
    .abort = s_abort,
    .setsockopt = s_setsockopt,
    .connect_done = s_connect_done,
    .info = s_info,
};
