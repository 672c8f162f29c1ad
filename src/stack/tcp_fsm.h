/* The TCP state diagram as one table, in the spirit of 4.4BSD's
 * netinet/tcp_fsm.h: the states (stack/tcp_state.h), the causes of a
 * transition as codes, and the edges of RFC 9293 §3.3.2 Figure 5 plus
 * those the RFC gives in its notes and text and the Linux behaviour the
 * stack copies.  The stack checks every transition against it (debug
 * builds), and the views, the tap-transcript checker, the kernel-host
 * observation and the drawings read it.
 *
 * API for readers (all pure, no state):
 *   tcp_state_name(st)            "SYN_SENT"
 *   tcp_cause_name(c)             "rcv SYN,ACK", the text every view prints
 *   tcp_cause_kind(c)             user call, segment received or sent, timer
 *   tcp_fsm_edges(&n)             the table: n edges, Figure 5's first
 *   tcp_fsm_find(from, to, c, p)  the edge a transition took, or NULL
 *   tcp_fsm_has_edge(from, to)    some edge joins the two states
 *   edge->label                   "rcv SYN / snd SYN,ACK" (event / action,
 *                                 as the figure writes it), for drawings
 *   edge->source, edge->ref       in the figure, or where it is specified
 */
#ifndef TCPLAB_TCP_FSM_H
#define TCPLAB_TCP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/tcp_state.h"

/* What made a transition: X(code, text printed, kind).  The text is what
 * the transition lines, `diagram` and transcripts show; kernel-host
 * observations put a change down to the last segment seen (snd ..., rcv
 * ACK) or to nothing better ("seen"). */
#define TCP_CAUSES(X)                                                         \
    X(NONE,             "",                        TCP_CK_OTHER)              \
    X(LISTEN,           "listen",                  TCP_CK_USER)               \
    X(CONNECT,          "connect",                 TCP_CK_USER)               \
    X(SEND,             "send",                    TCP_CK_USER)               \
    X(ACCEPT,           "accept",                  TCP_CK_USER)               \
    X(SHUTDOWN,         "shutdown",                TCP_CK_USER)               \
    X(CLOSE,            "close",                   TCP_CK_USER)               \
    X(CLOSE_LINGER0,    "close (linger 0)",        TCP_CK_USER)               \
    X(CLOSE_UNREAD,     "close with unread data",  TCP_CK_USER)               \
    X(ABORT,            "abort",                   TCP_CK_USER)               \
    X(LISTENER_CLOSED,  "listener closed",         TCP_CK_OTHER)              \
    X(RCV_SYN,          "rcv SYN",                 TCP_CK_RCV)                \
    X(RCV_SYN_ACK,      "rcv SYN,ACK",             TCP_CK_RCV)                \
    X(RCV_ACK_OF_SYN,   "rcv ACK of SYN",          TCP_CK_RCV)                \
    X(RCV_SYN_COOKIE,   "rcv ACK with SYN cookie", TCP_CK_RCV)                \
    X(RCV_FIN,          "rcv FIN",                 TCP_CK_RCV)                \
    X(RCV_ACK_OF_FIN,   "rcv ACK of FIN",          TCP_CK_RCV)                \
    X(RCV_ACK,          "rcv ACK",                 TCP_CK_RCV)                \
    X(RCV_RST,          "rcv RST",                 TCP_CK_RCV)                \
    X(RCV_SYN_TIME_WAIT, "rcv SYN in TIME_WAIT",   TCP_CK_RCV)                \
    X(SND_FIN,          "snd FIN",                 TCP_CK_SND)                \
    X(SND_ACK,          "snd ACK",                 TCP_CK_SND)                \
    X(SND_RST,          "snd RST",                 TCP_CK_SND)                \
    X(TIMEOUT_2MSL,     "2MSL timeout",            TCP_CK_TIMER)              \
    X(TIMEOUT_FIN_WAIT_2, "FIN_WAIT_2 timeout",    TCP_CK_TIMER)              \
    X(TIMEOUT_RETRANS,  "retransmission timeout",  TCP_CK_TIMER)              \
    X(TIMEOUT_PROBES,   "window probes unanswered", TCP_CK_TIMER)             \
    X(NO_ARP_REPLY,     "no ARP reply",            TCP_CK_OTHER)              \
    X(SEEN,             "seen",                    TCP_CK_OTHER)

enum tcp_cause {
#define TCP_CAUSE_ENUM(code, text, kind) TCP_CAUSE_##code,
    TCP_CAUSES(TCP_CAUSE_ENUM)
#undef TCP_CAUSE_ENUM
    TCP__NCAUSES
};

/* The figure's kinds of event: a user call (OPEN, SEND, CLOSE), a segment
 * arriving, one sent, a timeout. */
enum tcp_cause_kind { TCP_CK_USER, TCP_CK_RCV, TCP_CK_SND, TCP_CK_TIMER, TCP_CK_OTHER };

const char *tcp_cause_name(enum tcp_cause c);        /* "?" if out of range */
enum tcp_cause_kind tcp_cause_kind(enum tcp_cause c);

/* A set of causes, for an edge. */
typedef uint64_t tcp_cause_set;
#define TCP_CAUSE_BIT(code) ((tcp_cause_set)1 << TCP_CAUSE_##code)

/* Where an edge comes from. */
enum tcp_edge_source {
    TCP_EDGE_FIGURE,           /* drawn in RFC 9293 §3.3.2 Figure 5 */
    TCP_EDGE_RFC,              /* the figure's notes, or RFC text it does not draw */
    TCP_EDGE_LINUX,            /* Linux behaviour the stack copies */
};

/* Which openings an edge applies to (RFC 9293 §3.10.7.4 treats an
 * SYN-RECEIVED reached from LISTEN apart from one reached from SYN-SENT). */
enum tcp_edge_open { TCP_OPEN_ANY, TCP_OPEN_PASSIVE, TCP_OPEN_ACTIVE };

struct tcp_fsm_edge {
    enum tcp_state from, to;
    tcp_cause_set causes;      /* the causes that take it */
    enum tcp_edge_open open;
    enum tcp_edge_source source;
    const char *ref;           /* where specified: "Figure 5", "note 3", "RFC 9293 section 3.8.3" */
    const char *label;         /* for drawing: "rcv SYN / snd SYN,ACK" */
};

/* Every edge, Figure 5's in the figure's order first; *n gets the count.
 * Each (from, to, cause, opening) is on at most one edge. */
const struct tcp_fsm_edge *tcp_fsm_edges(size_t *n);

/* The edge a transition from -> to for `cause` takes, for a connection
 * opened passively (from LISTEN) or not; NULL if the diagram has none. */
const struct tcp_fsm_edge *tcp_fsm_find(enum tcp_state from, enum tcp_state to,
                                        enum tcp_cause cause, bool passive);

/* Some edge joins from to `to`, for any cause (what a transcript line,
 * which shows states only, can be checked against). */
bool tcp_fsm_has_edge(enum tcp_state from, enum tcp_state to);

/* The cause of a timer edge from -> to (TIME-WAIT -> CLOSED: 2MSL
 * timeout), the first in the table; TCP_CAUSE_NONE if none. */
enum tcp_cause tcp_fsm_timer_cause(enum tcp_state from, enum tcp_state to);

/* Debug builds: tcp_set_state() calls this for every transition; an edge
 * missing from the table aborts with a line naming from, to and cause. */
void tcp_fsm_check(enum tcp_state from, enum tcp_state to, enum tcp_cause cause, bool passive);

#endif
