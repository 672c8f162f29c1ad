/* The pictures of a session, drawn from its session log (slog.h): the
 * ladder, the state diagram, the time-sequence graph and the congestion
 * graph.  SVG is written here; PNG and PDF are rendered from that SVG by
 * librsvg and cairo (render.c); the ladder and the state diagram can also
 * be drawn in the terminal.  Every picture is a pure function of the log:
 * the same session gives the same bytes. */
#ifndef TCPLAB_DRAW_H
#define TCPLAB_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "draw/slog.h"

#define DRAW_KINDS(X)                                                   \
    X(LADDER, "ladder", "the ladder diagram of the session")            \
    X(STATES, "states", "the state diagram with each socket's path")    \
    X(SEQ,    "seq",    "the time-sequence graph of a connection")      \
    X(CWND,   "cwnd",   "cwnd, ssthresh, in flight and window of a connection")

enum draw_kind {
#define DRAW_KIND_ENUM(name, word, text) DRAW_##name,
    DRAW_KINDS(DRAW_KIND_ENUM)
#undef DRAW_KIND_ENUM
    DRAW__COUNT
};

#define DRAW_MAX_SOCKS 6

struct draw_opts {
    bool all;                  /* ladder: every frame, no bands */
    const struct slog_sock *sock[DRAW_MAX_SOCKS];
    size_t nsock;              /* 0: the default (states: every socket; seq, cwnd: the
                                  connection that carried the most data) */
};

/* "ladder" -> DRAW_LADDER; -1 if not a kind. */
int draw_kind_parse(const char *word);
const char *draw_kind_word(enum draw_kind k);
/* Can it be drawn in the terminal? */
bool draw_kind_term(enum draw_kind k);

/* The picture as SVG.  0, or -1 with one line in err ("no connection
 * carried data", ...). */
int draw_svg(FILE *out, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
             char *err, size_t cap);
/* The same as a string (malloc'd, NUL-terminated), or NULL with err set. */
char *draw_svg_text(const struct slog *l, enum draw_kind k, const struct draw_opts *o,
                    size_t *len, char *err, size_t cap);
/* The picture in the terminal (ladder, states); colour escapes only if
 * color (a terminal: never in scripts, transcripts or pipes). */
int draw_term(FILE *out, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
              int width, bool utf8, bool color, char *err, size_t cap);
/* To a file, the format by its extension: .svg, .png or .pdf. */
int draw_file(const char *path, const struct slog *l, enum draw_kind k, const struct draw_opts *o,
              char *err, size_t cap);

/* The connection seq and cwnd draw by default: the one whose sender sent
 * the most payload; NULL if none carried data. */
const struct slog_sock *draw_busiest(const struct slog *l, unsigned long long *bytes);

/* render.c: SVG text to PNG or PDF with librsvg and cairo. */
int render_svg(const char *svg, size_t len, const char *path, bool pdf, char *err, size_t cap);

/* pcapin.c: a pcap file as a session log: its frames (delivered where
 * captured), its connections as sockets named HOST:PORT, and the states
 * of each side inferred from the segments.  NULL with one line in err. */
bool pcap_is_file(const char *path);
struct slog *pcap_session(const char *path, char *err, size_t cap);

/* The terminal: its width (at least 80) and whether the locale is UTF-8. */
int draw_term_width(FILE *out);
bool draw_locale_utf8(void);

#endif
