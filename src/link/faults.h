/* The fault injector: a wire with faults, for any link.  Sans-IO, like
 * the stack: frames go in with the time they left their sender
 * (faults_push), come out at the time they reach the other side
 * (faults_pop / faults_run), and faults_next() says when that is.  In
 * between, as the shell's `wire` command sets them, a frame may be held
 * for single-stepping, dropped, lost at random, corrupted, queued behind
 * a bottleneck of limited rate (and tail-dropped when its queue is full),
 * delayed, held back so that later frames overtake it, or duplicated.
 * Every random choice comes from the injector's own seeded generator, so
 * a sim-mode run with one seed is the same run every time.
 *
 * Frames travel in two directions: dir is the index of the side that sent
 * the frame (0 or 1), and it is delivered to the other side.
 *
 * For a link with its own I/O (tap mode) the whole hook is one call per
 * frame, faults_pass(), plus faults_run() and faults_next() in its loop;
 * see faults_pass below. */
#ifndef TCPLAB_FAULTS_H
#define TCPLAB_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"
#include "util/tltime.h"
#include "wire/eth.h"

#define FAULTS_PPM         1000000u    /* probabilities are in parts per million */
#define FAULTS_HELD_MAX    4096        /* frames `wire hold` keeps; more are dropped */
#define FAULTS_QUEUE_MAX   100000      /* the largest bottleneck queue, frames */
#define FAULTS_QUEUE_DEFAULT 100       /* `wire rate RATE` without QUEUE (Linux txqueuelen 1000 / 10) */

struct fault_settings {
    bool hold;                 /* keep frames until `wire step` / `wire release` */
    bool down;                 /* `wire down`: every frame is lost, both directions */
    uint32_t drop_next;        /* drop the next N frames (either direction) */
    uint32_t loss, dup, reorder, corrupt;   /* ppm */
    tl_time delay;             /* added to the link's own delay */
    uint64_t rate;             /* bits per second of the bottleneck; 0: none */
    uint32_t queue;            /* frames its queue holds (each direction) */
    uint32_t queue_bytes;      /* or, when not 0, bytes (a tc bfifo limit) */
};

struct fault_stats {
    uint64_t in, delivered;
    uint64_t dropped;          /* by `wire drop` */
    uint64_t lost;             /* by `wire loss` */
    uint64_t queue_drops;      /* bottleneck queue full */
    uint64_t down_drops;       /* lost while the wire was down */
    uint64_t held_drops;       /* too many held */
    uint64_t duplicated, reordered, corrupted;
};

struct fault_frame {
    struct fault_frame *next;
    tl_time at;                /* delivery time (held: when it was sent) */
    uint64_t order;            /* arrival order: equal times keep it */
    int dir;                   /* the side that sent it */
    bool corrupted, duplicate, reordered;
    size_t len;
    uint8_t data[ETH_FRAME_MAX];
};

/* The departure times of frames in one direction's bottleneck queue. */
struct fault_queue {
    tl_time *depart;           /* a ring of `cap` */
    uint32_t *len;             /* ... and the frames' lengths */
    uint64_t bytes;            /* the sum of those still queued */
    uint32_t cap, head, n;
    tl_time free_at;           /* when the bottleneck is next idle */
};

/* What became of a frame, for whoever draws the session (src/draw/slog.h). */
enum fault_fate { FAULT_DELIVERED, FAULT_LOST, FAULT_DROPPED, FAULT_QUEUE, FAULT_CORRUPTED };
typedef void (*faults_fate_fn)(void *ctx, int dir, const uint8_t *frame, size_t len,
                               enum fault_fate fate, bool dup, tl_time at);

struct faults {
    struct fault_settings set;
    struct fault_stats st;
    struct rng rng;
    tl_time base_delay;        /* the link's own one-way delay */
    struct fault_frame *held, *held_tail;
    size_t nheld;
    struct fault_frame *q, *q_tail;     /* in flight, by delivery time */
    size_t nq;
    struct fault_queue bq[2];
    struct fault_frame *spare;          /* recycled frames */
    size_t nspare;
    uint64_t order;
    faults_fate_fn on_fate;             /* NULL: nobody asks */
    void *fate_ctx;
};

struct faults *faults_new(uint64_t seed, tl_time base_delay);
void faults_free(struct faults *f);

/* New settings (the hold flag and held frames are left alone; use
 * faults_hold / faults_release).  0, or -EINVAL / -ENOMEM. */
int faults_configure(struct faults *f, const struct fault_settings *s, tl_time now);
/* `wire reset`: no faults, held frames released into the (clean) wire. */
void faults_reset(struct faults *f, tl_time now);
void faults_hold(struct faults *f, bool on, tl_time now);
/* Release held frames into the wire, the oldest first: n of them (step),
 * or all and stop holding (release).  Returns how many went. */
size_t faults_step(struct faults *f, size_t n, tl_time now);
size_t faults_release(struct faults *f, tl_time now);
/* True while the settings leave frames as they are (nothing to apply). */
bool faults_clean(const struct faults *f);

/* A frame leaves side dir at now; the injector copies it. */
void faults_push(struct faults *f, int dir, const uint8_t *frame, size_t len, tl_time now);
/* When the next frame is due at the other side, or TL_NEVER. */
tl_time faults_next(const struct faults *f);
/* The next frame due at or before now (NULL if none); give it back with
 * faults_recycle once delivered. */
struct fault_frame *faults_pop(struct faults *f, tl_time now);
void faults_recycle(struct faults *f, struct fault_frame *fr);

typedef void (*faults_deliver_fn)(void *ctx, int dir, const uint8_t *frame, size_t len, tl_time at);
/* Deliver every frame due by now, in order; returns how many. */
size_t faults_run(struct faults *f, tl_time now, faults_deliver_fn deliver, void *ctx);
/* The one-call hook for a link: a frame leaves side dir at now.  With no
 * faults set and nothing queued or held it is delivered at once, uncopied;
 * otherwise it enters the injector, and what is due is delivered.  The
 * link then calls faults_run() when faults_next() comes due. */
size_t faults_pass(struct faults *f, int dir, const uint8_t *frame, size_t len, tl_time now,
                   faults_deliver_fn deliver, void *ctx);

/* The settings in `wire`'s words, e.g. "loss 5% dup 1% delay 10ms"
 * ("no faults" when clean). */
void faults_describe(const struct faults *f, char *buf, size_t cap);

#endif
