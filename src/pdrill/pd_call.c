/* The system calls of a script, run on tcplab's socket API (stack/api.h).
 * That API never blocks; a call on a blocking socket that would block is
 * left pending and tried again as the host moves (packetdrill's
 * `0...0.2 accept(...)`).  Results are compared as packetdrill does:
 * "Expected result 0 but got -1 with errno 111 (Connection refused)". */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "pdrill/pd_run.h"
#include "stack/api.h"

#define PD_PORT 8080             /* packetdrill's bind and connect port */

struct call_res {
    long long v;               /* >= 0, or -errno */
    bool done;                 /* false: it would block */
};

static bool arg_int(struct pd_runner *r, const struct pd_call *c, int i, long long *v)
{
    if (i >= c->nargs) {
        pd_fail(r, "%s needs at least %d arguments", c->name, i + 1);
        return false;
    }
    const struct pd_expr *e = &c->args[i];
    if (e->kind == PX_LIST && e->n == 1 && e->items[0].kind == PX_INT) {
        *v = e->items[0].i;
        return true;
    }
    if (e->kind != PX_INT) {
        if (e->kind == PX_SYM)
            pd_skip_script(r, "%s: the name %s is not known to tcplab", c->name, e->s);
        else
            pd_fail(r, "argument %d of %s must be a number", i + 1, c->name);
        return false;
    }
    *v = e->i;
    return true;
}

/* A struct sockaddr_in: `...` is the script's default address. */
static bool arg_addr(struct pd_runner *r, const struct pd_call *c, int i, uint32_t dflt,
                     uint32_t *addr, uint16_t *port)
{
    *addr = dflt;
    *port = PD_PORT;
    if (i >= c->nargs || c->args[i].kind == PX_ELLIPSIS)
        return true;
    const struct pd_expr *e = &c->args[i];
    if (e->kind != PX_STRUCT) {
        pd_fail(r, "the address of %s is '...' or {sin_port=htons(N), sin_addr=inet_addr(\"A\")}",
                c->name);
        return false;
    }
    for (int k = 0; k < e->n; k++) {
        const char *n = e->names[k] ? e->names[k] : "";
        if (strcmp(n, "sin_port") == 0 && e->items[k].kind == PX_INT)
            *port = (uint16_t)e->items[k].i;
        else if (strcmp(n, "sin_addr") == 0 && e->items[k].kind == PX_INT)
            *addr = (uint32_t)e->items[k].i;
    }
    return true;
}

static struct host *H(struct pd_runner *r) { return r->h; }

static struct call_res blocking(struct pd_runner *r, int fd, long long rc, long long block_rc)
{
    struct call_res res = {rc, true};
    if (rc == block_rc && sock_get_nonblock(H(r), fd) == 0)
        res.done = false;
    return res;
}

static struct call_res do_connect(struct pd_runner *r, const struct pd_call *c, int fd,
                                  bool again)
{
    int err;
    if (again) {
        if (!sock_connect_done(H(r), fd, &err))
            return (struct call_res){0, false};
        return (struct call_res){err ? -err : 0, true};
    }
    uint32_t a;
    uint16_t p;
    if (!arg_addr(r, c, 1, r->s->remote_ip, &a, &p))
        return (struct call_res){0, true};
    return blocking(r, fd, sock_connect(H(r), fd, a, p, r->now), -EINPROGRESS);
}

static bool expect_value(struct pd_runner *r, const struct pd_call *c, int i, long long got)
{
    if (i >= c->nargs || c->args[i].kind == PX_ELLIPSIS)
        return true;
    long long want;
    if (!arg_int(r, c, i, &want))
        return false;
    if (want != got) {
        pd_fail(r, "%s: expected value %lld but got %lld", c->name, want, got);
        return false;
    }
    return true;
}

static int sockopt_of(long long level, long long name, enum sockopt *o)
{
    static const struct { long long level, name; enum sockopt o; } map[] = {
        {1, 2, SOCKOPT_REUSEADDR}, {1, 7, SOCKOPT_SNDBUF}, {1, 8, SOCKOPT_RCVBUF},
        {1, 4, SOCKOPT_ERROR},     {6, 1, SOCKOPT_NODELAY}, {6, 12, SOCKOPT_QUICKACK},
        {1, 13, SOCKOPT_LINGER0},  {6, 11, SOCKOPT_STATE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].level == level && map[i].name == name) {
            *o = map[i].o;
            return 0;
        }
    return -1;
}

static struct call_res do_sockopt(struct pd_runner *r, const struct pd_call *c, int fd, bool set)
{
    long long level, name;
    enum sockopt o;
    struct call_res res = {0, true};
    if (!arg_int(r, c, 1, &level) || !arg_int(r, c, 2, &name))
        return res;
    if (sockopt_of(level, name, &o) < 0) {
        pd_skip_script(r, "%s: option %lld at level %lld is not supported by tcplab", c->name,
                       name, level);
        return res;
    }
    if (set) {
        long long v = 0;
        const struct pd_expr *e = c->nargs > 3 ? &c->args[3] : NULL;
        if (o == SOCKOPT_LINGER0 && e && e->kind == PX_STRUCT) {
            long long on = 0, secs = 0;
            for (int k = 0; k < e->n; k++) {
                const char *n = e->names[k] ? e->names[k] : "";
                if (strcmp(n, "l_onoff") == 0 || strcmp(n, "onoff") == 0)
                    on = e->items[k].i;
                if (strcmp(n, "l_linger") == 0 || strcmp(n, "linger") == 0)
                    secs = e->items[k].i;
            }
            if (on && secs) {
                pd_skip_script(r, "SO_LINGER with a timeout is not supported by tcplab");
                return res;
            }
            v = on && !secs;
        } else if (!arg_int(r, c, 3, &v)) {
            return res;
        }
        res.v = sock_setsockopt(H(r), fd, o, (int)v);
        return res;
    }
    int v = 0;
    res.v = sock_getsockopt(H(r), fd, o, &v);
    if (res.v == 0 && o == SOCKOPT_STATE) {
        const struct pd_expr *e = c->nargs > 3 ? &c->args[3] : NULL;
        for (int k = 0; e && e->kind == PX_STRUCT && k < e->n; k++) {
            const char *n = e->names[k] ? e->names[k] : "";
            if (strcmp(n, "tcpi_state") != 0) {
                pd_skip_script(r, "TCP_INFO field %s is not supported by tcplab", n);
                return res;
            }
            if (e->items[k].kind == PX_INT && e->items[k].i != v)
                pd_fail(r, "getsockopt TCP_INFO: expected tcpi_state %lld but got %d",
                        e->items[k].i, v);
        }
    } else if (res.v == 0) {
        expect_value(r, c, 3, v);
    }
    return res;
}

static struct call_res do_fcntl(struct pd_runner *r, const struct pd_call *c, int fd)
{
    long long cmd, arg = 0;
    struct call_res res = {0, true};
    if (!arg_int(r, c, 1, &cmd))
        return res;
    int nb = sock_get_nonblock(H(r), fd);
    if (nb < 0) {
        res.v = nb;
        return res;
    }
    if (cmd == 3) {                            /* F_GETFL */
        res.v = 2 | (nb ? 0x800 : 0);          /* O_RDWR | O_NONBLOCK */
    } else if (cmd == 4) {                     /* F_SETFL */
        if (arg_int(r, c, 2, &arg))
            res.v = sock_set_nonblock(H(r), fd, (arg & 0x800) != 0);
    } else {
        pd_skip_script(r, "fcntl command %lld is not supported by tcplab", cmd);
    }
    return res;
}

/* One {fd=4, events=POLLIN, revents=POLLIN} of poll's list: what tcplab
 * reports for it; *want is the script's revents, or -1. */
static int poll_entry(struct pd_runner *r, const struct pd_expr *p, long long *fd,
                      long long *want)
{
    long long events = 0;
    *fd = -1;
    *want = -1;
    for (int k = 0; p->kind == PX_STRUCT && k < p->n; k++) {
        const char *n = p->names[k] ? p->names[k] : "";
        if (strcmp(n, "fd") == 0)
            *fd = p->items[k].i;
        else if (strcmp(n, "events") == 0)
            events = p->items[k].i;
        else if (strcmp(n, "revents") == 0 && p->items[k].kind == PX_INT)
            *want = p->items[k].i;
    }
    return sock_poll(H(r), (int)*fd) & (int)(events | POLLERR | POLLHUP | POLLNVAL);
}

/* poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0): the bits checked
 * once it returns. */
static struct call_res do_poll(struct pd_runner *r, const struct pd_call *c, bool again)
{
    struct call_res res = {0, true};
    const struct pd_expr *l = c->nargs > 0 ? &c->args[0] : NULL;
    long long timeout, fd, want;
    if (!l || l->kind != PX_LIST || !arg_int(r, c, 2, &timeout)) {
        if (!r->failed && !r->skipped)
            pd_fail(r, "poll takes [{fd=N, events=..., revents=...}], N, TIMEOUT");
        return res;
    }
    int ready = 0;
    for (int i = 0; i < l->n; i++)
        ready += poll_entry(r, &l->items[i], &fd, &want) != 0;
    tl_time end = r->pend_start + timeout * TL_MS;
    if (!ready && timeout != 0 && !(again && timeout > 0 && r->now >= end)) {
        res.done = false;
        r->pend_wake = timeout > 0 ? end : TL_NEVER;
        return res;
    }
    r->pend_wake = TL_NEVER;
    res.v = ready;
    for (int i = 0; i < l->n; i++) {
        int rev = poll_entry(r, &l->items[i], &fd, &want);
        if (want >= 0 && want != rev) {
            pd_fail(r, "poll: fd %lld: expected revents 0x%llx but got 0x%x", fd, want, rev);
            break;
        }
    }
    return res;
}

static long payload_len(struct pd_runner *r, const struct pd_call *c)
{
    long long n;
    if (!arg_int(r, c, 2, &n))
        return -1;
    if (n < 0 || n > (1 << 24)) {
        pd_fail(r, "%s: a count of %lld bytes is out of range", c->name, n);
        return -1;
    }
    return (long)n;
}

static struct call_res do_data(struct pd_runner *r, const struct pd_call *c, int fd, bool in,
                               bool again)
{
    struct call_res res = {0, true};
    long n = payload_len(r, c);
    if (n < 0)
        return res;
    char *buf = calloc(1, (size_t)n + 1);
    if (!buf) {
        pd_fail(r, "out of memory");
        return res;
    }
    if (in) {
        res = blocking(r, fd, sock_recv(H(r), fd, buf, (size_t)n, r->now), -EAGAIN);
    } else {
        memset(buf, 'x', (size_t)n);
        const struct pd_expr *b = &c->args[1];
        if (b->kind == PX_STR)
            memcpy(buf, b->s, strlen(b->s) < (size_t)n ? strlen(b->s) : (size_t)n);
        res = blocking(r, fd, sock_send(H(r), fd, buf, (size_t)n, r->now), -EAGAIN);
    }
    (void)again;
    free(buf);
    return res;
}

static struct call_res run_call(struct pd_runner *r, const struct pd_call *c, bool again)
{
    struct call_res res = {0, true};
    const char *n = c->name;
    long long fd = -1;
    if (strcmp(n, "socket") == 0) {
        long long dom = 2, type;
        if (c->args[0].kind != PX_ELLIPSIS && !arg_int(r, c, 0, &dom))
            return res;
        if (!arg_int(r, c, 1, &type))
            return res;
        if (dom != 2) {
            pd_skip_script(r, "tcplab's stack is IPv4 only (socket family %lld)", dom);
            return res;
        }
        res.v = sock_socket(H(r), type == 2 ? SOCKT_UDP : SOCKT_TCP);
        return res;
    }
    if (strcmp(n, "poll") == 0)
        return do_poll(r, c, again);
    if (!arg_int(r, c, 0, &fd))
        return res;
    if (strcmp(n, "bind") == 0) {
        uint32_t a;
        uint16_t p;
        if (arg_addr(r, c, 1, r->s->local_ip, &a, &p)) {
            res.v = sock_bind(H(r), (int)fd, a, p);
            if (res.v == 0)
                r->bound_port = p;
        }
    } else if (strcmp(n, "listen") == 0) {
        long long b;
        if (arg_int(r, c, 1, &b))
            res.v = sock_listen(H(r), (int)fd, (int)b, r->now);
    } else if (strcmp(n, "accept") == 0) {
        res = blocking(r, (int)fd, sock_accept(H(r), (int)fd, NULL, NULL, r->now), -EAGAIN);
    } else if (strcmp(n, "connect") == 0) {
        res = do_connect(r, c, (int)fd, again);
    } else if (strcmp(n, "read") == 0 || strcmp(n, "recv") == 0) {
        res = do_data(r, c, (int)fd, true, again);
    } else if (strcmp(n, "write") == 0 || strcmp(n, "send") == 0) {
        res = do_data(r, c, (int)fd, false, again);
    } else if (strcmp(n, "shutdown") == 0) {
        long long how;
        if (arg_int(r, c, 1, &how))
            res.v = sock_shutdown(H(r), (int)fd, (int)how, r->now);
    } else if (strcmp(n, "close") == 0) {
        res.v = sock_close(H(r), (int)fd, r->now);
    } else if (strcmp(n, "setsockopt") == 0 || strcmp(n, "getsockopt") == 0) {
        res = do_sockopt(r, c, (int)fd, n[0] == 's');
    } else if (strcmp(n, "fcntl") == 0) {
        res = do_fcntl(r, c, (int)fd);
    } else {
        pd_skip_script(r, "system call %s is not supported by tcplab", n);
    }
    return res;
}

static void check_result(struct pd_runner *r, const struct pd_call *c, long long got)
{
    if (c->ret_any || r->failed || r->skipped)
        return;
    if (got >= 0) {
        if (got != c->ret)
            pd_fail(r, "runtime error in %s call: Expected result %lld but got %lld", c->name,
                    c->ret, got);
        return;
    }
    int e = (int)-got;
    if (c->ret != -1) {
        pd_fail(r, "runtime error in %s call: Expected result %lld but got -1 with errno %d (%s)",
                c->name, c->ret, e, strerror(e));
        return;
    }
    int want = pd_errno_value(c->err);
    if (want != e)
        pd_fail(r, "runtime error in %s call: Expected errno %d (%s) but got %d (%s)", c->name,
                want, strerror(want), e, strerror(e));
}

/* The call returned v at r->now: on time, and the result the script wants? */
static void complete(struct pd_runner *r, const struct pd_event *e, long long v)
{
    tl_time end = e->blocking ? (e->end_kind == PDT_REL ? r->pend_base + e->t_end : e->t_end)
                              : r->pend_start;
    tl_time tol = r->s->tolerance;
    if (r->now < end - tol || r->now > end + tol)
        pd_fail(r, "timing error: %s call expected to return at %.6f sec but returned at %.6f "
                   "sec; tolerance %.6f sec",
                e->call.name, (double)end / TL_SEC, (double)r->now / TL_SEC, (double)tol / TL_SEC);
    check_result(r, &e->call, v);
}

bool pd_call_start(struct pd_runner *r, const struct pd_event *e)
{
    r->pend_start = r->now;
    struct call_res res = run_call(r, &e->call, false);
    if (!res.done)
        return false;
    complete(r, e, res.v);
    return true;
}

bool pd_call_retry(struct pd_runner *r)
{
    const struct pd_event *e = r->pend;
    const struct pd_event *cur = r->ev;
    r->ev = e;
    struct call_res res = run_call(r, &e->call, true);
    if (!res.done) {
        r->ev = cur;
        return false;
    }
    r->pending = false;
    complete(r, e, res.v);
    if (!r->failed && !r->skipped)
        r->ev = cur;
    return true;
}
