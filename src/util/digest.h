/* The SHA-256 of a byte stream that may be long: what `send --bytes` and
 * `recv --all` print.
 *
 * SHA-256 runs at about 1 GB/s per core even with the x86 SHA extensions,
 * and a bulk transfer between the two simulated hosts hashes two streams:
 * in the shell's one thread the digests alone would cap the transfer near
 * 4 Gbit/s.  So once a stream passes DIGEST_INLINE_MAX bytes its hashing
 * moves to a thread of its own, fed through a ring: the caller only copies.
 * Below that (every lab, most commands) everything stays in the caller's
 * thread.  The stack itself never sees a thread; the digest is the same
 * whichever way it was computed. */
#ifndef TCPLAB_DIGEST_H
#define TCPLAB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/sha256.h"

#define DIGEST_INLINE_MAX (1u << 20)

struct digest_bg;                /* the worker and its ring (digest.c) */

struct digest {
    struct sha256 sha;           /* the worker's copy is the live one while it runs */
    uint64_t len;                /* bytes given so far */
    struct digest_bg *bg;        /* the ring (and the worker, once started) */
    bool seeded;                 /* digest_init_seeded: the stream of seed */
    uint64_t seed;
    uint8_t spare[4096];         /* the room to write in if the ring cannot be had */
};

void digest_init(struct digest *d);
/* Never fails: if no ring or worker can be had, it hashes in the caller's
 * thread. */
void digest_update(struct digest *d, const void *data, size_t len);
/* The same without a copy: room for the next bytes of the stream (*room
 * bytes, at most the *room asked, at least 1), to be filled and then handed
 * over with digest_commit(d, n), n <= *room.  Waits while the worker is
 * behind by a whole ring. */
uint8_t *digest_room(struct digest *d, size_t *room);
void digest_commit(struct digest *d, size_t n);

/* The digest of the seeded stream of util/stream.h (send --bytes), from
 * its first byte: digest_update_seeded(d, p, n) says that p holds the
 * stream's next n bytes.  Once the stream is long the worker makes the
 * bytes again itself rather than read the caller's: no ring, no copy, and
 * the caller never waits for it. */
void digest_init_seeded(struct digest *d, uint64_t seed);
void digest_update_seeded(struct digest *d, const void *p, size_t n);
/* Workers started from now on run as SCHED_IDLE, on a core nobody else
 * wants, instead of SCHED_BATCH (tap mode: the kernel's own work on the
 * other core comes first).  One that falls a whole ring behind, and any at
 * digest_final, hands the rest to the caller's thread. */
void digest_idle_workers(bool on);
/* The digest of everything given; ends the worker.  d is spent afterwards
 * (digest_init to use it again). */
void digest_final(struct digest *d, uint8_t out[32]);
/* Drop the stream (an interrupted call): ends the worker, frees the ring.
 * Harmless on a digest already finalised or never used. */
void digest_drop(struct digest *d);

#endif
