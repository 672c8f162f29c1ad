/* The world the shell drives: the two lab hosts, how time passes, and how
 * a host's socket calls are served.  Two implementations: the simulated
 * network (sim.c: both hosts are tcplab's stack, virtual time) and tap
 * mode (one host is tcplab's stack on a TAP device, the other the Linux
 * kernel, real time). */
#ifndef TCPLAB_WORLD_H
#define TCPLAB_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/sockapi.h"
#include "util/tltime.h"

#define WORLD_HOSTS 2

struct host;

struct world;

typedef void (*world_frame_fn)(void *ctx, int from, const uint8_t *frame, size_t len, tl_time t);

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
    /* every frame on the link, as it leaves its sender */
    world_frame_fn on_frame;
    void *on_frame_ctx;
    uint64_t frames;
};

static inline tl_time world_now(const struct world *w) { return w->ops->now(w); }
static inline size_t world_settle(struct world *w) { return w->ops->settle(w); }
static inline bool world_run_until(struct world *w, bool (*done)(void *), void *ctx, tl_time limit)
{
    return w->ops->run_until(w, done, ctx, limit);
}
static inline void world_sleep(struct world *w, tl_time d) { w->ops->sleep(w, d); }
static inline void world_free(struct world *w)
{
    if (w)
        w->ops->free(w);
}
int world_host_index(const struct world *w, const char *name);

#endif
