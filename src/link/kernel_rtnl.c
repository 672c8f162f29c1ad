/* Reading the kernel host's neighbour table, interface and address over
 * rtnetlink (rtnetlink(7)): one request on a NETLINK_ROUTE socket, then
 * the replies up to NLMSG_DONE (a dump) or the one answer.  Reads only, so
 * no privilege is needed; the socket lives for one call. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link/kernel_rtnl.h"
#include "wire/bytes.h"

int knl_replies(int fd, bool dump, uint16_t want, knl_msg_fn fn, void *ctx)
{
    _Alignas(struct nlmsghdr) char buf[32768];
    for (;;) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got < 0 ? -errno : -EIO;
        size_t left = (size_t)got;
        for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error ? e->error : dump ? -EIO : 0;
            }
            if (h->nlmsg_type == want)
                fn(ctx, h);
            if (!dump)
                return 0;
        }
    }
}

/* Send a request of `type` with `body` (its fixed part: struct ndmsg,
 * ifinfomsg, ifaddrmsg) on a socket of its own, and hand every reply of
 * type `want` to fn. */
static int rtnl_talk(uint16_t type, bool dump, const void *body, size_t blen, uint16_t want,
                     knl_msg_fn fn, void *ctx)
{
    _Alignas(struct nlmsghdr) char req[NLMSG_SPACE(64)];
    if (NLMSG_SPACE(blen) > sizeof req)
        return -EINVAL;
    memset(req, 0, sizeof req);
    struct nlmsghdr *rh = (struct nlmsghdr *)req;
    rh->nlmsg_len = NLMSG_LENGTH(blen);
    rh->nlmsg_type = type;
    rh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
    memcpy(NLMSG_DATA(rh), body, blen);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    int rc = sendto(fd, req, rh->nlmsg_len, 0, (struct sockaddr *)&nl, sizeof nl) < 0
                 ? -errno : knl_replies(fd, dump, want, fn, ctx);
    close(fd);
    return rc;
}

/* The attributes after a message's fixed part (hdrlen bytes): each one
 * with fn(ctx, type, data, len). */
static void each_attr(const struct nlmsghdr *h, size_t hdrlen,
                      void (*fn)(void *ctx, unsigned type, const void *data, size_t len), void *ctx)
{
    if (h->nlmsg_len < NLMSG_LENGTH(hdrlen))
        return;
    const char *p = (const char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen);
    size_t left = h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(hdrlen));
    while (left >= sizeof(struct rtattr)) {
        const struct rtattr *a = (const struct rtattr *)p;
        if (a->rta_len < sizeof *a || a->rta_len > left)
            break;
        fn(ctx, a->rta_type, RTA_DATA(a), a->rta_len - RTA_LENGTH(0));
        size_t step = RTA_ALIGN(a->rta_len);
        if (step >= left)
            break;
        p += step;
        left -= step;
    }
}

/* ---- neighbours -------------------------------------------------------- */

struct neigh_ctx {
    int ifindex;
    struct kneigh *out, cur;
    size_t max, n;
};

static void neigh_attr(void *ctx, unsigned type, const void *data, size_t len)
{
    struct neigh_ctx *c = ctx;
    if (type == NDA_DST && len == 4)
        c->cur.ip = get_be32(data);
    else if (type == NDA_LLADDR && len == 6) {
        c->cur.has_mac = true;
        memcpy(c->cur.mac, data, 6);
    }
}

static void neigh_msg(void *ctx, const struct nlmsghdr *h)
{
    struct neigh_ctx *c = ctx;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
        return;
    const struct ndmsg *m = NLMSG_DATA(h);
    /* `ip neigh show` leaves out NOARP entries and those with no state. */
    if (m->ndm_family != AF_INET || m->ndm_ifindex != c->ifindex ||
        !(m->ndm_state & (0xff & ~NUD_NOARP)) || c->n == c->max)
        return;
    memset(&c->cur, 0, sizeof c->cur);
    c->cur.state = m->ndm_state;
    each_attr(h, sizeof *m, neigh_attr, c);
    c->out[c->n++] = c->cur;
}

int krtnl_neigh(const char *ifname, struct kneigh *out, size_t max)
{
    int ifindex = (int)if_nametoindex(ifname);
    if (ifindex == 0)
        return -errno;
    struct ndmsg nd = {.ndm_family = AF_INET};
    struct neigh_ctx c = {.ifindex = ifindex, .out = out, .max = max};
    int rc = rtnl_talk(RTM_GETNEIGH, true, &nd, sizeof nd, RTM_NEWNEIGH, neigh_msg, &c);
    return rc < 0 ? rc : (int)c.n;
}

/* ---- the interface and its address ------------------------------------- */

static void link_attr(void *ctx, unsigned type, const void *data, size_t len)
{
    struct klink *l = ctx;
    if (type == IFLA_IFNAME && len > 0)
        snprintf(l->name, sizeof l->name, "%.*s", (int)len, (const char *)data);
    else if (type == IFLA_MTU && len == 4)
        memcpy(&l->mtu, data, 4);
    else if (type == IFLA_ADDRESS && len == 6) {
        l->has_mac = true;
        memcpy(l->mac, data, 6);
    } else if (type == IFLA_STATS64 && len >= sizeof(struct rtnl_link_stats64)) {
        struct rtnl_link_stats64 s;
        memcpy(&s, data, sizeof s);
        l->has_stats = true;
        l->rx_packets = s.rx_packets;
        l->tx_packets = s.tx_packets;
        l->rx_bytes = s.rx_bytes;
        l->tx_bytes = s.tx_bytes;
        l->rx_errors = s.rx_errors;
        l->tx_errors = s.tx_errors;
        l->rx_dropped = s.rx_dropped;
        l->tx_dropped = s.tx_dropped;
    }
}

static void link_msg(void *ctx, const struct nlmsghdr *h)
{
    struct klink *l = ctx;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return;
    const struct ifinfomsg *m = NLMSG_DATA(h);
    l->flags = m->ifi_flags;
    each_attr(h, sizeof *m, link_attr, l);
}

struct addr_ctx {
    int ifindex;
    struct klink *l;
    bool has_local;
};

static void addr_attr(void *ctx, unsigned type, const void *data, size_t len)
{
    struct addr_ctx *c = ctx;
    if (len != 4)
        return;
    /* IFA_LOCAL is the interface's own address; IFA_ADDRESS is the same
     * on a broadcast link (the peer's on a point-to-point one). */
    if (type == IFA_LOCAL || (type == IFA_ADDRESS && !c->has_local)) {
        c->l->addr = get_be32(data);
        c->l->has_addr = true;
        c->has_local |= type == IFA_LOCAL;
    } else if (type == IFA_BROADCAST) {
        c->l->bcast = get_be32(data);
        c->l->has_bcast = true;
    }
}

static void addr_msg(void *ctx, const struct nlmsghdr *h)
{
    struct addr_ctx *c = ctx;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
        return;
    const struct ifaddrmsg *m = NLMSG_DATA(h);
    if (m->ifa_family != AF_INET || (int)m->ifa_index != c->ifindex || c->l->has_addr)
        return;                        /* the first address, as ifconfig shows */
    c->l->prefix_len = m->ifa_prefixlen;
    each_attr(h, sizeof *m, addr_attr, c);
}

int krtnl_link(const char *ifname, struct klink *out)
{
    memset(out, 0, sizeof *out);
    int ifindex = (int)if_nametoindex(ifname);
    if (ifindex == 0)
        return -errno;
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
    int rc = rtnl_talk(RTM_GETLINK, false, &ifi, sizeof ifi, RTM_NEWLINK, link_msg, out);
    if (rc < 0)
        return rc;
    struct ifaddrmsg ifa = {.ifa_family = AF_INET};
    struct addr_ctx c = {.ifindex = ifindex, .l = out};
    return rtnl_talk(RTM_GETADDR, true, &ifa, sizeof ifa, RTM_NEWADDR, addr_msg, &c);
}
