/* Utilities: SHA-256 (FIPS 180-4 test vectors, both the portable code and
 * the SHA-NI path, split updates), the stream digest with its worker
 * thread, the byte stream of send --bytes, the byte ring, the seeded
 * generator. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "util/bytering.h"
#include "util/digest.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "util/stream.h"

static void digest(const void *d, size_t n, char hex[65])
{
    struct sha256 c;
    uint8_t out[32];
    sha256_init(&c);
    sha256_update(&c, d, n);
    sha256_final(&c, out);
    sha256_hex(out, hex);
}

static void check_vectors(void)
{
    char h[65];
    digest("", 0, h);
    ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest("abc", 3, h);
    ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest(two, strlen(two), h);
    ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *mil = malloc(1000000);
    memset(mil, 'a', 1000000);
    digest(mil, 1000000, h);
    ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(mil);
}

CK_CASE("util", NULL, NULL);

CK_TEST(test_sha256_fips_vectors)
{
    check_vectors();
}
END_TEST

CK_TEST(test_sha256_portable_path_gives_the_same_digests)
{
    sha256_portable_only(true);
    check_vectors();
    sha256_portable_only(false);
}
END_TEST

CK_TEST(test_sha256_any_split_of_the_input_gives_the_same_digest)
{
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 31 + 7);
    char whole[65], parts[65];
    digest(buf, sizeof buf, whole);
    for (size_t cut = 0; cut <= sizeof buf; cut += 13) {
        struct sha256 c;
        uint8_t out[32];
        sha256_init(&c);
        sha256_update(&c, buf, cut);
        sha256_update(&c, buf + cut, sizeof buf - cut);
        sha256_final(&c, out);
        sha256_hex(out, parts);
        ck_assert_str_eq(parts, whole);
    }
}
END_TEST

/* ---- the stream digest (util/digest.c) ---- */

static uint8_t *pattern(size_t n)
{
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 131 + (i >> 11));
    return b;
}

static void hex_of(struct digest *d, char hex[65])
{
    uint8_t out[32];
    digest_final(d, out);
    sha256_hex(out, hex);
}

CK_TEST(test_digest_of_a_long_stream_equals_sha256_whatever_the_pieces)
{
    /* 9 MiB crosses DIGEST_INLINE_MAX (the worker takes over) and wraps
     * the worker's ring several times; odd piece sizes straddle every
     * boundary.  The digest must be the plain SHA-256 of the bytes. */
    size_t n = 9u << 20;
    uint8_t *b = pattern(n);
    char want[65], got[65];
    digest(b, n, want);
    const size_t pieces[] = {4093, 16384, 65537, 1u << 20, 3u << 20};
    for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
        struct digest d;
        digest_init(&d);
        for (size_t off = 0; off < n; off += pieces[k])
            digest_update(&d, b + off, off + pieces[k] <= n ? pieces[k] : n - off);
        hex_of(&d, got);
        ck_assert_str_eq(got, want);
    }
    /* Byte by byte across the line where the worker takes over. */
    struct digest d;
    digest_init(&d);
    size_t off = DIGEST_INLINE_MAX - 1000;
    digest_update(&d, b, off);
    for (; off < DIGEST_INLINE_MAX + 70000; off++)
        digest_update(&d, b + off, 1);
    digest_update(&d, b + off, n - off);
    hex_of(&d, got);
    ck_assert_str_eq(got, want);
    free(b);
}
END_TEST

CK_TEST(test_digest_room_and_commit_equal_update)
{
    /* Written in place, committing less than the room given (as a send
     * that takes part of what was offered), the digest is the same. */
    size_t n = 5u << 20;
    uint8_t *b = pattern(n);
    char want[65], got[65];
    digest(b, n, want);
    struct digest d;
    digest_init(&d);
    size_t off = 0;
    while (off < n) {
        size_t room = 20000;
        uint8_t *to = digest_room(&d, &room);
        ck_assert_uint_ge(room, 1);
        ck_assert_uint_le(room, 20000);
        size_t take = room > 7 ? room - 7 : room;
        if (take > n - off)
            take = n - off;
        memcpy(to, b + off, take);
        digest_commit(&d, take);
        off += take;
    }
    hex_of(&d, got);
    ck_assert_str_eq(got, want);
    free(b);
}
END_TEST

CK_TEST(test_digest_short_streams_and_reuse)
{
    char want[65], got[65];
    struct digest d;
    digest_init(&d);
    hex_of(&d, got);                       /* nothing given */
    ck_assert_str_eq(got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_init(&d);
    digest_update(&d, "ab", 2);
    digest_update(&d, "c", 1);
    hex_of(&d, got);
    digest("abc", 3, want);
    ck_assert_str_eq(got, want);
}
END_TEST

CK_TEST(test_digest_dropped_mid_stream_ends_its_worker)
{
    /* An interrupted recv --all: the worker is busy with a full ring when
     * the stream is dropped; drop returns, frees everything (LeakSanitizer
     * checks), and the digest starts afresh. */
    size_t n = 6u << 20;
    uint8_t *b = pattern(n);
    for (int round = 0; round < 3; round++) {
        struct digest d;
        digest_init(&d);
        digest_update(&d, b, n);
        digest_drop(&d);
        ck_assert_ptr_null(d.bg);
        ck_assert_uint_eq(d.len, 0);
        char got[65];
        digest_update(&d, "abc", 3);
        hex_of(&d, got);
        ck_assert_str_eq(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    struct digest unused;
    digest_init(&unused);
    digest_drop(&unused);
    digest_drop(&unused);
    free(b);
}
END_TEST

CK_TEST(test_digest_of_the_seeded_stream_is_its_sha256)
{
    /* send --bytes: the worker makes the bytes again from the seed; the
     * digest must be that of the bytes given, in pieces of any size (as a
     * send buffer takes them), across the line where the worker starts,
     * and a dropped one must end its worker. */
    size_t n = (3u << 20) + 12345;
    uint8_t *b = malloc(n);
    stream_bytes(99, 0, b, n);
    char want[65], got[65];
    digest(b, n, want);
    struct digest d;
    digest_init_seeded(&d, 99);
    size_t off = 0, piece = 1;
    while (off < n) {
        size_t k = piece < n - off ? piece : n - off;
        digest_update_seeded(&d, b + off, k);
        off += k;
        piece = piece * 3 % 20011 + 1;
    }
    ck_assert_ptr_nonnull(d.bg);               /* the worker had it */
    hex_of(&d, got);
    ck_assert_str_eq(got, want);
    digest_init_seeded(&d, 99);
    digest_update_seeded(&d, b, n);
    digest_drop(&d);
    ck_assert_ptr_null(d.bg);
    ck_assert(!d.seeded);
    free(b);
}
END_TEST

CK_TEST(test_digest_idle_workers_hand_over_the_rest)
{
    /* Tap mode's workers are SCHED_IDLE: one a ring behind hands the
     * hashing to the caller, and every one hands over at digest_final;
     * the digests stay the plain SHA-256, ring or seeded. */
    digest_idle_workers(true);
    size_t n = 21u << 20;                      /* more than two rings */
    uint8_t *b = pattern(n);
    char want[65], got[65];
    digest(b, n, want);
    struct digest d;
    digest_init(&d);
    for (size_t off = 0; off < n; off += 65536)
        digest_update(&d, b + off, n - off < 65536 ? n - off : 65536);
    hex_of(&d, got);
    ck_assert_str_eq(got, want);
    stream_bytes(5, 0, b, n);
    digest(b, n, want);
    digest_init_seeded(&d, 5);
    for (size_t off = 0; off < n; off += 4096)
        digest_update_seeded(&d, b + off, n - off < 4096 ? n - off : 4096);
    ck_assert_ptr_nonnull(d.bg);
    hex_of(&d, got);
    ck_assert_str_eq(got, want);
    digest_init_seeded(&d, 5);
    digest_update_seeded(&d, b, n);
    digest_drop(&d);
    ck_assert_ptr_null(d.bg);
    digest_idle_workers(false);
    free(b);
}
END_TEST

/* ---- the byte stream of send --bytes (util/stream.c) ---- */

CK_TEST(test_stream_bytes_are_positional_and_the_vector_path_agrees)
{
    /* Any stretch [from, from + n) is the same bytes as that stretch of
     * the whole stream, from the vector code and from the scalar code. */
    size_t n = 5000;
    uint8_t whole[5000], part[600];
    stream_scalar_only(true);
    stream_bytes(77, 0, whole, n);
    stream_scalar_only(false);
    uint8_t again[5000];
    stream_bytes(77, 0, again, n);
    ck_assert_mem_eq(again, whole, n);
    for (int scalar = 0; scalar < 2; scalar++) {
        stream_scalar_only(scalar);
        for (size_t from = 0; from < 64; from++)
            for (size_t len = 0; len <= 600; len += 37) {
                memset(part, 0xee, sizeof part);
                stream_bytes(77, from, part, len);
                ck_assert_mem_eq(part, whole + from, len);
            }
    }
    stream_scalar_only(false);
    /* The first word of seed 77 is splitmix64's, stored little-endian. */
    uint64_t z = 77 + 0 * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    for (int i = 0; i < 8; i++)
        ck_assert_uint_eq(whole[i], (uint8_t)(z >> (8 * i)));
    uint8_t other[8];
    stream_bytes(78, 0, other, 8);
    ck_assert(memcmp(other, whole, 8) != 0);
}
END_TEST

CK_TEST(test_bytering_wraps_and_respects_its_limit)
{
    struct bytering r;
    bytering_init(&r, 10);
    ck_assert_uint_eq(bytering_push(&r, "abcdefgh", 8), 8);
    bytering_drop(&r, 6);
    ck_assert_uint_eq(bytering_push(&r, "123456789", 9), 8);   /* only 8 fit */
    char out[10];
    bytering_peek(&r, 0, out, 10);
    ck_assert_int_eq(memcmp(out, "gh12345678", 10), 0);
    bytering_peek(&r, 3, out, 4);
    ck_assert_int_eq(memcmp(out, "2345", 4), 0);
    ck_assert_int_eq(bytering_set_limit(&r, 5), -22);          /* would drop held bytes */
    bytering_drop(&r, 10);
    ck_assert_uint_eq(r.len, 0);
    bytering_free(&r);
}
END_TEST

CK_TEST(test_rng_same_seed_same_stream)
{
    struct rng a, b, c;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    rng_seed(&c, 43);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        ck_assert(x == rng_next(&b));
        differ += x != rng_next(&c);
        ck_assert_uint_lt(rng_below(&a, 7), 7);
        rng_below(&b, 7);
        rng_next(&c);
    }
    ck_assert_int_gt(differ, 90);
}
END_TEST
