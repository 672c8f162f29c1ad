/* The eleven states of RFC 9293 §3.3.2.  One X-macro list generates the
 * enum and its names (as Linux and Python print them: SYN_SENT). */
#ifndef TCPLAB_TCP_STATE_H
#define TCPLAB_TCP_STATE_H

#define TCP_STATES(X)        \
    X(CLOSED,       "CLOSED")       \
    X(LISTEN,       "LISTEN")       \
    X(SYN_SENT,     "SYN_SENT")     \
    X(SYN_RECEIVED, "SYN_RECEIVED") \
    X(ESTABLISHED,  "ESTABLISHED")  \
    X(FIN_WAIT_1,   "FIN_WAIT_1")   \
    X(FIN_WAIT_2,   "FIN_WAIT_2")   \
    X(CLOSE_WAIT,   "CLOSE_WAIT")   \
    X(CLOSING,      "CLOSING")      \
    X(LAST_ACK,     "LAST_ACK")     \
    X(TIME_WAIT,    "TIME_WAIT")

enum tcp_state {
#define TCP_STATE_ENUM(name, text) TCP_##name,
    TCP_STATES(TCP_STATE_ENUM)
#undef TCP_STATE_ENUM
    TCP__NSTATES
};

const char *tcp_state_name(enum tcp_state s);

/* Synchronized states: a connection exists in both directions' sequence
 * spaces (RFC 9293 §3.5.2). */
static inline int tcp_state_synchronized(enum tcp_state s)
{
    return s >= TCP_ESTABLISHED;
}

#endif
