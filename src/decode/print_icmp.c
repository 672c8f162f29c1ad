/* ICMP (RFC 792): the message text, the -v checksum verdict, the quoted
 * packet of an error message, and RFC 4884 multi-part extensions.
 * tcpdump 4.99.3 print-icmp.c; shared/docs/tcpdump-format.md §6. */
#include <stdarg.h>
#include <string.h>

#include "decode/decode_int.h"

#define ICMP_HDRLEN 8
#define ICMP_EXTD_MINLEN 136    /* 156 - IPv4 header: where extensions start */
#define ICMP_EXT_STRUCT_LEN 141 /* tcpdump's sizeof(struct icmp_ext_t) */

enum {
    ICMP_ECHOREPLY = 0,
    ICMP_UNREACH = 3,
    ICMP_SOURCEQUENCH = 4,
    ICMP_REDIRECT = 5,
    ICMP_ECHO = 8,
    ICMP_ROUTERADVERT = 9,
    ICMP_TIMXCEED = 11,
    ICMP_PARAMPROB = 12,
    ICMP_TSTAMP = 13,
    ICMP_TSTAMPREPLY = 14,
    ICMP_MASKREPLY = 18,
};

/* Types whose text is only a name. */
static const struct nd_tok icmp_names[] = {
    {0, "echo reply"},
    {4, "source quench"},
    {8, "echo request"},
    {10, "router solicitation"},
    {13, "time stamp request"},
    {14, "time stamp reply"},
    {15, "information request"},
    {16, "information reply"},
    {17, "address mask request"},
    {0, NULL},
};

/* Destination unreachable codes whose text is "[prefix] ‹dst› unreachable‹suffix›". */
static const struct {
    uint8_t code;
    const char *prefix, *suffix;
} unreach_texts[] = {
    {0, "net ", " unreachable"},
    {1, "host ", " unreachable"},
    {5, "", " unreachable - source route failed"},
    {6, "net ", " unreachable - unknown"},
    {7, "host ", " unreachable - unknown"},
    {8, "", " unreachable - source host isolated"},
    {9, "net ", " unreachable - admin prohibited"},
    {10, "host ", " unreachable - admin prohibited"},
    {11, "net ", " unreachable - tos prohibited"},
    {12, "host ", " unreachable - tos prohibited"},
    {13, "host ", " unreachable - admin prohibited filter"},
    {14, "host ", " unreachable - host precedence violation"},
    {15, "host ", " unreachable - precedence cutoff"},
};

static const struct nd_tok redirect_texts[] = {
    {0, "redirect %s to net %s"},
    {1, "redirect %s to host %s"},
    {2, "redirect-tos %s to net %s"},
    {3, "redirect-tos %s to host %s"},
    {0, NULL},
};

static const struct nd_tok ext_object_names[] = {
    {1, "MPLS Stack Entry"},
    {2, "Interface Identification"},
    {0, NULL},
};

/* The message is composed before anything is printed, as tcpdump does, so
 * a truncation inside it leaves only " [|icmp]" after "src > dst: ". */
struct msg {
    char buf[512];
    size_t len;
};

static void add(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(m->buf + m->len, sizeof(m->buf) - m->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->len += (size_t)n < sizeof(m->buf) - m->len ? (size_t)n : sizeof(m->buf) - m->len - 1;
}

static const char *ipstr(struct nd *nd, uint32_t off, char out[16])
{
    if (!nd_ttest(nd, off, 4))
        nd_trunc(nd);
    const uint8_t *a = nd->pkt + off;
    snprintf(out, 16, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    return out;
}

/* tcpdump's icmp_tstamp_print: milliseconds since midnight UTC. */
static void add_tstamp(struct msg *m, uint32_t t)
{
    uint32_t ms = t % 1000, sec = t / 1000;
    uint32_t min = sec / 60, hrs;
    sec -= min * 60;
    hrs = min / 60;
    min -= hrs * 60;
    add(m, "%02u:%02u:%02u.%03u", hrs, min, sec, ms);
}

/* Returns false if a bounds check failed the tcpdump "goto trunc" way. */
static bool compose_unreach(struct nd *nd, uint32_t bp, uint8_t code, struct msg *m)
{
    char a[16];
    uint32_t oip = bp + ICMP_HDRLEN;
    for (size_t i = 0; i < sizeof(unreach_texts) / sizeof(unreach_texts[0]); i++) {
        if (unreach_texts[i].code == code) {
            add(m, "%s%s%s", unreach_texts[i].prefix, ipstr(nd, oip + 16, a),
                unreach_texts[i].suffix);
            return true;
        }
    }
    switch (code) {
    case 2:
        ipstr(nd, oip + 16, a);
        add(m, "%s protocol %u unreachable", a, nd_u8(nd, oip + 9));
        return true;
    case 3: {
        if (!nd_ttest(nd, oip + 9, 1))
            return false;
        uint32_t hlen = (nd_u8(nd, oip) & 0x0f) * 4u;
        uint16_t dport = nd_be16(nd, oip + hlen + 2);
        uint8_t proto = nd_u8(nd, oip + 9);
        ipstr(nd, oip + 16, a);
        if (proto == 6)
            add(m, "%s tcp port %u unreachable", a, dport);
        else if (proto == 17)
            add(m, "%s udp port %u unreachable", a, dport);
        else
            add(m, "%s protocol %u port %u unreachable", a, proto, dport);
        return true;
    }
    case 4: {
        uint16_t mtu = nd_be16(nd, bp + 6);
        ipstr(nd, oip + 16, a);
        if (mtu)
            add(m, "%s unreachable - need to frag (mtu %u)", a, mtu);
        else
            add(m, "%s unreachable - need to frag", a);
        return true;
    }
    default:
        add(m, "%s unreachable - #%u", ipstr(nd, oip + 16, a), code);
        return true;
    }
}

static bool compose_router_advert(struct nd *nd, uint32_t bp, struct msg *m)
{
    add(m, "router advertisement");
    if (!nd_ttest(nd, bp + 4, 4))
        return false;
    add(m, " lifetime ");
    uint16_t life = nd_be16(nd, bp + 6);
    if (life < 60)
        add(m, "%u", life);
    else if (life < 3600)
        add(m, "%u:%02u", life / 60, life % 60);
    else
        add(m, "%u:%02u:%02u", life / 3600, (life % 3600) / 60, life % 60);
    unsigned num = nd_u8(nd, bp + 4);
    add(m, " %u:", num);
    unsigned size = nd_u8(nd, bp + 5);
    if (size != 2) {
        add(m, " [size %u]", size);
        return true;
    }
    char a[16];
    for (uint32_t p = bp + 8; num > 0; num--, p += 8) {
        if (!nd_ttest(nd, p, 8))
            return false;
        add(m, " {%s %u}", ipstr(nd, p, a), nd_be32(nd, p + 4));
    }
    return true;
}

/* Builds the text after "ICMP "; false means tcpdump's "goto trunc". */
static bool compose(struct nd *nd, uint32_t bp, uint8_t type, uint8_t code, struct msg *m)
{
    char a[16], b[16];
    uint32_t oip = bp + ICMP_HDRLEN;
    switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
        add(m, "echo %s, id %u, seq %u", type == ICMP_ECHO ? "request" : "reply",
            nd_be16(nd, bp + 4), nd_be16(nd, bp + 6));
        return true;
    case ICMP_UNREACH:
        return compose_unreach(nd, bp, code, m);
    case ICMP_REDIRECT: {
        ipstr(nd, oip + 16, a);
        ipstr(nd, bp + 4, b);
        const char *fmt = nd_tok_name(redirect_texts, code);
        if (fmt != NULL)
            add(m, fmt, a, b);
        else
            add(m, "redirect-#%u %s to %s", code, a, b);
        return true;
    }
    case ICMP_ROUTERADVERT:
        return compose_router_advert(nd, bp, m);
    case ICMP_TIMXCEED:
        if (!nd_ttest(nd, oip + 16, 4))
            return false;
        if (code == 0)
            add(m, "time exceeded in-transit");
        else if (code == 1)
            add(m, "ip reassembly time exceeded");
        else
            add(m, "time exceeded-#%u", code);
        return true;
    case ICMP_PARAMPROB:
        if (code)
            add(m, "parameter problem - code %u", code);
        else
            add(m, "parameter problem - octet %u", nd_u8(nd, bp + 4));
        return true;
    case ICMP_MASKREPLY:
        add(m, "address mask is 0x%08x", nd_be32(nd, bp + 8));
        return true;
    case ICMP_TSTAMP:
        add(m, "time stamp query id %u seq %u", nd_be16(nd, bp + 4), nd_be16(nd, bp + 6));
        return true;
    case ICMP_TSTAMPREPLY:
        if (!nd_ttest(nd, bp + 16, 4))
            return false;
        add(m, "time stamp reply id %u seq %u: org ", nd_be16(nd, bp + 4),
            nd_be16(nd, bp + 6));
        add_tstamp(m, nd_be32(nd, bp + 8));
        add(m, ", recv ");
        add_tstamp(m, nd_be32(nd, bp + 12));
        add(m, ", xmit ");
        add_tstamp(m, nd_be32(nd, bp + 16));
        return true;
    default: {
        const char *name = nd_tok_name(icmp_names, type);
        if (name != NULL)
            add(m, "%s", name);
        else
            add(m, "type-#%u", type);
        return true;
    }
    }
}

static bool is_error_type(uint8_t t)
{
    return t == ICMP_UNREACH || t == ICMP_SOURCEQUENCH || t == ICMP_REDIRECT ||
           t == ICMP_TIMXCEED || t == ICMP_PARAMPROB;
}

/* RFC 4884 multi-part extension objects.  Returns false on "goto trunc". */
static bool print_extensions(struct nd *nd, uint32_t bp, uint32_t plen)
{
    if (!nd_ttest(nd, bp, ICMP_EXT_STRUCT_LEN))
        return false;
    uint32_t ext = bp + ICMP_EXTD_MINLEN;
    if (nd->pkt[bp + 5] == 0 && nd_ttest(nd, ext, plen - ICMP_EXTD_MINLEN) &&
        nd_cksum_fold(nd_sum(nd, ext, plen - ICMP_EXTD_MINLEN, 0)) != 0)
        return true;    /* no length and no valid checksum: no extension */
    unsigned version = nd->pkt[ext] >> 4;
    nd_print(nd, "\n\tICMP Multi-Part extension v%u", version);
    if (version != 2) {
        nd_print(nd, " packet not supported");
        return true;
    }
    uint32_t hlen = plen - ICMP_EXTD_MINLEN;
    if (nd_ttest(nd, ext, hlen))
        nd_print(nd, ", checksum 0x%04x (%scorrect), length %u", nd_be16(nd, ext + 2),
                 nd_cksum_fold(nd_sum(nd, ext, hlen, 0)) ? "in" : "", hlen);
    hlen -= 4;
    uint32_t obj = ext + 4;
    while (hlen > 4) {
        if (!nd_ttest(nd, obj, 4))
            return false;
        uint32_t obj_len = nd_be16(nd, obj);
        uint8_t cls = nd_u8(nd, obj + 2), ctype = nd_u8(nd, obj + 3);
        obj += 4;
        const char *name = nd_tok_name(ext_object_names, cls);
        nd_print(nd, "\n\t  %s Object (%u), Class-Type: %u, length %u",
                 name != NULL ? name : "unknown", cls, ctype, obj_len);
        hlen -= 4;
        if (cls == 0 || obj_len < 4)
            return true;
        obj_len -= 4;
        if (cls == 1 && ctype == 1) {
            uint32_t label = nd_be32(nd, obj);
            nd_print(nd, "\n\t    label %u, tc %u", label >> 12, (label >> 9) & 7);
            if (label & 0x100)
                nd_print(nd, ", [S]");
            nd_print(nd, ", ttl %u", label & 0xff);
        } else {
            uint32_t n = nd_avail(nd, obj) < obj_len ? nd_avail(nd, obj) : obj_len;
            nd_hex_dump_ident(nd, "\n\t    ", obj, n);
        }
        if (hlen < obj_len)
            break;
        hlen -= obj_len;
        obj += obj_len;
    }
    return true;
}

void nd_icmp_print(struct nd *nd, uint32_t bp, uint32_t plen, uint32_t ip, bool fragmented)
{
    (void)ip;
    nd->proto = "icmp";
    uint8_t type = nd_u8(nd, bp);
    uint8_t code = nd_u8(nd, bp + 1);
    struct msg m = {.len = 0};
    m.buf[0] = '\0';
    if (!compose(nd, bp, type, code, &m)) {
        nd_print_trunc(nd);
        return;
    }
    nd_print(nd, "ICMP %s, length %u", m.buf, plen);
    if (nd->opts->verbose && !fragmented && nd_ttest(nd, bp, plen)) {
        uint16_t sum = nd_cksum_fold(nd_sum(nd, bp, plen, 0));
        if (sum != 0) {
            uint16_t stored = nd_be16(nd, bp + 2);
            nd_print(nd, " (wrong icmp cksum %x (->%x)!)", stored,
                     nd_cksum_shouldbe(stored, sum));
        }
    }
    /* -v: the quoted datagram as a packet of its own (§6). */
    if (nd->opts->verbose && is_error_type(type)) {
        uint32_t oip = bp + ICMP_HDRLEN;
        nd_print(nd, "\n\t");
        uint32_t saved = nd_push_snapend(nd, oip, nd_be16(nd, oip + 2));
        /* tcpdump reads the length again after narrowing the capture to
         * it, so a quoted length below 4 truncates as "[|icmp]" */
        uint16_t olen = nd_be16(nd, oip + 2);
        nd_ip_print(nd, oip, olen);
        nd_pop_snapend(nd, saved);
    }
    nd->proto = "icmp";
    if (nd->opts->verbose && plen > ICMP_EXTD_MINLEN &&
        (type == ICMP_UNREACH || type == ICMP_TIMXCEED || type == ICMP_PARAMPROB)) {
        if (!print_extensions(nd, bp, plen))
            nd_print_trunc(nd);
    }
}
