/* Views of the host the Linux kernel plays in tap mode: its TCB as far as
 * it can be seen (TCP_INFO, and the sequence variables inferred from the
 * segments on the TAP, labelled so).  A pure renderer, like views.h; the
 * other views read the kernel host through its hostview (hostview.h). */
#ifndef TCPLAB_VIEW_KERNEL_H
#define TCPLAB_VIEW_KERNEL_H

#include <stdio.h>

#include "link/kernel.h"
#include "stack/host.h"
#include "views/views.h"

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

#endif
