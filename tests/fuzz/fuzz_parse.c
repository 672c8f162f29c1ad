/* libFuzzer target: the shell's command parser (sh_parse, both spellings:
 * the short form and the lab's Python lines), on arbitrary lines.  It must
 * never crash, read out of bounds or leak, whatever the quoting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/sim.h"
#include "shell/shell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct shell *sh;
    static FILE *null;
    if (!sh) {
        null = fopen("/dev/null", "w");
        struct simnet *n = simnet_new(1);
        sh = shell_new(&n->w, null, false);
        if (!sh)
            return 0;
        /* names on both hosts, as a lab session would have them */
        shell_line(sh, "sock = socket");
        shell_line(sh, "juliet: l = socket");
    }
    if (size > 4096)
        return 0;
    char *line = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = '\0';
    struct sh_cmdline cl;
    char err[256];
    if (sh_parse(sh, line, &cl, err, sizeof err) == 0)
        sh_cmdline_free(&cl);
    free(line);
    return 0;
}
