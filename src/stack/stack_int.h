/* Internal interfaces between the stack's layers (not for the shell). */
#ifndef TCPLAB_STACK_INT_H
#define TCPLAB_STACK_INT_H

#include "stack/host.h"
#include "wire/ipv4.h"

/* arp.c */
void arp_input(struct host *h, const uint8_t *frame, size_t len, tl_time now);
/* Send an IPv4 packet (complete, in f->data after the Ethernet header) to
 * next hop `ip`: at once if its MAC is known, else after ARP resolves. */
void arp_output(struct host *h, uint32_t ip, struct frame *f, tl_time now);
void arp_poll(struct host *h, tl_time now);
tl_time arp_next_deadline(const struct host *h);
void arp_flush(struct host *h);

/* ip.c */
void ip_input(struct host *h, const uint8_t *frame, size_t len, tl_time now);
/* Build an IPv4 packet around l4 (len bytes) and send it.  0 or -errno. */
int ip_output(struct host *h, uint32_t dst, uint8_t proto, uint8_t tos, bool df,
              const uint8_t *l4, size_t len, tl_time now);

/* icmp.c */
void icmp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
                const uint8_t *frame, size_t flen, tl_time now);
/* Destination unreachable quoting the offending IP packet (RFC 792/1812). */
void icmp_send_unreach(struct host *h, uint8_t code, const uint8_t *ip_pkt, size_t ip_len,
                       tl_time now);

/* udp.c */
void udp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
               const uint8_t *frame, size_t flen, tl_time now);
void udp_port_unreachable(struct host *h, uint32_t raddr, uint16_t rport, uint16_t lport);

/* tcp_in.c, tcp_out.c, tcp_timer.c */
void tcp_input(struct host *h, const struct ipv4_hdr *ip, const uint8_t *p, size_t len,
               const uint8_t *frame, size_t flen, tl_time now);
void tcp_timers(struct host *h, struct sock *s, tl_time now);
tl_time tcp_next_deadline(const struct sock *s);

/* sock.c */
struct sock *sock_alloc(struct host *h, enum sock_type type);
void sock_release(struct host *h, struct sock *s);   /* unlink and free */
void sock_reap(struct host *h);                       /* free dead sockets */
void sock_mark_dead(struct host *h, struct sock *s);  /* for the reaper */
void sock_set_port(struct host *h, struct sock *s, uint16_t port);   /* bind, counted */
void sock_unset_port(struct host *h, struct sock *s);
int sock_fd_alloc(struct host *h, struct sock *s);    /* lowest free descriptor, or -errno */
void sock_fd_free(struct host *h, int fd);
/* After every TCP state change: listeners by port, connections by 4-tuple. */
void sock_rehash(struct host *h, struct sock *s);
/* The connection (lport, raddr, rport), else the listener on lport, or NULL. */
struct sock *sock_find_tcp(struct host *h, uint16_t lport, uint32_t raddr, uint16_t rport);
bool sock_port_in_use(const struct host *h, enum sock_type type, uint16_t port,
                      const struct sock *except, bool reuse);
int sock_pick_ephemeral(struct host *h, enum sock_type type, uint16_t *port);

#endif
