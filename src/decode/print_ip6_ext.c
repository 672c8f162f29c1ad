/* The IPv6 extension headers (RFC 8200 §4): Hop-by-Hop and Destination
 * Options with their options (Pad1, PadN, Router Alert RFC 2711, Jumbo
 * Payload RFC 2675, Home Address RFC 6275), Fragment, and Routing (types
 * 0, 2 and 4, RFC 8754).  tcpdump 4.99.3 print-ip6opts.c, print-frag6.c,
 * print-rt6.c.  Each returns the header's length, or -1 when the walk
 * stops there (a truncation or a header it cannot go past). */
#include "decode/decode_int.h"

enum {
    OPT_PAD1 = 0x00,
    OPT_PADN = 0x01,
    OPT_ROUTER_ALERT = 0x05,
    OPT_JUMBO = 0xc2,
    OPT_HOME_ADDRESS = 0xc9,
    OPT_MINLEN = 2,
    OPT_RTALERT_LEN = 4,
    OPT_JUMBO_LEN = 6,
    OPT_HOMEADDR_MINLEN = 18,
};

/* The sub-options of a Home Address option (ip6_sopt_print). */
static int sub_options(struct nd *nd, uint32_t bp, int len)
{
    int optlen;
    for (int i = 0; i < len; i += optlen) {
        uint8_t type = nd_u8(nd, bp + (uint32_t)i);
        if (type == OPT_PAD1) {
            optlen = 1;
        } else {
            if (i + 1 >= len)
                return -1;
            optlen = nd_u8(nd, bp + (uint32_t)i + 1) + 2;
        }
        if (i + optlen > len)
            return -1;
        if (type == OPT_PAD1) {
            nd_print(nd, ", pad1");
        } else if (type == OPT_PADN) {
            if (len - i < OPT_MINLEN) {
                nd_print(nd, ", padn: trunc");
                return -1;
            }
            nd_print(nd, ", padn");
        } else {
            if (len - i < OPT_MINLEN) {
                nd_print(nd, ", sopt_type %u: trunc)", type);
                return -1;
            }
            nd_print(nd, ", sopt_type 0x%02x: len=%u", type, nd_u8(nd, bp + (uint32_t)i + 1));
        }
    }
    return 0;
}

/* A Jumbo Payload option's verdict (RFC 2675 §2); payload_len is NULL
 * outside a Hop-by-Hop header. */
static void jumbo(struct nd *nd, uint32_t jumbolen, bool *seen, bool *found,
                  uint32_t *payload_len)
{
    bool v = nd->opts->verbose != 0;
    if (*seen) {
        if (v)
            nd_print(nd, "(jumbo: %u - already seen) ", jumbolen);
        return;
    }
    *seen = true;
    if (payload_len == NULL) {
        if (v)
            nd_print(nd, "(jumbo: %u - not a hop-by-hop option) ", jumbolen);
    } else if (*payload_len != 0) {
        if (v)
            nd_print(nd, "(jumbo: %u - payload len != 0) ", jumbolen);
    } else if (jumbolen < 65536) {
        if (v)
            nd_print(nd, "(jumbo: %u - < 65536) ", jumbolen);
    } else {
        *found = true;
        *payload_len = jumbolen;
        if (v)
            nd_print(nd, "(jumbo: %u) ", jumbolen);
    }
}

/* ip6_opt_process: the options of a Hop-by-Hop or Destination header. */
static int options(struct nd *nd, uint32_t bp, int len, bool *found_jumbo,
                   uint32_t *payload_len)
{
    bool v = nd->opts->verbose != 0, seen = false;
    int optlen = 0;
    if (len == 0)
        return 0;
    for (int i = 0; i < len; i += optlen) {
        uint32_t o = bp + (uint32_t)i;
        uint8_t type = nd_u8(nd, o);
        if (type == OPT_PAD1) {
            optlen = 1;
        } else {
            if (i + 1 >= len)
                return -1;
            optlen = nd_u8(nd, o + 1) + 2;
        }
        if (i + optlen > len)
            return -1;
        switch (type) {
        case OPT_PAD1:
            if (v)
                nd_print(nd, "(pad1)");
            break;
        case OPT_PADN:
            if (len - i < OPT_MINLEN) {
                nd_print(nd, "(padn: trunc)");
                return -1;
            }
            if (v)
                nd_print(nd, "(padn)");
            break;
        case OPT_ROUTER_ALERT:
            if (len - i < OPT_RTALERT_LEN) {
                nd_print(nd, "(rtalert: trunc)");
                return -1;
            }
            if (nd_u8(nd, o + 1) != OPT_RTALERT_LEN - 2) {
                nd_print(nd, "(rtalert: invalid len %u)", nd_u8(nd, o + 1));
                return -1;
            }
            if (v)
                nd_print(nd, "(rtalert: 0x%04x) ", nd_be16(nd, o + 2));
            break;
        case OPT_JUMBO:
            if (len - i < OPT_JUMBO_LEN) {
                nd_print(nd, "(jumbo: trunc)");
                return -1;
            }
            if (nd_u8(nd, o + 1) != OPT_JUMBO_LEN - 2) {
                nd_print(nd, "(jumbo: invalid len %u)", nd_u8(nd, o + 1));
                return -1;
            }
            jumbo(nd, nd_be32(nd, o + 2), &seen, found_jumbo, payload_len);
            break;
        case OPT_HOME_ADDRESS:
            if (len - i < OPT_HOMEADDR_MINLEN) {
                nd_print(nd, "(homeaddr: trunc)");
                return -1;
            }
            if (nd_u8(nd, o + 1) < OPT_HOMEADDR_MINLEN - 2) {
                nd_print(nd, "(homeaddr: invalid len %u)", nd_u8(nd, o + 1));
                return -1;
            }
            if (v) {
                nd_print_ip6addr_after(nd, "(homeaddr: ", o + 2);
                if (nd_u8(nd, o + 1) > OPT_HOMEADDR_MINLEN - 2 &&
                    sub_options(nd, o + OPT_HOMEADDR_MINLEN, optlen - OPT_HOMEADDR_MINLEN) == -1)
                    return -1;
                nd_print(nd, ")");
            }
            break;
        default:
            if (len - i < OPT_MINLEN) {
                nd_print(nd, "(type %u: trunc)", type);
                return -1;
            }
            if (v)
                nd_print(nd, "(opt_type 0x%02x: len=%u)", type, nd_u8(nd, o + 1));
            break;
        }
    }
    if (v)
        nd_print(nd, " ");
    return 0;
}

int nd_ip6_hbhopt_print(struct nd *nd, uint32_t bp, bool *found_jumbo, uint32_t *payload_len)
{
    nd->proto = "hbhopt";
    uint32_t hlen = (nd_u8(nd, bp + 1) + 1u) << 3;
    if (!nd_ttest(nd, bp, hlen)) {
        nd_print_trunc(nd);
        return -1;
    }
    nd_print(nd, "HBH ");
    if (options(nd, bp + 2, (int)hlen - 2, found_jumbo, payload_len) == -1) {
        nd_print_trunc(nd);
        return -1;
    }
    return (int)hlen;
}

int nd_ip6_dstopt_print(struct nd *nd, uint32_t bp)
{
    nd->proto = "dstopt";
    uint32_t hlen = (nd_u8(nd, bp + 1) + 1u) << 3;
    if (!nd_ttest(nd, bp, hlen)) {
        nd_print_trunc(nd);
        return -1;
    }
    nd_print(nd, "DSTOPT ");
    /* a Jumbo Payload here is reported as not a hop-by-hop option */
    bool unused = false;
    if (nd->opts->verbose && options(nd, bp + 2, (int)hlen - 2, &unused, NULL) == -1) {
        nd_print_trunc(nd);
        return -1;
    }
    return (int)hlen;
}

int nd_ip6_frag_print(struct nd *nd, uint32_t bp, uint32_t ip6)
{
    nd->proto = "frag6";
    uint16_t offlg = nd_be16(nd, bp + 2);
    /* the bytes after this header, as size_t arithmetic in tcpdump */
    uint64_t rest = (uint64_t)40 + nd_be16(nd, ip6 + 4) - (bp - ip6) - 8;
    if (nd->opts->verbose)
        nd_print(nd, "frag (0x%08x:%u|%lu)", nd_be32(nd, bp + 4), offlg & 0xfff8,
                 (unsigned long)rest);
    else
        nd_print(nd, "frag (%u|%lu)", offlg & 0xfff8, (unsigned long)rest);
    if ((offlg & 0xfff8) != 0)
        return -1;      /* nothing to decode in a later fragment */
    nd_print(nd, " ");
    return 8;
}

/* The addresses of a type 0/2 header or the segments of a type 4. */
static bool print_addresses(struct nd *nd, uint32_t p, unsigned len)
{
    if (len % 2 == 1) {
        nd_print(nd, " (invalid length %u) (invalid)", len);
        return false;
    }
    for (unsigned i = 0; i < len / 2; i++, p += 16) {
        char prefix[24];
        snprintf(prefix, sizeof(prefix), ", [%u]", i);
        nd_print_ip6addr_after(nd, prefix, p);
    }
    nd_print(nd, ") ");
    return true;
}

int nd_ip6_rt_print(struct nd *nd, uint32_t bp)
{
    nd->proto = "rt6";
    nd_print(nd, "RT6");
    unsigned len = nd_u8(nd, bp + 1);
    nd_print(nd, " (len=%u", len);     /* each field printed as it is read */
    unsigned type = nd_u8(nd, bp + 2);
    nd_print(nd, ", type=%u", type);
    if (type == 0)
        nd_print(nd, " [Deprecated]");  /* RFC 5095 */
    nd_print(nd, ", segleft=%u", nd_u8(nd, bp + 3));
    switch (type) {
    case 0:
    case 2: {                           /* RFC 6275 §6.4 */
        uint32_t rsv = nd_be32(nd, bp + 4);
        if (rsv != 0 || nd->opts->verbose)
            nd_print(nd, ", rsv=0x%0x", rsv);
        if (!print_addresses(nd, bp + 8, len))
            return -1;
        return (int)((len + 1) << 3);
    }
    case 4: {                           /* Segment Routing Header, RFC 8754 §2 */
        nd_print(nd, ", last-entry=%u", nd_u8(nd, bp + 4));
        uint8_t flags = nd_u8(nd, bp + 5);
        if (flags != 0 || nd->opts->verbose)
            nd_print(nd, ", flags=0x%0x", flags);
        nd_print(nd, ", tag=%x", nd_be16(nd, bp + 6));
        if (!print_addresses(nd, bp + 8, len))
            return -1;
        return (int)((len + 1) << 3);
    }
    default:
        nd_print(nd, " (unknown type) (invalid)");
        return -1;
    }
}
