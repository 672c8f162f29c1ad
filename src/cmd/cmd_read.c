/* `tcplab read [FLAGS] FILE`: decode a capture file the way
 * `tcpdump -r FILE FLAGS` prints it (shared/docs/tcpdump-format.md).
 * The edge of the decoder: the only place that opens files and writes
 * error messages.  Exit 0 on success, 1 for a file problem (after the
 * frames that could be read), 2 for a usage error. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "decode/decode.h"

#define PROG "tcplab read"

static int usage(const char *why)
{
    fprintf(stderr, PROG ": %s (usage: tcplab read [-nStvexX] FILE)\n", why);
    return 2;
}

/* Opens FILE as a classic pcap or pcapng capture of Ethernet frames.
 * On failure prints the one-line reason and returns NULL. */
static pcap_t *open_capture(const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fp != stdin && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size == 0) {
        fprintf(stderr, PROG ": %s: empty file, not a capture\n", path);
        fclose(fp);
        return NULL;
    }
    pcap_t *p = pcap_fopen_offline(fp, errbuf);   /* owns fp from here */
    if (p == NULL) {
        fprintf(stderr, PROG ": %s: not a readable capture file (%s)\n", path, errbuf);
        if (fp != stdin)
            fclose(fp);
        return NULL;
    }
    int dlt = pcap_datalink(p);
    if (dlt != DLT_EN10MB) {
        const char *name = pcap_datalink_val_to_name(dlt);
        fprintf(stderr, PROG ": %s: link type %d (%s) is not Ethernet\n", path, dlt,
                name != NULL ? name : "unknown");
        pcap_close(p);
        return NULL;
    }
    return p;
}

/* Decodes every record; returns 0, or 1 after reporting a read error. */
static int decode_all(pcap_t *p, const char *path, const struct decode_opts *opts)
{
    struct decoder *d = decoder_new(opts);
    if (d == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int r, status = 0;
    while ((r = pcap_next_ex(p, &h, &data)) == 1)
        decode_frame(d, stdout, data, h->caplen, h->len, h->ts);
    if (r == PCAP_ERROR) {
        fflush(stdout);
        fprintf(stderr, PROG ": %s: %s\n", path, pcap_geterr(p));
        status = 1;
    }
    decoder_free(d);
    return status;
}

int cmd_read(int argc, char **argv)
{
    struct decode_opts opts = {0};
    const char *file = NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0)
            break;
        char err[128];
        if (decode_parse_flag(a, &opts, err, sizeof(err)) != 0)
            return usage(err);
    }
    if (i < argc)
        file = argv[i++];
    if (file == NULL)
        return usage("no capture file given");
    if (i < argc)
        return usage("flags go before the file, and only one file");

    pcap_t *p = open_capture(file);
    if (p == NULL)
        return 1;
    int status = decode_all(p, file, &opts);
    pcap_close(p);
    if (fflush(stdout) != 0 && status == 0) {
        fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
