/* Helpers shared by the views (internal to src/views): ANSI colour, the
 * "address:port" and duration spellings, descriptor names, and a small
 * column-aligned table for the ss/lsof style listings. */
#ifndef TCPLAB_VIEW_UTIL_H
#define TCPLAB_VIEW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/tcp_state.h"
#include "util/tltime.h"
#include "views/views.h"

/* ECMA-48 SGR sequences; written only when the style asks for colour. */
#define SGR_RESET   "\033[0m"
#define SGR_BOLD    "\033[1m"
#define SGR_REVERSE "\033[7m"
#define SGR_CHANGED "\033[1;33m"   /* bold yellow: a value the call changed */
#define SGR_VISITED "\033[32m"     /* green: a state this socket went through */
#define SGR_EDGE    "\033[1;33m"   /* bold yellow: an edge this socket took */
#define SGR_CURRENT "\033[1;7m"    /* bold reverse: the state it is in now */
#define SGR_DIM     "\033[2m"

static inline bool vu_color(const struct view_style *st)
{
    return st && st->color;
}

/* Start (sgr) or end (NULL) a coloured stretch; nothing without colour. */
void vu_sgr(FILE *out, const struct view_style *st, const char *sgr);

/* The shell's name for (h, fd), or NULL. */
const char *vu_name(const struct view_style *st, const struct host *h, int fd);

/* "10.10.1.100" or, for INADDR_ANY, `any` ("0.0.0.0" as ss prints it,
 * "*" as lsof does).  buf holds at least 16 bytes. */
char *vu_addr(char *buf, uint32_t addr, const char *any);
/* Port number, or "*" for port 0 (not bound / not connected).  buf >= 8. */
char *vu_port(char *buf, uint16_t port);

/* Durations and times, in seconds: "0.2s", "59.9998s" (trailing zeros
 * cut); negative durations print as "0s".  buf holds at least 32 bytes. */
char *vu_secs(char *buf, tl_time d);
/* A point in time as tcpdump -ttt would: "12.000100" (six decimals). */
char *vu_stamp(char *buf, tl_time t);

/* A column-aligned table: add rows of cells, then print; every column gets
 * the width of its widest cell (header included).  `sep` is what follows
 * each column ("  " usually, ":" to glue address and port as ss does). */
enum vu_align { VU_LEFT, VU_RIGHT };

struct vu_col {
    const char *title;
    enum vu_align align;
    const char *sep;
};

#define VU_MAX_COLS 12
#define VU_CELL     64

struct vu_row {
    char cell[VU_MAX_COLS][VU_CELL];
    const char *sgr[VU_MAX_COLS];       /* colour of a cell, or NULL */
};

struct vu_table {
    const struct vu_col *cols;
    int ncols;
    struct vu_row *rows;
    size_t nrows, cap;
};

void vu_table_init(struct vu_table *t, const struct vu_col *cols, int ncols);
/* A new empty row (cells ""), or NULL when out of memory. */
struct vu_row *vu_table_add(struct vu_table *t);
void vu_cell(struct vu_row *r, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vu_table_print(FILE *out, const struct view_style *st, const struct vu_table *t);
void vu_table_free(struct vu_table *t);

/* One socket's row in ss and lsof, whoever serves it (tcplab's stack, or
 * the kernel in tap mode). */
struct vu_sock_row {
    const char *host;
    bool udp;
    enum tcp_state state;      /* UDP: ESTABLISHED once connected, else CLOSED */
    size_t rq, sq;             /* Recv-Q, Send-Q as ss shows them */
    uint32_t la, ra;
    uint16_t lp, rp;
    int fd;                    /* -1: no descriptor (orphan, not accepted, other program) */
    unsigned long long id;     /* lsof DEVICE: socket id, or the kernel's inode */
    const char *name;          /* the shell's name for fd, or NULL */
    const char *note;          /* Process column when there is no fd */
    char timer[48];            /* ss -o: "timer:(on,200ms,0)", or "" */
};
void vu_ss_init(struct vu_table *t);
/* The same listing with the timer column of ss -o (no title, as in ss). */
void vu_ss_init_timers(struct vu_table *t);
void vu_ss_add(struct vu_table *t, const struct vu_sock_row *x);
void vu_ss_add_host(struct vu_table *t, const struct view_style *st, const struct host *h);
/* ... with each TCP socket's timer as at `now` (ss -o). */
void vu_ss_add_host_at(struct vu_table *t, const struct view_style *st, const struct host *h,
                       tl_time now);
void vu_lsof_init(struct vu_table *t);
void vu_lsof_add(struct vu_table *t, const struct vu_sock_row *x);
void vu_lsof_add_host(struct vu_table *t, const struct view_style *st, const struct host *h);

/* ss -o's timers (iproute2 tmr_name; the kernel's idiag_timer values). */
enum vu_timer { VU_TIMER_OFF, VU_TIMER_ON, VU_TIMER_KEEPALIVE, VU_TIMER_TIMEWAIT,
                VU_TIMER_PERSIST, VU_TIMER__N };
/* "timer:(on,200ms,0)", "timer:(timewait,59sec,0)", as ss -o prints them;
 * "" for VU_TIMER_OFF.  cap >= 48. */
char *vu_ss_timer(char *buf, size_t cap, enum vu_timer kind, tl_time left, unsigned retrans);
/* Which timer Linux would show for a TCB of tcplab's stack, its time left
 * and its count (consecutive timeouts, or unanswered window probes). */
struct tcb;
enum vu_timer vu_tcb_timer(const struct tcb *t, tl_time now, tl_time *left, unsigned *retrans);

/* A TCP state as ss prints it (ESTAB, SYN-RECV, UNCONN), as lsof prints it
 * (ESTABLISHED, FIN_WAIT1), and its colour in those listings. */
const char *vu_ss_state(enum tcp_state s);
const char *vu_lsof_state(enum tcp_state s);
const char *vu_state_sgr(enum tcp_state s);

#endif
