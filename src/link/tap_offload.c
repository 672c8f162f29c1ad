/* The NIC's part of --offload (tap_offload.h): between the TAP's
 * virtio-net frames and the wire segments tcplab's stack and decoder see.
 * A GSO super-frame is cut as Linux's own software segmentation cuts one
 * (net/ipv4/tcp_offload.c, tcp_gso_segment; inet_gso_segment for the IP
 * header): every segment gets the headers of the super-frame with its own
 * sequence number, IP id (the first's plus its index), lengths and
 * checksums; PSH and FIN stay on the last segment only, CWR on the first
 * only (RFC 3168 §6.1.2: it marks the first new segment after the window
 * was cut). */
#include <string.h>
#include <sys/uio.h>

#include <linux/virtio_net.h>

#include "link/tap_offload.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define ETHERTYPE_IPV6 0x86dd
#define IPV6_HLEN      40

static const char *const err_str[] = {
#define OFFLOAD_STR(n, s) s,
    OFFLOAD_ERRORS(OFFLOAD_STR)
#undef OFFLOAD_STR
};

const char *offload_err_str(enum offload_err e)
{
    return (unsigned)e < OFFLOAD__COUNT ? err_str[e] : "unknown";
}

/* ---- the virtio-net header -------------------------------------------- */

enum offload_err vnet_hdr_parse(const uint8_t *p, size_t len, struct vnet_hdr *h)
{
    struct virtio_net_hdr v;
    if (len < VNET_HDR_LEN)
        return OFFLOAD_SHORT;
    memcpy(&v, p, sizeof v);
    h->flags = v.flags;
    h->gso_type = v.gso_type;
    h->hdr_len = v.hdr_len;
    h->gso_size = v.gso_size;
    h->csum_start = v.csum_start;
    h->csum_offset = v.csum_offset;
    return OFFLOAD_OK;
}

void vnet_hdr_build(uint8_t *p, const struct vnet_hdr *h)
{
    struct virtio_net_hdr v = {
        .flags = h->flags,
        .gso_type = h->gso_type,
        .hdr_len = h->hdr_len,
        .gso_size = h->gso_size,
        .csum_start = h->csum_start,
        .csum_offset = h->csum_offset,
    };
    memcpy(p, &v, sizeof v);
}

/* ---- kernel -> tcplab: cutting ---------------------------------------- */

/* Where the layers of an Ethernet/IP/TCP frame begin and end. */
struct layers {
    bool v6;
    size_t l4;                 /* the TCP header */
    size_t hl;                 /* all headers: where the payload begins */
    size_t end;                /* the end of the IP packet */
};

static enum offload_err find_layers(const uint8_t *f, size_t len, bool v6, struct layers *o)
{
    o->v6 = v6;
    if (len < ETH_HLEN + (v6 ? IPV6_HLEN : IPV4_HLEN) + TCP_HLEN ||
        get_be16(f + 12) != (v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4))
        return OFFLOAD_HEADERS;
    const uint8_t *ip = f + ETH_HLEN;
    if (v6) {
        /* no extension headers: TCP must follow the fixed header */
        if (ip[0] >> 4 != 6 || ip[6] != IP_PROTO_TCP)
            return OFFLOAD_HEADERS;
        o->l4 = ETH_HLEN + IPV6_HLEN;
        o->end = o->l4 + get_be16(ip + 4);
    } else {
        size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
        if (ip[0] >> 4 != 4 || ihl < IPV4_HLEN || ip[9] != IP_PROTO_TCP ||
            (get_be16(ip + 6) & (IP_MF | IP_OFFMASK)) || ETH_HLEN + ihl + TCP_HLEN > len)
            return OFFLOAD_HEADERS;
        o->l4 = ETH_HLEN + ihl;
        o->end = ETH_HLEN + get_be16(ip + 2);
        if (o->end < o->l4)
            return OFFLOAD_IP_LEN;
    }
    if (o->end > len)
        return OFFLOAD_IP_LEN;
    size_t doff = (size_t)(f[o->l4 + 12] >> 4) * 4;
    if (doff < TCP_HLEN || o->l4 + doff > o->end)
        return OFFLOAD_HEADERS;
    o->hl = o->l4 + doff;
    return OFFLOAD_OK;
}

/* The pseudo-header's sum (RFC 9293 §3.1; RFC 8200 §8.1 for IPv6) for
 * tcp_len bytes of TCP. */
static uint32_t pseudo_sum(const uint8_t *f, const struct layers *o, size_t tcp_len)
{
    const uint8_t *ip = f + ETH_HLEN;
    if (o->v6)
        return csum_add(0, ip + 8, 32) + (uint32_t)(tcp_len >> 16) + (uint32_t)(tcp_len & 0xffff) +
               IP_PROTO_TCP;
    return csum_pseudo(get_be32(ip + 12), get_be32(ip + 16), IP_PROTO_TCP, (uint16_t)tcp_len);
}

static void fill_tcp_csum(uint8_t *f, const struct layers *o, size_t tcp_len)
{
    put_be16(f + o->l4 + 16, 0);
    put_be16(f + o->l4 + 16, csum_finish(csum_add(pseudo_sum(f, o, tcp_len), f + o->l4, tcp_len)));
}

static void fill_ipv4_csum(uint8_t *f, const struct layers *o)
{
    put_be16(f + ETH_HLEN + 10, 0);
    put_be16(f + ETH_HLEN + 10, inet_checksum(f + ETH_HLEN, o->l4 - ETH_HLEN));
}

/* A checksum the kernel left to the NIC: the sum from csum_start to the
 * end, the pseudo-header's already in the field (virtio 1.x §5.1.6.2). */
static enum offload_err finish_csum(const struct vnet_hdr *h, uint8_t *f, size_t len)
{
    size_t at = (size_t)h->csum_start + h->csum_offset;
    if (h->csum_start >= len || at + 2 > len)
        return OFFLOAD_CSUM_RANGE;
    uint16_t c = csum_finish(csum_add(0, f + h->csum_start, len - h->csum_start));
    /* UDP's checksum field: 0 means none, so a sum of 0 goes as 0xffff
     * (RFC 768) */
    if (c == 0 && h->csum_offset == 6)
        c = 0xffff;
    put_be16(f + at, c);
    return OFFLOAD_OK;
}

enum offload_err offload_cut(const struct vnet_hdr *h, uint8_t *f, size_t len, size_t mtu,
                             uint8_t *seg, offload_seg_fn fn, void *ctx, size_t *nseg)
{
    *nseg = 0;
    uint8_t type = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
    if (type != VIRTIO_NET_HDR_GSO_NONE && type != VIRTIO_NET_HDR_GSO_TCPV4 &&
        type != VIRTIO_NET_HDR_GSO_TCPV6)
        return OFFLOAD_GSO_TYPE;
    if (h->hdr_len > len)
        return OFFLOAD_HDR_LEN;
    if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        (h->csum_start >= len || (size_t)h->csum_start + h->csum_offset + 2 > len))
        return OFFLOAD_CSUM_RANGE;
    if (type == VIRTIO_NET_HDR_GSO_NONE) {
        if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
            finish_csum(h, f, len);
        fn(ctx, f, len);
        *nseg = 1;
        return OFFLOAD_OK;
    }
    struct layers o;
    enum offload_err e = find_layers(f, len, type == VIRTIO_NET_HDR_GSO_TCPV6, &o);
    if (e != OFFLOAD_OK)
        return e;
    size_t mss = h->gso_size, ip_tcp = o.hl - ETH_HLEN;
    if (mss == 0 || ip_tcp + mss > mtu)
        return OFFLOAD_GSO_SIZE;
    size_t payload = o.end - o.hl;
    if (payload == 0)
        return OFFLOAD_EMPTY;
    uint32_t seq = get_be32(f + o.l4 + 4);
    uint16_t id = o.v6 ? 0 : get_be16(f + ETH_HLEN + 4);
    uint8_t flags = f[o.l4 + 13];
    size_t i = 0;
    for (size_t off = 0; off < payload; off += mss, i++) {
        size_t n = payload - off < mss ? payload - off : mss;
        bool last = off + n == payload;
        memcpy(seg, f, o.hl);
        memcpy(seg + o.hl, f + o.hl + off, n);
        size_t tcp_len = o.hl - o.l4 + n;
        if (o.v6) {
            put_be16(seg + ETH_HLEN + 4, (uint16_t)tcp_len);
        } else {
            put_be16(seg + ETH_HLEN + 2, (uint16_t)(ip_tcp + n));
            put_be16(seg + ETH_HLEN + 4, (uint16_t)(id + i));
            fill_ipv4_csum(seg, &o);
        }
        put_be32(seg + o.l4 + 4, seq + (uint32_t)off);
        uint8_t fl = flags;
        if (!last)
            fl &= (uint8_t)~(TH_PSH | TH_FIN);
        if (i > 0)
            fl &= (uint8_t)~TH_CWR;
        seg[o.l4 + 13] = fl;
        fill_tcp_csum(seg, &o, tcp_len);
        fn(ctx, seg, o.hl + n);
    }
    *nseg = i;
    return OFFLOAD_OK;
}

/* ---- tcplab -> kernel: joining ---------------------------------------- */

/* The headers' length of a joinable frame, its payload in *pay. */
static size_t join_hdrs(const uint8_t *f, size_t *pay)
{
    size_t l4 = ETH_HLEN + (size_t)(f[ETH_HLEN] & 0x0f) * 4;
    size_t hl = l4 + (size_t)(f[l4 + 12] >> 4) * 4;
    *pay = ETH_HLEN + get_be16(f + ETH_HLEN + 2) - hl;
    return hl;
}

bool offload_joinable(const uint8_t *f, size_t len)
{
    struct layers o;
    if (find_layers(f, len, false, &o) != OFFLOAD_OK || o.end == o.hl)
        return false;
    uint8_t fl = f[o.l4 + 13];
    return (fl & TH_ACK) && !(fl & (TH_SYN | TH_FIN | TH_RST | TH_URG | TH_CWR));
}

static bool same(const uint8_t *a, const uint8_t *b, size_t from, size_t to)
{
    return memcmp(a + from, b + from, to - from) == 0;
}

bool offload_join_fits(const struct offload_join *j, const uint8_t *f, size_t len)
{
    if (j->n == 0)
        return true;
    if (j->n >= OFFLOAD_JOIN_MAX)
        return false;
    const uint8_t *first = j->seg[0], *last = j->seg[j->n - 1];
    size_t p0, pl, p;
    size_t hl = join_hdrs(first, &p0);
    join_hdrs(last, &pl);
    size_t l3 = ETH_HLEN, l4 = ETH_HLEN + (size_t)(first[ETH_HLEN] & 0x0f) * 4;
    /* a PSH ends the burst: the receiver hands the data over there */
    if (join_hdrs(f, &p) != hl || (last[l4 + 13] & TH_PSH))
        return false;
    /* Ethernet; IP but for length, id and checksum; TCP but for the
     * sequence number, PSH and the checksum */
    if (!same(first, f, 0, l3 + 2) || !same(first, f, l3 + 6, l3 + 10) ||
        !same(first, f, l3 + 12, l4 + 4) || !same(first, f, l4 + 8, l4 + 13) ||
        (first[l4 + 13] | TH_PSH) != (f[l4 + 13] | TH_PSH) || !same(first, f, l4 + 14, l4 + 16) ||
        !same(first, f, l4 + 18, hl))
        return false;
    if (get_be32(f + l4 + 4) != get_be32(last + l4 + 4) + (uint32_t)pl)
        return false;
    return pl == p0 && p <= p0 && hl - ETH_HLEN + p0 * j->n + p <= 65535;
}

void offload_join_add(struct offload_join *j, const uint8_t *f, size_t len)
{
    memcpy(j->seg[j->n], f, len);
    j->len[j->n++] = len;
}

int offload_join_build(struct offload_join *j, struct iovec *iov, size_t *total)
{
    struct vnet_hdr vh = {0};
    if (j->n == 1) {
        vnet_hdr_build(j->hdr, &vh);
        iov[0] = (struct iovec){.iov_base = j->hdr, .iov_len = VNET_HDR_LEN};
        iov[1] = (struct iovec){.iov_base = j->seg[0], .iov_len = j->len[0]};
        *total = VNET_HDR_LEN + j->len[0];
        return 2;
    }
    size_t p0, p, sum = 0;
    size_t hl = join_hdrs(j->seg[0], &p0);
    uint8_t *g = j->hdr + VNET_HDR_LEN;
    memcpy(g, j->seg[0], hl);
    int k = 1;
    for (size_t i = 0; i < j->n; i++) {
        join_hdrs(j->seg[i], &p);
        iov[k++] = (struct iovec){.iov_base = j->seg[i] + hl, .iov_len = p};
        sum += p;
    }
    struct layers o;
    find_layers(j->seg[0], j->len[0], false, &o);
    put_be16(g + ETH_HLEN + 2, (uint16_t)(hl - ETH_HLEN + sum));
    fill_ipv4_csum(g, &o);
    g[o.l4 + 13] |= j->seg[j->n - 1][o.l4 + 13] & TH_PSH;
    /* the checksum left to the receiver: the field holds the
     * pseudo-header's sum, folded, not complemented, as Linux leaves it
     * for CHECKSUM_PARTIAL */
    put_be16(g + o.l4 + 16, (uint16_t)~csum_finish(pseudo_sum(g, &o, hl - o.l4 + sum)));
    vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    vh.hdr_len = (uint16_t)hl;
    vh.gso_size = (uint16_t)p0;
    vh.csum_start = (uint16_t)o.l4;
    vh.csum_offset = 16;
    vnet_hdr_build(j->hdr, &vh);
    iov[0] = (struct iovec){.iov_base = j->hdr, .iov_len = VNET_HDR_LEN + hl};
    *total = VNET_HDR_LEN + hl + sum;
    return k;
}
