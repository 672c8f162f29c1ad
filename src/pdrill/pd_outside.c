/* Lines of a script that run outside the stack.  Back-quoted shell lines:
 * the sysctls of Linux and FreeBSD that map to a setting of tcplab's host
 * (SACK, timestamps, window scaling, buffer sizes, RTO min, insecure RST)
 * are honoured; any other command makes the script "skipped", since its
 * effect cannot be had.  %{ }% Python blocks: only `assert tcpi_state ==
 * TCP_...` (or !=) lines are honoured, checked against the connection the
 * script plays; any other code makes the script skipped. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pdrill/pd_run.h"
#include "stack/api.h"

enum knob { K_SACK, K_TS, K_WSCALE, K_RFC1323, K_RMEM, K_WMEM, K_RCVBUF, K_SNDBUF, K_RTO_MIN_US,
            K_RTO_MIN_MS, K_INSECURE_RST };

static const struct { const char *name; enum knob k; } knobs[] = {
    {"net.ipv4.tcp_sack", K_SACK},
    {"net.ipv4.tcp_timestamps", K_TS},
    {"net.ipv4.tcp_window_scaling", K_WSCALE},
    {"net.ipv4.tcp_rmem", K_RMEM},
    {"net.ipv4.tcp_wmem", K_WMEM},
    {"net.ipv4.tcp_rto_min_us", K_RTO_MIN_US},
    {"net.inet.tcp.sack.enable", K_SACK},
    {"net.inet.tcp.rfc1323", K_RFC1323},
    {"net.inet.tcp.recvspace", K_RCVBUF},
    {"net.inet.tcp.sendspace", K_SNDBUF},
    {"net.inet.tcp.rexmit_min", K_RTO_MIN_MS},
    {"net.inet.tcp.insecure_rst", K_INSECURE_RST},
};

/* One "name=value" (or "name value"): true if honoured. */
static bool set_knob(struct pd_runner *r, const char *name, const char *val)
{
    struct host_config *c = &r->h->cfg;
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
        if (strcmp(knobs[i].name, name) != 0)
            continue;
        /* tcp_rmem / tcp_wmem: "min default max"; the default counts */
        long v[3] = {0, 0, 0};
        int n = sscanf(val, "%ld %ld %ld", &v[0], &v[1], &v[2]);
        if (n < 1 || v[0] < 0)
            return false;
        long one = v[0], dflt = n >= 2 ? v[1] : v[0];
        switch (knobs[i].k) {
        case K_SACK: c->tcp_sack = one != 0; return true;
        case K_TS: c->tcp_timestamps = one != 0; return true;
        case K_WSCALE: c->tcp_wscale = one != 0; return true;
        case K_RFC1323:
            c->tcp_timestamps = (one & 2) || one == 1;
            c->tcp_wscale = (one & 1) != 0;
            return true;
        case K_RMEM:
        case K_RCVBUF:
        case K_WMEM:
        case K_SNDBUF: {
            long b = knobs[i].k == K_RMEM || knobs[i].k == K_WMEM ? dflt : one;
            if (b < 256 || b > 64 * 1024 * 1024)
                return false;
            *(knobs[i].k == K_RMEM || knobs[i].k == K_RCVBUF ? &c->rcvbuf : &c->sndbuf) =
                (uint32_t)b;
            return true;
        }
        case K_RTO_MIN_US:
        case K_RTO_MIN_MS: {
            tl_time t = knobs[i].k == K_RTO_MIN_US ? one : one * TL_MS;
            if (t < TL_MS || t > 120 * TL_SEC)
                return false;
            c->rto_min = t;
            return true;
        }
        case K_INSECURE_RST:
            return one == 0;       /* tcplab always checks RSTs as RFC 5961 §3 says */
        }
    }
    return false;
}

/* "sysctl -q NAME=VALUE", "sysctl -w NAME=VALUE", "sysctl NAME=VALUE". */
static bool sysctl_cmd(struct pd_runner *r, char *cmd)
{
    char *p = cmd;
    while (isspace((unsigned char)*p))
        p++;
    if (strncmp(p, "sysctl", 6) != 0 || !isspace((unsigned char)p[6]))
        return false;
    p += 6;
    bool any = false;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (p[0] == '-') {
            if ((p[1] != 'q' && p[1] != 'w') || (p[2] && !isspace((unsigned char)p[2])))
                return false;
            p += 2;
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq)
            return false;
        *eq = '\0';
        char *val = eq + 1, *end;
        if (*val == '"' || *val == '\'') {
            char q = *val++;
            end = strchr(val, q);
            if (!end)
                return false;
            *end++ = '\0';
        } else {
            end = val;
            while (*end && !isspace((unsigned char)*end))
                end++;
            if (*end)
                *end++ = '\0';
        }
        if (!set_knob(r, p, val))
            return false;
        any = true;
        p = end;
    }
    return any;
}

void pd_shell_line(struct pd_runner *r, const struct pd_event *e)
{
    char *copy = strdup(e->text);
    if (!copy) {
        pd_fail(r, "out of memory");
        return;
    }
    bool ok = true;
    char *save = NULL;
    for (char *c = strtok_r(copy, ";", &save); c && ok; c = strtok_r(NULL, ";", &save))
        ok = sysctl_cmd(r, c);
    free(copy);
    if (!ok)
        pd_skip_script(r, "shell command not supported by tcplab: `%s`", e->text);
}

/* The socket of the connection the script plays, or of the last call. */
static struct sock *under_test(struct pd_runner *r)
{
    for (struct sock *s = r->h->socks; s; s = s->next)
        if (s->type == SOCKT_TCP && r->lport && s->lport == r->lport && s->rport == r->rport &&
            s->tcb.state != TCP_LISTEN)
            return s;
    return NULL;
}

void pd_python(struct pd_runner *r, const struct pd_event *e)
{
    char *copy = strdup(e->text);
    if (!copy) {
        pd_fail(r, "out of memory");
        return;
    }
    char *save = NULL;
    for (char *l = strtok_r(copy, "\n;", &save); l && !r->failed && !r->skipped;
         l = strtok_r(NULL, "\n;", &save)) {
        char op[2], name[32], rest[2];
        while (isspace((unsigned char)*l))
            l++;
        for (char *end = l + strlen(l); end > l && isspace((unsigned char)end[-1]);)
            *--end = '\0';
        if (!*l)
            continue;
        int n = sscanf(l, "assert tcpi_state %1[=!]= %31[A-Z_0-9] %1s", op, name, rest);
        long long want;
        if ((n != 2 && !(n == 3 && rest[0] == ',')) || !pd_symbol(name, &want) ||
            strncmp(name, "TCP_", 4) != 0) {
            pd_skip_script(r, "python not supported by tcplab (only 'assert tcpi_state == "
                              "TCP_...'): %.60s", l);
            break;
        }
        struct sock *s = under_test(r);
        int v = tcp_state_linux(s ? s->tcb.state : TCP_CLOSED);   /* gone: TCP_CLOSE */
        bool eq = v == want;
        if (eq != (op[0] == '='))
            pd_fail(r, "python assertion failed: tcpi_state %s %s (tcpi_state is %d)",
                    op[0] == '=' ? "==" : "!=", name, v);
    }
    free(copy);
}
