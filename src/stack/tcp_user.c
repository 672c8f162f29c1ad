/* TCP user calls (RFC 9293 §3.10.1 - §3.10.6) and the one place every
 * state change goes through.  The socket layer (sock.c) calls in here. */
#include <errno.h>
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "util/sha256.h"
#include "wire/bytes.h"
#include "wire/seq.h"

void tcp_set_state(struct host *h, struct sock *s, enum tcp_state st, enum tcp_cause cause,
                   tl_time now)
{
    enum tcp_state old = s->tcb.state;
    if (old == st)
        return;
#ifndef NDEBUG
    tcp_fsm_check(old, st, cause, s->tcb.passive);     /* an edge of stack/tcp_fsm.c */
#endif
    struct trace_ev *e = trace_add(&h->trace, TRACE_STATE, now);
    e->sock_id = s->id;
    e->fd = s->fd;
    e->old_state = (uint8_t)old;
    e->new_state = (uint8_t)st;
    e->cause = cause;
    s->tcb.state = st;
    sock_rehash(h, s);
    if (st == TCP_ESTABLISHED)
        s->ever_connected = true;
    if (st == TCP_TIME_WAIT || st == TCP_CLOSED) {
        for (int i = 0; i < TCPT__COUNT; i++)
            s->tcb.timer[i] = TL_NEVER;
        tcp_ofo_free(s);
    }
    if (st == TCP_TIME_WAIT)
        s->tcb.tw_at = now + 2 * h->cfg.msl;
    if (st != TCP_CLOSED)
        return;
    s->tcb.tw_at = TL_NEVER;
    if (s->parent && old == TCP_SYN_RECEIVED) {
        /* An embryo leaving the SYN queue: back to LISTEN is its removal. */
        s->parent->syn_queued--;
        s->parent = NULL;
    }
    if (s->fd < 0 && !s->parent)
        sock_mark_dead(h, s);
}

/* F(localip, localport, remoteip, remoteport, secret) of RFC 6528 (here
 * SHA-256), `domain` and `extra` mixed in for the other uses. */
uint32_t tcp_conn_hash(const struct host *h, uint32_t domain, uint32_t laddr, uint16_t lport,
                       uint32_t raddr, uint16_t rport, uint32_t extra)
{
    uint8_t in[32 + 12 + 8], d[32];
    size_t n = 32 + 12;
    memcpy(in, h->iss_secret, 32);
    put_be32(in + 32, laddr);
    put_be16(in + 36, lport);
    put_be32(in + 38, raddr);
    put_be16(in + 42, rport);
    if (domain) {
        put_be32(in + 44, domain);
        put_be32(in + 48, extra);
        n += 8;
    }
    struct sha256 c;
    sha256_init(&c);
    sha256_update(&c, in, n);
    sha256_final(&c, d);
    return get_be32(d);
}

/* RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secret),
 * M a 4-microsecond clock, F a keyed hash (here SHA-256). */
uint32_t tcp_new_iss(struct host *h, uint32_t laddr, uint16_t lport, uint32_t raddr,
                     uint16_t rport, tl_time now)
{
    if (h->iss_forced) {
        h->iss_forced = false;
        return h->iss_next;
    }
    return (uint32_t)(now / 4) + tcp_conn_hash(h, 0, laddr, lport, raddr, rport, 0);
}

/* OPEN, active (RFC 9293 §3.10.1): choose the ISS, send <SYN>, SYN-SENT. */
int tcp_open_active(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    t->iss = tcp_new_iss(h, s->laddr, s->lport, s->raddr, s->rport, now);
    t->snd_una = t->iss;
    t->snd_nxt = t->iss;
    t->snd_up = t->iss;
    t->snd_wnd = 0;
    t->snd_wl1 = t->snd_wl2 = 0;
    t->rcv_nxt = t->irs = t->rcv_up = 0;
    t->passive = false;
    tcp_tcb_init(h, s);
    tcp_syn_options_offer(h, s);
    tcp_set_state(h, s, TCP_SYN_SENT, TCP_CAUSE_CONNECT, now);
    tcp_send_at(h, s, t->iss, 0, false, now);
    tcp_arm_rto(h, s, now);
    return 0;
}

/* CLOSE (RFC 9293 §3.10.4): queue a FIN behind the data; ESTABLISHED goes
 * to FIN-WAIT-1, CLOSE-WAIT to LAST-ACK; SYN-RECEIVED too to FIN-WAIT-1. */
void tcp_close(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (t->fin_queued)
        return;
    enum tcp_cause why = s->fd >= 0 && !s->shut_rd ? TCP_CAUSE_SHUTDOWN : TCP_CAUSE_CLOSE;
    switch (t->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        tcp_set_state(h, s, TCP_FIN_WAIT_1, why, now);
        break;
    case TCP_CLOSE_WAIT:
        tcp_set_state(h, s, TCP_LAST_ACK, why, now);
        break;
    default:
        return;
    }
    /* The FIN takes the sequence number after the last byte queued; from
     * SYN-RECEIVED it follows our unacknowledged SYN (§3.10.4). */
    t->fin_seq = tcp_data_start(t) + (uint32_t)s->sndq.len;
    t->fin_queued = true;
    tcp_output(h, s, now);
}

void tcp_drop_conn(struct host *h, struct sock *s, int err, enum tcp_cause cause, tl_time now)
{
    if (err)
        s->err = err;
    if (!s->user_bound && !s->ever_connected && s->fd >= 0) {
        /* A failed connect gives its ephemeral port back (Linux). */
        sock_unset_port(h, s);
        s->lport = 0;
    }
    tcp_set_state(h, s, TCP_CLOSED, cause, now);
}

/* ABORT (RFC 9293 §3.10.5): RST in the synchronized states and
 * SYN-RECEIVED; then CLOSED. */
void tcp_abort(struct host *h, struct sock *s, int err, enum tcp_cause cause, tl_time now)
{
    struct tcb *t = &s->tcb;
    switch (t->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        tcp_send_segment(h, s, t->snd_nxt, TH_RST | TH_ACK, NULL, 0, now);
        break;
    default:
        break;
    }
    bytering_drop(&s->sndq, s->sndq.len);
    bytering_drop(&s->rcvq, s->rcvq.len);
    tcp_drop_conn(h, s, err, cause, now);
}

/* The user took bytes from the receive queue.  Announce the window again
 * when it has at least doubled (Linux tcp_cleanup_rbuf), so a sender
 * stopped by a small or zero window learns it may go on. */
void tcp_rcv_consumed(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    if (!tcp_state_synchronized(t->state) || t->fin_rcvd)
        return;
    uint32_t open_now = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    uint32_t new_wnd = tcp_select_window(s);
    uint32_t step = t->rcv_mss < s->rcvq.limit / 2 ? t->rcv_mss : (uint32_t)s->rcvq.limit / 2;
    if (new_wnd > open_now && new_wnd >= 2 * open_now && new_wnd - open_now >= step)
        tcp_send_ack(h, s, now);
    else if (t->delack_at != TL_NEVER && t->ack_pushed && s->rcvq.len == 0)
        tcp_send_ack(h, s, now);               /* Linux's tcp_cleanup_rbuf(): a short segment read */
}

void tcp_host_unreachable(struct host *h, uint32_t ip, tl_time now)
{
    for (struct sock *s = h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP && s->raddr == ip &&
            (s->tcb.state == TCP_SYN_SENT || s->tcb.state == TCP_SYN_RECEIVED))
            tcp_drop_conn(h, s, EHOSTUNREACH, TCP_CAUSE_NO_ARP_REPLY, now);
}
