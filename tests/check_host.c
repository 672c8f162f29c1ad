/* One host below TCP: ARP (RFC 826), IPv4 input checks (RFC 791, RFC 1122
 * §3.2.1), ICMP echo and errors (RFC 792, RFC 1122 §3.2.2), UDP sockets
 * (RFC 768), and the drop counter charged for every malformed frame.
 * Hand-built frames go straight into host_input() (tests/lib/segtest.h);
 * exchanges between two stacks use the simulated wire. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "segtest.h"
#include "simtest.h"
#include "wire/bytes.h"
#include "wire/checksum.h"

static struct segtest T;

static struct arp_entry *arp_lookup(struct host *h, uint32_t ip)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (h->arp[i].used && h->arp[i].ip == ip)
            return &h->arp[i];
    return NULL;
}

static void inject_arp(uint16_t op, uint32_t spa, uint32_t tpa, const uint8_t *dst_mac)
{
    struct arp_pkt a = {.op = op, .spa = spa, .tpa = tpa};
    memcpy(a.sha, sg_peer_mac, ETH_ALEN);
    if (op == ARP_OP_REPLY)
        memcpy(a.tha, sg_host_mac, ETH_ALEN);
    uint8_t f[ETH_FRAME_MAX];
    sg_input(&T, f, sg_frame_arp(f, dst_mac, &a));
}

/* Pop a frame that must be an ARP request for `ip`, broadcast. */
static void expect_arp_request(uint32_t ip)
{
    struct sg_out o;
    ck_assert(sg_pop(&T, &o));
    ck_assert_uint_eq(o.eth.type, ETHERTYPE_ARP);
    ck_assert_int_eq(memcmp(o.eth.dst, eth_broadcast, ETH_ALEN), 0);
    struct arp_pkt a;
    ck_assert_int_eq(arp_parse(o.bytes + ETH_HLEN, o.len - ETH_HLEN, &a), DROP_NONE);
    ck_assert_uint_eq(a.op, ARP_OP_REQUEST);
    ck_assert_uint_eq(a.tpa, ip);
    ck_assert_uint_eq(a.spa, SG_HOST_IP);
}

static int udp_socket(struct host *h, uint16_t port)
{
    int fd = sock_socket(h, SOCKT_UDP);
    ck_assert_int_ge(fd, 3);
    if (port)
        ck_assert_int_eq(sock_bind(h, fd, 0, port), 0);
    return fd;
}

/* ---- ARP ---- */

CK_CASE("ARP", NULL, NULL);

CK_TEST(test_arp_request_for_us_answered_and_sender_learned)
{
    sg_init_bare(&T, 1);
    inject_arp(ARP_OP_REQUEST, SG_PEER_IP, SG_HOST_IP, eth_broadcast);
    struct sg_out o;
    ck_assert(sg_pop(&T, &o));
    ck_assert_uint_eq(o.eth.type, ETHERTYPE_ARP);
    ck_assert_int_eq(memcmp(o.eth.dst, sg_peer_mac, ETH_ALEN), 0);
    ck_assert_int_eq(memcmp(o.eth.src, sg_host_mac, ETH_ALEN), 0);
    struct arp_pkt a;
    ck_assert_int_eq(arp_parse(o.bytes + ETH_HLEN, o.len - ETH_HLEN, &a), DROP_NONE);
    ck_assert_uint_eq(a.op, ARP_OP_REPLY);
    ck_assert_int_eq(memcmp(a.sha, sg_host_mac, ETH_ALEN), 0);
    ck_assert_uint_eq(a.spa, SG_HOST_IP);
    ck_assert_int_eq(memcmp(a.tha, sg_peer_mac, ETH_ALEN), 0);
    ck_assert_uint_eq(a.tpa, SG_PEER_IP);
    ck_assert(!sg_pop(&T, &o));
    struct arp_entry *e = arp_lookup(T.h, SG_PEER_IP);
    ck_assert(e && e->resolved && memcmp(e->mac, sg_peer_mac, ETH_ALEN) == 0);
    sg_free(&T);
}
END_TEST

CK_TEST(test_arp_for_another_address_neither_answered_nor_learned)
{
    sg_init_bare(&T, 1);
    inject_arp(ARP_OP_REQUEST, SG_PEER_IP, 0x0a0a0909u, eth_broadcast);
    ck_assert_uint_eq(sg_drain(&T), 0);
    ck_assert_uint_eq(T.h->drops[DROP_ARP_NOT_FOR_US], 1);
    ck_assert_ptr_null(arp_lookup(T.h, SG_PEER_IP));   /* RFC 826: merge only if known */
    sg_free(&T);
}
END_TEST

CK_TEST(test_arp_frames_wait_for_the_reply_then_leave_in_order)
{
    sg_init_bare(&T, 1);
    int fd = udp_socket(T.h, 5000);
    for (char c = '1'; c <= '3'; c++)
        ck_assert_int_eq(sock_sendto(T.h, fd, &c, 1, SG_PEER_IP, 7, T.now), 1);
    expect_arp_request(SG_PEER_IP);                   /* one request for three frames */
    ck_assert_uint_eq(sg_drain(&T), 0);
    inject_arp(ARP_OP_REPLY, SG_PEER_IP, SG_HOST_IP, sg_host_mac);
    for (char c = '1'; c <= '3'; c++) {
        struct sg_out o;
        ck_assert(sg_pop(&T, &o) && o.is_ip && o.ip.proto == IP_PROTO_UDP);
        ck_assert_int_eq(memcmp(o.eth.dst, sg_peer_mac, ETH_ALEN), 0);
        ck_assert_int_eq(o.l4[UDP_HLEN], c);
    }
    ck_assert_uint_eq(sg_drain(&T), 0);
    sg_free(&T);
}
END_TEST

CK_TEST(test_arp_queue_holds_sixteen_frames_and_drops_the_rest)
{
    sg_init_bare(&T, 1);
    int fd = udp_socket(T.h, 5000);
    for (int i = 0; i < ARP_QUEUE_MAX + 4; i++) {
        uint8_t b = (uint8_t)i;
        ck_assert_int_eq(sock_sendto(T.h, fd, &b, 1, SG_PEER_IP, 7, T.now), 1);
    }
    ck_assert_uint_eq(T.h->drops[DROP_ARP_QUEUE_FULL], 4);
    sg_drain(&T);
    inject_arp(ARP_OP_REPLY, SG_PEER_IP, SG_HOST_IP, sg_host_mac);
    struct sg_out o;
    for (int i = 0; i < ARP_QUEUE_MAX; i++)
        ck_assert(sg_pop(&T, &o) && o.l4[UDP_HLEN] == i);   /* the first sixteen */
    ck_assert(!sg_pop(&T, &o));
    sg_free(&T);
}
END_TEST

CK_TEST(test_arp_three_requests_then_unresolved_and_connect_fails_ehostunreach)
{
    sg_init_bare(&T, 1);
    tl_time t0 = T.now;
    int fd = sock_socket(T.h, SOCKT_TCP);
    ck_assert_int_eq(sock_connect(T.h, fd, SG_PEER_IP, 80, T.now), -EINPROGRESS);
    for (int i = 0; i < 3; i++) {
        sg_advance(&T, t0 + i * TL_SEC);
        expect_arp_request(SG_PEER_IP);
        ck_assert_uint_eq(sg_drain(&T), 0);           /* the SYN is never sent */
        int err;
        ck_assert(!sock_connect_done(T.h, fd, &err));
    }
    sg_advance(&T, t0 + 3 * TL_SEC - 1);
    ck_assert_uint_eq(T.h->drops[DROP_ARP_UNRESOLVED], 0);
    sg_advance(&T, t0 + 3 * TL_SEC);
    /* The SYN and its first retransmission were waiting. */
    ck_assert_uint_eq(T.h->drops[DROP_ARP_UNRESOLVED], 2);
    ck_assert_uint_eq(sg_drain(&T), 0);
    int err;
    ck_assert(sock_connect_done(T.h, fd, &err));
    ck_assert_int_eq(err, EHOSTUNREACH);
    ck_assert_ptr_null(arp_lookup(T.h, SG_PEER_IP));
    sg_free(&T);
}
END_TEST

CK_TEST(test_arp_entry_expires_after_arp_ttl)
{
    sg_init(&T, 1);                  /* peer learned at T.now */
    tl_time learned = T.now;
    int fd = udp_socket(T.h, 5000);
    sg_advance(&T, learned + T.h->cfg.arp_ttl - 1);
    ck_assert_int_eq(sock_sendto(T.h, fd, "a", 1, SG_PEER_IP, 7, T.now), 1);
    struct sg_out o;
    ck_assert(sg_pop(&T, &o) && o.is_ip);             /* straight out */
    sg_advance(&T, learned + T.h->cfg.arp_ttl);
    ck_assert_ptr_null(arp_lookup(T.h, SG_PEER_IP));
    ck_assert_int_eq(sock_sendto(T.h, fd, "b", 1, SG_PEER_IP, 7, T.now), 1);
    expect_arp_request(SG_PEER_IP);
    ck_assert(!sg_pop(&T, &o));
    sg_free(&T);
}
END_TEST

/* ---- ICMP ---- */

CK_CASE("IPv4 and ICMP", NULL, NULL);

CK_TEST(test_icmp_echo_request_answered_with_same_id_seq_and_data)
{
    sg_init(&T, 1);
    static const uint8_t data[] = "abcdefghijklmnopqrstuvwxyz0123456789!";
    struct icmp_msg m = {.type = ICMP_ECHO_REQUEST, .id = 0x1234, .seq = 9, .data = data, .len = 37};
    uint8_t f[ETH_FRAME_MAX];
    sg_input(&T, f, sg_frame_icmp(f, SG_PEER_IP, SG_HOST_IP, &m));
    struct sg_out o;
    ck_assert(sg_pop(&T, &o) && o.is_ip && o.ip.proto == IP_PROTO_ICMP);
    ck_assert_uint_eq(o.ip.src, SG_HOST_IP);
    ck_assert_uint_eq(o.ip.dst, SG_PEER_IP);
    ck_assert_int_eq(memcmp(o.eth.dst, sg_peer_mac, ETH_ALEN), 0);
    struct icmp_msg r;
    ck_assert_int_eq(icmp_parse(o.l4, o.l4len, &r), DROP_NONE);    /* checksum right */
    ck_assert_uint_eq(r.type, ICMP_ECHO_REPLY);
    ck_assert_uint_eq(r.code, 0);
    ck_assert_uint_eq(r.id, 0x1234);
    ck_assert_uint_eq(r.seq, 9);
    ck_assert_uint_eq(r.len, 37);
    ck_assert_int_eq(memcmp(r.data, data, 37), 0);
    ck_assert(!sg_pop(&T, &o));
    sg_free(&T);
}
END_TEST

CK_TEST(test_udp_to_closed_port_gets_port_unreachable_quoting_it)
{
    sg_init(&T, 1);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = sg_frame_udp(f, SG_PEER_IP, SG_HOST_IP, 4444, 9, (const uint8_t *)"knock", 5);
    sg_input(&T, f, n);
    ck_assert_uint_eq(T.h->drops[DROP_UDP_NO_SOCKET], 1);
    struct sg_out o;
    ck_assert(sg_pop(&T, &o) && o.is_ip && o.ip.proto == IP_PROTO_ICMP);
    ck_assert_uint_eq(o.ip.dst, SG_PEER_IP);
    struct icmp_msg r;
    ck_assert_int_eq(icmp_parse(o.l4, o.l4len, &r), DROP_NONE);
    ck_assert_uint_eq(r.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(r.code, ICMP_PORT_UNREACH);
    ck_assert_uint_eq(r.id, 0);                       /* "unused" word is zero */
    ck_assert_uint_eq(r.seq, 0);
    ck_assert_uint_eq(r.len, n - ETH_HLEN);           /* the whole datagram, IP header on */
    ck_assert_int_eq(memcmp(r.data, f + ETH_HLEN, n - ETH_HLEN), 0);
    ck_assert(!sg_pop(&T, &o));
    sg_free(&T);
}
END_TEST

CK_TEST(test_port_unreachable_quotes_at_most_576_bytes_in_all)
{
    sg_init(&T, 1);
    uint8_t f[ETH_FRAME_MAX];
    sg_input(&T, f, sg_frame_udp(f, SG_PEER_IP, SG_HOST_IP, 4444, 9, sg_payload(), 1000));
    struct sg_out o;
    ck_assert(sg_pop(&T, &o) && o.is_ip);
    ck_assert_uint_eq(o.ip.tot_len, 576);             /* RFC 1812 §4.3.2.3, as Linux */
    ck_assert_int_eq(memcmp(o.l4 + ICMP_HLEN, f + ETH_HLEN, 576 - 28), 0);
    sg_free(&T);
}
END_TEST

CK_TEST(test_packets_to_our_own_address_loop_back)
{
    /* ip_output() loops them back; RFC 1122 §3.2.1.3's "bad source" is our
     * address coming from another station, not from ourselves. */
    sg_init_bare(&T, 1);
    ck_assert_int_eq(host_ping(T.h, SG_HOST_IP, 5, 6, 32, T.now), 0);
    int fd = udp_socket(T.h, 7);
    ck_assert_int_eq(sock_sendto(T.h, fd, "self", 4, SG_HOST_IP, 7, T.now), 4);
    sg_advance(&T, T.now);
    ck_assert_uint_eq(T.h->npings, 1);
    ck_assert_uint_eq(T.h->pings[0].from, SG_HOST_IP);
    ck_assert_uint_eq(T.h->pings[0].seq, 6);
    char buf[8];
    uint32_t a;
    ck_assert_int_eq(sock_recvfrom(T.h, fd, buf, sizeof buf, &a, NULL, T.now), 4);
    ck_assert_uint_eq(a, SG_HOST_IP);
    ck_assert_uint_eq(sg_drops_total(T.h), 0);
    ck_assert_uint_eq(sg_drain(&T), 0);               /* nothing went on the wire */
    sg_free(&T);
}
END_TEST

/* ---- frames dropped, with their reason ---- */

enum base { B_UDP, B_UDP_BIG, B_TCP, B_ICMP, B_ARP, B_RAW };
enum reply { R_NONE, R_UDP_DELIVERED, R_ARP, R_ECHO, R_PORT_UNREACH, R_PROTO_UNREACH, R_RST };

struct drop_case {
    const char *name;
    enum base base;
    int off, width;            /* overwrite `width` bytes at `off` with val (off < 0: none) */
    uint32_t val;
    size_t cut;                /* keep only this many bytes (0: all) */
    bool fix_ip, fix_l4;       /* recompute the IPv4 / transport checksum after */
    enum drop_reason reason;
    enum reply reply;
};

#define IP 14                  /* offset of the IPv4 header in a frame */
#define L4 34                  /* of the transport header */

static const struct drop_case drop_cases[] = {
    {"UDP to a bound port", B_UDP, -1, 0, 0, 0, 0, 0, DROP_NONE, R_UDP_DELIVERED},
    {"ICMP echo request", B_ICMP, -1, 0, 0, 0, 0, 0, DROP_NONE, R_ECHO},
    {"ARP request", B_ARP, -1, 0, 0, 0, 0, 0, DROP_NONE, R_ARP},
    {"frame of 10 bytes", B_UDP, -1, 0, 0, 10, 0, 0, DROP_ETH_TRUNCATED, R_NONE},
    {"another station's MAC", B_UDP, 0, 4, 0x02000000, 0, 0, 0, DROP_ETH_NOT_FOR_US, R_NONE},
    {"IPv6 ethertype", B_UDP, 12, 2, 0x86dd, 0, 0, 0, DROP_ETH_UNKNOWN_TYPE, R_NONE},
    {"ARP cut short", B_ARP, -1, 0, 0, IP + 20, 0, 0, DROP_ARP_TRUNCATED, R_NONE},
    {"ARP with 8-byte hardware addresses", B_ARP, IP + 4, 1, 8, 0, 0, 0, DROP_ARP_UNSUPPORTED, R_NONE},
    {"ARP for another address", B_ARP, IP + 24, 4, 0x0a0a0909, 0, 0, 0, DROP_ARP_NOT_FOR_US, R_NONE},
    {"ARP operation 3", B_ARP, IP + 6, 2, 3, 0, 0, 0, DROP_ARP_BAD_OP, R_NONE},
    {"IPv4 header cut short", B_UDP, -1, 0, 0, IP + 19, 0, 0, DROP_IP_TRUNCATED, R_NONE},
    {"IP version 6", B_UDP, IP, 1, 0x65, 0, 1, 0, DROP_IP_BAD_VERSION, R_NONE},
    {"IHL 4", B_UDP, IP, 1, 0x44, 0, 1, 0, DROP_IP_BAD_HLEN, R_NONE},
    {"total length past the frame", B_UDP, IP + 2, 2, 1000, 0, 1, 0, DROP_IP_BAD_LEN, R_NONE},
    {"header checksum wrong", B_UDP, IP + 8, 1, 1, 0, 0, 0, DROP_IP_BAD_CSUM, R_NONE},
    {"for another address", B_UDP, IP + 16, 4, 0x0a0a0909, 0, 1, 0, DROP_IP_NOT_FOR_US, R_NONE},
    {"from the broadcast address", B_UDP, IP + 12, 4, 0xffffffff, 0, 1, 0, DROP_IP_BAD_SRC, R_NONE},
    {"from a multicast address", B_UDP, IP + 12, 4, 0xe0000001, 0, 1, 0, DROP_IP_BAD_SRC, R_NONE},
    {"from our own address", B_UDP, IP + 12, 4, SG_HOST_IP, 0, 1, 0, DROP_IP_BAD_SRC, R_NONE},
    {"first fragment (MF)", B_UDP, IP + 6, 2, IP_MF, 0, 1, 0, DROP_IP_FRAGMENT, R_NONE},
    {"last fragment (offset)", B_UDP, IP + 6, 2, 13, 0, 1, 0, DROP_IP_FRAGMENT, R_NONE},
    {"protocol 99", B_UDP, IP + 9, 1, 99, 0, 1, 0, DROP_IP_UNKNOWN_PROTO, R_PROTO_UNREACH},
    {"ICMP of 4 bytes", B_ICMP, IP + 2, 2, 24, IP + 24, 1, 0, DROP_ICMP_TRUNCATED, R_NONE},
    {"ICMP checksum wrong", B_ICMP, L4 + 8, 1, 0xff, 0, 0, 0, DROP_ICMP_BAD_CSUM, R_NONE},
    {"ICMP timestamp request", B_ICMP, L4, 1, 13, 0, 0, 1, DROP_ICMP_UNHANDLED, R_NONE},
    {"UDP of 6 bytes", B_UDP, IP + 2, 2, 26, IP + 26, 1, 0, DROP_UDP_TRUNCATED, R_NONE},
    {"UDP length past the packet", B_UDP, L4 + 4, 2, 100, 0, 0, 0, DROP_UDP_BAD_LEN, R_NONE},
    {"UDP checksum wrong", B_UDP, L4 + 8, 1, 'X', 0, 0, 0, DROP_UDP_BAD_CSUM, R_NONE},
    {"UDP to a closed port", B_UDP, L4 + 2, 2, 9, 0, 0, 1, DROP_UDP_NO_SOCKET, R_PORT_UNREACH},
    {"UDP beyond the receive buffer", B_UDP_BIG, -1, 0, 0, 0, 0, 0, DROP_UDP_RCVBUF_FULL, R_NONE},
    {"TCP of 12 bytes", B_TCP, IP + 2, 2, 32, IP + 32, 1, 0, DROP_TCP_TRUNCATED, R_NONE},
    {"TCP data offset 4", B_TCP, L4 + 12, 1, 0x40, 0, 0, 1, DROP_TCP_BAD_HLEN, R_NONE},
    {"TCP checksum wrong", B_TCP, L4 + 4, 1, 0x77, 0, 0, 0, DROP_TCP_BAD_CSUM, R_NONE},
    {"TCP option of length 1", B_TCP, L4 + 21, 1, 1, 0, 0, 1, DROP_TCP_BAD_OPTION, R_NONE},
    {"TCP to a closed port", B_TCP, -1, 0, 0, 0, 0, 0, DROP_TCP_NO_SOCKET, R_RST},
};

static size_t base_frame(enum base b, uint8_t *f)
{
    switch (b) {
    case B_UDP:
        return sg_frame_udp(f, SG_PEER_IP, SG_HOST_IP, 4444, 7, (const uint8_t *)"hello", 5);
    case B_UDP_BIG:
        return sg_frame_udp(f, SG_PEER_IP, SG_HOST_IP, 4444, 7, sg_payload(), 300);
    case B_TCP: {
        struct tcp_seg g = {.sport = 4444, .dport = 80, .seq = 1, .flags = TH_SYN, .wnd = 1000};
        g.opt.has_mss = true;
        g.opt.mss = 1460;
        return sg_frame_tcp(f, SG_PEER_IP, SG_HOST_IP, &g);
    }
    case B_ICMP: {
        struct icmp_msg m = {.type = ICMP_ECHO_REQUEST, .id = 1, .seq = 1,
                             .data = (const uint8_t *)"12345678", .len = 8};
        return sg_frame_icmp(f, SG_PEER_IP, SG_HOST_IP, &m);
    }
    case B_ARP:
    case B_RAW:
        break;
    }
    struct arp_pkt a = {.op = ARP_OP_REQUEST, .spa = SG_PEER_IP, .tpa = SG_HOST_IP};
    memcpy(a.sha, sg_peer_mac, ETH_ALEN);
    return sg_frame_arp(f, eth_broadcast, &a);
}

static void fix_checksums(uint8_t *f, bool ip, bool l4)
{
    if (ip) {
        put_be16(f + IP + 10, 0);
        put_be16(f + IP + 10, inet_checksum(f + IP, IPV4_HLEN));
    }
    if (!l4)
        return;
    uint16_t len = (uint16_t)(get_be16(f + IP + 2) - IPV4_HLEN);
    uint8_t proto = f[IP + 9];
    int at = proto == IP_PROTO_ICMP ? 2 : proto == IP_PROTO_UDP ? 6 : 16;
    put_be16(f + L4 + at, 0);
    uint32_t sum = proto == IP_PROTO_ICMP ? 0
                 : csum_pseudo(get_be32(f + IP + 12), get_be32(f + IP + 16), proto, len);
    put_be16(f + L4 + at, csum_finish(csum_add(sum, f + L4, len)));
}

CK_LOOP_TEST(test_every_frame_level_drop_counted_under_its_reason, 0,
             (int)(sizeof drop_cases / sizeof *drop_cases))
{
    const struct drop_case *d = &drop_cases[_i];
    sg_init(&T, 1);
    int fd = udp_socket(T.h, 7);
    ck_assert_int_eq(sock_setsockopt(T.h, fd, SOCKOPT_RCVBUF, 256), 0);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = base_frame(d->base, f);
    if (d->off >= 0) {
        for (int k = 0; k < d->width; k++)
            f[d->off + k] = (uint8_t)(d->val >> (8 * (d->width - 1 - k)));
    }
    fix_checksums(f, d->fix_ip, d->fix_l4);
    if (d->cut)
        n = d->cut;
    uint64_t before[DROP__COUNT];
    memcpy(before, T.h->drops, sizeof before);
    sg_input(&T, f, n);
    for (int k = 0; k < DROP__COUNT; k++)
        ck_assert_msg(T.h->drops[k] - before[k] == (uint64_t)(k == (int)d->reason && k != DROP_NONE),
                      "[%s] %s counted %llu times", d->name, drop_reason_name((enum drop_reason)k),
                      (unsigned long long)(T.h->drops[k] - before[k]));
    struct sg_out o;
    bool sent = sg_pop(&T, &o);
    struct icmp_msg m = {0};
    if (sent && o.is_ip && o.ip.proto == IP_PROTO_ICMP)
        icmp_parse(o.l4, o.l4len, &m);
    char buf[16];
    switch (d->reply) {
    case R_NONE:
        ck_assert_msg(!sent, "[%s] unexpected reply", d->name);
        break;
    case R_UDP_DELIVERED:
        ck_assert_msg(!sent, "[%s] unexpected reply", d->name);
        ck_assert_int_eq(sock_recv(T.h, fd, buf, sizeof buf, T.now), 5);
        break;
    case R_ARP:
        ck_assert_msg(sent && o.eth.type == ETHERTYPE_ARP, "[%s] no ARP reply", d->name);
        break;
    case R_ECHO:
        ck_assert_msg(sent && m.type == ICMP_ECHO_REPLY, "[%s] no echo reply", d->name);
        break;
    case R_PORT_UNREACH:
    case R_PROTO_UNREACH:
        ck_assert_msg(sent && m.type == ICMP_DEST_UNREACH &&
                      m.code == (d->reply == R_PORT_UNREACH ? 3 : 2), "[%s] no unreachable", d->name);
        break;
    case R_RST:
        ck_assert_msg(sent && o.is_tcp && (o.tcp.flags & TH_RST), "[%s] no RST", d->name);
        break;
    }
    if (sent)
        ck_assert_msg(!sg_pop(&T, &o), "[%s] a second frame", d->name);
    sg_free(&T);
}
END_TEST

CK_TEST(test_every_prefix_of_a_frame_dropped_with_its_reason)
{
    sg_init(&T, 1);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = base_frame(B_TCP, f);
    for (size_t k = 0; k < n; k++) {
        uint64_t total = sg_drops_total(T.h);
        uint64_t was;
        enum drop_reason want = k < ETH_HLEN ? DROP_ETH_TRUNCATED
                              : k < L4 ? DROP_IP_TRUNCATED : DROP_IP_BAD_LEN;
        was = T.h->drops[want];
        sg_input(&T, f, k);                           /* exactly k bytes on the heap */
        ck_assert_msg(T.h->drops[want] == was + 1, "TCP frame prefix %zu", k);
        ck_assert_msg(sg_drops_total(T.h) == total + 1, "TCP frame prefix %zu: two drops", k);
    }
    ck_assert_uint_eq(sg_drain(&T), 0);
    n = base_frame(B_ARP, f);
    for (size_t k = ETH_HLEN; k < n; k++) {
        uint64_t was = T.h->drops[DROP_ARP_TRUNCATED];
        sg_input(&T, f, k);
        ck_assert_msg(T.h->drops[DROP_ARP_TRUNCATED] == was + 1, "ARP frame prefix %zu", k);
    }
    ck_assert_uint_eq(sg_drain(&T), 0);
    sg_free(&T);
}
END_TEST

CK_TEST(test_ethernet_padding_not_taken_as_udp_data)
{
    sg_init(&T, 1);
    int fd = udp_socket(T.h, 7);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = sg_frame_udp(f, SG_PEER_IP, SG_HOST_IP, 4444, 7, (const uint8_t *)"hi", 2);
    memset(f + n, 0xa5, ETH_FRAME_MIN - n);           /* padded to 60 bytes by the link */
    sg_input(&T, f, ETH_FRAME_MIN);
    char buf[64];
    ck_assert_int_eq(sock_recv(T.h, fd, buf, sizeof buf, T.now), 2);
    ck_assert_int_eq(memcmp(buf, "hi", 2), 0);
    sg_free(&T);
}
END_TEST

/* ---- UDP sockets ---- */

CK_CASE("UDP sockets", NULL, NULL);

CK_TEST(test_udp_bind_conflicts_as_linux)
{
    sg_init(&T, 1);
    int a = udp_socket(T.h, 5000);
    int b = udp_socket(T.h, 0);
    ck_assert_int_eq(sock_bind(T.h, b, 0, 5000), -EADDRINUSE);
    ck_assert_int_eq(sock_bind(T.h, b, SG_PEER_IP, 5001), -EADDRNOTAVAIL);   /* not ours */
    ck_assert_int_eq(sock_bind(T.h, b, SG_HOST_IP, 5001), 0);
    ck_assert_int_eq(sock_bind(T.h, b, 0, 5002), -EINVAL);                   /* bound already */
    int t = sock_socket(T.h, SOCKT_TCP);
    ck_assert_int_eq(sock_bind(T.h, t, 0, 5000), 0);                         /* TCP: own ports */
    int c = udp_socket(T.h, 0), d = udp_socket(T.h, 0);
    ck_assert_int_eq(sock_setsockopt(T.h, c, SOCKOPT_REUSEADDR, 1), 0);
    ck_assert_int_eq(sock_setsockopt(T.h, d, SOCKOPT_REUSEADDR, 1), 0);
    ck_assert_int_eq(sock_bind(T.h, c, 0, 6000), 0);
    ck_assert_int_eq(sock_bind(T.h, d, 0, 6000), 0);                         /* both asked */
    ck_assert_int_eq(sock_close(T.h, a, T.now), 0);
    int e = udp_socket(T.h, 0);
    ck_assert_int_eq(sock_bind(T.h, e, 0, 5000), 0);                         /* freed by close */
    int f = udp_socket(T.h, 0);
    ck_assert_int_eq(sock_sendto(T.h, f, "x", 1, SG_PEER_IP, 7, T.now), 1);  /* autobind */
    uint16_t p = sock_by_fd(T.h, f)->lport;
    ck_assert(p >= 32768 && p <= 60999);
    sg_free(&T);
}
END_TEST

CK_TEST(test_udp_sendto_recvfrom_both_ways_keeps_datagrams_apart)
{
    struct simtest S;
    st_init(&S, 3);
    int r = udp_socket(S.romeo, 5000), j = udp_socket(S.juliet, 6000);
    ck_assert_int_eq(sock_sendto(S.romeo, r, "first", 5, JULIET_IP, 6000, S.net->now), 5);
    ck_assert_int_eq(sock_sendto(S.romeo, r, "second", 6, JULIET_IP, 6000, S.net->now), 6);
    st_settle(&S);
    char buf[64];
    uint32_t a;
    uint16_t p;
    ck_assert_int_eq(sock_recvfrom(S.juliet, j, buf, sizeof buf, &a, &p, S.net->now), 5);
    ck_assert_int_eq(memcmp(buf, "first", 5), 0);
    ck_assert_uint_eq(a, ROMEO_IP);
    ck_assert_uint_eq(p, 5000);
    ck_assert_int_eq(sock_recvfrom(S.juliet, j, buf, 3, &a, &p, S.net->now), 3);   /* rest lost */
    ck_assert_int_eq(memcmp(buf, "sec", 3), 0);
    ck_assert_int_eq(sock_recvfrom(S.juliet, j, buf, sizeof buf, &a, &p, S.net->now), -EAGAIN);
    ck_assert_int_eq(sock_sendto(S.juliet, j, "", 0, ROMEO_IP, 5000, S.net->now), 0);
    ck_assert_int_eq(sock_sendto(S.juliet, j, "back", 4, ROMEO_IP, 5000, S.net->now), 4);
    st_settle(&S);
    ck_assert_int_eq(sock_recvfrom(S.romeo, r, buf, sizeof buf, &a, &p, S.net->now), 0);
    ck_assert_int_eq(sock_recvfrom(S.romeo, r, buf, sizeof buf, &a, &p, S.net->now), 4);
    ck_assert_int_eq(memcmp(buf, "back", 4), 0);
    ck_assert_uint_eq(a, JULIET_IP);
    ck_assert_uint_eq(p, 6000);
    st_free(&S);
}
END_TEST

CK_TEST(test_connected_udp_socket_refused_after_port_unreachable)
{
    struct simtest S;
    st_init(&S, 3);
    int r = udp_socket(S.romeo, 5000);
    int u = udp_socket(S.romeo, 5001);                /* unconnected: not told (Linux) */
    ck_assert_int_eq(sock_connect(S.romeo, r, JULIET_IP, 9999, S.net->now), 0);
    ck_assert_int_eq(sock_send(S.romeo, r, "anyone?", 7, S.net->now), 7);
    ck_assert_int_eq(sock_sendto(S.romeo, u, "anyone?", 7, JULIET_IP, 9999, S.net->now), 7);
    size_t m = st_mark(&S);
    st_settle(&S);
    int unreach = 0;
    for (size_t k = m; k < S.nframes; k++)
        unreach += S.frames[k].from == 1 && S.frames[k].icmp_type == ICMP_DEST_UNREACH &&
                   S.frames[k].icmp_code == ICMP_PORT_UNREACH;
    ck_assert_int_eq(unreach, 2);
    char buf[16];
    ck_assert_int_eq(sock_recv(S.romeo, r, buf, sizeof buf, S.net->now), -ECONNREFUSED);
    ck_assert_int_eq(sock_recv(S.romeo, r, buf, sizeof buf, S.net->now), -EAGAIN);   /* reported once */
    ck_assert_int_eq(sock_recv(S.romeo, u, buf, sizeof buf, S.net->now), -EAGAIN);
    st_free(&S);
}
END_TEST

CK_CASE("IPv4 and ICMP", NULL, NULL);

CK_TEST(test_ping_reply_recorded)
{
    struct simtest S;
    st_init(&S, 3);
    ck_assert_int_eq(host_ping(S.romeo, JULIET_IP, 77, 1, 56, S.net->now), 0);
    st_settle(&S);
    ck_assert_uint_eq(S.romeo->npings, 1);
    const struct ping_reply *p = &S.romeo->pings[0];
    ck_assert_uint_eq(p->from, JULIET_IP);
    ck_assert_uint_eq(p->id, 77);
    ck_assert_uint_eq(p->seq, 1);
    ck_assert_uint_eq(p->len, 56);
    ck_assert_uint_eq(p->ttl, 64);
    ck_assert_int_eq(p->at, 4 * SIM_DELAY);           /* ARP both ways, then echo both ways */
    st_free(&S);
}
END_TEST
