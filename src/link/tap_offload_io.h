/* --offload in the tap world's loop (tapworld.c): the reads and writes of
 * a TAP opened with IFF_VNET_HDR, through the NIC's part (tap_offload.h).
 * What comes in reaches the loop as wire segments; what the stack sends
 * in one burst is held and goes out as one GSO frame when the burst ends
 * (tap_offload_flush) or a segment cannot join it. */
#ifndef TCPLAB_TAP_OFFLOAD_IO_H
#define TCPLAB_TAP_OFFLOAD_IO_H

#include <sys/types.h>

#include "link/tap_offload.h"

struct tap_offload {
    struct offload_stats st;
    size_t mtu;                /* IP bytes per segment */
    struct offload_join join;
    uint8_t rx[OFFLOAD_FRAME_MAX];
    uint8_t seg[ETH_FRAME_MAX];
};

struct tap_offload *tap_offload_new(void);
void tap_offload_free(struct tap_offload *o);

/* One frame from the TAP: read's result (0 or -1 with errno: nothing was
 * there); its wire segments go to fn.  A malformed frame is counted
 * (st.rx_bad, st.last_bad) and dropped. */
ssize_t tap_offload_read(struct tap_offload *o, int fd, offload_seg_fn fn, void *ctx);

/* A frame tcplab's stack sent.  sent(ctx, f, len) is called for every
 * segment once it is written, in order (the kernel has it then).
 * Returns the number of failed writes. */
int tap_offload_write(struct tap_offload *o, int fd, const uint8_t *f, size_t len,
                      offload_seg_fn sent, void *ctx);
/* The end of a burst: what is held goes out. */
int tap_offload_flush(struct tap_offload *o, int fd, offload_seg_fn sent, void *ctx);

#endif
