/* One read-only interface to a lab host, for the views and the shell's
 * report, whoever plays the host: tcplab's stack (hostview_stack.c, over
 * struct host) or the Linux kernel in tap mode (hostview_kernel.c, over
 * struct khost, rtnetlink and the segments seen on the TAP).  As world_ops
 * (link/world.h) is for time and frames, this is for what is read: the
 * sockets, their state transitions with causes, the TCB, the neighbour
 * table and the interface.  Nothing here changes the host. */
#ifndef TCPLAB_HOSTVIEW_H
#define TCPLAB_HOSTVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "link/kernel.h"
#include "stack/host.h"
#include "stack/tcp_fsm.h"
#include "stack/tcp.h"
#include "views/view_kernel.h"
#include "views/view_util.h"
#include "views/views.h"

/* One socket, as every listing sees it. */
struct hv_sock {
    int id;                    /* the host's id for it, never reused */
    int fd;                    /* its descriptor, or -1 */
    int parent_fd;             /* waiting in a listener's queue: the listener's fd, else -1 */
    bool ours;                 /* opened or accepted from the shell (else another program's) */
    bool udp;
    bool passive;              /* a connection opened from LISTEN */
    enum tcp_state state;      /* UDP: ESTABLISHED once connected, else CLOSED */
    size_t rq, sq;             /* Recv-Q, Send-Q as ss shows them */
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    unsigned long long dev;    /* lsof's DEVICE: the socket id, or the kernel's inode */
    const char *note;          /* ss's Process column when there is no fd, or NULL */
    /* ss -o: its TCP timer as Linux's ss shows it, the time left and the
     * count (the stack's as at the view's `now`, the kernel's as its last
     * inet_diag dump gave it); VU_TIMER_OFF for none */
    enum vu_timer timer;
    tl_time timer_left;
    unsigned timer_count;
};

/* One change of state, as tcp_set_state() (or the kernel watcher) saw it. */
struct hv_trans {
    tl_time t;
    int sock_id;
    enum tcp_state old_state, new_state;
    enum tcp_cause cause;      /* what made it (tcp_cause_name: "rcv SYN,ACK") */
    /* the endpoints at the time, when the host records them (the kernel) */
    bool has_ends, ours;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
};

/* What a socket's TCB view compares with, to mark the values a call
 * changed: the stack's real TCB, or the kernel's visible part. */
struct hv_tcbsnap {
    int sock_id;
    struct tcb tcb;            /* tcplab's stack */
    size_t sndq, rcvq;
    struct view_kprev k;       /* the kernel */
};

/* Which sockets, in which order. */
enum hv_list {
    HV_SS,                     /* what ss lists, oldest first */
    HV_FDS,                    /* those with a descriptor, by descriptor (lsof) */
    HV_TCB,                    /* what `tcb` without a socket shows */
    HV_REPORT,                 /* those whose TCB a report shows once it changes */
    HV_ALL,                    /* every socket (snapshots) */
};

/* Neighbour states, as `ip neigh` names them (linux/neighbour.h NUD_*). */
#define HV_NUD(X) X(INCOMPLETE, 0x01) X(REACHABLE, 0x02) X(STALE, 0x04) X(DELAY, 0x08) \
                  X(PROBE, 0x10) X(FAILED, 0x20) X(NOARP, 0x40) X(PERMANENT, 0x80)
enum hv_nud {
#define HV_NUD_ENUM(name, bit) HV_NUD_##name = bit,
    HV_NUD(HV_NUD_ENUM)
#undef HV_NUD_ENUM
};

/* One neighbour (ARP) entry. */
struct hv_neigh {
    uint32_t ip;
    bool has_mac;
    uint8_t mac[6];
    unsigned state;            /* HV_NUD bits */
    /* tcplab's stack says more: when the entry expires, and for an
     * unanswered request the frames waiting and the requests sent */
    bool has_timer;
    tl_time left;
    int queued, tries;
};

/* The host's one interface.  The stack counts frames only. */
struct hv_iface {
    char name[16];
    unsigned flags;            /* IFF_* */
    unsigned mtu;
    uint8_t mac[6];
    bool has_addr, has_bcast;
    uint32_t addr, mask, bcast;
    bool has_bytes;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

struct hostview;
typedef void (*hv_sock_fn)(void *ctx, const struct hv_sock *s);

struct hostview_ops {
    /* Bring what is read up to date (the kernel: observe its sockets). */
    void (*refresh)(struct hostview *v, tl_time now);
    void (*each_sock)(const struct hostview *v, enum hv_list which, hv_sock_fn fn, void *ctx);
    bool (*sock_by_fd)(const struct hostview *v, int fd, struct hv_sock *out);
    bool (*sock_by_id)(const struct hostview *v, int id, struct hv_sock *out);
    /* State transitions: ids first..last, each found or not (gone from
     * the ring, or an event of another kind); cap: how many the ring keeps. */
    uint64_t (*trans_first)(const struct hostview *v);
    uint64_t (*trans_last)(const struct hostview *v);
    bool (*trans_get)(const struct hostview *v, uint64_t id, struct hv_trans *out);
    size_t (*trans_cap)(const struct hostview *v);
    /* The TCB: a snapshot, whether two differ, and the view itself (values
     * differing from prev, if not NULL, marked). */
    bool (*tcb_snap)(const struct hostview *v, int sock_id, struct hv_tcbsnap *out);
    bool (*tcb_differs)(const struct hv_tcbsnap *a, const struct hv_tcbsnap *b);
    void (*tcb)(const struct hostview *v, FILE *out, const struct view_style *st, int sock_id,
                const char *name, const struct hv_tcbsnap *prev, tl_time now);
    /* What `tcb` says when it has no socket to show (a format: the host's
     * name, then its peer's). */
    const char *no_socks;
    /* The neighbour table (at most max entries; how many, or -errno) and
     * the interface (0 or -errno). */
    int (*neigh)(const struct hostview *v, struct hv_neigh *out, size_t max, tl_time now);
    int (*iface)(const struct hostview *v, struct hv_iface *out);
};

struct hostview {
    const struct hostview_ops *ops;
    int index;                 /* the host's index in the world (names are per host) */
    const char *name;          /* "romeo" */
    const char *peer;          /* the other host's name */
    struct host *stack;        /* hostview_stack */
    struct khost *kernel;      /* hostview_kernel */
    const char *ifname;        /* its interface: "eth0", or the TAP */
    tl_time now;               /* when last brought up to date (hv_refresh): the
                                * stack's timers are read as at this time */
};

/* A view of tcplab's stack host h, or of the kernel host k behind link. */
void hostview_stack(struct hostview *v, struct host *h, int index, const char *peer);
void hostview_kernel(struct hostview *v, struct khost *k, int index, const char *peer,
                     const char *link);

/* The shell's name for descriptor fd of the host, or NULL. */
const char *hv_name(const struct view_style *st, const struct hostview *v, int fd);
/* The name of one neighbour state ("REACHABLE"); several bits: the first. */
const char *hv_nud_name(unsigned state);

static inline void hv_refresh(struct hostview *v, tl_time now)
{
    v->now = now;
    if (v->ops->refresh)
        v->ops->refresh(v, now);
}

/* The views over a hostview (view_diagram.c, view_net.c, view_ss.c). */
void view_hv_diagram(FILE *out, const struct view_style *st, const struct hostview *v,
                     const struct hv_sock *s);
/* arp and ifconfig: 0, or a negative errno when the host could not be read. */
int view_hv_arp(FILE *out, const struct view_style *st, const struct hostview *v, tl_time now);
int view_hv_ifconfig(FILE *out, const struct view_style *st, const struct hostview *v);
/* ss and lsof over several hosts, in one table; ss -o (view_hv_ss_timers)
 * adds each TCP socket's timer. */
void view_hv_ss(FILE *out, const struct view_style *st, const struct hostview *const *v, int n);
void view_hv_ss_timers(FILE *out, const struct view_style *st, const struct hostview *const *v,
                       int n);
void view_hv_lsof(FILE *out, const struct view_style *st, const struct hostview *const *v, int n);

#endif
