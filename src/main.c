/* tcplab: the entry point.  argv[1] names a subcommand from commands[],
 * or else the arguments are the shell's options and script (cmd_shell.c).
 *
 * Adding a subcommand `tcplab NAME`: write src/cmd/cmd_NAME.c with
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is "NAME"; exit 0, 1 when
 * the work failed, 2 for a usage error, each with one line on stderr),
 * declare it in src/cmd/cmd.h, and add one row below: its name, function,
 * synopsis and one-line summary, which `tcplab --help` prints.  The file
 * uses the library layers below it (tests/steps/layers.sh checks that no
 * library layer includes src/cmd); it holds no `main` of its own. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct {
    const char *name;
    cmd_fn *run;
    const char *synopsis;       /* after "tcplab " */
    const char *summary;
} commands[] = {
    {"replay", cmd_replay, "replay TRANSCRIPT...",
     "re-run transcripts, report any difference (exit 1 if any)"},
    {"grade", cmd_grade, "grade [--json] LAB TRANSCRIPT...",
     "score transcripts against a lab's checkpoints"},
    {"read", cmd_read, "read [tcpdump flags] FILE",
     "decode a pcap file exactly as tcpdump -r would"},
    {"draw", cmd_drawing, "draw KIND -o FILE INPUT",
     "ladder|states|seq|cwnd of a transcript or pcap (.svg .png .pdf)"},
    {"report", cmd_report, "report TRANSCRIPT -o FILE.html",
     "one self-contained HTML lab notebook of a session"},
    {"packetdrill", cmd_packetdrill, "packetdrill [OPTIONS] SCRIPT...",
     "run packetdrill scripts against tcplab's stack"},
};

static void usage(FILE *f)
{
    const char *w = "usage:";
    fprintf(f, "%-6s tcplab %-33s %s\n", w, "[options] [SCRIPT]",
            "interactive shell, or run SCRIPT (a file, or - for stdin)");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "%-6s tcplab %-33s %s\n", "", commands[i].synopsis, commands[i].summary);
    fprintf(f, "%-6s tcplab --help | --version\noptions:\n%s", "", cmd_shell_options_help);
}

int main(int argc, char **argv)
{
    for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return cmd_shell(argc, argv, usage);
}
