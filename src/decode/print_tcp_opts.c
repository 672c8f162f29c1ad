/* TCP options (RFC 9293 §3.2 and the RFCs of each kind) as tcpdump 4.99.3
 * prints them: ", options [" name data "," ... "]".  The length checks,
 * "[len n]", "[bad opt]" and the " [|tcp]>" truncation follow print-tcp.c
 * exactly; see shared/docs/tcpdump-format.md §8.4 and §10. */
#include "decode/print_tcp.h"

enum {
    TCPOPT_EOL = 0,
    TCPOPT_NOP = 1,
    TCPOPT_MAXSEG = 2,
    TCPOPT_WSCALE = 3,          /* RFC 7323 */
    TCPOPT_SACKOK = 4,          /* RFC 2018 */
    TCPOPT_SACK = 5,
    TCPOPT_ECHO = 6,            /* RFC 1072 */
    TCPOPT_ECHOREPLY = 7,
    TCPOPT_TIMESTAMP = 8,       /* RFC 7323 */
    TCPOPT_CC = 11,             /* RFC 1644 */
    TCPOPT_CCNEW = 12,
    TCPOPT_CCECHO = 13,
    TCPOPT_SIGNATURE = 19,      /* RFC 2385 */
    TCPOPT_SCPS = 20,
    TCPOPT_UTO = 28,            /* RFC 5482 */
    TCPOPT_TCPAO = 29,          /* RFC 5925 */
    TCPOPT_MPTCP = 30,          /* RFC 8684 */
    TCPOPT_FASTOPEN = 34,       /* RFC 7413 */
    TCPOPT_EXPERIMENT2 = 254,   /* RFC 6994 */
};

#define TCP_SIGLEN 16

static const struct nd_tok option_names[] = {
    {TCPOPT_EOL, "eol"},
    {TCPOPT_NOP, "nop"},
    {TCPOPT_MAXSEG, "mss"},
    {TCPOPT_WSCALE, "wscale"},
    {TCPOPT_SACKOK, "sackOK"},
    {TCPOPT_SACK, "sack"},
    {TCPOPT_ECHO, "echo"},
    {TCPOPT_ECHOREPLY, "echoreply"},
    {TCPOPT_TIMESTAMP, "TS"},
    {TCPOPT_CC, "cc"},
    {TCPOPT_CCNEW, "ccnew"},
    {TCPOPT_CCECHO, ""},        /* sic: 4.99.3 prints no name (§8.4) */
    {TCPOPT_SIGNATURE, "md5"},
    {TCPOPT_SCPS, "scps"},
    {TCPOPT_UTO, "uto"},
    {TCPOPT_TCPAO, "tcp-ao"},
    {TCPOPT_MPTCP, "mptcp"},
    {TCPOPT_FASTOPEN, "tfo"},
    {TCPOPT_EXPERIMENT2, "exp"},
    {0, NULL},
};

/* What an option's printer reports back to the loop. */
enum step { STEP_OK, STEP_BAD, STEP_TRUNC };

/* tcpdump's LENCHECK: l data bytes must be inside the header (else
 * "[bad opt]") and captured (else truncation). */
static enum step lencheck(const struct nd *nd, uint32_t cp, uint32_t hlen, uint32_t l)
{
    if (l > hlen)
        return STEP_BAD;
    return nd_ttest(nd, cp, l) ? STEP_OK : STEP_TRUNC;
}

/* Fast Open cookie (RFC 7413 §4.1.1), bare or as an RFC 6994 experiment. */
static void print_fastopen(struct nd *nd, uint32_t cp, uint32_t datalen, bool exp)
{
    if (exp)
        nd_print(nd, "tfo");
    if (datalen == 0) {
        nd_print(nd, " cookiereq");
    } else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
        nd_print(nd, " (invalid)");
    } else {
        nd_print(nd, " cookie ");
        for (uint32_t i = 0; i < datalen; i++)
            nd_print(nd, "%02x", nd_u8(nd, cp + i));
    }
}

/* TCP-MD5 (RFC 2385): no secret is ever supplied (tcpdump -M), so the
 * signature can only be shown, after the reason it cannot be checked. */
static void print_md5(struct nd *nd, const struct tcp_seg *s, uint32_t cp)
{
    nd_print(nd, " ");
    if (!nd_ttest(nd, s->payload_off, s->payload_len))
        nd_print(nd, "snaplen too short, ");
    else
        nd_print(nd, "shared secret not supplied with -M, ");
    nd_print(nd, "can't check - ");
    for (uint32_t i = 0; i < TCP_SIGLEN; i++)
        nd_print(nd, "%02x", nd_u8(nd, cp + i));
}

/* The data of one option; *datalen is set to the bytes it consumed. */
static enum step print_option_data(struct nd *nd, const struct tcp_seg *s, uint8_t opt,
                                   uint32_t cp, uint32_t hlen, uint32_t len,
                                   uint32_t *datalen)
{
    enum step r;
#define LENCHECK(l)                                     \
    do {                                                \
        if ((r = lencheck(nd, cp, hlen, (l))) != STEP_OK) \
            return r;                                   \
    } while (0)

    switch (opt) {
    case TCPOPT_MAXSEG:
        *datalen = 2;
        LENCHECK(2);
        nd_print(nd, " %u", nd_be16(nd, cp));
        break;
    case TCPOPT_WSCALE:
        *datalen = 1;
        LENCHECK(1);
        nd_print(nd, " %u", nd_u8(nd, cp));
        break;
    case TCPOPT_SACK:
        *datalen = len - 2;
        if (*datalen % 8 != 0) {
            nd_print(nd, " invalid sack");
            break;
        }
        nd_print(nd, " %u ", *datalen / 8);
        for (uint32_t i = 0; i < *datalen; i += 8) {
            LENCHECK(i + 4);
            uint32_t start = nd_be32(nd, cp + i) - s->sack_base;
            LENCHECK(i + 8);
            uint32_t end = nd_be32(nd, cp + i + 4) - s->sack_base;
            nd_print(nd, "{%u:%u}", start, end);
        }
        break;
    case TCPOPT_CC:
    case TCPOPT_CCNEW:
    case TCPOPT_CCECHO:
    case TCPOPT_ECHO:
    case TCPOPT_ECHOREPLY:
        *datalen = 4;
        LENCHECK(4);
        nd_print(nd, " %u", nd_be32(nd, cp));
        break;
    case TCPOPT_TIMESTAMP:
        *datalen = 8;
        LENCHECK(8);
        nd_print(nd, " val %u ecr %u", nd_be32(nd, cp), nd_be32(nd, cp + 4));
        break;
    case TCPOPT_SIGNATURE:
        *datalen = TCP_SIGLEN;
        LENCHECK(TCP_SIGLEN);
        print_md5(nd, s, cp);
        break;
    case TCPOPT_SCPS:
        *datalen = 2;
        LENCHECK(2);
        nd_print(nd, " cap %02x id %u", nd_u8(nd, cp), nd_u8(nd, cp + 1));
        break;
    case TCPOPT_TCPAO:
        *datalen = len - 2;
        if (*datalen < 2) {     /* RFC 5925 §2.2: length >= 4 */
            nd_print(nd, " (invalid)");
            break;
        }
        LENCHECK(1);
        nd_print(nd, " keyid %u", nd_u8(nd, cp));
        LENCHECK(2);
        nd_print(nd, " rnextkeyid %u", nd_u8(nd, cp + 1));
        if (*datalen > 2) {
            nd_print(nd, " mac 0x");
            for (uint32_t i = 2; i < *datalen; i++) {
                LENCHECK(i + 1);
                nd_print(nd, "%02x", nd_u8(nd, cp + i));
            }
        }
        break;
    case TCPOPT_EOL:
    case TCPOPT_NOP:
    case TCPOPT_SACKOK:
        break;
    case TCPOPT_UTO: {
        *datalen = 2;
        LENCHECK(2);
        uint32_t uto = nd_be16(nd, cp);
        nd_print(nd, " 0x%x", uto);
        /* RFC 5482 §3: the low bit says minutes rather than seconds */
        uto = (uto & 1) ? (uto >> 1) * 60 : uto >> 1;
        nd_print(nd, " %u", uto);
        break;
    }
    case TCPOPT_FASTOPEN:
        *datalen = len - 2;
        LENCHECK(*datalen);
        nd_print(nd, " ");
        print_fastopen(nd, cp, *datalen, false);
        break;
    case TCPOPT_EXPERIMENT2: {
        *datalen = len - 2;
        LENCHECK(*datalen);
        if (*datalen < 2)
            return STEP_BAD;
        uint16_t magic = nd_be16(nd, cp);
        nd_print(nd, "-");
        if (magic == 0xf989)
            print_fastopen(nd, cp + 2, *datalen - 2, true);
        else
            nd_print(nd, "%04x", magic);
        break;
    }
    case TCPOPT_MPTCP: {
        *datalen = len - 2;
        LENCHECK(*datalen);
        /* tcpdump narrows the capture to the option's end around it */
        uint32_t saved = nd_push_snapend(nd, cp - 2, len);
        bool ok = nd_mptcp_print(nd, cp - 2, len, s->flags);
        nd_pop_snapend(nd, saved);
        if (!ok)
            return STEP_BAD;
        break;
    }
    default:    /* unknown kinds */
        *datalen = len - 2;
        if (*datalen)
            nd_print(nd, " 0x");
        for (uint32_t i = 0; i < *datalen; i++) {
            LENCHECK(i + 1);
            nd_print(nd, "%02x", nd_u8(nd, cp + i));
        }
        break;
    }
    return STEP_OK;
#undef LENCHECK
}

enum tcp_opts_result nd_tcp_print_options(struct nd *nd, const struct tcp_seg *s,
                                       uint32_t cp, uint32_t hlen)
{
    char ch = '\0';
    enum step r = STEP_OK;
    nd_print(nd, ", options [");
    while (hlen > 0) {
        if (ch != '\0')
            nd_print(nd, "%c", ch);
        uint8_t opt = nd_u8(nd, cp++);
        uint32_t len = 1;
        bool zerolen = opt == TCPOPT_EOL || opt == TCPOPT_NOP;
        if (!zerolen) {
            len = nd_u8(nd, cp++);      /* total, including kind and length */
            if (len < 2 || len > hlen) {
                r = STEP_BAD;
                break;
            }
            --hlen;
        }
        --hlen;
        const char *name = nd_tok_name(option_names, opt);
        if (name != NULL)
            nd_print(nd, "%s", name);
        else
            nd_print(nd, "unknown-%u", opt);

        uint32_t datalen = 0;
        r = print_option_data(nd, s, opt, cp, hlen, len, &datalen);
        if (r != STEP_OK)
            break;
        cp += datalen;
        hlen -= datalen;
        /* the length byte disagreed with what the kind implies */
        if (datalen + (zerolen ? 1 : 2) != len)
            nd_print(nd, "[len %u]", len);
        ch = ',';
        if (opt == TCPOPT_EOL)
            break;
    }
    switch (r) {
    case STEP_BAD:
        nd_print(nd, "[bad opt]");
        if (ch != '\0')
            nd_print(nd, "]");
        return TCP_OPTS_BAD;
    case STEP_TRUNC:
        nd_print_trunc(nd);
        if (ch != '\0')
            nd_print(nd, ">");
        return TCP_OPTS_TRUNC;
    default:
        nd_print(nd, "]");
        return TCP_OPTS_OK;
    }
}
