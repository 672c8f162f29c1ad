/* The HTML lab notebook (report.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "draw/draw.h"
#include "draw/report.h"
#include "draw/seg.h"
#include "draw/svg.h"
#include "stack/tcp_fsm.h"

struct report_text {
    char *buf;
    size_t len;
    FILE *m;
    const char *host_name[SLOG_HOSTS];
};

struct report_text *report_text_new(void)
{
    struct report_text *t = calloc(1, sizeof *t);
    if (t && !(t->m = open_memstream(&t->buf, &t->len))) {
        free(t);
        return NULL;
    }
    return t;
}

void report_text_free(struct report_text *t)
{
    if (!t)
        return;
    if (t->m)
        fclose(t->m);
    free(t->buf);
    free(t);
}

static void html_escape(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        default: fputc(s[i], f);
        }
    }
}

/* The transcript's own prompt line, in bold: the command as typed. */
void report_text_command(struct report_text *t, int host, const char *cmd)
{
    fprintf(t->m, "<b class=\"h%d\">", host ? 1 : 0);
    html_escape(t->m, cmd, strlen(cmd));
    fputs("</b>\n", t->m);
}

void report_text_output(struct report_text *t, const char *line, size_t len)
{
    html_escape(t->m, line, len);
    fputc('\n', t->m);
}

static const char page_css[] =
    "body { font-family: 'DejaVu Sans', sans-serif; margin: 2em auto; max-width: 72em; color: #222; }\n"
    "h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; }\n"
    ".meta { color: #555; }\n"
    "pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.78em; background: #f7f7f7;\n"
    "      padding: 0.8em; white-space: pre-wrap; word-break: break-all; }\n"
    "pre b.h0 { color: #1f5fbf; } pre b.h1 { color: #a8326e; }\n"
    "figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }\n"
    "figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }\n"
    "figcaption { font-size: 0.9em; color: #555; }\n"
    "ol.paths li { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.85em; margin: 0.3em 0; }\n"
    "@media print {\n"
    "  body { margin: 0; max-width: none; font-size: 10pt; }\n"
    "  pre { background: none; font-size: 7.5pt; }\n"
    "  h2 { break-after: avoid; page-break-after: avoid; }\n"
    "  figure { break-before: auto; }\n"
    "}\n";

/* A picture as inline SVG (its XML declaration left out). */
static int figure(FILE *f, const char *id, const char *caption, const struct slog *l,
                  enum draw_kind k, const struct draw_opts *o, char *err, size_t cap)
{
    size_t len = 0;
    char *svg = draw_svg_text(l, k, o, &len, err, cap);
    int rc = svg ? 0 : -1;
    if (rc == 0) {
        const char *p = strstr(svg, "<svg");
        fprintf(f, "<figure id=\"%s\">\n%s<figcaption>", id, p ? p : "");
        html_escape(f, caption, strlen(caption));
        fputs("</figcaption>\n</figure>\n", f);
    }
    free(svg);
    return rc;
}

static void sock_title(const struct slog *l, const struct slog_sock *k, char *buf, size_t cap)
{
    if (k->name[0])
        snprintf(buf, cap, "%s %s", l->host_name[k->host], k->name);
    else
        snprintf(buf, cap, "%s socket #%d", l->host_name[k->host], k->id);
}

/* Each socket's path through the states, with the cause of each step. */
static void state_paths(FILE *f, const struct slog *l)
{
    fputs("<ol class=\"paths\">\n", f);
    const struct slog_sock *k = l->socks.v;
    for (size_t i = 0; i < l->socks.n; i++) {
        bool first = true;
        for (size_t j = 0; j < l->states.n; j++) {
            const struct slog_state *s = SLOG_AT(l->states, const struct slog_state, j);
            if (s->host != k[i].host || s->sock != k[i].id)
                continue;
            if (first) {
                char who[64];
                sock_title(l, &k[i], who, sizeof who);
                fputs("<li>", f);
                html_escape(f, who, strlen(who));
                fprintf(f, ": %s", tcp_state_name((enum tcp_state)s->old_state));
                first = false;
            }
            fprintf(f, " &rarr; <b>%s</b> (", tcp_state_name((enum tcp_state)s->new_state));
            const char *why = tcp_cause_name((enum tcp_cause)s->cause);
            html_escape(f, why, strlen(why));
            fputc(')', f);
        }
        if (!first)
            fputs("</li>\n", f);
    }
    fputs("</ol>\n", f);
}

/* Payload segments a socket sent: bulk if at least this many. */
#define REPORT_BULK_SEGS 12

static size_t segs_sent(const struct slog *l, const struct slog_sock *k)
{
    size_t n = 0;
    for (size_t j = 0; j < l->frames.n; j++) {
        struct dseg s;
        const struct slog_frame *fr = slog_frame_at(l, j);
        if (fr->from == k->host && dseg_parse(fr, &s) && s.len && s.src == k->laddr &&
            s.sport == k->lport && s.dst == k->raddr && s.dport == k->rport)
            n++;
    }
    return n;
}

int report_html(const char *path, const struct report_meta *m, const struct report_text *t,
                const struct slog *l, char *err, size_t cap)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, cap, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    fflush(t->m);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_escape(f, m->path, strlen(m->path));
    fprintf(f, " - tcplab lab notebook</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
    fputs("<h1>tcplab lab notebook</h1>\n<p class=\"meta\">", f);
    html_escape(f, m->path, strlen(m->path));
    fprintf(f, ": tcplab %s, %s mode, seed %llu", m->version, m->mode, (unsigned long long)m->seed);
    if (m->lab && *m->lab) {
        fputs(", lab ", f);
        html_escape(f, m->lab, strlen(m->lab));
    }
    fputs("</p>\n<h2>1. The session</h2>\n<pre id=\"session\">", f);
    fwrite(t->buf, 1, t->len, f);
    fputs("</pre>\n<h2>2. Ladder diagram</h2>\n", f);
    int rc = figure(f, "ladder", "Every frame of the session, socket calls and state changes.",
                    l, DRAW_LADDER, NULL, err, cap);
    fputs("<h2>3. State paths</h2>\n", f);
    state_paths(f, l);
    if (rc == 0 && l->states.n)
        rc = figure(f, "states", "RFC 9293 Figure 5 with each socket's path, numbered, and "
                    "its current state framed.", l, DRAW_STATES, NULL, err, cap);
    fputs("<h2>4. Graphs of the bulk transfers</h2>\n", f);
    const struct slog_sock *k = l->socks.v;
    size_t ngraphs = 0;
    for (size_t i = 0; rc == 0 && i < l->socks.n; i++) {
        if (!k[i].lport || !k[i].rport || segs_sent(l, &k[i]) < REPORT_BULK_SEGS)
            continue;
        struct draw_opts o = {.nsock = 1, .sock = {&k[i]}};
        char who[64], id[48], cap1[160];
        sock_title(l, &k[i], who, sizeof who);
        snprintf(id, sizeof id, "seq-%d-%d", k[i].host, k[i].id);
        snprintf(cap1, sizeof cap1, "Time-sequence graph of the data %s sent.", who);
        rc = figure(f, id, cap1, l, DRAW_SEQ, &o, err, cap);
        snprintf(id, sizeof id, "cwnd-%d-%d", k[i].host, k[i].id);
        snprintf(cap1, sizeof cap1, "Congestion window of %s.", who);
        if (rc == 0)
            rc = figure(f, id, cap1, l, DRAW_CWND, &o, err, cap);
        ngraphs++;
    }
    if (rc == 0 && !ngraphs)
        fputs("<p>No connection of this session carried bulk data.</p>\n", f);
    fputs("</body>\n</html>\n", f);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(err, cap, "cannot write '%s': %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}
