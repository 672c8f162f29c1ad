/* ICMPv6 (RFC 4443): echo, the error messages (with the port of the
 * offending packet for port unreachable), neighbour discovery (RFC 4861:
 * RS, RA, NS, NA, redirect; the options are in print_icmp6_nd.c), MLDv1
 * (RFC 2710) and MLDv2 (RFC 3810) queries and reports, the -v checksum.
 * Router renumbering (RFC 2894) is in print_icmp6_rr.c.
 * tcpdump 4.99.3 print-icmp6.c.  Node information (RFC 4620) and RPL
 * (RFC 6550) messages are shown the way tcpdump shows a type it does not
 * know (", length N" and a dump), which is not what tcpdump prints for them. */
#include "decode/decode_int.h"

enum {
    DST_UNREACH = 1,
    PACKET_TOO_BIG = 2,
    TIME_EXCEEDED = 3,
    PARAM_PROB = 4,
    ECHO_REQUEST = 128,
    ECHO_REPLY = 129,
    MLD_QUERY = 130,
    MLD_REPORT = 131,
    MLD_DONE = 132,
    ROUTER_SOLICIT = 133,
    ROUTER_ADVERT = 134,
    NEIGHBOR_SOLICIT = 135,
    NEIGHBOR_ADVERT = 136,
    REDIRECT = 137,
    ROUTER_RENUMBERING = 138,
    IND_SOLICIT = 141,
    IND_ADVERT = 142,
    MLDV2_REPORT = 143,
    HADISCOV_REQUEST = 144,
    HADISCOV_REPLY = 145,
    MOBILEPREFIX_SOLICIT = 146,
    MOBILEPREFIX_ADVERT = 147,
    MLD_MINLEN = 24,
    MLDV2_MINLEN = 28,
};

static const struct nd_tok types[] = {
    {DST_UNREACH, "destination unreachable"},
    {PACKET_TOO_BIG, "packet too big"},
    {TIME_EXCEEDED, "time exceeded in-transit"},
    {PARAM_PROB, "parameter problem"},
    {ECHO_REQUEST, "echo request"},
    {ECHO_REPLY, "echo reply"},
    {MLD_QUERY, "multicast listener query"},
    {MLD_REPORT, "multicast listener report"},
    {MLD_DONE, "multicast listener done"},
    {ROUTER_SOLICIT, "router solicitation"},
    {ROUTER_ADVERT, "router advertisement"},
    {NEIGHBOR_SOLICIT, "neighbor solicitation"},
    {NEIGHBOR_ADVERT, "neighbor advertisement"},
    {REDIRECT, "redirect"},
    {ROUTER_RENUMBERING, "router renumbering"},
    {IND_SOLICIT, "inverse neighbor solicitation"},
    {IND_ADVERT, "inverse neighbor advertisement"},
    {MLDV2_REPORT, "multicast listener report v2"},
    {HADISCOV_REQUEST, "ha discovery request"},
    {HADISCOV_REPLY, "ha discovery reply"},
    {MOBILEPREFIX_SOLICIT, "mobile router solicitation"},
    {MOBILEPREFIX_ADVERT, "mobile router advertisement"},
    {139, "who-are-you request"},
    {140, "who-are-you reply"},
    {201, "mtrace message"},
    {200, "mtrace response"},
    {155, "RPL"},
    {0, NULL},
};

/* sic: code 1 starts with a space in tcpdump's table */
static const struct nd_tok unreach_codes[] = {
    {0, "unreachable route"},
    {1, " unreachable prohibited"},
    {2, "beyond scope"},
    {3, "unreachable address"},
    {4, "unreachable port"},
    {0, NULL},
};

static const struct nd_tok ra_flags[] = {
    {0x80, "managed"}, {0x40, "other stateful"}, {0x20, "home agent"}, {0x02, "ipv6 only"},
    {0, NULL},
};

static const struct nd_tok na_flags[] = {
    {0x80000000u, "router"}, {0x40000000u, "solicited"}, {0x20000000u, "override"},
    {0, NULL},
};

static const struct nd_tok mldv2_record_types[] = {
    {1, "is_in"}, {2, "is_ex"}, {3, "to_in"}, {4, "to_ex"}, {5, "allow"}, {6, "block"},
    {0, NULL},
};

void nd_print_bits(struct nd *nd, const struct nd_tok *t, uint32_t v)
{
    const char *sep = "";
    bool any = false;
    for (; t->s != NULL; t++) {
        if ((v & t->v) == t->v && t->v != 0) {
            nd_print(nd, "%s%s", sep, t->s);
            sep = ", ";
            any = true;
        }
    }
    if (!any)
        nd_print(nd, "none");
}

/* The protocol and destination port of the packet an error quotes
 * (tcpdump's get_upperlayer): the port's offset, or 0 if not found. */
static uint32_t upper_layer(struct nd *nd, uint32_t oip, unsigned *prot)
{
    if (!nd_ttest(nd, oip + 6, 1))
        return 0;
    unsigned nh = nd_u8(nd, oip + 6);
    uint32_t bp = oip, hlen = 40;
    while (bp < nd->snapend) {
        bp += hlen;
        switch (nh) {
        case 6:
        case 17:
            if (!nd_ttest(nd, bp + 2, 2))
                return 0;
            *prot = nh;
            return bp + 2;
        case 0:
        case 60:
        case 43:
            if (!nd_ttest(nd, bp + 1, 1))
                return 0;
            nh = nd_u8(nd, bp);
            hlen = (nd_u8(nd, bp + 1) + 1u) << 3;
            break;
        case 44:
            if (!nd_ttest(nd, bp + 2, 2) || (nd_be16(nd, bp + 2) & 0xfff8) != 0)
                return 0;
            nh = nd_u8(nd, bp);
            hlen = 8;
            break;
        case 51:                /* AH, RFC 4302 §2.2 */
            if (!nd_ttest(nd, bp + 1, 1))
                return 0;
            nh = nd_u8(nd, bp);
            hlen = (nd_u8(nd, bp + 1) + 2u) << 2;
            break;
        default:
            *prot = nh;
            return 0;
        }
    }
    return 0;
}

/* False if the quoted packet is cut short (the caller prints " [|icmp6]"). */
static bool print_unreach(struct nd *nd, uint32_t bp, uint32_t length, uint8_t code)
{
    uint32_t oip = bp + 8;
    const char *name = nd_tok_name(unreach_codes, code);
    if (name != NULL)
        nd_print(nd, ", %s", name);
    else
        nd_print(nd, ", unknown unreach code (%u)", code);
    switch (code) {
    case 0:
    case 1:
    case 3:
        nd_print_ip6addr_after(nd, " ", oip + 24);
        break;
    case 2:
        nd_print_ip6addr_after(nd, " ", oip + 24);
        nd_print_ip6addr_after(nd, ", source address ", oip + 8);
        break;
    case 4: {
        unsigned prot = 0;
        uint32_t dp = upper_layer(nd, oip, &prot);
        if (dp == 0)
            return false;
        uint16_t dport = nd_be16(nd, dp);
        nd_print_ip6addr_after(nd, ", ", oip + 24);
        if (prot == 6)
            nd_print(nd, " tcp port %u", dport);
        else if (prot == 17)
            nd_print(nd, " udp port %u", dport);
        else
            nd_print(nd, " protocol %u port %u unreachable", prot, dport);
        break;
    }
    default:
        break;
    }
    return true;
}

static void print_param_prob(struct nd *nd, uint32_t bp, uint8_t code)
{
    static const struct nd_tok what[] = {
        {0, "erroneous"}, {1, "next header"}, {2, "option"},
        {3, "incomplete header chain"}, {0, NULL},
    };
    const char *w = nd_tok_name(what, code);
    if (w != NULL)
        nd_print(nd, ", %s - octet %u", w, nd_be32(nd, bp + 4));
    else
        nd_print(nd, ", code-#%u", code);
}

/* MLDv1 (RFC 2710 §3): nothing if the message was not captured whole. */
static void mld6(struct nd *nd, uint32_t bp)
{
    if (!nd_ttest(nd, bp, MLD_MINLEN))
        return;
    nd_print(nd, "max resp delay: %u addr: ", nd_be16(nd, bp + 4));
    nd_print_ip6addr(nd, bp + 8);
}

/* MLDv2 report (RFC 3810 §5.2): the group records under -v. */
static void mldv2_report(struct nd *nd, uint32_t bp, uint32_t len)
{
    if (len < 8) {
        nd_print(nd, " [invalid len %u]", len);
        return;
    }
    unsigned ngroups = nd_be16(nd, bp + 6);
    nd_print(nd, ", %u group record(s)", ngroups);
    if (nd->opts->verbose == 0)
        return;
    uint32_t group = 8;
    for (unsigned i = 0; i < ngroups; i++) {
        if (len < group + 20) {
            nd_print(nd, " [invalid number of groups]");
            return;
        }
        nd_print_ip6addr_after(nd, " [gaddr ", bp + group + 4);
        uint8_t rtype = nd_u8(nd, bp + group);
        const char *rname = nd_tok_name(mldv2_record_types, rtype);
        if (rname != NULL)
            nd_print(nd, " %s", rname);
        else
            nd_print(nd, "  [v2-report-#%u]", rtype);
        unsigned nsrcs = nd_be16(nd, bp + group + 2);
        if ((uint64_t)len < group + 20 + (uint64_t)nsrcs * 16) {
            nd_print(nd, " [invalid number of sources %u]", nsrcs);
            return;
        }
        if (nd->opts->verbose == 1) {
            nd_print(nd, ", %u source(s)", nsrcs);
        } else {
            nd_print(nd, " {");
            for (unsigned j = 0; j < nsrcs; j++) {
                nd_print_ip6addr_after(nd, " ", bp + group + 20 + j * 16);
            }
            nd_print(nd, " }");
        }
        group += 20 + nsrcs * 16;
        nd_print(nd, "]");
    }
}

/* MLDv2 query (RFC 3810 §5.1): the exponential codes of §5.1.3, §5.1.9. */
static void mldv2_query(struct nd *nd, uint32_t bp, uint32_t len)
{
    if (len < 28) {
        nd_print(nd, " [invalid len %u]", len);
        return;
    }
    unsigned mrc = nd_be16(nd, bp + 4), mrt;
    if (mrc < 32768)
        mrt = mrc;
    else
        mrt = ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
    if (nd->opts->verbose)
        nd_print(nd, " [max resp delay=%u]", mrt);
    nd_print_ip6addr_after(nd, " [gaddr ", bp + 8);
    if (nd->opts->verbose) {
        uint8_t sqrv = nd_u8(nd, bp + 24), qqic = nd_u8(nd, bp + 25);
        if (sqrv & 0x08)
            nd_print(nd, " sflag");
        if (sqrv & 0x07)
            nd_print(nd, " robustness=%u", sqrv & 0x07);
        unsigned qqi = qqic < 128 ? qqic : ((qqic & 0x0fu) | 0x10u) << (((qqic & 0x70u) >> 4) + 3);
        nd_print(nd, " qqi=%u", qqi);
    }
    unsigned nsrcs = nd_be16(nd, bp + 26);
    if (nsrcs > 0) {
        if ((uint64_t)len < 28 + (uint64_t)nsrcs * 16) {
            nd_print(nd, " [invalid number of sources]");
        } else if (nd->opts->verbose > 1) {
            nd_print(nd, " {");
            for (unsigned i = 0; i < nsrcs; i++) {
                nd_print_ip6addr_after(nd, " ", bp + 28 + i * 16);
            }
            nd_print(nd, " }");
        } else {
            nd_print(nd, ", %u source(s)", nsrcs);
        }
    }
    nd_print(nd, "]");
}

static void print_checksum(struct nd *nd, uint32_t bp, uint32_t length, uint32_t ip6)
{
    if (!nd_ttest(nd, bp, length))
        return;
    uint16_t stored = nd_be16(nd, bp + 2);
    uint16_t sum = nd_cksum_fold(nd_sum(nd, bp, length, nd_ip6_pseudo_sum(nd, ip6, 58, length)));
    if (sum != 0)
        nd_print(nd, "[bad icmp6 cksum 0x%04x -> 0x%04x!] ", stored,
                 nd_cksum_shouldbe(stored, sum));
    else
        nd_print(nd, "[icmp6 sum ok] ");
}

/* The ND messages: fixed part under -v, then the options.  False if an
 * option was cut short. */
static bool print_nd(struct nd *nd, uint8_t type, uint32_t bp, uint32_t length)
{
    bool v = nd->opts->verbose != 0;
    switch (type) {
    case ROUTER_SOLICIT:
        return !v || nd_icmp6_opt_print(nd, bp + 8, (int)length - 8) != -1;
    case ROUTER_ADVERT: {
        if (!v)
            return true;
        uint8_t hops = nd_u8(nd, bp + 4), flags = nd_u8(nd, bp + 5);
        uint16_t life = nd_be16(nd, bp + 6);
        uint32_t reach = nd_be32(nd, bp + 8), retrans = nd_be32(nd, bp + 12);
        nd_print(nd, "\n\thop limit %u, Flags [", hops);
        nd_print_bits(nd, ra_flags, flags);
        nd_print(nd, "], pref %s, router lifetime %us, reachable time %ums, retrans timer %ums",
                 nd_rtpref_name(flags), life, reach, retrans);
        return nd_icmp6_opt_print(nd, bp + 16, (int)length - 16) != -1;
    }
    case NEIGHBOR_SOLICIT:
        nd_print_ip6addr_after(nd, ", who has ", bp + 8);
        return !v || nd_icmp6_opt_print(nd, bp + 24, (int)length - 24) != -1;
    case NEIGHBOR_ADVERT:
        nd_print_ip6addr_after(nd, ", tgt is ", bp + 8);
        if (!v)
            return true;
        uint32_t flags = nd_be32(nd, bp + 4);
        nd_print(nd, ", Flags [");
        nd_print_bits(nd, na_flags, flags);
        nd_print(nd, "]");
        return nd_icmp6_opt_print(nd, bp + 24, (int)length - 24) != -1;
    default:                    /* REDIRECT */
        nd_print_ip6addr_after(nd, ", ", bp + 24);
        nd_print_ip6addr_after(nd, " to ", bp + 8);
        return !v || nd_icmp6_opt_print(nd, bp + 40, (int)length - 40) != -1;
    }
}

/* Mobile IPv6 (RFC 6275 §6.5-6.8): home agent discovery, mobile prefixes. */
static bool print_mobile(struct nd *nd, uint8_t type, uint32_t bp, uint32_t length)
{
    if (type == HADISCOV_REQUEST || type == MOBILEPREFIX_SOLICIT) {
        nd_print(nd, ", id 0x%04x", nd_be16(nd, bp + 4));
        return true;
    }
    if (!nd->opts->verbose)
        return true;
    nd_print(nd, ", id 0x%04x", nd_be16(nd, bp + 4));
    if (type == HADISCOV_REPLY) {
        for (uint32_t p = bp + 8; p < bp + length; p += 16) {
            nd_print_ip6addr_after(nd, ", ", p);
        }
        return true;
    }
    uint16_t flags = nd_be16(nd, bp + 6);
    if (flags & 0xc000)
        nd_print(nd, " ");
    if (flags & 0x8000)
        nd_print(nd, "M");
    if (flags & 0x4000)
        nd_print(nd, "O");
    return nd_icmp6_opt_print(nd, bp + 8, (int)length - 8) != -1;
}

void nd_icmp6_print(struct nd *nd, uint32_t bp, uint32_t length, uint32_t ip6, bool fragmented)
{
    nd->proto = "icmp6";
    if (length == 0) {
        nd_print(nd, "ICMP6, length 0 (invalid)");
        return;
    }
    bool v = nd->opts->verbose != 0;
    if (v && !fragmented)
        print_checksum(nd, bp, length, ip6);
    uint8_t type = nd_u8(nd, bp);
    const char *name = nd_tok_name(types, type);
    if (name != NULL)
        nd_print(nd, "ICMP6, %s", name);
    else
        nd_print(nd, "ICMP6, unknown icmp6 type (%u)", type);
    if (v && ((type >= ROUTER_SOLICIT && type <= REDIRECT) || type == HADISCOV_REPLY ||
              type == MOBILEPREFIX_ADVERT))
        nd_print(nd, ", length %u", length);
    uint8_t code = nd_u8(nd, bp + 1);
    bool ok = true;
    switch (type) {
    case DST_UNREACH:
        if (code > 4) {
            nd_print(nd, ", unknown unreach code (%u)", code);
            if (nd->opts->verbose <= 1) {
                nd_unknown_data(nd, bp, "\n\t", length);
                return;
            }
            break;
        }
        ok = print_unreach(nd, bp, length, code);
        break;
    case PACKET_TOO_BIG:
        nd_print(nd, ", mtu %u", nd_be32(nd, bp + 4));
        break;
    case TIME_EXCEEDED:
        if (code == 0) {
            nd_print_ip6addr_after(nd, " for ", bp + 8 + 24);
        } else if (code == 1) {
            nd_print(nd, " (reassembly)");
        } else {
            nd_print(nd, ", unknown code (%u)", code);
        }
        break;
    case PARAM_PROB:
        ok = nd_ttest(nd, bp + 8 + 24, 16);
        if (ok)
            print_param_prob(nd, bp, code);
        break;
    case ECHO_REQUEST:
    case ECHO_REPLY:
        nd_print(nd, ", id %u, seq %u", nd_be16(nd, bp + 4), nd_be16(nd, bp + 6));
        break;
    case MLD_QUERY:
        if (length == MLD_MINLEN) {
            mld6(nd, bp);
        } else if (length >= MLDV2_MINLEN) {
            nd_print(nd, " v2");
            mldv2_query(nd, bp, length);
        } else {
            nd_print(nd, " unknown-version (len %u) ", length);
        }
        break;
    case MLD_REPORT:
    case MLD_DONE:
        mld6(nd, bp);
        break;
    case ROUTER_SOLICIT:
    case ROUTER_ADVERT:
    case NEIGHBOR_SOLICIT:
    case NEIGHBOR_ADVERT:
    case REDIRECT:
        ok = print_nd(nd, type, bp, length);
        break;
    case ROUTER_RENUMBERING:
        nd_icmp6_rrenum_print(nd, bp);
        break;
    case IND_SOLICIT:
    case IND_ADVERT:
        break;
    case MLDV2_REPORT:
        mldv2_report(nd, bp, length);
        break;
    case HADISCOV_REQUEST:
    case HADISCOV_REPLY:
    case MOBILEPREFIX_SOLICIT:
    case MOBILEPREFIX_ADVERT:
        ok = print_mobile(nd, type, bp, length);
        break;
    default:
        nd_print(nd, ", length %u", length);
        if (nd->opts->verbose <= 1)
            nd_unknown_data(nd, bp, "\n\t", length);
        return;
    }
    if (!ok) {
        nd_print_trunc(nd);
        return;
    }
    if (!v)
        nd_print(nd, ", length %u", length);
}
