/* `ss -i`: the ss listing with each TCP connection's internals under its
 * row, in the words of Linux's `ss -t -i -o` (iproute2 misc/ss.c,
 * tcp_show_info): the options agreed, the congestion control, rto, rtt
 * (SRTT/RTTVAR in ms), ato, mss, cwnd and ssthresh in segments, byte and
 * segment counts, what is in flight, retransmissions, the scoreboard
 * (lost, sacked, dsack_dups, reordering), minrtt, and the running timer. */
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "views/view_util.h"
#include "views/views.h"

/* The timer, as ss -o prints it (view_ss_timer.c). */
static void print_timer(FILE *out, const struct tcb *t, tl_time now)
{
    char b[48];
    tl_time left;
    unsigned retrans;
    enum vu_timer kind = vu_tcb_timer(t, now, &left, &retrans);
    if (kind != VU_TIMER_OFF)
        fprintf(out, " %s", vu_ss_timer(b, sizeof b, kind, left, retrans));
}

static void print_ms(FILE *out, tl_time d)
{
    fprintf(out, "%g", (double)d / TL_MS);
}

/* One connection's line: a tab and a space, then name:value fields. */
static void print_info(FILE *out, const struct sock *s, tl_time now)
{
    const struct tcb *t = &s->tcb;
    uint32_t mss = t->eff_mss ? t->eff_mss : 536;
    fputs("\t", out);
    if (t->ts_ok)
        fputs(" ts", out);
    if (t->sack_ok)
        fputs(" sack", out);
    fprintf(out, " %s", tcp_cc_name((enum tcp_cc)t->cc));
    if (t->wscale_ok)
        fprintf(out, " wscale:%u,%u", t->snd_wscale, t->rcv_wscale);
    fputs(" rto:", out);
    print_ms(out, t->rto);
    if (t->srtt || t->rttvar) {
        fputs(" rtt:", out);
        print_ms(out, t->srtt);
        fputc('/', out);
        print_ms(out, t->rttvar);
    }
    if (t->last_rcv && !t->quickack) {
        fputs(" ato:", out);
        print_ms(out, t->ato);
    }
    fprintf(out, " mss:%u rcvmss:%u cwnd:%u", mss, t->rcv_mss, (t->cwnd + mss - 1) / mss);
    if (t->ssthresh < 0x7fffffff)
        fprintf(out, " ssthresh:%u", (t->ssthresh + mss - 1) / mss);
    fprintf(out, " bytes_sent:%llu", (unsigned long long)(t->bytes_sent + t->bytes_retrans));
    if (t->bytes_retrans)
        fprintf(out, " bytes_retrans:%llu", (unsigned long long)t->bytes_retrans);
    fprintf(out, " bytes_acked:%llu bytes_received:%llu segs_out:%llu segs_in:%llu",
            (unsigned long long)t->bytes_acked_total, (unsigned long long)t->bytes_received,
            (unsigned long long)t->segs_out, (unsigned long long)t->segs_in);
    uint32_t flight = t->snd_nxt - t->snd_una;
    if (flight)
        fprintf(out, " unacked:%u inflight:%u", (flight + mss - 1) / mss, flight);
    if (t->retrans_segs)
        fprintf(out, " retrans:%d/%u", t->retries, t->retrans_segs);
    if (t->timeouts)
        fprintf(out, " timeouts:%u", t->timeouts);
    if (t->fast_retrans)
        fprintf(out, " fast_retrans:%u", t->fast_retrans);
    if (t->in_recovery || t->rto_recovery)
        fprintf(out, " recovery:%s", t->rto_recovery ? "timeout" : "fast");
    if (t->lost_out)
        fprintf(out, " lost:%u", t->lost_out);
    if (t->sacked_out)
        fprintf(out, " sacked:%u", t->sacked_out);
    if (t->dsack_dups)
        fprintf(out, " dsack_dups:%u", t->dsack_dups);
    if (t->reordering != 3 && t->reordering)
        fprintf(out, " reordering:%u", t->reordering);
    if (t->reordering_seen)
        fputs(" reord_seen", out);
    if (t->ofo_segs)
        fprintf(out, " ofo:%u", t->ofo_bytes);
    size_t unsent = s->sndq.len - (flight < s->sndq.len ? flight : s->sndq.len);
    if (unsent)
        fprintf(out, " notsent:%zu", unsent);
    if (t->snd_wnd == 0)
        fputs(" zero_window", out);
    fprintf(out, " rcv_space:%u", t->rcv_wnd);
    if (t->min_rtt) {
        fputs(" minrtt:", out);
        print_ms(out, t->min_rtt);
    }
    fprintf(out, " snd_wnd:%u", t->snd_wnd);
    if (!t->nodelay)
        fputs(" nagle", out);
    if (!t->quickack)
        fputs(" delack", out);
    print_timer(out, t, now);
    fputc('\n', out);
}

static int by_id(const void *a, const void *b)
{
    const struct sock *x = *(const struct sock *const *)a, *y = *(const struct sock *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The sockets view_ss lists, in its order: per host, oldest first. */
static size_t listed(struct host *const *hosts, int nhosts, const struct sock ***out)
{
    size_t n = 0, cap = 0;
    for (int i = 0; i < nhosts; i++)
        for (const struct sock *s = hosts[i] ? hosts[i]->socks : NULL; s; s = s->next)
            cap++;
    const struct sock **v = calloc(cap ? cap : 1, sizeof *v);
    *out = v;
    if (!v)
        return 0;
    for (int i = 0; i < nhosts; i++) {
        size_t first = n;
        for (const struct sock *s = hosts[i] ? hosts[i]->socks : NULL; s; s = s->next) {
            if (s->dead || (s->type == SOCKT_TCP && s->tcb.state == TCP_CLOSED && s->fd < 0))
                continue;
            v[n++] = s;
        }
        qsort(v + first, n - first, sizeof *v, by_id);
    }
    return n;
}

static bool has_info(const struct sock *s)
{
    return s->type == SOCKT_TCP && s->tcb.state != TCP_CLOSED && s->tcb.state != TCP_LISTEN;
}

void view_ss_info(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts,
                  tl_time now)
{
    char *table = NULL;
    size_t tlen = 0;
    FILE *m = open_memstream(&table, &tlen);
    if (!m)
        return;
    view_ss(m, st, hosts, nhosts);
    fclose(m);
    const struct sock **v;
    size_t n = listed(hosts, nhosts, &v);
    size_t lines = 0;
    for (size_t i = 0; i < tlen; i++)
        lines += table[i] == '\n';
    /* The table's lines are its header and then one per socket: each
     * connection's internals go under its row. */
    bool interleave = lines == n + 1;
    const char *p = table;
    for (size_t row = 0; *p; row++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        fwrite(p, 1, len, out);
        p += len;
        if (interleave && row >= 1 && has_info(v[row - 1]))
            print_info(out, v[row - 1], now);
    }
    if (!interleave)
        for (size_t i = 0; i < n; i++)
            if (has_info(v[i])) {
                char a[16], b[16];
                fprintf(out, "%s:%u -> %s:%u\n", vu_addr(a, v[i]->laddr, "0.0.0.0"),
                        v[i]->lport, vu_addr(b, v[i]->raddr, "0.0.0.0"), v[i]->rport);
                print_info(out, v[i], now);
            }
    free(v);
    free(table);
}
