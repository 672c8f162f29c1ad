/* Building and running a Check suite (tests/lib/ckmain.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The registry: lines pushed by the constructors of CK_TEST, CK_CASE ...
 * in whatever order they run, put back in the order of the file. */
static struct ck_entry *registry;
static size_t nregistry;

void ck_register(struct ck_entry *e)
{
    e->next = registry;
    registry = e;
    nregistry++;
}

static int entry_order(const void *a, const void *b)
{
    const struct ck_entry *x = *(const struct ck_entry *const *)a;
    const struct ck_entry *y = *(const struct ck_entry *const *)b;
    int c = strcmp(x->file, y->file);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* "tests/check_host.c" -> "host" */
static char *suite_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (strncmp(base, "check_", 6) == 0)
        base += 6;
    size_t n = strcspn(base, ".");
    char *name = malloc(n + 1);
    if (!name)
        abort();
    memcpy(name, base, n);
    name[n] = '\0';
    return name;
}

Suite *ck_registered_suite(void)
{
    struct ck_entry **v = calloc(nregistry ? nregistry : 1, sizeof *v);
    if (!v)
        abort();
    size_t n = 0;
    for (struct ck_entry *e = registry; e; e = e->next)
        v[n++] = e;
    qsort(v, n, sizeof *v, entry_order);

    /* Check keeps the suite's name as given: it lives as long as the run */
    static char *name;
    if (!name)
        name = suite_name(n ? v[0]->file : "tests");
    Suite *s = suite_create(name);
    for (size_t i = 0; i < n; i++)
        if (v[i]->kind == CK_KIND_INIT)
            v[i]->init();
    TCase *tc = NULL;
    for (size_t i = 0; i < n; i++) {
        struct ck_entry *e = v[i];
        switch (e->kind) {
        case CK_KIND_CASE:
            /* a name met before goes on with that case (its tests need not
             * stand together in the file) */
            tc = NULL;
            for (size_t j = 0; j < i && !tc; j++)
                if (v[j]->kind == CK_KIND_CASE && strcmp(v[j]->name, e->name) == 0)
                    tc = v[j]->tcase;
            if (!tc)
                tc = ck_case(s, e->name, e->setup, e->teardown, NULL);
            e->tcase = tc;
            break;
        case CK_KIND_TIMEOUT:
            if (!tc)
                tc = ck_case(s, name, NULL, NULL, NULL);
            tcase_set_timeout(tc, e->timeout);
            break;
        case CK_KIND_TEST:
            if (!tc)
                tc = ck_case(s, name, NULL, NULL, NULL);
            if (e->loop_end)
                tcase_add_loop_test(tc, e->test, e->loop_start(), e->loop_end());
            else
                tcase_add_test(tc, e->test);
            break;
        case CK_KIND_INIT:
            break;
        }
    }
    free(v);
    return s;
}
