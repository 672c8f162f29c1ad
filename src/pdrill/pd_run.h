/* The script runner's state, shared by its files: pd_run.c (timeline,
 * packets in and out), pd_call.c (system calls), pd_outside.c (shell
 * lines and Python blocks). */
#ifndef TCPLAB_PD_RUN_H
#define TCPLAB_PD_RUN_H

#include "pdrill/pd.h"
#include "stack/host.h"

#define PD_OUTQ 64
#define PD_TSMAP 64

struct pd_out {                /* a TCP segment tcplab sent, waiting to be matched */
    tl_time t;
    size_t len;                /* the TCP segment (header and data) */
    uint8_t seg[1600];
};

struct pd_runner {
    const struct pd_script *s;
    const struct pd_opts *o;
    struct host *h;
    tl_time now;
    tl_time last;              /* time of the previous event: relative times start there */
    const struct pd_event *ev; /* the event being run */

    struct pd_out *outq;       /* ring of PD_OUTQ */
    int out_head, out_n;

    /* the connection the script plays the far end of */
    uint16_t lport, rport;     /* tcplab's port and the script's */
    uint16_t bound_port;       /* bind()'s port: inbound SYNs go there */
    uint32_t local_isn;        /* tcplab's ISN (script sequence numbers are relative to it) */
    struct { uint32_t script, live; } ts[PD_TSMAP];   /* TS values of tcplab, script -> live */
    int nts;

    bool pending;              /* a blocking call waits */
    const struct pd_event *pend;
    tl_time pend_start;
    tl_time pend_base;         /* the time its relative times count from */
    tl_time pend_wake;         /* a pending poll's timeout, or TL_NEVER */

    bool failed, skipped;
    char msg[1024];            /* why (first line: FILE:LINE: ...) */

    struct decoder *dec;       /* --report */
    uint64_t trace_seen, wire_seen;
};

/* Fail (or skip) the script at the current event: the message after
 * "FILE:LINE: ". */
void pd_fail(struct pd_runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pd_skip_script(struct pd_runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Let the host run to `t`, collecting what it sends. */
void pd_advance(struct pd_runner *r, tl_time t);
/* Take what the host sent (ARP answered, TCP segments queued). */
void pd_collect(struct pd_runner *r);

/* System calls (pd_call.c): start the call of event e at r->now.  Returns
 * true if it finished (result checked), false if it blocks (r->pending). */
bool pd_call_start(struct pd_runner *r, const struct pd_event *e);
/* A pending call: try again; true once it finished (result checked). */
bool pd_call_retry(struct pd_runner *r);

/* Shell lines and Python blocks (pd_outside.c). */
void pd_shell_line(struct pd_runner *r, const struct pd_event *e);
void pd_python(struct pd_runner *r, const struct pd_event *e);

/* --report: what happened since the last report (decode, transitions, TCB). */
void pd_report(struct pd_runner *r);

#endif
