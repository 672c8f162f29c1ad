/* The `tcb` view: one socket's Transmission Control Block as RFC 9293
 * §3.3.1 names it, printed after every socket call.  Reads the socket,
 * writes text; values the call changed (differing from `prev`) are marked
 * with a trailing '*' (and bold yellow with colour). */
#include <stddef.h>
#include <string.h>

#include "stack/api.h"
#include "views/view_util.h"
#include "views/views.h"

/* The eleven sequence variables of RFC 9293 §3.3.1 on a 3 x 4 grid.  The
 * send variables come first, in the RFC's order; the grid puts the two
 * initial sequence numbers (ISS, IRS) and the two windows (SND.WND,
 * RCV.WND) in the same columns so the eye can compare them, and keeps the
 * last column narrow (windows are small numbers) so a line fits in 80. */
struct tcb_var {
    const char *name;
    size_t off;                 /* offsetof(struct tcb, field), a uint32_t */
};

#define TCB_VAR(name, field) {name, offsetof(struct tcb, field)}
#define TCB_NONE             {NULL, 0}

static const struct tcb_var tcb_grid[3][4] = {
    {TCB_VAR("SND.UNA", snd_una), TCB_VAR("SND.NXT", snd_nxt),
     TCB_VAR("SND.UP", snd_up), TCB_VAR("SND.WND", snd_wnd)},
    {TCB_VAR("SND.WL1", snd_wl1), TCB_VAR("SND.WL2", snd_wl2),
     TCB_VAR("ISS", iss), TCB_NONE},
    {TCB_VAR("RCV.NXT", rcv_nxt), TCB_VAR("RCV.UP", rcv_up),
     TCB_VAR("IRS", irs), TCB_VAR("RCV.WND", rcv_wnd)},
};

static uint32_t tcb_get(const struct tcb *t, size_t off)
{
    uint32_t v;
    memcpy(&v, (const char *)t + off, sizeof v);
    return v;
}

/* A value, with a '*' after it if the call changed it: the mark survives
 * without colour (transcripts, pipes); colour only adds emphasis. */
static void put_mark(FILE *out, const struct view_style *st, bool changed, const char *text)
{
    if (changed)
        vu_sgr(out, st, SGR_CHANGED);
    fputs(text, out);
    if (changed) {
        vu_sgr(out, st, NULL);
        fputc('*', out);
    }
}

/* The grid, each column as wide as its widest name and value; a cell is
 * "NAME value", right-aligned values, two spaces (or '*' and one) between. */
static void print_grid(FILE *out, const struct view_style *st, const struct tcb *t,
                       const struct tcb *prev)
{
    int namew[4] = {0}, valw[4] = {0};
    char val[3][4][12];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            const struct tcb_var *v = &tcb_grid[r][c];
            if (!v->name)
                continue;
            int n = snprintf(val[r][c], sizeof val[r][c], "%u", tcb_get(t, v->off));
            if (n > valw[c])
                valw[c] = n;
            if ((int)strlen(v->name) > namew[c])
                namew[c] = (int)strlen(v->name);
        }
    for (int r = 0; r < 3; r++) {
        fputs("  ", out);
        int pending = 0;        /* spaces owed before the next cell (no trailing blanks) */
        for (int c = 0; c < 4; c++) {
            const struct tcb_var *v = &tcb_grid[r][c];
            if (!v->name) {
                pending += namew[c] + 1 + valw[c] + 2;
                continue;
            }
            bool changed = prev && tcb_get(t, v->off) != tcb_get(prev, v->off);
            char cell[48];
            snprintf(cell, sizeof cell, "%-*s %*s", namew[c], v->name, valw[c], val[r][c]);
            fprintf(out, "%*s", pending, "");
            put_mark(out, st, changed, cell);
            pending = changed ? 1 : 2;
        }
        fputc('\n', out);
    }
}

static void print_endpoint(FILE *out, uint32_t addr, uint16_t port)
{
    char a[16], p[8];
    fprintf(out, "%s:%s", vu_addr(a, addr, "0.0.0.0"), vu_port(p, port));
}

/* "romeo sock (fd 3)  10.10.1.100:50000 -> 10.10.2.100:4000  ESTABLISHED" */
static void print_header(FILE *out, const struct view_style *st, const struct host *h,
                         const struct sock *s, const struct tcb *prev)
{
    const char *name = vu_name(st, h, s->fd);
    vu_sgr(out, st, SGR_BOLD);
    fputs(h->cfg.name, out);
    if (name)
        fprintf(out, " %s (fd %d)", name, s->fd);
    else if (s->fd >= 0)
        fprintf(out, " fd %d", s->fd);
    vu_sgr(out, st, NULL);
    if (s->fd < 0)
        fputs(s->parent ? " (not accepted yet)" : " (orphan: no fd)", out);
    fputs(s->type == SOCKT_UDP ? "  UDP " : "  ", out);
    print_endpoint(out, s->laddr, s->lport);
    bool peer = s->type == SOCKT_UDP ? s->connected : s->raddr != 0;
    if (peer) {
        fputs(" -> ", out);
        print_endpoint(out, s->raddr, s->rport);
    }
    if (s->type == SOCKT_TCP) {
        fputs("  ", out);
        put_mark(out, st, prev && prev->state != s->tcb.state, tcp_state_name(s->tcb.state));
    }
    fputc('\n', out);
}

/* Send-Q (bytes not yet acknowledged or not yet sent), bytes in flight
 * (SND.NXT - SND.UNA: sent, unacknowledged; SYN and FIN count one each),
 * Recv-Q (arrived, not yet read; out of order, held for reassembly), the
 * MSS we send with (the peer's option; ss -i shows the data bytes per
 * segment, less our options), retransmissions. */
static void print_queues(FILE *out, const struct view_style *st, const struct sock *s,
                         const struct tcb *prev)
{
    const struct tcb *t = &s->tcb;
    char mss[16];
    fprintf(out, "  Send-Q %zu  in flight %u  Recv-Q %zu", sock_send_queue(s),
            t->snd_nxt - t->snd_una, sock_recv_queue(s));
    if (t->ofo_bytes)
        fprintf(out, " (+%u out of order)", t->ofo_bytes);
    fputs("  MSS ", out);
    snprintf(mss, sizeof mss, "%u", (unsigned)t->snd_mss);
    put_mark(out, st, prev && prev->snd_mss != t->snd_mss, mss);
    if (t->retrans_segs) {
        fprintf(out, "  retransmitted %u", t->retrans_segs);
        if (t->timeouts || t->fast_retrans)
            fprintf(out, " (%u timeout%s, %u fast)", t->timeouts, t->timeouts == 1 ? "" : "s",
                    t->fast_retrans);
    }
    fputc('\n', out);
}

/* The retransmission timer's variables (RFC 6298) and congestion control's
 * (RFC 5681): "RTO 0.2s  SRTT 0.0002s  RTTVAR 0.0001s  cwnd 14480
 * ssthresh 7240  slow start". */
static void print_congestion(FILE *out, const struct view_style *st, const struct tcb *t,
                             const struct tcb *prev)
{
    char v[40];
    fputs("  RTO ", out);
    put_mark(out, st, prev && prev->rto != t->rto, vu_secs(v, t->rto));
    if (t->srtt || t->rttvar) {
        fputs("  SRTT ", out);
        put_mark(out, st, prev && prev->srtt != t->srtt, vu_secs(v, t->srtt));
        fputs("  RTTVAR ", out);
        put_mark(out, st, prev && prev->rttvar != t->rttvar, vu_secs(v, t->rttvar));
    }
    fputs("  cwnd ", out);
    snprintf(v, sizeof v, "%u", t->cwnd);
    put_mark(out, st, prev && prev->cwnd != t->cwnd, v);
    if (t->ssthresh < 0x7fffffff) {
        fputs("  ssthresh ", out);
        snprintf(v, sizeof v, "%u", t->ssthresh);
        put_mark(out, st, prev && prev->ssthresh != t->ssthresh, v);
    }
    const char *phase = t->rto_recovery ? "loss recovery (timeout)"
                      : t->in_recovery ? "fast recovery"
                      : t->cwnd < t->ssthresh ? "slow start" : "congestion avoidance";
    fprintf(out, "  %s, %s", tcp_cc_name((enum tcp_cc)t->cc), phase);
    if (t->cc == TCP_CC_CUBIC && t->cubic.w_max > 0) {
        /* RFC 9438: the window before the last reduction, and the epoch. */
        fprintf(out, ", W_max %.1f", t->cubic.w_max);
        if (t->cubic.epoch)
            fprintf(out, ", epoch from %s, K %.3fs", vu_secs(v, t->cubic.epoch), t->cubic.k);
    }
    if (t->snd_wnd == 0 && t->snd_nxt == t->snd_una + (t->persist_at != TL_NEVER))
        fputs(", zero window", out);
    fputc('\n', out);
}

/* Loss recovery's state, once there is any: the scoreboard (lost, SACKed,
 * retransmitted and in flight, in segments), RACK (RFC 8985: its RTT and
 * reordering window), loss probes sent, DSACKs (RFC 2883) and timeouts
 * F-RTO undid (RFC 5682). */
static void print_loss(FILE *out, const struct tcb *t)
{
    if (!t->lost_total && !t->tlp_probes && !t->sacked_out && !t->dsack_dups &&
        !t->retrans_out && t->rack_at == TL_NEVER)
        return;
    char a[32], b[32];
    fprintf(out, "  lost %u (%u in all)  SACKed %u  retransmitted in flight %u", t->lost_out,
            t->lost_total, t->sacked_out, t->retrans_out);
    fprintf(out, "  RACK rtt %s reo_wnd %s%s", vu_secs(a, t->rack_rtt), vu_secs(b, t->reo_wnd),
            t->reordering_seen ? " (reordering seen)" : "");
    fprintf(out, "  TLP probes %u", t->tlp_probes);
    if (t->dsack_dups)
        fprintf(out, "  DSACKs %u", t->dsack_dups);
    if (t->spurious_rto)
        fprintf(out, "  spurious timeouts undone %u", t->spurious_rto);
    fputc('\n', out);
}

/* Only the timers that run, with the time left (RFC 6298 retransmission,
 * RFC 9293 §3.8.6.1 persist, §3.8.6.3 delayed ACK, §3.4.2 TIME-WAIT =
 * 2*MSL, Linux's orphaned FIN-WAIT-2). */
static void print_timers(FILE *out, const struct tcb *t, tl_time now)
{
    char a[32], b[32];
    bool any = false;
    for (int i = 0; i < TCPT__COUNT; i++) {
        if (t->timer[i] == TL_NEVER)
            continue;
        fputs(any ? "  " : "  timers: ", out);
        any = true;
        vu_secs(a, t->timer[i] - now);
        switch ((enum tcp_timer)i) {
        case TCPT_RETRANSMIT:
            fprintf(out, "retransmit in %s (RTO %s", a, vu_secs(b, t->rto));
            if (t->retries)
                fprintf(out, ", %d %s", t->retries, t->retries == 1 ? "retry" : "retries");
            fputc(')', out);
            break;
        case TCPT_PERSIST:
            fprintf(out, "persist in %s (window probe %u)", a, t->probes + 1);
            break;
        case TCPT_RACK:
            fprintf(out, "RACK reorder in %s (reo_wnd %s)", a, vu_secs(b, t->reo_wnd));
            break;
        case TCPT_LOSS_PROBE:
            fprintf(out, "loss probe in %s (probe %u)", a, t->tlp_probes + 1);
            break;
        case TCPT_TIME_WAIT:
            fprintf(out, "2MSL ends in %s", a);
            break;
        case TCPT_FIN_WAIT_2:
            fprintf(out, "FIN-WAIT-2 timeout in %s", a);
            break;
        default:
            fprintf(out, "%s in %s", tcp_timer_name((enum tcp_timer)i), a);
            break;
        }
    }
    if (any)
        fputc('\n', out);
}

/* A listener has no sequence variables of its own: every SYN that arrives
 * creates a new TCB (RFC 9293 §3.10.7.2).  As on Linux, half-open ones wait
 * in the SYN queue, completed ones in the accept queue, bounded by
 * listen()'s backlog. */
static void print_listen(FILE *out, const struct sock *s)
{
    fprintf(out, "  accept queue %d of backlog %d (waiting for accept)"
            "  SYN queue %d (half-open)\n", s->accept_queued, s->backlog, s->syn_queued);
}

static void print_udp(FILE *out, const struct sock *s)
{
    size_t n = 0;
    for (const struct udp_dgram_q *d = s->dq_head; d; d = d->next)
        n++;
    fprintf(out, "  Recv-Q %zu bytes in %zu datagram%s  (UDP keeps no connection: no TCB)\n",
            s->dq_bytes, n, n == 1 ? "" : "s");
}

void view_tcb(FILE *out, const struct view_style *st, const struct host *h,
              const struct sock *s, const struct tcb *prev, tl_time now)
{
    if (!s)
        return;
    print_header(out, st, h, s, prev);
    if (s->type == SOCKT_UDP) {
        print_udp(out, s);
        return;
    }
    switch (s->tcb.state) {
    case TCP_CLOSED:
        /* RFC 9293 §3.3.2: "CLOSED is fictional because it represents the
         * state when there is no TCB, and therefore, no connection." */
        fputs("  no connection: CLOSED has no TCB (RFC 9293 section 3.3.2)\n", out);
        return;
    case TCP_LISTEN:
        print_listen(out, s);
        return;
    default:
        break;
    }
    print_grid(out, st, &s->tcb, prev);
    print_queues(out, st, s, prev);
    if (tcp_state_synchronized(s->tcb.state) && s->tcb.state != TCP_TIME_WAIT)
        print_congestion(out, st, &s->tcb, prev);
    print_loss(out, &s->tcb);
    print_timers(out, &s->tcb, now);
}
