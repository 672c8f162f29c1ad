/* Utilities: SHA-256 (FIPS 180-4 test vectors, both the portable code and
 * the SHA-NI path, split updates), the byte ring, the seeded generator. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytering.h"
#include "util/rng.h"
#include "util/sha256.h"

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

START_TEST(test_sha256_fips_vectors)
{
    check_vectors();
}
END_TEST

START_TEST(test_sha256_portable_path_gives_the_same_digests)
{
    sha256_portable_only(true);
    check_vectors();
    sha256_portable_only(false);
}
END_TEST

START_TEST(test_sha256_any_split_of_the_input_gives_the_same_digest)
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

START_TEST(test_bytering_wraps_and_respects_its_limit)
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

START_TEST(test_rng_same_seed_same_stream)
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

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");
    tcase_add_test(tc, test_sha256_fips_vectors);
    tcase_add_test(tc, test_sha256_portable_path_gives_the_same_digests);
    tcase_add_test(tc, test_sha256_any_split_of_the_input_gives_the_same_digest);
    tcase_add_test(tc, test_bytering_wraps_and_respects_its_limit);
    tcase_add_test(tc, test_rng_same_seed_same_stream);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
