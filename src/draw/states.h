/* The state diagram (RFC 9293 Figure 5, tcplab's own drawing of the
 * table in stack/tcp_fsm.h) with the path each socket took: its arrows
 * numbered in order and labelled with their cause, its current state
 * emphasised, the states no socket visited dimmed, one colour per socket. */
#ifndef TCPLAB_DRAW_STATES_H
#define TCPLAB_DRAW_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "draw/slog.h"

/* socks: n sockets, or n == 0 for every socket that changed state. */
int states_svg(FILE *out, const struct slog *l, const struct slog_sock *const *socks, size_t n,
               char *err, size_t cap);
int states_term(FILE *out, const struct slog *l, const struct slog_sock *const *socks, size_t n,
                int width, bool utf8, char *err, size_t cap);

#endif
