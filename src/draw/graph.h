/* The graphs of one connection: time-sequence (tcptrace style,
 * graph_seq.c) and congestion (graph_cwnd.c), on the axes of plot.c. */
#ifndef TCPLAB_GRAPH_H
#define TCPLAB_GRAPH_H

#include <stddef.h>
#include <stdio.h>

#include "draw/slog.h"

/* A plotting area and its data ranges. */
struct plot {
    double x, y, w, h;         /* the area, in SVG units */
    double xmin, xmax, ymin, ymax;
};

static inline double plot_x(const struct plot *p, double v)
{
    return p->x + (v - p->xmin) / (p->xmax - p->xmin) * p->w;
}
static inline double plot_y(const struct plot *p, double v)
{
    return p->y + p->h - (v - p->ymin) / (p->ymax - p->ymin) * p->h;
}
/* Grid, ticks and labels; yscale divides the y values for their labels. */
void plot_axes(FILE *f, const struct plot *p, const char *xlabel, const char *ylabel,
               double yscale);
/* A legend box at the top left of the area: n entries of (css class, text, kind)
 * where kind is 'l' (a line), 'i' (an I-bar) or 'm' (a mark). */
struct legend { const char *cls, *text; char kind; };
void plot_legend(FILE *f, const struct plot *p, const struct legend *e, size_t n);

/* The connection's first frame (the origin of time on both graphs). */
tl_time graph_t0(const struct slog *l, const struct slog_sock *s);
void graph_title(const struct slog *l, const struct slog_sock *s, const char *what, char *buf,
                 size_t cap);

int graph_seq_svg(FILE *out, const struct slog *l, const struct slog_sock *s, char *err,
                  size_t cap);
int graph_cwnd_svg(FILE *out, const struct slog *l, const struct slog_sock *s, char *err,
                   size_t cap);

#endif
