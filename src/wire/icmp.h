/* ICMP messages (RFC 792): echo and destination unreachable. */
#ifndef TCPLAB_ICMP_WIRE_H
#define TCPLAB_ICMP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"

#define ICMP_HLEN          8
#define ICMP_ECHO_REPLY    0
#define ICMP_DEST_UNREACH  3
#define ICMP_ECHO_REQUEST  8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PORT_UNREACH  3     /* code of ICMP_DEST_UNREACH */

struct icmp_msg {
    uint8_t type, code;
    uint16_t cksum;
    uint16_t id, seq;          /* echo; for errors the raw "rest of header" */
    const uint8_t *data;       /* after the 8-byte header */
    size_t len;
};

/* Checks the length and the checksum over the whole message. */
enum drop_reason icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *m);
/* Writes header + data (m->data, m->len) with the checksum; returns length. */
size_t icmp_build(uint8_t *out, const struct icmp_msg *m);

#endif
