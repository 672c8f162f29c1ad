/* The link and network layer views: the ARP cache (`ip neigh`) and the one
 * interface (`ifconfig`) of any host, read through its hostview (tcplab's
 * stack, or the kernel over rtnetlink); the routing table (`route -n`) and
 * the drop counters of tcplab's stack.  Nothing here changes a host. */
#include <net/if.h>
#include <string.h>

#include "views/hostview.h"
#include "views/view_util.h"
#include "views/views.h"
#include "wire/ipv4.h"

#define IFNAME "eth0"          /* as hostview_stack.c names the stack's interface */

static uint32_t netmask(const struct host *h)
{
    unsigned p = h->cfg.prefix_len;
    return p == 0 ? 0 : p >= 32 ? 0xffffffffu : 0xffffffffu << (32 - p);
}

/* `ip neigh` lines, with what tcplab's stack knows besides (when an entry
 * expires, the frames waiting for an answer). */
static void neigh_line(FILE *out, const struct view_style *st, const char *dev,
                       const struct hv_neigh *e)
{
    char ip[16], mac[18], left[32];
    const char *sgr = e->state & HV_NUD_REACHABLE ? "\033[32m"
                      : e->state & HV_NUD_INCOMPLETE ? "\033[33m" : NULL;
    fprintf(out, "%s dev %s ", ipv4_ntoa(e->ip, ip), dev);
    if (e->has_mac)
        fprintf(out, "lladdr %s ", eth_ntoa(e->mac, mac));
    else if (e->has_timer)
        fputc(' ', out);
    if (e->has_timer && e->state & HV_NUD_STALE) {
        fputs("STALE (expired: the next frame asks again)\n", out);
        return;
    }
    vu_sgr(out, st, sgr);
    fputs(hv_nud_name(e->state), out);
    vu_sgr(out, st, NULL);
    if (e->has_timer && e->state & HV_NUD_REACHABLE)
        fprintf(out, " (expires in %s)", vu_secs(left, e->left));
    else if (e->has_timer && e->state & HV_NUD_INCOMPLETE)
        fprintf(out, " (%d frame%s queued, request %d sent, next in %s)", e->queued,
                e->queued == 1 ? "" : "s", e->tries, vu_secs(left, e->left));
    fputc('\n', out);
}

#define NEIGH_MAX 64

int view_hv_arp(FILE *out, const struct view_style *st, const struct hostview *v, tl_time now)
{
    struct hv_neigh e[NEIGH_MAX];
    int n = v->ops->neigh(v, e, NEIGH_MAX, now);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        neigh_line(out, st, v->ifname, &e[i]);
    if (n == 0)
        fputs("(ARP cache empty)\n", out);
    return 0;
}

void view_arp(FILE *out, const struct view_style *st, const struct host *h, tl_time now)
{
    struct hostview v;
    hostview_stack(&v, (struct host *)h, -1, NULL);
    view_hv_arp(out, st, &v, now);
}

/* The interface flags net-tools prints, in its order. */
static const struct {
    unsigned bit;
    const char *name;
} if_flags[] = {
    {IFF_UP, "UP"}, {IFF_BROADCAST, "BROADCAST"}, {IFF_DEBUG, "DEBUG"},
    {IFF_LOOPBACK, "LOOPBACK"}, {IFF_POINTOPOINT, "POINTOPOINT"},
    {IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_RUNNING, "RUNNING"}, {IFF_NOARP, "NOARP"},
    {IFF_PROMISC, "PROMISC"}, {IFF_ALLMULTI, "ALLMULTI"}, {IFF_MASTER, "MASTER"},
    {IFF_SLAVE, "SLAVE"}, {IFF_MULTICAST, "MULTICAST"},
};

static void counters(FILE *out, const char *dir, uint64_t packets, bool has_bytes,
                     uint64_t bytes, uint64_t errors, uint64_t dropped)
{
    fprintf(out, "        %s packets %llu", dir, (unsigned long long)packets);
    if (has_bytes)
        fprintf(out, "  bytes %llu", (unsigned long long)bytes);
    fprintf(out, "\n        %s errors %llu  dropped %llu\n", dir, (unsigned long long)errors,
            (unsigned long long)dropped);
}

/* net-tools `ifconfig IFNAME`: tcplab's stack counts frames (not bytes);
 * the kernel's interface has the counters of `ip -s link`. */
int view_hv_ifconfig(FILE *out, const struct view_style *st, const struct hostview *v)
{
    struct hv_iface f;
    int rc = v->ops->iface(v, &f);
    if (rc < 0)
        return rc;
    char ip[16], mask[16], bcast[16], mac[18];
    vu_sgr(out, st, SGR_BOLD);
    fputs(f.name, out);
    vu_sgr(out, st, NULL);
    fprintf(out, ": flags=%u<", f.flags);
    bool first = true;
    for (size_t i = 0; i < sizeof if_flags / sizeof *if_flags; i++)
        if (f.flags & if_flags[i].bit) {
            fprintf(out, "%s%s", first ? "" : ",", if_flags[i].name);
            first = false;
        }
    fprintf(out, ">  mtu %u\n", f.mtu);
    if (f.has_addr) {
        fprintf(out, "        inet %s  netmask %s", ipv4_ntoa(f.addr, ip), ipv4_ntoa(f.mask, mask));
        if (f.has_bcast)
            fprintf(out, "  broadcast %s", ipv4_ntoa(f.bcast, bcast));
        fputc('\n', out);
    }
    fprintf(out, "        ether %s  (Ethernet)\n", eth_ntoa(f.mac, mac));
    counters(out, "RX", f.rx_packets, f.has_bytes, f.rx_bytes, f.rx_errors, f.rx_dropped);
    counters(out, "TX", f.tx_packets, f.has_bytes, f.tx_bytes, f.tx_errors, f.tx_dropped);
    return 0;
}

void view_ifconfig(FILE *out, const struct view_style *st, const struct host *h)
{
    struct hostview v;
    hostview_stack(&v, (struct host *)h, -1, NULL);
    view_hv_ifconfig(out, st, &v);
}

/* net-tools `route -n`: only the directly connected network, no gateway
 * (flag U, no G): every lab address is on the link. */
void view_route(FILE *out, const struct view_style *st, const struct host *h)
{
    char net[16], mask[16];
    uint32_t m = netmask(h);
    fputs("Kernel IP routing table\n", out);
    fprintf(out, "%-15s %-15s %-15s %-5s %-6s %-3s %6s %s\n", "Destination", "Gateway",
            "Genmask", "Flags", "Metric", "Ref", "Use", "Iface");
    fprintf(out, "%-15s %-15s %-15s %-5s %-6d %-3d %6d %s\n", ipv4_ntoa(h->cfg.addr & m, net),
            "0.0.0.0", ipv4_ntoa(m, mask), "U", 0, 0, 0, IFNAME);
}

/* Every drop has a named reason (wire/drop.h); show the non-zero ones. */
void view_drops(FILE *out, const struct view_style *st, const struct host *h)
{
    size_t namew = 0;
    int n = 0;
    for (int r = DROP_NONE + 1; r < DROP__COUNT; r++)
        if (h->drops[r]) {
            size_t len = strlen(drop_reason_name((enum drop_reason)r));
            namew = len > namew ? len : namew;
            n++;
        }
    if (n == 0) {
        fprintf(out, "%s: no frames dropped\n", h->cfg.name);
        return;
    }
    fprintf(out, "%s: frames dropped, by reason\n", h->cfg.name);
    for (int r = DROP_NONE + 1; r < DROP__COUNT; r++) {
        if (!h->drops[r])
            continue;
        fprintf(out, "  %6llu  ", (unsigned long long)h->drops[r]);
        vu_sgr(out, st, SGR_BOLD);
        fprintf(out, "%-*s", (int)namew, drop_reason_name((enum drop_reason)r));
        vu_sgr(out, st, NULL);
        fprintf(out, "  %s\n", drop_reason_text((enum drop_reason)r));
    }
}
