/* The headers of a logged frame (slog.h keeps headers only), read for the
 * pictures: IPv4 addresses and, for TCP, the segment's fields, options and
 * payload length as the IP header gives it. */
#ifndef TCPLAB_DRAW_SEG_H
#define TCPLAB_DRAW_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "draw/slog.h"
#include "wire/tcp.h"

struct dseg {
    bool ip, tcp;
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    struct tcp_opts opt;
    uint32_t len;              /* payload bytes */
};

/* false if the frame is not IPv4 (ARP...). */
bool dseg_parse(const struct slog_frame *f, struct dseg *s);
/* Sequence space the segment occupies: payload, SYN and FIN. */
static inline uint32_t dseg_space(const struct dseg *s)
{
    return s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
}
/* The segment belongs to the connection of sock (either direction). */
bool dseg_of(const struct dseg *s, const struct slog_sock *sock);

/* The next frame of sock's connection from index *i on (NULL at the end),
 * parsed into g; *ours: sent by sock.  Advances *i past it. */
const struct slog_frame *dseg_next(const struct slog *l, const struct slog_sock *sock, size_t *i,
                                   struct dseg *g, bool *ours);

#endif
