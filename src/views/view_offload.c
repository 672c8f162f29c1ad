/* What --offload did on the TAP (link/tap_offload.h), under `ifconfig` of
 * tcplab's host: the NIC's counters, as `ethtool -S` gives a NIC's. */
#include "link/tap_offload.h"
#include "views/views.h"

void view_offload(FILE *out, const struct offload_stats *s)
{
    fprintf(out, "        offload (--offload): RX %llu GSO super-frames cut into %llu segments, "
            "%llu checksums filled in\n", (unsigned long long)s->rx_super,
            (unsigned long long)s->rx_segs, (unsigned long long)s->rx_csum);
    fprintf(out, "        offload (--offload): TX %llu GSO frames joining %llu segments, "
            "%llu frames in all\n", (unsigned long long)s->tx_gso,
            (unsigned long long)s->tx_joined, (unsigned long long)s->tx_frames);
    fprintf(out, "        offload (--offload): malformed from the kernel, dropped %llu%s%s\n",
            (unsigned long long)s->rx_bad, s->rx_bad ? ", the last: " : "",
            s->rx_bad ? offload_err_str(s->last_bad) : "");
}
