/* Multipath TCP options (TCP option kind 30, RFC 8684 §3) as tcpdump
 * 4.99.3 prints them after "mptcp": the option length, the subtype name
 * and its fields.  The length/flag combinations accepted are tcpdump's
 * (print-mptcp.c); anything else makes the TCP option printer write
 * "[bad opt]".  4.99.3 knows subtypes 0 to 7: MP_TCPRST (8, RFC 8684
 * §3.6) and above print as "unknown" with nothing after. */
#include <inttypes.h>

#include "decode/print_tcp.h"

enum {
    MP_CAPABLE_C = 0x80,        /* "A" in RFC 8684 §3.1: checksum required */
    MP_JOIN_B = 0x01,           /* §3.2: backup */
    MP_DSS_F = 0x10,            /* §3.3: DATA_FIN */
    MP_DSS_m = 0x08,            /* DSN is 8 octets */
    MP_DSS_M = 0x04,            /* DSN, subflow seq, length present */
    MP_DSS_a = 0x02,            /* Data ACK is 8 octets */
    MP_DSS_A = 0x01,            /* Data ACK present */
    MP_PRIO_B = 0x01,           /* §3.3.8: backup */
};

/* The low four bits of ADD_ADDR's third byte: RFC 8684 §3.4.1's E flag,
 * or RFC 6824's IP version as tcpdump names them. */
static const struct nd_tok add_addr_bits[] = {
    {0x6, "v0-ip6"}, {0x4, "v0-ip4"}, {0x1, "v1-echo"}, {0x0, "v1"}, {0, NULL},
};

/* Each printer sees the whole option at opt (kind and length included)
 * and returns false where tcpdump's returns 0. */
static bool capable(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    if (!((len == 12 || len == 4) && (flags & TH_SYN)) &&
        !((len == 20 || len == 22) && (flags & (TH_SYN | TH_ACK)) == TH_ACK))
        return false;
    unsigned version = nd_u8(nd, opt + 2) & 0xf;
    if (version > 1) {
        nd_print(nd, " Unknown Version (%u)", version);
        return true;
    }
    nd_print(nd, " v%u", version);
    if (nd_u8(nd, opt + 3) & MP_CAPABLE_C)
        nd_print(nd, " csum");
    if (len == 12 || len >= 20) {
        nd_print(nd, " {0x%" PRIx64, nd_be64(nd, opt + 4));
        if (len >= 20)
            nd_print(nd, ",0x%" PRIx64, nd_be64(nd, opt + 12));
        nd_print(nd, "}");
    }
    return true;
}

static bool join(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    if (!(len == 12 && (flags & TH_SYN)) &&
        !(len == 16 && (flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) &&
        !(len == 24 && (flags & TH_ACK)))
        return false;
    if (len != 24) {
        if (nd_u8(nd, opt + 2) & MP_JOIN_B)
            nd_print(nd, " backup");
        nd_print(nd, " id %u", nd_u8(nd, opt + 3));
    }
    if (len == 12) {
        nd_print(nd, " token 0x%x nonce 0x%x", nd_be32(nd, opt + 4), nd_be32(nd, opt + 8));
    } else if (len == 16) {
        nd_print(nd, " hmac 0x%" PRIx64 " nonce 0x%x", nd_be64(nd, opt + 4),
                 nd_be32(nd, opt + 12));
    } else {
        nd_print(nd, " hmac 0x");
        for (uint32_t i = 0; i < 20; i++)
            nd_print(nd, "%02x", nd_u8(nd, opt + 4 + i));
    }
    return true;
}

/* A 4- or 8-octet number of the DSS option; false if it does not fit. */
static bool dss_number(struct nd *nd, uint32_t *p, uint32_t *left, bool wide)
{
    uint32_t n = wide ? 8 : 4;
    if (*left < n)
        return false;
    if (wide)
        nd_print(nd, "%" PRIu64, nd_be64(nd, *p));
    else
        nd_print(nd, "%u", nd_be32(nd, *p));
    *p += n;
    *left -= n;
    return true;
}

static bool dss(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    if (len < 4 || (flags & TH_SYN))
        return false;
    uint8_t f = nd_u8(nd, opt + 3);
    if (f & MP_DSS_F)
        nd_print(nd, " fin");
    uint32_t p = opt + 4, left = len - 4;
    if (f & MP_DSS_A) {
        nd_print(nd, " ack ");
        if (!dss_number(nd, &p, &left, (f & MP_DSS_a) != 0))
            return false;
    }
    if (f & MP_DSS_M) {
        nd_print(nd, " seq ");
        if (!dss_number(nd, &p, &left, (f & MP_DSS_m) != 0))
            return false;
        if (left < 4)
            return false;
        nd_print(nd, " subseq %u", nd_be32(nd, p));
        p += 4;
        left -= 4;
        if (left < 2)
            return false;
        nd_print(nd, " len %u", nd_be16(nd, p));
        p += 2;
        left -= 2;
        if (left >= 2) {        /* the checksum, if negotiated */
            nd_print(nd, " csum 0x%x", nd_be16(nd, p));
            left -= 2;
        }
    }
    return left == 0;
}

static bool add_addr(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)flags;
    bool v4 = len == 8 || len == 10 || len == 16 || len == 18;
    bool v6 = len == 20 || len == 22 || len == 28 || len == 30;
    if (!v4 && !v6)
        return false;
    const char *bits = nd_tok_name(add_addr_bits, nd_u8(nd, opt + 2) & 0xf);
    nd_print(nd, " %s", bits != NULL ? bits : "[bad version/echo]");
    nd_print(nd, " id %u", nd_u8(nd, opt + 3));
    uint32_t alen = v4 ? 4 : 16;
    if (v4) {
        nd_print(nd, " ");
        nd_print_ipaddr(nd, opt + 4);
    } else {
        nd_print_ip6addr_after(nd, " ", opt + 4);
    }
    bool port = len == 10 || len == 18 || len == 22 || len == 30;
    bool hmac = len == 16 || len == 18 || len == 28 || len == 30;
    if (port)
        nd_print(nd, ":%u", nd_be16(nd, opt + 4 + alen));
    if (hmac)
        nd_print(nd, " hmac 0x%" PRIx64, nd_be64(nd, opt + 4 + alen + (port ? 2 : 0)));
    return true;
}

static bool rem_addr(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)flags;
    if (len < 4)
        return false;
    nd_print(nd, " id");
    for (uint32_t i = 3; i < len; i++)
        nd_print(nd, " %u", nd_u8(nd, opt + i));
    return true;
}

static bool prio(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)flags;
    if (len != 3 && len != 4)
        return false;
    nd_print(nd, (nd_u8(nd, opt + 2) & MP_PRIO_B) ? " backup" : " non-backup");
    if (len == 4)
        nd_print(nd, " id %u", nd_u8(nd, opt + 3));
    return true;
}

static bool fail(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)flags;
    if (len != 12)
        return false;
    nd_print(nd, " seq %" PRIu64, nd_be64(nd, opt + 4));
    return true;
}

static bool fast_close(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)flags;
    if (len != 12)
        return false;
    nd_print(nd, " key 0x%" PRIx64, nd_be64(nd, opt + 4));
    return true;
}

static bool unknown(struct nd *nd, uint32_t opt, uint32_t len, uint8_t flags)
{
    (void)nd, (void)opt, (void)len, (void)flags;
    return true;
}

static const struct {
    const char *name;
    bool (*print)(struct nd *, uint32_t, uint32_t, uint8_t);
} subtypes[] = {
    {"capable", capable}, {"join", join}, {"dss", dss},
    {"add-addr", add_addr}, {"rem-addr", rem_addr}, {"prio", prio},
    {"fail", fail}, {"fast-close", fast_close}, {"unknown", unknown},
};

bool nd_mptcp_print(struct nd *nd, uint32_t opt, uint32_t len, uint8_t tcp_flags)
{
    nd->proto = "mptcp";        /* stays so for a later truncation, as in tcpdump */
    if (len < 3)
        return false;
    unsigned sub = nd_u8(nd, opt + 2) >> 4;
    if (sub > 8)
        sub = 8;
    nd_print(nd, " %u %s", len, subtypes[sub].name);
    return subtypes[sub].print(nd, opt, len, tcp_flags);
}
