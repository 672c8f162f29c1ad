/* The seeded byte stream of `send --bytes`: byte i is a pure function of
 * (seed, i), so any stretch of it can be made again when a send buffer
 * takes only part of what was offered. */
#ifndef TCPLAB_STREAM_H
#define TCPLAB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes [from, from + n) of the stream of seed. */
void stream_bytes(uint64_t seed, uint64_t from, uint8_t *out, size_t n);
/* Tests: the scalar code even where the CPU has a vector path. */
void stream_scalar_only(bool on);

#endif
