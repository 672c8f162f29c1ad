/* Internal to the decoder: the per-frame print context, its bounds-checked
 * big-endian getters, and the printers each layer hands the frame to.
 *
 * Modelled on tcpdump's netdissect_options and GET_* accessors: a printer
 * reads bytes only through nd_u8/nd_be16/nd_be32, which jump back to
 * decode_frame (nd_trunc) when a read would go past `snapend`, exactly
 * where tcpdump 4.99.3 longjmps and prints " [|proto]"
 * (shared/docs/tcpdump-format.md §10).  Positions are byte offsets from the
 * start of the frame, never pointers, so nothing is ever computed past the
 * end of the buffer. */
#ifndef TCPLAB_DECODE_INT_H
#define TCPLAB_DECODE_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/decode.h"

/* tcpdump's MAXIMUM_SNAPLEN: records claiming more are "[Invalid header" */
#define ND_MAX_SNAPLEN 262144u

/* One frame being printed. */
struct nd {
    FILE *out;
    const struct decode_opts *opts;
    struct tcp_seq_table *seqs;   /* relative sequence numbers, §8.3 */
    const uint8_t *pkt;           /* the frame */
    uint32_t caplen;              /* bytes in pkt */
    uint32_t snapend;             /* offset past the last readable byte */
    const char *proto;            /* name printed by a generic truncation */
    uint32_t ll_hdr_len;          /* where -x/-X start (§9) */
    jmp_buf early_end;            /* target of nd_trunc() */
};

/* Token tables: value -> name, ended by a NULL name. */
struct nd_tok {
    unsigned v;
    const char *s;
};
const char *nd_tok_name(const struct nd_tok *t, unsigned v);   /* NULL if absent */

void nd_print(struct nd *nd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* " [|proto]": what tcpdump's nd_print_trunc writes. */
void nd_print_trunc(struct nd *nd);
/* Give up on the frame (tcpdump's nd_trunc_longjmp): decode_frame then
 * prints " [|proto]" and starts any hex dump at the Ethernet header. */
_Noreturn void nd_trunc(struct nd *nd);

/* True if n bytes at off were captured (and lie before snapend). */
static inline bool nd_ttest(const struct nd *nd, uint32_t off, uint32_t n)
{
    return off <= nd->snapend && n <= nd->snapend - off;
}

static inline uint32_t nd_avail(const struct nd *nd, uint32_t off)
{
    return off < nd->snapend ? nd->snapend - off : 0;
}

static inline uint8_t nd_u8(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 1))
        nd_trunc(nd);
    return nd->pkt[off];
}

static inline uint16_t nd_be16(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 2))
        nd_trunc(nd);
    return (uint16_t)(nd->pkt[off] << 8 | nd->pkt[off + 1]);
}

static inline uint32_t nd_be32(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 4))
        nd_trunc(nd);
    return (uint32_t)nd->pkt[off] << 24 | (uint32_t)nd->pkt[off + 1] << 16 |
           (uint32_t)nd->pkt[off + 2] << 8 | nd->pkt[off + 3];
}

static inline uint64_t nd_be64(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 8))
        nd_trunc(nd);
    return (uint64_t)nd_be32(nd, off) << 32 | nd_be32(nd, off + 4);
}

/* Shrink snapend to off + len (never grows it); returns the old value to
 * hand back to nd_pop_snapend.  tcpdump's nd_push_snaplen. */
static inline uint32_t nd_push_snapend(struct nd *nd, uint32_t off, uint32_t len)
{
    uint32_t old = nd->snapend;
    if (off <= nd->snapend && len < nd->snapend - off)
        nd->snapend = off + len;
    return old;
}

static inline void nd_pop_snapend(struct nd *nd, uint32_t old)
{
    nd->snapend = old;
}

/* Text forms; each throws truncation like a getter. */
void nd_print_ipaddr(struct nd *nd, uint32_t off);
void nd_print_macaddr(struct nd *nd, uint32_t off);
/* IPv6 addresses as tcpdump's addrtostr6 writes them (RFC 4291 §2.2). */
void nd_print_ip6addr(struct nd *nd, uint32_t off);
void nd_print_ip6bytes(struct nd *nd, const uint8_t a[16]);
/* prefix and address, nothing printed if the address was not captured */
void nd_print_ip6addr_after(struct nd *nd, const char *prefix, uint32_t off);
/* tcpdump's bittok2str: the names of the bits set, ", "-separated, or "none" */
void nd_print_bits(struct nd *nd, const struct nd_tok *t, uint32_t v);
/* tcpdump's ipproto_values, "unknown" if absent */
const char *nd_ipproto_name(unsigned proto);

/* The one's-complement sum (RFC 1071) over len captured bytes at off,
 * plus `initial`; not folded or complemented. */
uint32_t nd_sum(const struct nd *nd, uint32_t off, uint32_t len, uint32_t initial);
/* Fold and complement: 0 means a correct checksum. */
uint16_t nd_cksum_fold(uint32_t sum);
/* The value the checksum field should have held (tcpdump in_cksum_shouldbe). */
uint16_t nd_cksum_shouldbe(uint16_t stored, uint16_t computed);

/* Hex dumps (print-ascii.c): each line is "\n\t0x%04x: ..." */
void nd_hex_dump(struct nd *nd, uint32_t off, uint32_t len);
void nd_hex_ascii_dump(struct nd *nd, uint32_t off, uint32_t len);
/* -x style lines introduced by `ident` instead of "\n\t" (print_unknown_data). */
void nd_hex_dump_ident(struct nd *nd, const char *ident, uint32_t off, uint32_t len);
/* tcpdump's print_unknown_data: -x style lines of at most the captured
 * bytes, each introduced by `ident`. */
void nd_unknown_data(struct nd *nd, uint32_t off, const char *ident, uint32_t len);
/* tcpdump's default printer (ND_DEFAULTPRINT) for undecoded payloads:
 * hex + ASCII.  The Ethernet printer skips it under -x/-X. */
void nd_default_print(struct nd *nd, uint32_t off, uint32_t len);
/* One byte as tcpdump's fn_print_char: M- for high bytes, ^X for controls. */
void nd_print_char(struct nd *nd, uint8_t c);

/* Layer printers.  `off` is where the layer starts, `length` its length on
 * the wire as the layer below knows it. */
void nd_ether_print(struct nd *nd, uint32_t len, uint32_t caplen);
const char *nd_ethertype_lookup(uint16_t type);   /* NULL if unknown */
void nd_arp_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t caplen);
void nd_ip_print(struct nd *nd, uint32_t off, uint32_t length);
/* The list inside "options (...)"; -1 if the capture ends inside it. */
int nd_ip_print_options(struct nd *nd, uint32_t off, uint32_t length);
void nd_icmp_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t ip,
                bool fragmented);
void nd_udp_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t ip,
               bool fragmented);
void nd_tcp_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t ip,
               bool fragmented);
/* IPv6 (print_ip6.c) and its extension headers (print_ip6_ext.c), each
 * of which returns its length or -1 where the walk stops. */
void nd_ip6_print(struct nd *nd, uint32_t off, uint32_t length);
int nd_ip6_hbhopt_print(struct nd *nd, uint32_t off, bool *found_jumbo, uint32_t *payload_len);
int nd_ip6_dstopt_print(struct nd *nd, uint32_t off);
int nd_ip6_frag_print(struct nd *nd, uint32_t off, uint32_t ip6);
int nd_ip6_rt_print(struct nd *nd, uint32_t off);
/* ICMPv6 (print_icmp6.c) and the ND options (print_icmp6_nd.c). */
void nd_icmp6_print(struct nd *nd, uint32_t off, uint32_t length, uint32_t ip6,
                    bool fragmented);
int nd_icmp6_opt_print(struct nd *nd, uint32_t off, int resid);
void nd_icmp6_rrenum_print(struct nd *nd, uint32_t off);
const char *nd_rtpref_name(uint8_t flags);
/* The IPv6 pseudo-header sum (RFC 8200 §8.1), final destination of a
 * routing header included. */
uint32_t nd_ip6_pseudo_sum(struct nd *nd, uint32_t ip6, uint8_t proto, uint32_t len);
/* True if the IP header at ip is IPv6 (the transport printers serve both). */
static inline bool nd_ip_is6(const struct nd *nd, uint32_t ip)
{
    return ip < nd->caplen && nd->pkt[ip] >> 4 == 6;
}
/* The TCP/UDP pseudo-header sum (RFC 9293 §3.1) for the IPv4 header at ip. */
uint32_t nd_ip_pseudo_sum(struct nd *nd, uint32_t ip, uint8_t proto, uint32_t len);

/* Relative sequence numbers (§8.3).  One table per decoder. */
struct tcp_seq_table;
struct tcp_seq_table *nd_tcp_seq_new(void);
void nd_tcp_seq_free(struct tcp_seq_table *t);

struct tcp_seq_key {
    uint8_t src[16], dst[16];    /* addresses, as in the header */
    uint8_t alen;                /* 4 (IPv4) or 16 (IPv6) */
    uint16_t sport, dport;
};

/* For one ACK-bearing segment: look the conversation up, (re)create it if
 * unknown or if `syn`, and turn seq/ack into relative numbers unless the
 * entry was just made.  *base_peer receives what SACK blocks are shifted
 * by.  Returns false only if memory ran out (numbers left absolute). */
bool nd_tcp_seq_relative(struct tcp_seq_table *t, const struct tcp_seq_key *k,
                      bool syn, uint32_t *seq, uint32_t *ack,
                      uint32_t *base_peer);

#endif
