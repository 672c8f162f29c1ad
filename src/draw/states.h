/* The state diagram (RFC 9293 Figure 5, tcplab's own drawing of the
 * table in stack/tcp_fsm.h) with the path each socket took: its arrows
 * numbered in order and labelled with their cause, its current state
 * emphasised, the states no socket visited dimmed, one colour per socket. */
#ifndef TCPLAB_DRAW_STATES_H
#define TCPLAB_DRAW_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "draw/draw.h"
#include "draw/slog.h"
#include "stack/tcp_state.h"

/* socks: n sockets, or n == 0 for every socket that changed state. */
int states_svg(FILE *out, const struct slog *l, const struct slog_sock *const *socks, size_t n,
               char *err, size_t cap);
/* In the terminal: width columns (80 to 120 are used), box drawing or
 * ASCII, colour escapes only if color. */
int states_term(FILE *out, const struct slog *l, const struct slog_sock *const *socks, size_t n,
                int width, bool utf8, bool color, char *err, size_t cap);

/* Shared by the two drawings (states.c, states_term.c): the sockets
 * drawn, the states they visited, where each is now. */
struct sel {
    const struct slog_sock *k[DRAW_MAX_SOCKS];
    size_t n;
    bool visited[TCP__NSTATES];
    int current[DRAW_MAX_SOCKS];
};
int states_select(const struct slog *l, const struct slog_sock *const *given, size_t ngiven,
                  struct sel *sel, char *err, size_t cap);
void states_sock_name(const struct slog *l, const struct slog_sock *k, char *buf, size_t cap);
/* The colour of the i-th socket drawn: an index into svg_colors (svg.h). */
int states_sock_color(size_t i);

#endif
