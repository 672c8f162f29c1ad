/* The time-sequence graph of one connection, tcptrace style: the data its
 * socket sent as I-bars (sequence number against time, relative to the
 * ISS), retransmissions apart; the peer's ACKs as a step line and ACK +
 * window as another; SACK blocks, duplicate ACKs and zero windows marked.
 * Times are the sender's: a segment when it left, an ACK when it arrived
 * (when it left, if it never did). */
#include <stdlib.h>

#include "draw/graph.h"
#include "draw/seg.h"
#include "draw/svg.h"

static const char seq_css[] =
    ".seg { stroke: #1f3f8f; }\n"
    ".rexmit { stroke: #d00000; stroke-width: 1.5; }\n"
    ".ackline { stroke: #2e8b3e; }\n"
    ".wndline { stroke: #c9a000; }\n"
    ".sack { stroke: #8a2be2; stroke-width: 2; }\n"
    ".dupack { fill: #ff8c00; stroke: none; }\n"
    ".zerownd { fill: #000000; stroke: none; }\n"
    ".legendbox { fill: #ffffff; stroke: #999; }\n";

struct seqdata {
    double t0;
    uint32_t iss;
    bool have_iss;
    int wscale;                /* the receiver's window shift, -1 until known */
    bool snd_wscale;
    double xmax, ymax;
};

static double rel(const struct seqdata *d, uint32_t seq) { return (double)(uint32_t)(seq - d->iss); }

/* First pass: ISS, window scale, ranges. */
static void scan(const struct slog *l, const struct slog_sock *s, struct seqdata *d)
{
    d->wscale = -1;
    struct dseg g;
    bool ours;
    for (size_t i = 0; dseg_next(l, s, &i, &g, &ours);) {
        if (ours && (g.flags & TH_SYN)) {
            d->iss = g.seq;
            d->have_iss = true;
            d->snd_wscale = g.opt.has_wscale;
        } else if (!ours && (g.flags & TH_SYN)) {
            d->wscale = g.opt.has_wscale ? g.opt.wscale : 0;
        }
        if (ours && !d->have_iss && dseg_space(&g)) {
            d->iss = g.seq - 1;
            d->have_iss = true;
        }
    }
    if (!d->snd_wscale)
        d->wscale = 0;
}

static double when(const struct slog_frame *f, bool ours)
{
    return (double)(!ours && f->arrive != TL_NEVER ? f->arrive : f->t);
}

int graph_seq_svg(FILE *out, const struct slog *l, const struct slog_sock *s, char *err, size_t cap)
{
    struct seqdata d = {.t0 = (double)graph_t0(l, s)};
    scan(l, s, &d);
    size_t nseg = 0;
    /* ranges */
    struct dseg g;
    bool ours;
    const struct slog_frame *f;
    for (size_t i = 0; (f = dseg_next(l, s, &i, &g, &ours));) {
        double x = (when(f, ours) - d.t0) / TL_SEC;
        if (x > d.xmax)
            d.xmax = x;
        if (ours && dseg_space(&g)) {
            nseg++;
            double top = rel(&d, g.seq) + dseg_space(&g);
            if (top > d.ymax && top < 4e9)
                d.ymax = top;
        } else if (!ours && (g.flags & TH_ACK) && !(g.flags & TH_SYN)) {
            double w = rel(&d, g.ack) + (double)((uint32_t)g.wnd << (d.wscale > 0 ? d.wscale : 0));
            if (w > d.ymax && w < 4e9)
                d.ymax = w;
        }
    }
    if (!nseg) {
        snprintf(err, cap, "%s's socket sent no data on this connection", l->host_name[s->host]);
        return -1;
    }
    if (d.xmax <= 0)
        d.xmax = 1e-3;
    struct plot p = {90, 50, 980, 560, 0, d.xmax * 1.02, 0, d.ymax * 1.05 + 1};
    char title[160];
    graph_title(l, s, "time-sequence graph", title, sizeof title);
    svg_begin(out, 1100, 660, title, seq_css);
    svg_text(out, 90, 30, "start", "title", title);
    double yscale = p.ymax > 4 * 1024 * 1024 ? 1024 * 1024 : p.ymax > 8 * 1024 ? 1024 : 1;
    plot_axes(out, &p, "time (s)",
              yscale == 1 ? "sequence number - ISS (bytes)"
                          : yscale == 1024 ? "sequence number - ISS (KiB)"
                                           : "sequence number - ISS (MiB)",
              yscale);

    /* segments, then the peer's ACKs */
    svg_group(out, "segments", NULL);
    uint32_t high = d.iss;
    size_t nre = 0;
    for (size_t i = 0; (f = dseg_next(l, s, &i, &g, &ours));) {
        if (!ours || !dseg_space(&g))
            continue;
        uint32_t end = g.seq + dseg_space(&g);
        bool re = (int32_t)(g.seq - high) < 0 && !((g.flags & TH_SYN) && g.seq == d.iss && high == d.iss);
        if ((int32_t)(end - high) > 0)
            high = end;
        double x = plot_x(&p, ((double)f->t - d.t0) / TL_SEC);
        double y0 = plot_y(&p, rel(&d, g.seq)), y1 = plot_y(&p, rel(&d, end));
        double xy[] = {x - 2, y1, x + 2, y1, x, y1, x, y0, x - 2, y0, x + 2, y0};
        svg_polyline(out, xy, 6, re ? "rexmit" : "seg");
        nre += re;
    }
    svg_group_end(out);

    svg_group(out, "acks", NULL);
    double *ack = malloc(sizeof(double) * 4 * (l->frames.n + 1));
    double *wnd = malloc(sizeof(double) * 4 * (l->frames.n + 1));
    size_t na = 0, nw = 0;
    bool have_prev = false;
    uint32_t prev_ack = 0, prev_wnd = 0;
    size_t ndup = 0, nzero = 0;
    for (size_t i = 0; ack && wnd && (f = dseg_next(l, s, &i, &g, &ours));) {
        if (ours || !(g.flags & TH_ACK) || (g.flags & TH_SYN) ||
            slog_fate_failed((enum slog_fate)f->fate))
            continue;
        double x = plot_x(&p, (when(f, false) - d.t0) / TL_SEC);
        uint32_t win = (uint32_t)g.wnd << (d.wscale > 0 ? d.wscale : 0);
        double ya = plot_y(&p, rel(&d, g.ack)), yw = plot_y(&p, rel(&d, g.ack) + win);
        if (na) {                       /* steps: across, then up */
            ack[2 * na] = x;
            ack[2 * na + 1] = ack[2 * na - 1];
            na++;
            wnd[2 * nw] = x;
            wnd[2 * nw + 1] = wnd[2 * nw - 1];
            nw++;
        }
        ack[2 * na] = x;
        ack[2 * na + 1] = ya;
        na++;
        wnd[2 * nw] = x;
        wnd[2 * nw + 1] = yw;
        nw++;
        for (int k = 0; k < g.opt.nsack; k++) {
            double s0 = plot_y(&p, rel(&d, g.opt.sack[k].left));
            double s1 = plot_y(&p, rel(&d, g.opt.sack[k].right));
            svg_line(out, x + 2, s0, x + 2, s1, "sack");
        }
        if (have_prev && g.ack == prev_ack && g.len == 0 && win == prev_wnd &&
            !(g.flags & (TH_FIN | TH_RST))) {
            svg_circle(out, x, ya, 2.5, "dupack");
            ndup++;
        }
        if (win == 0) {
            double xy[] = {x - 4, yw + 6, x + 4, yw + 6, x, yw - 2, x - 4, yw + 6};
            fputs("<polygon class=\"zerownd\" points=\"", out);
            for (int k = 0; k < 4; k++)
                fprintf(out, "%s%.1f,%.1f", k ? " " : "", xy[2 * k], xy[2 * k + 1]);
            fputs("\"/>\n", out);
            nzero++;
        }
        have_prev = true;
        prev_ack = g.ack;
        prev_wnd = win;
    }
    if (ack && wnd) {
        svg_polyline(out, ack, na, "ackline");
        svg_polyline(out, wnd, nw, "wndline");
    }
    free(ack);
    free(wnd);
    svg_group_end(out);

    static const struct legend leg[] = {
        {"seg", "segment sent", 'i'},
        {"rexmit", "retransmission", 'i'},
        {"ackline", "ACK received", 'l'},
        {"wndline", "ACK + receive window", 'l'},
        {"sack", "SACK block", 'l'},
        {"dupack", "duplicate ACK", 'm'},
        {"zerownd", "zero window", 'm'},
    };
    plot_legend(out, &p, leg, sizeof leg / sizeof leg[0]);
    svg_textf(out, 1070, 44, "end", "small",
              "%zu segments, %zu retransmitted; %zu duplicate ACKs, %zu zero windows", nseg, nre,
              ndup, nzero);
    svg_end(out);
    return 0;
}
