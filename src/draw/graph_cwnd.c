/* The congestion graph of one connection: cwnd, ssthresh, bytes in flight
 * and the peer's window over time, from the TCB samples the session log
 * took whenever one of them changed; each fast retransmit and each
 * retransmission timeout is marked where its counter moved. */
#include <stdlib.h>

#include "draw/graph.h"
#include "draw/svg.h"

static const char cwnd_css[] =
    ".cwnd { stroke: #1f3f8f; stroke-width: 1.5; }\n"
    ".ssthresh { stroke: #d00000; stroke-dasharray: 6 3; }\n"
    ".flight { stroke: #2e8b3e; }\n"
    ".rwnd { stroke: #c9a000; }\n"
    ".fastrexmit { fill: #ff8c00; stroke: none; }\n"
    ".timeout { fill: #d00000; stroke: none; }\n"
    ".legendbox { fill: #ffffff; stroke: #999; }\n";

#define SSTHRESH_INF 0x3fffffffu   /* "infinite": before the first loss */

static void step(double *xy, size_t *n, double x, double y)
{
    if (*n) {
        xy[2 * *n] = x;
        xy[2 * *n + 1] = xy[2 * *n - 1];
        (*n)++;
    }
    xy[2 * *n] = x;
    xy[2 * *n + 1] = y;
    (*n)++;
}

/* A mark at the top of the graph, stacked when k events share a sample. */
static void mark(FILE *out, double x, double y, const char *cls, int k)
{
    double yy = y + 10.0 * k;
    fprintf(out, "<polygon class=\"%s\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n", cls, x - 5,
            yy, x + 5, yy, x, yy + 8);
}

int graph_cwnd_svg(FILE *out, const struct slog *l, const struct slog_sock *s, char *err,
                   size_t cap)
{
    size_t n = 0;
    double xmax = 0, ymax = 0;
    double t0 = (double)graph_t0(l, s);
    for (size_t i = 0; i < l->tcbs.n; i++) {
        const struct slog_tcb *c = SLOG_AT(l->tcbs, const struct slog_tcb, i);
        if (c->host != s->host || c->sock != s->id)
            continue;
        n++;
        double x = ((double)c->t - t0) / TL_SEC;
        if (x > xmax)
            xmax = x;
        double v[] = {c->cwnd, c->ssthresh < SSTHRESH_INF ? c->ssthresh : 0, c->flight, c->snd_wnd};
        for (int k = 0; k < 4; k++)
            if (v[k] > ymax)
                ymax = v[k];
    }
    if (n < 2) {
        snprintf(err, cap, "no congestion window samples for %s's socket", l->host_name[s->host]);
        return -1;
    }
    if (xmax <= 0)
        xmax = 1e-3;
    struct plot p = {90, 50, 980, 560, 0, xmax * 1.02, 0, ymax * 1.08 + 1};
    char title[160];
    graph_title(l, s, "congestion graph", title, sizeof title);
    svg_begin(out, 1100, 660, title, cwnd_css);
    svg_text(out, 90, 30, "start", "title", title);
    double yscale = ymax > 16 * 1024 ? 1024 : 1;
    plot_axes(out, &p, "time (s)", yscale == 1 ? "bytes" : "KiB", yscale);

    double *xy[4];
    size_t cnt[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++)
        xy[k] = malloc(sizeof(double) * 4 * n);
    uint32_t fr = 0, to = 0;
    size_t nfr = 0, nto = 0;
    svg_group(out, "marks", NULL);
    for (size_t i = 0; xy[0] && xy[1] && xy[2] && xy[3] && i < l->tcbs.n; i++) {
        const struct slog_tcb *c = SLOG_AT(l->tcbs, const struct slog_tcb, i);
        if (c->host != s->host || c->sock != s->id)
            continue;
        double x = plot_x(&p, ((double)c->t - t0) / TL_SEC);
        step(xy[0], &cnt[0], x, plot_y(&p, c->cwnd));
        if (c->ssthresh < SSTHRESH_INF)
            step(xy[1], &cnt[1], x, plot_y(&p, c->ssthresh));
        step(xy[2], &cnt[2], x, plot_y(&p, c->flight));
        step(xy[3], &cnt[3], x, plot_y(&p, c->snd_wnd));
        for (int k = 0; c->fast_retrans > fr; k++, fr++, nfr++)
            mark(out, x, p.y + 4, "fastrexmit", k);
        for (int k = 0; c->timeouts > to; k++, to++, nto++)
            mark(out, x, p.y + 24, "timeout", k);
    }
    svg_group_end(out);
    static const char *const cls[4] = {"cwnd", "ssthresh", "flight", "rwnd"};
    svg_group(out, "lines", NULL);
    for (int k = 0; k < 4; k++) {
        if (xy[k])
            svg_polyline(out, xy[k], cnt[k], cls[k]);
        free(xy[k]);
    }
    svg_group_end(out);
    static const struct legend leg[] = {
        {"cwnd", "cwnd", 'l'},
        {"ssthresh", "ssthresh", 'l'},
        {"flight", "bytes in flight", 'l'},
        {"rwnd", "peer's window (SND.WND)", 'l'},
        {"fastrexmit", "fast retransmit (FR)", 'm'},
        {"timeout", "retransmission timeout (RTO)", 'm'},
    };
    struct plot lp = p;
    lp.y += 40;
    plot_legend(out, &lp, leg, sizeof leg / sizeof leg[0]);
    svg_textf(out, 1070, 44, "end", "small", "%zu samples; %zu fast retransmits, %zu timeouts",
              n, nfr, nto);
    svg_end(out);
    return 0;
}
