/* libFuzzer target: transcripts as `tcplab replay` reads them (header,
 * prompts, outputs; a sim transcript is re-run, a tap one checked for
 * consistency).  A hand-edited or hostile transcript must be refused with
 * a message, never crash the replay.  The input is written to a file in a
 * private directory (replay reads paths); commands that would take long
 * (large sizes and counts) are left out, as the replay would run them. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/transcript.h"
#include "tmpdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Commands (the prompt lines) with numbers above 100000, or sizes above
 * 64k, would make slow runs (send --bytes 1G, ping juliet 1000000). */
static int slow(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && d[e] != '\n')
            e++;
        bool cmd = (e - i > 7 && memcmp(d + i, "romeo> ", 7) == 0) ||
                   (e - i > 8 && memcmp(d + i, "juliet> ", 8) == 0);
        for (size_t j = i; cmd && j < e; j++) {
            if (d[j] < '0' || d[j] > '9')
                continue;
            unsigned long long v = 0;
            while (j < e && d[j] >= '0' && d[j] <= '9' && v < 1000000000ull)
                v = v * 10 + (d[j++] - '0');
            if (j < e && (d[j] == 'k' || d[j] == 'K'))
                v *= 1024;
            else if (j < e && (d[j] == 'M' || d[j] == 'G' || d[j] == 'm' || d[j] == 'g'))
                v *= 1u << 20;
            if (v > 100000)
                return 1;
        }
        i = e + 1;
    }
    return 0;
}

/* The replay runs in the private folder (tests/lib/tmpdir.h), which goes
 * at exit with whatever a replayed `capture` wrote into it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null) {
        if (chdir(tmpdir_path()) != 0)
            abort();
        null = fopen("/dev/null", "w");
    }
    if (size > 65536 || slow(data, size))
        return 0;
    const char *path = tmpdir_write("t.txt", data, size);
    if (!path)
        return 0;
    transcript_replay(path, null, true);
    return 0;
}
