/* `tcplab grade LAB T...`: each transcript is first proven genuine (a sim
 * transcript is replayed byte for byte, a tap transcript checked for
 * consistency), and meanwhile its commands and output are fed to LAB's
 * checkpoint matcher, exactly as the live lab feeds it.  A transcript that
 * is not genuine scores zero and says why.  The exit status says whether
 * grading ran, not how the transcripts scored. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lab/guide.h"
#include "lab/match.h"
#include "shell/transcript.h"
#include "util/progress.h"

struct grader {
    const struct lab *lab;
    struct lab_matcher m;
};

/* "lab start NAME" for this lab: the live session starts afresh there. */
static bool starts_this_lab(const struct lab *lab, const char *cmd)
{
    while (*cmd == ' ' || *cmd == '\t')
        cmd++;
    const char *colon = strchr(cmd, ':');
    if (colon) {
        char host[LAB_NAME_LEN];
        size_t n = (size_t)(colon - cmd);
        if (n < sizeof host) {
            memcpy(host, cmd, n);
            host[n] = '\0';
            if (lab_host_index(host) >= 0)
                for (cmd = colon + 1; *cmd == ' '; cmd++)
                    ;
        }
    }
    if (strncmp(cmd, "lab start ", 10) != 0)
        return false;
    const char *name = cmd + 10;
    while (*name == ' ')
        name++;
    size_t n = strcspn(name, " \t");
    const char *slash = memrchr(name, '/', n);
    if (slash) {
        n -= (size_t)(slash + 1 - name);
        name = slash + 1;
    }
    if (n > 4 && strncmp(name + n - 4, ".lab", 4) == 0)
        n -= 4;
    return n == strlen(lab->name) && strncmp(name, lab->name, n) == 0;
}

static void on_command(void *ctx, int host, const char *cmd, size_t line)
{
    struct grader *g = ctx;
    if (starts_this_lab(g->lab, cmd)) {
        lab_matcher_free(&g->m);
        lab_matcher_init(&g->m, g->lab);
    }
    lab_matcher_command(&g->m, host, cmd, line);
}

static void on_output(void *ctx, const char *text, size_t len, size_t line)
{
    struct grader *g = ctx;
    lab_matcher_line(&g->m, text, len, line);
}

static void on_end(void *ctx)
{
    lab_matcher_end(&((struct grader *)ctx)->m);
}

/* ---- output -------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

struct outcome {
    const char *path;
    bool genuine;
    char why[512];              /* not genuine: the first problem */
    char summary[160];          /* genuine: what was checked */
    const char *recorded_lab;   /* the header's lab, "" if none */
};

static void print_text(FILE *out, const struct lab *lab, const struct outcome *o,
                       const struct lab_matcher *m)
{
    int score = o->genuine ? lab_matcher_score(m) : 0;
    int met = o->genuine ? m->nmet : 0;
    fprintf(out, "%s: %d/%d points, %d of %zu checkpoints met", o->path, score, lab->points, met,
            lab->nchecks);
    if (o->genuine)
        fprintf(out, " (%s)\n", o->summary);
    else
        fprintf(out, "; not genuine, scores zero: %s\n", o->why);
    for (size_t i = 0; i < lab->nchecks; i++) {
        const struct lab_check *c = &lab->checks[i];
        bool ok = o->genuine && m->res[i].met;
        char where[32] = "-";
        if (ok)
            snprintf(where, sizeof where, "line %zu", m->res[i].line);
        fprintf(out, "  %-7s %-16s %-10s step %d: %s\n", ok ? "met" : "not met", c->id, where,
                c->step + 1, c->spec);
    }
}

static void print_json(FILE *out, const struct lab *lab, const struct outcome *o,
                       const struct lab_matcher *m, bool first)
{
    fprintf(out, "%s\n    {\"file\": ", first ? "" : ",");
    json_str(out, o->path);
    fprintf(out, ", \"genuine\": %s, ", o->genuine ? "true" : "false");
    if (o->genuine) {
        fputs("\"checked\": ", out);
        json_str(out, o->summary);
        fputs(", \"error\": null", out);
    } else {
        fputs("\"checked\": null, \"error\": ", out);
        json_str(out, o->why);
    }
    fputs(", \"recorded_lab\": ", out);
    if (o->recorded_lab && *o->recorded_lab)
        json_str(out, o->recorded_lab);
    else
        fputs("null", out);
    fprintf(out, ", \"score\": %d, \"max\": %d, \"met\": %d, \"checkpoints\": [",
            o->genuine ? lab_matcher_score(m) : 0, lab->points, o->genuine ? m->nmet : 0);
    for (size_t i = 0; i < lab->nchecks; i++) {
        const struct lab_check *c = &lab->checks[i];
        bool ok = o->genuine && m->res[i].met;
        fprintf(out, "%s\n      {\"id\": ", i ? "," : "");
        json_str(out, c->id);
        fprintf(out, ", \"step\": %d, \"points\": %d, \"check\": ", c->step + 1, c->points);
        json_str(out, c->spec);
        fprintf(out, ", \"met\": %s, \"line\": ", ok ? "true" : "false");
        if (ok)
            fprintf(out, "%zu}", m->res[i].line);
        else
            fputs("null}", out);
    }
    fputs("]}", out);
}

/* ---- one transcript ------------------------------------------------------- */

static void first_problem(const char *path, const char *report, char *why, size_t cap)
{
    size_t plen = strlen(path);
    if (strncmp(report, path, plen) == 0 && strncmp(report + plen, ": ", 2) == 0)
        report += plen + 2;
    size_t n = strcspn(report, "\n");
    snprintf(why, cap, "%.*s", (int)n, report);
    /* a difference: add the two texts, on the same line */
    const char *rec = strstr(report, "\n  recorded: ");
    if (rec) {
        size_t used = strlen(why);
        const char *rep = strstr(rec + 1, "\n  replayed: ");
        size_t rl = strcspn(rec + 13, "\n");
        snprintf(why + used, cap - used, " (recorded: %.*s", (int)rl, rec + 13);
        used = strlen(why);
        if (rep)
            snprintf(why + used, cap - used, "; replayed: %.*s)",
                     (int)strcspn(rep + 13, "\n"), rep + 13);
        else
            snprintf(why + used, cap - used, ")");
    }
}

static void grade_one(const struct lab *lab, const char *path, struct grader *g,
                      struct outcome *o)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    lab_matcher_init(&g->m, lab);
    struct transcript t;
    char err[512];
    if (transcript_load(path, &t, err, sizeof err) < 0) {
        snprintf(o->why, sizeof o->why, "%s", err);
        return;
    }
    static char recorded_lab[64];
    snprintf(recorded_lab, sizeof recorded_lab, "%s", t.lab);
    o->recorded_lab = recorded_lab;
    char *rep = NULL;
    size_t rlen = 0;
    FILE *report = open_memstream(&rep, &rlen);
    if (!report) {
        snprintf(o->why, sizeof o->why, "out of memory");
        transcript_free(&t);
        return;
    }
    struct transcript_hook hook = {on_command, on_output, on_end, g, NULL};
    int rc = transcript_verify(path, &t, report, &hook, o->summary, sizeof o->summary);
    fclose(report);
    if (rc == 0)
        o->genuine = true;
    else
        first_problem(path, rep ? rep : "", o->why, sizeof o->why);
    free(rep);
    transcript_free(&t);
}

static void usage(void)
{
    fprintf(stderr, "usage: tcplab grade [--json] LAB TRANSCRIPT...\n");
}

int cmd_grade(int argc, char **argv)
{
    bool json = false, opts = true;
    const char **pos = calloc((size_t)argc, sizeof *pos);
    int npos = 0;
    if (!pos)
        return 2;
    for (int i = 1; i < argc; i++) {
        if (opts && strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (opts && strcmp(argv[i], "--") == 0) {
            opts = false;
        } else if (opts && argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tcplab grade: unknown option '%s' (--json)\n", argv[i]);
            free(pos);
            return 2;
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (npos < 2) {
        usage();
        free(pos);
        return 2;
    }
    const char *labname = pos[0];
    char err[1024];
    struct lab *lab = lab_load(labname, err, sizeof err);
    if (!lab) {
        char where[1024];
        lab_search_path(where, sizeof where);
        fprintf(stderr, "tcplab grade: %s; looked in %s\n", err, where);
        free(pos);
        return 2;
    }
    if (json) {
        printf("{\"lab\": ");
        json_str(stdout, lab->name);
        printf(", \"title\": ");
        json_str(stdout, lab->title);
        printf(", \"points\": %d, \"checkpoints\": %zu, \"transcripts\": [", lab->points,
               lab->nchecks);
    }
    struct grader g = {.lab = lab};
    struct progress pr;                /* at a terminal: files graded so far */
    progress_begin(&pr, stderr, STDOUT_FILENO);
    for (int i = 1; i < npos; i++) {
        struct outcome o;
        progress_update(&pr, "grade", (uint64_t)(i - 1), (uint64_t)(npos - 1), "files", NULL);
        grade_one(lab, pos[i], &g, &o);
        progress_clear(&pr);           /* the result line goes where it was */
        if (json)
            print_json(stdout, lab, &o, &g.m, i == 1);
        else
            print_text(stdout, lab, &o, &g.m);
        lab_matcher_free(&g.m);
    }
    progress_end(&pr);
    free(pos);
    if (json)
        printf("\n]}\n");
    lab_free(lab);
    return fflush(stdout) == 0 ? 0 : 2;
}
