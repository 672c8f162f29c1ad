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

static const char *const loss_names[] = {
#define LOSS_BY_NAME(name, text) text,
    LOSS_DETECTORS(LOSS_BY_NAME)
#undef LOSS_BY_NAME
};

const char *loss_by_name(enum loss_by b)
{
    return (unsigned)b < LOSS_BY__COUNT ? loss_names[b] : "?";
}

void trace_add_loss(struct trace *t, int sock_id, int fd, uint32_t seq, uint32_t end,
                    enum loss_by by, tl_time now)
{
    struct trace_ev *e = t->next_id - 1 > t->sealed ? &t->ring[(t->next_id - 1) % t->cap] : NULL;
    if (e && e->kind == TRACE_LOSS && e->sock_id == sock_id) {
        e->nlost[by]++;
        if (e->contig && by == e->loss_by && e->end == seq)
            e->end = end;                      /* the range goes on */
        else
            e->contig = false;
        return;
    }
    e = trace_add(t, TRACE_LOSS, now);
    e->sock_id = sock_id;
    e->fd = fd;
    e->seq = seq;
    e->end = end;
    e->loss_by = (uint8_t)by;
    e->contig = true;
    memset(e->nlost, 0, sizeof e->nlost);
    e->nlost[by] = 1;
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
