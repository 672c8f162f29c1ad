/* The socket API of tcplab's stack: the calls of the lab, with Linux's
 * errno results returned as negative numbers (-ECONNREFUSED, -EAGAIN ...).
 *
 * Nothing blocks.  connect() returns -EINPROGRESS and the caller watches
 * sock_connect_done(); accept() and recv() return -EAGAIN until something
 * arrives.  The shell builds the lab's blocking behaviour on top. */
#ifndef TCPLAB_API_H
#define TCPLAB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/sock.h"

enum { SHUTDOWN_RD = 0, SHUTDOWN_WR = 1, SHUTDOWN_RDWR = 2 };

enum sockopt {
    SOCKOPT_REUSEADDR,   /* SO_REUSEADDR (0/1) */
    SOCKOPT_LINGER0,     /* SO_LINGER {1, 0}: close() sends RST (0/1) */
    SOCKOPT_SNDBUF,      /* SO_SNDBUF, bytes */
    SOCKOPT_RCVBUF,      /* SO_RCVBUF, bytes */
    SOCKOPT_NODELAY,     /* TCP_NODELAY: no Nagle (0/1) */
    SOCKOPT_QUICKACK,    /* TCP_QUICKACK: 1 ACK every segment at once, 0 Linux's delayed ACK (default) */
    SOCKOPT_RTO_MIN,     /* the RTO's lower bound, ms (200; Linux sets it per route) */
    SOCKOPT_CONGESTION,  /* TCP_CONGESTION: enum tcp_cc (reno, cubic) */
    SOCKOPT_ERROR,       /* SO_ERROR (get only): the pending error, cleared by reading it */
    SOCKOPT_STATE,       /* TCP_INFO tcpi_state (get only): Linux's number of the state */
};

int sock_socket(struct host *h, enum sock_type type);
int sock_bind(struct host *h, int fd, uint32_t addr, uint16_t port);
int sock_listen(struct host *h, int fd, int backlog, tl_time now);
int sock_connect(struct host *h, int fd, uint32_t addr, uint16_t port, tl_time now);
/* New descriptor, or -EAGAIN; peer address through addr/port if not NULL. */
int sock_accept(struct host *h, int fd, uint32_t *addr, uint16_t *port, tl_time now);
/* Bytes taken (maybe fewer than len), or -errno. */
long sock_send(struct host *h, int fd, const void *buf, size_t len, tl_time now);
long sock_sendto(struct host *h, int fd, const void *buf, size_t len, uint32_t addr,
                 uint16_t port, tl_time now);
/* Bytes read, 0 at the end of the stream, or -errno (-EAGAIN: nothing yet). */
long sock_recv(struct host *h, int fd, void *buf, size_t len, tl_time now);
long sock_recvfrom(struct host *h, int fd, void *buf, size_t len, uint32_t *addr,
                   uint16_t *port, tl_time now);
int sock_shutdown(struct host *h, int fd, int how, tl_time now);
int sock_close(struct host *h, int fd, tl_time now);
/* RFC 9293 ABORT: RST to the peer, the connection gone at once. */
int sock_abort(struct host *h, int fd, tl_time now);
int sock_setsockopt(struct host *h, int fd, enum sockopt opt, int value);
int sock_getsockopt(struct host *h, int fd, enum sockopt opt, int *value);

/* O_NONBLOCK, set with fcntl(F_SETFL): the API itself never blocks; the
 * flag tells a caller that builds blocking calls on top (the shell, the
 * packetdrill runner) to return -EAGAIN / -EINPROGRESS instead. */
int sock_set_nonblock(struct host *h, int fd, bool on);
/* 1 if non-blocking, 0 if not, or -EBADF. */
int sock_get_nonblock(struct host *h, int fd);
/* Readiness as Linux's tcp_poll() reports it, in <poll.h>'s bits (POLLIN,
 * POLLOUT, POLLERR, POLLHUP, POLLRDHUP, POLLRDNORM, POLLWRNORM); POLLNVAL
 * for a descriptor that is not open. */
int sock_poll(struct host *h, int fd);

/* TCP_INFO's tcpi_state for a state: Linux's numbers (include/net/tcp_states.h). */
int tcp_state_linux(enum tcp_state st);

/* The socket behind a descriptor, or NULL. */
struct sock *sock_by_fd(struct host *h, int fd);
const struct sock *sock_by_id(const struct host *h, int id);

/* Readiness, for the shell's blocking calls. */
/* connect finished: true, and *err 0 (connected) or a positive errno. */
bool sock_connect_done(struct host *h, int fd, int *err);
bool sock_can_accept(struct host *h, int fd);
bool sock_can_recv(struct host *h, int fd);
bool sock_can_send(struct host *h, int fd);

/* Queue sizes as ss shows them (Recv-Q, Send-Q). */
size_t sock_recv_queue(const struct sock *s);
size_t sock_send_queue(const struct sock *s);

/* UDP internals used by the API (udp.c). */
long udp_sendto(struct host *h, struct sock *s, const void *buf, size_t len, uint32_t dst,
                uint16_t dport, tl_time now);
long udp_recvfrom(struct sock *s, void *buf, size_t len, uint32_t *src, uint16_t *sport);
void udp_flush(struct sock *s);

#endif
