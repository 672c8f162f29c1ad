/* The `ss` and `lsof` views: every socket of every host, in the columns
 * students know from `ss -t -u -a -n` and `lsof -n -i` on Linux.  Both read
 * the hosts' socket lists and write one aligned table. */
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "views/view_util.h"
#include "views/views.h"


static int by_id(const void *a, const void *b)
{
    const struct sock *x = *(const struct sock *const *)a, *y = *(const struct sock *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The sockets ss would list, oldest first (socket ids only grow): skip
 * those about to be freed and the TCP ones with neither a descriptor nor a
 * connection.  Caller frees the array. */
static const struct sock **listed_socks(const struct host *h, size_t *n)
{
    size_t cap = 0;
    for (const struct sock *s = h->socks; s; s = s->next)
        cap++;
    const struct sock **v = calloc(cap ? cap : 1, sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (const struct sock *s = h->socks; s; s = s->next) {
        if (s->dead)
            continue;
        if (s->type == SOCKT_TCP && s->tcb.state == TCP_CLOSED && s->fd < 0)
            continue;
        v[(*n)++] = s;
    }
    qsort(v, *n, sizeof *v, by_id);
    return v;
}

enum { SS_HOST, SS_NETID, SS_STATE, SS_RECVQ, SS_SENDQ, SS_LADDR, SS_LPORT, SS_RADDR,
       SS_RPORT, SS_PROCESS, SS_TIMER, SS_NCOLS };

static const struct vu_col ss_cols[SS_NCOLS] = {
    [SS_HOST] = {"Host", VU_LEFT, "  "},
    [SS_NETID] = {"Netid", VU_LEFT, "  "},
    [SS_STATE] = {"State", VU_LEFT, "  "},
    [SS_RECVQ] = {"Recv-Q", VU_LEFT, "  "},
    [SS_SENDQ] = {"Send-Q", VU_LEFT, "  "},
    [SS_LADDR] = {"Local Address", VU_RIGHT, ":"},
    [SS_LPORT] = {"Port", VU_LEFT, "  "},
    [SS_RADDR] = {"Peer Address", VU_RIGHT, ":"},
    [SS_RPORT] = {"Port", VU_LEFT, "  "},
    [SS_PROCESS] = {"Process", VU_LEFT, "  "},
    [SS_TIMER] = {"", VU_LEFT, "  "},
};

void vu_ss_init(struct vu_table *t)
{
    vu_table_init(t, ss_cols, SS_TIMER);
}

void vu_ss_init_timers(struct vu_table *t)
{
    vu_table_init(t, ss_cols, SS_NCOLS);
}

void vu_ss_add(struct vu_table *t, const struct vu_sock_row *x)
{
    struct vu_row *r = vu_table_add(t);
    char a[16], p[8];
    if (!r)
        return;
    bool peer = x->state != TCP_CLOSED && x->state != TCP_LISTEN;
    vu_cell(r, SS_HOST, "%s", x->host);
    vu_cell(r, SS_NETID, "%s", x->udp ? "udp" : "tcp");
    vu_cell(r, SS_STATE, "%s", vu_ss_state(x->state));
    r->sgr[SS_STATE] = vu_state_sgr(x->state);
    /* For LISTEN these are the accept queue and the backlog, as on Linux. */
    vu_cell(r, SS_RECVQ, "%zu", x->rq);
    vu_cell(r, SS_SENDQ, "%zu", x->sq);
    vu_cell(r, SS_LADDR, "%s", vu_addr(a, x->la, "0.0.0.0"));
    vu_cell(r, SS_LPORT, "%s", vu_port(p, x->lp));
    vu_cell(r, SS_RADDR, "%s", vu_addr(a, peer ? x->ra : 0, "0.0.0.0"));
    vu_cell(r, SS_RPORT, "%s", vu_port(p, peer ? x->rp : 0));
    /* Orphans (closed by the user, finishing in TIME-WAIT or FIN-WAIT) and
     * connections not yet accepted belong to no process: ss shows none. */
    if (x->fd >= 0)
        vu_cell(r, SS_PROCESS, "fd=%d%s%s", x->fd, x->name ? " " : "", x->name ? x->name : "");
    else if (x->note)
        vu_cell(r, SS_PROCESS, "%s", x->note);
    if (t->ncols > SS_TIMER)
        vu_cell(r, SS_TIMER, "%s", x->timer);
}

/* A socket of tcplab's stack as ss and lsof see it: a UDP socket is
 * "established" once connected. */
static struct vu_sock_row stack_row(const struct view_style *st, const struct host *h,
                                    const struct sock *s)
{
    bool udp = s->type == SOCKT_UDP;
    struct vu_sock_row x = {
        .host = h->cfg.name, .udp = udp,
        .state = udp ? (s->connected ? TCP_ESTABLISHED : TCP_CLOSED) : s->tcb.state,
        .rq = sock_recv_queue(s), .sq = udp ? 0 : sock_send_queue(s),
        .la = s->laddr, .ra = s->raddr, .lp = s->lport, .rp = s->rport,
        .fd = s->fd, .id = (unsigned long long)s->id,
        .name = s->fd >= 0 ? vu_name(st, h, s->fd) : NULL,
    };
    return x;
}

/* The rows of one host; with `timers`, each TCP socket's timer at `now`. */
static void add_host(struct vu_table *t, const struct view_style *st, const struct host *h,
                     bool timers, tl_time now)
{
    size_t n;
    const struct sock **v = listed_socks(h, &n);
    for (size_t k = 0; v && k < n; k++) {
        struct vu_sock_row x = stack_row(st, h, v[k]);
        if (timers && v[k]->type == SOCKT_TCP) {
            tl_time left;
            unsigned retrans;
            enum vu_timer kind = vu_tcb_timer(&v[k]->tcb, now, &left, &retrans);
            vu_ss_timer(x.timer, sizeof x.timer, kind, left, retrans);
        }
        vu_ss_add(t, &x);
    }
    free(v);
}

void vu_ss_add_host(struct vu_table *t, const struct view_style *st, const struct host *h)
{
    add_host(t, st, h, false, 0);
}

void vu_ss_add_host_at(struct vu_table *t, const struct view_style *st, const struct host *h,
                       tl_time now)
{
    add_host(t, st, h, true, now);
}

void view_ss(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts)
{
    struct vu_table t;
    vu_ss_init(&t);
    for (int i = 0; i < nhosts; i++)
        if (hosts[i])
            vu_ss_add_host(&t, st, hosts[i]);
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}

void view_ss_timers(FILE *out, const struct view_style *st, struct host *const *hosts,
                    int nhosts, tl_time now)
{
    struct vu_table t;
    vu_ss_init_timers(&t);
    for (int i = 0; i < nhosts; i++)
        if (hosts[i])
            vu_ss_add_host_at(&t, st, hosts[i], now);
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}

/* lsof lists open files, so only sockets with a descriptor.  PID becomes
 * HOST (each host is one "process" of the lab), USER is left out, DEVICE
 * is the socket's id in its host (lsof prints the kernel's socket inode). */
enum { LS_COMMAND, LS_HOST, LS_FD, LS_TYPE, LS_DEVICE, LS_SIZE, LS_NODE, LS_NAME, LS_NCOLS };

static const struct vu_col lsof_cols[LS_NCOLS] = {
    [LS_COMMAND] = {"COMMAND", VU_LEFT, " "},
    [LS_HOST] = {"HOST", VU_LEFT, " "},
    [LS_FD] = {"FD", VU_RIGHT, " "},
    [LS_TYPE] = {"TYPE", VU_LEFT, " "},
    [LS_DEVICE] = {"DEVICE", VU_RIGHT, " "},
    [LS_SIZE] = {"SIZE/OFF", VU_RIGHT, " "},
    [LS_NODE] = {"NODE", VU_LEFT, " "},
    [LS_NAME] = {"NAME", VU_LEFT, " "},
};

void vu_lsof_init(struct vu_table *t)
{
    vu_table_init(t, lsof_cols, LS_NCOLS);
}

/* NAME: "10.10.1.100:50000->10.10.2.100:4000 (ESTABLISHED)", "*:4000 (LISTEN)" */
void vu_lsof_add(struct vu_table *t, const struct vu_sock_row *x)
{
    struct vu_row *r = vu_table_add(t);
    char la[16], lp[8], ra[16], rp[8];
    if (!r)
        return;
    bool peer = x->state != TCP_CLOSED && x->state != TCP_LISTEN;
    vu_cell(r, LS_COMMAND, "tcplab");
    vu_cell(r, LS_HOST, "%s", x->host);
    vu_cell(r, LS_FD, "%du", x->fd);            /* u: open for reading and writing */
    vu_cell(r, LS_TYPE, "IPv4");
    vu_cell(r, LS_DEVICE, "%llu", x->id);
    vu_cell(r, LS_SIZE, "0t0");
    vu_cell(r, LS_NODE, "%s", x->udp ? "UDP" : "TCP");
    char *buf = r->cell[LS_NAME];
    size_t len = VU_CELL;
    int n = snprintf(buf, len, "%s:%s", vu_addr(la, x->la, "*"), vu_port(lp, x->lp));
    if (peer && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "->%s:%s", vu_addr(ra, x->ra, "*"),
                      vu_port(rp, x->rp));
    if (!x->udp && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " (%s)", vu_lsof_state(x->state));
    if (!x->udp)
        r->sgr[LS_NAME] = vu_state_sgr(x->state);
}

void vu_lsof_add_host(struct vu_table *t, const struct view_style *st, const struct host *h)
{
    for (int fd = 0; fd < h->fds_cap; fd++)
        if (h->fds[fd]) {
            struct vu_sock_row x = stack_row(st, h, h->fds[fd]);
            vu_lsof_add(t, &x);
        }
}

void view_lsof(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts)
{
    struct vu_table t;
    vu_lsof_init(&t);
    for (int i = 0; i < nhosts; i++)
        if (hosts[i])
            vu_lsof_add_host(&t, st, hosts[i]);
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}
