/* Durations as the user types them (util/tltime.h). */
#include <stdio.h>

#include "util/tltime.h"

const char *tl_dur_text(tl_time d, char *buf, size_t cap)
{
    if (d % TL_SEC == 0)
        snprintf(buf, cap, "%llds", (long long)(d / TL_SEC));
    else if (d % TL_MS == 0)
        snprintf(buf, cap, "%lldms", (long long)(d / TL_MS));
    else
        snprintf(buf, cap, "%lldus", (long long)d);
    return buf;
}
