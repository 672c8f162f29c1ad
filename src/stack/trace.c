/* The per-host trace ring (stack/trace.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/trace.h"

int trace_init(struct trace *t, size_t cap)
{
    t->ring = calloc(cap, sizeof *t->ring);
    if (!t->ring)
        return -ENOMEM;
    t->cap = cap;
    t->next_id = 1;
    return 0;
}

void trace_free(struct trace *t)
{
    free(t->ring);
    t->ring = NULL;
}

struct trace_ev *trace_add(struct trace *t, enum trace_kind kind, tl_time now)
{
    struct trace_ev *e = &t->ring[t->next_id % t->cap];
    e->id = t->next_id++;
    e->t = now;
    e->kind = kind;
    e->sock_id = -1;
    e->fd = -1;
    e->cause = "";
    e->drop = DROP_NONE;
    e->len = 0;
    return e;
}

uint64_t trace_first_id(const struct trace *t)
{
    return t->next_id > t->cap ? t->next_id - t->cap : 1;
}

const struct trace_ev *trace_get(const struct trace *t, uint64_t id)
{
    if (id == 0 || id >= t->next_id || id < trace_first_id(t))
        return NULL;
    return &t->ring[id % t->cap];
}
