/* make bench, tcplab's half of the loss table (issue 14): 2 MiB from romeo
 * to juliet on the simulated wire, with `wire loss P` switched on once the
 * connection is up (both directions, as nftables drops on both ends of
 * the Linux veth), an application on each end that sends or reads at
 * every event, through the stack's socket API.
 *
 *   lossbench [--bytes N] [--runs N] [--limit SECONDS] P...
 *
 * The time runs from the first data segment (the first send) to the ACK
 * of the last byte (SND.UNA reaching the end, at romeo).  One line per run:
 * "loss P run K seconds S timeouts T tlp N fast F" (S in virtual time), or
 * "loss P run K stalled" if it did not finish within --limit (900 s).  It
 * also checks that what juliet read is what romeo sent (SHA-256). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/sim.h"
#include "stack/api.h"
#include "stack/sock.h"
#include "util/rng.h"
#include "util/sha256.h"

#define JULIET 0x0a0a0264u
#define PORT 5001

struct run {
    struct simnet *n;
    int cfd, sfd, lfd;
    size_t want, sent, rcvd;
    struct rng gen;
    struct sha256 tx, rx;
};

static bool ready(void *ctx)
{
    struct run *r = ctx;
    if (r->sfd < 0)
        return sock_can_accept(r->n->hosts[1], r->lfd);
    const struct sock *c = sock_by_fd(r->n->hosts[0], r->cfd);
    if (c && c->tcb.snd_una == c->tcb.iss + 1 + r->want)
        return true;
    return sock_can_recv(r->n->hosts[1], r->sfd) ||
           (r->sent < r->want && sock_can_send(r->n->hosts[0], r->cfd));
}

static void app(struct run *r)
{
    static uint8_t buf[65536];
    tl_time now = r->n->now;
    while (r->sent < r->want) {
        size_t k = r->want - r->sent < sizeof buf ? r->want - r->sent : sizeof buf;
        for (size_t i = 0; i < k; i += 8) {
            uint64_t v = rng_next(&r->gen);
            memcpy(buf + i, &v, k - i < 8 ? k - i : 8);
        }
        long w = sock_send(r->n->hosts[0], r->cfd, buf, k, now);
        if (w <= 0)
            break;
        sha256_update(&r->tx, buf, (size_t)w);
        r->sent += (size_t)w;
        if ((size_t)w < k)                     /* the rest of buf is new bytes next time */
            break;
    }
    for (;;) {
        long got = sock_recv(r->n->hosts[1], r->sfd, buf, sizeof buf, now);
        if (got <= 0)
            break;
        sha256_update(&r->rx, buf, (size_t)got);
        r->rcvd += (size_t)got;
    }
}

static bool connected(void *ctx)
{
    struct run *r = ctx;
    int err;
    return sock_can_accept(r->n->hosts[1], r->lfd) &&
           sock_connect_done(r->n->hosts[0], r->cfd, &err);
}

/* One run; returns seconds of virtual time, or -1 if it stalled. */
static double one(uint32_t ppm, uint64_t seed, size_t bytes, tl_time limit, FILE *out,
                  const char *tag)
{
    struct run r = {.cfd = -1, .sfd = -1, .lfd = -1, .want = bytes};
    r.n = simnet_new(seed);
    if (!r.n)
        return -1;
    struct host *a = r.n->hosts[0], *b = r.n->hosts[1];
    r.lfd = sock_socket(b, SOCKT_TCP);
    sock_bind(b, r.lfd, 0, PORT);
    sock_listen(b, r.lfd, 8, r.n->now);
    r.cfd = sock_socket(a, SOCKT_TCP);
    sock_connect(a, r.cfd, JULIET, PORT, r.n->now);
    simnet_run_until(r.n, connected, &r, r.n->now + 10 * TL_SEC);
    r.sfd = sock_accept(b, r.lfd, NULL, NULL, r.n->now);
    if (r.sfd < 0) {
        simnet_free(r.n);
        return -1;
    }
    struct fault_settings fs = r.n->wire->set;
    fs.loss = ppm;
    faults_configure(r.n->wire, &fs, r.n->now);
    rng_seed(&r.gen, seed);
    sha256_init(&r.tx);
    sha256_init(&r.rx);
    tl_time t0 = r.n->now, end = t0 + limit;
    const struct sock *c = sock_by_fd(a, r.cfd);
    bool done = false;
    while (!done) {
        app(&r);
        done = c->tcb.snd_una == c->tcb.iss + 1 + bytes;
        if (done || !simnet_run_until(r.n, ready, &r, end)) {
            if (!done && !ready(&r))
                break;
        }
    }
    double secs = done ? (double)(r.n->now - t0) / TL_SEC : -1;
    app(&r);
    uint8_t h1[32], h2[32];
    sha256_final(&r.tx, h1);
    sha256_final(&r.rx, h2);
    if (done && (r.rcvd != bytes || memcmp(h1, h2, 32) != 0)) {
        fprintf(stderr, "lossbench: %s: juliet read %zu bytes, not what romeo sent\n", tag,
                r.rcvd);
        secs = -2;
    }
    if (secs >= 0)
        fprintf(out, "%s seconds %.6f timeouts %u tlp %u fast %u retrans %u\n", tag, secs,
                c->tcb.timeouts, c->tcb.tlp_probes, c->tcb.fast_retrans, c->tcb.retrans_segs);
    else
        fprintf(out, "%s stalled\n", tag);
    simnet_free(r.n);
    return secs;
}

int main(int argc, char **argv)
{
    size_t bytes = 2u << 20;
    int runs = 20;
    double limit = 900;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
            bytes = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: lossbench [--bytes N] [--runs N] [--limit S] P...\n");
            return 2;
        }
    }
    if (i == argc || bytes == 0 || runs < 1) {
        fprintf(stderr, "usage: lossbench [--bytes N] [--runs N] [--limit S] P...\n");
        return 2;
    }
    int bad = 0;
    for (; i < argc; i++) {
        double p = atof(argv[i]);
        if (p < 0 || p > 100) {
            fprintf(stderr, "lossbench: '%s' is not a percentage\n", argv[i]);
            return 2;
        }
        for (int k = 1; k <= runs; k++) {
            char tag[64];
            snprintf(tag, sizeof tag, "loss %s run %d", argv[i], k);
            if (one((uint32_t)(p * 10000), (uint64_t)k, bytes, (tl_time)(limit * TL_SEC), stdout,
                    tag) == -2)
                bad = 1;
            fflush(stdout);
        }
    }
    return bad;
}
