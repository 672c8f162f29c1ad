/* Grading: the checkpoint matcher on the shell's output text, the live
 * guide's marks, the consistency check of tap transcripts, and reading
 * transcript files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckmain.h"
#include "lab/guide.h"
#include "lab/match.h"
#include "lab/tapcheck.h"
#include "shell/transcript.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/tcplab-gradeXXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void teardown(void)
{
    if (path[0])
        unlink(path);
    path[0] = '\0';
}

/* A lab of one step holding the given check lines. */
static struct lab *lab_of(const char *checks)
{
    char text[4096], err[512];
    snprintf(text, sizeof text, "lab: t\ntitle: test\nstep: one\n%s", checks);
    write_file(text);
    struct lab *lab = lab_parse_file(path, err, sizeof err);
    ck_assert_msg(lab != NULL, "%s", err);
    unlink(path);
    path[0] = '\0';
    return lab;
}

/* Feed one command and its output (lines separated by \n). */
static size_t line_no;
static void feed(struct lab_matcher *m, int host, const char *cmd, const char *out)
{
    lab_matcher_command(m, host, cmd, ++line_no);
    for (const char *p = out; *p;) {
        size_t n = strcspn(p, "\n");
        lab_matcher_line(m, p, n, ++line_no);
        p += n + (p[n] == '\n');
    }
    lab_matcher_end(m);
}

#define ROMEO 0
#define JULIET 1

static const char *const handshake =
    "   0.000200 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [S], seq 100, "
    "win 65535, options [mss 1460], length 0\n"
    "   0.000300 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [S.], seq 500, "
    "ack 101, win 65535, options [mss 1460], length 0\n"
    "   0.000400 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], ack 501, "
    "win 65535, length 0\n"
    "juliet: accept sock returned:\n"
    "conn = fd 4, addr = ('10.10.1.100', 51037)\n"
    "romeo  sock (fd 3): CLOSED -> SYN_SENT (connect) -> ESTABLISHED (rcv SYN,ACK)\n"
    "juliet conn (fd 4): LISTEN -> SYN_RECEIVED (rcv SYN) -> ESTABLISHED (rcv ACK of SYN)\n"
    "romeo sock (fd 3)  10.10.1.100:51037 -> 10.10.2.100:4000  ESTABLISHED*\n"
    "  SND.UNA 101* SND.NXT 101* SND.UP 100* SND.WND 65535*\n"
    "  RCV.NXT 501* RCV.UP  501* IRS 500* RCV.WND 65535*\n"
    "  Send-Q 0  in flight 0  Recv-Q 0  MSS 1460*\n"
    "juliet conn (fd 4)  10.10.2.100:4000 -> 10.10.1.100:51037  ESTABLISHED\n"
    "  SND.UNA 501  SND.NXT 501  ISS 500\n"
    "  RCV.NXT 101  IRS 100\n";

START_TEST(test_states_and_segments_from_a_handshake)
{
    struct lab *lab = lab_of("check a: state romeo SYN_SENT\n"
                             "check b: state juliet conn ESTABLISHED\n"
                             "check c: state juliet sock ESTABLISHED\n"
                             "check d: segment juliet > romeo flags S. port 4000\n"
                             "check e: segment juliet > romeo flags S\n"
                             "check f: segment juliet > romeo flags +S\n"
                             "check g: segment romeo > juliet flags . length 0\n"
                             "check h: segment romeo > juliet flags S port 80\n"
                             "check i: tcb romeo SND.NXT = juliet RCV.NXT\n"
                             "check j: tcb romeo SND.UNA = SND.NXT\n"
                             "check k: tcb romeo in-flight = 0\n"
                             "check l: tcb juliet SND.NXT > romeo RCV.NXT\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    line_no = 0;
    feed(&m, ROMEO, "connect sock 10.10.2.100 4000", handshake);
    static const bool want[] = {true, true, false, true, false, true, true, false, true, true,
                                true, false};
    for (size_t i = 0; i < lab->nchecks; i++)
        ck_assert_msg(m.res[i].met == want[i], "check %s: met %d", lab->checks[i].id,
                      m.res[i].met);
    ck_assert_uint_eq(m.res[0].line, 7);          /* romeo's transition line */
    ck_assert_uint_eq(m.res[3].line, 3);          /* the SYN-ACK */
    ck_assert_int_eq(lab_matcher_score(&m), 8);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

/* A transfer with a loss: segments of 100 bytes, an ACK of two at once,
 * the hole at 1200, duplicate ACKs with SACK, the retransmission. */
static const char *const lossy =
    "   0.000200 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [S], seq 999, "
    "win 65535, length 0\n"
    "   0.000300 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1000:1100, ack 1, win 512, length 100\n"
    "   0.000300 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1100:1200, ack 1, win 512, length 100\n"
    "   0.000400 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [.], "
    "ack 1100, win 500, length 0\n"
    "   0.000500 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1200:1300, ack 1, win 512, length 100\n"
    "   0.000500 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1300:1400, ack 1, win 512, length 100\n"
    "   0.000500 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1400:1500, ack 1, win 512, length 100\n"
    "   0.000600 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [.], "
    "ack 1300, win 500, length 0\n"
    "   0.000700 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [.], "
    "ack 1300, win 500, options [nop,nop,sack 1 {1400:1500}], length 0\n"
    "   0.000800 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [.], "
    "seq 1300:1400, ack 1, win 512, length 100\n"
    "   0.000900 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [.], "
    "ack 1500, win 510, length 0\n"
    "   0.001000 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.51037: Flags [.], "
    "ack 1500, win 600, length 0\n";

START_TEST(test_retransmit_dupack_covers_sack)
{
    struct lab *lab = lab_of("check a: segment romeo > juliet retransmit\n"
                             "check b: segment juliet > romeo dupack 1\n"
                             "check c: segment juliet > romeo dupack 2\n"
                             "check d: segment juliet > romeo sack\n"
                             "check e: segment juliet > romeo covers 2\n"
                             "check f: segment juliet > romeo covers 3\n"
                             "check g: segment romeo > juliet sack\n"
                             "check h after b: segment romeo > juliet retransmit length 100\n"
                             "check i: segment juliet > romeo update\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    line_no = 0;
    feed(&m, ROMEO, "send s --bytes 500", lossy);
    static const bool want[] = {true, true, false, true, true, false, false, true, true};
    for (size_t i = 0; i < lab->nchecks; i++)
        ck_assert_msg(m.res[i].met == want[i], "check %s: met %d", lab->checks[i].id,
                      m.res[i].met);
    ck_assert_uint_eq(m.res[0].line, 11);         /* 1300:1400 again */
    ck_assert_uint_eq(m.res[1].line, 10);         /* the second ack 1300 */
    ck_assert_uint_eq(m.res[4].line, 9);          /* 1100 -> 1300: two segments */
    ck_assert_uint_eq(m.res[8].line, 13);         /* 1500 again, the window opened */
    lab_matcher_free(&m);
    lab_free(lab);
    char err[256];
    write_file("lab: t\ntitle: test\nstep: one\ncheck x: segment romeo > juliet dupack 0\n");
    ck_assert_ptr_null(lab_parse_file(path, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "dupack takes a number from 1"));
    unlink(path);
    path[0] = '\0';
}
END_TEST

START_TEST(test_results_belong_to_the_host_that_waited)
{
    struct lab *lab = lab_of("check a: bytes juliet 12\n"
                             "check b: bytes romeo 1\n"
                             "check c: eof juliet\n"
                             "check d: error juliet ECONNRESET\n"
                             "check e: error romeo ConnectionResetError\n"
                             "check f: bytes romeo 600\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, ROMEO, "send s \"Hello juliet\"",
         "   0.000700 romeo > juliet  IP 10.10.1.100.51037 > 10.10.2.100.4000: Flags [P.], "
         "seq 101:113, ack 501, win 65535, length 12\n"
         "12\n"
         "juliet: recv conn 1024 returned:\n"
         "b'Hello\\x00\\\\ju\\'et'\n");
    ck_assert(m.res[0].met);
    ck_assert(!m.res[1].met);
    feed(&m, JULIET, "recv conn", "b''\n");
    ck_assert(m.res[2].met);
    feed(&m, ROMEO, "abort s",
         "juliet: recv conn returned:\n"
         "ConnectionResetError: [Errno 104] Connection reset by peer\n");
    ck_assert(m.res[3].met);
    ck_assert(!m.res[4].met);
    feed(&m, ROMEO, "data = recv s 4096", "data = b'xx' ... (600 bytes in all)\n");
    ck_assert(m.res[5].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_recv_all_completed_by_the_other_host)
{
    struct lab *lab = lab_of("check a: bytes juliet 65536\n"
                             "check b: eof juliet\n"
                             "check c: bytes romeo 1\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, JULIET, "recv conn --all", "");
    feed(&m, ROMEO, "romeo: close c",
         "65536 bytes received (end of stream), sha256 e04a78b776bc384e\n"
         "romeo  c (fd 3, closed): ESTABLISHED -> FIN_WAIT_1 (close)\n");
    ck_assert(m.res[0].met);
    ck_assert(m.res[1].met);
    ck_assert(!m.res[2].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_after_orders_checkpoints)
{
    struct lab *lab = lab_of("check closed: state romeo CLOSED\n"
                             "check tw: state romeo TIME_WAIT\n"
                             "check again after tw: state romeo CLOSED\n"
                             "check syn after again: state romeo SYN_SENT\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, ROMEO, "connect s 10.10.2.100 4001",
         "romeo  s (fd 3): CLOSED -> SYN_SENT (connect) -> CLOSED (rcv RST)\n");
    ck_assert(m.res[0].met);
    ck_assert(!m.res[2].met);
    feed(&m, ROMEO, "close s", "romeo  s (fd 3, closed): FIN_WAIT_2 -> TIME_WAIT (rcv FIN)\n");
    feed(&m, ROMEO, "sleep 2msl", "romeo  s (fd 3, closed): TIME_WAIT -> CLOSED (2MSL timeout)\n");
    ck_assert(m.res[1].met);
    ck_assert(m.res[2].met);
    ck_assert(!m.res[3].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_print_and_lab_lines_are_no_evidence)
{
    struct lab *lab = lab_of("check a: error romeo ECONNREFUSED\n"
                             "check b: output romeo hello\n"
                             "check c: command romeo tcb\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, ROMEO, "print \"ConnectionRefusedError: [Errno 111] Connection refused\"",
         "ConnectionRefusedError: [Errno 111] Connection refused\n");
    feed(&m, ROMEO, "juliet: print(\"hello\")", "hello\n");
    feed(&m, ROMEO, "lab status",
         "[lab] ConnectionRefusedError: [Errno 111] Connection refused hello\n");
    ck_assert(!m.res[0].met);
    ck_assert(!m.res[1].met);
    ck_assert(!m.res[2].met);
    feed(&m, ROMEO, "tcb s", "");
    ck_assert(m.res[2].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_colour_is_ignored)
{
    struct lab *lab = lab_of("check a: state juliet LISTEN\n"
                             "check b: segment romeo > juliet flags S\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, JULIET, "listen sock",
         "\033[35mjuliet\033[0m sock (fd 3): \033[1mCLOSED\033[0m -> \033[1mLISTEN\033[0m "
         "(listen)\n");
    feed(&m, ROMEO, "connect s 10.10.2.100 4000",
         "\033[34m   0.000200 romeo > juliet  \033[0mIP 10.10.1.100.1 > 10.10.2.100.4000: "
         "Flags [S], seq 1, win 1, length 0\n");
    ck_assert(m.res[0].met);
    ck_assert(m.res[1].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_verbose_decode_continuation_lines)
{
    struct lab *lab = lab_of("check a: segment romeo > juliet flags S port 4000\n");
    struct lab_matcher m;
    lab_matcher_init(&m, lab);
    feed(&m, ROMEO, "connect s 10.10.2.100 4000",
         "   0.000200 romeo > juliet  IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], "
         "proto TCP (6), length 44)\n"
         "                                10.10.1.100.1 > 10.10.2.100.4000: Flags [S], "
         "cksum 0x1 (correct), seq 1, win 1, length 0\n");
    ck_assert(m.res[0].met);
    lab_matcher_free(&m);
    lab_free(lab);
}
END_TEST

START_TEST(test_guide_marks_what_a_command_met)
{
    struct lab *lab = lab_of("check a: state juliet LISTEN\ncheck b: eof juliet\n");
    struct lab_guide *g = lab_guide_new(lab);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *text = "juliet sock (fd 3): CLOSED -> LISTEN (listen)\n";
    lab_guide_feed(g, JULIET, "listen sock", text, strlen(text), out);
    fflush(out);
    ck_assert_str_eq(buf, "[lab] [x] a: juliet: a socket reaches LISTEN  (1 of 2)\n");
    lab_guide_status(g, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(buf, "1 of 2 checkpoints met"));
    ck_assert_ptr_nonnull(strstr(buf, "[ ] b:"));
    for (const char *p = buf; *p; p = strchr(p, '\n') + 1)
        ck_assert_msg(strncmp(p, "[lab]", 5) == 0, "a guide line without [lab]: %s", p);
    free(buf);
    lab_guide_free(g);
}
END_TEST

/* ---- tap transcripts --------------------------------------------------- */

static size_t tap(const char *text, char *why, size_t cap)
{
    char *copy = strdup(text), *lines[64];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && n < 64;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    struct tap_check_stats st;
    size_t bad = tap_check(lines, n, 0, &st, why, cap);
    free(copy);
    return bad;
}

#define SEG(from, to, sp, dp, rest)                                                     \
    "   0.000100 " from "  IP 10.10.1.100." sp " > 10.10.2.100." dp ": " rest "\n"
#define RSEG(rest) "   0.000100 juliet > romeo  IP 10.10.2.100.4000 > 10.10.1.100.5000: " rest "\n"

static const char *const conversation =
    "romeo> connect s 10.10.2.100 4000\n"
    SEG("romeo > juliet", "", "5000", "4000", "Flags [S], seq 100, win 1, length 0")
    RSEG("Flags [S.], seq 500, ack 101, win 1, length 0")
    SEG("romeo > juliet", "", "5000", "4000", "Flags [.], ack 501, win 1, length 0")
    "romeo  s (fd 3): CLOSED -> SYN_SENT (connect) -> ESTABLISHED (rcv SYN,ACK)\n"
    "romeo> send s \"hello\"\n"
    SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 101:106, ack 501, win 1, length 5")
    RSEG("Flags [.], ack 106, win 1, length 0")
    SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 101:106, ack 501, win 1, length 5")
    "romeo> close s\n"
    SEG("romeo > juliet", "", "5000", "4000", "Flags [F.], seq 106, ack 501, win 1, length 0")
    RSEG("Flags [.], ack 107, win 1, length 0")
    "romeo  s (fd 3, closed): ESTABLISHED -> FIN_WAIT_1 (close) -> FIN_WAIT_2 (rcv ACK of FIN)\n";

START_TEST(test_tap_consistent_conversation)
{
    char why[256] = "";
    ck_assert_msg(tap(conversation, why, sizeof why) == 0, "%s", why);
}
END_TEST

static void expect_tap_break(const char *from, const char *to, size_t line, const char *what)
{
    char *text = strdup(conversation), why[256] = "";
    char *p = strstr(text, from);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(strlen(from), strlen(to));
    memcpy(p, to, strlen(to));
    size_t bad = tap(text, why, sizeof why);
    ck_assert_msg(bad == line, "broke at line %zu (%s), expected %zu", bad, why, line);
    ck_assert_msg(strstr(why, what) != NULL, "'%s' lacks '%s'", why, what);
    free(text);
}

START_TEST(test_tap_inconsistencies_name_the_line)
{
    expect_tap_break("ack 106, win", "ack 116, win", 8, "acknowledges 116");
    expect_tap_break("seq 101:106, ack 501, win 1, length 5\n   0.000100 juliet",
                     "seq 111:116, ack 501, win 1, length 5\n   0.000100 juliet", 7,
                     "10 bytes never sent");
    expect_tap_break("seq 101:106, ack 501, win 1, length 5\n   0.000100 juliet",
                     "seq 101:107, ack 501, win 1, length 5\n   0.000100 juliet", 7,
                     "carries 6 bytes");
    expect_tap_break("ESTABLISHED -> FIN_WAIT_1", "ESTABLISHED -> TIME_WAIT1", 13,
                     "not a TCP state");
    expect_tap_break("-> SYN_SENT (connect) -> ESTABLISHED", "-> SYN_SENT (connect) -> CLOSE_WAIT1",
                     5, "not a TCP state");
    expect_tap_break("CLOSED -> SYN_SENT", "CLOSED -> LAST_ACK", 5, "CLOSED -> LAST_ACK");
}
END_TEST

START_TEST(test_tap_pauses_where_frames_are_hidden)
{
    char why[256] = "";
    const char *text =
        "romeo> filter port 9\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 900:905, ack 501, win 1, length 5")
        "romeo> filter off\n"
        "romeo> decode -v\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 1:6, ack 1, win 1, length 5")
        "romeo> decode -S\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 101:106, ack 501, win 1, length 5")
        "  ... 10 more frames ...\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [P.], seq 9101:9106, ack 501, win 1, length 5");
    ck_assert_msg(tap(text, why, sizeof why) == 0, "%s", why);
}
END_TEST

/* After a summary the first segment seen may be a retransmission; the
 * new data after it (sent by frames the summary hid) is no jump.  Without
 * the summary the same jump is one. */
START_TEST(test_tap_new_data_after_a_retransmission_past_a_summary)
{
    char why[256] = "";
    const char *seen =
        "romeo> send s --bytes 1M &\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [.], seq 101:106, ack 501, win 1, length 5")
        "  ... 10 more frames ...\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [.], seq 2101:2106, ack 501, win 1, length 5")
        "romeo> sleep 1s\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [.], seq 4101:4106, ack 501, win 1, length 5");
    ck_assert_msg(tap(seen, why, sizeof why) == 0, "%s", why);
    const char *jump =
        "romeo> send s --bytes 1M &\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [.], seq 101:106, ack 501, win 1, length 5")
        "romeo> sleep 1s\n"
        SEG("romeo > juliet", "", "5000", "4000", "Flags [.], seq 4101:4106, ack 501, win 1, length 5");
    ck_assert_uint_eq(tap(jump, why, sizeof why), 4);
    ck_assert_ptr_nonnull(strstr(why, "never sent"));
}
END_TEST

/* ---- transcript files -------------------------------------------------- */

static void expect_load_error(const char *text, const char *what)
{
    struct transcript t;
    char err[256];
    write_file(text);
    ck_assert_int_eq(transcript_load(path, &t, err, sizeof err), -1);
    ck_assert_msg(strstr(err, what) != NULL, "'%s' lacks '%s'", err, what);
    unlink(path);
    path[0] = '\0';
}

START_TEST(test_transcript_headers)
{
    struct transcript t;
    char err[256];
    write_file("# tcplab transcript\n# version: 0.1.0\n# mode: tap\n# seed: 7\n# lab: sockets\n"
               "romeo> ss\nHost\n");
    ck_assert_int_eq(transcript_load(path, &t, err, sizeof err), 0);
    ck_assert_str_eq(t.mode, "tap");
    ck_assert_uint_eq(t.seed, 7);
    ck_assert_str_eq(t.lab, "sockets");
    ck_assert_uint_eq(t.body, 5);
    ck_assert_uint_eq(t.n, 7);
    const char *cmd;
    ck_assert_int_eq(transcript_prompt(t.line[5], &cmd), 0);
    ck_assert_str_eq(cmd, "ss");
    transcript_free(&t);
    unlink(path);
    path[0] = '\0';
    ck_assert_int_eq(transcript_load("/nonexistent/t.txt", &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open"));
    expect_load_error("", "empty file");
    expect_load_error("hello\n", "line 1: not a tcplab transcript");
    expect_load_error("# tcplab transcript\n# seed 3\n", "line 2: malformed header");
    expect_load_error("# tcplab transcript\n# mode: sim\n# seed: x\n", "line 3: seed 'x'");
    expect_load_error("# tcplab transcript\n# mode: vr\n", "line 2: mode 'vr'");
    expect_load_error("# tcplab transcript\n# seed: 1\nromeo> ss\n", "line 3: the header has no");
    expect_load_error("# tcplab transcript\n# mode: sim\nromeo> ss\n", "no '# seed: N'");
}
END_TEST

static Suite *grade_suite(void)
{
    Suite *s = suite_create("grade");
    ck_case(s, "matcher", NULL, teardown,
            test_states_and_segments_from_a_handshake, test_retransmit_dupack_covers_sack,
            test_results_belong_to_the_host_that_waited,
            test_recv_all_completed_by_the_other_host, test_after_orders_checkpoints,
            test_print_and_lab_lines_are_no_evidence, test_colour_is_ignored,
            test_verbose_decode_continuation_lines, test_guide_marks_what_a_command_met, NULL);
    ck_case(s, "tap and files", NULL, teardown,
            test_tap_consistent_conversation, test_tap_inconsistencies_name_the_line,
            test_tap_pauses_where_frames_are_hidden,
                        test_tap_new_data_after_a_retransmission_past_a_summary, test_transcript_headers, NULL);
    return s;
}

int main(void)
{
    return ck_run(grade_suite());
}
