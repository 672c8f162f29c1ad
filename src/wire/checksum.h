/* The Internet checksum (RFC 1071), used by IPv4, ICMP, UDP and TCP. */
#ifndef TCPLAB_CHECKSUM_H
#define TCPLAB_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Add `len` bytes to a running 32-bit one's-complement sum. */
uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len);
/* Fold a running sum to 16 bits and complement it: the value to store. */
uint16_t csum_finish(uint32_t sum);
/* The IPv4 pseudo-header of RFC 9293 §3.1 / RFC 768, as a running sum. */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);
/* Tests: the scalar code even where the CPU has AVX2. */
void csum_scalar_only(bool on);
/* Checksum of a buffer on its own. */
static inline uint16_t inet_checksum(const uint8_t *data, size_t len)
{
    return csum_finish(csum_add(0, data, len));
}

#endif
