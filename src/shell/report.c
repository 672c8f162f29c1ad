/* What every socket call prints (design.md): the frames that crossed the
 * wire, the state transitions of the sockets it touched, and their TCBs
 * with the changed values marked. */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "link/faults.h"
#include "util/progress.h"
#include "shell/shell.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define C_DIM   "\033[2m"
#define C_HOST0 "\033[34m"
#define C_HOST1 "\033[35m"
#define C_BOLD  "\033[1m"
#define C_OFF   "\033[0m"

static const char *host_color(const struct shell *sh, int i)
{
    return sh->color ? (i == 0 ? C_HOST0 : C_HOST1) : "";
}

static const char *off(const struct shell *sh)
{
    return sh->color ? C_OFF : "";
}

/* ---- frames ---------------------------------------------------------- */

static void count_frame(struct sh_frame_log *log, int from, const uint8_t *f, size_t len)
{
    /* Ethernet + IPv4 + TCP: payload length from the headers. */
    if (len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00 && f[14 + 9] == IP_PROTO_TCP) {
        size_t ihl = (size_t)(f[14] & 0x0f) * 4;
        size_t tot = (size_t)f[16] << 8 | f[17];
        if (len >= 14 + ihl + 13 && tot >= ihl + 20) {
            size_t thl = (size_t)(f[14 + ihl + 12] >> 4) * 4;
            size_t payload = tot > ihl + thl ? tot - ihl - thl : 0;
            if (payload) {
                log->tcp_data[from]++;
                log->tcp_bytes[from] += payload;
            } else {
                log->tcp_acks[from]++;
            }
            return;
        }
    }
    log->other[from]++;
}

static void print_frame(struct shell *sh, const struct sh_frame *f);

void sh_frame_hook(void *ctx, int from, const uint8_t *frame, size_t len, tl_time t)
{
    struct shell *sh = ctx;
    struct sh_frame_log *log = &sh->log;
    if (sh->capture)
        pcapw_frame(sh->capture, frame, len, t);
    sh_slog_frame(sh, from, frame, len, t);
    if (sh->hooks && sh->hooks->frame && sh->hooks->frame(sh, from, frame, len, t))
        return;                        /* not handled by the stack: counted */
    if (sh->filter && !bpf_filter_match(sh->filter, frame, len)) {
        log->filtered++;
        return;
    }
    if (sh->show.decode && sh->show.every_frame) {
        /* show decode all: each frame as it crosses, none summarised */
        static struct sh_frame one;
        one.from = from;
        one.t = t;
        one.len = len < sizeof one.data ? len : sizeof one.data;
        memcpy(one.data, frame, one.len);
        print_frame(sh, &one);
        return;
    }
    struct sh_frame *slot = log->n < SH_LOG_KEEP ? &log->head[log->n]
                                                 : &log->tail[(log->n - SH_LOG_KEEP) % SH_LOG_KEEP];
    slot->from = from;
    slot->t = t;
    slot->len = len < sizeof slot->data ? len : sizeof slot->data;
    memcpy(slot->data, frame, slot->len);
    count_frame(log, from, frame, len);
    log->n++;
}

static void print_frame(struct shell *sh, const struct sh_frame *f)
{
    char *text = NULL;
    size_t tlen = 0;
    FILE *m = open_memstream(&text, &tlen);
    if (!m)
        return;
    struct timeval tv = {.tv_sec = f->t / TL_SEC, .tv_usec = f->t % TL_SEC};
    decode_frame(sh->dec, m, f->data, (uint32_t)f->len, (uint32_t)f->len, tv);
    fclose(m);
    /* The prefix column: virtual time and direction; then tcpdump's text,
     * continuation lines indented by the same width. */
    char dir[40], prefix[64];
    snprintf(dir, sizeof dir, "%s > %s", sh_host_name(sh, f->from), sh_host_name(sh, 1 - f->from));
    int w = snprintf(prefix, sizeof prefix, "%4lld.%06lld %-14s  ", (long long)(f->t / TL_SEC),
                     (long long)(f->t % TL_SEC), dir);
    const char *p = text;
    bool first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (first)
            fprintf(sh->out, "%s%s%s%.*s\n", host_color(sh, f->from), prefix, off(sh), (int)n, p);
        else
            fprintf(sh->out, "%*s%.*s\n", w, "", (int)n, p);
        first = false;
        p += n + (nl ? 1 : 0);
    }
    free(text);
}

static void print_frames(struct shell *sh)
{
    struct sh_frame_log *log = &sh->log;
    if (log->filtered)
        fprintf(sh->out, "%s  (%zu frames hidden by the filter '%s')%s\n", sh->color ? C_DIM : "",
                log->filtered, bpf_filter_expr(sh->filter), off(sh));
    size_t shown_head = log->n < SH_LOG_KEEP ? log->n : SH_LOG_KEEP;
    for (size_t i = 0; i < shown_head; i++)
        print_frame(sh, &log->head[i]);
    if (log->n <= SH_LOG_KEEP)
        return;
    size_t rest = log->n - SH_LOG_KEEP;
    size_t skipped = rest > SH_LOG_KEEP ? rest - SH_LOG_KEEP : 0;
    if (skipped) {
        fprintf(sh->out, "%s  ... %zu more frames ...%s\n", sh->color ? C_DIM : "", skipped,
                off(sh));
    }
    size_t tail_n = rest < SH_LOG_KEEP ? rest : SH_LOG_KEEP;
    for (size_t i = 0; i < tail_n; i++) {
        size_t idx = log->n - tail_n + i;          /* frame number */
        print_frame(sh, &log->tail[(idx - SH_LOG_KEEP) % SH_LOG_KEEP]);
    }
    if (skipped) {
        fprintf(sh->out, "  %zu frames in all:", log->n);
        for (int h = 0; h < WORLD_HOSTS; h++)
            fprintf(sh->out, "%s %s sent %zu data segments (%llu bytes), %zu without data",
                    h ? ";" : "", sh_host_name(sh, h), log->tcp_data[h],
                    (unsigned long long)log->tcp_bytes[h], log->tcp_acks[h]);
        fprintf(sh->out, "\n");
    }
}

/* ---- state transitions ---------------------------------------------- */

/* "sock (fd 3)", "new connection on srv", "conn (fd 4, closed)", and for
 * a socket the shell never held, its endpoints when the host recorded them. */
static void describe_sock(struct shell *sh, int host, const struct hv_trans *e, char *buf,
                          size_t cap)
{
    const struct hostview *v = &sh->hv[host];
    struct hv_sock s;
    bool live = v->ops->sock_by_id(v, e->sock_id, &s);
    int oldfd;
    const char *oldname = sh_name_by_id(sh, host, e->sock_id, &oldfd);
    char la[16], ra[16];
    if (live && s.fd >= 0) {
        const char *name = sh_fd_name(sh, host, s.fd);
        if (name)
            snprintf(buf, cap, "%s (fd %d)", name, s.fd);
        else
            snprintf(buf, cap, "fd %d", s.fd);
    } else if (live && s.parent_fd >= 0) {
        const char *pn = sh_fd_name(sh, host, s.parent_fd);
        snprintf(buf, cap, "new connection on %s", pn ? pn : "listener");
    } else if (oldname) {
        snprintf(buf, cap, "%s (fd %d, closed)", oldname, oldfd);
    } else if (e->has_ends) {
        snprintf(buf, cap, "%s:%u->%s:%u (%s)", ipv4_ntoa(e->laddr, la), e->lport,
                 ipv4_ntoa(e->raddr, ra), e->rport,
                 e->ours ? "closed" : "another program's socket");
    } else {
        snprintf(buf, cap, "socket #%d (no descriptor)", e->sock_id);
    }
}

/* Event id if it is of this kind and its socket's first such event since
 * `first`, else NULL: the report gives each socket one line. */
static const struct trace_ev *first_of_socket(const struct trace *tr, uint64_t first,
                                              uint64_t id, enum trace_kind kind)
{
    const struct trace_ev *e = trace_get(tr, id);
    if (!e || e->kind != kind)
        return NULL;
    for (uint64_t k = first; k < id; k++) {
        const struct trace_ev *p = trace_get(tr, k);
        if (p && p->kind == kind && p->sock_id == e->sock_id)
            return NULL;
    }
    return e;
}

/* The only loss event of a socket from id on, or NULL if there are more. */
static const struct trace_ev *trace_last_loss(const struct trace *tr, int sock_id, uint64_t id)
{
    const struct trace_ev *found = NULL;
    for (uint64_t k = id; k <= trace_last_id(tr); k++) {
        const struct trace_ev *p = trace_get(tr, k);
        if (p && p->kind == TRACE_LOSS && p->sock_id == sock_id) {
            if (found)
                return NULL;
            found = p;
        }
    }
    return found;
}

/* Losses found while the call ran, one line per socket: the segment and
 * what found it; with more than one, how many each detector found. */
static void print_losses(struct shell *sh, int h, const struct trace *tr, uint64_t first)
{
    for (uint64_t id = first; id <= trace_last_id(tr); id++) {
        const struct trace_ev *e = first_of_socket(tr, first, id, TRACE_LOSS);
        if (!e)
            continue;
        uint32_t n[LOSS_BY__COUNT] = {0}, total = 0;
        const struct trace_ev *one = NULL;
        for (uint64_t k = id; k <= trace_last_id(tr); k++) {
            const struct trace_ev *p = trace_get(tr, k);
            if (!p || p->kind != TRACE_LOSS || p->sock_id != e->sock_id)
                continue;
            one = one ? one : p;
            for (int b = 0; b < LOSS_BY__COUNT; b++)
                n[b] += p->nlost[b];
        }
        for (int b = 0; b < LOSS_BY__COUNT; b++)
            total += n[b];
        char who[96];
        struct hv_trans ref = {.sock_id = e->sock_id};
        describe_sock(sh, h, &ref, who, sizeof who);
        fprintf(sh->out, "%s%-6s%s %s: ", host_color(sh, h), sh_host_name(sh, h), off(sh), who);
        const char *by = loss_by_name((enum loss_by)one->loss_by);
        bool one_kind = total == n[one->loss_by];
        bool one_range = one_kind && one->contig && one == trace_last_loss(tr, e->sock_id, id);
        if (one_range) {
            fprintf(sh->out, "loss of %u:%u", one->seq, one->end);
            if (total > 1)
                fprintf(sh->out, " (%u segments)", total);
            fprintf(sh->out, " detected by %s", by);
        } else if (one_kind) {
            fprintf(sh->out, "%u losses detected by %s, the first %u:%u", total, by, one->seq,
                    one->end);
        } else {
            fprintf(sh->out, "%u losses detected (", total);
            for (int b = 0, i = 0; b < LOSS_BY__COUNT; b++)
                if (n[b])
                    fprintf(sh->out, "%s%u by %s", i++ ? ", " : "", n[b],
                            loss_by_name((enum loss_by)b));
            fprintf(sh->out, "), the first %u:%u", one->seq, one->end);
        }
        fprintf(sh->out, "\n");
    }
}

/* One line per socket, its transitions in order. */
static void print_transitions(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct hostview *v = &sh->hv[h];
        hv_refresh(v, sh_now(sh));
        uint64_t first = sh->trace_mark[h] + 1, last = v->ops->trans_last(v);
        if (first < v->ops->trans_first(v)) {
            fprintf(sh->out, "  (%llu earlier trace events of %s not kept)\n",
                    (unsigned long long)(v->ops->trans_first(v) - first), sh_host_name(sh, h));
            first = v->ops->trans_first(v);
        }
        struct hv_trans e, p;
        for (uint64_t id = first; id <= last; id++) {
            if (!v->ops->trans_get(v, id, &e))
                continue;
            bool seen = false;
            for (uint64_t k = first; k < id && !seen; k++)
                seen = v->ops->trans_get(v, k, &p) && p.sock_id == e.sock_id;
            if (seen)
                continue;
            char who[96];
            describe_sock(sh, h, &e, who, sizeof who);
            fprintf(sh->out, "%s%-6s%s %s: %s%s%s", host_color(sh, h), sh_host_name(sh, h),
                    off(sh), who, sh->color ? C_BOLD : "", tcp_state_name(e.old_state),
                    off(sh));
            for (uint64_t k = id; k <= last; k++)
                if (v->ops->trans_get(v, k, &p) && p.sock_id == e.sock_id)
                    fprintf(sh->out, " -> %s%s%s (%s)", sh->color ? C_BOLD : "",
                            tcp_state_name(p.new_state), off(sh), tcp_cause_name(p.cause));
            fprintf(sh->out, "\n");
        }
        if (sh_host(sh, h))                     /* loss detection: tcplab's stack's */
            print_losses(sh, h, &sh_host(sh, h)->trace, first);
    }
}

/* ---- TCBs ------------------------------------------------------------ */

struct snap_ctx {
    struct shell *sh;
    int host;
};

static void snap_one(void *ctx, const struct hv_sock *s)
{
    struct snap_ctx *c = ctx;
    struct shell *sh = c->sh;
    if (sh->nbefore == sh->capbefore) {
        size_t cap = sh->capbefore ? sh->capbefore * 2 : 64;
        struct sh_snapshot *nb = realloc(sh->before, cap * sizeof *nb);
        if (!nb)
            return;
        sh->before = nb;
        sh->capbefore = cap;
    }
    struct sh_snapshot *b = &sh->before[sh->nbefore];
    const struct hostview *v = &sh->hv[c->host];
    b->host = c->host;
    if (v->ops->tcb_snap(v, s->id, &b->tcb))
        sh->nbefore++;
}

static void snapshot(struct shell *sh)
{
    sh->nbefore = 0;
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct snap_ctx c = {sh, h};
        sh->hv[h].ops->each_sock(&sh->hv[h], HV_ALL, snap_one, &c);
    }
}

static const struct sh_snapshot *find_before(const struct shell *sh, int host, int id)
{
    for (size_t i = 0; i < sh->nbefore; i++)
        if (sh->before[i].host == host && sh->before[i].tcb.sock_id == id)
            return &sh->before[i];
    return NULL;
}

#define SH_MAX_TCB_SHOWN 8

struct tcbs_ctx {
    struct shell *sh;
    int host, shown, more;
};

/* A socket whose TCB the call changed (or a new one): its view, the
 * changed values marked. */
static void tcb_one(void *ctx, const struct hv_sock *s)
{
    struct tcbs_ctx *c = ctx;
    struct shell *sh = c->sh;
    const struct hostview *v = &sh->hv[c->host];
    const struct sh_snapshot *b = find_before(sh, c->host, s->id);
    struct hv_tcbsnap now;
    if (!v->ops->tcb_snap(v, s->id, &now) || (b && !v->ops->tcb_differs(&b->tcb, &now)))
        return;
    if (c->shown == SH_MAX_TCB_SHOWN) {
        c->more++;
        return;
    }
    v->ops->tcb(v, sh->out, &sh->style, s->id, sh_sock_name(sh, c->host, s), b ? &b->tcb : NULL,
                sh_now(sh));
    c->shown++;
}

static void print_tcbs(struct shell *sh)
{
    struct tcbs_ctx c = {sh, 0, 0, 0};
    for (c.host = 0; c.host < WORLD_HOSTS; c.host++)
        sh->hv[c.host].ops->each_sock(&sh->hv[c.host], HV_REPORT, tcb_one, &c);
    if (c.more)
        fprintf(sh->out, "  (%d more TCBs changed; tcb SOCK shows one)\n", c.more);
}

/* ---- one call -------------------------------------------------------- */

void sh_report_begin(struct shell *sh)
{
    sh->ncommands++;
    memset(&sh->log.n, 0, sizeof sh->log - offsetof(struct sh_frame_log, n));
    for (int h = 0; h < WORLD_HOSTS; h++) {
        sh->trace_mark[h] = sh->hv[h].ops->trans_last(&sh->hv[h]);
        if (sh_host(sh, h))
            trace_seal(&sh_host(sh, h)->trace);    /* this call's losses are its own */
    }
    snapshot(sh);
    if (sh->hooks && sh->hooks->begin)
        sh->hooks->begin(sh);
}

void sh_report_end(struct shell *sh, const char *held, size_t nheld)
{
    if (sh->show.decode)
        print_frames(sh);
    if (sh->hooks && sh->hooks->frames && sh->show.decode)
        sh->hooks->frames(sh);                 /* frames the stack does not handle */
    if (nheld)
        fwrite(held, 1, nheld, sh->out);
    sh_jobs_report(sh);
    if (sh->show.state)
        print_transitions(sh);
    if (sh->show.tcb)
        print_tcbs(sh);
    if (sh->hooks && sh->hooks->done)
        sh->hooks->done(sh);                   /* what follows is a new report */
}

/* ---- how long a call waits (#13) ---------------------------------------- */

#define WAIT_MAX (3600 * TL_SEC)   /* a guard: TCP's own timeouts end far sooner */

static bool any_live(struct shell *sh, const struct sh_job_set *set)
{
    for (int i = 0; i < sh->njobs; i++)
        if (sh_job_live(sh->jobs[i]) && sh_job_in(sh->jobs[i], set))
            return true;
    return false;
}

/* A live reader (recv, recv --all) on host's socket sock_id. */
static bool reader_waits(struct shell *sh, int host, int sock_id)
{
    for (int i = 0; i < sh->njobs; i++) {
        const struct pending *p = sh->jobs[i];
        if (p->host == host && p->sock_id == sock_id && sh_job_live(p) &&
            (p->kind == PEND_RECV || p->kind == PEND_RECV_ALL))
            return true;
    }
    return false;
}

/* The persist timer of s (on host h) leads somewhere only if the peer's
 * window can open without the user: a program reads there, or it has
 * room the probe will learn of (a window update lost, or held back by
 * the receiver's silly-window avoidance). */
static bool window_can_open(struct shell *sh, int h, const struct sock *s)
{
    struct host *peer = sh_host(sh, 1 - h);
    if (!peer)
        return true;                      /* the kernel: another program reads */
    for (const struct sock *q = peer->socks; q; q = q->next)
        if (q->type == SOCKT_TCP && q->lport == s->rport && q->rport == s->lport &&
            q->raddr == sh->w->addr[h])
            return reader_waits(sh, 1 - h, q->id) ||
                   bytering_space(&q->rcvq) >= q->tcb.rcv_mss;
    return false;
}

/* The next event that can move a pending call on without the user, or
 * TL_NEVER: a frame in flight (not on a held wire), a retransmission
 * (SYN retries and data: they end by themselves, ETIMEDOUT at worst), a
 * delayed ACK, an ARP retry, a window probe that can find the window
 * open, the next read of a paced reader (recv --all N --every D).  Not TIME-WAIT, FIN-WAIT-2 or an ARP entry's end of life: those
 * only pass time, as an idle prompt would. */
static tl_time next_useful(struct shell *sh)
{
    tl_time t = sh->w->faults ? faults_next(sh->w->faults) : TL_NEVER;
    t = tl_min(t, sh_jobs_due(sh));    /* a paced reader's next read */
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct host *hp = sh_host(sh, h);
        if (!hp)
            continue;
        for (int i = 0; i < ARP_CACHE_SIZE; i++)
            if (hp->arp[i].used && !hp->arp[i].resolved)
                t = tl_min(t, hp->arp[i].expires);
        for (const struct sock *s = hp->socks; s; s = s->next) {
            if (s->type != SOCKT_TCP)
                continue;
            t = tl_min(t, tl_min(s->tcb.rto_at, s->tcb.delack_at));
            if (s->tcb.persist_at != TL_NEVER && window_can_open(sh, h, s))
                t = tl_min(t, s->tcb.persist_at);
        }
    }
    return t;
}

struct wait_ctx {
    struct shell *sh;
    const struct sh_job_set *set;
};

static bool set_done(void *ctx)
{
    struct wait_ctx *w = ctx;
    return !any_live(w->sh, w->set) || world_interrupt;
}

/* The progress line of a long send --bytes or recv --all (interactive
 * only: progress.h): bytes, percent, rate, and in sim the virtual time. */
void sh_show_progress(struct shell *sh)
{
    /* the call with a total first (send --bytes: a percentage), else a
     * recv --all */
    const struct pending *p = NULL;
    for (int i = 0; i < sh->njobs; i++) {
        const struct pending *q = sh->jobs[i];
        if (q->completed || (q->kind != PEND_SEND_BYTES && q->kind != PEND_RECV_ALL))
            continue;
        if (!p || (q->kind == PEND_SEND_BYTES && p->kind != PEND_SEND_BYTES))
            p = q;
    }
    if (!p)
        return;
    char what[64], vt[48] = "";
    snprintf(what, sizeof what, "%s: %s", sh_host_name(sh, p->host),
             p->kind == PEND_SEND_BYTES ? "send" : "recv --all");
    if (!sh->w->realtime)
        snprintf(vt, sizeof vt, "virtual time %.3f s", (double)sh_now(sh) / TL_SEC);
    progress_update(sh->progress, what, p->done, p->kind == PEND_SEND_BYTES ? p->want : 0,
                    "bytes", vt[0] ? vt : NULL);
}

/* Tap mode: real time, the other side another program; serve the link
 * and let the calls move, while they move. */
static void wait_tap(struct shell *sh, const struct sh_job_set *set)
{
    struct wait_ctx w = {sh, set};
    while (any_live(sh, set) && !world_interrupt) {
        bool progress = sh_jobs_step(sh);
        size_t ran = world_service(sh->w);
        if (!progress && ran == 0 &&
            !world_run_until(sh->w, set_done, &w, sh_now(sh) + 30 * TL_MS) && !set->patient)
            break;
    }
}

/* Sim mode: virtual time jumps from one event that can move a call to the
 * next, the calls woken at every instant between (world.app). */
static void wait_sim(struct shell *sh, const struct sh_job_set *set)
{
    struct wait_ctx w = {sh, set};
    tl_time start = sh_now(sh), last = start;
    int still = 0;
    for (;;) {
        /* this instant first: what the call queued goes on the wire */
        world_run_until(sh->w, set_done, &w, sh_now(sh));
        if (!any_live(sh, set) || world_interrupt || sh_now(sh) - start >= WAIT_MAX)
            return;
        if (sh->w->faults && sh->w->faults->set.hold) {
            world_settle(sh->w);   /* what a `wire step` let go */
            return;                /* a held wire moves only by wire step / release */
        }
        tl_time t = next_useful(sh);
        if (t == TL_NEVER)
            return;                /* every way left needs the user */
        world_run_until(sh->w, set_done, &w, t);
        still = sh_now(sh) == last ? still + 1 : 0;
        if (still > 1000)
            return;                /* a guard: nothing due moves the clock */
        last = sh_now(sh);
    }
}

bool sh_wait_jobs(struct shell *sh, const struct sh_job_set *set)
{
    /* every event of the wait updates it (sh_jobs_step) */
    struct progress pr, *outer = sh->progress;
    progress_begin(&pr, sh->interactive ? stdout : NULL, STDIN_FILENO);
    sh->progress = outer ? outer : &pr;
    if (sh->w->realtime)
        wait_tap(sh, set);
    else
        wait_sim(sh, set);
    sh->progress = outer;
    progress_end(&pr);
    /* what is still in flight, as after any call (tap: until the wire
     * stays quiet, a delayed ACK of the kernel's included); not while a
     * call started with & runs: its flow keeps the wire busy, and it moves
     * only while time passes for another reason (sleep, wait, a call that
     * blocks), as a thread of the program would */
    struct sh_job_set bg = {.host = -1, .bg_only = true};
    bool background = any_live(sh, &bg);
    for (int i = 0; i < 1000 && !background && !any_live(sh, set) && !world_interrupt; i++)
        if (!world_settle(sh->w))
            break;
    return !any_live(sh, set);
}


void sh_advance(struct shell *sh)
{
    /* the calls the hosts' programs are blocked in; those started with &
     * are other threads, waited for by `wait` */
    struct sh_job_set all = {.host = -1, .fg_only = true};
    sh_wait_jobs(sh, &all);
}
