/* The kernel host's sequence variables, inferred from the segments on the
 * TAP.  Linux exports no SND.UNA or RCV.NXT (TCP_INFO has none, and
 * TCP_REPAIR needs CAP_NET_ADMIN), but every one of them shows in the
 * segments it sends and receives (RFC 9293 §3.3.1):
 *
 *   ISS      the sequence number of its SYN;      IRS  that of the peer's SYN
 *   SND.NXT  the end of the last segment it sent; SND.UNA  the peer's highest ACK
 *   SND.WND  the peer's window, taken as §3.10.7.4 says (SND.WL1, SND.WL2)
 *   RCV.NXT  the end of the in-order data it was given; RCV.WND  its window
 *
 * with the window scale of RFC 7323 §2.3 once both SYNs offered it.  The
 * TAP loses nothing, so what was written to it was received. */
#include <stdio.h>
#include <string.h>

#include "link/kernel.h"
#include "wire/eth.h"
#include "wire/ipv4.h"
#include "wire/seq.h"
#include "wire/tcp.h"

const struct kwire_conn *kwire_find(const struct kwire *w, uint32_t kaddr, uint16_t kport,
                                    uint32_t paddr, uint16_t pport)
{
    for (int i = 0; i < KWIRE_CONNS; i++) {
        const struct kwire_conn *c = &w->c[i];
        if (c->used && c->kaddr == kaddr && c->kport == kport && c->paddr == paddr &&
            c->pport == pport)
            return c;
    }
    return NULL;
}

/* The entry for a connection, a free one, or the one least recently used. */
static struct kwire_conn *slot(struct kwire *w, uint32_t kaddr, uint16_t kport, uint32_t paddr,
                               uint16_t pport, bool *fresh)
{
    struct kwire_conn *c = (struct kwire_conn *)kwire_find(w, kaddr, kport, paddr, pport);
    *fresh = c == NULL;
    if (c)
        return c;
    c = &w->c[0];
    for (int i = 0; i < KWIRE_CONNS; i++) {
        if (!w->c[i].used) {
            c = &w->c[i];
            break;
        }
        if (w->c[i].last < c->last)
            c = &w->c[i];
    }
    memset(c, 0, sizeof *c);
    c->used = true;
    c->kaddr = kaddr;
    c->kport = kport;
    c->paddr = paddr;
    c->pport = pport;
    c->k_wscale = c->p_wscale = 0xff;
    return c;
}

static bool scaling(const struct kwire_conn *c)
{
    return c->k_wscale != 0xff && c->p_wscale != 0xff;
}

/* A segment the kernel sent. */
static bool from_kernel(struct kwire_conn *c, const struct tcp_seg *s, bool fresh,
                        enum tcp_cause *cause)
{
    uint32_t end = s->seq + tcp_seg_len(s);
    if (s->flags & TH_SYN) {
        c->k_syn = true;
        c->iss = s->seq;
        c->snd_una = s->seq;
        c->snd_nxt = end;
        c->k_wscale = s->opt.has_wscale ? s->opt.wscale : 0xff;
    } else if (fresh || !c->k_syn) {
        /* picked up in the middle: what this segment shows is all we know */
        c->snd_una = c->snd_nxt = end;
    }
    if (seq_gt(end, c->snd_nxt))
        c->snd_nxt = end;
    if (s->flags & TH_FIN) {
        c->k_fin = true;
        c->k_fin_seq = s->seq + (uint32_t)s->len;
    }
    if (s->flags & TH_ACK) {
        if (!c->ack_sent || seq_gt(s->ack, c->rcv_nxt))
            c->rcv_nxt = s->ack;
        c->ack_sent = true;
    }
    c->rcv_wnd = (uint32_t)s->wnd << (scaling(c) && !(s->flags & TH_SYN) ? c->k_wscale : 0);
    if (s->flags & TH_URG)
        c->snd_up = s->seq + s->urp;
    if (s->flags & TH_RST)
        c->rst = true;
    enum tcp_cause what = s->flags & TH_RST ? TCP_CAUSE_SND_RST
                        : s->flags & TH_SYN ? TCP_CAUSE_CONNECT
                        : s->flags & TH_FIN ? TCP_CAUSE_SND_FIN : TCP_CAUSE_NONE;
    c->last_was_in = false;
    c->last_out = what != TCP_CAUSE_NONE ? what : TCP_CAUSE_SND_ACK;
    if (what != TCP_CAUSE_NONE && cause)
        *cause = what;
    return what != TCP_CAUSE_NONE;
}

/* A segment the peer (tcplab's stack) sent, which the kernel received. */
static bool to_kernel(struct kwire_conn *c, const struct tcp_seg *s, enum tcp_cause *cause)
{
    uint32_t end = s->seq + tcp_seg_len(s);
    if (s->flags & TH_SYN) {
        c->p_syn = true;
        if (!(s->flags & TH_ACK))
            c->k_passive = true;
        c->irs = s->seq;
        c->rcv_nxt = end;
        c->p_wscale = s->opt.has_wscale ? s->opt.wscale : 0xff;
    } else if (c->p_syn && seq_le(s->seq, c->rcv_nxt) && seq_gt(end, c->rcv_nxt)) {
        c->rcv_nxt = end;
    }
    bool acks_syn = false, acks_fin = false;
    if ((s->flags & TH_ACK) && c->k_syn) {
        acks_syn = s->ack == c->iss + 1 && seq_le(c->snd_una, c->iss);
        acks_fin = c->k_fin && s->ack == c->k_fin_seq + 1 && seq_le(c->snd_una, c->k_fin_seq);
        if (seq_gt(s->ack, c->snd_una) && seq_le(s->ack, c->snd_nxt))
            c->snd_una = s->ack;
    }
    /* RFC 9293 §3.10.7.4, fifth check: the window is taken from the newest
     * segment (SND.WL1, SND.WL2 say which that is); a SYN's is never scaled
     * (RFC 7323 §2.2). */
    if ((s->flags & (TH_SYN | TH_ACK)) &&
        (!c->wl_set || (s->flags & TH_SYN) || seq_lt(c->snd_wl1, s->seq) ||
         (c->snd_wl1 == s->seq && seq_le(c->snd_wl2, s->ack)))) {
        c->snd_wnd = (uint32_t)s->wnd << (scaling(c) && !(s->flags & TH_SYN) ? c->p_wscale : 0);
        c->snd_wl1 = s->seq;
        c->snd_wl2 = s->flags & TH_ACK ? s->ack : 0;
        c->wl_set = true;
    }
    if (s->flags & TH_FIN) {
        c->p_fin = true;
        c->p_fin_seq = s->seq + (uint32_t)s->len;
    }
    if (s->flags & TH_URG)
        c->rcv_up = s->seq + s->urp;
    if (s->flags & TH_RST)
        c->rst = true;
    enum tcp_cause what = s->flags & TH_RST ? TCP_CAUSE_RCV_RST
                        : (s->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) ? TCP_CAUSE_RCV_SYN_ACK
                        : s->flags & TH_SYN ? TCP_CAUSE_RCV_SYN
                        : s->flags & TH_FIN ? TCP_CAUSE_RCV_FIN
                        : acks_syn ? TCP_CAUSE_RCV_ACK_OF_SYN
                        : acks_fin ? TCP_CAUSE_RCV_ACK_OF_FIN : TCP_CAUSE_RCV_ACK;
    c->last_in = what;
    c->last_was_in = true;
    bool interesting = (s->flags & (TH_SYN | TH_FIN | TH_RST)) || acks_syn || acks_fin;
    if (interesting && cause)
        *cause = what;
    return interesting;
}

bool kwire_frame(struct kwire *w, bool from_k, const uint8_t *f, size_t len, tl_time now,
                 enum tcp_cause *cause)
{
    struct eth_hdr eh;
    struct ipv4_hdr ip;
    struct tcp_seg s;
    const uint8_t *p;
    size_t plen;
    if (cause)
        *cause = TCP_CAUSE_NONE;
    if (eth_parse(f, len, &eh) != DROP_NONE || eh.type != ETHERTYPE_IPV4 ||
        ipv4_parse(f + ETH_HLEN, len - ETH_HLEN, &ip, &p, &plen) != DROP_NONE ||
        ip.proto != IP_PROTO_TCP || ipv4_is_fragment(&ip) ||
        tcp_parse(p, plen, ip.src, ip.dst, &s) != DROP_NONE)
        return false;
    uint32_t ka = from_k ? ip.src : ip.dst, pa = from_k ? ip.dst : ip.src;
    uint16_t kp = from_k ? s.sport : s.dport, pp = from_k ? s.dport : s.sport;
    bool fresh;
    struct kwire_conn *c = slot(w, ka, kp, pa, pp, &fresh);
    /* A SYN without ACK opens a new incarnation of the 4-tuple. */
    if (!fresh && (s.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
        memset(c, 0, sizeof *c);
        c->used = true;
        c->kaddr = ka;
        c->kport = kp;
        c->paddr = pa;
        c->pport = pp;
        c->k_wscale = c->p_wscale = 0xff;
        fresh = true;
    }
    c->last = now;
    return from_k ? from_kernel(c, &s, fresh, cause) : to_kernel(c, &s, cause);
}
