/* The session of a transcript or a pcap file, for `tcplab draw` and
 * `tcplab report` (src/cmd): a transcript is replayed (sim mode) into a
 * shell whose session log is then taken over; a pcap file is read into a
 * session log of its own (src/draw/pcapin.c). */
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

struct slog *sh_session_load(const char *path, struct report_text *text, struct transcript *tr)
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

