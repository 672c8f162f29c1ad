/* The read-only views (src/views): scenarios on the simulated wire reach the
 * states a student looks at (LISTEN with a queued connection, ESTABLISHED
 * with unread data, CLOSE-WAIT, a TIME-WAIT orphan), each view renders into
 * a memory stream, and the tests read the text as a student would. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "ckmain.h"
#include "simtest.h"
#include "views/view_util.h"
#include "views/views.h"

static struct simtest T;

static void setup(void) { st_init(&T, 1); }
static void teardown(void) { st_free(&T); }

/* The shell's names: on each host fd 3 is "sock" and fd 4 "conn". */
static const char *shell_name(void *ctx, const struct host *h, int fd)
{
    (void)ctx;
    (void)h;
    return fd == 3 ? "sock" : fd == 4 ? "conn" : NULL;
}

static const struct view_style PLAIN = {.color = false, .name_of = shell_name};
static const struct view_style COLOR = {.color = true, .name_of = shell_name};

static char *render_ss(void)
{
    struct capture c;
    view_ss(capture_open(&c), &PLAIN, T.net->hosts, SIM_HOSTS);
    return capture_close(&c);
}

static char *render_lsof(void)
{
    struct capture c;
    view_lsof(capture_open(&c), &PLAIN, T.net->hosts, SIM_HOSTS);
    return capture_close(&c);
}

static char *render_tcb(const struct view_style *st, struct host *h, int fd,
                        const struct tcb *prev)
{
    struct capture c;
    view_tcb(capture_open(&c), st, h, sock_by_fd(h, fd), prev, T.net->now);
    return capture_close(&c);
}

static char *render_diagram(const struct view_style *st, struct host *h, const struct sock *s)
{
    struct capture c;
    view_diagram(capture_open(&c), st, h, s);
    return capture_close(&c);
}

/* The line of `text` holding `needle` (copied into a static buffer), or
 * NULL. */
static const char *line_with(const char *text, const char *needle)
{
    static char line[512];
    const char *p = strstr(text, needle);
    if (!p)
        return NULL;
    const char *b = p, *e = p;
    while (b > text && b[-1] != '\n')
        b--;
    while (*e && *e != '\n')
        e++;
    snprintf(line, sizeof line, "%.*s", (int)(e - b), b);
    return line;
}

/* The line split on blanks: tokens into tok[], count returned. */
static int tokens(const char *line, char tok[][64], int max)
{
    int n = 0;
    const char *p = line;
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        snprintf(tok[n++], 64, "%.*s", (int)len, p);
        p += len;
    }
    return n;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    static char buf[4][256];
    static int i;
    char *b = buf[i++ % 4];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof buf[0], f, ap);
    va_end(ap);
    return b;
}

/* romeo closes first and juliet answers: romeo's socket lives on as a
 * TIME-WAIT orphan. */
static void close_to_time_wait(int cfd, int sfd)
{
    st_close(&T, T.romeo, cfd);
    st_close(&T, T.juliet, sfd);
}

static const struct sock *time_wait_orphan(void)
{
    for (const struct sock *s = T.romeo->socks; s; s = s->next)
        if (s->tcb.state == TCP_TIME_WAIT)
            return s;
    return NULL;
}


/* ---- ss ---------------------------------------------------------------- */

CK_CASE("ss and lsof", setup, teardown);

CK_TEST(test_ss_header_has_ss_columns_plus_host_and_process)
{
    char *out = render_ss();
    const char *head = strtok(out, "\n");
    ck_assert_ptr_nonnull(head);
    ck_assert_ptr_nonnull(strstr(head, "Host"));
    ck_assert_ptr_nonnull(strstr(head, "Netid"));
    ck_assert_ptr_nonnull(strstr(head, "State"));
    ck_assert_ptr_nonnull(strstr(head, "Recv-Q"));
    ck_assert_ptr_nonnull(strstr(head, "Send-Q"));
    ck_assert_ptr_nonnull(strstr(head, "Local Address:Port"));
    ck_assert_ptr_nonnull(strstr(head, "Peer Address:Port"));
    ck_assert_ptr_nonnull(strstr(head, "Process"));
    ck_assert_ptr_null(strtok(NULL, "\n"));        /* no sockets, no rows */
    free(out);
}
END_TEST

CK_TEST(test_ss_listen_shows_accept_queue_and_backlog)
{
    int lfd = st_listener(&T, T.juliet, 4000, 5);
    int cfd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, cfd, JULIET_IP, 4000), 0);
    char *out = render_ss();
    char tok[12][64];
    int n = tokens(line_with(out, "LISTEN"), tok, 12);
    ck_assert_int_eq(n, 9);
    ck_assert_str_eq(tok[0], "juliet");
    ck_assert_str_eq(tok[1], "tcp");
    ck_assert_str_eq(tok[3], "1");                 /* Recv-Q: one connection to accept */
    ck_assert_str_eq(tok[4], "5");                 /* Send-Q: the backlog */
    ck_assert_str_eq(tok[5], "0.0.0.0:4000");
    ck_assert_str_eq(tok[6], "0.0.0.0:*");
    ck_assert_str_eq(tok[7], fmt("fd=%d", lfd));
    ck_assert_str_eq(tok[8], "sock");
    /* The connection waiting in the accept queue has no descriptor yet. */
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    const char *child = line_with(out, fmt("10.10.1.100:%u\n", c->lport));
    n = tokens(child, tok, 12);
    ck_assert_int_eq(n, 7);
    ck_assert_str_eq(tok[0], "juliet");
    ck_assert_str_eq(tok[2], "ESTAB");
    ck_assert_str_eq(tok[5], "10.10.2.100:4000");
    free(out);
}
END_TEST

CK_TEST(test_ss_established_shows_unread_bytes_in_recv_q)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello juliet\n", 13, T.net->now), 13);
    st_settle(&T);
    char *out = render_ss();
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    char tok[12][64];
    /* juliet's conn: the 13 bytes are acknowledged but not read. */
    int n = tokens(line_with(out, "fd=4 conn"), tok, 12);
    ck_assert_int_eq(n, 9);
    ck_assert_str_eq(tok[0], "juliet");
    ck_assert_str_eq(tok[2], "ESTAB");
    ck_assert_str_eq(tok[3], "13");
    ck_assert_str_eq(tok[4], "0");
    ck_assert_str_eq(tok[5], "10.10.2.100:4000");
    ck_assert_str_eq(tok[6], fmt("10.10.1.100:%u", c->lport));
    /* romeo's side: nothing unacknowledged. */
    n = tokens(line_with(out, "romeo"), tok, 12);
    ck_assert_str_eq(tok[2], "ESTAB");
    ck_assert_str_eq(tok[3], "0");
    ck_assert_str_eq(tok[4], "0");
    ck_assert_str_eq(tok[5], fmt("10.10.1.100:%u", c->lport));
    ck_assert_str_eq(tok[6], "10.10.2.100:4000");
    ck_assert_str_eq(tok[7], "fd=3");
    free(out);
}
END_TEST

CK_TEST(test_ss_send_q_counts_unacknowledged_bytes)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello juliet\n", 13, T.net->now), 13);
    char *out = render_ss();                        /* before the ACK comes back */
    char tok[12][64];
    tokens(line_with(out, "romeo"), tok, 12);
    ck_assert_str_eq(tok[3], "0");
    ck_assert_str_eq(tok[4], "13");
    free(out);
}
END_TEST

CK_TEST(test_ss_time_wait_row_has_no_fd)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    close_to_time_wait(cfd, sfd);
    ck_assert_ptr_nonnull(time_wait_orphan());
    char *out = render_ss();
    const char *tw = line_with(out, "TIME-WAIT");
    ck_assert_ptr_nonnull(tw);
    char tok[12][64];
    ck_assert_int_eq(tokens(tw, tok, 12), 7);       /* no Process column */
    ck_assert_str_eq(tok[0], "romeo");
    ck_assert_ptr_null(strstr(tw, "fd="));
    /* juliet's side is gone (CLOSED, no descriptor): not listed. */
    ck_assert_ptr_null(line_with(out, "LAST-ACK"));
    ck_assert_ptr_null(line_with(out, "fd=4"));
    free(out);
}
END_TEST

CK_TEST(test_ss_close_wait_after_peer_closes)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    st_close(&T, T.romeo, cfd);
    char *out = render_ss();
    char tok[12][64];
    tokens(line_with(out, "fd=4 conn"), tok, 12);
    ck_assert_str_eq(tok[2], "CLOSE-WAIT");
    const char *fw2 = line_with(out, "FIN-WAIT-2");
    ck_assert_ptr_nonnull(fw2);
    ck_assert_ptr_null(strstr(fw2, "fd="));        /* closed: an orphan now */
    free(out);
}
END_TEST

CK_TEST(test_ss_fresh_socket_is_unconn_with_fd)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    char *out = render_ss();
    char tok[12][64];
    ck_assert_int_eq(tokens(line_with(out, "romeo"), tok, 12), 9);
    ck_assert_str_eq(tok[2], "UNCONN");
    ck_assert_str_eq(tok[5], "0.0.0.0:*");
    ck_assert_str_eq(tok[6], "0.0.0.0:*");
    ck_assert_str_eq(tok[7], fmt("fd=%d", fd));
    free(out);
}
END_TEST

CK_TEST(test_ss_orders_by_host_then_socket)
{
    int a = sock_socket(T.romeo, SOCKT_TCP);
    int b = sock_socket(T.romeo, SOCKT_TCP);
    st_listener(&T, T.juliet, 4000, 128);
    ck_assert_int_eq(st_connect(&T, T.romeo, b, JULIET_IP, 4000), 0);
    char *out = render_ss();
    const char *ra = strstr(out, fmt("fd=%d", a)), *rb = strstr(out, fmt("fd=%d", b));
    const char *jl = strstr(out, "LISTEN");
    ck_assert_ptr_nonnull(ra);
    ck_assert_ptr_nonnull(rb);
    ck_assert_ptr_nonnull(jl);
    ck_assert(ra < rb && rb < jl);                  /* romeo's first, oldest first */
    free(out);
}
END_TEST

CK_TEST(test_ss_udp_unconn_and_estab)
{
    int u = sock_socket(T.romeo, SOCKT_UDP);
    ck_assert_int_eq(sock_bind(T.romeo, u, 0, 5000), 0);
    int v = sock_socket(T.juliet, SOCKT_UDP);
    ck_assert_int_eq(sock_bind(T.juliet, v, 0, 6000), 0);
    ck_assert_int_eq(sock_connect(T.juliet, v, ROMEO_IP, 5000, T.net->now), 0);
    ck_assert_int_eq(sock_send(T.juliet, v, "ping", 4, T.net->now), 4);
    st_settle(&T);
    char *out = render_ss();
    char tok[12][64];
    ck_assert_int_eq(tokens(line_with(out, "romeo"), tok, 12), 9);
    ck_assert_str_eq(tok[1], "udp");
    ck_assert_str_eq(tok[2], "UNCONN");
    ck_assert_str_eq(tok[3], "4");                  /* the datagram waits */
    ck_assert_str_eq(tok[5], "0.0.0.0:5000");
    ck_assert_str_eq(tok[6], "0.0.0.0:*");
    tokens(line_with(out, "juliet"), tok, 12);
    ck_assert_str_eq(tok[2], "ESTAB");
    ck_assert_str_eq(tok[6], "10.10.1.100:5000");
    free(out);
}
END_TEST

CK_TEST(test_ss_columns_align_and_lines_end_without_blanks)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_ss();
    /* The ':' of every address lines up under the header's. */
    const char *lines[8];
    int n = 0;
    for (char *l = strtok(out, "\n"); l && n < 8; l = strtok(NULL, "\n"))
        lines[n++] = l;
    ck_assert_int_eq(n, 4);                         /* header, romeo, juliet listener and conn */
    size_t colon = (size_t)(strchr(strstr(lines[0], "Address:Port"), ':') - lines[0]);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(lines[i][colon], ':');
        size_t len = strlen(lines[i]);
        ck_assert_int_ne(lines[i][len - 1], ' ');
    }
    free(out);
}
END_TEST

/* ---- lsof -------------------------------------------------------------- */

CK_TEST(test_lsof_lists_descriptors_with_lsof_names)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    char *out = render_lsof();
    const char *head = line_with(out, "COMMAND");
    ck_assert_ptr_nonnull(head);
    char tok[12][64];
    ck_assert_int_eq(tokens(head, tok, 12), 8);
    ck_assert_str_eq(tok[3], "TYPE");
    ck_assert_str_eq(tok[5], "SIZE/OFF");
    ck_assert_str_eq(tok[7], "NAME");
    ck_assert_int_eq(tokens(line_with(out, "(LISTEN)"), tok, 12), 9);
    ck_assert_str_eq(tok[0], "tcplab");
    ck_assert_str_eq(tok[1], "juliet");
    ck_assert_str_eq(tok[2], "3u");
    ck_assert_str_eq(tok[3], "IPv4");
    ck_assert_str_eq(tok[6], "TCP");
    ck_assert_str_eq(tok[7], "*:4000");
    const char *est = line_with(out, fmt("10.10.1.100:%u->10.10.2.100:4000 (ESTABLISHED)",
                                         c->lport));
    ck_assert_ptr_nonnull(est);
    ck_assert_ptr_nonnull(strstr(est, "romeo"));
    ck_assert_ptr_nonnull(line_with(out, fmt("10.10.2.100:4000->10.10.1.100:%u (ESTABLISHED)",
                                             c->lport)));
    free(out);
}
END_TEST

CK_TEST(test_lsof_leaves_out_orphans_and_unaccepted)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    close_to_time_wait(cfd, sfd);
    int c2 = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, c2, JULIET_IP, 4000), 0);   /* not accepted */
    char *out = render_lsof();
    ck_assert_ptr_null(strstr(out, "TIME_WAIT"));
    int rows = 0;
    for (const char *p = strchr(out, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        rows++;
    ck_assert_int_eq(rows, 2);                      /* juliet's listener, romeo's c2 */
    free(out);
}
END_TEST

/* ---- tcb --------------------------------------------------------------- */

/* The token after `name` in the view ("SND.UNA 123*" -> "123*"). */
static const char *value_of(const char *text, const char *name)
{
    static char val[64];
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        bool starts = p == text || p[-1] == ' ' || p[-1] == '\n';
        if (!starts || p[n] != ' ')
            continue;
        p += n;
        while (*p == ' ')
            p++;
        snprintf(val, sizeof val, "%.*s", (int)strcspn(p, " \n"), p);
        return val;
    }
    return NULL;
}

static int count_char(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

CK_CASE("tcb", setup, teardown);

CK_TEST(test_tcb_header_names_host_fd_endpoints_and_state)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    char *out = render_tcb(&PLAIN, T.romeo, cfd, NULL);
    ck_assert_str_eq(line_with(out, "romeo"),
                     fmt("romeo sock (fd 3)  10.10.1.100:%u -> 10.10.2.100:4000  ESTABLISHED",
                         c->lport));
    free(out);
}
END_TEST

CK_TEST(test_tcb_prints_every_rfc_variable_absolute)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello juliet\n", 13, T.net->now), 13);
    st_settle(&T);
    const struct tcb *t = &sock_by_fd(T.juliet, sfd)->tcb;
    char *out = render_tcb(&PLAIN, T.juliet, sfd, NULL);
    const struct {
        const char *name;
        uint32_t v;
    } vars[] = {
        {"SND.UNA", t->snd_una}, {"SND.NXT", t->snd_nxt}, {"SND.WND", t->snd_wnd},
        {"SND.UP", t->snd_up},   {"SND.WL1", t->snd_wl1}, {"SND.WL2", t->snd_wl2},
        {"ISS", t->iss},         {"RCV.NXT", t->rcv_nxt}, {"RCV.WND", t->rcv_wnd},
        {"RCV.UP", t->rcv_up},   {"IRS", t->irs},
    };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = value_of(out, vars[i].name);
        ck_assert_msg(v != NULL, "%s missing", vars[i].name);
        ck_assert_str_eq(v, fmt("%u", vars[i].v));
    }
    /* Relative to IRS the 13 bytes are there: RCV.NXT = IRS + 1 + 13. */
    ck_assert_uint_eq(t->rcv_nxt, t->irs + 14);
    ck_assert_str_eq(value_of(out, "Recv-Q"), "13");
    ck_assert_str_eq(value_of(out, "Send-Q"), "0");
    ck_assert_str_eq(value_of(out, "MSS"), "1460");
    ck_assert_ptr_null(strchr(out, '*'));           /* no prev: nothing marked */
    free(out);
}
END_TEST

CK_TEST(test_tcb_marks_changed_values_and_only_those)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct sock *c = sock_by_fd(T.romeo, cfd);
    struct tcb prev = c->tcb;
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello juliet\n", 13, T.net->now), 13);
    char *out = render_tcb(&PLAIN, T.romeo, cfd, &prev);
    ck_assert_str_eq(value_of(out, "SND.NXT"), fmt("%u*", prev.snd_nxt + 13));
    ck_assert_str_eq(value_of(out, "SND.UNA"), fmt("%u", prev.snd_una));
    ck_assert_str_eq(value_of(out, "ISS"), fmt("%u", prev.iss));
    ck_assert_int_eq(count_char(out, '*'), 1);
    ck_assert_str_eq(value_of(out, "in flight"), "13");
    ck_assert_str_eq(value_of(out, "Send-Q"), "13");
    free(out);
    /* The ACK arrives: SND.UNA catches up with SND.NXT. */
    prev = c->tcb;
    st_settle(&T);
    out = render_tcb(&PLAIN, T.romeo, cfd, &prev);
    ck_assert_str_eq(value_of(out, "SND.UNA"), fmt("%u*", prev.snd_nxt));
    ck_assert_str_eq(value_of(out, "SND.NXT"), fmt("%u", prev.snd_nxt));
    ck_assert_str_eq(value_of(out, "in flight"), "0");
    free(out);
}
END_TEST

CK_TEST(test_tcb_state_change_is_marked)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct tcb prev = sock_by_fd(T.juliet, sfd)->tcb;
    st_close(&T, T.romeo, cfd);
    char *out = render_tcb(&PLAIN, T.juliet, sfd, &prev);
    ck_assert_ptr_nonnull(strstr(line_with(out, "juliet"), "  CLOSE_WAIT*"));
    ck_assert_str_eq(value_of(out, "RCV.NXT"), fmt("%u*", prev.rcv_nxt + 1));  /* the FIN */
    free(out);
}
END_TEST

CK_TEST(test_tcb_colour_only_when_asked)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct sock *c = sock_by_fd(T.romeo, cfd);
    struct tcb prev = c->tcb;
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello", 5, T.net->now), 5);
    char *plain = render_tcb(&PLAIN, T.romeo, cfd, &prev);
    char *color = render_tcb(&COLOR, T.romeo, cfd, &prev);
    ck_assert_ptr_null(strchr(plain, '\033'));
    const char *nxt = strstr(color, "\033[1;33mSND.NXT ");
    ck_assert_ptr_nonnull(nxt);
    nxt += strlen("\033[1;33mSND.NXT ");
    nxt += strspn(nxt, " ");                        /* right-aligned value */
    ck_assert_ptr_eq(strstr(nxt, fmt("%u\033[0m*", c->tcb.snd_nxt)), nxt);
    free(plain);
    free(color);
}
END_TEST

CK_TEST(test_tcb_shows_only_running_timers)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_tcb(&PLAIN, T.romeo, cfd, NULL);
    ck_assert_ptr_null(strstr(out, "timers:"));     /* idle: nothing runs */
    free(out);
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello", 5, T.net->now), 5);
    out = render_tcb(&PLAIN, T.romeo, cfd, NULL);
    /* RFC 6298 (2.2)-(2.4): the RTO the handshake measured, 200 ms at least;
     * RFC 8985 §7.2: the loss probe, 2 SRTT + 200 ms for one segment, but
     * never after the RTO. */
    ck_assert_str_eq(line_with(out, "timers:"),
                     "  timers: retransmit in 0.2s (RTO 0.2s)  loss probe in 0.2s (probe 1)");
    free(out);
    st_settle(&T);
    char buf[8];                        /* read it, or juliet's close would be an abort */
    ck_assert_int_eq(sock_recv(T.juliet, sfd, buf, sizeof buf, T.net->now), 5);
    close_to_time_wait(cfd, sfd);
    const struct sock *tw = time_wait_orphan();
    ck_assert_ptr_nonnull(tw);
    simnet_sleep(T.net, 10 * TL_SEC);
    struct capture cp;
    view_tcb(capture_open(&cp), &PLAIN, T.romeo, tw, NULL, T.net->now);
    out = capture_close(&cp);
    ck_assert_ptr_nonnull(strstr(line_with(out, "romeo"), "(orphan: no fd)"));
    ck_assert_ptr_nonnull(strstr(line_with(out, "romeo"), "TIME_WAIT"));
    const char *tl = line_with(out, "timers:");
    ck_assert_ptr_nonnull(tl);
    const char *left = strstr(tl, "2MSL ends in ");
    ck_assert_ptr_nonnull(left);
    double secs;
    ck_assert_int_eq(sscanf(left, "2MSL ends in %lfs", &secs), 1);
    ck_assert_int_eq((tl_time)(secs * TL_SEC + 0.5), tw->tcb.tw_at - T.net->now);
    ck_assert(secs < 50.0 && secs > 49.0);          /* 60 s minus the 10 s slept */   /* 60 s minus the 10 s slept */
    ck_assert_ptr_null(strstr(tl, "retransmit"));
    free(out);
}
END_TEST

CK_CASE("ss and lsof", setup, teardown);

/* ss -o's spelling, iproute2 misc/ss.c print_ms_timer: milliseconds
 * alone below a second, seconds with milliseconds below ten, whole
 * seconds below a minute, minutes with seconds below ten minutes. */
CK_TEST(test_ss_timer_spelling_is_iproute2s)
{
    static const struct { enum vu_timer k; long long ms; unsigned n; const char *want; } c[] = {
        {VU_TIMER_ON, 200, 0, "timer:(on,200ms,0)"},
        {VU_TIMER_ON, 1500, 3, "timer:(on,1.500sec,3)"},
        {VU_TIMER_ON, 9001, 1, "timer:(on,9.001sec,1)"},
        {VU_TIMER_ON, 12345, 6, "timer:(on,12sec,6)"},
        {VU_TIMER_TIMEWAIT, 59999, 0, "timer:(timewait,59sec,0)"},
        {VU_TIMER_TIMEWAIT, 60000, 0, "timer:(timewait,1min,0)"},
        {VU_TIMER_ON, 119999, 15, "timer:(on,1min59sec,15)"},
        {VU_TIMER_PERSIST, 660500, 2, "timer:(persist,11min,2)"},
        {VU_TIMER_KEEPALIVE, 7200000, 0, "timer:(keepalive,120min,0)"},
        {VU_TIMER_ON, 0, 4, "timer:(on,,4)"},
        {VU_TIMER_OFF, 200, 0, ""},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char b[48];
        ck_assert_str_eq(vu_ss_timer(b, sizeof b, c[i].k, c[i].ms * TL_MS, c[i].n), c[i].want);
    }
}
END_TEST

static char *render_ss_timers(void)
{
    struct capture c;
    view_ss_timers(capture_open(&c), &PLAIN, T.net->hosts, SIM_HOSTS, T.net->now);
    return capture_close(&c);
}

/* A segment that goes unanswered: the retransmission timer with its
 * backoff and count; a TIME-WAIT orphan: its time left; an idle
 * connection and a listener: no timer. */
CK_TEST(test_ss_o_shows_retransmission_and_timewait_timers)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_ss_timers();
    ck_assert_ptr_null(strstr(out, "timer:("));
    free(out);
    faults_hold(T.net->wire, true, T.net->now);    /* nothing gets through */
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello", 5, T.net->now), 5);
    out = render_ss_timers();
    ck_assert_ptr_nonnull(strstr(line_with(out, "romeo"), "fd=3 sock  timer:(on,200ms,0)"));
    free(out);
    simnet_sleep(T.net, 700 * TL_MS);   /* fired, backed off, still running */
    out = render_ss_timers();
    tl_time left;
    unsigned n;
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    ck_assert_int_eq(vu_tcb_timer(&c->tcb, T.net->now, &left, &n), VU_TIMER_ON);
    ck_assert_uint_ge(n, 1);            /* timeouts so far */
    ck_assert_int_gt(left, 0);
    char want[48];
    vu_ss_timer(want, sizeof want, VU_TIMER_ON, left, n);
    ck_assert_ptr_nonnull(strstr(line_with(out, "romeo"), want));
    free(out);
}
END_TEST

CK_TEST(test_ss_o_time_wait_orphan_shows_time_left)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    close_to_time_wait(cfd, sfd);
    const struct sock *tw = time_wait_orphan();
    ck_assert_ptr_nonnull(tw);
    simnet_sleep(T.net, 10 * TL_SEC);
    char *out = render_ss_timers();
    const char *row = strstr(out, "TIME-WAIT");
    ck_assert_ptr_nonnull(row);
    char want[48];
    vu_ss_timer(want, sizeof want, VU_TIMER_TIMEWAIT, tw->tcb.tw_at - T.net->now, 0);
    ck_assert_ptr_nonnull(strstr(row, want));
    ck_assert_ptr_nonnull(strstr(want, "sec,0)"));
    ck_assert_ptr_null(strstr(strstr(out, "LISTEN") ? strstr(out, "LISTEN") : "", "timer:"));
    free(out);
}
END_TEST

CK_CASE("tcb", setup, teardown);

CK_TEST(test_tcb_listen_shows_accept_and_syn_queues)
{
    int lfd = st_listener(&T, T.juliet, 4000, 5);
    int cfd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, cfd, JULIET_IP, 4000), 0);
    char *out = render_tcb(&PLAIN, T.juliet, lfd, NULL);
    ck_assert_str_eq(line_with(out, "juliet"), "juliet sock (fd 3)  0.0.0.0:4000  LISTEN");
    ck_assert_ptr_nonnull(strstr(out, "accept queue 1 of backlog 5"));
    ck_assert_ptr_nonnull(strstr(out, "SYN queue 0"));
    ck_assert_ptr_null(strstr(out, "SND.UNA"));     /* a listener has no sequence variables */
    free(out);
}
END_TEST

CK_TEST(test_tcb_closed_socket_has_no_tcb)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    char *out = render_tcb(&PLAIN, T.romeo, fd, NULL);
    ck_assert_str_eq(line_with(out, "romeo"), "romeo sock (fd 3)  0.0.0.0:*  CLOSED");
    ck_assert_ptr_nonnull(strstr(out, "no TCB"));
    ck_assert_ptr_null(strstr(out, "SND.UNA"));
    free(out);
}
END_TEST

CK_TEST(test_tcb_udp_shows_addresses_and_queued_bytes)
{
    int u = sock_socket(T.romeo, SOCKT_UDP);
    ck_assert_int_eq(sock_bind(T.romeo, u, 0, 5000), 0);
    int v = sock_socket(T.juliet, SOCKT_UDP);
    ck_assert_int_eq(sock_connect(T.juliet, v, ROMEO_IP, 5000, T.net->now), 0);
    ck_assert_int_eq(sock_send(T.juliet, v, "one", 3, T.net->now), 3);
    ck_assert_int_eq(sock_send(T.juliet, v, "three", 5, T.net->now), 5);
    st_settle(&T);
    char *out = render_tcb(&PLAIN, T.romeo, u, NULL);
    ck_assert_str_eq(line_with(out, "romeo"), "romeo sock (fd 3)  UDP 0.0.0.0:5000");
    ck_assert_ptr_nonnull(strstr(out, "Recv-Q 8 bytes in 2 datagrams"));
    free(out);
    const struct sock *s = sock_by_fd(T.juliet, v);
    out = render_tcb(&PLAIN, T.juliet, v, NULL);
    ck_assert_str_eq(line_with(out, "juliet"),
                     fmt("juliet sock (fd 3)  UDP 10.10.2.100:%u -> 10.10.1.100:5000", s->lport));
    free(out);
}
END_TEST

CK_TEST(test_tcb_lines_fit_80_columns)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct tcb prev;
    memset(&prev, 0, sizeof prev);                  /* everything marked: the widest case */
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello", 5, T.net->now), 5);
    char *out = render_tcb(&PLAIN, T.romeo, cfd, &prev);
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        ck_assert_msg(strlen(l) <= 80, "too wide: %s", l);
        ck_assert_int_ne(l[strlen(l) - 1], ' ');
    }
    free(out);
}
END_TEST

/* ---- diagram ----------------------------------------------------------- */

/* The lines of the transition list (those with "->"), in order. */
static int transition_lines(char *text, char lines[][128], int max)
{
    int n = 0;
    for (char *l = strtok(text, "\n"); l && n < max; l = strtok(NULL, "\n"))
        if (strstr(l, " -> ") && l[strspn(l, " ")] >= '0' && l[strspn(l, " ")] <= '9')
            snprintf(lines[n++], 128, "%s", l);
    return n;
}

CK_CASE("diagram", setup, teardown);

CK_TEST(test_diagram_without_socket_draws_figure_unmarked)
{
    char *out = render_diagram(&PLAIN, T.romeo, NULL);
    static const char *const parts[] = {
        "RFC 9293", "|  CLOSED |", "|  LISTEN |", "|  SYN   |", "|  RCVD  |", "|  SENT  |",
        "|  ESTAB  |", "|  FIN    |", "| WAIT-1  |", "|  CLOSE  |", "|   WAIT  |",
        "|FINWAIT-2|", "| CLOSING |", "| LAST-ACK|", "|TIME-WAIT|", "| CLOSED  |",
        "passive OPEN", "active OPEN", "rcv SYN,ACK", "snd SYN,ACK", "rcv ACK of SYN",
        "rcv ACK of FIN", "Timeout=2MSL", "rcv RST (note 1)", "note 2", "note 3",
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        ck_assert_msg(strstr(out, parts[i]) != NULL, "missing %s", parts[i]);
    ck_assert_ptr_null(strchr(out, '#'));
    ck_assert_ptr_null(strstr(out, "+=="));
    ck_assert_ptr_null(strstr(out, "Transitions"));
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"))
        ck_assert_msg(strlen(l) <= 80, "too wide: %s", l);
    free(out);
}
END_TEST

CK_TEST(test_diagram_marks_current_and_visited_states)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_diagram(&PLAIN, T.romeo, sock_by_fd(T.romeo, cfd));
    ck_assert_ptr_nonnull(strstr(out, "###########\n"));
    ck_assert_ptr_nonnull(strstr(out, "#  ESTAB  #"));
    ck_assert_ptr_nonnull(strstr(out, "+=========+ ---------\\")); /* CLOSED, visited */
    ck_assert_ptr_nonnull(strstr(out, "+========+\n"));        /* SYN-SENT, visited */
    ck_assert_ptr_nonnull(strstr(out, "|  SENT  |"));
    ck_assert_ptr_nonnull(strstr(out, "|  LISTEN |"));         /* not visited: plain */
    ck_assert_ptr_nonnull(strstr(out, "romeo sock (fd 3): ESTABLISHED (box of #)"));
    free(out);
}
END_TEST

CK_TEST(test_diagram_lists_transitions_in_order_with_time_and_cause)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    close_to_time_wait(cfd, sfd);
    const struct sock *tw = time_wait_orphan();
    char *out = render_diagram(&PLAIN, T.romeo, tw);
    ck_assert_ptr_nonnull(strstr(out, "#TIME-WAIT#"));
    ck_assert_ptr_nonnull(strstr(out, "|FINWAIT-2|"));
    char l[8][128], tok[8][64];
    ck_assert_int_eq(transition_lines(out, l, 8), 5);
    static const char *const want[5][3] = {
        {"CLOSED", "SYN_SENT", "connect"},     {"SYN_SENT", "ESTABLISHED", "rcv"},
        {"ESTABLISHED", "FIN_WAIT_1", "close"}, {"FIN_WAIT_1", "FIN_WAIT_2", "rcv"},
        {"FIN_WAIT_2", "TIME_WAIT", "rcv"},
    };
    tl_time last = -1;
    for (int i = 0; i < 5; i++) {
        ck_assert_int_ge(tokens(l[i], tok, 8), 5);
        ck_assert_str_eq(tok[1], want[i][0]);
        ck_assert_str_eq(tok[2], "->");
        ck_assert_str_eq(tok[3], want[i][1]);
        ck_assert_str_eq(tok[4], want[i][2]);
        ck_assert_ptr_null(strstr(l[i], "not drawn"));
        long long sec, usec;
        ck_assert_int_eq(sscanf(tok[0], "%lld.%6lld", &sec, &usec), 2);
        ck_assert_int_eq((int)strlen(strchr(tok[0], '.') + 1), 6);
        ck_assert_int_ge(sec * TL_SEC + usec, last);
        last = sec * TL_SEC + usec;
    }
    ck_assert_ptr_nonnull(strstr(l[1], "rcv SYN,ACK"));
    ck_assert_ptr_nonnull(strstr(l[3], "rcv ACK of FIN"));
    free(out);
}
END_TEST

CK_TEST(test_diagram_child_starts_with_listen_to_syn_received)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_diagram(&PLAIN, T.juliet, sock_by_fd(T.juliet, sfd));
    ck_assert_ptr_null(strstr(out, "trace ring"));
    ck_assert_ptr_nonnull(strstr(out, "\n  +========+      snd SYN,ACK"));  /* SYN-RCVD visited */
    char l[8][128], tok[8][64];
    ck_assert_int_eq(transition_lines(out, l, 8), 2);
    tokens(l[0], tok, 8);
    ck_assert_str_eq(tok[1], "LISTEN");
    ck_assert_str_eq(tok[3], "SYN_RECEIVED");
    ck_assert_ptr_nonnull(strstr(l[0], "rcv SYN"));
    tokens(l[1], tok, 8);
    ck_assert_str_eq(tok[1], "SYN_RECEIVED");
    ck_assert_str_eq(tok[3], "ESTABLISHED");
    ck_assert_ptr_nonnull(strstr(l[1], "rcv ACK of SYN"));
    free(out);
}
END_TEST

CK_TEST(test_diagram_undrawn_transition_names_its_note)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4001), ECONNREFUSED);
    char *out = render_diagram(&PLAIN, T.romeo, sock_by_fd(T.romeo, fd));
    ck_assert_ptr_nonnull(strstr(out, "#  CLOSED #"));          /* both CLOSED boxes */
    ck_assert_ptr_nonnull(strstr(out, "# CLOSED  #"));
    char l[8][128];
    ck_assert_int_eq(transition_lines(out, l, 8), 2);
    ck_assert_ptr_nonnull(strstr(l[1], "rcv RST"));
    ck_assert_ptr_nonnull(strstr(l[1], "(not drawn: note 3)"));
    free(out);
}
END_TEST

/* The trace ring holds frames too: after enough traffic the handshake's
 * transitions are gone, and the view says so rather than "none yet". */
CK_TEST(test_diagram_says_when_transitions_left_the_trace_ring)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    char *out = render_diagram(&PLAIN, T.romeo, c);
    ck_assert_ptr_null(strstr(out, "trace ring"));
    free(out);
    /* Push out the first transition (CLOSED -> SYN_SENT) only. */
    uint64_t first = 0;
    for (uint64_t id = 1; id <= trace_last_id(&T.romeo->trace) && !first; id++) {
        const struct trace_ev *e = trace_get(&T.romeo->trace, id);
        if (e && e->kind == TRACE_STATE && e->sock_id == c->id)
            first = id;
    }
    ck_assert_uint_gt(first, 0);
    while (trace_first_id(&T.romeo->trace) <= first)
        trace_add(&T.romeo->trace, TRACE_TX, T.net->now);
    out = render_diagram(&PLAIN, T.romeo, c);
    char l[8][128];
    ck_assert_ptr_nonnull(strstr(out, "(earlier ones have left the trace ring"));
    ck_assert_int_eq(transition_lines(out, l, 8), 1);
    ck_assert_ptr_nonnull(strstr(l[0], "SYN_SENT -> ESTABLISHED"));
    free(out);
    for (size_t i = 0; i < T.romeo->trace.cap; i++)
        trace_add(&T.romeo->trace, TRACE_TX, T.net->now);   /* as a long transfer would */
    out = render_diagram(&PLAIN, T.romeo, c);
    ck_assert_ptr_nonnull(strstr(out, "#  ESTAB  #"));
    ck_assert_ptr_nonnull(strstr(out, "(all of them have left the trace ring"));
    ck_assert_ptr_null(strstr(out, "none yet"));
    free(out);
    /* A fresh socket has no transitions for a better reason. */
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    out = render_diagram(&PLAIN, T.romeo, sock_by_fd(T.romeo, fd));
    ck_assert_ptr_nonnull(strstr(out, "none yet: every socket starts in CLOSED"));
    free(out);
}
END_TEST

/* Every box of the figure, as the current state: the '#' frame must sit
 * exactly on the RFC's box (the table of boxes matches the drawing). */
CK_TEST(test_diagram_boxes_every_state_in_place)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    struct sock *c = sock_by_fd(T.romeo, cfd), *s = sock_by_fd(T.juliet, sfd);
    static const struct {
        enum tcp_state st;
        const char *a, *b;
    } boxes[] = {
        {TCP_CLOSED, "#  CLOSED #", "# CLOSED  #"}, {TCP_LISTEN, "#  LISTEN #", NULL},
        {TCP_SYN_SENT, "#  SYN   #", "#  SENT  #"}, {TCP_SYN_RECEIVED, "#  SYN   #", "#  RCVD  #"},
        {TCP_ESTABLISHED, "#  ESTAB  #", NULL},      {TCP_FIN_WAIT_1, "#  FIN    #", "# WAIT-1  #"},
        {TCP_FIN_WAIT_2, "#FINWAIT-2#", NULL},       {TCP_CLOSE_WAIT, "#  CLOSE  #", "#   WAIT  #"},
        {TCP_CLOSING, "# CLOSING #", NULL},          {TCP_LAST_ACK, "# LAST-ACK#", NULL},
        {TCP_TIME_WAIT, "#TIME-WAIT#", NULL},
    };
    enum tcp_state saved = c->tcb.state;
    for (size_t i = 0; i < sizeof boxes / sizeof *boxes; i++) {
        c->tcb.state = boxes[i].st;         /* the view only reads it */
        char *out = render_diagram(&PLAIN, T.romeo, c);
        ck_assert_msg(strstr(out, boxes[i].a) != NULL, "%s: no %s", tcp_state_name(boxes[i].st),
                      boxes[i].a);
        if (boxes[i].b)
            ck_assert_msg(strstr(out, boxes[i].b) != NULL, "%s: no %s",
                          tcp_state_name(boxes[i].st), boxes[i].b);
        /* 4 corners per box; CLOSED has two boxes. */
        int corners = 0;
        for (const char *p = strstr(out, "#"); p; p = strstr(p + 1, "#"))
            corners++;
        ck_assert_int_gt(corners, 8);
        free(out);
    }
    c->tcb.state = saved;
    (void)s;
}
END_TEST

/* With colour the edges taken light up: their labels, exactly. */
CK_TEST(test_diagram_colour_lights_the_edges_taken)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    close_to_time_wait(cfd, sfd);
    char *out = render_diagram(&COLOR, T.romeo, time_wait_orphan());
    static const char *const lit[] = {
        "active OPEN", "create TCB", "snd SYN", "rcv SYN,ACK", "snd ACK", "CLOSE", "snd FIN",
        "rcv ACK of FIN", "x", "rcv FIN",
    };
    for (size_t i = 0; i < sizeof lit / sizeof *lit; i++)
        ck_assert_msg(strstr(out, fmt("\033[1;33m%s\033[0m", lit[i])) != NULL, "%s not lit",
                      lit[i]);
    ck_assert_ptr_null(strstr(out, "\033[1;33mpassive OPEN"));
    ck_assert_ptr_null(strstr(out, "\033[1;33mTimeout=2MSL"));
    ck_assert_ptr_nonnull(strstr(out, "\033[1;7m###########"));
    char *plain = render_diagram(&PLAIN, T.romeo, time_wait_orphan());
    ck_assert_ptr_null(strchr(plain, '\033'));
    free(plain);
    free(out);
}
END_TEST

/* ---- arp, ifconfig, route, drops --------------------------------------- */

static char *render_net(void (*view)(FILE *, const struct view_style *, const struct host *),
                        const struct host *h)
{
    struct capture c;
    view(capture_open(&c), &PLAIN, h);
    return capture_close(&c);
}

static char *render_arp(const struct host *h)
{
    struct capture c;
    view_arp(capture_open(&c), &PLAIN, h, T.net->now);
    return capture_close(&c);
}

CK_CASE("arp ifconfig route drops", setup, teardown);

CK_TEST(test_arp_reachable_entry_shows_mac_and_expiry)
{
    char *out = render_arp(T.romeo);
    ck_assert_str_eq(out, "(ARP cache empty)\n");
    free(out);
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    st_listener(&T, T.juliet, 4000, 128);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4000), 0);
    out = render_arp(T.romeo);
    const char *l = line_with(out, "10.10.2.100");
    ck_assert_ptr_nonnull(l);
    ck_assert_ptr_nonnull(strstr(l, "10.10.2.100 dev eth0 lladdr 02:00:0a:0a:02:64 REACHABLE "
                                    "(expires in 59."));
    free(out);
    out = render_arp(T.juliet);                      /* learnt from romeo's request */
    ck_assert_ptr_nonnull(strstr(out, "10.10.1.100 dev eth0 lladdr 02:00:0a:0a:01:64 REACHABLE"));
    free(out);
}
END_TEST

CK_TEST(test_arp_incomplete_entry_shows_queued_frames)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(sock_connect(T.romeo, fd, 0x0a0a0303u, 4000, T.net->now), -EINPROGRESS);
    char *out = render_arp(T.romeo);
    ck_assert_str_eq(out, "10.10.3.3 dev eth0  INCOMPLETE (1 frame queued, request 1 sent, "
                          "next in 1s)\n");
    free(out);
}
END_TEST

CK_TEST(test_ifconfig_shows_address_mac_and_counters)
{
    int cfd, sfd;
    st_establish(&T, &cfd, &sfd);
    char *out = render_net(view_ifconfig, T.romeo);
    ck_assert_ptr_nonnull(strstr(out, "eth0: flags="));
    ck_assert_ptr_nonnull(strstr(out, "mtu 1500"));
    ck_assert_ptr_nonnull(
        strstr(out, "inet 10.10.1.100  netmask 255.255.0.0  broadcast 10.10.255.255"));
    ck_assert_ptr_nonnull(strstr(out, "ether 02:00:0a:0a:01:64"));
    ck_assert_str_eq(value_of(out, "RX packets"), fmt("%llu", (unsigned long long)T.romeo->rx_frames));
    ck_assert_str_eq(value_of(out, "TX packets"), fmt("%llu", (unsigned long long)T.romeo->tx_frames));
    ck_assert_uint_gt(T.romeo->tx_frames, 0);
    free(out);
}
END_TEST

CK_TEST(test_ifconfig_counts_drops)
{
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4001), ECONNREFUSED);
    uint64_t total = 0;
    for (int r = 0; r < DROP__COUNT; r++)
        total += T.juliet->drops[r];
    ck_assert_uint_gt(total, 0);
    char *out = render_net(view_ifconfig, T.juliet);
    ck_assert_ptr_nonnull(strstr(out, fmt("RX errors 0  dropped %llu", (unsigned long long)total)));
    free(out);
}
END_TEST

CK_TEST(test_route_shows_the_connected_network)
{
    char *out = render_net(view_route, T.juliet);
    ck_assert_str_eq(out,
        "Kernel IP routing table\n"
        "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"
        "10.10.0.0       0.0.0.0         255.255.0.0     U     0      0        0 eth0\n");
    free(out);
}
END_TEST

CK_TEST(test_drops_lists_only_nonzero_counters)
{
    char *out = render_net(view_drops, T.juliet);
    ck_assert_str_eq(out, "juliet: no frames dropped\n");
    free(out);
    int fd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, fd, JULIET_IP, 4001), ECONNREFUSED);
    out = render_net(view_drops, T.juliet);
    const char *l = line_with(out, "TCP_NO_SOCKET");
    ck_assert_ptr_nonnull(l);
    char tok[8][64];
    tokens(l, tok, 8);
    ck_assert_str_eq(tok[0], fmt("%llu", (unsigned long long)T.juliet->drops[DROP_TCP_NO_SOCKET]));
    ck_assert_ptr_nonnull(strstr(l, "TCP port closed"));
    ck_assert_ptr_null(strstr(out, "IP_BAD_CSUM"));
    free(out);
}
END_TEST
