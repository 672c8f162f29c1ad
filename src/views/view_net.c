/* The link and network layer views: the ARP cache (`ip neigh`), the one
 * interface (`ifconfig`), the routing table (`route -n`) and the drop
 * counters.  They read struct host and print; nothing here changes it. */
#include <string.h>

#include "views/view_util.h"
#include "views/views.h"
#include "wire/ipv4.h"

/* Each host has one Ethernet interface; Linux would call it eth0. */
#define IFNAME "eth0"
#define IF_MTU 1500

static uint32_t netmask(const struct host *h)
{
    unsigned p = h->cfg.prefix_len;
    return p == 0 ? 0 : p >= 32 ? 0xffffffffu : 0xffffffffu << (32 - p);
}

/* `ip neigh` lines.  REACHABLE entries are used until they expire
 * (cfg.arp_ttl); an INCOMPLETE entry is a request sent and unanswered, with
 * the frames that wait for the answer (RFC 826; RFC 1122 §2.3.2.2 asks to
 * keep at least one). */
void view_arp(FILE *out, const struct view_style *st, const struct host *h, tl_time now)
{
    int n = 0;
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        const struct arp_entry *e = &h->arp[i];
        char ip[16], mac[18], left[32];
        if (!e->used)
            continue;
        n++;
        fprintf(out, "%s dev %s ", ipv4_ntoa(e->ip, ip), IFNAME);
        if (e->resolved && e->expires > now) {
            fprintf(out, "lladdr %s ", eth_ntoa(e->mac, mac));
            vu_sgr(out, st, "\033[32m");
            fputs("REACHABLE", out);
            vu_sgr(out, st, NULL);
            fprintf(out, " (expires in %s)\n", vu_secs(left, e->expires - now));
        } else if (e->resolved) {
            fprintf(out, "lladdr %s STALE (expired: the next frame asks again)\n",
                    eth_ntoa(e->mac, mac));
        } else {
            fputc(' ', out);
            vu_sgr(out, st, "\033[33m");
            fputs("INCOMPLETE", out);
            vu_sgr(out, st, NULL);
            fprintf(out, " (%d frame%s queued, request %d sent, next in %s)\n", e->nwaiting,
                    e->nwaiting == 1 ? "" : "s", e->tries, vu_secs(left, e->expires - now));
        }
    }
    if (n == 0)
        fputs("(ARP cache empty)\n", out);
}

/* Drops before the frame left the host are transmit drops; the rest were
 * received and thrown away by some layer. */
static bool drop_is_tx(enum drop_reason r)
{
    return r == DROP_ARP_QUEUE_FULL || r == DROP_ARP_UNRESOLVED;
}

/* net-tools `ifconfig eth0`, with the counters the stack keeps (frames,
 * not bytes).  flags=67 is UP|BROADCAST|RUNNING: no multicast here. */
void view_ifconfig(FILE *out, const struct view_style *st, const struct host *h)
{
    char ip[16], mask[16], bcast[16], mac[18];
    uint64_t rx_drop = 0, tx_drop = 0;
    for (int r = DROP_NONE + 1; r < DROP__COUNT; r++) {
        if (drop_is_tx((enum drop_reason)r))
            tx_drop += h->drops[r];
        else
            rx_drop += h->drops[r];
    }
    uint32_t m = netmask(h);
    vu_sgr(out, st, SGR_BOLD);
    fputs(IFNAME, out);
    vu_sgr(out, st, NULL);
    fprintf(out, ": flags=67<UP,BROADCAST,RUNNING>  mtu %d\n", IF_MTU);
    fprintf(out, "        inet %s  netmask %s  broadcast %s\n", ipv4_ntoa(h->cfg.addr, ip),
            ipv4_ntoa(m, mask), ipv4_ntoa((h->cfg.addr & m) | ~m, bcast));
    fprintf(out, "        ether %s  (Ethernet)\n", eth_ntoa(h->cfg.mac, mac));
    fprintf(out, "        RX packets %llu\n", (unsigned long long)h->rx_frames);
    fprintf(out, "        RX errors 0  dropped %llu\n", (unsigned long long)rx_drop);
    fprintf(out, "        TX packets %llu\n", (unsigned long long)h->tx_frames);
    fprintf(out, "        TX errors 0  dropped %llu\n", (unsigned long long)tx_drop);
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
