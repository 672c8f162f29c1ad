/* Watching the kernel host's TCP states from outside.  The sockets the
 * shell holds answer TCP_INFO; the rest (closed ones finishing in FIN-WAIT
 * or TIME-WAIT, connections not yet accepted, other programs' connections
 * with tcplab's stack) show in the sock_diag dump.  Each change becomes an
 * event of the host's trace, put down to the call that made it or to the
 * last segment of the connection, as the stack's tcp_set_state() does; an
 * end in CLOSED is put down to what the state table (stack/tcp_fsm.h)
 * allows for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/kernel_int.h"

void ktrace_add(struct khost *k, tl_time now, const struct ksock *s, int vfd,
                enum tcp_state old_state, enum tcp_state new_state, enum tcp_cause cause)
{
    struct ktrace_ev *e = &k->trace[k->next_ev % KTRACE_CAP];
    memset(e, 0, sizeof *e);
    e->id = k->next_ev++;
    e->t = now;
    e->sock_id = s->id;
    e->vfd = vfd;
    e->old_state = old_state;
    e->new_state = new_state;
    e->cause = cause;
    e->ours = s->ours;
    e->laddr = s->laddr;
    e->lport = s->lport;
    e->raddr = s->raddr;
    e->rport = s->rport;
}

const struct ktrace_ev *khost_trace_get(const struct khost *k, uint64_t id)
{
    if (id == 0 || id >= k->next_ev || id < khost_trace_first(k))
        return NULL;
    return &k->trace[id % KTRACE_CAP];
}

uint64_t khost_trace_first(const struct khost *k)
{
    return k->next_ev > KTRACE_CAP ? k->next_ev - KTRACE_CAP : 1;
}

static bool same_conn(const struct ksock *s, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
    return s->laddr == la && s->lport == lp && s->raddr == ra && s->rport == rp;
}

struct ksock *ks_find_conn(struct khost *k, uint64_t cookie, uint32_t laddr, uint16_t lport,
                           uint32_t raddr, uint16_t rport)
{
    for (struct ksock *s = k->socks; s; s = s->next)
        if (s->fd < 0 && cookie && s->cookie == cookie)
            return s;
    for (struct ksock *s = k->socks; s; s = s->next)
        if (s->fd < 0 && s->state != TCP_LISTEN && same_conn(s, laddr, lport, raddr, rport))
            return s;
    return NULL;
}

/* Why a watched socket changed state, when no call of ours did it: the
 * last segment of its connection, or, for an end in CLOSED that no segment
 * of the state table's edges explains (TIME-WAIT's 2MSL, a retransmission
 * timeout), the edge's timer. */
static enum tcp_cause wire_cause(const struct khost *k, const struct ksock *s,
                                 enum tcp_state old, enum tcp_state now)
{
    const struct kwire_conn *c = kwire_find(&k->wire, s->laddr, s->lport, s->raddr, s->rport);
    enum tcp_cause last = !c ? TCP_CAUSE_SEEN : c->last_was_in ? c->last_in : c->last_out;
    if (now != TCP_CLOSED)
        return last;
    if (c && c->rst)
        return c->last_was_in ? TCP_CAUSE_RCV_RST : TCP_CAUSE_SND_RST;
    if (c && tcp_fsm_find(old, now, last, c->k_passive))
        return last;                           /* LAST-ACK: rcv ACK of FIN */
    enum tcp_cause timer = tcp_fsm_timer_cause(old, now);
    return timer != TCP_CAUSE_NONE ? timer : last;
}

static struct ksock *listener_on(struct khost *k, uint16_t port)
{
    for (struct ksock *s = k->socks; s; s = s->next)
        if (s->fd >= 0 && s->state == TCP_LISTEN && s->lport == port)
            return s;
    return NULL;
}

static void take_diag(struct ksock *s, const struct kdiag *e)
{
    s->cookie = e->cookie;
    s->seen = true;
    if (s->fd >= 0) {
        s->info.timer = e->info.timer;
        s->info.timer_ms = e->info.timer_ms;
        return;
    }
    s->obs = e->state;
    s->laddr = e->laddr;
    s->lport = e->lport;
    s->raddr = e->raddr;
    s->rport = e->rport;
    s->recv_q = e->rqueue;
    s->send_q = e->wqueue;
    s->info = e->info;
}

/* A connection with tcplab's stack that nobody here holds: a connection
 * waiting to be accepted, or another program's (the lab's python3). */
static void adopt(struct khost *k, const struct kdiag *e)
{
    if (e->state == TCP_LISTEN || e->state == TCP_CLOSED || e->raddr != k->peer ||
        e->laddr != k->addr)
        return;
    struct ksock *s = ks_add(k);
    if (!s)
        return;
    struct ksock *l = listener_on(k, e->lport);
    /* A connection opened by a SYN from the peer was born in LISTEN, as
     * RFC 9293's diagram draws it; one the kernel opened, in CLOSED. */
    const struct kwire_conn *c = kwire_find(&k->wire, e->laddr, e->lport, e->raddr, e->rport);
    bool passive = l || e->state == TCP_SYN_RECEIVED || (c && c->k_passive);
    s->state = passive ? TCP_LISTEN : TCP_CLOSED;
    s->parent_vfd = l ? l->vfd : -1;
    take_diag(s, e);
}

size_t kobserve(struct khost *k, tl_time now, struct ksock *who, enum tcp_cause cause)
{
    k->now = now;
    k->last_obs = now;
    for (struct ksock *s = k->socks; s; s = s->next) {
        s->seen = false;
        s->obs = s->state;
        if (s->fd >= 0) {
            enum tcp_state old = s->state;     /* ks_refresh reads the new one */
            ks_refresh(s);
            s->obs = s->state;
            s->state = old;
            s->seen = true;
        }
    }
    struct kdiag *d = NULL;
    size_t n = 0;
    bool dumped = kdiag_dump(k->diagfd, &d, &n) == 0;
    for (size_t i = 0; i < n; i++) {
        const struct kdiag *e = &d[i];
        struct ksock *s = NULL;
        for (struct ksock *o = k->socks; o && !s; o = o->next)
            if (o->cookie && o->cookie == e->cookie)
                s = o;
        if (!s && e->state != TCP_LISTEN)
            for (struct ksock *o = k->socks; o && !s; o = o->next)
                if (o->fd < 0 && !o->seen && o->state != TCP_LISTEN &&
                    same_conn(o, e->laddr, e->lport, e->raddr, e->rport))
                    s = o;
        if (s)
            take_diag(s, e);
        else
            adopt(k, e);
    }
    if (dumped) {
        free(k->dump);
        k->dump = d;
        k->ndump = n;
    } else {
        free(d);
    }
    size_t changes = 0;
    for (struct ksock *s = k->socks, *next; s; s = next) {
        next = s->next;
        if (s->fd < 0 && !s->seen)
            s->obs = dumped ? TCP_CLOSED : s->state;
        if (s->obs != s->state) {
            enum tcp_cause why = s == who && cause != TCP_CAUSE_NONE
                                     ? cause : wire_cause(k, s, s->state, s->obs);
            ktrace_add(k, now, s, s->vfd, s->state, s->obs, why);
            s->state = s->obs;
            changes++;
        }
        if (s->fd < 0 && s->state == TCP_CLOSED)
            ks_remove(k, s);
    }
    k->watch_soon = false;
    for (const struct ksock *s = k->socks; s; s = s->next)
        if (s->state != TCP_ESTABLISHED && s->state != TCP_LISTEN && s->state != TCP_CLOSED &&
            s->state != TCP_CLOSE_WAIT)
            k->watch_soon = true;
    return changes;
}

size_t khost_observe(struct khost *k, tl_time now)
{
    return kobserve(k, now, NULL, TCP_CAUSE_NONE);
}

tl_time khost_next_deadline(const struct khost *k)
{
    return k->watch_soon ? k->last_obs + TL_SEC : TL_NEVER;
}
