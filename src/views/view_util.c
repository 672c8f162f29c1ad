/* Helpers shared by the views: colour, addresses, durations and the
 * aligned tables behind ss and lsof (views/view_util.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "views/view_util.h"
#include "wire/ipv4.h"

void vu_sgr(FILE *out, const struct view_style *st, const char *sgr)
{
    if (vu_color(st))
        fputs(sgr ? sgr : SGR_RESET, out);
}

const char *vu_name(const struct view_style *st, const struct host *h, int fd)
{
    if (!st || !st->name_of || fd < 0)
        return NULL;
    const char *n = st->name_of(st->name_ctx, h, fd);
    return n && *n ? n : NULL;
}

char *vu_addr(char *buf, uint32_t addr, const char *any)
{
    if (addr == 0)
        snprintf(buf, 16, "%s", any);
    else
        ipv4_ntoa(addr, buf);
    return buf;
}

char *vu_port(char *buf, uint16_t port)
{
    if (port == 0)
        snprintf(buf, 8, "*");
    else
        snprintf(buf, 8, "%u", (unsigned)port);
    return buf;
}

char *vu_secs(char *buf, tl_time d)
{
    if (d < 0)
        d = 0;
    int n = snprintf(buf, 32, "%lld.%06lld", (long long)(d / TL_SEC), (long long)(d % TL_SEC));
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    strcpy(buf + n, "s");
    return buf;
}

char *vu_stamp(char *buf, tl_time t)
{
    const char *sign = t < 0 ? "-" : "";
    if (t < 0)
        t = -t;
    snprintf(buf, 32, "%s%lld.%06lld", sign, (long long)(t / TL_SEC), (long long)(t % TL_SEC));
    return buf;
}

void vu_table_init(struct vu_table *t, const struct vu_col *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols < VU_MAX_COLS ? ncols : VU_MAX_COLS;
}

struct vu_row *vu_table_add(struct vu_table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        struct vu_row *r = realloc(t->rows, cap * sizeof *r);
        if (!r)
            return NULL;
        t->rows = r;
        t->cap = cap;
    }
    struct vu_row *r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    return r;
}

void vu_cell(struct vu_row *r, int col, const char *fmt, ...)
{
    if (col < 0 || col >= VU_MAX_COLS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->cell[col], VU_CELL, fmt, ap);
    va_end(ap);
}

/* Padding is held back until something visible follows, so that no line
 * ends in spaces (transcripts are compared byte for byte). */
struct line_out {
    FILE *out;
    size_t pending;
};

static void put_text(struct line_out *l, const char *s)
{
    if (!*s)
        return;
    for (; l->pending; l->pending--)
        fputc(' ', l->out);
    fputs(s, l->out);
}

static void put_row(struct line_out *l, const struct view_style *st, const struct vu_table *t,
                    const char *const *cells, const char *const *sgr, const size_t *width)
{
    for (int c = 0; c < t->ncols; c++) {
        size_t len = strlen(cells[c]);
        size_t pad = width[c] > len ? width[c] - len : 0;
        if (t->cols[c].align == VU_RIGHT)
            l->pending += pad;
        if (sgr && sgr[c] && len && vu_color(st)) {
            put_text(l, sgr[c]);
            put_text(l, cells[c]);
            put_text(l, SGR_RESET);
        } else {
            put_text(l, cells[c]);
        }
        if (t->cols[c].align == VU_LEFT)
            l->pending += pad;
        if (c + 1 < t->ncols) {
            const char *sep = t->cols[c].sep ? t->cols[c].sep : "  ";
            if (strspn(sep, " ") == strlen(sep))
                l->pending += strlen(sep);
            else
                put_text(l, sep);
        }
    }
    fputc('\n', l->out);
    l->pending = 0;
}

void vu_table_print(FILE *out, const struct view_style *st, const struct vu_table *t)
{
    size_t width[VU_MAX_COLS] = {0};
    const char *cells[VU_MAX_COLS];
    for (int c = 0; c < t->ncols; c++)
        width[c] = strlen(t->cols[c].title);
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t len = strlen(t->rows[r].cell[c]);
            if (len > width[c])
                width[c] = len;
        }
    struct line_out l = {out, 0};
    for (int c = 0; c < t->ncols; c++)
        cells[c] = t->cols[c].title;
    put_row(&l, st, t, cells, NULL, width);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            cells[c] = t->rows[r].cell[c];
        put_row(&l, st, t, cells, t->rows[r].sgr, width);
    }
}

void vu_table_free(struct vu_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->nrows = t->cap = 0;
}

/* ---- state names as ss and lsof print them ----------------------------- */

/* ss's names for the states (iproute2 misc/ss.c, sstate_name); a socket
 * with a descriptor and no connection is UNCONN. */
static const char *const ss_state[TCP__NSTATES] = {
    [TCP_CLOSED] = "UNCONN",         [TCP_LISTEN] = "LISTEN",
    [TCP_SYN_SENT] = "SYN-SENT",     [TCP_SYN_RECEIVED] = "SYN-RECV",
    [TCP_ESTABLISHED] = "ESTAB",     [TCP_FIN_WAIT_1] = "FIN-WAIT-1",
    [TCP_FIN_WAIT_2] = "FIN-WAIT-2", [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
    [TCP_CLOSING] = "CLOSING",       [TCP_LAST_ACK] = "LAST-ACK",
    [TCP_TIME_WAIT] = "TIME-WAIT",
};

/* lsof's names, those of Linux's /proc/net/tcp (lsof dialects/linux). */
static const char *const lsof_state[TCP__NSTATES] = {
    [TCP_CLOSED] = "CLOSE",          [TCP_LISTEN] = "LISTEN",
    [TCP_SYN_SENT] = "SYN_SENT",     [TCP_SYN_RECEIVED] = "SYN_RECV",
    [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT1",
    [TCP_FIN_WAIT_2] = "FIN_WAIT2",  [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [TCP_CLOSING] = "CLOSING",       [TCP_LAST_ACK] = "LAST_ACK",
    [TCP_TIME_WAIT] = "TIME_WAIT",
};

/* Colour of a state in the ss listing: where data flows, where a
 * connection waits, where it is closing. */
const char *vu_state_sgr(enum tcp_state s)
{
    switch (s) {
    case TCP_ESTABLISHED: return "\033[32m";
    case TCP_LISTEN: return "\033[36m";
    case TCP_CLOSED: return SGR_DIM;
    default: return "\033[33m";
    }
}

const char *vu_ss_state(enum tcp_state s)
{
    return (unsigned)s < TCP__NSTATES ? ss_state[s] : "?";
}

const char *vu_lsof_state(enum tcp_state s)
{
    return (unsigned)s < TCP__NSTATES ? lsof_state[s] : "?";
}
