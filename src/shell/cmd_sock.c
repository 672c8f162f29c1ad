/* The socket calls of the lab, as shell commands, and the calls left
 * pending until the other host acts (accept, recv, a large send). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "link/faults.h"
#include "shell/shell.h"
#include "util/stream.h"
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

static void bind_name(struct shell *sh, int host, const char *name, int fd)
{
    struct sockinfo si;
    struct sh_value v = {.kind = VAL_SOCK, .fd = fd,
                         .sock_id = sh_sockinfo(sh, host, fd, &si) ? si.id : -1};
    if (sh_name_set(sh, host, name, &v) < 0)
        sh_error(sh, "too many names on %s", sh_host_name(sh, host));
}

/* Python's repr of bytes: b'Hello juliet\n'. */
static void print_bytes(struct shell *sh, const uint8_t *d, size_t n)
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

static void print_assign(struct shell *sh, const struct pending *p, int i)
{
    if (p->nassign > i)
        fprintf(sh->out, "%s = ", p->assign[i]);
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
        bind_name(sh, host, cl->assign[0], fd);
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

static void start_pending(struct shell *sh, int host, struct sh_cmdline *cl, enum pend_kind k,
                          int fd);

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
    if (rc == -EINPROGRESS && sh->w->faults && sh->w->faults->set.hold) {
        /* The wire holds the SYN: the handshake needs `wire step` (or the
         * other host, for a simultaneous open), so the call waits. */
        start_pending(sh, host, cl, PEND_CONNECT, fd);
        sh->pend[host].raddr = addr;
        sh->pend[host].rport = port;
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

static void start_pending(struct shell *sh, int host, struct sh_cmdline *cl, enum pend_kind k,
                          int fd)
{
    struct pending *p = &sh->pend[host];
    digest_drop(&p->dg);
    memset(p, 0, sizeof *p);
    p->kind = k;
    p->fd = fd;
    struct sockinfo si;
    p->sock_id = sh_sockinfo(sh, host, fd, &si) ? si.id : -1;
    p->nassign = cl->nassign;
    memcpy(p->assign, cl->assign, sizeof p->assign);
    size_t off = 0;
    for (int i = 0; i < cl->argc && off < sizeof p->line - 1; i++)
        off += (size_t)snprintf(p->line + off, sizeof p->line - off, "%s%s", i ? " " : "",
                                cl->argv[i].quoted ? "\"...\"" : cl->argv[i].s);
    digest_init(&p->dg);
    p->started = sh->ncommands;
}

/* Said at the end of the command that made a call still waiting. */
void sh_pending_note(struct shell *sh, int host)
{
    const struct pending *p = &sh->pend[host];
    const char *name = sh_host_name(sh, host);
    switch (p->kind) {
    case PEND_ACCEPT:
        fprintf(sh->out, "(%s: accept waits for a connection; the prompt stays free)\n", name);
        break;
    case PEND_RECV:
        fprintf(sh->out, "(%s: recv waits for data; the prompt stays free)\n", name);
        break;
    case PEND_RECV_ALL:
        fprintf(sh->out, "(%s: recv --all reads until the peer closes; %zu bytes so far; "
                         "the prompt stays free)\n", name, p->done);
        break;
    case PEND_SEND_BYTES:
        fprintf(sh->out, "(%s: send waits for the receiver to make room; %zu of %zu bytes "
                         "taken so far; the prompt stays free)\n", name, p->done, p->want);
        break;
    case PEND_CONNECT:
        fprintf(sh->out, "(%s: connect waits for the handshake; the wire is holding frames: "
                         "wire step or wire release lets them go)\n", name);
        break;
    case PEND_NONE:
        break;
    }
}

int cmd_accept(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    start_pending(sh, host, cl, PEND_ACCEPT, fd);
    sh_pending_step(sh, host);
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
        start_pending(sh, host, cl, PEND_SEND_BYTES, fd);
        struct pending *p = &sh->pend[host];
        p->want = n;
        p->seed = sh->seed * 0x100000001b3ull + (uint64_t)host * 7919 + sh->w->frames;
        digest_init_seeded(&p->dg, p->seed);
        sh_pending_step(sh, host);
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

int cmd_recv(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int fd = arg_sock(sh, host, cl, 1);
    if (fd < 0)
        return -1;
    size_t n = RECV_DEFAULT;
    enum pend_kind k = PEND_RECV;
    if (cl->argc == 3 && strcmp(cl->argv[2].s, "--all") == 0 && !cl->argv[2].quoted) {
        k = PEND_RECV_ALL;
    } else if (cl->argc == 3 && (sh_parse_size(cl->argv[2].s, &n) < 0 || n == 0 ||
                                 n > 64 * 1024 * 1024)) {
        sh_usage_error(sh, sh_cmd_find("recv"), "recv: '%s' is not a byte count",
                       cl->argv[2].s);
        return -1;
    }
    start_pending(sh, host, cl, k, fd);
    sh->pend[host].want = n;
    sh_pending_step(sh, host);
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

/* ---- pending calls --------------------------------------------------- */

/* The digest of what was sent is of the seeded stream (its worker makes
 * the bytes again); what is received goes straight into the digest's
 * ring. */
static bool step_send(struct shell *sh, int host, struct pending *p)
{
    bool progress = false;
    uint8_t buf[16384];
    while (p->done < p->want) {
        size_t n = p->want - p->done < sizeof buf ? p->want - p->done : sizeof buf;
        stream_bytes(p->seed, p->done, buf, n);
        long rc = SH_CALL(sh, host, send, p->fd, buf, n, sh_now(sh));
        if (rc == -EAGAIN)
            break;
        if (rc < 0) {
            p->err = (int)-rc;
            p->completed = true;
            return true;
        }
        digest_update_seeded(&p->dg, buf, (size_t)rc);
        p->done += (size_t)rc;
        progress = true;
    }
    if (p->done == p->want)
        p->completed = true;
    return progress || p->completed;
}

static bool step_recv_all(struct shell *sh, int host, struct pending *p)
{
    bool progress = false;
    for (;;) {
        size_t n = 16384;
        uint8_t *buf = digest_room(&p->dg, &n);
        long rc = SH_CALL(sh, host, recvfrom, p->fd, buf, n, NULL, NULL, sh_now(sh));
        if (rc == -EAGAIN)
            return progress;
        if (rc <= 0) {
            p->err = (int)-rc;
            p->completed = true;
            return true;
        }
        digest_commit(&p->dg, (size_t)rc);
        p->done += (size_t)rc;
        progress = true;
    }
}

bool sh_pending_step(struct shell *sh, int host)
{
    struct pending *p = &sh->pend[host];
    struct sockinfo si;
    if (!sh_sockinfo(sh, host, p->fd, &si) || si.id != p->sock_id) {
        p->err = EBADF;
        p->completed = true;
        return true;
    }
    switch (p->kind) {
    case PEND_ACCEPT: {
        int fd = SH_CALL(sh, host, accept, p->fd, &p->raddr, &p->rport, sh_now(sh));
        if (fd == -EAGAIN)
            return false;
        p->new_fd = fd;
        p->err = fd < 0 ? -fd : 0;
        p->completed = true;
        return true;
    }
    case PEND_RECV: {
        uint8_t *buf = malloc(p->want);
        if (!buf)
            return false;
        long rc = SH_CALL(sh, host, recvfrom, p->fd, buf, p->want, &p->raddr, &p->rport, sh_now(sh));
        if (rc == -EAGAIN) {
            free(buf);
            return false;
        }
        p->data = buf;
        p->len = rc > 0 ? (size_t)rc : 0;
        p->err = rc < 0 ? (int)-rc : 0;
        p->completed = true;
        return true;
    }
    case PEND_RECV_ALL:
        return step_recv_all(sh, host, p);
    case PEND_CONNECT: {
        int err = 0;
        if (!SH_CALL(sh, host, connect_done, p->fd, &err))
            return false;
        p->err = err;
        p->completed = true;
        return true;
    }
    case PEND_SEND_BYTES:
        return step_send(sh, host, p);
    case PEND_NONE:
        break;
    }
    return false;
}

/* Print a completed call's result (after the frames that completed it). */
void sh_pending_finish(struct shell *sh, int host)
{
    struct pending *p = &sh->pend[host];
    struct sockinfo si;
    char a[16], hex[65];
    uint8_t d[32];
    if (p->started != sh->ncommands)         /* it began in an earlier command */
        fprintf(sh->out, "%s: %s returned:\n", sh_host_name(sh, host), p->line);
    if (p->err) {
        if (p->kind == PEND_SEND_BYTES || p->kind == PEND_RECV_ALL)
            fprintf(sh->out, "%zu bytes %s before the error\n", p->done,
                    p->kind == PEND_SEND_BYTES ? "sent" : "received");
        sh_oserror(sh, p->err);
    } else {
        switch (p->kind) {
        case PEND_ACCEPT: {
            if (p->nassign >= 1)
                bind_name(sh, host, p->assign[0], p->new_fd);
            if (p->nassign == 2) {
                struct sh_value v = {.kind = VAL_ADDR, .addr = p->raddr, .port = p->rport};
                sh_name_set(sh, host, p->assign[1], &v);
            }
            print_assign(sh, p, 0);
            fprintf(sh->out, "fd %d", p->new_fd);
            if (p->nassign == 2)
                fprintf(sh->out, ", %s = ", p->assign[1]);
            else
                fprintf(sh->out, " from ");
            fprintf(sh->out, "('%s', %u)\n", ipv4_ntoa(p->raddr, a), p->rport);
            break;
        }
        case PEND_RECV:
            print_assign(sh, p, 0);
            if (sh_sockinfo(sh, host, p->fd, &si) && si.type == SOCKT_UDP) {
                fputc('(', sh->out);
                print_bytes(sh, p->data, p->len);
                fprintf(sh->out, "    from ('%s', %u))\n", ipv4_ntoa(p->raddr, a), p->rport);
            } else {
                print_bytes(sh, p->data, p->len);
            }
            break;
        case PEND_CONNECT:
            fprintf(sh->out, "connected to ('%s', %u)\n", ipv4_ntoa(p->raddr, a), p->rport);
            break;
        case PEND_RECV_ALL:
        case PEND_SEND_BYTES:
            digest_final(&p->dg, d);
            sha256_hex(d, hex);
            fprintf(sh->out, "%zu bytes %s, sha256 %s\n", p->done,
                    p->kind == PEND_SEND_BYTES ? "sent" : "received (end of stream)", hex);
            break;
        case PEND_NONE:
            break;
        }
    }
    free(p->data);
    digest_drop(&p->dg);
    memset(p, 0, sizeof *p);
}

void sh_unfinished_text(const struct shell *sh, int host, char *buf, size_t cap)
{
    snprintf(buf, cap, "(%s: '%s' was still waiting at the end of the script)",
             sh_host_name(sh, host), sh->pend[host].line);
}

void sh_cancel_pending(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct pending *p = &sh->pend[h];
        if (p->kind == PEND_NONE)
            continue;
        if (p->completed) {
            sh_pending_finish(sh, h);
            continue;
        }
        fprintf(sh->out, "%s: %s interrupted\nKeyboardInterrupt\n", sh_host_name(sh, h), p->line);
        free(p->data);
        digest_drop(&p->dg);
        memset(p, 0, sizeof *p);
    }
}
