/* The ladder's rows (ladder.h): the session log's frames, state changes
 * and socket calls in time order, each frame labelled as tcpdump -n -S
 * prints it, bulk transfers folded into bands and long quiet gaps cut. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "draw/ladder.h"
#include "draw/seg.h"
#include "draw/svg.h"
#include "stack/tcp_state.h"

struct item {
    tl_time t;
    uint64_t n;
    enum lrow_kind kind;
    const void *ev;
};

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* The label tcpdump -n -S would print after the addresses; options only
 * in SYNs (the lab asks about them there; elsewhere they are noise). */
static void frame_label(struct decoder *dec, const struct slog_frame *f, char *buf, size_t cap)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        snprintf(buf, cap, "frame, length %u", f->len);
        return;
    }
    struct timeval tv = {0, 0};
    decode_frame(dec, m, f->data, f->caplen, f->len, tv);
    fclose(m);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    const char *p = text;
    if (strncmp(p, "IP ", 3) == 0 && strstr(p, ": "))
        p = strstr(p, ": ") + 2;
    snprintf(buf, cap, "%s", p);
    struct dseg s;
    char *o = strstr(buf, ", options [");
    if (o && dseg_parse(f, &s) && s.tcp && !(s.flags & TH_SYN)) {
        char *end = strchr(o, ']');
        if (end)
            memmove(o, end + 1, strlen(end + 1) + 1);
    }
    free(text);
}

static void sock_label(const struct slog *l, int host, int id, char *buf, size_t cap)
{
    const struct slog_sock *k = slog_sock_find(l, host, id);
    if (k && k->name[0])
        snprintf(buf, cap, "%s", k->name);
    else if (k && k->fd >= 0)
        snprintf(buf, cap, "fd %d", k->fd);
    else if (k && k->parent >= 0 && slog_sock_find(l, host, k->parent) &&
             slog_sock_find(l, host, k->parent)->name[0])
        snprintf(buf, cap, "new on %s", slog_sock_find(l, host, k->parent)->name);
    else
        snprintf(buf, cap, "socket #%d", id);
}

/* A frame that may be folded into a band: data or a bare ACK. */
static bool bulky(const struct slog_frame *f, struct dseg *s)
{
    return dseg_parse(f, s) && s->tcp && !(s->flags & (TH_SYN | TH_FIN | TH_RST));
}

/* Highest sequence number sent, per direction of a connection: a
 * segment below it is a retransmission. */
struct hiwater {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t high;
};
#define HIWATER_MAX 64

static bool retransmitted(struct hiwater *hw, size_t *nhw, const struct dseg *s)
{
    uint32_t end = s->seq + dseg_space(s);
    for (size_t i = 0; i < *nhw; i++) {
        struct hiwater *h = &hw[i];
        if (h->src == s->src && h->dst == s->dst && h->sport == s->sport && h->dport == s->dport) {
            bool re = dseg_space(s) && (int32_t)(s->seq - h->high) < 0;
            if ((int32_t)(end - h->high) > 0)
                h->high = end;
            return re;
        }
    }
    if (*nhw < HIWATER_MAX)
        hw[(*nhw)++] = (struct hiwater){s->src, s->dst, s->sport, s->dport, end};
    return false;
}

static struct lrow *add_row(struct ladder *ld, size_t *cap)
{
    if (ld->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        struct lrow *nr = realloc(ld->row, nc * sizeof *nr);
        if (!nr)
            return NULL;
        ld->row = nr;
        *cap = nc;
    }
    struct lrow *r = &ld->row[ld->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static void band_text(struct lrow *r, const struct item *it, size_t n, struct hiwater *hw,
                      size_t *nhw, const struct slog *l)
{
    size_t segs[2] = {0, 0}, acks[2] = {0, 0}, re = 0, failed = 0;
    unsigned long long bytes[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        const struct slog_frame *f = it[i].ev;
        struct dseg s;
        dseg_parse(f, &s);
        if (s.len) {
            segs[f->from]++;
            bytes[f->from] += s.len;
        } else {
            acks[f->from]++;
        }
        re += retransmitted(hw, nhw, &s);
        failed += slog_fate_failed((enum slog_fate)f->fate);
    }
    int snd = segs[1] > segs[0];
    char a[32], b[32], c[32];
    fmt_thousands(a, sizeof a, segs[snd]);
    fmt_bytes(b, sizeof b, bytes[snd]);
    fmt_thousands(c, sizeof c, acks[1 - snd] + segs[1 - snd]);
    r->host = snd;
    snprintf(r->text, sizeof r->text, "%s segments, %s  %s -> %s", a, b, l->host_name[snd],
             l->host_name[1 - snd]);
    snprintf(r->text2, sizeof r->text2, "%s ACKs back; %zu retransmitted, %zu lost on the wire",
             c, re, failed);
}

int ladder_build(const struct slog *l, bool all, struct ladder *ld)
{
    memset(ld, 0, sizeof *ld);
    memcpy(ld->host, l->host_name, sizeof ld->host);
    memcpy(ld->addr, l->host_addr, sizeof ld->addr);
    ld->not_kept = l->frames.lost;
    size_t nit = l->frames.n + l->states.n + l->calls.n, k = 0;
    struct item *it = calloc(nit ? nit : 1, sizeof *it);
    struct decode_opts o = {.abs_seq = true, .tstamp = 1};
    struct decoder *dec = decoder_new(&o);
    struct hiwater hw[HIWATER_MAX];
    size_t nhw = 0, cap = 0;
    if (!it || !dec) {
        free(it);
        decoder_free(dec);
        return -ENOMEM;
    }
    for (size_t i = 0; i < l->frames.n; i++) {
        const struct slog_frame *f = SLOG_AT(l->frames, const struct slog_frame, i);
        it[k++] = (struct item){f->t, f->n, LR_FRAME, f};
    }
    for (size_t i = 0; i < l->states.n; i++) {
        const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, i);
        it[k++] = (struct item){s->t, s->n, LR_STATE, s};
    }
    for (size_t i = 0; i < l->calls.n; i++) {
        const struct slog_call *c = SLOG_AT(l->calls, const struct slog_call, i);
        it[k++] = (struct item){c->t, c->n, LR_CALL, c};
    }
    qsort(it, nit, sizeof *it, item_cmp);
    ld->frames = l->frames.n;

    tl_time last = TL_NEVER;
    for (size_t i = 0; i < nit;) {
        /* a run of bulk frames, folded unless all are asked for */
        size_t run = 0, data = 0;
        struct dseg s;
        while (!all && i + run < nit && it[i + run].kind == LR_FRAME &&
               bulky(it[i + run].ev, &s)) {
            data += s.len > 0;
            run++;
        }
        if (last != TL_NEVER && it[i].t - last >= LADDER_GAP) {
            struct lrow *b = add_row(ld, &cap);
            if (!b)
                goto nomem;
            b->kind = LR_BREAK;
            b->t = last;
            b->t_end = it[i].t;
            snprintf(b->text, sizeof b->text, "%.1f s later",
                     (double)(it[i].t - last) / TL_SEC);
        }
        struct lrow *r = add_row(ld, &cap);
        if (!r)
            goto nomem;
        r->t = r->t_end = it[i].t;
        if (run >= LADDER_FOLD_MIN && data >= 4) {
            r->kind = LR_BAND;
            r->t_end = it[i + run - 1].t;
            band_text(r, &it[i], run, hw, &nhw, l);
            last = r->t_end;
            i += run;
            continue;
        }
        r->kind = it[i].kind;
        if (r->kind == LR_FRAME) {
            const struct slog_frame *f = it[i].ev;
            r->f = f;
            r->host = f->from;
            frame_label(dec, f, r->text, sizeof r->text);
            if (dseg_parse(f, &s) && s.tcp)
                retransmitted(hw, &nhw, &s);
            if (slog_fate_failed((enum slog_fate)f->fate))
                snprintf(r->text2, sizeof r->text2, "%s", slog_fate_name((enum slog_fate)f->fate));
        } else if (r->kind == LR_STATE) {
            const struct slog_state *st = it[i].ev;
            char who[SLOG_NAME_LEN + 16];
            sock_label(l, st->host, st->sock, who, sizeof who);
            r->host = st->host;
            snprintf(r->text, sizeof r->text, "%s: %s", who,
                     tcp_state_name((enum tcp_state)st->new_state));
        } else {
            const struct slog_call *c = it[i].ev;
            r->host = c->host;
            r->failed = c->err != 0;
            snprintf(r->text, sizeof r->text, "%s", c->text);
        }
        last = r->t;
        i++;
    }
    free(it);
    decoder_free(dec);
    return 0;
nomem:
    free(it);
    decoder_free(dec);
    ladder_free(ld);
    return -ENOMEM;
}

void ladder_free(struct ladder *ld)
{
    free(ld->row);
    ld->row = NULL;
    ld->n = 0;
}
