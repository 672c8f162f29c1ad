/* The end of every Check suite, written once.
 *
 * A suite file says what it tests and nothing more: each test is written
 * CK_TEST(name) { ... } END_TEST (or CK_LOOP_TEST(name, start, end)) and
 * registers itself when the program starts; CK_CASE lines group the tests
 * below them into a test case with a fixture.  The one main
 * (tests/lib/ckmain_main.c) builds the suite, named after the file
 * (check_host.c: "host"), from what registered, in the order of the file,
 * and runs it.
 *
 * The older style still works: START_TEST tests put in a suite with
 * ck_case() and run by a main of the file's own with ck_run(). */
#ifndef TCPLAB_CKMAIN_H
#define TCPLAB_CKMAIN_H

#include <check.h>

/* A START_TEST left in a file whose suite is built from the registry is
 * never run, and nothing but an unused variable shows it (a test merged
 * in the older style): make that an error in every suite. */
#pragma GCC diagnostic error "-Wunused-variable"

/* Adds to s a test case `name` with the fixture (setup and teardown run
 * around each test; either may be NULL) and the tests that follow, up to
 * a NULL.  Returns the case (for tcase_set_timeout and more tests). */
TCase *ck_case(Suite *s, const char *name, void (*setup)(void), void (*teardown)(void), ...);

/* Runs every test of s and frees it: EXIT_SUCCESS when at least one test
 * ran and none failed; EXIT_FAILURE otherwise (a suite with nothing to
 * check fails). */
int ck_run(Suite *s);

/* One line of the registry: a test, the start of a case, a case's
 * timeout or a function run once before the suite is built.  Written by
 * the macros below; `file` and `line` order the lines. */
enum ck_kind { CK_KIND_TEST, CK_KIND_CASE, CK_KIND_TIMEOUT, CK_KIND_INIT };
struct ck_entry {
    enum ck_kind kind;
    const char *file;
    int line;
    const TTest *test;                 /* CK_KIND_TEST */
    int (*loop_start)(void), (*loop_end)(void); /* a loop test: _i runs start..end-1 */
    const char *name;                  /* CK_KIND_CASE */
    void (*setup)(void), (*teardown)(void);
    double timeout;                    /* CK_KIND_TIMEOUT, seconds (0: none) */
    void (*init)(void);                /* CK_KIND_INIT */
    TCase *tcase;                      /* CK_KIND_CASE: made from it */
    struct ck_entry *next;
};
void ck_register(struct ck_entry *e);

/* The suite made of every registered line (the shared main runs it). */
Suite *ck_registered_suite(void);

#define CK_CAT_(a, b) a##b
#define CK_CAT(a, b) CK_CAT_(a, b)
#define CK_REGISTER_(entry)                                                      \
    __attribute__((constructor)) static void entry##_register(void)              \
    {                                                                            \
        ck_register(&entry);                                                     \
    }

#define CK_REGISTER_LINE_(prefix, line) CK_REGISTER_LINE2_(prefix, line)
#define CK_REGISTER_LINE2_(prefix, line) CK_REGISTER_(prefix##line)

/* A test of the suite, in the case of the CK_CASE above it (the suite's
 * own case when there is none): CK_TEST(test_x) { ... } END_TEST. */
#define CK_TEST(tname)                                                               \
    static void tname##_fn(int _i CK_ATTRIBUTE_UNUSED);                              \
    static const TTest tname##_ttest = {"" #tname, tname##_fn, __FILE__, __LINE__};  \
    static struct ck_entry tname##_entry = {.kind = CK_KIND_TEST, .file = __FILE__,  \
                                            .line = __LINE__, .test = &tname##_ttest}; \
    CK_REGISTER_(tname##_entry)                                                      \
    static void tname##_fn(int _i CK_ATTRIBUTE_UNUSED)

/* A test run once for each _i from start to end - 1; start and end are
 * read when the suite is built (after the CK_INIT functions ran). */
#define CK_LOOP_TEST(tname, start, end)                                              \
    static void tname##_fn(int _i CK_ATTRIBUTE_UNUSED);                              \
    static const TTest tname##_ttest = {"" #tname, tname##_fn, __FILE__, __LINE__};  \
    static int tname##_start(void) { return (start); }                              \
    static int tname##_end(void) { return (end); }                                  \
    static struct ck_entry tname##_entry = {.kind = CK_KIND_TEST, .file = __FILE__,  \
                                            .line = __LINE__, .test = &tname##_ttest, \
                                            .loop_start = tname##_start,             \
                                            .loop_end = tname##_end};                \
    CK_REGISTER_(tname##_entry)                                                      \
    static void tname##_fn(int _i CK_ATTRIBUTE_UNUSED)

/* The tests below this line, up to the next CK_CASE, make the test case
 * `cname`, with setup and teardown run around each (either may be NULL).
 * A name used before adds to that case (its first fixture holds). */
#define CK_CASE(cname, setup_fn, teardown_fn)                                        \
    static struct ck_entry CK_CAT(ck_case_, __LINE__) = {                            \
        .kind = CK_KIND_CASE, .file = __FILE__, .line = __LINE__, .name = (cname),   \
        .setup = (setup_fn), .teardown = (teardown_fn)};                             \
    CK_REGISTER_LINE_(ck_case_, __LINE__)

/* The timeout of the current case, in seconds (0: none). */
#define CK_TIMEOUT(seconds)                                                          \
    static struct ck_entry CK_CAT(ck_timeout_, __LINE__) = {                         \
        .kind = CK_KIND_TIMEOUT, .file = __FILE__, .line = __LINE__,                 \
        .timeout = (seconds)};                                                       \
    CK_REGISTER_LINE_(ck_timeout_, __LINE__)

/* fn runs once, before the suite is built (what a main did first). */
#define CK_INIT(fn)                                                                  \
    static struct ck_entry CK_CAT(ck_init_, __LINE__) = {                            \
        .kind = CK_KIND_INIT, .file = __FILE__, .line = __LINE__, .init = (fn)};     \
    CK_REGISTER_LINE_(ck_init_, __LINE__)

#endif
