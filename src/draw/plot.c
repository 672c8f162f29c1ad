/* Axes, grids, ticks and legends for the graphs (graph.h). */
#include <math.h>
#include <string.h>

#include "draw/graph.h"
#include "draw/seg.h"
#include "draw/svg.h"
#include "wire/ipv4.h"

/* A tick step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double nice_step(double range, int n)
{
    double raw = range / n;
    double p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void tick_label(char *buf, size_t cap, double v, double step)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6)
        dec = 6;
    snprintf(buf, cap, "%.*f", dec, v);
}

void plot_axes(FILE *f, const struct plot *p, const char *xlabel, const char *ylabel,
               double yscale)
{
    svg_group(f, "axes", NULL);
    double xs = nice_step(p->xmax - p->xmin, 8), ys = nice_step((p->ymax - p->ymin) / yscale, 6);
    char buf[32];
    for (double v = ceil(p->xmin / xs) * xs; v <= p->xmax + xs * 1e-9; v += xs) {
        double x = plot_x(p, v);
        svg_line(f, x, p->y, x, p->y + p->h, "grid");
        tick_label(buf, sizeof buf, fabs(v) < xs * 1e-9 ? 0 : v, xs);
        svg_text(f, x, p->y + p->h + 14, "middle", "small", buf);
    }
    for (double v = ceil(p->ymin / yscale / ys) * ys; v * yscale <= p->ymax + ys * yscale * 1e-9;
         v += ys) {
        double y = plot_y(p, v * yscale);
        svg_line(f, p->x, y, p->x + p->w, y, "grid");
        tick_label(buf, sizeof buf, fabs(v) < ys * 1e-9 ? 0 : v, ys);
        svg_text(f, p->x - 5, y + 3, "end", "small", buf);
    }
    svg_rect(f, p->x, p->y, p->w, p->h, "");
    svg_text(f, p->x + p->w / 2, p->y + p->h + 32, "middle", NULL, xlabel);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">",
            p->x - 52, p->y + p->h / 2, p->x - 52, p->y + p->h / 2);
    svg_escape(f, ylabel);
    fputs("</text>\n", f);
    svg_group_end(f);
}

void plot_legend(FILE *f, const struct plot *p, const struct legend *e, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        double tw = 6.7 * (double)strlen(e[i].text);
        if (tw > w)
            w = tw;
    }
    double x = p->x + 10, y = p->y + 10;
    svg_group(f, "legend", NULL);
    svg_rect(f, x, y, w + 46, 16.0 * (double)n + 8, "legendbox");
    for (size_t i = 0; i < n; i++) {
        double ly = y + 16 + 16.0 * (double)i;
        if (e[i].kind == 'l') {
            svg_line(f, x + 6, ly - 4, x + 30, ly - 4, e[i].cls);
        } else if (e[i].kind == 'i') {
            double xy[] = {x + 15, ly - 10, x + 21, ly - 10, x + 18, ly - 10,
                           x + 18, ly + 1, x + 15, ly + 1, x + 21, ly + 1};
            svg_polyline(f, xy, 6, e[i].cls);
        } else {
            svg_circle(f, x + 18, ly - 4, 3.5, e[i].cls);
        }
        svg_text(f, x + 38, ly, "start", NULL, e[i].text);
    }
    svg_group_end(f);
}

tl_time graph_t0(const struct slog *l, const struct slog_sock *s)
{
    struct dseg d;
    bool ours;
    size_t i = 0;
    const struct slog_frame *fr = dseg_next(l, s, &i, &d, &ours);
    return fr ? fr->t : 0;
}

void graph_title(const struct slog *l, const struct slog_sock *s, const char *what, char *buf,
                 size_t cap)
{
    char a[16], b[16];
    snprintf(buf, cap, "%s: %s %s (%s:%u -> %s:%u)", what, l->host_name[s->host],
             s->name[0] ? s->name : "socket", ipv4_ntoa(s->laddr, a), s->lport,
             ipv4_ntoa(s->raddr, b), s->rport);
}
