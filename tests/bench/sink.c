/* A fast kernel-side TCP source and sink for make bench (tests/bench/run.sh):
 * the other end of tcplab's stack in tap mode, and both ends of the
 * kernel-to-kernel veth baseline.
 *
 *   sink recv [-s] [-b ADDR] PORT            listen, accept one connection,
 *                                            read to the end of the stream
 *   sink send [-s] -n BYTES ADDR PORT        connect (retrying for 20 s), send
 *                                            BYTES, shut down writing, read
 *                                            to the peer's end of stream
 *
 * One line on stdout:  bytes N seconds S gbit G [sha256 HEX]
 * recv times the first byte read to the last; send times the connection's
 * establishment to the moment the peer has acknowledged every byte and the
 * FIN (SIOCOUTQ down to 0), not to the peer's own close, which waits for
 * whatever its program does next.  -s hashes the stream (SHA-256, as
 * tcplab's send --bytes and recv --all print it), outside the timing: send
 * hashes before it starts, recv after the last byte.  Exit 1 on any error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "util/sha256.h"

#define CHUNK (1u << 20)

static uint8_t buf[CHUNK];

static double now(void) { return bench_now(); }
static _Noreturn void die(const char *what) { bench_die("sink", what); }

static void report(uint64_t n, double secs, struct sha256 *sha)
{
    printf("bytes %llu seconds %.6f gbit %.3f", (unsigned long long)n, secs,
           secs > 0 ? (double)n * 8 / secs / 1e9 : 0.0);
    if (sha) {
        uint8_t d[32];
        char hex[65];
        sha256_final(sha, d);
        sha256_hex(d, hex);
        printf(" sha256 %s", hex);
    }
    printf("\n");
}

/* Read to the end of the stream; when the first and last bytes came.
 * With -s the bytes are kept (up to KEEP_MAX) and hashed after the last
 * one came, so the check does not take CPU from the transfer it times
 * (the raw pump does no such work either); beyond KEEP_MAX they are
 * hashed as they come. */
#define KEEP_MAX (1ull << 30)
static uint64_t drain(int fd, struct sha256 *sha, double *first, double *last)
{
    uint64_t n = 0;
    uint8_t *kept = NULL;
    size_t cap = 0, held = 0;
    for (;;) {
        uint8_t *to = buf;
        if (sha && held == n && n < KEEP_MAX) {
            if (cap - held < CHUNK) {
                size_t want = cap ? 2 * cap : 64u * CHUNK;
                uint8_t *more = realloc(kept, want);
                if (more) {
                    kept = more;
                    cap = want;
                }
            }
            if (cap - held >= CHUNK)
                to = kept + held;
        }
        ssize_t r = read(fd, to, CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("read");
        if (r == 0)
            break;
        *last = now();
        if (n == 0)
            *first = *last;
        if (to != buf)
            held += (size_t)r;
        else if (sha) {
            if (held) {                /* keeping stopped: hash what was kept */
                sha256_update(sha, kept, held);
                held = 0;
            }
            sha256_update(sha, buf, (size_t)r);
        }
        n += (uint64_t)r;
    }
    if (sha && held)
        sha256_update(sha, kept, held);
    free(kept);
    return n;
}

static int do_recv(const char *addr, int port, struct sha256 *sha)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (l < 0)
        die("socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
        fprintf(stderr, "sink: bad address %s\n", addr);
        return 1;
    }
    if (bind(l, (struct sockaddr *)&sin, sizeof sin) < 0)
        die("bind");
    if (listen(l, 1) < 0)
        die("listen");
    fprintf(stderr, "sink: listening on %s:%d\n", addr, port);
    int c = accept(l, NULL, NULL);
    if (c < 0)
        die("accept");
    double first = 0, last = 0;
    uint64_t n = drain(c, sha, &first, &last);
    close(c);
    close(l);
    report(n, last - first, sha);
    return 0;
}

static int do_send(const char *addr, int port, uint64_t total, struct sha256 *sha)
{
    /* a pseudo-random megabyte, sent over and over */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    if (sha)                   /* hashed beforehand: not in the timing */
        for (uint64_t k = 0; k < total; k += CHUNK)
            sha256_update(sha, buf, total - k < CHUNK ? (size_t)(total - k) : CHUNK);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
        fprintf(stderr, "sink: bad address %s\n", addr);
        return 1;
    }
    int fd = -1;
    double give_up = now() + 20;
    for (;;) {                 /* the peer may not be listening yet */
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            die("socket");
        if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
            break;
        if (now() > give_up)
            die("connect");
        close(fd);
        usleep(50000);
    }
    double start = now();
    for (uint64_t sent = 0; sent < total;) {
        size_t want = total - sent < CHUNK ? (size_t)(total - sent) : CHUNK;
        ssize_t w = write(fd, buf, want);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            die("write");
        sent += (uint64_t)w;
    }
    if (shutdown(fd, SHUT_WR) < 0)
        die("shutdown");
    int outq;
    while (ioctl(fd, SIOCOUTQ, &outq) == 0 && outq > 0)
        usleep(100);
    double end = now(), first, last;
    if (drain(fd, NULL, &first, &last) != 0)
        fprintf(stderr, "sink: the peer sent data back (ignored)\n");
    close(fd);
    report(total, end - start, sha);
    return 0;
}

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: sink recv [-s] [-b ADDR] PORT\n"
                    "       sink send [-s] -n BYTES ADDR PORT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *mode = argv[1], *bindaddr = "0.0.0.0";
    bool hash = false;
    uint64_t bytes = 0;
    int opt;
    optind = 2;
    while ((opt = getopt(argc, argv, "sb:n:")) != -1) {
        switch (opt) {
        case 's': hash = true; break;
        case 'b': bindaddr = optarg; break;
        case 'n': bytes = strtoull(optarg, NULL, 0); break;
        default: usage();
        }
    }
    struct sha256 sha;
    sha256_init(&sha);
    alarm(300);                /* never hang a benchmark run */
    if (strcmp(mode, "recv") == 0 && optind == argc - 1)
        return do_recv(bindaddr, atoi(argv[optind]), hash ? &sha : NULL);
    if (strcmp(mode, "send") == 0 && optind == argc - 2 && bytes > 0)
        return do_send(argv[optind], atoi(argv[optind + 1]), bytes, hash ? &sha : NULL);
    usage();
}
