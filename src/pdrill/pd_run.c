/* The script runner: one tcplab host on the virtual clock, the script as
 * its only peer.  Inbound packets (<) are built and given to host_input();
 * what the host sends is taken from its transmit queue (ARP answered on
 * the spot) and matched, in order, against the outbound packets (>) of
 * the script, with packetdrill's relative sequence numbers and its
 * messages on a mismatch. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "pdrill/pd_frame.h"
#include "pdrill/pd_run.h"
#include "wire/arp.h"
#include "wire/bytes.h"
#include "wire/eth.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define PD_REMOTE_PORT 40000     /* the scripted peer's port */
#define PD_ANY_WAIT (600 * TL_SEC) /* how long a '*' packet may take */

static void vset(struct pd_runner *r, bool skip, const char *fmt, va_list ap)
{
    if (r->failed || r->skipped)
        return;
    int n = snprintf(r->msg, sizeof r->msg, "%s:%d: ", r->s->path, r->ev ? r->ev->line : 0);
    vsnprintf(r->msg + n, sizeof r->msg - (size_t)n, fmt, ap);
    *(skip ? &r->skipped : &r->failed) = true;
}

void pd_fail(struct pd_runner *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(r, false, fmt, ap);
    va_end(ap);
}

void pd_skip_script(struct pd_runner *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(r, true, fmt, ap);
    va_end(ap);
}

static void answer_arp(struct pd_runner *r, const uint8_t *f, size_t len)
{
    struct arp_pkt a;
    if (arp_parse(f + ETH_HLEN, len - ETH_HLEN, &a) != DROP_NONE || a.op != ARP_OP_REQUEST)
        return;
    uint8_t out[ETH_FRAME_MIN];
    memset(out, 0, sizeof out);
    struct eth_hdr eh;
    memcpy(eh.dst, r->h->cfg.mac, ETH_ALEN);
    memcpy(eh.src, pd_peer_mac, ETH_ALEN);
    eh.type = ETHERTYPE_ARP;
    eth_build(out, &eh);
    struct arp_pkt rep = {.op = ARP_OP_REPLY, .spa = a.tpa, .tpa = a.spa};
    memcpy(rep.sha, pd_peer_mac, ETH_ALEN);
    memcpy(rep.tha, a.sha, ETH_ALEN);
    arp_build(out + ETH_HLEN, &rep);
    host_input(r->h, out, sizeof out, r->now);
}

void pd_collect(struct pd_runner *r)
{
    struct frame *f;
    while ((f = host_tx_pop(r->h)) != NULL) {
        struct eth_hdr eh;
        struct ipv4_hdr ih;
        const uint8_t *pl;
        size_t plen;
        if (eth_parse(f->data, f->len, &eh) == DROP_NONE) {
            if (eh.type == ETHERTYPE_ARP) {
                answer_arp(r, f->data, f->len);
            } else if (eh.type == ETHERTYPE_IPV4 &&
                       ipv4_parse(f->data + ETH_HLEN, f->len - ETH_HLEN, &ih, &pl, &plen) ==
                           DROP_NONE &&
                       ih.proto == IP_PROTO_TCP && plen <= sizeof r->outq[0].seg) {
                if (r->out_n == PD_OUTQ) {
                    pd_fail(r, "tcplab sent more than %d segments the script did not expect",
                            PD_OUTQ);
                } else {
                    struct pd_out *o = &r->outq[(r->out_head + r->out_n++) % PD_OUTQ];
                    o->t = r->now;
                    o->len = plen;
                    memcpy(o->seg, pl, plen);
                }
            }
        }
        host_frame_put(r->h, f);
    }
}

static void settle(struct pd_runner *r)
{
    for (int i = 0; i < 64; i++) {
        pd_collect(r);
        if (r->pending && pd_call_retry(r))
            continue;
        if (!r->h->tx_head)
            break;
    }
}

void pd_advance(struct pd_runner *r, tl_time t)
{
    settle(r);
    for (int guard = 0; guard < 1000000 && !r->failed && !r->skipped; guard++) {
        tl_time d = host_next_deadline(r->h);
        if (r->pending && r->pend_wake < d)
            d = r->pend_wake;              /* a poll's timeout ends it then */
        if (d > t)
            break;
        if (d > r->now)
            r->now = d;
        host_poll(r->h, r->now);
        settle(r);
    }
    if (t > r->now && t != TL_NEVER)
        r->now = t;
    settle(r);
}

static tl_time ev_time(const struct pd_runner *r, enum pd_time_kind k, tl_time t, tl_time base)
{
    switch (k) {
    case PDT_ABS: return t;
    case PDT_REL: return base + t;
    case PDT_ANY: return r->now;
    }
    return r->now;
}

static uint32_t ts_live(const struct pd_runner *r, uint32_t script)
{
    for (int i = r->nts - 1; i >= 0; i--)
        if (r->ts[i].script == script)
            return r->ts[i].live;
    return script;
}

static void inject(struct pd_runner *r, const struct pd_pkt *p)
{
    if (!r->lport) {
        if (!r->bound_port) {
            pd_fail(r, "no socket is bound for the script's packet to go to");
            return;
        }
        r->lport = r->bound_port;
        r->rport = PD_REMOTE_PORT;
    }
    struct pd_wire w = {.src = r->s->remote_ip, .dst = r->s->local_ip, .sport = r->rport,
                        .dport = r->lport, .seq = p->seq};
    memcpy(w.dmac, r->h->cfg.mac, ETH_ALEN);
    w.ack = p->has_ack ? p->ack + r->local_isn : 0;
    struct pd_opt opt[PD_MAX_OPTS];
    memcpy(opt, p->opt, sizeof opt);
    for (int i = 0; i < p->nopt; i++) {
        if (opt[i].kind == PDO_TS)
            opt[i].b = ts_live(r, opt[i].b);
        if (opt[i].kind == PDO_SACK)
            for (int b = 0; b < opt[i].nsack; b++) {
                opt[i].sack[b][0] += r->local_isn;
                opt[i].sack[b][1] += r->local_isn;
            }
    }
    uint8_t ob[64], frame[ETH_FRAME_MAX];
    int olen = p->opts_any ? 0 : pd_opts_encode(opt, p->nopt, ob);
    size_t n = olen < 0 ? 0 : pd_frame_tcp(frame, sizeof frame, &w, p, ob, (size_t)olen);
    if (!n) {
        pd_fail(r, "the packet does not fit in a frame (tcplab's link has an MTU of 1500 bytes)");
        return;
    }
    host_input(r->h, frame, n, r->now);
    settle(r);
}

/* The live segment in the script's terms: sequence numbers relative to
 * tcplab's ISN, its TS values as the script wrote them. */
static void to_script(const struct pd_runner *r, struct pd_pkt *a)
{
    a->seq -= r->local_isn;
    a->end -= r->local_isn;
}

static void print_pair(struct pd_runner *r, const struct pd_pkt *want, tl_time twant,
                       const struct pd_pkt *got, tl_time tgot)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *m = open_memstream(&buf, &sz);
    if (!m)
        return;
    fprintf(m, "\nscript packet: %9.6f ", (double)twant / TL_SEC);
    pd_print_packet(m, want);
    fprintf(m, "\nactual packet: %9.6f ", (double)tgot / TL_SEC);
    pd_print_packet(m, got);
    fclose(m);
    size_t used = strlen(r->msg);
    snprintf(r->msg + used, sizeof r->msg - used, "%s", buf);
    free(buf);
}

static bool field(struct pd_runner *r, const char *name, uint32_t want, uint32_t got)
{
    if (want == got)
        return true;
    pd_fail(r, "error handling packet: live packet field %s: expected: %u (0x%x) vs actual: %u (0x%x)",
            name, want, want, got, got);
    return false;
}

static bool options_match(struct pd_runner *r, const struct pd_pkt *want, struct pd_pkt *got)
{
    if (want->opts_any || r->o->ignore_options)
        return true;
    bool ok = want->nopt == got->nopt;
    for (int i = 0; ok && i < want->nopt; i++) {
        const struct pd_opt *w = &want->opt[i];
        struct pd_opt *g = &got->opt[i];
        if (w->kind != g->kind)
            ok = false;
        else if (w->kind == PDO_TS)
            ok = w->b == g->b;          /* TS val is tcplab's clock: mapped, not compared */
        else if (w->kind == PDO_SACK)
            ok = w->nsack == g->nsack && memcmp(w->sack, g->sack, sizeof w->sack) == 0;
        else if (w->kind == PDO_MSS || w->kind == PDO_WSCALE)
            ok = w->a == g->a;
        else if (w->kind == PDO_FO || w->kind == PDO_OTHER)
            ok = w->len == g->len && memcmp(w->bytes, g->bytes, w->len) == 0;
    }
    if (!ok) {
        pd_fail(r, "error handling packet: bad outbound TCP options");
        return false;
    }
    for (int i = 0; i < want->nopt; i++)
        if (want->opt[i].kind == PDO_TS && r->nts < PD_TSMAP) {
            r->ts[r->nts].script = want->opt[i].a;
            r->ts[r->nts++].live = got->opt[i].a;
            got->opt[i].a = want->opt[i].a;   /* printed as the script wrote it */
        }
    return true;
}

static void expect(struct pd_runner *r, const struct pd_event *e, tl_time t)
{
    bool any = e->tkind == PDT_ANY;
    tl_time lo = any ? 0 : t - r->s->tolerance;
    tl_time hi = (e->range ? ev_time(r, e->end_kind, e->t_end, t) : t) + r->s->tolerance;
    if (any)
        hi = r->now + PD_ANY_WAIT;
    settle(r);
    while (r->out_n == 0 && !r->failed) {
        tl_time d = host_next_deadline(r->h);
        if (d > hi || d == TL_NEVER)
            break;
        pd_advance(r, d > r->now ? d : r->now);
    }
    if (r->failed || r->skipped)
        return;
    if (r->out_n == 0) {
        pd_advance(r, hi);
        pd_fail(r, "error handling packet: timed out waiting for packet");
        print_pair(r, &e->pkt, t, &e->pkt, r->now);
        char *nl = strstr(r->msg, "\nactual packet:");
        if (nl)
            snprintf(nl, sizeof r->msg - (size_t)(nl - r->msg), "\nactual packet: none");
        return;
    }
    struct pd_out *o = &r->outq[r->out_head];
    r->out_head = (r->out_head + 1) % PD_OUTQ;
    r->out_n--;
    struct pd_pkt got;
    uint16_t sport, dport;
    if (pd_pkt_from_seg(o->seg, o->len, &got, &sport, &dport) < 0) {
        pd_fail(r, "tcplab sent a malformed TCP segment");
        return;
    }
    const struct pd_pkt *want = &e->pkt;
    if (got.flags & TH_SYN) {              /* a new connection on the tuple: its ISN */
        r->local_isn = got.seq - want->seq;
    }
    if (!r->lport) {
        r->lport = sport;
        r->rport = dport;
    }
    to_script(r, &got);
    if (o->t < lo || o->t > hi) {
        pd_fail(r, "error handling packet: timing error: expected outbound packet at %.6f sec "
                   "but happened at %.6f sec; tolerance %.6f sec",
                (double)t / TL_SEC, (double)o->t / TL_SEC, (double)r->s->tolerance / TL_SEC);
    } else if (field(r, "tcp_flags", want->flags, got.flags) &&
               field(r, "tcp_seq", want->seq, got.seq) &&
               field(r, "tcp_data_len", want->len, got.len) &&
               (!want->has_ack || field(r, "tcp_ack_seq", want->ack, got.ack)) &&
               (!want->has_win || r->o->ignore_window ||
                field(r, "tcp_window", want->win, got.win)) &&
               (!want->has_urg || field(r, "tcp_urg_ptr", want->urg, got.urg)) &&
               options_match(r, want, &got)) {
        r->last = any || e->range ? o->t : t;
        return;
    }
    print_pair(r, want, t, &got, o->t);
}

/* After the last event: a call still blocked must return, as packetdrill
 * waits for it. */
static void finish_pending(struct pd_runner *r)
{
    if (!r->pending || r->failed || r->skipped)
        return;
    const struct pd_event *e = r->pend;
    tl_time end = e->blocking ? ev_time(r, e->end_kind, e->t_end, r->pend_base)
                              : r->pend_start;
    pd_advance(r, end + r->s->tolerance);
    if (r->pending) {
        r->ev = e;
        pd_fail(r, "%s call did not return by %.6f sec (it is still blocked)", e->call.name,
                (double)(end + r->s->tolerance) / TL_SEC);
    }
}

static void run_event(struct pd_runner *r, const struct pd_event *e)
{
    tl_time t = ev_time(r, e->tkind, e->t, r->last);
    if (e->kind == PDE_PACKET && !e->pkt.inbound) {
        expect(r, e, t);
        return;
    }
    pd_advance(r, t);
    if (r->failed || r->skipped)
        return;
    tl_time base = r->last;
    r->last = t;
    switch (e->kind) {
    case PDE_PACKET:
        inject(r, &e->pkt);
        break;
    case PDE_CALL:
        if (r->pending) {
            pd_fail(r, "%s call while the %s call of line %d is still blocked", e->call.name,
                    r->pend->call.name, r->pend->line);
            break;
        }
        r->pend_base = e->tkind == PDT_REL ? base : 0;
        r->pend_wake = TL_NEVER;
        if (!pd_call_start(r, e)) {
            r->pending = true;
            r->pend = e;
            r->pend_start = t;
        }
        settle(r);
        break;
    case PDE_SHELL:
        pd_shell_line(r, e);
        break;
    case PDE_PYTHON:
        pd_python(r, e);
        break;
    }
    settle(r);
}

static struct host *new_host(const struct pd_script *s, const struct pd_opts *o)
{
    struct host_config cfg;
    host_config_default(&cfg, 0, 1);
    cfg.addr = s->local_ip;
    cfg.prefix_len = 0;            /* every address on the link: the script is the peer */
    if (o->report)
        cfg.frame_snap = ETH_FRAME_MAX;
    return host_new(&cfg);
}

enum pd_verdict pd_run(const struct pd_script *s, const struct pd_opts *o)
{
    struct pd_runner r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.o = o;
    r.pend_wake = TL_NEVER;
    r.h = new_host(s, o);
    r.outq = calloc(PD_OUTQ, sizeof *r.outq);
    if (!r.h || !r.outq) {
        fprintf(o->out, "FAIL %s: out of memory\n", s->path);
        free(r.outq);
        if (r.h)
            host_free(r.h);
        return PD_FAIL;
    }
    for (int i = 0; i < s->nnote; i++)
        fprintf(o->out, "%s\n", s->notes[i]);
    for (int i = 0; i < s->nev && !r.failed && !r.skipped; i++) {
        r.ev = &s->ev[i];
        run_event(&r, &s->ev[i]);
        if (o->report) {
            fprintf(o->out, "--- line %d\n", s->ev[i].line);
            pd_report(&r);
        }
    }
    finish_pending(&r);
    enum pd_verdict v = r.failed ? PD_FAIL : r.skipped ? PD_SKIP : PD_PASS;
    if (v == PD_PASS)
        fprintf(o->out, "PASS %s\n", s->path);
    else
        fprintf(o->out, "%s %s\n", v == PD_FAIL ? "FAIL" : "SKIP", r.msg);
    if (r.dec)
        decoder_free(r.dec);
    free(r.outq);
    host_free(r.h);
    return v;
}
