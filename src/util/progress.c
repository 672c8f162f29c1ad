/* The progress line (progress.h).  Wall-clock time: this is the user's
 * waiting, not the simulation's. */
#include <time.h>
#include <unistd.h>

#include "util/progress.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void progress_begin(struct progress *p, FILE *out, int also_fd)
{
    p->out = out && isatty(fileno(out)) && (also_fd < 0 || isatty(also_fd)) ? out : NULL;
    p->start_ns = p->last_ns = now_ns();
    p->shown = false;
    p->last_done = 0;
}

static void human(char *buf, size_t cap, double v, const char *unit)
{
    if (unit[0] == 'b' && v >= 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", v / (1024 * 1024));
    else if (unit[0] == 'b' && v >= 1024)
        snprintf(buf, cap, "%.1f KiB", v / 1024);
    else
        snprintf(buf, cap, "%.0f %s", v, unit);
}

void progress_update(struct progress *p, const char *what, uint64_t done, uint64_t total,
                     const char *unit, const char *extra)
{
    if (!p->out)
        return;
    int64_t t = now_ns();
    if (t - p->start_ns < 500000000 || t - p->last_ns < 100000000)
        return;
    p->last_ns = t;
    double secs = (double)(t - p->start_ns) / 1e9;
    char d[32], r[32], pct[16] = "";
    human(d, sizeof d, (double)done, unit);
    human(r, sizeof r, (double)done / secs, unit);
    if (total)
        snprintf(pct, sizeof pct, " (%3.0f%%)", 100.0 * (double)done / (double)total);
    /* \r, the line (a rate for bytes only), and erase what a longer one left */
    fprintf(p->out, "\r%s: %s%s", what, d, pct);
    if (unit[0] == 'b')
        fprintf(p->out, ", %s/s", r);
    fprintf(p->out, "%s%s\033[K", extra ? ", " : "", extra ? extra : "");
    fflush(p->out);
    p->shown = true;
    p->last_done = done;
}

void progress_clear(struct progress *p)
{
    if (p->out && p->shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->shown = false;
}

void progress_end(struct progress *p)
{
    progress_clear(p);
    p->out = NULL;
}
