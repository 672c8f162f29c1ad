/* Proportional Rate Reduction (RFC 6937): how much fast recovery may send
 * on each ACK.  While the pipe is above ssthresh, sending follows what the
 * peer delivered, scaled by ssthresh / RecoverFS, so that the window comes
 * down smoothly to ssthresh by the end of recovery instead of halving at
 * once and stalling; below it, slow start (the SSRB bound) refills the
 * pipe to ssthresh.  The result is written as cwnd = pipe + sndcnt, so
 * output needs nothing but cwnd and the pipe. */
#include "stack/stack_int.h"
#include "stack/tcp.h"

void tcp_prr_init(struct tcb *t, uint32_t flight)
{
    t->prr_delivered = 0;
    t->prr_out = 0;
    t->recover_fs = flight ? flight : t->eff_mss;         /* RecoverFS = pipe at the start */
}

void tcp_prr_ack(struct tcb *t, uint32_t delivered)
{
    t->prr_delivered += delivered;
    uint32_t pipe = tcp_pipe(t);
    int64_t sndcnt;
    if (pipe > t->ssthresh) {
        /* RFC 6937 §3: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out */
        uint64_t num = (uint64_t)t->prr_delivered * t->ssthresh;
        sndcnt = (int64_t)((num + t->recover_fs - 1) / t->recover_fs) - t->prr_out;
    } else {
        /* PRR-SSRB: limit = MAX(prr_delivered - prr_out, DeliveredData) + MSS */
        int64_t limit = (int64_t)t->prr_delivered - t->prr_out;
        if (limit < (int64_t)delivered)
            limit = delivered;
        limit += t->eff_mss;
        sndcnt = (int64_t)t->ssthresh - pipe;
        if (sndcnt > limit)
            sndcnt = limit;
    }
    if (sndcnt < 0)
        sndcnt = 0;
    /* Sending goes by whole segments (Linux counts PRR in packets, rounding
     * up): a part of one would let nothing go. */
    sndcnt = (sndcnt + t->eff_mss - 1) / t->eff_mss * t->eff_mss;
    if (t->prr_out == 0 && sndcnt < t->eff_mss)
        sndcnt = t->eff_mss;                   /* the fast retransmit goes whatever PRR says */
    t->cwnd = pipe + (uint32_t)sndcnt;
}
