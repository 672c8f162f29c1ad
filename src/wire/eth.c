/* Ethernet II: the outermost layer of every frame tcplab sends or receives. */
#include <stdio.h>
#include <string.h>

#include "wire/bytes.h"
#include "wire/eth.h"

const uint8_t eth_broadcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

enum drop_reason eth_parse(const uint8_t *f, size_t len, struct eth_hdr *h)
{
    if (len < ETH_HLEN)
        return DROP_ETH_TRUNCATED;
    memcpy(h->dst, f, ETH_ALEN);
    memcpy(h->src, f + 6, ETH_ALEN);
    h->type = get_be16(f + 12);
    return DROP_NONE;
}

size_t eth_build(uint8_t *out, const struct eth_hdr *h)
{
    memcpy(out, h->dst, ETH_ALEN);
    memcpy(out + 6, h->src, ETH_ALEN);
    put_be16(out + 12, h->type);
    return ETH_HLEN;
}

char *eth_ntoa(const uint8_t m[ETH_ALEN], char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}
