/* Capture writer and display filter, both through libpcap: pcap_dump for
 * the file, pcap_compile / pcap_offline_filter for BPF expressions. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "link/pcapw.h"
#include "wire/eth.h"

#define SNAPLEN 262144          /* tcpdump's default */

struct pcapw {
    pcap_t *dead;
    pcap_dumper_t *dump;
    uint64_t frames;
};

struct pcapw *pcapw_open(const char *path, char *err, size_t cap)
{
    struct pcapw *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    w->dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
    if (!w->dead) {
        snprintf(err, cap, "pcap_open_dead failed");
        free(w);
        return NULL;
    }
    w->dump = pcap_dump_open(w->dead, path);
    if (!w->dump) {
        snprintf(err, cap, "%s", pcap_geterr(w->dead));
        pcap_close(w->dead);
        free(w);
        return NULL;
    }
    return w;
}

void pcapw_frame(struct pcapw *w, const uint8_t *frame, size_t len, tl_time t)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(t / TL_SEC);
    h.ts.tv_usec = (suseconds_t)(t % TL_SEC);
    h.caplen = h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)w->dump, &h, frame);
    w->frames++;
}

int pcapw_close(struct pcapw *w, char *err, size_t cap)
{
    int rc = 0;
    if (pcap_dump_flush(w->dump) != 0) {
        snprintf(err, cap, "writing the capture failed: %s", strerror(errno));
        rc = -1;
    }
    pcap_dump_close(w->dump);
    pcap_close(w->dead);
    free(w);
    return rc;
}

uint64_t pcapw_count(const struct pcapw *w)
{
    return w->frames;
}

struct bpf_filter {
    struct bpf_program prog;
    char *expr;
};

struct bpf_filter *bpf_filter_new(const char *expr, char *err, size_t cap)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
    struct bpf_filter *f = calloc(1, sizeof *f);
    if (!dead || !f) {
        snprintf(err, cap, "out of memory");
        if (dead)
            pcap_close(dead);
        free(f);
        return NULL;
    }
    if (pcap_compile(dead, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, cap, "%s", pcap_geterr(dead));
        pcap_close(dead);
        free(f);
        return NULL;
    }
    pcap_close(dead);
    f->expr = strdup(expr);
    return f;
}

int bpf_filter_match(const struct bpf_filter *f, const uint8_t *frame, size_t len)
{
    struct pcap_pkthdr h = {.caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len};
    return pcap_offline_filter(&f->prog, &h, frame) != 0;
}

const char *bpf_filter_expr(const struct bpf_filter *f)
{
    return f->expr;
}

void bpf_filter_free(struct bpf_filter *f)
{
    if (!f)
        return;
    pcap_freecode(&f->prog);
    free(f->expr);
    free(f);
}
