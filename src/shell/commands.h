/* The command table (commands.c) and the handlers it dispatches to: one
 * row per command, read by dispatch, help, completion and the man-page
 * lint. */
#ifndef TCPLAB_SHELL_COMMANDS_H
#define TCPLAB_SHELL_COMMANDS_H

#include "shell/shell.h"

/* commands.c */
struct sh_cmd {
    const char *name;
    const char *group;         /* data, look, time, output, session, socket */
    const char *usage;
    const char *summary;
    const char *help;          /* longer text for help CMD */
    int min_args, max_args;    /* words after the name */
    unsigned flags;            /* CMD_* below */
    int (*run)(struct shell *sh, int host, struct sh_cmdline *cl);
    /* completion of argument `argi`: a static word list, or NULL for names */
    const char *const *words;
};
#define CMD_SOCKCALL 1u   /* a socket call: refused while the host waits in another */
#define CMD_REPORT   2u   /* followed by the report: frames, transitions, TCBs */
#define CMD_RETURNS  4u   /* its result can be named: NAME = ... */
#define CMD_WAITS    8u   /* runs time itself (wait): no wait after it */
const struct sh_cmd *sh_cmd_find(const char *name);
const struct sh_cmd *sh_cmd_table(size_t *n);
int sh_dispatch(struct shell *sh, struct sh_cmdline *cl);
void sh_usage_error(struct shell *sh, const struct sh_cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cmd_sock.c, cmd_look.c: handlers */
int cmd_socket(struct shell *, int, struct sh_cmdline *);
int cmd_bind(struct shell *, int, struct sh_cmdline *);
int cmd_listen(struct shell *, int, struct sh_cmdline *);
int cmd_connect(struct shell *, int, struct sh_cmdline *);
int cmd_accept(struct shell *, int, struct sh_cmdline *);
int cmd_send(struct shell *, int, struct sh_cmdline *);
int cmd_sendto(struct shell *, int, struct sh_cmdline *);
int cmd_recv(struct shell *, int, struct sh_cmdline *);
int cmd_recvfrom(struct shell *, int, struct sh_cmdline *);
int cmd_shutdown(struct shell *, int, struct sh_cmdline *);
int cmd_close(struct shell *, int, struct sh_cmdline *);
int cmd_abort(struct shell *, int, struct sh_cmdline *);
int cmd_setsockopt(struct shell *, int, struct sh_cmdline *);
int cmd_print(struct shell *, int, struct sh_cmdline *);
int cmd_import(struct shell *, int, struct sh_cmdline *);
int cmd_jobs(struct shell *, int, struct sh_cmdline *);
int cmd_wait(struct shell *, int, struct sh_cmdline *);
/* cmd_sock.c's helpers the pending calls print with */
void sh_print_bytes(struct shell *sh, const uint8_t *d, size_t n);
void sh_bind_name(struct shell *sh, int host, const char *name, int fd);

int cmd_tcb(struct shell *, int, struct sh_cmdline *);
int cmd_diagram(struct shell *, int, struct sh_cmdline *);
int cmd_ss(struct shell *, int, struct sh_cmdline *);
int cmd_lsof(struct shell *, int, struct sh_cmdline *);
int cmd_arp(struct shell *, int, struct sh_cmdline *);
int cmd_ifconfig(struct shell *, int, struct sh_cmdline *);
int cmd_route(struct shell *, int, struct sh_cmdline *);
int cmd_drops(struct shell *, int, struct sh_cmdline *);
int cmd_ping(struct shell *, int, struct sh_cmdline *);
int cmd_sleep(struct shell *, int, struct sh_cmdline *);
int cmd_time(struct shell *, int, struct sh_cmdline *);
int cmd_msl(struct shell *, int, struct sh_cmdline *);
int cmd_show(struct shell *, int, struct sh_cmdline *);
int cmd_decode(struct shell *, int, struct sh_cmdline *);
int cmd_use(struct shell *, int, struct sh_cmdline *);
int cmd_help(struct shell *, int, struct sh_cmdline *);
int cmd_quit(struct shell *, int, struct sh_cmdline *);

/* cmd_wire.c: the link's fault injector */
int cmd_wire(struct shell *, int, struct sh_cmdline *);
int cmd_inject(struct shell *, int, struct sh_cmdline *);

/* cmd_draw.c: `draw` */
int cmd_draw(struct shell *, int, struct sh_cmdline *);

/* cmd_lab.c: handlers */
int cmd_lab(struct shell *, int, struct sh_cmdline *);
int cmd_record(struct shell *, int, struct sh_cmdline *);
int cmd_capture(struct shell *, int, struct sh_cmdline *);
int cmd_filter(struct shell *, int, struct sh_cmdline *);
/* Start writing every frame to a pcap file; 0 or -1 (error printed). */
int sh_capture_start(struct shell *sh, const char *path);
void sh_capture_stop(struct shell *sh);

#endif
