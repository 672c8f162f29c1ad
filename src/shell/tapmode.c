/* The shell in tap mode: what it shows of the kernel host (its state
 * changes and its TCB as far as it can be seen), the frames tcplab's stack
 * does not handle (counted and summarised, the first of each kind shown),
 * and the reports of what happens between commands, which the front ends
 * (repl.c) print above the prompt.  Everything here is idle in sim mode,
 * where sh->tap is NULL. */
#include <stdlib.h>
#include <string.h>

#include "link/kernel.h"
#include "shell/shell.h"
#include "views/view_kernel.h"
#include "wire/bytes.h"
#include "wire/ipv4.h"

#define C_HOST0 "\033[34m"
#define C_HOST1 "\033[35m"
#define C_BOLD  "\033[1m"
#define C_DIM   "\033[2m"
#define C_OFF   "\033[0m"

#define UNHANDLED_KINDS 16
#define ASYNC_QUIET     (60 * TL_MS)   /* print once the wire is quiet this long */
#define ASYNC_MAX       TL_SEC         /* ... or at least this often while it talks */
#define SUMMARY_EVERY   (60 * TL_SEC)  /* frames not handled: a summary at most this often */

struct sh_ksnap {
    int host, id;
    struct view_kprev prev;
};

struct sh_tap {
    uint64_t kmark[WORLD_HOSTS];       /* last kernel trace event reported */
    struct sh_ksnap *snap;             /* kernel sockets before the command */
    size_t nsnap, capsnap;
    struct {
        char what[40];
        uint64_t n, reported;
    } kind[UNHANDLED_KINDS];
    int nkinds;
    uint64_t unhandled;
    bool summarised;
    tl_time last_summary;
    /* between commands: when activity began and last changed */
    tl_time first, last;
    uint64_t sig;
};

int sh_tap_attach(struct shell *sh)
{
    sh->tap = calloc(1, sizeof *sh->tap);
    if (!sh->tap)
        return -1;
    sh->tap->first = TL_NEVER;
    sh_report_begin(sh);
    return 0;
}

void sh_tap_detach(struct shell *sh)
{
    if (!sh->tap)
        return;
    free(sh->tap->snap);
    free(sh->tap);
    sh->tap = NULL;
}

static const char *host_color(const struct shell *sh, int i)
{
    return sh->color ? (i == 0 ? C_HOST0 : C_HOST1) : "";
}

static const char *off(const struct shell *sh)
{
    return sh->color ? C_OFF : "";
}

/* ---- frames the stack does not handle --------------------------------- */

/* Frames the stack drops because they are not for it or not its business
 * (another protocol, multicast, another address); drops of frames it does
 * handle (a bad checksum, a segment outside the window) are lab material
 * and printed as usual. */
static bool not_handled(enum drop_reason r)
{
    switch (r) {
    case DROP_ETH_NOT_FOR_US:
    case DROP_ETH_UNKNOWN_TYPE:
    case DROP_ARP_UNSUPPORTED:
    case DROP_ARP_NOT_FOR_US:
    case DROP_IP_NOT_FOR_US:
    case DROP_IP_FRAGMENT:
    case DROP_IP_UNKNOWN_PROTO:
    case DROP_ICMP_UNHANDLED:
        return true;
    default:
        return false;
    }
}

static void kind_ipv6(const uint8_t *f, size_t len, char *buf, size_t cap)
{
    if (len < 14 + 40) {
        snprintf(buf, cap, "IPv6");
        return;
    }
    uint8_t nh = f[14 + 6];
    if (nh == 58 && len >= 14 + 41) {
        switch (f[14 + 40]) {
        case 133: snprintf(buf, cap, "IPv6 router solicitation"); return;
        case 134: snprintf(buf, cap, "IPv6 router advertisement"); return;
        case 135: snprintf(buf, cap, "IPv6 neighbour solicitation"); return;
        case 136: snprintf(buf, cap, "IPv6 neighbour advertisement"); return;
        case 143: snprintf(buf, cap, "IPv6 MLDv2 report"); return;
        default: snprintf(buf, cap, "ICMPv6 type %u", f[14 + 40]); return;
        }
    }
    if (nh == 0)
        snprintf(buf, cap, "IPv6 MLD report");      /* behind a hop-by-hop header */
    else if (nh == 17 && len >= 14 + 44 && get_be16(f + 14 + 42) == 5353)
        snprintf(buf, cap, "mDNS over IPv6");
    else
        snprintf(buf, cap, "IPv6 next header %u", nh);
}

static void kind_ipv4(const uint8_t *f, size_t len, char *buf, size_t cap)
{
    if (len < 14 + 20) {
        snprintf(buf, cap, "IPv4");
        return;
    }
    uint8_t proto = f[14 + 9];
    uint32_t dst = get_be32(f + 14 + 16);
    size_t ihl = (size_t)(f[14] & 0x0f) * 4;
    uint16_t dport = proto == IP_PROTO_UDP && len >= 14 + ihl + 4 ? get_be16(f + 14 + ihl + 2) : 0;
    if (proto == 2)
        snprintf(buf, cap, "IGMP");
    else if (dport == 5353)
        snprintf(buf, cap, "mDNS");
    else if (dport == 5355)
        snprintf(buf, cap, "LLMNR");
    else if (dport == 67 || dport == 68)
        snprintf(buf, cap, "DHCP");
    else if (dport == 137 || dport == 138)
        snprintf(buf, cap, "NetBIOS");
    else if ((dst >> 28) == 0xe)
        snprintf(buf, cap, "IPv4 multicast");
    else if (dst == 0xffffffff || (dst & 0xffff) == 0xffff)
        snprintf(buf, cap, "IPv4 broadcast");
    else
        snprintf(buf, cap, "IPv4 protocol %u", proto);
}

static void classify(const uint8_t *f, size_t len, char *buf, size_t cap)
{
    uint16_t type = len >= 14 ? get_be16(f + 12) : 0;
    if (type == 0x86dd)
        kind_ipv6(f, len, buf, cap);
    else if (type == 0x0800)
        kind_ipv4(f, len, buf, cap);
    else if (type == 0x0806)
        snprintf(buf, cap, "ARP for another address");
    else if (type == 0x88cc)
        snprintf(buf, cap, "LLDP");
    else
        snprintf(buf, cap, "ethertype 0x%04x", type);
}

bool sh_tap_frame(struct shell *sh, int from, const uint8_t *f, size_t len, tl_time t)
{
    struct sh_tap *tp = sh->tap;
    if (!not_handled(sh->w->rx_drop))
        return false;
    char what[40];
    classify(f, len, what, sizeof what);
    int i;
    for (i = 0; i < tp->nkinds; i++)
        if (strcmp(tp->kind[i].what, what) == 0)
            break;
    if (i == tp->nkinds) {
        if (tp->nkinds == UNHANDLED_KINDS)
            i = UNHANDLED_KINDS - 1;           /* the last one takes the rest */
        else
            snprintf(tp->kind[tp->nkinds++].what, sizeof tp->kind[i].what, "%s", what);
    }
    tp->kind[i].n++;
    tp->unhandled++;
    return tp->kind[i].n > 1;                  /* the first of a kind is decoded */
}

/* "  (not handled by romeo's stack, so not answered: mDNS x5 (the first
 * decoded above, ...), IPv6 MLD report x2)": the counts since the last
 * summary, given when a report shows the first frame of a kind, and
 * otherwise at most once a minute. */
void sh_tap_report_frames(struct shell *sh)
{
    struct sh_tap *tp = sh->tap;
    int stack = sh->w->stack[0] ? 0 : 1;
    bool any = false, first = false, counted = false;
    for (int i = 0; i < tp->nkinds; i++) {
        first |= tp->kind[i].n && !tp->kind[i].reported;
        counted |= tp->kind[i].n != tp->kind[i].reported;
    }
    tl_time now = sh_now(sh);
    if (!counted || (!first && tp->summarised && now - tp->last_summary < SUMMARY_EVERY))
        return;
    tp->summarised = true;
    tp->last_summary = now;
    for (int i = 0; i < tp->nkinds; i++) {
        uint64_t n = tp->kind[i].n - tp->kind[i].reported;
        if (!n)
            continue;
        if (!any)
            fprintf(sh->out, "%s  (not handled by %s's stack, so not answered:", sh->color ? C_DIM : "",
                    sh_host_name(sh, stack));
        fprintf(sh->out, "%s %s x%llu%s", any ? "," : "", tp->kind[i].what, (unsigned long long)n,
                tp->kind[i].reported == 0 ? " (the first decoded above, the rest only counted)" : "");
        tp->kind[i].reported = tp->kind[i].n;
        any = true;
    }
    if (any)
        fprintf(sh->out, ")%s\n", off(sh));
}

/* ---- the kernel host in reports --------------------------------------- */

static const char *kname_cb(void *ctx, const struct khost *k, int vfd)
{
    struct shell *sh = ctx;
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh->w->kernel[h] == k)
            return sh_fd_name(sh, h, vfd);
    return NULL;
}

static const char *name_by_id(struct shell *sh, int host, int id, int *fd)
{
    for (int i = 0; i < SH_MAX_NAMES; i++) {
        const struct sh_value *v = &sh->names[host][i].v;
        if (v->kind == VAL_SOCK && v->sock_id == id) {
            *fd = v->fd;
            return sh->names[host][i].name;
        }
    }
    return NULL;
}

static void describe(struct shell *sh, int host, const struct khost *k,
                     const struct ktrace_ev *e, char *buf, size_t cap)
{
    int id = e->sock_id;
    const struct ksock *s = khost_sock_by_id(k, id);
    int oldfd;
    const char *oldname = name_by_id(sh, host, id, &oldfd);
    char la[16], ra[16];
    if (s && s->vfd >= 0) {
        const char *name = sh_fd_name(sh, host, s->vfd);
        if (name)
            snprintf(buf, cap, "%s (fd %d)", name, s->vfd);
        else
            snprintf(buf, cap, "fd %d", s->vfd);
    } else if (oldname) {
        snprintf(buf, cap, "%s (fd %d, closed)", oldname, oldfd);
    } else if (s && !s->ours && s->parent_vfd >= 0 && khost_sock_by_fd(k, s->parent_vfd)) {
        const char *pn = sh_fd_name(sh, host, s->parent_vfd);
        snprintf(buf, cap, "new connection on %s", pn ? pn : "listener");
    } else {
        /* gone already, or never the shell's: its endpoints say which */
        snprintf(buf, cap, "%s:%u->%s:%u (%s)", ipv4_ntoa(e->laddr, la), e->lport,
                 ipv4_ntoa(e->raddr, ra), e->rport,
                 e->ours ? "closed" : "another program's socket");
    }
}

/* The shell's name for a kernel socket, held or closed. */
static const char *kname(struct shell *sh, int host, const struct ksock *s)
{
    int fd;
    if (s->vfd >= 0)
        return sh_fd_name(sh, host, s->vfd);
    return s->ours ? name_by_id(sh, host, s->id, &fd) : NULL;
}

void sh_tap_transitions(struct shell *sh, int h)
{
    struct khost *k = sh->w->kernel[h];
    if (!k)
        return;
    khost_observe(k, sh_now(sh));
    uint64_t first = sh->tap->kmark[h] + 1;
    if (first < khost_trace_first(k))
        first = khost_trace_first(k);
    for (uint64_t id = first; id <= khost_trace_last(k); id++) {
        const struct ktrace_ev *e = khost_trace_get(k, id);
        bool seen = false;
        for (uint64_t j = first; j < id && !seen; j++)
            seen = khost_trace_get(k, j)->sock_id == e->sock_id;
        if (seen)
            continue;
        char who[96];
        describe(sh, h, k, e, who, sizeof who);
        fprintf(sh->out, "%s%-6s%s %s: %s%s%s", host_color(sh, h), sh_host_name(sh, h), off(sh),
                who, sh->color ? C_BOLD : "", tcp_state_name(e->old_state), off(sh));
        for (uint64_t j = id; j <= khost_trace_last(k); j++) {
            const struct ktrace_ev *n = khost_trace_get(k, j);
            if (n->sock_id == e->sock_id)
                fprintf(sh->out, " -> %s%s%s (%s)", sh->color ? C_BOLD : "",
                        tcp_state_name(n->new_state), off(sh), tcp_cause_name(n->cause));
        }
        fprintf(sh->out, "\n");
    }
    sh->tap->kmark[h] = khost_trace_last(k);
}

static void ksnap_fill(const struct khost *k, const struct ksock *s, struct view_kprev *p)
{
    memset(p, 0, sizeof *p);
    p->state = s->state;
    p->recv_q = s->recv_q;
    p->send_q = s->send_q;
    const struct kwire_conn *c = kwire_find(&k->wire, s->laddr, s->lport, s->raddr, s->rport);
    if (c) {
        p->has_wire = true;
        p->wire = *c;
        p->wire.last = 0;
    }
}

void sh_tap_report_begin(struct shell *sh)
{
    struct sh_tap *tp = sh->tap;
    tp->nsnap = 0;
    tp->first = TL_NEVER;
    for (int h = 0; h < WORLD_HOSTS; h++) {
        const struct khost *k = sh->w->kernel[h];
        if (!k)
            continue;
        tp->kmark[h] = khost_trace_last(k);
        for (const struct ksock *s = k->socks; s; s = s->next) {
            if (tp->nsnap == tp->capsnap) {
                size_t cap = tp->capsnap ? tp->capsnap * 2 : 32;
                struct sh_ksnap *n = realloc(tp->snap, cap * sizeof *n);
                if (!n)
                    return;
                tp->snap = n;
                tp->capsnap = cap;
            }
            struct sh_ksnap *x = &tp->snap[tp->nsnap++];
            x->host = h;
            x->id = s->id;
            ksnap_fill(k, s, &x->prev);
        }
    }
}

static const struct view_kprev *find_snap(const struct sh_tap *tp, int host, int id)
{
    for (size_t i = 0; i < tp->nsnap; i++)
        if (tp->snap[i].host == host && tp->snap[i].id == id)
            return &tp->snap[i].prev;
    return NULL;
}

static bool kprev_differs(const struct view_kprev *a, const struct view_kprev *b)
{
    if (a->state != b->state || a->recv_q != b->recv_q || a->send_q != b->send_q ||
        a->has_wire != b->has_wire)
        return true;
    if (!a->has_wire)
        return false;
    const struct kwire_conn *x = &a->wire, *y = &b->wire;
    return x->snd_una != y->snd_una || x->snd_nxt != y->snd_nxt || x->snd_wnd != y->snd_wnd ||
           x->rcv_nxt != y->rcv_nxt || x->rcv_wnd != y->rcv_wnd || x->iss != y->iss ||
           x->irs != y->irs;
}

void sh_tap_tcbs(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        const struct khost *k = sh->w->kernel[h];
        for (const struct ksock *s = k ? k->socks : NULL; s; s = s->next) {
            if (s->type != SOCKT_TCP || s->state == TCP_CLOSED || s->state == TCP_LISTEN)
                continue;
            const struct view_kprev *b = find_snap(sh->tap, h, s->id);
            struct view_kprev now;
            ksnap_fill(k, s, &now);
            if (b && !kprev_differs(b, &now))
                continue;
            view_ktcb(sh->out, &sh->style, k, s, kname(sh, h, s), sh->w->link, b);
        }
    }
}

void sh_tap_report_done(struct shell *sh)
{
    sh_report_begin(sh);
}

/* ---- between commands -------------------------------------------------- */

static uint64_t state_events(struct shell *sh)
{
    uint64_t n = 0;
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct host *hp = sh_host(sh, h);
        if (hp) {
            const struct trace *tr = &hp->trace;
            uint64_t first = sh->trace_mark[h] + 1;
            if (first < trace_first_id(tr))
                first = trace_first_id(tr);
            for (uint64_t id = first; id <= trace_last_id(tr); id++) {
                const struct trace_ev *e = trace_get(tr, id);
                n += e && e->kind == TRACE_STATE;
            }
        }
        if (sh->w->kernel[h])
            n += khost_trace_last(sh->w->kernel[h]) - sh->tap->kmark[h];
    }
    return n;
}

static bool completed(const struct shell *sh)
{
    for (int i = 0; i < sh->njobs; i++)
        if (sh->jobs[i]->completed)
            return true;
    return false;
}

/* Let pending calls use what arrived, as sh_advance does, without waiting. */
size_t sh_tap_step(struct shell *sh)
{
    size_t ran = 0;
    for (int guard = 0; guard < 10000; guard++) {
        bool progress = sh_jobs_step(sh);
        size_t n = world_service(sh->w);
        ran += n;
        if (!progress && n == 0)
            break;
    }
    struct sh_tap *tp = sh->tap;
    uint64_t sig = sh->log.n + state_events(sh) * 1000003u + completed(sh);
    if (sig != tp->sig) {
        tp->sig = sig;
        if (sh->log.n || state_events(sh) || completed(sh)) {
            tl_time now = sh_now(sh);
            if (tp->first == TL_NEVER)
                tp->first = now;
            tp->last = now;
        }
    }
    return ran;
}

bool sh_tap_printable(struct shell *sh)
{
    return sh->log.n || state_events(sh) || completed(sh);
}

tl_time sh_tap_report_due(struct shell *sh)
{
    struct sh_tap *tp = sh->tap;
    if (!sh_tap_printable(sh))
        return TL_NEVER;
    if (completed(sh) || tp->first == TL_NEVER)
        return sh_now(sh);
    return tl_min(tp->last + ASYNC_QUIET, tp->first + ASYNC_MAX);
}

void sh_tap_report(struct shell *sh)
{
    if (sh_tap_printable(sh))
        sh_report_end(sh, "", 0);      /* ends with sh_tap_report_done: marks reset */
}

struct pend_wait {
    struct shell *sh;
    int host;
};

static bool pend_done(void *ctx)
{
    struct pend_wait *w = ctx;
    sh_jobs_step(w->sh);
    return sh_job_blocking(w->sh, w->host) == NULL;
}

bool sh_tap_wait_pending(struct shell *sh, int host, tl_time limit)
{
    struct pend_wait w = {sh, host};
    bool ok = world_run_until(sh->w, pend_done, &w, sh_now(sh) + limit);
    sh_tap_step(sh);
    return ok;
}

/* ---- views ------------------------------------------------------------- */

static void refresh(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh->w->kernel[h])
            khost_observe(sh->w->kernel[h], sh_now(sh));
}

int sh_tap_tcb(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct khost *k = sh->w->kernel[host];
    refresh(sh);
    if (cl->argc >= 2) {
        int err;
        int fd = sh_resolve_sock(sh, host, cl->argv[1].s, &err);
        if (fd < 0) {
            sh_error(sh, "'%s' is not an open socket on %s", cl->argv[1].s, sh_host_name(sh, host));
            return -1;
        }
        view_ktcb(sh->out, &sh->style, k, khost_sock_by_fd(k, fd), sh_fd_name(sh, host, fd),
                  sh->w->link, NULL);
        return 0;
    }
    int n = 0;
    for (const struct ksock *s = k->socks; s; s = s->next) {
        view_ktcb(sh->out, &sh->style, k, s, kname(sh, host, s), sh->w->link, NULL);
        n++;
    }
    if (!n)
        fprintf(sh->out, "%s has no sockets tcplab watches (the shell's, and connections with "
                         "%s's stack)\n", sh_host_name(sh, host),
                sh_host_name(sh, sh->w->stack[0] ? 0 : 1));
    return 0;
}

int sh_tap_ss(struct shell *sh, bool timers)
{
    refresh(sh);
    const struct khost *k[2] = {sh->w->kernel[0], sh->w->kernel[1]};
    view_ss_tap(sh->out, &sh->style, sh->w->stack, k, kname_cb, sh, timers, sh_now(sh));
    return 0;
}

int sh_tap_lsof(struct shell *sh)
{
    refresh(sh);
    const struct khost *k[2] = {sh->w->kernel[0], sh->w->kernel[1]};
    view_lsof_tap(sh->out, &sh->style, sh->w->stack, k, kname_cb, sh);
    return 0;
}
