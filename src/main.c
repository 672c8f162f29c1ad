/* tcplab: command-line entry point.  Sub-commands (read) and options, then
 * the shell: interactive on a terminal, else a script. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "pdrill/pd.h"
#include "shell/shell.h"
#include "link/sim.h"
#include "link/tapworld.h"
#include "shell/transcript.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tcplab [options] [SCRIPT]     interactive shell, or run SCRIPT (a file, or - for stdin)\n"
            "       tcplab replay TRANSCRIPT...        re-run transcripts, report any difference (exit 1 if any)\n"
            "       tcplab grade [--json] LAB TRANSCRIPT...  score transcripts against a lab's checkpoints\n"
            "       tcplab read [tcpdump flags] FILE   decode a pcap file exactly as tcpdump -r would\n"
            "       tcplab packetdrill [--ignore-options] [--ignore-window] [--report] SCRIPT...\n"
            "                                          run packetdrill scripts against tcplab's stack\n"
            "       tcplab --help | --version\n"
            "options:\n"
            "  --seed=N      seed of the simulated hosts (ISS, ports); default 1\n"
            "  --record=FILE write a transcript of the session to FILE\n"
            "  --lab=NAME    start the guided lab NAME (as lab start NAME)\n"
            "  -w FILE       write every frame of the session to a pcap file\n"
            "  --no-color    no colour (also when NO_COLOR is set or output is not a terminal)\n"
            "  --tap[=IF]    tap mode: tcplab's stack on TAP interface IF (default tcplab0), the\n"
            "                Linux kernel as the other host (needs CAP_NET_ADMIN: sudo)\n"
            "  --kernel=HOST the host the kernel plays in tap mode: romeo or juliet (default)\n"
            "  --netns       tap mode in a private network namespace (prints how to enter it)\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "read") == 0)
        return read_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "replay") == 0)
        return replay_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "grade") == 0)
        return grade_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "packetdrill") == 0)
        return packetdrill_main(argc - 1, argv + 1);

    uint64_t seed = 1;
    bool seed_given = false;
    bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    const char *lab = NULL;
    const char *script = NULL, *record = NULL, *pcap_out = NULL;
    struct tap_options tap = {.kernel = 1};
    bool tap_mode = false;
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
            seed_given = true;
        } else if (strcmp(a, "-w") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tcplab: -w needs a file name\n");
                return 2;
            }
            pcap_out = argv[++i];
        } else if (strncmp(a, "--record=", 9) == 0 && a[9]) {
            record = a + 9;
        } else if (strncmp(a, "--lab=", 6) == 0 && a[6]) {
            lab = a + 6;
        } else if ((strcmp(a, "--lab") == 0 || strcmp(a, "--record") == 0) && i + 1 < argc) {
            *(a[2] == 'l' ? &lab : &record) = argv[++i];
        } else if (strcmp(a, "--tap") == 0 || (strncmp(a, "--tap=", 6) == 0 && a[6])) {
            tap_mode = true;
            tap.ifname = a[5] ? a + 6 : NULL;
        } else if (strncmp(a, "--kernel=", 9) == 0) {
            if (strcmp(a + 9, "romeo") != 0 && strcmp(a + 9, "juliet") != 0) {
                fprintf(stderr, "tcplab: --kernel takes romeo or juliet, not '%s'\n", a + 9);
                return 2;
            }
            tap.kernel = strcmp(a + 9, "juliet") == 0;
        } else if (strcmp(a, "--netns") == 0) {
            tap.netns = true;
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

    FILE *out = stdout;
    struct world *w = NULL;
    if (tap_mode || tap.netns) {
        /* before anything else: the set-up that needs privileges, then none */
        struct tapworld *tw;
        char msg[512];
        tap.seed = seed;
        tap.random_seed = !seed_given;
        int st = tapworld_start(&tap, &tw, msg, sizeof msg);
        if (st) {
            fprintf(stderr, "%s\n", msg);
            return st;
        }
        if (tap.netns) {
            tapworld_enter_cmd(tw, msg, sizeof msg);
            fprintf(stderr, "tcplab: %s exists only in a private network namespace; to play it "
                    "from another terminal: %s\n", tw->w.name[tw->kidx], msg);
        }
        w = &tw->w;
    } else {
        struct simnet *net = simnet_new(seed);
        w = net ? &net->w : NULL;
    }
    struct shell *sh = out && w ? shell_new(w, out, color) : NULL;
    if (!sh || (w->realtime && sh_tap_attach(sh) < 0)) {
        fprintf(stderr, "tcplab: out of memory\n");
        shell_free(sh);
        return 1;
    }
    if (sh_session_begin(sh, record, lab) < 0) {
        shell_free(sh);
        return 2;
    }
    if (pcap_out && sh_capture_start(sh, pcap_out) < 0) {
        sh_session_end(sh);
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
                sh_session_end(sh);
                shell_free(sh);
                return 2;
            }
        }
        sh->echo = true;
        rc = shell_run_script(sh, in);
        if (in != stdin)
            fclose(in);
    }
    if (sh_session_end(sh) < 0)
        rc = 1;
    shell_free(sh);
    return rc;
}
