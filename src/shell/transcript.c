/* Transcripts: a header, then every command after its prompt, then its
 * output.  `tcplab replay` re-runs a sim-mode transcript command by
 * command and compares what it prints with what was recorded, byte for
 * byte. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link/sim.h"
#include "shell/shell.h"
#include "shell/transcript.h"

void transcript_write_header(FILE *f, uint64_t seed, const char *lab)
{
    char date[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "# tcplab transcript\n# version: %s\n# mode: sim\n# seed: %llu\n# lab: %s\n"
               "# date: %s\n",
            TCPLAB_VERSION, (unsigned long long)seed, lab && *lab ? lab : "-", date);
}

/* ---- the tee behind --record: the terminal, and the file without colour */

struct tee {
    FILE *a, *b;
    bool in_escape;
};

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
    struct tee *t = cookie;
    fwrite(buf, 1, n, t->a);
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (t->in_escape) {
            if ((c >= '@' && c <= '~') && c != '[')
                t->in_escape = false;
            continue;
        }
        if (c == '\033') {
            t->in_escape = true;
            continue;
        }
        fputc(c, t->b);
    }
    return (ssize_t)n;
}

static int tee_close(void *cookie)
{
    struct tee *t = cookie;
    fflush(t->a);
    fflush(t->b);
    free(t);
    return 0;
}

FILE *transcript_tee(FILE *terminal, FILE *file)
{
    struct tee *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->a = terminal;
    t->b = file;
    cookie_io_functions_t io = {.write = tee_write, .close = tee_close};
    FILE *f = fopencookie(t, "w", io);
    if (!f) {
        free(t);
        return NULL;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

/* ---- replay ---------------------------------------------------------- */

struct lines {
    char **v;
    size_t n;
};

static int read_lines(const char *path, struct lines *L, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "cannot open: %s", strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0, vcap = 0;
    ssize_t n;
    L->v = NULL;
    L->n = 0;
    while ((n = getline(&line, &lcap, f)) >= 0) {
        if (memchr(line, '\0', (size_t)n)) {
            snprintf(err, cap, "line %zu: not text (a NUL byte)", L->n + 1);
            free(line);
            fclose(f);
            return -1;
        }
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (L->n == vcap) {
            vcap = vcap ? vcap * 2 : 256;
            char **nv = realloc(L->v, vcap * sizeof *nv);
            if (!nv)
                break;
            L->v = nv;
        }
        L->v[L->n++] = strdup(line);
    }
    free(line);
    fclose(f);
    return 0;
}

static void free_lines(struct lines *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->v[i]);
    free(L->v);
}

/* "romeo> COMMAND": the host index and where the command starts, or -1. */
static int prompt_line(const struct shell *sh, const char *line, const char **cmd)
{
    for (int h = 0; h < WORLD_HOSTS; h++) {
        const char *name = sh_host_name(sh, h);
        size_t n = strlen(name);
        if (strncmp(line, name, n) == 0 && line[n] == '>' && line[n + 1] == ' ') {
            *cmd = line + n + 2;
            return h;
        }
    }
    return -1;
}

int transcript_replay(const char *path, FILE *report, bool quiet)
{
    struct lines L;
    char err[256];
    if (read_lines(path, &L, err, sizeof err) < 0) {
        fprintf(report, "%s: %s\n", path, err);
        return 1;
    }
    size_t i = 0;
    uint64_t seed = 0;
    bool have_seed = false, sim = false;
    if (L.n == 0 || strcmp(L.v[0], "# tcplab transcript") != 0) {
        fprintf(report, "%s: line 1: not a tcplab transcript (no '# tcplab transcript' header)\n",
                path);
        free_lines(&L);
        return 1;
    }
    for (i = 1; i < L.n && strncmp(L.v[i], "# ", 2) == 0; i++) {
        const char *h = L.v[i] + 2;
        if (strncmp(h, "seed: ", 6) == 0) {
            char *end;
            seed = strtoull(h + 6, &end, 10);
            have_seed = *end == '\0' && h[6];
        } else if (strcmp(h, "mode: sim") == 0) {
            sim = true;
        } else if (strncmp(h, "mode: ", 6) == 0) {
            fprintf(report, "%s: line %zu: mode '%s' cannot be replayed byte for byte\n", path,
                    i + 1, h + 6);
            free_lines(&L);
            return 1;
        }
    }
    if (!have_seed || !sim) {
        fprintf(report, "%s: header lacks %s\n", path, have_seed ? "'# mode: sim'" : "'# seed: N'");
        free_lines(&L);
        return 1;
    }

    char *buf = NULL;
    size_t blen = 0;
    FILE *mem = open_memstream(&buf, &blen);
    struct simnet *net = mem ? simnet_new(seed) : NULL;
    struct shell *sh = net ? shell_new(&net->w, mem, false) : NULL;
    if (!sh) {
        fprintf(report, "%s: out of memory\n", path);
        if (mem)
            fclose(mem);
        free(buf);
        free_lines(&L);
        return 1;
    }
    int rc = 0;
    size_t commands = 0;
    while (i < L.n && !sh->quit) {
        const char *cmd = "";
        int host = prompt_line(sh, L.v[i], &cmd);
        if (host != sh->cur) {
            char pr[64];
            fprintf(report, "%s: line %zu: expected a command after '%s'\n  recorded: %s\n", path,
                    i + 1, shell_prompt(sh, pr, sizeof pr), L.v[i]);
            rc = 1;
            break;
        }
        size_t cmd_line = i++;
        fflush(mem);
        size_t start = blen;
        shell_line(sh, cmd);
        commands++;
        fflush(mem);
        /* Compare the new output, line by line, with what follows. */
        const char *p = buf + start;
        const char *end = buf + blen;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (i >= L.n || strlen(L.v[i]) != n || memcmp(L.v[i], p, n) != 0) {
                fprintf(report,
                        "%s: line %zu: output of '%s' (line %zu) differs\n  recorded: %s\n"
                        "  replayed: %.*s\n",
                        path, i + 1, cmd, cmd_line + 1, i < L.n ? L.v[i] : "(end of transcript)",
                        (int)n, p);
                rc = 1;
                goto done;
            }
            i++;
            p += n + (nl ? 1 : 0);
        }
    }
    if (rc == 0 && i < L.n && sh->quit) {
        fprintf(report, "%s: line %zu: text after quit\n  recorded: %s\n", path, i + 1, L.v[i]);
        rc = 1;
    }
done:
    if (rc == 0 && !quiet)
        fprintf(report, "%s: ok (%zu commands replayed, output identical)\n", path, commands);
    shell_free(sh);
    fclose(mem);
    free(buf);
    free_lines(&L);
    return rc;
}

int replay_main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tcplab replay TRANSCRIPT...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= transcript_replay(argv[i], stdout, false);
    return rc;
}
