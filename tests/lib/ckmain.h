/* The end of every Check suite, written once: test cases built from a
 * list, and the run that turns the results into the exit status. */
#ifndef TCPLAB_CKMAIN_H
#define TCPLAB_CKMAIN_H

#include <check.h>

/* Adds to s a test case `name` with the fixture (setup and teardown run
 * around each test; either may be NULL) and the tests that follow, up to
 * a NULL.  Returns the case (for tcase_set_timeout and more tests). */
TCase *ck_case(Suite *s, const char *name, void (*setup)(void), void (*teardown)(void), ...);

/* Runs every test of s and frees it: EXIT_SUCCESS when at least one test
 * ran and none failed; EXIT_FAILURE otherwise (a suite with nothing to
 * check fails). */
int ck_run(Suite *s);

#endif
