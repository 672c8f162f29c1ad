/* The Linux kernel as the other lab host (tap mode).
 *
 * kernel_sockapi serves the shell's calls for that host with real kernel
 * sockets, all non-blocking, numbered from 3 like a fresh process's.  The
 * kernel's state is then watched from outside: TCP_INFO of the sockets the
 * shell holds, and the sock_diag netlink dump (what `ss` reads) for those
 * it no longer holds and for other programs' connections with tcplab's
 * stack (the lab's python3, nc, curl).  Each change of state becomes an
 * event in the host's own trace, like the stack's.
 *
 * The sequence variables the kernel does not export are inferred from the
 * segments on the TAP (kernel_wire.c) and labelled as such in the views. */
#ifndef TCPLAB_KERNEL_H
#define TCPLAB_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/sockapi.h"
#include "stack/tcp_fsm.h"
#include "util/tltime.h"

#define KHOST_MAX_FD   256
#define KHOST_FD_FIRST 3
#define KTRACE_CAP     256
#define KWIRE_CONNS    64

/* What TCP_INFO (or the diag dump's copy of it) says. */
struct kinfo {
    bool valid;
    uint8_t retransmits, probes, backoff, options, snd_wscale, rcv_wscale;
    uint32_t rto, ato, snd_mss, rcv_mss;               /* µs, µs, bytes, bytes */
    uint32_t unacked, sacked, lost, retrans, total_retrans;
    uint32_t rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, pmtu, rcv_space;
    uint32_t snd_wnd;                                  /* 0 on kernels before 6.2 */
    uint64_t bytes_acked, bytes_received;
    uint32_t segs_out, segs_in;
    int timer;                                         /* diag: 0 none, 1 retransmit, ... */
    uint32_t timer_ms;                                 /* diag: time left */
};

/* The kernel's sequence variables as far as the segments on the TAP show
 * them.  "snd" is the kernel's sending side, "rcv" its receiving side. */
struct kwire_conn {
    bool used;
    uint32_t kaddr, paddr;                 /* the kernel's and the peer's (stack's) address */
    uint16_t kport, pport;
    bool k_syn, p_syn;                     /* each side's SYN seen */
    bool k_passive;                        /* the peer's SYN came first */
    uint32_t iss, irs;
    uint32_t snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, snd_up;
    uint32_t rcv_nxt, rcv_wnd, rcv_up;
    bool ack_sent;                         /* the kernel has acknowledged something */
    bool wl_set;                           /* SND.WND, SND.WL1, SND.WL2 taken from a segment */
    uint8_t k_wscale, p_wscale;            /* 0xff: not offered */
    bool k_fin, p_fin;
    uint32_t k_fin_seq, p_fin_seq;
    bool rst;
    bool last_was_in;                      /* the newest segment went to the kernel */
    enum tcp_cause last_in;                /* the last one it received, as a cause: rcv SYN,ACK */
    enum tcp_cause last_out;               /* the last one it sent that says why: snd FIN */
    tl_time last;
};

struct kwire {
    struct kwire_conn c[KWIRE_CONNS];
};

/* One socket of the kernel host that tcplab watches. */
struct ksock {
    struct ksock *next;
    int id;                    /* the shell's id for it (struct sockinfo.id): never reused */
    int vfd;                   /* the host's descriptor as the shell numbers it, or -1 */
    int fd;                    /* the real descriptor, or -1 (closed, or another program's) */
    uint64_t cookie;           /* the kernel's socket cookie, 0 if not known yet */
    uint64_t inode;            /* its inode (lsof's DEVICE), 0 if not known */
    bool ours;                 /* opened or accepted from the shell */
    int parent_vfd;            /* accepted from (or waiting on) this listener, or -1 */
    enum sock_type type;
    enum tcp_state state;
    enum tcp_state obs;        /* (during an observation: the state just seen) */
    bool seen;                 /* present in the last observation */
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    size_t recv_q, send_q;
    int backlog;
    bool connecting, conn_done; /* connect() issued; its outcome known */
    int conn_err;
    struct kinfo info;
};

/* A change of state of a kernel socket, as the stack's trace records one. */
struct ktrace_ev {
    uint64_t id;
    tl_time t;
    int sock_id;
    int vfd;                   /* descriptor at the time, or -1 */
    enum tcp_state old_state, new_state;
    enum tcp_cause cause;
    bool ours;                 /* the shell's socket (else another program's) */
    uint32_t laddr, raddr;     /* its endpoints then */
    uint16_t lport, rport;
};

struct khost {
    char name[16];
    uint32_t addr;             /* the kernel host's address (the TAP's) */
    uint32_t peer;             /* the stack host's address */
    int epfd;                  /* epoll over the shell's sockets: readable on any event */
    int diagfd;                /* NETLINK_SOCK_DIAG, or -1 */
    struct ksock *socks;       /* oldest first */
    struct ksock *vfds[KHOST_MAX_FD];
    int next_id;
    struct ktrace_ev trace[KTRACE_CAP];
    uint64_t next_ev;          /* id of the next event; ids start at 1 */
    struct kwire wire;
    struct kdiag *dump;        /* every TCP socket of the namespace, at the last observation */
    size_t ndump;
    tl_time now;               /* the world's clock at the last call or observation */
    tl_time last_obs;
    bool watch_soon;           /* a state that ends on a timer is being watched */
};

/* The sockapi of the kernel host (ctx: struct khost *). */
extern const struct sockapi kernel_sockapi;

/* addr: the kernel host's address; peer: tcplab's stack's. */
struct khost *khost_new(const char *name, uint32_t addr, uint32_t peer);
/* Closes every socket the shell opened. */
void khost_free(struct khost *k);
void khost_set_now(struct khost *k, tl_time now);

/* The descriptor that is readable when one of the shell's sockets has an
 * event (connection, data, end, error); khost_drain takes the events and
 * returns how many there were. */
int khost_pollfd(const struct khost *k);
size_t khost_drain(struct khost *k);

/* Look at the kernel's sockets and record every change of state, each put
 * down to the last segment of its connection.  Returns the changes. */
size_t khost_observe(struct khost *k, tl_time now);
/* When the next observation is due on its own (a socket in a state that
 * ends without any frame from us, such as TIME-WAIT), or TL_NEVER. */
tl_time khost_next_deadline(const struct khost *k);

const struct ksock *khost_sock_by_id(const struct khost *k, int id);
const struct ksock *khost_sock_by_fd(const struct khost *k, int vfd);
const struct ktrace_ev *khost_trace_get(const struct khost *k, uint64_t id);
static inline uint64_t khost_trace_last(const struct khost *k) { return k->next_ev - 1; }
uint64_t khost_trace_first(const struct khost *k);

/* kernel_wire.c: a frame on the TAP, from the kernel (from_kernel) or to
 * it.  Returns true if it may change a TCP state (SYN, FIN, RST, or an
 * ACK of the other side's SYN or FIN): worth an observation. */
bool kwire_frame(struct kwire *w, bool from_kernel, const uint8_t *frame, size_t len,
                 tl_time now, enum tcp_cause *cause);
/* The connection with this kernel-side and peer endpoint, or NULL. */
const struct kwire_conn *kwire_find(const struct kwire *w, uint32_t kaddr, uint16_t kport,
                                    uint32_t paddr, uint16_t pport);

/* kernel_diag.c: one socket of the sock_diag dump. */
struct kdiag {
    enum tcp_state state;
    bool syn_recv_req;         /* a request socket (half-open, in the SYN queue) */
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    uint64_t cookie;
    uint32_t inode;
    uint32_t rqueue, wqueue;
    struct kinfo info;
};
/* Every IPv4 TCP socket of this network namespace; *out is malloc'd. */
int kdiag_dump(int diagfd, struct kdiag **out, size_t *n);
int kdiag_open(void);
/* struct tcp_info (len bytes of it, as this kernel gives it) into *k. */
void kdiag_take_info(struct kinfo *k, const void *tcp_info, size_t len);
/* Linux's TCP_* state numbers (include/net/tcp_states.h) to RFC 9293's. */
enum tcp_state kdiag_state(int linux_state);

#endif
