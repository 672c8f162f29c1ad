/* ICMP (RFC 792, RFC 1122 §3.2.2): answer echo requests, record echo
 * replies for `ping`, send destination unreachable, and pass port
 * unreachable on to the UDP socket it concerns. */
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"
#include "wire/bytes.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

static void send_icmp(struct host *h, uint32_t dst, uint8_t tos, const struct icmp_msg *m,
                      tl_time now)
{
    uint8_t buf[ETH_MTU];
    if (ICMP_HLEN + m->len > ETH_MTU - IPV4_HLEN)
        return;
    size_t n = icmp_build(buf, m);
    ip_output(h, dst, IP_PROTO_ICMP, tos, false, buf, n, now);
}

void icmp_send_unreach(struct host *h, uint8_t code, const uint8_t *ip_pkt, size_t ip_len,
                       tl_time now)
{
    /* RFC 1812 §4.3.2.3 allows quoting as much as fits; Linux quotes up to
     * 576 bytes in all.  RFC 792 requires the header plus 64 bits. */
    size_t q = ip_len;
    if (q > 576 - IPV4_HLEN - ICMP_HLEN)
        q = 576 - IPV4_HLEN - ICMP_HLEN;
    struct icmp_msg m = {.type = ICMP_DEST_UNREACH, .code = code, .data = ip_pkt, .len = q};
    uint32_t src = get_be32(ip_pkt + 12);
    send_icmp(h, src, 0xc0, &m, now);   /* internetwork control, as Linux */
}

static void record_reply(struct host *h, const struct ipv4_hdr *ip, const struct icmp_msg *m,
                         tl_time now)
{
    struct ping_reply *r = &h->pings[h->npings % 16];
    r->from = ip->src;
    r->id = m->id;
    r->seq = m->seq;
    r->len = (uint16_t)m->len;
    r->ttl = ip->ttl;
    r->at = now;
    h->npings++;
}

/* An error quoting one of our UDP datagrams (RFC 1122 §3.2.2.1: pass it to
 * the transport). */
static void icmp_error_to_transport(struct host *h, const struct icmp_msg *m)
{
    if (m->len < IPV4_HLEN + 8)
        return;
    const uint8_t *q = m->data;
    size_t qhl = (size_t)(q[0] & 0x0f) * 4;
    if (qhl < IPV4_HLEN || m->len < qhl + 8 || q[9] != IP_PROTO_UDP)
        return;
    if (m->type == ICMP_DEST_UNREACH && m->code == ICMP_PORT_UNREACH)
        udp_port_unreachable(h, get_be32(q + 16), get_be16(q + qhl + 2), get_be16(q + qhl));
}

void icmp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
                const uint8_t *frame, size_t flen, tl_time now)
{
    struct icmp_msg m;
    enum drop_reason r = icmp_parse(p, len, &m);
    if (r != DROP_NONE) {
        host_drop(h, r, frame, flen, now);
        return;
    }
    switch (m.type) {
    case ICMP_ECHO_REQUEST: {
        struct icmp_msg reply = m;
        reply.type = ICMP_ECHO_REPLY;
        reply.code = 0;
        send_icmp(h, ip->src, ip->tos, &reply, now);
        break;
    }
    case ICMP_ECHO_REPLY:
        record_reply(h, ip, &m, now);
        break;
    case ICMP_DEST_UNREACH:
        icmp_error_to_transport(h, &m);
        break;
    default:
        host_drop(h, DROP_ICMP_UNHANDLED, frame, flen, now);
        break;
    }
}

int host_ping(struct host *h, uint32_t dst, uint16_t id, uint16_t seq, size_t len, tl_time now)
{
    uint8_t data[1472];
    if (len > sizeof data)
        len = sizeof data;
    /* The payload: like ping, 8 bytes of timestamp then a counting pattern. */
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i < 8 ? (uint64_t)now >> (8 * (7 - i)) : i);
    struct icmp_msg m = {.type = ICMP_ECHO_REQUEST, .id = id, .seq = seq, .data = data, .len = len};
    uint8_t buf[ETH_MTU];
    size_t n = icmp_build(buf, &m);
    return ip_output(h, dst, IP_PROTO_ICMP, 0, true, buf, n, now);
}
