/* The lab file: a line-oriented text an instructor writes (man
 * tcplab-labs(5)), parsed once into steps, texts, commands to try,
 * checkpoints and report questions.  Any mistake stops the parse with one
 * line naming the file and the line. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab.h"
#include "stack/tcp_state.h"

const char *lab_kind_name(enum lab_check_kind k)
{
    static const char *const names[] = {
#define LAB_KIND_NAME(name, word) word,
        LAB_CHECK_KINDS(LAB_KIND_NAME)
#undef LAB_KIND_NAME
    };
    return k < LAB_CK__N ? names[k] : "?";
}

void lab_field_norm(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '.' || c == '-' || c == '_' || c == ' ')
            continue;
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
}

/* Sequence numbers compare modulo 2^32 (RFC 9293 §3.4): a < b when the
 * signed difference is negative.  Other TCB values never come near 2^31. */
bool lab_compare(uint32_t a, enum lab_op op, uint32_t b)
{
    int32_t d = (int32_t)(a - b);
    switch (op) {
    case LAB_OP_EQ: return a == b;
    case LAB_OP_NE: return a != b;
    case LAB_OP_LT: return d < 0;
    case LAB_OP_LE: return d <= 0;
    case LAB_OP_GT: return d > 0;
    case LAB_OP_GE: return d >= 0;
    }
    return false;
}

/* ---- the parse --------------------------------------------------------- */

struct parser {
    const char *path;
    int line;
    char *err;
    size_t cap;
    struct lab *lab;
    int step;                   /* current step, -1 before the first */
    bool question_open;         /* indented lines continue the last question */
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
    int n = snprintf(p->err, p->cap, "%s:%d: ", p->path, p->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < p->cap)
        vsnprintf(p->err + n, p->cap - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("tcplab: out of memory\n", stderr);
        exit(1);
    }
    return d;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("tcplab: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static struct lab_item *add_item(struct parser *p, enum lab_item_kind k, const char *text)
{
    struct lab_item **items;
    size_t *n;
    if (p->step < 0) {
        items = &p->lab->intro;
        n = &p->lab->nintro;
    } else {
        items = &p->lab->steps[p->step].items;
        n = &p->lab->steps[p->step].nitems;
    }
    *items = xrealloc(*items, (*n + 1) * sizeof **items);
    struct lab_item *it = &(*items)[(*n)++];
    it->kind = k;
    it->text = xstrdup(text);
    it->check = -1;
    return it;
}

/* Words of a checkpoint spec: each word's start, and the rest of the line. */
#define MAX_WORDS 16
struct words {
    int n;
    char w[MAX_WORDS][LAB_NAME_LEN];
    const char *rest[MAX_WORDS];  /* the text from word i on */
};

static void split_words(const char *s, struct words *W)
{
    W->n = 0;
    while (*s && W->n < MAX_WORDS) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && !isspace((unsigned char)*e))
            e++;
        size_t len = (size_t)(e - s) < LAB_NAME_LEN - 1 ? (size_t)(e - s) : LAB_NAME_LEN - 1;
        W->rest[W->n] = s;
        memcpy(W->w[W->n], s, len);
        W->w[W->n][len] = '\0';
        W->n++;
        s = e;
    }
}

static int parse_host(struct parser *p, const char *w, int *out)
{
    *out = lab_host_index(w);
    if (*out < 0)
        return fail(p, "'%s' is not a host (romeo or juliet)", w);
    return 0;
}

static int parse_number(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1024, end++;
    else if (*end == 'M')
        mul = 1024 * 1024, end++;
    if (*end || errno || v > max / mul)
        return -1;
    *out = v * mul;
    return 0;
}

/* The rest of a spec as TEXT: surrounding double quotes are removed. */
static int parse_text(struct parser *p, struct lab_check *c, const char *rest, const char *what)
{
    if (!rest || !*rest)
        return fail(p, "%s: missing the text to look for", what);
    size_t n = strlen(rest);
    if (n >= 2 && rest[0] == '"' && rest[n - 1] == '"') {
        rest++;
        n -= 2;
    }
    if (n == 0)
        return fail(p, "%s: the text to look for is empty", what);
    c->text = xstrdup(rest);
    c->text[n] = '\0';
    return 0;
}

static int parse_state_name(const char *w, char *out, size_t cap)
{
    char want[32];
    lab_field_norm(w, strlen(w), want, sizeof want);
    if (strcmp(want, "synrcvd") == 0)
        strcpy(want, "synreceived");
    for (int s = 0; s < TCP__NSTATES; s++) {
        char have[32];
        const char *name = tcp_state_name((enum tcp_state)s);
        lab_field_norm(name, strlen(name), have, sizeof have);
        if (strcmp(want, have) == 0) {
            snprintf(out, cap, "%s", name);
            return 0;
        }
    }
    return -1;
}

static int parse_flags(struct parser *p, struct lab_check *c, const char *w)
{
    static const struct { char ch; unsigned bit; } letters[] = {
        {'S', LAB_TH_SYN}, {'F', LAB_TH_FIN}, {'R', LAB_TH_RST}, {'P', LAB_TH_PUSH},
        {'U', LAB_TH_URG}, {'E', LAB_TH_ECE}, {'W', LAB_TH_CWR}, {'e', LAB_TH_AE},
        {'.', LAB_TH_ACK},
    };
    c->flags_given = true;
    if (*w == '+') {
        c->flags_atleast = true;
        w++;
    }
    if (strcmp(w, "none") == 0)
        return 0;
    for (; *w; w++) {
        size_t i;
        for (i = 0; i < sizeof letters / sizeof letters[0]; i++)
            if (letters[i].ch == *w)
                break;
        if (i == sizeof letters / sizeof letters[0])
            return fail(p, "segment: flag '%c' is not one of tcpdump's S F R P U E W . (or none)",
                        *w);
        c->flags |= letters[i].bit;
    }
    return 0;
}

/* segment FROM > TO [flags F] [length N | data] [port N] [retransmit] [sack]
 *         [update] [dupack N] [covers N] */
static int parse_segment(struct parser *p, struct lab_check *c, const struct words *W)
{
    if (W->n < 4 || strcmp(W->w[2], ">") != 0)
        return fail(p, "segment: expected 'segment FROM > TO ...'");
    if (parse_host(p, W->w[1], &c->host) < 0 || parse_host(p, W->w[3], &c->to) < 0)
        return -1;
    c->length = LAB_LEN_ANY;
    c->port = -1;
    for (int i = 4; i < W->n; i++) {
        uint64_t v;
        if (strcmp(W->w[i], "data") == 0 || strcmp(W->w[i], "retransmit") == 0) {
            c->length = LAB_LEN_DATA;
            c->retransmit |= W->w[i][0] == 'r';
            continue;
        }
        if (strcmp(W->w[i], "sack") == 0 || strcmp(W->w[i], "update") == 0) {
            *(W->w[i][0] == 's' ? &c->sack : &c->update) = true;
            continue;
        }
        if (i + 1 >= W->n)
            return fail(p, "segment: '%s' needs a value", W->w[i]);
        if (strcmp(W->w[i], "flags") == 0) {
            if (parse_flags(p, c, W->w[++i]) < 0)
                return -1;
        } else if (strcmp(W->w[i], "length") == 0) {
            if (parse_number(W->w[++i], 65535, &v) < 0)
                return fail(p, "segment: length takes a number, not '%s'", W->w[i]);
            c->length = (long)v;
        } else if (strcmp(W->w[i], "port") == 0) {
            if (parse_number(W->w[++i], 65535, &v) < 0)
                return fail(p, "segment: port takes a number, not '%s'", W->w[i]);
            c->port = (long)v;
        } else if (strcmp(W->w[i], "dupack") == 0 || strcmp(W->w[i], "covers") == 0) {
            if (parse_number(W->w[i + 1], 1000, &v) < 0 || v == 0)
                return fail(p, "segment: %s takes a number from 1, not '%s'", W->w[i],
                            W->w[i + 1]);
            *(W->w[i][0] == 'd' ? &c->dupack : &c->covers) = (int)v;
            c->length = 0;
            i++;
        } else {
            return fail(p, "segment: unknown word '%s' (flags, length, data, port, retransmit, "
                           "sack, update, dupack or covers)", W->w[i]);
        }
    }
    return 0;
}

static const struct { const char *name; int err; } errnames[] = {
    {"ECONNREFUSED", ECONNREFUSED}, {"ECONNRESET", ECONNRESET}, {"ECONNABORTED", ECONNABORTED},
    {"EPIPE", EPIPE}, {"ETIMEDOUT", ETIMEDOUT}, {"EAGAIN", EAGAIN},
    {"EWOULDBLOCK", EWOULDBLOCK}, {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL}, {"ENOTCONN", ENOTCONN}, {"EISCONN", EISCONN},
    {"EINVAL", EINVAL}, {"EBADF", EBADF}, {"EALREADY", EALREADY}, {"EINPROGRESS", EINPROGRESS},
    {"EHOSTUNREACH", EHOSTUNREACH}, {"ENETUNREACH", ENETUNREACH}, {"EMSGSIZE", EMSGSIZE},
    {"EOPNOTSUPP", EOPNOTSUPP}, {"EACCES", EACCES}, {"ENOTSOCK", ENOTSOCK},
    {"EDESTADDRREQ", EDESTADDRREQ}, {"ENOBUFS", ENOBUFS}, {"EMFILE", EMFILE},
};

static int parse_error(struct parser *p, struct lab_check *c, const char *w)
{
    for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
        if (strcmp(w, errnames[i].name) == 0) {
            c->err = errnames[i].err;
            return 0;
        }
    uint64_t v;
    if (parse_number(w, 4095, &v) == 0 && v > 0) {
        c->err = (int)v;
        return 0;
    }
    size_t n = strlen(w);
    bool ident = n > 0 && n < sizeof c->errclass && isupper((unsigned char)w[0]);
    for (size_t i = 0; ident && i < n; i++)
        ident = isalnum((unsigned char)w[i]);
    if (ident && n > 5 && strcmp(w + n - 5, "Error") == 0) {
        snprintf(c->errclass, sizeof c->errclass, "%s", w);
        return 0;
    }
    return fail(p, "error: '%s' is neither an errno name (ECONNREFUSED), a number, "
                   "nor a Python exception (ConnectionRefusedError)", w);
}

static const char *const tcb_fields[] = {
    "snduna", "sndnxt", "sndwnd", "sndup", "sndwl1", "sndwl2", "iss", "rcvnxt", "rcvwnd",
    "rcvup", "irs", "sendq", "recvq", "inflight", "mss", "cwnd", "ssthresh", "rto", "srtt",
    "rttvar", NULL,
};

static int parse_field(struct parser *p, const char *w, char *out)
{
    lab_field_norm(w, strlen(w), out, LAB_FIELD_LEN);
    for (int i = 0; tcb_fields[i]; i++)
        if (strcmp(out, tcb_fields[i]) == 0)
            return 0;
    return fail(p, "tcb: '%s' is not a TCB field (SND.UNA SND.NXT SND.WND SND.UP SND.WL1 "
                   "SND.WL2 ISS RCV.NXT RCV.WND RCV.UP IRS Send-Q Recv-Q in-flight MSS ...)", w);
}

/* tcb HOST FIELD OP VALUE, VALUE a number, a FIELD, or HOST FIELD */
static int parse_tcb(struct parser *p, struct lab_check *c, const struct words *W)
{
    static const struct { const char *s; enum lab_op op; } ops[] = {
        {"=", LAB_OP_EQ}, {"==", LAB_OP_EQ}, {"!=", LAB_OP_NE}, {"<", LAB_OP_LT},
        {"<=", LAB_OP_LE}, {">", LAB_OP_GT}, {">=", LAB_OP_GE},
    };
    if (W->n != 5 && W->n != 6)
        return fail(p, "tcb: expected 'tcb HOST FIELD OP VALUE' (VALUE: a number, a field, "
                       "or HOST FIELD)");
    if (parse_host(p, W->w[1], &c->host) < 0 || parse_field(p, W->w[2], c->field) < 0)
        return -1;
    size_t i;
    for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(W->w[3], ops[i].s) == 0)
            break;
    if (i == sizeof ops / sizeof ops[0])
        return fail(p, "tcb: '%s' is not a comparison (= != < <= > >=)", W->w[3]);
    c->op = ops[i].op;
    uint64_t v;
    c->vhost = c->host;
    if (W->n == 6) {
        c->value_field = true;
        return parse_host(p, W->w[4], &c->vhost) < 0 ? -1 : parse_field(p, W->w[5], c->vfield);
    }
    if (parse_number(W->w[4], UINT32_MAX, &v) == 0) {
        c->value = (uint32_t)v;
        return 0;
    }
    c->value_field = true;
    return parse_field(p, W->w[4], c->vfield);
}

static int parse_spec(struct parser *p, struct lab_check *c, const char *spec)
{
    struct words W;
    split_words(spec, &W);
    if (W.n == 0)
        return fail(p, "check %s: nothing to check after the colon", c->id);
    int k;
    for (k = 0; k < LAB_CK__N; k++)
        if (strcmp(W.w[0], lab_kind_name((enum lab_check_kind)k)) == 0)
            break;
    if (k == LAB_CK__N)
        return fail(p, "check %s: unknown kind '%s' (state segment frame bytes eof error tcb "
                       "output command)", c->id, W.w[0]);
    c->kind = (enum lab_check_kind)k;
    uint64_t v;
    switch (c->kind) {
    case LAB_CK_STATE:
        if (W.n != 3 && W.n != 4)
            return fail(p, "state: expected 'state HOST [SOCKET] STATE'");
        if (parse_host(p, W.w[1], &c->host) < 0)
            return -1;
        if (W.n == 4)
            snprintf(c->sock, sizeof c->sock, "%s", W.w[2]);
        if (parse_state_name(W.w[W.n - 1], c->state, sizeof c->state) < 0)
            return fail(p, "state: '%s' is not a TCP state (CLOSED LISTEN SYN_SENT SYN_RECEIVED "
                           "ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK "
                           "TIME_WAIT)", W.w[W.n - 1]);
        return 0;
    case LAB_CK_SEGMENT:
        return parse_segment(p, c, &W);
    case LAB_CK_FRAME:
        if (W.n < 5 || strcmp(W.w[2], ">") != 0)
            return fail(p, "frame: expected 'frame FROM > TO TEXT'");
        if (parse_host(p, W.w[1], &c->host) < 0 || parse_host(p, W.w[3], &c->to) < 0)
            return -1;
        return parse_text(p, c, W.rest[4], "frame");
    case LAB_CK_BYTES:
        if (W.n != 3)
            return fail(p, "bytes: expected 'bytes HOST N'");
        if (parse_host(p, W.w[1], &c->host) < 0)
            return -1;
        if (parse_number(W.w[2], UINT64_MAX / 2, &v) < 0)
            return fail(p, "bytes: '%s' is not a byte count", W.w[2]);
        c->bytes = v;
        return 0;
    case LAB_CK_EOF:
        if (W.n != 2)
            return fail(p, "eof: expected 'eof HOST'");
        return parse_host(p, W.w[1], &c->host);
    case LAB_CK_ERROR:
        if (W.n != 3)
            return fail(p, "error: expected 'error HOST ERRNO' (ECONNREFUSED)");
        return parse_host(p, W.w[1], &c->host) < 0 ? -1 : parse_error(p, c, W.w[2]);
    case LAB_CK_TCB:
        return parse_tcb(p, c, &W);
    case LAB_CK_OUTPUT:
    case LAB_CK_COMMAND:
        if (W.n < 3)
            return fail(p, "%s: expected '%s HOST TEXT'", W.w[0], W.w[0]);
        return parse_host(p, W.w[1], &c->host) < 0 ? -1 : parse_text(p, c, W.rest[2], W.w[0]);
    case LAB_CK__N:
        break;
    }
    return -1;
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n >= LAB_ID_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

static int find_check(const struct lab *lab, const char *id)
{
    for (size_t i = 0; i < lab->nchecks; i++)
        if (strcmp(lab->checks[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* check ID [after ID] [points N]: SPEC */
static int parse_check(struct parser *p, const char *s)
{
    struct lab *lab = p->lab;
    if (p->step < 0)
        return fail(p, "a checkpoint belongs to a step: put 'step: TITLE' before it");
    if (lab->nchecks == LAB_MAX_CHECKS)
        return fail(p, "more than %d checkpoints", LAB_MAX_CHECKS);
    const char *colon = strchr(s, ':');
    if (!colon)
        return fail(p, "expected 'check ID: WHAT' (a colon after the name)");
    char head[LAB_LINE_MAX];
    snprintf(head, sizeof head, "%.*s", (int)(colon - s), s);
    struct words W;
    split_words(head, &W);
    if (W.n == 0 || !valid_id(W.w[0], strlen(W.w[0])))
        return fail(p, "check: '%s' is not a checkpoint name (letters, digits, _ and -)",
                    W.n ? W.w[0] : "");
    if (find_check(lab, W.w[0]) >= 0)
        return fail(p, "check %s: the name is used twice", W.w[0]);
    struct lab_check c;
    memset(&c, 0, sizeof c);
    snprintf(c.id, sizeof c.id, "%s", W.w[0]);
    c.after = -1;
    c.points = 1;
    c.step = p->step;
    c.line = p->line;
    for (int i = 1; i < W.n; i += 2) {
        uint64_t v;
        if (i + 1 >= W.n)
            return fail(p, "check %s: '%s' needs a value", c.id, W.w[i]);
        if (strcmp(W.w[i], "after") == 0) {
            c.after = find_check(lab, W.w[i + 1]);
            if (c.after < 0)
                return fail(p, "check %s: after '%s': no checkpoint of that name above",
                            c.id, W.w[i + 1]);
        } else if (strcmp(W.w[i], "points") == 0) {
            if (parse_number(W.w[i + 1], 1000, &v) < 0)
                return fail(p, "check %s: points takes a number from 0 to 1000", c.id);
            c.points = (int)v;
        } else {
            return fail(p, "check %s: unknown word '%s' before the colon (after ID, points N)",
                        c.id, W.w[i]);
        }
    }
    const char *spec = colon + 1;
    while (isspace((unsigned char)*spec))
        spec++;
    if (parse_spec(p, &c, spec) < 0) {
        free(c.text);
        return -1;
    }
    c.spec = xstrdup(spec);
    lab->checks = xrealloc(lab->checks, (lab->nchecks + 1) * sizeof *lab->checks);
    lab->checks[lab->nchecks] = c;
    lab->points += c.points;
    add_item(p, LAB_CHECK, spec)->check = (int)lab->nchecks;
    lab->nchecks++;
    return 0;
}

/* "KEYWORD:" at the start of the line: its value, else NULL. */
static const char *directive(const char *line, const char *kw)
{
    size_t n = strlen(kw);
    if (strncmp(line, kw, n) != 0 || line[n] != ':')
        return NULL;
    const char *v = line + n + 1;
    while (isspace((unsigned char)*v))
        v++;
    return v;
}

static int parse_line(struct parser *p, char *line)
{
    struct lab *lab = p->lab;
    const char *v;
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (line[0] == '#')
        return 0;
    if (!lab->name[0]) {
        if (!line[0])
            return 0;
        if (!(v = directive(line, "lab")))
            return fail(p, "a lab file begins with 'lab: NAME'");
        if (!valid_id(v, strlen(v)) || strlen(v) >= LAB_NAME_LEN)
            return fail(p, "lab: '%s' is not a lab name (letters, digits, _ and -)", v);
        snprintf(lab->name, sizeof lab->name, "%s", v);
        return 0;
    }
    if (indented && p->question_open && line[strspn(line, " \t")]) {
        struct lab_item *q = &lab->steps[p->step].items[lab->steps[p->step].nitems - 1];
        size_t a = strlen(q->text), b = strlen(line);
        q->text = xrealloc(q->text, a + b + 2);
        q->text[a] = '\n';
        memcpy(q->text + a + 1, line, b + 1);
        return 0;
    }
    p->question_open = false;
    if (indented || !line[0])
        goto text;
    if ((v = directive(line, "lab")))
        return fail(p, "a second 'lab:' line");
    if ((v = directive(line, "title"))) {
        if (lab->title)
            return fail(p, "a second 'title:' line");
        if (!*v)
            return fail(p, "title: the title is empty");
        lab->title = xstrdup(v);
        return 0;
    }
    if ((v = directive(line, "step"))) {
        if (!*v)
            return fail(p, "step: the step needs a title");
        lab->steps = xrealloc(lab->steps, (lab->nsteps + 1) * sizeof *lab->steps);
        lab->steps[lab->nsteps] = (struct lab_step){xstrdup(v), NULL, 0};
        p->step = (int)lab->nsteps++;
        return 0;
    }
    if ((v = directive(line, "try"))) {
        if (p->step < 0)
            return fail(p, "try: commands to try belong to a step");
        if (!*v)
            return fail(p, "try: the command is empty");
        add_item(p, LAB_TRY, v);
        return 0;
    }
    if ((v = directive(line, "question"))) {
        if (p->step < 0)
            return fail(p, "question: questions belong to a step");
        if (!*v)
            return fail(p, "question: the question is empty");
        add_item(p, LAB_QUESTION, v);
        p->question_open = true;
        return 0;
    }
    if (strncmp(line, "check", 5) == 0 && (line[5] == ' ' || line[5] == '\t' || line[5] == ':'))
        return parse_check(p, line + 5 + (line[5] != ':'));
text:
    /* Text: one item per line; runs of blank lines fold into one. */
    if (!line[0]) {
        size_t n = p->step < 0 ? lab->nintro : lab->steps[p->step].nitems;
        const struct lab_item *last = n == 0 ? NULL
                                    : p->step < 0 ? &lab->intro[n - 1]
                                                  : &lab->steps[p->step].items[n - 1];
        if (!last || (last->kind == LAB_TEXT && !last->text[0]))
            return 0;
    }
    add_item(p, LAB_TEXT, line);
    return 0;
}

static void trim_trailing_blank(struct lab_item *items, size_t *n)
{
    while (*n && items[*n - 1].kind == LAB_TEXT && !items[*n - 1].text[0])
        free(items[--*n].text);
}

struct lab *lab_parse_file(const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct lab *lab = calloc(1, sizeof *lab);
    if (!lab) {
        fclose(f);
        snprintf(err, cap, "%s: out of memory", path);
        return NULL;
    }
    lab->path = xstrdup(path);
    struct parser p = {.path = path, .err = err, .cap = cap, .lab = lab, .step = -1};
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &lcap, f)) >= 0) {
        p.line++;
        if (memchr(line, '\0', (size_t)n)) {
            rc = fail(&p, "not a text file (a NUL byte)");
            break;
        }
        while (n > 0 && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        if (n > LAB_LINE_MAX) {
            rc = fail(&p, "line longer than %d characters", LAB_LINE_MAX);
            break;
        }
        rc = parse_line(&p, line);
    }
    free(line);
    if (rc == 0 && ferror(f)) {
        snprintf(err, cap, "%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    fclose(f);
    p.line++;
    if (rc == 0 && !lab->name[0])
        rc = p.line == 1 ? fail(&p, "empty file (a lab file begins with 'lab: NAME')")
                         : fail(&p, "no 'lab: NAME' line");
    else if (rc == 0 && !lab->title)
        rc = fail(&p, "no 'title:' line");
    else if (rc == 0 && lab->nsteps == 0)
        rc = fail(&p, "no 'step:' line (a lab has at least one step)");
    if (rc < 0) {
        lab_free(lab);
        return NULL;
    }
    trim_trailing_blank(lab->intro, &lab->nintro);
    for (size_t i = 0; i < lab->nsteps; i++)
        trim_trailing_blank(lab->steps[i].items, &lab->steps[i].nitems);
    return lab;
}

static void free_items(struct lab_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].text);
    free(items);
}

void lab_free(struct lab *lab)
{
    if (!lab)
        return;
    free(lab->title);
    free(lab->path);
    free_items(lab->intro, lab->nintro);
    for (size_t i = 0; i < lab->nsteps; i++) {
        free(lab->steps[i].title);
        free_items(lab->steps[i].items, lab->steps[i].nitems);
    }
    free(lab->steps);
    for (size_t i = 0; i < lab->nchecks; i++) {
        free(lab->checks[i].spec);
        free(lab->checks[i].text);
    }
    free(lab->checks);
    free(lab);
}
