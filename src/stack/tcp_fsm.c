/* The state table (stack/tcp_fsm.h): names of states and causes, the edges
 * of RFC 9293 §3.3.2 Figure 5 and those the figure leaves to its notes,
 * the RFC's text and Linux.  tcp_set_state() checks against it. */
#include <stdio.h>
#include <stdlib.h>

#include "stack/tcp_fsm.h"

static const char *const state_names[] = {
#define TCP_STATE_NAME(name, text) text,
    TCP_STATES(TCP_STATE_NAME)
#undef TCP_STATE_NAME
};

const char *tcp_state_name(enum tcp_state s)
{
    return (unsigned)s < TCP__NSTATES ? state_names[s] : "?";
}

static const struct {
    const char *text;
    enum tcp_cause_kind kind;
} causes[] = {
#define TCP_CAUSE_ROW(code, text, kind) {text, kind},
    TCP_CAUSES(TCP_CAUSE_ROW)
#undef TCP_CAUSE_ROW
};

_Static_assert(TCP__NCAUSES <= 64, "a tcp_cause_set holds at most 64 causes");

const char *tcp_cause_name(enum tcp_cause c)
{
    return (unsigned)c < TCP__NCAUSES ? causes[c].text : "?";
}

enum tcp_cause_kind tcp_cause_kind(enum tcp_cause c)
{
    return (unsigned)c < TCP__NCAUSES ? causes[c].kind : TCP_CK_OTHER;
}

#define C(code) TCP_CAUSE_BIT(code)
#define FIG(from, to, set, label) \
    {TCP_##from, TCP_##to, set, TCP_OPEN_ANY, TCP_EDGE_FIGURE, "Figure 5", label}
#define EDGE(from, to, open, set, source, ref, label) \
    {TCP_##from, TCP_##to, set, TCP_OPEN_##open, TCP_EDGE_##source, ref, label}

/* The user calls that end a connection with RST, as note 3 puts it: ABORT
 * (RFC 9293 §3.10.5), a close that would lose unread data (RFC 2525
 * §2.17, Linux), SO_LINGER {1, 0}, the listener closing over connections
 * never accepted (Linux inet_csk_listen_stop); "snd RST" is how the kernel
 * host's are seen. */
#define ABORTS \
    (C(CLOSE_LINGER0) | C(CLOSE_UNREAD) | C(LISTENER_CLOSED) | C(ABORT) | C(SND_RST))
#define ABORT_EDGE(from) EDGE(from, CLOSED, ANY, ABORTS, RFC, "note 3: RST sent", "CLOSE / snd RST")
/* RST ends the connection from any state but LISTEN (§3.10.7.3, §3.10.7.4
 * second check; note 3). */
#define RST_EDGE(from, open) EDGE(from, CLOSED, open, C(RCV_RST), RFC, "note 3", "rcv RST")
/* §3.8.3: the retransmissions of a segment went unanswered too long (R2). */
#define RTO_EDGE(from) \
    EDGE(from, CLOSED, ANY, C(TIMEOUT_RETRANS), RFC, "RFC 9293 section 3.8.3", \
         "retransmission timeout")
/* Zero-window probes unanswered as long as retransmissions would be
 * (Linux tcp_probe_timer, tcp_retries2). */
#define PROBE_EDGE(from) \
    EDGE(from, CLOSED, ANY, C(TIMEOUT_PROBES), LINUX, "see RFC 9293 section 3.10", \
         "window probes unanswered")

static const struct tcp_fsm_edge edges[] = {
    /* RFC 9293 §3.3.2 Figure 5, top to bottom.  The stack also stops a
     * listener or a connect on shutdown(SHUT_RD) (Linux), so shutdown
     * counts as CLOSE. */
    FIG(CLOSED, LISTEN, C(LISTEN), "passive OPEN / create TCB"),
    FIG(LISTEN, CLOSED, C(CLOSE) | C(SHUTDOWN), "CLOSE / delete TCB"),
    FIG(CLOSED, SYN_SENT, C(CONNECT), "active OPEN / create TCB, snd SYN"),
    FIG(LISTEN, SYN_SENT, C(SEND), "SEND / snd SYN"),
    FIG(SYN_SENT, CLOSED, C(CLOSE) | C(SHUTDOWN), "CLOSE / delete TCB"),
    /* A valid SYN cookie (RFC 4987 §3.6) is the SYN's edge taken late. */
    FIG(LISTEN, SYN_RECEIVED, C(RCV_SYN) | C(RCV_SYN_COOKIE), "rcv SYN / snd SYN,ACK"),
    FIG(SYN_RECEIVED, LISTEN, C(RCV_RST), "rcv RST (note 1)"),
    FIG(SYN_SENT, SYN_RECEIVED, C(RCV_SYN), "rcv SYN / snd SYN,ACK"),
    FIG(SYN_RECEIVED, ESTABLISHED, C(RCV_ACK_OF_SYN), "rcv ACK of SYN / x"),
    FIG(SYN_SENT, ESTABLISHED, C(RCV_SYN_ACK), "rcv SYN,ACK / snd ACK"),
    FIG(SYN_RECEIVED, FIN_WAIT_1, C(CLOSE) | C(SHUTDOWN), "CLOSE / snd FIN"),
    FIG(ESTABLISHED, FIN_WAIT_1, C(CLOSE) | C(SHUTDOWN), "CLOSE / snd FIN"),
    FIG(ESTABLISHED, CLOSE_WAIT, C(RCV_FIN), "rcv FIN / snd ACK"),
    FIG(FIN_WAIT_1, FIN_WAIT_2, C(RCV_ACK_OF_FIN), "rcv ACK of FIN / x"),
    FIG(FIN_WAIT_1, CLOSING, C(RCV_FIN), "rcv FIN / snd ACK"),
    FIG(CLOSE_WAIT, LAST_ACK, C(CLOSE) | C(SHUTDOWN), "CLOSE / snd FIN"),
    FIG(FIN_WAIT_2, TIME_WAIT, C(RCV_FIN), "rcv FIN / snd ACK"),
    FIG(CLOSING, TIME_WAIT, C(RCV_ACK_OF_FIN), "rcv ACK of FIN / x"),
    FIG(LAST_ACK, CLOSED, C(RCV_ACK_OF_FIN), "rcv ACK of FIN / x"),
    FIG(TIME_WAIT, CLOSED, C(TIMEOUT_2MSL), "Timeout=2MSL / delete TCB"),

    /* Note 1: a passive open's SYN-RECEIVED returns to LISTEN on RST.  The
     * listener never left LISTEN here: the embryo it spawned is deleted,
     * which the stack records as its SYN-RECEIVED -> CLOSED. */
    EDGE(SYN_RECEIVED, CLOSED, PASSIVE, C(RCV_RST), RFC, "note 1", "rcv RST / delete TCB"),
    /* §3.10.7.4 fourth check: a SYN in a passive SYN-RECEIVED returns it to
     * LISTEN the same way (RFC 5961 §4.2 answers it in the other states). */
    EDGE(SYN_RECEIVED, CLOSED, PASSIVE, C(RCV_SYN), RFC, "RFC 9293 section 3.10.7.4",
         "rcv SYN / delete TCB"),
    /* §3.10.7.4 eighth check: a FIN in SYN-RECEIVED enters CLOSE-WAIT. */
    EDGE(SYN_RECEIVED, CLOSE_WAIT, ANY, C(RCV_FIN), RFC, "RFC 9293 section 3.10.7.4",
         "rcv FIN / snd ACK"),
    /* Note 2: a FIN that comes with the ACK of ours. */
    EDGE(FIN_WAIT_1, TIME_WAIT, ANY, C(RCV_FIN), RFC, "note 2", "rcv FIN, ACK of FIN / snd ACK"),
    /* RFC 1122 §4.2.2.13, RFC 6191: a new SYN above RCV.NXT reopens a
     * connection in TIME-WAIT; the old incarnation is deleted (Linux). */
    EDGE(TIME_WAIT, CLOSED, ANY, C(RCV_SYN_TIME_WAIT), RFC, "RFC 1122 section 4.2.2.13",
         "rcv SYN / delete TCB"),
    /* Linux tcp_fin_timeout: an orphan does not wait in FIN-WAIT-2 for ever. */
    EDGE(FIN_WAIT_2, CLOSED, ANY, C(TIMEOUT_FIN_WAIT_2), LINUX, "Linux tcp_fin_timeout",
         "FIN_WAIT_2 timeout / delete TCB"),
    /* ARP gave up on the peer while the connection opened (RFC 1122
     * §2.3.2.2 reports it up; Linux: EHOSTUNREACH). */
    EDGE(SYN_SENT, CLOSED, ANY, C(NO_ARP_REPLY), LINUX, "see RFC 9293 section 3.10",
         "no ARP reply"),
    EDGE(SYN_RECEIVED, CLOSED, ANY, C(NO_ARP_REPLY), LINUX, "see RFC 9293 section 3.10",
         "no ARP reply"),

    RST_EDGE(SYN_SENT, ANY),
    RST_EDGE(SYN_RECEIVED, ACTIVE),
    RST_EDGE(ESTABLISHED, ANY),
    RST_EDGE(FIN_WAIT_1, ANY),
    RST_EDGE(FIN_WAIT_2, ANY),
    RST_EDGE(CLOSE_WAIT, ANY),
    RST_EDGE(CLOSING, ANY),
    RST_EDGE(LAST_ACK, ANY),
    RST_EDGE(TIME_WAIT, ANY),

    ABORT_EDGE(SYN_RECEIVED),
    ABORT_EDGE(ESTABLISHED),
    ABORT_EDGE(FIN_WAIT_1),
    ABORT_EDGE(FIN_WAIT_2),
    ABORT_EDGE(CLOSE_WAIT),
    ABORT_EDGE(CLOSING),
    ABORT_EDGE(LAST_ACK),
    ABORT_EDGE(TIME_WAIT),

    RTO_EDGE(SYN_SENT),
    RTO_EDGE(SYN_RECEIVED),
    RTO_EDGE(ESTABLISHED),
    RTO_EDGE(FIN_WAIT_1),
    RTO_EDGE(CLOSE_WAIT),
    RTO_EDGE(CLOSING),
    RTO_EDGE(LAST_ACK),

    PROBE_EDGE(ESTABLISHED),
    PROBE_EDGE(FIN_WAIT_1),
    PROBE_EDGE(CLOSE_WAIT),
    PROBE_EDGE(CLOSING),
    PROBE_EDGE(LAST_ACK),
};

const struct tcp_fsm_edge *tcp_fsm_edges(size_t *n)
{
    *n = sizeof edges / sizeof *edges;
    return edges;
}

static bool open_matches(enum tcp_edge_open open, bool passive)
{
    return open == TCP_OPEN_ANY || (open == TCP_OPEN_PASSIVE) == passive;
}

const struct tcp_fsm_edge *tcp_fsm_find(enum tcp_state from, enum tcp_state to,
                                        enum tcp_cause cause, bool passive)
{
    if ((unsigned)cause >= TCP__NCAUSES)
        return NULL;
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        const struct tcp_fsm_edge *e = &edges[i];
        if (e->from == from && e->to == to && (e->causes & ((tcp_cause_set)1 << cause)) &&
            open_matches(e->open, passive))
            return e;
    }
    return NULL;
}

bool tcp_fsm_has_edge(enum tcp_state from, enum tcp_state to)
{
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        if (edges[i].from == from && edges[i].to == to)
            return true;
    return false;
}

enum tcp_cause tcp_fsm_timer_cause(enum tcp_state from, enum tcp_state to)
{
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        const struct tcp_fsm_edge *e = &edges[i];
        if (e->from != from || e->to != to)
            continue;
        for (int c = 0; c < TCP__NCAUSES; c++)
            if ((e->causes & ((tcp_cause_set)1 << c)) &&
                tcp_cause_kind((enum tcp_cause)c) == TCP_CK_TIMER)
                return (enum tcp_cause)c;
    }
    return TCP_CAUSE_NONE;
}

void tcp_fsm_check(enum tcp_state from, enum tcp_state to, enum tcp_cause cause, bool passive)
{
    if (tcp_fsm_find(from, to, cause, passive))
        return;
    fprintf(stderr,
            "tcplab: state transition %s -> %s (%s%s) is not an edge of the state table "
            "(src/stack/tcp_fsm.c)\n",
            tcp_state_name(from), tcp_state_name(to), tcp_cause_name(cause),
            passive ? ", passive open" : "");
    abort();
}
