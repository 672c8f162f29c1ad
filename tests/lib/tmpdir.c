/* A private temporary folder, removed at exit (tests/lib/tmpdir.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "tmpdir.h"

static char dir[] = "/tmp/tcplab-test.XXXXXX";
static int made;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static void cleanup(void)
{
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

const char *tmpdir_path(void)
{
    if (!made) {
        if (!mkdtemp(dir))
            abort();
        made = 1;
        atexit(cleanup);
    }
    return dir;
}

const char *tmpdir_write(const char *name, const void *data, size_t size)
{
    static char path[sizeof dir + 256];
    snprintf(path, sizeof path, "%s/%s", tmpdir_path(), name);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size)
        return NULL;
    return path;
}
