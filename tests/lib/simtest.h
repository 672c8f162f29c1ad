/* Test harness for scenarios on the simulated wire: two hosts, every frame
 * captured and parsed so tests can assert on segments ("a SYN,ACK went from
 * juliet to romeo before accept"). */
#ifndef TCPLAB_SIMTEST_H
#define TCPLAB_SIMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/sim.h"
#include "stack/api.h"
#include "wire/tcp.h"

#define ROMEO_IP  0x0a0a0164u
#define JULIET_IP 0x0a0a0264u
#define ST_MAX_FRAMES 8192

struct cap_frame {
    int from;                  /* 0 romeo, 1 juliet */
    tl_time t;
    uint16_t ethertype;
    uint8_t ip_proto;          /* 0 if not IPv4 */
    uint8_t icmp_type, icmp_code;
    bool tcp;
    struct tcp_seg seg;        /* when tcp (data pointer invalid) */
    size_t len;
    uint8_t bytes[ETH_FRAME_MAX];
};

struct simtest {
    struct simnet *net;
    struct host *romeo, *juliet;
    struct cap_frame *frames;
    size_t nframes;
};

void st_init(struct simtest *t, uint64_t seed);
void st_free(struct simtest *t);
/* Frames captured so far: use as a mark. */
size_t st_mark(const struct simtest *t);
/* The i-th TCP segment captured at or after mark, or NULL. */
const struct cap_frame *st_tcp(const struct simtest *t, size_t mark, size_t i);
size_t st_count_tcp(const struct simtest *t, size_t mark);
/* Connect and wait (virtual time, up to `limit`) for the handshake; returns
 * 0 or a positive errno. */
int st_connect(struct simtest *t, struct host *h, int fd, uint32_t addr, uint16_t port);
/* A TCP socket of h bound to port (any address) and listening. */
int st_listener(struct simtest *t, struct host *h, uint16_t port, int backlog);
/* romeo connects to juliet:4000 (a new listener, backlog 128) and juliet
 * accepts: romeo's descriptor in *cfd, the accepted one in *sfd. */
void st_establish(struct simtest *t, int *cfd, int *sfd);
/* close(fd) on h, then the wire settled. */
void st_close(struct simtest *t, struct host *h, int fd);
/* Settle the wire after a non-blocking call. */
void st_settle(struct simtest *t);
/* Number of state transitions in h's trace for socket id from `from` to `to`. */
int st_transitions(const struct host *h, int sock_id, enum tcp_state from, enum tcp_state to);
/* A socket's state by fd. */
enum tcp_state st_state(struct host *h, int fd);

#endif
