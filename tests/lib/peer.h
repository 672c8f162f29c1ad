/* A TCP peer played by hand against the segtest host (romeo): it opens
 * or accepts a connection with the options it chooses (window scale,
 * timestamps, SACK), then sends segments relative to its own sequence
 * numbers and reads what romeo sends.  For tests of RFC 6298, 5681, 6582,
 * 6675, 2018, 7323 behaviour that need every segment under control. */
#ifndef TCPLAB_PEER_H
#define TCPLAB_PEER_H

#include "segtest.h"

struct peer {
    struct segtest *t;
    struct sock *s;            /* romeo's side */
    uint16_t port;             /* the peer's port */
    uint32_t iss, nxt;         /* the peer's sequence numbers */
    uint16_t mss;
    bool ws, ts, sack;         /* options the peer offers */
    uint8_t wscale;
    uint32_t tsval;            /* the peer's timestamp clock (it ticks when the test says) */
    uint32_t ts_echo;          /* romeo's last TSval, echoed */
    uint32_t wnd;              /* the window it announces, bytes (scaled on the wire) */
};

/* The fixture of the flow suites: t a fresh segtest host (seed), p a
 * peer with nothing chosen yet. */
void peer_fixture(struct peer *p, struct segtest *t, uint64_t seed);
/* romeo connects to the peer (port 80); the SYN,ACK comes `rtt` later.
 * Returns romeo's socket (p->s). */
struct sock *peer_connect(struct peer *p, struct segtest *t, tl_time rtt);
/* A segment from the peer: SEQ = p->nxt (advanced by len and FIN),
 * ACK = ack; SACK blocks if nsack (pairs in blocks). */
void peer_send(struct peer *p, uint8_t flags, uint32_t ack, size_t len, const uint32_t *blocks,
               int nsack);
/* Same at an explicit sequence number (p->nxt untouched). */
void peer_send_at(struct peer *p, uint8_t flags, uint32_t seq, uint32_t ack, size_t len,
                  const uint32_t *blocks, int nsack);
/* The next TCP segment romeo sent (ARP answered on the way); false if none. */
bool peer_recv(struct peer *p, struct tcp_seg *g);
/* Discard everything romeo sent; returns the TCP segments among it. */
size_t peer_drain(struct peer *p);
/* Queue n bytes of sg_payload() on romeo's socket s (asserts they fit). */
void peer_queue(struct peer *p, struct sock *s, size_t n);
/* The segments romeo sends now that carry data (and, if fin, a FIN), up
 * to max of them into out; their count (all are read). */
int peer_pop_data(struct peer *p, struct tcp_seg *out, int max, bool fin);
/* The window romeo announced in g, in bytes. */
uint32_t peer_wnd_of(const struct peer *p, const struct tcp_seg *g);

#endif
