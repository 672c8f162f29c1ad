/* The soak: for many seeds, a random mix of wire faults (loss,
 * duplication, reordering, corruption, delay, a bottleneck with a queue,
 * dropped frames) and of stack settings (buffers, options, Nagle, delayed
 * ACK), 1 MiB each way at once.  Every run must deliver both streams
 * whole (SHA-256 equal on both ends), end every connection in CLOSED or
 * TIME-WAIT, and give back all its memory.
 *
 * make check runs 300 seeds (the default here, some 15 s); make soak runs
 * thousands (SOAK_SEEDS, from SOAK_FIRST).  A failing seed is printed with
 * its mix, so `SOAK_FIRST=n SOAK_SEEDS=1` replays it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ckmain.h"
#include "link/sim.h"
#include "util/rng.h"
#include "xfer.h"

#define MIB (1u << 20)

static unsigned env_num(const char *name, unsigned dflt)
{
    const char *v = getenv(name);
    return v && *v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

/* A number in [lo, hi]. */
static uint32_t pick(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static bool sometimes(struct rng *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

struct mix {
    struct fault_settings f;
    bool sack[2], ts[2], ws[2];
    struct xfer x;
};

static void make_mix(uint64_t seed, struct mix *m)
{
    struct rng r;
    rng_seed(&r, seed * 7919 + 17);
    memset(m, 0, sizeof *m);
    struct fault_settings *f = &m->f;
    if (sometimes(&r, 60))
        f->loss = pick(&r, 1000, 100000);          /* 0.1% .. 10% */
    if (sometimes(&r, 30))
        f->dup = pick(&r, 1000, 50000);
    if (sometimes(&r, 30))
        f->reorder = pick(&r, 1000, 100000);
    if (sometimes(&r, 30))
        f->corrupt = pick(&r, 1000, 50000);
    if (sometimes(&r, 30))
        f->delay = (tl_time)pick(&r, 1, 20000) * TL_US;
    if (sometimes(&r, 25)) {
        f->rate = (uint64_t)pick(&r, 1, 100) * 1000000;
        f->queue = pick(&r, 2, 200);
    }
    if (sometimes(&r, 10))
        f->drop_next = pick(&r, 1, 5);
    for (int i = 0; i < 2; i++) {
        m->sack[i] = sometimes(&r, 80);
        m->ts[i] = sometimes(&r, 80);
        m->ws[i] = sometimes(&r, 80);
        if (sometimes(&r, 30))
            m->x.sndbuf[i] = (int)pick(&r, 2048, 262144);
        if (sometimes(&r, 30))
            m->x.rcvbuf[i] = (int)pick(&r, 2048, 262144);
        m->x.nodelay[i] = sometimes(&r, 50);
        m->x.delack[i] = sometimes(&r, 20);
    }
    m->x.bytes[0] = m->x.bytes[1] = MIB;
    m->x.seed = seed;
    m->x.limit = 4 * 3600 * TL_SEC;
}

static void describe(const struct mix *m, char *buf, size_t cap)
{
    struct faults tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.set = m->f;
    char fd[160];
    faults_describe(&tmp, fd, sizeof fd);
    snprintf(buf, cap, "%s; sack %d/%d ts %d/%d wscale %d/%d sndbuf %d/%d rcvbuf %d/%d "
             "nodelay %d/%d delack %d/%d", fd, m->sack[0], m->sack[1], m->ts[0], m->ts[1],
             m->ws[0], m->ws[1], m->x.sndbuf[0], m->x.sndbuf[1], m->x.rcvbuf[0], m->x.rcvbuf[1],
             m->x.nodelay[0], m->x.nodelay[1], m->x.delack[0], m->x.delack[1]);
}

/* One seed; NULL if it passed, else what went wrong. */
static const char *soak_one(uint64_t seed, char *why, size_t cap, tl_time *vtime)
{
    struct mix m;
    make_mix(seed, &m);
    size_t heap0 = xfer_heap_bytes();
    struct simnet *n = simnet_new(seed);
    for (int i = 0; i < 2; i++) {
        /* A connect whose SYNs (or SYN,ACKs) are all lost fails with
         * ETIMEDOUT, as it should; with `drop 5` and 10% loss that can
         * happen in six tries, so give it more: the soak is about data. */
        n->hosts[i]->cfg.syn_retries = 12;
        n->hosts[i]->cfg.tcp_sack = m.sack[i];
        n->hosts[i]->cfg.tcp_timestamps = m.ts[i];
        n->hosts[i]->cfg.tcp_wscale = m.ws[i];
    }
    /* ARP first, on a clean wire: the faults are for TCP (a connect whose
     * ARP requests are all lost fails with EHOSTUNREACH, rightly). */
    host_ping(n->hosts[0], n->w.addr[1], 1, 1, 56, n->now);
    simnet_settle(n);
    faults_configure(n->wire, &m.f, n->now);
    bool ok = xfer_run(n, &m.x);
    const char *fail = NULL;
    if (!ok)
        fail = m.x.why ? m.x.why : "did not finish";
    else if (m.x.rcvd[1] != MIB || m.x.rcvd[0] != MIB)
        fail = "short stream";
    else if (memcmp(m.x.sha_sent[0], m.x.sha_rcvd[1], 32) != 0 ||
             memcmp(m.x.sha_sent[1], m.x.sha_rcvd[0], 32) != 0)
        fail = "SHA-256 differs";
    else if (!xfer_all_closed(n, 3600 * TL_SEC))
        fail = "a connection neither CLOSED nor TIME-WAIT";
    *vtime = m.x.end - m.x.start;
    simnet_free(n);
    if (!fail && xfer_heap_bytes() != heap0)
        fail = "memory not given back";
    if (fail) {
        char d[400];
        describe(&m, d, sizeof d);
        snprintf(why, cap, "seed %llu: %s (sent %zu/%zu, received %zu/%zu; %s)",
                 (unsigned long long)seed, fail, m.x.sent[0], m.x.sent[1], m.x.rcvd[1],
                 m.x.rcvd[0], d);
        return why;
    }
    return NULL;
}

START_TEST(test_soak_random_faults_both_streams_whole_and_closed)
{
    unsigned first = env_num("SOAK_FIRST", 1), seeds = env_num("SOAK_SEEDS", 300);
    unsigned failed = 0;
    double vt = 0;
    clock_t c0 = clock();
    size_t heap_first = 0;
    for (unsigned s = first; s < first + seeds; s++) {
        char why[700];
        tl_time v;
        const char *f = soak_one(s, why, sizeof why, &v);
        vt += (double)v / TL_SEC;
        if (f) {
            fprintf(stderr, "soak: %s\n", f);
            failed++;
        }
        if (s == first)
            heap_first = xfer_heap_bytes();
        else
            ck_assert_msg(xfer_heap_bytes() <= heap_first, "memory grows across seeds");
    }
    fprintf(stderr, "soak: %u seeds from %u, %u failed, %.1f s of virtual time, %.1f s of CPU\n",
            seeds, first, failed, vt, (double)(clock() - c0) / CLOCKS_PER_SEC);
    ck_assert_uint_eq(failed, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("soak");
    TCase *c = ck_case(s, "soak", NULL, NULL,
            test_soak_random_faults_both_streams_whole_and_closed, NULL);
    tcase_set_timeout(c, 0);
    return ck_run(s);
}
