/* `ss -o`: the timer of each TCP socket, spelled as Linux's ss prints it
 * (iproute2 misc/ss.c: tmr_name and print_ms_timer; the kernel's side is
 * inet_diag's idiag_timer, idiag_expires and idiag_retrans). */
#include <stdio.h>
#include <string.h>

#include "stack/sock.h"
#include "views/view_util.h"

static const char *const timer_name[VU_TIMER__N] = {
    [VU_TIMER_OFF] = "off", [VU_TIMER_ON] = "on", [VU_TIMER_KEEPALIVE] = "keepalive",
    [VU_TIMER_TIMEWAIT] = "timewait", [VU_TIMER_PERSIST] = "persist",
};

/* ss's duration: whole minutes ("2min", with seconds below ten minutes),
 * seconds ("59sec", with milliseconds below ten seconds: "1.500sec") and
 * milliseconds alone ("200ms").  Zero is the empty string, as in ss. */
static void ms_timer(char *buf, size_t cap, long long ms)
{
    long long secs = ms / 1000, minutes = secs / 60, msecs = ms % 1000;
    size_t n = 0;
    secs %= 60;
    buf[0] = '\0';
    if (minutes) {
        msecs = 0;
        n += (size_t)snprintf(buf + n, cap - n, "%lldmin", minutes);
        if (minutes > 9)
            secs = 0;
    }
    if (secs && n < cap) {
        if (secs > 9)
            msecs = 0;
        n += (size_t)snprintf(buf + n, cap - n, "%lld%s", secs, msecs ? "." : "sec");
    }
    if (msecs && n < cap)
        snprintf(buf + n, cap - n, "%03lld%s", msecs, secs ? "sec" : "ms");
}

char *vu_ss_timer(char *buf, size_t cap, enum vu_timer kind, tl_time left, unsigned retrans)
{
    char d[32];
    if (kind <= VU_TIMER_OFF || kind >= VU_TIMER__N) {
        buf[0] = '\0';
        return buf;
    }
    ms_timer(d, sizeof d, left > 0 ? (long long)(left / TL_MS) : 0);
    snprintf(buf, cap, "timer:(%s,%s,%u)", timer_name[kind], d, retrans);
    return buf;
}

/* The timer Linux would report for this TCB.  As in inet_diag, the
 * retransmission timer (with its consecutive timeouts) comes first, then
 * the zero-window probe timer (with its unanswered probes); a connection
 * in TIME-WAIT, or orphaned in FIN-WAIT-2 (a timewait socket in Linux),
 * shows its time left; the delayed-ACK timer is never shown. */
enum vu_timer vu_tcb_timer(const struct tcb *t, tl_time now, tl_time *left, unsigned *retrans)
{
    *retrans = 0;
    if (t->rto_at != TL_NEVER) {
        *left = t->rto_at - now;
        *retrans = (unsigned)t->retries;
        return VU_TIMER_ON;
    }
    if (t->persist_at != TL_NEVER) {
        *left = t->persist_at - now;
        *retrans = (unsigned)t->retries;
        return VU_TIMER_PERSIST;
    }
    if (t->tw_at != TL_NEVER || t->fw2_at != TL_NEVER) {
        *left = (t->tw_at != TL_NEVER ? t->tw_at : t->fw2_at) - now;
        return VU_TIMER_TIMEWAIT;
    }
    *left = 0;
    return VU_TIMER_OFF;
}
