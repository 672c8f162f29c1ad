/* The guided lab as the student sees it: steps printed with their text,
 * the commands to try, the checkpoints ([ ] or [x]) and the report
 * questions; after each command, the checkpoints it met. */
#include <stdlib.h>
#include <string.h>

#include "lab/guide.h"

struct lab_guide *lab_guide_new(struct lab *lab)
{
    struct lab_guide *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->lab = lab;
    lab_matcher_init(&g->m, lab);
    if (!g->m.res) {
        free(g);
        return NULL;
    }
    return g;
}

void lab_guide_free(struct lab_guide *g)
{
    if (!g)
        return;
    lab_matcher_free(&g->m);
    lab_free(g->lab);
    free(g);
}

/* "[lab] TEXT", one per line of text; an empty line is "[lab]" alone. */
static void say(FILE *out, const char *indent, const char *text)
{
    const char *p = text;
    do {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n || *indent)
            fprintf(out, LAB_PREFIX " %s%.*s\n", indent, (int)n, p);
        else
            fputs(LAB_PREFIX "\n", out);
        p = nl ? nl + 1 : NULL;
    } while (p);
}

/* "[lab] Q1.2: first line", the next lines under the first. */
static void say_labeled(FILE *out, const char *label, const char *text)
{
    size_t w = strlen(label);
    const char *p = text;
    for (bool first = true; p; first = false) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p;
        if (!first)
            while (n && (*q == ' ' || *q == '\t'))
                q++, n--;
        fprintf(out, LAB_PREFIX " %*s%.*s\n", (int)w, first ? label : "", (int)n, q);
        p = nl ? nl + 1 : NULL;
    }
}

static const char *skip_words(const char *s, int n)
{
    while (n-- > 0) {
        s += strspn(s, " \t");
        s += strcspn(s, " \t");
    }
    return s + strspn(s, " \t");
}

void lab_check_describe(const struct lab_check *c, char *buf, size_t cap)
{
    const char *h = lab_host_name(c->host), *to = lab_host_name(c->to);
    switch (c->kind) {
    case LAB_CK_STATE:
        if (c->sock[0])
            snprintf(buf, cap, "%s: %s reaches %s", h, c->sock, c->state);
        else
            snprintf(buf, cap, "%s: a socket reaches %s", h, c->state);
        return;
    case LAB_CK_SEGMENT: {
        char flags[24] = "", len[40] = "", port[40] = "";
        const char *sp = strstr(c->spec, "flags ");
        if (c->flags_given && sp) {
            sp += 6;
            size_t n = strcspn(sp, " ");
            snprintf(flags, sizeof flags, " [%.*s]", (int)n, sp + (*sp == '+'));
        }
        if (c->length == LAB_LEN_DATA)
            snprintf(len, sizeof len, " carrying data");
        else if (c->length >= 0)
            snprintf(len, sizeof len, " of length %ld", c->length);
        if (c->port >= 0)
            snprintf(port, sizeof port, ", port %ld", c->port);
        snprintf(buf, cap, "a TCP segment %s > %s%s%s%s%s", h, to,
                 c->flags_given ? (c->flags_atleast ? " with flags at least" : " with flags")
                                : "",
                 flags, len, port);
        return;
    }
    case LAB_CK_FRAME:
        snprintf(buf, cap, "a frame %s > %s showing \"%s\"", h, to, c->text);
        return;
    case LAB_CK_BYTES:
        snprintf(buf, cap, "%s: recv returns %llu bytes in all", h,
                 (unsigned long long)c->bytes);
        return;
    case LAB_CK_EOF:
        snprintf(buf, cap, "%s: recv reports the end of the stream (b'')", h);
        return;
    case LAB_CK_ERROR:
        if (c->errclass[0])
            snprintf(buf, cap, "%s: a call fails with %s", h, c->errclass);
        else
            snprintf(buf, cap, "%s: a call fails with [Errno %d] %s", h, c->err,
                     strerror(c->err));
        return;
    case LAB_CK_TCB:
        snprintf(buf, cap, "the TCB %s prints shows %s", h, skip_words(c->spec, 2));
        return;
    case LAB_CK_OUTPUT:
        snprintf(buf, cap, "%s prints \"%s\"", h, c->text);
        return;
    case LAB_CK_COMMAND:
        snprintf(buf, cap, "a command on %s contains \"%s\"", h, c->text);
        return;
    case LAB_CK__N:
        break;
    }
    snprintf(buf, cap, "%s", c->spec);
}

static void check_line(const struct lab_guide *g, size_t i, const char *indent, FILE *out)
{
    const struct lab_check *c = &g->lab->checks[i];
    char d[LAB_LINE_MAX], pts[24] = "";
    lab_check_describe(c, d, sizeof d);
    if (c->points != 1)
        snprintf(pts, sizeof pts, " (%d points)", c->points);
    fprintf(out, LAB_PREFIX " %s[%c] %s%s: %s\n", indent, g->m.res[i].met ? 'x' : ' ', c->id,
            pts, d);
}

void lab_guide_step(const struct lab_guide *g, int k, FILE *out)
{
    const struct lab *lab = g->lab;
    const struct lab_step *s = &lab->steps[k];
    fprintf(out, LAB_PREFIX " Step %d of %zu: %s\n", k + 1, lab->nsteps, s->title);
    int q = 0;
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lab_item *it = &s->items[i];
        char label[64];
        switch (it->kind) {
        case LAB_TEXT:
            say(out, "", it->text);
            break;
        case LAB_TRY:
            fprintf(out, LAB_PREFIX "     try: %s\n", it->text);
            break;
        case LAB_CHECK:
            check_line(g, (size_t)it->check, "  ", out);
            break;
        case LAB_QUESTION:
            snprintf(label, sizeof label, "  Q%d.%d: ", k + 1, ++q);
            say_labeled(out, label, it->text);
            break;
        }
    }
}

void lab_guide_intro(const struct lab_guide *g, FILE *out)
{
    const struct lab *lab = g->lab;
    fprintf(out, LAB_PREFIX " Lab %s: %s\n", lab->name, lab->title);
    for (size_t i = 0; i < lab->nintro; i++)
        say(out, "", lab->intro[i].text);
    fprintf(out, LAB_PREFIX " %zu step%s, %zu checkpoint%s (%d point%s).  lab status shows "
                 "your progress, lab next the next step.\n",
            lab->nsteps, lab->nsteps == 1 ? "" : "s", lab->nchecks,
            lab->nchecks == 1 ? "" : "s", lab->points, lab->points == 1 ? "" : "s");
    fputs(LAB_PREFIX "\n", out);
    lab_guide_step(g, g->step, out);
}

int lab_guide_next(struct lab_guide *g, FILE *out)
{
    if ((size_t)g->step + 1 >= g->lab->nsteps) {
        fprintf(out, LAB_PREFIX " Step %d was the last one.  lab status shows your progress, "
                     "lab questions the report questions.\n", g->step + 1);
        return -1;
    }
    g->step++;
    lab_guide_step(g, g->step, out);
    return 0;
}

void lab_guide_status(const struct lab_guide *g, FILE *out)
{
    const struct lab *lab = g->lab;
    fprintf(out, LAB_PREFIX " Lab %s: %s\n", lab->name, lab->title);
    fprintf(out, LAB_PREFIX " At step %d of %zu; %d of %zu checkpoints met, %d of %d points.\n",
            g->step + 1, lab->nsteps, g->m.nmet, lab->nchecks, lab_matcher_score(&g->m),
            lab->points);
    for (size_t k = 0; k < lab->nsteps; k++) {
        fprintf(out, LAB_PREFIX " %s Step %zu: %s\n", (int)k == g->step ? ">" : " ", k + 1,
                lab->steps[k].title);
        for (size_t i = 0; i < lab->nchecks; i++)
            if (lab->checks[i].step == (int)k)
                check_line(g, i, "    ", out);
    }
}

void lab_guide_questions(const struct lab_guide *g, FILE *out)
{
    const struct lab *lab = g->lab;
    fprintf(out, LAB_PREFIX " Report questions of lab %s:\n", lab->name);
    for (size_t k = 0; k < lab->nsteps; k++) {
        int q = 0;
        for (size_t i = 0; i < lab->steps[k].nitems; i++) {
            const struct lab_item *it = &lab->steps[k].items[i];
            if (it->kind != LAB_QUESTION)
                continue;
            char label[64];
            snprintf(label, sizeof label, "Q%zu.%d: ", k + 1, ++q);
            say_labeled(out, label, it->text);
        }
    }
}

void lab_guide_feed(struct lab_guide *g, int host, const char *cmd, const char *text,
                    size_t len, FILE *out)
{
    const struct lab *lab = g->lab;
    bool *before = calloc(lab->nchecks ? lab->nchecks : 1, sizeof *before);
    if (!before)
        return;
    for (size_t i = 0; i < lab->nchecks; i++)
        before[i] = g->m.res[i].met;
    lab_matcher_command(&g->m, host, cmd, ++g->lines);
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lab_matcher_line(&g->m, p, n, ++g->lines);
        p += n + 1;
    }
    lab_matcher_end(&g->m);
    bool step_news = false, any_new = false;
    int count = 0;
    for (size_t i = 0; i < lab->nchecks; i++)
        count += before[i];
    for (size_t i = 0; i < lab->nchecks; i++) {
        if (before[i] || !g->m.res[i].met)
            continue;
        const struct lab_check *c = &lab->checks[i];
        char d[LAB_LINE_MAX], where[32] = "";
        lab_check_describe(c, d, sizeof d);
        if (c->step != g->step)
            snprintf(where, sizeof where, " (step %d)", c->step + 1);
        fprintf(out, LAB_PREFIX " [x] %s%s: %s  (%d of %zu)\n", c->id, where, d, ++count,
                lab->nchecks);
        step_news |= c->step == g->step;
        any_new = true;
    }
    free(before);
    if (!any_new)
        return;
    if ((size_t)g->m.nmet == lab->nchecks) {
        fprintf(out, LAB_PREFIX " Every checkpoint is met (%d of %d points).  lab questions "
                     "lists the report questions.\n", lab_matcher_score(&g->m), lab->points);
        return;
    }
    if (!step_news)
        return;
    for (size_t i = 0; i < lab->nchecks; i++)
        if (lab->checks[i].step == g->step && !g->m.res[i].met)
            return;
    if ((size_t)g->step + 1 < lab->nsteps)
        fprintf(out, LAB_PREFIX " Step %d is done: lab next shows step %d.\n", g->step + 1,
                g->step + 2);
    else
        fprintf(out, LAB_PREFIX " Step %d, the last, is done; lab status shows what is left.\n",
                g->step + 1);
}
