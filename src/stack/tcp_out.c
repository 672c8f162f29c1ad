/* TCP output: segments built from the TCB and handed to IPv4.  Decides
 * what may be sent now: data within the peer's window, our FIN once the
 * data is out, an ACK when one is owed (RFC 9293 §3.8.6, §3.10). */
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "wire/seq.h"

uint32_t tcp_rcv_window(const struct sock *s)
{
    size_t free_space = bytering_space(&s->rcvq);
    return free_space > 0xffff ? 0xffff : (uint32_t)free_space;   /* no window scaling yet */
}

static void send_raw(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *seg,
                     tl_time now)
{
    uint8_t buf[ETH_MTU];
    size_t n = tcp_build(buf, sizeof buf - IPV4_HLEN, src, dst, seg);
    if (n)
        ip_output(h, dst, IP_PROTO_TCP, 0, true, buf, n, now);
}

void tcp_send_segment(struct host *h, struct sock *s, uint32_t seq, uint8_t flags,
                      const uint8_t *data, size_t len, tl_time now)
{
    struct tcb *t = &s->tcb;
    struct tcp_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.sport = s->lport;
    seg.dport = s->rport;
    seg.seq = seq;
    seg.flags = flags;
    seg.data = data;
    seg.len = len;
    if (flags & TH_ACK)
        seg.ack = t->rcv_nxt;
    if (flags & TH_SYN) {
        seg.opt.has_mss = true;        /* RFC 9293 §3.7.1: MSS in every SYN */
        seg.opt.mss = t->rcv_mss;
    }
    if (flags & TH_RST) {
        seg.wnd = 0;
    } else {
        t->rcv_wnd = tcp_rcv_window(s);
        t->rcv_adv = t->rcv_nxt + t->rcv_wnd;
        seg.wnd = (uint16_t)t->rcv_wnd;
    }
    if (flags & TH_ACK)
        t->ack_now = false;
    send_raw(h, s->laddr ? s->laddr : h->cfg.addr, s->raddr, &seg, now);
}

void tcp_send_ack(struct host *h, struct sock *s, tl_time now)
{
    tcp_send_segment(h, s, s->tcb.snd_nxt, TH_ACK, NULL, 0, now);
}

/* RFC 9293 §3.10.7.1: a segment for no connection.  Never answer an RST;
 * otherwise <SEQ=SEG.ACK><CTL=RST> if it had ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
void tcp_send_reset_for(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *in,
                        tl_time now)
{
    if (in->flags & TH_RST)
        return;
    struct tcp_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.sport = in->dport;
    seg.dport = in->sport;
    if (in->flags & TH_ACK) {
        seg.seq = in->ack;
        seg.flags = TH_RST;
    } else {
        seg.seq = 0;
        seg.ack = in->seq + tcp_seg_len(in);
        seg.flags = TH_RST | TH_ACK;
    }
    send_raw(h, dst, src, &seg, now);
}

/* Bytes of the send queue already sent (SND.NXT - SND.UNA, less the FIN). */
static size_t bytes_sent(const struct tcb *t)
{
    uint32_t end = t->fin_sent ? t->fin_seq : t->snd_nxt;
    return end - t->snd_una;
}

void tcp_output(struct host *h, struct sock *s, tl_time now)
{
    struct tcb *t = &s->tcb;
    uint8_t buf[ETH_MTU];
    switch (t->state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        break;
    default:
        if (t->ack_now && tcp_state_synchronized(t->state))
            tcp_send_ack(h, s, now);
        return;
    }
    while (!t->fin_sent) {
        size_t sent = bytes_sent(t);
        size_t unsent = s->sndq.len - sent;
        int32_t room = (int32_t)(t->snd_una + t->snd_wnd - t->snd_nxt);
        size_t n = unsent;
        if (n > t->snd_mss)
            n = t->snd_mss;
        if (room < 0)
            room = 0;
        if (n > (size_t)room)
            n = (size_t)room;
        bool fin = t->fin_queued && n == unsent;
        if (n == 0 && !fin)
            break;
        uint8_t flags = TH_ACK;
        if (n > 0 && n == unsent)
            flags |= TH_PSH;           /* the end of what the user gave us */
        if (fin)
            flags |= TH_FIN;
        bytering_peek(&s->sndq, sent, buf, n);
        tcp_send_segment(h, s, t->snd_nxt, flags, buf, n, now);
        t->snd_nxt += (uint32_t)n;
        if (fin) {
            t->fin_sent = true;
            t->fin_seq = t->snd_nxt;
            t->snd_nxt++;
        }
    }
    if (t->ack_now)
        tcp_send_ack(h, s, now);
    tcp_arm_rto(h, s, now);
}
