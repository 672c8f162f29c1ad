/* A one-line progress indicator for long work at a terminal: updated in
 * place (at most ten times a second), shown only once the work has taken
 * half a second, and erased when done.  Only on a terminal: a script, a
 * transcript or a pipe never sees it (progress_begin decides, once). */
#ifndef TCPLAB_PROGRESS_H
#define TCPLAB_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
    FILE *out;                 /* NULL: off */
    int64_t start_ns, last_ns; /* wall clock */
    bool shown;
    uint64_t last_done;
};

/* On only if out is a terminal and so is `also` (-1: not checked). */
void progress_begin(struct progress *p, FILE *out, int also_fd);
/* done of total (0: unknown) in unit ("bytes", "files"); extra: NULL or a
 * few more words (virtual time). */
void progress_update(struct progress *p, const char *what, uint64_t done, uint64_t total,
                     const char *unit, const char *extra);
/* Erase the line if it was shown (before printing something else). */
void progress_clear(struct progress *p);
/* Erase it, and the indicator is off afterwards. */
void progress_end(struct progress *p);

#endif
