/* The socket layer: the lab's calls mapped onto TCP's user calls (RFC 9293
 * §3.10) and UDP, with Linux's errno results.  The socket table itself
 * (descriptors, ports, lookups) is in sock_table.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"

#define BACKLOG_MAX  4096          /* Linux somaxconn */

static int autobind(struct host *h, struct sock *s)
{
    if (s->bound)
        return 0;
    uint16_t port;
    int rc = sock_pick_ephemeral(h, s->type, &port);
    if (rc < 0)
        return rc;
    sock_set_port(h, s, port);
    s->laddr = h->cfg.addr;
    return 0;
}

int sock_socket(struct host *h, enum sock_type type)
{
    if (type != SOCKT_TCP && type != SOCKT_UDP)
        return -EPROTONOSUPPORT;
    struct sock *s = sock_alloc(h, type);
    if (!s)
        return -ENOMEM;
    int fd = sock_fd_alloc(h, s);
    if (fd < 0)
        sock_release(h, s);
    return fd;
}

int sock_bind(struct host *h, int fd, uint32_t addr, uint16_t port)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->bound)
        return -EINVAL;
    if (addr != 0 && !host_is_local(h, addr))
        return -EADDRNOTAVAIL;
    if (port == 0) {
        int rc = sock_pick_ephemeral(h, s->type, &port);
        if (rc < 0)
            return rc;
    } else if (sock_port_in_use(h, s->type, port, s, s->reuseaddr)) {
        return -EADDRINUSE;
    }
    s->laddr = addr;
    sock_set_port(h, s, port);
    s->user_bound = true;
    return 0;
}

int sock_listen(struct host *h, int fd, int backlog, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type != SOCKT_TCP)
        return -EOPNOTSUPP;
    if (s->tcb.state != TCP_CLOSED && s->tcb.state != TCP_LISTEN)
        return -EINVAL;
    if (s->ever_connected)
        return -EINVAL;
    if (!s->bound) {
        int rc = autobind(h, s);
        if (rc < 0)
            return rc;
    }
    /* A second listen() on the port by another socket is a bind conflict. */
    if (s->tcb.state == TCP_CLOSED && sock_port_in_use(h, SOCKT_TCP, s->lport, s, false)) {
        for (const struct sock *o = h->socks; o; o = o->next)
            if (o != s && o->type == SOCKT_TCP && o->bound && o->lport == s->lport &&
                o->tcb.state == TCP_LISTEN)
                return -EADDRINUSE;
    }
    s->backlog = backlog < 0 ? 0 : backlog > BACKLOG_MAX ? BACKLOG_MAX : backlog;
    if (s->tcb.state == TCP_CLOSED)
        tcp_set_state(h, s, TCP_LISTEN, TCP_CAUSE_LISTEN, now);
    return 0;
}

int sock_connect(struct host *h, int fd, uint32_t addr, uint16_t port, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type == SOCKT_UDP) {
        int rc = autobind(h, s);
        if (rc < 0)
            return rc;
        s->raddr = addr;
        s->rport = port;
        s->connected = true;
        return 0;
    }
    switch (s->tcb.state) {
    case TCP_CLOSED:
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        return -EALREADY;
    default:
        return -EISCONN;
    }
    if (s->ever_connected)
        return -EISCONN;
    if (port == 0)
        return -ECONNREFUSED;
    if (!host_on_link(h, addr) && !host_is_local(h, addr))
        return -ENETUNREACH;
    int rc = autobind(h, s);
    if (rc < 0)
        return rc;
    s->laddr = h->cfg.addr;
    s->raddr = addr;
    s->rport = port;
    s->err = 0;
    rc = tcp_open_active(h, s, now);
    return rc < 0 ? rc : -EINPROGRESS;
}

bool sock_connect_done(struct host *h, int fd, int *err)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s) {
        *err = EBADF;
        return true;
    }
    if (s->type != SOCKT_TCP) {
        *err = 0;
        return true;
    }
    switch (s->tcb.state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        return false;
    case TCP_CLOSED:
    case TCP_LISTEN:
        *err = s->err ? s->err : ECONNABORTED;
        s->err = 0;
        return true;
    default:
        *err = 0;
        return true;
    }
}

int sock_accept(struct host *h, int fd, uint32_t *addr, uint16_t *port, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type != SOCKT_TCP)
        return -EOPNOTSUPP;
    if (s->tcb.state != TCP_LISTEN)
        return -EINVAL;
    struct sock *c = s->accept_head;
    if (!c)
        return -EAGAIN;
    int nfd = sock_fd_alloc(h, c);
    if (nfd < 0)
        return nfd;
    s->accept_head = c->accept_next;
    c->accept_next = NULL;
    c->parent = NULL;
    s->accept_queued--;
    if (addr)
        *addr = c->raddr;
    if (port)
        *port = c->rport;
    return nfd;
}

bool sock_can_accept(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    return !s || s->tcb.state != TCP_LISTEN || s->accept_head != NULL;
}

long sock_send(struct host *h, int fd, const void *buf, size_t len, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type == SOCKT_UDP) {
        if (!s->connected)
            return -EDESTADDRREQ;
        if (s->err) {
            int e = s->err;
            s->err = 0;
            return -e;
        }
        return udp_sendto(h, s, buf, len, s->raddr, s->rport, now);
    }
    if (s->err) {
        int e = s->err;
        s->err = 0;
        return -e;
    }
    if (s->shut_wr || s->tcb.fin_queued)
        return -EPIPE;
    switch (s->tcb.state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        return -EAGAIN;
    case TCP_CLOSED:
    case TCP_LISTEN:
        return s->ever_connected ? -EPIPE : -ENOTCONN;
    default:
        return -EPIPE;
    }
    if (len == 0)
        return 0;
    size_t n = bytering_push(&s->sndq, buf, len);
    if (n == 0)
        return -EAGAIN;
    tcp_output(h, s, now);
    return (long)n;
}

long sock_sendto(struct host *h, int fd, const void *buf, size_t len, uint32_t addr,
                 uint16_t port, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type != SOCKT_UDP)
        return s->tcb.state == TCP_CLOSED ? -EPIPE : sock_send(h, fd, buf, len, now);
    return udp_sendto(h, s, buf, len, addr, port, now);
}

bool sock_can_send(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s || s->type != SOCKT_TCP)
        return true;
    if (s->tcb.state == TCP_SYN_SENT || s->tcb.state == TCP_SYN_RECEIVED)
        return false;
    if (s->tcb.state == TCP_ESTABLISHED || s->tcb.state == TCP_CLOSE_WAIT)
        return s->err || s->shut_wr || bytering_space(&s->sndq) > 0;
    return true;
}

long sock_recv(struct host *h, int fd, void *buf, size_t len, tl_time now)
{
    return sock_recvfrom(h, fd, buf, len, NULL, NULL, now);
}

long sock_recvfrom(struct host *h, int fd, void *buf, size_t len, uint32_t *addr,
                   uint16_t *port, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type == SOCKT_UDP) {
        if (s->err) {
            int e = s->err;
            s->err = 0;
            return -e;
        }
        return udp_recvfrom(s, buf, len, addr, port);
    }
    if (s->rcvq.len > 0 && len > 0) {
        size_t n = s->rcvq.len < len ? s->rcvq.len : len;
        bytering_peek(&s->rcvq, 0, buf, n);
        bytering_drop(&s->rcvq, n);
        if (addr)
            *addr = s->raddr;
        if (port)
            *port = s->rport;
        tcp_rcv_consumed(h, s, now);
        return (long)n;
    }
    /* After the peer's FIN, the end of the stream comes before an error
     * (Linux's SOCK_DONE: a RST in CLOSE-WAIT leaves EPIPE for write). */
    if (s->tcb.fin_rcvd)
        return 0;
    if (s->err) {
        int e = s->err;
        s->err = 0;
        return -e;
    }
    if (s->shut_rd || len == 0)
        return 0;
    switch (s->tcb.state) {
    case TCP_CLOSED:
        return s->ever_connected ? 0 : -ENOTCONN;
    case TCP_LISTEN:
        return -ENOTCONN;
    default:
        return -EAGAIN;
    }
}

bool sock_can_recv(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return true;
    if (s->type == SOCKT_UDP)
        return s->dq_head || s->err;
    if (s->rcvq.len || s->err || s->tcb.fin_rcvd || s->shut_rd)
        return true;
    switch (s->tcb.state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        return false;
    default:
        return true;
    }
}

int sock_shutdown(struct host *h, int fd, int how, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (how < SHUTDOWN_RD || how > SHUTDOWN_RDWR)
        return -EINVAL;
    if (s->type == SOCKT_UDP) {
        if (!s->connected)
            return -ENOTCONN;
        s->shut_rd |= how != SHUTDOWN_WR;
        s->shut_wr |= how != SHUTDOWN_RD;
        return 0;
    }
    switch (s->tcb.state) {
    case TCP_CLOSED:
        return -ENOTCONN;
    case TCP_LISTEN:
        if (how == SHUTDOWN_WR)
            return -ENOTCONN;
        /* Linux: a listener shut for reading stops listening. */
        tcp_abort(h, s, 0, TCP_CAUSE_SHUTDOWN, now);
        return 0;
    case TCP_SYN_SENT:
        tcp_abort(h, s, 0, TCP_CAUSE_SHUTDOWN, now);
        return 0;
    default:
        break;
    }
    if (how != SHUTDOWN_WR)
        s->shut_rd = true;
    if (how != SHUTDOWN_RD && !s->shut_wr) {
        s->shut_wr = true;
        tcp_close(h, s, now);
    }
    return 0;
}

/* close(): the descriptor goes now; the connection may live on as an
 * orphan finishing its close, as on Linux. */
int sock_close(struct host *h, int fd, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    sock_fd_free(h, fd);
    s->fd = -1;
    if (s->type == SOCKT_UDP) {
        sock_release(h, s);
        return 0;
    }
    switch (s->tcb.state) {
    case TCP_CLOSED:
        sock_release(h, s);
        return 0;
    case TCP_LISTEN:
        /* Connections never accepted are reset (Linux inet_csk_listen_stop). */
        for (struct sock *c = h->socks; c; c = c->next)
            if (c->parent == s) {
                if (c->tcb.state != TCP_CLOSED)
                    tcp_abort(h, c, 0, TCP_CAUSE_LISTENER_CLOSED, now);
                sock_mark_dead(h, c);
            }
        tcp_set_state(h, s, TCP_CLOSED, TCP_CAUSE_CLOSE, now);
        sock_release(h, s);
        return 0;
    case TCP_SYN_SENT:
        tcp_set_state(h, s, TCP_CLOSED, TCP_CAUSE_CLOSE, now);
        return 0;
    default:
        break;
    }
    /* RFC 2525 §2.17 and Linux: data the user never read is lost, so the
     * peer is told with RST rather than FIN.  SO_LINGER {1,0} does the same. */
    if (s->rcvq.len > 0 || s->linger0) {
        tcp_abort(h, s, 0, s->linger0 ? TCP_CAUSE_CLOSE_LINGER0 : TCP_CAUSE_CLOSE_UNREAD, now);
        return 0;
    }
    s->shut_rd = true;
    if (!s->shut_wr) {
        s->shut_wr = true;
        tcp_close(h, s, now);
    }
    if (s->tcb.state == TCP_FIN_WAIT_2 && s->tcb.fw2_at == TL_NEVER)
        s->tcb.fw2_at = now + h->cfg.fin_timeout;
    if (s->tcb.state == TCP_CLOSED)
        sock_mark_dead(h, s);
    return 0;
}

int sock_abort(struct host *h, int fd, tl_time now)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    if (s->type != SOCKT_TCP)
        return sock_close(h, fd, now);
    s->linger0 = true;
    return sock_close(h, fd, now);
}

int sock_setsockopt(struct host *h, int fd, enum sockopt opt, int value)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    switch (opt) {
    case SOCKOPT_REUSEADDR:
        s->reuseaddr = value != 0;
        return 0;
    case SOCKOPT_LINGER0:
        s->linger0 = value != 0;
        return 0;
    case SOCKOPT_SNDBUF:
    case SOCKOPT_RCVBUF: {
        if (value < 256 || value > 64 * 1024 * 1024)
            return -EINVAL;
        struct bytering *r = opt == SOCKOPT_SNDBUF ? &s->sndq : &s->rcvq;
        return bytering_set_limit(r, (size_t)value);
    }
    case SOCKOPT_NODELAY:
        if (s->type != SOCKT_TCP)
            return -EOPNOTSUPP;
        s->tcb.nodelay = value != 0;         /* what Nagle holds goes with the next ACK */
        return 0;
    case SOCKOPT_QUICKACK:
        if (s->type != SOCKT_TCP)
            return -EOPNOTSUPP;
        s->tcb.quickack = value != 0;        /* a delayed ACK already due still waits */
        return 0;
    case SOCKOPT_CONGESTION:
        if (s->type != SOCKT_TCP)
            return -EOPNOTSUPP;
        if (value < 0 || value >= TCP_CC__COUNT)
            return -ENOENT;                    /* Linux: no such algorithm */
        if (s->tcb.cc != value) {
            s->tcb.cc = (uint8_t)value;        /* from the next ACK on, as Linux switches */
            tcp_cc_reset(&s->tcb);
        }
        return 0;
    case SOCKOPT_ERROR:
    case SOCKOPT_STATE:
        return -ENOPROTOOPT;                  /* read only */
    case SOCKOPT_RTO_MIN:
        if (s->type != SOCKT_TCP)
            return -EOPNOTSUPP;
        if (value < 1 || value > 120000)
            return -EINVAL;
        s->tcb.rto_min = (tl_time)value * TL_MS;
        if (s->tcb.rto < s->tcb.rto_min)
            s->tcb.rto = s->tcb.rto_min;
        return 0;
    }
    return -ENOPROTOOPT;
}

int tcp_state_linux(enum tcp_state st)
{
    switch (st) {
    case TCP_ESTABLISHED: return 1;
    case TCP_SYN_SENT: return 2;
    case TCP_SYN_RECEIVED: return 3;
    case TCP_FIN_WAIT_1: return 4;
    case TCP_FIN_WAIT_2: return 5;
    case TCP_TIME_WAIT: return 6;
    case TCP_CLOSED: return 7;
    case TCP_CLOSE_WAIT: return 8;
    case TCP_LAST_ACK: return 9;
    case TCP_LISTEN: return 10;
    case TCP_CLOSING: return 11;
    default: return 0;
    }
}

int sock_getsockopt(struct host *h, int fd, enum sockopt opt, int *value)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    switch (opt) {
    case SOCKOPT_REUSEADDR: *value = s->reuseaddr; return 0;
    case SOCKOPT_LINGER0: *value = s->linger0; return 0;
    case SOCKOPT_SNDBUF: *value = (int)s->sndq.limit; return 0;
    case SOCKOPT_RCVBUF: *value = (int)s->rcvq.limit; return 0;
    case SOCKOPT_NODELAY: *value = s->tcb.nodelay; return 0;
    case SOCKOPT_QUICKACK: *value = s->tcb.quickack; return 0;
    case SOCKOPT_RTO_MIN: *value = (int)(s->tcb.rto_min / TL_MS); return 0;
    case SOCKOPT_CONGESTION: *value = s->tcb.cc; return 0;
    case SOCKOPT_ERROR: *value = s->err; s->err = 0; return 0;
    case SOCKOPT_STATE: *value = tcp_state_linux(s->tcb.state); return 0;
    }
    return -ENOPROTOOPT;
}

size_t sock_recv_queue(const struct sock *s)
{
    if (s->type == SOCKT_UDP)
        return s->dq_bytes;
    if (s->tcb.state == TCP_LISTEN)
        return (size_t)s->accept_queued;
    return s->rcvq.len;
}

size_t sock_send_queue(const struct sock *s)
{
    if (s->tcb.state == TCP_LISTEN)
        return (size_t)s->backlog;
    return s->sndq.len + (s->tcb.fin_sent && s->tcb.snd_una != s->tcb.fin_seq + 1 ? 1 : 0);
}
