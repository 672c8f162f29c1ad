/* --report: after each line of a script, tcplab's usual report of what
 * it did: the frames that crossed (decoded as tcpdump -n -S prints them,
 * '<' from the script's peer, '>' from tcplab), the state transitions
 * with their causes, and the TCB of each connection. */
#include "decode/decode.h"
#include "pdrill/pd_run.h"
#include "stack/tcp_fsm.h"
#include "views/views.h"

static void frames(struct pd_runner *r)
{
    const struct trace *t = &r->h->wire_trace;
    uint64_t first = trace_first_id(t);
    if (r->wire_seen + 1 < first)
        r->wire_seen = first - 1;
    for (uint64_t id = r->wire_seen + 1; id <= trace_last_id(t); id++) {
        const struct trace_ev *e = trace_get(t, id);
        if (!e || !e->frame || (e->kind != TRACE_TX && e->kind != TRACE_RX))
            continue;
        if (e->caplen >= 14 && e->frame[12] == 0x08 && e->frame[13] == 0x06)
            continue;                           /* ARP, answered by the runner */
        fprintf(r->o->out, "%11.6f %c ", (double)e->t / TL_SEC, e->kind == TRACE_TX ? '>' : '<');
        struct timeval tv = {(time_t)(e->t / TL_SEC), (suseconds_t)(e->t % TL_SEC)};
        decode_frame(r->dec, r->o->out, e->frame, e->caplen, e->len, tv);
    }
    r->wire_seen = trace_last_id(t);
}

static void transitions(struct pd_runner *r)
{
    const struct trace *t = &r->h->trace;
    uint64_t first = trace_first_id(t);
    if (r->trace_seen + 1 < first)
        r->trace_seen = first - 1;
    for (uint64_t id = r->trace_seen + 1; id <= trace_last_id(t); id++) {
        const struct trace_ev *e = trace_get(t, id);
        if (!e || e->kind != TRACE_STATE)
            continue;
        fprintf(r->o->out, "socket %d (fd %d): %s -> %s (%s)\n", e->sock_id, e->fd,
                tcp_state_name(e->old_state), tcp_state_name(e->new_state),
                tcp_cause_name(e->cause));
    }
    r->trace_seen = trace_last_id(t);
}

void pd_report(struct pd_runner *r)
{
    if (!r->dec) {
        struct decode_opts d = {.abs_seq = true, .tstamp = 1};
        r->dec = decoder_new(&d);
        if (!r->dec)
            return;
    }
    frames(r);
    transitions(r);
    struct view_style st = {.color = r->o->color};
    for (struct sock *s = r->h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP && s->tcb.state != TCP_LISTEN && s->tcb.state != TCP_CLOSED)
            view_tcb(r->o->out, &st, r->h, s, NULL, r->now);
}
