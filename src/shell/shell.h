/* The tcplab shell: the lab's socket calls typed (or pasted) at a prompt,
 * run on tcplab's own stack, each followed by a report of what it did
 * inside TCP.  Shared by the shell's files; outside src/shell only the
 * programs (src/cmd) include it. */
#ifndef TCPLAB_SHELL_H
#define TCPLAB_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/decode.h"
#include "link/pcapw.h"
#include "link/world.h"
#include "stack/api.h"
#include "util/digest.h"
#include "shell/report.h"
#include "views/hostview.h"
#include "views/views.h"

#define SH_MAX_ARGS   16
#define SH_MAX_NAMES  64
#define SH_NAME_LEN   32

/* One argument word: text, possibly with NUL bytes (a bytes literal). */
struct sh_arg {
    char *s;
    size_t len;
    bool quoted;               /* came from a string or bytes literal */
};

/* A command line once parsed, whichever spelling it used. */
struct sh_cmdline {
    int host;                  /* -1: the current host; else from "HOST: ..." */
    int nassign;               /* names before '=' (0, 1 or 2) */
    char assign[2][SH_NAME_LEN];
    int argc;
    struct sh_arg argv[SH_MAX_ARGS];
    bool python;               /* written in the lab's Python form */
    bool background;           /* ended with `&`: start the call, do not wait */
    bool empty;                /* blank or comment only */
};

/* What a name stands for, per host, like a variable in that host's Python. */
enum sh_value_kind { VAL_NONE, VAL_SOCK, VAL_ADDR };
struct sh_value {
    enum sh_value_kind kind;
    int fd, sock_id;           /* VAL_SOCK: the descriptor and the socket it meant */
    uint32_t addr;             /* VAL_ADDR: a (host, port) tuple */
    uint16_t port;
};
struct sh_name {
    char name[SH_NAME_LEN];
    struct sh_value v;
};

/* A socket call still running: the host's program blocked in it (accept,
 * recv, a bulk send, connect), or one started with a trailing `&`, like
 * another thread of that program.  The world wakes them after every event
 * instant (world.app); a host's calls without `&` run one after another. */
enum pend_kind { PEND_NONE, PEND_ACCEPT, PEND_RECV, PEND_RECV_ALL, PEND_SEND_BYTES, PEND_CONNECT };
struct pending {
    enum pend_kind kind;
    int host;
    int id;                    /* the job number `jobs` and `wait` use */
    bool bg;                   /* started with `&`: later calls on its host need not wait */
    int fd, sock_id;
    char line[128];            /* the call, to say what completed */
    int nassign;
    char assign[2][SH_NAME_LEN];
    size_t want;               /* recv: max bytes; send --bytes: total */
    size_t done;               /* bytes so far */
    uint64_t seed;             /* send --bytes: the pseudo-random stream */
    uint8_t *chunk;            /* send --bytes: bytes made, not yet taken by the stack */
    size_t chunk_len;
    struct digest dg;          /* --all / --bytes: SHA-256 of the bytes so far */
    uint64_t started;          /* the command (sh->ncommands) that made the call */
    /* recv --all N --every D: at most pace_n bytes a read, the next read
     * pace_d after the last (as a program's recv then sleep); pace_d 0:
     * read whatever comes */
    size_t pace_n;
    tl_time pace_d, next_at;
    uint64_t reads;            /* reads that returned data */
    /* result, once completed */
    bool completed;
    int err;                   /* positive errno, or 0 */
    int new_fd;                /* accept */
    uint32_t raddr;
    uint16_t rport;
    uint8_t *data;             /* recv */
    size_t len;
};
#define SH_MAX_JOBS 16

struct shell {
    struct world *w;           /* the hosts and the clock (sim or tap) */
    int cur;                   /* current host index */
    FILE *out;                 /* every line of output goes here */
    bool interactive;          /* a terminal with readline */
    bool color;
    bool echo;                 /* scripts: echo "host> command" */
    bool quit;
    FILE *record;              /* the transcript, if recording (interactive echo goes here) */
    int errors;                /* shell errors so far (bad command, bad args) */
    uint64_t seed;
    struct sh_show show;
    struct decoder *dec;
    struct pcapw *capture;     /* capture start / -w: every frame goes here */
    char capture_path[256];
    struct bpf_filter *filter; /* filter EXPR: only matching frames are shown */
    struct view_style style;

    struct sh_name names[WORLD_HOSTS][SH_MAX_NAMES];
    struct pending *jobs[SH_MAX_JOBS];   /* oldest first */
    int njobs;
    bool bg;                   /* the command being run ended with `&` */
    int call_err;              /* the errno the command's call raised (sh_oserror), or 0 */

    /* frames seen on the wire since the current command began */
    struct sh_frame_log log;
    uint64_t trace_mark[WORLD_HOSTS];   /* last trace id before the command */
    /* TCBs before the command, to mark what changed */
    struct sh_snapshot *before;
    size_t nbefore, capbefore;
    bool sigint;               /* Ctrl-C seen */
    uint64_t ncommands;        /* socket calls so far: which command a pending call began in */
    struct sh_tap *tap;        /* tap mode's state (tapmode.c); NULL in sim mode */
    const struct sh_report_hooks *hooks;   /* the world's additions to the report, or NULL */
    /* What every view and the report read of each host, whoever plays it. */
    struct hostview hv[WORLD_HOSTS];

    /* Sees every command and all it printed (labs check their checkpoints
     * here).  host is where the command ran; text is what the user saw. */
    void (*observer)(void *ctx, int host, const char *line, const char *text, size_t len);
    void *observer_ctx;

    /* The recording and the guided lab (cmd_lab.c, src/lab); NULL until
     * sh_session_begin() (transcript.h). */
    struct sh_session *session;

    /* The whole session for the pictures (src/draw/slog.h, cmd_draw.c). */
    struct slog *slog;
    struct progress *progress;          /* while a wait shows one (report.c) */
    uint64_t slog_mark[WORLD_HOSTS];    /* last state trace id taken in */
};

/* shell.c */
/* Takes ownership of the world. */
struct shell *shell_new(struct world *w, FILE *out, bool color);
void shell_free(struct shell *sh);
/* Run one line as typed; returns 0, or -1 after a shell error. */
int shell_line(struct shell *sh, const char *line);
const char *shell_prompt(const struct shell *sh, char *buf, size_t cap);
/* tcplab's stack behind host idx, or NULL where the kernel plays it. */
struct host *sh_host(struct shell *sh, int idx);
const struct sockapi *sh_api(struct shell *sh, int idx, void **ctx);
tl_time sh_now(const struct shell *sh);
/* A socket call on host `host`, whoever serves it: SH_CALL(sh, h, bind, fd, a, p). */
#define SH_CALL(sh, host, fn, ...) ((sh)->w->api[host]->fn((sh)->w->api_ctx[host], __VA_ARGS__))
/* The socket behind fd on host, as struct sockinfo; false if none. */
bool sh_sockinfo(struct shell *sh, int host, int fd, struct sockinfo *info);
const char *sh_host_name(const struct shell *sh, int idx);
int sh_host_index(const struct shell *sh, const char *name);
/* Print a shell error: one line naming the problem (and the usage). */
void sh_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a socket error as Python would: "ConnectionRefusedError: [Errno 111] ..." */
void sh_oserror(struct shell *sh, int err);
/* The class of Python's exception for err: "ConnectionRefusedError". */
const char *sh_oserror_class(int err);

/* lex.c */
/* Parse a line in either spelling.  Returns 0, or -1 with a message in err. */
int sh_parse(const struct shell *sh, const char *line, struct sh_cmdline *cl, char *err,
             size_t cap);
void sh_cmdline_free(struct sh_cmdline *cl);
/* Decode a string literal body with \n, \t, \\, \", \', \xHH escapes. */
int sh_unescape(const char *in, size_t n, char **out, size_t *outlen);
/* Parse sizes like 1024, 64k, 1M, 1G (powers of 1024). */
int sh_parse_size(const char *s, size_t *out);
/* Parse durations like 200ms, 2s, 1.5s, 2msl, 500us. */
int sh_parse_duration(const struct shell *sh, const char *s, tl_time *out);

/* names.c */
struct sh_value *sh_name_get(struct shell *sh, int host, const char *name);
int sh_name_set(struct shell *sh, int host, const char *name, const struct sh_value *v);
/* The descriptor a word names ("sock", or "3"); -1 with *err set if none. */
int sh_resolve_sock(struct shell *sh, int host, const char *word, int *err);
const char *sh_fd_name(struct shell *sh, int host, int fd);
void sh_print_value(struct shell *sh, int host, const struct sh_value *v);
const char *sh_name_of_cb(void *ctx, const struct host *h, int fd);
const char *sh_name_at_cb(void *ctx, int host, int fd);
/* The name a socket had in the shell, even after its close (and the
 * descriptor it named), or NULL. */
const char *sh_name_by_id(struct shell *sh, int host, int sock_id, int *fd);
/* The shell's name for a socket: its descriptor's, or for one the shell
 * closed, the name it had; NULL if none. */
const char *sh_sock_name(struct shell *sh, int host, const struct hv_sock *s);

/* jobs.c: the pending calls */
/* Which pending calls a wait is for: host -1 and id 0 mean any, fg_only
 * skips the calls started with `&`. */
struct sh_job_set {
    int host, id;
    bool fg_only;              /* only calls the programs are blocked in (no &) */
    bool bg_only;              /* only calls started with & */
    bool patient;              /* tap: wait until done or Ctrl-C (the `wait` command) */
};
/* A new job for the call cl on host (the shell's bg flag says if `&`);
 * NULL after an error printed (too many). */
struct pending *sh_job_start(struct shell *sh, int host, struct sh_cmdline *cl,
                             enum pend_kind k, int fd);
static inline bool sh_job_live(const struct pending *p) { return p && !p->completed; }
bool sh_job_in(const struct pending *p, const struct sh_job_set *set);
/* Give one call its turn; true if it moved (took or read bytes, ended). */
bool sh_job_step(struct shell *sh, struct pending *p);
/* Every live call its turn (the world's app hook); true if any moved. */
bool sh_jobs_step(void *ctx);
/* The next read time of a paced reader that sleeps (world.app_due). */
tl_time sh_jobs_due(void *ctx);
/* The first live call of host that a new call there must wait for. */
struct pending *sh_job_blocking(struct shell *sh, int host);
/* At the end of a report: print completed calls (and forget them), and
 * say what a call this command left pending waits for. */
void sh_jobs_report(struct shell *sh);
/* "(juliet: 'accept s' was still waiting at the end of the script)": what a
 * script prints for a call that never completed (replay expects it too). */
void sh_unfinished_text(const struct shell *sh, const struct pending *p, char *buf, size_t cap);
/* Ctrl-C: the calls the hosts' programs are blocked in end with
 * KeyboardInterrupt (those started with & go on, as other threads would);
 * returns how many. */
int sh_cancel_pending(struct shell *sh);
void sh_jobs_free(struct shell *sh);

/* cmd_draw.c: the session log, and `draw` */
int sh_slog_attach(struct shell *sh);
/* Take in state changes and TCB changes since the last call. */
void sh_slog_sync(struct shell *sh);
void sh_slog_frame(struct shell *sh, int from, const uint8_t *frame, size_t len, tl_time t);
/* A socket call as it starts (after the command ran: socket() has its fd)
 * and a waiting call's result. */
void sh_slog_call(struct shell *sh, int host, const struct sh_cmdline *cl, tl_time t, uint64_t n);
void sh_slog_result(struct shell *sh, int host, const struct pending *p);
/* A call that raised err without waiting: its error on the lifeline. */
void sh_slog_error(struct shell *sh, int host, const struct sh_cmdline *cl, int err);
/* report.c: update the progress line of a long call, if one is shown. */
void sh_show_progress(struct shell *sh);

/* repl.c */
int shell_run_interactive(struct shell *sh);
int shell_run_script(struct shell *sh, FILE *in);

#endif
