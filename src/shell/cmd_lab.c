/* The session around a shell: everything it printed, kept so that
 * `record FILE` can write a transcript from the start of the session; the
 * transcript being written; and the guided lab, which reads every command's
 * output through the shell's observer.  Also the `record` and `lab`
 * commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab/guide.h"
#include "shell/commands.h"
#include "shell/transcript.h"

struct sh_session {
    struct shell *sh;
    bool replaying;             /* record writes nothing; lab works */
    FILE *term;                 /* where the shell printed before the session */
    FILE *sink;                 /* sh->out: the terminal, the history, the transcript */
    FILE *echo;                 /* sh->record: typed lines, for history and transcript */
    bool esc_sink, esc_echo;    /* inside an ANSI escape sequence */
    char *hist;                 /* all output so far, without colour */
    size_t hlen, hcap;
    char *rec_path;             /* recording to this file */
    FILE *rec;
    bool rec_failed;            /* a write to the transcript failed */
    bool stop_after;            /* `record stop`: once its output is written */
    struct lab_guide *guide;
};

/* ---- the output streams ------------------------------------------------ */

static void keep(struct sh_session *s, bool *esc, const char *buf, size_t n)
{
    if (s->hlen + n > s->hcap) {
        size_t cap = s->hcap ? s->hcap : 65536;
        while (cap < s->hlen + n)
            cap *= 2;
        char *nh = realloc(s->hist, cap);
        if (!nh)
            return;
        s->hist = nh;
        s->hcap = cap;
    }
    size_t from = s->hlen;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (*esc) {
            if (c >= '@' && c <= '~' && c != '[')
                *esc = false;
            continue;
        }
        if (c == '\033') {
            *esc = true;
            continue;
        }
        s->hist[s->hlen++] = c;
    }
    if (s->rec && s->hlen > from &&
        fwrite(s->hist + from, 1, s->hlen - from, s->rec) != s->hlen - from)
        s->rec_failed = true;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    struct sh_session *s = cookie;
    fwrite(buf, 1, n, s->term);
    if (memchr(buf, '\n', n))
        fflush(s->term);
    keep(s, &s->esc_sink, buf, n);
    return (ssize_t)n;
}

static ssize_t echo_write(void *cookie, const char *buf, size_t n)
{
    struct sh_session *s = cookie;
    keep(s, &s->esc_echo, buf, n);
    return (ssize_t)n;
}

static FILE *open_stream(struct sh_session *s, ssize_t (*w)(void *, const char *, size_t))
{
    cookie_io_functions_t io = {.write = w};
    FILE *f = fopencookie(s, "w", io);
    if (f)
        setvbuf(f, NULL, _IONBF, 0);
    return f;
}

/* ---- recording --------------------------------------------------------- */

static int record_close(struct sh_session *s)
{
    int rc = 0;
    if (s->rec) {
        if (fclose(s->rec) != 0 || s->rec_failed) {
            fprintf(stderr, "tcplab: writing transcript '%s': %s\n", s->rec_path,
                    strerror(errno ? errno : EIO));
            rc = -1;
        }
        s->rec = NULL;
    }
    free(s->rec_path);
    s->rec_path = NULL;
    s->rec_failed = false;
    s->stop_after = false;
    return rc;
}

/* Start a transcript in f: the header, then the session so far. */
static void record_begin(struct sh_session *s, const char *path, FILE *f)
{
    s->rec_path = strdup(path);
    if (!f)
        return;
    struct shell *sh = s->sh;
    transcript_write_header(f, sh->w->mode, sh->seed, s->guide ? s->guide->lab->name : NULL);
    if (s->hlen && fwrite(s->hist, 1, s->hlen, f) != s->hlen)
        s->rec_failed = true;
    s->rec = f;
}

int cmd_record(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    struct sh_session *s = sh->session;
    const struct sh_cmd *c = sh_cmd_find("record");
    if (!s) {
        sh_error(sh, "record: not available here");
        return -1;
    }
    if (cl->argc == 1) {
        if (s->rec_path)
            fprintf(sh->out, "recording to %s\n", s->rec_path);
        else
            fprintf(sh->out, "not recording (record FILE starts)\n");
        return 0;
    }
    const char *arg = cl->argv[1].s;
    if (strcmp(arg, "stop") == 0 && !cl->argv[1].quoted) {
        if (!s->rec_path) {
            sh_usage_error(sh, c, "record stop: not recording");
            return -1;
        }
        fprintf(sh->out, "recording to %s stopped\n", s->rec_path);
        s->stop_after = true;       /* the line above goes into the transcript first */
        return 0;
    }
    if (s->rec_path) {
        sh_usage_error(sh, c, "record: already recording to %s (record stop first)",
                       s->rec_path);
        return -1;
    }
    if (!*arg) {
        sh_usage_error(sh, c, "record: the file name is empty");
        return -1;
    }
    FILE *f = NULL;
    if (!s->replaying && !(f = fopen(arg, "w"))) {
        sh_error(sh, "record: cannot write '%s': %s", arg, strerror(errno));
        return -1;
    }
    record_begin(s, arg, f);
    fprintf(sh->out, "recording to %s (the session from its start; record stop ends it)\n", arg);
    return 0;
}

/* ---- the lab ------------------------------------------------------------ */

static void observe(void *ctx, int host, const char *line, const char *text, size_t len)
{
    struct sh_session *s = ctx;
    if (s->guide)
        lab_guide_feed(s->guide, host, line, text, len, s->sh->out);
    if (s->stop_after)
        record_close(s);
}

static int lab_start(struct shell *sh, const char *name)
{
    struct sh_session *s = sh->session;
    char err[1024];
    struct lab *lab = lab_load(name, err, sizeof err);
    if (!lab) {
        sh_error(sh, "lab start: %s", err);
        return -1;
    }
    struct lab_guide *g = lab_guide_new(lab);
    if (!g) {
        lab_free(lab);
        sh_error(sh, "out of memory");
        return -1;
    }
    if (s->guide)
        fprintf(sh->out, LAB_PREFIX " Leaving lab %s.\n", s->guide->lab->name);
    lab_guide_free(s->guide);
    s->guide = g;
    lab_guide_intro(g, sh->out);
    return 0;
}

static void lab_list_all(struct shell *sh)
{
    struct lab_entry *v;
    size_t n = lab_list(&v);
    if (n == 0)
        fprintf(sh->out, LAB_PREFIX " No labs found (TCPLAB_LABS names the lab folders).\n");
    for (size_t i = 0; i < n; i++)
        fprintf(sh->out, LAB_PREFIX " %-16s %s\n", v[i].name, v[i].title);
    free(v);
}

int cmd_lab(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    struct sh_session *s = sh->session;
    const struct sh_cmd *c = sh_cmd_find("lab");
    if (!s) {
        sh_error(sh, "lab: not available here");
        return -1;
    }
    const char *sub = cl->argc > 1 ? cl->argv[1].s : "status";
    const char *arg = cl->argc > 2 ? cl->argv[2].s : NULL;
    if (strcmp(sub, "list") == 0 && !arg) {
        lab_list_all(sh);
        return 0;
    }
    if (strcmp(sub, "start") == 0) {
        if (!arg) {
            sh_usage_error(sh, c, "lab start: which lab? (lab list shows them)");
            return -1;
        }
        return lab_start(sh, arg);
    }
    bool known = strcmp(sub, "status") == 0 || strcmp(sub, "next") == 0 ||
                 strcmp(sub, "step") == 0 || strcmp(sub, "questions") == 0 ||
                 strcmp(sub, "stop") == 0;
    if (!known || (arg && strcmp(sub, "step") != 0)) {
        sh_usage_error(sh, c, "lab: '%s%s%s' is not a lab command", sub, arg ? " " : "",
                       arg ? arg : "");
        return -1;
    }
    struct lab_guide *g = s->guide;
    if (!g) {
        fprintf(sh->out, LAB_PREFIX " No lab is running: lab list shows the labs, "
                         "lab start NAME starts one.\n");
        return 0;
    }
    if (strcmp(sub, "status") == 0) {
        lab_guide_status(g, sh->out);
    } else if (strcmp(sub, "next") == 0) {
        lab_guide_next(g, sh->out);
    } else if (strcmp(sub, "questions") == 0) {
        lab_guide_questions(g, sh->out);
    } else if (strcmp(sub, "stop") == 0) {
        fprintf(sh->out, LAB_PREFIX " Leaving lab %s.\n", g->lab->name);
        lab_guide_free(g);
        s->guide = NULL;
    } else {
        long k = g->step + 1;
        char *end = NULL;
        if (arg)
            k = strtol(arg, &end, 10);
        if (arg && (*end || k < 1 || (size_t)k > g->lab->nsteps)) {
            sh_usage_error(sh, c, "lab step: '%s' is not a step (1 to %zu)", arg,
                           g->lab->nsteps);
            return -1;
        }
        g->step = (int)k - 1;
        lab_guide_step(g, g->step, sh->out);
    }
    return 0;
}

/* ---- the session -------------------------------------------------------- */

static struct sh_session *attach(struct shell *sh, bool replaying)
{
    struct sh_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->sh = sh;
    s->replaying = replaying;
    if (!replaying) {
        s->term = sh->out;
        s->sink = open_stream(s, sink_write);
        s->echo = open_stream(s, echo_write);
        if (!s->sink || !s->echo) {
            if (s->sink)
                fclose(s->sink);
            if (s->echo)
                fclose(s->echo);
            free(s);
            return NULL;
        }
        sh->out = s->sink;
        sh->record = s->echo;
    }
    sh->session = s;
    sh->observer = observe;
    sh->observer_ctx = s;
    return s;
}

int sh_session_replay(struct shell *sh)
{
    return attach(sh, true) ? 0 : -1;
}

bool sh_replaying(const struct shell *sh)
{
    return sh->session && sh->session->replaying;
}

int sh_session_begin(struct shell *sh, const char *record, const char *lab)
{
    FILE *f = NULL;
    if (lab) {
        char err[1024];
        struct lab *probe = lab_load(lab, err, sizeof err);
        if (!probe) {
            char where[1024];
            lab_search_path(where, sizeof where);
            fprintf(stderr, "tcplab: %s; looked in %s\n", err, where);
            return -1;
        }
        lab_free(probe);
    }
    if (record && !(f = fopen(record, "w"))) {
        fprintf(stderr, "tcplab: cannot write transcript '%s': %s\n", record, strerror(errno));
        return -1;
    }
    struct sh_session *s = attach(sh, false);
    if (!s) {
        fprintf(stderr, "tcplab: out of memory\n");
        if (f)
            fclose(f);
        return -1;
    }
    if (lab) {
        /* As if typed: the transcript shows it, and replay runs it. */
        char line[LAB_LINE_MAX], prompt[64];
        snprintf(line, sizeof line, "lab start %s", lab);
        fprintf(sh->out, "%s%s\n", shell_prompt(sh, prompt, sizeof prompt), line);
        shell_line(sh, line);
    }
    if (f)
        record_begin(s, record, f);
    return 0;
}

int sh_session_end(struct shell *sh)
{
    struct sh_session *s = sh->session;
    if (!s)
        return 0;
    if (s->sink)
        fflush(s->sink);
    int rc = record_close(s);
    if (!s->replaying) {
        sh->out = s->term;
        sh->record = NULL;
        fclose(s->sink);
        fclose(s->echo);
    }
    if (sh->observer == observe) {
        sh->observer = NULL;
        sh->observer_ctx = NULL;
    }
    lab_guide_free(s->guide);
    free(s->hist);
    free(s);
    sh->session = NULL;
    return rc;
}
