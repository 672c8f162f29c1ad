/* The state diagram in the terminal (states.h): the states of the one
 * table (stack/tcp_fsm.h) boxed in the places the SVG gives them, every
 * edge of Figure 5 drawn with box-drawing characters (ASCII outside a
 * UTF-8 locale) and routed around the boxes, each socket's path in heavy
 * lines with its arrows numbered in order, the causes listed below by
 * number.  Colour only when asked (a terminal): the path in its socket's
 * colour, the rest of the figure grey. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw/grid.h"
#include "draw/states.h"
#include "stack/tcp_fsm.h"

#define TW_MIN 80             /* wider terminals get up to GRID_W columns */
#define TOP 3                  /* rows above CLOSED, for lines into its top */
#define PITCH 5                /* rows from one row of boxes to the next */
#define MARGIN 5               /* columns beside the outer boxes, for lines into CLOSED */
#define MAX_LINES 48

/* Where each state sits: row of boxes, and column (left, centre, right),
 * as in the SVG: passive open and active close left, active open and
 * passive close right. */
static const struct { int row, col; } cell[TCP__NSTATES] = {
    [TCP_CLOSED] = {0, 1},      [TCP_LISTEN] = {1, 1},      [TCP_SYN_RECEIVED] = {2, 0},
    [TCP_SYN_SENT] = {2, 2},    [TCP_ESTABLISHED] = {3, 1}, [TCP_FIN_WAIT_1] = {4, 0},
    [TCP_CLOSE_WAIT] = {4, 2},  [TCP_FIN_WAIT_2] = {5, 0},  [TCP_CLOSING] = {5, 1},
    [TCP_LAST_ACK] = {5, 2},    [TCP_TIME_WAIT] = {6, 1},
};

_Static_assert(TCP__NSTATES <= GRID_BOXES, "a box per state");

enum { S_PLAIN = -1, S_GREY = -2, S_BOLD = -3 };

struct line {
    enum tcp_state from, to;
    bool path;
    int sock;                  /* the first socket that took it */
    char label[48];
};

struct canvas {
    struct grid g;
    struct line ln[MAX_LINES];
    int nln, nfig;             /* lines; the first nfig are Figure 5's */
};

/* ---- the picture ------------------------------------------------------ */

static void place_boxes(struct canvas *cv, const struct sel *sel)
{
    int colx[3] = {MARGIN + 1, (cv->g.w - GRID_BW) / 2, cv->g.w - MARGIN - 1 - GRID_BW};
    for (int y = 0; y < GRID_H; y++)
        for (int x = 0; x < cv->g.w; x++)
            cv->g.c[y][x] = (struct grid_cell){C_FREE, {{-1, 0}, {-1, 0}}, -1, ' ', NULL, S_PLAIN};
    for (int s = 0; s < TCP__NSTATES; s++) {
        cv->g.bx[s] = colx[cell[s].col];
        cv->g.by[s] = TOP + cell[s].row * PITCH;
        for (int y = cv->g.by[s]; y < cv->g.by[s] + GRID_BH; y++)
            for (int x = cv->g.bx[s]; x < cv->g.bx[s] + GRID_BW; x++) {
                cv->g.c[y][x].kind = C_BOX;
                cv->g.c[y][x].box = (int8_t)s;
            }
        const char *name = tcp_state_name((enum tcp_state)s);
        int n = (int)strlen(name), x0 = cv->g.bx[s] + (GRID_BW - n) / 2;
        for (int i = 0; i < n; i++)
            cv->g.c[cv->g.by[s] + 1][x0 + i].text =
                sel->visited[s] ? name[i] : (char)tolower((unsigned char)name[i]);
    }
}

static int find_line(const struct canvas *cv, enum tcp_state a, enum tcp_state b)
{
    for (int i = 0; i < cv->nln; i++)
        if (cv->ln[i].from == a && cv->ln[i].to == b)
            return i;
    return -1;
}

static int add_line(struct canvas *cv, enum tcp_state a, enum tcp_state b)
{
    int i = find_line(cv, a, b);
    if (i >= 0 || cv->nln == MAX_LINES)
        return i;
    cv->ln[cv->nln] = (struct line){a, b, false, -1, ""};
    return cv->nln++;
}

/* Figure 5's edges, then those the sockets took that the figure does not
 * draw; each path's steps numbered on its lines ("3", or "a3" when more
 * than one socket is drawn). */
static void collect_lines(struct canvas *cv, const struct slog *l, const struct sel *sel)
{
    size_t ne;
    const struct tcp_fsm_edge *e = tcp_fsm_edges(&ne);
    cv->nln = 0;
    for (size_t i = 0; i < ne; i++)
        if (e[i].source == TCP_EDGE_FIGURE)
            add_line(cv, e[i].from, e[i].to);
    cv->nfig = cv->nln;
    for (size_t i = 0; i < sel->n; i++) {
        int step = 0;
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host != sel->k[i]->host || s->sock != sel->k[i]->id)
                continue;
            step++;
            int k = add_line(cv, (enum tcp_state)(s->old_state % TCP__NSTATES),
                             (enum tcp_state)(s->new_state % TCP__NSTATES));
            if (k < 0)
                continue;
            struct line *ln = &cv->ln[k];
            if (!ln->path)
                ln->sock = (int)i;
            ln->path = true;
            size_t o = strlen(ln->label);
            if (sel->n > 1)
                snprintf(ln->label + o, sizeof ln->label - o, "%s%c%d", o ? "," : "",
                         'a' + (int)i, step);
            else
                snprintf(ln->label + o, sizeof ln->label - o, "%s%d", o ? "," : "", step);
        }
    }
}

/* A cell of line k alone, straight along axis: where a label may go. */
static bool alone(const struct grid_cell *c, int k, uint8_t axis)
{
    return (c->kind == C_LINE || c->kind == C_END) && c->u[0].line == k && c->u[1].line < 0 && c->u[0].mask == axis &&
           c->text == ' ';
}

static bool free_cell(const struct canvas *cv, int x, int y)
{
    if (x < 0 || x >= cv->g.w || y < 0 || y >= GRID_H)
        return false;
    const struct grid_cell *c = &cv->g.c[y][x];
    return c->kind == C_FREE && !grid_used(c) && c->text == ' ';
}

/* The label in free cells from (x0, y), with a free cell either side so
 * that it does not run into anything, but for the line it labels (at
 * column at). */
static bool put_label(struct canvas *cv, int k, int x0, int y, int at)
{
    const char *lb = cv->ln[k].label;
    int n = (int)strlen(lb);
    for (int j = -1; j <= n; j++)
        if (x0 + j != at && !free_cell(cv, x0 + j, y) &&
            !((j == -1 || j == n) && (x0 + j < 0 || x0 + j >= cv->g.w)))
            return false;
    for (int j = 0; j < n; j++) {
        cv->g.c[y][x0 + j].text = lb[j];
        cv->g.c[y][x0 + j].style = (int8_t)cv->ln[k].sock;
    }
    return true;
}

/* The label of line k: on a level stretch of it, or beside an upright
 * one, as near its middle as there is room; in a crowded picture, in any
 * free room beside any of its cells. */
static void place_label(struct canvas *cv, int k)
{
    const char *lb = cv->ln[k].label;
    int n = (int)strlen(lb);
    int xs[GRID_H * GRID_W / 4], ys[GRID_H * GRID_W / 4], m = 0;
    for (int y = 0; y < GRID_H; y++)
        for (int x = 0; x < cv->g.w && m < (int)(sizeof xs / sizeof *xs); x++)
            if ((cv->g.c[y][x].kind == C_LINE || cv->g.c[y][x].kind == C_END) &&
                (cv->g.c[y][x].u[0].line == k || cv->g.c[y][x].u[1].line == k)) {
                xs[m] = x;
                ys[m++] = y;
            }
    /* nearest the middle of the line's cells first (row-major order is
     * close enough to the order along the line for a middle) */
    for (int pass = 0; pass < 2; pass++)
        for (int r = 0; r <= m; r++)
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                int i = m / 2 + sgn * r;
                if (i < 0 || i >= m || (r == 0 && sgn > 0))
                    continue;
                int x = xs[i], y = ys[i];
                const struct grid_cell *c = &cv->g.c[y][x];
                if (pass == 1) {
                    for (int dy = 0; dy <= 2; dy++) {
                        int yy = y + (dy == 2 ? -1 : dy);
                        if (put_label(cv, k, x + 1, yy, x) || put_label(cv, k, x - n, yy, x))
                            return;
                    }
                    continue;
                }
                if (alone(c, k, DE | DW)) {
                    bool ok = true;
                    for (int j = -1; j <= n && ok; j++)
                        ok = x + j >= 0 && x + j < cv->g.w && alone(&cv->g.c[y][x + j], k, DE | DW);
                    if (ok) {
                        for (int j = 0; j < n; j++)
                            cv->g.c[y][x + j].text = lb[j];
                        return;
                    }
                } else if (alone(c, k, DN | DS) &&
                           (put_label(cv, k, x + 1, y, x) || put_label(cv, k, x - n, y, x))) {
                    return;
                }
            }
}

/* ---- glyphs ----------------------------------------------------------- */

struct glyphset {
    const char *line[16], *heavy[16], *arrow[4];
    const char *box[3][6];     /* light, current, not visited: corners tl tr bl br, h, v */
    const char *tee[3][4];     /* a line leaving a box's side N E S W */
};

static const struct glyphset g_utf8 = {
    {" ", "\u2502", "\u2500", "\u2514", "\u2502", "\u2502", "\u250c", "\u251c",
     "\u2500", "\u2518", "\u2500", "\u2534", "\u2510", "\u2524", "\u252c", "\u253c"},
    {" ", "\u2503", "\u2501", "\u2517", "\u2503", "\u2503", "\u250f", "\u2523",
     "\u2501", "\u251b", "\u2501", "\u253b", "\u2513", "\u252b", "\u2533", "\u254b"},
    {"\u25b2", "\u25b6", "\u25bc", "\u25c0"},
    {{"\u250c", "\u2510", "\u2514", "\u2518", "\u2500", "\u2502"},
     {"\u2554", "\u2557", "\u255a", "\u255d", "\u2550", "\u2551"},
     {"\u250c", "\u2510", "\u2514", "\u2518", "\u254c", "\u254e"}},
    {{"\u2534", "\u251c", "\u252c", "\u2524"},
     {"\u2567", "\u255f", "\u2564", "\u2562"},
     {"\u2534", "\u251c", "\u252c", "\u2524"}},
};

static const struct glyphset g_ascii = {
    {" ", "|", "-", "+", "|", "|", "+", "+", "-", "+", "-", "+", "+", "+", "+", "+"},
    {" ", "#", "=", "#", "#", "#", "#", "#", "=", "#", "=", "#", "#", "#", "#", "#"},
    {"^", ">", "v", "<"},
    {{"+", "+", "+", "+", "-", "|"}, {"#", "#", "#", "#", "=", "#"}, {".", ".", ".", ".", ".", ":"}},
    {{"+", "+", "+", "+"}, {"#", "#", "#", "#"}, {"+", "+", "+", "+"}},
};

/* The line bits of a cell as glyph index: N=1 E=2 S=4 W=8 in our order. */
static int gidx(uint8_t m) { return m & 15; }

static void draw_boxes(struct canvas *cv, const struct sel *sel, const struct glyphset *g)
{
    for (int s = 0; s < TCP__NSTATES; s++) {
        int kind = sel->visited[s] ? 0 : 2, style = sel->visited[s] ? S_PLAIN : S_GREY;
        for (size_t i = sel->n; i-- > 0;)
            if (sel->current[i] == s) {
                kind = 1;
                style = (int)i;
            }
        int x0 = cv->g.bx[s], y0 = cv->g.by[s], x1 = x0 + GRID_BW - 1, y1 = y0 + GRID_BH - 1;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                struct grid_cell *c = &cv->g.c[y][x];
                c->style = (int8_t)style;
                int gi = y == y0 ? (x == x0 ? 0 : x == x1 ? 1 : 4)
                       : y == y1 ? (x == x0 ? 2 : x == x1 ? 3 : 4)
                       : (x == x0 || x == x1 ? 5 : -1);
                c->glyph = gi >= 0 ? g->box[kind][gi] : NULL;
                if (gi < 0 && c->text != ' ' && kind == 0 && style == S_PLAIN)
                    c->style = S_BOLD;
            }
        /* where lines leave or reach the box */
        for (int d = 0; d < 4; d++)
            for (int i = 0, x, y; grid_port(&cv->g, s, d, i, &x, &y); i++)
                if (cv->g.c[y][x].kind == C_END && (grid_used(&cv->g.c[y][x]) & BIT(OPP(d))) &&
                    cv->g.c[y][x].u[0].mask != BIT(OPP(d))) {
                    int bxx = x - grid_dx[d], byy = y - grid_dy[d];
                    cv->g.c[byy][bxx].glyph = g->tee[kind][d];
                }
    }
}

static void draw_lines(struct canvas *cv, const struct glyphset *g)
{
    for (int y = 0; y < GRID_H; y++)
        for (int x = 0; x < cv->g.w; x++) {
            struct grid_cell *c = &cv->g.c[y][x];
            if (c->kind != C_LINE && c->kind != C_END)
                continue;
            const struct line *l0 = &cv->ln[c->u[0].line];
            const struct line *l1 = c->u[1].line >= 0 ? &cv->ln[c->u[1].line] : NULL;
            /* one line over the other: a path over the figure */
            const struct grid_use *top = &c->u[0];
            if (l1 && l1->path && !l0->path)
                top = &c->u[1];
            const struct line *tl = &cv->ln[top->line];
            uint8_t m = l1 && tl->path && !(l0->path && l1->path) ? top->mask : grid_used(c);
            bool heavy = tl->path;
            if (c->kind == C_END && c->u[1].line < 0 && (m == DN || m == DE || m == DS || m == DW) &&
                (int)cv->ln[c->u[0].line].to ==
                    cv->g.c[y + grid_dy[__builtin_ctz(m)]][x + grid_dx[__builtin_ctz(m)]].box)
                c->glyph = g->arrow[__builtin_ctz(m)];
            else
                c->glyph = (heavy ? g->heavy : g->line)[gidx(m)];
            c->style = (int8_t)(tl->path ? tl->sock : S_GREY);
        }
}

/* ---- output ----------------------------------------------------------- */

/* Terminal colours for the SVG's (svg.c): blue, raspberry, green, orange,
 * purple, cyan; a socket gets the SVG's colour of it. */
static const char *const sgr_color[] = {"34", "31", "32", "33", "35", "36"};

static const char *sgr(int style)
{
    static char buf[16];
    if (style == S_PLAIN)
        return "0";
    if (style == S_GREY)
        return "0;90";
    if (style == S_BOLD)
        return "0;1";
    snprintf(buf, sizeof buf, "0;1;%s", sgr_color[states_sock_color((size_t)style) % 6]);
    return buf;
}

static void emit(FILE *f, const struct canvas *cv, bool color)
{
    int rows = GRID_H;
    while (rows > 0) {
        bool empty = true;
        for (int x = 0; x < cv->g.w && empty; x++)
            empty = !cv->g.c[rows - 1][x].glyph && cv->g.c[rows - 1][x].text == ' ';
        if (!empty)
            break;
        rows--;
    }
    int first = 0;
    while (first < rows) {
        bool empty = true;
        for (int x = 0; x < cv->g.w && empty; x++)
            empty = !cv->g.c[first][x].glyph && cv->g.c[first][x].text == ' ';
        if (!empty)
            break;
        first++;
    }
    for (int y = first; y < rows; y++) {
        int end = cv->g.w;
        while (end > 0 && !cv->g.c[y][end - 1].glyph && cv->g.c[y][end - 1].text == ' ')
            end--;
        int cur = S_PLAIN;
        for (int x = 0; x < end; x++) {
            const struct grid_cell *c = &cv->g.c[y][x];
            int st = c->glyph || c->text != ' ' ? c->style : S_PLAIN;
            if (color && st != cur) {
                fprintf(f, "\033[%sm", sgr(st));
                cur = st;
            }
            if (c->text != ' ' && (c->kind != C_BOX || !c->glyph))
                fputc(c->text, f);
            else if (c->glyph)
                fputs(c->glyph, f);
            else
                fputc(' ', f);
        }
        if (color && cur != S_PLAIN)
            fputs("\033[0m", f);
        fputc('\n', f);
    }
}

static void legend(FILE *f, const struct slog *l, const struct sel *sel, bool utf8, bool color)
{
    fprintf(f, "%s\n", utf8 ? "heavy: the path, in order; double frame: the state now; "
                              "dashed: not visited"
                            : "=/#: the path, in order; #==#: the state now; dotted: not visited");
    for (size_t i = 0; i < sel->n; i++) {
        char who[64];
        states_sock_name(l, sel->k[i], who, sizeof who);
        if (color)
            fprintf(f, "\033[%sm", sgr((int)i));
        if (sel->n > 1)
            fprintf(f, "%c: ", 'a' + (int)i);
        fprintf(f, "%s, now %s", who,
                sel->current[i] >= 0 ? tcp_state_name((enum tcp_state)sel->current[i])
                                     : "(no change)");
        fputs(color ? "\033[0m\n" : "\n", f);
        int step = 0;
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host != sel->k[i]->host || s->sock != sel->k[i]->id)
                continue;
            char num[8];
            if (sel->n > 1)
                snprintf(num, sizeof num, "%c%d", 'a' + (int)i, ++step);
            else
                snprintf(num, sizeof num, "%d", ++step);
            fprintf(f, "  %4s. %s %s %s (%s)\n", num, tcp_state_name((enum tcp_state)s->old_state),
                    utf8 ? "\u2192" : "->", tcp_state_name((enum tcp_state)s->new_state),
                    tcp_cause_name((enum tcp_cause)s->cause));
        }
    }
}

/* The order lines are routed in: Figure 5's before the others, level
 * ones first (straight across between two boxes), then the nearest. */
static int span(const struct canvas *cv, int k)
{
    enum tcp_state a = cv->ln[k].from, b = cv->ln[k].to;
    int dy = abs(cv->g.by[a] - cv->g.by[b]);
    return (k >= cv->nfig ? 1000 : 0) + (dy ? abs(cv->g.bx[a] - cv->g.bx[b]) + 3 * dy : 0);
}

int states_term(FILE *f, const struct slog *l, const struct slog_sock *const *given,
                size_t ngiven, int width, bool utf8, bool color, char *err, size_t cap)
{
    struct sel sel;
    if (states_select(l, given, ngiven, &sel, err, cap) < 0)
        return -1;
    struct canvas *cv = malloc(sizeof *cv);
    if (!cv) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    cv->g.w = width < TW_MIN ? TW_MIN : width > GRID_W ? GRID_W : width;
    const struct glyphset *g = utf8 ? &g_utf8 : &g_ascii;
    place_boxes(cv, &sel);
    collect_lines(cv, l, &sel);
    /* the shortest lines first, whatever the path: the figure looks the
     * same for every socket */
    int order[MAX_LINES];
    for (int k = 0; k < cv->nln; k++)
        order[k] = k;
    for (int i = 1; i < cv->nln; i++)
        for (int j = i; j > 0 && span(cv, order[j]) < span(cv, order[j - 1]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int i = 0; i < cv->nln; i++)
        if (grid_route(&cv->g, order[i], cv->ln[order[i]].from, cv->ln[order[i]].to, false) < 0)
            grid_route(&cv->g, order[i], cv->ln[order[i]].from, cv->ln[order[i]].to, true);
    for (int k = 0; k < cv->nln; k++)
        if (cv->ln[k].path)
            place_label(cv, k);
    draw_lines(cv, g);
    draw_boxes(cv, &sel, g);
    emit(f, cv, color);
    legend(f, l, &sel, utf8, color);
    free(cv);
    return 0;
}
