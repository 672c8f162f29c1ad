/* A hand-played TCP peer (tests/lib/peer.h). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "peer.h"

uint32_t peer_wnd_of(const struct peer *p, const struct tcp_seg *g)
{
    return (uint32_t)g->wnd << (p->s && p->s->tcb.wscale_ok ? p->s->tcb.rcv_wscale : 0);
}

void peer_send_at(struct peer *p, uint8_t flags, uint32_t seq, uint32_t ack, size_t len,
                  const uint32_t *blocks, int nsack)
{
    struct tcp_seg g;
    memset(&g, 0, sizeof g);
    g.sport = p->port;
    g.dport = p->s->lport;
    g.seq = seq;
    g.ack = ack;
    g.flags = flags;
    g.data = sg_payload();
    g.len = len;
    uint32_t w = p->wnd;
    if (flags & TH_SYN) {
        g.opt.has_mss = true;
        g.opt.mss = p->mss ? p->mss : 1460;
        g.opt.sack_perm = p->sack;
        g.opt.has_wscale = p->ws;
        g.opt.wscale = p->wscale;
    } else if (p->ws && p->s->tcb.wscale_ok) {
        w >>= p->wscale;
    }
    g.wnd = w > 0xffff ? 0xffff : (uint16_t)w;
    if (p->ts) {
        g.opt.has_ts = true;
        g.opt.ts_val = p->tsval;
        g.opt.ts_ecr = (flags & TH_ACK) ? p->ts_echo : 0;
    }
    for (int i = 0; i < nsack && i < TCP_MAX_SACK; i++) {
        g.opt.sack[i].left = blocks[2 * i];
        g.opt.sack[i].right = blocks[2 * i + 1];
    }
    g.opt.nsack = (uint8_t)(nsack < TCP_MAX_SACK ? nsack : TCP_MAX_SACK);
    uint8_t f[ETH_FRAME_MAX];
    size_t n = sg_frame_tcp(f, SG_PEER_IP, SG_HOST_IP, &g);
    sg_input(p->t, f, n);
}

void peer_send(struct peer *p, uint8_t flags, uint32_t ack, size_t len, const uint32_t *blocks,
               int nsack)
{
    peer_send_at(p, flags, p->nxt, ack, len, blocks, nsack);
    p->nxt += (uint32_t)len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
}

bool peer_recv(struct peer *p, struct tcp_seg *g)
{
    static struct sg_out o;
    while (sg_pop_peer(p->t, &o)) {
        if (!o.is_tcp)
            continue;
        *g = o.tcp;
        if (g->opt.has_ts)
            p->ts_echo = g->opt.ts_val;
        return true;
    }
    return false;
}

size_t peer_drain(struct peer *p)
{
    struct tcp_seg g;
    size_t n = 0;
    while (peer_recv(p, &g))
        n++;
    return n;
}

struct sock *peer_connect(struct peer *p, struct segtest *t, tl_time rtt)
{
    p->t = t;
    if (!p->port)
        p->port = 80;
    if (!p->wnd)
        p->wnd = 65535;
    if (!p->iss)
        p->iss = 0x10000000u;
    int fd = sock_socket(t->h, SOCKT_TCP);
    sock_connect(t->h, fd, SG_PEER_IP, p->port, t->now);
    p->s = sock_by_fd(t->h, fd);
    struct tcp_seg g;
    peer_recv(p, &g);                          /* the SYN */
    sg_advance(t, t->now + rtt);
    p->nxt = p->iss;
    peer_send(p, TH_SYN | TH_ACK, p->s->tcb.iss + 1, 0, NULL, 0);
    peer_recv(p, &g);                          /* the ACK */
    return p->s;
}

void peer_fixture(struct peer *p, struct segtest *t, uint64_t seed)
{
    sg_init(t, seed);
    memset(p, 0, sizeof *p);
    p->t = t;
}

void peer_queue(struct peer *p, struct sock *s, size_t n)
{
    struct segtest *t = p->t;
    while (n) {
        size_t k = n < 65536 ? n : 65536;
        ck_assert_int_eq(sock_send(t->h, s->fd, sg_payload(), k, t->now), (long)k);
        n -= k;
    }
}

int peer_pop_data(struct peer *p, struct tcp_seg *out, int max, bool fin)
{
    struct tcp_seg g;
    int n = 0;
    while (peer_recv(p, &g))
        if ((g.len > 0 || (fin && (g.flags & TH_FIN))) && n < max)
            out[n++] = g;
    return n;
}
