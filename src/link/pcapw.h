/* A pcap capture of the link: every frame, with the session's timestamps
 * (virtual ones in sim mode), written through libpcap as a classic pcap
 * file that tcpdump, tshark and Wireshark read. */
#ifndef TCPLAB_PCAPW_H
#define TCPLAB_PCAPW_H

#include <stddef.h>
#include <stdint.h>

#include "util/tltime.h"

struct pcapw;

/* NULL with a one-line reason in err on failure. */
struct pcapw *pcapw_open(const char *path, char *err, size_t cap);
void pcapw_frame(struct pcapw *w, const uint8_t *frame, size_t len, tl_time t);
/* 0, or -1 with a reason if the file could not be completed. */
int pcapw_close(struct pcapw *w, char *err, size_t cap);
uint64_t pcapw_count(const struct pcapw *w);

/* A BPF display filter compiled by libpcap for Ethernet frames. */
struct bpf_filter;
struct bpf_filter *bpf_filter_new(const char *expr, char *err, size_t cap);
int bpf_filter_match(const struct bpf_filter *f, const uint8_t *frame, size_t len);
const char *bpf_filter_expr(const struct bpf_filter *f);
void bpf_filter_free(struct bpf_filter *f);

#endif
