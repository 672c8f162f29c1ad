/* The fault injector (link/faults.h): frames from either side of a link,
 * through the faults the `wire` command set, to the other side at their
 * delivery time.  A wrapper any link can stack on: the sim wire keeps all
 * its frames here, tap mode passes its frames through faults_pass(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/faults.h"

#define SPARE_MAX      256                 /* recycled frames kept for reuse */
#define REORDER_MIN    (1 * TL_MS)         /* how long a reordered frame is held back, at least */

struct faults *faults_new(uint64_t seed, tl_time base_delay)
{
    struct faults *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    rng_seed(&f->rng, seed ^ 0x77697265666c7473ull);   /* "wireflts": apart from the hosts' */
    f->base_delay = base_delay;
    return f;
}

static void free_list(struct fault_frame *fr)
{
    while (fr) {
        struct fault_frame *n = fr->next;
        free(fr);
        fr = n;
    }
}

void faults_free(struct faults *f)
{
    if (!f)
        return;
    free_list(f->held);
    free_list(f->q);
    free_list(f->spare);
    free(f->bq[0].depart);
    free(f->bq[1].depart);
    free(f->bq[0].len);
    free(f->bq[1].len);
    free(f);
}

bool faults_clean(const struct faults *f)
{
    const struct fault_settings *s = &f->set;
    return !s->hold && !s->down && !s->drop_next && !s->loss && !s->dup && !s->reorder && !s->corrupt &&
           !s->delay && !s->rate;
}

static struct fault_frame *frame_get(struct faults *f)
{
    struct fault_frame *fr = f->spare;
    if (fr) {
        f->spare = fr->next;
        f->nspare--;
    } else {
        fr = malloc(sizeof *fr);
        if (!fr)
            return NULL;
    }
    memset(fr, 0, offsetof(struct fault_frame, data));
    return fr;
}

void faults_recycle(struct faults *f, struct fault_frame *fr)
{
    if (!fr)
        return;
    if (f->nspare >= SPARE_MAX) {
        free(fr);
        return;
    }
    fr->next = f->spare;
    f->spare = fr;
    f->nspare++;
}

static bool chance(struct faults *f, uint32_t ppm)
{
    return ppm && rng_below(&f->rng, FAULTS_PPM) < ppm;
}

/* Into the in-flight list, by (time, order): usually at the tail. */
static void enqueue(struct faults *f, struct fault_frame *fr)
{
    fr->order = f->order++;
    fr->next = NULL;
    if (!f->q_tail || f->q_tail->at <= fr->at) {
        if (f->q_tail)
            f->q_tail->next = fr;
        else
            f->q = fr;
        f->q_tail = fr;
    } else {
        struct fault_frame **pp = &f->q;
        while ((*pp)->at <= fr->at)
            pp = &(*pp)->next;
        fr->next = *pp;
        *pp = fr;
    }
    f->nq++;
}

/* The bottleneck of one direction: false if its queue is full, else the
 * time the frame has left it. */
static bool bottleneck(struct faults *f, int dir, size_t len, tl_time now, tl_time *out)
{
    struct fault_queue *b = &f->bq[dir];
    while (b->n && b->depart[b->head] <= now) {
        b->bytes -= b->len[b->head];
        b->head = (b->head + 1) % b->cap;
        b->n--;
    }
    bool full = f->set.queue_bytes ? b->bytes + len > f->set.queue_bytes : b->n >= f->set.queue;
    if (full || b->n >= b->cap)
        return false;
    tl_time start = b->free_at > now ? b->free_at : now;
    /* The frame on the wire: preamble, header, CRC and gap make 24 bytes
     * more than what we hold of it (Ethernet's 38 less the 14 of the header). */
    tl_time tx = (tl_time)(((uint64_t)(len + 24) * 8 * TL_SEC + f->set.rate - 1) / f->set.rate);
    b->free_at = start + tx;
    b->depart[(b->head + b->n) % b->cap] = b->free_at;
    b->len[(b->head + b->n) % b->cap] = (uint32_t)len;
    b->bytes += len;
    b->n++;
    *out = b->free_at;
    return true;
}

static void fate(struct faults *f, const struct fault_frame *fr, enum fault_fate what, tl_time at)
{
    if (f->on_fate)
        f->on_fate(f->fate_ctx, fr->dir, fr->data, fr->len, what, fr->duplicate, at);
}

/* Everything after `hold`, for one frame. */
static void process(struct faults *f, struct fault_frame *fr, tl_time now)
{
    struct fault_settings *s = &f->set;
    if (s->down) {
        f->st.down_drops++;
        faults_recycle(f, fr);
        return;
    }
    if (s->drop_next) {
        s->drop_next--;
        f->st.dropped++;
        fate(f, fr, FAULT_DROPPED, now);
        faults_recycle(f, fr);
        return;
    }
    if (chance(f, s->loss)) {
        f->st.lost++;
        fate(f, fr, FAULT_LOST, now);
        faults_recycle(f, fr);
        return;
    }
    if (chance(f, s->corrupt) && fr->len) {
        /* One bit flipped anywhere in the frame: the checksums (or the
         * Ethernet and IP checks) must catch it. */
        uint32_t bit = rng_below(&f->rng, (uint32_t)fr->len * 8);
        fr->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        fr->corrupted = true;
        f->st.corrupted++;
    }
    tl_time depart = now;
    if (s->rate && !bottleneck(f, fr->dir, fr->len, now, &depart)) {
        f->st.queue_drops++;
        fate(f, fr, FAULT_QUEUE, now);
        faults_recycle(f, fr);
        return;
    }
    fr->at = depart + f->base_delay + s->delay;
    if (chance(f, s->reorder)) {
        tl_time back = 2 * (f->base_delay + s->delay);
        fr->at += back > REORDER_MIN ? back : REORDER_MIN;
        fr->reordered = true;
        f->st.reordered++;
    }
    if (chance(f, s->dup)) {
        struct fault_frame *d = frame_get(f);
        if (d) {
            memcpy(d, fr, sizeof *d);
            d->duplicate = true;
            f->st.duplicated++;
            enqueue(f, fr);
            enqueue(f, d);
            return;
        }
    }
    enqueue(f, fr);
}

void faults_push(struct faults *f, int dir, const uint8_t *frame, size_t len, tl_time now)
{
    f->st.in++;
    if (len > ETH_FRAME_MAX)
        len = ETH_FRAME_MAX;
    if (f->set.hold && f->nheld >= FAULTS_HELD_MAX) {
        f->st.held_drops++;
        if (f->on_fate)
            f->on_fate(f->fate_ctx, dir ? 1 : 0, frame, len, FAULT_DROPPED, false, now);
        return;
    }
    struct fault_frame *fr = frame_get(f);
    if (!fr) {
        f->st.lost++;
        if (f->on_fate)
            f->on_fate(f->fate_ctx, dir ? 1 : 0, frame, len, FAULT_LOST, false, now);
        return;
    }
    fr->dir = dir ? 1 : 0;
    fr->len = len;
    fr->at = now;
    memcpy(fr->data, frame, len);
    if (f->set.hold) {
        if (f->held_tail)
            f->held_tail->next = fr;
        else
            f->held = fr;
        f->held_tail = fr;
        f->nheld++;
        return;
    }
    process(f, fr, now);
}

tl_time faults_next(const struct faults *f)
{
    return f->q ? f->q->at : TL_NEVER;
}

struct fault_frame *faults_pop(struct faults *f, tl_time now)
{
    struct fault_frame *fr = f->q;
    if (!fr || fr->at > now)
        return NULL;
    f->q = fr->next;
    if (!f->q)
        f->q_tail = NULL;
    f->nq--;
    fr->next = NULL;
    f->st.delivered++;
    fate(f, fr, fr->corrupted ? FAULT_CORRUPTED : FAULT_DELIVERED, fr->at);
    return fr;
}

size_t faults_run(struct faults *f, tl_time now, faults_deliver_fn deliver, void *ctx)
{
    size_t n = 0;
    struct fault_frame *fr;
    while ((fr = faults_pop(f, now))) {
        deliver(ctx, fr->dir, fr->data, fr->len, fr->at);
        faults_recycle(f, fr);
        n++;
    }
    return n;
}

size_t faults_pass(struct faults *f, int dir, const uint8_t *frame, size_t len, tl_time now,
                   faults_deliver_fn deliver, void *ctx)
{
    if (faults_clean(f) && !f->q && f->base_delay == 0) {
        f->st.in++;
        f->st.delivered++;
        if (f->on_fate)
            f->on_fate(f->fate_ctx, dir ? 1 : 0, frame, len, FAULT_DELIVERED, false, now);
        deliver(ctx, dir, frame, len, now);
        return 1;
    }
    faults_push(f, dir, frame, len, now);
    return faults_run(f, now, deliver, ctx);
}

size_t faults_step(struct faults *f, size_t n, tl_time now)
{
    size_t done = 0;
    while (done < n && f->held) {
        struct fault_frame *fr = f->held;
        f->held = fr->next;
        if (!f->held)
            f->held_tail = NULL;
        f->nheld--;
        fr->next = NULL;
        process(f, fr, now);
        done++;
    }
    return done;
}

size_t faults_release(struct faults *f, tl_time now)
{
    f->set.hold = false;
    return faults_step(f, f->nheld, now);
}

void faults_hold(struct faults *f, bool on, tl_time now)
{
    if (on)
        f->set.hold = true;
    else
        faults_release(f, now);
}

static int queue_alloc(struct fault_queue *b, uint32_t cap)
{
    if (b->cap == cap)
        return 0;
    tl_time *d = calloc(cap ? cap : 1, sizeof *d);
    uint32_t *l = calloc(cap ? cap : 1, sizeof *l);
    if (!d || !l) {
        free(d);
        free(l);
        return -ENOMEM;
    }
    /* Keep the departures still pending, as many as fit. */
    uint32_t keep = b->n < cap ? b->n : cap;
    b->bytes = 0;
    for (uint32_t i = 0; i < keep; i++) {
        d[i] = b->depart[(b->head + i) % b->cap];
        l[i] = b->len[(b->head + i) % b->cap];
        b->bytes += l[i];
    }
    free(b->depart);
    free(b->len);
    b->depart = d;
    b->len = l;
    b->cap = cap;
    b->head = 0;
    b->n = keep;
    return 0;
}

int faults_configure(struct faults *f, const struct fault_settings *s, tl_time now)
{
    if (s->loss > FAULTS_PPM || s->dup > FAULTS_PPM || s->reorder > FAULTS_PPM ||
        s->corrupt > FAULTS_PPM || s->delay < 0 || s->queue > FAULTS_QUEUE_MAX)
        return -EINVAL;
    if (s->rate) {
        uint32_t q = s->queue ? s->queue : FAULTS_QUEUE_DEFAULT;
        if (s->queue_bytes)                     /* room for the smallest frames */
            q = s->queue_bytes / ETH_FRAME_MIN + 1 < FAULTS_QUEUE_MAX
                  ? s->queue_bytes / ETH_FRAME_MIN + 1 : FAULTS_QUEUE_MAX;
        for (int d = 0; d < 2; d++)
            if (queue_alloc(&f->bq[d], q) < 0)
                return -ENOMEM;
    }
    bool hold = f->set.hold;
    f->set = *s;
    f->set.hold = hold;
    if (f->set.rate && !f->set.queue)
        f->set.queue = FAULTS_QUEUE_DEFAULT;
    (void)now;
    return 0;
}

void faults_reset(struct faults *f, tl_time now)
{
    struct fault_settings none = {0};
    f->set.hold = false;
    faults_configure(f, &none, now);
    faults_release(f, now);
}

/* "5%", "0.5%", "12.25%" */
static int pct(char *buf, size_t cap, uint32_t ppm)
{
    uint32_t whole = ppm / 10000, frac = ppm % 10000;
    if (!frac)
        return snprintf(buf, cap, "%u%%", whole);
    char f4[8];
    snprintf(f4, sizeof f4, "%04u", frac);
    for (int i = 3; i > 0 && f4[i] == '0'; i--)
        f4[i] = '\0';
    return snprintf(buf, cap, "%u.%s%%", whole, f4);
}

/* "10Mbit", "1.5Gbit", "64kbit" as tc prints rates */
static void rate(char *buf, size_t cap, uint64_t bps)
{
    static const struct { uint64_t div; const char *unit; } u[] = {
        {1000000000, "Gbit"}, {1000000, "Mbit"}, {1000, "kbit"}, {1, "bit"}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        if (bps < u[i].div && u[i].div > 1)
            continue;
        if (bps % u[i].div == 0)
            snprintf(buf, cap, "%llu%s", (unsigned long long)(bps / u[i].div), u[i].unit);
        else
            snprintf(buf, cap, "%.3g%s", (double)bps / (double)u[i].div, u[i].unit);
        return;
    }
}

void faults_describe(const struct faults *f, char *buf, size_t cap)
{
    const struct fault_settings *s = &f->set;
    size_t n = 0;
    char v[32];
    buf[0] = '\0';
#define ADD(...) do { if (n < cap) n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__); } while (0)
    if (s->down)
        ADD("%sdown", n ? " " : "");
    if (s->hold)
        ADD("%shold", n ? " " : "");
    if (s->drop_next)
        ADD("%sdrop %u", n ? " " : "", s->drop_next);
    if (s->loss) {
        pct(v, sizeof v, s->loss);
        ADD("%sloss %s", n ? " " : "", v);
    }
    if (s->dup) {
        pct(v, sizeof v, s->dup);
        ADD("%sdup %s", n ? " " : "", v);
    }
    if (s->reorder) {
        pct(v, sizeof v, s->reorder);
        ADD("%sreorder %s", n ? " " : "", v);
    }
    if (s->corrupt) {
        pct(v, sizeof v, s->corrupt);
        ADD("%scorrupt %s", n ? " " : "", v);
    }
    if (s->delay) {
        tl_dur_text(s->delay, v, sizeof v);
        ADD("%sdelay %s", n ? " " : "", v);
    }
    if (s->rate) {
        rate(v, sizeof v, s->rate);
        if (s->queue_bytes % (1024 * 1024) == 0 && s->queue_bytes)
            ADD("%srate %s %uMB", n ? " " : "", v, s->queue_bytes / (1024 * 1024));
        else if (s->queue_bytes % 1024 == 0 && s->queue_bytes)
            ADD("%srate %s %ukB", n ? " " : "", v, s->queue_bytes / 1024);
        else if (s->queue_bytes)
            ADD("%srate %s %uB", n ? " " : "", v, s->queue_bytes);
        else
            ADD("%srate %s %u", n ? " " : "", v, s->queue);
    }
    if (!n)
        ADD("no faults");
#undef ADD
}
