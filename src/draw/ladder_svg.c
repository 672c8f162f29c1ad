/* The ladder diagram as SVG: two lifelines, one arrow per frame slanted
 * by its time of flight, socket calls and states beside their host's
 * lifeline, bands for folded bulk transfers, break marks for long gaps. */
#include <math.h>
#include <string.h>

#include "draw/ladder.h"
#include "draw/svg.h"
#include "wire/ipv4.h"

#define LW       1260           /* width */
#define LX0      250            /* romeo's lifeline */
#define LX1      1010           /* juliet's */
#define LTOP     74
#define LROW     20
#define LBREAK   34
#define LBAND    44

static const char ladder_css[] =
    ".lbl { font-size: 10px; }\n"
    ".call { font-style: italic; }\n"
    ".band { fill: #eef2f8; stroke: #9ab; }\n"
    ".life { stroke: #555; stroke-width: 1.5; }\n"
    ".cross { stroke: #c00; stroke-width: 2; }\n"
    "text.fate { fill: #c00; }\n";

static double host_x(int h) { return h ? LX1 : LX0; }

/* y of a moment: the first row at or after it, or between two rows. */
static double y_at(const struct ladder *ld, tl_time t)
{
    size_t lo = 0, hi = ld->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ld->row[mid].t_end < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ld->n)
        return ld->n ? ld->row[ld->n - 1].y_end + LROW : LTOP;
    const struct lrow *r = &ld->row[lo];
    if (r->t >= t || lo == 0)
        return r->y;
    if (r->kind == LR_BAND || r->kind == LR_BREAK)
        return r->y + (r->y_end - r->y) * (double)(t - r->t) / (double)(r->t_end - r->t + 1);
    const struct lrow *p = &ld->row[lo - 1];
    return p->y_end + (r->y - p->y_end) * (double)(t - p->t_end) / (double)(r->t - p->t_end);
}

static void layout(struct ladder *ld, double *bottom)
{
    double y = LTOP + 16;
    tl_time prev = TL_NEVER;
    for (size_t i = 0; i < ld->n; i++) {
        struct lrow *r = &ld->row[i];
        if (prev != TL_NEVER && r->t > prev && r->kind != LR_BREAK) {
            tl_time gap = r->t - prev;
            y += gap < TL_MS ? 8 : gap < 100 * TL_MS ? 14 : 22;
        }
        r->y = y;
        y += r->kind == LR_BREAK ? LBREAK : r->kind == LR_BAND ? LBAND : LROW;
        r->y_end = y - (r->kind == LR_BAND ? 6 : r->kind == LR_BREAK ? 0 : LROW);
        prev = r->t_end;
    }
    *bottom = y + 10;
}

static void draw_frame(FILE *f, const struct ladder *ld, const struct lrow *r, double *last_arrive)
{
    const struct slog_frame *fr = r->f;
    int from = fr->from;
    double x1 = host_x(from), x2 = host_x(1 - from);
    double y1 = r->y, y2;
    bool failed = r->text2[0] != '\0';
    if (fr->arrive != TL_NEVER && !failed)
        y2 = y_at(ld, fr->arrive);
    else
        y2 = y1 + LROW;               /* lost, or fate unknown: a nominal flight */
    if (y2 < y1 + LROW / 2)
        y2 = y1 + LROW / 2;
    if (y2 < last_arrive[from] + LROW / 2)
        y2 = last_arrive[from] + LROW / 2;   /* a burst keeps its order */
    last_arrive[from] = y2;
    char cls[8];
    snprintf(cls, sizeof cls, "c%d", from);
    if (failed) {
        double mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
        svg_line(f, x1, y1, mx, my, cls);
        svg_line(f, mx - 5, my - 5, mx + 5, my + 5, "cross");
        svg_line(f, mx - 5, my + 5, mx + 5, my - 5, "cross");
        svg_text(f, mx, my + 16, "middle", "lbl fate", r->text2);
    } else {
        svg_arrow(f, x1, y1, x2, y2, cls, from);
    }
    double mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    double ang = atan2(y2 - y1, x2 - x1) * 180.0 / M_PI;
    if (from)
        ang -= 180.0;                 /* text reads left to right */
    /* A label wider than the gap between the lifelines (a SYN's options)
     * is set smaller: DejaVu Sans Mono advances 0.602 em. */
    double room = LX1 - LX0 - 24, need = 0.602 * 10 * (double)strlen(r->text);
    char size[40] = "";
    if (need > room)
        snprintf(size, sizeof size, " style=\"font-size: %.2fpx\"", 10 * room / need);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"lbl c%d\"%s "
               "transform=\"rotate(%.2f %.1f %.1f)\">",
            mx, my - 3, from, size, ang, mx, my);
    svg_escape(f, r->text);
    fputs("</text>\n", f);
    svg_textf(f, 6, y1 + 3, "start", "small", "%lld.%06lld", (long long)(fr->t / TL_SEC),
              (long long)(fr->t % TL_SEC));
}

static void draw_note(FILE *f, const struct lrow *r)
{
    double x = host_x(r->host);
    const char *anchor = r->host ? "start" : "end";
    double tx = r->host ? x + 8 : x - 8;
    char cls[24];
    if (r->kind == LR_STATE) {
        snprintf(cls, sizeof cls, "bold c%d", r->host);
        svg_rect(f, x - 3, r->y - 3, 6, 6, cls + 5);
    } else {
        snprintf(cls, sizeof cls, r->failed ? "call fate" : "call");
        svg_circle(f, x, r->y, 2.5, "");
    }
    /* a note wider than the margin beside its lifeline (a call's error) is
     * set smaller, as the labels are */
    double room = (r->host ? LW - LX1 : LX0) - 14, need = 0.602 * 11 * (double)strlen(r->text);
    if (need > room) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s class=\"%s\" style=\"font-size: %.2fpx\">",
                tx, r->y + 4, r->host ? "" : " text-anchor=\"end\"", cls, 11 * room / need);
        svg_escape(f, r->text);
        fputs("</text>\n", f);
        return;
    }
    svg_text(f, tx, r->y + 4, anchor, cls, r->text);
}

static void draw_break(FILE *f, const struct lrow *r)
{
    double y = r->y + LBREAK / 2.0;
    for (int h = 0; h < 2; h++) {
        double x = host_x(h);
        svg_rect(f, x - 8, y - 5, 16, 10, "bg");
        svg_line(f, x - 8, y - 1, x + 8, y - 7, "");
        svg_line(f, x - 8, y + 7, x + 8, y + 1, "");
    }
    svg_textf(f, (LX0 + LX1) / 2.0, y + 4, "middle", "small", "~ %s ~", r->text);
}

void ladder_svg(FILE *f, struct ladder *ld)
{
    double bottom;
    layout(ld, &bottom);
    int height = (int)bottom + (ld->not_kept ? 20 : 0);
    svg_begin(f, LW, height, "tcplab: ladder diagram of the session", ladder_css);
    for (int h = 0; h < 2; h++) {
        char a[16];
        svg_textf(f, host_x(h), 28, "middle", h ? "title c1" : "title c0", "%s", ld->host[h]);
        svg_text(f, host_x(h), 46, "middle", "small", ipv4_ntoa(ld->addr[h], a));
    }
    svg_text(f, 6, 46, "start", "small", "time (s)");
    svg_group(f, "lifelines", NULL);
    for (int h = 0; h < 2; h++)
        svg_line(f, host_x(h), LTOP, host_x(h), bottom - 6, "life");
    svg_group_end(f);
    svg_group(f, "events", NULL);
    double last_arrive[2] = {0, 0};
    for (size_t i = 0; i < ld->n; i++) {
        struct lrow *r = &ld->row[i];
        switch (r->kind) {
        case LR_FRAME:
            draw_frame(f, ld, r, last_arrive);
            break;
        case LR_STATE:
        case LR_CALL:
            draw_note(f, r);
            break;
        case LR_BAND:
            svg_rect(f, LX0, r->y, LX1 - LX0, r->y_end - r->y, "band");
            svg_text(f, (LX0 + LX1) / 2.0, r->y + 16, "middle", r->host ? "bold c1" : "bold c0",
                     r->text);
            svg_text(f, (LX0 + LX1) / 2.0, r->y + 30, "middle", "small", r->text2);
            break;
        case LR_BREAK:
            draw_break(f, r);
            break;
        }
    }
    svg_group_end(f);
    if (ld->not_kept)
        svg_textf(f, 6, bottom + 10, "start", "small",
                  "(%zu frames beyond the session log's bound are not drawn)", ld->not_kept);
    svg_end(f);
}
