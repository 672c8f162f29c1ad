/* The `ss` and `lsof` views: every socket of every host, in the columns
 * students know from `ss -t -u -a -n` and `lsof -n -i` on Linux.  Both read
 * the hosts' socket lists through their hostviews (tcplab's stack or the
 * kernel) and write one aligned table. */
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "views/hostview.h"
#include "views/view_util.h"
#include "views/views.h"


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

/* One hostview's sockets into a table as ss or lsof rows; ss -o's with
 * each TCP socket's timer. */
struct rows {
    struct vu_table *t;
    const struct view_style *st;
    const struct hostview *v;
    void (*add)(struct vu_table *t, const struct vu_sock_row *x);
    bool timers;
};

static void add_row(void *ctx, const struct hv_sock *s)
{
    struct rows *r = ctx;
    struct vu_sock_row x = {
        .host = r->v->name, .udp = s->udp, .state = s->state, .rq = s->rq, .sq = s->sq,
        .la = s->laddr, .ra = s->raddr, .lp = s->lport, .rp = s->rport, .fd = s->fd,
        .id = s->dev, .name = hv_name(r->st, r->v, s->fd), .note = s->note,
    };
    if (r->timers && !s->udp)
        vu_ss_timer(x.timer, sizeof x.timer, s->timer, s->timer_left, s->timer_count);
    r->add(r->t, &x);
}

enum listing_kind { LIST_SS, LIST_SS_TIMERS, LIST_LSOF };

static void listing(FILE *out, const struct view_style *st, const struct hostview *const *v,
                    int n, enum listing_kind kind)
{
    struct vu_table t;
    bool ss = kind != LIST_LSOF;
    if (kind == LIST_SS_TIMERS)
        vu_ss_init_timers(&t);
    else if (ss)
        vu_ss_init(&t);
    else
        vu_lsof_init(&t);
    for (int i = 0; i < n; i++) {
        struct rows r = {&t, st, v[i], ss ? vu_ss_add : vu_lsof_add, kind == LIST_SS_TIMERS};
        if (v[i])
            v[i]->ops->each_sock(v[i], ss ? HV_SS : HV_FDS, add_row, &r);
    }
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}

void view_hv_ss(FILE *out, const struct view_style *st, const struct hostview *const *v, int n)
{
    listing(out, st, v, n, LIST_SS);
}

void view_hv_ss_timers(FILE *out, const struct view_style *st, const struct hostview *const *v,
                       int n)
{
    listing(out, st, v, n, LIST_SS_TIMERS);
}

void view_hv_lsof(FILE *out, const struct view_style *st, const struct hostview *const *v, int n)
{
    listing(out, st, v, n, LIST_LSOF);
}

/* The same over hosts of tcplab's stack, as at `now`. */
static void stack_listing(FILE *out, const struct view_style *st, struct host *const *hosts,
                          int nhosts, tl_time now, enum listing_kind kind)
{
    struct hostview hv[8];
    const struct hostview *v[8];
    int n = 0;
    for (int i = 0; i < nhosts && n < 8; i++)
        if (hosts[i]) {
            hostview_stack(&hv[n], hosts[i], -1, NULL);
            hv_refresh(&hv[n], now);
            v[n] = &hv[n];
            n++;
        }
    listing(out, st, v, n, kind);
}

void view_ss(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts)
{
    stack_listing(out, st, hosts, nhosts, 0, LIST_SS);
}

void view_ss_timers(FILE *out, const struct view_style *st, struct host *const *hosts,
                    int nhosts, tl_time now)
{
    stack_listing(out, st, hosts, nhosts, now, LIST_SS_TIMERS);
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

void view_lsof(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts)
{
    stack_listing(out, st, hosts, nhosts, 0, LIST_LSOF);
}
