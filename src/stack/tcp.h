/* TCP inside the stack (RFC 9293): the calls the socket layer makes, and
 * what input, output, acknowledgements, reassembly and timers share. */
#ifndef TCPLAB_TCP_H
#define TCPLAB_TCP_H

#include "stack/host.h"
#include "stack/sock.h"
#include "stack/tcp_fsm.h"
#include "wire/seq.h"
#include "wire/tcp.h"

#define TCP_RTO_MAX         (120 * TL_SEC)  /* Linux TCP_RTO_MAX; RFC 6298 (2.5) allows >= 60 s */
#define TCP_RTO_FALLBACK    (3 * TL_SEC)    /* RFC 6298 (5.7) */
#define TCP_RTT_GRANULARITY (1 * TL_MS)     /* G of RFC 6298 (2.2) */
#define TCP_SYNACK_RETRIES  5               /* Linux tcp_synack_retries */
#define TCP_DUPTHRESH       3               /* RFC 5681 §3.2, RFC 6675 DupThresh */
#define TCP_WSCALE_MAX      14              /* RFC 7323 §2.3 */
#define TCP_TS_LEN          12              /* nop, nop, timestamps: on every segment once agreed */
#define TCP_MAX_QUICKACKS   16              /* Linux: quick ACKs at a start or after disorder */
#define TCP_DELACK_MAX      (200 * TL_MS)   /* Linux TCP_DELACK_MAX */
#define TCP_PAWS_IDLE       (24LL * 24 * 3600 * TL_SEC)   /* RFC 7323 §5.5 */

/* Every transition goes through here: it records old state, new state,
 * cause and time in the host's trace.  Debug builds (without NDEBUG)
 * abort on a transition that is no edge of the state table (tcp_fsm.h). */
void tcp_set_state(struct host *h, struct sock *s, enum tcp_state st, enum tcp_cause cause,
                   tl_time now);

/* User calls (RFC 9293 §3.10.1 - §3.10.6), tcp_user.c */
int tcp_open_active(struct host *h, struct sock *s, tl_time now);
void tcp_close(struct host *h, struct sock *s, tl_time now);   /* FIN after the data */
void tcp_abort(struct host *h, struct sock *s, int err, enum tcp_cause cause, tl_time now);
/* The connection is gone: error for the user, state CLOSED. */
void tcp_drop_conn(struct host *h, struct sock *s, int err, enum tcp_cause cause, tl_time now);
/* The user read from the receive queue: maybe announce the larger window. */
void tcp_rcv_consumed(struct host *h, struct sock *s, tl_time now);
/* ARP gave up on ip: connections still opening fail with EHOSTUNREACH. */
void tcp_host_unreachable(struct host *h, uint32_t ip, tl_time now);
uint32_t tcp_new_iss(struct host *h, uint32_t laddr, uint16_t lport, uint32_t raddr,
                     uint16_t rport, tl_time now);
/* A keyed hash of the connection's addresses (RFC 6528 style), `domain`
 * keeping its uses apart: timestamp offsets, SYN cookies. */
uint32_t tcp_conn_hash(const struct host *h, uint32_t domain, uint32_t laddr, uint16_t lport,
                       uint32_t raddr, uint16_t rport, uint32_t extra);

/* Options and the TCB's start, tcp_opt.c */
/* The TCB fields every new connection starts with (RTO, cwnd, options off). */
void tcp_tcb_init(struct host *h, struct sock *s);
/* Our side of the options, for a SYN we send first. */
void tcp_syn_options_offer(struct host *h, struct sock *s);
/* The peer's SYN (or SYN,ACK) arrived: what both sides agree on (RFC 7323
 * §1.3, RFC 2018 §2, RFC 9293 §3.7.1). */
void tcp_syn_options_take(struct host *h, struct sock *s, const struct tcp_seg *g, bool synack);
/* Our window shift for a connection of s (RFC 7323 §2.3). */
uint8_t tcp_wscale_for(const struct sock *s);
/* Options for an outgoing segment (flags decide which). */
void tcp_options_for(const struct sock *s, uint8_t flags, size_t datalen, struct tcp_opts *o,
                     tl_time now);
uint32_t tcp_ts_clock(const struct tcb *t, tl_time now);
/* RFC 7323 §5.3 R1: false if the segment fails PAWS. */
bool tcp_paws_ok(struct tcb *t, const struct tcp_seg *g, tl_time now);
/* RFC 7323 §4.3 (2): remember the peer's timestamp. */
void tcp_ts_update(struct tcb *t, const struct tcp_seg *g, tl_time now);
/* The initial window, RFC 6928 (one segment after a lost SYN, RFC 5681 §3.1). */
uint32_t tcp_initial_window(const struct tcb *t);

/* Output, tcp_out.c */
/* Send what the window, cwnd, Nagle and the queues allow; an ACK if owed. */
void tcp_output(struct host *h, struct sock *s, tl_time now);
/* One segment from the TCB: <SEQ=seq><ACK=RCV.NXT if flags has ACK>. */
void tcp_send_segment(struct host *h, struct sock *s, uint32_t seq, uint8_t flags,
                      const uint8_t *data, size_t len, tl_time now);
/* Send (or send again) up to maxlen of what lies at seq: SYN, data, FIN.
 * Returns the sequence space it took, 0 if nothing. */
uint32_t tcp_send_at(struct host *h, struct sock *s, uint32_t seq, uint32_t maxlen, bool retrans,
                     tl_time now);
/* The first segment neither acknowledged nor SACKed, again (or the SYN). */
uint32_t tcp_retransmit_head(struct host *h, struct sock *s, tl_time now);
/* A segment built by the caller, sent from src to dst. */
void tcp_send_raw(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *seg,
                  tl_time now);
/* An RST with no TCB (RFC 9293 §3.10.7.1), in reply to seg. */
void tcp_send_reset_for(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *seg,
                        tl_time now);
void tcp_send_ack(struct host *h, struct sock *s, tl_time now);
/* RFC 5961 §7: a challenge ACK, unless this second's quota is spent. */
bool tcp_challenge_ack(struct host *h, struct sock *s, tl_time now);
/* The window we would announce now (bytes, scaled and SWS-avoided). */
uint32_t tcp_select_window(const struct sock *s);
/* The window segments are checked against: what we announced, or more
 * if the buffer has room for it. */
uint32_t tcp_rcv_window(const struct sock *s);
/* The zero-window probe (RFC 9293 §3.8.6.1): one octet beyond the window. */
void tcp_send_probe(struct host *h, struct sock *s, tl_time now);

/* Sequence space of the send queue */
static inline uint32_t tcp_data_start(const struct tcb *t)
{
    return seq_gt(t->snd_una, t->iss) ? t->snd_una : t->iss + 1;
}
static inline uint32_t tcp_data_end(const struct sock *s)
{
    return s->tcb.fin_queued ? s->tcb.fin_seq : tcp_data_start(&s->tcb) + (uint32_t)s->sndq.len;
}

/* Acknowledgements, tcp_ack.c: RFC 6298 RTT, loss recovery */
/* The fifth check's work on an acceptable ACK: RTT, congestion window,
 * loss recovery, the send queue, the send window. */
void tcp_ack_received(struct host *h, struct sock *s, const struct tcp_seg *g, tl_time now);
/* SND.WND from a segment (§3.10.7.4; scaled by RFC 7323 except in a SYN). */
void tcp_update_window(struct tcb *t, const struct tcp_seg *g);
/* The handshake's ACK of our SYN arrived (RTT sample, RFC 6298 (5.7)). */
void tcp_ack_of_syn(struct host *h, struct sock *s, tl_time now);
/* RFC 6298 (2.2), (2.3): one RTT measurement. */
void tcp_rtt_sample(struct sock *s, tl_time r);
/* The retransmission timer expired (RFC 5681 §3.1 eq. 4, RFC 6298 (5.4)-(5.6)):
 * the loss state, everything not SACKed marked lost. */
void tcp_on_rto(struct host *h, struct sock *s, tl_time now);
/* Loss detection marked segments lost outside an ACK (the RACK timer):
 * fast recovery begins if it has not. flight: RecoverFS, 0 for SND.NXT - SND.UNA. */
void tcp_loss_found(struct host *h, struct sock *s, uint32_t flight, tl_time now);

/* The retransmission queue, tcp_rtx.c */
/* What one ACK delivered, for RACK and F-RTO. */
struct tcp_delivery {
    uint32_t segs;             /* segments newly acknowledged or SACKed */
    bool orig;                 /* ... some of them never retransmitted */
    bool dsack;                /* the ACK carried a DSACK (RFC 2883) */
    uint32_t dsack_left, dsack_right;
    uint32_t prior_fack;       /* RACK.fack before this ACK (cumulative ACKs compare with it) */
};
struct tcp_txseg *tcp_rtx_at(const struct sock *s, uint32_t i);
/* New data [seq, end) went out (anything recorded beyond seq is dropped). */
void tcp_rtx_append(struct sock *s, uint32_t seq, uint32_t end, tl_time now);
/* [seq, end) went out again. */
void tcp_rtx_retransmitted(struct sock *s, uint32_t seq, uint32_t end, tl_time now);
/* SND.UNA moved: drop what it covers. */
void tcp_rtx_ack(struct sock *s, const struct tcp_seg *g, tl_time now, struct tcp_delivery *d);
/* Take an ACK's SACK blocks; returns the bytes newly SACKed. */
uint32_t tcp_rtx_sack(struct sock *s, const struct tcp_seg *g, tl_time now, struct tcp_delivery *d);
/* Change a record's flags, keeping the TCB's counts. */
void tcp_rtx_set(struct sock *s, struct tcp_txseg *x, uint8_t flags);
/* A timeout: everything not SACKed is lost. */
void tcp_rtx_mark_all_lost(struct host *h, struct sock *s, tl_time now);
/* An undo: nothing is lost after all. */
void tcp_rtx_unmark_lost(struct sock *s);
/* The first segment marked lost and not yet resent, or NULL. */
const struct tcp_txseg *tcp_rtx_next_lost(const struct sock *s);
void tcp_rtx_clear(struct sock *s);
void tcp_rtx_free(struct sock *s);
/* RFC 6675 SetPipe(): bytes in the network. */
uint32_t tcp_pipe(const struct tcb *t);

/* RACK-TLP, tcp_rack.c (RFC 8985) */
/* A segment sent at x->xmit was delivered (acknowledged or SACKed). */
void tcp_rack_advance(struct sock *s, const struct tcp_txseg *x, const struct tcp_seg *g,
                      uint32_t fack, tl_time now);
/* Mark what RACK finds lost; returns how many, arms the RACK timer. */
uint32_t tcp_rack_detect(struct host *h, struct sock *s, tl_time now);
void tcp_rack_timeout(struct host *h, struct sock *s, tl_time now);
void tcp_rack_dsack(struct tcb *t);
void tcp_rack_recovered(struct tcb *t);
/* After output: arm the probe timeout if a probe may go and it is not
 * armed (sending new data or an ACK stops it), else stop it. */
void tcp_tlp_update(struct host *h, struct sock *s, tl_time now);
void tcp_tlp_timeout(struct host *h, struct sock *s, tl_time now);
/* What an ACK says of an outstanding probe (RFC 8985 §7.4). */
void tcp_tlp_ack(struct host *h, struct sock *s, const struct tcp_seg *g,
                 const struct tcp_delivery *d, tl_time now);
/* A segment [seq, end) was declared lost by `by`: counted and traced. */
void tcp_loss_note(struct host *h, struct sock *s, uint32_t seq, uint32_t end, enum loss_by by,
                   tl_time now);

/* PRR, tcp_prr.c (RFC 6937) */
void tcp_prr_init(struct tcb *t, uint32_t flight);
/* An ACK in fast recovery delivered `delivered` bytes: cwnd = pipe + sndcnt. */
void tcp_prr_ack(struct tcb *t, uint32_t delivered);

/* Congestion control, tcp_cc.c and tcp_cubic.c */
#define TCP_CUBIC_C    0.4             /* RFC 9438 §5.1 */
#define TCP_CUBIC_BETA 0.7             /* RFC 9438 §4.6 beta_cubic */
void tcp_cc_reset(struct tcb *t);
/* A congestion event: the new ssthresh (CUBIC also sets W_max). */
uint32_t tcp_cc_ssthresh(struct tcb *t, tl_time now);
/* New data acknowledged outside recovery: slow start or avoidance. */
void tcp_cc_ack(struct tcb *t, uint32_t acked, uint32_t prior_flight, tl_time now);
uint32_t tcp_cubic_ssthresh(struct tcb *t);
void tcp_cubic_avoid(struct tcb *t, uint32_t acked, tl_time now);
/* RFC 9438 eq. (1): W_cubic(t), t in seconds from the epoch's start. */
double tcp_cubic_w(const struct tcb *t, double secs);

/* Reassembly, tcp_ofo.c (RFC 9293 §3.10.7.4 seventh check, RFC 2018) */
/* Hold [seq, seq+len) (and a FIN after it) for later; -1 if the queue is full. */
int tcp_ofo_insert(struct host *h, struct sock *s, uint32_t seq, const uint8_t *data,
                   uint32_t len, bool fin);
/* Move what has become in order into the receive queue; true if the FIN
 * is now next. */
bool tcp_ofo_drain(struct sock *s, bool *moved);
void tcp_ofo_free(struct sock *s);
/* SACK blocks for an ACK (RFC 2018 §4: the newest first), from o->sack[at];
 * returns how many. */
int tcp_ofo_sack_blocks(const struct sock *s, struct tcp_opts *o, int max, int at);

/* Timers, tcp_timer.c */
void tcp_timers_update(struct host *h, struct sock *s, tl_time now);
void tcp_arm_rto(struct host *h, struct sock *s, tl_time now);

/* SYN cookies, tcp_syncookie.c (RFC 4987 §3.6) */
/* What a valid cookie brings back of the SYN it answered. */
struct syncookie {
    uint16_t mss;
    bool wscale_ok, sack_ok, ts_ok;
    uint8_t wscale;
};
/* Answer a SYN to a full listener statelessly. */
void tcp_syncookie_send(struct host *h, struct sock *l, uint32_t src, uint32_t dst,
                        const struct tcp_seg *g, tl_time now);
/* An ACK to a listener with no embryo: true if it returns a valid cookie. */
bool tcp_syncookie_check(struct host *h, const struct sock *l, uint32_t src, uint32_t dst,
                         const struct tcp_seg *g, tl_time now, struct syncookie *out);

#endif
