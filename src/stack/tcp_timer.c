/* TCP timers: retransmission (RFC 6298 (5.1)-(5.7), RFC 9293 §3.8.1),
 * persist (zero-window probes, §3.8.6.1, and the SWS override timeout of
 * §3.8.6.2.1), delayed ACK (§3.8.6.3), TIME-WAIT (2*MSL, §3.10.7.4) and
 * Linux's orphaned FIN-WAIT-2 timeout.  The fields are the TCB's
 * (sock.h, one X-macro list); tcp_timers_update() starts and stops the
 * retransmission and persist timers after every output. */
#include <errno.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

static tl_time persist_interval(const struct tcb *t)
{
    tl_time d = t->rto;
    for (int i = 0; i < t->persist_shift && d < TCP_RTO_MAX; i++)
        d *= 2;                                /* RFC 9293 SHLD-30: exponential */
    return d > TCP_RTO_MAX ? TCP_RTO_MAX : d;
}

void tcp_arm_rto(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->snd_nxt == t->snd_una) {
        t->rto_at = TL_NEVER;                  /* (5.2) all acknowledged */
        return;
    }
    if (t->rto_at == TL_NEVER)
        t->rto_at = now + t->rto;              /* (5.1) */
}

void tcp_timers_update(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->state == TCP_TIME_WAIT || t->state == TCP_CLOSED || t->state == TCP_LISTEN)
        return;
    bool idle = t->snd_nxt == t->snd_una;
    if (t->persist_at != TL_NEVER) {
        if (t->snd_wnd == 0 || (t->wnd_blocked && idle))
            return;                            /* still probing */
        t->persist_at = TL_NEVER;              /* the window opened */
        t->persist_shift = 0;
    }
    if (!idle) {
        tcp_arm_rto(h, s, now);
        tcp_tlp_update(h, s, now);
        return;
    }
    t->rto_at = TL_NEVER;
    t->rack_at = TL_NEVER;
    t->tlp_at = TL_NEVER;
    if (t->wnd_blocked) {
        /* Nothing in flight, data held back by the window: the persist
         * timer, first after one RTO (SHLD-29). */
        t->persist_shift = 0;
        t->persist_at = now + persist_interval(t);
    }
}

tl_time tcp_next_deadline(const struct sock *s)
{
    const struct tcb *t = &s->tcb;
    tl_time d = TL_NEVER;
    for (int i = 0; i < TCPT__COUNT; i++)
        d = tl_min(d, t->timer[i]);
    return d;
}

static void retransmit_timeout(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    int limit = t->state == TCP_SYN_SENT ? h->cfg.syn_retries
              : t->state == TCP_SYN_RECEIVED ? TCP_SYNACK_RETRIES : h->cfg.data_retries;
    if (t->retries >= limit) {
        t->rto_at = TL_NEVER;
        tcp_drop_conn(h, s, ETIMEDOUT, TCP_CAUSE_TIMEOUT_RETRANS, now);
        return;
    }
    tcp_on_rto(h, s, now);
    t->retries++;
    /* (5.4) the earliest unacknowledged segment, (5.5) back off, (5.6) restart. */
    tcp_retransmit_head(h, s, now);
    t->rto = t->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : t->rto * 2;
    t->rto_at = now + t->rto;
}

static void persist_timeout(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->retries >= h->cfg.data_retries) {
        /* Probes went unanswered that many times: the peer is gone. */
        t->persist_at = TL_NEVER;
        tcp_drop_conn(h, s, ETIMEDOUT, TCP_CAUSE_TIMEOUT_PROBES, now);
        return;
    }
    t->retries++;
    tcp_send_probe(h, s, now);
    if (t->persist_shift < 16)
        t->persist_shift++;
    t->persist_at = now + persist_interval(t);
    if (t->snd_wnd > 0 && t->snd_nxt != t->snd_una) {
        /* The override timeout sent data into an open window: back to
         * the retransmission timer. */
        t->persist_at = TL_NEVER;
        t->persist_shift = 0;
        tcp_arm_rto(h, s, now);
    }
}

void tcp_timers(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->tw_at <= now) {
        tcp_set_state(h, s, TCP_CLOSED, TCP_CAUSE_TIMEOUT_2MSL, now);
        return;
    }
    if (t->fw2_at <= now) {
        tcp_set_state(h, s, TCP_CLOSED, TCP_CAUSE_TIMEOUT_FIN_WAIT_2, now);
        return;
    }
    if (t->delack_at <= now) {
        t->delack_at = TL_NEVER;
        if (tcp_state_synchronized(t->state))
            tcp_send_ack(h, s, now);
    }
    if (t->persist_at <= now) {
        persist_timeout(h, s, now);
        return;
    }
    if (t->rack_at <= now) {
        t->rack_at = TL_NEVER;
        tcp_rack_timeout(h, s, now);
        if (t->state == TCP_CLOSED)
            return;
    }
    if (t->tlp_at <= now) {
        t->tlp_at = TL_NEVER;
        tcp_tlp_timeout(h, s, now);
    }
    if (t->rto_at <= now) {
        t->rto_at = TL_NEVER;
        retransmit_timeout(h, s, now);
        if (t->state != TCP_CLOSED && tcp_state_synchronized(t->state))
            tcp_output(h, s, now);             /* more of what recovery calls lost, if cwnd allows */
    }
}
