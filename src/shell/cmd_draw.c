/* The shell's side of the pictures: it feeds the session log (src/draw/
 * slog.h) with frames, their fate on the wire, state changes, socket calls
 * and TCB samples, and runs `draw`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw/draw.h"
#include "link/faults.h"
#include "link/kernel.h"
#include "shell/commands.h"
#include "shell/transcript.h"

static void on_fate(void *ctx, int dir, const uint8_t *frame, size_t len, enum fault_fate fate,
                    bool dup, tl_time at)
{
    static const enum slog_fate map[] = {
        [FAULT_DELIVERED] = SLOG_DELIVERED, [FAULT_LOST] = SLOG_LOST,
        [FAULT_DROPPED] = SLOG_DROPPED,     [FAULT_QUEUE] = SLOG_QUEUE,
        [FAULT_CORRUPTED] = SLOG_CORRUPTED,
    };
    struct shell *sh = ctx;
    slog_fate(sh->slog, dir, frame, len, map[fate], dup, at);
}

int sh_slog_attach(struct shell *sh)
{
    sh->slog = slog_new();
    if (!sh->slog)
        return -1;
    for (int h = 0; h < WORLD_HOSTS && h < SLOG_HOSTS; h++) {
        snprintf(sh->slog->host_name[h], sizeof sh->slog->host_name[h], "%s", sh->w->name[h]);
        sh->slog->host_addr[h] = sh->w->addr[h];
    }
    if (sh->w->faults) {
        sh->w->faults->on_fate = on_fate;
        sh->w->faults->fate_ctx = sh;
    }
    return 0;
}

static void note_sock(struct shell *sh, int h, const struct sock *s)
{
    struct slog_sock *k = slog_sock(sh->slog, h, s->id);
    if (!k)
        return;
    if (s->fd >= 0)
        k->fd = s->fd;
    if (s->parent)
        k->parent = s->parent->id;
    if (s->lport && s->rport) {
        k->laddr = s->laddr;
        k->raddr = s->raddr;
        k->lport = s->lport;
        k->rport = s->rport;
    }
}

/* State changes from the hosts' trace rings, and a TCB sample of every
 * connection whose congestion variables moved. */
/* Tap mode: the kernel host's state changes, as its observation put them
 * in its own trace (link/kernel.h). */
static void sync_kernel(struct shell *sh, int h, const struct khost *k)
{
    uint64_t id = sh->slog_mark[h] + 1;
    if (id < khost_trace_first(k))
        id = khost_trace_first(k);
    for (; id <= khost_trace_last(k); id++) {
        const struct ktrace_ev *e = khost_trace_get(k, id);
        if (!e)
            continue;
        slog_add_state(sh->slog, h, e->sock_id, e->t, e->old_state, e->new_state, e->cause);
        struct slog_sock *s = slog_sock(sh->slog, h, e->sock_id);
        if (s && e->lport && e->rport) {
            s->laddr = e->laddr;
            s->raddr = e->raddr;
            s->lport = e->lport;
            s->rport = e->rport;
        }
        if (s && e->vfd >= 0)
            s->fd = e->vfd;
    }
    sh->slog_mark[h] = khost_trace_last(k);
}

static void sync_stack(struct shell *sh)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        struct host *hp = sh_host(sh, h);
        if (!hp && sh->w->kernel[h])
            sync_kernel(sh, h, sh->w->kernel[h]);
        if (!hp)
            continue;
        const struct trace *tr = &hp->trace;
        uint64_t id = sh->slog_mark[h] + 1;
        if (id < trace_first_id(tr))
            id = trace_first_id(tr);
        for (; id <= trace_last_id(tr); id++) {
            const struct trace_ev *e = trace_get(tr, id);
            if (e && e->kind == TRACE_STATE)
                slog_add_state(sh->slog, h, e->sock_id, e->t, e->old_state, e->new_state, e->cause);
        }
        sh->slog_mark[h] = trace_last_id(tr);
        for (const struct sock *s = hp->socks; s; s = s->next) {
            if (s->type != SOCKT_TCP)
                continue;
            note_sock(sh, h, s);
            if (s->tcb.state < TCP_SYN_SENT)
                continue;
            struct slog_tcb c = {
                .host = h, .sock = s->id, .t = sh_now(sh), .cwnd = s->tcb.cwnd,
                .ssthresh = s->tcb.ssthresh, .flight = s->tcb.snd_nxt - s->tcb.snd_una,
                .snd_wnd = s->tcb.snd_wnd, .retrans = s->tcb.retrans_segs,
                .timeouts = s->tcb.timeouts, .fast_retrans = s->tcb.fast_retrans,
            };
            slog_add_tcb(sh->slog, &c);
        }
    }
}

void sh_slog_sync(struct shell *sh)
{
    sync_stack(sh);
    for (int h = 0; h < WORLD_HOSTS; h++)
        for (int i = 0; i < SH_MAX_NAMES; i++) {
            const struct sh_name *n = &sh->names[h][i];
            if (n->v.kind != VAL_SOCK || !n->name[0])
                continue;
            struct slog_sock *k = slog_sock(sh->slog, h, n->v.sock_id);
            if (k && strcmp(k->name, n->name) != 0 && (!k->name[0] || k->fd == n->v.fd))
                snprintf(k->name, sizeof k->name, "%s", n->name);
        }
}

void sh_slog_frame(struct shell *sh, int from, const uint8_t *frame, size_t len, tl_time t)
{
    sync_stack(sh);
    slog_add_frame(sh->slog, from, frame, len, t);
}

static int sock_of_word(struct shell *sh, int host, const char *word)
{
    const struct sh_value *v = sh_name_get(sh, host, word);
    if (v && v->kind == VAL_SOCK)
        return v->sock_id;
    struct sockinfo si;
    char *end;
    long fd = strtol(word, &end, 10);
    if (!*end && fd >= 0 && sh_sockinfo(sh, host, (int)fd, &si))
        return si.id;
    return -1;
}

void sh_slog_call(struct shell *sh, int host, const struct sh_cmdline *cl, tl_time t, uint64_t n)
{
    const char *name = cl->argv[0].s;
    char text[64];
    int sock = -1;
    if (strcmp(name, "socket") == 0 && cl->nassign) {
        const struct sh_value *v = sh_name_get(sh, host, cl->assign[0]);
        if (v && v->kind == VAL_SOCK) {
            sock = v->sock_id;
            snprintf(text, sizeof text, "socket() returns fd %d", v->fd);
        } else {
            snprintf(text, sizeof text, "socket()");
        }
    } else {
        if (cl->argc > 1)
            sock = sock_of_word(sh, host, cl->argv[1].s);
        snprintf(text, sizeof text, "%s()", name);
    }
    slog_add_call(sh->slog, n, host, sock, t, text, 0);
}

/* A call's error as the shell names it: "connect() raises
 * ConnectionRefusedError"; a plain OSError with its reason ("bind() raises
 * OSError: Address already in use"). */
static void raised(const char *call, int err, char *buf, size_t cap)
{
    const char *cls = sh_oserror_class(err);
    if (strcmp(cls, "OSError") == 0)
        snprintf(buf, cap, "%s() raises OSError: %s", call, strerror(err));
    else
        snprintf(buf, cap, "%s() raises %s", call, cls);
}

void sh_slog_result(struct shell *sh, int host, const struct pending *p)
{
    static const char *const call[] = {
        [PEND_NONE] = "call", [PEND_ACCEPT] = "accept", [PEND_RECV] = "recv",
        [PEND_RECV_ALL] = "recv", [PEND_SEND_BYTES] = "send", [PEND_CONNECT] = "connect",
    };
    char text[SLOG_CALL_LEN];
    const char *c = call[p->kind];
    if (p->err)
        raised(c, p->err, text, sizeof text);
    else if (p->kind == PEND_ACCEPT)
        snprintf(text, sizeof text, "accept() returns fd %d", p->new_fd);
    else if (p->kind == PEND_RECV)
        snprintf(text, sizeof text, "recv() returns %zu bytes", p->len);
    else if (p->kind == PEND_RECV_ALL || p->kind == PEND_SEND_BYTES)
        snprintf(text, sizeof text, "%s() returns: %zu bytes", c, p->done);
    else
        snprintf(text, sizeof text, "%s() returns", c);
    sync_stack(sh);
    slog_add_call(sh->slog, slog_reserve(sh->slog), host, p->sock_id, sh_now(sh), text, p->err);
}

void sh_slog_error(struct shell *sh, int host, const struct sh_cmdline *cl, int err)
{
    char text[SLOG_CALL_LEN];
    raised(cl->argv[0].s, err, text, sizeof text);
    int sock = cl->argc > 1 ? sock_of_word(sh, host, cl->argv[1].s) : -1;
    sync_stack(sh);
    slog_add_call(sh->slog, slog_reserve(sh->slog), host, sock, sh_now(sh), text, err);
}

static bool is_file_word(const char *w)
{
    const char *dot = strrchr(w, '.');
    return dot && dot != w && strchr(w, ':') == NULL &&
           (strcasecmp(dot, ".svg") == 0 || strcasecmp(dot, ".png") == 0 ||
            strcasecmp(dot, ".pdf") == 0);
}

int cmd_draw(struct shell *sh, int host, struct sh_cmdline *cl)
{
    const struct sh_cmd *c = sh_cmd_find("draw");
    int kind = draw_kind_parse(cl->argv[1].s);
    if (kind < 0) {
        sh_usage_error(sh, c, "draw: no picture '%s' (ladder, states, seq or cwnd)", cl->argv[1].s);
        return -1;
    }
    struct draw_opts o = {0};
    const char *file = NULL;
    sh_slog_sync(sh);
    for (int i = 2; i < cl->argc; i++) {
        const char *a = cl->argv[i].s;
        if (strcmp(a, "--all") == 0 && kind == DRAW_LADDER) {
            o.all = true;
        } else if (i == cl->argc - 1 && (is_file_word(a) || strchr(a, '.') || strchr(a, '/'))) {
            file = a;
        } else if (kind == DRAW_LADDER) {
            sh_usage_error(sh, c, "draw ladder: '%s' is not --all or a FILE (.svg, .png, .pdf)", a);
            return -1;
        } else if (o.nsock == (kind == DRAW_SEQ || kind == DRAW_CWND ? 1 : DRAW_MAX_SOCKS)) {
            sh_usage_error(sh, c, "draw %s: too many sockets", cl->argv[1].s);
            return -1;
        } else {
            const struct slog_sock *k = slog_sock_lookup(sh->slog, a, host);
            if (!k) {
                sh_error(sh, "draw: no socket '%s' on %s in this session", a,
                         strchr(a, ':') ? "that host" : sh_host_name(sh, host));
                return -1;
            }
            o.sock[o.nsock++] = k;
        }
    }
    char err[256];
    if (file && sh_replaying(sh)) {
        /* A replay (tcplab replay, draw, report) prints what the session
         * printed, and leaves the files where they were. */
        size_t len;
        char *svg = NULL;
        const char *dot = strrchr(file, '.');
        if (!dot || (strcasecmp(dot, ".svg") != 0 && strcasecmp(dot, ".png") != 0 &&
                     strcasecmp(dot, ".pdf") != 0))
            snprintf(err, sizeof err, "'%s': the file name must end in .svg, .png or .pdf", file);
        else
            svg = draw_svg_text(sh->slog, (enum draw_kind)kind, &o, &len, err, sizeof err);
        if (!svg) {
            sh_error(sh, "draw: %s", err);
            return -1;
        }
        free(svg);
        fprintf(sh->out, "%s written\n", file);
        return 0;
    }
    if (file) {
        if (draw_file(file, sh->slog, (enum draw_kind)kind, &o, err, sizeof err) < 0) {
            sh_error(sh, "draw: %s", err);
            return -1;
        }
        fprintf(sh->out, "%s written\n", file);
        return 0;
    }
    if (!draw_kind_term((enum draw_kind)kind)) {
        sh_usage_error(sh, c, "draw %s needs a FILE (.svg, .png or .pdf)", cl->argv[1].s);
        return -1;
    }
    int width = sh->interactive ? draw_term_width(stdout) : 80;
    if (draw_term(sh->out, sh->slog, (enum draw_kind)kind, &o, width, draw_locale_utf8(),
                  sh->color && sh->interactive, err, sizeof err) < 0) {
        sh_error(sh, "draw: %s", err);
        return -1;
    }
    return 0;
}
