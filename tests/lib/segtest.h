/* Unit-test harness for one host driven by hand (lwIP test/unit/tcp style):
 * the stack under test is romeo alone, its peer is played by the test.
 * Frames from the peer are built byte by byte and fed to host_input();
 * what the host sends is taken with host_tx_pop() and parsed.  No wire, no
 * second stack: every byte the host sees was chosen by the test. */
#ifndef TCPLAB_SEGTEST_H
#define TCPLAB_SEGTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/api.h"
#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#define SG_HOST_IP 0x0a0a0164u     /* romeo, the stack under test */
#define SG_PEER_IP 0x0a0a0264u     /* juliet, played by the test */

extern const uint8_t sg_host_mac[ETH_ALEN];
extern const uint8_t sg_peer_mac[ETH_ALEN];
/* 64 KiB of a letter pattern: the payload of built segments. */
const uint8_t *sg_payload(void);

struct segtest {
    struct host *h;
    tl_time now;
};

/* romeo with seed `seed`, the peer's MAC already in its ARP cache. */
void sg_init(struct segtest *t, uint64_t seed);
/* The same with an empty ARP cache. */
void sg_init_bare(struct segtest *t, uint64_t seed);
void sg_free(struct segtest *t);

/* Frame builders: a whole Ethernet frame into out (ETH_FRAME_MAX bytes),
 * checksums right; they return the frame length. */
size_t sg_frame_ipv4(uint8_t *out, const uint8_t *src_mac, const uint8_t *dst_mac, uint32_t src,
                     uint32_t dst, uint8_t proto, const uint8_t *l4, size_t len);
size_t sg_frame_tcp(uint8_t *out, uint32_t src, uint32_t dst, const struct tcp_seg *seg);
size_t sg_frame_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                    const uint8_t *data, size_t len);
size_t sg_frame_icmp(uint8_t *out, uint32_t src, uint32_t dst, const struct icmp_msg *m);
size_t sg_frame_arp(uint8_t *out, const uint8_t *dst_mac, const struct arp_pkt *a);

/* host_input() at t->now, the frame copied into an exactly-sized buffer so
 * that ASan catches any read past its end. */
void sg_input(struct segtest *t, const uint8_t *frame, size_t len);
/* A segment sport -> dport with these numbers, flags and window, carrying
 * len bytes of data; a SYN also offers MSS 1460. */
void sg_seg(struct tcp_seg *g, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
            uint8_t flags, uint16_t wnd, const uint8_t *data, size_t len);
/* A TCP segment from the peer: `len` bytes of sg_payload() as data. */
void sg_tcp_from_peer(struct segtest *t, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                      uint8_t flags, uint16_t wnd, size_t len);
/* A segment from the peer relative to s's TCB:
 * <SEQ=RCV.NXT+seq_off><ACK=SND.NXT+ack_off>, window 8192. */
void seg_from_peer(struct segtest *t, const struct sock *s, uint8_t flags, int32_t seq_off,
                   int32_t ack_off, size_t len);

/* A frame the host sent, parsed down to its transport layer. */
struct sg_out {
    size_t len;
    uint8_t bytes[ETH_FRAME_MAX];
    struct eth_hdr eth;
    bool is_ip;
    struct ipv4_hdr ip;
    const uint8_t *l4;         /* into bytes */
    size_t l4len;
    bool is_tcp;
    struct tcp_seg tcp;        /* data points into bytes */
};

/* Take the next frame the host sent; false when there is none. */
bool sg_pop(struct segtest *t, struct sg_out *o);
/* Take the next frame that is not an ARP request for the peer; those are
 * answered as the peer would (its ARP still works when its TCP is silent). */
bool sg_pop_peer(struct segtest *t, struct sg_out *o);
/* Take the next frame, which must be a TCP segment; false when none left. */
bool sg_pop_tcp(struct segtest *t, struct tcp_seg *seg);
/* Discard every queued frame; returns how many there were. */
size_t sg_drain(struct segtest *t);
/* Move the clock to `to`, running the host's timers at each deadline on
 * the way (frames stay queued). */
void sg_advance(struct segtest *t, tl_time to);

/* Sum of every drop counter. */
uint64_t sg_drops_total(const struct host *h);

#endif
