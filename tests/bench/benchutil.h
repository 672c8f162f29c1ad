/* What the stand-alone benchmark programs (sink, tappump) share: the
 * monotonic clock in seconds, and dying with the failed call named. */
#ifndef TCPLAB_BENCHUTIL_H
#define TCPLAB_BENCHUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "PROG: WHAT: strerror(errno)" on stderr, exit 1. */
static inline _Noreturn void bench_die(const char *prog, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
    exit(1);
}

#endif
