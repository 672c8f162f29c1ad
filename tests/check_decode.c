/* The tcpdump-identical decoder (src/decode/).
 *
 * 1. Every NAME.pcap of the vectors folder, decoded through the decoder API
 *    under every flag set of flagsets.txt, must equal NAME.TAG.txt byte for
 *    byte (the output of tcpdump 4.99.3).  The folder is $TCPLAB_VECTORS,
 *    else ../shared/vectors/tcpdump from the current directory; a folder
 *    with no vectors in it fails.
 * 2. Focused tests of the parts most likely to go wrong
 *    (shared/docs/tcpdump-format.md §12), on frames built here. */
#include <check.h>
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "ckmain.h"
#include "decode/decode.h"
#include "decode/decode_int.h"
#include "decode/print_tcp.h"

/* ------------------------------------------------------------------ */
/* Helpers: text capture and frame building                            */

static struct decode_opts flags(const char *words)
{
    struct decode_opts o = {0};
    char buf[64], err[128];
    snprintf(buf, sizeof(buf), "%s", words);
    for (char *w = strtok(buf, " "); w != NULL; w = strtok(NULL, " "))
        ck_assert_msg(decode_parse_flag(w, &o, err, sizeof(err)) == 0, "%s", err);
    return o;
}

/* A frame under construction: Ethernet + IPv4 + (TCP|UDP|ICMP). */
struct frame {
    uint8_t b[1600];
    size_t len;
};

static const uint8_t MAC_A[6] = {0x02, 0x00, 0x0a, 0x0a, 0x01, 0x64};
static const uint8_t MAC_B[6] = {0x02, 0x00, 0x0a, 0x0a, 0x02, 0x64};
static const uint8_t IP_A[4] = {10, 10, 1, 100};
static const uint8_t IP_B[4] = {10, 10, 2, 100};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* IPv4 header at 14 carrying `plen` bytes of `proto`; checksums are right. */
static void ipv4(struct frame *f, uint8_t proto, size_t plen, bool a_to_b)
{
    uint8_t *e = f->b;
    memcpy(e, a_to_b ? MAC_B : MAC_A, 6);
    memcpy(e + 6, a_to_b ? MAC_A : MAC_B, 6);
    put16(e + 12, 0x0800);
    uint8_t *ip = e + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + plen));
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, a_to_b ? IP_A : IP_B, 4);
    memcpy(ip + 16, a_to_b ? IP_B : IP_A, 4);
    put16(ip + 10, inet_sum(ip, 20, 0));
    f->len = 14 + 20 + plen;
}

struct seg {
    bool a_to_b;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *opts;
    size_t optlen;              /* a multiple of 4 */
    const char *data;
};

static struct frame tcp_frame(const struct seg *s)
{
    struct frame f;
    size_t dlen = s->data ? strlen(s->data) : 0;
    size_t tlen = 20 + s->optlen + dlen;
    ipv4(&f, 6, tlen, s->a_to_b);
    uint8_t *t = f.b + 34;
    memset(t, 0, 20);
    put16(t, s->sport);
    put16(t + 2, s->dport);
    put32(t + 4, s->seq);
    put32(t + 8, s->ack);
    t[12] = (uint8_t)(((20 + s->optlen) / 4) << 4);
    t[13] = s->flags;
    put16(t + 14, 502);
    if (s->optlen)
        memcpy(t + 20, s->opts, s->optlen);
    if (dlen)
        memcpy(t + 20 + s->optlen, s->data, dlen);
    uint8_t ph[12];
    memcpy(ph, f.b + 26, 8);
    ph[8] = 0;
    ph[9] = 6;
    put16(ph + 10, (uint16_t)tlen);
    uint32_t pre = (uint16_t)~inet_sum(ph, 12, 0);
    put16(t + 16, inet_sum(t, tlen, pre));
    return f;
}

/* Decodes frames in order with one decoder and returns the text. */
static char *decode_frames(const char *flagwords, const struct frame *fs, size_t n)
{
    struct decode_opts o = flags(flagwords);
    struct decoder *d = decoder_new(&o);
    ck_assert_ptr_nonnull(d);
    struct capture c;
    capture_open(&c);
    struct timeval ts = {1700000000, 123456};
    for (size_t i = 0; i < n; i++)
        decode_frame(d, c.f, fs[i].b, (uint32_t)fs[i].len, (uint32_t)fs[i].len, ts);
    decoder_free(d);
    return capture_close(&c);
}

static char *decode_one(const char *flagwords, const struct frame *f)
{
    return decode_frames(flagwords, f, 1);
}

/* The n-th line (from 0) of text, without its newline, in a static buffer. */
static const char *line_of(const char *text, int n)
{
    static char buf[4096];
    const char *p = text;
    for (; n > 0 && p != NULL; n--) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (p == NULL)
        return "";
    size_t k = strcspn(p, "\n");
    snprintf(buf, sizeof(buf), "%.*s", (int)k, p);
    return buf;
}

/* ------------------------------------------------------------------ */
/* 1. The vectors                                                      */

#define MAX_CASES 1024

struct vcase {
    char pcap[1024];
    char want[1024];
    char name[256];             /* NAME.TAG, for messages */
    char flagwords[64];
};

/* Filled by main() before the runner forks; read-only in the tests. */
static struct vcase cases[MAX_CASES];
static int ncases;
static char vector_dir[512];
static int nshared;             /* cases from vector_dir (the shared vectors) */
/* The project's own vectors (IPv6, ICMPv6, MPTCP), beside the shared ones. */
#define PROJECT_VECTORS "tests/vectors"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Start of record k (from 0): a record begins on a line starting with
 * neither a space nor a tab (compare.sh's rule). */
static const char *record_start(const char *text, int k, size_t *reclen)
{
    const char *p = text, *start = NULL;
    int seen = -1;
    for (const char *line = p; *line; ) {
        if (*line != ' ' && *line != '\t') {
            seen++;
            if (seen == k)
                start = line;
            else if (seen == k + 1) {
                *reclen = (size_t)(line - start);
                return start;
            }
        }
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : line + strlen(line);
    }
    if (start)
        *reclen = strlen(start);
    return start;
}

CK_CASE("vectors", NULL, NULL);
CK_TIMEOUT(120);

CK_LOOP_TEST(test_vector_output_matches_tcpdump, 0, ncases)
{
    const struct vcase *v = &cases[_i];
    size_t wlen;
    char *want = slurp(v->want, &wlen);
    ck_assert_msg(want != NULL, "cannot read %s", v->want);

    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(v->pcap, errbuf);
    ck_assert_msg(p != NULL, "%s: %s", v->pcap, errbuf);
    struct decode_opts o = flags(v->flagwords);
    struct decoder *d = decoder_new(&o);
    struct capture c;
    capture_open(&c);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(p, &h, &data) == 1)
        decode_frame(d, c.f, data, h->caplen, h->len, h->ts);
    decoder_free(d);
    pcap_close(p);
    char *got = capture_close(&c);

    if (c.len != wlen || memcmp(got, want, wlen) != 0) {
        /* Report the first frame that differs. */
        int k = 0;
        size_t gl = 0, wl = 0;
        const char *g, *w;
        for (;; k++) {
            g = record_start(got, k, &gl);
            w = record_start(want, k, &wl);
            if (g == NULL || w == NULL || gl != wl || memcmp(g, w, gl) != 0)
                break;
        }
        /* records end in '\n'; leave it out of the message */
        if (w && wl && w[wl - 1] == '\n')
            wl--;
        if (g && gl && g[gl - 1] == '\n')
            gl--;
        ck_abort_msg("%s (%s): frame %d differs\n  want: %.*s\n  got:  %.*s",
                     v->name, v->flagwords, k + 1,
                     w ? (int)wl : 6, w ? w : "(none)", g ? (int)gl : 6, g ? g : "(none)");
    }
    free(got);
    free(want);
}
END_TEST

/* The vectors are the decoder's main test: without them it fails. */
CK_TEST(test_vectors_folder_present)
{
    ck_assert_msg(nshared > 0, "no vectors (NAME.pcap with NAME.FLAGSET.txt, flagsets.txt) in %s; "
                  "set TCPLAB_VECTORS to the folder", vector_dir);
}
END_TEST

/* Reads a folder's flagsets.txt and *.pcap list into cases[]. */
static void load_dir(const char *dir)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/flagsets.txt", dir);
    FILE *fs = fopen(path, "r");
    if (fs == NULL)
        return;
    char sets[32][2][64];
    int nsets = 0;
    char line[256];
    while (nsets < 32 && fgets(line, sizeof(line), fs)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        snprintf(sets[nsets][0], 64, "%.63s", line);
        snprintf(sets[nsets][1], 64, "%.63s", colon + 1);
        nsets++;
    }
    fclose(fs);

    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        size_t l = strlen(nm);
        if (l > 5 && strcmp(nm + l - 5, ".pcap") == 0) {
            for (int s = 0; s < nsets && ncases < MAX_CASES; s++) {
                struct vcase *v = &cases[ncases];
                snprintf(v->pcap, sizeof(v->pcap), "%s/%s", dir, nm);
                snprintf(v->want, sizeof(v->want), "%s/%.*s.%s.txt", dir,
                         (int)(l - 5), nm, sets[s][0]);
                snprintf(v->name, sizeof(v->name), "%.*s.%.63s", (int)(l - 5), nm, sets[s][0]);
                snprintf(v->flagwords, sizeof(v->flagwords), "%s", sets[s][1]);
                FILE *w = fopen(v->want, "r");
                if (w != NULL) {
                    fclose(w);
                    ncases++;
                }
            }
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

static void load_cases(void)
{
    const char *env = getenv("TCPLAB_VECTORS");
    snprintf(vector_dir, sizeof(vector_dir), "%s", env && *env ? env : "../shared/vectors/tcpdump");
    load_dir(vector_dir);
    nshared = ncases;
    load_dir(PROJECT_VECTORS);
}

/* Before the suite is built: the "n" flag set prints UTC wall-clock
 * times, and the loop over the vectors needs their count. */
static void decode_init(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    load_cases();
}
CK_INIT(decode_init);

/* ------------------------------------------------------------------ */
/* 2. Relative sequence numbers (§8.3)                                  */

#define CLIENT 50000
#define SERVER 4000
/* how tcpdump -n starts a line of each direction */
#define C2S "IP 10.10.1.100.50000 > 10.10.2.100.4000: "
#define S2C "IP 10.10.2.100.4000 > 10.10.1.100.50000: "

CK_CASE("seq", NULL, NULL);

CK_TEST(test_rst_ack_first_ack_is_absolute)
{
    struct frame fs[2];
    fs[0] = tcp_frame(&(struct seg){true, CLIENT, 4001, 4164240712u, 0, 0x02, 0, 0, 0});
    fs[1] = tcp_frame(&(struct seg){false, 4001, CLIENT, 0, 4164240713u, 0x14, 0, 0, 0});
    char *t = decode_frames("-n -t", fs, 2);
    ck_assert_str_eq(line_of(t, 1), "IP 10.10.2.100.4001 > 10.10.1.100.50000: "
                     "Flags [R.], seq 0, ack 4164240713, win 502, length 0");
    free(t);
}
END_TEST

CK_TEST(test_handshake_third_segment_is_relative)
{
    struct frame fs[4];
    fs[0] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1000, 0, 0x02, 0, 0, 0});
    fs[1] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 5000, 1001, 0x12, 0, 0, 0});
    fs[2] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1001, 5001, 0x10, 0, 0, 0});
    fs[3] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1001, 5001, 0x18, 0, 0, "hello"});
    char *t = decode_frames("-nt", fs, 4);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [S], seq 1000, win 502, length 0");
    ck_assert_str_eq(line_of(t, 1), S2C "Flags [S.], seq 5000, ack 1001, win 502, length 0");
    ck_assert_str_eq(line_of(t, 2), C2S "Flags [.], ack 1, win 502, length 0");
    ck_assert_str_eq(line_of(t, 3), C2S "Flags [P.], seq 1:6, ack 1, win 502, length 5");
    free(t);
}
END_TEST

CK_TEST(test_synack_resets_conversation_bases)
{
    struct frame fs[4];
    fs[0] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 5000, 1001, 0x12, 0, 0, 0});
    fs[1] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1001, 5001, 0x10, 0, 0, 0});
    fs[2] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 90000, 7001, 0x12, 0, 0, 0});
    fs[3] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 7001, 90001, 0x18, 0, 0, "abc"});
    char *t = decode_frames("-nt", fs, 4);
    ck_assert_str_eq(line_of(t, 2), S2C "Flags [S.], seq 90000, ack 7001, win 502, length 0");
    ck_assert_str_eq(line_of(t, 3), C2S "Flags [P.], seq 1:4, ack 1, win 502, length 3");
    free(t);
}
END_TEST

CK_TEST(test_segment_without_ack_leaves_table_alone)
{
    struct frame fs[3];
    fs[0] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 100, 200, 0x10, 0, 0, 0});
    fs[1] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 999999, 0, 0x04, 0, 0, 0});
    fs[2] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 110, 205, 0x10, 0, 0, 0});
    char *t = decode_frames("-nt", fs, 3);
    ck_assert_str_eq(line_of(t, 1), C2S "Flags [R], seq 999999, win 502, length 0");
    ck_assert_str_eq(line_of(t, 2), C2S "Flags [.], ack 6, win 502, length 0");
    free(t);
}
END_TEST

CK_TEST(test_sack_blocks_shift_by_peer_base)
{
    static const uint8_t sack[12] = {1, 1, 5, 10, 0, 0, 0x07, 0xe9, 0, 0, 0x07, 0xf3};
    struct frame fs[2];
    /* Entry made by this very segment: ack 1001 -> peer base 1000, so the
     * block 2025:2035 shows as 1025:1035 already here. */
    fs[0] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 5000, 1001, 0x10, sack, 12, 0});
    fs[1] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 5000, 1001, 0x10, sack, 12, 0});
    char *t = decode_frames("-nt", fs, 2);
    ck_assert_str_eq(line_of(t, 0), S2C "Flags [.], ack 1001, win 502, "
                     "options [nop,nop,sack 1 {1025:1035}], length 0");
    ck_assert_str_eq(line_of(t, 1), S2C "Flags [.], ack 1, win 502, "
                     "options [nop,nop,sack 1 {1025:1035}], length 0");
    free(t);
    t = decode_frames("-nSt", fs, 2);
    ck_assert_str_eq(line_of(t, 1), S2C "Flags [.], ack 1001, win 502, "
                     "options [nop,nop,sack 1 {2025:2035}], length 0");
    free(t);
}
END_TEST

CK_TEST(test_relative_numbers_wrap_modulo_2_32)
{
    struct frame fs[2];
    fs[0] = tcp_frame(&(struct seg){false, SERVER, CLIENT, 3000, 4294967291u, 0x12, 0, 0, 0});
    fs[1] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 4294967291u, 3001, 0x18, 0, 0, "0123456789"});
    char *t = decode_frames("-nt", fs, 2);
    ck_assert_str_eq(line_of(t, 1), C2S "Flags [P.], seq 1:11, ack 1, win 502, length 10");
    free(t);
    t = decode_frames("-nSt", fs, 2);
    ck_assert_str_eq(line_of(t, 1), C2S "Flags [P.], seq 4294967291:5, ack 3001, win 502, length 10");
    free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Flags, options, lengths (§8.2, §8.4)                                */

CK_CASE("tcp", NULL, NULL);

CK_TEST(test_flag_letters_follow_fsrp_dot_uew_order)
{
    char s[9];
    nd_tcp_flags_string(0xff, s);
    ck_assert_str_eq(s, "FSRP.UEW");
    nd_tcp_flags_string(0x38, s);
    ck_assert_str_eq(s, "P.U");
    nd_tcp_flags_string(0x52, s);
    ck_assert_str_eq(s, "S.E");
    nd_tcp_flags_string(0xc2, s);
    ck_assert_str_eq(s, "SEW");
    nd_tcp_flags_string(0x19, s);
    ck_assert_str_eq(s, "FP.");
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x00, 0, 0, 0});
    char *t = decode_one("-nSt", &f);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [none], win 502, length 0");
    free(t);
}
END_TEST

CK_TEST(test_bad_opt_ends_line_without_length)
{
    static const uint8_t after_nop[4] = {1, 2, 8, 2};
    static const uint8_t first[4] = {2, 1, 0, 0};
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 1, 0x10, after_nop, 4, 0});
    char *t = decode_one("-nSt", &f);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [.], ack 1, win 502, options [nop,[bad opt]]");
    free(t);
    f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 1, 0x10, first, 4, 0});
    t = decode_one("-nSt", &f);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [.], ack 1, win 502, options [[bad opt]");
    free(t);
}
END_TEST

CK_TEST(test_option_length_mismatch_prints_len_and_continues)
{
    static const uint8_t opts[8] = {3, 4, 3, 1, 1, 1, 1, 0};
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 1, 0x10, opts, 8, 0});
    char *t = decode_one("-nSt", &f);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [.], ack 1, win 502, "
                     "options [wscale 3[len 4],nop,nop,nop,nop,eol], length 0");
    free(t);
}
END_TEST

CK_TEST(test_option_cut_by_capture_prints_trunc_mark)
{
    static const uint8_t ts[12] = {1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6};
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 1, 0x10, ts, 12, 0});
    struct decode_opts o = flags("-nSt");
    struct decoder *d = decoder_new(&o);
    struct capture c;
    capture_open(&c);
    decode_frame(d, c.f, f.b, 14 + 20 + 24, (uint32_t)f.len, (struct timeval){0, 0});
    decoder_free(d);
    char *t = capture_close(&c);
    ck_assert_str_eq(t, C2S "Flags [.], ack 1, win 502, options [nop,nop,TS [|tcp]>\n");
    free(t);
}
END_TEST

CK_TEST(test_seq_shown_only_for_data_syn_fin_rst)
{
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 7, 9, 0x11, 0, 0, 0});
    char *t = decode_one("-nSt", &f);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [F.], seq 7, ack 9, win 502, length 0");
    free(t);
    f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 7, 9, 0x10, 0, 0, 0});
    t = decode_one("-nSvvt", &f);
    ck_assert_ptr_nonnull(strstr(t, "(correct), seq 7, ack 9, win 502, length 0"));
    free(t);
}
END_TEST

CK_TEST(test_rst_text_escapes_controls_and_high_bytes)
{
    struct frame f = tcp_frame(&(struct seg){false, SERVER, CLIENT, 777, 888, 0x14, 0, 0,
                                             "bye\n\x7f\xc1"});
    char *t = decode_one("-nSvt", &f);
    ck_assert_str_eq(line_of(t, 1), "    10.10.2.100.4000 > 10.10.1.100.50000: "
                     "Flags [R.], cksum 0x7542 (correct), seq 777:783, ack 888, win 502, "
                     "length 6 [RST bye^J^?M-A]");
    free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hex dumps (§9)                                                      */

CK_CASE("hex", NULL, NULL);

CK_TEST(test_hex_dump_x_has_no_padding_and_odd_byte_group)
{
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x02, 0, 0, "A"});
    char *t = decode_one("-nSt -x", &f);
    ck_assert_str_eq(line_of(t, 1), "\t0x0000:  4500 0029 0000 4000 4006 22f4 0a0a 0164");
    ck_assert_str_eq(line_of(t, 3), "\t0x0020:  5002 01f6 821e 0000 41");
    free(t);
}
END_TEST

CK_TEST(test_hex_dump_X_pads_hex_to_40_and_dots_space)
{
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x02, 0, 0, "a b"});
    char *t = decode_one("-nSt -X", &f);
    ck_assert_str_eq(line_of(t, 3), "\t0x0020:  5002 01f6 fffb 0000 6120 62              P.......a.b");
    free(t);
}
END_TEST

CK_TEST(test_hex_dump_starts_at_ethernet_after_generic_truncation)
{
    /* The capture ends right after "mss 1460": the next option's kind byte
     * is missing, a generic truncation (snaplen.nStx). */
    static const uint8_t opts[8] = {2, 4, 5, 0xb4, 4, 2, 1, 1};
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x02, opts, 8, 0});
    struct decode_opts o = flags("-nSt -x");
    struct decoder *d = decoder_new(&o);
    struct capture c;
    capture_open(&c);
    decode_frame(d, c.f, f.b, 14 + 20 + 24, (uint32_t)f.len, (struct timeval){0, 0});
    decoder_free(d);
    char *t = capture_close(&c);
    ck_assert_str_eq(line_of(t, 0), C2S "Flags [S], seq 1, win 502, options [mss 1460, [|tcp]");
    ck_assert_str_eq(line_of(t, 1), "\t0x0000:  0200 0a0a 0264 0200 0a0a 0164 0800 4500");
    free(t);
}
END_TEST

/* A truncated IPv4 header is caught by the IP printer itself: the dump
 * still starts at the IP header. */
CK_TEST(test_hex_dump_starts_at_ip_after_short_ip_header)
{
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x02, 0, 0, 0});
    struct decode_opts o = flags("-nSt -x");
    struct decoder *d = decoder_new(&o);
    struct capture c;
    capture_open(&c);
    decode_frame(d, c.f, f.b, 14 + 9, (uint32_t)f.len, (struct timeval){0, 0});
    decoder_free(d);
    char *t = capture_close(&c);
    ck_assert_str_eq(t, "IP  [|ip]\n\t0x0000:  4500 0028 0000 4000 40\n");
    free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Robustness (§5.3, §8.7, §10)                                         */

/* Each prefix is copied to a buffer of exactly that size, so ASan catches
 * any read past caplen. */
static void decode_every_prefix(const struct frame *f, const char *flagwords)
{
    struct decode_opts o = flags(flagwords);
    struct decoder *d = decoder_new(&o);
    FILE *null = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(null);
    for (size_t n = 0; n <= f->len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, f->b, n);
        decode_frame(d, null, copy, (uint32_t)n, (uint32_t)f->len, (struct timeval){0, 0});
        free(copy);
    }
    fclose(null);
    decoder_free(d);
}

CK_CASE("robust", NULL, NULL);
CK_TIMEOUT(120);

CK_TEST(test_truncation_at_every_length_never_reads_past_caplen)
{
    static const uint8_t opts[20] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    struct frame fs[4];
    fs[0] = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 2, 0x1c, opts, 20, "text"});
    /* ICMP port unreachable quoting a UDP datagram */
    struct frame q;
    ipv4(&q, 17, 8 + 5, true);
    uint8_t *u = q.b + 34;
    put16(u, 50011);
    put16(u + 2, 4001);
    put16(u + 4, 13);
    memcpy(u + 8, "hello", 5);
    ipv4(&fs[1], 1, 8 + 20 + 13, false);
    uint8_t *ic = fs[1].b + 34;
    memset(ic, 0, 8);
    ic[0] = 3;
    ic[1] = 3;
    memcpy(ic + 8, q.b + 14, 33);
    put16(ic + 2, inet_sum(ic, 41, 0));
    /* ARP request */
    fs[2].len = 42;
    memcpy(fs[2].b, "\xff\xff\xff\xff\xff\xff", 6);
    memcpy(fs[2].b + 6, MAC_A, 6);
    memcpy(fs[2].b + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
    memcpy(fs[2].b + 22, MAC_A, 6);
    memcpy(fs[2].b + 28, IP_A, 4);
    memset(fs[2].b + 32, 0, 6);
    memcpy(fs[2].b + 38, IP_B, 4);
    /* UDP with IP options (RR) */
    ipv4(&fs[3], 17, 8 + 8 + 3, true);
    fs[3].b[14] = 0x47;
    memmove(fs[3].b + 42, fs[3].b + 34, 11);
    memcpy(fs[3].b + 34, "\x07\x07\x04\x0a\x0a\x01\x64\x00", 8);
    fs[3].len += 8;
    put16(fs[3].b + 16, (uint16_t)(fs[3].len - 14));
    for (size_t i = 0; i < 4; i++) {
        decode_every_prefix(&fs[i], "-nt");
        decode_every_prefix(&fs[i], "-nvvSt -e -X");
        decode_every_prefix(&fs[i], "-nvt -xx");
    }
}
END_TEST

/* Every frame of the project's vectors (IPv6 extension headers, ICMPv6,
 * MPTCP), cut at every length, under the verbose and the dump flags. */
CK_TEST(test_project_vector_frames_cut_anywhere)
{
    struct dirent **names;
    int n = scandir(PROJECT_VECTORS, &names, NULL, alphasort);
    ck_assert_msg(n > 0, "no %s", PROJECT_VECTORS);
    int frames = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        size_t l = strlen(nm);
        if (l > 5 && strcmp(nm + l - 5, ".pcap") == 0) {
            char path[600], errbuf[PCAP_ERRBUF_SIZE];
            snprintf(path, sizeof(path), "%s/%s", PROJECT_VECTORS, nm);
            pcap_t *p = pcap_open_offline(path, errbuf);
            ck_assert_msg(p != NULL, "%s: %s", path, errbuf);
            struct pcap_pkthdr *h;
            const u_char *data;
            while (pcap_next_ex(p, &h, &data) == 1 && h->caplen <= sizeof(((struct frame *)0)->b)) {
                struct frame f;
                memcpy(f.b, data, h->caplen);
                f.len = h->caplen;
                decode_every_prefix(&f, "-nvvSt -e -X");
                decode_every_prefix(&f, "-nt -xx");
                frames++;
            }
            pcap_close(p);
        }
        free(names[i]);
    }
    free(names);
    ck_assert_int_gt(frames, 0);
}
END_TEST

CK_TEST(test_random_bytes_never_crash)
{
    srand(12345);
    struct decode_opts o = flags("-nvvt -e -X");
    struct decoder *d = decoder_new(&o);
    FILE *null = fopen("/dev/null", "w");
    for (int i = 0; i < 3000; i++) {
        struct frame f = tcp_frame(&(struct seg){i & 1, CLIENT, SERVER, 1, 2, 0x10, 0, 0, "xyz"});
        uint32_t n = (uint32_t)(rand() % (int)f.len) + 1;
        for (int k = 0; k < 4; k++)
            f.b[14 + rand() % 30] = (uint8_t)rand();
        uint8_t *copy = malloc(n);
        memcpy(copy, f.b, n);
        decode_frame(d, null, copy, n, n + (uint32_t)(rand() % 3), (struct timeval){0, 0});
        free(copy);
    }
    fclose(null);
    decoder_free(d);
}
END_TEST

CK_TEST(test_ip_length_beyond_frame_reports_missing_bytes)
{
    struct frame f = tcp_frame(&(struct seg){true, 51024, SERVER, 1, 0, 0x02, 0, 0, 0});
    put16(f.b + 16, 100);
    char *t = decode_one("-nt", &f);
    ck_assert_str_eq(t, "IP truncated-ip - 60 bytes missing! 10.10.1.100.51024 > 10.10.2.100.4000: "
                     "Flags [S], seq 1:61, win 502, length 60\n");
    free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* UDP -vv checksum, timestamps, flag parsing                          */

CK_CASE("misc", NULL, NULL);

CK_TEST(test_udp_checksum_verdict_needs_vv)
{
    struct frame f;
    ipv4(&f, 17, 8 + 4, true);
    uint8_t *u = f.b + 34;
    put16(u, 50010);
    put16(u + 2, 4000);
    put16(u + 4, 12);
    put16(u + 6, 0);
    memcpy(u + 8, "ping", 4);
    char *t = decode_one("-nvvt", &f);
    ck_assert_str_eq(line_of(t, 1), "    10.10.1.100.50010 > 10.10.2.100.4000: [no cksum] UDP, length 4");
    free(t);
    put16(u + 6, 0xbeef);
    t = decode_one("-nvt", &f);
    ck_assert_str_eq(line_of(t, 1), "    10.10.1.100.50010 > 10.10.2.100.4000: UDP, length 4");
    free(t);
    t = decode_one("-nvvt", &f);
    ck_assert_ptr_nonnull(strstr(t, "[bad udp cksum 0xbeef -> 0x"));
    free(t);
}
END_TEST

CK_TEST(test_default_timestamp_is_local_time)
{
    setenv("TZ", "UTC", 1);
    tzset();
    struct frame f = tcp_frame(&(struct seg){true, CLIENT, SERVER, 1, 0, 0x02, 0, 0, 0});
    char *t = decode_one("-n", &f);
    ck_assert_msg(strncmp(t, "22:13:20.123456 IP ", 19) == 0, "got %s", t);
    free(t);
    setenv("TZ", "UTC-2", 1);
    tzset();
    t = decode_one("-n", &f);
    ck_assert_msg(strncmp(t, "00:13:20.123456 IP ", 19) == 0, "got %s", t);
    free(t);
    setenv("TZ", "UTC", 1);
    tzset();
}
END_TEST

CK_TEST(test_parse_flag_accepts_combined_forms)
{
    struct decode_opts o = flags("-SnvX");
    ck_assert(o.abs_seq);
    ck_assert_int_eq(o.verbose, 1);
    ck_assert_int_eq(o.hex, 2);
    o = flags("-nSt -e -x");
    ck_assert(o.link);
    ck_assert_int_eq(o.tstamp, 1);
    ck_assert_int_eq(o.hex, 1);
    o = flags("-x -X");
    ck_assert_int_eq(o.hex, 2);
}
END_TEST

CK_TEST(test_parse_flag_rejects_unknown_letter)
{
    struct decode_opts o = {0};
    char err[128];
    ck_assert_int_eq(decode_parse_flag("-nq", &o, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "-q"));
    ck_assert_int_eq(decode_parse_flag("n", &o, err, sizeof(err)), -1);
    ck_assert_int_eq(decode_parse_flag("-", &o, err, sizeof(err)), -1);
}
END_TEST
