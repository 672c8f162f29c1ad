/* Read-only views of the stack, as the shell shows them.  Pure renderers:
 * they read hosts and sockets and write text to an output sink, nothing
 * else (tests capture them with open_memstream). */
#ifndef TCPLAB_VIEWS_H
#define TCPLAB_VIEWS_H

#include <stdbool.h>
#include <stdio.h>

#include "stack/host.h"
#include "stack/sock.h"

struct view_style {
    bool color;                /* ANSI colour (only on a terminal) */
    /* The shell's name for a descriptor ("sock", "conn"), or NULL. */
    const char *(*name_of)(void *ctx, const struct host *h, int fd);
    void *name_ctx;
    /* The same by host index, for every host (the kernel's too), or NULL. */
    const char *(*name_at)(void *ctx, int host, int fd);
};

/* The TCB of one socket: every RFC 9293 send and receive variable, queue
 * sizes and running timers.  Values that differ from `prev` (if not NULL)
 * are marked. */
void view_tcb(FILE *out, const struct view_style *st, const struct host *h,
              const struct sock *s, const struct tcb *prev, tl_time now);
/* The whole RFC 9293 state diagram, the socket's current state and the
 * transitions it took (from the host's trace) marked. */
void view_diagram(FILE *out, const struct view_style *st, const struct host *h,
                  const struct sock *s);
/* `ss -t -a -n` columns (plus UDP sockets as `ss -u -a -n` would), every socket
 * of every host given. */
void view_ss(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts);
/* `ss -o`: the same, each TCP socket's timer at the end of its row, as
 * Linux's ss -t -a -n -o prints it: "timer:(on,200ms,0)". */
void view_ss_timers(FILE *out, const struct view_style *st, struct host *const *hosts,
                    int nhosts, tl_time now);
/* `ss -i`: the same, each TCP connection's internals (options, rto, rtt,
 * cwnd, ssthresh, bytes, retransmissions, timer) on a line under its row. */
void view_ss_info(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts,
                  tl_time now);
/* `lsof -n -i` columns for the sockets that have a descriptor. */
void view_lsof(FILE *out, const struct view_style *st, struct host *const *hosts, int nhosts);
/* `ip neigh` / `arp -n` style ARP cache. */
void view_arp(FILE *out, const struct view_style *st, const struct host *h, tl_time now);
/* `ifconfig` for the host's one interface, with its counters. */
void view_ifconfig(FILE *out, const struct view_style *st, const struct host *h);
/* `route -n`: the connected /16, no gateway. */
void view_route(FILE *out, const struct view_style *st, const struct host *h);
/* Drop counters with their reasons (only the non-zero ones). */
void view_drops(FILE *out, const struct view_style *st, const struct host *h);
/* --offload's counters (tap mode), under ifconfig of tcplab's host. */
struct offload_stats;
void view_offload(FILE *out, const struct offload_stats *s);

#endif
