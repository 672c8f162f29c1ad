/* libFuzzer target: the frame input path of one host (romeo) with a socket
 * in every TCP state, fed arbitrary frames.  Nothing may crash, read out
 * of bounds, leak or hang; the host must stay consistent enough to be
 * freed.
 *
 * Input: records of [ctl][len hi][len lo][len bytes of frame]:
 *   ctl bit 0   fix the IPv4 and TCP/UDP/ICMP checksums
 *   ctl bit 1   address the frame to romeo (MACs, IPs as from juliet)
 *   ctl bit 2   aim a TCP segment at one of the connections (ports from
 *               the next byte, SEQ/ACK as offsets from its RCV.NXT/SND.NXT)
 *   ctl bits 3-5 let time pass first (0, 1 ms ... 300 s): timers run
 *   ctl bit 6   then a socket call (the next byte chooses which, on what)
 * so the fuzzer reaches the TCP state machine past the checksums. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "stack/stack_int.h"
#include "segtest.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct world {
    struct host *h;
    tl_time now;
    int fd[24];
    int nfd;
};

static void drain(struct world *w)
{
    struct frame *f;
    while ((f = host_tx_pop(w->h)))
        free(f);
}

/* A segment from juliet to romeo, checksums right. */
static void seg(struct world *w, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                uint8_t flags, size_t len, bool opts)
{
    static const uint8_t payload[1400];
    struct tcp_seg g;
    sg_seg(&g, sport, dport, seq, ack, flags, 8192, payload, len);
    if (flags & TH_SYN) {
        g.opt.sack_perm = opts;
        g.opt.has_wscale = opts;
        g.opt.wscale = 7;
    }
    g.opt.has_ts = opts;
    g.opt.ts_val = (uint32_t)(w->now / 1000);
    uint8_t f[ETH_FRAME_MAX];
    host_input(w->h, f, sg_frame_tcp(f, SG_PEER_IP, SG_HOST_IP, &g), w->now);
    drain(w);
}

static struct sock *sk(struct world *w, int fd)
{
    return sock_by_fd(w->h, fd);
}

/* romeo connects from lport to juliet:rport and the handshake completes. */
static int established(struct world *w, uint16_t lport, uint16_t rport, bool opts)
{
    int fd = sock_socket(w->h, SOCKT_TCP);
    sock_bind(w->h, fd, 0, lport);
    sock_connect(w->h, fd, SG_PEER_IP, rport, w->now);
    drain(w);
    struct sock *s = sk(w, fd);
    seg(w, rport, lport, 1000u * rport, s->tcb.iss + 1, TH_SYN | TH_ACK, 0, opts);
    w->fd[w->nfd++] = fd;
    return fd;
}

static void build(struct world *w)
{
    struct host_config c;
    host_config_default(&c, 0, 1);
    c.ofo_max_segs = 64;
    w->h = host_new(&c);
    w->now = TL_SEC;
    w->nfd = 0;
    /* ARP: juliet asks, romeo learns her */
    uint8_t f[64];
    struct eth_hdr eh = {.type = ETHERTYPE_ARP};
    memcpy(eh.src, sg_peer_mac, ETH_ALEN);
    memcpy(eh.dst, eth_broadcast, ETH_ALEN);
    size_t k = eth_build(f, &eh);
    static const uint8_t arp[] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 10, 10, 2, 100, 10, 10, 2, 100,
                                  0, 0, 0, 0, 0, 0, 10, 10, 1, 100};
    memcpy(f + k, arp, sizeof arp);
    host_input(w->h, f, k + sizeof arp, w->now);
    drain(w);
    /* LISTEN on 80 with a half-open embryo (SYN-RECEIVED) from juliet:6000 */
    int l = sock_socket(w->h, SOCKT_TCP);
    sock_bind(w->h, l, 0, 80);
    sock_listen(w->h, l, 4, w->now);
    w->fd[w->nfd++] = l;
    seg(w, 6000, 80, 5000, 0, TH_SYN, 0, true);
    /* SYN-SENT to juliet:81 */
    int ss = sock_socket(w->h, SOCKT_TCP);
    sock_bind(w->h, ss, 0, 5001);
    sock_connect(w->h, ss, SG_PEER_IP, 81, w->now);
    drain(w);
    w->fd[w->nfd++] = ss;
    /* ESTABLISHED with data both ways and a hole (5002 <-> 82) */
    int e = established(w, 5002, 82, true);
    sock_send(w->h, e, "0123456789", 10, w->now);
    struct sock *s = sk(w, e);
    seg(w, 82, 5002, s->tcb.rcv_nxt + 100, s->tcb.snd_una, TH_ACK, 50, true);
    seg(w, 82, 5002, s->tcb.rcv_nxt, s->tcb.snd_una, TH_ACK, 20, true);
    /* FIN-WAIT-1 (5003), FIN-WAIT-2 (5004), CLOSING (5005), TIME-WAIT (5006) */
    int f1 = established(w, 5003, 83, false);
    sock_shutdown(w->h, f1, SHUTDOWN_WR, w->now);
    int f2 = established(w, 5004, 84, true);
    sock_shutdown(w->h, f2, SHUTDOWN_WR, w->now);
    s = sk(w, f2);
    seg(w, 84, 5004, s->tcb.rcv_nxt, s->tcb.snd_nxt, TH_ACK, 0, true);
    int cl = established(w, 5005, 85, false);
    sock_shutdown(w->h, cl, SHUTDOWN_WR, w->now);
    s = sk(w, cl);
    seg(w, 85, 5005, s->tcb.rcv_nxt, s->tcb.snd_nxt - 1, TH_ACK | TH_FIN, 0, false);
    int tw = established(w, 5006, 86, true);
    sock_shutdown(w->h, tw, SHUTDOWN_WR, w->now);
    s = sk(w, tw);
    seg(w, 86, 5006, s->tcb.rcv_nxt, s->tcb.snd_nxt, TH_ACK | TH_FIN, 0, true);
    /* CLOSE-WAIT (5007), LAST-ACK (5008) */
    int cw = established(w, 5007, 87, false);
    s = sk(w, cw);
    seg(w, 87, 5007, s->tcb.rcv_nxt, s->tcb.snd_nxt, TH_ACK | TH_FIN, 0, false);
    int la = established(w, 5008, 88, true);
    s = sk(w, la);
    seg(w, 88, 5008, s->tcb.rcv_nxt, s->tcb.snd_nxt, TH_ACK | TH_FIN, 0, true);
    sock_shutdown(w->h, la, SHUTDOWN_WR, w->now);
    /* an active SYN-RECEIVED (simultaneous open, 5009 <-> 89) */
    int so = sock_socket(w->h, SOCKT_TCP);
    sock_bind(w->h, so, 0, 5009);
    sock_connect(w->h, so, SG_PEER_IP, 89, w->now);
    drain(w);
    seg(w, 89, 5009, 9000, 0, TH_SYN, 0, true);
    w->fd[w->nfd++] = so;
    /* a UDP socket */
    int u = sock_socket(w->h, SOCKT_UDP);
    sock_bind(w->h, u, 0, 53);
    w->fd[w->nfd++] = u;
    drain(w);
}

static const uint16_t ports[][2] = {
    {6000, 80}, {7000, 80}, {81, 5001}, {82, 5002}, {83, 5003}, {84, 5004}, {85, 5005},
    {86, 5006}, {87, 5007}, {88, 5008}, {89, 5009}, {90, 5010},
};

static void fix(struct world *w, uint8_t *f, size_t len, uint8_t ctl, uint8_t sel)
{
    if (len < ETH_HLEN + IPV4_HLEN)
        return;
    if (ctl & 2) {
        memcpy(f, sg_host_mac, ETH_ALEN);
        memcpy(f + ETH_ALEN, sg_peer_mac, ETH_ALEN);
        put_be16(f + 12, ETHERTYPE_IPV4);
        f[14] = (uint8_t)(0x40 | (f[14] & 0x0f));
        put_be32(f + 14 + 12, SG_PEER_IP);
        put_be32(f + 14 + 16, SG_HOST_IP);
    }
    uint8_t *ip = f + ETH_HLEN;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ihl < IPV4_HLEN || ETH_HLEN + ihl > len)
        return;
    size_t tot = len - ETH_HLEN;
    if (ctl & 1)
        put_be16(ip + 2, (uint16_t)tot);
    uint8_t *l4 = ip + ihl;
    size_t l4len = tot - ihl;
    if ((ctl & 4) && ip[9] == IP_PROTO_TCP && l4len >= TCP_HLEN) {
        const uint16_t *p = ports[sel % (sizeof ports / sizeof ports[0])];
        put_be16(l4, p[0]);
        put_be16(l4 + 2, p[1]);
        struct sock *s = NULL;
        for (s = w->h->socks; s; s = s->next)
            if (s->type == SOCKT_TCP && s->lport == p[1] && s->rport == p[0] &&
                s->tcb.state != TCP_CLOSED)
                break;
        if (s) {
            /* SEQ and ACK as small offsets from what the TCB expects */
            put_be32(l4 + 4, s->tcb.rcv_nxt + (uint32_t)(int16_t)get_be16(l4 + 4));
            put_be32(l4 + 8, s->tcb.snd_nxt + (uint32_t)(int16_t)get_be16(l4 + 8));
        }
    }
    if (!(ctl & 1))
        return;
    ip[10] = ip[11] = 0;
    put_be16(ip + 10, csum_finish(csum_add(0, ip, ihl)));
    uint16_t off = 0;
    switch (ip[9]) {
    case IP_PROTO_TCP: off = 16; break;
    case IP_PROTO_UDP: off = 6; break;
    case IP_PROTO_ICMP: off = 2; break;
    default: return;
    }
    if (l4len < (size_t)off + 2 || l4len > 0xffff)
        return;
    l4[off] = l4[off + 1] = 0;
    uint32_t sum = ip[9] == IP_PROTO_ICMP ? 0
                 : csum_pseudo(get_be32(ip + 12), get_be32(ip + 16), ip[9], (uint16_t)l4len);
    put_be16(l4 + off, csum_finish(csum_add(sum, l4, l4len)));
}

static void call(struct world *w, uint8_t op)
{
    int fd = w->fd[(op >> 3) % w->nfd];
    static uint8_t buf[2048];
    switch (op & 7) {
    case 0: sock_send(w->h, fd, buf, 1 + op * 7u, w->now); break;
    case 1: sock_recv(w->h, fd, buf, sizeof buf, w->now); break;
    case 2: sock_shutdown(w->h, fd, SHUTDOWN_WR, w->now); break;
    case 3: sock_close(w->h, fd, w->now); break;
    case 4: sock_abort(w->h, fd, w->now); break;
    case 5: sock_accept(w->h, fd, NULL, NULL, w->now); break;
    case 6: sock_setsockopt(w->h, fd, SOCKOPT_RCVBUF, 256 + op * 64); break;
    default: sock_setsockopt(w->h, fd, SOCKOPT_NODELAY, op & 8); break;
    }
    drain(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tl_time step[8] = {0, TL_MS, 10 * TL_MS, 100 * TL_MS, TL_SEC, 10 * TL_SEC,
                                    60 * TL_SEC, 300 * TL_SEC};
    struct world w;
    build(&w);
    size_t i = 0;
    for (int records = 0; i + 3 <= size && records < 64; records++) {
        uint8_t ctl = data[i];
        size_t len = (size_t)data[i + 1] << 8 | data[i + 2];
        i += 3;
        if (len > ETH_FRAME_MAX)
            len = ETH_FRAME_MAX;
        if (len > size - i)
            len = size - i;
        uint8_t sel = i < size ? data[i] : 0;
        uint8_t *f = malloc(len ? len : 1);        /* exact size: ASan sees overreads */
        memcpy(f, data + i, len);
        i += len;
        tl_time dt = step[(ctl >> 3) & 7];
        if (dt) {
            w.now += dt;
            host_poll(w.h, w.now);
            drain(&w);
        }
        fix(&w, f, len, ctl, sel);
        host_input(w.h, f, len, w.now);
        free(f);
        drain(&w);
        if ((ctl & 0x40) && i < size)
            call(&w, data[i++]);
    }
    w.now += 400 * TL_SEC;                         /* every timer, once more */
    host_poll(w.h, w.now);
    drain(&w);
    host_free(w.h);
    return 0;
}
