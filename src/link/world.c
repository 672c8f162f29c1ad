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
