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

#include "shell/shell.h"

static struct shell *g_sh;          /* readline's callbacks carry no context */
static volatile sig_atomic_t g_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    g_sigint = 1;
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
    shell_line(sh, line);
    free(line);
    char prompt[64];
    rl_set_prompt(shell_prompt(sh, prompt, sizeof prompt));
}

static void interrupted(struct shell *sh)
{
    g_sigint = 0;
    fputc('\n', stdout);
    bool waiting = false;
    for (int h = 0; h < WORLD_HOSTS; h++)
        waiting |= sh->pend[h].kind != PEND_NONE;
    if (waiting)
        sh_cancel_pending(sh);
    else
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

    fprintf(stdout, "tcplab %s: romeo (10.10.1.100) and juliet (10.10.2.100) on a simulated wire."
                    "\nType help for the commands; the lab's Python lines work as typed.\n",
            TCPLAB_VERSION);
    char prompt[64];
    rl_callback_handler_install(shell_prompt(sh, prompt, sizeof prompt), on_line);
    while (!sh->quit) {
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int rc = poll(&pfd, 1, -1);
        if (g_sigint) {
            interrupted(sh);
            continue;
        }
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd.revents & (POLLIN | POLLHUP))
            rl_callback_read_char();
    }
    rl_callback_handler_remove();
    if (home)
        write_history(g_history);
    for (int i = 0; i < g_ncand; i++)
        free(g_cand[i]);
    g_ncand = 0;
    return sh->errors ? 1 : 0;
}

/* ---- scripts --------------------------------------------------------- */

int shell_run_script(struct shell *sh, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!sh->quit && (n = getline(&line, &cap, in)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (memchr(line, '\0', (size_t)n)) {
            sh_error(sh, "line contains a NUL byte; skipped");
            continue;
        }
        if (sh->echo) {
            char prompt[64];
            fprintf(sh->out, "%s%s\n", shell_prompt(sh, prompt, sizeof prompt), line);
        }
        shell_line(sh, line);
    }
    free(line);
    for (int h = 0; h < WORLD_HOSTS; h++)
        if (sh->pend[h].kind != PEND_NONE && !sh->pend[h].completed)
            fprintf(sh->out, "(%s: '%s' was still waiting at the end of the script)\n",
                    sh_host_name(sh, h), sh->pend[h].line);
    fflush(sh->out);
    return sh->errors ? 1 : 0;
}
