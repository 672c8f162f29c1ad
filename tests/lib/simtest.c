/* Scenario harness on the simulated wire (tests/lib/simtest.h). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "simtest.h"
#include "wire/bytes.h"
#include "wire/eth.h"
#include "wire/ipv4.h"

static void capture(void *ctx, int from, const uint8_t *frame, size_t len, tl_time now)
{
    struct simtest *t = ctx;
    if (t->nframes >= ST_MAX_FRAMES)
        return;
    struct cap_frame *c = &t->frames[t->nframes++];
    memset(c, 0, sizeof *c);
    c->from = from;
    c->t = now;
    c->len = len;
    memcpy(c->bytes, frame, len);
    struct eth_hdr eh;
    if (eth_parse(frame, len, &eh) != DROP_NONE)
        return;
    c->ethertype = eh.type;
    if (eh.type != ETHERTYPE_IPV4)
        return;
    struct ipv4_hdr ip;
    const uint8_t *p;
    size_t plen;
    if (ipv4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip, &p, &plen) != DROP_NONE)
        return;
    c->ip_proto = ip.proto;
    if (ip.proto == IP_PROTO_ICMP && plen >= 2) {
        c->icmp_type = p[0];
        c->icmp_code = p[1];
    }
    if (ip.proto == IP_PROTO_TCP && tcp_parse(p, plen, ip.src, ip.dst, &c->seg) == DROP_NONE) {
        c->tcp = true;
        c->seg.data = NULL;
    }
}

void st_init(struct simtest *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->net = simnet_new(seed);
    t->romeo = t->net->hosts[0];
    t->juliet = t->net->hosts[1];
    t->frames = calloc(ST_MAX_FRAMES, sizeof *t->frames);
    t->net->w.on_frame = capture;
    t->net->w.on_frame_ctx = t;
}

void st_free(struct simtest *t)
{
    simnet_free(t->net);
    free(t->frames);
}

size_t st_mark(const struct simtest *t)
{
    return t->nframes;
}

const struct cap_frame *st_tcp(const struct simtest *t, size_t mark, size_t i)
{
    for (size_t k = mark; k < t->nframes; k++)
        if (t->frames[k].tcp && i-- == 0)
            return &t->frames[k];
    return NULL;
}

size_t st_count_tcp(const struct simtest *t, size_t mark)
{
    size_t n = 0;
    for (size_t k = mark; k < t->nframes; k++)
        n += t->frames[k].tcp;
    return n;
}

struct conn_wait {
    struct host *h;
    int fd;
    int err;
};

static bool connect_done(void *ctx)
{
    struct conn_wait *w = ctx;
    return sock_connect_done(w->h, w->fd, &w->err);
}

int st_connect(struct simtest *t, struct host *h, int fd, uint32_t addr, uint16_t port)
{
    int rc = sock_connect(h, fd, addr, port, t->net->now);
    if (rc != -EINPROGRESS)
        return rc < 0 ? -rc : 0;
    struct conn_wait w = {h, fd, 0};
    if (!simnet_run_until(t->net, connect_done, &w, t->net->now + 600 * TL_SEC))
        return ETIMEDOUT;
    simnet_settle(t->net);        /* the handshake's last ACK reaches the peer */
    return w.err;
}

int st_listener(struct simtest *t, struct host *h, uint16_t port, int backlog)
{
    int fd = sock_socket(h, SOCKT_TCP);
    ck_assert_int_ge(fd, 3);
    ck_assert_int_eq(sock_bind(h, fd, 0, port), 0);
    ck_assert_int_eq(sock_listen(h, fd, backlog, t->net->now), 0);
    return fd;
}

void st_establish(struct simtest *t, int *cfd, int *sfd)
{
    int lfd = st_listener(t, t->juliet, 4000, 128);
    *cfd = sock_socket(t->romeo, SOCKT_TCP);
    ck_assert_int_ge(*cfd, 3);
    ck_assert_int_eq(st_connect(t, t->romeo, *cfd, JULIET_IP, 4000), 0);
    *sfd = sock_accept(t->juliet, lfd, NULL, NULL, t->net->now);
    ck_assert_int_ge(*sfd, 3);
}

void st_close(struct simtest *t, struct host *h, int fd)
{
    ck_assert_int_eq(sock_close(h, fd, t->net->now), 0);
    simnet_settle(t->net);
}

void st_settle(struct simtest *t)
{
    simnet_settle(t->net);
}

int st_transitions(const struct host *h, int sock_id, enum tcp_state from, enum tcp_state to)
{
    int n = 0;
    for (uint64_t id = trace_first_id(&h->trace); id <= trace_last_id(&h->trace); id++) {
        const struct trace_ev *e = trace_get(&h->trace, id);
        if (e && e->kind == TRACE_STATE && e->sock_id == sock_id && e->old_state == from &&
            e->new_state == to)
            n++;
    }
    return n;
}

enum tcp_state st_state(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    return s ? s->tcb.state : TCP_CLOSED;
}
