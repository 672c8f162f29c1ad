/* tcplab: command-line entry point.  Sub-commands (read) and options, then
 * the shell: interactive on a terminal, else a script. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "shell/shell.h"
#include "link/sim.h"
#include "shell/transcript.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tcplab [options] [SCRIPT]     interactive shell, or run SCRIPT (a file, or - for stdin)\n"
            "       tcplab replay TRANSCRIPT...        re-run transcripts, report any difference (exit 1 if any)\n"
            "       tcplab read [tcpdump flags] FILE   decode a pcap file exactly as tcpdump -r would\n"
            "       tcplab --help | --version\n"
            "options:\n"
            "  --seed=N      seed of the simulated hosts (ISS, ports); default 1\n"
            "  --record=FILE write a transcript of the session to FILE\n"
            "  -w FILE       write every frame of the session to a pcap file\n"
            "  --no-color    no colour (also when NO_COLOR is set or output is not a terminal)\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "read") == 0)
        return read_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "replay") == 0)
        return replay_main(argc - 1, argv + 1);

    uint64_t seed = 1;
    bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    const char *script = NULL, *record = NULL, *pcap_out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("tcplab %s\n", TCPLAB_VERSION);
            return 0;
        } else if (strcmp(a, "--no-color") == 0) {
            color = false;
        } else if (strncmp(a, "--seed=", 7) == 0) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(a + 7, &end, 10);
            if (!a[7] || *end || errno) {
                fprintf(stderr, "tcplab: --seed takes a number, not '%s'\n", a + 7);
                return 2;
            }
            seed = v;
        } else if (strcmp(a, "-w") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tcplab: -w needs a file name\n");
                return 2;
            }
            pcap_out = argv[++i];
        } else if (strncmp(a, "--record=", 9) == 0 && a[9]) {
            record = a + 9;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "tcplab: unknown option '%s' (tcplab --help lists them)\n", a);
            return 2;
        } else if (script) {
            fprintf(stderr, "tcplab: one script at a time ('%s' and '%s')\n", script, a);
            return 2;
        } else {
            script = a;
        }
    }

    FILE *rec = NULL, *out = stdout;
    if (record) {
        rec = fopen(record, "w");
        if (!rec) {
            fprintf(stderr, "tcplab: cannot write transcript '%s': %s\n", record, strerror(errno));
            return 2;
        }
        transcript_write_header(rec, seed, NULL);
        out = transcript_tee(stdout, rec);
    }
    struct simnet *net = simnet_new(seed);
    struct shell *sh = out && net ? shell_new(&net->w, out, color) : NULL;
    if (!sh) {
        fprintf(stderr, "tcplab: out of memory\n");
        return 1;
    }
    sh->record = rec;
    if (pcap_out && sh_capture_start(sh, pcap_out) < 0) {
        shell_free(sh);
        return 2;
    }
    int rc;
    if (!script && isatty(STDIN_FILENO)) {
        sh->interactive = true;
        rc = shell_run_interactive(sh);
    } else {
        FILE *in = stdin;
        if (script && strcmp(script, "-") != 0) {
            in = fopen(script, "r");
            if (!in) {
                fprintf(stderr, "tcplab: cannot open script '%s': %s\n", script, strerror(errno));
                shell_free(sh);
                return 2;
            }
        }
        sh->echo = true;
        rc = shell_run_script(sh, in);
        if (in != stdin)
            fclose(in);
    }
    shell_free(sh);
    if (out != stdout)
        fclose(out);
    if (rec && fclose(rec) != 0) {
        fprintf(stderr, "tcplab: writing transcript '%s': %s\n", record, strerror(errno));
        rc = 1;
    }
    return rc;
}
