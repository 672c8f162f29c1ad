/* Building and running a Check suite (tests/lib/ckmain.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckmain.h"

TCase *ck_case(Suite *s, const char *name, void (*setup)(void), void (*teardown)(void), ...)
{
    TCase *tc = tcase_create(name);
    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    va_list ap;
    va_start(ap, teardown);
    for (const TTest *t; (t = va_arg(ap, const TTest *)) != NULL;)
        tcase_add_test(tc, t);
    va_end(ap);
    suite_add_tcase(s, tc);
    return tc;
}

int ck_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int ran = srunner_ntests_run(sr), failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "FAIL: the suite ran no tests\n");
        return EXIT_FAILURE;
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
