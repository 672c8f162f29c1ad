/* `tcplab packetdrill [--ignore-options] [--ignore-window] [--report]
 * SCRIPT...`: parse and run each script against a fresh tcplab host, one
 * verdict line each, then the total.  Exit 0 if none failed (skipped
 * scripts are counted apart, never as passed), 1 if any failed, 2 on a
 * usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "pdrill/pd.h"

#define PD_SCRIPT_MAX (1 << 20)

static char *slurp(const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(PD_SCRIPT_MAX + 1);
    size_t n = buf ? fread(buf, 1, PD_SCRIPT_MAX + 1, f) : 0;
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad || n > PD_SCRIPT_MAX || memchr(buf, '\0', n)) {
        snprintf(err, cap, "%s: %s", path,
                 !buf ? "out of memory" : bad ? "read error" : n > PD_SCRIPT_MAX
                     ? "larger than 1 MiB" : "not a text file");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

#define USAGE "usage: tcplab packetdrill [--ignore-options] [--ignore-window] [--report] SCRIPT..."

int cmd_packetdrill(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ignore-options", no_argument, NULL, 'o'},
        {"ignore-window", no_argument, NULL, 'w'},
        {"report", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct pd_opts o = {.out = stdout};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.ignore_options = true; break;
        case 'w': o.ignore_window = true; break;
        case 'r': o.report = true; break;
        case 'h': printf("%s\n", USAGE); return 0;
        default:
            fprintf(stderr, "tcplab packetdrill: unknown option '%s' (%s)\n", argv[optind - 1],
                    USAGE);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "tcplab packetdrill: no script (%s)\n", USAGE);
        return 2;
    }
    o.color = o.report && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    int pass = 0, fail = 0, skip = 0;
    for (int i = optind; i < argc; i++) {
        char err[PD_ERR_MAX];
        struct pd_script s;
        char *text = slurp(argv[i], err, sizeof err);
        if (!text || pd_parse(&s, argv[i], text, err, sizeof err) < 0) {
            printf("FAIL %s\n", err);
            fail++;
            free(text);
            continue;
        }
        free(text);
        switch (pd_run(&s, &o)) {
        case PD_PASS: pass++; break;
        case PD_FAIL: fail++; break;
        case PD_SKIP: skip++; break;
        }
        pd_script_free(&s);
        fflush(stdout);
    }
    printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
    return fail ? 1 : 0;
}
