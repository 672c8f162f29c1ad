/* Congestion control, one socket's choice (TCP_CONGESTION): NewReno
 * (RFC 5681 slow start and congestion avoidance) or CUBIC (RFC 9438,
 * tcp_cubic.c).  Both share slow start and the "limited by cwnd" test;
 * they differ in the window a loss leaves and in how it grows after. */
#include <string.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

static const char *const cc_names[] = {
#define TCP_CC_NAME(name, text) text,
    TCP_CC_ALGOS(TCP_CC_NAME)
#undef TCP_CC_NAME
};

const char *tcp_cc_name(enum tcp_cc cc)
{
    return (unsigned)cc < TCP_CC__COUNT ? cc_names[cc] : "?";
}

int tcp_cc_by_name(const char *name)
{
    for (int i = 0; i < TCP_CC__COUNT; i++)
        if (strcmp(name, cc_names[i]) == 0)
            return i;
    return -1;
}

void tcp_cc_reset(struct tcb *t)
{
    memset(&t->cubic, 0, sizeof t->cubic);
}

uint32_t tcp_cc_ssthresh(struct tcb *t, tl_time now)
{
    (void)now;
    if (t->cc == TCP_CC_CUBIC)
        return tcp_cubic_ssthresh(t);
    /* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS) */
    uint32_t flight = t->snd_nxt - t->snd_una;
    uint32_t two = 2u * t->eff_mss;
    return flight / 2 > two ? flight / 2 : two;
}

void tcp_cc_ack(struct tcb *t, uint32_t acked, uint32_t prior_flight, tl_time now)
{
    /* Grow cwnd only while it is what limits the sender (RFC 7661's idea:
     * an application-limited flow earns no larger window). */
    bool slow_start = t->cwnd < t->ssthresh;
    bool limited = slow_start ? 2 * prior_flight >= t->cwnd
                              : prior_flight + 3u * t->eff_mss >= t->cwnd;
    if (!limited)
        return;
    if (slow_start) {
        t->cwnd += acked < t->eff_mss ? acked : t->eff_mss;   /* RFC 5681 eq. (2) */
        return;
    }
    if (t->cc == TCP_CC_CUBIC) {
        tcp_cubic_avoid(t, acked, now);
        return;
    }
    t->bytes_acked += acked;                  /* RFC 5681 §3.1, byte counting */
    if (t->bytes_acked >= t->cwnd) {
        t->bytes_acked -= t->cwnd;
        t->cwnd += t->eff_mss;
    }
}
