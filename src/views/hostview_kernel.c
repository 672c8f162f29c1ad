/* The host view over the Linux kernel in tap mode (struct khost): the
 * sockets tcplab watches and other programs' sockets on the kernel host's
 * address, the transitions observed from outside (each put down to a call
 * or to the last segment of its connection), the TCB as far as it can be
 * seen (TCP_INFO, and the sequence variables inferred from the segments on
 * the TAP, labelled so by view_ktcb), and the neighbour table and
 * interface read from the kernel over rtnetlink (link/kernel_rtnl.c). */
#include <errno.h>
#include <string.h>

#include "link/kernel_rtnl.h"
#include "stack/api.h"
#include "views/hostview.h"

#define KNEIGH_MAX 64

/* inet_diag's timer of a kernel socket as ss -o shows it: the count is
 * the consecutive retransmissions for the retransmission timer, the
 * probes sent for the others. */
static void kernel_timer(struct hv_sock *x, const struct kinfo *i)
{
    x->timer = i->timer > 0 && i->timer < VU_TIMER__N ? (enum vu_timer)i->timer : VU_TIMER_OFF;
    x->timer_left = (tl_time)i->timer_ms * TL_MS;
    x->timer_count = i->timer == VU_TIMER_ON ? i->retransmits
                   : i->timer == VU_TIMER_TIMEWAIT ? 0 : i->probes;
}

static struct hv_sock ksock_row(const struct khost *k, const struct ksock *s)
{
    bool udp = s->type == SOCKT_UDP;
    const struct kwire_conn *c = kwire_find(&k->wire, s->laddr, s->lport, s->raddr, s->rport);
    struct hv_sock x = {
        .id = s->id, .fd = s->vfd,
        .parent_fd = !s->ours && s->parent_vfd >= 0 && khost_sock_by_fd(k, s->parent_vfd)
                         ? s->parent_vfd : -1,
        .ours = s->ours, .udp = udp,
        .passive = c ? c->k_passive : s->parent_vfd >= 0,
        .state = udp ? (s->rport ? TCP_ESTABLISHED : TCP_CLOSED) : s->state,
        .rq = s->recv_q, .sq = s->send_q,
        .laddr = s->laddr, .raddr = s->raddr, .lport = s->lport, .rport = s->rport,
        .dev = (unsigned long long)s->inode,
        .note = s->ours ? NULL : "(another program)",
    };
    if (!udp)
        kernel_timer(&x, &s->info);
    return x;
}

static bool watched(const struct khost *k, uint64_t cookie)
{
    for (const struct ksock *s = k->socks; s; s = s->next)
        if (s->cookie == cookie)
            return true;
    return false;
}

/* ss: the watched sockets, then other programs' sockets on the kernel
 * host's address (the lab's python3 listening on it, say), from the last
 * diag dump. */
static void each_ss(const struct khost *k, hv_sock_fn fn, void *ctx)
{
    for (const struct ksock *s = k->socks; s; s = s->next) {
        if (s->type == SOCKT_TCP && s->state == TCP_CLOSED && s->fd < 0)
            continue;
        struct hv_sock x = ksock_row(k, s);
        fn(ctx, &x);
    }
    for (size_t i = 0; i < k->ndump; i++) {
        const struct kdiag *d = &k->dump[i];
        if (d->laddr != k->addr || watched(k, d->cookie) || d->state == TCP_CLOSED)
            continue;
        struct hv_sock x = {
            .id = -1, .fd = -1, .parent_fd = -1, .state = d->state, .rq = d->rqueue,
            .sq = d->wqueue, .laddr = d->laddr, .raddr = d->raddr, .lport = d->lport,
            .rport = d->rport, .dev = d->inode, .note = "(another program)",
        };
        kernel_timer(&x, &d->info);
        fn(ctx, &x);
    }
}

static void k_each_sock(const struct hostview *v, enum hv_list which, hv_sock_fn fn, void *ctx)
{
    const struct khost *k = v->kernel;
    if (which == HV_SS) {
        each_ss(k, fn, ctx);
        return;
    }
    if (which == HV_FDS) {
        for (int fd = 0; fd < KHOST_MAX_FD; fd++)
            if (k->vfds[fd]) {
                struct hv_sock x = ksock_row(k, k->vfds[fd]);
                fn(ctx, &x);
            }
        return;
    }
    for (const struct ksock *s = k->socks; s; s = s->next) {
        if (which == HV_REPORT &&
            (s->type != SOCKT_TCP || s->state == TCP_CLOSED || s->state == TCP_LISTEN))
            continue;
        struct hv_sock x = ksock_row(k, s);
        fn(ctx, &x);
    }
}

static void k_refresh(struct hostview *v, tl_time now)
{
    khost_observe(v->kernel, now);
}

static bool k_sock_by_fd(const struct hostview *v, int fd, struct hv_sock *out)
{
    const struct ksock *s = khost_sock_by_fd(v->kernel, fd);
    if (s)
        *out = ksock_row(v->kernel, s);
    return s != NULL;
}

static bool k_sock_by_id(const struct hostview *v, int id, struct hv_sock *out)
{
    const struct ksock *s = khost_sock_by_id(v->kernel, id);
    if (s)
        *out = ksock_row(v->kernel, s);
    return s != NULL;
}

static uint64_t k_trans_first(const struct hostview *v)
{
    return khost_trace_first(v->kernel);
}

static uint64_t k_trans_last(const struct hostview *v)
{
    return khost_trace_last(v->kernel);
}

static bool k_trans_get(const struct hostview *v, uint64_t id, struct hv_trans *out)
{
    const struct ktrace_ev *e = khost_trace_get(v->kernel, id);
    if (!e)
        return false;
    *out = (struct hv_trans){
        .t = e->t, .sock_id = e->sock_id, .old_state = e->old_state,
        .new_state = e->new_state, .cause = e->cause, .has_ends = true, .ours = e->ours,
        .laddr = e->laddr, .raddr = e->raddr, .lport = e->lport, .rport = e->rport,
    };
    return true;
}

static size_t k_trans_cap(const struct hostview *v)
{
    return KTRACE_CAP;
}

static bool k_tcb_snap(const struct hostview *v, int id, struct hv_tcbsnap *out)
{
    const struct ksock *s = khost_sock_by_id(v->kernel, id);
    if (!s)
        return false;
    memset(out, 0, sizeof *out);
    out->sock_id = id;
    struct view_kprev *p = &out->k;
    p->state = s->state;
    p->recv_q = s->recv_q;
    p->send_q = s->send_q;
    const struct kwire_conn *c = kwire_find(&v->kernel->wire, s->laddr, s->lport, s->raddr,
                                            s->rport);
    if (c) {
        p->has_wire = true;
        p->wire = *c;
        p->wire.last = 0;
    }
    return true;
}

static bool k_tcb_differs(const struct hv_tcbsnap *sa, const struct hv_tcbsnap *sb)
{
    const struct view_kprev *a = &sa->k, *b = &sb->k;
    if (a->state != b->state || a->recv_q != b->recv_q || a->send_q != b->send_q ||
        a->has_wire != b->has_wire)
        return true;
    if (!a->has_wire)
        return false;
    const struct kwire_conn *x = &a->wire, *y = &b->wire;
    return x->snd_una != y->snd_una || x->snd_nxt != y->snd_nxt || x->snd_wnd != y->snd_wnd ||
           x->rcv_nxt != y->rcv_nxt || x->rcv_wnd != y->rcv_wnd || x->iss != y->iss ||
           x->irs != y->irs;
}

static void k_tcb(const struct hostview *v, FILE *out, const struct view_style *st, int id,
                  const char *name, const struct hv_tcbsnap *prev, tl_time now)
{
    const struct ksock *s = khost_sock_by_id(v->kernel, id);
    if (s)
        view_ktcb(out, st, v->kernel, s, name, v->ifname, prev ? &prev->k : NULL);
}

static int k_neigh(const struct hostview *v, struct hv_neigh *out, size_t max, tl_time now)
{
    struct kneigh kn[KNEIGH_MAX];
    int n = krtnl_neigh(v->ifname, kn, max < KNEIGH_MAX ? max : KNEIGH_MAX);
    for (int i = 0; i < n; i++) {
        out[i] = (struct hv_neigh){.ip = kn[i].ip, .has_mac = kn[i].has_mac,
                                   .state = kn[i].state};
        memcpy(out[i].mac, kn[i].mac, 6);
    }
    return n;
}

static int k_iface(const struct hostview *v, struct hv_iface *out)
{
    struct klink l;
    int rc = krtnl_link(v->ifname, &l);
    if (rc < 0)
        return rc;
    uint32_t m = l.prefix_len == 0 ? 0 : l.prefix_len >= 32 ? 0xffffffffu
                                                             : 0xffffffffu << (32 - l.prefix_len);
    /* ifconfig shows the 16 bits of SIOCGIFFLAGS (not IFF_LOWER_UP and above) */
    *out = (struct hv_iface){
        .flags = l.flags & 0xffff, .mtu = l.mtu, .has_addr = l.has_addr, .has_bcast = l.has_bcast,
        .addr = l.addr, .mask = m, .bcast = l.bcast, .has_bytes = l.has_stats,
        .rx_packets = l.rx_packets, .tx_packets = l.tx_packets, .rx_bytes = l.rx_bytes,
        .tx_bytes = l.tx_bytes, .rx_errors = l.rx_errors, .tx_errors = l.tx_errors,
        .rx_dropped = l.rx_dropped, .tx_dropped = l.tx_dropped,
    };
    memcpy(out->name, l.name, sizeof out->name);
    memcpy(out->mac, l.mac, 6);
    return 0;
}

static const struct hostview_ops kernel_ops = {
    .refresh = k_refresh,
    .each_sock = k_each_sock,
    .sock_by_fd = k_sock_by_fd,
    .sock_by_id = k_sock_by_id,
    .trans_first = k_trans_first,
    .trans_last = k_trans_last,
    .trans_get = k_trans_get,
    .trans_cap = k_trans_cap,
    .tcb_snap = k_tcb_snap,
    .tcb_differs = k_tcb_differs,
    .tcb = k_tcb,
    .no_socks = "%s has no sockets tcplab watches (the shell's, and connections with %s's "
                "stack)\n",
    .neigh = k_neigh,
    .iface = k_iface,
};

void hostview_kernel(struct hostview *v, struct khost *k, int index, const char *peer,
                     const char *link)
{
    *v = (struct hostview){.ops = &kernel_ops, .index = index, .name = k->name, .peer = peer,
                           .kernel = k, .ifname = link};
}
