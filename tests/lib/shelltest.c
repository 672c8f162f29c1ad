/* The shell fixture (tests/lib/shelltest.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "link/sim.h"
#include "shelltest.h"

struct shell *sht;
static struct capture out;

void sht_setup(void)
{
    struct simnet *n = simnet_new(1);
    ck_assert_ptr_nonnull(n);
    sht = shell_new(&n->w, capture_open(&out), false);
    ck_assert_ptr_nonnull(sht);
}

void sht_teardown(void)
{
    shell_free(sht);
    sht = NULL;
    free(capture_close(&out));
}

const char *sht_run(const char *line, int *rc)
{
    fflush(out.f);
    size_t start = out.len;
    int r = shell_line(sht, line);
    if (rc)
        *rc = r;
    fflush(out.f);
    return out.text + start;
}

const char *sht_expect(const char *line, const char *want)
{
    const char *o = sht_run(line, NULL);
    ck_assert_msg(strstr(o, want) != NULL, "'%s' printed no '%s':\n%s", line, want, o);
    return o;
}
