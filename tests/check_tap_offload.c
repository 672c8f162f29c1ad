/* The NIC's part of --offload (src/link/tap_offload.c): 64 KiB GSO
 * super-frames (IPv4 and IPv6) cut into wire segments with valid
 * checksums, checksums left to the NIC filled in, bursts joined into a GSO
 * frame that cuts back into the same segments, and every kind of
 * malformed header refused before any segment is made. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include "ckmain.h"
#include "link/tap_offload.h"
#include "link/tap_offload_io.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define MSS      1448          /* IPv4: 1500 - 20 - 20 - 12 */
#define MSS6     1428          /* IPv6: 1500 - 40 - 20 - 12 */
#define TCP_OPTS 12            /* nop, nop, timestamps: as Linux sends data */
#define SEQ0     0xfffff000u   /* the segments' sequence numbers wrap */
#define ID0      0xfff0        /* ... and so do the IPv4 ids */
#define SRC      0x0a0a0264u
#define DST      0x0a0a0164u

static uint8_t super[OFFLOAD_FRAME_MAX];
static uint8_t segbuf[ETH_FRAME_MAX];

/* What offload_cut handed over. */
static struct {
    size_t n;
    size_t len[128];
    uint8_t f[128][ETH_FRAME_MAX];
} got;

static void collect(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx;
    ck_assert_uint_lt(got.n, 128);
    ck_assert_uint_le(len, ETH_FRAME_MAX);
    memcpy(got.f[got.n], f, len);
    got.len[got.n++] = len;
}

static void ignore(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx, (void)f, (void)len;
}

static void reset(void)
{
    memset(&got, 0, sizeof got);
}

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 7 + i / 251);
}

/* A super-frame as Linux hands one to a TSO device: Ethernet, IPv4 or
 * IPv6, TCP with timestamps, `payload` bytes; the TCP checksum field
 * holding only the pseudo-header's sum (CHECKSUM_PARTIAL).  Its length. */
static size_t make_super(bool v6, size_t payload, uint8_t flags)
{
    memset(super, 0, sizeof super);
    uint8_t *p = super;
    memset(p, 0x02, 6);
    memset(p + 6, 0x04, 6);
    put_be16(p + 12, v6 ? 0x86dd : ETHERTYPE_IPV4);
    size_t l3 = ETH_HLEN, l4 = l3 + (v6 ? 40 : 20), tcp_len = TCP_HLEN + TCP_OPTS + payload;
    if (v6) {
        p[l3] = 0x60;
        put_be16(p + l3 + 4, (uint16_t)tcp_len);
        p[l3 + 6] = IP_PROTO_TCP;
        p[l3 + 7] = 64;
        for (int i = 0; i < 16; i++) {
            p[l3 + 8 + i] = (uint8_t)(0xfd + i);
            p[l3 + 24 + i] = (uint8_t)(0x20 + i);
        }
    } else {
        p[l3] = 0x45;
        put_be16(p + l3 + 2, (uint16_t)(20 + tcp_len));
        put_be16(p + l3 + 4, ID0);
        put_be16(p + l3 + 6, IP_DF);
        p[l3 + 8] = 64;
        p[l3 + 9] = IP_PROTO_TCP;
        put_be32(p + l3 + 12, SRC);
        put_be32(p + l3 + 16, DST);
        put_be16(p + l3 + 10, inet_checksum(p + l3, 20));
    }
    put_be16(p + l4, 4000);
    put_be16(p + l4 + 2, 51000);
    put_be32(p + l4 + 4, SEQ0);
    put_be32(p + l4 + 8, 12345);
    p[l4 + 12] = (uint8_t)(((TCP_HLEN + TCP_OPTS) / 4) << 4);
    p[l4 + 13] = flags;
    put_be16(p + l4 + 14, 501);
    p[l4 + 20] = TCPOPT_NOP;
    p[l4 + 21] = TCPOPT_NOP;
    p[l4 + 22] = TCPOPT_TS;
    p[l4 + 23] = 10;
    put_be32(p + l4 + 24, 1111);
    put_be32(p + l4 + 28, 2222);
    size_t hl = l4 + TCP_HLEN + TCP_OPTS;
    for (size_t i = 0; i < payload; i++)
        p[hl + i] = pattern(i);
    uint32_t ps = v6 ? csum_add(0, p + l3 + 8, 32) + (uint32_t)tcp_len + IP_PROTO_TCP
                     : csum_pseudo(SRC, DST, IP_PROTO_TCP, (uint16_t)tcp_len);
    put_be16(p + l4 + 16, (uint16_t)~csum_finish(ps));
    return hl + payload;
}

static struct vnet_hdr gso_hdr(bool v6, size_t len)
{
    size_t l4 = ETH_HLEN + (v6 ? 40 : 20);
    return (struct vnet_hdr){
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
        .gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
        .hdr_len = (uint16_t)(l4 + TCP_HLEN + TCP_OPTS),
        .gso_size = v6 ? MSS6 : MSS,
        .csum_start = (uint16_t)l4,
        .csum_offset = 16,
    };
}

/* The TCP checksum of an IPv6 segment verifies (RFC 8200 §8.1). */
static bool ipv6_tcp_ok(const uint8_t *f, size_t len)
{
    size_t tcp_len = get_be16(f + ETH_HLEN + 4);
    if (ETH_HLEN + 40 + tcp_len != len)
        return false;
    uint32_t s = csum_add(0, f + ETH_HLEN + 8, 32) + (uint32_t)tcp_len + IP_PROTO_TCP;
    return csum_finish(csum_add(s, f + ETH_HLEN + 40, tcp_len)) == 0;
}

/* Every segment of a cut: the payload in order, MSS-size but the last,
 * sequence numbers and ids counted on, PSH/FIN on the last only, CWR on
 * the first only, options untouched, checksums valid. */
static void check_cut(bool v6, size_t payload, uint8_t flags)
{
    size_t l4 = ETH_HLEN + (v6 ? 40 : 20), hl = l4 + TCP_HLEN + TCP_OPTS;
    size_t mss = v6 ? MSS6 : MSS;
    size_t want = (payload + mss - 1) / mss;
    ck_assert_uint_eq(got.n, want);
    size_t off = 0;
    for (size_t i = 0; i < got.n; i++) {
        const uint8_t *f = got.f[i];
        size_t n = i + 1 < got.n ? mss : payload - off;
        ck_assert_uint_eq(got.len[i], hl + n);
        ck_assert_uint_le(got.len[i] - ETH_HLEN, ETH_MTU);
        if (v6) {
            ck_assert(ipv6_tcp_ok(f, got.len[i]));
        } else {
            struct ipv4_hdr ip;
            struct tcp_seg s;
            const uint8_t *pl;
            size_t plen;
            ck_assert_int_eq(ipv4_parse(f + ETH_HLEN, got.len[i] - ETH_HLEN, &ip, &pl, &plen),
                             DROP_NONE);
            ck_assert_uint_eq(ip.id, (uint16_t)(ID0 + i));
            ck_assert_uint_eq(ip.frag, IP_DF);
            ck_assert_int_eq(tcp_parse(pl, plen, ip.src, ip.dst, &s), DROP_NONE);
            ck_assert(s.opt.has_ts && s.opt.ts_val == 1111 && s.opt.ts_ecr == 2222);
        }
        ck_assert_uint_eq(get_be32(f + l4 + 4), SEQ0 + (uint32_t)off);
        ck_assert_uint_eq(get_be32(f + l4 + 8), 12345);
        uint8_t fl = flags;
        if (i + 1 < got.n)
            fl &= (uint8_t)~(TH_PSH | TH_FIN);
        if (i > 0)
            fl &= (uint8_t)~TH_CWR;
        ck_assert_uint_eq(f[l4 + 13], fl);
        for (size_t k = 0; k < n; k++)
            if (f[hl + k] != pattern(off + k))
                ck_abort_msg("segment %zu, payload byte %zu differs", i, k);
        off += n;
    }
    ck_assert_uint_eq(off, payload);
}

static void cut_64k(bool v6)
{
    size_t payload = 65535 - (v6 ? 0 : 20) - TCP_HLEN - TCP_OPTS;
    uint8_t flags = TH_ACK | TH_PSH | TH_CWR;
    size_t len = make_super(v6, payload, flags), nseg = 99;
    struct vnet_hdr h = gso_hdr(v6, len);
    reset();
    ck_assert_int_eq(offload_cut(&h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    ck_assert_uint_eq(nseg, got.n);
    check_cut(v6, payload, flags);
}

START_TEST(test_cut_ipv4_64k_super_frame_into_mss_segments)
{
    cut_64k(false);
}
END_TEST

START_TEST(test_cut_ipv6_64k_super_frame_into_mss_segments)
{
    cut_64k(true);
}
END_TEST

START_TEST(test_cut_fin_stays_on_the_last_segment)
{
    size_t payload = 3 * MSS + 1, nseg;
    size_t len = make_super(false, payload, TH_ACK | TH_FIN);
    struct vnet_hdr h = gso_hdr(false, len);
    h.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
    reset();
    ck_assert_int_eq(offload_cut(&h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    check_cut(false, payload, TH_ACK | TH_FIN);
}
END_TEST

START_TEST(test_needs_csum_frame_gets_its_checksum_filled_in)
{
    size_t len = make_super(false, 500, TH_ACK | TH_PSH), nseg;
    struct vnet_hdr h = gso_hdr(false, len);
    h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
    h.gso_size = 0;
    reset();
    ck_assert_int_eq(offload_cut(&h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    ck_assert_uint_eq(nseg, 1);
    check_cut(false, 500, TH_ACK | TH_PSH);
}
END_TEST

START_TEST(test_plain_frame_passes_untouched)
{
    uint8_t f[60];
    for (size_t i = 0; i < sizeof f; i++)
        f[i] = (uint8_t)i;
    struct vnet_hdr h = {0};
    size_t nseg;
    reset();
    ck_assert_int_eq(offload_cut(&h, f, sizeof f, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    ck_assert_uint_eq(got.n, 1);
    ck_assert_mem_eq(got.f[0], f, sizeof f);
}
END_TEST

START_TEST(test_vnet_header_round_trips_and_short_one_is_refused)
{
    struct vnet_hdr a = gso_hdr(true, 0), b;
    uint8_t buf[VNET_HDR_LEN];
    vnet_hdr_build(buf, &a);
    ck_assert_int_eq(vnet_hdr_parse(buf, sizeof buf, &b), OFFLOAD_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    ck_assert_int_eq(vnet_hdr_parse(buf, VNET_HDR_LEN - 1, &b), OFFLOAD_SHORT);
}
END_TEST

/* One malformed frame: its reason, and nothing handed over. */
static void refused(const struct vnet_hdr *h, size_t len, enum offload_err want)
{
    size_t nseg = 99;
    reset();
    ck_assert_int_eq(offload_cut(h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), want);
    ck_assert_uint_eq(nseg, 0);
    ck_assert_uint_eq(got.n, 0);
    ck_assert_str_ne(offload_err_str(want), "unknown");
}

START_TEST(test_malformed_gso_frames_are_refused_with_their_reason)
{
    size_t len = make_super(false, 10 * MSS, TH_ACK);
    struct vnet_hdr good = gso_hdr(false, len), h;
    h = good, h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    refused(&h, len, OFFLOAD_GSO_TYPE);
    h = good, h.gso_type = 0x42;
    refused(&h, len, OFFLOAD_GSO_TYPE);
    h = good, h.gso_size = 0;
    refused(&h, len, OFFLOAD_GSO_SIZE);
    h = good, h.gso_size = ETH_MTU;          /* headers + 1500 > MTU */
    refused(&h, len, OFFLOAD_GSO_SIZE);
    h = good, h.hdr_len = (uint16_t)(len + 1);
    refused(&h, len, OFFLOAD_HDR_LEN);
    h = good, h.csum_start = (uint16_t)len;
    refused(&h, len, OFFLOAD_CSUM_RANGE);
    h = good, h.csum_offset = 0xfff0;
    refused(&h, len, OFFLOAD_CSUM_RANGE);
    h = good, h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;   /* an IPv4 frame */
    refused(&h, len, OFFLOAD_HEADERS);
    refused(&good, 40, OFFLOAD_HDR_LEN);               /* cut short in the IP header */
    h = good, h.hdr_len = ETH_HLEN, h.flags = 0;
    refused(&h, 40, OFFLOAD_HEADERS);
    refused(&good, len - 1, OFFLOAD_IP_LEN);           /* the IP length beyond it */
    super[ETH_HLEN + 9] = IP_PROTO_UDP;
    refused(&good, len, OFFLOAD_HEADERS);
    super[ETH_HLEN + 9] = IP_PROTO_TCP;
    super[ETH_HLEN + 20 + 12] = 0xf0;                  /* data offset 60 > what there is */
    size_t small = make_super(false, 0, TH_ACK);
    struct vnet_hdr e = gso_hdr(false, small);
    refused(&e, small, OFFLOAD_EMPTY);
    super[ETH_HLEN + 20 + 12] = 0x10;                  /* data offset 4 bytes */
    refused(&e, small, OFFLOAD_HEADERS);
    h = good, h.csum_start = 0, h.csum_offset = 0;
    h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
    h.csum_start = (uint16_t)(len - 1);
    refused(&h, len, OFFLOAD_CSUM_RANGE);              /* no room for the field */
}
END_TEST

/* ---- joining ---------------------------------------------------------- */

static struct offload_join join;

/* The pieces of a built frame, end to end. */
static size_t flatten(const struct iovec *iov, int k, uint8_t *out)
{
    size_t n = 0;
    for (int i = 0; i < k; i++) {
        memcpy(out + n, iov[i].iov_base, iov[i].iov_len);
        n += iov[i].iov_len;
    }
    return n;
}

/* The segments of a cut super-frame of `payload`, in got. */
static void segments(size_t payload, uint8_t flags)
{
    size_t len = make_super(false, payload, flags), nseg;
    struct vnet_hdr h = gso_hdr(false, len);
    reset();
    ck_assert_int_eq(offload_cut(&h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
}

START_TEST(test_join_burst_gives_gso_frame_that_cuts_back_the_same)
{
    static uint8_t joined[OFFLOAD_FRAME_MAX];
    size_t payload = 40 * MSS + 77;
    segments(payload, TH_ACK | TH_PSH);
    size_t n = got.n;
    offload_join_clear(&join);
    for (size_t i = 0; i < n; i++) {
        ck_assert(offload_joinable(got.f[i], got.len[i]));
        ck_assert(offload_join_fits(&join, got.f[i], got.len[i]));
        offload_join_add(&join, got.f[i], got.len[i]);
    }
    struct iovec iov[OFFLOAD_JOIN_MAX + 2];
    size_t total;
    int k = offload_join_build(&join, iov, &total);
    ck_assert_int_eq(k, (int)n + 1);
    ck_assert_uint_eq(flatten(iov, k, joined), total);
    struct vnet_hdr h;
    ck_assert_int_eq(vnet_hdr_parse(joined, total, &h), OFFLOAD_OK);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    ck_assert_uint_eq(h.gso_size, MSS);
    ck_assert_uint_eq(h.hdr_len, ETH_HLEN + 20 + TCP_HLEN + TCP_OPTS);
    ck_assert_uint_eq(h.csum_start, ETH_HLEN + 20);
    ck_assert_uint_eq(h.csum_offset, 16);
    /* a valid IPv4 packet of all the payload, PSH from the last segment */
    uint8_t *f = joined + VNET_HDR_LEN;
    size_t flen = total - VNET_HDR_LEN;
    struct ipv4_hdr ip;
    const uint8_t *pl;
    size_t plen;
    ck_assert_int_eq(ipv4_parse(f + ETH_HLEN, flen - ETH_HLEN, &ip, &pl, &plen), DROP_NONE);
    ck_assert_uint_eq(ip.tot_len, 20 + TCP_HLEN + TCP_OPTS + payload);
    ck_assert_uint_eq(f[ETH_HLEN + 20 + 13], TH_ACK | TH_PSH);
    /* the receiver, as the NIC, cuts it back into the very same segments */
    static uint8_t again[128][ETH_FRAME_MAX];
    static size_t again_len[128];
    memcpy(again, got.f, sizeof again);
    memcpy(again_len, got.len, sizeof again_len);
    size_t nseg;
    reset();
    ck_assert_int_eq(offload_cut(&h, f, flen, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    ck_assert_uint_eq(got.n, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(got.len[i], again_len[i]);
        ck_assert_mem_eq(got.f[i], again[i], got.len[i]);
    }
    /* and filling in the checksum it was left makes a valid TCP segment */
    h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
    reset();
    ck_assert_int_eq(offload_cut(&h, f, flen, 65535, segbuf, ignore, NULL, &nseg), OFFLOAD_OK);
    struct tcp_seg s;
    ck_assert_int_eq(tcp_parse(pl, plen, ip.src, ip.dst, &s), DROP_NONE);
    ck_assert_uint_eq(s.len, payload);
    ck_assert_uint_eq(s.seq, SEQ0);
}
END_TEST

START_TEST(test_join_single_segment_goes_with_an_empty_header)
{
    segments(700, TH_ACK);
    offload_join_clear(&join);
    offload_join_add(&join, got.f[0], got.len[0]);
    struct iovec iov[OFFLOAD_JOIN_MAX + 2];
    size_t total;
    uint8_t out[VNET_HDR_LEN + ETH_FRAME_MAX];
    int k = offload_join_build(&join, iov, &total);
    ck_assert_uint_eq(flatten(iov, k, out), VNET_HDR_LEN + got.len[0]);
    static const uint8_t zero[VNET_HDR_LEN];
    ck_assert_mem_eq(out, zero, VNET_HDR_LEN);
    ck_assert_mem_eq(out + VNET_HDR_LEN, got.f[0], got.len[0]);
}
END_TEST

START_TEST(test_join_refuses_what_a_gso_frame_cannot_carry)
{
    segments(4 * MSS, TH_ACK | TH_PSH);
    offload_join_clear(&join);
    offload_join_add(&join, got.f[0], got.len[0]);
    uint8_t f[ETH_FRAME_MAX];
    size_t l4 = ETH_HLEN + 20;
    ck_assert(offload_join_fits(&join, got.f[1], got.len[1]));
    /* a gap in the sequence */
    ck_assert(!offload_join_fits(&join, got.f[2], got.len[2]));
    /* another ACK, another window, other options */
    memcpy(f, got.f[1], got.len[1]);
    put_be32(f + l4 + 8, 999);
    ck_assert(!offload_join_fits(&join, f, got.len[1]));
    memcpy(f, got.f[1], got.len[1]);
    put_be16(f + l4 + 14, 7);
    ck_assert(!offload_join_fits(&join, f, got.len[1]));
    memcpy(f, got.f[1], got.len[1]);
    put_be32(f + l4 + 24, 1112);
    ck_assert(!offload_join_fits(&join, f, got.len[1]));
    /* control flags cannot be joined at all */
    static const uint8_t ctl[] = {TH_SYN, TH_FIN, TH_RST, TH_URG, TH_CWR};
    for (size_t i = 0; i < sizeof ctl; i++) {
        memcpy(f, got.f[1], got.len[1]);
        f[l4 + 13] |= ctl[i];
        ck_assert(!offload_joinable(f, got.len[1]));
    }
    /* nor a segment without data, nor IPv6 */
    size_t bare = make_super(false, 0, TH_ACK);
    ck_assert(!offload_joinable(super, bare));
    size_t six = make_super(true, 100, TH_ACK);
    ck_assert(!offload_joinable(super, six));
    /* a PSH ends a burst; a longer payload cannot follow a shorter one */
    segments(2 * MSS + 10, TH_ACK | TH_PSH);
    offload_join_clear(&join);
    offload_join_add(&join, got.f[0], got.len[0]);
    offload_join_add(&join, got.f[1], got.len[1]);
    offload_join_add(&join, got.f[2], got.len[2]);
    memcpy(f, got.f[2], got.len[2]);
    put_be32(f + l4 + 4, get_be32(f + l4 + 4) + 10);
    ck_assert(!offload_join_fits(&join, f, got.len[2]));       /* after PSH */
    offload_join_clear(&join);
    offload_join_add(&join, got.f[0], got.len[0]);
    memcpy(f, got.f[2], got.len[2]);
    put_be32(f + l4 + 4, get_be32(got.f[0] + l4 + 4) + MSS);
    f[l4 + 13] = TH_ACK;
    ck_assert(offload_join_fits(&join, f, got.len[2]));        /* a short one last */
    offload_join_add(&join, f, got.len[2]);
    memcpy(f, got.f[1], got.len[1]);
    put_be32(f + l4 + 4, get_be32(got.f[0] + l4 + 4) + MSS + 10);
    f[l4 + 13] = TH_ACK;
    ck_assert(!offload_join_fits(&join, f, got.len[1]));       /* then a full one */
}
END_TEST

START_TEST(test_join_stops_at_64k_and_at_its_segment_limit)
{
    /* 45 segments of 1448 bytes: a 46th would take the IP packet past
     * 64 KiB */
    segments(45 * MSS, TH_ACK);
    ck_assert_uint_eq(got.n, 45);
    offload_join_clear(&join);
    for (size_t i = 0; i < got.n; i++) {
        ck_assert(offload_join_fits(&join, got.f[i], got.len[i]));
        offload_join_add(&join, got.f[i], got.len[i]);
    }
    uint8_t f[ETH_FRAME_MAX];
    size_t l4 = ETH_HLEN + 20;
    memcpy(f, got.f[44], got.len[44]);
    put_be32(f + l4 + 4, get_be32(f + l4 + 4) + MSS);
    ck_assert(!offload_join_fits(&join, f, got.len[44]));
    /* 66 segments of 1000 bytes: OFFLOAD_JOIN_MAX of them at most */
    size_t len = make_super(false, 65483, TH_ACK), nseg;
    struct vnet_hdr h = gso_hdr(false, len);
    h.gso_size = 1000;
    reset();
    ck_assert_int_eq(offload_cut(&h, super, len, ETH_MTU, segbuf, collect, NULL, &nseg), OFFLOAD_OK);
    ck_assert_uint_eq(got.n, 66);
    offload_join_clear(&join);
    size_t i = 0;
    while (i < got.n && offload_join_fits(&join, got.f[i], got.len[i])) {
        offload_join_add(&join, got.f[i], got.len[i]);
        i++;
    }
    ck_assert_uint_eq(join.n, OFFLOAD_JOIN_MAX);
}
END_TEST

/* ---- the TAP's side, over a socket pair standing in for it ----------- */

static int sp[2];
static struct tap_offload *tio;

static void io_setup(void)
{
    signal(SIGPIPE, SIG_IGN);              /* the failing write below gets EPIPE */
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
    int big = 1 << 20;
    setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    tio = tap_offload_new();
    ck_assert_ptr_nonnull(tio);
}

static void io_teardown(void)
{
    tap_offload_free(tio);
    close(sp[0]);
    close(sp[1]);
}

/* The kernel's side writes a frame behind its header h. */
static void kernel_writes(const struct vnet_hdr *h, const uint8_t *f, size_t len)
{
    static uint8_t buf[OFFLOAD_FRAME_MAX];
    vnet_hdr_build(buf, h);
    memcpy(buf + VNET_HDR_LEN, f, len);
    ck_assert_int_eq(write(sp[1], buf, VNET_HDR_LEN + len), (ssize_t)(VNET_HDR_LEN + len));
}

START_TEST(test_read_cuts_super_frames_and_counts_malformed_ones)
{
    size_t len = make_super(false, 20 * MSS, TH_ACK | TH_PSH);
    struct vnet_hdr h = gso_hdr(false, len);
    kernel_writes(&h, super, len);
    h.gso_size = 0;
    kernel_writes(&h, super, len);
    uint8_t stub[4] = {1, 2, 3, 4};
    ck_assert_int_eq(write(sp[1], stub, sizeof stub), 4);     /* no room for the header */
    reset();
    ck_assert_int_gt(tap_offload_read(tio, sp[0], collect, NULL), 0);
    check_cut(false, 20 * MSS, TH_ACK | TH_PSH);
    ck_assert_int_gt(tap_offload_read(tio, sp[0], collect, NULL), 0);
    ck_assert_uint_eq(tio->st.last_bad, OFFLOAD_GSO_SIZE);
    ck_assert_int_gt(tap_offload_read(tio, sp[0], collect, NULL), 0);
    ck_assert_uint_eq(got.n, 20);                  /* nothing more handed over */
    ck_assert_uint_eq(tio->st.rx_frames, 3);
    ck_assert_uint_eq(tio->st.rx_super, 1);
    ck_assert_uint_eq(tio->st.rx_segs, 20);
    ck_assert_uint_eq(tio->st.rx_bad, 2);
    ck_assert_uint_eq(tio->st.last_bad, OFFLOAD_SHORT);
}
END_TEST

static size_t nsent;

static void count_sent(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx, (void)f, (void)len;
    nsent++;
}

START_TEST(test_write_joins_a_burst_and_sends_control_segments_alone)
{
    static uint8_t in[OFFLOAD_FRAME_MAX];
    segments(5 * MSS, TH_ACK | TH_PSH);
    nsent = 0;
    for (size_t i = 0; i < got.n; i++)
        ck_assert_int_eq(tap_offload_write(tio, sp[0], got.f[i], got.len[i], count_sent, NULL), 0);
    ck_assert_uint_eq(nsent, 0);                   /* held for the burst */
    /* a FIN: the burst goes first, as one GSO frame, then the FIN alone */
    uint8_t fin[ETH_FRAME_MAX];
    size_t l4 = ETH_HLEN + 20, hl = l4 + TCP_HLEN + TCP_OPTS;
    memcpy(fin, got.f[0], hl);
    put_be16(fin + ETH_HLEN + 2, (uint16_t)(hl - ETH_HLEN));
    fin[l4 + 13] = TH_ACK | TH_FIN;
    ck_assert_int_eq(tap_offload_write(tio, sp[0], fin, hl, count_sent, NULL), 0);
    ck_assert_uint_eq(nsent, 6);
    ck_assert_int_eq(tap_offload_flush(tio, sp[0], count_sent, NULL), 0);   /* nothing held */
    ssize_t n = read(sp[1], in, sizeof in);
    struct vnet_hdr h;
    ck_assert_int_eq(vnet_hdr_parse(in, (size_t)n, &h), OFFLOAD_OK);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    ck_assert_uint_eq((size_t)n, VNET_HDR_LEN + hl + 5 * MSS);
    n = read(sp[1], in, sizeof in);
    ck_assert_uint_eq((size_t)n, VNET_HDR_LEN + hl);
    ck_assert_int_eq(vnet_hdr_parse(in, (size_t)n, &h), OFFLOAD_OK);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    ck_assert_mem_eq(in + VNET_HDR_LEN, fin, hl);
    ck_assert_uint_eq(tio->st.tx_frames, 2);
    ck_assert_uint_eq(tio->st.tx_gso, 1);
    ck_assert_uint_eq(tio->st.tx_joined, 5);
    /* a write that fails is counted for the caller */
    close(sp[1]);
    sp[1] = -1;
    tap_offload_write(tio, sp[0], got.f[0], got.len[0], count_sent, NULL);
    ck_assert_int_eq(tap_offload_flush(tio, sp[0], count_sent, NULL), 1);
}
END_TEST

static Suite *offload_suite(void)
{
    Suite *s = suite_create("tap_offload");
    ck_case(s, "cut", NULL, NULL, test_cut_ipv4_64k_super_frame_into_mss_segments,
            test_cut_ipv6_64k_super_frame_into_mss_segments,
            test_cut_fin_stays_on_the_last_segment,
            test_needs_csum_frame_gets_its_checksum_filled_in, test_plain_frame_passes_untouched,
            test_vnet_header_round_trips_and_short_one_is_refused,
            test_malformed_gso_frames_are_refused_with_their_reason, NULL);
    ck_case(s, "join", NULL, NULL, test_join_burst_gives_gso_frame_that_cuts_back_the_same,
            test_join_single_segment_goes_with_an_empty_header,
            test_join_refuses_what_a_gso_frame_cannot_carry,
            test_join_stops_at_64k_and_at_its_segment_limit, NULL);
    ck_case(s, "io", io_setup, io_teardown, test_read_cuts_super_frames_and_counts_malformed_ones,
            test_write_joins_a_burst_and_sends_control_segments_alone, NULL);
    return s;
}

int main(void)
{
    return ck_run(offload_suite());
}
