/* The lab file format (man tcplab-labs(5)): what a good file becomes, and
 * the one-line "FILE:LINE: ..." error for each kind of mistake. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckmain.h"
#include "lab/guide.h"
#include "lab/lab.h"

static char path[64];

/* Write text to a fresh temporary lab file; its name is in `path`. */
static void write_lab(const char *text)
{
    snprintf(path, sizeof path, "/tmp/tcplab-labXXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void teardown(void)
{
    if (path[0])
        unlink(path);
    path[0] = '\0';
}

static struct lab *parse(const char *text, char *err, size_t cap)
{
    write_lab(text);
    err[0] = '\0';
    return lab_parse_file(path, err, cap);
}

/* The error for `text` is "PATH:LINE: ..." containing `what`. */
static void expect_error(const char *text, int line, const char *what)
{
    char err[512], want[96];
    struct lab *lab = parse(text, err, sizeof err);
    ck_assert_msg(lab == NULL, "parsed, expected an error at line %d", line);
    snprintf(want, sizeof want, "%s:%d: ", path, line);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "error '%s' does not start with '%s'",
                  err, want);
    ck_assert_msg(strstr(err, what) != NULL, "error '%s' lacks '%s'", err, what);
    ck_assert_msg(strchr(err, '\n') == NULL, "error is more than one line: %s", err);
}

static const char *const good =
    "# a comment\n"
    "lab: demo\n"
    "title: A demonstration\n"
    "\n"
    "Intro text.\n"
    "\n"
    "step: First\n"
    "Do this.\n"
    "try: use juliet\n"
    "check listen: state juliet LISTEN\n"
    "check syn after listen points 3: segment romeo > juliet flags S port 4000\n"
    "question: Why?\n"
    "  Because.\n"
    "step: Second\n"
    "check data: segment romeo > juliet flags +P length 12\n"
    "check got: bytes juliet 1k\n"
    "check end: eof juliet\n"
    "check refused: error romeo ECONNREFUSED\n"
    "check reset: error juliet ConnectionResetError\n"
    "check meet: tcb romeo SND.UNA = SND.NXT\n"
    "check follow: tcb juliet RCV.NXT >= romeo SND.NXT\n"
    "check idle: tcb romeo in-flight = 0\n"
    "check icmp: frame juliet > romeo \"port 7000 unreachable\"\n"
    "check out: output romeo 200 OK\n"
    "check typed: command juliet tcb\n"
    "check sock: state romeo sock SYN-SENT\n";

CK_CASE("format", NULL, teardown);

CK_TEST(test_good_lab_parses_into_steps_and_checkpoints)
{
    char err[512];
    struct lab *lab = parse(good, err, sizeof err);
    ck_assert_msg(lab != NULL, "%s", err);
    ck_assert_str_eq(lab->name, "demo");
    ck_assert_str_eq(lab->title, "A demonstration");
    ck_assert_uint_eq(lab->nintro, 1);
    ck_assert_str_eq(lab->intro[0].text, "Intro text.");
    ck_assert_uint_eq(lab->nsteps, 2);
    ck_assert_str_eq(lab->steps[0].title, "First");
    ck_assert_uint_eq(lab->nchecks, 14);
    ck_assert_int_eq(lab->points, 16);
    const struct lab_check *c = &lab->checks[1];
    ck_assert_str_eq(c->id, "syn");
    ck_assert_int_eq(c->after, 0);
    ck_assert_int_eq(c->points, 3);
    ck_assert_int_eq(c->kind, LAB_CK_SEGMENT);
    ck_assert_int_eq(c->host, 0);
    ck_assert_int_eq(c->to, 1);
    ck_assert_uint_eq(c->flags, LAB_TH_SYN);
    ck_assert_int_eq(c->port, 4000);
    ck_assert_int_eq(c->line, 11);
    ck_assert(lab->checks[2].flags_atleast);
    ck_assert_int_eq(lab->checks[2].length, 12);
    ck_assert_uint_eq(lab->checks[3].bytes, 1024);
    ck_assert_int_eq(lab->checks[5].err, ECONNREFUSED);
    ck_assert_str_eq(lab->checks[6].errclass, "ConnectionResetError");
    ck_assert_str_eq(lab->checks[7].field, "snduna");
    ck_assert(lab->checks[7].value_field);
    ck_assert_str_eq(lab->checks[7].vfield, "sndnxt");
    ck_assert_int_eq(lab->checks[8].vhost, 0);
    ck_assert_int_eq(lab->checks[8].op, LAB_OP_GE);
    ck_assert(!lab->checks[9].value_field);
    ck_assert_str_eq(lab->checks[10].text, "port 7000 unreachable");
    ck_assert_str_eq(lab->checks[11].text, "200 OK");
    ck_assert_str_eq(lab->checks[13].sock, "sock");
    ck_assert_str_eq(lab->checks[13].state, "SYN_SENT");
    /* the question and its continuation line */
    const struct lab_step *s = &lab->steps[0];
    ck_assert_int_eq(s->items[s->nitems - 1].kind, LAB_QUESTION);
    ck_assert_str_eq(s->items[s->nitems - 1].text, "Why?\n  Because.");
    lab_free(lab);
}
END_TEST

CK_TEST(test_descriptions_say_what_is_checked)
{
    char err[512], d[256];
    struct lab *lab = parse(good, err, sizeof err);
    ck_assert_ptr_nonnull(lab);
    lab_check_describe(&lab->checks[0], d, sizeof d);
    ck_assert_str_eq(d, "juliet: a socket reaches LISTEN");
    lab_check_describe(&lab->checks[1], d, sizeof d);
    ck_assert_str_eq(d, "a TCP segment romeo > juliet with flags [S], port 4000");
    lab_check_describe(&lab->checks[5], d, sizeof d);
    ck_assert_str_eq(d, "romeo: a call fails with [Errno 111] Connection refused");
    lab_check_describe(&lab->checks[7], d, sizeof d);
    ck_assert_str_eq(d, "the TCB romeo prints shows SND.UNA = SND.NXT");
    lab_free(lab);
}
END_TEST

CK_TEST(test_missing_and_empty_files)
{
    char err[512];
    ck_assert_ptr_null(lab_parse_file("/nonexistent/x.lab", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.lab: cannot open"));
    expect_error("", 1, "empty file");
    expect_error("# only a comment\n", 2, "no 'lab: NAME' line");
}
END_TEST

CK_TEST(test_errors_name_the_line)
{
    expect_error("title: x\n", 1, "begins with 'lab: NAME'");
    expect_error("lab: a b\n", 1, "not a lab name");
    expect_error("lab: x\nlab: y\n", 2, "a second 'lab:'");
    expect_error("lab: x\ntitle: t\n", 3, "no 'step:'");
    expect_error("lab: x\nstep: s\n", 3, "no 'title:'");
    expect_error("lab: x\ntitle: t\ntry: ss\n", 3, "belong to a step");
    expect_error("lab: x\ntitle: t\ncheck a: eof romeo\n", 3, "belongs to a step");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a eof romeo\n", 4, "colon");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: eof romeo\ncheck a: eof juliet\n", 5,
                 "used twice");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a after b: eof romeo\n", 4, "after 'b'");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: teleport romeo\n", 4, "unknown kind");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: state mercutio LISTEN\n", 4, "not a host");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: state romeo LISTENING\n", 4,
                 "not a TCP state");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: segment romeo juliet\n", 4,
                 "segment FROM > TO");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: segment romeo > juliet flags SX\n", 4,
                 "flag 'X'");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: segment romeo > juliet port\n", 4,
                 "needs a value");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: bytes juliet many\n", 4,
                 "not a byte count");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: error romeo EWHATEVER\n", 4,
                 "neither an errno name");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: tcb romeo SND.FOO = 1\n", 4,
                 "not a TCB field");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: tcb romeo SND.UNA ~ 1\n", 4,
                 "not a comparison");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a: output romeo \"\"\n", 4, "empty");
    expect_error("lab: x\ntitle: t\nstep: s\ncheck a points x: eof romeo\n", 4, "points");
    expect_error("lab: x\ntitle: t\nstep: s\nquestion:\n", 4, "question is empty");
    expect_error("lab: x\ntitle: t\nstep:\n", 3, "needs a title");
}
END_TEST

CK_TEST(test_binary_file_is_refused)
{
    char err[512];
    write_lab("lab: x\n");
    FILE *f = fopen(path, "a");
    fputs("title: t", f);
    fputc('\0', f);
    fputs("\n", f);
    fclose(f);
    ck_assert_ptr_null(lab_parse_file(path, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, ":2: not a text file"));
}
END_TEST

CK_TEST(test_indented_keywords_are_text)
{
    char err[512];
    struct lab *lab = parse("lab: x\ntitle: t\nstep: s\n  check this: it is text\n", err,
                            sizeof err);
    ck_assert_msg(lab != NULL, "%s", err);
    ck_assert_uint_eq(lab->nchecks, 0);
    ck_assert_uint_eq(lab->steps[0].nitems, 1);
    ck_assert_int_eq(lab->steps[0].items[0].kind, LAB_TEXT);
    lab_free(lab);
}
END_TEST

CK_TEST(test_shipped_labs_parse)
{
    static const char *const names[] = {"sockets", "tcb", "nobody", "closing", "error", "bulk"};
    setenv("TCPLAB_LABS", "labs", 1);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char err[512];
        struct lab *lab = lab_load(names[i], err, sizeof err);
        ck_assert_msg(lab != NULL, "%s: %s", names[i], err);
        ck_assert_str_eq(lab->name, names[i]);
        ck_assert_uint_gt(lab->nchecks, 0);
        lab_free(lab);
    }
    char err[512];
    ck_assert_ptr_null(lab_load("no-such-lab", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no lab 'no-such-lab'"));
    ck_assert_ptr_null(lab_load("../etc", err, sizeof err));
}
END_TEST

CK_TEST(test_sequence_comparison_wraps)
{
    ck_assert(lab_compare(0xfffffff0u, LAB_OP_LT, 0x10u));
    ck_assert(lab_compare(0x10u, LAB_OP_GT, 0xfffffff0u));
    ck_assert(lab_compare(5, LAB_OP_EQ, 5));
    ck_assert(lab_compare(5, LAB_OP_NE, 6));
    ck_assert(lab_compare(5, LAB_OP_LE, 5));
    ck_assert(!lab_compare(5, LAB_OP_GT, 5));
    char n[16];
    lab_field_norm("SND.UNA", 7, n, sizeof n);
    ck_assert_str_eq(n, "snduna");
    lab_field_norm("in flight", 9, n, sizeof n);
    ck_assert_str_eq(n, "inflight");
}
END_TEST
