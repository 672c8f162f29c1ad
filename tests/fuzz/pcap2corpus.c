/* Seed corpus for the fuzz targets: one file per frame of each pcap given,
 * in fuzz_decode's input format (flags byte, length byte, frame).
 *   pcap2corpus OUTDIR FILE.pcap... */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pcap2corpus OUTDIR FILE.pcap...\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    int n = 0;
    for (int i = 2; i < argc; i++) {
        pcap_t *p = pcap_open_offline(argv[i], err);
        if (!p) {
            fprintf(stderr, "pcap2corpus: %s\n", err);
            return 1;
        }
        struct pcap_pkthdr *h;
        const u_char *d;
        while (pcap_next_ex(p, &h, &d) == 1) {
            char path[4096];
            snprintf(path, sizeof path, "%s/seed-%04d", argv[1], n);
            FILE *f = fopen(path, "wb");
            if (!f)
                continue;
            unsigned extra = h->len - h->caplen;
            fputc(n % 4 == 0 ? 0x01 : n % 4 == 1 ? 0x03 : n % 4 == 2 ? 0x29 : 0x11, f);
            fputc(extra > 255 ? 255 : (int)extra, f);
            fwrite(d, 1, h->caplen, f);
            fclose(f);
            n++;
        }
        pcap_close(p);
    }
    printf("pcap2corpus: %d seeds\n", n);
    return 0;
}
