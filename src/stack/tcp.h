/* TCP inside the stack (RFC 9293): the calls the socket layer makes, and
 * what input, output and timers share. */
#ifndef TCPLAB_TCP_H
#define TCPLAB_TCP_H

#include "stack/host.h"
#include "stack/sock.h"
#include "wire/tcp.h"

/* Every transition goes through here: it records old state, new state,
 * cause and time in the host's trace. */
void tcp_set_state(struct host *h, struct sock *s, enum tcp_state st, const char *cause,
                   tl_time now);

/* User calls (RFC 9293 §3.10.1 - §3.10.6), tcp_user.c */
int tcp_open_active(struct host *h, struct sock *s, tl_time now);
void tcp_close(struct host *h, struct sock *s, tl_time now);   /* FIN after the data */
void tcp_abort(struct host *h, struct sock *s, int err, const char *cause, tl_time now);
/* The connection is gone: error for the user, state CLOSED. */
void tcp_drop_conn(struct host *h, struct sock *s, int err, const char *cause, tl_time now);
/* The user read from the receive queue: maybe announce the larger window. */
void tcp_rcv_consumed(struct host *h, struct sock *s, tl_time now);
/* ARP gave up on ip: connections still opening fail with EHOSTUNREACH. */
void tcp_host_unreachable(struct host *h, uint32_t ip, tl_time now);

/* Output, tcp_out.c */
/* Send what the window, the queues and the flags allow; an ACK if owed. */
void tcp_output(struct host *h, struct sock *s, tl_time now);
/* One segment from the TCB: <SEQ=seq><ACK=RCV.NXT if flags has ACK>. */
void tcp_send_segment(struct host *h, struct sock *s, uint32_t seq, uint8_t flags,
                      const uint8_t *data, size_t len, tl_time now);
/* An RST with no TCB (RFC 9293 §3.10.7.1), in reply to seg. */
void tcp_send_reset_for(struct host *h, uint32_t src, uint32_t dst, const struct tcp_seg *seg,
                        tl_time now);
void tcp_send_ack(struct host *h, struct sock *s, tl_time now);
/* The window we announce: free receive-buffer space. */
uint32_t tcp_rcv_window(const struct sock *s);
uint32_t tcp_new_iss(struct host *h, uint32_t laddr, uint16_t lport, uint32_t raddr,
                     uint16_t rport, tl_time now);
void tcp_arm_rto(struct host *h, struct sock *s, tl_time now);

#endif
