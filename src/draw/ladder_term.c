/* The ladder diagram in the terminal: one row per event, Unicode box
 * drawing (or ASCII when the locale is not UTF-8), as wide as the
 * terminal.  Arrows are level here (a row is the smallest step of time);
 * the SVG slants them by their time of flight. */
#include <string.h>

#include "draw/ladder.h"

struct glyphs {
    const char *life, *dash, *right, *left, *tee_r, *tee_l, *cross, *shade, *gap;
};
static const struct glyphs g_utf8 = {"\u2502", "\u2500", "\u25b6", "\u25c0", "\u251c", "\u2524",
                                     "\u2715", "\u2591", "\u2248"};
static const struct glyphs g_ascii = {"|", "-", ">", "<", "+", "+", "x", "#", "~"};

#define TERM_MAX 400

struct line {
    const char *cell[TERM_MAX];
    char text[TERM_MAX][2];        /* storage for single ASCII characters */
    int w;
};

static void line_clear(struct line *ln, int w, const struct glyphs *g, bool lifelines)
{
    ln->w = w;
    for (int i = 0; i < w; i++) {
        ln->text[i][0] = ' ';
        ln->text[i][1] = '\0';
        ln->cell[i] = ln->text[i];
    }
    if (lifelines) {
        ln->cell[2] = g->life;
        ln->cell[w - 3] = g->life;
    }
}

static void put_text(struct line *ln, int col, const char *s, int maxw)
{
    int n = (int)strlen(s);
    bool cut = n > maxw;
    if (cut)
        n = maxw > 3 ? maxw - 3 : maxw;
    for (int i = 0; i < n && col + i < ln->w; i++) {
        ln->text[col + i][0] = s[i];
        ln->cell[col + i] = ln->text[col + i];
    }
    if (cut)
        for (int i = n; i < maxw && col + i < ln->w; i++) {
            ln->text[col + i][0] = '.';
            ln->cell[col + i] = ln->text[col + i];
        }
}

static void put_run(struct line *ln, int from, int to, const char *glyph)
{
    for (int i = from; i < to && i < ln->w; i++)
        ln->cell[i] = glyph;
}

static void emit(FILE *out, const struct line *ln)
{
    int end = ln->w;
    while (end > 0 && strcmp(ln->cell[end - 1], " ") == 0)
        end--;
    for (int i = 0; i < end; i++)
        fputs(ln->cell[i], out);
    fputc('\n', out);
}

static void frame_row(struct line *ln, const struct lrow *r, const struct glyphs *g)
{
    int L = 2, R = ln->w - 3;
    bool failed = r->text2[0] != '\0';
    int lo = L + 1, hi = R;                   /* the cells between the lifelines */
    int mid = (L + R) / 2;
    int end = failed ? (r->host ? mid : mid + 1) : hi;
    int start = failed && r->host ? mid : lo;
    put_run(ln, start, end, g->dash);
    if (r->host == 0) {
        ln->cell[L] = g->tee_r;
        if (failed)
            ln->cell[mid] = g->cross;
        else
            ln->cell[R - 1] = g->right;
    } else {
        ln->cell[R] = g->tee_l;
        if (failed)
            ln->cell[mid] = g->cross;
        else
            ln->cell[lo] = g->left;
    }
    /* the label, on the arrow, after a dash and a space */
    int room = failed ? (mid - lo) - 4 : (hi - lo) - 6;
    int col = failed && r->host ? mid + 2 : lo + 2;
    char lbl[sizeof r->text];
    snprintf(lbl, sizeof lbl, " %s ", r->text);
    put_text(ln, col, lbl, room);
    if (failed) {
        char why[64];
        snprintf(why, sizeof why, " %s", r->text2);
        int wcol = r->host ? lo + 1 : mid + 1;
        put_text(ln, wcol, why, mid - lo - 2);
    }
}

void ladder_term(FILE *out, const struct ladder *ld, int width, bool utf8)
{
    const struct glyphs *g = utf8 ? &g_utf8 : &g_ascii;
    if (width < 80)
        width = 80;
    if (width > TERM_MAX)
        width = TERM_MAX;
    static struct line ln;
    int L = 2, R = width - 3;
    line_clear(&ln, width, g, false);
    put_text(&ln, 0, ld->host[0], 20);
    put_text(&ln, width - (int)strlen(ld->host[1]), ld->host[1], 20);
    emit(out, &ln);
    for (size_t i = 0; i < ld->n; i++) {
        const struct lrow *r = &ld->row[i];
        line_clear(&ln, width, g, true);
        switch (r->kind) {
        case LR_FRAME:
            frame_row(&ln, r, g);
            break;
        case LR_STATE:
        case LR_CALL: {
            char t[sizeof r->text + 4];
            snprintf(t, sizeof t, r->kind == LR_STATE ? "[%s]" : "%s", r->text);
            int n = (int)strlen(t), room = R - L - 3;
            if (r->host == 0)
                put_text(&ln, L + 2, t, room);
            else
                put_text(&ln, n < room ? R - 1 - n : L + 2, t, room);
            break;
        }
        case LR_BAND:
            put_run(&ln, L + 1, R, g->shade);
            put_text(&ln, L + 3, " ", 1);
            put_text(&ln, L + 4, r->text, R - L - 7);
            put_text(&ln, L + 4 + ((int)strlen(r->text) < R - L - 7 ? (int)strlen(r->text)
                                                                     : R - L - 7), " ", 1);
            emit(out, &ln);
            line_clear(&ln, width, g, true);
            put_run(&ln, L + 1, R, g->shade);
            put_text(&ln, L + 3, " ", 1);
            put_text(&ln, L + 4, r->text2, R - L - 7);
            put_text(&ln, L + 4 + ((int)strlen(r->text2) < R - L - 7 ? (int)strlen(r->text2)
                                                                      : R - L - 7), " ", 1);
            break;
        case LR_BREAK: {
            ln.cell[L] = g->gap;
            ln.cell[R] = g->gap;
            char t[160];
            snprintf(t, sizeof t, "%s %s %s", g == &g_ascii ? "~" : "...", r->text,
                     g == &g_ascii ? "~" : "...");
            put_text(&ln, (L + R) / 2 - (int)strlen(t) / 2, t, R - L - 3);
            break;
        }
        }
        emit(out, &ln);
    }
    if (ld->not_kept)
        fprintf(out, "(%zu frames beyond the session log's bound are not drawn)\n", ld->not_kept);
}
