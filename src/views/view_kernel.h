/* Views of the host the Linux kernel plays in tap mode: its TCB as far as
 * it can be seen (TCP_INFO, and the sequence variables inferred from the
 * segments on the TAP, labelled so), and ss / lsof listings that hold both
 * hosts.  Pure renderers, like views.h. */
#ifndef TCPLAB_VIEW_KERNEL_H
#define TCPLAB_VIEW_KERNEL_H

#include <stdio.h>

#include "link/kernel.h"
#include "stack/host.h"
#include "views/views.h"

/* The shell's name for one of the kernel host's descriptors, or NULL. */
typedef const char *(*view_kname_fn)(void *ctx, const struct khost *k, int vfd);

/* What the kernel TCB view compares with, to mark changed values. */
struct view_kprev {
    enum tcp_state state;
    bool has_wire;
    struct kwire_conn wire;
    size_t recv_q, send_q;
};

/* One kernel socket: header, the sequence variables inferred from the
 * segments on `link`, the queues, and TCP_INFO.  Values that differ from
 * `prev` (if not NULL) are marked, as view_tcb marks them. */
void view_ktcb(FILE *out, const struct view_style *st, const struct khost *k, const struct ksock *s,
               const char *name, const char *link, const struct view_kprev *prev);

/* ss and lsof over both hosts, host i being stack[i] or kernel[i]; ss
 * with `timers` (ss -o) adds each TCP socket's timer, the stack's at `now`
 * and the kernel's as its last diag dump gave it. */
void view_ss_tap(FILE *out, const struct view_style *st, struct host *const stack[2],
                 const struct khost *const kernel[2], view_kname_fn kname, void *ctx,
                 bool timers, tl_time now);
void view_lsof_tap(FILE *out, const struct view_style *st, struct host *const stack[2],
                   const struct khost *const kernel[2], view_kname_fn kname, void *ctx);

#endif
