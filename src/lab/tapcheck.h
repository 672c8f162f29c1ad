/* A tap-mode transcript cannot be replayed (its peer was the Linux kernel,
 * its time was real), so its text is checked for consistency instead: the
 * sequence and acknowledgement arithmetic of both directions of every
 * connection, and every state change an edge of the TCP state diagram. */
#ifndef TCPLAB_LAB_TAPCHECK_H
#define TCPLAB_LAB_TAPCHECK_H

#include <stddef.h>

struct tap_check_stats {
    size_t segments;            /* TCP segments checked */
    size_t transitions;         /* state changes checked */
};

/* lines[first..n) are the transcript's body (no header).  Returns 0 when
 * consistent, else the 1-based line number of the first line that breaks
 * it, with what is wrong (one line) in why. */
size_t tap_check(char *const *lines, size_t n, size_t first, struct tap_check_stats *st,
                 char *why, size_t cap);

#endif
