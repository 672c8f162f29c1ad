/* The socket calls of the lab, as shell commands; the calls that wait for
 * the other host become jobs (jobs.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "link/faults.h"
#include "shell/commands.h"
#include "wire/ipv4.h"

#define RECV_DEFAULT   1024
#define REPR_MAX       512         /* bytes of a received buffer shown */
#define CONNECT_LIMIT  (200 * TL_SEC)

/* The socket an argument names; on failure prints why and returns -1. */
static int arg_sock(struct shell *sh, int host, struct sh_cmdline *cl, int i)
{
    int err;
    int fd = sh_resolve_sock(sh, host, cl->argv[i].s, &err);
    if (fd >= 0)
        return fd;
    if (err == ENOENT)
        sh_error(sh, "name '%s' is not defined on %s", cl->argv[i].s, sh_host_name(sh, host));
    else if (err == ENOTSOCK)
        sh_error(sh, "'%s' is not a socket", cl->argv[i].s);
    else
        sh_oserror(sh, EBADF);
    return -1;
}

static int arg_addr(struct shell *sh, int host, const struct sh_arg *a, uint32_t *addr)
{
    if (a->len == 0 || strcmp(a->s, "*") == 0 || strcmp(a->s, "0.0.0.0") == 0 ||
        strcmp(a->s, "INADDR_ANY") == 0) {
        *addr = 0;
        return 0;
    }
    if (ipv4_aton(a->s, addr) == 0)
        return 0;
    int h = sh_host_index(sh, a->s);
    if (h >= 0) {
        *addr = sh->w->addr[h];
        return 0;
    }
    struct sh_value *v = sh_name_get(sh, host, a->s);
    if (v && v->kind == VAL_ADDR) {
        *addr = v->addr;
        return 0;
    }
    return -1;
}

static int arg_port(const struct sh_arg *a, uint16_t *port)
{
    char *end;
    long v = strtol(a->s, &end, 10);
    if (a->len == 0 || *end || v < 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

static int addr_port(struct shell *sh, int host, struct sh_cmdline *cl, int i, uint32_t *addr,
                     uint16_t *port, const char *cmd)
{
    const struct sh_cmd *c = sh_cmd_find(cmd);
    if (arg_addr(sh, host, &cl->argv[i], addr) < 0) {
        sh_usage_error(sh, c, "%s: '%s' is not an IPv4 address", cmd, cl->argv[i].s);
        return -1;
    }
    if (arg_port(&cl->argv[i + 1], port) < 0) {
        sh_usage_error(sh, c, "%s: '%s' is not a port (0-65535)", cmd, cl->argv[i + 1].s);
        return -1;
    }
    return 0;
}

void sh_bind_name(struct shell *sh, int host, const char *name, int fd)
{
    struct sockinfo si;
    struct sh_value v = {.kind = VAL_SOCK, .fd = fd,
                         .sock_id = sh_sockinfo(sh, host, fd, &si) ? si.id : -1};
    if (sh_name_set(sh, host, name, &v) < 0)
        sh_error(sh, "too many names on %s", sh_host_name(sh, host));
}

/* Python's repr of bytes: b'Hello juliet\n'. */
void sh_print_bytes(struct shell *sh, const uint8_t *d, size_t n)
{
    bool dq = memchr(d, '\'', n) && !memchr(d, '"', n);
    char q = dq ? '"' : '\'';
    size_t shown = n > REPR_MAX ? REPR_MAX : n;
    fputc('b', sh->out);
    fputc(q, sh->out);
    for (size_t i = 0; i < shown; i++) {
        uint8_t c = d[i];
        if (c == '\\' || c == (uint8_t)q)
            fprintf(sh->out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", sh->out);
        else if (c == '\r')
            fputs("\\r", sh->out);
        else if (c == '\t')
            fputs("\\t", sh->out);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(sh->out, "\\x%02x", c);
        else
            fputc(c, sh->out);
    }
    fputc(q, sh->out);
    if (shown < n)
        fprintf(sh->out, " ... (%zu bytes in all)", n);
    fputc('\n', sh->out);
}

int cmd_socket(struct shell *sh, int host, struct sh_cmdline *cl)
{
    enum sock_type type = SOCKT_TCP;
    if (cl->argc == 2) {
        if (strcmp(cl->argv[1].s, "udp") == 0)
            type = SOCKT_UDP;
        else if (strcmp(cl->argv[1].s, "tcp") != 0) {
            sh_usage_error(sh, sh_cmd_find("socket"), "socket: '%s' is not tcp or udp",
                           cl->argv[1].s);
            return -1;
        }
    }
    if (cl->nassign > 1) {
        sh_usage_error(sh, sh_cmd_find("socket"), "socket returns one value");
        return -1;
    }
    int fd = SH_CALL(sh, host, socket, type);
    if (fd < 0) {
        sh_oserror(sh, -fd);
        return 0;
    }
    if (cl->nassign)
        sh_bind_name(sh, host, cl->assign[0], fd);
    fprintf(sh->out, "%s%s%s socket, fd %d\n", cl->nassign ? cl->assign[0] : "",
            cl->nassign ? " = " : "", type == SOCKT_TCP ? "TCP" : "UDP", fd);
    return 0;
}

int cmd_bind(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    uint32_t addr;
    uint16_t port;
    if (fd < 0 || addr_port(sh, host, cl, 2, &addr, &port, "bind") < 0)
        return -1;
    int rc = SH_CALL(sh, host, bind, fd, addr, port);
    if (rc < 0)
        sh_oserror(sh, -rc);
    return 0;
}

int cmd_listen(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    int backlog = 128;             /* Python's default: min(SOMAXCONN, 128) */
    if (cl->argc == 3) {
        char *end;
        long v = strtol(cl->argv[2].s, &end, 10);
        if (*end || cl->argv[2].len == 0 || v < 0 || v > 65535) {
            sh_usage_error(sh, sh_cmd_find("listen"), "listen: '%s' is not a backlog",
                           cl->argv[2].s);
            return -1;
        }
        backlog = (int)v;
    }
    int rc = SH_CALL(sh, host, listen, fd, backlog, sh_now(sh));
    if (rc < 0)
        sh_oserror(sh, -rc);
    return 0;
}

struct conn_wait {
    struct shell *sh;
    int host, fd, err;
};

static bool connect_done(void *ctx)
{
    struct conn_wait *w = ctx;
    return SH_CALL(w->sh, w->host, connect_done, w->fd, &w->err);
}

int cmd_connect(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    uint32_t addr;
    uint16_t port;
    if (fd < 0 || addr_port(sh, host, cl, 2, &addr, &port, "connect") < 0)
        return -1;
    int rc = SH_CALL(sh, host, connect, fd, addr, port, sh_now(sh));
    if (rc == -EINPROGRESS && (sh->bg || (sh->w->faults && sh->w->faults->set.hold))) {
        /* Started with `&`, or the wire holds the SYN (the handshake needs
         * `wire step`, or the other host for a simultaneous open): the
         * call is left pending. */
        struct pending *p = sh_job_start(sh, host, cl, PEND_CONNECT, fd);
        if (p) {
            p->raddr = addr;
            p->rport = port;
            sh_job_step(sh, p);
        }
        return 0;
    }
    if (rc == -EINPROGRESS) {
        /* Block as Python does: the handshake runs, timers included. */
        struct conn_wait w = {sh, host, fd, 0};
        if (!world_run_until(sh->w, connect_done, &w, sh_now(sh) + CONNECT_LIMIT)) {
            /* Ctrl-C (real time): the prompt says KeyboardInterrupt, and the
             * socket stays in SYN_SENT as Python leaves it. */
            if (world_interrupt)
                return 0;
            w.err = ETIMEDOUT;
        }
        rc = -w.err;
    }
    if (rc < 0)
        sh_oserror(sh, -rc);
    return 0;
}

int cmd_accept(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    struct pending *p = sh_job_start(sh, host, cl, PEND_ACCEPT, fd);
    if (p)
        sh_job_step(sh, p);
    return 0;
}

int cmd_send(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    const struct sh_cmd *c = sh_cmd_find("send");
    if (cl->argc == 4 || (cl->argc == 3 && strcmp(cl->argv[2].s, "--bytes") == 0)) {
        size_t n;
        if (cl->argc != 4 || strcmp(cl->argv[2].s, "--bytes") != 0 || cl->argv[2].quoted ||
            sh_parse_size(cl->argv[3].s, &n) < 0) {
            sh_usage_error(sh, c, "send: --bytes takes a size such as 1000, 64k or 1M");
            return -1;
        }
        struct pending *p = sh_job_start(sh, host, cl, PEND_SEND_BYTES, fd);
        if (!p)
            return 0;
        p->want = n;
        /* calls started side by side with & get streams of their own */
        p->seed = sh->seed * 0x100000001b3ull + (uint64_t)host * 7919 + sh->w->frames +
                  (p->bg ? (uint64_t)p->id * 104729 : 0);
        digest_init_seeded(&p->dg, p->seed);
        sh_job_step(sh, p);
        return 0;
    }
    if (cl->argc != 3) {
        sh_usage_error(sh, c, "send: missing data");
        return -1;
    }
    const struct sh_arg *d = &cl->argv[2];
    if (!d->quoted) {
        sh_usage_error(sh, c, "send: put the text in quotes");
        return -1;
    }
    long rc = SH_CALL(sh, host, send, fd, d->s, d->len, sh_now(sh));
    if (rc < 0)
        sh_oserror(sh, (int)-rc);
    else
        fprintf(sh->out, "%ld\n", rc);
    return 0;
}

int cmd_sendto(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    uint32_t addr;
    uint16_t port;
    if (fd < 0 || addr_port(sh, host, cl, 2, &addr, &port, "sendto") < 0)
        return -1;
    const struct sh_arg *d = &cl->argv[4];
    if (!d->quoted) {
        sh_usage_error(sh, sh_cmd_find("sendto"), "sendto: put the text in quotes");
        return -1;
    }
    long rc = SH_CALL(sh, host, sendto, fd, d->s, d->len, addr, port, sh_now(sh));
    if (rc < 0)
        sh_oserror(sh, (int)-rc);
    else
        fprintf(sh->out, "%ld\n", rc);
    return 0;
}

/* recv SOCK --all N --every DURATION: the slow reader of the course's
 * rwnd-limited transfer (file-receiver-slow.py reads 4096 bytes every
 * 0.1 s: recv c --all 4096 --every 100ms). */
static int recv_pace(struct shell *sh, struct sh_cmdline *cl, size_t *n, tl_time *d)
{
    const struct sh_cmd *c = sh_cmd_find("recv");
    if (cl->argc != 6 || cl->argv[4].quoted || strcmp(cl->argv[4].s, "--every") != 0) {
        sh_usage_error(sh, c, "recv: a paced reader is recv SOCK --all N --every DURATION");
        return -1;
    }
    if (cl->argv[3].quoted || sh_parse_size(cl->argv[3].s, n) < 0 || *n == 0 ||
        *n > 64 * 1024 * 1024) {
        sh_usage_error(sh, c, "recv: '%s' is not a byte count (1 to 64M)", cl->argv[3].s);
        return -1;
    }
    if (cl->argv[5].quoted || sh_parse_duration(sh, cl->argv[5].s, d) < 0 || *d < TL_MS ||
        *d > 3600 * TL_SEC) {
        sh_usage_error(sh, c, "recv: '%s' is not a duration from 1ms to 1h (100ms, 2s)",
                       cl->argv[5].s);
        return -1;
    }
    return 0;
}

int cmd_recv(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    size_t n = RECV_DEFAULT, pace_n = 0;
    tl_time pace_d = 0;
    enum pend_kind k = PEND_RECV;
    if (cl->argc >= 3 && strcmp(cl->argv[2].s, "--all") == 0 && !cl->argv[2].quoted) {
        k = PEND_RECV_ALL;
        if (cl->argc != 3 && recv_pace(sh, cl, &pace_n, &pace_d) < 0)
            return -1;
    } else if (cl->argc > 3) {
        sh_usage_error(sh, sh_cmd_find("recv"), "recv: only --all takes more words "
                       "(recv SOCK --all N --every DURATION)");
        return -1;
    } else if (cl->argc == 3 && (sh_parse_size(cl->argv[2].s, &n) < 0 || n == 0 ||
                                 n > 64 * 1024 * 1024)) {
        sh_usage_error(sh, sh_cmd_find("recv"), "recv: '%s' is not a byte count",
                       cl->argv[2].s);
        return -1;
    }
    struct pending *p = sh_job_start(sh, host, cl, k, fd);
    if (p) {
        p->want = n;
        p->pace_n = pace_n;
        p->pace_d = pace_d;
        p->next_at = sh_now(sh);       /* the first read at once */
        sh_job_step(sh, p);
    }
    return 0;
}

int cmd_recvfrom(struct shell *sh, int host, struct sh_cmdline *cl)
{
    return cmd_recv(sh, host, cl);
}

int cmd_shutdown(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    const char *w = cl->argv[2].s;
    int how = strcmp(w, "rd") == 0 ? SHUTDOWN_RD : strcmp(w, "wr") == 0 ? SHUTDOWN_WR
            : strcmp(w, "rdwr") == 0 ? SHUTDOWN_RDWR : -1;
    if (how < 0) {
        sh_usage_error(sh, sh_cmd_find("shutdown"), "shutdown: '%s' is not rd, wr or rdwr", w);
        return -1;
    }
    int rc = SH_CALL(sh, host, shutdown, fd, how, sh_now(sh));
    if (rc < 0)
        sh_oserror(sh, -rc);
    return 0;
}

/* close and abort: the socket, the call, Python's error if any. */
static int call_on_sock(struct shell *sh, int host, struct sh_cmdline *cl,
                        int (*call)(void *h, int fd, tl_time now))
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    int rc = call(sh->w->api_ctx[host], fd, sh_now(sh));
    if (rc < 0)
        sh_oserror(sh, -rc);
    return 0;
}

int cmd_close(struct shell *sh, int host, struct sh_cmdline *cl)
{
    return call_on_sock(sh, host, cl, sh->w->api[host]->close);
}

int cmd_abort(struct shell *sh, int host, struct sh_cmdline *cl)
{
    return call_on_sock(sh, host, cl, sh->w->api[host]->abort);
}

int cmd_setsockopt(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    static const struct { const char *name; enum sockopt opt; bool size; } opts[] = {
        {"reuseaddr", SOCKOPT_REUSEADDR, false}, {"linger0", SOCKOPT_LINGER0, false},
        {"sndbuf", SOCKOPT_SNDBUF, true}, {"rcvbuf", SOCKOPT_RCVBUF, true},
        {"nodelay", SOCKOPT_NODELAY, false}, {"tcp_nodelay", SOCKOPT_NODELAY, false},
        {"quickack", SOCKOPT_QUICKACK, false}, {"tcp_quickack", SOCKOPT_QUICKACK, false},
        {"rto_min", SOCKOPT_RTO_MIN, false},
        {"congestion", SOCKOPT_CONGESTION, false}, {"tcp_congestion", SOCKOPT_CONGESTION, false},
    };
    const struct sh_cmd *c = sh_cmd_find("setsockopt");
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        if (strcmp(cl->argv[2].s, opts[i].name) != 0)
            continue;
        size_t v;
        if (opts[i].opt == SOCKOPT_CONGESTION) {
            int cc = tcp_cc_by_name(cl->argv[3].s);
            if (cc < 0) {
                sh_usage_error(sh, c, "setsockopt: no congestion control '%s' (reno or cubic)",
                               cl->argv[3].s);
                return -1;
            }
            v = (size_t)cc;
        } else if (sh_parse_size(cl->argv[3].s, &v) < 0 || v > 0x7fffffff) {
            sh_usage_error(sh, c, "setsockopt: '%s' is not a number", cl->argv[3].s);
            return -1;
        }
        int rc = SH_CALL(sh, host, setsockopt, fd, opts[i].opt, (int)v);
        if (rc < 0)
            sh_oserror(sh, -rc);
        return 0;
    }
    sh_usage_error(sh, c, "setsockopt: unknown option '%s'", cl->argv[2].s);
    return -1;
}

int cmd_print(struct shell *sh, int host, struct sh_cmdline *cl)
{
    const char *name = cl->argv[cl->argc - 1].s;
    if (cl->argv[cl->argc - 1].quoted) {
        fprintf(sh->out, "%s\n", name);
        return 0;
    }
    struct sh_value *v = sh_name_get(sh, host, name);
    if (!v) {
        sh_error(sh, "name '%s' is not defined on %s", name, sh_host_name(sh, host));
        return -1;
    }
    sh_print_value(sh, host, v);
    return 0;
}

int cmd_import(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)sh;
    (void)host;
    (void)cl;
    return 0;
}

