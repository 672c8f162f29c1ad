/* The host's socket table: allocation and freeing, descriptors, bound
 * ports, and the lookups segment arrival needs (connections by
 * (lport, raddr, rport), listeners by port), kept so that none of them
 * walks every socket: a host may hold 10,000 connections. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"

#define EPHEMERAL_LO 32768         /* Linux ip_local_port_range */
#define EPHEMERAL_HI 60999

struct sock *sock_alloc(struct host *h, enum sock_type type)
{
    struct sock *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->id = h->next_sock_id++;
    s->fd = -1;
    s->type = type;
    s->tcb.state = TCP_CLOSED;
    for (int i = 0; i < TCPT__COUNT; i++)
        s->tcb.timer[i] = TL_NEVER;
    s->tcb.rto = h->cfg.rto_initial;
    s->tcb.rto_min = h->cfg.rto_min;
    s->tcb.quickack = h->cfg.quickack;
    s->tcb.cc = h->cfg.tcp_cc;
    s->syn_overflow_at = TL_NEVER;
    bytering_init(&s->sndq, h->cfg.sndbuf);
    bytering_init(&s->rcvq, h->cfg.rcvbuf);
    s->next = h->socks;
    if (h->socks)
        h->socks->pprev = &s->next;
    s->pprev = &h->socks;
    h->socks = s;
    return s;
}

static void sock_unlink(struct sock *s)
{
    *s->pprev = s->next;
    if (s->next)
        s->next->pprev = s->pprev;
}

void sock_mark_dead(struct host *h, struct sock *s)
{
    if (!s->dead) {
        s->dead = true;
        h->ndead++;
    }
}

/* ---- lookups: bound ports, connections, listeners ------------------- */

void sock_set_port(struct host *h, struct sock *s, uint16_t port)
{
    sock_unset_port(h, s);
    s->lport = port;
    s->bound = true;
    h->port_refs[s->type - 1][port]++;
    s->port_ref = true;
}

void sock_unset_port(struct host *h, struct sock *s)
{
    if (s->port_ref)
        h->port_refs[s->type - 1][s->lport]--;
    s->port_ref = false;
    s->bound = false;
}

static unsigned conn_bucket(uint16_t lport, uint32_t raddr, uint16_t rport)
{
    uint32_t x = raddr ^ ((uint32_t)lport << 16 | rport);
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    return x % HOST_CONN_BUCKETS;
}

static void unhash(struct sock *s)
{
    if (!s->hashed)
        return;
    *s->hash_pprev = s->hash_next;
    if (s->hash_next)
        s->hash_next->hash_pprev = s->hash_pprev;
    s->hashed = false;
}

static void hash_into(struct sock **head, struct sock *s)
{
    s->hash_next = *head;
    if (*head)
        (*head)->hash_pprev = &s->hash_next;
    s->hash_pprev = head;
    *head = s;
    s->hashed = true;
}

/* Called on every state change: listeners are found by port, connections
 * by (lport, raddr, rport); CLOSED sockets by neither. */
void sock_rehash(struct host *h, struct sock *s)
{
    unhash(s);
    if (s->type != SOCKT_TCP || s->dead)
        return;
    if (s->tcb.state == TCP_LISTEN) {
        s->was_listener = true;
        hash_into(&h->listeners, s);
    } else if (s->tcb.state != TCP_CLOSED) {
        hash_into(&h->conn_hash[conn_bucket(s->lport, s->raddr, s->rport)], s);
    }
}

struct sock *sock_find_tcp(struct host *h, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    for (struct sock *s = h->conn_hash[conn_bucket(lport, raddr, rport)]; s; s = s->hash_next)
        if (s->lport == lport && s->rport == rport && s->raddr == raddr && !s->dead &&
            s->tcb.state != TCP_CLOSED)
            return s;
    for (struct sock *s = h->listeners; s; s = s->hash_next)
        if (s->lport == lport && !s->dead)
            return s;
    return NULL;
}

/* Free what a socket holds; it is already out of the host's list. */
static void sock_destroy(struct host *h, struct sock *s)
{
    if (s->fd >= 0 && s->fd < h->fds_cap && h->fds[s->fd] == s) {
        h->fds[s->fd] = NULL;
        if (s->fd < h->fd_low)
            h->fd_low = s->fd;
    }
    unhash(s);
    sock_unset_port(h, s);
    /* A listener's queued connections lose their parent. */
    if (s->was_listener)
        for (struct sock *c = h->socks; c; c = c->next)
            if (c->parent == s)
                c->parent = NULL;
    bytering_free(&s->sndq);
    bytering_free(&s->rcvq);
    tcp_ofo_free(s);
    tcp_rtx_free(s);
    udp_flush(s);
    free(s);
}

void sock_release(struct host *h, struct sock *s)
{
    sock_unlink(s);
    if (s->dead)
        h->ndead--;
    sock_destroy(h, s);
}

void sock_reap(struct host *h)
{
    if (h->ndead == 0)
        return;
    struct sock *s = h->socks;
    while (s && h->ndead > 0) {
        struct sock *n = s->next;
        if (s->dead)
            sock_release(h, s);
        s = n;
    }
}

struct sock *sock_by_fd(struct host *h, int fd)
{
    if (fd < 0 || fd >= h->fds_cap)
        return NULL;
    return h->fds[fd];
}

const struct sock *sock_by_id(const struct host *h, int id)
{
    for (const struct sock *s = h->socks; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

/* The lowest free descriptor, as on Unix; the table grows as needed. */
int sock_fd_alloc(struct host *h, struct sock *s)
{
    int fd = h->fd_low > HOST_FD_FIRST ? h->fd_low : HOST_FD_FIRST;
    while (fd < h->fds_cap && h->fds[fd])
        fd++;
    if (fd >= HOST_MAX_FD)
        return -EMFILE;
    if (fd >= h->fds_cap) {
        int cap = h->fds_cap ? h->fds_cap * 2 : 64;
        if (cap > HOST_MAX_FD)
            cap = HOST_MAX_FD;
        struct sock **t = realloc(h->fds, (size_t)cap * sizeof *t);
        if (!t)
            return -ENOMEM;
        memset(t + h->fds_cap, 0, (size_t)(cap - h->fds_cap) * sizeof *t);
        h->fds = t;
        h->fds_cap = cap;
    }
    h->fds[fd] = s;
    s->fd = fd;
    h->fd_low = fd + 1;
    return fd;
}

void sock_fd_free(struct host *h, int fd)
{
    if (fd >= 0 && fd < h->fds_cap) {
        h->fds[fd] = NULL;
        if (fd < h->fd_low)
            h->fd_low = fd;
    }
}

/* Linux's bind conflict rule, simplified to one address per host: any other
 * socket on the port conflicts, unless both set SO_REUSEADDR and the other
 * is not listening (so TIME-WAIT can be reused). */
bool sock_port_in_use(const struct host *h, enum sock_type type, uint16_t port,
                      const struct sock *except, bool reuse)
{
    uint32_t refs = h->port_refs[type - 1][port];
    if (refs == 0 || (refs == 1 && except && except->port_ref && except->lport == port &&
                      except->type == type))
        return false;
    for (const struct sock *s = h->socks; s; s = s->next) {
        if (s == except || s->type != type || !s->bound || s->lport != port || s->dead)
            continue;
        if (reuse && s->reuseaddr && s->tcb.state != TCP_LISTEN)
            continue;
        return true;
    }
    return false;
}

int sock_pick_ephemeral(struct host *h, enum sock_type type, uint16_t *port)
{
    uint32_t range = EPHEMERAL_HI - EPHEMERAL_LO + 1;
    uint32_t start = rng_below(&h->rng, range);
    for (uint32_t i = 0; i < range; i++) {
        uint16_t p = (uint16_t)(EPHEMERAL_LO + (start + i) % range);
        if (!sock_port_in_use(h, type, p, NULL, false)) {
            *port = p;
            return 0;
        }
    }
    return -EADDRNOTAVAIL;
}
