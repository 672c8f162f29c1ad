/* The pictures' pieces (src/draw): the session log's fate matching
 * (reordered, corrupted, duplicated frames), socket lookup, the SVG
 * writer's escaping and number formats, and the ladder's rows: frames in
 * time order, bulk runs folded into one band unless all are asked for,
 * long gaps cut, lost frames marked. */
#include <check.h>
#include "ckmain.h"
#include <stdlib.h>
#include <string.h>

#include "draw/ladder.h"
#include "draw/seg.h"
#include "draw/slog.h"
#include "draw/states.h"
#include "draw/svg.h"
#include "stack/tcp_fsm.h"
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

CK_CASE("draw", NULL, NULL);

CK_TEST(test_fate_reordered_corrupted_dup)
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

CK_TEST(test_fate_other_direction_not_matched)
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
CK_TEST(test_fate_window_and_twins)
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

CK_TEST(test_sock_lookup)
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

CK_TEST(test_formats_and_escape)
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

CK_TEST(test_ladder_folds_bulk)
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

CK_TEST(test_ladder_short_run_not_folded)
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

CK_TEST(test_ladder_svg_terminal)
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

/* ---- the state diagram in the terminal ---- */

/* romeo's active open and close, juliet's passive one ending in LAST_ACK
 * -> CLOSED, and (rst) a second romeo socket reset in ESTABLISHED: an
 * edge Figure 5 does not draw.  Sockets are drawn in the order they are
 * named here: a romeo sock, b juliet sock, c conn_sock, d romeo s. */
static struct slog *states_log(bool rst)
{
    struct slog *l = new_log();
    static const struct { int host, sock, from, to, cause; } steps[] = {
        {1, 1, TCP_CLOSED, TCP_LISTEN, TCP_CAUSE_LISTEN},
        {0, 1, TCP_CLOSED, TCP_SYN_SENT, TCP_CAUSE_CONNECT},
        {1, 2, TCP_LISTEN, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN},
        {0, 1, TCP_SYN_SENT, TCP_ESTABLISHED, TCP_CAUSE_RCV_SYN_ACK},
        {1, 2, TCP_SYN_RECEIVED, TCP_ESTABLISHED, TCP_CAUSE_RCV_ACK_OF_SYN},
        {0, 1, TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_CAUSE_CLOSE},
        {1, 2, TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCP_CAUSE_RCV_FIN},
        {0, 1, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CAUSE_RCV_ACK_OF_FIN},
        {1, 2, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CAUSE_CLOSE},
        {0, 1, TCP_FIN_WAIT_2, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN},
        {1, 2, TCP_LAST_ACK, TCP_CLOSED, TCP_CAUSE_RCV_ACK_OF_FIN},
    };
    tl_time t = 0;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        slog_add_state(l, steps[i].host, steps[i].sock, t += 100, (uint8_t)steps[i].from,
                       (uint8_t)steps[i].to, (uint8_t)steps[i].cause);
    if (rst) {
        slog_add_state(l, 0, 3, t += 100, TCP_CLOSED, TCP_SYN_SENT, TCP_CAUSE_CONNECT);
        slog_add_state(l, 0, 3, t += 100, TCP_SYN_SENT, TCP_ESTABLISHED, TCP_CAUSE_RCV_SYN_ACK);
        slog_add_state(l, 0, 3, t += 100, TCP_ESTABLISHED, TCP_CLOSED, TCP_CAUSE_RCV_RST);
    }
    snprintf(slog_sock(l, 0, 1)->name, SLOG_NAME_LEN, "sock");
    snprintf(slog_sock(l, 1, 1)->name, SLOG_NAME_LEN, "sock");
    snprintf(slog_sock(l, 1, 2)->name, SLOG_NAME_LEN, "conn_sock");
    if (rst)
        snprintf(slog_sock(l, 0, 3)->name, SLOG_NAME_LEN, "s");
    return l;
}

static char *states_text(const struct slog *l, const struct slog_sock *const *k, size_t n,
                         int width, bool utf8, bool color)
{
    char *out = NULL, err[128];
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    ck_assert_int_eq(states_term(m, l, k, n, width, utf8, color, err, sizeof err), 0);
    fclose(m);
    return out;
}

/* Columns of a line: UTF-8 characters, escapes not counted. */
static int columns(const char *p, const char *end)
{
    int n = 0;
    while (p < end) {
        if (*p == '\033') {
            while (p < end && *p != 'm')
                p++;
            p++;
            continue;
        }
        if (((unsigned char)*p & 0xc0) != 0x80)
            n++;
        p++;
    }
    return n;
}

/* The picture is the golden file, byte for byte (TCPLAB_REGEN=1 writes it). */
static void golden(const char *path, const char *text)
{
    if (getenv("TCPLAB_REGEN")) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
    }
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s is missing", path);
    char *want = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&want, &cap, '\0', f);
    fclose(f);
    ck_assert_int_gt(n, 0);
    ck_assert_msg(strcmp(want, text) == 0, "%s differs; the drawing now is:\n%s", path, text);
    free(want);
}

CK_TEST(test_states_term_golden)
{
    struct slog *l = states_log(false);
    const struct slog_sock *romeo = slog_sock_lookup(l, "sock", 0);
    const struct slog_sock *conn = slog_sock_lookup(l, "conn_sock", 1);
    ck_assert_ptr_nonnull(romeo);
    ck_assert_ptr_nonnull(conn);
    char *u = states_text(l, &romeo, 1, 80, true, false);
    golden("tests/draw/states-term.romeo+sock.utf8.txt", u);
    char *a = states_text(l, &conn, 1, 80, false, false);
    golden("tests/draw/states-term.juliet+conn_sock.ascii.txt", a);
    for (const char *p = a; *p; p++)
        ck_assert_msg((unsigned char)*p < 0x80 && *p != '\033', "ASCII drawing has byte %#x",
                      (unsigned char)*p);
    /* the path's arrows: numbered 1 to 5, the causes listed by number */
    ck_assert_ptr_nonnull(strstr(u, "  5. FIN_WAIT_2 \u2192 TIME_WAIT (rcv FIN)"));
    ck_assert_ptr_nonnull(strstr(u, "\u2501\u2501\u25b6"));      /* a heavy arrow */
    ck_assert_ptr_nonnull(strstr(u, "\u2551  TIME_WAIT   \u2551")); /* current: double frame */
    ck_assert_ptr_nonnull(strstr(u, "\u254e  close_wait  \u254e"));  /* not visited: dashed */
    ck_assert_ptr_nonnull(strstr(a, "#    CLOSED    #"));
    ck_assert_ptr_nonnull(strstr(a, ":  fin_wait_1  :"));
    free(u);
    free(a);
    slog_free(l);
}
END_TEST

CK_TEST(test_states_term_fits_and_colours)
{
    struct slog *l = states_log(true);
    static const int widths[] = {80, 100, 200};
    for (size_t w = 0; w < 3; w++)
        for (int utf8 = 0; utf8 < 2; utf8++)
            for (int color = 0; color < 2; color++) {
                char *t = states_text(l, NULL, 0, widths[w], utf8, color);
                int lim = widths[w] > 120 ? 120 : widths[w];
                for (char *p = t; *p;) {
                    char *nl = strchr(p, '\n');
                    ck_assert_ptr_nonnull(nl);
                    ck_assert_msg(columns(p, nl) <= lim, "%d columns at width %d: %.*s",
                                  columns(p, nl), widths[w], (int)(nl - p), p);
                    p = nl + 1;
                }
                /* escapes only when asked for */
                ck_assert(!color == !strchr(t, '\033'));
                /* four sockets: a to d, each path step numbered on its arrow */
                static const char *const steps[] = {"a1", "a5", "b1", "c3", "c5", "d3"};
                for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
                    const char *lb = steps[i];
                    char want[8];
                    snprintf(want, sizeof want, "%s. ", lb);
                    ck_assert_msg(strstr(t, want), "no step %s listed", lb);
                    /* on the picture, above the list */
                    char *list = strstr(t, utf8 ? "heavy:" : "=/#:");
                    ck_assert_ptr_nonnull(list);
                    char *at = strstr(t, lb);
                    ck_assert_msg(at && at < list, "step %s not on an arrow (width %d)", lb,
                                  widths[w]);
                }
                /* ESTABLISHED -> CLOSED (rcv RST) is not in Figure 5: drawn all the same */
                ck_assert_ptr_nonnull(strstr(t, "d3. ESTABLISHED"));
                ck_assert_ptr_nonnull(strstr(t, "rcv RST"));
                free(t);
            }
    slog_free(l);
}
END_TEST

/* Every edge of the table, Figure 5's or not, is drawn and numbered when a
 * socket takes it: none is left out for want of a way round the boxes. */
CK_TEST(test_states_term_every_edge)
{
    size_t ne;
    const struct tcp_fsm_edge *e = tcp_fsm_edges(&ne);
    for (size_t i = 0; i < ne; i++)
        for (int utf8 = 0; utf8 < 2; utf8++) {
            /* Figure 5's own are always drawn (the golden pictures); the
             * routing is the same in both charsets */
            if (e[i].source == TCP_EDGE_FIGURE && i % 2 != (size_t)utf8)
                continue;
            struct slog *l = new_log();
            int cause = 0;
            while (!(e[i].causes & ((tcp_cause_set)1 << cause)))
                cause++;
            slog_add_state(l, 0, 1, 100, (uint8_t)e[i].from, (uint8_t)e[i].to, (uint8_t)cause);
            snprintf(slog_sock(l, 0, 1)->name, SLOG_NAME_LEN, "s");
            char *t = states_text(l, NULL, 0, 80, utf8, false);
            char *list = strstr(t, utf8 ? "heavy:" : "=/#:");
            ck_assert_ptr_nonnull(list);
            *list = '\0';
            /* the one step's number, 1, on or beside a heavy line */
            static const char *const on[2][4] = {{"=1", "1=", "#1", "1#"},
                                                 {"\u25011", "1\u2501", "\u25031", "1\u2503"}};
            bool drawn = false;
            for (int j = 0; j < 4; j++)
                drawn = drawn || strstr(t, on[utf8][j]);
            if (!drawn)
                fputs(t, stderr);
            ck_assert_msg(drawn, "%s -> %s (%s) not drawn", tcp_state_name(e[i].from),
                          tcp_state_name(e[i].to), utf8 ? "UTF-8" : "ASCII");
            free(t);
            slog_free(l);
        }
}
END_TEST
