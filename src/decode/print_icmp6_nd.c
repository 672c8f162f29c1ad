/* Neighbour discovery options (RFC 4861 §4.6 and later RFCs), one line
 * each under -v: link-layer addresses, prefix information, redirected
 * header, MTU, RDNSS and DNSSL (RFC 8106), advertisement interval and home
 * agent information (RFC 6275 §7.3-7.4), route information (RFC 4191).
 * tcpdump 4.99.3 print-icmp6.c (icmp6_opt_print) and the domain-name
 * printer of print-domain.c (fqdn_print) for DNSSL. */
#include <string.h>

#include "decode/decode_int.h"

enum {
    OPT_SOURCE_LINKADDR = 1,
    OPT_TARGET_LINKADDR = 2,
    OPT_PREFIX_INFORMATION = 3,
    OPT_REDIRECTED_HEADER = 4,
    OPT_MTU = 5,
    OPT_ADVINTERVAL = 7,
    OPT_HOMEAGENT_INFO = 8,
    OPT_ROUTE_INFO = 24,
    OPT_RDNSS = 25,
    OPT_DNSSL = 31,
    MAXCDNAME = 255,            /* RFC 1035 §3.1 */
};

static const struct nd_tok opt_names[] = {
    {OPT_SOURCE_LINKADDR, "source link-address"},
    {OPT_TARGET_LINKADDR, "destination link-address"},
    {OPT_PREFIX_INFORMATION, "prefix info"},
    {OPT_REDIRECTED_HEADER, "redirected header"},
    {OPT_MTU, "mtu"},
    {OPT_RDNSS, "rdnss"},
    {OPT_DNSSL, "dnssl"},
    {OPT_ADVINTERVAL, "advertisement interval"},
    {OPT_HOMEAGENT_INFO, "homeagent information"},
    {OPT_ROUTE_INFO, "route info"},
    {0, NULL},
};

static const struct nd_tok prefix_flags[] = {
    {0x80, "onlink"}, {0x40, "auto"}, {0x20, "router"}, {0, NULL},
};

/* RFC 4191 §2.1 preference bits */
const char *nd_rtpref_name(uint8_t flags)
{
    static const char *const names[] = {"medium", "high", "rsv", "low"};
    return names[(flags & 0x18) >> 3];
}

static void print_lifetime(struct nd *nd, uint32_t v)
{
    if (v == 0xffffffffu)
        nd_print(nd, "infinity");
    else
        nd_print(nd, "%us", v);
}

/* -1 where tcpdump's labellen fails (it may print why). */
static int label_len(struct nd *nd, uint32_t cp)
{
    if (!nd_ttest(nd, cp, 1))
        return -1;
    uint8_t i = nd_u8(nd, cp);
    switch (i & 0xc0) {
    case 0x40: {                /* EDNS0 extended label, RFC 6891 §4.2 */
        unsigned elt = i & 0x3f;
        if (elt != 0x01) {
            nd_print(nd, "<ELT %d>", elt);
            return -1;
        }
        if (!nd_ttest(nd, cp + 1, 1))
            return -1;
        unsigned bits = nd_u8(nd, cp + 1) ? nd_u8(nd, cp + 1) : 256;
        return (int)((bits + 7) / 8 + 1);
    }
    case 0xc0:                  /* compression pointer */
    case 0x00:
        return i;
    default:
        nd_print(nd, "<BAD LABEL TYPE>");
        return -1;
    }
}

/* A bit-string label (RFC 2673) as "\[xHEX/BITS]"; false if cut short. */
static bool bit_label(struct nd *nd, uint32_t cp, uint32_t *end)
{
    if (!nd_ttest(nd, cp, 1))
        return false;
    unsigned bitlen = nd_u8(nd, cp) ? nd_u8(nd, cp) : 256, b = bitlen;
    uint32_t lim = cp + 1 + (bitlen + 3) / 4, p = cp + 1;
    nd_print(nd, "\\[x");
    for (; p < lim && b > 7; b -= 8, p++)
        nd_print(nd, "%02x", nd_u8(nd, p));
    if (b > 4)
        nd_print(nd, "%02x", nd_u8(nd, p) & (0xff << (8 - b)) & 0xff);
    else if (b > 0)
        nd_print(nd, "%1x", ((nd_u8(nd, p) >> 4) & 0x0f) & (0x0f << (4 - b)) & 0x0f);
    nd_print(nd, "/%u]", bitlen);
    *end = lim;
    return true;
}

/* Up to n characters; false if the capture ends first (nd_printn). */
static bool print_chars(struct nd *nd, uint32_t cp, uint32_t n)
{
    for (; n > 0; n--, cp++) {
        if (cp >= nd->snapend)
            return false;
        nd_print_char(nd, nd->pkt[cp]);
    }
    return true;
}

/* The label byte at *cp and its length; moves past the byte. */
static bool next_label(struct nd *nd, uint32_t *cp, uint8_t *i, int *l)
{
    if (!nd_ttest(nd, *cp, 1))
        return false;
    *i = nd_u8(nd, *cp);
    if ((*l = label_len(nd, *cp)) < 0)
        return false;
    (*cp)++;
    return true;
}

/* One domain name at cp (RFC 1035 §3.1, pointers §4.1.4 relative to bp);
 * returns where the name ends, 0 on an error. */
static uint32_t fqdn(struct nd *nd, uint32_t cp, uint32_t bp)
{
    int l = label_len(nd, cp);
    if (l < 0 || !nd_ttest(nd, cp, 1))
        return 0;
    uint32_t max_offset = cp - bp, rp = 0, name_chars = 0;
    bool compress = false;
    uint8_t i = nd_u8(nd, cp++);
    if ((i & 0xc0) != 0xc0)
        rp = cp + (uint32_t)l;
    if (i == 0) {
        nd_print(nd, ".");
        return rp;
    }
    while (i && cp < nd->snapend) {
        uint32_t ul = (uint32_t)l;
        switch (i & 0xc0) {
        case 0xc0: {
            if (!compress) {
                rp = cp + 1;
                compress = true;
            }
            if (!nd_ttest(nd, cp, 1))
                return 0;
            uint32_t offset = ((uint32_t)i << 8 | nd_u8(nd, cp)) & 0x3fff;
            if (offset >= max_offset) {
                nd_print(nd, "<BAD PTR>");
                return 0;
            }
            max_offset = offset;
            cp = bp + offset;
            if (!next_label(nd, &cp, &i, &l))
                return 0;
            continue;
        }
        case 0x40: {
            unsigned elt = i & 0x3f;
            uint32_t end;
            if (elt != 0x01) {
                nd_print(nd, "<ELT %u>", elt);
                return 0;
            }
            if (!bit_label(nd, cp, &end))
                return 0;
            break;
        }
        case 0x80:
            nd_print(nd, "<BAD LABEL TYPE>");
            return 0;
        default:
            if (name_chars + ul <= MAXCDNAME) {
                if (!print_chars(nd, cp, ul))
                    return 0;
            } else if (name_chars < MAXCDNAME) {
                if (!print_chars(nd, cp, MAXCDNAME - name_chars))
                    return 0;
            }
            name_chars += ul;
            break;
        }
        cp += ul;
        if (name_chars <= MAXCDNAME)
            nd_print(nd, ".");
        name_chars++;
        if (!next_label(nd, &cp, &i, &l))
            return 0;
        if (!compress)
            rp += (uint32_t)l + 1;
    }
    if (name_chars > MAXCDNAME)
        nd_print(nd, "<DOMAIN NAME TOO LONG>");
    return rp;
}

/* The data of one option of opt_len 8-octet units at cp; false ends the
 * list as a truncation.  bp is where the options start. */
static bool option_data(struct nd *nd, uint32_t cp, uint32_t bp, uint8_t type, unsigned opt_len)
{
    uint32_t olen = opt_len << 3;
    switch (type) {
    case OPT_SOURCE_LINKADDR:
    case OPT_TARGET_LINKADDR:
        for (uint32_t q = cp + 2; q < cp + olen; q++)
            nd_print(nd, q > cp + 2 ? ":%02x" : "%02x", nd_u8(nd, q));
        return true;
    case OPT_PREFIX_INFORMATION: {
        if (!nd_ttest(nd, cp + 16, 16))
            nd_trunc(nd);
        uint8_t plen = nd_u8(nd, cp + 2), flags = nd_u8(nd, cp + 3);
        uint32_t valid = nd_be32(nd, cp + 4);
        nd_print_ip6addr(nd, cp + 16);
        nd_print(nd, "/%u%s, Flags [", plen, opt_len != 4 ? "badlen" : "");
        nd_print_bits(nd, prefix_flags, flags);
        nd_print(nd, "], valid time ");
        print_lifetime(nd, valid);
        uint32_t pref = nd_be32(nd, cp + 8);
        nd_print(nd, ", pref. time ");
        print_lifetime(nd, pref);
        return true;
    }
    case OPT_REDIRECTED_HEADER:
        nd_unknown_data(nd, bp, "\n\t    ", olen);   /* sic: from the first option */
        return true;
    case OPT_MTU: {
        uint32_t mtu = nd_be32(nd, cp + 4);
        nd_print(nd, " %u%s", mtu, opt_len != 1 ? "bad option length" : "");
        return true;
    }
    case OPT_RDNSS: {
        nd_print(nd, " lifetime %us,", nd_be32(nd, cp + 4));
        for (unsigned i = 0; i < (opt_len - 1) / 2; i++)
            nd_print_ip6addr_after(nd, " addr: ", cp + 8 + i * 16);
        return true;
    }
    case OPT_DNSSL: {
        nd_print(nd, " lifetime %us, domain(s):", nd_be32(nd, cp + 4));
        uint32_t dom = cp + 8;
        while (dom < cp + olen && nd_u8(nd, dom) != 0) {
            nd_print(nd, " ");
            if ((dom = fqdn(nd, dom, bp)) == 0)
                return false;
        }
        return true;
    }
    case OPT_ADVINTERVAL:
        nd_print(nd, " %ums", nd_be32(nd, cp + 4));
        return true;
    case OPT_HOMEAGENT_INFO: {
        uint16_t pref = nd_be16(nd, cp + 4), life = nd_be16(nd, cp + 6);
        nd_print(nd, " preference %u, lifetime %u", pref, life);
        return true;
    }
    default: {                  /* OPT_ROUTE_INFO */
        if (!nd_ttest(nd, cp + 4, 4))
            return false;
        uint8_t prefix[16];
        memset(prefix, 0, sizeof(prefix));
        if (opt_len > 3)
            return false;
        uint32_t n = opt_len == 2 ? 8 : opt_len == 3 ? 16 : 0;
        if (n && !nd_ttest(nd, cp + 8, n))
            nd_trunc(nd);
        memcpy(prefix, nd->pkt + cp + 8, n);
        uint8_t plen = nd_u8(nd, cp + 2), flags = nd_u8(nd, cp + 3);
        nd_print(nd, " ");
        nd_print_ip6bytes(nd, prefix);
        nd_print(nd, "/%u, pref=%s, lifetime=", plen, nd_rtpref_name(flags));
        print_lifetime(nd, nd_be32(nd, cp + 4));
        return true;
    }
    }
}

int nd_icmp6_opt_print(struct nd *nd, uint32_t bp, int resid)
{
    uint32_t cp = bp, ep = nd->snapend;
    while (cp < ep) {
        if (!nd_ttest(nd, cp + 1, 1))
            return -1;
        if (resid <= 0)
            return 0;
        uint8_t type = nd_u8(nd, cp);
        unsigned opt_len = nd_u8(nd, cp + 1);
        if (opt_len == 0 || cp + (opt_len << 3) > ep)
            return -1;
        const char *name = nd_tok_name(opt_names, type);
        nd_print(nd, "\n\t  %s option (%u), length %u (%u): ", name != NULL ? name : "unknown",
                 type, opt_len << 3, opt_len);
        if (name == NULL) {
            if (nd->opts->verbose <= 1) {
                nd_unknown_data(nd, cp + 2, "\n\t  ", (opt_len << 3) - 2);
                return 0;
            }
        } else if (!option_data(nd, cp, bp, type, opt_len)) {
            return -1;
        }
        if (nd->opts->verbose > 1)     /* a dump of every option under -vv */
            nd_unknown_data(nd, cp + 2, "\n\t    ", (opt_len << 3) - 2);
        cp += opt_len << 3;
        resid -= (int)(opt_len << 3);
    }
    return 0;
}
