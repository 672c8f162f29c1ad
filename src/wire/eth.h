/* Ethernet II framing (no FCS: links hand over frames without it). */
#ifndef TCPLAB_ETH_H
#define TCPLAB_ETH_H

#include <stddef.h>
#include <stdint.h>

#include "wire/drop.h"

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_MTU       1500
#define ETH_FRAME_MAX (ETH_HLEN + ETH_MTU)
#define ETH_FRAME_MIN 60          /* without FCS; shorter frames are padded */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806

struct eth_hdr {
    uint8_t dst[ETH_ALEN];
    uint8_t src[ETH_ALEN];
    uint16_t type;
};

extern const uint8_t eth_broadcast[ETH_ALEN];

enum drop_reason eth_parse(const uint8_t *f, size_t len, struct eth_hdr *h);
/* Writes the 14-byte header; returns ETH_HLEN. */
size_t eth_build(uint8_t *out, const struct eth_hdr *h);
/* "02:00:0a:0a:01:64" into buf (at least 18 bytes); returns buf. */
char *eth_ntoa(const uint8_t mac[ETH_ALEN], char *buf);

#endif
