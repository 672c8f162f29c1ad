/* The tcpdump-identical decoder.
 *
 * Turns one captured Ethernet frame into exactly the text tcpdump 4.99.3
 * prints for it under -n and the flags below (see
 * shared/docs/tcpdump-format.md).  Stateful only through the relative
 * sequence-number table (when `abs_seq` is off), so one decoder is used per
 * capture or per session, in frame order. */
#ifndef TCPLAB_DECODE_H
#define TCPLAB_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

struct decode_opts {
    bool abs_seq;     /* -S */
    int verbose;      /* -v count (only 0 and 1 are required; -vv adds UDP sums) */
    bool link;        /* -e */
    int hex;          /* 0, 1 = -x, 2 = -X (also 3 = -xx, 4 = -XX: from the
                         Ethernet header) */
    int tstamp;       /* 0 = default HH:MM:SS.uuuuuu (local time), 1 = -t (none);
                         also 2..5 = -tt .. -ttttt as tcpdump */
};

struct decoder;

struct decoder *decoder_new(const struct decode_opts *opts);
void decoder_free(struct decoder *d);
void decoder_set_opts(struct decoder *d, const struct decode_opts *opts);
const struct decode_opts *decoder_opts(const struct decoder *d);

/* Write the record for one frame to `out`, ending in exactly one '\n'.
 * `pkt` holds `caplen` captured bytes of a frame `len` bytes long on the
 * wire.  Never reads past pkt + caplen. */
void decode_frame(struct decoder *d, FILE *out, const uint8_t *pkt,
                  uint32_t caplen, uint32_t len, struct timeval ts);

/* Parse tcpdump-style flags ("-n", "-S", "-t", "-v", "-e", "-x", "-X", and
 * combined forms such as "-SnvX") into opts.  Returns 0, or -1 with a
 * one-line reason in err (cap bytes) for an unknown flag. */
int decode_parse_flag(const char *arg, struct decode_opts *opts, char *err, size_t cap);

#endif
