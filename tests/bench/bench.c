/* make bench: the speed and memory figures of design targets, measured in
 * one run, printed as a table and written as JSON.
 *
 *   bench [--quick] [--json FILE]
 *
 * 1. sim throughput: a bulk transfer through the shell's summary path
 * 4. responsiveness: per-command latency of a scripted lab session
 * 5. scale: simultaneous connections between the simulated hosts
 * (tap throughput and grading are measured by the scripts that call this,
 * tests/bench/run.sh, since they need namespaces and the grader.) */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "link/sim.h"
#include "shell/shell.h"
#include "stack/api.h"

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

static struct shell *new_shell(FILE *out)
{
    struct simnet *n = simnet_new(1);
    return n ? shell_new(&n->w, out, false) : NULL;
}

static int run(struct shell *sh, const char *line)
{
    return shell_line(sh, line);
}

/* 1. sim throughput ------------------------------------------------------ */
struct thr { double gbit, cpu_s, wall_s; size_t bytes; bool ok; };

static struct thr sim_throughput(size_t bytes)
{
    struct thr r = {.bytes = bytes};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct shell *sh = new_shell(out);
    if (!sh)
        return r;
    run(sh, "juliet: l = socket");
    run(sh, "juliet: bind l * 4000");
    run(sh, "juliet: listen l");
    run(sh, "c = socket");
    run(sh, "connect c juliet 4000");
    run(sh, "juliet: s = accept l");
    run(sh, "juliet: recv s --all");
    char line[64];
    snprintf(line, sizeof line, "send c --bytes %zu", bytes);
    fflush(out);
    size_t mark = len;
    double w0 = wall(), c0 = cpu();
    run(sh, line);
    run(sh, "close c");
    r.wall_s = wall() - w0;
    r.cpu_s = cpu() - c0;
    fflush(out);
    char want[64];
    snprintf(want, sizeof want, "%zu bytes received (end of stream)", bytes);
    r.ok = strstr(buf + mark, want) != NULL;
    r.gbit = (double)bytes * 8 / r.wall_s / 1e9;
    shell_free(sh);
    fclose(out);
    free(buf);
    return r;
}

/* 4. responsiveness ------------------------------------------------------ */
static const char *session[] = {
    "use juliet", "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
    "sock.bind(('10.10.2.100', 4000))", "sock.listen()", "conn_sock, conn_addr = sock.accept()",
    "use romeo", "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
    "sock.connect(('10.10.2.100', 4001))", "sock.connect(('10.10.2.100', 4000))",
    "sock.send(b\"Hello juliet\\n\")", "juliet: ss", "juliet: conn_sock.recv(1024)",
    "juliet: conn_sock.send(b\"Hello romeo\\n\")", "sock.recv(1024)", "tcb sock", "diagram sock",
    "ss", "lsof", "arp", "sock.close()", "juliet: conn_sock.close()", "ss", "sleep 2msl", "ss",
    "time", "help",
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct lat { double median_ms, p99_ms; size_t n; };

static struct lat latency(int rounds)
{
    size_t per = sizeof session / sizeof session[0];
    size_t n = per * (size_t)rounds;
    double *t = calloc(n, sizeof *t);
    FILE *null = fopen("/dev/null", "w");
    size_t k = 0;
    for (int r = 0; r < rounds; r++) {
        struct shell *sh = new_shell(null);
        for (size_t i = 0; i < per; i++) {
            double t0 = wall();
            run(sh, session[i]);
            fflush(null);
            t[k++] = (wall() - t0) * 1e3;
        }
        shell_free(sh);
    }
    fclose(null);
    qsort(t, n, sizeof *t, cmp_double);
    struct lat l = {t[n / 2], t[(size_t)((double)(n - 1) * 0.99)], n};
    free(t);
    return l;
}

/* 5. scale ------------------------------------------------------------ */
struct scale { int n, opened; double open_s, close_s, bytes_per_conn; };

static bool never(void *ctx) { (void)ctx; return false; }

static struct scale scale_test(int n)
{
    struct scale r = {.n = n};
    struct simnet *net = simnet_new(1);
    struct host *ro = net->hosts[0], *ju = net->hosts[1];
    ro->cfg.msl = ju->cfg.msl = TL_SEC;      /* short TIME-WAIT for the close phase */
    int l = sock_socket(ju, SOCKT_TCP);
    sock_bind(ju, l, 0, 4000);
    sock_listen(ju, l, n, net->now);
    int *cfd = calloc((size_t)n, sizeof *cfd), *sfd = calloc((size_t)n, sizeof *sfd);
    struct mallinfo2 m0 = mallinfo2();
    double t0 = wall();
    for (int i = 0; i < n; i++) {
        cfd[i] = sock_socket(ro, SOCKT_TCP);
        if (cfd[i] < 0)
            break;
        sock_connect(ro, cfd[i], ju->cfg.addr, 4000, net->now);
        if (i % 64 == 63)
            simnet_settle(net);
    }
    simnet_settle(net);
    for (int i = 0; i < n; i++) {
        sfd[i] = sock_accept(ju, l, NULL, NULL, net->now);
        if (sfd[i] >= 0)
            r.opened++;
    }
    r.open_s = wall() - t0;
    struct mallinfo2 m1 = mallinfo2();
    /* both ends of every connection, idle, buffers not yet allocated */
    r.bytes_per_conn = r.opened ? (double)(m1.uordblks - m0.uordblks) / r.opened : 0;
    t0 = wall();
    for (int i = 0; i < n; i++) {
        if (cfd[i] >= 0)
            sock_close(ro, cfd[i], net->now);
        if (sfd[i] >= 0)
            sock_close(ju, sfd[i], net->now);
        if (i % 64 == 63)
            simnet_settle(net);
    }
    simnet_settle(net);
    simnet_run_until(net, never, NULL, net->now + 3 * TL_SEC);
    r.close_s = wall() - t0;
    free(cfd);
    free(sfd);
    simnet_free(net);
    return r;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const char *json = "build/bench.json";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json = argv[++i];
        else {
            fprintf(stderr, "usage: bench [--quick] [--json FILE]\n");
            return 2;
        }
    }
    size_t bytes = quick ? (64u << 20) : (1u << 30);
    int conns = quick ? 1000 : 10000;
    struct thr t = sim_throughput(bytes);
    struct lat l = latency(quick ? 5 : 40);
    struct scale s = scale_test(conns);

    printf("%-44s %14s %10s %s\n", "measure", "figure", "target", "");
    printf("%-44s %11.2f Gb/s %7s Gb/s %s\n", "1. sim throughput (payload, wall clock)", t.gbit,
           ">= 5", t.ok && t.gbit >= 5 ? "ok" : "MISSED");
    printf("%-44s %12.2f s\n", "   CPU seconds for the transfer", t.cpu_s);
    printf("%-44s %11.3f ms %7s ms %s\n", "4. command latency, median", l.median_ms, "< 1",
           l.median_ms < 1 ? "ok" : "MISSED");
    printf("%-44s %11.3f ms %7s ms %s\n", "   command latency, 99th percentile", l.p99_ms, "< 1",
           l.p99_ms < 1 ? "ok" : "MISSED");
    printf("%-44s %9.0f bytes %7s KiB %s\n", "5. memory per idle connection (both ends)",
           s.bytes_per_conn, "< 4", s.bytes_per_conn < 4096 ? "ok" : "MISSED");
    printf("%-44s %12.2f s   (%d of %d opened)\n", "   time to open them all", s.open_s, s.opened,
           s.n);
    printf("%-44s %12.2f s\n", "   time to close them all", s.close_s);

    FILE *f = fopen(json, "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", json, strerror(errno));
        return 1;
    }
    fprintf(f,
            "{\n  \"sim_throughput\": {\"bytes\": %zu, \"gbit_per_s\": %.3f, \"wall_s\": %.3f, "
            "\"cpu_s\": %.3f, \"sha256_equal\": %s},\n"
            "  \"command_latency_ms\": {\"commands\": %zu, \"median\": %.4f, \"p99\": %.4f},\n"
            "  \"scale\": {\"connections\": %d, \"opened\": %d, \"bytes_per_idle_connection\": %.0f, "
            "\"open_s\": %.3f, \"close_s\": %.3f}\n}\n",
            t.bytes, t.gbit, t.wall_s, t.cpu_s, t.ok ? "true" : "false", l.n, l.median_ms,
            l.p99_ms, s.n, s.opened, s.bytes_per_conn, s.open_s, s.close_s);
    fclose(f);
    return 0;
}
