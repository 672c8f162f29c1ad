/* The pending calls: the hosts' application programs.  A blocking call
 * (accept, recv, a bulk send, connect on a held wire) that cannot finish at
 * once, or any call ended with `&`, becomes a job.  The world wakes every
 * live job after each event instant (world.app), as the kernel wakes a
 * program blocked in a call; the report prints what completed, and `jobs`
 * and `wait` show and wait for the rest. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/commands.h"
#include "util/stream.h"
#include "wire/ipv4.h"

#define SEND_CHUNK 16384

static void job_free(struct pending *p)
{
    free(p->data);
    free(p->chunk);
    digest_drop(&p->dg);
    free(p);
}

/* Forget job i (it was printed or cancelled). */
static void job_remove(struct shell *sh, int i)
{
    job_free(sh->jobs[i]);
    memmove(&sh->jobs[i], &sh->jobs[i + 1], (size_t)(sh->njobs - i - 1) * sizeof sh->jobs[0]);
    sh->njobs--;
}

struct pending *sh_job_start(struct shell *sh, int host, struct sh_cmdline *cl,
                             enum pend_kind k, int fd)
{
    if (sh->njobs == SH_MAX_JOBS) {
        sh_error(sh, "too many calls pending (%d); wait for one first", SH_MAX_JOBS);
        return NULL;
    }
    struct pending *p = calloc(1, sizeof *p);
    if (!p) {
        sh_error(sh, "out of memory");
        return NULL;
    }
    p->kind = k;
    p->host = host;
    p->bg = sh->bg;
    for (int i = 0; i < sh->njobs; i++)          /* as a shell numbers its jobs */
        if (sh->jobs[i]->id > p->id)
            p->id = sh->jobs[i]->id;
    p->id++;
    p->fd = fd;
    struct sockinfo si;
    p->sock_id = sh_sockinfo(sh, host, fd, &si) ? si.id : -1;
    p->nassign = cl->nassign;
    memcpy(p->assign, cl->assign, sizeof p->assign);
    size_t off = 0;
    for (int i = 0; i < cl->argc && off < sizeof p->line - 1; i++)
        off += (size_t)snprintf(p->line + off, sizeof p->line - off, "%s%s", i ? " " : "",
                                cl->argv[i].quoted ? "\"...\"" : cl->argv[i].s);
    digest_init(&p->dg);
    p->started = sh->ncommands;
    sh->jobs[sh->njobs++] = p;
    return p;
}

bool sh_job_in(const struct pending *p, const struct sh_job_set *set)
{
    return (set->host < 0 || p->host == set->host) && (set->id == 0 || p->id == set->id) &&
           !(set->fg_only && p->bg) && !(set->bg_only && !p->bg);
}

struct pending *sh_job_blocking(struct shell *sh, int host)
{
    for (int i = 0; i < sh->njobs; i++)
        if (sh->jobs[i]->host == host && !sh->jobs[i]->bg && sh_job_live(sh->jobs[i]))
            return sh->jobs[i];
    return NULL;
}

/* ---- one turn of a job ------------------------------------------------ */

/* The digest of what was sent is of the seeded stream (its worker makes
 * the bytes again); the bytes made for a send the stack did not take are
 * kept for the next turn, so a writer blocked on a full buffer costs
 * nothing at each instant. */
static bool step_send(struct shell *sh, struct pending *p)
{
    bool progress = false;
    if (!p->chunk && !(p->chunk = malloc(SEND_CHUNK))) {
        p->err = ENOMEM;
        p->completed = true;
        return true;
    }
    while (p->done < p->want) {
        if (p->chunk_len == 0) {
            p->chunk_len = p->want - p->done < SEND_CHUNK ? p->want - p->done : SEND_CHUNK;
            stream_bytes(p->seed, p->done, p->chunk, p->chunk_len);
        }
        long rc = SH_CALL(sh, p->host, send, p->fd, p->chunk, p->chunk_len, sh_now(sh));
        if (rc == -EAGAIN)
            break;
        if (rc < 0) {
            p->err = (int)-rc;
            p->completed = true;
            return true;
        }
        digest_update_seeded(&p->dg, p->chunk, (size_t)rc);
        p->done += (size_t)rc;
        p->chunk_len -= (size_t)rc;
        memmove(p->chunk, p->chunk + rc, p->chunk_len);
        progress = true;
    }
    if (p->done == p->want)
        p->completed = true;
    return progress || p->completed;
}

/* What is received goes straight into the digest's ring.  A paced reader
 * (recv --all N --every D) is the course's slow receiver: it sleeps until
 * its next read time, takes at most N bytes, and sleeps D from that read
 * on; one that finds nothing blocks in recv until data (or the end)
 * comes, and its next read is D after that. */
static bool step_recv_all(struct shell *sh, struct pending *p)
{
    tl_time now = sh_now(sh);
    if (p->pace_d && now < p->next_at)
        return false;                  /* asleep: world.app_due wakes it */
    bool progress = false;
    size_t turn = 0;                   /* bytes of this read */
    for (;;) {
        size_t n = 16384;
        if (p->pace_d) {
            if (turn == p->pace_n)
                break;
            n = p->pace_n - turn < n ? p->pace_n - turn : n;
        }
        uint8_t *buf = digest_room(&p->dg, &n);
        long rc = SH_CALL(sh, p->host, recvfrom, p->fd, buf, n, NULL, NULL, now);
        if (rc == -EAGAIN || (rc == 0 && turn && p->pace_d))
            break;                     /* the end: at the next read, as recv's b'' */
        if (rc <= 0) {
            p->err = (int)-rc;
            p->completed = true;
            return true;
        }
        digest_commit(&p->dg, (size_t)rc);
        p->done += (size_t)rc;
        turn += (size_t)rc;
        progress = true;
    }
    if (p->pace_d && turn) {
        p->reads++;
        p->next_at = now + p->pace_d;
    }
    return progress;
}

tl_time sh_jobs_due(void *ctx)
{
    struct shell *sh = ctx;
    tl_time now = sh_now(sh), t = TL_NEVER;
    for (int i = 0; i < sh->njobs; i++) {
        const struct pending *p = sh->jobs[i];
        if (sh_job_live(p) && p->kind == PEND_RECV_ALL && p->pace_d && p->next_at > now)
            t = tl_min(t, p->next_at);
    }
    return t;
}

static bool step_recv(struct shell *sh, struct pending *p)
{
    uint8_t *buf = malloc(p->want);
    if (!buf)
        return false;
    long rc = SH_CALL(sh, p->host, recvfrom, p->fd, buf, p->want, &p->raddr, &p->rport,
                      sh_now(sh));
    if (rc == -EAGAIN) {
        free(buf);
        return false;
    }
    p->data = buf;
    p->len = rc > 0 ? (size_t)rc : 0;
    p->err = rc < 0 ? (int)-rc : 0;
    p->completed = true;
    return true;
}

bool sh_job_step(struct shell *sh, struct pending *p)
{
    struct sockinfo si;
    if (p->completed)
        return false;
    if (!sh_sockinfo(sh, p->host, p->fd, &si) || si.id != p->sock_id) {
        p->err = EBADF;
        p->completed = true;
        return true;
    }
    switch (p->kind) {
    case PEND_ACCEPT: {
        int fd = SH_CALL(sh, p->host, accept, p->fd, &p->raddr, &p->rport, sh_now(sh));
        if (fd == -EAGAIN)
            return false;
        p->new_fd = fd;
        p->err = fd < 0 ? -fd : 0;
        p->completed = true;
        return true;
    }
    case PEND_RECV:
        return step_recv(sh, p);
    case PEND_RECV_ALL:
        return step_recv_all(sh, p);
    case PEND_CONNECT: {
        int err = 0;
        if (!SH_CALL(sh, p->host, connect_done, p->fd, &err))
            return false;
        p->err = err;
        p->completed = true;
        return true;
    }
    case PEND_SEND_BYTES:
        return step_send(sh, p);
    case PEND_NONE:
        break;
    }
    return false;
}

bool sh_jobs_step(void *ctx)
{
    struct shell *sh = ctx;
    bool progress = false;
    for (int i = 0; i < sh->njobs; i++)
        progress |= sh_job_step(sh, sh->jobs[i]);
    if (sh->progress)
        sh_show_progress(sh);
    return progress;
}

/* ---- what the report says ---------------------------------------------- */

static void print_assign(struct shell *sh, const struct pending *p, int i)
{
    if (p->nassign > i)
        fprintf(sh->out, "%s = ", p->assign[i]);
}

/* Said at the end of the command that left a call pending. */
static void job_note(struct shell *sh, const struct pending *p)
{
    const char *name = sh_host_name(sh, p->host);
    char dur[32];
    if (p->bg) {
        fprintf(sh->out, "[%d] %s: %s &\n", p->id, name, p->line);
        return;
    }
    switch (p->kind) {
    case PEND_ACCEPT:
        fprintf(sh->out, "(%s: accept waits for a connection; the prompt stays free)\n", name);
        break;
    case PEND_RECV:
        fprintf(sh->out, "(%s: recv waits for data; the prompt stays free)\n", name);
        break;
    case PEND_RECV_ALL:
        if (p->pace_d)
            fprintf(sh->out, "(%s: recv --all reads %zu bytes every %s until the peer closes; "
                             "%zu bytes so far; the prompt stays free)\n", name, p->pace_n,
                    tl_dur_text(p->pace_d, dur, sizeof dur), p->done);
        else
            fprintf(sh->out, "(%s: recv --all reads until the peer closes; %zu bytes so far; "
                             "the prompt stays free)\n", name, p->done);
        break;
    case PEND_SEND_BYTES:
        fprintf(sh->out, "(%s: send waits for the receiver to make room; %zu of %zu bytes "
                         "taken so far; the prompt stays free)\n", name, p->done, p->want);
        break;
    case PEND_CONNECT:
        fprintf(sh->out, "(%s: connect waits for the handshake; the wire is holding frames: "
                         "wire step or wire release lets them go)\n", name);
        break;
    case PEND_NONE:
        break;
    }
}

static void finish_ok(struct shell *sh, struct pending *p)
{
    struct sockinfo si;
    char a[16], hex[65];
    uint8_t d[32];
    switch (p->kind) {
    case PEND_ACCEPT:
        if (p->nassign >= 1)
            sh_bind_name(sh, p->host, p->assign[0], p->new_fd);
        if (p->nassign == 2) {
            struct sh_value v = {.kind = VAL_ADDR, .addr = p->raddr, .port = p->rport};
            sh_name_set(sh, p->host, p->assign[1], &v);
        }
        print_assign(sh, p, 0);
        fprintf(sh->out, "fd %d", p->new_fd);
        if (p->nassign == 2)
            fprintf(sh->out, ", %s = ", p->assign[1]);
        else
            fprintf(sh->out, " from ");
        fprintf(sh->out, "('%s', %u)\n", ipv4_ntoa(p->raddr, a), p->rport);
        break;
    case PEND_RECV:
        print_assign(sh, p, 0);
        if (sh_sockinfo(sh, p->host, p->fd, &si) && si.type == SOCKT_UDP) {
            fputc('(', sh->out);
            sh_print_bytes(sh, p->data, p->len);
            fprintf(sh->out, "    from ('%s', %u))\n", ipv4_ntoa(p->raddr, a), p->rport);
        } else {
            sh_print_bytes(sh, p->data, p->len);
        }
        break;
    case PEND_CONNECT:
        fprintf(sh->out, "connected to ('%s', %u)\n", ipv4_ntoa(p->raddr, a), p->rport);
        break;
    case PEND_RECV_ALL:
    case PEND_SEND_BYTES:
        digest_final(&p->dg, d);
        sha256_hex(d, hex);
        fprintf(sh->out, "%zu bytes %s, sha256 %s\n", p->done,
                p->kind == PEND_SEND_BYTES ? "sent" : "received (end of stream)", hex);
        break;
    case PEND_NONE:
        break;
    }
}

/* Print a completed call's result (after the frames that completed it). */
static void job_finish(struct shell *sh, struct pending *p)
{
    sh_slog_result(sh, p->host, p);
    if (p->bg)
        fprintf(sh->out, "[%d] %s: %s returned:\n", p->id, sh_host_name(sh, p->host), p->line);
    else if (p->started != sh->ncommands)      /* it began in an earlier command */
        fprintf(sh->out, "%s: %s returned:\n", sh_host_name(sh, p->host), p->line);
    if (p->err) {
        if (p->kind == PEND_SEND_BYTES || p->kind == PEND_RECV_ALL)
            fprintf(sh->out, "%zu bytes %s before the error\n", p->done,
                    p->kind == PEND_SEND_BYTES ? "sent" : "received");
        int keep = sh->call_err;          /* the command's own call is another */
        sh_oserror(sh, p->err);
        sh->call_err = keep;
    } else {
        finish_ok(sh, p);
    }
}

void sh_jobs_report(struct shell *sh)
{
    for (int i = 0; i < sh->njobs;) {
        struct pending *p = sh->jobs[i];
        if (p->completed) {
            job_finish(sh, p);
            job_remove(sh, i);
            continue;
        }
        if (p->started == sh->ncommands && !world_interrupt)   /* Ctrl-C: it ends below */
            job_note(sh, p);
        i++;
    }
}

void sh_unfinished_text(const struct shell *sh, const struct pending *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "(%s: '%s' was still waiting at the end of the script)",
             sh_host_name(sh, p->host), p->line);
}

int sh_cancel_pending(struct shell *sh)
{
    int n = 0;
    for (int i = 0; i < sh->njobs;) {
        struct pending *p = sh->jobs[i];
        if (p->completed) {
            job_finish(sh, p);
        } else if (!p->bg) {
            fprintf(sh->out, "%s: %s interrupted\nKeyboardInterrupt\n",
                    sh_host_name(sh, p->host), p->line);
            n++;
        } else {
            i++;                       /* another thread: Ctrl-C is not for it */
            continue;
        }
        job_remove(sh, i);
    }
    return n;
}

void sh_jobs_free(struct shell *sh)
{
    while (sh->njobs)
        job_remove(sh, sh->njobs - 1);
}

/* ---- jobs, wait -------------------------------------------------------- */

int cmd_jobs(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    (void)cl;
    for (int i = 0; i < sh->njobs; i++) {
        const struct pending *p = sh->jobs[i];
        fprintf(sh->out, "[%d] %-6s %-8s %s%s", p->id, sh_host_name(sh, p->host),
                p->completed ? "Done" : "Running", p->line, p->bg ? " &" : "");
        if (p->kind == PEND_SEND_BYTES)
            fprintf(sh->out, "  (%zu of %zu bytes taken)", p->done, p->want);
        else if (p->kind == PEND_RECV_ALL && p->pace_d)
            fprintf(sh->out, "  (%zu bytes received in %llu reads)", p->done,
                    (unsigned long long)p->reads);
        else if (p->kind == PEND_RECV_ALL)
            fprintf(sh->out, "  (%zu bytes received)", p->done);
        fputc('\n', sh->out);
    }
    if (!sh->njobs)
        fprintf(sh->out, "no calls pending\n");
    return 0;
}

int cmd_wait(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    struct sh_job_set set = {.host = -1, .patient = true};
    if (cl->argc == 2) {
        const char *a = cl->argv[1].s + (cl->argv[1].s[0] == '%');
        char *end;
        long id = strtol(a, &end, 10);
        bool found = false;
        for (int i = 0; i < sh->njobs; i++)
            found |= sh->jobs[i]->id == id;
        if (!*a || *end || id <= 0) {
            sh_usage_error(sh, sh_cmd_find("wait"), "wait: '%s' is not a job number (jobs "
                           "lists them)", cl->argv[1].s);
            return -1;
        }
        if (!found) {                  /* done already, as a shell's wait takes it */
            fprintf(sh->out, "(wait: no job %ld is pending)\n", id);
            return 0;
        }
        set.id = (int)id;
    }
    if (!sh_wait_jobs(sh, &set) && !world_interrupt)
        fprintf(sh->out, "(wait: what is left pending needs a command from the user)\n");
    return 0;
}
