/* The decoder object and the framing of one record: timestamp, the
 * Ethernet printer under a truncation guard, the hex dump, the newline.
 * This is tcpdump 4.99.3's pretty_print_packet (print.c) for DLT_EN10MB;
 * see shared/docs/tcpdump-format.md §1, §2, §9, §10. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode_int.h"

struct decoder {
    struct decode_opts opts;
    struct tcp_seq_table *seqs;
    bool have_ref;              /* -ttt / -ttttt reference time */
    struct timeval ref;
};

struct decoder *decoder_new(const struct decode_opts *opts)
{
    struct decoder *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    d->seqs = nd_tcp_seq_new();
    if (d->seqs == NULL) {
        free(d);
        return NULL;
    }
    if (opts != NULL)
        d->opts = *opts;
    return d;
}

void decoder_free(struct decoder *d)
{
    if (d == NULL)
        return;
    nd_tcp_seq_free(d->seqs);
    free(d);
}

void decoder_set_opts(struct decoder *d, const struct decode_opts *opts)
{
    d->opts = *opts;
}

const struct decode_opts *decoder_opts(const struct decoder *d)
{
    return &d->opts;
}

const char *nd_tok_name(const struct nd_tok *t, unsigned v)
{
    for (; t->s != NULL; t++)
        if (t->v == v)
            return t->s;
    return NULL;
}

void nd_print(struct nd *nd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(nd->out, fmt, ap);
    va_end(ap);
}

void nd_print_trunc(struct nd *nd)
{
    nd_print(nd, " [|%s]", nd->proto);
}

_Noreturn void nd_trunc(struct nd *nd)
{
    longjmp(nd->early_end, 1);
}

/* "HH:MM:SS.uuuuuu", with the date in front for -tttt (§2).  `local`
 * selects localtime_r (TZ honoured) over gmtime_r (deltas). */
static void print_hms(FILE *out, time_t sec, long usec, bool local, bool date)
{
    struct tm tm;
    char buf[64];
    if ((local ? localtime_r(&sec, &tm) : gmtime_r(&sec, &tm)) == NULL) {
        fputs(local ? "[localtime() failed]" : "[gmtime() failed]", out);
        return;
    }
    if (strftime(buf, sizeof(buf), date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm) == 0) {
        fputs("[strftime() failed]", out);
        return;
    }
    fprintf(out, "%s.%06ld", buf, usec);
}

/* tcpdump's ts_print: -t counts 0..5 map to the forms of §2. */
static void print_timestamp(struct decoder *d, FILE *out, struct timeval ts)
{
    switch (d->opts.tstamp) {
    case 0:
        print_hms(out, ts.tv_sec, (long)ts.tv_usec, true, false);
        fputc(' ', out);
        break;
    case 2:
        fprintf(out, "%u.%06u ", (unsigned)ts.tv_sec, (unsigned)ts.tv_usec);
        break;
    case 3:
    case 5: {
        if (!d->have_ref) {
            d->ref = ts;
            d->have_ref = true;
        }
        struct timeval delta;
        bool negative = timercmp(&ts, &d->ref, <);
        if (negative)
            timersub(&d->ref, &ts, &delta);
        else
            timersub(&ts, &d->ref, &delta);
        fputc(negative ? '-' : ' ', out);
        print_hms(out, delta.tv_sec, (long)delta.tv_usec, false, false);
        fputc(' ', out);
        if (d->opts.tstamp == 3)
            d->ref = ts;
        break;
    }
    case 4:
        print_hms(out, ts.tv_sec, (long)ts.tv_usec, true, true);
        fputc(' ', out);
        break;
    default: /* 1: -t, nothing */
        break;
    }
}

/* A record whose lengths make no sense is reported and not decoded
 * (print.c: "[Invalid header: ...]"). */
static bool invalid_header(FILE *out, uint32_t caplen, uint32_t len)
{
    const char *sep = "[Invalid header:";
    bool bad = false;
    if (caplen == 0) {
        fputs("[Invalid header: caplen==0", out);
        sep = ",";
        bad = true;
    }
    if (len == 0) {
        fprintf(out, "%s len==0", sep);
        sep = ",";
        bad = true;
    } else if (len < caplen) {
        fprintf(out, "%s len(%u) < caplen(%u)", sep, len, caplen);
        sep = ",";
        bad = true;
    }
    if (caplen > ND_MAX_SNAPLEN) {
        fprintf(out, "%s caplen(%u) > %u", sep, caplen, ND_MAX_SNAPLEN);
        sep = ",";
        bad = true;
    }
    if (len > ND_MAX_SNAPLEN) {
        fprintf(out, "%s len(%u) > %u", sep, len, ND_MAX_SNAPLEN);
        bad = true;
    }
    if (bad)
        fputs("]\n", out);
    return bad;
}

/* Run the link printer; a truncation anywhere below lands here, prints
 * " [|proto]" and makes the dump start at the Ethernet header (§9). */
static void print_guarded(struct nd *nd, uint32_t len)
{
    if (setjmp(nd->early_end) == 0) {
        nd_ether_print(nd, len, nd->caplen);
    } else {
        nd_print_trunc(nd);
        nd->ll_hdr_len = 0;
    }
}

void decode_frame(struct decoder *d, FILE *out, const uint8_t *pkt,
                  uint32_t caplen, uint32_t len, struct timeval ts)
{
    if (invalid_header(out, caplen, len))
        return;
    print_timestamp(d, out, ts);

    /* Not local to print_guarded, which holds the setjmp: its fields may
     * change under a longjmp without becoming indeterminate. */
    struct nd frame;
    struct nd *nd = &frame;
    memset(nd, 0, sizeof(*nd));
    nd->out = out;
    nd->opts = &d->opts;
    nd->seqs = d->seqs;
    nd->pkt = pkt;
    nd->caplen = caplen;
    nd->snapend = caplen;
    nd->proto = "";
    print_guarded(nd, len);

    /* The dump covers what was captured, whatever a printer narrowed. */
    nd->snapend = caplen;
    uint32_t from = nd->ll_hdr_len;
    switch (d->opts.hex) {
    case 1:
        if (caplen > from)
            nd_hex_dump(nd, from, caplen - from);
        break;
    case 2:
        if (caplen > from)
            nd_hex_ascii_dump(nd, from, caplen - from);
        break;
    case 3:
        nd_hex_dump(nd, 0, caplen);
        break;
    case 4:
        nd_hex_ascii_dump(nd, 0, caplen);
        break;
    default:
        break;
    }
    fputc('\n', out);
}

/* One letter of a flag word.  Counts accumulate across words as tcpdump's
 * getopt loop does: -vv, -tt, -xx, -XX. */
static int parse_letter(char c, struct decode_opts *o)
{
    switch (c) {
    case 'n':
        return 0;               /* names are never resolved */
    case 'S':
        o->abs_seq = true;
        return 0;
    case 'v':
        if (o->verbose < 4)
            o->verbose++;
        return 0;
    case 'e':
        o->link = true;
        return 0;
    case 't':
        if (o->tstamp >= 5)
            return -1;
        o->tstamp++;
        return 0;
    case 'x':                   /* -x: 1, -xx: 3; -X wins over -x */
        if (o->hex == 0)
            o->hex = 1;
        else if (o->hex == 1)
            o->hex = 3;
        return 0;
    case 'X':                   /* -X: 2, -XX: 4 */
        o->hex = o->hex == 2 ? 4 : (o->hex == 4 ? 4 : 2);
        return 0;
    default:
        return -1;
    }
}

int decode_parse_flag(const char *arg, struct decode_opts *opts, char *err, size_t cap)
{
    if (arg == NULL || arg[0] != '-' || arg[1] == '\0' || arg[1] == '-') {
        snprintf(err, cap, "unknown flag '%s'", arg ? arg : "");
        return -1;
    }
    struct decode_opts o = *opts;
    for (const char *p = arg + 1; *p != '\0'; p++) {
        if (parse_letter(*p, &o) != 0) {
            if (*p == 't')
                snprintf(err, cap, "too many -t in '%s'", arg);
            else
                snprintf(err, cap, "unknown flag '-%c' in '%s'", *p, arg);
            return -1;
        }
    }
    *opts = o;
    return 0;
}
