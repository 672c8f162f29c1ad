/* The report that follows every socket call (report.c): the frames that
 * crossed the wire, the state transitions of the sockets it touched and
 * their TCBs, read from every host through its hostview
 * (views/hostview.h), tcplab's stack or the kernel alike. */
#ifndef TCPLAB_SHELL_REPORT_H
#define TCPLAB_SHELL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/world.h"
#include "views/hostview.h"
#include "wire/eth.h"

/* Which parts a socket call's report shows. */
struct sh_show {
    bool decode, state, tcb;
    bool every_frame;          /* show decode all: no summary of a bulk transfer */
};

/* Frames seen during one command: the first and the last few are kept
 * for printing, the rest only counted (a bulk send is summarised). */
#define SH_LOG_KEEP 6
struct sh_frame {
    int from;
    tl_time t;
    size_t len;
    uint8_t data[ETH_FRAME_MAX];
};
struct sh_frame_log {
    struct sh_frame head[SH_LOG_KEEP], tail[SH_LOG_KEEP];
    size_t n;                          /* frames seen */
    size_t tcp_data[WORLD_HOSTS];        /* segments with payload, by sender */
    uint64_t tcp_bytes[WORLD_HOSTS];     /* payload bytes, by sender */
    size_t tcp_acks[WORLD_HOSTS];        /* segments without payload */
    size_t other[WORLD_HOSTS];
    size_t filtered;                   /* frames the display filter hid */
};
/* A socket's TCB before the command, to mark what it changed. */
struct sh_snapshot {
    int host;
    struct hv_tcbsnap tcb;
};

struct shell;

/* What a world with a life of its own adds to the report (tap mode,
 * tapmode.c); NULL in sim.  frame: true if the frame is only counted, not
 * listed (one the stack does not handle); begin: a report starts; frames:
 * after the frames, the summary of those only counted; done: the report
 * is printed (between commands, what follows is a new report). */
struct sh_report_hooks {
    bool (*frame)(struct shell *sh, int from, const uint8_t *frame, size_t len, tl_time t);
    void (*begin)(struct shell *sh);
    void (*frames)(struct shell *sh);
    void (*done)(struct shell *sh);
};

void sh_report_begin(struct shell *sh);
/* After a socket call: decoded frames, transitions, TCBs (as `show` says). */
void sh_report_end(struct shell *sh, const char *held, size_t nheld);
void sh_frame_hook(void *ctx, int from, const uint8_t *frame, size_t len, tl_time t);
/* After a call: let time run while a pending call can move without the
 * user (#13's rule), then deliver what is in flight. */
void sh_advance(struct shell *sh);
/* Let time run until no call in the set is pending or every way left for
 * them needs the user.  True if none of the set is left pending. */
struct sh_job_set;
bool sh_wait_jobs(struct shell *sh, const struct sh_job_set *set);

#endif
