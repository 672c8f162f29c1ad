/* The shell fixture (tests/lib/shelltest.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "link/sim.h"
#include "shelltest.h"

struct shell *sht;
struct simnet *sht_net;
static struct capture out;

void sht_setup_seed(uint64_t seed)
{
    sht_net = simnet_new(seed);
    ck_assert_ptr_nonnull(sht_net);
    sht = shell_new(&sht_net->w, capture_open(&out), false);
    ck_assert_ptr_nonnull(sht);
}

void sht_setup(void)
{
    sht_setup_seed(1);
}

void sht_teardown(void)
{
    shell_free(sht);
    sht = NULL;
    sht_net = NULL;
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

void sht_connect_c(void)
{
    const char *lines[] = {"juliet: l = socket", "juliet: bind l * 4000", "juliet: listen l",
                           "c = socket", "connect c juliet 4000"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        sht_run(lines[i], NULL);
}
