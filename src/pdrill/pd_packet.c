/* packetdrill's packet syntax: `< S 0:0(0) win 32792 <mss 1000,nop,wscale 7>`.
 * Parsed into a struct pd_pkt, printed back the way packetdrill prints a
 * packet, and the option list turned into the bytes of a TCP header (and
 * back).  Used by the script runner and by the shell's `inject`. */
#include <stdio.h>

#include "pdrill/pd.h"
#include "pdrill/pd_cur.h"
#include "wire/bytes.h"
#include "wire/tcp.h"

#define TCPOPT_MD5 19
#define TCPOPT_FO  34              /* RFC 7413 TCP Fast Open cookie */

static int fail(char *err, size_t cap, const char *what, const char *at)
{
    char near[24];
    size_t n = 0;
    at = pd_skip(at);
    while (at[n] && at[n] != '\n' && n < sizeof near - 1) {
        near[n] = at[n];
        n++;
    }
    near[n] = '\0';
    if (n)
        snprintf(err, cap, "%s near '%s'", what, near);
    else
        snprintf(err, cap, "%s at the end of the line", what);
    return -1;
}

static bool num32(const char **pp, uint32_t *v)
{
    unsigned long long x;
    if (!pd_number(pp, &x) || x > 0xffffffffULL)
        return false;
    *v = (uint32_t)x;
    return true;
}

static int parse_flags(const char **pp, uint8_t *flags, char *err, size_t cap)
{
    const char *p = pd_skip(*pp);
    uint8_t f = 0;
    const char *start = p;
    for (; *p && *p != ' ' && *p != '\t'; p++) {
        switch (*p) {
        case 'F': f |= TH_FIN; break;
        case 'S': f |= TH_SYN; break;
        case 'R': f |= TH_RST; break;
        case 'P': f |= TH_PSH; break;
        case '.': f |= TH_ACK; break;
        case 'U': f |= TH_URG; break;
        case 'E': f |= TH_ECE; break;
        case 'W': f |= TH_CWR; break;
        case '-': break;
        default: return fail(err, cap, "unknown TCP flag", p);
        }
    }
    if (p == start)
        return fail(err, cap, "expected TCP flags (S, ., F, R, P, E, W, U or -)", p);
    *flags = f;
    *pp = p;
    return 0;
}

static int parse_option(const char **pp, struct pd_opt *o, char *err, size_t cap)
{
    memset(o, 0, sizeof *o);
    const char *p = *pp;
    if (pd_eat_word(&p, "nop")) {
        o->kind = PDO_NOP;
    } else if (pd_eat_word(&p, "eol")) {
        o->kind = PDO_EOL;
    } else if (pd_eat_word(&p, "mss")) {
        o->kind = PDO_MSS;
        if (!num32(&p, &o->a) || o->a > 0xffff)
            return fail(err, cap, "mss takes a number up to 65535", p);
    } else if (pd_eat_word(&p, "wscale")) {
        o->kind = PDO_WSCALE;
        if (!num32(&p, &o->a) || o->a > 255)
            return fail(err, cap, "wscale takes a number up to 255", p);
    } else if (pd_eat_word(&p, "sackOK")) {
        o->kind = PDO_SACKOK;
    } else if (pd_eat_word(&p, "sack")) {
        o->kind = PDO_SACK;
        while (o->nsack < 4) {
            const char *q = p;
            uint32_t l, r;
            if (!num32(&q, &l))
                break;
            if (!pd_eat(&q, ":") || !num32(&q, &r))
                return fail(err, cap, "a SACK block is LEFT:RIGHT", p);
            o->sack[o->nsack][0] = l;
            o->sack[o->nsack][1] = r;
            o->nsack++;
            p = q;
        }
        if (o->nsack == 0)
            return fail(err, cap, "sack needs at least one LEFT:RIGHT block", p);
    } else if (pd_eat_word(&p, "TS")) {
        o->kind = PDO_TS;
        if (!pd_eat_word(&p, "val") || !num32(&p, &o->a))
            return fail(err, cap, "TS is written 'TS val N ecr N'", p);
        if (!pd_eat_word(&p, "ecr") || !num32(&p, &o->b))
            return fail(err, cap, "TS is written 'TS val N ecr N'", p);
    } else if (pd_eat_word(&p, "md5")) {
        o->kind = PDO_MD5;
    } else if (pd_eat_word(&p, "FO")) {
        o->kind = PDO_FO;
        p = pd_skip(p);
        while (isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) &&
               o->len < 16) {
            unsigned v;
            sscanf(p, "%2x", &v);
            o->bytes[o->len++] = (uint8_t)v;
            p += 2;
        }
    } else {
        return fail(err, cap, "unknown TCP option", p);
    }
    *pp = p;
    return 0;
}

static int parse_options(const char **pp, struct pd_pkt *pkt, char *err, size_t cap)
{
    const char *p = *pp;
    pkt->has_opts = true;
    if (pd_eat(&p, "...")) {
        pkt->opts_any = true;
    } else if (!pd_eat(&p, ">")) {
        do {
            if (pkt->nopt >= PD_MAX_OPTS)
                return fail(err, cap, "too many TCP options", p);
            if (parse_option(&p, &pkt->opt[pkt->nopt], err, cap) < 0)
                return -1;
            pkt->nopt++;
        } while (pd_eat(&p, ","));
        *pp = p;
        if (!pd_eat(&p, ">"))
            return fail(err, cap, "expected ',' or '>' in the option list", p);
        *pp = p;
        uint8_t tmp[64];
        if (pd_opts_encode(pkt->opt, pkt->nopt, tmp) < 0)
            return fail(err, cap, "the options take more than 40 bytes", *pp);
        return 0;
    } else {
        *pp = p;
        return 0;
    }
    if (!pd_eat(&p, ">"))
        return fail(err, cap, "expected '>' after '<...'", p);
    *pp = p;
    return 0;
}

int pd_parse_packet(const char *p, const char **endp, struct pd_pkt *pkt, char *err, size_t cap)
{
    memset(pkt, 0, sizeof *pkt);
    p = pd_skip(p);
    if (*p != '<' && *p != '>')
        return fail(err, cap, "a packet starts with '<' (sent by the peer) or '>' (by tcplab)", p);
    pkt->inbound = *p == '<';
    p++;
    if (parse_flags(&p, &pkt->flags, err, cap) < 0)
        return -1;
    const char *q = p;
    if (!num32(&p, &pkt->seq) || !pd_eat(&p, ":") || !num32(&p, &pkt->end) ||
        !pd_eat(&p, "(") || !num32(&p, &pkt->len) || !pd_eat(&p, ")"))
        return fail(err, cap, "expected the sequence numbers START:END(LENGTH)", q);
    if (pkt->end - pkt->seq != pkt->len)
        return fail(err, cap, "START:END(LENGTH) do not add up", q);
    if (pkt->len > 65535)
        return fail(err, cap, "a segment carries at most 65535 bytes", q);
    for (;;) {
        if (pd_eat_word(&p, "ack")) {
            q = p;
            if (!num32(&p, &pkt->ack))
                return fail(err, cap, "ack takes a number", q);
            pkt->has_ack = true;
        } else if (pd_eat_word(&p, "win")) {
            uint32_t w;
            q = p;
            if (!num32(&p, &w) || w > 0xffff)
                return fail(err, cap, "win takes a number up to 65535", q);
            pkt->win = (uint16_t)w;
            pkt->has_win = true;
        } else if (pd_eat_word(&p, "urg")) {
            uint32_t u;
            q = p;
            if (!num32(&p, &u) || u > 0xffff)
                return fail(err, cap, "urg takes a number up to 65535", q);
            pkt->urg = (uint16_t)u;
            pkt->has_urg = true;
        } else {
            break;
        }
    }
    if (pd_eat(&p, "<") && parse_options(&p, pkt, err, cap) < 0)
        return -1;
    p = pd_skip(p);
    if (*p)
        return fail(err, cap, "unexpected text after the packet", p);
    if (pkt->has_ack && !(pkt->flags & TH_ACK))
        return fail(err, cap, "'ack N' needs the '.' flag", q);
    if (endp)
        *endp = p;
    return 0;
}

static void print_option(FILE *out, const struct pd_opt *o)
{
    switch (o->kind) {
    case PDO_NOP: fputs("nop", out); break;
    case PDO_EOL: fputs("eol", out); break;
    case PDO_MSS: fprintf(out, "mss %u", o->a); break;
    case PDO_WSCALE: fprintf(out, "wscale %u", o->a); break;
    case PDO_SACKOK: fputs("sackOK", out); break;
    case PDO_SACK:
        fputs("sack", out);
        for (int i = 0; i < o->nsack; i++)
            fprintf(out, " %u:%u", o->sack[i][0], o->sack[i][1]);
        break;
    case PDO_TS: fprintf(out, "TS val %u ecr %u", o->a, o->b); break;
    case PDO_MD5: fputs("md5", out); break;
    case PDO_FO:
        fputs("FO", out);
        if (o->len)
            fputc(' ', out);
        for (int i = 0; i < o->len; i++)
            fprintf(out, "%02x", o->bytes[i]);
        break;
    case PDO_OTHER: fprintf(out, "opt%u len %u", o->bytes[0], o->len); break;
    }
}

void pd_print_packet(FILE *out, const struct pd_pkt *pkt)
{
    static const struct { uint8_t bit; char c; } order[] = {
        {TH_FIN, 'F'}, {TH_SYN, 'S'}, {TH_RST, 'R'}, {TH_PSH, 'P'},
        {TH_ACK, '.'}, {TH_URG, 'U'}, {TH_ECE, 'E'}, {TH_CWR, 'W'},
    };
    bool any = false;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (pkt->flags & order[i].bit) {
            fputc(order[i].c, out);
            any = true;
        }
    if (!any)
        fputc('-', out);
    fprintf(out, " %u:%u(%u)", pkt->seq, pkt->end, pkt->len);
    if (pkt->has_ack)
        fprintf(out, " ack %u", pkt->ack);
    if (pkt->has_win)
        fprintf(out, " win %u", pkt->win);
    if (pkt->has_urg)
        fprintf(out, " urg %u", pkt->urg);
    if (pkt->opts_any) {
        fputs(" <...>", out);
    } else if (pkt->nopt) {
        fputs(" <", out);
        for (int i = 0; i < pkt->nopt; i++) {
            if (i)
                fputc(',', out);
            print_option(out, &pkt->opt[i]);
        }
        fputc('>', out);
    }
}

int pd_opts_encode(const struct pd_opt *o, int n, uint8_t *out)
{
    uint8_t buf[128];
    size_t i = 0;
    for (int k = 0; k < n; k++) {
        if (i > 80)
            return -1;
        switch (o[k].kind) {
        case PDO_NOP: buf[i++] = TCPOPT_NOP; break;
        case PDO_EOL: buf[i++] = TCPOPT_EOL; break;
        case PDO_MSS:
            buf[i] = TCPOPT_MSS; buf[i + 1] = 4; put_be16(buf + i + 2, (uint16_t)o[k].a); i += 4;
            break;
        case PDO_WSCALE:
            buf[i] = TCPOPT_WSCALE; buf[i + 1] = 3; buf[i + 2] = (uint8_t)o[k].a; i += 3;
            break;
        case PDO_SACKOK: buf[i] = TCPOPT_SACK_PERM; buf[i + 1] = 2; i += 2; break;
        case PDO_SACK:
            buf[i] = TCPOPT_SACK;
            buf[i + 1] = (uint8_t)(2 + 8 * o[k].nsack);
            i += 2;
            for (int b = 0; b < o[k].nsack; b++) {
                put_be32(buf + i, o[k].sack[b][0]);
                put_be32(buf + i + 4, o[k].sack[b][1]);
                i += 8;
            }
            break;
        case PDO_TS:
            buf[i] = TCPOPT_TS; buf[i + 1] = 10;
            put_be32(buf + i + 2, o[k].a); put_be32(buf + i + 6, o[k].b); i += 10;
            break;
        case PDO_MD5:
            buf[i] = TCPOPT_MD5; buf[i + 1] = 18; memset(buf + i + 2, 0, 16); i += 18;
            break;
        case PDO_FO:
            buf[i] = TCPOPT_FO; buf[i + 1] = (uint8_t)(2 + o[k].len);
            memcpy(buf + i + 2, o[k].bytes, o[k].len); i += 2u + o[k].len;
            break;
        case PDO_OTHER:
            memcpy(buf + i, o[k].bytes, o[k].len); i += o[k].len;
            break;
        }
    }
    while (i % 4)
        buf[i++] = TCPOPT_EOL;   /* as packetdrill: pad the header with EOL */
    if (i > TCP_OPT_MAX)
        return -1;
    memcpy(out, buf, i);
    return (int)i;
}

int pd_opts_decode(const uint8_t *p, size_t len, struct pd_opt *o, int max)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        if (n >= max)
            return -1;
        struct pd_opt *x = &o[n];
        memset(x, 0, sizeof *x);
        uint8_t kind = p[i];
        if (kind == TCPOPT_EOL) {
            x->kind = PDO_EOL;
            n++;
            break;                 /* the rest is padding */
        }
        if (kind == TCPOPT_NOP) {
            x->kind = PDO_NOP;
            n++;
            i++;
            continue;
        }
        if (i + 2 > len || p[i + 1] < 2 || i + p[i + 1] > len)
            return -1;
        uint8_t olen = p[i + 1];
        const uint8_t *v = p + i + 2;
        if (kind == TCPOPT_MSS && olen == 4) {
            x->kind = PDO_MSS;
            x->a = get_be16(v);
        } else if (kind == TCPOPT_WSCALE && olen == 3) {
            x->kind = PDO_WSCALE;
            x->a = v[0];
        } else if (kind == TCPOPT_SACK_PERM && olen == 2) {
            x->kind = PDO_SACKOK;
        } else if (kind == TCPOPT_SACK && olen >= 10 && (olen - 2) % 8 == 0 && olen <= 34) {
            x->kind = PDO_SACK;
            x->nsack = (uint8_t)((olen - 2) / 8);
            for (int b = 0; b < x->nsack; b++) {
                x->sack[b][0] = get_be32(v + 8 * b);
                x->sack[b][1] = get_be32(v + 8 * b + 4);
            }
        } else if (kind == TCPOPT_TS && olen == 10) {
            x->kind = PDO_TS;
            x->a = get_be32(v);
            x->b = get_be32(v + 4);
        } else if (kind == TCPOPT_MD5 && olen == 18) {
            x->kind = PDO_MD5;
        } else if (kind == TCPOPT_FO && olen <= 18) {
            x->kind = PDO_FO;
            x->len = (uint8_t)(olen - 2);
            memcpy(x->bytes, v, x->len);
        } else {
            x->kind = PDO_OTHER;
            x->len = olen > sizeof x->bytes ? sizeof x->bytes : olen;
            memcpy(x->bytes, p + i, x->len);
        }
        n++;
        i += olen;
    }
    return n;
}
