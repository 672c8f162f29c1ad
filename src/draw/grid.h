/* A character grid for the drawings in the terminal: boxes, and lines
 * routed between them (grid.c) that go round the boxes, cross other lines
 * square and never run along one.  Each cell keeps the lines in it and
 * what it shows; the drawing (states_term.c) turns that into glyphs. */
#ifndef TCPLAB_DRAW_GRID_H
#define TCPLAB_DRAW_GRID_H

#include <stdbool.h>
#include <stdint.h>

#define GRID_W 120             /* columns at most */
#define GRID_H 40              /* rows */
#define GRID_BOXES 16
#define GRID_BW 16             /* a box: 16 columns, 3 rows */
#define GRID_BH 3

enum { DN = 1, DE = 2, DS = 4, DW = 8 };        /* line bits of a cell */
extern const int grid_dx[4], grid_dy[4];     /* a step in direction d */
#define BIT(d) (1 << (d))                       /* d: 0 N, 1 E, 2 S, 3 W */
#define OPP(d) (((d) + 2) & 3)
#define AXIS(d) ((d) & 1 ? (DE | DW) : (DN | DS))

enum grid_kind { C_FREE, C_BOX, C_LINE, C_END };     /* C_END: an arrowhead, a line's first cell */

/* A line (edge) in a cell: at most two, one across the other. */
struct grid_use {
    int8_t line;
    uint8_t mask;
};

struct grid_cell {
    enum grid_kind kind;
    struct grid_use u[2];
    int8_t box;                /* the state whose box (or name) this is, or -1 */
    char text;                 /* a state's name, a label: one ASCII character */
    const char *glyph;         /* set when drawn */
    int8_t style;              /* -1 plain, 0..: a socket's colour, S_GREY, S_BOLD */
};

struct grid {
    int w;                     /* columns used */
    struct grid_cell c[GRID_H][GRID_W];
    int bx[GRID_BOXES], by[GRID_BOXES];      /* each box's top left cell */
    int dist[GRID_H * GRID_W * 4], prev[GRID_H * GRID_W * 4];   /* grid_route's own */
};

/* The lines' bits in a cell (DN | DE ...). */
uint8_t grid_used(const struct grid_cell *c);

/* The cell beside box s on side d (0 N, 1 E, 2 S, 3 W) at offset i along
 * it, or false if there is none (a side is 1 cell high, GRID_BW - 2 wide). */
bool grid_port(const struct grid *g, int s, int d, int i, int *x, int *y);

/* Route line k from box a to box b and mark its cells (its first cell and
 * its arrowhead C_END).  -1 if there is no way.  relaxed: when the strict
 * rules leave no way (a crowded picture), a line may run along another or
 * turn on it, at a high price. */
int grid_route(struct grid *g, int k, int a, int b, bool relaxed);

#endif
