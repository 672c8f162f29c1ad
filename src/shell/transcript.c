/* Transcripts: a header, then every command after its prompt, then its
 * output.  `tcplab replay` re-runs a sim-mode transcript command by
 * command and compares what it prints with what was recorded, byte for
 * byte; a tap-mode transcript, which cannot be re-run, is checked for
 * consistency instead (lab/tapcheck.c). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/match.h"
#include "lab/tapcheck.h"
#include "link/sim.h"
#include "shell/commands.h"
#include "shell/transcript.h"

void transcript_write_header(FILE *f, const char *mode, uint64_t seed, const char *lab)
{
    char date[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "# tcplab transcript\n# version: %s\n# mode: %s\n# seed: %llu\n# lab: %s\n"
               "# date: %s\n",
            TCPLAB_VERSION, mode && *mode ? mode : "sim", (unsigned long long)seed,
            lab && *lab ? lab : "-", date);
}

/* ---- reading a transcript --------------------------------------------- */

static int header_error(struct transcript *t, char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int header_error(struct transcript *t, char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    transcript_free(t);
    return -1;
}

static int read_lines(const char *path, struct transcript *t, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "cannot open: %s", strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0, vcap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &lcap, f)) >= 0) {
        if (memchr(line, '\0', (size_t)n)) {
            snprintf(err, cap, "line %zu: not a text file (a NUL byte)", t->n + 1);
            rc = -1;
            break;
        }
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (t->n == vcap) {
            vcap = vcap ? vcap * 2 : 256;
            char **nv = realloc(t->line, vcap * sizeof *nv);
            if (!nv) {
                snprintf(err, cap, "out of memory");
                rc = -1;
                break;
            }
            t->line = nv;
        }
        if (!(t->line[t->n] = strdup(line))) {
            snprintf(err, cap, "out of memory");
            rc = -1;
            break;
        }
        t->n++;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, cap, "cannot read: %s", strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

int transcript_load(const char *path, struct transcript *t, char *err, size_t cap)
{
    memset(t, 0, sizeof *t);
    if (read_lines(path, t, err, cap) < 0) {
        transcript_free(t);
        return -1;
    }
    if (t->n == 0)
        return header_error(t, err, cap, "empty file (not a tcplab transcript)");
    if (strcmp(t->line[0], "# tcplab transcript") != 0)
        return header_error(t, err, cap, "line 1: not a tcplab transcript (it begins with "
                                         "'# tcplab transcript')");
    bool have_seed = false;
    size_t i;
    for (i = 1; i < t->n && strncmp(t->line[i], "# ", 2) == 0; i++) {
        const char *h = t->line[i] + 2, *colon = strstr(h, ": ");
        if (!colon || colon == h)
            return header_error(t, err, cap, "line %zu: malformed header line (expected "
                                             "'# KEY: VALUE')", i + 1);
        const char *v = colon + 2;
        size_t k = (size_t)(colon - h);
        if (k == 4 && strncmp(h, "seed", 4) == 0) {
            char *end;
            errno = 0;
            t->seed = strtoull(v, &end, 10);
            if (!isdigit((unsigned char)*v) || *end || errno)
                return header_error(t, err, cap, "line %zu: seed '%s' is not a number", i + 1, v);
            have_seed = true;
        } else if (k == 4 && strncmp(h, "mode", 4) == 0) {
            if (strcmp(v, "sim") != 0 && strcmp(v, "tap") != 0)
                return header_error(t, err, cap, "line %zu: mode '%s' is neither sim nor tap",
                                    i + 1, v);
            snprintf(t->mode, sizeof t->mode, "%s", v);
        } else if (k == 7 && strncmp(h, "version", 7) == 0) {
            snprintf(t->version, sizeof t->version, "%s", v);
        } else if (k == 3 && strncmp(h, "lab", 3) == 0) {
            snprintf(t->lab, sizeof t->lab, "%s", strcmp(v, "-") == 0 ? "" : v);
        }
    }
    t->body = i;
    if (!t->mode[0])
        return header_error(t, err, cap, "line %zu: the header has no '# mode: sim|tap' line",
                            i + 1);
    if (!have_seed && strcmp(t->mode, "sim") == 0)
        return header_error(t, err, cap, "line %zu: the header has no '# seed: N' line", i + 1);
    return 0;
}

void transcript_free(struct transcript *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->line[i]);
    free(t->line);
    t->line = NULL;
    t->n = 0;
}

int transcript_prompt(const char *line, const char **cmd)
{
    for (int h = 0; h < LAB_HOSTS; h++) {
        const char *name = lab_host_name(h);
        size_t n = strlen(name);
        if (strncmp(line, name, n) == 0 && line[n] == '>' && line[n + 1] == ' ') {
            *cmd = line + n + 2;
            return h;
        }
    }
    return -1;
}

/* ---- replay (sim) ------------------------------------------------------- */

/* A script's last lines when calls were still waiting (repl.c prints them
 * after the last command): true if lines[i..n) are exactly those. */
static bool unfinished_tail(struct shell *sh, const struct transcript *t, size_t i)
{
    for (int j = 0; j < sh->njobs; j++) {
        if (!sh_job_live(sh->jobs[j]))
            continue;
        char want[256];
        sh_unfinished_text(sh, sh->jobs[j], want, sizeof want);
        if (i >= t->n || strcmp(t->line[i], want) != 0)
            return false;
        i++;
    }
    return i == t->n;
}

static int replay_sim(const char *path, const struct transcript *t, FILE *report,
                      const struct transcript_hook *hook, size_t *ncommands)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *mem = open_memstream(&buf, &blen);
    struct simnet *net = mem ? simnet_new(t->seed) : NULL;
    struct shell *sh = net ? shell_new(&net->w, mem, false) : NULL;
    if (!sh || sh_session_replay(sh) < 0) {
        fprintf(report, "%s: out of memory\n", path);
        shell_free(sh);
        if (mem)
            fclose(mem);
        free(buf);
        return 1;
    }
    int rc = 0;
    size_t i = t->body, commands = 0;
    while (i < t->n && !sh->quit) {
        const char *cmd = "";
        int host = transcript_prompt(t->line[i], &cmd);
        if (host != sh->cur) {
            if (host < 0 && unfinished_tail(sh, t, i)) {
                i = t->n;
                break;
            }
            char pr[64];
            fprintf(report, "%s: line %zu: expected a command after '%s'\n  recorded: %s\n",
                    path, i + 1, shell_prompt(sh, pr, sizeof pr), t->line[i]);
            rc = 1;
            break;
        }
        size_t cmd_line = i++;
        if (hook)
            hook->command(hook->ctx, lab_command_host(host, cmd), cmd, cmd_line + 1);
        fflush(mem);
        size_t start = blen;
        shell_line(sh, cmd);
        commands++;
        fflush(mem);
        /* Compare the new output, line by line, with what follows. */
        const char *p = buf + start;
        const char *end = buf + blen;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (i >= t->n || strlen(t->line[i]) != n || memcmp(t->line[i], p, n) != 0) {
                fprintf(report,
                        "%s: line %zu: output of '%s' (line %zu) differs\n  recorded: %s\n"
                        "  replayed: %.*s\n",
                        path, i + 1, cmd, cmd_line + 1,
                        i < t->n ? t->line[i] : "(end of transcript)", (int)n, p);
                rc = 1;
                goto done;
            }
            if (hook)
                hook->output(hook->ctx, t->line[i], n, i + 1);
            i++;
            p += n + (nl ? 1 : 0);
        }
        if (hook)
            hook->end(hook->ctx);
    }
    if (rc == 0 && i < t->n && sh->quit) {
        fprintf(report, "%s: line %zu: text after quit\n  recorded: %s\n", path, i + 1,
                t->line[i]);
        rc = 1;
    }
done:
    *ncommands = commands;
    if (rc == 0 && hook && hook->shell_done)
        hook->shell_done(hook->ctx, sh);
    sh_session_end(sh);
    shell_free(sh);
    fclose(mem);
    free(buf);
    return rc;
}

/* ---- tap: the text alone ------------------------------------------------ */

static void scan_text(const struct transcript *t, const struct transcript_hook *hook,
                      size_t *ncommands)
{
    bool open = false;
    for (size_t i = t->body; i < t->n; i++) {
        const char *cmd;
        int host = transcript_prompt(t->line[i], &cmd);
        if (host >= 0) {
            if (open)
                hook->end(hook->ctx);
            hook->command(hook->ctx, lab_command_host(host, cmd), cmd, i + 1);
            open = true;
            (*ncommands)++;
        } else if (open) {
            hook->output(hook->ctx, t->line[i], strlen(t->line[i]), i + 1);
        }
    }
    if (open)
        hook->end(hook->ctx);
}

int transcript_verify(const char *path, const struct transcript *t, FILE *report,
                      const struct transcript_hook *hook, char *summary, size_t cap)
{
    size_t commands = 0;
    if (strcmp(t->mode, "sim") == 0) {
        if (replay_sim(path, t, report, hook, &commands) != 0)
            return 1;
        if (summary)
            snprintf(summary, cap, "%zu commands replayed, output identical", commands);
        return 0;
    }
    char why[256];
    struct tap_check_stats st;
    size_t bad = tap_check(t->line, t->n, t->body, &st, why, sizeof why);
    if (bad) {
        fprintf(report, "%s: line %zu: %s\n  recorded: %s\n", path, bad, why, t->line[bad - 1]);
        return 1;
    }
    if (hook)
        scan_text(t, hook, &commands);
    if (summary)
        snprintf(summary, cap, "tap transcript, not replayed: %zu segments and %zu state "
                               "changes consistent", st.segments, st.transitions);
    return 0;
}

int transcript_replay(const char *path, FILE *report, bool quiet)
{
    struct transcript t;
    char err[512], summary[160];
    if (transcript_load(path, &t, err, sizeof err) < 0) {
        fprintf(report, "%s: %s\n", path, err);
        return 1;
    }
    int rc = transcript_verify(path, &t, report, NULL, summary, sizeof summary);
    if (rc == 0 && !quiet)
        fprintf(report, "%s: ok (%s)\n", path, summary);
    transcript_free(&t);
    return rc;
}
