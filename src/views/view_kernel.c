/* Views of the kernel host (tap mode).  The kernel keeps its TCB to
 * itself: its state and counters come from TCP_INFO (or the diag dump),
 * and its sequence variables are inferred from the segments on the TAP
 * (link/kernel_wire.c), which the view says in so many words.  ss and lsof
 * list both hosts in one table, as view_ss.c does for two stack hosts. */
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "views/view_kernel.h"
#include "views/view_util.h"

/* ---- the kernel's TCB -------------------------------------------------- */

static void mark(FILE *out, const struct view_style *st, bool changed, const char *text)
{
    if (changed)
        vu_sgr(out, st, SGR_CHANGED);
    fputs(text, out);
    if (changed) {
        vu_sgr(out, st, NULL);
        fputc('*', out);
    }
}

static void endpoint(FILE *out, uint32_t addr, uint16_t port)
{
    char a[16], p[8];
    fprintf(out, "%s:%s", vu_addr(a, addr, "0.0.0.0"), vu_port(p, port));
}

static void header(FILE *out, const struct view_style *st, const struct khost *k,
                   const struct ksock *s, const char *name, const struct view_kprev *prev)
{
    vu_sgr(out, st, SGR_BOLD);
    fputs(k->name, out);
    if (name)
        fprintf(out, " %s", name);
    if (s->vfd >= 0)
        fprintf(out, name ? " (fd %d)" : " fd %d", s->vfd);
    vu_sgr(out, st, NULL);
    if (s->vfd < 0)
        fputs(s->ours ? " (closed: no fd)" : s->parent_vfd >= 0 ? " (not accepted yet)"
              : " (another program's socket)", out);
    fputs(s->type == SOCKT_UDP ? "  UDP " : "  ", out);
    endpoint(out, s->laddr, s->lport);
    if (s->raddr) {
        fputs(" -> ", out);
        endpoint(out, s->raddr, s->rport);
    }
    if (s->type == SOCKT_TCP) {
        fputs("  ", out);
        mark(out, st, prev && prev->state != s->state, tcp_state_name(s->state));
    }
    fputs("  (Linux kernel)\n", out);
}

enum { KV_UNA, KV_NXT, KV_SUP, KV_SWND, KV_WL1, KV_WL2, KV_ISS, KV_RNXT, KV_RUP, KV_IRS,
       KV_RWND, KV_N };

/* The grid of view_tcb.c, values from the segments; "-" where the
 * segments do not tell (no urgent data, or a SYN not seen). */
static void seq_values(const struct kwire_conn *c, char v[KV_N][12])
{
    for (int i = 0; i < KV_N; i++)
        snprintf(v[i], 12, "-");
    if (c->k_syn) {
        snprintf(v[KV_ISS], 12, "%u", c->iss);
    }
    snprintf(v[KV_UNA], 12, "%u", c->snd_una);
    snprintf(v[KV_NXT], 12, "%u", c->snd_nxt);
    if (c->snd_up)
        snprintf(v[KV_SUP], 12, "%u", c->snd_up);
    if (c->wl_set) {
        snprintf(v[KV_SWND], 12, "%u", c->snd_wnd);
        snprintf(v[KV_WL1], 12, "%u", c->snd_wl1);
        snprintf(v[KV_WL2], 12, "%u", c->snd_wl2);
    }
    if (c->p_syn) {
        snprintf(v[KV_IRS], 12, "%u", c->irs);
        snprintf(v[KV_RNXT], 12, "%u", c->rcv_nxt);
    }
    if (c->rcv_up)
        snprintf(v[KV_RUP], 12, "%u", c->rcv_up);
    snprintf(v[KV_RWND], 12, "%u", c->rcv_wnd);
}

static void seq_grid(FILE *out, const struct view_style *st, const struct kwire_conn *c,
                     const struct kwire_conn *p)
{
    static const char *const names[KV_N] = {"SND.UNA", "SND.NXT", "SND.UP", "SND.WND", "SND.WL1",
                                            "SND.WL2", "ISS", "RCV.NXT", "RCV.UP", "IRS",
                                            "RCV.WND"};
    static const int grid[3][4] = {{KV_UNA, KV_NXT, KV_SUP, KV_SWND},
                                   {KV_WL1, KV_WL2, KV_ISS, -1},
                                   {KV_RNXT, KV_RUP, KV_IRS, KV_RWND}};
    char v[KV_N][12], pv[KV_N][12];
    seq_values(c, v);
    if (p)
        seq_values(p, pv);
    int namew[4] = {0}, valw[4] = {0};
    for (int r = 0; r < 3; r++)
        for (int col = 0; col < 4; col++) {
            int i = grid[r][col];
            if (i < 0)
                continue;
            if ((int)strlen(v[i]) > valw[col])
                valw[col] = (int)strlen(v[i]);
            if ((int)strlen(names[i]) > namew[col])
                namew[col] = (int)strlen(names[i]);
        }
    for (int r = 0; r < 3; r++) {
        fputs("  ", out);
        int pending = 0;
        for (int col = 0; col < 4; col++) {
            int i = grid[r][col];
            if (i < 0) {
                pending += namew[col] + 1 + valw[col] + 2;
                continue;
            }
            bool changed = p && strcmp(v[i], pv[i]) != 0;
            char cell[48];
            snprintf(cell, sizeof cell, "%-*s %*s", namew[col], names[i], valw[col], v[i]);
            fprintf(out, "%*s", pending, "");
            mark(out, st, changed, cell);
            pending = changed ? 1 : 2;
        }
        fputc('\n', out);
    }
}

/* TCP_INFO's times are in microseconds. */
static char *ms(char *buf, uint32_t us)
{
    return vu_secs(buf, (tl_time)us);
}

/* TCP_INFO, the kernel's own numbers (include/uapi/linux/tcp.h). */
static void tcp_info_lines(FILE *out, const struct ksock *s)
{
    const struct kinfo *i = &s->info;
    char a[32], b[32], c[32], d[32];
    if (!i->valid)
        return;
    fprintf(out, "  TCP_INFO: RTO %s  ATO %s  RTT %s (var %s)  snd_mss %u  rcv_mss %u\n",
            ms(a, i->rto), ms(b, i->ato), ms(c, i->rtt), ms(d, i->rttvar), i->snd_mss,
            i->rcv_mss);
    fprintf(out, "  cwnd %u  ssthresh ", i->snd_cwnd);
    if (i->snd_ssthresh >= 0x7fffffff)
        fputs("-", out);
    else
        fprintf(out, "%u", i->snd_ssthresh);
    if (i->snd_wnd)                   /* Linux 6.2 and later */
        fprintf(out, "  snd_wnd %u", i->snd_wnd);
    fprintf(out, "  unacked %u  retrans %u (total %u)  segs out %u in %u  bytes acked %llu "
                 "received %llu\n", i->unacked, i->retrans, i->total_retrans, i->segs_out,
            i->segs_in, (unsigned long long)i->bytes_acked, (unsigned long long)i->bytes_received);
}

static void timers(FILE *out, const struct ksock *s)
{
    static const char *const what[] = {NULL, "retransmit", "keepalive", "TIME-WAIT ends",
                                       "zero-window probe"};
    char a[32];
    int t = s->info.timer;
    if (t <= 0 || t > 4)
        return;
    if (t == 3 && s->state == TCP_FIN_WAIT_2) {
        fprintf(out, "  timers: FIN-WAIT-2 timeout in %s (Linux tcp_fin_timeout)\n",
                vu_secs(a, (tl_time)s->info.timer_ms * TL_MS));
        return;
    }
    fprintf(out, "  timers: %s in %s", what[t], vu_secs(a, (tl_time)s->info.timer_ms * TL_MS));
    if (t == 3)
        fputs(" (Linux waits 60 s, fixed)", out);
    fputc('\n', out);
}

void view_ktcb(FILE *out, const struct view_style *st, const struct khost *k, const struct ksock *s,
               const char *name, const char *link, const struct view_kprev *prev)
{
    header(out, st, k, s, name, prev);
    if (s->type == SOCKT_UDP) {
        fprintf(out, "  Recv-Q %zu  (UDP keeps no connection: no TCB)\n", s->recv_q);
        return;
    }
    if (s->state == TCP_CLOSED) {
        fputs("  no connection: CLOSED has no TCB (RFC 9293 section 3.3.2)\n", out);
        return;
    }
    if (s->state == TCP_LISTEN) {
        fprintf(out, "  accept queue %zu of backlog %zu (waiting for accept)\n", s->recv_q,
                s->send_q);
        return;
    }
    const struct kwire_conn *c = kwire_find(&k->wire, s->laddr, s->lport, s->raddr, s->rport);
    if (c) {
        fprintf(out, "  sequence variables inferred from the segments on %s (Linux does not "
                     "export them):\n", link);
        seq_grid(out, st, c, prev && prev->has_wire ? &prev->wire : NULL);
    } else {
        fprintf(out, "  sequence variables: no segment of this connection seen on %s\n", link);
    }
    char q[16];
    fputs("  Send-Q ", out);
    snprintf(q, sizeof q, "%zu", s->send_q);
    mark(out, st, prev && prev->send_q != s->send_q, q);
    if (c)
        fprintf(out, "  in flight %u", c->snd_nxt - c->snd_una);
    fputs("  Recv-Q ", out);
    snprintf(q, sizeof q, "%zu", s->recv_q);
    mark(out, st, prev && prev->recv_q != s->recv_q, q);
    fputc('\n', out);
    tcp_info_lines(out, s);
    timers(out, s);
}

/* ---- ss and lsof over both hosts --------------------------------------- */


static bool watched(const struct khost *k, uint64_t cookie)
{
    for (const struct ksock *s = k->socks; s; s = s->next)
        if (s->cookie == cookie)
            return true;
    return false;
}

/* inet_diag's timer of a kernel socket as ss -o prints it: the count is
 * the consecutive retransmissions for the retransmission timer, the
 * probes sent for the others. */
static void kernel_timer(char *buf, size_t cap, const struct kinfo *i)
{
    unsigned n = i->timer == VU_TIMER_ON ? i->retransmits
               : i->timer == VU_TIMER_TIMEWAIT ? 0 : i->probes;
    vu_ss_timer(buf, cap, i->timer > 0 && i->timer < VU_TIMER__N ? (enum vu_timer)i->timer
                                                                  : VU_TIMER_OFF,
                (tl_time)i->timer_ms * TL_MS, n);
}

static void ss_kernel(struct vu_table *t, const struct khost *k, view_kname_fn kname, void *ctx,
                      bool timers)
{
    for (const struct ksock *s = k->socks; s; s = s->next) {
        if (s->type == SOCKT_TCP && s->state == TCP_CLOSED && s->fd < 0)
            continue;
        bool udp = s->type == SOCKT_UDP;
        struct vu_sock_row x = {
            .host = k->name, .udp = udp,
            .state = udp ? (s->rport ? TCP_ESTABLISHED : TCP_CLOSED) : s->state,
            .rq = s->recv_q, .sq = s->send_q, .la = s->laddr, .ra = s->raddr, .lp = s->lport,
            .rp = s->rport, .fd = s->vfd, .id = (unsigned long long)s->inode,
            .name = s->vfd >= 0 && kname ? kname(ctx, k, s->vfd) : NULL,
            .note = s->ours ? NULL : "(another program)",
        };
        if (timers && !udp)
            kernel_timer(x.timer, sizeof x.timer, &s->info);
        vu_ss_add(t, &x);
    }
    /* Other programs' sockets on the kernel host's address (the lab's
     * python3 listening on it, say), from the last diag dump. */
    for (size_t i = 0; i < k->ndump; i++) {
        const struct kdiag *d = &k->dump[i];
        if (d->laddr != k->addr || watched(k, d->cookie) || d->state == TCP_CLOSED)
            continue;
        struct vu_sock_row x = {
            .host = k->name, .state = d->state, .rq = d->rqueue, .sq = d->wqueue,
            .la = d->laddr, .ra = d->raddr, .lp = d->lport, .rp = d->rport, .fd = -1,
            .note = "(another program)",
        };
        if (timers)
            kernel_timer(x.timer, sizeof x.timer, &d->info);
        vu_ss_add(t, &x);
    }
}

void view_ss_tap(FILE *out, const struct view_style *st, struct host *const stack[2],
                 const struct khost *const kernel[2], view_kname_fn kname, void *ctx,
                 bool timers, tl_time now)
{
    struct vu_table t;
    if (timers)
        vu_ss_init_timers(&t);
    else
        vu_ss_init(&t);
    for (int i = 0; i < 2; i++) {
        if (stack[i] && timers)
            vu_ss_add_host_at(&t, st, stack[i], now);
        else if (stack[i])
            vu_ss_add_host(&t, st, stack[i]);
        else if (kernel[i])
            ss_kernel(&t, kernel[i], kname, ctx, timers);
    }
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}

void view_lsof_tap(FILE *out, const struct view_style *st, struct host *const stack[2],
                   const struct khost *const kernel[2], view_kname_fn kname, void *ctx)
{
    struct vu_table t;
    vu_lsof_init(&t);
    for (int i = 0; i < 2; i++) {
        if (stack[i])
            vu_lsof_add_host(&t, st, stack[i]);
        const struct khost *k = kernel[i];
        for (int fd = 0; k && fd < KHOST_MAX_FD; fd++) {
            const struct ksock *s = k->vfds[fd];
            if (!s)
                continue;
            bool udp = s->type == SOCKT_UDP;
            struct vu_sock_row x = {
                .host = k->name, .udp = udp,
                .state = udp ? (s->rport ? TCP_ESTABLISHED : TCP_CLOSED) : s->state,
                .la = s->laddr, .ra = s->raddr, .lp = s->lport, .rp = s->rport, .fd = fd,
                .id = (unsigned long long)s->inode,
            };
            vu_lsof_add(&t, &x);
        }
    }
    vu_table_print(out, st, &t);
    vu_table_free(&t);
}
