/* The shell's front ends: readline through its callback interface inside
 * one poll() loop (history, completion, Ctrl-C), and scripts read line by
 * line with each command echoed after its prompt. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shell/commands.h"
#include "shell/tapmode.h"
#include "wire/ipv4.h"

static struct shell *g_sh;          /* readline's callbacks carry no context */
static volatile sig_atomic_t g_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    g_sigint = 1;
    world_interrupt = 1;            /* ends a real-time wait (tap mode) */
}

#define SCRIPT_WAIT (30 * TL_SEC)   /* tap scripts: longest wait for a pending call */

static bool g_rl_on;                /* readline's callback handler is installed */

/* The one way out for what happens between commands (tap mode: frames,
 * state changes, calls that complete): printed above the prompt, the line
 * being typed saved and put back as it was. */
static void print_async(struct shell *sh)
{
    if (!sh_tap_printable(sh))
        return;
    char *saved = NULL;
    int point = 0;
    if (g_rl_on) {
        point = rl_point;
        saved = rl_copy_text(0, rl_end);
        rl_save_prompt();
        rl_replace_line("", 0);
        rl_redisplay();
    }
    sh_tap_report(sh);
    fflush(sh->out);
    if (g_rl_on) {
        rl_restore_prompt();
        rl_replace_line(saved ? saved : "", 0);
        rl_point = point;
        rl_forced_update_display();
        free(saved);
    }
}

/* Take in what arrived, let pending calls go on, and print it all now. */
static void catch_up(struct shell *sh)
{
    sh_tap_step(sh);
    print_async(sh);
}

/* ---- completion ------------------------------------------------------ */

#define MAX_CANDIDATES 256
static char *g_cand[MAX_CANDIDATES];
static int g_ncand;

static void cand_add(const char *w, const char *prefix)
{
    if (g_ncand < MAX_CANDIDATES && strncmp(w, prefix, strlen(prefix)) == 0)
        g_cand[g_ncand++] = strdup(w);
}

static char *cand_next(const char *text, int state)
{
    static int i;
    (void)text;
    if (state == 0)
        i = 0;
    return i < g_ncand ? strdup(g_cand[i++]) : NULL;   /* readline frees what it gets */
}

static void add_names(struct shell *sh, int host, const char *text)
{
    for (int i = 0; i < SH_MAX_NAMES; i++)
        if (sh->names[host][i].v.kind != VAL_NONE)
            cand_add(sh->names[host][i].name, text);
}

/* "bind SOCK ...", "tcb [SOCK]": the first argument names a socket. */
static bool takes_sock_first(const struct sh_cmd *c)
{
    const char *p = strstr(c->usage, c->name);
    if (!p)
        return false;
    p += strlen(c->name);
    return strncmp(p, " SOCK", 5) == 0 || strncmp(p, " [SOCK", 6) == 0;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    struct shell *sh = g_sh;
    for (int i = 0; i < g_ncand; i++)
        free(g_cand[i]);
    g_ncand = 0;
    rl_attempted_completion_over = 1;

    /* What comes before the word: skip "HOST:" and "NAME =". */
    char before[1024];
    size_t n = (size_t)start < sizeof before - 1 ? (size_t)start : sizeof before - 1;
    memcpy(before, rl_line_buffer, n);
    before[n] = '\0';
    int host = sh->cur;
    char *p = before;
    char *colon = strchr(p, ':');
    if (colon) {
        *colon = '\0';
        int h = sh_host_index(sh, p);
        if (h >= 0)
            host = h;
        p = colon + 1;
    }
    char *eq = strchr(p, '=');
    if (eq)
        p = eq + 1;
    char *words[SH_MAX_ARGS];
    int nw = 0;
    for (char *t = strtok(p, " \t"); t && nw < SH_MAX_ARGS; t = strtok(NULL, " \t"))
        words[nw++] = t;

    if (nw == 0) {
        size_t nc;
        const struct sh_cmd *tab = sh_cmd_table(&nc);
        for (size_t i = 0; i < nc; i++)
            cand_add(tab[i].name, text);
        if (!colon)
            for (int h = 0; h < WORLD_HOSTS; h++) {
                char hn[32];
                snprintf(hn, sizeof hn, "%s:", sh_host_name(sh, h));
                cand_add(hn, text);
            }
        add_names(sh, host, text);
    } else {
        const struct sh_cmd *c = sh_cmd_find(words[0]);
        if (nw == 1 && c && takes_sock_first(c)) {
            add_names(sh, host, text);
        } else if (c && c->words) {
            for (int i = 0; c->words[i]; i++)
                cand_add(c->words[i], text);
        } else {
            for (int h = 0; h < WORLD_HOSTS; h++)
                cand_add(sh_host_name(sh, h), text);
            if (nw == 1)
                add_names(sh, host, text);
        }
    }
    if (g_ncand == 0)
        return NULL;
    return rl_completion_matches(text, cand_next);
}

/* ---- interactive ----------------------------------------------------- */

#define WORLD_MAX_FDS 8

static void banner(const struct shell *sh)
{
    char a[16], b[16];
    if (!sh->w->realtime) {
        fprintf(stdout, "tcplab %s: %s (%s) and %s (%s) on a simulated wire.\n", TCPLAB_VERSION,
                sh_host_name(sh, 0), ipv4_ntoa(sh->w->addr[0], a), sh_host_name(sh, 1),
                ipv4_ntoa(sh->w->addr[1], b));
    } else {
        int k = sh->w->stack[0] ? 1 : 0;
        fprintf(stdout, "tcplab %s, tap mode: %s (%s) is tcplab's stack on %s; %s (%s) is this "
                        "machine's Linux kernel.\nDrive %s from here (%s: COMMAND) or from any "
                        "program: python3, nc, curl, ping, tcpdump -i %s.\n",
                TCPLAB_VERSION, sh_host_name(sh, 1 - k), ipv4_ntoa(sh->w->addr[1 - k], a),
                sh->w->link, sh_host_name(sh, k), ipv4_ntoa(sh->w->addr[k], b),
                sh_host_name(sh, k), sh_host_name(sh, k), sh->w->link);
    }
    fputs("Type help for the commands; the lab's Python lines work as typed.\n", stdout);
}

static char g_history[1024];

static void on_line(char *line)
{
    struct shell *sh = g_sh;
    if (!line) {                        /* Ctrl-D */
        fputc('\n', stdout);
        sh->quit = true;
        return;
    }
    if (*line)
        add_history(line);
    if (sh->record) {
        /* the terminal shows what readline echoed; the transcript needs it too */
        char prompt[64];
        fprintf(sh->record, "%s%s\n", shell_prompt(sh, prompt, sizeof prompt), line);
    }
    bool was_on = g_rl_on;
    g_rl_on = false;                    /* the line is done: print as usual */
    catch_up(sh);
    shell_line(sh, line);
    catch_up(sh);
    g_rl_on = was_on;
    free(line);
    char prompt[64];
    rl_set_prompt(shell_prompt(sh, prompt, sizeof prompt));
}

static void interrupted(struct shell *sh)
{
    g_sigint = 0;
    world_interrupt = 0;
    fputc('\n', stdout);
    if (sh_cancel_pending(sh) == 0)
        fputs("KeyboardInterrupt\n", stdout);
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_on_new_line();
    rl_redisplay();
}

int shell_run_interactive(struct shell *sh)
{
    g_sh = sh;
    const char *home = getenv("HOME");
    if (home) {
        snprintf(g_history, sizeof g_history, "%s/.tcplab_history", home);
        read_history(g_history);
    }
    stifle_history(1000);
    rl_readline_name = "tcplab";
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n\"'(),=:.";
    rl_catch_signals = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);

    banner(sh);
    char prompt[64];
    rl_callback_handler_install(shell_prompt(sh, prompt, sizeof prompt), on_line);
    g_rl_on = true;
    while (!sh->quit) {
        if (g_sigint) {                 /* Ctrl-C during a command's wait */
            interrupted(sh);
            continue;
        }
        /* The terminal, and the world's own descriptors (tap mode: the TAP
         * and the kernel's sockets), until the world's next timer or the
         * moment to print what happened meanwhile. */
        struct pollfd pfd[1 + WORLD_MAX_FDS];
        pfd[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        int rc = world_wait(sh->w, pfd, 1, 1 + WORLD_MAX_FDS, sh_tap_report_due(sh));
        if (g_sigint) {
            interrupted(sh);
            continue;
        }
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[0].revents & (POLLIN | POLLHUP))
            rl_callback_read_char();
        if (!sh->quit) {
            sh_tap_step(sh);
            if (sh_tap_report_due(sh) <= sh_now(sh))
                print_async(sh);
        }
    }
    g_rl_on = false;
    rl_callback_handler_remove();
    if (home)
        write_history(g_history);
    for (int i = 0; i < g_ncand; i++)
        free(g_cand[i]);
    g_ncand = 0;
    return sh->errors ? 1 : 0;
}

/* ---- scripts --------------------------------------------------------- */

/* Tap mode: a socket call on a host whose last call is still pending waits
 * for it first (real time, the other side being another program), as the
 * lab's Python would have waited in it.  What arrives meanwhile is
 * printed before the line.  In sim mode both the wait and the catching up
 * return at once (tapmode.h). */
static void script_wait(struct shell *sh, const char *line)
{
    struct sh_cmdline cl;
    char err[160];
    catch_up(sh);
    if (sh_parse(sh, line, &cl, err, sizeof err) < 0)
        return;
    if (!cl.empty) {
        const struct sh_cmd *c = sh_cmd_find(cl.argv[0].s);
        int host = cl.host >= 0 ? cl.host : sh->cur;
        if (c && (c->flags & CMD_SOCKCALL) && sh_job_blocking(sh, host))
            sh_tap_wait_pending(sh, host, SCRIPT_WAIT);
    }
    sh_cmdline_free(&cl);
    catch_up(sh);
}

/* Tap mode reads a script (a file, or a pipe another program writes to)
 * as the terminal is read: in the poll() loop, so that the stack answers
 * ARP and pings, and what arrives is printed, while no line is there. */
struct tap_reader {
    int fd;
    char *buf;
    size_t len, cap;
    bool eof;
};

static ssize_t tap_getline(struct shell *sh, struct tap_reader *r, char **line, size_t *lcap)
{
    for (;;) {
        char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
        if (nl || (r->eof && r->len)) {
            size_t n = nl ? (size_t)(nl - r->buf) + 1 : r->len;
            if (*lcap < n + 1) {
                char *l = realloc(*line, n + 1);
                if (!l)
                    return -1;
                *line = l;
                *lcap = n + 1;
            }
            memcpy(*line, r->buf, n);
            (*line)[n] = '\0';
            memmove(r->buf, r->buf + n, r->len - n);
            r->len -= n;
            return (ssize_t)n;
        }
        if (r->eof)
            return -1;
        if (r->cap - r->len < 4096) {
            char *b = realloc(r->buf, r->cap + 65536);
            if (!b)
                return -1;
            r->buf = b;
            r->cap += 65536;
        }
        struct pollfd pfd[1 + WORLD_MAX_FDS];
        pfd[0] = (struct pollfd){.fd = r->fd, .events = POLLIN};
        int rc = world_wait(sh->w, pfd, 1, 1 + WORLD_MAX_FDS, sh_tap_report_due(sh));
        if (rc < 0 && errno != EINTR)
            return -1;
        if (rc > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
            if (got > 0)
                r->len += (size_t)got;
            else if (got == 0 || errno != EINTR)
                r->eof = true;
        }
        sh_tap_step(sh);
        if (sh_tap_report_due(sh) <= sh_now(sh))
            print_async(sh);
    }
}

/* The one branch of the front ends on the world: in real time the world
 * runs while the next line is awaited (poll); in virtual time nothing
 * runs until the line is there (a plain read). */
static ssize_t next_line(struct shell *sh, FILE *in, struct tap_reader *r, char **line,
                         size_t *cap)
{
    return sh->w->realtime ? tap_getline(sh, r, line, cap) : getline(line, cap, in);
}

int shell_run_script(struct shell *sh, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    struct tap_reader r = {.fd = fileno(in)};
    while (!sh->quit && (n = next_line(sh, in, &r, &line, &cap)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (memchr(line, '\0', (size_t)n)) {
            sh_error(sh, "line contains a NUL byte; skipped");
            continue;
        }
        script_wait(sh, line);
        if (sh->echo) {
            char prompt[64];
            fprintf(sh->out, "%s%s\n", shell_prompt(sh, prompt, sizeof prompt), line);
        }
        shell_line(sh, line);
        catch_up(sh);
    }
    free(line);
    free(r.buf);
    /* Real time: the calls still waiting get their chance to complete. */
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh_job_blocking(sh, h)) {
            sh_tap_wait_pending(sh, h, SCRIPT_WAIT);
            catch_up(sh);
        }
    for (int j = 0; j < sh->njobs; j++)
        if (sh_job_live(sh->jobs[j])) {
            char text[256];
            sh_unfinished_text(sh, sh->jobs[j], text, sizeof text);
            fprintf(sh->out, "%s\n", text);
        }
    fflush(sh->out);
    return sh->errors ? 1 : 0;
}
