/* ARP (RFC 826): answer requests for our address, keep a cache with expiry,
 * and hold outgoing IPv4 frames until their next hop is resolved. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/host.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "wire/arp.h"

#define ARP_RETRY      (1 * TL_SEC)   /* Linux retrans_time */
#define ARP_MAX_TRIES  3              /* Linux mcast_solicit */

static struct arp_entry *arp_find(struct host *h, uint32_t ip)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (h->arp[i].used && h->arp[i].ip == ip)
            return &h->arp[i];
    return NULL;
}

static void drop_waiting(struct host *h, struct arp_entry *e, enum drop_reason why, tl_time now)
{
    struct frame *f = e->waiting;
    while (f) {
        struct frame *n = f->next;
        host_drop(h, why, f->data, f->len, now);
        host_frame_put(h, f);
        f = n;
    }
    e->waiting = NULL;
    e->nwaiting = 0;
}

/* A free slot, or the resolved entry closest to expiry. */
static struct arp_entry *arp_slot(struct host *h, tl_time now)
{
    struct arp_entry *victim = NULL;
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &h->arp[i];
        if (!e->used)
            return e;
        if (e->resolved && (!victim || e->expires < victim->expires))
            victim = e;
    }
    if (!victim)
        victim = &h->arp[0];
    drop_waiting(h, victim, DROP_ARP_QUEUE_FULL, now);
    victim->used = false;
    return victim;
}

static void send_arp(struct host *h, uint16_t op, const uint8_t *dst_mac, const uint8_t *tha,
                     uint32_t tpa, tl_time now)
{
    struct frame *f = host_frame_get(h);
    if (!f)
        return;
    struct eth_hdr eh = {.type = ETHERTYPE_ARP};
    memcpy(eh.dst, dst_mac, ETH_ALEN);
    memcpy(eh.src, h->cfg.mac, ETH_ALEN);
    struct arp_pkt a = {.op = op, .spa = h->cfg.addr, .tpa = tpa};
    memcpy(a.sha, h->cfg.mac, ETH_ALEN);
    memcpy(a.tha, tha, ETH_ALEN);
    size_t n = eth_build(f->data, &eh);
    n += arp_build(f->data + n, &a);
    f->len = n;    /* not padded to 60 bytes, as Linux on veth and TAP */
    host_queue_frame(h, f, now);
}

/* Fill in the Ethernet header of each waiting frame and send it. */
static void flush_waiting(struct host *h, struct arp_entry *e, tl_time now)
{
    struct frame *f = e->waiting;
    e->waiting = NULL;
    e->nwaiting = 0;
    while (f) {
        struct frame *n = f->next;
        memcpy(f->data, e->mac, ETH_ALEN);
        host_queue_frame(h, f, now);
        f = n;
    }
}

static void arp_learn(struct host *h, uint32_t ip, const uint8_t *mac, bool create, tl_time now)
{
    struct arp_entry *e = arp_find(h, ip);
    if (!e) {
        if (!create)
            return;
        e = arp_slot(h, now);
        memset(e, 0, sizeof *e);
        e->used = true;
        e->ip = ip;
    }
    memcpy(e->mac, mac, ETH_ALEN);
    e->resolved = true;
    e->tries = 0;
    e->expires = now + h->cfg.arp_ttl;
    flush_waiting(h, e, now);
}

void arp_input(struct host *h, const uint8_t *frame, size_t len, tl_time now)
{
    struct arp_pkt a;
    enum drop_reason r = arp_parse(frame + ETH_HLEN, len - ETH_HLEN, &a);
    if (r != DROP_NONE) {
        host_drop(h, r, frame, len, now);
        return;
    }
    bool for_us = host_is_local(h, a.tpa);
    /* RFC 826 "merge": update the sender if known; add it if the packet is
     * for us (we will talk to it next). */
    if (a.spa != 0 && !host_is_local(h, a.spa))
        arp_learn(h, a.spa, a.sha, for_us, now);
    if (!for_us) {
        host_drop(h, DROP_ARP_NOT_FOR_US, frame, len, now);
        return;
    }
    if (a.op == ARP_OP_REQUEST)
        send_arp(h, ARP_OP_REPLY, a.sha, a.sha, a.spa, now);
}

void arp_output(struct host *h, uint32_t ip, struct frame *f, tl_time now)
{
    struct arp_entry *e = arp_find(h, ip);
    if (e && e->resolved && e->expires > now) {
        memcpy(f->data, e->mac, ETH_ALEN);
        host_queue_frame(h, f, now);
        return;
    }
    if (!e) {
        e = arp_slot(h, now);
        memset(e, 0, sizeof *e);
        e->used = true;
        e->ip = ip;
    }
    if (e->resolved) {          /* expired: resolve again */
        e->resolved = false;
        e->tries = 0;
    }
    if (e->nwaiting >= ARP_QUEUE_MAX) {
        host_drop(h, DROP_ARP_QUEUE_FULL, f->data, f->len, now);
        host_frame_put(h, f);
    } else {
        f->next = NULL;
        struct frame **pp = &e->waiting;
        while (*pp)
            pp = &(*pp)->next;
        *pp = f;
        e->nwaiting++;
    }
    if (e->tries == 0) {
        static const uint8_t zero[ETH_ALEN];
        send_arp(h, ARP_OP_REQUEST, eth_broadcast, zero, ip, now);
        e->tries = 1;
        e->expires = now + ARP_RETRY;
    }
}

void arp_poll(struct host *h, tl_time now)
{
    static const uint8_t zero[ETH_ALEN];
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &h->arp[i];
        if (!e->used || e->expires > now)
            continue;
        if (e->resolved) {
            e->used = false;             /* expired */
        } else if (e->tries < ARP_MAX_TRIES) {
            send_arp(h, ARP_OP_REQUEST, eth_broadcast, zero, e->ip, now);
            e->tries++;
            e->expires = now + ARP_RETRY;
        } else {
            uint32_t ip = e->ip;
            drop_waiting(h, e, DROP_ARP_UNRESOLVED, now);
            e->used = false;
            tcp_host_unreachable(h, ip, now);
        }
    }
}

tl_time arp_next_deadline(const struct host *h)
{
    tl_time t = TL_NEVER;
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (h->arp[i].used)
            t = tl_min(t, h->arp[i].expires);
    return t;
}

void arp_flush(struct host *h)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct frame *f = h->arp[i].waiting;
        while (f) {
            struct frame *n = f->next;
            free(f);
            f = n;
        }
        memset(&h->arp[i], 0, sizeof h->arp[i]);
    }
}
