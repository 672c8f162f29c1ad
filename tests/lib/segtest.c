/* One host driven by hand-built frames (tests/lib/segtest.h). */
#include <stdlib.h>
#include <string.h>

#include "segtest.h"

const uint8_t sg_host_mac[ETH_ALEN] = {0x02, 0x00, 0x0a, 0x0a, 0x01, 0x64};
const uint8_t sg_peer_mac[ETH_ALEN] = {0x02, 0x00, 0x0a, 0x0a, 0x02, 0x64};

static uint8_t pattern_bytes[65536];

const uint8_t *sg_payload(void)
{
    if (pattern_bytes[1] == 0)
        for (size_t i = 0; i < sizeof pattern_bytes; i++)
            pattern_bytes[i] = (uint8_t)('a' + i % 26);
    return pattern_bytes;
}

void sg_init_bare(struct segtest *t, uint64_t seed)
{
    struct host_config c;
    host_config_default(&c, 0, seed);
    t->h = host_new(&c);
    t->now = 1 * TL_SEC;
}

void sg_init(struct segtest *t, uint64_t seed)
{
    sg_init_bare(t, seed);
    /* The peer asks for us: romeo learns its MAC (RFC 826 merge) and answers. */
    struct arp_pkt a = {.op = ARP_OP_REQUEST, .spa = SG_PEER_IP, .tpa = SG_HOST_IP};
    memcpy(a.sha, sg_peer_mac, ETH_ALEN);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = sg_frame_arp(f, eth_broadcast, &a);
    sg_input(t, f, n);
    sg_drain(t);
}

void sg_free(struct segtest *t)
{
    host_free(t->h);
    t->h = NULL;
}

size_t sg_frame_ipv4(uint8_t *out, const uint8_t *src_mac, const uint8_t *dst_mac, uint32_t src,
                     uint32_t dst, uint8_t proto, const uint8_t *l4, size_t len)
{
    struct eth_hdr eh = {.type = ETHERTYPE_IPV4};
    memcpy(eh.src, src_mac, ETH_ALEN);
    memcpy(eh.dst, dst_mac, ETH_ALEN);
    size_t n = eth_build(out, &eh);
    struct ipv4_hdr ip = {.id = 0x1234, .frag = IP_DF, .ttl = 64, .proto = proto, .src = src, .dst = dst};
    n += ipv4_build(out + n, &ip, len);
    memmove(out + n, l4, len);
    return n + len;
}

size_t sg_frame_tcp(uint8_t *out, uint32_t src, uint32_t dst, const struct tcp_seg *seg)
{
    uint8_t l4[ETH_MTU];
    size_t n = tcp_build(l4, sizeof l4 - IPV4_HLEN, src, dst, seg);
    bool to_host = dst == SG_HOST_IP;
    return sg_frame_ipv4(out, to_host ? sg_peer_mac : sg_host_mac, to_host ? sg_host_mac : sg_peer_mac,
                         src, dst, IP_PROTO_TCP, l4, n);
}

size_t sg_frame_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                    const uint8_t *data, size_t len)
{
    uint8_t l4[ETH_MTU];
    struct udp_dgram d = {.sport = sport, .dport = dport, .data = data, .len = len};
    size_t n = udp_build(l4, src, dst, &d);
    bool to_host = dst == SG_HOST_IP;
    return sg_frame_ipv4(out, to_host ? sg_peer_mac : sg_host_mac, to_host ? sg_host_mac : sg_peer_mac,
                         src, dst, IP_PROTO_UDP, l4, n);
}

size_t sg_frame_icmp(uint8_t *out, uint32_t src, uint32_t dst, const struct icmp_msg *m)
{
    uint8_t l4[ETH_MTU];
    size_t n = icmp_build(l4, m);
    bool to_host = dst == SG_HOST_IP;
    return sg_frame_ipv4(out, to_host ? sg_peer_mac : sg_host_mac, to_host ? sg_host_mac : sg_peer_mac,
                         src, dst, IP_PROTO_ICMP, l4, n);
}

size_t sg_frame_arp(uint8_t *out, const uint8_t *dst_mac, const struct arp_pkt *a)
{
    struct eth_hdr eh = {.type = ETHERTYPE_ARP};
    memcpy(eh.src, a->sha, ETH_ALEN);
    memcpy(eh.dst, dst_mac, ETH_ALEN);
    size_t n = eth_build(out, &eh);
    return n + arp_build(out + n, a);
}

void sg_input(struct segtest *t, const uint8_t *frame, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, frame, len);
    host_input(t->h, copy, len, t->now);
    free(copy);
}

void sg_seg(struct tcp_seg *g, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
            uint8_t flags, uint16_t wnd, const uint8_t *data, size_t len)
{
    memset(g, 0, sizeof *g);
    g->sport = sport;
    g->dport = dport;
    g->seq = seq;
    g->ack = ack;
    g->flags = flags;
    g->wnd = wnd;
    g->data = data;
    g->len = len;
    if (flags & TH_SYN) {
        g->opt.has_mss = true;
        g->opt.mss = 1460;
    }
}

void sg_tcp_from_peer(struct segtest *t, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                      uint8_t flags, uint16_t wnd, size_t len)
{
    struct tcp_seg g;
    sg_seg(&g, sport, dport, seq, ack, flags, wnd, sg_payload(), len);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = sg_frame_tcp(f, SG_PEER_IP, SG_HOST_IP, &g);
    sg_input(t, f, n);
}

void seg_from_peer(struct segtest *t, const struct sock *s, uint8_t flags, int32_t seq_off,
                   int32_t ack_off, size_t len)
{
    sg_tcp_from_peer(t, s->rport, s->lport, s->tcb.rcv_nxt + (uint32_t)seq_off,
                     s->tcb.snd_nxt + (uint32_t)ack_off, flags, 8192, len);
}

bool sg_pop(struct segtest *t, struct sg_out *o)
{
    struct frame *f = host_tx_pop(t->h);
    if (!f)
        return false;
    memset(o, 0, sizeof *o);
    o->len = f->len;
    memcpy(o->bytes, f->data, f->len);
    free(f);
    if (eth_parse(o->bytes, o->len, &o->eth) != DROP_NONE || o->eth.type != ETHERTYPE_IPV4)
        return true;
    if (ipv4_parse(o->bytes + ETH_HLEN, o->len - ETH_HLEN, &o->ip, &o->l4, &o->l4len) != DROP_NONE)
        return true;
    o->is_ip = true;
    if (o->ip.proto == IP_PROTO_TCP &&
        tcp_parse(o->l4, o->l4len, o->ip.src, o->ip.dst, &o->tcp) == DROP_NONE)
        o->is_tcp = true;
    return true;
}

bool sg_pop_peer(struct segtest *t, struct sg_out *o)
{
    struct arp_pkt a;
    while (sg_pop(t, o)) {
        if (o->eth.type != ETHERTYPE_ARP ||
            arp_parse(o->bytes + ETH_HLEN, o->len - ETH_HLEN, &a) != DROP_NONE ||
            a.op != ARP_OP_REQUEST || a.tpa != SG_PEER_IP)
            return true;
        struct arp_pkt r = {.op = ARP_OP_REPLY, .spa = SG_PEER_IP, .tpa = a.spa};
        memcpy(r.sha, sg_peer_mac, ETH_ALEN);
        memcpy(r.tha, a.sha, ETH_ALEN);
        uint8_t f[ETH_FRAME_MAX];
        sg_input(t, f, sg_frame_arp(f, a.sha, &r));
    }
    return false;
}

bool sg_pop_tcp(struct segtest *t, struct tcp_seg *seg)
{
    static struct sg_out o;
    if (!sg_pop(t, &o))
        return false;
    if (!o.is_tcp) {
        memset(seg, 0, sizeof *seg);
        seg->flags = 0xff;             /* impossible as a reply: the test fails on it */
        return true;
    }
    *seg = o.tcp;
    return true;
}

size_t sg_drain(struct segtest *t)
{
    size_t n = 0;
    struct frame *f;
    while ((f = host_tx_pop(t->h))) {
        free(f);
        n++;
    }
    return n;
}

void sg_advance(struct segtest *t, tl_time to)
{
    for (int guard = 0; guard < 100000; guard++) {
        tl_time d = host_next_deadline(t->h);
        if (d > to)
            break;
        if (d > t->now)
            t->now = d;
        host_poll(t->h, t->now);
    }
    t->now = to;
}

uint64_t sg_drops_total(const struct host *h)
{
    uint64_t n = 0;
    for (int r = 0; r < DROP__COUNT; r++)
        n += h->drops[r];
    return n;
}
