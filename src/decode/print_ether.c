/* Ethernet II (DLT_EN10MB): the first printer of every frame.  Prints the
 * -e header, walks 802.1Q tags, and hands the payload to IPv4, IPv6 or ARP.
 * tcpdump 4.99.3 print-ether.c; shared/docs/tcpdump-format.md §3. */
#include "decode/decode_int.h"

#define ETHER_HDRLEN 14
#define ETHER_ADDRS_LEN 12
#define MAX_8023_LENGTH 1500    /* a type field below this is an 802.3 length */

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_REVARP 0x8035
#define ETHERTYPE_IPV6 0x86dd

/* tcpdump's ethertype_values (the names it prints after "ethertype ") */
static const struct nd_tok ethertypes[] = {
    {0x0600, "NS"},
    {0x0800, "IPv4"},
    {0x0707, "GeoNet (old)"},
    {0x0806, "ARP"},
    {0x1000, "Trail"},
    {0x1111, "CALM FAST"},
    {0x6001, "MOP DL"},
    {0x6002, "MOP RC"},
    {0x6003, "DN"},
    {0x6004, "LAT"},
    {0x6007, "SCA"},
    {0x6558, "TEB"},
    {0x8035, "Reverse ARP"},
    {0x8038, "Lanbridge"},
    {0x803c, "DEC DNS"},
    {0x803e, "DEC DTS"},
    {0x805b, "VEXP"},
    {0x805c, "VPROD"},
    {0x809b, "Appletalk"},
    {0x80f3, "Appletalk ARP"},
    {0x8100, "802.1Q"},
    {0x8137, "IPX"},
    {0x86dd, "IPv6"},
    {0x8808, "MPCP"},
    {0x8809, "Slow Protocols"},
    {0x880b, "PPP"},
    {0x8847, "MPLS unicast"},
    {0x8848, "MPLS multicast"},
    {0x8863, "PPPoE D"},
    {0x8864, "PPPoE S"},
    {0x886f, "MS NLB heartbeat"},
    {0x888e, "EAPOL"},
    {0x8899, "Realtek protocols"},
    {0x88a2, "AoE"},
    {0x88a8, "802.1Q-QinQ"},
    {0x88ca, "TIPC"},
    {0x88cc, "LLDP"},
    {0x88e5, "802.1AE MACsec"},
    {0x88f7, "PTP"},
    {0x8902, "CFM"},
    {0x893a, "IEEE1905.1"},
    {0x8947, "GeoNet"},
    {0x894f, "NSH"},
    {0x9000, "Loopback"},
    {0x9100, "802.1Q-9100"},
    {0x9200, "802.1Q-9200"},
    {0xabcd, "CFM (old)"},
    {0xd28b, "Arista Vendor Specific Protocol"},
    {0xfefe, "OSI"},
    {0, NULL},
};

const char *nd_ethertype_lookup(uint16_t type)
{
    return nd_tok_name(ethertypes, type);
}

static bool is_vlan_type(uint16_t t)
{
    return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200;
}

static void print_addresses(struct nd *nd)
{
    nd_print_macaddr(nd, 6);
    nd_print(nd, " > ");
    nd_print_macaddr(nd, 0);
    nd_print(nd, ", ");
}

static void print_type(struct nd *nd, uint16_t type)
{
    const char *name = nd_ethertype_lookup(type);
    nd_print(nd, "ethertype %s (0x%04x)", name != NULL ? name : "Unknown", type);
}

/* The payload printers we have; false means "print it raw". */
static bool ethertype_print(struct nd *nd, uint16_t type, uint32_t off,
                            uint32_t length, uint32_t caplen)
{
    switch (type) {
    case ETHERTYPE_IP:
        nd_ip_print(nd, off, length);
        return true;
    case ETHERTYPE_IPV6:
        nd_ip6_print(nd, off, length);
        return true;
    case ETHERTYPE_ARP:
    case ETHERTYPE_REVARP:
        nd_arp_print(nd, off, length, caplen);
        return true;
    default:
        return false;
    }
}

void nd_ether_print(struct nd *nd, uint32_t len, uint32_t caplen)
{
    nd->proto = "ether";
    if (caplen < ETHER_HDRLEN) {
        nd_print_trunc(nd);
        nd->ll_hdr_len = caplen;
        return;
    }
    uint32_t orig_length = len;
    uint32_t length = len - ETHER_ADDRS_LEN;
    caplen -= ETHER_ADDRS_LEN;
    uint32_t off = ETHER_ADDRS_LEN;
    bool printed_length = false;

    if (nd->opts->link)
        print_addresses(nd);

    uint16_t type = nd_be16(nd, off);
    length -= 2;
    caplen -= 2;
    off += 2;

    /* 802.1Q and friends: a tag, then the real type (possibly another tag). */
    while (is_vlan_type(type)) {
        if (length < 6 || caplen < 6) {
            nd->proto = "vlan";
            nd_print_trunc(nd);
            nd->ll_hdr_len = nd->caplen;
            return;
        }
        if (nd->opts->link) {
            uint16_t tci = nd_be16(nd, off);
            print_type(nd, type);
            if (!printed_length)
                nd_print(nd, ", length %u: ", orig_length);
            else
                nd_print(nd, ", ");
            printed_length = true;
            nd_print(nd, "vlan %u, p %u%s, ", tci & 0xfff, tci >> 13,
                     (tci & 0x1000) ? ", DEI" : "");
        }
        type = nd_be16(nd, off + 2);
        off += 4;
        length -= 4;
        caplen -= 4;
    }
    nd->ll_hdr_len = off;

    if (type <= MAX_8023_LENGTH) {
        /* 802.3 with an LLC header: not decoded by tcplab; shown raw. */
        if (nd->opts->link)
            nd_print(nd, "802.3, length %u: ", type);
        else {
            print_addresses(nd);
            nd_print(nd, "802.3, length %u: ", type);
        }
        if (nd->opts->hex == 0)     /* -x/-X suppress the default print */
            nd_default_print(nd, off, caplen);
        return;
    }

    if (nd->opts->link) {
        print_type(nd, type);
        if (!printed_length)
            nd_print(nd, ", length %u: ", orig_length);
        else
            nd_print(nd, ", ");
    }
    if (!ethertype_print(nd, type, off, length, caplen)) {
        if (!nd->opts->link) {
            print_addresses(nd);
            print_type(nd, type);
            nd_print(nd, ", length %u: ", orig_length);
        }
        if (nd->opts->hex == 0)     /* -x/-X suppress the default print */
            nd_default_print(nd, off, caplen);
    }
}
