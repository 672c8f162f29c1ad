/* The session log (slog.h): what the shell saw, kept for the pictures.
 * Fed by the shell's frame hook, the fault injector's fate hook, the trace
 * rings and the socket calls; read by src/draw's pictures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "draw/slog.h"

const char *slog_fate_name(enum slog_fate f)
{
    static const char *const names[] = {
#define SLOG_FATE_NAME(name, text) text,
        SLOG_FATES(SLOG_FATE_NAME)
#undef SLOG_FATE_NAME
    };
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static void vec_free(struct slog_vec *v, size_t size)
{
    if (v->mapped)
        munmap(v->v, SLOG_MAX_EVENTS * size);
    else
        free(v->v);
}

/* Room for one more element of `size` bytes, or NULL (counted as lost).
 * The room for all SLOG_MAX_EVENTS is mapped at the first push (address
 * space only: the pages come as they are written), so a long log is never
 * copied to grow, and past SLOG_HUGE_AT bytes it asks for huge pages (a
 * bulk transfer logs every frame: 4 KiB pages cost a fault each few
 * frames).  Without the mapping, realloc doubles as it goes. */
static void *vec_push(struct slog_vec *v, size_t size)
{
    if (v->cap == 0) {
        void *p = mmap(NULL, SLOG_MAX_EVENTS * size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            v->v = p;
            v->cap = SLOG_MAX_EVENTS;
            v->mapped = true;
        }
    }
    if (v->mapped && !v->huge && v->n * size >= SLOG_HUGE_AT) {
        madvise(v->v, SLOG_MAX_EVENTS * size, MADV_HUGEPAGE);
        v->huge = true;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        if (cap > SLOG_MAX_EVENTS)
            cap = SLOG_MAX_EVENTS;
        void *nv = v->n < SLOG_MAX_EVENTS ? realloc(v->v, cap * size) : NULL;
        if (!nv) {
            v->lost++;
            return NULL;
        }
        v->v = nv;
        v->cap = cap;
    }
    void *e = (char *)v->v + v->n++ * size;
    if (!v->mapped)
        memset(e, 0, size);      /* a mapping's pages come zeroed, each used once */
    return e;
}

struct slog *slog_new(void)
{
    struct slog *l = calloc(1, sizeof *l);
    if (l)
        l->delay = 100;
    return l;
}

void slog_free(struct slog *l)
{
    if (!l)
        return;
    vec_free(&l->frames, sizeof(struct slog_frame));
    free(l->bucket);
    free(l->link);
    vec_free(&l->states, sizeof(struct slog_state));
    vec_free(&l->calls, sizeof(struct slog_call));
    vec_free(&l->tcbs, sizeof(struct slog_tcb));
    vec_free(&l->socks, sizeof(struct slog_sock));
    free(l);
}

/* What same_frame() compares, hashed: equal frames hash equal.  The
 * first 64 bytes are enough to tell frames apart (the headers: addresses,
 * IP id, sequence numbers, checksums); same_frame has the last word. */
static uint32_t frame_hash(int from, size_t len, const uint8_t *p, size_t caplen)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len << 1 ^ (uint64_t)from;
    size_t i = 0;
    if (caplen > 64)
        caplen = 64;
    for (; i + 8 <= caplen; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 29;
    }
    for (; i < caplen; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return (uint32_t)(h ^ h >> 32);
}

int slog_add_frame(struct slog *l, int from, const uint8_t *frame, size_t len, tl_time t)
{
    struct slog_frame *f = vec_push(&l->frames, sizeof *f);
    if (!f)
        return -1;
    if (l->frames.n == 1 && !l->bucket) {
        l->bucket = calloc(SLOG_BUCKETS, sizeof *l->bucket);
        l->link = malloc(SLOG_MAX_EVENTS * sizeof *l->link);
        if (!l->bucket || !l->link) {
            free(l->bucket);
            l->bucket = NULL;
        }
    }
    f->n = l->next_n++;
    f->from = from ? 1 : 0;
    f->t = t;
    f->arrive = TL_NEVER;
    f->fate = SLOG_UNKNOWN;
    f->len = (uint16_t)(len > 0xffff ? 0xffff : len);
    f->caplen = (uint16_t)(len < SLOG_SNAP ? len : SLOG_SNAP);
    memcpy(f->data, frame, f->caplen);
    if (l->bucket) {
        struct slog_link *k = &l->link[l->frames.n - 1];
        k->hash = frame_hash(f->from, f->len, f->data, f->caplen);
        uint32_t *b = &l->bucket[k->hash % SLOG_BUCKETS];
        k->chain = *b;
        *b = (uint32_t)l->frames.n;
    }
    return 0;
}

/* Equal, or (corrupted) equal but for one byte. */
static bool same_frame(const struct slog_frame *f, const uint8_t *p, size_t len, bool corrupted)
{
    if (len != f->len)
        return false;
    size_t diff = 0;
    for (size_t i = 0; i < f->caplen; i++)
        if (f->data[i] != p[i] && ++diff > (corrupted ? 1u : 0u))
            return false;
    return true;
}

/* False if no frame in flight from `from` in [lo, hi) can hash to h; true
 * if one may.  The set is made when the same window comes a second time,
 * and stays right while it does: frames only leave flight, and none can
 * enter the window without moving hi. */
static bool in_window(struct slog *l, int from, size_t lo, size_t hi, uint32_t h)
{
    struct slog_window *w = &l->win[from];
    if (w->lo != lo || w->hi != hi) {
        w->lo = lo;
        w->hi = hi;
        w->seen = 1;
        return true;
    }
    if (w->seen == 1) {
        w->seen = 2;
        memset(w->bits, 0, sizeof w->bits);
        const struct slog_frame *fr = l->frames.v;
        for (size_t k = lo; k < hi; k++)
            if (fr[k].from == from && fr[k].fate == SLOG_UNKNOWN) {
                uint32_t b = (l->link[k].hash >> 16) % SLOG_WINDOW_BITS;
                w->bits[b / 64] |= 1ull << (b % 64);
            }
    }
    uint32_t b = (h >> 16) % SLOG_WINDOW_BITS;
    return w->bits[b / 64] >> (b % 64) & 1;
}

void slog_fate(struct slog *l, int from, const uint8_t *frame, size_t len, enum slog_fate fate,
               bool dup, tl_time at)
{
    from = from ? 1 : 0;
    struct slog_frame *fr = l->frames.v;
    if (dup) {
        /* the second copy of a frame already delivered: the newest such */
        for (size_t i = l->frames.n, k = 0; i-- > 0 && k < 4096; k++)
            if (fr[i].from == from && !fr[i].dup && fr[i].fate != SLOG_UNKNOWN &&
                same_frame(&fr[i], frame, len, fate == SLOG_CORRUPTED)) {
                fr[i].dup = true;
                return;
            }
        return;
    }
    size_t i = l->unmatched[from];
    while (i < l->frames.n && (fr[i].from != from || fr[i].fate != SLOG_UNKNOWN))
        i++;
    l->unmatched[from] = i;
    /* The oldest frames in flight come first; a reordered frame is found
     * a little further on (4096 frames at most).  Whole frames are found
     * by their hash: the frames of that bucket from i on, newest first. */
    size_t end = l->frames.n - i > SLOG_WINDOW ? i + SLOG_WINDOW : l->frames.n;
    if (l->bucket && fate != SLOG_CORRUPTED) {
        uint32_t h = frame_hash(from, len, frame, len < SLOG_SNAP ? len : SLOG_SNAP);
        if (!in_window(l, from, i, end, h))
            return;
        struct slog_frame *best = NULL;
        for (uint32_t j = l->bucket[h % SLOG_BUCKETS]; j && j - 1 >= i; j = l->link[j - 1].chain) {
            struct slog_frame *f = &fr[j - 1];
            if (j - 1 < end && l->link[j - 1].hash == h && f->from == from &&
                f->fate == SLOG_UNKNOWN && same_frame(f, frame, len, false))
                best = f;
        }
        if (best) {
            best->fate = (uint8_t)fate;
            best->arrive = fate == SLOG_DELIVERED ? at : TL_NEVER;
        }
        return;
    }
    for (size_t k = 0; i < l->frames.n && k < SLOG_WINDOW; i++, k++) {
        struct slog_frame *f = &fr[i];
        if (f->from != from || f->fate != SLOG_UNKNOWN ||
            !same_frame(f, frame, len, fate == SLOG_CORRUPTED))
            continue;
        f->fate = (uint8_t)fate;
        f->arrive = fate == SLOG_DELIVERED || fate == SLOG_CORRUPTED ? at : TL_NEVER;
        return;
    }
}

int slog_add_state(struct slog *l, int host, int sock, tl_time t, int old_state, int new_state,
                   int cause)
{
    struct slog_state *s = vec_push(&l->states, sizeof *s);
    if (!s)
        return -1;
    *s = (struct slog_state){l->next_n++, host, sock, t, (uint8_t)old_state, (uint8_t)new_state,
                             (uint8_t)cause};
    return 0;
}

int slog_add_call(struct slog *l, uint64_t n, int host, int sock, tl_time t, const char *text,
                  int err)
{
    struct slog_call *c = vec_push(&l->calls, sizeof *c);
    if (!c)
        return -1;
    c->n = n;
    c->host = host;
    c->sock = sock;
    c->t = t;
    c->err = err;
    snprintf(c->text, sizeof c->text, "%s", text);
    return 0;
}

int slog_add_tcb(struct slog *l, const struct slog_tcb *s)
{
    struct slog_sock *k = slog_sock(l, s->host, s->sock);
    if (!k)
        return -1;
    if (k->last_tcb) {
        const struct slog_tcb *v = SLOG_AT(l->tcbs, const struct slog_tcb, k->last_tcb - 1);
        if (v->cwnd == s->cwnd && v->ssthresh == s->ssthresh && v->flight == s->flight &&
            v->snd_wnd == s->snd_wnd && v->retrans == s->retrans &&
            v->timeouts == s->timeouts && v->fast_retrans == s->fast_retrans)
            return 0;
    }
    struct slog_tcb *e = vec_push(&l->tcbs, sizeof *e);
    if (!e)
        return -1;
    *e = *s;
    e->n = l->next_n++;
    k->last_tcb = l->tcbs.n;
    return 0;
}

struct slog_sock *slog_sock(struct slog *l, int host, int id)
{
    struct slog_sock *v = l->socks.v;
    for (size_t i = 0; i < l->socks.n; i++)
        if (v[i].host == host && v[i].id == id)
            return &v[i];
    struct slog_sock *s = vec_push(&l->socks, sizeof *s);
    if (s) {
        s->host = host;
        s->id = id;
        s->fd = -1;
        s->parent = -1;
    }
    return s;
}

const struct slog_sock *slog_sock_find(const struct slog *l, int host, int id)
{
    const struct slog_sock *v = l->socks.v;
    for (size_t i = 0; i < l->socks.n; i++)
        if (v[i].host == host && v[i].id == id)
            return &v[i];
    return NULL;
}

const struct slog_sock *slog_sock_lookup(const struct slog *l, const char *spec, int prefer)
{
    int host = -1;
    const char *colon = strchr(spec, ':');
    if (colon) {
        for (int h = 0; h < SLOG_HOSTS; h++)
            if (strlen(l->host_name[h]) == (size_t)(colon - spec) &&
                strncmp(l->host_name[h], spec, (size_t)(colon - spec)) == 0)
                host = h;
        if (host < 0)
            return NULL;
        spec = colon + 1;
    }
    const struct slog_sock *v = l->socks.v, *best = NULL;
    for (size_t i = 0; i < l->socks.n; i++) {
        if (strcmp(v[i].name, spec) != 0 || (host >= 0 && v[i].host != host))
            continue;
        /* the last of that name; on the preferred host if it has one */
        if (!best || host >= 0 || v[i].host == prefer || best->host != prefer)
            best = &v[i];
    }
    return best;
}
