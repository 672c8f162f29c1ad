/* The host view over tcplab's own stack (struct host): the sockets and
 * their real TCBs, the transitions tcp_set_state() recorded in the host's
 * trace, the ARP cache and the counters of its one interface. */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "views/hostview.h"

#define IFNAME "eth0"          /* each host has one Ethernet interface; Linux would call it eth0 */
#define IF_MTU 1500

/* A socket of the stack as at `now` (its timer's time left). */
static struct hv_sock sock_row(const struct sock *s, tl_time now)
{
    bool udp = s->type == SOCKT_UDP;
    struct hv_sock x = {
        .id = s->id, .fd = s->fd,
        .parent_fd = s->parent && s->parent->fd >= 0 ? s->parent->fd : -1,
        .ours = true, .udp = udp, .passive = s->tcb.passive,
        .state = udp ? (s->connected ? TCP_ESTABLISHED : TCP_CLOSED) : s->tcb.state,
        .rq = sock_recv_queue(s), .sq = udp ? 0 : sock_send_queue(s),
        .laddr = s->laddr, .raddr = s->raddr, .lport = s->lport, .rport = s->rport,
        .dev = (unsigned long long)s->id,
    };
    if (!udp)
        x.timer = vu_tcb_timer(&s->tcb, now, &x.timer_left, &x.timer_count);
    return x;
}

static int by_id(const void *a, const void *b)
{
    const struct sock *x = *(const struct sock *const *)a, *y = *(const struct sock *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The sockets ss would list, oldest first (socket ids only grow): skip
 * those about to be freed and the TCP ones with neither a descriptor nor a
 * connection. */
static void each_ss(const struct host *h, tl_time now, hv_sock_fn fn, void *ctx)
{
    size_t cap = 0, n = 0;
    for (const struct sock *s = h->socks; s; s = s->next)
        cap++;
    const struct sock **v = calloc(cap ? cap : 1, sizeof *v);
    if (!v)
        return;
    for (const struct sock *s = h->socks; s; s = s->next) {
        if (s->dead)
            continue;
        if (s->type == SOCKT_TCP && s->tcb.state == TCP_CLOSED && s->fd < 0)
            continue;
        v[n++] = s;
    }
    qsort(v, n, sizeof *v, by_id);
    for (size_t i = 0; i < n; i++) {
        struct hv_sock x = sock_row(v[i], now);
        fn(ctx, &x);
    }
    free(v);
}

static bool listed(const struct sock *s, enum hv_list which)
{
    switch (which) {
    case HV_TCB:
        return s->fd >= 0 || s->tcb.state != TCP_CLOSED;
    case HV_REPORT:
        return s->type == SOCKT_TCP && s->tcb.state != TCP_CLOSED;
    default:
        return true;
    }
}

static void st_each_sock(const struct hostview *v, enum hv_list which, hv_sock_fn fn, void *ctx)
{
    const struct host *h = v->stack;
    if (which == HV_SS) {
        each_ss(h, v->now, fn, ctx);
        return;
    }
    if (which == HV_FDS) {
        for (int fd = 0; fd < h->fds_cap; fd++)
            if (h->fds[fd]) {
                struct hv_sock x = sock_row(h->fds[fd], v->now);
                fn(ctx, &x);
            }
        return;
    }
    for (const struct sock *s = h->socks; s; s = s->next)
        if (listed(s, which)) {
            struct hv_sock x = sock_row(s, v->now);
            fn(ctx, &x);
        }
}

static bool st_sock_by_fd(const struct hostview *v, int fd, struct hv_sock *out)
{
    const struct sock *s = sock_by_fd(v->stack, fd);
    if (s)
        *out = sock_row(s, v->now);
    return s != NULL;
}

static bool st_sock_by_id(const struct hostview *v, int id, struct hv_sock *out)
{
    const struct sock *s = sock_by_id(v->stack, id);
    if (s)
        *out = sock_row(s, v->now);
    return s != NULL;
}

static uint64_t st_trans_first(const struct hostview *v)
{
    return trace_first_id(&v->stack->trace);
}

static uint64_t st_trans_last(const struct hostview *v)
{
    return trace_last_id(&v->stack->trace);
}

static bool st_trans_get(const struct hostview *v, uint64_t id, struct hv_trans *out)
{
    const struct trace_ev *e = trace_get(&v->stack->trace, id);
    if (!e || e->kind != TRACE_STATE)
        return false;
    *out = (struct hv_trans){
        .t = e->t, .sock_id = e->sock_id, .old_state = e->old_state,
        .new_state = e->new_state, .cause = e->cause, .ours = true,
    };
    return true;
}

static size_t st_trans_cap(const struct hostview *v)
{
    return v->stack->trace.cap;
}

static bool st_tcb_snap(const struct hostview *v, int id, struct hv_tcbsnap *out)
{
    const struct sock *s = sock_by_id(v->stack, id);
    if (!s)
        return false;
    out->sock_id = id;
    out->tcb = s->tcb;
    out->sndq = s->sndq.len;
    out->rcvq = s->rcvq.len;
    return true;
}

static bool st_tcb_differs(const struct hv_tcbsnap *a, const struct hv_tcbsnap *b)
{
    const struct tcb *x = &a->tcb, *y = &b->tcb;
    return x->state != y->state || x->snd_una != y->snd_una || x->snd_nxt != y->snd_nxt ||
           x->snd_wnd != y->snd_wnd || x->snd_up != y->snd_up || x->snd_wl1 != y->snd_wl1 ||
           x->snd_wl2 != y->snd_wl2 || x->iss != y->iss || x->rcv_nxt != y->rcv_nxt ||
           x->rcv_wnd != y->rcv_wnd || x->rcv_up != y->rcv_up || x->irs != y->irs ||
           a->sndq != b->sndq || a->rcvq != b->rcvq;
}

static void st_tcb(const struct hostview *v, FILE *out, const struct view_style *st, int id,
                   const char *name, const struct hv_tcbsnap *prev, tl_time now)
{
    const struct sock *s = sock_by_id(v->stack, id);
    if (s)
        view_tcb(out, st, v->stack, s, prev ? &prev->tcb : NULL, now);
}

/* REACHABLE entries are used until they expire (cfg.arp_ttl); an
 * INCOMPLETE entry is a request sent and unanswered, with the frames that
 * wait for the answer (RFC 826; RFC 1122 §2.3.2.2 asks to keep at least one). */
static int st_neigh(const struct hostview *v, struct hv_neigh *out, size_t max, tl_time now)
{
    size_t n = 0;
    for (int i = 0; i < ARP_CACHE_SIZE && n < max; i++) {
        const struct arp_entry *e = &v->stack->arp[i];
        if (!e->used)
            continue;
        struct hv_neigh *x = &out[n++];
        *x = (struct hv_neigh){.ip = e->ip, .has_timer = true, .left = e->expires - now,
                               .queued = e->nwaiting, .tries = e->tries};
        if (e->resolved) {
            x->has_mac = true;
            memcpy(x->mac, e->mac, 6);
            x->state = e->expires > now ? HV_NUD_REACHABLE : HV_NUD_STALE;
        } else {
            x->state = HV_NUD_INCOMPLETE;
        }
    }
    return (int)n;
}

/* Drops before the frame left the host are transmit drops; the rest were
 * received and thrown away by some layer. */
static bool drop_is_tx(enum drop_reason r)
{
    return r == DROP_ARP_QUEUE_FULL || r == DROP_ARP_UNRESOLVED;
}

/* UP|BROADCAST|RUNNING: no multicast here.  The stack counts frames, not bytes. */
static int st_iface(const struct hostview *v, struct hv_iface *out)
{
    const struct host *h = v->stack;
    unsigned p = h->cfg.prefix_len;
    uint32_t m = p == 0 ? 0 : p >= 32 ? 0xffffffffu : 0xffffffffu << (32 - p);
    *out = (struct hv_iface){
        .name = IFNAME, .flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING, .mtu = IF_MTU,
        .has_addr = true, .has_bcast = true, .addr = h->cfg.addr, .mask = m,
        .bcast = (h->cfg.addr & m) | ~m, .rx_packets = h->rx_frames, .tx_packets = h->tx_frames,
    };
    memcpy(out->mac, h->cfg.mac, 6);
    for (int r = DROP_NONE + 1; r < DROP__COUNT; r++) {
        if (drop_is_tx((enum drop_reason)r))
            out->tx_dropped += h->drops[r];
        else
            out->rx_dropped += h->drops[r];
    }
    return 0;
}

static const struct hostview_ops stack_ops = {
    .each_sock = st_each_sock,
    .sock_by_fd = st_sock_by_fd,
    .sock_by_id = st_sock_by_id,
    .trans_first = st_trans_first,
    .trans_last = st_trans_last,
    .trans_get = st_trans_get,
    .trans_cap = st_trans_cap,
    .tcb_snap = st_tcb_snap,
    .tcb_differs = st_tcb_differs,
    .tcb = st_tcb,
    .no_socks = "%s has no sockets\n",
    .neigh = st_neigh,
    .iface = st_iface,
};

void hostview_stack(struct hostview *v, struct host *h, int index, const char *peer)
{
    *v = (struct hostview){.ops = &stack_ops, .index = index, .name = h->cfg.name,
                           .peer = peer, .stack = h, .ifname = IFNAME};
}

const char *hv_name(const struct view_style *st, const struct hostview *v, int fd)
{
    if (!st || fd < 0)
        return NULL;
    const char *n = NULL;
    if (st->name_at && v->index >= 0)
        n = st->name_at(st->name_ctx, v->index, fd);
    else if (st->name_of && v->stack)
        n = st->name_of(st->name_ctx, v->stack, fd);
    return n && *n ? n : NULL;
}

const char *hv_nud_name(unsigned state)
{
#define HV_NUD_NAME(name, bit) if (state & (bit)) return #name;
    HV_NUD(HV_NUD_NAME)
#undef HV_NUD_NAME
    return "NONE";
}
