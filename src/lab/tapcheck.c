/* Consistency of a transcript that cannot be replayed (tap mode): read
 * from its text alone, the decoded segments (tcpdump -n -S lines) and the
 * transition lines must add up.
 *
 *  - Sequence numbers advance by what was sent: a segment "seq N:M" carries
 *    M - N bytes, its "length", and no segment starts beyond the highest
 *    sequence number its sender has used so far (SYN and FIN count one,
 *    RFC 9293 §3.4); earlier numbers are retransmissions.
 *  - Every ACK acknowledges only what was sent: "ack A" never passes the
 *    highest sequence number the other side has used.
 *  - States change only along edges of the state table (stack/tcp_fsm.h:
 *    RFC 9293 §3.3.2 Figure 5, its notes, such as the edge to CLOSED
 *    that ABORT and RST take from any state, and the Linux additions).
 *    The line shows states and causes as text; the states are checked,
 *    since the kernel host's causes are inferred from the wire.
 *
 * Frames the transcript does not show break the arithmetic honestly: a
 * bulk transfer's "... N more frames ..." summary starts each connection
 * afresh (and since the first segment seen after it may be a
 * retransmission, an ACK or a segment beyond it then says what the hidden
 * frames sent),
 * and while `filter`, `show decode off` or a decode without -S is in force
 * the sequence checks pause. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab.h"
#include "lab/match.h"
#include "lab/tapcheck.h"
#include "stack/tcp_fsm.h"

#define MAX_CONNS 256

struct dir_state {
    bool known;
    bool gap;                   /* learned again after frames the transcript left out */
    uint32_t isn, max;          /* first SYN's number; highest sequence used + 1 */
};

struct conn {
    char a[32], b[32];          /* "10.10.1.100.51037": a is the first sender seen */
    struct dir_state d[2];      /* 0: a -> b, 1: b -> a */
};

struct checker {
    struct conn conns[MAX_CONNS];
    size_t nconns;
    bool paused_filter, paused_decode, paused_rel;
    struct tap_check_stats *st;
    char *why;
    size_t cap;
};

static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static struct conn *conn_for(struct checker *c, const char *src, const char *dst, int *dir)
{
    for (size_t i = 0; i < c->nconns; i++) {
        struct conn *k = &c->conns[i];
        if (strcmp(k->a, src) == 0 && strcmp(k->b, dst) == 0) {
            *dir = 0;
            return k;
        }
        if (strcmp(k->a, dst) == 0 && strcmp(k->b, src) == 0) {
            *dir = 1;
            return k;
        }
    }
    if (c->nconns == MAX_CONNS)
        return NULL;
    struct conn *k = &c->conns[c->nconns++];
    memset(k, 0, sizeof *k);
    snprintf(k->a, sizeof k->a, "%s", src);
    snprintf(k->b, sizeof k->b, "%s", dst);
    *dir = 0;
    return k;
}

/* ---- one decoded TCP segment --------------------------------------------- */

struct seg {
    char src[32], dst[32];
    unsigned flags;             /* LAB_TH_* */
    bool has_seq, has_end, has_ack;
    uint32_t seq, end, ack;
    long length;
};

static bool num_after(const char *s, const char *key, uint32_t *v, const char **next)
{
    const char *p = strstr(s, key);
    if (!p)
        return false;
    p += strlen(key);
    if (!isdigit((unsigned char)*p))
        return false;
    char *e;
    unsigned long long x = strtoull(p, &e, 10);
    *v = (uint32_t)x;
    if (next)
        *next = e;
    return true;
}

/* "... 10.10.1.100.51037 > 10.10.2.100.4000: Flags [P.], seq 1:13, ack 5, ..., length 12" */
static bool parse_seg(const char *t, struct seg *s)
{
    memset(s, 0, sizeof *s);
    const char *f = strstr(t, ": Flags [");
    if (!f)
        return false;
    const char *d = f;
    while (d > t && d[-1] != ' ')
        d--;
    if (d - t < 3 || memcmp(d - 3, " > ", 3) != 0)
        return false;
    const char *se = d - 3, *sb = se;
    while (sb > t && sb[-1] != ' ')
        sb--;
    if (f - d >= (long)sizeof s->dst || se - sb >= (long)sizeof s->src || se == sb)
        return false;
    snprintf(s->dst, sizeof s->dst, "%.*s", (int)(f - d), d);
    snprintf(s->src, sizeof s->src, "%.*s", (int)(se - sb), sb);
    const char *p = f + 9;
    if (strncmp(p, "none]", 5) != 0)
        for (; *p && *p != ']'; p++)
            s->flags |= *p == 'S' ? LAB_TH_SYN : *p == 'F' ? LAB_TH_FIN : *p == 'R' ? LAB_TH_RST
                      : *p == '.' ? LAB_TH_ACK : 0;
    const char *after = strchr(f + 9, ']');
    if (!after)
        return false;
    const char *e;
    /* the TCP fields end at ", length N" (options may hold other words) */
    const char *len = strstr(after, ", length ");
    char fields[512];
    snprintf(fields, sizeof fields, "%.*s", len ? (int)(len - after) : (int)strlen(after), after);
    if (num_after(fields, ", seq ", &s->seq, &e)) {
        s->has_seq = true;
        if (*e == ':' && isdigit((unsigned char)e[1])) {
            s->has_end = true;
            s->end = (uint32_t)strtoull(e + 1, NULL, 10);
        }
    }
    s->has_ack = num_after(fields, ", ack ", &s->ack, NULL);
    s->length = len ? strtol(len + 9, NULL, 10) : -1;
    return true;
}

static int fail(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct checker *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, c->cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_seg(struct checker *c, const char *text)
{
    struct seg s;
    if (!parse_seg(text, &s))
        return 0;
    c->st->segments++;
    if (s.has_end && s.length >= 0 && s.end - s.seq != (uint32_t)s.length)
        return fail(c, "seq %u:%u carries %u bytes but the segment says length %ld", s.seq,
                    s.end, s.end - s.seq, s.length);
    if (s.has_seq && !s.has_end && s.length > 0)
        return fail(c, "seq %u without its end, yet length %ld", s.seq, s.length);
    if (c->paused_filter || c->paused_decode || c->paused_rel)
        return 0;
    int dir;
    struct conn *k = conn_for(c, s.src, s.dst, &dir);
    if (!k)
        return 0;
    struct dir_state *me = &k->d[dir], *peer = &k->d[1 - dir];
    uint32_t used = (uint32_t)(s.length > 0 ? s.length : 0) + !!(s.flags & LAB_TH_SYN) +
                    !!(s.flags & LAB_TH_FIN);
    if (s.has_seq && !(s.flags & LAB_TH_RST)) {
        if ((s.flags & LAB_TH_SYN) && (!me->known || s.seq != me->isn)) {
            /* a new connection on these ports: both sides start afresh */
            if (!(s.flags & LAB_TH_ACK))
                peer->known = false;
            me->known = true;
            me->gap = false;
            me->isn = s.seq;
            me->max = s.seq + used;
        } else if (!me->known) {
            me->known = true;
            me->isn = s.seq;
            me->max = s.seq + used;
        } else if (seq_lt(me->max, s.seq) && me->gap) {
            /* learned again from a retransmission: the summary hid the
             * frames that sent up to here (three flows interleave) */
            me->max = s.seq + used;
        } else if (seq_lt(me->max, s.seq)) {
            return fail(c, "%s sends seq %u, but has sent only up to %u: %u bytes never sent",
                        s.src, s.seq, me->max, s.seq - me->max);
        } else if (seq_lt(me->max, s.seq + used)) {
            me->max = s.seq + used;
        }
    }
    if ((s.flags & LAB_TH_ACK) && s.has_ack && peer->known && peer->gap && seq_lt(peer->max, s.ack))
        peer->max = s.ack;                     /* sent in a frame the summary hid */
    if ((s.flags & LAB_TH_ACK) && s.has_ack && peer->known && seq_lt(peer->max, s.ack))
        return fail(c, "%s acknowledges %u, but %s has sent only up to %u", s.src, s.ack,
                    s.dst, peer->max);
    return 0;
}

/* ---- transitions ----------------------------------------------------------- */

static int state_index(const char *s, size_t n)
{
    for (int i = 0; i < TCP__NSTATES; i++) {
        const char *name = tcp_state_name((enum tcp_state)i);
        if (strlen(name) == n && memcmp(name, s, n) == 0)
            return i;
    }
    return -1;
}

/* "romeo  sock (fd 3): CLOSED -> SYN_SENT (connect) -> ESTABLISHED (rcv SYN,ACK)" */
static int check_transition(struct checker *c, const char *line)
{
    int host = -1;
    for (int h = 0; h < LAB_HOSTS && host < 0; h++) {
        size_t k = strlen(lab_host_name(h));
        if (strncmp(line, lab_host_name(h), k) == 0 && line[k] == ' ')
            host = h;
    }
    const char *arrow = strstr(line, " -> ");
    if (host < 0 || !arrow)
        return 0;
    const char *p = arrow;
    while (p > line && !(p[0] == ':' && p[1] == ' '))
        p--;
    if (p == line)
        return 0;
    p += 2;
    int prev = state_index(p, (size_t)(arrow - p));
    if (prev < 0)
        return 0;
    for (const char *a = arrow; a; a = strstr(a + 4, " -> ")) {
        const char *st = a + 4, *e = st;
        while (*e && (isupper((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '_'))
            e++;
        int next = state_index(st, (size_t)(e - st));
        if (next < 0)
            return fail(c, "%s: '%.*s' is not a TCP state", lab_host_name(host), (int)(e - st), st);
        c->st->transitions++;
        if (!tcp_fsm_has_edge((enum tcp_state)prev, (enum tcp_state)next))
            return fail(c, "%s: %s -> %s is not an edge of the TCP state diagram",
                        lab_host_name(host), tcp_state_name((enum tcp_state)prev),
                        tcp_state_name((enum tcp_state)next));
        prev = next;
    }
    return 0;
}

/* ---- the commands that change what the text shows ---------------------------- */

static void command(struct checker *c, const char *cmd)
{
    while (*cmd == ' ')
        cmd++;
    for (int h = 0; h < LAB_HOSTS; h++) {
        size_t k = strlen(lab_host_name(h));
        if (strncmp(cmd, lab_host_name(h), k) == 0 && cmd[k] == ':')
            for (cmd += k + 1; *cmd == ' '; cmd++)
                ;
    }
    if (strncmp(cmd, "filter ", 7) == 0)
        c->paused_filter = strcmp(cmd + 7, "off") != 0;
    else if (strcmp(cmd, "show decode off") == 0)
        c->paused_decode = true;
    else if (strcmp(cmd, "show decode on") == 0)
        c->paused_decode = false;
    else if (strncmp(cmd, "decode ", 7) == 0) {
        /* relative numbers unless some flag word holds S */
        bool abs = false;
        for (const char *w = cmd + 7; *w; w++)
            if (*w == '-')
                for (w++; *w && *w != ' '; w++)
                    abs |= *w == 'S';
        c->paused_rel = !abs;
    }
}

static bool prompt_line(const char *s, const char **cmd)
{
    for (int h = 0; h < LAB_HOSTS; h++) {
        size_t k = strlen(lab_host_name(h));
        if (strncmp(s, lab_host_name(h), k) == 0 && s[k] == '>' && s[k + 1] == ' ') {
            *cmd = s + k + 2;
            return true;
        }
    }
    return false;
}

/* "   0.000200 romeo > juliet  IP ..." */
static bool frame_line(const char *s)
{
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    if (*s++ != '.')
        return false;
    for (int i = 0; i < 6; i++)
        if (!isdigit((unsigned char)*s++))
            return false;
    return *s == ' ' && strstr(s, " > ") != NULL;
}

size_t tap_check(char *const *lines, size_t n, size_t first, struct tap_check_stats *st,
                 char *why, size_t cap)
{
    struct checker *c = calloc(1, sizeof *c);
    struct tap_check_stats dummy = {0, 0};
    if (!c) {
        snprintf(why, cap, "out of memory");
        return first + 1;
    }
    c->st = st ? st : &dummy;
    c->why = why;
    c->cap = cap;
    memset(c->st, 0, sizeof *c->st);
    char *frame = NULL;
    size_t flen = 0, fline = 0, bad = 0;
    for (size_t i = first; i <= n && !bad; i++) {
        const char *s = i < n ? lines[i] : "";
        bool cont = frame && i < n && strncmp(s, "        ", 8) == 0 && !frame_line(s);
        if (cont) {
            size_t add = strlen(s);
            char *nf = realloc(frame, flen + add + 2);
            if (nf) {
                frame = nf;
                frame[flen++] = ' ';
                memcpy(frame + flen, s, add + 1);
                flen += add;
            }
            continue;
        }
        if (frame) {
            if (check_seg(c, frame) < 0)
                bad = fline + 1;
            free(frame);
            frame = NULL;
        }
        if (bad || i == n)
            break;
        const char *cmd;
        if (lab_is_lab_line(s, strlen(s)))
            continue;
        if (prompt_line(s, &cmd)) {
            command(c, cmd);
        } else if (frame_line(s)) {
            frame = strdup(s);
            flen = frame ? strlen(frame) : 0;
            fline = i;
        } else if (strstr(s, " more frames ...")) {
            for (size_t k = 0; k < c->nconns; k++)
                for (int d = 0; d < 2; d++) {
                    c->conns[k].d[d].known = false;
                    c->conns[k].d[d].gap = true;
                }
        } else if (check_transition(c, s) < 0) {
            bad = i + 1;
        }
    }
    free(frame);
    free(c);
    return bad;
}
