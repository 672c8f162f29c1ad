/* IPv4 header (RFC 791).  Addresses are host-order uint32_t throughout. */
#ifndef TCPLAB_IPV4_H
#define TCPLAB_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"

#define IPV4_HLEN     20
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP  6
#define IP_PROTO_UDP  17
#define IP_DF         0x4000
#define IP_MF         0x2000
#define IP_OFFMASK    0x1fff

struct ipv4_hdr {
    uint8_t hlen;          /* bytes, 20..60 */
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag;         /* flags and fragment offset, as on the wire */
    uint8_t ttl;
    uint8_t proto;
    uint16_t cksum;
    uint32_t src, dst;
};

/* Validates version, header length, total length against `len` and the
 * header checksum.  On success *payload / *plen give the IP payload
 * (trailing Ethernet padding cut off). */
enum drop_reason ipv4_parse(const uint8_t *p, size_t len, struct ipv4_hdr *h,
                            const uint8_t **payload, size_t *plen);
/* Writes a 20-byte header for `payload_len` bytes of payload, checksum
 * filled in (h->hlen and h->tot_len are ignored). */
size_t ipv4_build(uint8_t *out, const struct ipv4_hdr *h, size_t payload_len);

static inline bool ipv4_is_fragment(const struct ipv4_hdr *h)
{
    return (h->frag & (IP_MF | IP_OFFMASK)) != 0;
}

/* "10.10.1.100" into buf (at least 16 bytes); returns buf. */
char *ipv4_ntoa(uint32_t a, char *buf);
/* Parses dotted-quad; returns 0 or -1. */
int ipv4_aton(const char *s, uint32_t *a);

#endif
