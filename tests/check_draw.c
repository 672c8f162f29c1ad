/* The pictures' pieces (src/draw): the session log's fate matching
 * (reordered, corrupted, duplicated frames), socket lookup, the SVG
 * writer's escaping and number formats, and the ladder's rows: frames in
 * time order, bulk runs folded into one band unless all are asked for,
 * long gaps cut, lost frames marked. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "draw/ladder.h"
#include "draw/seg.h"
#include "draw/slog.h"
#include "draw/svg.h"
#include "wire/bytes.h"

#define ROMEO  0x0a0a0164u
#define JULIET 0x0a0a0264u

/* Ethernet + IPv4 + TCP headers of a segment with `len` bytes of payload
 * (the log keeps headers only; the lengths come from the IP header). */
static size_t segment(uint8_t *f, int from, uint32_t seq, uint32_t ack, uint8_t flags,
                      uint16_t len)
{
    memset(f, 0, 54);
    put_be16(f + 12, 0x0800);
    f[14] = 0x45;
    put_be16(f + 16, (uint16_t)(40 + len));
    f[14 + 8] = 64;
    f[14 + 9] = 6;
    put_be32(f + 26, from ? JULIET : ROMEO);
    put_be32(f + 30, from ? ROMEO : JULIET);
    uint8_t *t = f + 34;
    put_be16(t, from ? 4000 : 51037);
    put_be16(t + 2, from ? 51037 : 4000);
    put_be32(t + 4, seq);
    put_be32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put_be16(t + 14, 512);
    return 54;
}

static struct slog *new_log(void)
{
    struct slog *l = slog_new();
    ck_assert_ptr_nonnull(l);
    strcpy(l->host_name[0], "romeo");
    strcpy(l->host_name[1], "juliet");
    l->host_addr[0] = ROMEO;
    l->host_addr[1] = JULIET;
    return l;
}

START_TEST(test_fate_reordered_corrupted_dup)
{
    struct slog *l = new_log();
    uint8_t a[64], b[64], c[64];
    segment(a, 0, 1000, 1, 0x18, 100);
    segment(b, 0, 1100, 1, 0x18, 100);
    segment(c, 0, 1200, 1, 0x18, 100);
    slog_add_frame(l, 0, a, 54, 10);
    slog_add_frame(l, 0, b, 54, 11);
    slog_add_frame(l, 0, c, 54, 12);
    /* b arrives first (reordered), a is lost, c arrives corrupted, then b again */
    slog_fate(l, 0, b, 54, SLOG_DELIVERED, false, 200);
    slog_fate(l, 0, a, 54, SLOG_LOST, false, 10);
    uint8_t bad[64];
    memcpy(bad, c, sizeof bad);
    bad[40] ^= 0x10;
    slog_fate(l, 0, bad, 54, SLOG_CORRUPTED, false, 300);
    slog_fate(l, 0, b, 54, SLOG_DELIVERED, true, 201);
    ck_assert_int_eq(slog_frame_at(l, 0)->fate, SLOG_LOST);
    ck_assert_int_eq(slog_frame_at(l, 0)->arrive, TL_NEVER);
    ck_assert_int_eq(slog_frame_at(l, 1)->fate, SLOG_DELIVERED);
    ck_assert_int_eq(slog_frame_at(l, 1)->arrive, 200);
    ck_assert(slog_frame_at(l, 1)->dup);
    ck_assert_int_eq(slog_frame_at(l, 2)->fate, SLOG_CORRUPTED);
    ck_assert_int_eq(slog_frame_at(l, 2)->arrive, 300);
    ck_assert(slog_fate_failed(SLOG_CORRUPTED) && !slog_fate_failed(SLOG_DELIVERED));
    slog_free(l);
}
END_TEST

START_TEST(test_fate_other_direction_not_matched)
{
    struct slog *l = new_log();
    uint8_t a[64];
    segment(a, 0, 1000, 1, 0x10, 0);
    slog_add_frame(l, 0, a, 54, 10);
    slog_fate(l, 1, a, 54, SLOG_DELIVERED, false, 99);    /* from juliet: not this one */
    ck_assert_int_eq(slog_frame_at(l, 0)->fate, SLOG_UNKNOWN);
    slog_free(l);
}
END_TEST

/* The fate finds the oldest frame of that side still in flight with the
 * same bytes, 4096 frames from the oldest in flight at most, however many
 * frames the log holds (tap mode's kernel frames are never in flight when
 * their fate comes: they stay unknown, and every later fate looks past
 * them). */
START_TEST(test_fate_window_and_twins)
{
    struct slog *l = new_log();
    uint8_t f[64];
    for (uint32_t i = 0; i < 10000; i++) {
        segment(f, 1, 5000 + i, 1, 0x10, 0);
        slog_add_frame(l, 1, f, 54, i);
    }
    segment(f, 1, 5000 + 4095, 1, 0x10, 0);
    slog_fate(l, 1, f, 54, SLOG_DELIVERED, false, 77);     /* last in the window */
    ck_assert_int_eq(slog_frame_at(l, 4095)->fate, SLOG_DELIVERED);
    ck_assert_int_eq(slog_frame_at(l, 4095)->arrive, 77);
    segment(f, 1, 5000 + 4096, 1, 0x10, 0);
    slog_fate(l, 1, f, 54, SLOG_LOST, false, 78);          /* past it: not found */
    ck_assert_int_eq(slog_frame_at(l, 4096)->fate, SLOG_UNKNOWN);
    for (uint32_t i = 3999; i > 0 && i < 4000; i -= 7) { /* frame 0 stays: the same window */
        segment(f, 1, 5000 + i, 1, 0x10, 0);
        slog_fate(l, 1, f, 54, SLOG_DELIVERED, false, 80);
        ck_assert_int_eq(slog_frame_at(l, i)->fate, SLOG_DELIVERED);
    }
    /* identical twins: the older first, then the younger */
    segment(f, 0, 42, 1, 0x10, 0);
    slog_add_frame(l, 0, f, 54, 20000);
    slog_add_frame(l, 0, f, 54, 20001);
    slog_fate(l, 0, f, 54, SLOG_DELIVERED, false, 20002);
    slog_fate(l, 0, f, 54, SLOG_LOST, false, 20003);
    ck_assert_int_eq(slog_frame_at(l, 10000)->fate, SLOG_DELIVERED);
    ck_assert_int_eq(slog_frame_at(l, 10001)->fate, SLOG_LOST);
    /* a shorter frame with the same first bytes is another frame */
    slog_add_frame(l, 0, f, 54, 20004);
    slog_fate(l, 0, f, 53, SLOG_DELIVERED, false, 20005);
    ck_assert_int_eq(slog_frame_at(l, 10002)->fate, SLOG_UNKNOWN);
    slog_free(l);
}
END_TEST

START_TEST(test_sock_lookup)
{
    struct slog *l = new_log();
    strcpy(slog_sock(l, 0, 1)->name, "sock");
    strcpy(slog_sock(l, 1, 1)->name, "sock");
    strcpy(slog_sock(l, 0, 2)->name, "sock");            /* romeo's second "sock" */
    strcpy(slog_sock(l, 1, 2)->name, "conn_sock");
    const struct slog_sock *k = slog_sock_lookup(l, "romeo:sock", -1);
    ck_assert(k && k->host == 0 && k->id == 2);
    k = slog_sock_lookup(l, "juliet:sock", -1);
    ck_assert(k && k->host == 1 && k->id == 1);
    k = slog_sock_lookup(l, "sock", 1);
    ck_assert(k && k->host == 1);
    k = slog_sock_lookup(l, "conn_sock", 0);
    ck_assert(k && k->host == 1 && k->id == 2);
    ck_assert_ptr_null(slog_sock_lookup(l, "nosuch", 0));
    ck_assert_ptr_null(slog_sock_lookup(l, "mercutio:sock", 0));
    slog_free(l);
}
END_TEST

START_TEST(test_formats_and_escape)
{
    char b[32];
    fmt_thousands(b, sizeof b, 1905);
    ck_assert_str_eq(b, "1,905");
    fmt_thousands(b, sizeof b, 999);
    ck_assert_str_eq(b, "999");
    fmt_thousands(b, sizeof b, 1234567);
    ck_assert_str_eq(b, "1,234,567");
    fmt_bytes(b, sizeof b, 2 * 1024 * 1024);
    ck_assert_str_eq(b, "2.0 MiB");
    fmt_bytes(b, sizeof b, 512);
    ck_assert_str_eq(b, "512 B");
    char *out = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&out, &n);
    svg_escape(m, "a<b>&\"c\"\x01");
    fclose(m);
    ck_assert_str_eq(out, "a&lt;b&gt;&amp;&quot;c&quot;");
    free(out);
}
END_TEST

/* A handshake's worth of frames, then a bulk run of data and ACKs,
 * then a FIN two seconds later. */
static struct slog *bulk_log(int nseg)
{
    struct slog *l = new_log();
    uint8_t f[64];
    tl_time t = 0;
    slog_add_frame(l, 0, f, segment(f, 0, 999, 0, 0x02, 0), t);
    slog_add_frame(l, 1, f, segment(f, 1, 5000, 1000, 0x12, 0), t += 100);
    slog_add_frame(l, 0, f, segment(f, 0, 1000, 5001, 0x10, 0), t += 100);
    for (int i = 0; i < nseg; i++) {
        slog_add_frame(l, 0, f, segment(f, 0, 1000 + 1000u * (uint32_t)i, 5001, 0x10, 1000), t += 10);
        slog_add_frame(l, 1, f, segment(f, 1, 5001, 2000 + 1000u * (uint32_t)i, 0x10, 0), t += 10);
    }
    slog_add_frame(l, 0, f, segment(f, 0, 1000 + 1000u * (uint32_t)nseg, 5001, 0x11, 0),
                   t + 2 * TL_SEC);
    for (size_t i = 0; i < l->frames.n; i++) {
        struct slog_frame *fr = SLOG_AT(l->frames, struct slog_frame, i);
        fr->fate = i == 5 ? SLOG_LOST : SLOG_DELIVERED;
        fr->arrive = i == 5 ? TL_NEVER : fr->t + 100;
    }
    return l;
}

static size_t count(const struct ladder *ld, enum lrow_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < ld->n; i++)
        n += ld->row[i].kind == k;
    return n;
}

START_TEST(test_ladder_folds_bulk)
{
    struct slog *l = bulk_log(20);
    struct ladder ld;
    ck_assert_int_eq(ladder_build(l, false, &ld), 0);
    ck_assert_uint_eq(count(&ld, LR_BAND), 1);
    /* SYN, SYN-ACK and the FIN; the handshake's last ACK goes into the band */
    ck_assert_uint_eq(count(&ld, LR_FRAME), 3);
    ck_assert_uint_eq(count(&ld, LR_BREAK), 1);            /* the 2 s before the FIN */
    for (size_t i = 0; i < ld.n; i++)
        if (ld.row[i].kind == LR_BAND) {
            ck_assert_str_eq(ld.row[i].text, "20 segments, 19.5 KiB  romeo -> juliet");
            ck_assert_ptr_nonnull(strstr(ld.row[i].text2, "1 lost on the wire"));
        }
    ck_assert_ptr_nonnull(strstr(ld.row[0].text, "Flags [S], seq 999, win 512, length 0"));
    ladder_free(&ld);
    ck_assert_int_eq(ladder_build(l, true, &ld), 0);       /* --all */
    ck_assert_uint_eq(count(&ld, LR_BAND), 0);
    ck_assert_uint_eq(count(&ld, LR_FRAME), 3 + 40 + 1);
    size_t lost = 0;
    for (size_t i = 0; i < ld.n; i++)
        lost += ld.row[i].kind == LR_FRAME && strcmp(ld.row[i].text2, "lost") == 0;
    ck_assert_uint_eq(lost, 1);
    ladder_free(&ld);
    slog_free(l);
}
END_TEST

START_TEST(test_ladder_short_run_not_folded)
{
    struct slog *l = bulk_log(3);
    struct ladder ld;
    ck_assert_int_eq(ladder_build(l, false, &ld), 0);
    ck_assert_uint_eq(count(&ld, LR_BAND), 0);
    ck_assert_uint_eq(count(&ld, LR_FRAME), 3 + 6 + 1);
    ladder_free(&ld);
    slog_free(l);
}
END_TEST

START_TEST(test_ladder_svg_terminal)
{
    struct slog *l = bulk_log(20);
    struct ladder ld;
    ck_assert_int_eq(ladder_build(l, false, &ld), 0);
    char *out = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&out, &n);
    ladder_term(m, &ld, 80, false);
    fclose(m);
    /* every line within 80 columns, ASCII only */
    for (char *p = out; *p;) {
        char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        ck_assert_int_le(nl - p, 80);
        for (char *q = p; q < nl; q++)
            ck_assert_int_lt((unsigned char)*q, 0x80);
        p = nl + 1;
    }
    ck_assert_ptr_nonnull(strstr(out, "20 segments"));
    free(out);
    m = open_memstream(&out, &n);
    ladder_svg(m, &ld);
    fclose(m);
    ck_assert_ptr_nonnull(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    ck_assert_ptr_nonnull(strstr(out, "</svg>\n"));
    ck_assert_ptr_nonnull(strstr(out, "2.0 s later"));
    free(out);
    ladder_free(&ld);
    slog_free(l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("draw");
    TCase *tc = tcase_create("draw");
    tcase_add_test(tc, test_fate_reordered_corrupted_dup);
    tcase_add_test(tc, test_fate_other_direction_not_matched);
    tcase_add_test(tc, test_fate_window_and_twins);
    tcase_add_test(tc, test_sock_lookup);
    tcase_add_test(tc, test_formats_and_escape);
    tcase_add_test(tc, test_ladder_folds_bulk);
    tcase_add_test(tc, test_ladder_short_run_not_folded);
    tcase_add_test(tc, test_ladder_svg_terminal);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
