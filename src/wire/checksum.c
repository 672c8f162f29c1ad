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

/* 8 bytes at a time, as two 32-bit halves, into four accumulators so the
 * additions do not wait on one another.  Each word adds less than 2^33, so
 * all four together stay below 2^64 for any len under 16 GiB (a frame is
 * at most 64 KiB). */
static uint64_t sum_words(const uint8_t *data, size_t len)
{
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        uint64_t w[4];
        memcpy(w, data + i, 32);
        a0 += (w[0] & 0xffffffffu) + (w[0] >> 32);
        a1 += (w[1] & 0xffffffffu) + (w[1] >> 32);
        a2 += (w[2] & 0xffffffffu) + (w[2] >> 32);
        a3 += (w[3] & 0xffffffffu) + (w[3] >> 32);
    }
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        a0 += (w & 0xffffffffu) + (w >> 32);
    }
    return a0 + a1 + a2 + a3;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The same with AVX2, 64 bytes per round in eight 64-bit lanes. */
__attribute__((target("avx2")))
static uint64_t sum_words_avx2(const uint8_t *data, size_t len)
{
    const __m256i lo = _mm256_set1_epi64x(0xffffffff);
    __m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(data + i));
        __m256i w = _mm256_loadu_si256((const __m256i *)(data + i + 32));
        a = _mm256_add_epi64(a, _mm256_add_epi64(_mm256_and_si256(v, lo), _mm256_srli_epi64(v, 32)));
        b = _mm256_add_epi64(b, _mm256_add_epi64(_mm256_and_si256(w, lo), _mm256_srli_epi64(w, 32)));
    }
    a = _mm256_add_epi64(a, b);
    uint64_t l[4];
    _mm256_storeu_si256((__m256i *)l, a);
    _mm256_zeroupper();     /* leave no dirty upper halves to SSE code (sha256.c) */
    return l[0] + l[1] + l[2] + l[3] + sum_words(data + i, len - i);
}

static int have_avx2 = -1;

void csum_scalar_only(bool on)
{
    have_avx2 = on ? 0 : -1;
}

static uint64_t sum(const uint8_t *data, size_t len)
{
    if (have_avx2 < 0) {
        __builtin_cpu_init();
        have_avx2 = __builtin_cpu_supports("avx2");
    }
    return have_avx2 && len >= 64 ? sum_words_avx2(data, len) : sum_words(data, len);
}
#else
void csum_scalar_only(bool on)
{
    (void)on;
}

static uint64_t sum(const uint8_t *data, size_t len)
{
    return sum_words(data, len);
}
#endif

uint32_t csum_add(uint32_t sum_in, const uint8_t *data, size_t len)
{
    size_t i = len & ~(size_t)7;
    uint16_t native = fold64(sum(data, i));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    native = (uint16_t)(native >> 8 | native << 8);
#endif
    uint64_t s = (uint64_t)sum_in + native;
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
