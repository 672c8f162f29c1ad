/* Word k of the stream is splitmix64's output for the counter
 * seed + k * golden ratio; byte b of the word is bits 8b..8b+7 (so the
 * bytes are the words stored little-endian). */
#include <string.h>

#include "util/stream.h"

#define GAMMA 0x9e3779b97f4a7c15ull
#define MIX1 0xbf58476d1ce4e5b9ull
#define MIX2 0x94d049bb133111ebull

static inline uint64_t word(uint64_t seed, uint64_t k)
{
    uint64_t z = seed + k * GAMMA;
    z = (z ^ (z >> 30)) * MIX1;
    z = (z ^ (z >> 27)) * MIX2;
    return z ^ (z >> 31);
}

static inline void put_word(uint8_t *out, uint64_t z)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(out, &z, 8);
#else
    for (int b = 0; b < 8; b++)
        out[b] = (uint8_t)(z >> (8 * b));
#endif
}

/* Whole words, one at a time: the iterations are independent, so they
 * overlap in the CPU. */
static void words_scalar(uint64_t seed, uint64_t k, uint8_t *out, size_t nwords)
{
    for (size_t w = 0; w < nwords; w++)
        put_word(out + 8 * w, word(seed, k + w));
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Four words at a time with AVX-512's 64-bit multiply on 256-bit
 * registers (the 512-bit ones would slow the whole core down). */
__attribute__((target("avx512f,avx512dq,avx512vl")))
static size_t words_avx512(uint64_t seed, uint64_t k, uint8_t *out, size_t nwords)
{
    const __m256i gamma4 = _mm256_set1_epi64x((long long)(4 * GAMMA));
    const __m256i mix1 = _mm256_set1_epi64x((long long)MIX1);
    const __m256i mix2 = _mm256_set1_epi64x((long long)MIX2);
    __m256i z0 = _mm256_set_epi64x((long long)(seed + (k + 3) * GAMMA),
                                   (long long)(seed + (k + 2) * GAMMA),
                                   (long long)(seed + (k + 1) * GAMMA),
                                   (long long)(seed + k * GAMMA));
    size_t w = 0;
    for (; w + 4 <= nwords; w += 4) {
        __m256i z = z0;
        z = _mm256_mullo_epi64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), mix1);
        z = _mm256_mullo_epi64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), mix2);
        z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
        _mm256_storeu_si256((__m256i *)(out + 8 * w), z);
        z0 = _mm256_add_epi64(z0, gamma4);
    }
    return w;
}

/* Atomic: the digest worker (util/digest.c) makes the stream too. */
static _Atomic int vector = -1;

void stream_scalar_only(bool on)
{
    vector = on ? 0 : -1;
}

static void words(uint64_t seed, uint64_t k, uint8_t *out, size_t nwords)
{
    if (vector < 0) {
        __builtin_cpu_init();
        vector = __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    }
    size_t done = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (vector)
        done = words_avx512(seed, k, out, nwords);
#endif
    words_scalar(seed, k + done, out + 8 * done, nwords - done);
}
#else
void stream_scalar_only(bool on)
{
    (void)on;
}

static void words(uint64_t seed, uint64_t k, uint8_t *out, size_t nwords)
{
    words_scalar(seed, k, out, nwords);
}
#endif

void stream_bytes(uint64_t seed, uint64_t from, uint8_t *out, size_t n)
{
    size_t i = 0;
    for (; i < n && ((from + i) & 7); i++)          /* up to a word boundary */
        out[i] = (uint8_t)(word(seed, (from + i) >> 3) >> (8 * ((from + i) & 7)));
    size_t nwords = (n - i) / 8;
    words(seed, (from + i) >> 3, out + i, nwords);
    i += 8 * nwords;
    for (; i < n; i++)                               /* the ragged end */
        out[i] = (uint8_t)(word(seed, (from + i) >> 3) >> (8 * ((from + i) & 7)));
}
