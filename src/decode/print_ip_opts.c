/* IPv4 options (RFC 791 §3.1) inside the verbose header's "options (...)".
 * tcpdump 4.99.3 print-ip.c ip_optprint; shared/docs/tcpdump-format.md §5.2.
 * Each function returns 0, or -1 if the capture ended inside the options. */
#include "decode/decode_int.h"

enum {
    IPOPT_EOL = 0,
    IPOPT_NOP = 1,
    IPOPT_RR = 7,
    IPOPT_TS = 68,
    IPOPT_SECURITY = 130,
    IPOPT_LSRR = 131,
    IPOPT_SSRR = 137,
    IPOPT_RA = 148,
    IPOPT_TRACEROUTE = 82,
};

static const struct nd_tok ip_option_names[] = {
    {IPOPT_EOL, "EOL"},
    {IPOPT_NOP, "NOP"},
    {IPOPT_TS, "timestamp"},
    {IPOPT_SECURITY, "security"},
    {IPOPT_RR, "RR"},
    {IPOPT_SSRR, "SSRR"},
    {IPOPT_LSRR, "LSRR"},
    {IPOPT_RA, "RA"},
    {IPOPT_TRACEROUTE, "traceroute"},
    {0, NULL},
};

/* RR, LSRR, SSRR: the address slots, a ',' after those already filled. */
static int print_route(struct nd *nd, uint32_t cp, uint32_t length)
{
    if (length < 3) {
        nd_print(nd, " [bad length %u]", length);
        return 0;
    }
    if ((length + 1) & 3)
        nd_print(nd, " [bad length %u]", length);
    if (!nd_ttest(nd, cp + 2, 1))
        return -1;
    uint32_t ptr = nd->pkt[cp + 2] - 1u;
    if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1)
        nd_print(nd, " [bad ptr %u]", nd->pkt[cp + 2]);
    for (uint32_t len = 3; len < length; len += 4) {
        if (!nd_ttest(nd, cp + len, 4))
            return -1;
        nd_print(nd, " ");
        nd_print_ipaddr(nd, cp + len);
        if (ptr > len)
            nd_print(nd, ",");
    }
    return 0;
}

/* The timestamp option (RFC 791, "Internet Timestamp"). */
static int print_timestamps(struct nd *nd, uint32_t cp, uint32_t length)
{
    if (length < 4) {
        nd_print(nd, "[bad length %u]", length);
        return 0;
    }
    nd_print(nd, " TS{");
    if (!nd_ttest(nd, cp + 2, 2))
        return -1;
    uint8_t flg = nd->pkt[cp + 3];
    uint32_t hoplen = (flg & 0x0f) != 0 ? 8 : 4;
    if ((length - 4) & (hoplen - 1))
        nd_print(nd, "[bad length %u]", length);
    uint32_t ptr = nd->pkt[cp + 2] - 1u;
    uint32_t len = 0;
    if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1)
        nd_print(nd, "[bad ptr %u]", nd->pkt[cp + 2]);
    switch (flg & 0x0f) {
    case 0:
        nd_print(nd, "TSONLY");
        break;
    case 1:
        nd_print(nd, "TS+ADDR");
        break;
    case 2:
        nd_print(nd, "PRESPEC2.0");
        break;
    case 3:
        nd_print(nd, "PRESPEC");
        break;
    default:
        nd_print(nd, "[bad ts type %u]", flg & 0x0f);
        goto done;
    }
    const char *type = " ";
    for (len = 4; len < length; len += hoplen) {
        if (ptr == len)
            type = " ^ ";
        if (!nd_ttest(nd, cp + len, hoplen))
            return -1;
        nd_print(nd, "%s%u@", type, nd_be32(nd, cp + len + hoplen - 4));
        if (hoplen == 8)
            nd_print_ipaddr(nd, cp + len);
        type = " ";
    }
done:
    nd_print(nd, "%s", ptr == len ? " ^ " : "");
    if (flg >> 4)
        nd_print(nd, " [%u hops not recorded]} ", flg >> 4);
    else
        nd_print(nd, "}");
    return 0;
}

int nd_ip_print_options(struct nd *nd, uint32_t cp, uint32_t length)
{
    const char *sep = "";
    uint32_t option_len;
    for (; length > 0; cp += option_len, length -= option_len) {
        nd_print(nd, "%s", sep);
        sep = ",";
        uint8_t code = nd_u8(nd, cp);
        const char *name = nd_tok_name(ip_option_names, code);
        if (name != NULL)
            nd_print(nd, "%s", name);
        else
            nd_print(nd, "unknown %u", code);
        if (code == IPOPT_NOP || code == IPOPT_EOL) {
            option_len = 1;
        } else {
            option_len = nd_u8(nd, cp + 1);
            if (option_len < 2) {
                nd_print(nd, " [bad length %u]", option_len);
                return 0;
            }
        }
        if (option_len > length) {
            nd_print(nd, " [bad length %u]", option_len);
            return 0;
        }
        if (!nd_ttest(nd, cp, option_len))
            return -1;
        switch (code) {
        case IPOPT_EOL:
            return 0;       /* later bytes are padding */
        case IPOPT_TS:
            if (print_timestamps(nd, cp, option_len) < 0)
                return -1;
            break;
        case IPOPT_RR:
        case IPOPT_SSRR:
        case IPOPT_LSRR:
            if (print_route(nd, cp, option_len) < 0)
                return -1;
            break;
        case IPOPT_RA:
            if (option_len < 4) {
                nd_print(nd, " [bad length %u]", option_len);
                break;
            }
            if (nd_be16(nd, cp + 2) != 0)
                nd_print(nd, " value %u", nd_be16(nd, cp + 2));
            break;
        default:
            break;
        }
    }
    return 0;
}
