/* The TAP's side of --offload (tap_offload_io.h): virtio-net frames read
 * and cut into wire segments, the stack's bursts joined and written. */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include "link/tap_offload_io.h"

struct tap_offload *tap_offload_new(void)
{
    struct tap_offload *o = calloc(1, sizeof *o);
    if (o)
        o->mtu = ETH_MTU;
    return o;
}

void tap_offload_free(struct tap_offload *o)
{
    free(o);
}

ssize_t tap_offload_read(struct tap_offload *o, int fd, offload_seg_fn fn, void *ctx)
{
    ssize_t n = read(fd, o->rx, sizeof o->rx);
    if (n <= 0)
        return n;
    struct vnet_hdr h;
    size_t segs = 0;
    enum offload_err e = vnet_hdr_parse(o->rx, (size_t)n, &h);
    if (e == OFFLOAD_OK)
        e = offload_cut(&h, o->rx + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, o->mtu, o->seg, fn,
                        ctx, &segs);
    o->st.rx_frames++;
    if (e != OFFLOAD_OK) {
        o->st.rx_bad++;
        o->st.last_bad = e;
    } else if (h.gso_type != 0) {
        o->st.rx_super++;
        o->st.rx_segs += segs;
    } else if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        o->st.rx_csum++;
    }
    return n;
}

int tap_offload_flush(struct tap_offload *o, int fd, offload_seg_fn sent, void *ctx)
{
    struct offload_join *j = &o->join;
    if (j->n == 0)
        return 0;
    struct iovec iov[OFFLOAD_JOIN_MAX + 2];
    size_t total;
    int k = offload_join_build(j, iov, &total);
    ssize_t w;
    do
        w = writev(fd, iov, k);
    while (w < 0 && errno == EINTR);
    o->st.tx_frames++;
    if (j->n > 1) {
        o->st.tx_gso++;
        o->st.tx_joined += j->n;
    }
    for (size_t i = 0; i < j->n; i++)
        sent(ctx, j->seg[i], j->len[i]);
    offload_join_clear(j);
    return w == (ssize_t)total ? 0 : 1;
}

int tap_offload_write(struct tap_offload *o, int fd, const uint8_t *f, size_t len,
                      offload_seg_fn sent, void *ctx)
{
    int errs = 0;
    bool joinable = offload_joinable(f, len);
    if (!joinable || !offload_join_fits(&o->join, f, len))
        errs += tap_offload_flush(o, fd, sent, ctx);
    if (len > sizeof o->join.seg[0]) {
        errs++;                /* larger than any frame the stack makes */
        return errs;
    }
    offload_join_add(&o->join, f, len);
    if (!joinable)
        errs += tap_offload_flush(o, fd, sent, ctx);
    return errs;
}
