/* The Internet checksum (RFC 1071): 16-bit one's-complement sum.
 *
 * The sum does not depend on byte order (RFC 1071 §2(B)): the bulk of the
 * data is added as native 32-bit words into a 64-bit accumulator, folded,
 * and swapped into network order once; the last few bytes are added as
 * big-endian 16-bit words, an odd one padded with zero. */
#include <string.h>

#include "wire/checksum.h"

static uint16_t fold64(uint64_t a)
{
    a = (a & 0xffffffffu) + (a >> 32);
    a = (a & 0xffffffffu) + (a >> 32);
    a = (a & 0xffff) + (a >> 16);
    a = (a & 0xffff) + (a >> 16);
    a = (a & 0xffff) + (a >> 16);
    return (uint16_t)a;
}

uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        acc += (w & 0xffffffffu) + (w >> 32);
    }
    uint16_t native = fold64(acc);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    native = (uint16_t)(native >> 8 | native << 8);
#endif
    uint64_t s = (uint64_t)sum + native;
    for (; i + 1 < len; i += 2)
        s += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (i < len)
        s += (uint32_t)data[i] << 8;   /* odd byte, padded with zero */
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

uint16_t csum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    uint64_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}
