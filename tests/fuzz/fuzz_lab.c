/* libFuzzer target: the lab file parser (src/lab, lab_parse_file), on
 * arbitrary text: steps, commands, checkpoints, questions.  A broken lab
 * file must give a message, never crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz_lab.XXXXXX";
static char path[64];

static void cleanup(void)
{
    remove(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/x.lab", dir);
        atexit(cleanup);
    }
    if (size > 65536)
        return 0;
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char err[512];
    struct lab *lab = lab_parse_file(path, err, sizeof err);
    if (lab)
        lab_free(lab);
    return 0;
}
