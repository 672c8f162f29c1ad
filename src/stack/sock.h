/* Sockets and the Transmission Control Block.
 *
 * A struct sock outlives its file descriptor: after close() a TCP
 * connection goes on (FIN-WAIT, TIME-WAIT) as an orphan with fd == -1,
 * as on Linux, and is freed when it reaches CLOSED. */
#ifndef TCPLAB_SOCK_H
#define TCPLAB_SOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/tcp_state.h"
#include "util/bytering.h"
#include "util/tltime.h"

enum sock_type { SOCKT_TCP = 1, SOCKT_UDP = 2 };

/* RFC 9293 §3.3.1, names as in the RFC; our additions below them. */
struct tcb {
    enum tcp_state state;
    /* send sequence variables */
    uint32_t snd_una, snd_nxt, snd_wnd, snd_up, snd_wl1, snd_wl2, iss;
    /* receive sequence variables */
    uint32_t rcv_nxt, rcv_wnd, rcv_up, irs;

    /* additions */
    uint16_t snd_mss;          /* largest segment we send (peer's MSS option) */
    uint16_t rcv_mss;          /* MSS we announce */
    uint32_t max_snd_wnd;      /* largest window the peer offered (RFC 5961 §5.2) */
    uint32_t rcv_adv;          /* right edge of the window we last announced */
    bool fin_queued;           /* user closed the sending side: FIN follows the data */
    bool fin_sent;             /* our FIN occupies sequence number fin_seq */
    uint32_t fin_seq;
    bool fin_rcvd;             /* peer's FIN taken in: end of stream */
    bool ack_now;              /* an ACK must go out */
    bool passive;              /* opened from LISTEN */

    /* timers (TL_NEVER when not running) */
    tl_time rto_at;            /* retransmission */
    tl_time tw_at;             /* TIME-WAIT: 2*MSL */
    tl_time fw2_at;            /* orphaned FIN-WAIT-2 */
    tl_time rto;               /* current retransmission timeout */
    int retries;               /* consecutive timeouts */
    uint32_t retrans_segs;     /* segments retransmitted, for the views */
};

struct udp_dgram_q {
    struct udp_dgram_q *next;
    uint32_t src;
    uint16_t sport;
    size_t len;
    uint8_t data[];
};

struct sock {
    struct sock *next;         /* host's list of every socket */
    int id;                    /* unique per host, never reused */
    int fd;                    /* -1 once closed, or for a connection not yet accepted */
    enum sock_type type;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    bool bound;                /* local port set by bind (or autobind) */
    bool user_bound;           /* by bind(): kept when a connect fails */
    bool connected;            /* UDP: default peer set */
    bool reuseaddr;
    bool linger0;              /* SO_LINGER {1, 0}: close aborts */
    bool shut_rd, shut_wr;
    bool dead;                 /* to be freed by the host's reaper */
    int err;                   /* pending error, as SO_ERROR (positive errno) */
    bool ever_connected;

    struct tcb tcb;
    struct bytering sndq;      /* from SND.UNA: unacknowledged, then unsent bytes */
    struct bytering rcvq;      /* received, not yet read */

    /* listening sockets */
    int backlog;
    int syn_queued, accept_queued;
    struct sock *parent;       /* a connection not yet accepted: its listener */
    struct sock *accept_next;  /* the listener's accept queue, in order */
    struct sock *accept_head;  /* (on the listener) */

    /* UDP */
    struct udp_dgram_q *dq_head, *dq_tail;
    size_t dq_bytes;
};

#endif
