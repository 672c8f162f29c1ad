/* A host: Ethernet demultiplexing, the transmit queue, timers and the
 * drop counters.  Everything below the socket API enters here. */
#include <stdlib.h>
#include <string.h>

#include "stack/host.h"
#include "stack/lab_hosts.h"
#include "stack/stack_int.h"
#include "util/sha256.h"
#include "wire/bytes.h"

void host_config_default(struct host_config *c, int index, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    index = index ? 1 : 0;
    strcpy(c->name, lab_hosts[index].name);
    memcpy(c->mac, lab_hosts[index].mac, ETH_ALEN);
    c->addr = lab_hosts[index].addr;
    c->prefix_len = LAB_PREFIX_LEN;
    c->seed = seed * 2 + (uint64_t)index;
    c->sndbuf = 65536;
    c->rcvbuf = 65536;
    c->msl = 30 * TL_SEC;
    c->fin_timeout = 60 * TL_SEC;
    c->arp_ttl = 60 * TL_SEC;
    c->rto_initial = 1 * TL_SEC;
    c->rto_min = 200 * TL_MS;
    c->syn_retries = 6;
    c->data_retries = 15;
    c->tcp_wscale = c->tcp_timestamps = c->tcp_sack = true;
    c->quickack = false;
    c->tcp_cc = TCP_CC_CUBIC;
    c->delack_time = 40 * TL_MS;
    c->syn_queue_max = 256;
    c->syncookies = true;
    c->ofo_max_segs = 1024;
    c->challenge_ack_limit = 1000;
    c->trace_cap = 1024;
    c->wire_trace_cap = 256;
    c->frame_snap = 0;
}

struct host *host_new(const struct host_config *cfg)
{
    struct host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cfg = *cfg;
    if (trace_init(&h->trace, cfg->trace_cap ? cfg->trace_cap : 1024, 0) < 0) {
        free(h);
        return NULL;
    }
    h->port_refs[0] = calloc(65536, sizeof *h->port_refs[0]);
    h->port_refs[1] = calloc(65536, sizeof *h->port_refs[1]);
    if (!h->port_refs[0] || !h->port_refs[1] ||
        trace_init(&h->wire_trace, cfg->wire_trace_cap, cfg->frame_snap) < 0) {
        free(h->port_refs[0]);
        free(h->port_refs[1]);
        trace_free(&h->trace);
        free(h);
        return NULL;
    }
    h->challenge_slot = -1;
    rng_seed(&h->rng, cfg->seed);
    for (int i = 0; i < 4; i++) {
        uint64_t v = rng_next(&h->rng);
        memcpy(h->iss_secret + 8 * i, &v, 8);
    }
    h->ip_id = (uint16_t)rng_next(&h->rng);
    h->next_sock_id = 1;
    return h;
}

void host_free(struct host *h)
{
    if (!h)
        return;
    while (h->socks)
        sock_release(h, h->socks);
    arp_flush(h);
    struct frame *f;
    while ((f = host_tx_pop(h)))
        free(f);
    while ((f = h->loopback)) {
        h->loopback = f->next;
        free(f);
    }
    while ((f = h->spare)) {
        h->spare = f->next;
        free(f);
    }
    trace_free(&h->trace);
    trace_free(&h->wire_trace);
    free(h->port_refs[0]);
    free(h->port_refs[1]);
    free(h->fds);
    free(h);
}

bool host_is_local(const struct host *h, uint32_t addr)
{
    return addr == h->cfg.addr;
}

bool host_on_link(const struct host *h, uint32_t addr)
{
    uint32_t mask = h->cfg.prefix_len ? ~0u << (32 - h->cfg.prefix_len) : 0;
    return (addr & mask) == (h->cfg.addr & mask);
}

void host_drop(struct host *h, enum drop_reason r, const uint8_t *frame, size_t len, tl_time now)
{
    h->drops[r]++;
    struct trace_ev *e = trace_add_frame(&h->wire_trace, TRACE_DROP, frame, len, now);
    e->drop = r;
}

void host_queue_frame(struct host *h, struct frame *f, tl_time now)
{
    f->next = NULL;
    if (h->tx_tail)
        h->tx_tail->next = f;
    else
        h->tx_head = f;
    h->tx_tail = f;
    h->tx_count++;
    h->tx_frames++;
    trace_add_frame(&h->wire_trace, TRACE_TX, f->data, f->len, now);
}

#define SPARE_FRAMES 64

struct frame *host_frame_get(struct host *h)
{
    struct frame *f = h->spare;
    if (!f)
        return malloc(sizeof *f);
    h->spare = f->next;
    h->nspare--;
    return f;
}

void host_frame_put(struct host *h, struct frame *f)
{
    if (h->nspare >= SPARE_FRAMES) {
        free(f);
        return;
    }
    f->next = h->spare;
    h->spare = f;
    h->nspare++;
}

struct frame *host_tx_pop(struct host *h)
{
    struct frame *f = h->tx_head;
    if (!f)
        return NULL;
    h->tx_head = f->next;
    if (!h->tx_head)
        h->tx_tail = NULL;
    h->tx_count--;
    f->next = NULL;
    return f;
}

void host_input(struct host *h, const uint8_t *frame, size_t len, tl_time now)
{
    struct eth_hdr eh;
    h->rx_frames++;
    trace_add_frame(&h->wire_trace, TRACE_RX, frame, len, now);
    enum drop_reason r = eth_parse(frame, len, &eh);
    if (r != DROP_NONE) {
        host_drop(h, r, frame, len, now);
        return;
    }
    if (memcmp(eh.dst, h->cfg.mac, ETH_ALEN) != 0 &&
        memcmp(eh.dst, eth_broadcast, ETH_ALEN) != 0) {
        host_drop(h, DROP_ETH_NOT_FOR_US, frame, len, now);
        return;
    }
    switch (eh.type) {
    case ETHERTYPE_ARP:
        arp_input(h, frame, len, now);
        break;
    case ETHERTYPE_IPV4:
        ip_input(h, frame, len, now);
        break;
    default:
        host_drop(h, DROP_ETH_UNKNOWN_TYPE, frame, len, now);
        break;
    }
    sock_reap(h);
}

void host_poll(struct host *h, tl_time now)
{
    struct frame *lo = h->loopback;
    h->loopback = NULL;
    while (lo) {
        struct frame *n = lo->next;
        host_input(h, lo->data, lo->len, now);
        host_frame_put(h, lo);
        lo = n;
    }
    arp_poll(h, now);
    for (struct sock *s = h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP)
            tcp_timers(h, s, now);
    sock_reap(h);
}

tl_time host_next_deadline(const struct host *h)
{
    if (h->loopback)
        return 0;
    tl_time t = arp_next_deadline(h);
    for (const struct sock *s = h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP)
            t = tl_min(t, tcp_next_deadline(s));
    return t;
}

void host_force_iss(struct host *h, uint32_t iss)
{
    h->iss_forced = true;
    h->iss_next = iss;
}
