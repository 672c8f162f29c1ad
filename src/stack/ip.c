/* IPv4 (RFC 791, RFC 1122 §3.2.1): validate, demultiplex to ICMP, UDP and
 * TCP; build outgoing packets and hand them to ARP.  No forwarding, no
 * reassembly: fragments are dropped with a counted reason. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"
#include "wire/eth.h"
#include "wire/ipv4.h"

#define IP_DEFAULT_TTL 64

void ip_input(struct host *h, const uint8_t *frame, size_t len, tl_time now)
{
    struct ipv4_hdr ip;
    const uint8_t *payload;
    size_t plen;
    enum drop_reason r = ipv4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip, &payload, &plen);
    if (r == DROP_NONE && !host_is_local(h, ip.dst))
        r = DROP_IP_NOT_FOR_US;        /* a host, not a router: RFC 1122 §3.3.4 */
    /* RFC 1122 §3.2.1.3.  Our own address is a bad source only from another
     * station: packets we send ourselves loop back with our own MAC. */
    bool from_us = memcmp(frame + ETH_ALEN, h->cfg.mac, ETH_ALEN) == 0;
    if (r == DROP_NONE && (ip.src == 0xffffffffu || (ip.src >> 28) == 0xe ||
                           (host_is_local(h, ip.src) && !from_us)))
        r = DROP_IP_BAD_SRC;
    if (r == DROP_NONE && ipv4_is_fragment(&ip))
        r = DROP_IP_FRAGMENT;
    if (r != DROP_NONE) {
        host_drop(h, r, frame, len, now);
        return;
    }
    /* A TTL of 0 arriving at its destination is still delivered (RFC 1122
     * §3.2.1.7 only forbids sending it); tcpdump merely omits it. */
    switch (ip.proto) {
    case IP_PROTO_ICMP:
        icmp_input(h, &ip, payload, plen, frame, len, now);
        break;
    case IP_PROTO_UDP:
        udp_input(h, &ip, payload, plen, frame, len, now);
        break;
    case IP_PROTO_TCP:
        tcp_input(h, &ip, payload, plen, frame, len, now);
        break;
    default:
        /* RFC 1122 §3.2.2.1 would allow protocol unreachable; Linux sends it. */
        icmp_send_unreach(h, 2, frame + ETH_HLEN, ip.tot_len, now);
        host_drop(h, DROP_IP_UNKNOWN_PROTO, frame, len, now);
        break;
    }
}

int ip_output(struct host *h, uint32_t dst, uint8_t proto, uint8_t tos, bool df,
              const uint8_t *l4, size_t len, tl_time now)
{
    if (len > ETH_MTU - IPV4_HLEN)
        return -EMSGSIZE;
    if (!host_on_link(h, dst))
        return -ENETUNREACH;           /* the lab network has no gateway */
    struct frame *f = host_frame_get(h);
    if (!f)
        return -ENOMEM;
    struct eth_hdr eh = {.type = ETHERTYPE_IPV4};
    memcpy(eh.src, h->cfg.mac, ETH_ALEN);
    size_t n = eth_build(f->data, &eh);
    struct ipv4_hdr ip = {
        .tos = tos,
        .id = h->ip_id++,
        .frag = df ? IP_DF : 0,
        .ttl = IP_DEFAULT_TTL,
        .proto = proto,
        .src = h->cfg.addr,
        .dst = dst,
    };
    n += ipv4_build(f->data + n, &ip, len);
    memcpy(f->data + n, l4, len);
    f->len = n + len;
    if (dst == h->cfg.addr) {
        /* To ourselves: no wire; host_poll delivers it (never recursively). */
        memcpy(f->data, h->cfg.mac, ETH_ALEN);
        f->next = NULL;
        struct frame **pp = &h->loopback;
        while (*pp)
            pp = &(*pp)->next;
        *pp = f;
        return 0;
    }
    arp_output(h, dst, f, now);
    return 0;
}
