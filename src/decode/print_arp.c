/* ARP (RFC 826) and RARP over Ethernet.
 * tcpdump 4.99.3 print-arp.c; shared/docs/tcpdump-format.md §4. */
#include "decode/decode_int.h"

#define ARP_FIXED_LEN 8         /* hrd, pro, hln, pln, op */
#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_TRAIL 0x1000

static const struct nd_tok hardware_types[] = {
    {1, "Ethernet"},
    {6, "TokenRing"},
    {7, "ArcNet"},
    {15, "FrameRelay"},
    {19, "ATM (RFC 2225)"},
    {23, "Strip"},
    {24, "IEEE 1394"},
    {0, NULL},
};

static const struct nd_tok operations[] = {
    {1, "Request"},
    {2, "Reply"},
    {3, "Reverse Request"},
    {4, "Reverse Reply"},
    {8, "Inverse Request"},
    {9, "Inverse Reply"},
    {10, "NACK Reply"},
    {0, NULL},
};

/* Field offsets inside one ARP packet, from its two address lengths. */
struct arp_layout {
    uint32_t sha, spa, tha, tpa;
    uint8_t hln, pln;
    uint16_t pro;
};

/* A hardware address: a MAC for 6 bytes, else hex bytes joined by ':'
 * (tcpdump's linkaddr_string). */
static void print_hwaddr(struct nd *nd, uint32_t off, uint8_t hln)
{
    if (!nd_ttest(nd, off, hln))
        nd_trunc(nd);
    if (hln == 6) {
        nd_print_macaddr(nd, off);
        return;
    }
    if (hln == 0) {
        nd_print(nd, "<empty>");
        return;
    }
    for (uint8_t i = 0; i < hln; i++)
        nd_print(nd, i ? ":%02x" : "%02x", nd->pkt[off + i]);
}

/* A protocol address, only if it is IPv4 (tpaddr_print_ip / spaddr_print_ip). */
static void print_paddr(struct nd *nd, const struct arp_layout *a, uint32_t off)
{
    if (a->pro != ETHERTYPE_IP && a->pro != ETHERTYPE_TRAIL)
        nd_print(nd, "<wrong proto type>");
    else if (a->pln != 4)
        nd_print(nd, "<wrong len>");
    else
        nd_print_ipaddr(nd, off);
}

static bool is_nonzero(struct nd *nd, uint32_t off, uint8_t n)
{
    for (uint8_t i = 0; i < n; i++)
        if (nd_u8(nd, off + i) != 0)
            return true;
    return false;
}

void nd_arp_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t caplen)
{
    nd->proto = "arp";
    if (!nd_ttest(nd, off, ARP_FIXED_LEN))
        nd_trunc(nd);
    uint16_t hrd = nd_be16(nd, off);
    struct arp_layout a;
    a.pro = nd_be16(nd, off + 2);
    a.hln = nd_u8(nd, off + 4);
    a.pln = nd_u8(nd, off + 5);
    uint16_t op = nd_be16(nd, off + 6);
    a.sha = off + ARP_FIXED_LEN;
    a.spa = a.sha + a.hln;
    a.tha = a.spa + a.pln;
    a.tpa = a.tha + a.hln;

    /* ATM ARP (RFC 2225) has another layout; tcplab does not decode it. */
    if (hrd == 19 || !nd_ttest(nd, a.tpa, a.pln))
        nd_trunc(nd);
    if (!nd->opts->link)
        nd_print(nd, "ARP, ");

    bool plain = (a.pro == ETHERTYPE_IP || a.pro == ETHERTYPE_TRAIL) &&
                 a.pln == 4 && a.hln != 0;
    if (!plain || nd->opts->verbose) {
        const char *h = nd_tok_name(hardware_types, hrd);
        if (h != NULL)
            nd_print(nd, "%s", h);
        else
            nd_print(nd, "Unknown Hardware (%u)", hrd);
        nd_print(nd, " (len %u), ", a.hln);
        const char *pn = nd_ethertype_lookup(a.pro);
        if (pn != NULL)
            nd_print(nd, "%s", pn);
        else
            nd_print(nd, "Unknown Protocol (0x%04x)", a.pro);
        nd_print(nd, " (len %u)", a.pln);
        if (!nd->opts->verbose)
            goto out;           /* address formats unknown: no operation */
    }

    const char *opname = nd_tok_name(operations, op);
    if (opname != NULL)
        nd_print(nd, "%s%s ", nd->opts->verbose ? ", " : "", opname);
    else
        nd_print(nd, "%sUnknown (%u) ", nd->opts->verbose ? ", " : "", op);

    switch (op) {
    case 1:
        nd_print(nd, "who-has ");
        print_paddr(nd, &a, a.tpa);
        if (is_nonzero(nd, a.tha, a.hln)) {
            nd_print(nd, " (");
            print_hwaddr(nd, a.tha, a.hln);
            nd_print(nd, ")");
        }
        nd_print(nd, " tell ");
        print_paddr(nd, &a, a.spa);
        break;
    case 2:
        print_paddr(nd, &a, a.spa);
        nd_print(nd, " is-at ");
        print_hwaddr(nd, a.sha, a.hln);
        break;
    case 3:
    case 8:
        nd_print(nd, "who-is ");
        print_hwaddr(nd, a.tha, a.hln);
        nd_print(nd, " tell ");
        print_hwaddr(nd, a.sha, a.hln);
        break;
    case 4:
        print_hwaddr(nd, a.tha, a.hln);
        nd_print(nd, " at ");
        print_paddr(nd, &a, a.tpa);
        break;
    case 9:
        print_hwaddr(nd, a.sha, a.hln);
        nd_print(nd, " at ");
        print_paddr(nd, &a, a.spa);
        break;
    default:
        nd_default_print(nd, off, caplen);
        return;
    }
out:
    nd_print(nd, ", length %u", length);
}
