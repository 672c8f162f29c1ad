/* A fixed-capacity byte ring: the send and receive buffers of a socket. */
#ifndef TCPLAB_BYTERING_H
#define TCPLAB_BYTERING_H

#include <stddef.h>
#include <stdint.h>

struct bytering {
    uint8_t *buf;
    size_t cap;       /* bytes allocated */
    size_t limit;     /* bytes usable (the socket's buffer size, <= cap) */
    size_t head;      /* offset of the first byte */
    size_t len;       /* bytes held */
};

int bytering_init(struct bytering *r, size_t limit);   /* 0 or -ENOMEM */
void bytering_free(struct bytering *r);
/* Change the usable size; fails with -ENOMEM, or -EINVAL if it would drop held bytes. */
int bytering_set_limit(struct bytering *r, size_t limit);
static inline size_t bytering_space(const struct bytering *r) { return r->limit - r->len; }
/* Append up to len bytes; returns how many were taken. */
size_t bytering_push(struct bytering *r, const void *data, size_t len);
/* Copy len bytes starting `off` bytes past the head (off + len <= r->len). */
void bytering_peek(const struct bytering *r, size_t off, void *out, size_t len);
/* Discard len bytes from the head. */
void bytering_drop(struct bytering *r, size_t len);

#endif
