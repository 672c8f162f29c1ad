/* The per-host trace rings (stack/trace.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/trace.h"

int trace_init(struct trace *t, size_t cap, size_t snap)
{
    memset(t, 0, sizeof *t);
    if (cap == 0)
        cap = 1;
    t->ring = calloc(cap, sizeof *t->ring);
    if (!t->ring)
        return -ENOMEM;
    if (snap) {
        t->frames = malloc(cap * snap);
        if (!t->frames) {
            free(t->ring);
            t->ring = NULL;
            return -ENOMEM;
        }
    }
    t->snap = snap;
    t->cap = cap;
    t->next_id = 1;
    return 0;
}

void trace_free(struct trace *t)
{
    free(t->ring);
    free(t->frames);
    t->ring = NULL;
    t->frames = NULL;
}

struct trace_ev *trace_add(struct trace *t, enum trace_kind kind, tl_time now)
{
    struct trace_ev *e = &t->ring[t->next_id % t->cap];
    e->id = t->next_id++;
    e->t = now;
    e->kind = kind;
    e->sock_id = -1;
    e->fd = -1;
    e->cause = TCP_CAUSE_NONE;
    e->drop = DROP_NONE;
    e->len = 0;
    e->caplen = 0;
    e->frame = NULL;
    return e;
}

struct trace_ev *trace_add_frame(struct trace *t, enum trace_kind kind, const uint8_t *frame,
                                 size_t len, tl_time now)
{
    struct trace_ev *e = trace_add(t, kind, now);
    e->len = (uint16_t)(len > 0xffff ? 0xffff : len);
    if (t->frames && frame && len) {
        uint8_t *slot = t->frames + (e->id % t->cap) * t->snap;
        size_t n = len < t->snap ? len : t->snap;
        memcpy(slot, frame, n);
        e->caplen = (uint16_t)n;
        e->frame = slot;
    }
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
