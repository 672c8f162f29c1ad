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

/* The TCP timers.  One X-macro list gives the enum, the names the views
 * print and the TCB fields (each the time it fires, TL_NEVER when not
 * running), which are also reachable as tcb.timer[TCPT_...]. */
#define TCP_TIMERS(X)                                                        \
    X(RETRANSMIT, rto_at,     "retransmit")   /* RFC 6298 */                 \
    X(PERSIST,    persist_at, "persist")      /* RFC 9293 §3.8.6.1 */        \
    X(DELACK,     delack_at,  "delayed ACK")  /* RFC 9293 §3.8.6.3 */        \
    X(TIME_WAIT,  tw_at,      "2MSL")         /* RFC 9293 §3.10.7.4 */       \
    X(RACK,       rack_at,    "RACK reorder") /* RFC 8985 §6.3 */            \
    X(LOSS_PROBE, tlp_at,     "loss probe")   /* RFC 8985 §7 (PTO) */        \
    X(FIN_WAIT_2, fw2_at,     "FIN-WAIT-2")   /* Linux tcp_fin_timeout */

enum tcp_timer {
#define TCP_TIMER_ENUM(name, field, text) TCPT_##name,
    TCP_TIMERS(TCP_TIMER_ENUM)
#undef TCP_TIMER_ENUM
    TCPT__COUNT
};

const char *tcp_timer_name(enum tcp_timer t);

/* Congestion control algorithms, selectable per socket (TCP_CONGESTION). */
#define TCP_CC_ALGOS(X)                                                      \
    X(RENO,  "reno")     /* RFC 5681 with RFC 6582 NewReno */               \
    X(CUBIC, "cubic")    /* RFC 9438, Linux's default */

enum tcp_cc {
#define TCP_CC_ENUM(name, text) TCP_CC_##name,
    TCP_CC_ALGOS(TCP_CC_ENUM)
#undef TCP_CC_ENUM
    TCP_CC__COUNT
};

const char *tcp_cc_name(enum tcp_cc cc);
/* The algorithm's number for a name ("reno", "cubic"), or -1. */
int tcp_cc_by_name(const char *name);

/* One sent segment as the retransmission queue keeps it (tcp_rtx.c): its
 * sequence range (data, and the FIN's octet), when it last went out, and
 * what loss recovery knows of it. */
enum {
    TXS_SACKED = 0x01,        /* the peer holds it (RFC 2018) */
    TXS_LOST = 0x02,          /* declared lost: to be (re)transmitted */
    TXS_RETRANS = 0x04,       /* a retransmission of it is in flight */
    TXS_EVER_RETRANS = 0x08,  /* it was retransmitted at least once */
};

struct tcp_txseg {
    uint32_t seq, end;
    tl_time xmit;
    uint8_t flags;
};

/* RFC 9293 §3.3.1, names as in the RFC; our additions below them. */
struct tcb {
    enum tcp_state state;
    /* send sequence variables */
    uint32_t snd_una, snd_nxt, snd_wnd, snd_up, snd_wl1, snd_wl2, iss;
    /* receive sequence variables */
    uint32_t rcv_nxt, rcv_wnd, rcv_up, irs;

    /* additions: segments and windows */
    uint16_t snd_mss;          /* largest segment the peer takes (its MSS option) */
    uint16_t rcv_mss;          /* MSS we announce */
    uint16_t eff_mss;          /* data bytes per segment: snd_mss less our options */
    uint32_t max_snd_wnd;      /* largest window the peer offered (RFC 5961 §5.2) */
    uint32_t rcv_adv;          /* right edge of the window we last announced */
    bool fin_queued;           /* user closed the sending side: FIN follows the data */
    bool fin_sent;             /* our FIN occupies sequence number fin_seq */
    uint32_t fin_seq;
    bool fin_rcvd;             /* peer's FIN taken in: end of stream */
    bool ack_now;              /* an ACK must go out */
    bool passive;              /* opened from LISTEN */

    /* options (RFC 7323 window scale and timestamps, RFC 2018 SACK) */
    bool wscale_ok, ts_ok, sack_ok;
    uint8_t snd_wscale;        /* Snd.Wind.Shift: the peer's shift */
    uint8_t rcv_wscale;        /* Rcv.Wind.Shift: ours */
    uint32_t ts_recent;        /* TS.Recent */
    tl_time ts_recent_age;     /* when TS.Recent was set */
    uint32_t ts_offset;        /* added to our timestamp clock, per connection */
    uint32_t last_ack_sent;    /* Last.ACK.sent */

    /* retransmission timer, RFC 6298 (times in microseconds) */
    tl_time srtt, rttvar;      /* 0 until the first measurement */
    tl_time rto;               /* current timeout, backoff included */
    bool rtt_timing;           /* one segment is being timed (Karn: never a retransmitted one) */
    uint32_t rtt_seq;          /* ... the ACK beyond this sequence number ends the measurement */
    tl_time rtt_start;
    int retries;               /* consecutive timeouts (or unanswered window probes) */
    bool syn_retransmitted;    /* RFC 6298 (5.7), RFC 5681 §3.1 */
    tl_time last_send;         /* when data last went out (RFC 5681 §4.1 restart) */
    uint32_t snd_sml;          /* end of the last short segment sent (Minshall's Nagle) */

    /* congestion control, RFC 5681, RFC 6582 (NewReno), RFC 9438 (CUBIC) */
    uint8_t cc;                /* enum tcp_cc */
    uint32_t cwnd, ssthresh;   /* bytes */
    uint32_t bytes_acked;      /* congestion avoidance counter (RFC 5681 §3.1, eq. 3) */
    int dupacks;
    bool in_recovery;          /* fast recovery */
    bool rto_recovery;         /* after a timeout: what was unacknowledged is lost */
    uint32_t recover;          /* RFC 6582: SND.NXT when recovery began */
    bool wnd_blocked;          /* the peer's window (or SWS avoidance) holds data back */
    uint8_t persist_shift;     /* persist timer backoff */
    struct {                   /* RFC 9438 §4 (sizes in segments, times in microseconds) */
        double w_max;          /* window before the last reduction */
        double w_last_max;     /* for fast convergence (§4.7) */
        double k;              /* seconds to reach w_max again (eq. 2) */
        double w_est;          /* the Reno-friendly estimate (§4.3) */
        double cwnd_epoch;
        tl_time epoch;         /* start of the current avoidance epoch, 0 if none */
        double acked;          /* segments acknowledged toward the next increase */
    } cubic;

    /* the scoreboard (counts of the retransmission queue's flags) */
    uint32_t sacked_out, lost_out, retrans_out;       /* segments */
    uint32_t sacked_bytes, lost_bytes, retrans_bytes;

    /* RACK-TLP, RFC 8985 */
    tl_time rack_xmit;         /* RACK.xmit_ts: the most recently sent segment delivered */
    uint32_t rack_end;         /* RACK.end_seq */
    tl_time rack_rtt;          /* RACK.rtt */
    uint32_t rack_fack;        /* RACK.fack: highest end delivered */
    tl_time reo_wnd;           /* the reordering window last used */
    uint8_t reo_wnd_mult;      /* RACK.reo_wnd_mult (DSACK-driven) */
    uint8_t reo_wnd_persist;   /* recoveries left with the larger window */
    bool reordering_seen;
    uint32_t reordering;       /* largest reordering seen, in segments (Linux's tp->reordering) */
    tl_time min_rtt;           /* smallest RTT sample, 0 until one */
    uint32_t tlp_high_seq;     /* SND.NXT when the probe went, while it is unanswered */
    bool tlp_out;              /* a loss probe is unanswered */
    bool tlp_retrans;          /* ... and it was a retransmission */
    uint32_t tlp_seq, tlp_end; /* ... of this range */

    /* PRR, RFC 6937 */
    uint32_t prr_delivered, prr_out, recover_fs;

    /* F-RTO (RFC 5682) and undo */
    bool frto;                 /* a timeout under test: spurious or not */
    bool frto_new;             /* F-RTO step 2b: new data goes before retransmissions */
    uint32_t prior_cwnd, prior_ssthresh;

    /* receiving */
    bool quickack;             /* ACK every segment at once (no delayed ACK) */
    bool nodelay;              /* TCP_NODELAY: no Nagle */
    uint32_t unacked_rcvd;     /* bytes received since our last ACK (delayed ACK) */
    uint8_t quick;             /* ACKs still sent at once (Linux's quick-ACK mode) */
    bool ack_pushed;           /* a short segment awaits its delayed ACK: reading it all sends it */
    tl_time ato;               /* delayed-ACK timeout, Linux's ato (40 ms up to 200 ms) */
    tl_time last_rcv;          /* when data last arrived (ato adapts to the gaps) */
    bool dsack;                /* a duplicate arrived: the next ACK reports it (RFC 2883) */
    uint32_t dsack_left, dsack_right;
    uint32_t ofo_bytes;        /* out of order, held for reassembly */
    uint32_t ofo_segs;
    tl_time rto_min;           /* lower bound of the RTO for this connection */

    /* counters, for the views (ss -i) */
    uint32_t retrans_segs;     /* segments retransmitted */
    uint32_t timeouts;         /* retransmission timer expiries */
    uint32_t fast_retrans;     /* fast retransmits (entries into fast recovery) */
    uint32_t probes;           /* zero-window probes */
    uint32_t tlp_probes;       /* loss probes sent (RFC 8985 §7) */
    uint32_t lost_total;       /* segments declared lost */
    uint32_t dsack_dups;       /* DSACKs received (RFC 2883): spurious retransmissions */
    uint32_t spurious_rto;     /* timeouts F-RTO found spurious (undone) */
    uint64_t bytes_sent, bytes_retrans, bytes_acked_total, bytes_received;
    uint64_t segs_out, segs_in;

    /* timers (TL_NEVER when not running) */
    union {
        tl_time timer[TCPT__COUNT];
        struct {
#define TCP_TIMER_FIELD(name, field, text) tl_time field;
            TCP_TIMERS(TCP_TIMER_FIELD)
#undef TCP_TIMER_FIELD
        };
    };
};

struct udp_dgram_q {
    struct udp_dgram_q *next;
    uint32_t src;
    uint16_t sport;
    size_t len;
    uint8_t data[];
};

/* Out-of-order bytes held for reassembly (RFC 9293 §3.10.7.4, seventh
 * check): a sorted list of runs that do not overlap. */
struct tcp_ofo {
    struct tcp_ofo *next;
    uint32_t seq;
    uint32_t len;
    bool fin;                  /* the peer's FIN follows the last byte */
    uint8_t data[];
};

struct sock {
    struct sock *next;         /* host's list of every socket */
    struct sock **pprev;       /* the pointer to this one in that list */
    struct sock *hash_next, **hash_pprev;   /* host conn_hash or listeners */
    bool hashed;               /* in conn_hash (connected) or listeners (LISTEN) */
    bool port_ref;             /* counted in host port_refs under lport */
    bool was_listener;         /* may have connections pointing at it */
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
    bool nonblock;             /* O_NONBLOCK (fcntl): kept for the caller, the API never blocks */
    bool dead;                 /* to be freed by the host's reaper */
    int err;                   /* pending error, as SO_ERROR (positive errno) */
    bool ever_connected;

    struct tcb tcb;
    struct bytering sndq;      /* from the first unacknowledged byte: unacknowledged, then unsent */
    struct bytering rcvq;      /* received, not yet read */
    struct tcp_ofo *ofo;       /* received beyond RCV.NXT, in order of sequence */
    struct tcp_txseg *rtx;     /* retransmission queue: a ring of what is in flight */
    uint32_t rtx_head, rtx_n, rtx_cap;   /* first, count, size (a power of two) */
    uint32_t ofo_last;         /* sequence number of the newest out-of-order arrival */

    /* listening sockets */
    int backlog;
    int syn_queued, accept_queued;
    tl_time syn_overflow_at;   /* the SYN queue last overflowed (SYN cookies sent), or TL_NEVER */
    uint64_t syncookies_sent, syncookies_ok;
    struct sock *parent;       /* a connection not yet accepted: its listener */
    struct sock *accept_next;  /* the listener's accept queue, in order */
    struct sock *accept_head;  /* (on the listener) */

    /* UDP */
    struct udp_dgram_q *dq_head, *dq_tail;
    size_t dq_bytes;
};

#endif
