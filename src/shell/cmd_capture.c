/* capture start / stop and the display filter. */
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "shell/commands.h"

int sh_capture_start(struct shell *sh, const char *path)
{
    char err[256];
    struct pcapw *w = pcapw_open(path, err, sizeof err);
    if (!w) {
        sh_error(sh, "capture: cannot write '%s': %s", path, err);
        return -1;
    }
    sh_capture_stop(sh);
    sh->capture = w;
    snprintf(sh->capture_path, sizeof sh->capture_path, "%s", path);
    return 0;
}

void sh_capture_stop(struct shell *sh)
{
    if (!sh->capture)
        return;
    char err[256];
    uint64_t n = pcapw_count(sh->capture);
    if (pcapw_close(sh->capture, err, sizeof err) < 0)
        sh_error(sh, "capture: %s: %s", sh->capture_path, err);
    else if (sh->out)
        fprintf(sh->out, "capture %s: %llu frames\n", sh->capture_path, (unsigned long long)n);
    sh->capture = NULL;
}

int cmd_capture(struct shell *sh, int host, struct sh_cmdline *cl)
{
    const struct sh_cmd *c = sh_cmd_find("capture");
    const char *what = cl->argv[1].s;
    if (strcmp(what, "start") == 0 && cl->argc == 3)
        return sh_capture_start(sh, cl->argv[2].s);
    if (strcmp(what, "stop") == 0 && cl->argc == 2) {
        if (!sh->capture) {
            sh_error(sh, "capture: no capture is running");
            return -1;
        }
        sh_capture_stop(sh);
        return 0;
    }
    sh_usage_error(sh, c, "capture: say start FILE or stop");
    return -1;
}

int cmd_filter(struct shell *sh, int host, struct sh_cmdline *cl)
{
    if (cl->argc == 1) {
        if (sh->filter)
            fprintf(sh->out, "filter: %s\n", bpf_filter_expr(sh->filter));
        else
            fprintf(sh->out, "filter: off (every frame is shown)\n");
        return 0;
    }
    if (cl->argc == 2 && strcmp(cl->argv[1].s, "off") == 0 && !cl->argv[1].quoted) {
        bpf_filter_free(sh->filter);
        sh->filter = NULL;
        return 0;
    }
    char expr[1024];
    size_t off = 0;
    for (int i = 1; i < cl->argc; i++)
        off += (size_t)snprintf(expr + off, off < sizeof expr ? sizeof expr - off : 0, "%s%s",
                                i > 1 ? " " : "", cl->argv[i].s);
    if (off >= sizeof expr) {
        sh_error(sh, "filter: expression too long");
        return -1;
    }
    char err[PCAP_ERRBUF_SIZE + 64];
    struct bpf_filter *f = bpf_filter_new(expr, err, sizeof err);
    if (!f) {
        sh_error(sh, "filter: %s", err);
        return -1;
    }
    bpf_filter_free(sh->filter);
    sh->filter = f;
    return 0;
}
