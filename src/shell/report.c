/* What every socket call prints (design.md): the frames that crossed the
 * wire, the state transitions of the sockets it touched, and their TCBs
 * with the changed values marked. */
#include <stdlib.h>
#include <string.h>

#include "link/faults.h"
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

void sh_frame_hook(void *ctx, int from, const uint8_t *frame, size_t len, tl_time t)
{
    struct shell *sh = ctx;
    struct sh_frame_log *log = &sh->log;
    if (sh->capture)
        pcapw_frame(sh->capture, frame, len, t);
    if (sh->hooks && sh->hooks->frame && sh->hooks->frame(sh, from, frame, len, t))
        return;                        /* not handled by the stack: counted */
    if (sh->filter && !bpf_filter_match(sh->filter, frame, len)) {
        log->filtered++;
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
    for (int h = 0; h < WORLD_HOSTS; h++)
        sh->trace_mark[h] = sh->hv[h].ops->trans_last(&sh->hv[h]);
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
    for (int h = 0; h < WORLD_HOSTS; h++) {
        if (sh->pend[h].completed)
            sh_pending_finish(sh, h);
        else if (sh->pend[h].kind != PEND_NONE && sh->pend[h].started == sh->ncommands)
            sh_pending_note(sh, h);
    }
    if (sh->show.state)
        print_transitions(sh);
    if (sh->show.tcb)
        print_tcbs(sh);
    if (sh->hooks && sh->hooks->done)
        sh->hooks->done(sh);                   /* what follows is a new report */
}

static bool any_live(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh->pend[h].kind != PEND_NONE && !sh->pend[h].completed)
            return true;
    return false;
}

/* Give every call still waiting its turn; true if any made progress. */
static bool step_all(struct shell *sh)
{
    bool progress = false;
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh->pend[h].kind != PEND_NONE && !sh->pend[h].completed)
            progress |= sh_pending_step(sh, h);
    return progress;
}

static bool step_live(void *ctx)
{
    struct shell *sh = ctx;
    return step_all(sh) || !any_live(sh);
}

void sh_advance(struct shell *sh)
{
    for (int guard = 0; guard < 1 << 30; guard++) {
        bool progress = step_all(sh);
        size_t ran;
        if (sh->w->realtime && (progress || any_live(sh))) {
            /* Real time: serve the link without waiting for it to go
             * quiet, and let waiting calls move as soon as they can. */
            ran = world_service(sh->w);
            if (!progress && ran == 0 &&
                !world_run_until(sh->w, step_live, sh, sh_now(sh) + 30 * TL_MS))
                break;
            continue;
        }
        ran = world_settle(sh->w);
        if (progress || ran)
            continue;
        /* Nothing moves: a waiting call may be stuck behind a lost
         * segment.  Let virtual time run to the next retransmission (and
         * no further: not through TIME-WAIT or an idle prompt). */
        tl_time rexmit = TL_NEVER;
        for (int h = 0; h < WORLD_HOSTS; h++)
            if (sh_host(sh, h))
                rexmit = tl_min(rexmit, host_next_retransmit(sh_host(sh, h)));
        bool held = sh->w->faults && sh->w->faults->set.hold;
        if (!any_live(sh) || rexmit == TL_NEVER || held)
            break;            /* a held wire moves only by wire step / release */
        world_run_until(sh->w, step_live, sh, rexmit);
    }
}
