/* The stateless wire formats (src/wire): the Internet checksum, sequence
 * arithmetic, and every header's parser and builder.  Malformed input is
 * fed through exactly-sized heap copies, so ASan proves that no parser
 * reads past the end of what it was given. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "wire/arp.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/seq.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#define SRC 0x0a0a0164u
#define DST 0x0a0a0264u

/* A heap copy of exactly n bytes: one byte further is a heap overflow. */
static uint8_t *exact(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(c);
    if (n)
        memcpy(c, p, n);
    return c;
}

/* ---- checksum (RFC 1071) ---- */

CK_CASE("checksum and sequence numbers", NULL, NULL);

CK_TEST(test_checksum_rfc1071_example_sums_to_ddf2)
{
    /* RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2; the checksum is its complement. */
    static const uint8_t d[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    ck_assert_uint_eq(csum_finish(csum_add(0, d, sizeof d)), 0x220d);
    ck_assert_uint_eq(inet_checksum(d, sizeof d), 0x220d);
    /* Split at an even offset, the running sum gives the same result. */
    ck_assert_uint_eq(csum_finish(csum_add(csum_add(0, d, 4), d + 4, 4)), 0x220d);
}
END_TEST

CK_TEST(test_checksum_odd_length_pads_last_byte_with_zero)
{
    static const uint8_t d[] = {0x01, 0x02, 0x03};
    ck_assert_uint_eq(inet_checksum(d, 3), (uint16_t)~0x0402);
    static const uint8_t one[] = {0xab};
    ck_assert_uint_eq(inet_checksum(one, 1), (uint16_t)~0xab00);
    ck_assert_uint_eq(inet_checksum(one, 0), 0xffff);
}
END_TEST

CK_TEST(test_checksum_folds_carries_of_long_buffers)
{
    uint8_t *b = malloc(65536);
    memset(b, 0xff, 65536);
    /* One's complement sum of ffff words is ffff: checksum 0. */
    ck_assert_uint_eq(inet_checksum(b, 65536), 0);
    b[0] = 0xfe;   /* ffff * 32767 + feff folds to feff */
    ck_assert_uint_eq(inet_checksum(b, 65536), 0x0100);
    free(b);
}
END_TEST

CK_TEST(test_checksum_vector_and_scalar_code_agree_with_the_definition)
{
    /* RFC 1071 by its definition, 16-bit big-endian words one at a time,
     * against the AVX2 and the scalar code, at every alignment and at
     * every length around the 64-byte and 8-byte steps. */
    uint8_t *b = malloc(2100);
    for (int i = 0; i < 2100; i++)
        b[i] = (uint8_t)(i * 167 + 13);
    for (int scalar = 0; scalar < 2; scalar++) {
        csum_scalar_only(scalar);
        for (size_t off = 0; off < 9; off++)
            for (size_t len = 0; len <= 2090; len += (len < 200 ? 1 : 61)) {
                uint64_t ref = 0x1234;
                for (size_t i = 0; i < len; i += 2)
                    ref += (uint32_t)b[off + i] << 8 | (i + 1 < len ? b[off + i + 1] : 0);
                while (ref >> 16)
                    ref = (ref & 0xffff) + (ref >> 16);
                ck_assert_uint_eq(csum_finish(csum_add(0x1234, b + off, len)), (uint16_t)~ref);
            }
    }
    csum_scalar_only(false);
    free(b);
}
END_TEST

CK_TEST(test_ipv4_header_checksum_example_b861_and_verifies_to_zero)
{
    uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    ck_assert_uint_eq(inet_checksum(h, 20), 0xb861);
    put_be16(h + 10, 0xb861);
    ck_assert_uint_eq(inet_checksum(h, 20), 0);
}
END_TEST

CK_TEST(test_pseudo_header_sum_equals_the_twelve_bytes_summed)
{
    uint8_t ph[12];
    put_be32(ph, 0xc0a80001);
    put_be32(ph + 4, 0xffff00c7);
    ph[8] = 0;
    ph[9] = IP_PROTO_TCP;
    put_be16(ph + 10, 0xfff3);
    ck_assert_uint_eq(csum_finish(csum_pseudo(0xc0a80001, 0xffff00c7, IP_PROTO_TCP, 0xfff3)),
                      inet_checksum(ph, 12));
}
END_TEST

CK_TEST(test_tcp_and_udp_checksums_cover_the_pseudo_header)
{
    uint8_t b[64];
    struct tcp_seg s = {.sport = 1, .dport = 2, .seq = 3, .flags = TH_SYN};
    size_t n = tcp_build(b, sizeof b, SRC, DST, &s);
    struct tcp_seg p;
    ck_assert_int_eq(tcp_parse(b, n, SRC, DST, &p), DROP_NONE);
    ck_assert_int_eq(tcp_parse(b, n, SRC, DST + 1, &p), DROP_TCP_BAD_CSUM);
    ck_assert_int_eq(tcp_parse(b, n, DST, SRC, &p), DROP_NONE);   /* the sum is symmetric */
    struct udp_dgram d = {.sport = 7, .dport = 9, .data = (const uint8_t *)"x", .len = 1};
    n = udp_build(b, SRC, DST, &d);
    struct udp_dgram q;
    ck_assert_int_eq(udp_parse(b, n, SRC, DST, &q), DROP_NONE);
    ck_assert_int_eq(udp_parse(b, n, SRC + 1, DST, &q), DROP_UDP_BAD_CSUM);
}
END_TEST

/* ---- sequence arithmetic (RFC 9293 §3.4) ---- */

CK_TEST(test_seq_compare_across_the_2_32_wrap)
{
    ck_assert(seq_lt(0xffffffffu, 0));
    ck_assert(seq_gt(0, 0xffffffffu));
    ck_assert(seq_lt(0xfffffff0u, 0x10));
    ck_assert(!seq_lt(0x10, 0xfffffff0u));
    ck_assert(seq_le(5, 5) && seq_ge(5, 5) && !seq_lt(5, 5) && !seq_gt(5, 5));
    ck_assert(seq_le(0xffffffffu, 0) && !seq_ge(0xffffffffu, 0));
    /* Half the space away is the horizon: a - b = 2^31 - 1 is still "after". */
    ck_assert(seq_gt(0x7fffffffu, 0));
    ck_assert(seq_lt(0x80000000u, 0));
    ck_assert_uint_eq(seq_max(0xfffffffeu, 3), 3);
    ck_assert_uint_eq(seq_max(3, 0xfffffffeu), 3);
}
END_TEST

CK_TEST(test_seq_in_window_across_the_wrap)
{
    /* [lo, hi) modulo 2^32 */
    ck_assert(seq_in(0xfffffff0u, 0xfffffff0u, 0x10));
    ck_assert(seq_in(0xffffffffu, 0xfffffff0u, 0x10));
    ck_assert(seq_in(0, 0xfffffff0u, 0x10));
    ck_assert(seq_in(0xf, 0xfffffff0u, 0x10));
    ck_assert(!seq_in(0x10, 0xfffffff0u, 0x10));
    ck_assert(!seq_in(0xffffffefu, 0xfffffff0u, 0x10));
    ck_assert(!seq_in(7, 7, 7));          /* an empty window holds nothing */
    ck_assert(seq_in(7, 7, 8) && !seq_in(8, 7, 8));
}
END_TEST

/* ---- Ethernet and ARP ---- */

CK_CASE("link and network headers", NULL, NULL);

CK_TEST(test_eth_round_trip_and_every_short_prefix_truncated)
{
    struct eth_hdr h = {.dst = {1, 2, 3, 4, 5, 6}, .src = {7, 8, 9, 10, 11, 12}, .type = 0x86dd};
    uint8_t b[ETH_HLEN];
    ck_assert_uint_eq(eth_build(b, &h), ETH_HLEN);
    struct eth_hdr p;
    uint8_t *c = exact(b, ETH_HLEN);
    ck_assert_int_eq(eth_parse(c, ETH_HLEN, &p), DROP_NONE);
    free(c);
    ck_assert_int_eq(memcmp(&p.dst, h.dst, 6) | memcmp(&p.src, h.src, 6), 0);
    ck_assert_uint_eq(p.type, 0x86dd);
    for (size_t n = 0; n < ETH_HLEN; n++) {
        c = exact(b, n);
        ck_assert_int_eq(eth_parse(c, n, &p), DROP_ETH_TRUNCATED);
        free(c);
    }
    char s[18];
    ck_assert_str_eq(eth_ntoa(h.src, s), "07:08:09:0a:0b:0c");
}
END_TEST

static size_t sample_arp(uint8_t *b)
{
    struct arp_pkt a = {.op = ARP_OP_REPLY, .sha = {2, 0, 10, 10, 1, 100}, .spa = SRC,
                        .tha = {2, 0, 10, 10, 2, 100}, .tpa = DST};
    return arp_build(b, &a);
}

CK_TEST(test_arp_round_trip)
{
    uint8_t b[ARP_LEN];
    ck_assert_uint_eq(sample_arp(b), ARP_LEN);
    static const uint8_t head[8] = {0, 1, 8, 0, 6, 4, 0, 2};
    ck_assert_int_eq(memcmp(b, head, 8), 0);
    struct arp_pkt a;
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_NONE);
    ck_assert_uint_eq(a.op, ARP_OP_REPLY);
    ck_assert_uint_eq(a.spa, SRC);
    ck_assert_uint_eq(a.tpa, DST);
    ck_assert_uint_eq(a.sha[5], 100);
    ck_assert_uint_eq(a.tha[4], 2);
}
END_TEST

CK_TEST(test_arp_every_prefix_truncated_and_foreign_formats_unsupported)
{
    uint8_t b[ARP_LEN];
    sample_arp(b);
    struct arp_pkt a;
    for (size_t n = 0; n < ARP_LEN; n++) {
        uint8_t *c = exact(b, n);
        ck_assert_msg(arp_parse(c, n, &a) == DROP_ARP_TRUNCATED, "prefix %zu", n);
        free(c);
    }
    static const int field[] = {1, 3, 4, 5};      /* htype, ptype, hlen, plen */
    for (int i = 0; i < 4; i++) {
        uint8_t m[ARP_LEN];
        memcpy(m, b, ARP_LEN);
        m[field[i]] ^= 0x40;
        ck_assert_int_eq(arp_parse(m, ARP_LEN, &a), DROP_ARP_UNSUPPORTED);
    }
    put_be16(b + 6, 3);                            /* RARP request */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_OP);
}
END_TEST

/* ---- IPv4 ---- */

/* A 24-byte header (one 4-byte option) around 8 bytes of payload. */
static size_t sample_ipv4_opts(uint8_t *b)
{
    struct ipv4_hdr h = {.tos = 0x10, .id = 77, .frag = IP_DF, .ttl = 9, .proto = 200, .src = SRC, .dst = DST};
    ipv4_build(b + 4, &h, 12);       /* then shift in a NOP option by hand */
    memmove(b, b + 4, 20);
    b[0] = 0x46;
    put_be16(b + 2, 32);
    b[20] = b[21] = b[22] = b[23] = 1;
    memcpy(b + 24, "payload!", 8);
    put_be16(b + 10, 0);
    put_be16(b + 10, inet_checksum(b, 24));
    return 32;
}

CK_TEST(test_ipv4_round_trip_cuts_trailing_padding)
{
    uint8_t b[64];
    memset(b, 0xee, sizeof b);
    struct ipv4_hdr h = {.tos = 0xc0, .id = 0xbeef, .frag = IP_MF | 5, .ttl = 1,
                         .proto = IP_PROTO_UDP, .src = SRC, .dst = DST};
    ck_assert_uint_eq(ipv4_build(b, &h, 6), IPV4_HLEN);
    memcpy(b + 20, "abcdef", 6);
    struct ipv4_hdr p;
    const uint8_t *pl;
    size_t plen;
    /* 46 bytes, as after an Ethernet frame padded to 60 */
    ck_assert_int_eq(ipv4_parse(b, 46, &p, &pl, &plen), DROP_NONE);
    ck_assert_uint_eq(plen, 6);
    ck_assert_ptr_eq(pl, b + 20);
    ck_assert_uint_eq(p.hlen, 20);
    ck_assert_uint_eq(p.tot_len, 26);
    ck_assert_uint_eq(p.tos, 0xc0);
    ck_assert_uint_eq(p.id, 0xbeef);
    ck_assert_uint_eq(p.frag, IP_MF | 5);
    ck_assert_uint_eq(p.ttl, 1);
    ck_assert_uint_eq(p.proto, IP_PROTO_UDP);
    ck_assert_uint_eq(p.src, SRC);
    ck_assert_uint_eq(p.dst, DST);
    ck_assert(ipv4_is_fragment(&p));
    p.frag = IP_DF;
    ck_assert(!ipv4_is_fragment(&p));
    p.frag = 1;                        /* a last fragment: offset only */
    ck_assert(ipv4_is_fragment(&p));
}
END_TEST

CK_TEST(test_ipv4_options_header_parsed_and_every_prefix_named)
{
    uint8_t b[32];
    size_t n = sample_ipv4_opts(b);
    struct ipv4_hdr p;
    const uint8_t *pl;
    size_t plen;
    ck_assert_int_eq(ipv4_parse(b, n, &p, &pl, &plen), DROP_NONE);
    ck_assert_uint_eq(p.hlen, 24);
    ck_assert_uint_eq(plen, 8);
    ck_assert_int_eq(memcmp(pl, "payload!", 8), 0);
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = exact(b, k);
        enum drop_reason want = k < 24 ? DROP_IP_TRUNCATED : DROP_IP_BAD_LEN;
        ck_assert_msg(ipv4_parse(c, k, &p, &pl, &plen) == want, "prefix %zu", k);
        free(c);
    }
}
END_TEST

CK_TEST(test_ipv4_malformed_headers_get_their_reason)
{
    uint8_t b[32], m[32];
    size_t n = sample_ipv4_opts(b);
    struct ipv4_hdr p;
    const uint8_t *pl;
    size_t plen;
    for (int v = 0; v < 16; v++) {
        if (v == 4)
            continue;
        memcpy(m, b, n);
        m[0] = (uint8_t)(v << 4 | 6);
        ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_VERSION);
    }
    for (int ihl = 0; ihl < 5; ihl++) {
        memcpy(m, b, n);
        m[0] = (uint8_t)(0x40 | ihl);
        ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_HLEN);
    }
    memcpy(m, b, n);
    m[0] = 0x4f;                                   /* 60-byte header in 32 bytes */
    uint8_t *c = exact(m, n);
    ck_assert_int_eq(ipv4_parse(c, n, &p, &pl, &plen), DROP_IP_TRUNCATED);
    free(c);
    memcpy(m, b, n);
    put_be16(m + 2, 23);                           /* total length inside the header */
    ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_LEN);
    put_be16(m + 2, 33);                           /* beyond the data */
    ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_LEN);
    memcpy(m, b, n);
    m[8] ^= 1;                                     /* TTL changed, checksum not */
    ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_CSUM);
    memcpy(m, b, n);
    m[22] ^= 1;                                    /* an option byte: still covered */
    ck_assert_int_eq(ipv4_parse(m, n, &p, &pl, &plen), DROP_IP_BAD_CSUM);
}
END_TEST

CK_TEST(test_ipv4_address_text_round_trip_and_rejects)
{
    char s[16];
    uint32_t a;
    ck_assert_str_eq(ipv4_ntoa(0xffffffffu, s), "255.255.255.255");
    ck_assert_str_eq(ipv4_ntoa(SRC, s), "10.10.1.100");
    ck_assert_int_eq(ipv4_aton("10.10.2.100", &a), 0);
    ck_assert_uint_eq(a, DST);
    ck_assert_int_eq(ipv4_aton("0.0.0.0", &a), 0);
    ck_assert_uint_eq(a, 0);
    static const char *const bad[] = {"", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.1.1.1", "1..2.3",
                                      " 1.2.3.4", "1.2.3.4 ", "-1.2.3.4", "1.2.3.0004", "a.b.c.d"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(ipv4_aton(bad[i], &a) == -1, "'%s' accepted", bad[i]);
}
END_TEST

/* ---- ICMP ---- */

CK_TEST(test_icmp_round_trip_and_every_prefix_named)
{
    static const uint8_t data[] = "0123456789abcdefghij";   /* no zero word at any tail */
    struct icmp_msg m = {.type = ICMP_ECHO_REQUEST, .id = 0x4242, .seq = 7, .data = data, .len = 20};
    uint8_t b[64];
    size_t n = icmp_build(b, &m);
    ck_assert_uint_eq(n, 28);
    ck_assert_uint_eq(inet_checksum(b, n), 0);
    struct icmp_msg p;
    ck_assert_int_eq(icmp_parse(b, n, &p), DROP_NONE);
    ck_assert_uint_eq(p.type, ICMP_ECHO_REQUEST);
    ck_assert_uint_eq(p.code, 0);
    ck_assert_uint_eq(p.id, 0x4242);
    ck_assert_uint_eq(p.seq, 7);
    ck_assert_uint_eq(p.len, 20);
    ck_assert_int_eq(memcmp(p.data, data, 20), 0);
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = exact(b, k);
        enum drop_reason want = k < ICMP_HLEN ? DROP_ICMP_TRUNCATED : DROP_ICMP_BAD_CSUM;
        ck_assert_msg(icmp_parse(c, k, &p) == want, "prefix %zu", k);
        free(c);
    }
    b[27] ^= 0x80;
    ck_assert_int_eq(icmp_parse(b, n, &p), DROP_ICMP_BAD_CSUM);
}
END_TEST

/* ---- UDP ---- */

CK_CASE("transport headers", NULL, NULL);

CK_TEST(test_udp_round_trip_and_every_prefix_named)
{
    struct udp_dgram d = {.sport = 5353, .dport = 53, .data = (const uint8_t *)"hello", .len = 5};
    uint8_t b[32];
    size_t n = udp_build(b, SRC, DST, &d);
    ck_assert_uint_eq(n, 13);
    ck_assert_uint_eq(get_be16(b + 4), 13);
    struct udp_dgram p;
    ck_assert_int_eq(udp_parse(b, n, SRC, DST, &p), DROP_NONE);
    ck_assert_uint_eq(p.sport, 5353);
    ck_assert_uint_eq(p.dport, 53);
    ck_assert_uint_eq(p.len, 5);
    ck_assert_int_eq(memcmp(p.data, "hello", 5), 0);
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = exact(b, k);
        enum drop_reason want = k < UDP_HLEN ? DROP_UDP_TRUNCATED : DROP_UDP_BAD_LEN;
        ck_assert_msg(udp_parse(c, k, SRC, DST, &p) == want, "prefix %zu", k);
        free(c);
    }
    put_be16(b + 4, 7);                            /* length below the header */
    ck_assert_int_eq(udp_parse(b, n, SRC, DST, &p), DROP_UDP_BAD_LEN);
    put_be16(b + 4, 13);
    b[12] ^= 1;
    ck_assert_int_eq(udp_parse(b, n, SRC, DST, &p), DROP_UDP_BAD_CSUM);
    put_be16(b + 6, 0);                            /* RFC 768: zero means no checksum */
    ck_assert_int_eq(udp_parse(b, n, SRC, DST, &p), DROP_NONE);
}
END_TEST

CK_TEST(test_udp_computed_zero_checksum_is_sent_as_ffff)
{
    uint8_t w[2] = {0, 0}, b[16];
    struct udp_dgram d = {.sport = 1000, .dport = 2000, .data = w, .len = 2};
    udp_build(b, SRC, DST, &d);
    uint16_t c = get_be16(b + 6);
    put_be16(w, c);                                /* now the data cancels the sum */
    udp_build(b, SRC, DST, &d);
    ck_assert_uint_eq(get_be16(b + 6), 0xffff);
    struct udp_dgram p;
    ck_assert_int_eq(udp_parse(b, 10, SRC, DST, &p), DROP_NONE);
}
END_TEST

/* ---- TCP header ---- */

CK_TEST(test_tcp_round_trip_every_field)
{
    static const uint8_t data[] = "GET / HTTP/1.0\r\n";
    struct tcp_seg s = {.sport = 40000, .dport = 80, .seq = 0xfffffff0u, .ack = 0x01020304,
                        .flags = TH_PSH | TH_ACK | TH_URG | TH_ECE | TH_CWR, .wnd = 0xfffe,
                        .urp = 3, .data = data, .len = 16};
    uint8_t b[128];
    size_t n = tcp_build(b, sizeof b, SRC, DST, &s);
    ck_assert_uint_eq(n, TCP_HLEN + 16);
    struct tcp_seg p;
    uint8_t *c = exact(b, n);
    ck_assert_int_eq(tcp_parse(c, n, SRC, DST, &p), DROP_NONE);
    ck_assert_uint_eq(p.sport, 40000);
    ck_assert_uint_eq(p.dport, 80);
    ck_assert_uint_eq(p.seq, 0xfffffff0u);
    ck_assert_uint_eq(p.ack, 0x01020304);
    ck_assert_uint_eq(p.hlen, 20);
    ck_assert_uint_eq(p.flags, s.flags);
    ck_assert_uint_eq(p.wnd, 0xfffe);
    ck_assert_uint_eq(p.urp, 3);
    ck_assert_uint_eq(p.len, 16);
    ck_assert_int_eq(memcmp(p.data, data, 16), 0);
    ck_assert_uint_eq(tcp_seg_len(&p), 16);
    p.flags = TH_SYN | TH_FIN;
    ck_assert_uint_eq(tcp_seg_len(&p), 18);
    free(c);
    ck_assert_uint_eq(tcp_build(b, n - 1, SRC, DST, &s), 0);   /* does not fit */
}
END_TEST

CK_TEST(test_tcp_linux_syn_options_byte_for_byte)
{
    struct tcp_seg s = {.sport = 1, .dport = 2, .flags = TH_SYN};
    s.opt = (struct tcp_opts){.has_mss = true, .mss = 1460, .sack_perm = true, .has_ts = true,
                              .ts_val = 0x11223344, .ts_ecr = 0, .has_wscale = true, .wscale = 7};
    uint8_t b[64];
    ck_assert_uint_eq(tcp_options_len(&s.opt), 20);
    size_t n = tcp_build(b, sizeof b, SRC, DST, &s);
    ck_assert_uint_eq(n, 40);
    ck_assert_uint_eq(b[12] >> 4, 10);
    static const uint8_t want[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
                                     0, 0, 0, 0, 1, 3, 3, 7};
    ck_assert_int_eq(memcmp(b + 20, want, 20), 0);
    struct tcp_seg p;
    ck_assert_int_eq(tcp_parse(b, n, SRC, DST, &p), DROP_NONE);
    ck_assert(p.opt.has_mss && p.opt.mss == 1460);
    ck_assert(p.opt.sack_perm);
    ck_assert(p.opt.has_ts && p.opt.ts_val == 0x11223344 && p.opt.ts_ecr == 0);
    ck_assert(p.opt.has_wscale && p.opt.wscale == 7);
    ck_assert_uint_eq(p.opt.nsack, 0);
    ck_assert_uint_eq(p.opt.unknown, 0);
    ck_assert_uint_eq(p.len, 0);
}
END_TEST

/* Every combination of options tcp_build can write parses back the same. */
CK_TEST(test_tcp_every_option_combination_round_trips)
{
    for (int mask = 0; mask < 32; mask++) {
        for (int nsack = 0; nsack <= TCP_MAX_SACK; nsack++) {
            struct tcp_seg s = {.sport = 9, .dport = 10, .seq = 1, .flags = TH_ACK};
            struct tcp_opts *o = &s.opt;
            o->has_mss = mask & 1;
            o->mss = 536;
            o->sack_perm = mask & 2;
            o->has_ts = mask & 4;
            o->ts_val = 0xdeadbeef;
            o->ts_ecr = 0xfeedface;
            o->has_wscale = mask & 8;
            o->wscale = 14;
            o->nsack = (uint8_t)nsack;
            for (int k = 0; k < nsack; k++) {
                o->sack[k].left = 0xfffffff0u + 100u * (uint32_t)k;
                o->sack[k].right = o->sack[k].left + 50;
            }
            s.data = (const uint8_t *)"zz";
            s.len = (mask & 16) ? 2 : 0;
            uint8_t b[128];
            size_t n = tcp_build(b, sizeof b, SRC, DST, &s);
            size_t olen = tcp_options_len(o);
            if (olen > TCP_OPT_MAX) {
                ck_assert_uint_eq(n, 0);
                continue;
            }
            ck_assert_msg(n == TCP_HLEN + olen + s.len, "mask %d nsack %d", mask, nsack);
            ck_assert_uint_eq(olen % 4, 0);
            struct tcp_seg p;
            uint8_t *c = exact(b, n);
            ck_assert_msg(tcp_parse(c, n, SRC, DST, &p) == DROP_NONE, "mask %d nsack %d", mask, nsack);
            ck_assert_uint_eq(p.hlen, TCP_HLEN + olen);
            ck_assert_int_eq(p.opt.has_mss, o->has_mss);
            ck_assert_int_eq(p.opt.sack_perm, o->sack_perm);
            ck_assert_int_eq(p.opt.has_ts, o->has_ts);
            ck_assert_int_eq(p.opt.has_wscale, o->has_wscale);
            if (o->has_mss)
                ck_assert_uint_eq(p.opt.mss, 536);
            if (o->has_ts)
                ck_assert(p.opt.ts_val == 0xdeadbeef && p.opt.ts_ecr == 0xfeedface);
            if (o->has_wscale)
                ck_assert_uint_eq(p.opt.wscale, 14);
            ck_assert_uint_eq(p.opt.nsack, nsack);
            for (int k = 0; k < nsack; k++)
                ck_assert(p.opt.sack[k].left == o->sack[k].left &&
                          p.opt.sack[k].right == o->sack[k].right);
            ck_assert_uint_eq(p.len, s.len);
            free(c);
        }
    }
}
END_TEST

/* tcp_parse_options on hand-written option bytes. */
static enum drop_reason opts(const uint8_t *bytes, size_t n, struct tcp_opts *o)
{
    uint8_t *c = exact(bytes, n);
    enum drop_reason r = tcp_parse_options(c, n, o);
    free(c);
    return r;
}

CK_TEST(test_tcp_options_nop_eol_unknown_and_sack_blocks)
{
    struct tcp_opts o;
    /* NOPs, an unknown kind 30 with 4 bytes, then sackOK, then EOL and garbage. */
    static const uint8_t a[] = {1, 1, 30, 4, 0xaa, 0xbb, 4, 2, 0, 0xff, 0x00, 0x13};
    ck_assert_int_eq(opts(a, sizeof a, &o), DROP_NONE);
    ck_assert_uint_eq(o.unknown, 1);
    ck_assert(o.sack_perm);
    ck_assert(!o.has_mss && !o.has_ts && !o.has_wscale);
    /* An unknown kind of length 2 (no data) is skipped too. */
    static const uint8_t b[] = {99, 2, 3, 3, 9, 0};
    ck_assert_int_eq(opts(b, sizeof b, &o), DROP_NONE);
    ck_assert(o.unknown == 1 && o.has_wscale && o.wscale == 9);
    /* SACK with three blocks. */
    uint8_t s[28] = {1, 1, 5, 26};
    for (int k = 0; k < 3; k++) {
        put_be32(s + 4 + 8 * k, 1000u * (uint32_t)k);
        put_be32(s + 8 + 8 * k, 1000u * (uint32_t)k + 500);
    }
    ck_assert_int_eq(opts(s, sizeof s, &o), DROP_NONE);
    ck_assert_uint_eq(o.nsack, 3);
    ck_assert(o.sack[2].left == 2000 && o.sack[2].right == 2500);
    /* Only EOL, or nothing at all. */
    static const uint8_t e[] = {0, 0, 0, 0};
    ck_assert_int_eq(opts(e, 4, &o), DROP_NONE);
    ck_assert_int_eq(opts(e, 0, &o), DROP_NONE);
}
END_TEST

CK_TEST(test_tcp_options_with_bad_lengths_are_malformed)
{
    struct tcp_opts o;
    static const struct { uint8_t b[8]; size_t n; const char *why; } bad[] = {
        {{2, 0, 5, 0xb4}, 4, "length 0"},
        {{2, 1, 5, 0xb4}, 4, "length 1"},
        {{30, 1, 1, 1}, 4, "unknown kind, length 1"},
        {{1, 1, 2, 6, 5, 0xb4}, 6, "mss running past the end"},
        {{1, 1, 30, 9, 0, 0, 0, 0}, 8, "unknown kind running past the end"},
        {{1, 1, 1, 2}, 4, "kind in the last byte, no length"},
        {{2, 3, 5, 1}, 4, "mss of length 3"},
        {{3, 4, 7, 1}, 4, "wscale of length 4"},
        {{4, 3, 1, 1}, 4, "sackOK of length 3"},
        {{5, 7, 0, 0, 0, 0, 0, 0}, 8, "sack not 2 + 8n"},
        {{8, 8, 0, 0, 0, 0, 0, 0}, 8, "timestamps of length 8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(opts(bad[i].b, bad[i].n, &o) == DROP_TCP_BAD_OPTION, "%s", bad[i].why);
}
END_TEST

static size_t sample_tcp_opts(uint8_t *b)
{
    struct tcp_seg s = {.sport = 1234, .dport = 80, .seq = 1, .ack = 2, .flags = TH_ACK, .wnd = 100,
                        .data = (const uint8_t *)"abcdefg", .len = 7};
    s.opt.has_ts = true;
    s.opt.ts_val = 0x01010101;
    s.opt.ts_ecr = 0x02020202;
    return tcp_build(b, 128, SRC, DST, &s);
}

CK_TEST(test_tcp_every_prefix_named_and_data_offset_checked)
{
    uint8_t b[128], m[128];
    size_t n = sample_tcp_opts(b);      /* 32-byte header, 7 bytes of data */
    ck_assert_uint_eq(n, 39);
    struct tcp_seg p;
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = exact(b, k);
        enum drop_reason want = k < TCP_HLEN ? DROP_TCP_TRUNCATED
                              : k < 32 ? DROP_TCP_BAD_HLEN : DROP_TCP_BAD_CSUM;
        ck_assert_msg(tcp_parse(c, k, SRC, DST, &p) == want, "prefix %zu", k);
        free(c);
    }
    for (int off = 0; off < 5; off++) {
        memcpy(m, b, n);
        m[12] = (uint8_t)(off << 4);
        ck_assert_int_eq(tcp_parse(m, n, SRC, DST, &p), DROP_TCP_BAD_HLEN);
    }
    memcpy(m, b, n);
    m[12] = 0xf0;                       /* 60-byte header in 39 bytes */
    uint8_t *c = exact(m, n);
    ck_assert_int_eq(tcp_parse(c, n, SRC, DST, &p), DROP_TCP_BAD_HLEN);
    free(c);
    memcpy(m, b, n);
    m[20] = 8;
    m[21] = 0;                          /* option length 0 (checksum fixed up) */
    put_be16(m + 16, 0);
    put_be16(m + 16, csum_finish(csum_add(csum_pseudo(SRC, DST, IP_PROTO_TCP, (uint16_t)n), m, n)));
    ck_assert_int_eq(tcp_parse(m, n, SRC, DST, &p), DROP_TCP_BAD_OPTION);
    memcpy(m, b, n);
    m[38] ^= 0x20;
    ck_assert_int_eq(tcp_parse(m, n, SRC, DST, &p), DROP_TCP_BAD_CSUM);
}
END_TEST

CK_TEST(test_tcp_flags_print_as_tcpdump)
{
    char s[9];
    ck_assert_str_eq(tcp_flags_str(TH_SYN, s), "S");
    ck_assert_str_eq(tcp_flags_str(TH_SYN | TH_ACK, s), "S.");
    ck_assert_str_eq(tcp_flags_str(TH_FIN | TH_PSH | TH_ACK, s), "FP.");
    ck_assert_str_eq(tcp_flags_str(TH_RST | TH_ACK, s), "R.");
    ck_assert_str_eq(tcp_flags_str(0, s), "none");
    ck_assert_str_eq(tcp_flags_str(0xff, s), "FSRP.UEW");
}
END_TEST
