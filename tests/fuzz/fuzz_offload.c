/* libFuzzer target: the NIC's part of --offload (src/link/tap_offload.c)
 * on arbitrary frames from the kernel.  Input: a virtio-net header
 * (VNET_HDR_LEN bytes), then the frame.  Whatever it is, the cut either
 * refuses it with a reason or hands over frames no longer than the MTU
 * allows; the segments it makes are then joined again as the stack's
 * bursts are.  Nothing may crash or read out of bounds (ASan). */
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "link/tap_offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t frame[OFFLOAD_FRAME_MAX];
static uint8_t seg[ETH_FRAME_MAX];
static struct offload_join join;

static void take(void *ctx, const uint8_t *f, size_t len)
{
    size_t *n = ctx;
    (*n)++;
    if (len > ETH_FRAME_MAX || !offload_joinable(f, len))
        return;
    if (!offload_join_fits(&join, f, len)) {
        struct iovec iov[OFFLOAD_JOIN_MAX + 2];
        size_t total;
        offload_join_build(&join, iov, &total);
        offload_join_clear(&join);
    }
    offload_join_add(&join, f, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vnet_hdr h;
    if (vnet_hdr_parse(data, size, &h) != OFFLOAD_OK)
        return 0;
    size_t len = size - VNET_HDR_LEN;
    if (len > sizeof frame)
        return 0;
    memcpy(frame, data + VNET_HDR_LEN, len);
    size_t n = 0, nseg = 0;
    offload_join_clear(&join);
    enum offload_err e = offload_cut(&h, frame, len, ETH_MTU, seg, take, &n, &nseg);
    if (e != OFFLOAD_OK && n != 0)
        __builtin_trap();                      /* a refused frame was half cut */
    if (join.n) {
        struct iovec iov[OFFLOAD_JOIN_MAX + 2];
        size_t total;
        offload_join_build(&join, iov, &total);
    }
    return 0;
}
