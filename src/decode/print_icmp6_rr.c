/* ICMPv6 router renumbering (RFC 2894 §3): the code, sequence number,
 * under -v the flags, segment and delay, and for a command its match-prefix
 * part and use-prefix parts.  tcpdump 4.99.3 print-icmp6.c
 * (icmp6_rrenum_print). */
#include "decode/decode_int.h"

enum {
    RR_HDRLEN = 16,             /* ICMPv6 header, seq, segment, flags, delay, reserved */
    RR_MATCHLEN = 24,           /* Match-Prefix part, §3.1 */
    RR_USELEN = 32,             /* Use-Prefix part, §3.1 */
};

static void print_rr_flags(struct nd *nd, uint8_t f)
{
    static const struct nd_tok letters[] = {
        {0x80, "T"}, {0x40, "R"}, {0x20, "A"}, {0x10, "S"}, {0x08, "P"}, {0, NULL},
    };
    for (const struct nd_tok *t = letters; t->s != NULL; t++)
        if (f & t->v)
            nd_print(nd, "%s", t->s);
    nd_print(nd, ",");
}

static void print_lifetime(struct nd *nd, const char *name, uint32_t v)
{
    if (v == 0xffffffffu)
        nd_print(nd, "%s=infty,", name);
    else
        nd_print(nd, "%s=%u,", name, v);
}

/* One Use-Prefix part; false if its prefix was not captured. */
static bool print_use(struct nd *nd, uint32_t use)
{
    if (!nd_ttest(nd, use + 16, 16))
        return false;
    nd_print(nd, nd->opts->verbose > 1 ? "\n\tuse(" : " use(");
    uint8_t flags = nd_u8(nd, use + 12);
    if (flags)
        nd_print(nd, "%s%s,", (flags & 0x80) ? "V" : "", (flags & 0x40) ? "P" : "");
    if (nd->opts->verbose) {
        nd_print(nd, "mask=0x%x,", nd_u8(nd, use + 2));
        nd_print(nd, "raflags=0x%x,", nd_u8(nd, use + 3));
        print_lifetime(nd, "vltime", nd_be32(nd, use + 4));
        print_lifetime(nd, "pltime", nd_be32(nd, use + 8));
    }
    nd_print_ip6addr(nd, use + 16);
    nd_print(nd, "/%u/%u)", nd_u8(nd, use), nd_u8(nd, use + 1));
    return true;
}

/* False where tcpdump prints " [|icmp6]" and goes on. */
static bool print_command(struct nd *nd, uint32_t match)
{
    static const struct nd_tok codes[] = {
        {1, "add"}, {2, "change"}, {3, "setglobal"}, {0, NULL},
    };
    if (!nd_ttest(nd, match + 8, 16))
        return false;
    nd_print(nd, nd->opts->verbose > 1 ? "\n\tmatch(" : " match(");
    uint8_t code = nd_u8(nd, match);
    const char *name = nd_tok_name(codes, code);
    if (name != NULL)
        nd_print(nd, "%s", name);
    else
        nd_print(nd, "#%u", code);
    if (nd->opts->verbose) {
        nd_print(nd, ",ord=%u", nd_u8(nd, match + 2));
        nd_print(nd, ",min=%u", nd_u8(nd, match + 4));
        nd_print(nd, ",max=%u", nd_u8(nd, match + 5));
    }
    nd_print(nd, ",");
    nd_print_ip6addr(nd, match + 8);
    nd_print(nd, "/%u)", nd_u8(nd, match + 3));
    int n = nd_u8(nd, match + 1) - 3;      /* 8-octet units after the match part */
    if (n % 4)
        return false;
    uint32_t use = match + RR_MATCHLEN;
    for (n /= 4; n > 0; n--, use += RR_USELEN)
        if (!print_use(nd, use))
            return false;
    return true;
}

void nd_icmp6_rrenum_print(struct nd *nd, uint32_t bp)
{
    if (nd->snapend < bp)
        return;
    if (!nd_ttest(nd, bp + 12, 4)) {
        nd_print_trunc(nd);
        return;
    }
    uint8_t code = nd_u8(nd, bp + 1);
    switch (code) {
    case 0:
        nd_print(nd, ", command");
        break;
    case 1:
        nd_print(nd, ", result");
        break;
    case 255:
        nd_print(nd, ", sequence number reset");
        break;
    default:
        nd_print(nd, ", code-#%u", code);
        break;
    }
    nd_print(nd, ", seq=%u", nd_be32(nd, bp + 4));
    if (nd->opts->verbose) {
        uint8_t flags = nd_u8(nd, bp + 9);
        nd_print(nd, "[");
        if (flags)
            print_rr_flags(nd, flags);
        nd_print(nd, "seg=%u,", nd_u8(nd, bp + 8));
        nd_print(nd, "maxdelay=%u", nd_be16(nd, bp + 10));
        if (nd_be32(nd, bp + 12))
            nd_print(nd, "rsvd=0x%x", nd_be32(nd, bp + 12));
        nd_print(nd, "]");
    }
    if (code == 0 && !print_command(nd, bp + RR_HDRLEN))
        nd_print_trunc(nd);
}
