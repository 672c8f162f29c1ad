/* Lines routed on a character grid (grid.h): the cheapest way from a side
 * of one box to a side of another, for the terminal's state diagram
 * (states_term.c).  Dijkstra over (cell, direction), so that turns can
 * cost; the same grid always gives the same ways. */
#include <stdint.h>
#include <stdlib.h>

#include "draw/grid.h"

const int grid_dx[4] = {0, 1, 0, -1}, grid_dy[4] = {-1, 0, 1, 0};

/* Turns cost, crossing a line costs more, running along a line or turning
 * on one is not allowed (but for a relaxed route). */
#define COST_STEP 2
#define COST_TURN 5
#define COST_CROSS 60
#define COST_OVERLAP 200
#define COST_NEAR 3            /* beside a box */

struct node {
    int est, cost, x, y, d;    /* est: cost so far plus at least what is left (A*) */
};

struct heap {
    struct node *v;
    size_t n, cap;
};

static bool node_less(const struct node *a, const struct node *b)
{
    if (a->est != b->est)
        return a->est < b->est;
    if (a->y != b->y)
        return a->y < b->y;
    if (a->x != b->x)
        return a->x < b->x;
    return a->d < b->d;
}

static int heap_push(struct heap *h, struct node nd)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        struct node *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    size_t i = h->n++;
    h->v[i] = nd;
    while (i && node_less(&h->v[i], &h->v[(i - 1) / 2])) {
        struct node t = h->v[i];
        h->v[i] = h->v[(i - 1) / 2];
        h->v[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static struct node heap_pop(struct heap *h)
{
    struct node top = h->v[0];
    h->v[0] = h->v[--h->n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && node_less(&h->v[l], &h->v[m]))
            m = l;
        if (r < h->n && node_less(&h->v[r], &h->v[m]))
            m = r;
        if (m == i)
            break;
        struct node t = h->v[i];
        h->v[i] = h->v[m];
        h->v[m] = t;
        i = m;
    }
    return top;
}

uint8_t grid_used(const struct grid_cell *c)
{
    return (uint8_t)((c->u[0].line >= 0 ? c->u[0].mask : 0) | (c->u[1].line >= 0 ? c->u[1].mask : 0));
}

/* The cell beside box s on side d (N E S W) at offset i along it, or
 * false if there is none (a side is 1 cell high, GRID_BW - 2 wide). */
bool grid_port(const struct grid *cv, int s, int d, int i, int *x, int *y)
{
    int n = d & 1 ? 1 : GRID_BW - 2;
    if (i >= n)
        return false;
    switch (d) {
    case 0: *x = cv->bx[s] + 1 + i; *y = cv->by[s] - 1; break;
    case 2: *x = cv->bx[s] + 1 + i; *y = cv->by[s] + GRID_BH; break;
    case 1: *x = cv->bx[s] + GRID_BW; *y = cv->by[s] + 1; break;
    default: *x = cv->bx[s] - 1; *y = cv->by[s] + 1; break;
    }
    return *x >= 0 && *x < cv->w && *y >= 0 && *y < GRID_H;
}

/* (x, y) is beside a side of box s and d goes into it. */
static bool is_port(const struct grid *cv, int s, int x, int y, int d)
{
    int side = OPP(d);
    int px, py;
    if (side & 1)
        return grid_port(cv, s, side, 0, &px, &py) && px == x && py == y;
    return grid_port(cv, s, side, 0, &px, &py) && py == y && x >= px && x < px + GRID_BW - 2;
}

static bool near_box(const struct grid *cv, int x, int y)
{
    for (int d = 0; d < 4; d++) {
        int nx = x + grid_dx[d], ny = y + grid_dy[d];
        if (nx >= 0 && nx < cv->w && ny >= 0 && ny < GRID_H && cv->c[ny][nx].kind == C_BOX)
            return true;
    }
    return false;
}

/* The least a way from (x, y) to box b can still cost: its steps to the
 * ring of cells round the box (never more than the truth, so the first
 * way found is still a cheapest). */
static int left(const struct grid *cv, int b, int x, int y)
{
    int x0 = cv->bx[b] - 1, x1 = cv->bx[b] + GRID_BW, y0 = cv->by[b] - 1, y1 = cv->by[b] + GRID_BH;
    int dx = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    int dy = y < y0 ? y0 - y : y > y1 ? y - y1 : 0;
    return COST_STEP * (dx + dy);
}

#define IDX(x, y, d) ((((y) * GRID_W) + (x)) * 4 + (d))

int grid_route(struct grid *cv, int k, int a, int b, bool relaxed)
{
    size_t nst = (size_t)GRID_H * GRID_W * 4;
    int *dist = cv->dist, *prev = cv->prev;
    struct heap h = {0};
    int rc = -1;
    for (size_t i = 0; i < nst; i++)
        dist[i] = INT32_MAX;
    /* start: a free cell beside a's box, leaving it */
    for (int d = 0; d < 4; d++)
        for (int i = 0, x, y; grid_port(cv, a, d, i, &x, &y); i++) {
            const struct grid_cell *c = &cv->c[y][x];
            if (c->kind != C_FREE || grid_used(c))
                continue;
            dist[IDX(x, y, d)] = 0;
            prev[IDX(x, y, d)] = -1;
            if (heap_push(&h, (struct node){left(cv, b, x, y), 0, x, y, d}) < 0)
                goto out;
        }
    int goal = -1;
    while (h.n) {
        struct node nd = heap_pop(&h);
        if (nd.cost != dist[IDX(nd.x, nd.y, nd.d)])
            continue;
        const struct grid_cell *here = &cv->c[nd.y][nd.x];
        /* the goal: beside a side of b's box (not a corner), going into
         * it, on a free cell */
        if (here->kind == C_FREE && !grid_used(here) && is_port(cv, b, nd.x, nd.y, nd.d) &&
            prev[IDX(nd.x, nd.y, nd.d)] >= 0) {
            goal = IDX(nd.x, nd.y, nd.d);
            break;
        }
        for (int d = 0; d < 4; d++) {
            if (d == OPP(nd.d))
                continue;
            bool turn = d != nd.d;
            int extra = 0;
            if (turn && grid_used(here)) {
                if (!relaxed || here->kind == C_END)
                    continue;                  /* no turning on another line */
                extra += COST_OVERLAP;
            }
            int x = nd.x + grid_dx[d], y = nd.y + grid_dy[d];
            if (x < 0 || x >= cv->w || y < 0 || y >= GRID_H)
                continue;
            const struct grid_cell *c = &cv->c[y][x];
            if (c->kind == C_BOX || c->kind == C_END)
                continue;
            uint8_t m = grid_used(c);
            if (m & AXIS(d)) {
                if (!relaxed || c->u[1].line >= 0)
                    continue;                  /* no running along another line */
                extra += COST_OVERLAP;
            }
            int cost = nd.cost + COST_STEP + (turn ? COST_TURN : 0) + (m ? COST_CROSS : 0) +
                       (near_box(cv, x, y) ? COST_NEAR : 0) + extra;
            int id = IDX(x, y, d);
            if (cost < dist[id]) {
                dist[id] = cost;
                prev[id] = IDX(nd.x, nd.y, nd.d);
                if (heap_push(&h, (struct node){cost + left(cv, b, x, y), cost, x, y, d}) < 0)
                    goto out;
            }
        }
    }
    if (goal < 0)
        goto out;
    /* mark the cells, from the arrowhead back to the first */
    int last_d = -1;
    for (int id = goal; id >= 0; id = prev[id]) {
        int d = id % 4, x = (id / 4) % GRID_W, y = id / 4 / GRID_W;
        struct grid_cell *c = &cv->c[y][x];
        uint8_t m = (uint8_t)BIT(OPP(d));       /* back where it came from */
        if (last_d >= 0)
            m |= (uint8_t)BIT(last_d);         /* on to the next cell */
        else
            m = (uint8_t)BIT(d);               /* the arrowhead points on */
        int slot = c->u[0].line >= 0 ? 1 : 0;
        if (c->u[slot].line >= 0)              /* relaxed: a third line; shown as the two */
            c->u[slot].mask |= m;
        else
            c->u[slot] = (struct grid_use){(int8_t)k, m};
        if (id == goal || prev[id] < 0)
            c->kind = C_END;
        else
            c->kind = C_LINE;
        last_d = d;
    }
    rc = 0;
out:
    free(h.v);
    return rc;
}
