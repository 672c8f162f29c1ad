/* A stream's SHA-256, hashed by a worker thread once the stream is long
 * (see digest.h).  The caller writes into a ring (digest_room and
 * digest_commit); before the worker starts, each commit is hashed at once,
 * in place.  Once it runs, the caller (the only producer) advances `head`
 * and the worker (the only consumer) `tail`, and each sleeps on a
 * condition variable only when the ring is full or empty.  A seeded
 * stream (send --bytes) has no ring: `head` only says how far the worker
 * may go, and it makes the bytes itself. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/digest.h"
#include "util/stream.h"

#define RING_BYTES (8u << 20)    /* power of two */
#define CHUNK (256u << 10)       /* hashed at most between two looks at `head`;
                                    the worker sleeps until this much waits */

struct digest_bg {
    uint8_t *ring;               /* NULL for a seeded stream */
    uint64_t seed;
    atomic_size_t head, tail;    /* bytes ever written, bytes ever hashed */
    bool running;                /* the worker was started (the caller's to read) */
    bool tried;                  /* ... or could not be: hash inline to the end */
    pthread_t thread;
    struct sha256 sha;           /* the worker's copy while it runs */
    atomic_bool worker_idle, producer_waiting;
    atomic_bool dropped;         /* digest_drop: stop after this chunk */
    atomic_bool handover;        /* stop after this chunk: the caller hashes the rest */
    pthread_mutex_t mu;
    pthread_cond_t wake_worker, wake_producer;
    bool stop, discard;          /* under mu */
};

/* Workers run as SCHED_IDLE rather than SCHED_BATCH (digest.h). */
static atomic_bool idle_workers;

void digest_idle_workers(bool on)
{
    atomic_store(&idle_workers, on);
}

static void *worker(void *arg)
{
    struct digest_bg *b = arg;
    /* A batch job to the scheduler: its wake-ups do not preempt the
     * shell's thread (measured: 3.8-4.1 Gbit/s against 3.3-4.0); or an
     * idle one, that runs only on a core nobody else wants. */
    struct sched_param sp = {0};
    sched_setscheduler(0, atomic_load(&idle_workers) ? SCHED_IDLE : SCHED_BATCH, &sp);
    size_t tail = atomic_load_explicit(&b->tail, memory_order_relaxed);
    for (;;) {
        size_t head = atomic_load_explicit(&b->head, memory_order_acquire);
        if (head == tail) {
            /* Sleep until a CHUNK is waiting (a wake-up per commit would
             * cost more than the hashing).  Idle is announced before head
             * is looked at again, and the producer stores head before it
             * looks at idle: one of the two sees the other (both
             * sequentially consistent). */
            pthread_mutex_lock(&b->mu);
            atomic_store(&b->worker_idle, true);
            while ((head = atomic_load(&b->head)) - tail < CHUNK && !b->stop &&
                   !atomic_load(&b->handover))
                pthread_cond_wait(&b->wake_worker, &b->mu);
            atomic_store(&b->worker_idle, false);
            bool stop = b->stop, discard = b->discard;
            pthread_mutex_unlock(&b->mu);
            if (discard || (stop && head == tail) || atomic_load(&b->handover))
                return NULL;
            continue;
        }
        size_t n = head - tail;
        if (n > CHUNK)
            n = CHUNK;
        if (!b->ring) {                  /* seeded: make the bytes again */
            uint8_t made[16384];         /* made and hashed while in L1 */
            for (size_t k = 0; k < n; k += sizeof made) {
                size_t m = n - k < sizeof made ? n - k : sizeof made;
                stream_bytes(b->seed, tail + k, made, m);
                sha256_update(&b->sha, made, m);
            }
        } else {
            size_t off = tail & (RING_BYTES - 1);
            if (n > RING_BYTES - off)
                n = RING_BYTES - off;
            sha256_update(&b->sha, b->ring + off, n);
        }
        tail += n;
        atomic_store(&b->tail, tail);
        if (atomic_load_explicit(&b->dropped, memory_order_relaxed) ||
            atomic_load(&b->handover))
            return NULL;             /* a seeded stream may be far ahead */
        if (atomic_load(&b->producer_waiting)) {
            pthread_mutex_lock(&b->mu);
            pthread_cond_signal(&b->wake_producer);
            bool discard = b->discard;
            pthread_mutex_unlock(&b->mu);
            if (discard)
                return NULL;
        }
    }
}

/* The ring, or NULL (no memory): the caller then writes into d->spare. */
static struct digest_bg *ring_of(struct digest *d)
{
    if (d->bg)
        return d->bg;
    struct digest_bg *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ring = malloc(RING_BYTES);
    if (!b->ring) {
        free(b);
        return NULL;
    }
    d->bg = b;
    return b;
}

/* Start hashing in the background, at a moment when the ring is empty; if
 * no thread can be had, everything goes on being hashed inline. */
static void start_worker(struct digest *d)
{
    struct digest_bg *b = d->bg;
    b->tried = true;
    b->sha = d->sha;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->wake_worker, NULL);
    pthread_cond_init(&b->wake_producer, NULL);
    /* Signals (Ctrl-C above all) stay with the shell's thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&b->thread, NULL, worker, b);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&b->wake_producer);
        pthread_cond_destroy(&b->wake_worker);
        pthread_mutex_destroy(&b->mu);
        return;
    }
    b->running = true;
}

/* Hash [from, to) of the stream in this thread: the ring's bytes, or a
 * seeded stream's made again. */
static void hash_here(struct digest *d, struct digest_bg *b, size_t from, size_t to)
{
    uint8_t made[16384];
    while (from < to) {
        size_t n = to - from;
        if (b->ring) {
            size_t off = from & (RING_BYTES - 1);
            if (n > RING_BYTES - off)
                n = RING_BYTES - off;
            sha256_update(&d->sha, b->ring + off, n);
        } else {
            if (n > sizeof made)
                n = sizeof made;
            stream_bytes(b->seed, from, made, n);
            sha256_update(&d->sha, made, n);
        }
        from += n;
    }
}

/* Take the hashing back from the worker: it stops after the chunk it is
 * in, and this thread hashes what it had not (an idle worker may have
 * been given no core at all).  The ring stays, hashed, empty, and from
 * now on each commit is hashed at once. */
static void take_over(struct digest *d)
{
    struct digest_bg *b = d->bg;
    atomic_store(&b->handover, true);
    pthread_mutex_lock(&b->mu);
    pthread_cond_signal(&b->wake_worker);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->thread, NULL);
    pthread_cond_destroy(&b->wake_producer);
    pthread_cond_destroy(&b->wake_worker);
    pthread_mutex_destroy(&b->mu);
    b->running = false;
    d->sha = b->sha;
    size_t head = atomic_load(&b->head), tail = atomic_load(&b->tail);
    hash_here(d, b, tail, head);
    atomic_store(&b->tail, head);
}

/* Stop the worker (once the ring is hashed, unless discard), take its
 * state back into d->sha, and free the ring. */
static void end_ring(struct digest *d, bool discard)
{
    struct digest_bg *b = d->bg;
    if (b->running && !discard)
        take_over(d);
    if (b->running) {
        atomic_store(&b->dropped, discard);
        pthread_mutex_lock(&b->mu);
        b->stop = true;
        b->discard = discard;
        pthread_cond_signal(&b->wake_worker);
        pthread_mutex_unlock(&b->mu);
        pthread_join(b->thread, NULL);
        d->sha = b->sha;
        pthread_cond_destroy(&b->wake_producer);
        pthread_cond_destroy(&b->wake_worker);
        pthread_mutex_destroy(&b->mu);
    }
    free(b->ring);
    free(b);
    d->bg = NULL;
}

void digest_init(struct digest *d)
{
    sha256_init(&d->sha);
    d->len = 0;
    d->bg = NULL;
    d->seeded = false;
    d->seed = 0;
}

void digest_init_seeded(struct digest *d, uint64_t seed)
{
    digest_init(d);
    d->seeded = true;
    d->seed = seed;
}

void digest_update_seeded(struct digest *d, const void *p, size_t n)
{
    struct digest_bg *b = d->bg;
    d->len += n;
    if (!b || !b->running) {             /* inline: short, or no worker to be had */
        sha256_update(&d->sha, p, n);
        if (!b && d->len > DIGEST_INLINE_MAX && (b = calloc(1, sizeof *b))) {
            b->seed = d->seed;
            atomic_init(&b->head, (size_t)d->len);
            atomic_init(&b->tail, (size_t)d->len);
            d->bg = b;
            start_worker(d);             /* tried once; kept as the mark if it fails */
        }
        return;
    }
    size_t head = atomic_load_explicit(&b->head, memory_order_relaxed) + n;
    atomic_store(&b->head, head);
    if (head - atomic_load(&b->tail) >= CHUNK && atomic_load(&b->worker_idle)) {
        pthread_mutex_lock(&b->mu);
        pthread_cond_signal(&b->wake_worker);
        pthread_mutex_unlock(&b->mu);
    }
}

uint8_t *digest_room(struct digest *d, size_t *room)
{
    struct digest_bg *b = ring_of(d);
    if (!b) {
        if (*room > sizeof d->spare || *room == 0)
            *room = sizeof d->spare;
        return d->spare;
    }
    size_t head = atomic_load_explicit(&b->head, memory_order_relaxed);
    size_t space = RING_BYTES - (head - atomic_load_explicit(&b->tail, memory_order_acquire));
    if (space == 0 && atomic_load(&idle_workers)) {
        take_over(d);            /* an idle worker that fell a ring behind */
        space = RING_BYTES;
    }
    if (space == 0) {            /* only while the worker runs */
        pthread_mutex_lock(&b->mu);
        atomic_store(&b->producer_waiting, true);
        if (atomic_load(&b->worker_idle))
            pthread_cond_signal(&b->wake_worker);
        while ((space = RING_BYTES - (head - atomic_load(&b->tail))) == 0)
            pthread_cond_wait(&b->wake_producer, &b->mu);
        atomic_store(&b->producer_waiting, false);
        pthread_mutex_unlock(&b->mu);
    }
    size_t off = head & (RING_BYTES - 1);
    if (space > RING_BYTES - off)
        space = RING_BYTES - off;
    if (*room == 0 || *room > space)
        *room = space;
    return b->ring + off;
}

void digest_commit(struct digest *d, size_t n)
{
    struct digest_bg *b = d->bg;
    d->len += n;
    if (!b) {
        sha256_update(&d->sha, d->spare, n);
        return;
    }
    size_t head = atomic_load_explicit(&b->head, memory_order_relaxed);
    if (!b->running) {
        /* Inline: hash in place; the ring stays empty. */
        sha256_update(&d->sha, b->ring + (head & (RING_BYTES - 1)), n);
        atomic_store_explicit(&b->head, head + n, memory_order_relaxed);
        atomic_store_explicit(&b->tail, head + n, memory_order_relaxed);
        if (d->len > DIGEST_INLINE_MAX && !b->tried)
            start_worker(d);
        return;
    }
    atomic_store(&b->head, head + n);
    if (head + n - atomic_load(&b->tail) >= CHUNK && atomic_load(&b->worker_idle)) {
        pthread_mutex_lock(&b->mu);
        pthread_cond_signal(&b->wake_worker);
        pthread_mutex_unlock(&b->mu);
    }
}

void digest_update(struct digest *d, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        size_t room = len;
        uint8_t *to = digest_room(d, &room);
        memcpy(to, p, room);
        digest_commit(d, room);
        p += room;
        len -= room;
    }
}

void digest_final(struct digest *d, uint8_t out[32])
{
    if (d->bg)
        end_ring(d, false);
    sha256_final(&d->sha, out);
}

void digest_drop(struct digest *d)
{
    if (d->bg)
        end_ring(d, true);
    digest_init(d);
}
