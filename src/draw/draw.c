/* The pictures' one entry (draw.h): which picture, which sockets, which
 * format. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "draw/draw.h"
#include "draw/graph.h"
#include "draw/ladder.h"
#include "draw/seg.h"
#include "draw/states.h"

static const char *const kind_words[] = {
#define DRAW_KIND_WORD(name, word, text) word,
    DRAW_KINDS(DRAW_KIND_WORD)
#undef DRAW_KIND_WORD
};

int draw_kind_parse(const char *word)
{
    for (int k = 0; k < DRAW__COUNT; k++)
        if (strcmp(word, kind_words[k]) == 0)
            return k;
    return -1;
}

const char *draw_kind_word(enum draw_kind k)
{
    return (unsigned)k < DRAW__COUNT ? kind_words[k] : "?";
}

bool draw_kind_term(enum draw_kind k)
{
    return k == DRAW_LADDER || k == DRAW_STATES;
}

const struct slog_sock *draw_busiest(const struct slog *l, unsigned long long *bytes)
{
    const struct slog_sock *best = NULL;
    unsigned long long most = 0;
    const struct slog_sock *k = l->socks.v;
    for (size_t i = 0; i < l->socks.n; i++) {
        if (!k[i].lport || !k[i].rport)
            continue;
        unsigned long long sent = 0;
        for (size_t j = 0; j < l->frames.n; j++) {
            const struct slog_frame *f = slog_frame_at(l, j);
            struct dseg s;
            if (f->from == k[i].host && dseg_parse(f, &s) && s.src == k[i].laddr &&
                s.sport == k[i].lport && s.dst == k[i].raddr && s.dport == k[i].rport)
                sent += s.len;
        }
        if (sent > most) {
            most = sent;
            best = &k[i];
        }
    }
    if (bytes)
        *bytes = most;
    return best;
}

static const struct slog_sock *one_conn(const struct slog *l, const struct draw_opts *o,
                                        char *err, size_t cap)
{
    if (o && o->nsock) {
        if (!o->sock[0]->lport || !o->sock[0]->rport) {
            snprintf(err, cap, "socket '%s' never had a connection", o->sock[0]->name);
            return NULL;
        }
        return o->sock[0];
    }
    const struct slog_sock *k = draw_busiest(l, NULL);
    if (!k)
        snprintf(err, cap, "no connection carried data in this session (name a socket)");
    return k;
}

int draw_svg(FILE *out, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
             char *err, size_t cap)
{
    static const struct draw_opts none;
    if (!o)
        o = &none;
    switch (k) {
    case DRAW_LADDER: {
        struct ladder ld;
        if (ladder_build(l, o->all, &ld) < 0) {
            snprintf(err, cap, "out of memory");
            return -1;
        }
        ladder_svg(out, &ld);
        ladder_free(&ld);
        return 0;
    }
    case DRAW_STATES:
        return states_svg(out, l, o->sock, o->nsock, err, cap);
    case DRAW_SEQ:
    case DRAW_CWND: {
        const struct slog_sock *s = one_conn(l, o, err, cap);
        if (!s)
            return -1;
        return k == DRAW_SEQ ? graph_seq_svg(out, l, s, err, cap)
                             : graph_cwnd_svg(out, l, s, err, cap);
    }
    case DRAW__COUNT:
        break;
    }
    snprintf(err, cap, "unknown picture");
    return -1;
}

char *draw_svg_text(const struct slog *l, enum draw_kind k, const struct draw_opts *o,
                    size_t *len, char *err, size_t cap)
{
    char *svg = NULL;
    FILE *m = open_memstream(&svg, len);
    if (!m) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    int rc = draw_svg(m, l, k, o, err, cap);
    fclose(m);
    if (rc < 0) {
        free(svg);
        return NULL;
    }
    return svg;
}

int draw_term(FILE *out, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
              int width, bool utf8, bool color, char *err, size_t cap)
{
    if (k == DRAW_STATES)
        return states_term(out, l, o->sock, o->nsock, width, utf8, color, err, cap);
    if (k != DRAW_LADDER) {
        snprintf(err, cap, "draw %s needs a FILE (.svg, .png or .pdf): a graph does not fit a "
                 "terminal", draw_kind_word(k));
        return -1;
    }
    struct ladder ld;
    if (ladder_build(l, o->all, &ld) < 0) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    ladder_term(out, &ld, width, utf8);
    ladder_free(&ld);
    return 0;
}

int draw_file(const char *path, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
              char *err, size_t cap)
{
    const char *dot = strrchr(path, '.');
    int fmt = !dot ? -1 : strcasecmp(dot, ".svg") == 0 ? 0 : strcasecmp(dot, ".png") == 0 ? 1
                        : strcasecmp(dot, ".pdf") == 0 ? 2 : -1;
    if (fmt < 0) {
        snprintf(err, cap, "'%s': the file name must end in .svg, .png or .pdf", path);
        return -1;
    }
    size_t len = 0;
    char *svg = draw_svg_text(l, k, o, &len, err, cap);
    int rc = svg ? 0 : -1;
    if (rc == 0 && fmt == 0) {
        FILE *f = fopen(path, "w");
        if (!f || fwrite(svg, 1, len, f) != len) {
            snprintf(err, cap, "cannot write '%s': %s", path, strerror(errno));
            rc = -1;
        }
        if (f && fclose(f) != 0 && rc == 0) {
            snprintf(err, cap, "cannot write '%s': %s", path, strerror(errno));
            rc = -1;
        }
    } else if (rc == 0) {
        rc = render_svg(svg, len, path, fmt == 2, err, cap);
    }
    free(svg);
    return rc;
}

int draw_term_width(FILE *out)
{
    struct winsize ws;
    int w = 0;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    else if (getenv("COLUMNS"))
        w = atoi(getenv("COLUMNS"));
    return w < 80 ? 80 : w;
}

bool draw_locale_utf8(void)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v)
        v = getenv("LC_CTYPE");
    if (!v || !*v)
        v = getenv("LANG");
    return v && (strcasestr(v, "UTF-8") || strcasestr(v, "utf8"));
}
