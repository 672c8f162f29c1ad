/* The SVG writer (svg.h) under every picture of src/draw. */
#include <stdarg.h>
#include <stdio.h>

#include "draw/svg.h"

const char *const svg_colors[SVG_NCOLORS + 1] = {
    "#1f5fbf", "#a8326e", "#2e8b3e", "#c26a00", "#6a3fb5", "#008b8b", "#888888",
};

void svg_begin(FILE *f, int width, int height, const char *title, const char *extra_css)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\">\n<title>",
            width, height, width, height);
    svg_escape(f, title);
    fprintf(f, "</title>\n<style>\n"
               "text { font-family: 'DejaVu Sans Mono', monospace; font-size: 11px; fill: #222; }\n"
               ".title { font-family: 'DejaVu Sans', sans-serif; font-size: 15px; font-weight: bold; }\n"
               ".small { font-size: 9.5px; fill: #555; }\n"
               ".dim { fill: #999; }\n"
               ".bold { font-weight: bold; }\n"
               "line, polyline, rect, circle, path { fill: none; stroke: #222; stroke-width: 1; }\n"
               ".thin { stroke: #bbb; }\n"
               ".grid { stroke: #e4e4e4; }\n"
               ".bg { fill: #ffffff; stroke: none; }\n");
    for (int i = 0; i < SVG_NCOLORS; i++)
        fprintf(f, ".c%d { stroke: %s; } text.c%d { fill: %s; stroke: none; }\n", i, svg_colors[i],
                i, svg_colors[i]);
    if (extra_css)
        fputs(extra_css, f);
    fprintf(f, "</style>\n<defs>\n");
    for (int i = 0; i <= SVG_NCOLORS; i++)
        fprintf(f, "<marker id=\"arrow-%d\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                   "markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" "
                   "orient=\"auto\">"
                   "<path d=\"M0,1 L10,5 L0,9 z\" style=\"fill: %s; stroke: none\"/></marker>\n",
                i, svg_colors[i]);
    fprintf(f, "</defs>\n<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>\n", width,
            height);
}

void svg_end(FILE *f)
{
    fprintf(f, "</svg>\n");
}

void svg_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            /* control bytes are not XML */
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, f);
        }
    }
}

static void cls_attr(FILE *f, const char *cls)
{
    if (cls && *cls)
        fprintf(f, " class=\"%s\"", cls);
}

void svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
    if (anchor && anchor[0] != 's')
        fprintf(f, " text-anchor=\"%s\"", anchor);
    cls_attr(f, cls);
    fputc('>', f);
    svg_escape(f, text);
    fputs("</text>\n", f);
}

void svg_textf(FILE *f, double x, double y, const char *anchor, const char *cls, const char *fmt,
               ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    svg_text(f, x, y, anchor, cls, buf);
}

void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *cls)
{
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", x1, y1, x2, y2);
    cls_attr(f, cls);
    fputs("/>\n", f);
}

void svg_arrow(FILE *f, double x1, double y1, double x2, double y2, const char *cls, int color)
{
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", x1, y1, x2, y2);
    cls_attr(f, cls);
    fprintf(f, " marker-end=\"url(#arrow-%d)\"/>\n", color % (SVG_NCOLORS + 1));
}

void svg_rect(FILE *f, double x, double y, double w, double h, const char *cls)
{
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, y, w, h);
    cls_attr(f, cls);
    fputs("/>\n", f);
}

void svg_circle(FILE *f, double cx, double cy, double r, const char *cls)
{
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"", cx, cy, r);
    cls_attr(f, cls);
    fputs("/>\n", f);
}

void svg_polyline(FILE *f, const double *xy, size_t n, const char *cls)
{
    if (n < 2)
        return;
    fputs("<polyline points=\"", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
    fputc('"', f);
    cls_attr(f, cls);
    fputs("/>\n", f);
}

void svg_group(FILE *f, const char *id, const char *cls)
{
    fputs("<g", f);
    if (id)
        fprintf(f, " id=\"%s\"", id);
    cls_attr(f, cls);
    fputs(">\n", f);
}

void svg_group_end(FILE *f)
{
    fputs("</g>\n", f);
}

void fmt_thousands(char *buf, size_t cap, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

void fmt_bytes(char *buf, size_t cap, unsigned long long v)
{
    if (v < 1024)
        snprintf(buf, cap, "%llu B", v);
    else if (v < 1024 * 1024)
        snprintf(buf, cap, "%.1f KiB", (double)v / 1024);
    else if (v < 1024ull * 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", (double)v / (1024 * 1024));
    else
        snprintf(buf, cap, "%.1f GiB", (double)v / (1024.0 * 1024 * 1024));
}
