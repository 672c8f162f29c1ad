/* The state diagram with the paths taken (states.h).  Every state and
 * edge comes from the one table, stack/tcp_fsm.h: Figure 5's edges are
 * always drawn; an edge from the RFC's notes or from Linux only when a
 * socket took it.  The placement of the states is ours. */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "draw/draw.h"
#include "draw/states.h"
#include "draw/svg.h"
#include "stack/tcp_fsm.h"

#define SW 1000
#define SH 900
#define BOXW 150.0
#define BOXH 36.0

/* Where each state sits: three columns, passive open and active close
 * on the left, active open and passive close on the right. */
static const struct { double x, y; } pos[TCP__NSTATES] = {
    [TCP_CLOSED] = {500, 60},        [TCP_LISTEN] = {500, 180},
    [TCP_SYN_RECEIVED] = {190, 300}, [TCP_SYN_SENT] = {810, 300},
    [TCP_ESTABLISHED] = {500, 420},  [TCP_FIN_WAIT_1] = {190, 550},
    [TCP_CLOSE_WAIT] = {810, 550},   [TCP_CLOSING] = {500, 660},
    [TCP_FIN_WAIT_2] = {190, 780},   [TCP_LAST_ACK] = {810, 780},
    [TCP_TIME_WAIT] = {500, 820},
};

static const char states_css[] =
    ".state { fill: #ffffff; stroke: #333; stroke-width: 1.2; }\n"
    ".state.dim { stroke: #ccc; }\n"
    "text.dim { fill: #b0b0b0; }\n"
    ".edge { stroke: #888; }\n"
    ".extra { stroke: #bbb; stroke-dasharray: 4 3; }\n"
    ".path { stroke-width: 3; fill: none; opacity: 0.85; }\n"
    ".cur { fill: none; stroke-width: 3; }\n"
    ".num { stroke: none; }\n"
    ".c6 { stroke: #888888; }\n"
    "text.numtxt { fill: #ffffff; font-size: 10px; font-weight: bold; }\n"
    "text.cause { font-size: 10.5px; }\n";

/* One colour per socket, the hosts' own two last (the ladder uses them). */
int states_sock_color(size_t i) { return (int)((i + 2) % SVG_NCOLORS); }
#define sock_color states_sock_color

/* A route from one state to another: up to 5 points. */
struct route {
    double xy[10];
    size_t n;
};

/* The point where the line from a's centre towards (tx, ty) leaves a's box. */
static void box_exit(enum tcp_state a, double tx, double ty, double *x, double *y)
{
    double dx = tx - pos[a].x, dy = ty - pos[a].y;
    double t = 1e9;
    if (fabs(dx) > 1e-9)
        t = fmin(t, (BOXW / 2) / fabs(dx));
    if (fabs(dy) > 1e-9)
        t = fmin(t, (BOXH / 2) / fabs(dy));
    *x = pos[a].x + dx * t;
    *y = pos[a].y + dy * t;
}

/* Straight from box to box, shifted sideways by `off` (two edges between
 * the same states, several sockets on one edge); into CLOSED from below
 * LISTEN along a margin, so that it crosses nothing. */
static void route(enum tcp_state from, enum tcp_state to, double off, struct route *r)
{
    if (to == TCP_CLOSED && pos[from].y > pos[TCP_LISTEN].y) {
        bool right = pos[from].x > 500;
        double mx = right ? 975 - off : 25 + off;
        double sx = right ? pos[from].x + BOXW / 2 : pos[from].x - BOXW / 2;
        double cy = pos[from].y + off / 2;
        if (from == TCP_TIME_WAIT || from == TCP_CLOSING || from == TCP_ESTABLISHED) {
            sx = pos[from].x - BOXW / 2;
            mx = 25 + off;
        }
        double ex = mx > 500 ? pos[TCP_CLOSED].x + BOXW / 2 : pos[TCP_CLOSED].x - BOXW / 2;
        double ey = pos[TCP_CLOSED].y + (mx > 500 ? 1 : -1) * off / 2;
        double pts[] = {sx, cy, mx, cy, mx, ey, ex, ey};
        memcpy(r->xy, pts, sizeof pts);
        r->n = 4;
        return;
    }
    double dx = pos[to].x - pos[from].x, dy = pos[to].y - pos[from].y;
    double len = sqrt(dx * dx + dy * dy);
    double nx = -dy / len * off, ny = dx / len * off;
    box_exit(from, pos[to].x + nx, pos[to].y + ny, &r->xy[0], &r->xy[1]);
    box_exit(to, pos[from].x + nx, pos[from].y + ny, &r->xy[2], &r->xy[3]);
    r->xy[0] += nx;
    r->xy[1] += ny;
    r->xy[2] += nx;
    r->xy[3] += ny;
    r->n = 2;
}

/* A point on the route, t of the way along its longest leg. */
static void route_point(const struct route *r, double t, double *x, double *y)
{
    size_t best = 0;
    double bl = -1;
    for (size_t i = 0; i + 1 < r->n; i++) {
        double l = hypot(r->xy[2 * i + 2] - r->xy[2 * i], r->xy[2 * i + 3] - r->xy[2 * i + 1]);
        if (l > bl) {
            bl = l;
            best = i;
        }
    }
    *x = r->xy[2 * best] + t * (r->xy[2 * best + 2] - r->xy[2 * best]);
    *y = r->xy[2 * best + 1] + t * (r->xy[2 * best + 3] - r->xy[2 * best + 1]);
}

static bool has_reverse(enum tcp_state from, enum tcp_state to)
{
    size_t n;
    const struct tcp_fsm_edge *e = tcp_fsm_edges(&n);
    for (size_t i = 0; i < n; i++)
        if (e[i].source == TCP_EDGE_FIGURE && e[i].from == to && e[i].to == from)
            return true;
    return false;
}

static void draw_route(FILE *f, const struct route *r, const char *cls, int color)
{
    if (r->n == 2) {
        svg_arrow(f, r->xy[0], r->xy[1], r->xy[2], r->xy[3], cls, color);
        return;
    }
    fputs("<polyline points=\"", f);
    for (size_t i = 0; i < r->n; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", r->xy[2 * i], r->xy[2 * i + 1]);
    fprintf(f, "\" class=\"%s\" marker-end=\"url(#arrow-%d)\"/>\n", cls, color);
}

/* The sockets to draw: those given, or every one that changed state. */
static size_t pick(const struct slog *l, const struct slog_sock *const *given, size_t n,
                   const struct slog_sock **out)
{
    if (n) {
        memcpy(out, given, n * sizeof *out);
        return n;
    }
    size_t k = 0;
    const struct slog_sock *v = l->socks.v;
    for (size_t i = 0; i < l->socks.n && k < DRAW_MAX_SOCKS; i++)
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host == v[i].host && s->sock == v[i].id) {
                out[k++] = &v[i];
                break;
            }
        }
    return k;
}

void states_sock_name(const struct slog *l, const struct slog_sock *k, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s %s", l->host_name[k->host], k->name[0] ? k->name : "socket");
}

/* Visited states (any socket) and each socket's current one. */
static void visits(const struct slog *l, const struct slog_sock **k, size_t n, bool *visited,
                   int *current)
{
    memset(visited, 0, TCP__NSTATES * sizeof *visited);
    for (size_t i = 0; i < n; i++) {
        current[i] = -1;
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host != k[i]->host || s->sock != k[i]->id)
                continue;
            visited[s->old_state % TCP__NSTATES] = visited[s->new_state % TCP__NSTATES] = true;
            current[i] = s->new_state;
        }
    }
}

int states_select(const struct slog *l, const struct slog_sock *const *given, size_t ngiven,
                        struct sel *sel, char *err, size_t cap)
{
    sel->n = pick(l, given, ngiven, sel->k);
    if (!sel->n) {
        snprintf(err, cap, "no socket changed state in this session");
        return -1;
    }
    visits(l, sel->k, sel->n, sel->visited, sel->current);
    return 0;
}

int states_svg(FILE *f, const struct slog *l, const struct slog_sock *const *given, size_t ngiven,
               char *err, size_t cap)
{
    struct sel sel;
    if (states_select(l, given, ngiven, &sel, err, cap) < 0)
        return -1;
    const struct slog_sock **k = sel.k;
    size_t n = sel.n;
    const bool *visited = sel.visited;
    const int *current = sel.current;
    char title[200], who[64];
    size_t o = (size_t)snprintf(title, sizeof title, "TCP state diagram:");
    for (size_t i = 0; i < n && o < sizeof title; i++) {
        states_sock_name(l, k[i], who, sizeof who);
        o += (size_t)snprintf(title + o, sizeof title - o, "%s %s", i ? "," : "", who);
    }
    svg_begin(f, SW, SH + 30 + 18 * (int)n, title, states_css);
    svg_text(f, 20, 28, "start", "title", title);

    /* Figure 5's edges, each pair of states once */
    svg_group(f, "edges", NULL);
    size_t ne;
    const struct tcp_fsm_edge *e = tcp_fsm_edges(&ne);
    for (size_t i = 0; i < ne; i++) {
        if (e[i].source != TCP_EDGE_FIGURE)
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = e[j].source == TCP_EDGE_FIGURE && e[j].from == e[i].from && e[j].to == e[i].to;
        if (dup)
            continue;
        struct route r;
        route(e[i].from, e[i].to, has_reverse(e[i].from, e[i].to) ? 6 : 0, &r);
        draw_route(f, &r, "edge", SVG_GREY);
    }
    svg_group_end(f);

    /* the states */
    svg_group(f, "states", NULL);
    for (int s = 0; s < TCP__NSTATES; s++) {
        svg_rect(f, pos[s].x - BOXW / 2, pos[s].y - BOXH / 2, BOXW, BOXH,
                 visited[s] ? "state" : "state dim");
        svg_text(f, pos[s].x, pos[s].y + 4, "middle", visited[s] ? "bold" : "dim",
                 tcp_state_name((enum tcp_state)s));
    }
    for (size_t i = 0; i < n; i++) {
        if (current[i] < 0)
            continue;
        char cls[16];
        snprintf(cls, sizeof cls, "cur c%d", sock_color(i));
        double g = 4.0 + 4.0 * (double)i;
        svg_rect(f, pos[current[i]].x - BOXW / 2 - g, pos[current[i]].y - BOXH / 2 - g,
                 BOXW + 2 * g, BOXH + 2 * g, cls);
    }
    svg_group_end(f);

    /* each socket's path: numbered arrows, each with its cause */
    for (size_t i = 0; i < n; i++) {
        char id[32], cls[24], tcls[24];
        snprintf(id, sizeof id, "path-%zu", i);
        snprintf(cls, sizeof cls, "path c%d", sock_color(i));
        snprintf(tcls, sizeof tcls, "cause c%d", sock_color(i));
        svg_group(f, id, NULL);
        int step = 0;
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host != k[i]->host || s->sock != k[i]->id)
                continue;
            step++;
            enum tcp_state a = (enum tcp_state)(s->old_state % TCP__NSTATES);
            enum tcp_state b = (enum tcp_state)(s->new_state % TCP__NSTATES);
            double off = (has_reverse(a, b) ? 6 : 0) + 5.0 * (double)i;
            struct route r;
            route(a, b, off, &r);
            draw_route(f, &r, cls, sock_color(i));
            double x, y;
            route_point(&r, 0.5, &x, &y);
            char num[8];
            snprintf(num, sizeof num, "%d", step);
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" class=\"num\" style=\"fill: %s\"/>\n",
                    x, y, svg_colors[sock_color(i)]);
            svg_text(f, x, y + 3.5, "middle", "numtxt", num);
            /* the cause beside the number, inside the picture */
            bool left = x > SW - 160;
            svg_text(f, left ? x - 12 : x + 12, y - 6, left ? "end" : "start", tcls,
                     tcp_cause_name((enum tcp_cause)s->cause));
        }
        svg_group_end(f);
    }

    /* legend: one line per socket */
    svg_group(f, "legend", NULL);
    for (size_t i = 0; i < n; i++) {
        double y = SH + 18.0 * (double)i;
        char cls[16];
        snprintf(cls, sizeof cls, "path c%d", sock_color(i));
        svg_line(f, 20, y - 4, 50, y - 4, cls);
        states_sock_name(l, k[i], who, sizeof who);
        snprintf(cls, sizeof cls, "c%d", sock_color(i));
        svg_textf(f, 58, y, "start", cls, "%s: now %s", who,
                  current[i] >= 0 ? tcp_state_name((enum tcp_state)current[i]) : "(no change)");
    }
    svg_text(f, SW - 20, SH, "end", "small",
             "grey: RFC 9293 Figure 5; dimmed: not visited; framed: current state");
    svg_group_end(f);
    svg_end(f);
    return 0;
}
