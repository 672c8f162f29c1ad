/* Transcripts (design.md "Transcripts"): writing them, reading them back,
 * replaying them, and the shell's recording and guided lab (cmd_lab.c). */
#ifndef TCPLAB_TRANSCRIPT_H
#define TCPLAB_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct shell;

/* "# tcplab transcript", version, mode, seed, lab ("-" if none), date. */
void transcript_write_header(FILE *f, const char *mode, uint64_t seed, const char *lab);

/* A transcript file read into lines, its header checked. */
struct transcript {
    char **line;                /* without their newlines */
    size_t n;
    size_t body;                /* index of the first line after the header */
    char mode[16];              /* "sim" or "tap" */
    uint64_t seed;
    char version[32];
    char lab[64];               /* "" if none */
};
/* 0, or -1 with one line (no path) in err: "cannot open: ...", "empty file",
 * "line 3: ...". */
int transcript_load(const char *path, struct transcript *t, char *err, size_t cap);
void transcript_free(struct transcript *t);
/* "romeo> COMMAND": the host index and the command, or -1. */
int transcript_prompt(const char *line, const char **cmd);

/* What a check of a transcript sees, command by command (a grader). */
struct transcript_hook {
    void (*command)(void *ctx, int host, const char *cmd, size_t line);   /* line: 1-based */
    void (*output)(void *ctx, const char *text, size_t len, size_t line);
    void (*end)(void *ctx);     /* the command's output is complete */
    void *ctx;
    /* sim: the replayed shell, before it is freed (the pictures draw from
     * its session log); NULL if not wanted. */
    void (*shell_done)(void *ctx, struct shell *sh);
};
/* Is the transcript genuine?  sim: replayed, byte for byte; tap: its
 * segments and transitions consistent.  Returns 0 if so; else 1, and the
 * first problem goes to `report`, its first line "PATH: line N: ...".
 * On success `summary` (if not NULL) says what was checked. */
int transcript_verify(const char *path, const struct transcript *t, FILE *report,
                      const struct transcript_hook *hook, char *summary, size_t cap);
/* Verify one file and report ("ok", or the difference).  0 if genuine. */
int transcript_replay(const char *path, FILE *report, bool quiet);

/* cmd_lab.c: the session around a shell: output kept for `record`, the
 * transcript being written, the guided lab.  begin: before the first
 * command (record: --record FILE, lab: --lab NAME, either may be NULL);
 * prints a one-line error to stderr and returns -1 on failure.
 * end: after the last; returns -1 if the transcript could not be written. */
int sh_session_begin(struct shell *sh, const char *record, const char *lab);
int sh_session_end(struct shell *sh);
/* For a replay: `lab` works, `record` writes nothing. */
int sh_session_replay(struct shell *sh);
/* Is this shell replaying a transcript?  (`draw FILE` writes nothing then.) */
bool sh_replaying(const struct shell *sh);

/* session_load.c: the session log of a transcript (replayed; its
 * commands and output go to `text` if not NULL) or of a pcap file, for
 * `tcplab draw` and `tcplab report`; NULL after one line on stderr. */
struct slog;
struct report_text;
struct slog *sh_session_load(const char *path, struct report_text *text, struct transcript *tr);

#endif
