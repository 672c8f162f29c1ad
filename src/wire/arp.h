/* ARP for IPv4 over Ethernet (RFC 826). */
#ifndef TCPLAB_ARP_WIRE_H
#define TCPLAB_ARP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"
#include "wire/eth.h"

#define ARP_LEN       28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct arp_pkt {
    uint16_t op;
    uint8_t sha[ETH_ALEN];
    uint32_t spa;
    uint8_t tha[ETH_ALEN];
    uint32_t tpa;
};

/* Accepts only htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4. */
enum drop_reason arp_parse(const uint8_t *p, size_t len, struct arp_pkt *a);
size_t arp_build(uint8_t *out, const struct arp_pkt *a);   /* returns ARP_LEN */

#endif
