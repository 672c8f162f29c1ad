/* Fixed-capacity byte ring; storage grows lazily up to the limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytering.h"

int bytering_init(struct bytering *r, size_t limit)
{
    memset(r, 0, sizeof *r);
    r->limit = limit;
    return 0;
}

void bytering_free(struct bytering *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* Re-lay the ring into a new allocation of `cap` bytes, head at 0. */
static int regrow(struct bytering *r, size_t cap)
{
    uint8_t *nb = malloc(cap ? cap : 1);
    if (!nb)
        return -ENOMEM;
    if (r->len)
        bytering_peek(r, 0, nb, r->len);
    free(r->buf);
    r->buf = nb;
    r->cap = cap;
    r->head = 0;
    return 0;
}

int bytering_set_limit(struct bytering *r, size_t limit)
{
    if (limit < r->len)
        return -EINVAL;
    r->limit = limit;
    if (r->cap > limit)
        return regrow(r, limit);
    return 0;
}

size_t bytering_push(struct bytering *r, const void *data, size_t len)
{
    if (len > r->limit - r->len)
        len = r->limit - r->len;
    if (len == 0)
        return 0;
    if (r->len + len > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + len)
            cap *= 2;
        if (cap > r->limit)
            cap = r->limit;
        if (regrow(r, cap) < 0)
            return 0;
    }
    size_t tail = (r->head + r->len) % r->cap;
    size_t first = r->cap - tail < len ? r->cap - tail : len;
    memcpy(r->buf + tail, data, first);
    memcpy(r->buf, (const uint8_t *)data + first, len - first);
    r->len += len;
    return len;
}

void bytering_peek(const struct bytering *r, size_t off, void *out, size_t len)
{
    if (len == 0)
        return;
    size_t start = (r->head + off) % r->cap;
    size_t first = r->cap - start < len ? r->cap - start : len;
    memcpy(out, r->buf + start, first);
    memcpy((uint8_t *)out + first, r->buf, len - first);
}

void bytering_drop(struct bytering *r, size_t len)
{
    if (len > r->len)
        len = r->len;
    r->len -= len;
    r->head = r->len ? (r->head + len) % r->cap : 0;
}
