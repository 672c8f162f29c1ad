/* The simulated network: romeo and juliet joined by an in-process wire, on
 * a virtual clock.  Time moves only when something waits for it: a frame in
 * flight, a timer a caller is willing to wait for, or an explicit sleep.
 * With one seed the same calls give the same frames, byte for byte. */
#ifndef TCPLAB_SIM_H
#define TCPLAB_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/faults.h"
#include "link/world.h"
#include "stack/host.h"
#include "util/tltime.h"

#define SIM_HOSTS 2
#define SIM_DELAY (100 * TL_US)    /* one-way propagation delay of the wire */

struct simnet {
    struct world w;            /* what the shell drives; w.on_frame sees every frame */
    struct host *hosts[SIM_HOSTS];
    tl_time now;
    struct faults *wire;       /* frames in flight, through the `wire` faults (w.faults) */
};

/* romeo (0) and juliet (1) with design.md's addresses; NULL on no memory. */
struct simnet *simnet_new(uint64_t seed);
void simnet_free(struct simnet *n);
int simnet_host_index(const struct simnet *n, const char *name);

/* Move frames the hosts have queued onto the wire. */
void simnet_collect(struct simnet *n);
/* Deliver frames in flight, advancing time to their arrival, until the
 * wire is quiet; timers fire only if already due.  Returns events run. */
size_t simnet_settle(struct simnet *n);
/* Run frames and timers until done(ctx) is true, or until the clock would
 * pass `limit`, or nothing is left to happen.  Returns done's last value. */
bool simnet_run_until(struct simnet *n, bool (*done)(void *ctx), void *ctx, tl_time limit);
/* Let `d` of virtual time pass, running everything due meanwhile. */
void simnet_sleep(struct simnet *n, tl_time d);
/* The earliest pending event (arrival or timer), or TL_NEVER. */
tl_time simnet_next_event(const struct simnet *n);

#endif
