/* TCP timers: retransmission (RFC 9293 §3.8.1, backoff as RFC 6298 (5.5)),
 * TIME-WAIT (2*MSL, §3.10.7.4) and Linux's orphaned FIN-WAIT-2 timeout. */
#include <errno.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "wire/seq.h"

#define RTO_MAX         (120 * TL_SEC)     /* Linux TCP_RTO_MAX */
#define SYNACK_RETRIES  5                  /* Linux tcp_synack_retries */

void tcp_arm_rto(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->snd_nxt == t->snd_una) {
        t->rto_at = TL_NEVER;
        return;
    }
    if (t->rto_at == TL_NEVER)
        t->rto_at = now + t->rto;
}

tl_time tcp_next_deadline(const struct sock *s)
{
    const struct tcb *t = &s->tcb;
    return tl_min(t->rto_at, tl_min(t->tw_at, t->fw2_at));
}

/* Send again the first unacknowledged segment. */
static void retransmit(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    uint8_t buf[ETH_MTU];
    t->retrans_segs++;
    switch (t->state) {
    case TCP_SYN_SENT:
        tcp_send_segment(h, s, t->iss, TH_SYN, NULL, 0, now);
        return;
    case TCP_SYN_RECEIVED:
        tcp_send_segment(h, s, t->iss, TH_SYN | TH_ACK, NULL, 0, now);
        return;
    default:
        break;
    }
    size_t inflight = (t->fin_sent ? t->fin_seq : t->snd_nxt) - t->snd_una;
    size_t n = inflight < t->snd_mss ? inflight : t->snd_mss;
    uint8_t flags = TH_ACK;
    if (n > 0 && n == inflight)
        flags |= TH_PSH;
    if (t->fin_sent && n == inflight)
        flags |= TH_FIN;
    bytering_peek(&s->sndq, 0, buf, n);
    tcp_send_segment(h, s, t->snd_una, flags, buf, n, now);
}

void tcp_timers(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->tw_at <= now) {
        tcp_set_state(h, s, TCP_CLOSED, "2MSL timeout", now);
        return;
    }
    if (t->fw2_at <= now) {
        tcp_set_state(h, s, TCP_CLOSED, "FIN_WAIT_2 timeout", now);
        return;
    }
    if (t->rto_at > now)
        return;
    int limit = t->state == TCP_SYN_SENT ? h->cfg.syn_retries
              : t->state == TCP_SYN_RECEIVED ? SYNACK_RETRIES : h->cfg.data_retries;
    if (t->retries >= limit) {
        t->rto_at = TL_NEVER;
        tcp_drop_conn(h, s, ETIMEDOUT, "retransmission timeout", now);
        return;
    }
    t->retries++;
    t->rto = t->rto * 2 > RTO_MAX ? RTO_MAX : t->rto * 2;
    retransmit(h, s, now);
    t->rto_at = now + t->rto;
}
