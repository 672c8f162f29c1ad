/* The `inject` command: one TCP segment written in packetdrill's syntax,
 * put on the link as if a peer had sent it.
 *
 *   inject SOCK < PACKET      to SOCK: from its peer if it is connected
 *                             (numbers relative to the connection, as in a
 *                             packetdrill script), else from a phantom peer
 *                             (numbers as written)
 *   inject SOCK > PACKET      from SOCK to its peer (relative numbers)
 *   inject ADDR[:PORT] < PACKET   from the phantom ADDR to this host's PORT
 *                             (without PORT: its one listening socket)
 *
 * In sim mode the segment leaves the other host's link end, so it is
 * decoded, can be held by `wire hold`, and tcplab's reply shows in the
 * usual report; in tap mode it goes straight into tcplab's stack. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdrill/pd_frame.h"
#include "shell/commands.h"
#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/ipv4.h"

#define PHANTOM_PORT 40000
#define PHANTOM_ADDR 0x0a0a0303     /* 10.10.3.3: on the lab's /16, owned by no host */

struct inject_target {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq_base, ack_base;   /* added to the packet's numbers */
    bool outbound;                 /* sent by `host` itself (>), else to it (<) */
};

/* The one listening socket of h (its port), or 0. */
static uint16_t only_listener(const struct host *h)
{
    uint16_t port = 0;
    int n = 0;
    for (const struct sock *s = h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP && s->tcb.state == TCP_LISTEN && s->fd >= 0) {
            port = s->lport;
            n++;
        }
    return n == 1 ? port : 0;
}

static int target_of_sock(struct shell *sh, struct host *h, const struct sock *s,
                          const struct pd_pkt *p, struct inject_target *t)
{
    bool peer = s->type == SOCKT_TCP && s->rport != 0 && s->tcb.state != TCP_LISTEN &&
                s->tcb.state != TCP_CLOSED;
    if (s->type != SOCKT_TCP) {
        sh_error(sh, "inject: '%s' is a UDP socket; inject sends TCP segments",
                 sh_fd_name(sh, sh->cur, s->fd));
        return -1;
    }
    if (!p->inbound && !peer) {
        sh_error(sh, "inject: '>' sends as one side of a connection, and this socket has no peer");
        return -1;
    }
    t->outbound = !p->inbound;
    if (!peer) {
        if (!s->lport) {
            sh_error(sh, "inject: the socket has no port yet (bind or listen first)");
            return -1;
        }
        *t = (struct inject_target){PHANTOM_ADDR, s->laddr ? s->laddr : h->cfg.addr,
                                    PHANTOM_PORT, s->lport, 0, 0, false};
        return 0;
    }
    /* packetdrill's relative numbers: the peer's sequence numbers from its
     * ISN (our IRS), ours from our ISS */
    uint32_t laddr = s->laddr ? s->laddr : h->cfg.addr;
    if (t->outbound)
        *t = (struct inject_target){laddr, s->raddr, s->lport, s->rport, s->tcb.iss, s->tcb.irs,
                                    true};
    else
        *t = (struct inject_target){s->raddr, laddr, s->rport, s->lport, s->tcb.irs, s->tcb.iss,
                                    false};
    return 0;
}

static int target_of_addr(struct shell *sh, struct host *h, const char *word,
                          const struct pd_pkt *p, struct inject_target *t)
{
    char addr[32];
    const char *colon = strchr(word, ':');
    size_t n = colon ? (size_t)(colon - word) : strlen(word);
    uint32_t a;
    if (n >= sizeof addr)
        return -1;
    memcpy(addr, word, n);
    addr[n] = '\0';
    if (ipv4_aton(addr, &a) < 0)
        return -1;
    if (!p->inbound) {
        sh_error(sh, "inject: a phantom peer only sends to this host: use '<'");
        return -2;
    }
    uint16_t port = 0;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (*end || v < 1 || v > 65535) {
            sh_error(sh, "inject: bad port in '%s'", word);
            return -2;
        }
        port = (uint16_t)v;
    } else if (!(port = only_listener(h))) {
        sh_error(sh, "inject: name the port (inject %s:PORT ...): %s has no single listening "
                 "socket", word, sh_host_name(sh, sh->cur));
        return -2;
    }
    *t = (struct inject_target){a, h->cfg.addr, PHANTOM_PORT, port, 0, 0, false};
    return 0;
}

/* A phantom peer on the link announces itself as a new host would, with
 * an ARP request for the address it sends to (sim mode: from the other
 * host's end of the wire, whose MAC it borrows), so that tcplab can
 * answer it; not if tcplab already knows it. */
static void phantom_arp(struct host *h, struct host *peer, uint32_t phantom, tl_time now)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (h->arp[i].used && h->arp[i].resolved && h->arp[i].ip == phantom)
            return;
    if (!host_on_link(h, phantom))
        return;
    struct frame *f = host_frame_get(peer);
    if (!f)
        return;
    memset(f->data, 0, ETH_FRAME_MIN);
    struct eth_hdr eh = {.type = ETHERTYPE_ARP};
    memcpy(eh.dst, eth_broadcast, ETH_ALEN);
    memcpy(eh.src, peer->cfg.mac, ETH_ALEN);
    eth_build(f->data, &eh);
    struct arp_pkt a = {.op = ARP_OP_REQUEST, .spa = phantom, .tpa = h->cfg.addr};
    memcpy(a.sha, peer->cfg.mac, ETH_ALEN);
    arp_build(f->data + ETH_HLEN, &a);
    f->len = ETH_HLEN + ARP_LEN;               /* as the stacks send ARP: unpadded */
    host_queue_frame(peer, f, now);
}

/* The segment as a frame, and on its way. */
static int send_frame(struct shell *sh, int host, struct host *h, const struct pd_pkt *p,
                      const struct inject_target *t)
{
    int other = 1 - host;
    struct host *peer = sh_host(sh, other);
    struct pd_opt opt[PD_MAX_OPTS];
    memcpy(opt, p->opt, sizeof opt);
    for (int i = 0; i < p->nopt; i++)
        if (opt[i].kind == PDO_SACK)
            for (int b = 0; b < opt[i].nsack; b++) {
                opt[i].sack[b][0] += t->ack_base;
                opt[i].sack[b][1] += t->ack_base;
            }
    uint8_t ob[64];
    int olen = p->opts_any ? 0 : pd_opts_encode(opt, p->nopt, ob);
    struct pd_wire w = {.src = t->src, .dst = t->dst, .sport = t->sport, .dport = t->dport,
                        .seq = p->seq + t->seq_base,
                        .ack = p->has_ack ? p->ack + t->ack_base : 0};
    /* to the other end of the link: our MAC going in, the peer's going out */
    if (t->outbound && !peer) {
        sh_error(sh, "inject: '>' needs sim mode (in tap mode the peer is the kernel)");
        return -1;
    }
    const uint8_t *dmac = t->outbound ? peer->cfg.mac : h->cfg.mac;
    memcpy(w.dmac, dmac, ETH_ALEN);
    struct frame *f = host_frame_get(t->outbound ? h : peer ? peer : h);
    if (!f) {
        sh_error(sh, "out of memory");
        return -1;
    }
    f->len = olen < 0 ? 0 : pd_frame_tcp(f->data, sizeof f->data, &w, p, ob, (size_t)olen);
    if (!f->len) {
        host_frame_put(h, f);
        sh_error(sh, "inject: the segment does not fit in a frame");
        return -1;
    }
    /* the Ethernet source: the host whose link end it leaves */
    memcpy(f->data + ETH_ALEN, t->outbound ? h->cfg.mac : peer ? peer->cfg.mac : pd_peer_mac,
           ETH_ALEN);
    tl_time now = sh_now(sh);
    if (t->outbound) {
        host_queue_frame(h, f, now);
    } else if (peer) {
        if (t->src != peer->cfg.addr)
            phantom_arp(h, peer, t->src, now);
        host_queue_frame(peer, f, now);          /* sim: it crosses the wire */
    } else {
        if (sh->w->on_frame)                     /* tap: straight into our stack */
            sh->w->on_frame(sh->w->on_frame_ctx, other, f->data, f->len, now);
        host_input(h, f->data, f->len, now);
        host_frame_put(h, f);
    }
    return 0;
}

int cmd_inject(struct shell *sh, int host, struct sh_cmdline *cl)
{
    struct host *h = sh_host(sh, host);
    if (!h) {
        sh_error(sh, "inject: %s is played by the Linux kernel here; inject into tcplab's "
                 "stack (use %s)", sh_host_name(sh, host), sh_host_name(sh, 1 - host));
        return -1;
    }
    char spec[512];
    size_t off = 0;
    for (int i = 2; i < cl->argc && off < sizeof spec; i++)
        off += (size_t)snprintf(spec + off, sizeof spec - off, "%s%s", i > 2 ? " " : "",
                                cl->argv[i].s);
    if (off >= sizeof spec) {
        sh_error(sh, "inject: the packet is too long");
        return -1;
    }
    struct pd_pkt p;
    char err[PD_ERR_MAX];
    if (pd_parse_packet(spec, NULL, &p, err, sizeof err) < 0) {
        sh_error(sh, "inject: %s", err);
        return -1;
    }
    struct inject_target t;
    int rc = target_of_addr(sh, h, cl->argv[1].s, &p, &t);
    if (rc == -2)
        return -1;
    if (rc < 0) {
        int e, fd = sh_resolve_sock(sh, host, cl->argv[1].s, &e);
        const struct sock *s = fd >= 0 ? sock_by_fd(h, fd) : NULL;
        if (!s) {
            sh_error(sh, "inject: '%s' is neither a socket of %s nor an address",
                     cl->argv[1].s, sh_host_name(sh, host));
            return -1;
        }
        if (target_of_sock(sh, h, s, &p, &t) < 0)
            return -1;
    }
    return send_frame(sh, host, h, &p, &t);
}
