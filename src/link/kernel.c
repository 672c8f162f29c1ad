/* kernel_sockapi: the shell's socket calls for the host the Linux kernel
 * plays, as real system calls on non-blocking sockets.  The shell's
 * blocking behaviour (connect waits, accept and recv stay pending) is
 * built on top exactly as for tcplab's stack, so nothing here blocks the
 * loop.  Descriptors are numbered per host from 3, as in the lab's Python;
 * the real ones stay inside.  State changes are watched in kernel_obs.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <linux/tcp.h>

#include "link/kernel.h"
#include "link/kernel_int.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

struct khost *khost_new(const char *name, uint32_t addr, uint32_t peer)
{
    struct khost *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    snprintf(k->name, sizeof k->name, "%s", name);
    k->addr = addr;
    k->peer = peer;
    k->next_id = 1;
    k->next_ev = 1;
    k->epfd = epoll_create1(EPOLL_CLOEXEC);
    k->diagfd = kdiag_open();
    if (k->epfd < 0) {
        khost_free(k);
        return NULL;
    }
    return k;
}

void khost_free(struct khost *k)
{
    if (!k)
        return;
    while (k->socks) {
        struct ksock *s = k->socks;
        k->socks = s->next;
        if (s->fd >= 0)
            close(s->fd);
        free(s);
    }
    if (k->epfd >= 0)
        close(k->epfd);
    if (k->diagfd >= 0)
        close(k->diagfd);
    free(k->dump);
    free(k);
}

void khost_set_now(struct khost *k, tl_time now)
{
    k->now = now;
}

int khost_pollfd(const struct khost *k)
{
    return k->epfd;
}

size_t khost_drain(struct khost *k)
{
    struct epoll_event ev[32];
    size_t n = 0;
    int got;
    while ((got = epoll_wait(k->epfd, ev, 32, 0)) > 0) {
        n += (size_t)got;
        if (got < 32)
            break;
    }
    return n;
}

/* ---- the socket table ------------------------------------------------ */

struct ksock *ks_add(struct khost *k)
{
    struct ksock *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->id = k->next_id++;
    s->vfd = -1;
    s->fd = -1;
    s->parent_vfd = -1;
    s->type = SOCKT_TCP;
    s->state = TCP_CLOSED;
    struct ksock **pp = &k->socks;
    while (*pp)
        pp = &(*pp)->next;
    *pp = s;
    return s;
}

void ks_remove(struct khost *k, struct ksock *s)
{
    for (struct ksock **pp = &k->socks; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    if (s->vfd >= 0 && s->vfd < KHOST_MAX_FD && k->vfds[s->vfd] == s)
        k->vfds[s->vfd] = NULL;
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

static struct ksock *by_vfd(struct khost *k, int vfd)
{
    return vfd >= 0 && vfd < KHOST_MAX_FD ? k->vfds[vfd] : NULL;
}

const struct ksock *khost_sock_by_fd(const struct khost *k, int vfd)
{
    return vfd >= 0 && vfd < KHOST_MAX_FD ? k->vfds[vfd] : NULL;
}

const struct ksock *khost_sock_by_id(const struct khost *k, int id)
{
    for (const struct ksock *s = k->socks; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

/* Give a real descriptor its place in the host's table: the lowest free
 * number from 3, as open() would. */
static int attach_fd(struct khost *k, struct ksock *s, int fd)
{
    int vfd = -1;
    for (int i = KHOST_FD_FIRST; i < KHOST_MAX_FD; i++)
        if (!k->vfds[i]) {
            vfd = i;
            break;
        }
    if (vfd < 0)
        return -EMFILE;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET};
    ev.data.u64 = (uint64_t)s->id;
    if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        return -errno;
    uint64_t cookie = 0;
    socklen_t cl = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &cl) == 0)
        s->cookie = cookie;
    struct stat sb;
    if (fstat(fd, &sb) == 0)
        s->inode = (uint64_t)sb.st_ino;
    s->fd = fd;
    s->vfd = vfd;
    s->ours = true;
    k->vfds[vfd] = s;
    return vfd;
}

/* Addresses, state, queues and TCP_INFO of a socket we hold. */
void ks_refresh(struct ksock *s)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    if (s->fd < 0)
        return;
    if (getsockname(s->fd, (struct sockaddr *)&a, &al) == 0) {
        s->laddr = ntohl(a.sin_addr.s_addr);
        s->lport = ntohs(a.sin_port);
    }
    al = sizeof a;
    if (getpeername(s->fd, (struct sockaddr *)&a, &al) == 0) {
        s->raddr = ntohl(a.sin_addr.s_addr);
        s->rport = ntohs(a.sin_port);
    }
    int q = 0;
    s->recv_q = ioctl(s->fd, SIOCINQ, &q) == 0 && q > 0 ? (size_t)q : 0;
    q = 0;
    s->send_q = ioctl(s->fd, SIOCOUTQ, &q) == 0 && q > 0 ? (size_t)q : 0;
    if (s->type != SOCKT_TCP)
        return;
    unsigned char ti[512];
    socklen_t tl = sizeof ti;
    if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, ti, &tl) == 0 && tl > 0) {
        int timer = s->info.timer;
        uint32_t ms = s->info.timer_ms;
        kdiag_take_info(&s->info, ti, tl);
        s->info.timer = timer;
        s->info.timer_ms = ms;
        s->state = kdiag_state(ti[0]);
    }
    if (s->state == TCP_LISTEN) {
        /* As ss shows a listener: the accept queue and the backlog. */
        s->recv_q = s->info.unacked;
        s->send_q = s->info.sacked;
    }
}

/* ---- the calls ------------------------------------------------------- */

static int k_socket(void *ctx, enum sock_type type)
{
    struct khost *k = ctx;
    int fd = socket(AF_INET, (type == SOCKT_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
                                 SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct ksock *s = ks_add(k);
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    s->type = type;
    int vfd = attach_fd(k, s, fd);
    if (vfd < 0) {
        ks_remove(k, s);
        close(fd);
        return vfd;
    }
    return vfd;
}

static void put_addr(struct sockaddr_in *a, uint32_t addr, uint16_t port)
{
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(addr);
    a->sin_port = htons(port);
}

static int k_bind(void *ctx, int vfd, uint32_t addr, uint16_t port)
{
    struct ksock *s = by_vfd(ctx, vfd);
    struct sockaddr_in a;
    if (!s)
        return -EBADF;
    put_addr(&a, addr, port);
    if (bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -errno;
    ks_refresh(s);
    return 0;
}

static int k_listen(void *ctx, int vfd, int backlog, tl_time now)
{
    struct khost *k = ctx;
    struct ksock *s = by_vfd(k, vfd);
    if (!s)
        return -EBADF;
    if (listen(s->fd, backlog) < 0)
        return -errno;
    s->backlog = backlog;
    kobserve(k, now, s, TCP_CAUSE_LISTEN);
    return 0;
}

static int k_connect(void *ctx, int vfd, uint32_t addr, uint16_t port, tl_time now)
{
    struct khost *k = ctx;
    struct ksock *s = by_vfd(k, vfd);
    struct sockaddr_in a;
    if (!s)
        return -EBADF;
    put_addr(&a, addr, port);
    int rc = connect(s->fd, (struct sockaddr *)&a, sizeof a) < 0 ? -errno : 0;
    s->connecting = rc == -EINPROGRESS;
    s->conn_done = rc == 0 && s->type == SOCKT_TCP;
    s->conn_err = 0;
    kobserve(k, now, s, TCP_CAUSE_CONNECT);
    return rc;
}

static bool k_connect_done(void *ctx, int vfd, int *err)
{
    struct ksock *s = by_vfd(ctx, vfd);
    if (!s) {
        *err = EBADF;
        return true;
    }
    if (s->conn_done || !s->connecting) {
        *err = s->conn_err;
        return true;
    }
    struct pollfd p = {.fd = s->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP)))
        return false;
    int e = 0;
    socklen_t el = sizeof e;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
        e = errno;
    s->conn_done = true;
    s->connecting = false;
    s->conn_err = e;
    *err = e;
    return true;
}

static int k_accept(void *ctx, int vfd, uint32_t *addr, uint16_t *port, tl_time now)
{
    struct khost *k = ctx;
    struct ksock *l = by_vfd(k, vfd);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    if (!l)
        return -EBADF;
    int fd = accept4(l->fd, (struct sockaddr *)&a, &al, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (addr)
        *addr = ntohl(a.sin_addr.s_addr);
    if (port)
        *port = ntohs(a.sin_port);
    /* The connection was watched while it waited in the queue: it keeps
     * its id, so its transitions so far stay its own. */
    uint64_t cookie = 0;
    socklen_t cl = sizeof cookie;
    getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &cl);
    struct sockaddr_in la;
    socklen_t lal = sizeof la;
    if (getsockname(fd, (struct sockaddr *)&la, &lal) < 0)
        put_addr(&la, k->addr, l->lport);
    struct ksock *s = ks_find_conn(k, cookie, ntohl(la.sin_addr.s_addr), ntohs(la.sin_port),
                                   ntohl(a.sin_addr.s_addr), ntohs(a.sin_port));
    if (!s && !(s = ks_add(k))) {
        close(fd);
        return -ENOMEM;
    }
    int nv = attach_fd(k, s, fd);
    if (nv < 0) {
        close(fd);
        return nv;
    }
    s->parent_vfd = vfd;
    ks_refresh(s);
    kobserve(k, now, s, TCP_CAUSE_ACCEPT);
    return nv;
}

static long k_send(void *ctx, int vfd, const void *buf, size_t len, tl_time now)
{
    struct ksock *s = by_vfd(ctx, vfd);
    if (!s)
        return -EBADF;
    ssize_t n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    return n < 0 ? -errno : n;
}

static long k_sendto(void *ctx, int vfd, const void *buf, size_t len, uint32_t addr,
                     uint16_t port, tl_time now)
{
    struct ksock *s = by_vfd(ctx, vfd);
    struct sockaddr_in a;
    if (!s)
        return -EBADF;
    put_addr(&a, addr, port);
    ssize_t n = sendto(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&a,
                       sizeof a);
    return n < 0 ? -errno : n;
}

static long k_recvfrom(void *ctx, int vfd, void *buf, size_t len, uint32_t *addr,
                       uint16_t *port, tl_time now)
{
    struct ksock *s = by_vfd(ctx, vfd);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    if (!s)
        return -EBADF;
    memset(&a, 0, sizeof a);
    ssize_t n = recvfrom(s->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&a, &al);
    if (n < 0)
        return -errno;
    if (s->type == SOCKT_TCP) {
        a.sin_addr.s_addr = htonl(s->raddr);
        a.sin_port = htons(s->rport);
    }
    if (addr)
        *addr = ntohl(a.sin_addr.s_addr);
    if (port)
        *port = ntohs(a.sin_port);
    return n;
}

static int k_shutdown(void *ctx, int vfd, int how, tl_time now)
{
    struct khost *k = ctx;
    struct ksock *s = by_vfd(k, vfd);
    if (!s)
        return -EBADF;
    if (shutdown(s->fd, how == SHUTDOWN_RD ? SHUT_RD : how == SHUTDOWN_WR ? SHUT_WR : SHUT_RDWR) < 0)
        return -errno;
    kobserve(k, now, s, TCP_CAUSE_SHUTDOWN);
    return 0;
}

/* The descriptor goes; a connection goes on without it (FIN-WAIT,
 * TIME-WAIT), watched through the diag dump until the kernel frees it. */
static int close_as(struct khost *k, int vfd, tl_time now, enum tcp_cause cause)
{
    struct ksock *s = by_vfd(k, vfd);
    if (!s)
        return -EBADF;
    ks_refresh(s);
    k->vfds[vfd] = NULL;
    close(s->fd);
    s->fd = -1;
    s->vfd = -1;
    if (s->type != SOCKT_TCP || s->state == TCP_CLOSED || s->state == TCP_LISTEN) {
        enum tcp_state old = s->state;
        if (old != TCP_CLOSED)
            ktrace_add(k, now, s, vfd, old, TCP_CLOSED, cause);
        ks_remove(k, s);
        kobserve(k, now, NULL, TCP_CAUSE_NONE);
        return 0;
    }
    kobserve(k, now, s, cause);
    return 0;
}

static int k_close(void *ctx, int vfd, tl_time now)
{
    return close_as(ctx, vfd, now, TCP_CAUSE_CLOSE);
}

static int k_abort(void *ctx, int vfd, tl_time now)
{
    struct ksock *s = by_vfd(ctx, vfd);
    if (!s)
        return -EBADF;
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    if (setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) < 0)
        return -errno;
    return close_as(ctx, vfd, now, TCP_CAUSE_ABORT);
}

static int k_setsockopt(void *ctx, int vfd, enum sockopt opt, int value)
{
    struct ksock *s = by_vfd(ctx, vfd);
    if (!s)
        return -EBADF;
    int rc;
    switch (opt) {
    case SOCKOPT_REUSEADDR:
        rc = setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &value, sizeof value);
        break;
    case SOCKOPT_LINGER0: {
        struct linger l = {.l_onoff = value != 0, .l_linger = 0};
        rc = setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        break;
    }
    case SOCKOPT_SNDBUF:
        rc = setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof value);
        break;
    case SOCKOPT_RCVBUF:
        rc = setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value);
        break;
    case SOCKOPT_NODELAY:
        rc = setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value);
        break;
    case SOCKOPT_QUICKACK:
        rc = setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &value, sizeof value);
        break;
    case SOCKOPT_RTO_MIN:
        return -ENOPROTOOPT;       /* Linux sets it per route (ip route ... rto_min) */
    case SOCKOPT_CONGESTION: {
        const char *name = tcp_cc_name((enum tcp_cc)value);
        rc = setsockopt(s->fd, IPPROTO_TCP, TCP_CONGESTION, name, (socklen_t)strlen(name));
        break;
    }
    default:
        return -ENOPROTOOPT;
    }
    return rc < 0 ? -errno : 0;
}

static int k_info(void *ctx, int vfd, struct sockinfo *i)
{
    struct ksock *s = by_vfd(ctx, vfd);
    if (!s)
        return -EBADF;
    ks_refresh(s);
    memset(i, 0, sizeof *i);
    i->fd = vfd;
    i->id = s->id;
    i->type = s->type;
    i->state = s->type == SOCKT_TCP ? s->state : TCP_CLOSED;
    i->bound = s->lport != 0;
    i->connected = s->type == SOCKT_TCP ? s->state >= TCP_SYN_SENT : s->rport != 0;
    i->laddr = s->laddr;
    i->raddr = s->raddr;
    i->lport = s->lport;
    i->rport = s->rport;
    i->recv_q = s->recv_q;
    i->send_q = s->send_q;
    return 0;
}

const struct sockapi kernel_sockapi = {
    .socket = k_socket,
    .bind = k_bind,
    .listen = k_listen,
    .connect = k_connect,
    .accept = k_accept,
    .send = k_send,
    .sendto = k_sendto,
    .recvfrom = k_recvfrom,
    .shutdown = k_shutdown,
    .close = k_close,
    .abort = k_abort,
    .setsockopt = k_setsockopt,
    .connect_done = k_connect_done,
    .info = k_info,
};
