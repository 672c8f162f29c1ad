/* The shell's parser: one line, in the short form ("bind sock 10.10.2.100
 * 4000") or in the lab's Python form ("sock.bind(('10.10.2.100', 4000))"),
 * becomes one struct sh_cmdline with the same words either way. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"

static int fail(char *err, size_t cap, const char *msg, const char *what)
{
    snprintf(err, cap, "%s%s%s%s", msg, what ? " '" : "", what ? what : "", what ? "'" : "");
    return -1;
}

int sh_unescape(const char *in, size_t n, char **out, size_t *outlen)
{
    char *o = malloc(n + 1);
    if (!o)
        return -ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] != '\\' || i + 1 == n) {
            o[k++] = in[i];
            continue;
        }
        char c = in[++i];
        switch (c) {
        case 'n': o[k++] = '\n'; break;
        case 't': o[k++] = '\t'; break;
        case 'r': o[k++] = '\r'; break;
        case '0': o[k++] = '\0'; break;
        case '\\': o[k++] = '\\'; break;
        case '"': o[k++] = '"'; break;
        case '\'': o[k++] = '\''; break;
        case 'x':
            if (i + 2 < n && isxdigit((unsigned char)in[i + 1]) &&
                isxdigit((unsigned char)in[i + 2])) {
                char hex[3] = {in[i + 1], in[i + 2], 0};
                o[k++] = (char)strtol(hex, NULL, 16);
                i += 2;
                break;
            }
            free(o);
            return -EINVAL;
        default:
            o[k++] = '\\';
            o[k++] = c;
            break;
        }
    }
    o[k] = '\0';
    *out = o;
    *outlen = k;
    return 0;
}

static int add_arg(struct sh_cmdline *cl, const char *s, size_t n, bool quoted, bool escapes)
{
    if (cl->argc >= SH_MAX_ARGS)
        return -E2BIG;
    struct sh_arg *a = &cl->argv[cl->argc];
    if (escapes) {
        int rc = sh_unescape(s, n, &a->s, &a->len);
        if (rc < 0)
            return rc;
    } else {
        a->s = strndup(s, n);
        if (!a->s)
            return -ENOMEM;
        a->len = n;
    }
    a->quoted = quoted;
    cl->argc++;
    return 0;
}

void sh_cmdline_free(struct sh_cmdline *cl)
{
    for (int i = 0; i < cl->argc; i++)
        free(cl->argv[i].s);
    cl->argc = 0;
}

/* Find the closing quote of a literal starting at s[0]; returns its index
 * or -1.  Backslash escapes the next character. */
static long close_quote(const char *s)
{
    char q = s[0];
    for (long i = 1; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1])
            i++;
        else if (s[i] == q)
            return i;
    }
    return -1;
}

static bool is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* ---- short form ------------------------------------------------------ */

static int parse_words(const char *p, struct sh_cmdline *cl, char *err, size_t cap)
{
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            break;
        int rc;
        if (*p == '"' || *p == '\'' || (*p == 'b' && (p[1] == '"' || p[1] == '\''))) {
            const char *q = *p == 'b' ? p + 1 : p;
            long end = close_quote(q);
            if (end < 0)
                return fail(err, cap, "unterminated string", NULL);
            rc = add_arg(cl, q + 1, (size_t)end - 1, true, true);
            if (rc == -EINVAL)
                return fail(err, cap, "bad \\x escape in string", NULL);
            p = q + end + 1;
        } else {
            const char *s = p;
            while (*p && !isspace((unsigned char)*p))
                p++;
            rc = add_arg(cl, s, (size_t)(p - s), false, false);
        }
        if (rc == -E2BIG)
            return fail(err, cap, "too many words", NULL);
        if (rc < 0)
            return fail(err, cap, "out of memory", NULL);
    }
    return 0;
}

/* ---- Python form ----------------------------------------------------- */

/* The values inside a call's parentheses, flattened: strings, numbers and
 * dotted names; tuples lose their brackets, ".encode()" is skipped. */
static int python_values(const char *p, const char *end, struct sh_cmdline *cl, char *err,
                         size_t cap)
{
    while (p < end) {
        if (isspace((unsigned char)*p) || *p == '(' || *p == ')' || *p == ',') {
            p++;
            continue;
        }
        int rc;
        if (*p == '"' || *p == '\'' || (*p == 'b' && (p[1] == '"' || p[1] == '\''))) {
            const char *q = *p == 'b' ? p + 1 : p;
            long e = close_quote(q);
            if (e < 0 || q + e >= end)
                return fail(err, cap, "unterminated string", NULL);
            rc = add_arg(cl, q + 1, (size_t)e - 1, true, true);
            if (rc == -EINVAL)
                return fail(err, cap, "bad \\x escape in string", NULL);
            p = q + e + 1;
            if (strncmp(p, ".encode()", 9) == 0)
                p += 9;
        } else if (is_ident_char(*p) || *p == '-') {
            const char *s = p;
            while (p < end && (is_ident_char(*p) || *p == '.' || *p == '-'))
                p++;
            rc = add_arg(cl, s, (size_t)(p - s), false, false);
        } else {
            char c[2] = {*p, 0};
            return fail(err, cap, "unexpected character", c);
        }
        if (rc == -E2BIG)
            return fail(err, cap, "too many arguments", NULL);
        if (rc < 0)
            return fail(err, cap, "out of memory", NULL);
    }
    return 0;
}

/* Strip a "socket." prefix: socket.SHUT_RDWR -> SHUT_RDWR. */
static void strip_module(struct sh_cmdline *cl, int from)
{
    for (int i = from; i < cl->argc; i++) {
        struct sh_arg *a = &cl->argv[i];
        if (!a->quoted && strncmp(a->s, "socket.", 7) == 0) {
            memmove(a->s, a->s + 7, a->len - 6);
            a->len -= 7;
        }
    }
}

static const struct {
    const char *py, *cmd;
} methods[] = {
    {"bind", "bind"}, {"listen", "listen"}, {"connect", "connect"}, {"accept", "accept"},
    {"send", "send"}, {"sendall", "send"}, {"recv", "recv"}, {"shutdown", "shutdown"},
    {"close", "close"}, {"sendto", "sendto"}, {"recvfrom", "recvfrom"},
    {"setsockopt", "setsockopt"},
};

/* Reorder Python arguments into the short form's order. */
static int python_to_short(struct sh_cmdline *cl, char *err, size_t cap)
{
    const char *cmd = cl->argv[0].s;
    if (strcmp(cmd, "sendto") == 0 && cl->argc == 5) {
        /* sendto OBJ DATA ADDR PORT -> sendto OBJ ADDR PORT DATA */
        struct sh_arg data = cl->argv[2];
        cl->argv[2] = cl->argv[3];
        cl->argv[3] = cl->argv[4];
        cl->argv[4] = data;
    } else if (strcmp(cmd, "shutdown") == 0 && cl->argc == 3) {
        struct sh_arg *a = &cl->argv[2];
        const char *how = strcmp(a->s, "SHUT_RD") == 0 || strcmp(a->s, "0") == 0 ? "rd"
                        : strcmp(a->s, "SHUT_WR") == 0 || strcmp(a->s, "1") == 0 ? "wr"
                        : strcmp(a->s, "SHUT_RDWR") == 0 || strcmp(a->s, "2") == 0 ? "rdwr"
                        : NULL;
        if (!how)
            return fail(err, cap, "shutdown takes socket.SHUT_RD, SHUT_WR or SHUT_RDWR, not",
                        a->s);
        free(a->s);
        a->s = strdup(how);
        a->len = strlen(how);
    } else if (strcmp(cmd, "setsockopt") == 0 && cl->argc == 5) {
        /* setsockopt OBJ SOL_SOCKET SO_X VALUE -> setsockopt OBJ x VALUE */
        struct sh_arg *lvl = &cl->argv[2], *opt = &cl->argv[3];
        free(lvl->s);
        const char *o = strncmp(opt->s, "SO_", 3) == 0 ? opt->s + 3 : opt->s;
        lvl->s = strdup(o);
        for (char *q = lvl->s; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        lvl->len = strlen(lvl->s);
        free(opt->s);
        cl->argv[3] = cl->argv[4];
        cl->argc = 4;
    }
    return 0;
}

/* Parentheses balance outside string literals, closing at `close`. */
static bool balanced(const char *open, const char *close)
{
    int depth = 0;
    for (const char *t = open; t <= close; t++) {
        if (*t == '"' || *t == '\'') {
            long e = close_quote(t);
            if (e < 0)
                return false;
            t += e;
        } else if (*t == '(') {
            depth++;
        } else if (*t == ')' && --depth == 0 && t != close) {
            return false;
        }
    }
    return depth == 0;
}

static int parse_python(const char *p, struct sh_cmdline *cl, char *err, size_t cap)
{
    cl->python = true;
    while (isspace((unsigned char)*p))
        p++;
    const char *open = strchr(p, '(');
    const char *close = strrchr(p, ')');
    if (!open || !close || close < open || !balanced(open, close))
        return fail(err, cap, "unbalanced parentheses", NULL);
    for (const char *t = close + 1; *t; t++)
        if (!isspace((unsigned char)*t) && *t != ';')
            return fail(err, cap, "unexpected text after ')'", NULL);
    /* callee: "socket.socket", "sock.bind", "quit", "print" */
    const char *ce = open;
    while (ce > p && isspace((unsigned char)ce[-1]))
        ce--;
    char callee[96];
    size_t cn = (size_t)(ce - p);
    if (cn == 0 || cn >= sizeof callee)
        return fail(err, cap, "cannot read this call", NULL);
    memcpy(callee, p, cn);
    callee[cn] = '\0';
    char *dot = strrchr(callee, '.');
    const char *obj = NULL, *method = callee;
    if (dot) {
        *dot = '\0';
        obj = callee;
        method = dot + 1;
    }
    if (obj && strcmp(obj, "socket") == 0 && strcmp(method, "socket") == 0) {
        add_arg(cl, "socket", 6, false, false);
        if (python_values(open + 1, close, cl, err, cap) < 0)
            return -1;
        strip_module(cl, 1);
        /* socket(AF_INET, SOCK_STREAM) -> socket tcp; SOCK_DGRAM -> udp */
        bool udp = false;
        for (int i = 1; i < cl->argc; i++)
            if (strcmp(cl->argv[i].s, "SOCK_DGRAM") == 0)
                udp = true;
        for (int i = 1; i < cl->argc; i++)
            free(cl->argv[i].s);
        cl->argc = 1;
        add_arg(cl, udp ? "udp" : "tcp", 3, false, false);
        return 0;
    }
    if (!obj) {
        if (strcmp(method, "quit") == 0 || strcmp(method, "exit") == 0) {
            add_arg(cl, "quit", 4, false, false);
            return 0;
        }
        if (strcmp(method, "print") == 0) {
            add_arg(cl, "print", 5, false, false);
            return python_values(open + 1, close, cl, err, cap);
        }
        return fail(err, cap, "unknown function", method);
    }
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(method, methods[i].py) != 0)
            continue;
        add_arg(cl, methods[i].cmd, strlen(methods[i].cmd), false, false);
        add_arg(cl, obj, strlen(obj), false, false);
        if (python_values(open + 1, close, cl, err, cap) < 0)
            return -1;
        strip_module(cl, 2);
        return python_to_short(cl, err, cap);
    }
    return fail(err, cap, "unknown socket method", method);
}

/* ---- the line -------------------------------------------------------- */

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= SH_NAME_LEN || isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char(s[i]))
            return false;
    return true;
}

/* "a = ...", "a, b = ...": the names, and where the right side begins.
 * Only a plain '=' outside quotes and parentheses counts. */
static const char *parse_assign(const char *p, struct sh_cmdline *cl)
{
    const char *eq = NULL;
    for (const char *t = p; *t; t++) {
        if (*t == '"' || *t == '\'' || *t == '(')
            return p;
        if (*t == '=') {
            if (t[1] == '=')
                return p;
            eq = t;
            break;
        }
    }
    if (!eq)
        return p;
    const char *s = p;
    int n = 0;
    while (s < eq) {
        while (s < eq && isspace((unsigned char)*s))
            s++;
        const char *b = s;
        while (s < eq && is_ident_char(*s))
            s++;
        if (!valid_name(b, (size_t)(s - b)) || n >= 2)
            return p;
        memcpy(cl->assign[n], b, (size_t)(s - b));
        cl->assign[n][s - b] = '\0';
        n++;
        while (s < eq && isspace((unsigned char)*s))
            s++;
        if (s < eq && *s == ',')
            s++;
        else if (s < eq)
            return p;
    }
    cl->nassign = n;
    return eq + 1;
}

/* A trailing `&` (outside strings, before any comment): the call runs in
 * the background.  *out gets the line without it (to free), or NULL. */
static int strip_background(const char *p, char **out)
{
    *out = NULL;
    size_t end = 0;
    for (size_t i = 0; p[i] && p[i] != '#'; i++) {
        if (p[i] == '"' || p[i] == '\'') {
            long e = close_quote(p + i);
            if (e < 0)
                return 0;            /* the parser names the problem */
            i += (size_t)e;
        }
        end = i + 1;
    }
    while (end && isspace((unsigned char)p[end - 1]))
        end--;
    if (end == 0 || p[end - 1] != '&')
        return 0;
    *out = strndup(p, end - 1);
    return *out ? 0 : -1;
}

static int parse_call(const char *p, struct sh_cmdline *cl, char *err, size_t cap);

int sh_parse(const struct shell *sh, const char *line, struct sh_cmdline *cl, char *err,
             size_t cap)
{
    memset(cl, 0, sizeof *cl);
    cl->host = -1;
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0' || *p == '#') {
        cl->empty = true;
        return 0;
    }
    /* "juliet: COMMAND" */
    const char *w = p;
    while (is_ident_char(*w))
        w++;
    if (*w == ':' && w > p) {
        char host[SH_NAME_LEN];
        size_t n = (size_t)(w - p);
        if (n < sizeof host) {
            memcpy(host, p, n);
            host[n] = '\0';
            int idx = sh_host_index(sh, host);
            if (idx < 0)
                return fail(err, cap, "unknown host", host);
            cl->host = idx;
            p = w + 1;
            while (isspace((unsigned char)*p))
                p++;
            if (*p == '\0' || *p == '#')
                return fail(err, cap, "nothing to run on", host);
        }
    }
    char *copy = NULL;
    if (strip_background(p, &copy) < 0)
        return fail(err, cap, "out of memory", NULL);
    if (copy) {
        cl->background = true;
        int rc = parse_call(copy, cl, err, cap);
        free(copy);
        if (rc == 0 && cl->empty)
            return fail(err, cap, "nothing to run before '&'", NULL);
        return rc;
    }
    return parse_call(p, cl, err, cap);
}

/* The command after "HOST:": an import, or a call in either spelling. */
static int parse_call(const char *p, struct sh_cmdline *cl, char *err, size_t cap)
{
    if (strncmp(p, "import ", 7) == 0 || strncmp(p, "from ", 5) == 0) {
        cl->python = true;
        return parse_words(p, cl, err, cap) < 0 ? (sh_cmdline_free(cl), -1) : 0;
    }
    p = parse_assign(p, cl);
    /* Python form: a call with parentheses before any quote or space-word. */
    const char *t = p;
    while (isspace((unsigned char)*t))
        t++;
    const char *u = t;
    while (is_ident_char(*u) || *u == '.')
        u++;
    while (isspace((unsigned char)*u))
        u++;
    int rc = *u == '(' ? parse_python(t, cl, err, cap) : parse_words(t, cl, err, cap);
    if (rc < 0) {
        sh_cmdline_free(cl);
        return -1;
    }
    if (cl->argc == 0) {
        if (cl->nassign)
            return fail(err, cap, "nothing after '='", NULL);
        cl->empty = true;
    }
    return 0;
}

int sh_parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno || s[0] == '-')
        return -1;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1024ull, end++;
    else if (*end == 'M')
        mul = 1024ull * 1024, end++;
    else if (*end == 'G')
        mul = 1024ull * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0' || v > (1ull << 40) / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

int sh_parse_duration(const struct shell *sh, const char *s, tl_time *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0 || v > 1e7)
        return -1;
    double us;
    if (strcmp(end, "us") == 0)
        us = v;
    else if (strcmp(end, "ms") == 0)
        us = v * 1e3;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        us = v * 1e6;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        us = v * 60e6;
    else if (strcmp(end, "msl") == 0 || strcmp(end, "MSL") == 0)
        us = v * (double)sh->w->msl;
    else
        return -1;
    *out = (tl_time)(us + 0.5);
    return 0;
}
