/* Bulk transfers on the simulated wire (tests/lib/xfer.h). */
#include <errno.h>
#include <malloc.h>
#include <string.h>

#include "stack/api.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "xfer.h"

#define JULIET 0x0a0a0264u
#define CHUNK  16384

size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

size_t xfer_heap_bytes(void)
{
    if (__sanitizer_get_current_allocated_bytes)
        return __sanitizer_get_current_allocated_bytes();
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks;
}

struct side {
    struct host *h;
    int fd;
    bool connected, shut, closed;
    struct rng gen;
    struct sha256 tx, rx;
    uint8_t pending[CHUNK];    /* generated, not yet taken by send */
    size_t npending, off;
};

struct run {
    struct simnet *n;
    struct xfer *x;
    struct side s[2];
    int lfd;
};

static void fill(struct side *sd, size_t left)
{
    if (sd->off < sd->npending || left == 0)
        return;
    size_t k = left < CHUNK ? left : CHUNK;
    for (size_t i = 0; i < k; i += 8) {
        uint64_t v = rng_next(&sd->gen);
        memcpy(sd->pending + i, &v, k - i < 8 ? k - i : 8);
    }
    sd->npending = k;
    sd->off = 0;
}

/* Everything the applications can do now, without waiting. */
static bool app_step(struct run *r)
{
    struct xfer *x = r->x;
    tl_time now = r->n->now;
    bool any = false;
    if (!r->s[1].connected) {
        int fd = sock_accept(r->s[1].h, r->lfd, NULL, NULL, now);
        if (fd >= 0) {
            r->s[1].fd = fd;
            r->s[1].connected = true;
            any = true;
        }
    }
    if (!r->s[0].connected) {
        int err;
        if (sock_connect_done(r->s[0].h, r->s[0].fd, &err)) {
            if (err) {
                x->err[0] = err;
                x->why = "connect failed";
                return false;
            }
            r->s[0].connected = true;
            any = true;
        }
    }
    for (int i = 0; i < 2; i++) {
        struct side *sd = &r->s[i];
        if (!sd->connected || sd->closed)
            continue;
        static uint8_t buf[65536];
        for (;;) {                             /* send */
            if (x->sent[i] >= x->bytes[i])
                break;
            fill(sd, x->bytes[i] - x->sent[i]);
            long w = sock_send(sd->h, sd->fd, sd->pending + sd->off, sd->npending - sd->off, now);
            if (w == -EAGAIN || w == 0)
                break;
            if (w < 0) {
                x->err[i] = (int)-w;
                x->why = "send failed";
                return false;
            }
            sha256_update(&sd->tx, sd->pending + sd->off, (size_t)w);
            sd->off += (size_t)w;
            x->sent[i] += (size_t)w;
            any = true;
        }
        if (x->sent[i] >= x->bytes[i] && !sd->shut) {
            sock_shutdown(sd->h, sd->fd, SHUTDOWN_WR, now);
            sd->shut = true;
            any = true;
        }
        for (;;) {                             /* receive */
            long got = sock_recv(sd->h, sd->fd, buf, sizeof buf, now);
            if (got == -EAGAIN)
                break;
            if (got < 0) {
                x->err[i] = (int)-got;
                x->why = "recv failed";
                return false;
            }
            if (got == 0) {
                if (!x->eof[i])
                    any = true;
                x->eof[i] = true;
                break;
            }
            sha256_update(&sd->rx, buf, (size_t)got);
            x->rcvd[i] += (size_t)got;
            any = true;
        }
        if (x->eof[i] && sd->shut && !sd->closed) {
            sock_close(sd->h, sd->fd, now);
            sd->closed = true;
            any = true;
        }
    }
    return any;
}

static bool ready(void *ctx)
{
    struct run *r = ctx;
    if (!r->s[1].connected && sock_can_accept(r->s[1].h, r->lfd))
        return true;
    int err;
    if (!r->s[0].connected && sock_connect_done(r->s[0].h, r->s[0].fd, &err))
        return true;
    for (int i = 0; i < 2; i++) {
        struct side *sd = &r->s[i];
        if (!sd->connected || sd->closed)
            continue;
        if (!r->x->eof[i] && sock_can_recv(sd->h, sd->fd))
            return true;
        const struct sock *so = sock_by_fd(sd->h, sd->fd);
        if (r->x->sent[i] < r->x->bytes[i] && so) {
            size_t want = so->sndq.limit / 2 < 4096 ? so->sndq.limit / 2 : 4096;
            if (bytering_space(&so->sndq) >= (want ? want : 1))
                return true;
        }
    }
    return false;
}

static bool finished(const struct run *r)
{
    return r->s[0].closed && r->s[1].closed;
}

bool xfer_run(struct simnet *n, struct xfer *x)
{
    struct run r = {.n = n, .x = x};
    memset(x->sent, 0, sizeof x->sent);
    memset(x->rcvd, 0, sizeof x->rcvd);
    memset(x->eof, 0, sizeof x->eof);
    memset(x->err, 0, sizeof x->err);
    x->why = NULL;
    for (int i = 0; i < 2; i++) {
        r.s[i].h = n->hosts[i];
        rng_seed(&r.s[i].gen, x->seed * 2 + (uint64_t)i);
        sha256_init(&r.s[i].tx);
        sha256_init(&r.s[i].rx);
    }
    uint16_t port = x->port ? x->port : 5001;
    r.lfd = sock_socket(n->hosts[1], SOCKT_TCP);
    r.s[0].fd = sock_socket(n->hosts[0], SOCKT_TCP);
    for (int i = 0; i < 2; i++) {
        struct host *h = n->hosts[i];
        int fd = i ? r.lfd : r.s[0].fd;
        if (x->sndbuf[i])
            sock_setsockopt(h, fd, SOCKOPT_SNDBUF, x->sndbuf[i]);
        if (x->rcvbuf[i])
            sock_setsockopt(h, fd, SOCKOPT_RCVBUF, x->rcvbuf[i]);
        sock_setsockopt(h, fd, SOCKOPT_NODELAY, x->nodelay[i]);
        sock_setsockopt(h, fd, SOCKOPT_QUICKACK, !x->delack[i]);
    }
    sock_bind(n->hosts[1], r.lfd, 0, port);
    sock_listen(n->hosts[1], r.lfd, 8, n->now);
    x->start = n->now;
    int rc = sock_connect(n->hosts[0], r.s[0].fd, JULIET, port, n->now);
    if (rc != -EINPROGRESS) {
        x->err[0] = -rc;
        x->why = "connect";
        return false;
    }
    tl_time limit = x->start + (x->limit ? x->limit : 3600 * TL_SEC);
    bool ok = false;
    for (;;) {
        while (app_step(&r))
            ;
        if (x->why)
            break;
        if (finished(&r)) {
            ok = true;
            break;
        }
        if (!simnet_run_until(n, ready, &r, limit)) {
            if (ready(&r))
                continue;
            x->why = simnet_next_event(n) == TL_NEVER ? "hung: nothing left to happen"
                                                      : "virtual time limit";
            break;
        }
    }
    x->end = n->now;
    for (int i = 0; i < 2; i++) {
        sha256_final(&r.s[i].tx, x->sha_sent[i]);
        sha256_final(&r.s[i].rx, x->sha_rcvd[i]);
        if (!r.s[i].closed && r.s[i].fd >= 0 && sock_by_fd(n->hosts[i], r.s[i].fd))
            sock_close(n->hosts[i], r.s[i].fd, n->now);
    }
    sock_close(n->hosts[1], r.lfd, n->now);
    return ok;
}

static bool all_closed(void *ctx)
{
    struct simnet *n = ctx;
    for (int i = 0; i < SIM_HOSTS; i++)
        for (const struct sock *s = n->hosts[i]->socks; s; s = s->next)
            if (s->type == SOCKT_TCP && !s->dead && s->tcb.state != TCP_CLOSED &&
                s->tcb.state != TCP_TIME_WAIT)
                return false;
    return true;
}

bool xfer_all_closed(struct simnet *n, tl_time wait)
{
    if (all_closed(n))
        return true;
    return simnet_run_until(n, all_closed, n, n->now + wait);
}
