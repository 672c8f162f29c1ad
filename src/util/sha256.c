/* SHA-256 as specified in FIPS 180-4 §6.2. */
#include <stdio.h>
#include <string.h>

#include "util/sha256.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block_portable(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* CPUID leaf 7: EBX bit 29 is SHA; leaf 1: ECX bit 19 is SSE4.1. */
static int cpu_has_shani(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 29) & 1;
}

/* The same compression with the x86 SHA extensions (Intel SHA-NI): the
 * state kept as ABEF/CDGH, four rounds per pair of sha256rnds2, the
 * message schedule by sha256msg1/msg2 (Intel's "SHA Extensions" paper). */
__attribute__((target("sha,sse4.1")))
static void block_shani(uint32_t h[8], const uint8_t *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&h[0]);      /* A B C D */
    __m128i st1 = _mm_loadu_si128((const __m128i *)&h[4]);      /* E F G H */
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                          /* C D A B */
    st1 = _mm_shuffle_epi32(st1, 0x1B);                          /* H G F E */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                 /* A B E F */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);                       /* C D G H */
    const __m128i abef = st0, cdgh = st1;
    __m128i m[4];
    for (int i = 0; i < 4; i++)
        m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
#pragma GCC unroll 16
    for (int r = 0; r < 16; r++) {
        __m128i w = m[r & 3];
        __m128i k = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&K[4 * r]));
        st1 = _mm_sha256rnds2_epu32(st1, st0, k);
        st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(k, 0x0E));
        if (r < 12) {
            /* W[16+4r..] from W[4r..]: msg1, add W[t-7], msg2 */
            __m128i next = _mm_sha256msg1_epu32(m[r & 3], m[(r + 1) & 3]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(m[(r + 3) & 3], m[(r + 2) & 3], 4));
            m[r & 3] = _mm_sha256msg2_epu32(next, m[(r + 3) & 3]);
        }
    }
    st0 = _mm_add_epi32(st0, abef);
    st1 = _mm_add_epi32(st1, cdgh);
    tmp = _mm_shuffle_epi32(st0, 0x1B);                          /* F E B A */
    st1 = _mm_shuffle_epi32(st1, 0xB1);                          /* D C H G */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0);                       /* D C B A */
    st1 = _mm_alignr_epi8(st1, tmp, 8);                          /* H G F E */
    _mm_storeu_si128((__m128i *)&h[0], st0);
    _mm_storeu_si128((__m128i *)&h[4], st1);
}

/* The SHA instructions exist only in the legacy SSE encoding: if AVX code
 * in this thread (glibc's memcpy, the checksum) left the upper halves of
 * the ymm registers dirty, every one of them pays for it, a third slower
 * as measured.  VZEROUPPER once per update makes them clean. */
__attribute__((target("avx")))
static void clean_upper(void)
{
    _mm256_zeroupper();
}

/* Atomic: the digest worker (util/digest.c) hashes in a thread of its own. */
static _Atomic int have_shani = -1, have_avx;

void sha256_portable_only(bool on)
{
    have_shani = on ? 0 : -1;
}

static void before_blocks(void)
{
    if (have_shani < 0) {
        have_shani = cpu_has_shani();
        __builtin_cpu_init();
        have_avx = __builtin_cpu_supports("avx");
    }
    if (have_shani && have_avx)
        clean_upper();
}

static void block(uint32_t h[8], const uint8_t *p)
{
    if (have_shani)
        block_shani(h, p);
    else
        block_portable(h, p);
}
#else
void sha256_portable_only(bool on)
{
    (void)on;
}

static void before_blocks(void)
{
}

static void block(uint32_t h[8], const uint8_t *p)
{
    block_portable(h, p);
}
#endif

void sha256_init(struct sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->fill = 0;
}

void sha256_update(struct sha256 *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->len += len;
    before_blocks();
    if (c->fill) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill < 64)
            return;
        block(c->h, c->buf);
        c->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        block(c->h, p);
    memcpy(c->buf, p, len);
    c->fill = len;
}

void sha256_final(struct sha256 *c, uint8_t out[32])
{
    uint64_t bits = c->len * 8;
    uint8_t pad = 0x80;
    sha256_update(c, &pad, 1);
    static const uint8_t zero[64];
    sha256_update(c, zero, (c->fill <= 56 ? 56 - c->fill : 120 - c->fill));
    uint8_t lenb[8];
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, lenb, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void sha256_hex(const uint8_t d[32], char hex[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
