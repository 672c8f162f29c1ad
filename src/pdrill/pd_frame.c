/* Frames for scripted segments: a TCP segment in packetdrill's terms
 * wrapped in IPv4 and Ethernet for host_input(), and a segment tcplab
 * sent turned back into a struct pd_pkt (absolute numbers) to be matched
 * and printed.  Shared by the runner and the shell's `inject`. */
#include <string.h>

#include "pdrill/pd_frame.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

const uint8_t pd_peer_mac[6] = {0x02, 0x00, 0xc0, 0x00, 0x02, 0x01};

size_t pd_frame_tcp(uint8_t *out, size_t cap, const struct pd_wire *w, const struct pd_pkt *pkt,
                    const uint8_t *opts, size_t olen)
{
    size_t tlen = TCP_HLEN + olen + pkt->len;
    size_t total = ETH_HLEN + IPV4_HLEN + tlen;
    if (olen > TCP_OPT_MAX || olen % 4 || total > cap || total > ETH_FRAME_MAX)
        return 0;
    struct eth_hdr eh;
    memcpy(eh.dst, w->dmac, ETH_ALEN);
    memcpy(eh.src, pd_peer_mac, ETH_ALEN);
    eh.type = ETHERTYPE_IPV4;
    eth_build(out, &eh);
    uint8_t *t = out + ETH_HLEN + IPV4_HLEN;
    put_be16(t, w->sport);
    put_be16(t + 2, w->dport);
    put_be32(t + 4, w->seq);
    put_be32(t + 8, w->ack);
    t[12] = (uint8_t)(((TCP_HLEN + olen) / 4) << 4);
    t[13] = pkt->flags;
    put_be16(t + 14, pkt->has_win ? pkt->win : 65535);
    put_be16(t + 16, 0);
    put_be16(t + 18, pkt->has_urg ? pkt->urg : 0);
    memcpy(t + TCP_HLEN, opts, olen);
    memset(t + TCP_HLEN + olen, 'a', pkt->len);     /* the payload's bytes are not the point */
    uint32_t sum = csum_add(csum_pseudo(w->src, w->dst, IP_PROTO_TCP, (uint16_t)tlen), t, tlen);
    put_be16(t + 16, csum_finish(sum));
    struct ipv4_hdr ih;
    memset(&ih, 0, sizeof ih);
    ih.ttl = 64;
    ih.proto = IP_PROTO_TCP;
    ih.frag = IP_DF;
    ih.src = w->src;
    ih.dst = w->dst;
    ipv4_build(out + ETH_HLEN, &ih, tlen);
    size_t n = total < ETH_FRAME_MIN ? ETH_FRAME_MIN : total;
    memset(out + total, 0, n - total);
    return n;
}

int pd_pkt_from_seg(const uint8_t *seg, size_t len, struct pd_pkt *pkt, uint16_t *sport,
                    uint16_t *dport)
{
    memset(pkt, 0, sizeof *pkt);
    if (len < TCP_HLEN)
        return -1;
    size_t hlen = (size_t)(seg[12] >> 4) * 4;
    if (hlen < TCP_HLEN || hlen > len)
        return -1;
    *sport = get_be16(seg);
    *dport = get_be16(seg + 2);
    pkt->seq = get_be32(seg + 4);
    pkt->flags = seg[13];
    pkt->len = (uint32_t)(len - hlen);
    pkt->end = pkt->seq + pkt->len;
    if (pkt->flags & TH_ACK) {
        pkt->has_ack = true;
        pkt->ack = get_be32(seg + 8);
    }
    pkt->has_win = true;
    pkt->win = get_be16(seg + 14);
    if (pkt->flags & TH_URG) {
        pkt->has_urg = true;
        pkt->urg = get_be16(seg + 18);
    }
    pkt->has_opts = hlen > TCP_HLEN;
    int n = pd_opts_decode(seg + TCP_HLEN, hlen - TCP_HLEN, pkt->opt, PD_MAX_OPTS);
    if (n < 0)
        return -1;
    pkt->nopt = n;
    return 0;
}
