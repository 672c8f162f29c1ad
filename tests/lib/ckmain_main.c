/* The main of every suite written with CK_TEST (tests/lib/ckmain.h): the
 * suite of the registered tests, run.  Linked from an archive, so that a
 * suite with a main of its own (the older style) keeps it. */
#include "ckmain.h"

int main(void)
{
    return ck_run(ck_registered_suite());
}
