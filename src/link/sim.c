/* The in-process wire between the simulated hosts, and the virtual clock
 * that drives them.  Frames leave a host's transmit queue, travel for
 * SIM_DELAY (through the fault injector, link/faults.h, which holds them
 * while they are in flight) and are handed to the other host's input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/sim.h"

static tl_time w_now(const struct world *w) { return ((const struct simnet *)w)->now; }
static size_t w_settle(struct world *w) { return simnet_settle((struct simnet *)w); }
static bool w_run_until(struct world *w, bool (*done)(void *), void *ctx, tl_time limit)
{
    return simnet_run_until((struct simnet *)w, done, ctx, limit);
}
static void w_sleep(struct world *w, tl_time d) { simnet_sleep((struct simnet *)w, d); }
static void w_free(struct world *w) { simnet_free((struct simnet *)w); }

static const struct world_ops sim_ops = {
    .now = w_now, .settle = w_settle, .run_until = w_run_until, .sleep = w_sleep, .free = w_free,
};

struct simnet *simnet_new(uint64_t seed)
{
    struct simnet *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->wire = faults_new(seed, SIM_DELAY);
    if (!n->wire) {
        free(n);
        return NULL;
    }
    n->w.faults = n->wire;
    n->w.ops = &sim_ops;
    n->w.mode = "sim";
    n->w.seed = seed;
    for (int i = 0; i < SIM_HOSTS; i++) {
        struct host_config c;
        host_config_default(&c, i, seed);
        n->hosts[i] = host_new(&c);
        if (!n->hosts[i]) {
            simnet_free(n);
            return NULL;
        }
        snprintf(n->w.name[i], sizeof n->w.name[i], "%s", c.name);
        n->w.addr[i] = c.addr;
        n->w.stack[i] = n->hosts[i];
        n->w.api[i] = &stack_sockapi;
        n->w.api_ctx[i] = n->hosts[i];
        n->w.msl = c.msl;
    }
    return n;
}

void simnet_free(struct simnet *n)
{
    if (!n)
        return;
    faults_free(n->wire);
    for (int i = 0; i < SIM_HOSTS; i++)
        host_free(n->hosts[i]);
    free(n);
}

int simnet_host_index(const struct simnet *n, const char *name)
{
    for (int i = 0; i < SIM_HOSTS; i++)
        if (strcmp(n->hosts[i]->cfg.name, name) == 0)
            return i;
    return -1;
}

void simnet_collect(struct simnet *n)
{
    for (int i = 0; i < SIM_HOSTS; i++) {
        struct frame *f;
        while ((f = host_tx_pop(n->hosts[i]))) {
            n->w.frames++;
            if (n->w.on_frame)
                n->w.on_frame(n->w.on_frame_ctx, i, f->data, f->len, n->now);
            faults_push(n->wire, i, f->data, f->len, n->now);
            host_frame_put(n->hosts[i], f);
        }
    }
}

static tl_time next_arrival(const struct simnet *n)
{
    return faults_next(n->wire);
}

static tl_time next_timer(const struct simnet *n)
{
    tl_time t = TL_NEVER;
    for (int i = 0; i < SIM_HOSTS; i++)
        t = tl_min(t, host_next_deadline(n->hosts[i]));
    return t;
}

/* An arrival, a timer, or a program's own wake-up (a paced reader). */
tl_time simnet_next_event(const struct simnet *n)
{
    return tl_min(tl_min(next_arrival(n), next_timer(n)), world_app_due(&n->w));
}

/* Run everything due at n->now: arrivals first, then timers. */
static size_t run_due(struct simnet *n)
{
    size_t ran = 0;
    simnet_collect(n);
    for (;;) {
        bool any = false;
        struct fault_frame *fl;
        while ((fl = faults_pop(n->wire, n->now))) {
            host_input(n->hosts[1 - fl->dir], fl->data, fl->len, n->now);
            faults_recycle(n->wire, fl);
            simnet_collect(n);
            ran++;
            any = true;
        }
        for (int i = 0; i < SIM_HOSTS; i++)
            if (host_next_deadline(n->hosts[i]) <= n->now) {
                host_poll(n->hosts[i], n->now);
                simnet_collect(n);
                ran++;
                any = true;
            }
        if (!any)
            return ran;
    }
}

#define APP_ROUNDS 64   /* app and stack passes in one instant, at most */

/* One instant: what is due, then the application programs, woken by it
 * (a reader finds data, a writer room), then what they queued, until
 * neither has anything left to do at this instant. */
static size_t run_instant(struct simnet *n)
{
    size_t ran = run_due(n);
    for (int i = 0; i < APP_ROUNDS && n->w.app && n->w.app(n->w.app_ctx); i++)
        ran += run_due(n) + 1;
    return ran;
}

size_t simnet_settle(struct simnet *n)
{
    size_t ran = run_instant(n);
    while (faults_next(n->wire) != TL_NEVER && !world_interrupt) {
        n->now = faults_next(n->wire);
        ran += run_instant(n);
    }
    return ran;
}

bool simnet_run_until(struct simnet *n, bool (*done)(void *ctx), void *ctx, tl_time limit)
{
    run_instant(n);
    for (;;) {
        if (done(ctx))
            return true;
        tl_time t = simnet_next_event(n);
        if (t == TL_NEVER || t > limit)
            return false;
        if (t > n->now)
            n->now = t;
        run_instant(n);
    }
}

void simnet_sleep(struct simnet *n, tl_time d)
{
    tl_time end = n->now + d;
    run_instant(n);
    for (;;) {
        tl_time t = simnet_next_event(n);
        if (world_interrupt)
            return;                    /* Ctrl-C: time stays where it got */
        if (t > end)
            break;
        if (t > n->now)
            n->now = t;
        run_instant(n);
    }
    n->now = end;
}
