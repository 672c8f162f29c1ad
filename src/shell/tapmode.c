/* The shell in tap mode: the frames tcplab's stack does not handle
 * (counted and summarised, the first of each kind shown; IPv6 frames each
 * decoded), given to the report through its hooks, and the reports of what
 * happens between commands, which the front ends (repl.c) print above the
 * prompt.  The kernel host is read through its hostview, as any host is.
 * Everything here is idle in sim mode, where sh->tap is NULL. */
#include <stdlib.h>
#include <string.h>

#include "link/tap_offload.h"
#include "shell/tapmode.h"
#include "wire/bytes.h"
#include "wire/ipv4.h"

#define C_DIM   "\033[2m"
#define C_OFF   "\033[0m"

#define UNHANDLED_KINDS 16
#define ASYNC_QUIET     (60 * TL_MS)   /* print once the wire is quiet this long */
#define ASYNC_MAX       TL_SEC         /* ... or at least this often while it talks */
#define SUMMARY_EVERY   (60 * TL_SEC)  /* frames not handled: a summary at most this often */

struct sh_tap {
    struct {
        char what[40];
        uint64_t n, reported;
    } kind[UNHANDLED_KINDS];
    int nkinds;
    uint64_t unhandled;
    bool summarised;
    tl_time last_summary;
    /* between commands: when activity began and last changed */
    tl_time first, last;
    uint64_t sig;
    uint64_t offload_bad;      /* malformed frames from the kernel reported (--offload) */
};

static const char *off(const struct shell *sh)
{
    return sh->color ? C_OFF : "";
}

/* ---- frames the stack does not handle --------------------------------- */

/* Frames the stack drops because they are not for it or not its business
 * (another protocol, multicast, another address); drops of frames it does
 * handle (a bad checksum, a segment outside the window) are lab material
 * and printed as usual. */
static bool not_handled(enum drop_reason r)
{
    switch (r) {
    case DROP_ETH_NOT_FOR_US:
    case DROP_ETH_UNKNOWN_TYPE:
    case DROP_ARP_UNSUPPORTED:
    case DROP_ARP_NOT_FOR_US:
    case DROP_IP_NOT_FOR_US:
    case DROP_IP_FRAGMENT:
    case DROP_IP_UNKNOWN_PROTO:
    case DROP_ICMP_UNHANDLED:
        return true;
    default:
        return false;
    }
}

static void kind_ipv4(const uint8_t *f, size_t len, char *buf, size_t cap)
{
    if (len < 14 + 20) {
        snprintf(buf, cap, "IPv4");
        return;
    }
    uint8_t proto = f[14 + 9];
    uint32_t dst = get_be32(f + 14 + 16);
    size_t ihl = (size_t)(f[14] & 0x0f) * 4;
    uint16_t dport = proto == IP_PROTO_UDP && len >= 14 + ihl + 4 ? get_be16(f + 14 + ihl + 2) : 0;
    if (proto == 2)
        snprintf(buf, cap, "IGMP");
    else if (dport == 5353)
        snprintf(buf, cap, "mDNS");
    else if (dport == 5355)
        snprintf(buf, cap, "LLMNR");
    else if (dport == 67 || dport == 68)
        snprintf(buf, cap, "DHCP");
    else if (dport == 137 || dport == 138)
        snprintf(buf, cap, "NetBIOS");
    else if ((dst >> 28) == 0xe)
        snprintf(buf, cap, "IPv4 multicast");
    else if (dst == 0xffffffff || (dst & 0xffff) == 0xffff)
        snprintf(buf, cap, "IPv4 broadcast");
    else
        snprintf(buf, cap, "IPv4 protocol %u", proto);
}

static void classify(const uint8_t *f, size_t len, char *buf, size_t cap)
{
    uint16_t type = len >= 14 ? get_be16(f + 12) : 0;
    if (type == 0x0800)
        kind_ipv4(f, len, buf, cap);
    else if (type == 0x0806)
        snprintf(buf, cap, "ARP for another address");
    else if (type == 0x88cc)
        snprintf(buf, cap, "LLDP");
    else
        snprintf(buf, cap, "ethertype 0x%04x", type);
}

static bool tap_frame(struct shell *sh, int from, const uint8_t *f, size_t len, tl_time t)
{
    struct sh_tap *tp = sh->tap;
    if (!not_handled(sh->w->rx_drop))
        return false;
    /* The kernel's IPv6 frames (neighbour discovery, MLD) are each decoded
     * as tcpdump decodes them: the stack is IPv4 only and does not answer,
     * but they are the link's traffic, not noise. */
    if (len >= 14 && get_be16(f + 12) == 0x86dd)
        return false;
    char what[40];
    classify(f, len, what, sizeof what);
    int i;
    for (i = 0; i < tp->nkinds; i++)
        if (strcmp(tp->kind[i].what, what) == 0)
            break;
    if (i == tp->nkinds) {
        if (tp->nkinds == UNHANDLED_KINDS)
            i = UNHANDLED_KINDS - 1;           /* the last one takes the rest */
        else
            snprintf(tp->kind[tp->nkinds++].what, sizeof tp->kind[i].what, "%s", what);
    }
    tp->kind[i].n++;
    tp->unhandled++;
    return tp->kind[i].n > 1;                  /* the first of a kind is decoded */
}

/* "  (not handled by romeo's stack, so not answered: mDNS x5 (the first
 * decoded above, ...), IPv6 MLD report x2)": the counts since the last
 * summary, given when a report shows the first frame of a kind, and
 * otherwise at most once a minute. */
static void tap_report_offload(struct shell *sh)
{
    const struct offload_stats *o = sh->w->offload;
    if (!o || o->rx_bad == sh->tap->offload_bad)
        return;
    fprintf(sh->out, "tcplab: --offload: dropped %llu malformed frame%s from the kernel: %s\n",
            (unsigned long long)(o->rx_bad - sh->tap->offload_bad),
            o->rx_bad - sh->tap->offload_bad == 1 ? "" : "s", offload_err_str(o->last_bad));
    sh->tap->offload_bad = o->rx_bad;
}

static void tap_report_frames(struct shell *sh)
{
    struct sh_tap *tp = sh->tap;
    int stack = sh->w->stack[0] ? 0 : 1;
    bool any = false, first = false, counted = false;
    for (int i = 0; i < tp->nkinds; i++) {
        first |= tp->kind[i].n && !tp->kind[i].reported;
        counted |= tp->kind[i].n != tp->kind[i].reported;
    }
    tl_time now = sh_now(sh);
    if (!counted || (!first && tp->summarised && now - tp->last_summary < SUMMARY_EVERY))
        return;
    tp->summarised = true;
    tp->last_summary = now;
    for (int i = 0; i < tp->nkinds; i++) {
        uint64_t n = tp->kind[i].n - tp->kind[i].reported;
        if (!n)
            continue;
        if (!any)
            fprintf(sh->out, "%s  (not handled by %s's stack, so not answered:", sh->color ? C_DIM : "",
                    sh_host_name(sh, stack));
        fprintf(sh->out, "%s %s x%llu%s", any ? "," : "", tp->kind[i].what, (unsigned long long)n,
                tp->kind[i].reported == 0 ? " (the first decoded above, the rest only counted)" : "");
        tp->kind[i].reported = tp->kind[i].n;
        any = true;
    }
    if (any)
        fprintf(sh->out, ")%s\n", off(sh));
}

/* ---- the report's hooks ------------------------------------------------ */

static void tap_report_begin(struct shell *sh)
{
    sh->tap->first = TL_NEVER;
}

/* Between commands, what follows a report is a new one. */
static void tap_report_done(struct shell *sh)
{
    tap_report_offload(sh);            /* an error: shown whatever `show` says */
    sh_report_begin(sh);
}

static const struct sh_report_hooks tap_hooks = {
    .frame = tap_frame,
    .begin = tap_report_begin,
    .frames = tap_report_frames,
    .done = tap_report_done,
};

int sh_tap_attach(struct shell *sh)
{
    sh->tap = calloc(1, sizeof *sh->tap);
    if (!sh->tap)
        return -1;
    sh->tap->first = TL_NEVER;
    sh->hooks = &tap_hooks;
    sh_report_begin(sh);
    return 0;
}

void sh_tap_detach(struct shell *sh)
{
    if (!sh->tap)
        return;
    free(sh->tap);
    sh->tap = NULL;
    sh->hooks = NULL;
}

/* ---- between commands -------------------------------------------------- */

/* State transitions since the last report, on every host. */
static uint64_t state_events(struct shell *sh)
{
    uint64_t n = 0;
    struct hv_trans e;
    for (int h = 0; h < WORLD_HOSTS; h++) {
        const struct hostview *v = &sh->hv[h];
        uint64_t first = sh->trace_mark[h] + 1;
        if (first < v->ops->trans_first(v))
            first = v->ops->trans_first(v);
        for (uint64_t id = first; id <= v->ops->trans_last(v); id++)
            n += v->ops->trans_get(v, id, &e);
    }
    return n;
}

static bool completed(const struct shell *sh)
{
    for (int i = 0; i < sh->njobs; i++)
        if (sh->jobs[i]->completed)
            return true;
    return false;
}

/* Let pending calls use what arrived, as sh_advance does, without waiting. */
size_t sh_tap_step(struct shell *sh)
{
    size_t ran = 0;
    for (int guard = 0; guard < 10000; guard++) {
        bool progress = sh_jobs_step(sh);
        size_t n = world_service(sh->w);
        ran += n;
        if (!progress && n == 0)
            break;
    }
    struct sh_tap *tp = sh->tap;
    uint64_t sig = sh->log.n + state_events(sh) * 1000003u + completed(sh);
    if (sig != tp->sig) {
        tp->sig = sig;
        if (sh->log.n || state_events(sh) || completed(sh)) {
            tl_time now = sh_now(sh);
            if (tp->first == TL_NEVER)
                tp->first = now;
            tp->last = now;
        }
    }
    return ran;
}

bool sh_tap_printable(struct shell *sh)
{
    return sh->log.n || state_events(sh) || completed(sh);
}

tl_time sh_tap_report_due(struct shell *sh)
{
    struct sh_tap *tp = sh->tap;
    if (!sh_tap_printable(sh))
        return TL_NEVER;
    if (completed(sh) || tp->first == TL_NEVER)
        return sh_now(sh);
    return tl_min(tp->last + ASYNC_QUIET, tp->first + ASYNC_MAX);
}

void sh_tap_report(struct shell *sh)
{
    if (sh_tap_printable(sh))
        sh_report_end(sh, "", 0);      /* ends with sh_tap_report_done: marks reset */
}

struct pend_wait {
    struct shell *sh;
    int host;
};

static bool pend_done(void *ctx)
{
    struct pend_wait *w = ctx;
    sh_jobs_step(w->sh);
    return sh_job_blocking(w->sh, w->host) == NULL;
}

bool sh_tap_wait_pending(struct shell *sh, int host, tl_time limit)
{
    struct pend_wait w = {sh, host};
    bool ok = world_run_until(sh->w, pend_done, &w, sh_now(sh) + limit);
    sh_tap_step(sh);
    return ok;
}
