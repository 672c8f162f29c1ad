/* Output captured into a string (tests/lib/capture.h). */
#include <check.h>

#include "capture.h"

FILE *capture_open(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    ck_assert_ptr_nonnull(c->f);
    return c->f;
}

char *capture_close(struct capture *c)
{
    fclose(c->f);
    c->f = NULL;
    return c->text;
}
