/* `tcplab report`: one self-contained HTML page of a session, to hand in
 * or print: the session (commands and output), the ladder, each socket's
 * state path, and the graphs of every connection that carried bulk data.
 * Figures are the pictures' own SVG, inline; no script, no external file. */
#ifndef TCPLAB_DRAW_REPORT_H
#define TCPLAB_DRAW_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "draw/slog.h"

/* The session as text: commands and what they printed. */
struct report_text;
struct report_text *report_text_new(void);
void report_text_free(struct report_text *t);
void report_text_command(struct report_text *t, int host, const char *cmd);
void report_text_output(struct report_text *t, const char *line, size_t len);

struct report_meta {
    const char *path, *version, *mode;
    uint64_t seed;
    const char *lab;
};

/* Write the page to path.  0, or -1 with one line in err. */
int report_html(const char *path, const struct report_meta *m, const struct report_text *t,
                const struct slog *l, char *err, size_t cap);

#endif
