/* `tcplab [options] [SCRIPT]`: the shell itself.  Its options (getopt_long),
 * then the world (the simulated wire, or in tap mode the TAP with the
 * kernel as the other host: set up first, while privileged), then the
 * shell, interactive on a terminal, else reading a script. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "link/sim.h"
#include "link/tapworld.h"
#include "shell/commands.h"
#include "shell/tapmode.h"
#include "shell/transcript.h"
#include "stack/lab_hosts.h"

const char cmd_shell_options_help[] =
    "  --seed=N      seed of the simulated hosts (ISS, ports); default 1\n"
    "  --record=FILE write a transcript of the session to FILE\n"
    "  --lab=NAME    start the guided lab NAME (as lab start NAME)\n"
    "  -w FILE       write every frame of the session to a pcap file\n"
    "  --no-color    no colour (also when NO_COLOR is set or output is not a terminal)\n"
    "  --tap[=IF]    tap mode: tcplab's stack on TAP interface IF (default tcplab0), the\n"
    "                Linux kernel as the other host (needs CAP_NET_ADMIN: sudo)\n"
    "  --kernel=HOST the host the kernel plays in tap mode: romeo or juliet (default)\n"
    "  --netns       tap mode in a private network namespace (prints how to enter it)\n"
    "  --offload     tap mode with checksum and TSO/GSO offload: tcplab plays the NIC,\n"
    "                cutting the kernel's super-frames into wire segments\n";

struct shell_opts {
    uint64_t seed;
    bool seed_given;
    bool color;
    const char *lab, *script, *record, *pcap_out;
    bool tap_mode;
    struct tap_options tap;
};

enum { OPT_SEED = 256, OPT_RECORD, OPT_LAB, OPT_NO_COLOR, OPT_TAP, OPT_KERNEL, OPT_NETNS, OPT_OFFLOAD, OPT_VERSION };

static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"seed", required_argument, NULL, OPT_SEED},
    {"record", required_argument, NULL, OPT_RECORD},
    {"lab", required_argument, NULL, OPT_LAB},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"tap", optional_argument, NULL, OPT_TAP},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"netns", no_argument, NULL, OPT_NETNS},
    {"offload", no_argument, NULL, OPT_OFFLOAD},
    {NULL, 0, NULL, 0},
};

/* The option as the user wrote it, for a message: "-w", or "--record". */
static const char *opt_spelling(int c, char *buf, size_t cap)
{
    if (c > 0 && c < 256) {
        snprintf(buf, cap, "-%c", c);
        return buf;
    }
    for (const struct option *o = long_opts; o->name; o++)
        if (o->val == c) {
            snprintf(buf, cap, "--%s", o->name);
            return buf;
        }
    return "?";
}

/* Parses argv into o.  Returns -1 to go on, else the exit status (0 after
 * --help or --version, 2 after a one-line error). */
static int parse_options(int argc, char **argv, struct shell_opts *o, void (*usage)(FILE *))
{
    char sp[32];
    int c;
    opterr = 0;                 /* the messages are ours */
    while ((c = getopt_long(argc, argv, ":hw:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("tcplab %s\n", TCPLAB_VERSION);
            return 0;
        case OPT_NO_COLOR:
            o->color = false;
            break;
        case OPT_SEED: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!optarg[0] || *end || errno) {
                fprintf(stderr, "tcplab: --seed takes a number, not '%s'\n", optarg);
                return 2;
            }
            o->seed = v;
            o->seed_given = true;
            break;
        }
        case 'w':
        case OPT_RECORD:
        case OPT_LAB:
            if (!optarg[0]) {
                fprintf(stderr, "tcplab: %s needs a %s\n", opt_spelling(c, sp, sizeof sp),
                        c == OPT_LAB ? "lab name" : "file name");
                return 2;
            }
            *(c == 'w' ? &o->pcap_out : c == OPT_LAB ? &o->lab : &o->record) = optarg;
            break;
        case OPT_TAP:
            if (optarg && !optarg[0]) {
                fprintf(stderr, "tcplab: --tap= needs an interface name\n");
                return 2;
            }
            o->tap_mode = true;
            o->tap.ifname = optarg;
            break;
        case OPT_KERNEL:
            if (lab_host_index(optarg) < 0) {
                fprintf(stderr, "tcplab: --kernel takes %s or %s, not '%s'\n", lab_host_name(0),
                        lab_host_name(1), optarg);
                return 2;
            }
            o->tap.kernel = lab_host_index(optarg);
            break;
        case OPT_NETNS:
            o->tap.netns = true;
            break;
        case OPT_OFFLOAD:
            o->tap.offload = true;
            break;
        case ':':
            if (optopt == 'w') {
                fprintf(stderr, "tcplab: -w needs a file name\n");
            } else {
                fprintf(stderr, "tcplab: %s needs a value (tcplab --help lists them)\n",
                        opt_spelling(optopt, sp, sizeof sp));
            }
            return 2;
        default:                /* '?' */
            if (optopt > 0 && optopt < 256)
                fprintf(stderr, "tcplab: unknown option '-%c' (tcplab --help lists them)\n",
                        optopt);
            else
                fprintf(stderr, "tcplab: unknown option '%s' (tcplab --help lists them)\n",
                        argv[optind - 1]);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->script) {
            fprintf(stderr, "tcplab: one script at a time ('%s' and '%s')\n", o->script, argv[i]);
            return 2;
        }
        o->script = argv[i];
    }
    return -1;
}

/* The world the shell drives: the simulated wire, or the TAP (set up first,
 * while privileged; tapworld_start gives the privileges up).  NULL and the
 * exit status in *rc after a message. */
static struct world *make_world(struct shell_opts *o, int *rc)
{
    if (!o->tap_mode && !o->tap.netns && !o->tap.offload) {
        struct simnet *net = simnet_new(o->seed);
        if (!net) {
            fprintf(stderr, "tcplab: out of memory\n");
            *rc = 1;
        }
        return net ? &net->w : NULL;
    }
    struct tapworld *tw;
    char msg[512];
    o->tap.seed = o->seed;
    o->tap.random_seed = !o->seed_given;
    int st = tapworld_start(&o->tap, &tw, msg, sizeof msg);
    if (st) {
        fprintf(stderr, "%s\n", msg);
        *rc = st;
        return NULL;
    }
    if (o->tap.netns) {
        tapworld_enter_cmd(tw, msg, sizeof msg);
        fprintf(stderr, "tcplab: %s exists only in a private network namespace; to play it "
                "from another terminal: %s\n", tw->w.name[tw->kidx], msg);
    }
    return &tw->w;
}

/* Interactive on a terminal, else the script (or standard input). */
static int run_shell(struct shell *sh, const char *script)
{
    if (!script && isatty(STDIN_FILENO)) {
        sh->interactive = true;
        return shell_run_interactive(sh);
    }
    FILE *in = stdin;
    if (script && strcmp(script, "-") != 0) {
        in = fopen(script, "r");
        if (!in) {
            fprintf(stderr, "tcplab: cannot open script '%s': %s\n", script, strerror(errno));
            return 2;
        }
    }
    sh->echo = true;
    int rc = shell_run_script(sh, in);
    if (in != stdin)
        fclose(in);
    return rc;
}

int cmd_shell(int argc, char **argv, void (*usage)(FILE *out))
{
    struct shell_opts o = {
        .seed = 1,
        .color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
        .tap = {.kernel = 1},
    };
    int rc = parse_options(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;

    struct world *w = make_world(&o, &rc);
    if (!w)
        return rc;
    struct shell *sh = shell_new(w, stdout, o.color);
    if (!sh || (w->realtime && sh_tap_attach(sh) < 0)) {
        fprintf(stderr, "tcplab: out of memory\n");
        shell_free(sh);
        return 1;
    }
    if (sh_session_begin(sh, o.record, o.lab) < 0) {
        shell_free(sh);
        return 2;
    }
    if (o.pcap_out && sh_capture_start(sh, o.pcap_out) < 0) {
        sh_session_end(sh);
        shell_free(sh);
        return 2;
    }
    rc = run_shell(sh, o.script);
    if (sh_session_end(sh) < 0)
        rc = 1;
    shell_free(sh);
    return rc;
}
