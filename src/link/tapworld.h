/* Tap mode's world: one lab host is tcplab's stack, attached to a TAP
 * device; the other is the Linux kernel on the far side of it.  Time is
 * the wall clock (CLOCK_MONOTONIC, from the start): the stack's timers
 * fire while the prompt waits, and every wait is a poll() over the TAP. */
#ifndef TCPLAB_TAPWORLD_H
#define TCPLAB_TAPWORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "link/kernel.h"
#include "link/tap_offload_io.h"
#include "link/world.h"
#include "stack/host.h"

struct tap_options {
    const char *ifname;        /* NULL: TAP_DEFAULT_NAME */
    int kernel;                /* the host the kernel plays: 0 romeo, 1 juliet */
    bool netns;                /* a private network namespace first */
    uint64_t seed;
    bool random_seed;          /* no --seed: a fresh one (ISS, ports), real time being unrepeatable */
    bool offload;              /* --offload: checksum and TSO/GSO offload, tcplab the NIC */
};

struct tapworld {
    struct world w;            /* what the shell drives */
    int fd;                    /* the TAP device */
    bool created;              /* we made it (it goes when fd closes) */
    bool netns;
    pid_t pid;                 /* ours: /proc/PID/ns/net enters the namespace */
    char dropped[64];          /* whom the privileges were dropped to */
    int sidx, kidx;            /* host indexes: stack, kernel */
    struct host *h;
    struct khost *k;
    struct timespec t0;
    uint64_t tx_errors;
    uint64_t drop_mark[DROP__COUNT];
    uint8_t buf[65536];
    struct tap_offload *off;   /* --offload (tap_offload_io.h), else NULL */
};

/* Set up tap mode as `o` says: namespace, TAP, its address, the privilege
 * drop, the two hosts.  Returns 0, or an exit status (2: no privilege or
 * no TAP support, 1: anything else) with one line in msg saying what is
 * missing and what to do. */
int tapworld_start(const struct tap_options *o, struct tapworld **out, char *msg, size_t cap);

/* The command that starts python3 inside the namespace (--netns). */
void tapworld_enter_cmd(const struct tapworld *t, char *buf, size_t cap);

#endif
