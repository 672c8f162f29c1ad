/* The packetdrill script parser: comments and #ifdef blocks out, the text
 * cut into statements (a statement runs on over lines while a bracket is
 * open), then each statement parsed: a header --option, or a time and an
 * event (packet, system call, `shell line`, %{ python }%).  Errors are one
 * line, "FILE:LINE: reason". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pdrill/pd.h"
#include "pdrill/pd_cur.h"
#include "wire/ipv4.h"

struct pctx {
    struct pd_script *s;
    char *err;
    size_t cap;
    int line;
};

static int perr(struct pctx *c, const char *fmt, ...)
{
    char msg[PD_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->cap, "%s:%d: %s", c->s->path, c->line, msg);
    return -1;
}

/* Comments out (spaces kept in their place so lines keep their numbers);
 * strings, back-quoted lines and %{ }% blocks are left as they are. */
static char *strip_comments(const char *t, int *open_line)
{
    int line = 1;
    *open_line = 0;
    size_t n = strlen(t);
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t i = 0;
    while (i < n) {
        if (t[i] == '/' && t[i + 1] == '/') {
            while (i < n && t[i] != '\n')
                o[i++] = ' ';
        } else if (t[i] == '/' && t[i + 1] == '*') {
            o[i] = o[i + 1] = ' ';
            i += 2;
            int start = line;
            while (i < n && !(t[i] == '*' && t[i + 1] == '/')) {
                line += t[i] == '\n';
                o[i] = t[i] == '\n' ? '\n' : ' ';
                i++;
            }
            if (i < n)
                o[i] = o[i + 1] = ' ', i += 2;
            else if (!*open_line)
                *open_line = start;
        } else if (t[i] == '%' && t[i + 1] == '{') {
            while (i < n && !(t[i] == '}' && t[i + 1] == '%'))
                o[i] = t[i], i++;
            if (i < n)
                o[i] = t[i], o[i + 1] = t[i + 1], i += 2;
        } else if (t[i] == '"' || t[i] == '`') {
            char q = t[i];
            o[i] = t[i], i++;
            while (i < n && t[i] != q && t[i] != '\n') {
                if (t[i] == '\\' && i + 1 < n)
                    o[i] = t[i], i++;
                o[i] = t[i], i++;
            }
            if (i < n && t[i] == q)
                o[i] = t[i], i++;
        } else {
            line += t[i] == '\n';
            o[i] = t[i];
            i++;
        }
    }
    o[n] = '\0';
    return o;
}

/* Time values in seconds with up to six decimals ("0.100", "+.1", "2"). */
static bool parse_secs(const char **pp, tl_time *t)
{
    const char *p = pd_skip(*pp);
    tl_time v = 0;
    bool digits = false;
    while (isdigit((unsigned char)*p)) {
        if (v > 1000000)                   /* at most about 11 days a line */
            return false;
        v = v * 10 + (*p++ - '0');
        digits = true;
    }
    v *= TL_SEC;
    if (*p == '.' && isdigit((unsigned char)p[1])) {
        p++;
        tl_time scale = TL_SEC / 10;
        while (isdigit((unsigned char)*p)) {
            v += (*p++ - '0') * scale;
            scale /= 10;
            digits = true;
        }
    }
    if (!digits)
        return false;
    *t = v;
    *pp = p;
    return true;
}

static bool parse_time(const char **pp, enum pd_time_kind *k, tl_time *t)
{
    const char *p = pd_skip(*pp);
    if (*p == '*') {
        *k = PDT_ANY;
        *t = 0;
        *pp = p + 1;
        return true;
    }
    *k = PDT_ABS;
    if (*p == '+') {
        *k = PDT_REL;
        p++;
    }
    if (!parse_secs(&p, t))
        return false;
    *pp = p;
    return true;
}

static void expr_free(struct pd_expr *e)
{
    for (int i = 0; i < e->n; i++) {
        expr_free(&e->items[i]);
        if (e->names)
            free(e->names[i]);
    }
    free(e->items);
    free(e->names);
    free(e->s);
    memset(e, 0, sizeof *e);
}

static int parse_expr(struct pctx *c, const char **pp, struct pd_expr *e, int depth);

static int parse_items(struct pctx *c, const char **pp, struct pd_expr *e, char close,
                       bool named, int depth)
{
    const char *p = *pp;
    char closer[2] = {close, 0};
    if (pd_eat(&p, closer)) {
        *pp = p;
        return 0;
    }
    do {
        if (e->n >= 16)
            return perr(c, "too many items in a list");
        struct pd_expr *items = realloc(e->items, (size_t)(e->n + 1) * sizeof *items);
        if (!items)
            return perr(c, "out of memory");
        e->items = items;
        if (named) {
            char **names = realloc(e->names, (size_t)(e->n + 1) * sizeof *names);
            if (!names)
                return perr(c, "out of memory");
            e->names = names;
            e->names[e->n] = NULL;
        }
        memset(&e->items[e->n], 0, sizeof e->items[0]);
        e->n++;
        const char *q = pd_skip(p);
        if (named && (isalpha((unsigned char)*q) || *q == '_')) {
            const char *w = q;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            const char *r = q;
            if (*r == '(')                    /* msg_iov(1)=[...]: a count in the name */
                for (int open = 0; *r && (r == q || open); r++)
                    open += (*r == '(') - (*r == ')');
            if (pd_eat(&r, "=") && *r != '=') {
                e->names[e->n - 1] = strndup(w, (size_t)(q - w));
                p = r;
            }
        }
        if (parse_expr(c, &p, &e->items[e->n - 1], depth + 1) < 0)
            return -1;
    } while (pd_eat(&p, ","));
    if (!pd_eat(&p, closer))
        return perr(c, "expected '%c' or ','", close);
    *pp = p;
    return 0;
}

static int parse_term(struct pctx *c, const char **pp, struct pd_expr *e, int depth)
{
    const char *p = pd_skip(*pp);
    unsigned long long v;
    if (depth > 8)
        return perr(c, "arguments nested too deeply");
    if (pd_eat(&p, "...")) {
        e->kind = PX_ELLIPSIS;
    } else if (*p == '-' && isdigit((unsigned char)p[1])) {
        p++;
        if (!pd_number(&p, &v) || v > (1ULL << 62))
            return perr(c, "number out of range");
        e->kind = PX_INT;
        e->i = -(long long)v;
    } else if (pd_number(&p, &v)) {
        if (v > (1ULL << 62))
            return perr(c, "number out of range");
        e->kind = PX_INT;
        e->i = (long long)v;
    } else if (*p == '"') {
        const char *q = ++p;
        while (*p && *p != '"')
            p += (*p == '\\' && p[1]) ? 2 : 1;
        if (*p != '"')
            return perr(c, "unterminated string");
        e->kind = PX_STR;
        e->s = strndup(q, (size_t)(p - q));
        p++;
    } else if (*p == '[') {
        p++;
        e->kind = PX_LIST;
        if (parse_items(c, &p, e, ']', false, depth) < 0)
            return -1;
    } else if (*p == '{') {
        p++;
        e->kind = PX_STRUCT;
        if (parse_items(c, &p, e, '}', true, depth) < 0)
            return -1;
    } else if (isalpha((unsigned char)*p) || *p == '_') {
        const char *w = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        char name[48];
        snprintf(name, sizeof name, "%.*s", (int)(p - w), w);
        const char *q = p;
        if (pd_eat(&q, "(") && strcmp(name, "htons") != 0 && strcmp(name, "inet_addr") != 0) {
            /* another function: kept as a name (the call using it is skipped) */
            for (int open = 1; *q && open; q++)
                open += (*q == '(') - (*q == ')');
            e->kind = PX_SYM;
            e->s = strdup(name);
            p = q;
        } else if (q = p, pd_eat(&q, "(")) {
            /* htons(8080), inet_addr("192.0.2.1"): a value */
            struct pd_expr a = {0};
            if (parse_expr(c, &q, &a, depth + 1) < 0) {
                expr_free(&a);
                return -1;
            }
            if (!pd_eat(&q, ")")) {
                expr_free(&a);
                return perr(c, "expected ')' after the argument of %s", name);
            }
            e->kind = PX_INT;
            uint32_t addr;
            if (strcmp(name, "htons") == 0 && a.kind == PX_INT) {
                e->i = a.i;
            } else if (strcmp(name, "inet_addr") == 0 && a.kind == PX_STR &&
                       ipv4_aton(a.s, &addr) == 0) {
                e->i = addr;
            } else {
                expr_free(&a);
                return perr(c, "unknown function '%s'", name);
            }
            expr_free(&a);
            p = q;
        } else if (pd_symbol(name, &e->i)) {
            e->kind = PX_INT;
        } else if (pd_errno_value(name) > 0) {
            e->kind = PX_INT;             /* getsockopt(..., SO_ERROR, [ECONNREFUSED], ...) */
            e->i = pd_errno_value(name);
        } else {
            e->kind = PX_SYM;
            e->s = strdup(name);
        }
    } else {
        return perr(c, "expected an argument");
    }
    *pp = p;
    return 0;
}

static int parse_expr(struct pctx *c, const char **pp, struct pd_expr *e, int depth)
{
    if (parse_term(c, pp, e, depth) < 0)
        return -1;
    while (pd_eat(pp, "|")) {
        struct pd_expr r = {0};
        if (parse_term(c, pp, &r, depth) < 0) {
            expr_free(&r);
            return -1;
        }
        if (e->kind != PX_INT || r.kind != PX_INT) {
            expr_free(&r);
            return perr(c, "'|' joins known constants only");
        }
        e->i |= r.i;
    }
    return 0;
}

static int parse_call(struct pctx *c, const char *p, struct pd_call *call)
{
    const char *w = pd_skip(p);
    p = w;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    if (p == w || (size_t)(p - w) >= sizeof call->name)
        return perr(c, "expected a packet, a system call, a `shell line` or %%{ python }%%");
    memcpy(call->name, w, (size_t)(p - w));
    call->name[p - w] = '\0';
    if (!pd_eat(&p, "("))
        return perr(c, "expected '(' after %s", call->name);
    if (!pd_eat(&p, ")")) {
        do {
            if (call->nargs >= PD_MAX_ARGS)
                return perr(c, "too many arguments to %s", call->name);
            if (parse_expr(c, &p, &call->args[call->nargs++], 0) < 0)
                return -1;
        } while (pd_eat(&p, ","));
        if (!pd_eat(&p, ")"))
            return perr(c, "expected ')' or ',' in the arguments of %s", call->name);
    }
    if (!pd_eat(&p, "="))
        return perr(c, "expected '= RESULT' after %s(...)", call->name);
    struct pd_expr r = {0};
    if (parse_expr(c, &p, &r, 0) < 0) {
        expr_free(&r);
        return -1;
    }
    if (r.kind == PX_ELLIPSIS) {
        call->ret_any = true;
    } else if (r.kind == PX_INT) {
        call->ret = r.i;
    } else {
        expr_free(&r);
        return perr(c, "the result of %s must be a number", call->name);
    }
    expr_free(&r);
    const char *q = pd_skip(p);
    if (isupper((unsigned char)*q)) {
        const char *e = q;
        while (isalnum((unsigned char)*q))
            q++;
        snprintf(call->err, sizeof call->err, "%.*s", (int)(q - e), e);
        if (pd_errno_value(call->err) < 0)
            return perr(c, "unknown errno name '%s'", call->err);
        p = q;
    }
    if (pd_eat(&p, "(")) {                /* (Operation now in progress): a comment */
        int depth = 1;
        while (*p && depth) {
            depth += *p == '(';
            depth -= *p == ')';
            p++;
        }
    }
    p = pd_skip(p);
    if (*p)
        return perr(c, "unexpected text after the result: '%.20s'", p);
    if (call->ret == -1 && !call->err[0] && !call->ret_any)
        return perr(c, "a result of -1 names its errno (= -1 ECONNREFUSED)");
    return 0;
}

static int parse_header(struct pctx *c, const char *p)
{
    struct pd_script *s = c->s;
    const char *eq = strchr(p, '=');
    char name[48], val[128];
    if (eq) {
        snprintf(name, sizeof name, "%.*s", (int)(eq - p - 2), p + 2);
        snprintf(val, sizeof val, "%s", eq + 1);
    } else {
        snprintf(name, sizeof name, "%s", p + 2);
        val[0] = '\0';
    }
    char *end = val + strlen(val);
    while (end > val && isspace((unsigned char)end[-1]))
        *--end = '\0';
    for (char *q = name; *q; q++)
        if (*q == '-')
            *q = '_';
    unsigned long long v;
    const char *vp = val;
    if (strcmp(name, "tolerance_usecs") == 0) {
        if (!pd_number(&vp, &v) || *vp || v > 10 * TL_SEC)
            return perr(c, "--tolerance_usecs takes a number of microseconds");
        s->tolerance = (tl_time)v;
    } else if (strcmp(name, "local_ip") == 0 || strcmp(name, "remote_ip") == 0) {
        uint32_t a;
        if (ipv4_aton(val, &a) < 0)
            return perr(c, "--%s takes an IPv4 address", name);
        *(name[0] == 'l' ? &s->local_ip : &s->remote_ip) = a;
    } else if (strcmp(name, "ip_version") == 0) {
        if (strcmp(val, "ipv4") != 0)
            return perr(c, "tcplab runs --ip_version=ipv4 only, not '%s'", val);
    } else if (strcmp(name, "mss") == 0) {
        if (!pd_number(&vp, &v) || *vp || v < 64 || v > 65535)
            return perr(c, "--mss takes a number");
        s->mss = (uint16_t)v;
    } else if (s->nnote < (int)(sizeof s->notes / sizeof s->notes[0])) {
        char *note = s->notes[s->nnote++];
        snprintf(note, sizeof s->notes[0], "%s:%d: option --%s not known to tcplab, skipped",
                 c->s->path, c->line, name);
    }
    return 0;
}

static struct pd_event *new_event(struct pctx *c)
{
    struct pd_script *s = c->s;
    if (s->nev == s->cap) {
        int ncap = s->cap ? s->cap * 2 : 32;
        struct pd_event *ev = realloc(s->ev, (size_t)ncap * sizeof *ev);
        if (!ev)
            return NULL;
        s->ev = ev;
        s->cap = ncap;
    }
    struct pd_event *e = &s->ev[s->nev++];
    memset(e, 0, sizeof *e);
    e->line = c->line;
    return e;
}

static int parse_statement(struct pctx *c, const char *p)
{
    p = pd_skip(p);
    if (p[0] == '-' && p[1] == '-')
        return parse_header(c, p);
    struct pd_event *e = new_event(c);
    if (!e)
        return perr(c, "out of memory");
    if (*p == '`' || (p[0] == '%' && p[1] == '{')) {
        e->tkind = PDT_REL;                /* `shell line` with no time: where it stands */
        e->t = 0;
    } else if (!parse_time(&p, &e->tkind, &e->t)) {
        return perr(c, "expected a time (0.100, +0.1 or *) at the start of the line");
    }
    if (pd_eat(&p, "~")) {
        e->range = true;
        if (e->tkind == PDT_ANY || !parse_time(&p, &e->end_kind, &e->t_end) ||
            e->end_kind == PDT_ANY)
            return perr(c, "a time range is written 0.1~0.2 or +0.1~+0.2");
    } else if (pd_eat(&p, "...")) {
        e->blocking = true;
        if (e->tkind == PDT_ANY || !parse_time(&p, &e->end_kind, &e->t_end) ||
            e->end_kind == PDT_ANY)
            return perr(c, "a blocking call is written 0...0.2 CALL or +0...0.2 CALL");
        /* +0.1...0.3: both times count from the previous event (packetdrill) */
        if (e->tkind == PDT_REL)
            e->end_kind = PDT_REL;
    }
    p = pd_skip(p);
    char err[PD_ERR_MAX];
    if (*p == '<' || *p == '>') {
        e->kind = PDE_PACKET;
        if (e->blocking)
            return perr(c, "'...' is for system calls; a packet takes a range 0.1~0.2");
        if (pd_parse_packet(p, NULL, &e->pkt, err, sizeof err) < 0)
            return perr(c, "%s", err);
        if (e->range && e->pkt.inbound)
            return perr(c, "a packet the script sends ('<') has one time, not a range");
    } else if (*p == '`') {
        e->kind = PDE_SHELL;
        const char *q = strchr(p + 1, '`');
        if (!q)
            return perr(c, "unterminated `shell line`");
        e->text = strndup(p + 1, (size_t)(q - p - 1));
        if (*pd_skip(q + 1))
            return perr(c, "unexpected text after the `shell line`");
    } else if (p[0] == '%' && p[1] == '{') {
        e->kind = PDE_PYTHON;
        const char *q = strstr(p + 2, "}%");
        if (!q)
            return perr(c, "unterminated %%{ python block }%%");
        e->text = strndup(p + 2, (size_t)(q - p - 2));
    } else {
        e->kind = PDE_CALL;
        if (e->range)
            return perr(c, "a system call takes '...' (0...0.2), not a range");
        if (parse_call(c, p, &e->call) < 0)
            return -1;
    }
    return 0;
}

/* #ifdef NAME / #ifndef NAME / #else / #endif: the names defined are
 * "tcplab" and "Linux" (tcplab's defaults follow Linux). */
static int directive(struct pctx *c, const char *p, bool *skip, int *depth, bool stack[16])
{
    char word[16], name[48] = "";
    if (sscanf(p, "#%15s %47s", word, name) < 1)
        return perr(c, "malformed # directive");
    if (strcmp(word, "ifdef") == 0 || strcmp(word, "ifndef") == 0) {
        if (*depth >= 16)
            return perr(c, "#ifdef nested too deeply");
        bool def = strcmp(name, "tcplab") == 0 || strcmp(name, "Linux") == 0;
        stack[(*depth)++] = *skip;
        *skip = *skip || (word[2] == 'd' ? !def : def);
    } else if (strcmp(word, "else") == 0) {
        if (*depth == 0)
            return perr(c, "#else without #ifdef");
        *skip = stack[*depth - 1] || !*skip;
    } else if (strcmp(word, "endif") == 0) {
        if (*depth == 0)
            return perr(c, "#endif without #ifdef");
        *skip = stack[--*depth];
    } else {
        return perr(c, "unknown directive #%s", word);
    }
    return 0;
}

int pd_parse(struct pd_script *s, const char *path, const char *text, char *err, size_t cap)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->tolerance = 4000;
    s->local_ip = 0xc0a80001;   /* 192.168.0.1, packetdrill's defaults */
    s->remote_ip = 0xc0000201;  /* 192.0.2.1 */
    struct pctx c = {s, err, cap, 0};
    int open_line;
    char *t = strip_comments(text, &open_line);
    if (!t) {
        snprintf(err, cap, "%s: out of memory", path);
        return -1;
    }
    if (open_line) {
        c.line = open_line;
        free(t);
        return perr(&c, "unterminated /* comment");
    }
    bool skip = false, stack[16];
    int depth = 0, rc = 0;
    size_t n = strlen(t), i = 0;
    int line = 1;
    char *stmt = malloc(n + 1);
    while (rc == 0 && stmt && i < n) {
        size_t eol = i;
        while (eol < n && t[eol] != '\n')
            eol++;
        c.line = line;
        const char *l = pd_skip(t + i);
        if (l >= t + eol) {                           /* blank */
        } else if (*l == '#') {
            t[eol] = '\0';
            rc = directive(&c, l, &skip, &depth, stack);
        } else {
            /* the statement: this line, and more while a bracket is open
             * or a %{ block has not ended */
            size_t k = 0, j = i;
            int open = 0;
            bool py = false;
            for (; j < n; j++) {
                char ch = t[j];
                if (!py && ch == '%' && t[j + 1] == '{')
                    py = true;
                else if (py && ch == '}' && t[j + 1] == '%')
                    py = false;
                else if (!py && (ch == '(' || ch == '[' || ch == '{'))
                    open++;
                else if (!py && (ch == ')' || ch == ']' || ch == '}'))
                    open--;
                if (ch == '\n') {
                    line++;
                    if (open <= 0 && !py)
                        break;
                }
                stmt[k++] = ch == '\n' ? ' ' : ch;
            }
            stmt[k] = '\0';
            if (!skip)
                rc = parse_statement(&c, stmt);
            i = j < n ? j + 1 : n;
            continue;
        }
        i = eol < n ? eol + 1 : n;
        line++;
    }
    if (!stmt && rc == 0)
        rc = perr(&c, "out of memory");
    if (rc == 0 && depth)
        rc = perr(&c, "#ifdef without #endif");
    if (rc == 0 && s->nev == 0)
        rc = perr(&c, "the script has no events: nothing to check");
    free(stmt);
    free(t);
    if (rc < 0)
        pd_script_free(s);
    return rc;
}

void pd_script_free(struct pd_script *s)
{
    for (int i = 0; i < s->nev; i++) {
        struct pd_event *e = &s->ev[i];
        if (e->kind == PDE_CALL)
            for (int a = 0; a < e->call.nargs; a++)
                expr_free(&e->call.args[a]);
        free(e->text);
    }
    free(s->ev);
    s->ev = NULL;
    s->nev = s->cap = 0;
}
