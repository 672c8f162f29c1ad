/* `tcplab draw` and `tcplab report`: the pictures of a session that is not
 * running.  A transcript is replayed (sim mode) into a shell whose session
 * log is then drawn; a pcap file is read into a session log of its own,
 * frames only (src/draw/pcapin.c). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "draw/draw.h"
#include "draw/report.h"
#include "link/faults.h"
#include "shell/shell.h"
#include "shell/transcript.h"

/* The replayed shell's log is taken over before the shell is freed. */
struct take {
    struct slog *log;
    struct report_text *text;  /* report: the commands and their output */
};

static void take_log(void *ctx, struct shell *sh)
{
    struct take *t = ctx;
    sh_slog_sync(sh);
    t->log = sh->slog;
    sh->slog = slog_new();             /* the shell frees this one */
    if (sh->w->faults)
        sh->w->faults->on_fate = NULL;
}

static void on_command(void *ctx, int host, const char *cmd, size_t line)
{
    struct take *t = ctx;
    if (t->text)
        report_text_command(t->text, host, cmd);
}

static void on_output(void *ctx, const char *text, size_t len, size_t line)
{
    struct take *t = ctx;
    if (t->text)
        report_text_output(t->text, text, len);
}

static void on_end(void *ctx) {}

/* A session log from a transcript (replayed) or a pcap file; NULL after a
 * one-line message on stderr. */
static struct slog *load_input(const char *path, struct report_text *text, struct transcript *tr)
{
    char err[512];
    if (pcap_is_file(path)) {
        if (text) {
            fprintf(stderr, "tcplab: '%s' is a pcap file; a report needs a transcript\n", path);
            return NULL;
        }
        struct slog *l = pcap_session(path, err, sizeof err);
        if (!l)
            fprintf(stderr, "tcplab: %s\n", err);
        return l;
    }
    if (transcript_load(path, tr, err, sizeof err) < 0) {
        fprintf(stderr, "tcplab: %s: %s\n", path, err);
        return NULL;
    }
    if (strcmp(tr->mode, "sim") != 0) {
        fprintf(stderr, "tcplab: %s: a %s-mode transcript cannot be replayed; draw the pcap "
                        "of that session instead (tcplab -w FILE)\n", path, tr->mode);
        transcript_free(tr);
        return NULL;
    }
    struct take t = {NULL, text};
    struct transcript_hook hook = {on_command, on_output, on_end, &t, take_log};
    char *msg = NULL;
    size_t mlen = 0;
    FILE *m = open_memstream(&msg, &mlen);
    int rc = m ? transcript_verify(path, tr, m, &hook, NULL, 0) : 1;
    if (m)
        fclose(m);
    if (rc != 0 || !t.log) {
        char *nl = msg ? strchr(msg, '\n') : NULL;
        if (nl)
            *nl = '\0';
        fprintf(stderr, "tcplab: %s does not replay, so it cannot be drawn: %s\n", path,
                msg && *msg ? msg : "out of memory");
        free(msg);
        slog_free(t.log);
        transcript_free(tr);
        return NULL;
    }
    free(msg);
    return t.log;
}

static void draw_usage(FILE *f)
{
    fprintf(f, "usage: tcplab draw ladder|states|seq|cwnd [--sock NAME]... [--all] -o FILE INPUT\n"
               "  INPUT: a sim-mode transcript (replayed) or a pcap file\n"
               "  FILE:  .svg, .png or .pdf; NAME: a socket's name, or HOST:NAME\n");
}

int draw_main(int argc, char **argv)
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
    struct slog *l = load_input(argv[optind + 1], NULL, &tr);
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

int report_main(int argc, char **argv)
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
    struct slog *l = text ? load_input(path, text, &tr) : NULL;
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
