/* One host of tcplab's own TCP/IP stack.
 *
 * Sans-IO: no function here reads a clock, sleeps or touches a file
 * descriptor.  Frames come in through host_input(), leave through the
 * host's transmit queue (host_tx_pop), and time advances only through the
 * `now` arguments; host_next_deadline() says when host_poll() has work. */
#ifndef TCPLAB_HOST_H
#define TCPLAB_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/sock.h"
#include "stack/trace.h"
#include "util/rng.h"
#include "util/tltime.h"
#include "wire/drop.h"
#include "wire/eth.h"

#define HOST_MAX_FD     65536      /* descriptors per host (the table grows) */
#define HOST_CONN_BUCKETS 4096     /* connection lookup: hash of (lport, raddr, rport) */
#define HOST_FD_FIRST   3          /* 0-2 are taken, as in a process */
#define ARP_CACHE_SIZE  64
#define ARP_QUEUE_MAX   16         /* frames waiting for one resolution */

struct host_config {
    char name[16];
    uint8_t mac[ETH_ALEN];
    uint32_t addr;
    uint8_t prefix_len;
    uint64_t seed;
    uint32_t sndbuf, rcvbuf;   /* default socket buffer sizes, bytes */
    tl_time msl;               /* TIME-WAIT lasts 2*msl */
    tl_time fin_timeout;       /* orphaned FIN-WAIT-2 lifetime (Linux tcp_fin_timeout) */
    tl_time arp_ttl;           /* ARP cache entry lifetime */
    tl_time rto_initial;       /* RFC 6298 (2.1): 1 s */
    tl_time rto_min;           /* 200 ms as on Linux (RFC 6298 (2.4) would say 1 s) */
    int syn_retries, data_retries;
    /* TCP options offered in SYNs, as Linux's sysctls tcp_window_scaling,
     * tcp_timestamps and tcp_sack (all on by default) */
    bool tcp_wscale, tcp_timestamps, tcp_sack;
    bool quickack;             /* ACK every data segment at once; false (default): Linux's delayed ACK */
    tl_time delack_time;       /* the delayed-ACK timeout's floor (Linux's TCP_ATO_MIN, 40 ms) */
    uint8_t tcp_cc;            /* congestion control of new sockets (enum tcp_cc): CUBIC, as Linux */
    int syn_queue_max;         /* half-open connections per listener, beyond: SYN cookies */
    bool syncookies;           /* RFC 4987 §3.6; false: drop SYNs beyond syn_queue_max */
    uint32_t ofo_max_segs;     /* out-of-order runs held per connection */
    int challenge_ack_limit;   /* RFC 5961 §7: challenge ACKs per second (about) */
    size_t trace_cap;          /* state transitions kept in the trace ring */
    size_t wire_trace_cap;     /* frames and drops kept in the wire trace */
    size_t frame_snap;         /* bytes of each frame the wire trace keeps (0: none) */
};

struct frame {
    struct frame *next;
    size_t len;
    uint8_t data[ETH_FRAME_MAX];
};

struct arp_entry {
    uint32_t ip;
    uint8_t mac[ETH_ALEN];
    bool resolved;
    bool used;
    tl_time expires;           /* resolved: end of life; pending: next retry */
    int tries;
    struct frame *waiting;     /* frames queued until the reply comes */
    int nwaiting;
};

struct ping_reply {
    uint32_t from;
    uint16_t id, seq;
    uint16_t len;              /* ICMP payload bytes */
    uint8_t ttl;
    tl_time at;
};

struct host {
    struct host_config cfg;
    struct rng rng;
    uint8_t iss_secret[32];    /* RFC 6528 secret key */
    uint16_t ip_id;
    bool iss_forced;           /* test hook: next ISS is iss_next */
    uint32_t iss_next;

    struct arp_entry arp[ARP_CACHE_SIZE];
    struct sock *socks;        /* every socket, orphans and embryos included */
    struct sock **fds;         /* descriptor table, fds_cap entries */
    int fds_cap, fd_low;       /* fd_low: no free descriptor below it */
    int ndead;                 /* sockets marked dead, not yet reaped */
    /* Lookups that do not walk every socket (10,000 connections):
     * connections by (lport, raddr, rport), listeners, bound ports. */
    struct sock *conn_hash[HOST_CONN_BUCKETS];
    struct sock *listeners;
    uint32_t *port_refs[2];    /* [type-1][port]: sockets bound there */
    int next_sock_id;

    struct frame *tx_head, *tx_tail;
    struct frame *loopback;    /* packets to our own address, for host_poll */
    size_t tx_count;
    struct frame *spare;       /* frames given back (host_frame_put), for reuse */
    int nspare;

    struct trace trace;        /* state transitions */
    struct trace wire_trace;   /* frames sent and received, drops */
    uint64_t drops[DROP__COUNT];
    /* RFC 5961 §7 challenge-ACK throttle: this one-second slot */
    tl_time challenge_slot;
    int challenge_left;
    uint64_t challenge_acks, challenge_acks_suppressed;
    /* TCP counters of the whole host (as netstat -s): every connection's,
     * freed ones included */
    struct {
        uint64_t retrans_segs, timeouts, fast_retrans, probes, ofo_segs;
        uint64_t syncookies_sent, syncookies_ok;
    } tcp;
    uint64_t rx_frames, tx_frames;

    struct ping_reply pings[16];
    uint64_t npings;           /* replies received (ring index = n % 16) */
};

/* Defaults for romeo (index 0) or juliet (index 1) as design.md gives them. */
void host_config_default(struct host_config *c, int index, uint64_t seed);

struct host *host_new(const struct host_config *cfg);
void host_free(struct host *h);

/* A frame from the link (Ethernet header first, no FCS). */
void host_input(struct host *h, const uint8_t *frame, size_t len, tl_time now);
/* Run the timers that are due. */
void host_poll(struct host *h, tl_time now);
/* Earliest time host_poll has something to do, or TL_NEVER. */
tl_time host_next_deadline(const struct host *h);
/* Take the next frame to transmit; NULL when none.  The caller gives it
 * back with host_frame_put (or free()s it). */
struct frame *host_tx_pop(struct host *h);
/* A frame to fill (NULL without memory), and one given back: a bulk
 * transfer sends a frame per segment, and malloc and free for each cost
 * more than keeping a few. */
struct frame *host_frame_get(struct host *h);
void host_frame_put(struct host *h, struct frame *f);

/* Test hook: the next connection this host opens uses this ISS. */
void host_force_iss(struct host *h, uint32_t iss);

/* Send an ICMP echo request. */
int host_ping(struct host *h, uint32_t dst, uint16_t id, uint16_t seq, size_t len, tl_time now);

/* Internal, shared by the stack's files. */
void host_drop(struct host *h, enum drop_reason r, const uint8_t *frame, size_t len, tl_time now);
void host_queue_frame(struct host *h, struct frame *f, tl_time now);
bool host_is_local(const struct host *h, uint32_t addr);
bool host_on_link(const struct host *h, uint32_t addr);

#endif
