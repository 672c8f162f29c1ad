/* make bench, the in-process part: the figures of the performance targets
 * that need neither privileges nor a network namespace.
 *
 *   bench [--quick] [--only sim|stack|lat|scale|loss] [--bytes N] [--conns N] [--tcplab BIN]
 *
 * 1. sim throughput: `send c --bytes N` / `recv s --all` between romeo and
 *    juliet on the in-process wire, no faults: the shell's bulk-summary
 *    path, SHA-256 on both ends (compared); for reference the same through
 *    the socket API alone, and SHA-256's own speed on one core
 * 4. responsiveness: time from a command line to its printed output, over
 *    the golden lab sessions (transcripts/lab-*.cmds, each in its guided
 *    lab): in process (shell_line), and through the real program (BIN, a
 *    pipe each way, sim mode)
 * 5. scale: N simultaneous connections between the simulated hosts through
 *    the stack's socket API: heap per idle connection, time to open and to
 *    close them all
 * 6. loss recovery: the virtual time to deliver 2 MiB (send, shutdown, the
 *    reader's recv --all to the end of stream) under 1%, 5% and 10% loss,
 *    over 100 seeds (5 with --quick): median and worst
 *
 * Writes "key value" lines on stdout; tests/bench/run.sh adds the tap and
 * grading figures and prints the table and build/bench.json.  Run from the
 * repository root (it reads labs/ and transcripts/). */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "link/sim.h"
#include "shell/shell.h"
#include "shell/transcript.h"
#include "stack/api.h"
#include "util/sha256.h"

static const char *lab_names[] = {"sockets", "tcb", "nobody", "closing"};
#define NLABS (sizeof lab_names / sizeof lab_names[0])

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static struct shell *new_shell(FILE *out, uint64_t seed)
{
    struct simnet *n = simnet_new(seed);
    return n ? shell_new(&n->w, out, false) : NULL;
}

/* 1. sim throughput ------------------------------------------------------ */

/* The 64 hex digits after `what` in text, or "". */
static void sha_after(const char *text, const char *what, char hex[65])
{
    const char *p = strstr(text, what);
    hex[0] = '\0';
    if (p && (p = strstr(p, "sha256 ")) && strlen(p + 7) >= 64) {
        memcpy(hex, p + 7, 64);
        hex[64] = '\0';
    }
}

/* A shell of its own (output to *buf) with romeo's c connected to
 * juliet's s, and juliet reading s to its end (recv s --all). */
static struct shell *bulk_shell(uint64_t seed, FILE **out, char **buf, size_t *len)
{
    *out = open_memstream(buf, len);
    struct shell *sh = *out ? new_shell(*out, seed) : NULL;
    if (!sh) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    const char *setup[] = {"juliet: l = socket", "juliet: bind l * 4000", "juliet: listen l",
                           "c = socket", "connect c juliet 4000", "juliet: s = accept l",
                           "juliet: recv s --all"};
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
        shell_line(sh, setup[i]);
    return sh;
}

static void sim_throughput(size_t bytes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    struct shell *sh = bulk_shell(1, &out, &buf, &len);
    char line[64];
    snprintf(line, sizeof line, "send c --bytes %zu", bytes);
    fflush(out);
    size_t mark = len;
    double w0 = wall(), c0 = cpu();
    shell_line(sh, line);      /* to the last byte acknowledged */
    shell_line(sh, "close c"); /* juliet's recv --all sees the end of stream */
    double secs = wall() - w0, cpus = cpu() - c0;
    fflush(out);
    char want[64], sent[65], rcvd[65];
    snprintf(want, sizeof want, "%zu bytes sent", bytes);
    sha_after(buf + mark, want, sent);
    snprintf(want, sizeof want, "%zu bytes received (end of stream)", bytes);
    sha_after(buf + mark, want, rcvd);
    printf("sim_bytes %zu\nsim_seconds %.6f\nsim_cpu_seconds %.6f\nsim_gbit %.4f\n"
           "sim_sha256_equal %d\n", bytes, secs, cpus, (double)bytes * 8 / secs / 1e9,
           sent[0] && strcmp(sent, rcvd) == 0);
    shell_free(sh);
    fclose(out);
    free(buf);
}

/* The same transfer through the socket API alone, no digests, no stream
 * generator: what the stack itself costs (for the stack's engineers). */
static void sim_stack_only(size_t bytes)
{
    static uint8_t out[65536], in[65536];
    struct simnet *net = simnet_new(1);
    struct host *ro = net->hosts[0], *ju = net->hosts[1];
    int l = sock_socket(ju, SOCKT_TCP), c = sock_socket(ro, SOCKT_TCP);
    sock_bind(ju, l, 0, 4000);
    sock_listen(ju, l, 1, net->now);
    sock_connect(ro, c, ju->cfg.addr, 4000, net->now);
    simnet_settle(net);
    int s = sock_accept(ju, l, NULL, NULL, net->now);
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 131 + (i >> 8));
    size_t sent = 0, got = 0, stuck = 0;
    double w0 = wall(), c0 = cpu();
    while (s >= 0 && got < bytes && stuck < 1000) {
        size_t before = got + sent;
        long rc;
        while (sent < bytes &&
               (rc = sock_send(ro, c, out, bytes - sent < sizeof out ? bytes - sent : sizeof out,
                               net->now)) > 0)
            sent += (size_t)rc;
        simnet_settle(net);
        while ((rc = sock_recv(ju, s, in, sizeof in, net->now)) > 0)
            got += (size_t)rc;
        if (got + sent == before) {            /* let a timer fire */
            simnet_sleep(net, TL_MS);
            stuck++;
        }
    }
    double secs = wall() - w0, cpus = cpu() - c0;
    printf("sim_stack_gbit %.4f\nsim_stack_cpu_seconds %.6f\nsim_stack_complete %d\n",
           (double)got * 8 / secs / 1e9, cpus, got == bytes);
    simnet_free(net);
}

/* SHA-256 on one core, over a buffer bigger than the caches: what the two
 * digests of a bulk transfer cost, the floor under the sim figure. */
static void sha256_rate(size_t bytes)
{
    size_t n = bytes < (64u << 20) ? bytes : (64u << 20), chunk = 65536;
    uint8_t *b = malloc(n);
    if (!b)
        return;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 131 + (i >> 9));
    struct sha256 c;
    uint8_t d[32];
    sha256_init(&c);
    double c0 = cpu();
    size_t done = 0;
    for (int round = 0; round < 4; round++)
        for (size_t off = 0; off + chunk <= n; off += chunk, done += chunk)
            sha256_update(&c, b + off, chunk);
    double secs = cpu() - c0;
    sha256_final(&c, d);
    printf("sim_sha256_gbyte_per_core %.4f\n", secs > 0 ? (double)done / secs / 1e9 : 0.0);
    free(b);
}

/* 4. responsiveness ------------------------------------------------------ */

/* The command lines of transcripts/lab-NAME.cmds (no comments, no blanks). */
static size_t read_cmds(const char *lab, char ***out)
{
    char path[128];
    snprintf(path, sizeof path, "transcripts/lab-%s.cmds", lab);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench: %s: %s (run from the repository root)\n", path, strerror(errno));
        exit(1);
    }
    char *line = NULL, **v = NULL;
    size_t cap = 0, n = 0;
    ssize_t k;
    while ((k = getline(&line, &cap, f)) >= 0) {
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
            line[--k] = '\0';
        if (k == 0 || line[0] == '#')
            continue;
        v = realloc(v, (n + 1) * sizeof *v);
        v[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    *out = v;
    return n;
}

static void free_cmds(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

struct samples {
    double *t;
    size_t n, cap;
};

static void add(struct samples *s, double ms)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->t = realloc(s->t, s->cap * sizeof *s->t);
    }
    s->t[s->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_samples(const char *key, struct samples *s)
{
    if (!s->n)
        return;
    qsort(s->t, s->n, sizeof *s->t, cmp_double);
    printf("%s_commands %zu\n%s_median_ms %.4f\n%s_p99_ms %.4f\n%s_max_ms %.4f\n", key, s->n,
           key, s->t[s->n / 2], key, s->t[(size_t)((double)(s->n - 1) * 0.99)], key,
           s->t[s->n - 1]);
}

/* In process: shell_line() of each command, output to /dev/null. */
static void latency_inproc(int rounds, struct samples *s)
{
    FILE *null = fopen("/dev/null", "w");
    for (int r = 0; r < rounds; r++)
        for (size_t l = 0; l < NLABS; l++) {
            char **cmd;
            size_t n = read_cmds(lab_names[l], &cmd);
            struct shell *sh = new_shell(null, 1 + l);
            if (!sh || sh_session_begin(sh, NULL, lab_names[l]) < 0)
                exit(1);
            for (size_t i = 0; i < n; i++) {
                double t0 = wall();
                shell_line(sh, cmd[i]);
                fflush(null);
                add(s, (wall() - t0) * 1e3);
            }
            sh_session_end(sh);
            shell_free(sh);
            free_cmds(cmd, n);
        }
    fclose(null);
}

/* Through the program: each command written to its standard input, then
 * `print "@@K"`; the time until the line @@K comes back on its output. */
static int latency_program(const char *bin, int rounds, struct samples *s)
{
    for (int r = 0; r < rounds; r++)
        for (size_t l = 0; l < NLABS; l++) {
            int in[2], out[2];
            if (pipe(in) < 0 || pipe(out) < 0)
                return -1;
            pid_t pid = fork();
            if (pid < 0)
                return -1;
            if (pid == 0) {
                char lab[32];
                snprintf(lab, sizeof lab, "--lab=%s", lab_names[l]);
                dup2(in[0], 0);
                dup2(out[1], 1);
                close(in[0]), close(in[1]), close(out[0]), close(out[1]);
                execl(bin, bin, "--no-color", lab, "-", (char *)NULL);
                _exit(127);
            }
            close(in[0]);
            close(out[1]);
            FILE *to = fdopen(in[1], "w"), *from = fdopen(out[0], "r");
            char **cmd, *line = NULL;
            size_t n = read_cmds(lab_names[l], &cmd), cap = 0;
            int bad = 0;
            for (size_t i = 0; i <= n && !bad; i++) {   /* i == 0: started up */
                char mark[32];
                snprintf(mark, sizeof mark, "@@%zu\n", i);
                double t0 = wall();
                fprintf(to, "%s\nprint \"@@%zu\"\n", i ? cmd[i - 1] : "", i);
                fflush(to);
                for (;;) {
                    if (getline(&line, &cap, from) < 0) {
                        fprintf(stderr, "bench: %s ended before '%s'\n", bin,
                                i ? cmd[i - 1] : "");
                        bad = 1;
                        break;
                    }
                    if (strcmp(line, mark) == 0)
                        break;
                }
                if (!bad && i)
                    add(s, (wall() - t0) * 1e3);
            }
            fclose(to);
            while (getline(&line, &cap, from) >= 0)
                ;
            fclose(from);
            free(line);
            free_cmds(cmd, n);
            int st;
            waitpid(pid, &st, 0);
            if (bad)
                return -1;
        }
    return 0;
}

/* 5. scale --------------------------------------------------------------- */

static bool never(void *ctx) { (void)ctx; return false; }

static size_t heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;      /* small chunks and mmap()ed ones */
}

static int count_socks(const struct host *h)
{
    int n = 0;
    for (const struct sock *s = h->socks; s; s = s->next)
        n++;
    return n;
}

static void scale_test(int n)
{
    struct simnet *net = simnet_new(1);
    struct host *ro = net->hosts[0], *ju = net->hosts[1];
    ro->cfg.msl = ju->cfg.msl = TL_SEC;      /* a short TIME-WAIT for the close phase */
    int *cfd = malloc((size_t)n * sizeof *cfd), *sfd = malloc((size_t)n * sizeof *sfd);
    int l = sock_socket(ju, SOCKT_TCP);
    sock_bind(ju, l, 0, 4000);
    sock_listen(ju, l, n, net->now);
    /* ARP first, so that no SYN waits in (or overflows) ARP's queue */
    host_ping(ro, ju->cfg.addr, 1, 1, 8, net->now);
    simnet_settle(net);
    size_t m0 = heap_in_use();
    double t0 = wall();
    int made = 0, connected = 0, accepted = 0, first_err = 0;
    /* The server accepts as connections come, as a real one would: the
     * accept queue holds at most somaxconn (4096) of them. */
    for (int i = 0; i < n; i++) {
        cfd[i] = sock_socket(ro, SOCKT_TCP);
        if (cfd[i] < 0) {
            first_err = -cfd[i];
            break;
        }
        made++;
        sock_connect(ro, cfd[i], ju->cfg.addr, 4000, net->now);
        if (i % 64 == 63 || i == n - 1) {
            simnet_settle(net);
            int fd;
            while ((fd = sock_accept(ju, l, NULL, NULL, net->now)) >= 0)
                sfd[accepted++] = fd;
            if (fd != -EAGAIN && !first_err)
                first_err = -fd;
        }
    }
    for (int i = 0; i < made; i++) {
        int err;
        connected += sock_connect_done(ro, cfd[i], &err) && err == 0;
    }
    double open_s = wall() - t0;
    size_t m1 = heap_in_use();
    int opened = connected < accepted ? connected : accepted;
    /* -1: not measurable (mallinfo2 says nothing under AddressSanitizer) */
    double per_conn = opened && m1 > m0 ? (double)(m1 - m0) / opened : -1;
    t0 = wall();
    for (int i = 0; i < made; i++) {
        sock_close(ro, cfd[i], net->now);
        if (i < accepted)
            sock_close(ju, sfd[i], net->now);
        if (i % 64 == 63)
            simnet_settle(net);
    }
    sock_close(ju, l, net->now);       /* and any connection it never handed out */
    simnet_settle(net);
    simnet_run_until(net, never, NULL, net->now + 3 * TL_SEC);   /* past TIME-WAIT */
    double close_s = wall() - t0;
    printf("scale_wanted %d\nscale_opened %d\nscale_first_error %s\n"
           "scale_bytes_per_connection %.0f\nscale_open_seconds %.4f\nscale_close_seconds %.4f\n"
           "scale_left_after_close %d\n", n, opened, first_err ? strerror(first_err) : "none",
           per_conn, open_s, close_s,
           count_socks(ro) + count_socks(ju));
    free(cfd);
    free(sfd);
    simnet_free(net);
}

/* 6. loss recovery ------------------------------------------------------- */

/* The virtual time to deliver 2 MiB (from send to the end of stream at
 * the reader) under `wire loss PCT`, one run per seed; the median and the
 * worst, and how many runs failed to deliver whole. */
static double loss_one(uint64_t seed, int pct, bool *ok)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    struct shell *sh = bulk_shell(seed, &out, &buf, &len);
    char line[64];
    snprintf(line, sizeof line, "wire loss %d", pct);
    shell_line(sh, line);
    fflush(out);
    size_t mark = len;
    tl_time t0 = sh_now(sh);
    shell_line(sh, "send c --bytes 2M");
    shell_line(sh, "shutdown c wr");      /* returns once the reader saw the end */
    double secs = (double)(sh_now(sh) - t0) / TL_SEC;
    fflush(out);
    char sent[65], rcvd[65];
    sha_after(buf + mark, "2097152 bytes sent", sent);
    sha_after(buf + mark, "2097152 bytes received (end of stream)", rcvd);
    *ok = sent[0] && strcmp(sent, rcvd) == 0;
    shell_free(sh);
    fclose(out);
    free(buf);
    return secs;
}

static void loss_recovery(int seeds)
{
    static const int pcts[] = {1, 5, 10};
    for (size_t k = 0; k < sizeof pcts / sizeof pcts[0]; k++) {
        struct samples s = {0};
        int failed = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            bool ok;
            double t = loss_one((uint64_t)seed, pcts[k], &ok);
            failed += !ok;
            add(&s, t);
        }
        qsort(s.t, s.n, sizeof *s.t, cmp_double);
        printf("loss%d_seeds %d\nloss%d_failed %d\nloss%d_median_seconds %.4f\n"
               "loss%d_worst_seconds %.4f\n", pcts[k], seeds, pcts[k], failed, pcts[k],
               s.n ? s.t[s.n / 2] : 0.0, pcts[k], s.n ? s.t[s.n - 1] : 0.0);
        free(s.t);
    }
}

int main(int argc, char **argv)
{
    bool quick = false;
    const char *only = NULL, *bin = "./tcplab";
    size_t bytes = 0;
    int conns = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--bytes") == 0 && i + 1 < argc)
            bytes = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--conns") == 0 && i + 1 < argc)
            conns = atoi(argv[++i]);
        else if (strcmp(argv[i], "--tcplab") == 0 && i + 1 < argc)
            bin = argv[++i];
        else {
            fprintf(stderr, "usage: bench [--quick] [--only sim|stack|lat|scale|loss] [--bytes N] "
                            "[--conns N] [--tcplab BIN]\n");
            return 2;
        }
    }
    setenv("TCPLAB_LABS", "labs", 0);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!bytes)
        bytes = quick ? (size_t)8 << 20 : (size_t)1 << 30;
    if (!only || strcmp(only, "sim") == 0)
        sim_throughput(bytes);
    if (!only || strcmp(only, "stack") == 0) {
        sim_stack_only(bytes);
        sha256_rate(bytes);
    }
    if (!only || strcmp(only, "lat") == 0) {
        struct samples in = {0}, prog = {0};
        latency_inproc(quick ? 2 : 30, &in);
        print_samples("lat", &in);
        if (access(bin, X_OK) == 0 && latency_program(bin, quick ? 1 : 10, &prog) == 0)
            print_samples("lat_program", &prog);
        else
            fprintf(stderr, "bench: no latency through %s\n", bin);
        free(in.t);
        free(prog.t);
    }
    if (!only || strcmp(only, "scale") == 0)
        scale_test(conns ? conns : quick ? 500 : 10000);
    if (!only || strcmp(only, "loss") == 0)
        loss_recovery(quick ? 5 : 100);
    return 0;
}
