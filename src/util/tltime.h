/* Time in tcplab: one integer type, one unit (microseconds).
 *
 * The stack never reads a clock.  Every entry point takes `now`; the loop
 * (virtual time in sim mode, CLOCK_MONOTONIC in tap mode) supplies it. */
#ifndef TCPLAB_TLTIME_H
#define TCPLAB_TLTIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t tl_time;

#define TL_NEVER INT64_MAX
#define TL_US    ((tl_time)1)
#define TL_MS    ((tl_time)1000)
#define TL_SEC   ((tl_time)1000000)

static inline tl_time tl_min(tl_time a, tl_time b) { return a < b ? a : b; }

/* d as the user would type it, in the largest whole unit: "2s", "100ms",
 * "250us" (util/tltime.c); returns buf. */
const char *tl_dur_text(tl_time d, char *buf, size_t cap);

#endif
