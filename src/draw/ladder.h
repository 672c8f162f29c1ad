/* The ladder (message sequence) diagram of a session: its rows, built once
 * from the session log, then drawn as SVG (ladder_svg.c) or in the
 * terminal (ladder_term.c). */
#ifndef TCPLAB_LADDER_H
#define TCPLAB_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "draw/slog.h"

#define LADDER_GAP      (1 * TL_SEC)   /* a quiet gap this long is cut (break mark) */
#define LADDER_FOLD_MIN 12             /* data/ACK frames in a row folded into a band */

enum lrow_kind { LR_FRAME, LR_STATE, LR_CALL, LR_BAND, LR_BREAK };

struct lrow {
    enum lrow_kind kind;
    int host;                  /* the sender, or the host of the state/call */
    tl_time t, t_end;          /* t_end: a band's last frame, a break's end */
    const struct slog_frame *f;
    char text[200];            /* as tcpdump -S prints it; "sock: ESTABLISHED"; "connect()" */
    char text2[120];           /* band: second line; frame: "(lost)" */
    bool failed;               /* a call that raised an error */
    /* SVG layout (ladder_svg.c) */
    double y, y_end;
};

struct ladder {
    struct lrow *row;
    size_t n;
    char host[SLOG_HOSTS][16];
    uint32_t addr[SLOG_HOSTS];
    size_t frames, not_kept;
};

/* all: every frame, no bands.  0 or -ENOMEM. */
int ladder_build(const struct slog *l, bool all, struct ladder *out);
void ladder_free(struct ladder *ld);

void ladder_svg(FILE *out, struct ladder *ld);
/* In the terminal: width columns (at least 80), Unicode box drawing or ASCII. */
void ladder_term(FILE *out, const struct ladder *ld, int width, bool utf8);

#endif
