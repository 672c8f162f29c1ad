/* UDP (RFC 768, RFC 1122 §4.1): datagram sockets, and ICMP port
 * unreachable for datagrams to a closed port. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "stack/stack_int.h"
#include "wire/icmp.h"
#include "wire/udp.h"

static struct sock *udp_lookup(struct host *h, uint32_t src, uint16_t sport, uint16_t dport)
{
    struct sock *wild = NULL;
    for (struct sock *s = h->socks; s; s = s->next) {
        if (s->type != SOCKT_UDP || !s->bound || s->lport != dport)
            continue;
        if (s->connected) {
            if (s->raddr == src && s->rport == sport)
                return s;
        } else if (!wild) {
            wild = s;
        }
    }
    return wild;
}

void udp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
               const uint8_t *frame, size_t flen, tl_time now)
{
    struct udp_dgram d;
    enum drop_reason r = udp_parse(p, len, ip->src, ip->dst, &d);
    if (r != DROP_NONE) {
        host_drop(h, r, frame, flen, now);
        return;
    }
    struct sock *s = udp_lookup(h, ip->src, d.sport, d.dport);
    if (!s) {
        /* RFC 1122 §4.1.3.1: SHOULD send ICMP port unreachable. */
        icmp_send_unreach(h, ICMP_PORT_UNREACH, frame + ETH_HLEN, ip->tot_len, now);
        host_drop(h, DROP_UDP_NO_SOCKET, frame, flen, now);
        return;
    }
    if (s->dq_bytes + d.len > s->rcvq.limit) {
        host_drop(h, DROP_UDP_RCVBUF_FULL, frame, flen, now);
        return;
    }
    struct udp_dgram_q *q = malloc(sizeof *q + d.len);
    if (!q)
        return;
    q->next = NULL;
    q->src = ip->src;
    q->sport = d.sport;
    q->len = d.len;
    memcpy(q->data, d.data, d.len);
    if (s->dq_tail)
        s->dq_tail->next = q;
    else
        s->dq_head = q;
    s->dq_tail = q;
    s->dq_bytes += d.len;
}

/* RFC 1122 §4.1.3.3: a port unreachable reaches the application; Linux
 * reports it as ECONNREFUSED on a connected socket only. */
void udp_port_unreachable(struct host *h, uint32_t raddr, uint16_t rport, uint16_t lport)
{
    for (struct sock *s = h->socks; s; s = s->next)
        if (s->type == SOCKT_UDP && s->connected && s->lport == lport && s->raddr == raddr &&
            s->rport == rport)
            s->err = ECONNREFUSED;
}

long udp_sendto(struct host *h, struct sock *s, const void *buf, size_t len, uint32_t dst,
                uint16_t dport, tl_time now)
{
    if (len > ETH_MTU - IPV4_HLEN - UDP_HLEN)
        return -EMSGSIZE;              /* no fragmentation */
    if (!s->bound) {
        uint16_t port;
        int rc = sock_pick_ephemeral(h, SOCKT_UDP, &port);
        if (rc < 0)
            return rc;
        sock_set_port(h, s, port);
    }
    uint8_t pkt[ETH_MTU];
    struct udp_dgram d = {.sport = s->lport, .dport = dport, .data = buf, .len = len};
    size_t n = udp_build(pkt, h->cfg.addr, dst, &d);
    int rc = ip_output(h, dst, IP_PROTO_UDP, 0, true, pkt, n, now);
    return rc < 0 ? rc : (long)len;
}

long udp_recvfrom(struct sock *s, void *buf, size_t len, uint32_t *src, uint16_t *sport)
{
    struct udp_dgram_q *q = s->dq_head;
    if (!q)
        return -EAGAIN;
    size_t n = q->len < len ? q->len : len;   /* the rest of the datagram is lost */
    memcpy(buf, q->data, n);
    if (src)
        *src = q->src;
    if (sport)
        *sport = q->sport;
    s->dq_head = q->next;
    if (!s->dq_head)
        s->dq_tail = NULL;
    s->dq_bytes -= q->len;
    free(q);
    return (long)n;
}

void udp_flush(struct sock *s)
{
    while (s->dq_head) {
        struct udp_dgram_q *q = s->dq_head;
        s->dq_head = q->next;
        free(q);
    }
    s->dq_tail = NULL;
    s->dq_bytes = 0;
}
