/* The programs: one function per subcommand of `tcplab`, each in a file
 * src/cmd/cmd_NAME.c of its own, on top of the library layers below
 * (decode, lab, shell ...), which hold no `main` and print no usage.
 * main.c dispatches argv[1] to them through its commands[] table. */
#ifndef TCPLAB_CMD_H
#define TCPLAB_CMD_H

#include <stdio.h>

/* A subcommand: argv[0] is its name; returns the exit status (0 ok, 1 a
 * failure of the work, 2 a usage error, each with a one-line message). */
typedef int cmd_fn(int argc, char **argv);

cmd_fn cmd_read;      /* cmd_read.c: tcplab read [tcpdump flags] FILE */
cmd_fn cmd_replay;    /* cmd_replay.c: tcplab replay TRANSCRIPT... */
cmd_fn cmd_grade;     /* cmd_grade.c: tcplab grade [--json] LAB TRANSCRIPT... */
cmd_fn cmd_drawing;   /* cmd_draw.c: tcplab draw KIND [--sock NAME] -o FILE INPUT */
cmd_fn cmd_report;    /* cmd_report.c: tcplab report TRANSCRIPT -o FILE.html */
cmd_fn cmd_packetdrill;   /* cmd_packetdrill.c: tcplab packetdrill [OPTIONS] SCRIPT... */

/* cmd_shell.c: `tcplab [options] [SCRIPT]`, the shell itself (no
 * subcommand).  `usage` prints the whole of `tcplab --help` (main.c's,
 * which knows the subcommands). */
int cmd_shell(int argc, char **argv, void (*usage)(FILE *out));
/* The shell's options for --help, one line each, ending in '\n'. */
extern const char cmd_shell_options_help[];

#endif
