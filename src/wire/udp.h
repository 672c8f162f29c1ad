/* UDP header (RFC 768). */
#ifndef TCPLAB_UDP_WIRE_H
#define TCPLAB_UDP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"

#define UDP_HLEN 8

struct udp_dgram {
    uint16_t sport, dport;
    uint16_t cksum;
    const uint8_t *data;
    size_t len;
};

/* Checks the length field and, unless it is zero, the checksum. */
enum drop_reason udp_parse(const uint8_t *p, size_t len, uint32_t src, uint32_t dst,
                           struct udp_dgram *d);
/* Writes header + d->data (d->len bytes) with the checksum; returns length. */
size_t udp_build(uint8_t *out, uint32_t src, uint32_t dst, const struct udp_dgram *d);

#endif
