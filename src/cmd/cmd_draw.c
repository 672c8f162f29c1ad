/* `tcplab draw KIND [--sock NAME]... [--all] -o FILE INPUT`: a picture
 * of a session that is not running, from a transcript (replayed) or a
 * pcap file.  (cmd_drawing: the shell's own `draw` command is cmd_draw.) */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "draw/draw.h"
#include "shell/transcript.h"

static void draw_usage(FILE *f)
{
    fprintf(f, "usage: tcplab draw ladder|states|seq|cwnd [--sock NAME]... [--all] -o FILE INPUT\n"
               "  INPUT: a sim-mode transcript (replayed) or a pcap file\n"
               "  FILE:  .svg, .png or .pdf; NAME: a socket's name, or HOST:NAME\n");
}

int cmd_drawing(int argc, char **argv)
{
    static const struct option opts[] = {
        {"sock", required_argument, NULL, 's'}, {"output", required_argument, NULL, 'o'},
        {"all", no_argument, NULL, 'a'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *socks[DRAW_MAX_SOCKS];
    size_t nsock = 0;
    bool all = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:ah", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'a': all = true; break;
        case 's':
            if (nsock == DRAW_MAX_SOCKS) {
                fprintf(stderr, "tcplab draw: at most %d sockets\n", DRAW_MAX_SOCKS);
                return 2;
            }
            socks[nsock++] = optarg;
            break;
        case 'h': draw_usage(stdout); return 0;
        default: draw_usage(stderr); return 2;
        }
    }
    if (optind + 2 != argc || !out) {
        draw_usage(stderr);
        return 2;
    }
    int kind = draw_kind_parse(argv[optind]);
    if (kind < 0) {
        fprintf(stderr, "tcplab draw: no picture '%s' (ladder, states, seq or cwnd)\n", argv[optind]);
        return 2;
    }
    struct transcript tr = {0};
    struct slog *l = sh_session_load(argv[optind + 1], NULL, &tr);
    if (!l)
        return 1;
    struct draw_opts o = {.all = all};
    int rc = 0;
    for (size_t i = 0; i < nsock && rc == 0; i++) {
        o.sock[o.nsock] = slog_sock_lookup(l, socks[i], -1);
        if (!o.sock[o.nsock++]) {
            fprintf(stderr, "tcplab draw: no socket '%s' in %s\n", socks[i], argv[optind + 1]);
            rc = 1;
        }
    }
    char err[512];
    if (rc == 0 && draw_file(out, l, (enum draw_kind)kind, &o, err, sizeof err) < 0) {
        fprintf(stderr, "tcplab draw: %s\n", err);
        rc = 1;
    }
    slog_free(l);
    transcript_free(&tr);
    return rc;
}

