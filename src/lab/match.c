/* Checkpoints matched on the shell's output text (design.md "What every
 * socket call prints"): frame lines "   0.000200 romeo > juliet  IP ...",
 * transition lines "romeo  sock (fd 3): CLOSED -> SYN_SENT (connect)",
 * TCB blocks (a line starting with the host, then indented "NAME VALUE"
 * lines), results (b'...', "N bytes received") and Python exceptions
 * ("ConnectionRefusedError: [Errno 111] ..."). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/match.h"

void lab_matcher_init(struct lab_matcher *m, const struct lab *lab)
{
    memset(m, 0, sizeof *m);
    m->lab = lab;
    m->res = calloc(lab->nchecks ? lab->nchecks : 1, sizeof *m->res);
    m->blk_host = -1;
}

void lab_matcher_free(struct lab_matcher *m)
{
    free(m->res);
    free(m->frame);
    m->res = NULL;
    m->frame = NULL;
}

int lab_matcher_score(const struct lab_matcher *m)
{
    int s = 0;
    for (size_t i = 0; i < m->lab->nchecks; i++)
        if (m->res && m->res[i].met)
            s += m->lab->checks[i].points;
    return s;
}

bool lab_is_lab_line(const char *s, size_t n)
{
    size_t k = sizeof LAB_PREFIX - 1;
    return n >= k && memcmp(s, LAB_PREFIX, k) == 0;
}

/* A host name at s followed by `after` (a character), or -1. */
static int host_at(const char *s, size_t n, char after)
{
    for (int h = 0; h < LAB_HOSTS; h++) {
        const char *name = lab_host_name(h);
        size_t k = strlen(name);
        if (n > k && memcmp(s, name, k) == 0 && s[k] == after)
            return h;
    }
    return -1;
}

int lab_command_host(int cur, const char *cmd)
{
    while (*cmd == ' ' || *cmd == '\t')
        cmd++;
    int h = host_at(cmd, strlen(cmd), ':');
    return h >= 0 ? h : cur;
}

/* ---- events -------------------------------------------------------------- */

/* The next event; a checkpoint "after X" counts only events after X's. */
static size_t next_event(struct lab_matcher *m)
{
    return ++m->seq;
}

static void hit(struct lab_matcher *m, size_t i, size_t ev, size_t line)
{
    struct lab_result *r = &m->res[i];
    const struct lab_check *c = &m->lab->checks[i];
    if (r->met)
        return;
    if (c->after >= 0 && !(m->res[c->after].met && m->res[c->after].seq < ev))
        return;
    r->met = true;
    r->seq = ev;
    r->line = line;
    m->nmet++;
}

/* Every checkpoint of `kind`: the loop the matchers below share. */
#define FOR_CHECKS(m, i, c, k)                                                   \
    for (size_t i = 0; i < (m)->lab->nchecks; i++)                               \
        for (const struct lab_check *c = &(m)->lab->checks[i]; c; c = NULL)      \
            if (c->kind == (k) && !(m)->res[i].met)

/* ---- frames -------------------------------------------------------------- */

/* "   0.000200 romeo > juliet  TEXT": the hosts and where TEXT starts. */
static bool frame_start(const char *s, size_t n, int *from, int *to, size_t *text)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == d || i >= n || s[i] != '.')
        return false;
    i++;
    for (int k = 0; k < 6; k++, i++)
        if (i >= n || !isdigit((unsigned char)s[i]))
            return false;
    if (i >= n || s[i++] != ' ')
        return false;
    *from = host_at(s + i, n - i, ' ');
    if (*from < 0)
        return false;
    i += strlen(lab_host_name(*from)) + 1;
    if (i + 2 > n || s[i] != '>' || s[i + 1] != ' ')
        return false;
    i += 2;
    *to = host_at(s + i, n - i, ' ');
    if (*to < 0)
        return false;
    i += strlen(lab_host_name(*to));
    while (i < n && s[i] == ' ')
        i++;
    *text = i;
    return true;
}

static unsigned tcp_flags(const char *f)
{
    unsigned bits = 0;
    if (strncmp(f, "none]", 5) == 0)
        return 0;
    for (; *f && *f != ']'; f++)
        switch (*f) {
        case 'S': bits |= LAB_TH_SYN; break;
        case 'F': bits |= LAB_TH_FIN; break;
        case 'R': bits |= LAB_TH_RST; break;
        case 'P': bits |= LAB_TH_PUSH; break;
        case 'U': bits |= LAB_TH_URG; break;
        case 'E': bits |= LAB_TH_ECE; break;
        case 'W': bits |= LAB_TH_CWR; break;
        case 'e': bits |= LAB_TH_AE; break;
        case '.': bits |= LAB_TH_ACK; break;
        default: break;
        }
    return bits;
}

/* The port at the end of "10.10.1.100.51037", the token ending at end. */
static long token_port(const char *start, const char *end)
{
    const char *p = end;
    while (p > start && p[-1] != ' ')
        p--;
    const char *dot = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '.')
            dot = q;
    if (!dot || dot + 1 >= end)
        return -1;
    long v = 0;
    for (const char *q = dot + 1; q < end; q++) {
        if (!isdigit((unsigned char)*q))
            return -1;
        v = v * 10 + (*q - '0');
    }
    return v;
}

/* What a segment is in the flow of its sender, from tcpdump -S's text. */
struct seg_facts {
    bool retransmit;           /* data starting below what the sender had sent */
    int dupack;                /* a pure ACK: how many duplicates in a row, else 0 */
    int covers;                /* a pure ACK: full segments newly acknowledged */
    bool sack;
    bool update;               /* a pure ACK: the same ACK number, a larger window */
};

static unsigned long num_after(const char *t, const char *key, bool *found)
{
    const char *k = strstr(t, key);
    *found = k != NULL;
    return k ? strtoul(k + strlen(key), NULL, 10) : 0;
}

/* Track the flows; `from` sent the segment whose text is t. */
static struct seg_facts seg_facts(struct lab_matcher *m, int from, const char *t)
{
    struct seg_facts sf = {0};
    const char *f = strstr(t, ": Flags [");
    if (!f)
        return sf;
    unsigned bits = tcp_flags(f + 9);
    struct lab_flow *fl = &m->flow[from];
    if (bits & (LAB_TH_SYN | LAB_TH_RST)) {         /* a new connection, or none */
        memset(fl, 0, sizeof *fl);
        memset(&m->flow[1 - from], 0, sizeof *fl);
        return sf;
    }
    bool has_len, has_seq, has_ack, has_win;
    unsigned long len = num_after(f, "length ", &has_len);
    const char *seq = strstr(f, ", seq ");
    has_seq = seq != NULL;
    uint32_t start = has_seq ? (uint32_t)strtoul(seq + 6, NULL, 10) : 0;
    uint32_t ack = (uint32_t)num_after(f, ", ack ", &has_ack);
    uint32_t win = (uint32_t)num_after(f, ", win ", &has_win);
    sf.sack = strstr(f, ",sack ") != NULL || strstr(f, "[sack ") != NULL;
    if (len && has_seq) {
        uint32_t end = start + (uint32_t)len;
        if (fl->seen && (int32_t)(start - fl->hi) < 0)
            sf.retransmit = true;
        if (!fl->seen || (int32_t)(end - fl->hi) > 0)
            fl->hi = end;
        fl->seen = true;
        if (len > fl->maxseg)
            fl->maxseg = (uint32_t)len;
    } else if (has_ack && !(bits & LAB_TH_FIN)) {
        /* RFC 5681 section 2: the same ACK number and window, no data,
         * while the other side has data outstanding */
        const struct lab_flow *peer = &m->flow[1 - from];
        bool outstanding = peer->seen && (int32_t)(peer->hi - ack) > 0;
        if (fl->acked && ack == fl->ack && has_win && win == fl->win && outstanding) {
            sf.dupack = ++fl->dups;
        } else if (fl->acked && ack == fl->ack && has_win && win > fl->win) {
            sf.update = true;               /* RFC 9293 section 3.8.6.2.2 */
            fl->dups = 0;
        } else {
            uint32_t mss = peer->maxseg;
            if (fl->acked && mss && (int32_t)(ack - fl->ack) > 0)
                sf.covers = (int)((ack - fl->ack) / mss);
            fl->dups = 0;
        }
        fl->acked = true;
        fl->ack = ack;
        fl->win = win;
    }
    return sf;
}

static bool segment_matches(const struct lab_check *c, const char *t, const struct seg_facts *sf)
{
    if ((c->retransmit && !sf->retransmit) || (c->sack && !sf->sack) ||
        (c->update && !sf->update) ||
        (c->dupack && sf->dupack < c->dupack) || (c->covers && sf->covers < c->covers))
        return false;
    const char *f = strstr(t, ": Flags [");
    if (!f)
        return false;
    unsigned bits = tcp_flags(f + 9);
    if (c->flags_given) {
        if (c->flags_atleast ? (bits & c->flags) != c->flags : bits != c->flags)
            return false;
    }
    if (c->length != LAB_LEN_ANY) {
        const char *l = strstr(f, "length ");
        long len = l ? strtol(l + 7, NULL, 10) : 0;
        if (c->length == LAB_LEN_DATA ? len <= 0 : len != c->length)
            return false;
    }
    if (c->port >= 0) {
        /* "SRC > DST: Flags": DST ends at f, SRC ends before " > " */
        long dport = token_port(t, f);
        const char *gt = f;
        while (gt > t && *gt != ' ')
            gt--;
        long sport = gt - t >= 2 && gt[-1] == '>' ? token_port(t, gt - 2) : -1;
        if (sport != c->port && dport != c->port)
            return false;
    }
    return true;
}

static void flush_frame(struct lab_matcher *m)
{
    if (!m->in_frame)
        return;
    m->in_frame = false;
    const char *t = m->frame ? m->frame : "";
    size_t ev = next_event(m);
    struct seg_facts sf = seg_facts(m, m->ffrom, t);
    FOR_CHECKS(m, i, c, LAB_CK_SEGMENT)
        if (c->host == m->ffrom && c->to == m->fto && segment_matches(c, t, &sf))
            hit(m, i, ev, m->fline);
    FOR_CHECKS(m, i, c, LAB_CK_FRAME)
        if (c->host == m->ffrom && c->to == m->fto && strstr(t, c->text))
            hit(m, i, ev, m->fline);
}

static void frame_append(struct lab_matcher *m, const char *s, size_t n)
{
    if (m->flen + n + 2 > m->fcap) {
        size_t cap = (m->flen + n + 2) * 2;
        char *nf = realloc(m->frame, cap);
        if (!nf)
            return;
        m->frame = nf;
        m->fcap = cap;
    }
    if (m->flen)
        m->frame[m->flen++] = ' ';
    memcpy(m->frame + m->flen, s, n);
    m->flen += n;
    m->frame[m->flen] = '\0';
}

/* ---- TCB blocks ---------------------------------------------------------- */

static const uint32_t *tcb_get(const struct lab_tcbvals *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0)
            return &t->v[i];
    return NULL;
}

static void tcb_set(struct lab_tcbvals *t, const char *name, uint32_t v)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0) {
            t->v[i] = v;
            return;
        }
    if (t->n == LAB_TCB_FIELDS)
        return;
    snprintf(t->name[t->n], LAB_FIELD_LEN, "%s", name);
    t->v[t->n++] = v;
}

/* "  SND.UNA 3325107928* SND.NXT 3325107928*", "Send-Q 0  in flight 0":
 * words name the number after them; a '*' marks a changed value. */
static void tcb_fields(struct lab_tcbvals *t, const char *s, size_t n)
{
    char name[64];
    size_t nl = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        size_t b = i;
        while (i < n && s[i] != ' ')
            i++;
        size_t e = i;
        if (e == b)
            break;
        const char *eq = memchr(s + b, '=', e - b);
        if (eq) {                             /* NAME=VALUE */
            nl = 0;
            size_t k = (size_t)(eq - (s + b));
            if (k < sizeof name) {
                memcpy(name, s + b, k);
                nl = k;
            }
            b = (size_t)(eq - s) + 1;
        }
        size_t d = b;
        while (d < e && isdigit((unsigned char)s[d]))
            d++;
        bool number = d > b && (d == e || (d + 1 == e && s[d] == '*'));
        if (number && nl) {
            char norm[LAB_FIELD_LEN];
            lab_field_norm(name, nl, norm, sizeof norm);
            tcb_set(t, norm, (uint32_t)strtoul(s + b, NULL, 10));
            nl = 0;
        } else if (number) {
            nl = 0;
        } else {
            size_t k = e - b;
            if (k && s[e - 1] == ':')
                k--;
            if (nl + k + 1 < sizeof name) {
                if (nl)
                    name[nl++] = ' ';
                memcpy(name + nl, s + b, k);
                nl += k;
            } else {
                nl = 0;
            }
        }
    }
}

static void end_block(struct lab_matcher *m)
{
    if (m->blk_host < 0)
        return;
    struct lab_tcbvals *l = &m->latest[m->blk_host];
    if (m->blk.n) {
        for (int i = 0; i < m->blk.n; i++)
            tcb_set(l, m->blk.name[i], m->blk.v[i]);
        l->line = m->blk.line;
        m->tcb_seen[m->blk_host] = true;
    }
    m->blk_host = -1;
}

static void eval_tcb(struct lab_matcher *m)
{
    size_t ev = next_event(m);
    FOR_CHECKS(m, i, c, LAB_CK_TCB) {
        if (!m->tcb_seen[c->host] && !(c->value_field && m->tcb_seen[c->vhost]))
            continue;
        const uint32_t *a = tcb_get(&m->latest[c->host], c->field);
        const uint32_t *b = c->value_field ? tcb_get(&m->latest[c->vhost], c->vfield)
                                           : &c->value;
        if (!a || !b || !lab_compare(*a, c->op, *b))
            continue;
        size_t line = m->latest[c->host].line;
        if (c->value_field && m->latest[c->vhost].line > line)
            line = m->latest[c->vhost].line;
        hit(m, i, ev, line);
    }
    memset(m->tcb_seen, 0, sizeof m->tcb_seen);
}

/* ---- transitions, results, errors ----------------------------------------- */

static bool is_state_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* "romeo  sock (fd 3): CLOSED -> SYN_SENT (connect) -> CLOSED (rcv RST)" */
static bool transition(struct lab_matcher *m, int host, const char *s, size_t n, size_t line)
{
    const char *arrow = memmem(s, n, " -> ", 4);
    if (!arrow)
        return false;
    const char *colon = arrow;
    while (colon > s && !(colon[0] == ':' && colon[1] == ' '))
        colon--;
    if (colon == s)
        return false;
    for (const char *q = colon + 2; q < arrow; q++)
        if (!is_state_char(*q))
            return false;
    /* the socket's name: the word before " (fd" */
    const char *who = s + strlen(lab_host_name(host));
    while (*who == ' ')
        who++;
    char sock[LAB_NAME_LEN] = "";
    const char *paren = memmem(who, (size_t)(colon - who), " (fd ", 5);
    if (paren && paren - who < (long)sizeof sock && !memchr(who, ' ', (size_t)(paren - who)))
        snprintf(sock, sizeof sock, "%.*s", (int)(paren - who), who);
    const char *end = s + n;
    for (const char *p = arrow; p && p + 4 <= end; p = memmem(p + 4, (size_t)(end - p - 4), " -> ", 4)) {
        const char *st = p + 4, *e = st;
        while (e < end && is_state_char(*e))
            e++;
        char state[32];
        snprintf(state, sizeof state, "%.*s", (int)(e - st), st);
        size_t ev = next_event(m);
        FOR_CHECKS(m, i, c, LAB_CK_STATE)
            if (c->host == host && strcmp(c->state, state) == 0 &&
                (!c->sock[0] || strcmp(c->sock, sock) == 0))
                hit(m, i, ev, line);
        if (end - e < 4)
            break;
    }
    return true;
}

static void add_bytes(struct lab_matcher *m, uint64_t n, bool eof, size_t line)
{
    int h = m->res_host;
    m->bytes[h] += n;
    size_t ev = next_event(m);
    FOR_CHECKS(m, i, c, LAB_CK_BYTES)
        if (c->host == h && m->bytes[h] >= c->bytes)
            hit(m, i, ev, line);
    if (eof)
        FOR_CHECKS(m, i, c, LAB_CK_EOF)
            if (c->host == h)
                hit(m, i, ev, line);
}

/* b'Hello\n' (Python's repr), maybe "NAME = " before or "(" for UDP. */
static bool recv_result(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    size_t i = 0;
    bool udp = false;
    if (i < n && s[i] == '(') {
        udp = true;
        i++;
    }
    size_t id = i;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
        i++;
    if (i > id && i + 3 <= n && memcmp(s + i, " = ", 3) == 0)
        i += 3;
    else
        i = id;
    if (i + 2 > n || s[i] != 'b' || (s[i + 1] != '\'' && s[i + 1] != '"'))
        return false;
    char q = s[i + 1];
    uint64_t count = 0;
    for (i += 2; i < n && s[i] != q; i++, count++)
        if (s[i] == '\\' && i + 1 < n)
            i += s[i + 1] == 'x' ? 3 : 1;
    if (i >= n)
        return false;
    const char *all = memmem(s + i, n - i, " bytes in all)", 14);
    if (all) {
        const char *p = all;
        while (p > s && isdigit((unsigned char)p[-1]))
            p--;
        count = strtoull(p, NULL, 10);
    }
    add_bytes(m, count, count == 0 && !udp, line);
    return true;
}

/* "N bytes received (end of stream), sha256 ...", "N bytes received before the error" */
static bool bulk_result(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0 || i + 15 > n || memcmp(s + i, " bytes received", 15) != 0)
        return false;
    /* Only recv --all prints this.  Its completion is not announced with
     * "HOST: ... returned:", so when the command's host has none waiting
     * and the other host has, the bytes are the other host's. */
    int h = m->res_host;
    if (h == m->cmd_host && !m->all_pending[h] && m->all_pending[1 - h])
        m->res_host = h = 1 - h;
    m->all_pending[h] = false;
    bool eof = memmem(s, n, "(end of stream)", 15) != NULL;
    add_bytes(m, strtoull(s, NULL, 10), eof, line);
    return true;
}

/* "ConnectionRefusedError: [Errno 111] Connection refused" */
static bool os_error(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    const char *e = memmem(s, n, ": [Errno ", 9);
    if (!e)
        return false;
    for (const char *q = s; q < e; q++)
        if (!isalnum((unsigned char)*q))
            return false;
    int err = atoi(e + 9);
    size_t ev = next_event(m);
    FOR_CHECKS(m, i, c, LAB_CK_ERROR) {
        if (c->host != m->res_host)
            continue;
        bool ok = c->errclass[0] ? strlen(c->errclass) == (size_t)(e - s) &&
                                       memcmp(c->errclass, s, (size_t)(e - s)) == 0
                                 : c->err == err;
        if (ok)
            hit(m, i, ev, line);
    }
    return true;
}

/* ---- commands and lines ---------------------------------------------------- */

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* print "..." prints what the student typed: never evidence. */
static bool is_print(const char *cmd)
{
    const char *p = cmd;
    while (*p == ' ' || *p == '\t')
        p++;
    int h = host_at(p, strlen(p), ':');
    if (h >= 0)
        p += strlen(lab_host_name(h)) + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    return strncmp(p, "print", 5) == 0 && (p[5] == ' ' || p[5] == '(' || p[5] == '\t');
}

/* "recv SOCK --all" (or "HOST: recv SOCK --all") */
static bool is_recv_all(const char *cmd)
{
    const char *p = cmd + strspn(cmd, " \t");
    int h = host_at(p, strlen(p), ':');
    if (h >= 0)
        p += strlen(lab_host_name(h)) + 1;
    p += strspn(p, " \t");
    return strncmp(p, "recv ", 5) == 0 && strstr(p, " --all") != NULL;
}

void lab_matcher_command(struct lab_matcher *m, int host, const char *cmd, size_t line)
{
    if (m->in_cmd)
        lab_matcher_end(m);
    m->in_cmd = true;
    m->cmd_host = m->res_host = host;
    m->skip = is_print(cmd);
    if (is_recv_all(cmd))
        m->all_pending[host] = true;
    size_t ev = next_event(m);
    FOR_CHECKS(m, i, c, LAB_CK_COMMAND)
        if (c->host == host && strstr(cmd, c->text))
            hit(m, i, ev, line);
}

static void output_checks(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    size_t ev = next_event(m);
    FOR_CHECKS(m, i, c, LAB_CK_OUTPUT)
        if (c->host == m->res_host && memmem(s, n, c->text, strlen(c->text)))
            hit(m, i, ev, line);
}

/* The text without ANSI colour (a terminal session's output has it). */
static size_t strip_ansi(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (s[i] == '\033') {
            for (i++; i < n && !(s[i] >= '@' && s[i] <= '~' && s[i] != '['); i++)
                ;
            continue;
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return o;
}

static void match_line(struct lab_matcher *m, const char *s, size_t n, size_t line);

void lab_matcher_line(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    if (!memchr(s, '\033', n)) {
        match_line(m, s, n, line);
        return;
    }
    char *plain = malloc(n + 1);
    if (!plain)
        return;
    match_line(m, plain, strip_ansi(s, n, plain, n + 1), line);
    free(plain);
}

static void match_line(struct lab_matcher *m, const char *s, size_t n, size_t line)
{
    if (m->skip || lab_is_lab_line(s, n))
        return;
    int from, to;
    size_t text;
    bool start = frame_start(s, n, &from, &to, &text);
    if (m->in_frame && !start && n > 8 && memcmp(s, "        ", 8) == 0) {
        frame_append(m, s + strspn(s, " "), n - strspn(s, " "));
        return;
    }
    flush_frame(m);
    output_checks(m, s, n, line);
    if (start) {
        end_block(m);
        m->in_frame = true;
        m->ffrom = from;
        m->fto = to;
        m->fline = line;
        m->flen = 0;
        frame_append(m, s + text, n - text);
        return;
    }
    if (n && s[0] == ' ') {
        if (m->blk_host >= 0)
            tcb_fields(&m->blk, s, n);
        return;
    }
    end_block(m);
    int h = host_at(s, n, ':');
    if (h >= 0 && (ends_with(s, n, " returned:") || ends_with(s, n, " interrupted"))) {
        m->res_host = h;
        if (ends_with(s, n, " interrupted"))
            m->all_pending[h] = false;
        return;
    }
    h = host_at(s, n, ' ');
    if (h >= 0) {
        if (!transition(m, h, s, n, line)) {
            m->blk_host = h;
            memset(&m->blk, 0, sizeof m->blk);
            m->blk.line = line;
        }
        return;
    }
    if (recv_result(m, s, n, line) || bulk_result(m, s, n, line))
        return;
    os_error(m, s, n, line);
}

void lab_matcher_end(struct lab_matcher *m)
{
    flush_frame(m);
    end_block(m);
    eval_tcb(m);
    m->in_cmd = false;
    m->skip = false;
}
