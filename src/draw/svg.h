/* A small SVG writer: the pictures are plain, deterministic SVG with real
 * <text> (style.md 21), so they diff and golden-test like transcripts.
 * Coordinates are printed with one decimal, always the same way; one
 * <style> sheet names the classes the pictures use. */
#ifndef TCPLAB_SVG_H
#define TCPLAB_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Colours: the two hosts, then one per socket in the state diagram; and
 * SVG_GREY, for what is only background. */
#define SVG_NCOLORS 6
#define SVG_GREY    SVG_NCOLORS
extern const char *const svg_colors[SVG_NCOLORS + 1];

/* <svg> with its size, a <title>, the style sheet and the arrow markers
 * (arrow-0.. arrow-6, one per colour and grey). extra_css may be NULL. */
void svg_begin(FILE *f, int width, int height, const char *title, const char *extra_css);
void svg_end(FILE *f);
void svg_escape(FILE *f, const char *s);
/* anchor: "start", "middle" or "end"; cls may be NULL. */
void svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text);
void svg_textf(FILE *f, double x, double y, const char *anchor, const char *cls, const char *fmt,
               ...) __attribute__((format(printf, 6, 7)));
void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *cls);
/* A line ending in the arrow marker of colour `color`. */
void svg_arrow(FILE *f, double x1, double y1, double x2, double y2, const char *cls, int color);
void svg_rect(FILE *f, double x, double y, double w, double h, const char *cls);
void svg_circle(FILE *f, double cx, double cy, double r, const char *cls);
/* A polyline through n points (x0 y0 x1 y1 ...). */
void svg_polyline(FILE *f, const double *xy, size_t n, const char *cls);
void svg_group(FILE *f, const char *id, const char *cls);
void svg_group_end(FILE *f);

/* "1,905" */
void fmt_thousands(char *buf, size_t cap, unsigned long long v);
/* "2.0 MiB", "512 B", "64.0 KiB" */
void fmt_bytes(char *buf, size_t cap, unsigned long long v);

#endif
