/* The kernel host's link layer as the kernel itself reports it over
 * rtnetlink (what `ip neigh`, `ip -s link` and `ip addr` read): its
 * neighbour table, and its interface with address and counters.  The read
 * side of tap mode's kernel host, for the views (arp, ifconfig). */
#ifndef TCPLAB_KERNEL_RTNL_H
#define TCPLAB_KERNEL_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* One neighbour (ARP) entry: RTM_NEWNEIGH with its NUD_* state bits
 * (linux/neighbour.h), as `ip neigh` lists them. */
struct kneigh {
    uint32_t ip;
    bool has_mac;
    uint8_t mac[6];
    uint16_t state;            /* NUD_* */
};

/* One interface: RTM_NEWLINK (flags, MTU, address, IFLA_STATS64) and its
 * first IPv4 address from RTM_NEWADDR. */
struct klink {
    char name[16];
    unsigned flags;            /* IFF_* */
    unsigned mtu;
    bool has_mac;
    uint8_t mac[6];
    bool has_addr, has_bcast;
    uint32_t addr, bcast;
    unsigned prefix_len;
    bool has_stats;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

/* The IPv4 neighbours on interface `ifname` that `ip neigh show dev
 * IFNAME` lists (every state but NOARP), at most max of them.  Returns how
 * many, or a negative errno. */
int krtnl_neigh(const char *ifname, struct kneigh *out, size_t max);
/* Interface `ifname`: 0, or a negative errno. */
int krtnl_link(const char *ifname, struct klink *out);

/* The replies on netlink socket fd to a request just sent: each message
 * of type `want` to fn, up to NLMSG_DONE (dump) or the first message (a
 * request for one object).  0, or a negative errno (the kernel's). */
typedef void (*knl_msg_fn)(void *ctx, const struct nlmsghdr *h);
int knl_replies(int fd, bool dump, uint16_t want, knl_msg_fn fn, void *ctx);

#endif
