/* CUBIC congestion avoidance (RFC 9438), Linux's default.  After a
 * reduction the window follows W_cubic(t) = C (t - K)^3 + W_max (eq. 1):
 * concave up to the window where the loss happened, then convex beyond it;
 * never slower than the Reno-friendly estimate W_est (§4.3).  Sizes are in
 * segments, as the RFC writes them; the TCB's cwnd stays in bytes. */
#include <math.h>

#include "stack/stack_int.h"
#include "stack/tcp.h"

static double mss_of(const struct tcb *t)
{
    return t->eff_mss ? (double)t->eff_mss : 536.0;
}

double tcp_cubic_w(const struct tcb *t, double secs)
{
    double d = secs - t->cubic.k;
    return TCP_CUBIC_C * d * d * d + t->cubic.w_max;      /* eq. (1) */
}

uint32_t tcp_cubic_ssthresh(struct tcb *t)
{
    double mss = mss_of(t);
    double cwnd = t->cwnd / mss;
    /* §4.7 fast convergence: a flow whose window shrank since the last
     * loss releases bandwidth to newcomers. */
    if (cwnd < t->cubic.w_last_max)
        t->cubic.w_max = cwnd * (1.0 + TCP_CUBIC_BETA) / 2.0;
    else
        t->cubic.w_max = cwnd;
    t->cubic.w_last_max = cwnd;
    t->cubic.epoch = 0;
    double ss = cwnd * TCP_CUBIC_BETA;                     /* §4.6 eq. (5) */
    uint32_t bytes = (uint32_t)ss * t->eff_mss;           /* whole segments, as Linux */
    return bytes > 2u * t->eff_mss ? bytes : 2u * t->eff_mss;
}

void tcp_cubic_avoid(struct tcb *t, uint32_t acked, tl_time now)
{
    double mss = mss_of(t);
    double cwnd = t->cwnd / mss;
    if (t->cubic.epoch == 0) {
        /* §4.2: a new congestion avoidance epoch. */
        t->cubic.epoch = now ? now : 1;
        t->cubic.cwnd_epoch = cwnd;
        t->cubic.w_est = cwnd;
        t->cubic.acked = 0;
        if (t->cubic.w_max < cwnd)
            t->cubic.w_max = cwnd;                          /* beyond the old W_max: K = 0 */
        t->cubic.k = cbrt((t->cubic.w_max - cwnd) / TCP_CUBIC_C);     /* eq. (2) */
    }
    double segs = acked / mss;
    double secs = (double)(now - t->cubic.epoch) / TL_SEC;
    double rtt = (double)(t->srtt ? t->srtt : t->min_rtt) / TL_SEC;
    /* §4.3: the Reno-friendly window, alpha = 3 (1 - beta) / (1 + beta)
     * until it passes W_max, then 1. */
    double alpha = t->cubic.w_est >= t->cubic.w_max
                 ? 1.0 : 3.0 * (1.0 - TCP_CUBIC_BETA) / (1.0 + TCP_CUBIC_BETA);
    t->cubic.w_est += alpha * segs / cwnd;
    double w = tcp_cubic_w(t, secs);
    double target;
    if (w < t->cubic.w_est) {
        target = t->cubic.w_est;                            /* §4.3 Reno-friendly region */
        if ((uint32_t)target > (uint32_t)cwnd) {
            t->cwnd = (uint32_t)target * t->eff_mss;
            t->cubic.acked = 0;
        }
        return;
    }
    /* §4.4 / §4.5: concave or convex, toward W_cubic(t + RTT), at most
     * 1.5 cwnd and never below cwnd. */
    target = tcp_cubic_w(t, secs + rtt);
    if (target < cwnd)
        target = cwnd;
    if (target > 1.5 * cwnd)
        target = 1.5 * cwnd;
    t->cubic.acked += (target - cwnd) / cwnd * segs;
    while (t->cubic.acked >= 1.0) {
        t->cwnd += t->eff_mss;
        t->cubic.acked -= 1.0;
    }
}
