/* libFuzzer target: the packetdrill script parser (src/pdrill, pd_parse)
 * on arbitrary text, and each packet it finds printed back and parsed
 * again.  A broken script must give one line, never crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdrill/pd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536 || memchr(data, '\0', size))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct pd_script s;
    char err[PD_ERR_MAX];
    if (pd_parse(&s, "f.pkt", text, err, sizeof err) == 0) {
        for (int i = 0; i < s.nev; i++) {
            if (s.ev[i].kind != PDE_PACKET)
                continue;
            char *out = NULL;
            size_t n = 0;
            FILE *m = open_memstream(&out, &n);
            if (!m)
                continue;
            fputs(s.ev[i].pkt.inbound ? "< " : "> ", m);
            pd_print_packet(m, &s.ev[i].pkt);
            fclose(m);
            struct pd_pkt p;
            if (pd_parse_packet(out, NULL, &p, err, sizeof err) != 0)
                abort();            /* what we print, we must read back */
            free(out);
        }
        pd_script_free(&s);
    } else if (strchr(err, '\n')) {
        abort();                    /* errors are one line */
    }
    free(text);
    return 0;
}
