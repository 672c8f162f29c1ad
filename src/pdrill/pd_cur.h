/* A cursor over one statement of a script: the small helpers the
 * statement and packet parsers share. */
#ifndef TCPLAB_PD_CUR_H
#define TCPLAB_PD_CUR_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static inline const char *pd_skip(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Accept literal `w` (after blanks): true and *pp moved past it. */
static inline bool pd_eat(const char **pp, const char *w)
{
    const char *p = pd_skip(*pp);
    size_t n = strlen(w);
    if (strncmp(p, w, n) != 0)
        return false;
    *pp = p + n;
    return true;
}

/* Accept word `w` not followed by a letter, digit or '_'. */
static inline bool pd_eat_word(const char **pp, const char *w)
{
    const char *p = pd_skip(*pp);
    size_t n = strlen(w);
    if (strncmp(p, w, n) != 0 || isalnum((unsigned char)p[n]) || p[n] == '_')
        return false;
    *pp = p + n;
    return true;
}

/* An unsigned decimal (or 0x hex) number: true and *v. */
static inline bool pd_number(const char **pp, unsigned long long *v)
{
    const char *p = pd_skip(*pp);
    if (!isdigit((unsigned char)*p))
        return false;
    unsigned long long x = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        while (isxdigit((unsigned char)*p)) {
            int d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
            if (x > (~0ULL >> 4))
                return false;
            x = x * 16 + (unsigned)d;
            p++;
        }
    } else {
        while (isdigit((unsigned char)*p)) {
            if (x > (~0ULL - 9) / 10)
                return false;
            x = x * 10 + (unsigned)(*p - '0');
            p++;
        }
    }
    *v = x;
    *pp = p;
    return true;
}

#endif
