/* packetdrill scripts: the model a script is parsed into, and the parser,
 * packet and runner interfaces.  The grammar is packetdrill's
 * (google/packetdrill gtests/net/packetdrill/parser.y); the parser is ours.
 *
 * A script is a header of --option=value lines, then events on a timeline:
 * packets the scripted peer injects (<) or expects (>), socket calls of
 * the system under test, back-quoted shell lines and %{ }% Python blocks. */
#ifndef TCPLAB_PD_H
#define TCPLAB_PD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/tltime.h"

#define PD_MAX_OPTS 20
#define PD_MAX_ARGS 8
#define PD_ERR_MAX 512

/* One TCP option as the script writes it (or as a packet carried it). */
enum pd_opt_kind { PDO_NOP, PDO_EOL, PDO_MSS, PDO_WSCALE, PDO_SACKOK, PDO_SACK, PDO_TS,
                   PDO_MD5, PDO_FO, PDO_OTHER };
struct pd_opt {
    enum pd_opt_kind kind;
    uint32_t a, b;             /* mss; wscale; TS val, ecr */
    uint8_t nsack;
    uint32_t sack[4][2];
    uint8_t len;               /* FO: cookie bytes; OTHER: whole option length */
    uint8_t bytes[18];         /* FO cookie, or an unknown option's bytes (kind first) */
};

/* A TCP segment in packetdrill's syntax:
 *   < S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>  */
struct pd_pkt {
    bool inbound;              /* '<': the peer sends it; '>': tcplab must */
    uint8_t flags;             /* TH_* */
    uint32_t seq, end, len;
    bool has_ack, has_win, has_urg;
    uint32_t ack;
    uint16_t win, urg;
    bool opts_any;             /* <...> */
    bool has_opts;             /* <...> or a list (maybe empty: <>) */
    int nopt;
    struct pd_opt opt[PD_MAX_OPTS];
};

/* Arguments of a system call. */
enum pd_expr_kind { PX_INT, PX_ELLIPSIS, PX_SYM, PX_STR, PX_LIST, PX_STRUCT };
struct pd_expr {
    enum pd_expr_kind kind;
    long long i;               /* PX_INT (symbols with a known value become PX_INT) */
    char *s;                   /* PX_SYM name, PX_STR text, PX_STRUCT/PX_LIST field name */
    int n;                     /* PX_LIST, PX_STRUCT: items */
    struct pd_expr *items;
    char **names;              /* PX_STRUCT: the field names */
};

struct pd_call {
    char name[24];
    int nargs;
    struct pd_expr args[PD_MAX_ARGS];
    long long ret;             /* expected result */
    bool ret_any;              /* = ... */
    char err[24];              /* expected errno name (with ret -1), "" if none */
};

enum pd_time_kind { PDT_ABS, PDT_REL, PDT_ANY };
enum pd_event_kind { PDE_PACKET, PDE_CALL, PDE_SHELL, PDE_PYTHON };

struct pd_event {
    int line;
    enum pd_event_kind kind;
    enum pd_time_kind tkind;
    tl_time t;                 /* as written (relative or absolute), microseconds */
    bool range;                /* t~t_end: an outbound packet anywhere in between */
    bool blocking;             /* t...t_end: a call that returns at t_end */
    enum pd_time_kind end_kind;
    tl_time t_end;
    union {
        struct pd_pkt pkt;
        struct pd_call call;
    };
    char *text;                /* PDE_SHELL: the command; PDE_PYTHON: the code */
};

struct pd_script {
    char path[256];
    tl_time tolerance;         /* --tolerance_usecs (packetdrill's default 4 ms) */
    uint32_t local_ip, remote_ip;
    uint16_t mss;              /* --mss: the peer's MTU less headers (unused: ours is 1460) */
    int nev, cap;
    struct pd_event *ev;
    int nnote;
    char notes[8][160];        /* header options reported and skipped */
};

/* Parse a script's text.  0, or -1 with "FILE:LINE: reason" in err. */
int pd_parse(struct pd_script *s, const char *path, const char *text, char *err, size_t cap);
void pd_script_free(struct pd_script *s);

/* One packet spec from `p` (starting at '<' or '>'): 0, or -1 with a
 * reason in err.  *endp is set past it. */
int pd_parse_packet(const char *p, const char **endp, struct pd_pkt *pkt, char *err, size_t cap);
/* The spec as packetdrill prints it: "S. 0:0(0) ack 1 win 65535 <mss 1460,...>". */
void pd_print_packet(FILE *out, const struct pd_pkt *pkt);
/* Option list to bytes (padded with NOPs to 4): length, or -1 if > 40. */
int pd_opts_encode(const struct pd_opt *o, int n, uint8_t *out);
/* Option bytes to a list: count, or -1 if malformed. */
int pd_opts_decode(const uint8_t *p, size_t len, struct pd_opt *o, int max);

/* Constants of the calls' arguments (AF_INET, SOL_SOCKET, O_NONBLOCK ...)
 * and errno names: true and the value if known. */
bool pd_symbol(const char *name, long long *v);
const char *pd_errno_name(int e);
int pd_errno_value(const char *name);

/* Runner options and counts. */
struct pd_opts {
    bool ignore_options, ignore_window, report;
    bool color;
    FILE *out;
};
enum pd_verdict { PD_PASS, PD_FAIL, PD_SKIP };
/* Run one parsed script; the verdict line (and, on failure or skip, the
 * reason) is written to o->out. */
enum pd_verdict pd_run(const struct pd_script *s, const struct pd_opts *o);

#endif
