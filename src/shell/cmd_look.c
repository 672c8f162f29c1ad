/* Commands that look (views), let time pass, or set up the session. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/commands.h"
#include "util/progress.h"
#include "wire/ipv4.h"

/* route, drops and ping are tcplab's stack's own. */
static struct host *stack_host(struct shell *sh, int host)
{
    struct host *h = sh_host(sh, host);
    if (!h)
        sh_error(sh, "%s is played by the Linux kernel here; this view shows tcplab's stack",
                 sh_host_name(sh, host));
    return h;
}

/* The socket a view is asked about, if any (*found false without one). */
static int opt_sock(struct shell *sh, int host, struct sh_cmdline *cl, struct hv_sock *out,
                    bool *found)
{
    *found = false;
    if (cl->argc < 2)
        return 0;
    int err;
    int fd = sh_resolve_sock(sh, host, cl->argv[1].s, &err);
    const struct hostview *v = &sh->hv[host];
    if (fd >= 0 && !v->ops->sock_by_fd(v, fd, out))
        err = EBADF;
    if (fd < 0 || err) {
        if (err == ENOENT)
            sh_error(sh, "name '%s' is not defined on %s", cl->argv[1].s, sh_host_name(sh, host));
        else if (err == ENOTSOCK)
            sh_error(sh, "'%s' is not a socket", cl->argv[1].s);
        else
            sh_error(sh, "'%s' is closed (no such descriptor on %s)", cl->argv[1].s,
                     sh_host_name(sh, host));
        return -1;
    }
    *found = true;
    return 0;
}

/* Every host's view, brought up to date (the kernel's: observed now). */
static void refresh_all(struct shell *sh, const struct hostview **v)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        hv_refresh(&sh->hv[h], sh_now(sh));
        v[h] = &sh->hv[h];
    }
}

struct tcb_list {
    struct shell *sh;
    int host, n;
};

static void tcb_listed(void *ctx, const struct hv_sock *s)
{
    struct tcb_list *c = ctx;
    struct shell *sh = c->sh;
    const struct hostview *v = &sh->hv[c->host];
    v->ops->tcb(v, sh->out, &sh->style, s->id, sh_sock_name(sh, c->host, s), NULL, sh_now(sh));
    c->n++;
}

int cmd_tcb(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct hostview *v = &sh->hv[host];
    struct hv_sock s;
    bool found;
    hv_refresh(v, sh_now(sh));
    if (opt_sock(sh, host, cl, &s, &found) < 0)
        return -1;
    if (found) {
        v->ops->tcb(v, sh->out, &sh->style, s.id, sh_fd_name(sh, host, s.fd), NULL, sh_now(sh));
        return 0;
    }
    struct tcb_list c = {sh, host, 0};
    v->ops->each_sock(v, HV_TCB, tcb_listed, &c);
    if (!c.n)
        fprintf(sh->out, v->ops->no_socks, v->name, v->peer);
    return 0;
}

int cmd_diagram(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct hostview *v = &sh->hv[host];
    struct hv_sock s;
    bool found;
    hv_refresh(v, sh_now(sh));
    if (opt_sock(sh, host, cl, &s, &found) < 0)
        return -1;
    view_hv_diagram(sh->out, &sh->style, v, found ? &s : NULL);
    return 0;
}

/* The hosts tcplab's stack plays, for ss -i. */
static int stack_hosts(struct shell *sh, struct host **hosts)
{
    int n = 0;
    for (int i = 0; i < WORLD_HOSTS; i++)
        if (sh_host(sh, i))
            hosts[n++] = sh_host(sh, i);
    return n;
}

/* ss's options: -i (internals), -o (timers); -t, -a and -n are what the
 * listing always is.  Letters may be grouped (-tio).  -1 on a bad one. */
static int ss_options(struct shell *sh, struct sh_cmdline *cl, bool *info, bool *timers)
{
    *info = *timers = false;
    for (int i = 1; i < cl->argc; i++) {
        const char *a = cl->argv[i].s;
        bool ok = a[0] == '-' && a[1];
        for (const char *p = a + 1; ok && *p; p++) {
            if (*p == 'i')
                *info = true;
            else if (*p == 'o')
                *timers = true;
            else if (!strchr("tan", *p))
                ok = false;
        }
        if (!ok) {
            sh_usage_error(sh, sh_cmd_find("ss"), "ss: unknown option '%s'", a);
            return -1;
        }
    }
    return 0;
}

int cmd_ss(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct host *hosts[WORLD_HOSTS];
    const struct hostview *v[WORLD_HOSTS];
    bool info, timers;
    if (ss_options(sh, cl, &info, &timers) < 0)
        return -1;
    if (info) {                                 /* ss -i: tcplab's stack only */
        view_ss_info(sh->out, &sh->style, hosts, stack_hosts(sh, hosts), sh_now(sh));
        return 0;
    }
    refresh_all(sh, v);
    if (timers)
        view_hv_ss_timers(sh->out, &sh->style, v, WORLD_HOSTS);
    else
        view_hv_ss(sh->out, &sh->style, v, WORLD_HOSTS);
    return 0;
}

int cmd_lsof(struct shell *sh, int host, struct sh_cmdline *cl)
{
    const struct hostview *v[WORLD_HOSTS];
    refresh_all(sh, v);
    view_hv_lsof(sh->out, &sh->style, v, WORLD_HOSTS);
    return 0;
}

int cmd_arp(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int rc = view_hv_arp(sh->out, &sh->style, &sh->hv[host], sh_now(sh));
    if (rc < 0) {
        sh_error(sh, "arp: cannot read %s's neighbour table: %s", sh_host_name(sh, host),
                 strerror(-rc));
        return -1;
    }
    return 0;
}

int cmd_ifconfig(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int rc = view_hv_ifconfig(sh->out, &sh->style, &sh->hv[host]);
    if (rc < 0) {
        sh_error(sh, "ifconfig: cannot read %s's interface: %s", sh_host_name(sh, host),
                 strerror(-rc));
        return -1;
    }
    if (sh->w->offload && sh->w->stack[host])
        view_offload(sh->out, sh->w->offload);
    return 0;
}

int cmd_route(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct host *h = stack_host(sh, host);
    if (!h)
        return -1;
    view_route(sh->out, &sh->style, h);
    return 0;
}

int cmd_drops(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct host *h = stack_host(sh, host);
    if (!h)
        return -1;
    view_drops(sh->out, &sh->style, h);
    return 0;
}

struct ping_wait {
    struct host *h;
    uint64_t want;
};

static bool ping_done(void *ctx)
{
    struct ping_wait *w = ctx;
    return w->h->npings >= w->want;
}

/* ping: one echo request a second, each waited for up to a second. */
int cmd_ping(struct shell *sh, int host, struct sh_cmdline *cl)
{
    uint32_t dst;
    const struct sh_cmd *c = sh_cmd_find("ping");
    int hi = sh_host_index(sh, cl->argv[1].s);
    if (hi >= 0)
        dst = sh->w->addr[hi];
    else if (ipv4_aton(cl->argv[1].s, &dst) < 0) {
        sh_usage_error(sh, c, "ping: '%s' is not an address", cl->argv[1].s);
        return -1;
    }
    size_t count = 1;
    if (cl->argc == 3 && (sh_parse_size(cl->argv[2].s, &count) < 0 || count == 0 || count > 100)) {
        sh_usage_error(sh, c, "ping: COUNT is 1 to 100");
        return -1;
    }
    struct host *h = stack_host(sh, host);
    if (!h)
        return -1;
    char a[16];
    unsigned received = 0;
    for (size_t i = 0; i < count; i++) {
        tl_time sent = sh_now(sh);
        struct ping_wait w = {h, h->npings + 1};
        int rc = host_ping(h, dst, 0x7c1a, (uint16_t)(i + 1), 56, sent);
        if (rc < 0) {
            sh_oserror(sh, -rc);
            return 0;
        }
        if (world_run_until(sh->w, ping_done, &w, sent + TL_SEC)) {
            const struct ping_reply *r = &h->pings[(h->npings - 1) % 16];
            fprintf(sh->out, "64 bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
                    ipv4_ntoa(r->from, a), r->seq, r->ttl, (double)(r->at - sent) / 1000.0);
            received++;
        } else {
            fprintf(sh->out, "no reply from %s: icmp_seq=%zu\n", ipv4_ntoa(dst, a), i + 1);
        }
        if (i + 1 < count)
            world_sleep(sh->w, sent + TL_SEC - sh_now(sh));
    }
    fprintf(sh->out, "%zu packets transmitted, %u received\n", count, received);
    return 0;
}

int cmd_sleep(struct shell *sh, int host, struct sh_cmdline *cl)
{
    tl_time d;
    if (sh_parse_duration(sh, cl->argv[1].s, &d) < 0) {
        sh_usage_error(sh, sh_cmd_find("sleep"), "sleep: '%s' is not a duration", cl->argv[1].s);
        return -1;
    }
    if (!sh->w->realtime || !sh->interactive || d < 2 * TL_SEC) {
        world_sleep(sh->w, d);
        return 0;
    }
    /* A long sleep in real time: a progress line while it lasts, in
     * steps short enough to keep it current (and Ctrl-C prompt). */
    struct progress pr;
    progress_begin(&pr, stdout, STDIN_FILENO);
    tl_time end = sh_now(sh) + d;
    while (sh_now(sh) < end && !world_interrupt) {
        tl_time step = end - sh_now(sh) < 100 * TL_MS ? end - sh_now(sh) : 100 * TL_MS;
        world_sleep(sh->w, step);
        tl_time left = end - sh_now(sh) > 0 ? end - sh_now(sh) : 0;
        progress_update(&pr, "sleep", (uint64_t)((d - left) / TL_SEC), (uint64_t)(d / TL_SEC), "s",
                        NULL);
    }
    progress_end(&pr);
    return 0;
}

int cmd_time(struct shell *sh, int host, struct sh_cmdline *cl)
{
    fprintf(sh->out, "%lld.%06lld s (%s)\n", (long long)(sh_now(sh) / TL_SEC),
            (long long)(sh_now(sh) % TL_SEC), sh->w->realtime ? "real" : "virtual");
    return 0;
}

int cmd_msl(struct shell *sh, int host, struct sh_cmdline *cl)
{
    if (cl->argc == 2) {
        tl_time d;
        if (sh_parse_duration(sh, cl->argv[1].s, &d) < 0 || d <= 0 || d > 3600 * TL_SEC) {
            sh_usage_error(sh, sh_cmd_find("msl"), "msl: '%s' is not a duration up to 1h",
                           cl->argv[1].s);
            return -1;
        }
        sh->w->msl = d;
        for (int i = 0; i < WORLD_HOSTS; i++)
            if (sh_host(sh, i))
                sh_host(sh, i)->cfg.msl = d;
    }
    fprintf(sh->out, "MSL %lld.%03lld s: TIME-WAIT lasts %lld.%03lld s\n",
            (long long)(sh->w->msl / TL_SEC), (long long)(sh->w->msl % TL_SEC / 1000),
            (long long)(2 * sh->w->msl / TL_SEC), (long long)(2 * sh->w->msl % TL_SEC / 1000));
    return 0;
}

int cmd_show(struct shell *sh, int host, struct sh_cmdline *cl)
{
    const struct sh_cmd *c = sh_cmd_find("show");
    if (cl->argc == 1) {
        fprintf(sh->out, "decode %s, state %s, tcb %s\n",
                sh->show.decode ? (sh->show.every_frame ? "all" : "on") : "off",
                sh->show.state ? "on" : "off", sh->show.tcb ? "on" : "off");
        return 0;
    }
    if (cl->argc != 3) {
        sh_usage_error(sh, c, "show: say on or off");
        return -1;
    }
    const char *part = cl->argv[1].s, *v = cl->argv[2].s;
    bool on;
    bool all = strcmp(v, "all") == 0 && strcmp(part, "decode") == 0;
    if (strcmp(v, "on") == 0 || all)
        on = true;
    else if (strcmp(v, "off") == 0)
        on = false;
    else {
        sh_usage_error(sh, c, "show: '%s' is not on or off", v);
        return -1;
    }
    if (strcmp(part, "decode") == 0) {
        sh->show.decode = on;
        sh->show.every_frame = all;
    } else if (strcmp(part, "state") == 0)
        sh->show.state = on;
    else if (strcmp(part, "tcb") == 0)
        sh->show.tcb = on;
    else {
        sh_usage_error(sh, c, "show: '%s' is not decode, state or tcb", part);
        return -1;
    }
    return 0;
}

int cmd_decode(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct decode_opts o = {.abs_seq = false, .tstamp = 1};
    if (cl->argc == 1) {
        const struct decode_opts *cur = decoder_opts(sh->dec);
        fprintf(sh->out, "decode flags: -n -t%s%s%s%s%s\n", cur->abs_seq ? " -S" : "",
                cur->verbose ? " -v" : "", cur->link ? " -e" : "",
                cur->hex == 1 ? " -x" : "", cur->hex == 2 ? " -X" : "");
        return 0;
    }
    char err[128];
    for (int i = 1; i < cl->argc; i++)
        if (decode_parse_flag(cl->argv[i].s, &o, err, sizeof err) < 0) {
            sh_usage_error(sh, sh_cmd_find("decode"), "decode: %s", err);
            return -1;
        }
    o.tstamp = 1;              /* the shell's prefix column carries the time */
    decoder_set_opts(sh->dec, &o);
    return 0;
}

int cmd_use(struct shell *sh, int host, struct sh_cmdline *cl)
{
    int idx = sh_host_index(sh, cl->argv[1].s);
    if (idx < 0) {
        sh_usage_error(sh, sh_cmd_find("use"), "use: no host '%s' (romeo or juliet)",
                       cl->argv[1].s);
        return -1;
    }
    sh->cur = idx;
    return 0;
}

int cmd_quit(struct shell *sh, int host, struct sh_cmdline *cl)
{
    sh->quit = true;
    return 0;
}
