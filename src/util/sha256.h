/* SHA-256 (FIPS 180-4): for `send --bytes` / `recv --all` digests and the
 * keyed function of RFC 6528 initial sequence numbers. */
#ifndef TCPLAB_SHA256_H
#define TCPLAB_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[32]);
/* Tests: use the portable code even where the CPU has SHA instructions. */
void sha256_portable_only(bool on);
/* 64 lower-case hex digits and a NUL into hex (65 bytes). */
void sha256_hex(const uint8_t digest[32], char hex[65]);

#endif
