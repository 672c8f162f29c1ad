/* The NIC's part in tap mode with --offload: the virtio-net header the TAP
 * puts before every frame (IFF_VNET_HDR), and what a NIC with checksum and
 * TCP segmentation offload does with it.
 *
 *   kernel -> tcplab  a GSO super-frame (up to 64 KiB of TCP payload) is cut
 *                     into the MSS-size wire segments a NIC with TSO would
 *                     send; a frame whose checksum the kernel left to the
 *                     NIC (VIRTIO_NET_HDR_F_NEEDS_CSUM) gets it filled in.
 *   tcplab -> kernel  the data segments tcplab's stack sends in one burst
 *                     are joined into one GSO frame, as GRO would join them.
 *
 * Pure byte work on buffers, no descriptor, no clock: the tap world
 * (tapworld_offload.c) does the reads and writes.  Every malformed header
 * or super-frame is refused with a named reason before any segment is
 * made, never half cut. */
#ifndef TCPLAB_TAP_OFFLOAD_H
#define TCPLAB_TAP_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/eth.h"

/* struct virtio_net_hdr (virtio 1.x §5.1.6, legacy layout): the TAP's
 * default size (TUNSETVNETHDRSZ), its 16-bit fields in host byte order. */
#define VNET_HDR_LEN 10
/* The largest frame the TAP can hand over with its header: an IPv6 header
 * and a 64 KiB payload behind Ethernet. */
#define OFFLOAD_FRAME_MAX (VNET_HDR_LEN + ETH_HLEN + 40 + 65535)
/* At most this many segments are joined into one GSO frame. */
#define OFFLOAD_JOIN_MAX 64

struct vnet_hdr {
    uint8_t flags;             /* VIRTIO_NET_HDR_F_NEEDS_CSUM, _DATA_VALID */
    uint8_t gso_type;          /* VIRTIO_NET_HDR_GSO_NONE, _TCPV4, _TCPV6, | _ECN */
    uint16_t hdr_len;          /* bytes of headers (a hint from Linux) */
    uint16_t gso_size;         /* payload per segment: the MSS */
    uint16_t csum_start;       /* where the checksummed bytes begin */
    uint16_t csum_offset;      /* where the checksum goes, from csum_start */
};

/* Why a frame from the kernel was refused: one X-macro list. */
#define OFFLOAD_ERRORS(X)                                                              \
    X(OK, "no error")                                                                 \
    X(SHORT, "frame shorter than its virtio-net header")                              \
    X(GSO_TYPE, "GSO type other than TCP over IPv4 or IPv6")                          \
    X(HDR_LEN, "hdr_len beyond the frame")                                            \
    X(CSUM_RANGE, "csum_start/csum_offset beyond the frame")                          \
    X(HEADERS, "GSO frame without a whole Ethernet, IP and TCP header of its type")   \
    X(IP_LEN, "IP length beyond the frame")                                           \
    X(GSO_SIZE, "gso_size 0, or a segment longer than the MTU")                       \
    X(EMPTY, "GSO frame without payload")

enum offload_err {
#define OFFLOAD_ENUM(n, s) OFFLOAD_##n,
    OFFLOAD_ERRORS(OFFLOAD_ENUM)
#undef OFFLOAD_ENUM
    OFFLOAD__COUNT
};

const char *offload_err_str(enum offload_err e);

/* What the offload did, for `ifconfig` (views) and the tests. */
struct offload_stats {
    uint64_t rx_frames;        /* frames read from the TAP */
    uint64_t rx_super;         /* ... GSO super-frames among them */
    uint64_t rx_segs;          /* ... the wire segments they were cut into */
    uint64_t rx_csum;          /* checksums filled in (NEEDS_CSUM, not GSO) */
    uint64_t rx_bad;           /* frames refused, the last one for this: */
    enum offload_err last_bad;
    uint64_t tx_frames;        /* frames written to the TAP */
    uint64_t tx_gso;           /* ... GSO frames among them */
    uint64_t tx_joined;        /* ... the segments joined into those */
};

/* The header at p (len bytes there): 0, or OFFLOAD_SHORT. */
enum offload_err vnet_hdr_parse(const uint8_t *p, size_t len, struct vnet_hdr *h);
void vnet_hdr_build(uint8_t *p, const struct vnet_hdr *h);

typedef void (*offload_seg_fn)(void *ctx, const uint8_t *frame, size_t len);

/* One frame from the kernel (behind its header h), as the wire would carry
 * it: a GSO super-frame cut into segments of at most mtu bytes of IP, each
 * given to fn from `seg` (room for ETH_HLEN + mtu); any other frame given
 * to fn as it is, its checksum filled in first if the kernel left it to
 * the NIC (f is written then).  *nseg: how many frames fn got.  A
 * malformed frame gets its reason and nothing goes to fn. */
enum offload_err offload_cut(const struct vnet_hdr *h, uint8_t *f, size_t len, size_t mtu,
                             uint8_t *seg, offload_seg_fn fn, void *ctx, size_t *nseg);

/* The burst being joined: copies of the segments tcplab's stack sent. */
struct offload_join {
    size_t n;
    size_t len[OFFLOAD_JOIN_MAX];
    uint8_t seg[OFFLOAD_JOIN_MAX][ETH_FRAME_MAX];
    uint8_t hdr[VNET_HDR_LEN + ETH_HLEN + 60 + 60];   /* the GSO frame's headers */
};

/* A segment that a GSO frame may carry: IPv4, TCP with payload, no SYN,
 * FIN, RST, URG or CWR, not a fragment. */
bool offload_joinable(const uint8_t *f, size_t len);
/* Does joinable f continue the held segments (same headers but for the
 * sequence number, IP id, checksums and a PSH on the last; the next
 * sequence number; a payload no longer than the first's, which the one
 * before it had too; still within 64 KiB and OFFLOAD_JOIN_MAX)? */
bool offload_join_fits(const struct offload_join *j, const uint8_t *f, size_t len);
/* Hold a copy of f (room: the caller checked fits, or j is empty). */
void offload_join_add(struct offload_join *j, const uint8_t *f, size_t len);
/* The frame to write for what is held, as pieces for writev (at most
 * OFFLOAD_JOIN_MAX + 2): one segment with an empty virtio-net header, or
 * several as one GSO frame (gso_type TCPV4, gso_size the first payload,
 * the checksum left to the receiver as Linux leaves it, NEEDS_CSUM).
 * Returns the number of pieces; *total their bytes.  j keeps its
 * segments until offload_join_clear. */
struct iovec;
int offload_join_build(struct offload_join *j, struct iovec *iov, size_t *total);
static inline void offload_join_clear(struct offload_join *j) { j->n = 0; }

#endif
