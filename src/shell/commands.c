/* The command table: the one source of truth for dispatch, argument
 * counts, help and tab completion. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "draw/slog.h"
#include "shell/commands.h"
#include "stack/lab_hosts.h"

static const char *const w_proto[] = {"tcp", "udp", NULL};
static const char *const w_how[] = {"rd", "wr", "rdwr", NULL};
static const char *const w_show[] = {"decode", "state", "tcb", NULL};
static const char *const w_opt[] = {"reuseaddr", "linger0", "sndbuf", "rcvbuf", "nodelay",
                                    "quickack", "rto_min", "congestion", NULL};
static const char *const w_decode[] = {"-S", "-v", "-x", "-X", "-e", "-t", "-SnvX", NULL};
#define HOST_WORD(idx, name, ...) name,
static const char *const w_hosts[] = {LAB_HOST_LIST(HOST_WORD) NULL};
#undef HOST_WORD
static const char *const w_lab[] = {"list", "start", "status", "next", "step", "questions",
                                    "stop", NULL};
static const char *const w_record[] = {"stop", NULL};
static const char *const w_capture[] = {"start", "stop", NULL};
static const char *const w_wire[] = {"hold", "release", "step", "drop", "loss", "dup",
                                     "reorder", "delay", "corrupt", "rate", "down", "up",
                                     "reset", NULL};
static const char *const w_ss[] = {"-i", "-o", NULL};
static const char *const w_draw[] = {"ladder", "states", "seq", "cwnd", NULL};
static const char *const w_filter[] = {"off", "tcp", "udp", "arp", "icmp", "port", "host", NULL};

static const struct sh_cmd commands[] = {
    /* socket calls */
    {"socket", "socket", "[NAME =] socket [tcp|udp]",
     "create a socket (sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM))",
     "Creates a TCP (default) or UDP socket and names it.  Nothing is sent.\n"
     "Example: sock = socket", 0, 1, CMD_SOCKCALL | CMD_REPORT | CMD_RETURNS, cmd_socket, w_proto},
    {"bind", "socket", "bind SOCK ADDR PORT", "give the socket a local address and port",
     "ADDR may be an address of this host, 0.0.0.0, * or '' (any).  PORT 0 picks a free one.\n"
     "Example: bind sock 10.10.2.100 4000     sock.bind(('10.10.2.100', 4000))",
     3, 3, CMD_SOCKCALL | CMD_REPORT, cmd_bind, NULL},
    {"listen", "socket", "listen SOCK [BACKLOG]", "wait for connections (LISTEN)",
     "Moves the socket to LISTEN.  BACKLOG bounds the accept queue (default 128).\n"
     "Nothing is sent.  Example: listen sock       sock.listen()",
     1, 2, CMD_SOCKCALL | CMD_REPORT, cmd_listen, NULL},
    {"connect", "socket", "connect SOCK ADDR PORT", "open a connection (three-way handshake)",
     "Sends SYN and waits for the handshake to finish or fail.  A refusal prints\n"
     "ConnectionRefusedError: [Errno 111] Connection refused, as Python does.\n"
     "Example: connect sock 10.10.2.100 4000   sock.connect(('10.10.2.100', 4000))",
     3, 3, CMD_SOCKCALL | CMD_REPORT, cmd_connect, NULL},
    {"accept", "socket", "[NAME[, ADDR] =] accept SOCK", "take a connection from the accept queue",
     "Returns at once if a connection is waiting; with nobody connecting the call is left\n"
     "pending and its result is printed when a connection arrives.  Accept sends nothing: the\n"
     "handshake already happened.  Example: conn, addr = accept sock",
     1, 1, CMD_SOCKCALL | CMD_REPORT | CMD_RETURNS, cmd_accept,
     NULL},
    {"send", "data", "send SOCK \"TEXT\" | send SOCK --bytes N", "send bytes",
     "TEXT takes escapes \\n \\t \\\\ \\\" \\xHH.  --bytes N sends N seeded pseudo-random\n"
     "bytes (sizes take k, M, G) and prints their count and SHA-256; a large send is\n"
     "summarised; it waits while the receiver reads, and is left pending if nobody\n"
     "reads.  Example: send sock \"Hello juliet\\n\"    sock.send(b\"Hello juliet\\n\")",
     2, 3, CMD_SOCKCALL | CMD_REPORT, cmd_send, NULL},
    {"sendto", "data", "sendto SOCK ADDR PORT \"TEXT\"", "send a UDP datagram",
     "Example: sendto u 10.10.2.100 4001 \"ping\"   u.sendto(b\"ping\", ('10.10.2.100', 4001))",
     4, 4, CMD_SOCKCALL | CMD_REPORT, cmd_sendto, NULL},
    {"recv", "data", "[NAME =] recv SOCK [N] | recv SOCK --all [N --every DURATION]",
     "receive bytes",
     "Reads up to N bytes (default 1024) from the receive queue, waiting if it is empty.\n"
     "b'' means the peer closed.  --all reads to the end of the stream and prints the\n"
     "count and SHA-256.  --all N --every DURATION is a slow reader: at most N bytes a\n"
     "read, then it sleeps DURATION of (virtual) time before the next, as the course's\n"
     "file-receiver-slow.py (recv c --all 4096 --every 100ms); a read that finds nothing\n"
     "waits for data, and the next read is DURATION after it.\n"
     "Example: recv conn 1024    conn.recv(1024)",
     1, 5, CMD_SOCKCALL | CMD_REPORT | CMD_RETURNS, cmd_recv,
     NULL},
    {"recvfrom", "data", "recvfrom SOCK [N]", "receive a UDP datagram and its sender",
     "Example: recvfrom u 1024", 1, 2, CMD_SOCKCALL | CMD_REPORT | CMD_RETURNS, cmd_recvfrom, NULL},
    {"shutdown", "socket", "shutdown SOCK rd|wr|rdwr", "close one or both directions",
     "wr sends FIN (half-close); data can still arrive.  rd stops reading.\n"
     "Example: shutdown sock wr     sock.shutdown(socket.SHUT_WR)",
     2, 2, CMD_SOCKCALL | CMD_REPORT, cmd_shutdown,
     w_how},
    {"close", "socket", "close SOCK", "close the socket (FIN, or RST if data is unread)",
     "The descriptor goes at once; the connection finishes its close on its own\n"
     "(FIN-WAIT, TIME-WAIT).  Closing with unread data sends RST, as Linux does.\n"
     "Example: close sock     sock.close()", 1, 1, CMD_SOCKCALL | CMD_REPORT, cmd_close, NULL},
    {"abort", "socket", "abort SOCK", "close with SO_LINGER {1, 0}: send RST",
     "RFC 9293 ABORT: the connection is reset at once.",
     1, 1, CMD_SOCKCALL | CMD_REPORT, cmd_abort, NULL},
    {"setsockopt", "socket",
     "setsockopt SOCK reuseaddr|linger0|sndbuf|rcvbuf|nodelay|quickack|rto_min|congestion VALUE",
     "set a socket option",
     "sndbuf and rcvbuf take sizes (64k).  nodelay 1 turns Nagle's algorithm off\n"
     "(TCP_NODELAY); quickack 1 ACKs every data segment at once (by default ACKs are\n"
     "delayed as Linux delays them: quick ACKs at the start and after out-of-order\n"
     "data, then every second segment or 40 ms); rto_min sets the lowest\n"
     "retransmission timeout, in ms (200); congestion reno|cubic chooses the\n"
     "congestion control (TCP_CONGESTION; cubic by default, as Linux).\n"
     "Also accepts the Python form sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
     "and sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1).",
     3, 3, 0, cmd_setsockopt, w_opt},
    /* look */
    {"tcb", "look", "tcb [SOCK]", "show the TCB of a socket (all sockets of the host if none)",
     "SND.UNA SND.NXT SND.WND SND.UP SND.WL1 SND.WL2 ISS, RCV.NXT RCV.WND RCV.UP IRS,\n"
     "queues and running timers.", 0, 1, 0, cmd_tcb, NULL},
    {"diagram", "look", "diagram [SOCK]", "draw the RFC 9293 state diagram",
     "The current state and the transitions the socket took are marked.  In tap mode,\n"
     "a kernel socket's are the transitions tcplab observed (TCP_INFO, sock_diag).",
     0, 1, 0, cmd_diagram, NULL},
    {"draw", "look", "draw ladder|states|seq|cwnd [SOCK...] [--all] [FILE]",
     "draw a picture of the session",
     "draw ladder: the ladder diagram of the whole session (frames as tcpdump -S prints\n"
     "them, socket calls, state changes; bulk transfers folded unless --all).\n"
     "draw seq [SOCK]: the time-sequence graph of SOCK's connection (default: the one\n"
     "that carried the most data); draw cwnd [SOCK]: its cwnd, ssthresh, bytes in flight\n"
     "and peer's window.  draw states [SOCK...]: the RFC 9293 state diagram with each\n"
     "socket's path numbered, its causes, its current state (default: every socket).\n"
     "SOCK may be HOST:NAME.  Without FILE the ladder and the states are drawn in the\n"
     "terminal (the states with Figure 5's arrows, the path's heavy and numbered, its\n"
     "steps listed below); with FILE the extension chooses SVG, PNG or PDF.",
     1, 8, 0, cmd_draw, w_draw},
    {"ss", "look", "ss [-i] [-o]", "list sockets of both hosts, as ss -t -a -n",
     "-i adds each connection's TCP internals under it, as ss -t -i -o does: options,\n"
     "rto, rtt (SRTT/RTTVAR, ms), mss, cwnd and ssthresh (segments), bytes sent,\n"
     "retransmitted, acknowledged, received, in flight, retransmissions, the timer.\n"
     "-o adds each TCP socket's timer at the end of its row, as Linux's ss -o prints it:\n"
     "timer:(on,200ms,0) (retransmission, time left, timeouts so far), timer:(persist,...)\n"
     "(zero-window probes), timer:(timewait,59sec,0).  -t, -a, -n are accepted (always so).",
     0, 3, 0, cmd_ss, w_ss},
    {"lsof", "look", "lsof", "list socket descriptors, as lsof -n -i",
     NULL, 0, 0, 0, cmd_lsof, NULL},
    {"arp", "look", "arp", "show the ARP cache of the host",
     "In tap mode, the kernel host's is its neighbour table on the TAP, read from the\n"
     "kernel over rtnetlink (what ip neigh shows).", 0, 0, 0, cmd_arp, NULL},
    {"ifconfig", "look", "ifconfig", "show the host's interface and counters",
     "In tap mode, the kernel host's is the TAP, read from the kernel over rtnetlink\n"
     "(flags, MTU, address, and the byte and packet counters ip -s link shows).\n"
     "With --offload, tcplab's host adds the offload's counters: GSO super-frames\n"
     "cut, GSO frames sent, malformed frames from the kernel dropped.",
     0, 0, 0, cmd_ifconfig, NULL},
    {"route", "look", "route", "show the host's routing table",
     "tcplab's stack only (not the kernel host in tap mode).", 0, 0, 0, cmd_route, NULL},
    {"drops", "look", "drops", "show why frames were dropped (named, counted reasons)",
     "tcplab's stack only (not the kernel host in tap mode).", 0, 0, 0, cmd_drops, NULL},
    {"ping", "look", "ping ADDR [COUNT]", "send ICMP echo requests and show the replies",
     "COUNT defaults to 1, one second apart.", 1, 2, CMD_REPORT, cmd_ping, NULL},
    /* time */
    {"sleep", "time", "sleep DURATION", "let time pass (200ms, 2s, 2msl)",
     "Virtual time in sim mode: timers such as TIME-WAIT (2*MSL) fire as it passes.", 1, 1,
     CMD_REPORT, cmd_sleep, NULL},
    {"msl", "time", "msl [DURATION]", "show or set the MSL (TIME-WAIT lasts 2*MSL)",
     "The maximum segment lifetime of tcplab's hosts: 30s by default, so TIME-WAIT\n"
     "lasts 60 s as on Linux.  msl 5s makes it 10 s; it applies to connections that\n"
     "enter TIME-WAIT afterwards.  sleep 2msl waits for it.", 0, 1, 0, cmd_msl, NULL},
    {"time", "time", "time", "print the clock (seconds since the start)",
     NULL, 0, 0, 0, cmd_time, NULL},
    /* wire */
    {"wire", "wire",
     "wire [hold|release|step [N]|drop [N]|loss PCT|dup PCT|reorder PCT|delay DURATION|"
     "corrupt PCT|rate RATE [QUEUE]|down|up|reset]",
     "inject faults on the link: hold and step frames, lose, delay, reorder ...",
     "wire hold keeps every frame; wire step [N] lets the next N through (one by one,\n"
     "with what each causes); wire release lets all go.  wire drop [N] drops the next\n"
     "N frames; loss, dup, reorder and corrupt take a percentage of frames (5%);\n"
     "delay adds to the link's delay (10ms); rate sets a bottleneck (10M = 10 Mbit/s)\n"
     "with a queue of QUEUE frames (100), or of QUEUE bytes with a unit (100k: 100 KiB,\n"
     "as tc's bfifo limit), tail-dropping when full.  Both directions.\n"
     "wire down loses every frame, both directions, until wire up (a cable pulled out).\n"
     "wire reset: no faults.  wire alone: the settings, the counts, the held frames.\n"
     "The faults draw from the session's seed: a sim-mode session replays exactly.",
     0, 3, 0, cmd_wire, w_wire},
    /* craft */
    {"inject", "craft", "inject SOCK|ADDR[:PORT] PACKET",
     "send one TCP segment written in packetdrill's syntax",
     "inject SOCK < PACKET: a segment to SOCK from its peer, numbers relative to the\n"
     "connection as in a packetdrill script (the peer's SYN is 0, ours is 0); a socket\n"
     "without a peer (listening) gets it from a phantom peer, 10.10.3.3 port 40000.\n"
     "inject SOCK > PACKET: from SOCK to its peer.  inject ADDR[:PORT] < PACKET: from\n"
     "the phantom ADDR to this host's PORT (default: its one listening socket).\n"
     "PACKET: FLAGS START:END(LEN) [ack N] [win N] [urg N] [<OPTIONS>], flags S . F R P\n"
     "E W U, options mss N, wscale N, sackOK, sack L:R, TS val N ecr N, nop, eol, md5.\n"
     "The reply shows in the usual report.  Examples: inject conn < R. 1000:1000(0) ack 1\n"
     "win 0 (a RST in the window, not at RCV.NXT: RFC 5961 challenge ACK); inject sock\n"
     "< S 0:0(0) win 1000 <mss 1460> (a SYN from a phantom peer).",
     3, 15, CMD_REPORT, cmd_inject, NULL},
    /* output */
    {"show", "output", "show decode|state|tcb on|off | show decode all",
     "switch a part of the report on or off",
     "After each socket call tcplab prints the decoded frames, the state transitions and\n"
     "the TCBs.  A bulk transfer's frames are summarised (the first and last few);\n"
     "show decode all prints every frame as it crosses.  `show` alone prints the settings.",
     0, 2, 0, cmd_show, w_show},
    {"decode", "output", "decode FLAGS", "set tcpdump flags for the live decode (-S -v -x -X -e)",
     "Example: decode -SnvX.  `decode` alone prints the flags in force.",
     0, 4, 0, cmd_decode, w_decode},
    {"capture", "output", "capture start FILE | capture stop",
     "write every frame of the session to a pcap file",
     "The file is a classic pcap (libpcap) with the session's timestamps (virtual time\n"
     "in sim mode, counted from 1970-01-01); tcpdump -r, tshark and Wireshark read it.\n"
     "The display filter does not apply to the capture.", 1, 2, 0, cmd_capture, w_capture},
    {"filter", "output", "filter EXPR | filter off",
     "show only frames matching a BPF expression (tcpdump's syntax)",
     "Compiled by libpcap, e.g. filter tcp port 4000, filter not arp.  A bad\n"
     "expression gets libpcap's message and changes nothing.  `filter` alone shows it.", 0,
     15, 0, cmd_filter, w_filter},
    /* session */
    {"jobs", "session", "jobs", "list the socket calls still pending, with their progress",
     "A call that waits for the other host or for the user (accept with nobody\n"
     "connecting, recv with nobody sending, send into a full window with nobody\n"
     "reading), or one started with a trailing &, is a job: [N] HOST STATE CALL.\n"
     "A call started with & moves while time passes (sleep, wait, a call that\n"
     "blocks), not after every command.",
     0, 0, 0, cmd_jobs, NULL},
    {"wait", "session", "wait [JOB]", "let time run until job JOB (or every job) completes",
     "Runs the network (virtual time in sim mode) until the job completes, or until\n"
     "every way left to complete it needs a command from the user.  Ctrl-C stops it.\n"
     "Example: send c1 --bytes 8M &   send c2 --bytes 8M &   wait",
     0, 1, CMD_REPORT | CMD_WAITS, cmd_wait, NULL},
    {"use", "session", "use HOST", "run the next commands on HOST (romeo or juliet)",
     "One command on another host: HOST: COMMAND, e.g. juliet: ss", 1, 1, 0, cmd_use,
     w_hosts},
    {"print", "session", "print NAME", "show what a name stands for",
     NULL, 1, 1, 0, cmd_print, NULL},
    {"import", "session", "import socket", "accepted for the lab's Python lines; does nothing",
     NULL, 0, 8, 0, cmd_import, NULL},
    {"record", "session", "record FILE | record stop", "write a transcript of the session to FILE",
     "The transcript holds a header (version, mode, seed, lab), then every command after its\n"
     "prompt and its output, from the start of the session, then every command until\n"
     "record stop.  tcplab replay FILE re-runs it; tcplab grade LAB FILE scores it.\n"
     "record alone says where the session is being recorded.", 0, 1, 0, cmd_record,
     w_record},
    {"lab", "session", "lab list|start NAME|status|next|step [N]|questions|stop",
     "walk through a guided lab, checkpoint by checkpoint",
     "lab list shows the labs; lab start NAME begins one (tcplab --lab=NAME does it at\n"
     "start).  Each step says what to do and which checkpoints to meet; checkpoints are\n"
     "marked [x] as the commands' output meets them.  lab status shows the progress,\n"
     "lab next the next step, lab step N step N again, lab questions the report questions.\n"
     "The labs shipped: sockets (the course's socket lab, in its handout's order), tcb,\n"
     "nobody, closing, error (the course's error-control lab: loss, retransmission,\n"
     "a broken link), bulk (limited by the congestion or the receive window),\n"
     "congestion (three Reno flows share a 1 Mbit/s bottleneck for a minute).\n"
     "Lab messages start with [lab].  The lab format: man tcplab-labs.",
     0, 2, 0, cmd_lab,
     w_lab},
    {"help", "session", "help [CMD]", "list the commands, or explain one",
     NULL, 0, 1, 0, cmd_help, NULL},
    {"quit", "session", "quit", "leave tcplab (also quit() and exit())",
     NULL, 0, 0, 0, cmd_quit, NULL},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const struct sh_cmd *sh_cmd_table(size_t *n)
{
    *n = NCOMMANDS;
    return commands;
}

const struct sh_cmd *sh_cmd_find(const char *name)
{
    if (strcmp(name, "exit") == 0)
        name = "quit";
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void sh_usage_error(struct shell *sh, const struct sh_cmd *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sh_error(sh, "%s (usage: %s)", msg, c->usage);
}

static void blocked_error(struct shell *sh, int host, const struct pending *p)
{
    sh_error(sh, "%s is still waiting in '%s' (it completes when the other host acts; "
             "Ctrl-C cancels it)", sh_host_name(sh, host), p->line);
}

int sh_dispatch(struct shell *sh, struct sh_cmdline *cl)
{
    int host = cl->host >= 0 ? cl->host : sh->cur;
    const char *name = cl->argv[0].s;
    const struct sh_cmd *c = sh_cmd_find(name);
    if (!c) {
        /* A bare name prints its value, as the Python prompt does. */
        if (cl->argc == 1 && cl->nassign == 0 && sh_name_get(sh, host, name))
            return cmd_print(sh, host, cl);
        sh_error(sh, "unknown command '%s' (type help for the list)", name);
        return -1;
    }
    int nargs = cl->argc - 1;
    if (nargs < c->min_args || nargs > c->max_args) {
        sh_usage_error(sh, c, "%s: %s arguments", c->name,
                       nargs < c->min_args ? "missing" : "too many");
        return -1;
    }
    if (cl->nassign && !(c->flags & CMD_RETURNS)) {
        sh_usage_error(sh, c, "%s returns nothing to assign", c->name);
        return -1;
    }
    if (cl->background && !(c->flags & CMD_SOCKCALL)) {
        sh_usage_error(sh, c, "%s: only a socket call runs in the background (&)", c->name);
        return -1;
    }
    /* A call with & is another thread of the host's program: it need not
     * wait for the call the program is blocked in. */
    struct pending *before = (c->flags & CMD_SOCKCALL) && !cl->background
                           ? sh_job_blocking(sh, host) : NULL;
    if (before && sh->w->realtime) {
        /* Tap mode: the other side is another program, whose next move
         * no one can foresee (scripts wait for it before the line, repl.c). */
        blocked_error(sh, host, before);
        return -1;
    }
    if (!(c->flags & CMD_REPORT)) {
        int rc = c->run(sh, host, cl);
        sh_slog_sync(sh);
        return rc;
    }
    /* The call's own output (its result, or Python's exception) is held
     * back and printed after the frames that produced it. */
    char *held = NULL;
    size_t nheld = 0;
    FILE *out = sh->out, *mem = open_memstream(&held, &nheld);
    if (!mem) {
        sh_error(sh, "out of memory");
        return -1;
    }
    sh_report_begin(sh);
    sh->out = mem;
    int rc = 0;
    if (before) {
        /* One program per host: its next call waits for the one it is in. */
        struct sh_job_set mine = {.host = host, .fg_only = true};
        sh_wait_jobs(sh, &mine);
        sh_jobs_report(sh);              /* what it returned comes first */
        before = sh_job_blocking(sh, host);
    }
    if (before) {
        blocked_error(sh, host, before);
        rc = -1;
    } else {
        tl_time t0 = sh_now(sh);
        sh_slog_sync(sh);
        uint64_t n0 = slog_reserve(sh->slog);
        sh->bg = cl->background;
        sh->call_err = 0;
        rc = c->run(sh, host, cl);
        sh->bg = false;
        if (c->flags & CMD_SOCKCALL) {
            sh_slog_call(sh, host, cl, t0, n0);
            if (sh->call_err)
                sh_slog_error(sh, host, cl, sh->call_err);
        }
        if (!cl->background && !(c->flags & CMD_WAITS))
            sh_advance(sh);
        sh_slog_sync(sh);
    }
    fclose(mem);
    sh->out = out;
    sh_report_end(sh, held, nheld);
    free(held);
    return rc;
}

int cmd_help(struct shell *sh, int host, struct sh_cmdline *cl)
{
    (void)host;
    if (cl->argc == 2) {
        const struct sh_cmd *c = sh_cmd_find(cl->argv[1].s);
        if (!c) {
            sh_error(sh, "help: no command '%s' (type help for the list)", cl->argv[1].s);
            return -1;
        }
        fprintf(sh->out, "usage: %s\n  %s\n", c->usage, c->summary);
        if (c->help)
            for (const char *p = c->help; *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t)(nl - p) : strlen(p);
                fprintf(sh->out, "  %.*s\n", (int)n, p);
                p += n + (nl ? 1 : 0);
            }
        return 0;
    }
    static const char *const groups[] = {"socket", "data", "look", "time", "wire", "craft",
                                         "output", "session"};
    static const char *const titles[] = {"socket calls", "data", "look", "time", "wire",
                                         "craft", "output", "session"};
    fprintf(sh->out, "Commands run on the current host (the prompt); HOST: COMMAND runs one on "
                     "another.\nThe lab's Python lines work as typed: "
                     "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                     "A call waits while the hosts can finish it without you; a host's calls "
                     "run in order.\nCALL & starts one without waiting (jobs lists them, wait "
                     "waits); Ctrl-C stops a wait.\n");
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        fprintf(sh->out, "\n%s:\n", titles[g]);
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (strcmp(commands[i].group, groups[g]) == 0)
                fprintf(sh->out, "  %-42s %s\n", commands[i].usage, commands[i].summary);
    }
    fprintf(sh->out, "\nhelp CMD explains one command.\n");
    return 0;
}
