/* `tcplab report TRANSCRIPT -o FILE.html`: the HTML lab notebook of a
 * session (src/draw/report.c), from its transcript, replayed. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "draw/draw.h"
#include "draw/report.h"
#include "shell/transcript.h"

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o') {
            out = optarg;
        } else {
            (c == 'h' ? fprintf(stdout, "usage: tcplab report TRANSCRIPT -o FILE.html\n")
                      : fprintf(stderr, "usage: tcplab report TRANSCRIPT -o FILE.html\n"));
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind + 1 != argc || !out) {
        fprintf(stderr, "usage: tcplab report TRANSCRIPT -o FILE.html\n");
        return 2;
    }
    const char *path = argv[optind];
    struct report_text *text = report_text_new();
    struct transcript tr = {0};
    struct slog *l = text ? sh_session_load(path, text, &tr) : NULL;
    if (!l) {
        report_text_free(text);
        return 1;
    }
    struct report_meta meta = {path, tr.version, tr.mode, tr.seed, tr.lab};
    char err[512];
    int rc = 0;
    if (report_html(out, &meta, text, l, err, sizeof err) < 0) {
        fprintf(stderr, "tcplab report: %s\n", err);
        rc = 1;
    }
    slog_free(l);
    report_text_free(text);
    transcript_free(&tr);
    return rc;
}
