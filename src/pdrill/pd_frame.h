/* Frames for scripted segments (pd_frame.c). */
#ifndef TCPLAB_PD_FRAME_H
#define TCPLAB_PD_FRAME_H

#include "pdrill/pd.h"

/* The scripted peer's MAC address. */
extern const uint8_t pd_peer_mac[6];

/* Where a scripted segment goes, and its live numbers. */
struct pd_wire {
    uint8_t dmac[6];
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
};

/* Ethernet + IPv4 + TCP with pkt's flags, window, urgent pointer and
 * len payload bytes, the option bytes given (a multiple of 4).  Frame
 * length, or 0 if it does not fit. */
size_t pd_frame_tcp(uint8_t *out, size_t cap, const struct pd_wire *w, const struct pd_pkt *pkt,
                    const uint8_t *opts, size_t olen);
/* A TCP segment (header first) as a packet spec, absolute numbers, every
 * field present.  0, or -1 if malformed. */
int pd_pkt_from_seg(const uint8_t *seg, size_t len, struct pd_pkt *pkt, uint16_t *sport,
                    uint16_t *dport);

#endif
