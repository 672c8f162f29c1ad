/* libFuzzer target: the lab file parser (src/lab, lab_parse_file), on
 * arbitrary text: steps, commands, checkpoints, questions.  A broken lab
 * file must give a message, never crash or leak. */
#include <stdint.h>

#include "lab/lab.h"
#include "tmpdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *path = tmpdir_write("x.lab", data, size);
    if (!path)
        return 0;
    char err[512];
    struct lab *lab = lab_parse_file(path, err, sizeof err);
    if (lab)
        lab_free(lab);
    return 0;
}
