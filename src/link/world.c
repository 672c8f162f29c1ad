/* Helpers common to every world (link/world.h). */
#include <string.h>

#include "link/world.h"

volatile sig_atomic_t world_interrupt;

int world_host_index(const struct world *w, const char *name)
{
    for (int i = 0; i < WORLD_HOSTS; i++)
        if (strcmp(w->name[i], name) == 0)
            return i;
    return -1;
}

/* The one wait of tcplab, as Redis's aeProcessEvents: the caller's
 * descriptors and the world's own, until the nearest of the caller's
 * deadline and the world's next timer.  Real time sleeps in ppoll (SIGINT
 * ends it with EINTR); virtual time never sleeps: the descriptors are only
 * looked at, and if none is ready the clock jumps to the deadline (with
 * what falls due on the way).  With no deadline at all it blocks on the
 * descriptors: an idle prompt lets no time pass. */
int world_wait(struct world *w, struct pollfd *fds, int nfds, int max, tl_time deadline)
{
    int n = nfds + world_pollfds(w, fds + nfds, max - nfds);
    tl_time now = world_now(w);
    tl_time due = tl_min(deadline, world_next_deadline(w));
    struct timespec ts = {0, 0}, *tsp = &ts;
    if (due == TL_NEVER)
        tsp = NULL;
    else if (w->realtime && due > now)
        ts = (struct timespec){.tv_sec = (due - now) / TL_SEC,
                               .tv_nsec = (long)((due - now) % TL_SEC) * 1000};
    int rc = ppoll(fds, (nfds_t)n, tsp, NULL);
    if (rc == 0 && !w->realtime && due != TL_NEVER && due > now)
        world_sleep(w, due - now);
    return rc;
}
