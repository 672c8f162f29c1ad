/* Shared by the TCP segment printer and its option printer. */
#ifndef TCPLAB_PRINT_TCP_H
#define TCPLAB_PRINT_TCP_H

#include "decode/decode_int.h"

/* Bits of the flags byte (RFC 9293 §3.1, RFC 3168 §23.2). */
enum {
    TH_FIN = 0x01,
    TH_SYN = 0x02,
    TH_RST = 0x04,
    TH_PUSH = 0x08,
    TH_ACK = 0x10,
    TH_URG = 0x20,
    TH_ECE = 0x40,
    TH_CWR = 0x80,
};

/* One segment as the option printer needs it. */
struct tcp_seg {
    uint32_t seq, ack;          /* as printed (relative unless -S) */
    uint8_t flags;
    uint32_t sack_base;         /* subtracted from SACK edges (§8.3 rule 4) */
    uint32_t tp, ip;            /* offsets of the TCP and IPv4 headers */
    uint32_t payload_off, payload_len;
};

enum tcp_opts_result {
    TCP_OPTS_OK,                /* "]" printed, the line goes on */
    TCP_OPTS_BAD,               /* "[bad opt]" ended the line */
    TCP_OPTS_TRUNC,             /* " [|tcp]" ended the line */
};

/* ", options [...]" for the `len` option bytes at off (§8.4). */
enum tcp_opts_result nd_tcp_print_options(struct nd *nd, const struct tcp_seg *s,
                                       uint32_t off, uint32_t len);

/* The data of an MPTCP option (kind 30) whose `len` bytes, kind and length
 * included, start at opt; false means "[bad opt]" (print_mptcp.c). */
bool nd_mptcp_print(struct nd *nd, uint32_t opt, uint32_t len, uint8_t tcp_flags);

/* The letters of §8.2 in FSRP.UEW order; "" when no flag is set. */
void nd_tcp_flags_string(uint8_t flags, char out[9]);

#endif
