/* The world the shell drives: the two lab hosts, how time passes, and how
 * a host's socket calls are served.  Two implementations: the simulated
 * network (sim.c: both hosts are tcplab's stack, virtual time) and tap
 * mode (one host is tcplab's stack on a TAP device, the other the Linux
 * kernel, real time). */
#ifndef TCPLAB_WORLD_H
#define TCPLAB_WORLD_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/sockapi.h"
#include "util/tltime.h"
#include "wire/drop.h"

#define WORLD_HOSTS 2

struct host;
struct khost;
struct offload_stats;
struct faults;

struct world;

typedef void (*world_frame_fn)(void *ctx, int from, const uint8_t *frame, size_t len, tl_time t);
/* The hosts' application programs (the shell's pending calls): run after
 * every instant at which something happened (an arrival, a timer), as a
 * program the kernel wakes would; true if they did something (sent, read,
 * completed), and the instant then runs again with what they queued. */
typedef bool (*world_app_fn)(void *ctx);
/* The next instant at which a program asks to be woken although nothing
 * arrives (a reader that paces its reads sleeps until its next read), or
 * TL_NEVER; always later than now. */
typedef tl_time (*world_app_due_fn)(void *ctx);

struct world_ops {
    tl_time (*now)(const struct world *w);
    /* Process what is due or already arrived, without waiting; events run. */
    size_t (*settle)(struct world *w);
    /* Run until done(ctx), or the clock passes limit, or (sim) nothing is
     * left to happen, or (tap) Ctrl-C.  Returns done's last value. */
    bool (*run_until)(struct world *w, bool (*done)(void *ctx), void *ctx, tl_time limit);
    /* Let d pass, running what is due meanwhile. */
    void (*sleep)(struct world *w, tl_time d);
    void (*free)(struct world *w);

    /* For a world with a life of its own (tap: frames and timers come
     * while the prompt waits); NULL in sim, where time waits for the shell.
     * The descriptors the interactive loop polls besides the terminal
     * (returns how many it wrote, at most max), when the world next has
     * something to do on its own (TL_NEVER: nothing), and taking in what
     * has arrived and running what is due, without waiting (returns the
     * events run). */
    int (*pollfds)(struct world *w, struct pollfd *fds, int max);
    tl_time (*next_deadline)(const struct world *w);
    size_t (*service)(struct world *w);
};

struct world {
    const struct world_ops *ops;
    const char *mode;                       /* "sim" or "tap" */
    uint64_t seed;
    char name[WORLD_HOSTS][16];
    uint32_t addr[WORLD_HOSTS];
    struct host *stack[WORLD_HOSTS];        /* tcplab's stack, or NULL (the kernel) */
    const struct sockapi *api[WORLD_HOSTS];
    void *api_ctx[WORLD_HOSTS];
    tl_time msl;                            /* for "2msl" */
    /* the `wire` command's fault injector on the link (link/faults.h), or NULL */
    struct faults *faults;
    /* every frame on the link, as it leaves its sender */
    world_frame_fn on_frame;
    void *on_frame_ctx;
    uint64_t frames;
    /* the application programs, woken after every event instant */
    world_app_fn app;
    world_app_due_fn app_due;               /* may be NULL */
    void *app_ctx;
    /* While on_frame reports a frame the stack received: why the stack
     * dropped it (DROP_NONE: taken in, or a frame the stack sent). */
    enum drop_reason rx_drop;

    /* tap mode */
    bool realtime;                          /* time is the wall clock */
    struct khost *kernel[WORLD_HOSTS];      /* the host the Linux kernel plays, or NULL */
    char link[16];                          /* the TAP interface, "" in sim */
    const struct offload_stats *offload;    /* --offload (link/tap_offload.h), else NULL */
};

/* Set by the interactive loop's SIGINT handler: a real-time wait
 * (run_until, sleep) returns early when it is set.  The loop clears it. */
extern volatile sig_atomic_t world_interrupt;

static inline tl_time world_now(const struct world *w) { return w->ops->now(w); }
static inline size_t world_settle(struct world *w) { return w->ops->settle(w); }
static inline bool world_run_until(struct world *w, bool (*done)(void *), void *ctx, tl_time limit)
{
    return w->ops->run_until(w, done, ctx, limit);
}
static inline tl_time world_app_due(const struct world *w)
{
    return w->app_due ? w->app_due(w->app_ctx) : TL_NEVER;
}
static inline void world_sleep(struct world *w, tl_time d) { w->ops->sleep(w, d); }
static inline void world_free(struct world *w)
{
    if (w)
        w->ops->free(w);
}
int world_host_index(const struct world *w, const char *name);

static inline int world_pollfds(struct world *w, struct pollfd *fds, int max)
{
    return w->ops->pollfds ? w->ops->pollfds(w, fds, max) : 0;
}
static inline tl_time world_next_deadline(const struct world *w)
{
    return w->ops->next_deadline ? w->ops->next_deadline(w) : TL_NEVER;
}
static inline size_t world_service(struct world *w)
{
    return w->ops->service ? w->ops->service(w) : 0;
}

/* Wait for one of fds[0..nfds) (room for max: the world's own are added
 * after them) to be ready, or until the nearest of `deadline` and the
 * world's next timer; TL_NEVER and no timer: until a descriptor is ready.
 * In virtual time it never sleeps: it jumps the clock to the deadline.
 * poll()'s result: -1 with errno EINTR after a signal (Ctrl-C). */
int world_wait(struct world *w, struct pollfd *fds, int nfds, int max, tl_time deadline);

#endif
