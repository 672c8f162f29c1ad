/* The shell session: the simulated network, the current host, the names,
 * and one entry point, shell_line(), that the keyboard, scripts and
 * transcripts all feed. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "draw/slog.h"
#include "shell/commands.h"
#include "shell/tapmode.h"

struct shell *shell_new(struct world *w, FILE *out, bool color)
{
    struct shell *sh = calloc(1, sizeof *sh);
    if (!sh) {
        world_free(w);
        return NULL;
    }
    sh->w = w;
    struct decode_opts o = {.abs_seq = true, .tstamp = 1};   /* tcpdump -n -S -t */
    sh->dec = decoder_new(&o);
    if (!sh->w || !sh->dec) {
        shell_free(sh);
        return NULL;
    }
    sh->seed = w->seed;
    sh->out = out;
    sh->color = color;
    sh->show = (struct sh_show){.decode = true, .state = true, .tcb = true};
    sh->style.color = color;
    sh->style.name_of = sh_name_of_cb;
    sh->style.name_at = sh_name_at_cb;
    sh->style.name_ctx = sh;
    for (int h = 0; h < WORLD_HOSTS; h++) {
        if (w->stack[h])
            hostview_stack(&sh->hv[h], w->stack[h], h, w->name[1 - h]);
        else
            hostview_kernel(&sh->hv[h], w->kernel[h], h, w->name[1 - h], w->link);
    }
    sh->w->on_frame = sh_frame_hook;
    sh->w->on_frame_ctx = sh;
    sh->w->app = sh_jobs_step;           /* the pending calls run at every event */
    sh->w->app_due = sh_jobs_due;        /* a paced reader's next read */
    sh->w->app_ctx = sh;
    if (sh_slog_attach(sh) < 0) {
        shell_free(sh);
        return NULL;
    }
    return sh;
}

void shell_free(struct shell *sh)
{
    if (!sh)
        return;
    sh_tap_detach(sh);
    sh_jobs_free(sh);
    sh_capture_stop(sh);
    bpf_filter_free(sh->filter);
    world_free(sh->w);
    decoder_free(sh->dec);
    free(sh->before);
    slog_free(sh->slog);
    free(sh);
}

struct host *sh_host(struct shell *sh, int idx)
{
    return sh->w->stack[idx];
}

const struct sockapi *sh_api(struct shell *sh, int idx, void **ctx)
{
    *ctx = sh->w->api_ctx[idx];
    return sh->w->api[idx];
}

bool sh_sockinfo(struct shell *sh, int host, int fd, struct sockinfo *info)
{
    return fd >= 0 && SH_CALL(sh, host, info, fd, info) == 0;
}

tl_time sh_now(const struct shell *sh)
{
    return world_now(sh->w);
}

const char *sh_host_name(const struct shell *sh, int idx)
{
    return sh->w->name[idx];
}

int sh_host_index(const struct shell *sh, const char *name)
{
    return world_host_index(sh->w, name);
}

const char *shell_prompt(const struct shell *sh, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s> ", sh_host_name(sh, sh->cur));
    return buf;
}

void sh_error(struct shell *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", sh->out);
    vfprintf(sh->out, fmt, ap);
    fputc('\n', sh->out);
    va_end(ap);
    sh->errors++;
}

/* Python's exception class for an errno value the calls return. */
const char *sh_oserror_class(int err)
{
    switch (err) {
    case ECONNREFUSED: return "ConnectionRefusedError";
    case ECONNRESET: return "ConnectionResetError";
    case ECONNABORTED: return "ConnectionAbortedError";
    case EPIPE: return "BrokenPipeError";
    case ETIMEDOUT: return "TimeoutError";
    case EAGAIN: return "BlockingIOError";
    default: return "OSError";
    }
}

void sh_oserror(struct shell *sh, int err)
{
    fprintf(sh->out, "%s: [Errno %d] %s\n", sh_oserror_class(err), err, strerror(err));
    sh->call_err = err;
}

static void run_line(struct shell *sh, const char *line, int *host)
{
    struct sh_cmdline cl;
    char err[160];
    if (sh_parse(sh, line, &cl, err, sizeof err) < 0) {
        sh_error(sh, "%s (type help for the commands)", err);
        return;
    }
    if (cl.host >= 0)
        *host = cl.host;
    if (!cl.empty)
        sh_dispatch(sh, &cl);
    sh_cmdline_free(&cl);
}

int shell_line(struct shell *sh, const char *line)
{
    int before = sh->errors;
    int host = sh->cur;
    if (!sh->observer) {
        run_line(sh, line, &host);
        fflush(sh->out);
        return sh->errors > before ? -1 : 0;
    }
    /* Hold the output to show it to the observer as well. */
    char *text = NULL;
    size_t len = 0;
    FILE *out = sh->out, *mem = open_memstream(&text, &len);
    if (mem)
        sh->out = mem;
    run_line(sh, line, &host);
    if (mem) {
        fclose(mem);
        sh->out = out;
        fwrite(text, 1, len, out);
    }
    fflush(out);
    sh->observer(sh->observer_ctx, host, line, text ? text : "", len);
    free(text);
    return sh->errors > before ? -1 : 0;
}
