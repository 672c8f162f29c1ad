/* A bulk transfer on the simulated wire, both ways at once, for the fault
 * and soak suites: romeo connects to juliet, each sends N pseudo-random
 * bytes and reads all the other sends, each closes its sending side when
 * done and its socket at the end of the other's stream.  The SHA-256 of
 * what each side sent and received are compared by the caller. */
#ifndef TCPLAB_XFER_H
#define TCPLAB_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/sim.h"

struct xfer {
    size_t bytes[2];           /* to send: romeo's, juliet's */
    uint64_t seed;             /* the data streams */
    tl_time limit;             /* virtual time allowed */
    uint16_t port;
    /* socket options (0: the host's default) */
    int sndbuf[2], rcvbuf[2];
    bool nodelay[2], delack[2];
    /* results */
    size_t sent[2], rcvd[2];
    uint8_t sha_sent[2][32], sha_rcvd[2][32];    /* [i]: of what host i sent / received */
    bool eof[2];               /* host i saw the end of the other's stream */
    int err[2];                /* an error a call returned (positive errno), or 0 */
    const char *why;           /* why it stopped early, or NULL */
    tl_time start, end;        /* connect, and both streams complete */
};

/* Run it; true when both streams arrived complete and both sockets closed. */
bool xfer_run(struct simnet *n, struct xfer *x);
/* True when every TCP socket of both hosts is gone, CLOSED or TIME-WAIT
 * (waits, in virtual time, up to `wait` for stragglers such as a LAST-ACK
 * retransmitting its FIN). */
bool xfer_all_closed(struct simnet *n, tl_time wait);
/* Bytes the process has allocated now (the sanitizer's count under ASan). */
size_t xfer_heap_bytes(void);

#endif
