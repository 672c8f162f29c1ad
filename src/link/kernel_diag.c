/* The kernel's own view of its TCP sockets: one sock_diag netlink dump
 * (SOCK_DIAG_BY_FAMILY, AF_INET, every state, with TCP_INFO), the same
 * source `ss -t -a -i` reads.  Unlike getsockopt it also shows sockets
 * nobody holds a descriptor for: half-open requests, connections not yet
 * accepted, orphans in FIN-WAIT and TIME-WAIT, other programs' sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "link/kernel.h"
#include "link/kernel_rtnl.h"

/* include/net/tcp_states.h; TCP_NEW_SYN_RECV (12) is a request socket. */
enum tcp_state kdiag_state(int s)
{
    switch (s) {
    case 1: return TCP_ESTABLISHED;
    case 2: return TCP_SYN_SENT;
    case 3: case 12: return TCP_SYN_RECEIVED;
    case 4: return TCP_FIN_WAIT_1;
    case 5: return TCP_FIN_WAIT_2;
    case 6: return TCP_TIME_WAIT;
    case 8: return TCP_CLOSE_WAIT;
    case 9: return TCP_LAST_ACK;
    case 10: return TCP_LISTEN;
    case 11: return TCP_CLOSING;
    default: return TCP_CLOSED;
    }
}

int kdiag_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    return fd < 0 ? -errno : fd;
}

static void take_info(struct kinfo *k, const void *ti, size_t len)
{
    struct tcp_info t;
    memset(&t, 0, sizeof t);
    memcpy(&t, ti, len < sizeof t ? len : sizeof t);   /* older kernels send less */
    k->valid = true;
    k->retransmits = t.tcpi_retransmits;
    k->probes = t.tcpi_probes;
    k->backoff = t.tcpi_backoff;
    k->options = t.tcpi_options;
    k->snd_wscale = t.tcpi_snd_wscale;
    k->rcv_wscale = t.tcpi_rcv_wscale;
    k->rto = t.tcpi_rto;
    k->ato = t.tcpi_ato;
    k->snd_mss = t.tcpi_snd_mss;
    k->rcv_mss = t.tcpi_rcv_mss;
    k->unacked = t.tcpi_unacked;
    k->sacked = t.tcpi_sacked;
    k->lost = t.tcpi_lost;
    k->retrans = t.tcpi_retrans;
    k->total_retrans = t.tcpi_total_retrans;
    k->rtt = t.tcpi_rtt;
    k->rttvar = t.tcpi_rttvar;
    k->snd_ssthresh = t.tcpi_snd_ssthresh;
    k->snd_cwnd = t.tcpi_snd_cwnd;
    k->advmss = t.tcpi_advmss;
    k->pmtu = t.tcpi_pmtu;
    k->rcv_space = t.tcpi_rcv_space;
    k->snd_wnd = t.tcpi_snd_wnd;
    k->bytes_acked = t.tcpi_bytes_acked;
    k->bytes_received = t.tcpi_bytes_received;
    k->segs_out = t.tcpi_segs_out;
    k->segs_in = t.tcpi_segs_in;
}

void kdiag_take_info(struct kinfo *k, const void *ti, size_t len)
{
    take_info(k, ti, len);
}

static int request(int fd)
{
    struct {
        struct nlmsghdr nh;
        struct inet_diag_req_v2 r;
    } req;
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_len = sizeof req;
    req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.r.sdiag_family = AF_INET;
    req.r.sdiag_protocol = IPPROTO_TCP;
    req.r.idiag_states = ~0u;
    req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&nl, sizeof nl) < 0)
        return -errno;
    return 0;
}

static void parse_msg(const struct inet_diag_msg *m, size_t len, struct kdiag *d)
{
    memset(d, 0, sizeof *d);
    d->state = kdiag_state(m->idiag_state);
    d->syn_recv_req = m->idiag_state == 12;
    d->laddr = ntohl(m->id.idiag_src[0]);
    d->raddr = ntohl(m->id.idiag_dst[0]);
    d->lport = ntohs(m->id.idiag_sport);
    d->rport = ntohs(m->id.idiag_dport);
    d->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
    d->inode = m->idiag_inode;
    d->rqueue = m->idiag_rqueue;
    d->wqueue = m->idiag_wqueue;
    d->info.timer = m->idiag_timer;
    d->info.timer_ms = m->idiag_expires;
    /* Attributes follow the message: TCP_INFO among them. */
    size_t off = NLMSG_ALIGN(sizeof *m);
    while (off + sizeof(struct nlattr) <= len) {
        const struct nlattr *a = (const struct nlattr *)((const char *)m + off);
        if (a->nla_len < sizeof *a || off + a->nla_len > len)
            break;
        if ((a->nla_type & NLA_TYPE_MASK) == INET_DIAG_INFO) {
            int timer = d->info.timer;
            uint32_t ms = d->info.timer_ms;
            take_info(&d->info, (const char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
            d->info.timer = timer;
            d->info.timer_ms = ms;
        }
        off += NLA_ALIGN(a->nla_len);
    }
}

struct dump_ctx {
    struct kdiag *v;
    size_t n, cap;
    int err;
};

static void diag_msg(void *ctx, const struct nlmsghdr *h)
{
    struct dump_ctx *c = ctx;
    if (c->err || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct kdiag *nv = realloc(c->v, cap * sizeof *nv);
        if (!nv) {
            c->err = -ENOMEM;          /* read on to NLMSG_DONE all the same */
            return;
        }
        c->v = nv;
        c->cap = cap;
    }
    parse_msg(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), &c->v[c->n++]);
}

int kdiag_dump(int fd, struct kdiag **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (fd < 0)
        return -EBADF;
    int rc = request(fd);
    if (rc < 0)
        return rc;
    struct dump_ctx c = {0};
    rc = knl_replies(fd, true, SOCK_DIAG_BY_FAMILY, diag_msg, &c);
    *out = c.v;
    *n = c.n;
    return rc < 0 ? rc : c.err;
}
