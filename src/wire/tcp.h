/* TCP header and options (RFC 9293 §3.1, RFC 7323, RFC 2018). */
#ifndef TCPLAB_TCP_WIRE_H
#define TCPLAB_TCP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"

#define TCP_HLEN 20
#define TCP_OPT_MAX 40

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOPT_WSCALE    3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK      5
#define TCPOPT_TS        8

#define TCP_MAX_SACK 4

struct tcp_opts {
    bool has_mss, has_wscale, sack_perm, has_ts;
    uint16_t mss;
    uint8_t wscale;
    uint32_t ts_val, ts_ecr;
    uint8_t nsack;
    struct { uint32_t left, right; } sack[TCP_MAX_SACK];
    uint8_t unknown;           /* options of other kinds seen (skipped) */
};

/* A parsed (or to-be-built) segment; data points into the frame. */
struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t hlen;              /* bytes */
    uint8_t flags;
    uint16_t wnd;
    uint16_t cksum;
    uint16_t urp;
    struct tcp_opts opt;
    const uint8_t *data;
    size_t len;
};

/* Validates the data offset, the options' lengths and the checksum over the
 * pseudo-header (skipped when `verify_csum` is false). */
enum drop_reason tcp_parse(const uint8_t *p, size_t len, uint32_t src, uint32_t dst,
                           struct tcp_seg *s);
enum drop_reason tcp_parse_options(const uint8_t *p, size_t len, struct tcp_opts *o);
/* Writes header, the options set in s->opt, and s->data; checksum filled
 * in.  Returns the segment length, or 0 if it does not fit in cap. */
size_t tcp_build(uint8_t *out, size_t cap, uint32_t src, uint32_t dst, const struct tcp_seg *s);
/* Bytes of options tcp_build would write for o. */
size_t tcp_options_len(const struct tcp_opts *o);

/* Sequence space a segment occupies: data plus one for SYN and for FIN. */
static inline uint32_t tcp_seg_len(const struct tcp_seg *s)
{
    return (uint32_t)s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
}

/* tcpdump's flag string ("S.", "FP.", "none") into buf (>= 9 bytes). */
char *tcp_flags_str(uint8_t flags, char *buf);

#endif
