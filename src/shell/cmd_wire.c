/* The `wire` command: the fault injector of the link between the hosts
 * (link/faults.h), the same in sim mode and on tap mode's link.  Frames
 * can be held and stepped one at a time, dropped, lost (one by one, at
 * random, or all while the wire is down), duplicated,
 * reordered, delayed, corrupted, or sent through a bottleneck of limited
 * rate; `wire` alone shows the settings, the counts and the held frames.
 * Faults draw from the wire's seeded generator: sim-mode runs replay. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link/faults.h"
#include "shell/shell.h"

static const struct sh_cmd *wire_cmd(void)
{
    return sh_cmd_find("wire");
}

/* "5", "5%", "0.5%": parts per million. */
static int parse_pct(const char *s, uint32_t *ppm)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%") != 0) || !(v >= 0 && v <= 100))
        return -1;
    *ppm = (uint32_t)lround(v * (FAULTS_PPM / 100));
    return 0;
}

/* "10M", "10Mbit", "1.5Gbit", "64k", "2000000", "off": bits per second. */
static int parse_rate(const char *s, uint64_t *bps)
{
    if (strcmp(s, "off") == 0) {
        *bps = 0;
        return 0;
    }
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0))
        return -1;
    double mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1e3, end++;
    else if (*end == 'm' || *end == 'M')
        mult = 1e6, end++;
    else if (*end == 'g' || *end == 'G')
        mult = 1e9, end++;
    if (*end && strcasecmp(end, "bit") != 0 && strcasecmp(end, "bits") != 0 &&
        strcasecmp(end, "bps") != 0 && strcasecmp(end, "bit/s") != 0 && strcasecmp(end, "b") != 0)
        return -1;
    v *= mult;
    if (v > 1e12)
        return -1;
    *bps = (uint64_t)llround(v);
    return 0;
}

static void print_stats(struct shell *sh, const struct faults *f)
{
    const struct fault_stats *st = &f->st;
    fprintf(sh->out, "  frames: %llu in, %llu delivered", (unsigned long long)st->in,
            (unsigned long long)st->delivered);
    const struct { uint64_t n; const char *what; } c[] = {
        {st->dropped, "dropped"},       {st->lost, "lost"},
        {st->queue_drops, "queue drops"}, {st->down_drops, "lost while down"},
        {st->held_drops, "held over the limit"},
        {st->duplicated, "duplicated"}, {st->reordered, "reordered"},
        {st->corrupted, "corrupted"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (c[i].n)
            fprintf(sh->out, ", %llu %s", (unsigned long long)c[i].n, c[i].what);
    if (f->nq)
        fprintf(sh->out, ", %zu in flight", f->nq);
    fputc('\n', sh->out);
}

static void print_held(struct shell *sh, const struct faults *f)
{
    if (!f->nheld) {
        if (f->set.hold)
            fprintf(sh->out, "  no frames held yet\n");
        return;
    }
    fprintf(sh->out, "  held: %zu frame%s (wire step delivers the first, wire release all)\n",
            f->nheld, f->nheld == 1 ? "" : "s");
    int i = 0;
    for (const struct fault_frame *fr = f->held; fr; fr = fr->next) {
        char *text = NULL;
        size_t tlen = 0;
        FILE *m = open_memstream(&text, &tlen);
        if (!m)
            return;
        struct timeval tv = {.tv_sec = fr->at / TL_SEC, .tv_usec = fr->at % TL_SEC};
        decode_frame(sh->dec, m, fr->data, (uint32_t)fr->len, (uint32_t)fr->len, tv);
        fclose(m);
        char dir[40];
        snprintf(dir, sizeof dir, "%s > %s", sh_host_name(sh, fr->dir),
                 sh_host_name(sh, 1 - fr->dir));
        size_t n = strcspn(text, "\n");
        fprintf(sh->out, "  %3d  %-14s  %.*s\n", ++i, dir, (int)n, text);
        free(text);
    }
}

static void show(struct shell *sh, const struct faults *f)
{
    char d[256];
    faults_describe(f, d, sizeof d);
    fprintf(sh->out, "wire: %s\n", d);
    print_stats(sh, f);
    print_held(sh, f);
}

/* Let frames go (step, release): what they cause is reported as after a
 * socket call. */
static int let_go(struct shell *sh, struct faults *f, size_t n, bool all)
{
    sh_report_begin(sh);
    size_t went = all ? faults_release(f, sh_now(sh)) : faults_step(f, n, sh_now(sh));
    sh_advance(sh);
    sh_report_end(sh, NULL, 0);
    if (!went)
        fprintf(sh->out, "wire: no frame held\n");
    else if (f->nheld)
        fprintf(sh->out, "wire: %zu frame%s let through, %zu still held\n", went,
                went == 1 ? "" : "s", f->nheld);
    return 0;
}

static int usage(struct shell *sh, const char *fmt, const char *what)
{
    sh_usage_error(sh, wire_cmd(), fmt, what);
    return -1;
}

int cmd_wire(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    struct faults *f = sh->w->faults;
    if (!f) {
        sh_error(sh, "wire: this link has no fault injector");
        return -1;
    }
    if (cl->argc == 1) {
        show(sh, f);
        return 0;
    }
    const char *sub = cl->argv[1].s;
    const char *arg = cl->argc > 2 ? cl->argv[2].s : NULL;
    struct fault_settings s = f->set;
    tl_time now = sh_now(sh);
    if (strcmp(sub, "hold") == 0 && !arg) {
        faults_hold(f, true, now);
        fprintf(sh->out, "wire: holding every frame (wire step delivers one, wire release all)\n");
        return 0;
    }
    if (strcmp(sub, "release") == 0 && !arg)
        return let_go(sh, f, 0, true);
    if (strcmp(sub, "step") == 0 && cl->argc <= 3) {
        size_t n = 1;
        if (arg && (sh_parse_size(arg, &n) < 0 || n == 0))
            return usage(sh, "wire step: '%s' is not a number of frames", arg);
        return let_go(sh, f, n, false);
    }
    if (strcmp(sub, "reset") == 0 && !arg) {
        faults_reset(f, now);
        fprintf(sh->out, "wire: no faults\n");
        sh_advance(sh);
        return 0;
    }
    if ((strcmp(sub, "down") == 0 || strcmp(sub, "up") == 0) && !arg) {
        /* A cable pulled out and put back (the handout brings the
         * router's interface down): frames in flight still arrive. */
        s.down = sub[0] == 'd';
    } else if (strcmp(sub, "drop") == 0 && cl->argc <= 3) {
        size_t n = 1;
        if (arg && (sh_parse_size(arg, &n) < 0 || n > 1000000))
            return usage(sh, "wire drop: '%s' is not a number of frames", arg);
        s.drop_next = (uint32_t)n;
    } else if ((strcmp(sub, "loss") == 0 || strcmp(sub, "dup") == 0 ||
                strcmp(sub, "reorder") == 0 || strcmp(sub, "corrupt") == 0) && cl->argc == 3) {
        uint32_t ppm;
        if (parse_pct(arg, &ppm) < 0)
            return usage(sh, "wire: '%s' is not a percentage (0 to 100, e.g. 5%%)", arg);
        uint32_t *slot = sub[0] == 'l' ? &s.loss : sub[0] == 'd' ? &s.dup
                       : sub[0] == 'r' ? &s.reorder : &s.corrupt;
        *slot = ppm;
    } else if (strcmp(sub, "delay") == 0 && cl->argc == 3) {
        tl_time d;
        if (sh_parse_duration(sh, arg, &d) < 0 || d < 0 || d > 3600 * TL_SEC)
            return usage(sh, "wire delay: '%s' is not a duration (e.g. 10ms)", arg);
        s.delay = d;
    } else if (strcmp(sub, "rate") == 0 && (cl->argc == 3 || cl->argc == 4)) {
        uint64_t bps;
        if (parse_rate(arg, &bps) < 0)
            return usage(sh, "wire rate: '%s' is not a rate (e.g. 10M, 1.5Gbit, off)", arg);
        size_t q = FAULTS_QUEUE_DEFAULT;
        const char *qa = cl->argc == 4 ? cl->argv[3].s : NULL;
        /* QUEUE in frames (100), or with a unit in bytes as tc's bfifo
         * limit (100k, 100kB, 1M, 64000B: k and M are 1024 and 1024^2). */
        bool bytes = qa && *qa && strchr("kKMGBb", qa[strlen(qa) - 1]);
        if (qa && (sh_parse_size(qa, &q) < 0 || q == 0 ||
                   q > (bytes ? (size_t)FAULTS_QUEUE_MAX * ETH_FRAME_MAX : FAULTS_QUEUE_MAX)))
            return usage(sh, "wire rate: '%s' is not a queue length in frames or bytes", qa);
        s.rate = bps;
        s.queue = bps && !bytes ? (uint32_t)q : 0;
        s.queue_bytes = bps && bytes ? (uint32_t)q : 0;
    } else {
        return usage(sh, "wire: cannot make sense of '%s'", sub);
    }
    int rc = faults_configure(f, &s, now);
    if (rc < 0) {
        sh_error(sh, "wire: %s", strerror(-rc));
        return -1;
    }
    char d[256];
    faults_describe(f, d, sizeof d);
    fprintf(sh->out, "wire: %s\n", d);
    return 0;
}
