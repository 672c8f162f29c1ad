/* The shell's language: both spellings of every socket call parse to the
 * same words, quoting and escapes, every error path gives one line and
 * changes nothing; and the shell's behaviour on whole lines (names, pending
 * calls, Python's errors, exit status). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "link/sim.h"
#include "shell/commands.h"
#include "shelltest.h"

/* Parse and render the words as "a|b|c". */
static const char *words(const char *line)
{
    static char buf[512];
    struct sh_cmdline cl;
    char err[160];
    if (sh_parse(sht, line, &cl, err, sizeof err) < 0) {
        snprintf(buf, sizeof buf, "ERR %s", err);
        return buf;
    }
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < cl.nassign; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", cl.assign[i],
                                i + 1 < cl.nassign ? "," : "=");
    for (int i = 0; i < cl.argc; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", i ? "|" : "", cl.argv[i].s);
    if (cl.host >= 0)
        off += (size_t)snprintf(buf + off, sizeof buf - off, " @%d", cl.host);
    sh_cmdline_free(&cl);
    return buf;
}

/* Each row: a line and its words as words() renders them. */
static void expect_words(const char *const rows[][2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strcmp(words(rows[i][0]), rows[i][1]) == 0, "'%s': got '%s', want '%s'",
                      rows[i][0], words(rows[i][0]), rows[i][1]);
}

CK_CASE("parser", sht_setup, sht_teardown);

CK_TEST(test_both_spellings_parse_to_the_same_words)
{
    static const char *pairs[][2] = {
        {"sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "sock = socket tcp"},
        {"u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "u = socket udp"},
        {"sock.bind(('10.10.2.100', 4000))", "bind sock 10.10.2.100 4000"},
        {"sock.listen()", "listen sock"},
        {"sock.listen(5)", "listen sock 5"},
        {"sock.connect(('10.10.2.100', 4000))", "connect sock 10.10.2.100 4000"},
        {"conn_sock, conn_addr = sock.accept()", "conn_sock, conn_addr = accept sock"},
        {"sock.send(b\"Hello juliet\")", "send sock \"Hello juliet\""},
        {"sock.sendall(b'Hello juliet')", "send sock 'Hello juliet'"},
        {"conn_sock.recv(1024)", "recv conn_sock 1024"},
        {"sock.shutdown(socket.SHUT_RDWR)", "shutdown sock rdwr"},
        {"sock.shutdown(socket.SHUT_WR)", "shutdown sock wr"},
        {"sock.close()", "close sock"},
        {"u.sendto(b'hi', ('10.10.2.100', 4001))", "sendto u 10.10.2.100 4001 \"hi\""},
        {"sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)", "setsockopt sock reuseaddr 1"},
        {"quit()", "quit"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char a[512];
        snprintf(a, sizeof a, "%s", words(pairs[i][0]));
        ck_assert_msg(strcmp(a, words(pairs[i][1])) == 0, "%s -> %s, but %s -> %s", pairs[i][0], a,
                      pairs[i][1], words(pairs[i][1]));
    }
}
END_TEST

CK_TEST(test_escapes_and_quotes_become_bytes)
{
    struct sh_cmdline cl;
    char err[160];
    ck_assert_int_eq(sh_parse(sht, "send s \"a\\n\\x41\\t\\\\\\\"b\"", &cl, err, sizeof err), 0);
    ck_assert_int_eq(cl.argc, 3);
    ck_assert(cl.argv[2].quoted);
    ck_assert_uint_eq(cl.argv[2].len, 7);
    ck_assert_int_eq(memcmp(cl.argv[2].s, "a\nA\t\\\"b", 7), 0);
    sh_cmdline_free(&cl);
    ck_assert_int_eq(sh_parse(sht, "s.send(b'\\x00\\xff')", &cl, err, sizeof err), 0);
    ck_assert_uint_eq(cl.argv[2].len, 2);
    ck_assert_int_eq((unsigned char)cl.argv[2].s[1], 0xff);
    sh_cmdline_free(&cl);
}
END_TEST

CK_TEST(test_host_prefix_comments_and_blank_lines)
{
    static const char *const rows[][2] = {
        {"juliet: listen sock", "listen|sock @1"},
        {"romeo: sock.close()", "close|sock @0"},
        {"listen sock  # the server", "listen|sock"},
        {"send s \"# not a comment\"", "send|s|# not a comment"},
        {"   ", ""},
        {"# only a comment", ""},
        {"import socket", "import|socket"},
    };
    expect_words(rows, sizeof rows / sizeof rows[0]);
}
END_TEST

CK_TEST(test_parse_errors_are_named)
{
    static const char *const rows[][2] = {
        {"send s \"no end", "ERR unterminated string"},
        {"send s \"\\xZZ\"", "ERR bad \\x escape in string"},
        {"mars: ss", "ERR unknown host 'mars'"},
        {"juliet:", "ERR nothing to run on 'juliet'"},
        {"sock.frobnicate()", "ERR unknown socket method 'frobnicate'"},
        {"sock.bind(('a', 1)", "ERR unbalanced parentheses"},
        {"sock.close() x", "ERR unexpected text after ')'"},
        {"s.shutdown(7)", "ERR shutdown takes socket.SHUT_RD, SHUT_WR or SHUT_RDWR, not '7'"},
        {"x =", "ERR nothing after '='"},
    };
    expect_words(rows, sizeof rows / sizeof rows[0]);
}
END_TEST

CK_CASE("lines", sht_setup, sht_teardown);
CK_TIMEOUT(60);

CK_TEST(test_shell_errors_print_one_line_and_count)
{
    int rc;
    static const char *bad[] = {
        "frobnicate", "bind", "bind nosuch 10.10.2.100 1", "listen 3 x", "sleep forever",
        "use mars", "show tcb maybe", "send", "decode -q", "connect s 300.1.1.1 80",
        "help nosuchcommand", "x = listen s",
    };
    sht_run("s = socket", NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int before = sht->errors;
        const char *o = sht_run(bad[i], &rc);
        ck_assert_msg(rc == -1, "'%s' should be a shell error", bad[i]);
        ck_assert_int_eq(sht->errors, before + 1);
        ck_assert_msg(strncmp(o, "error: ", 7) == 0, "'%s' printed '%s'", bad[i], o);
        ck_assert_msg(strchr(o, '\n') == o + strlen(o) - 1, "'%s' printed more than one line: %s",
                      bad[i], o);
    }
    /* and nothing changed: s is still a fresh socket, no frames were sent */
    ck_assert_uint_eq(sht->w->frames, 0);
    ck_assert_int_eq(sht->cur, 0);
}
END_TEST

CK_TEST(test_socket_errors_are_pythons_and_not_shell_errors)
{
    int rc;
    sht_run("s = socket", NULL);
    const char *o = sht_run("connect s 10.10.2.100 4001", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "ConnectionRefusedError: [Errno 111] Connection refused\n"));
    o = sht_run("recv s", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "OSError: [Errno 107] Transport endpoint is not connected"));
    sht_run("close s", NULL);
    o = sht_run("close s", &rc);
    ck_assert_ptr_nonnull(strstr(o, "OSError: [Errno 9] Bad file descriptor"));
    ck_assert_int_eq(sht->errors, 0);
}
END_TEST

CK_TEST(test_accept_waits_and_completes_when_the_peer_connects)
{
    sht_run("use juliet", NULL);
    sht_run("sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", NULL);
    sht_run("sock.bind(('10.10.2.100', 4000))", NULL);
    sht_run("sock.listen()", NULL);
    const char *o = sht_run("conn_sock, conn_addr = sock.accept()", NULL);
    ck_assert_ptr_nonnull(strstr(o, "accept waits for a connection"));
    ck_assert_int_eq(sht->njobs, 1);
    ck_assert_int_eq(sht->jobs[0]->kind, PEND_ACCEPT);
    /* another socket call on the waiting host is refused, views are fine */
    int rc;
    o = sht_run("sock.listen()", &rc);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(strstr(o, "is still waiting in 'accept sock'"));
    sht_run("ss", &rc);
    ck_assert_int_eq(rc, 0);
    sht_run("use romeo", NULL);
    sht_run("sock = socket", NULL);
    o = sht_expect("connect sock 10.10.2.100 4000", "Flags [S.]");
    ck_assert_ptr_nonnull(strstr(o, "juliet: accept sock returned:\nconn_sock = fd 4, conn_addr = "));
    ck_assert_int_eq(sht->njobs, 0);
    /* the names exist on juliet only */
    o = sht_expect("juliet: print(conn_addr)", "('10.10.1.100', ");
    o = sht_run("print(conn_addr)", &rc);
    ck_assert_int_eq(rc, -1);
}
END_TEST

/* juliet listens on port 4000 (l); romeo's s connects to it. */
static void connect_s_to_l(void)
{
    sht_run("juliet: l = socket", NULL);
    sht_run("juliet: bind l * 4000", NULL);
    sht_run("juliet: listen l", NULL);
    sht_run("s = socket", NULL);
    sht_run("connect s 10.10.2.100 4000", NULL);
}

/* ss's options: -o adds the timers, letters group, a bad one is one
 * line of error and nothing else. */
CK_TEST(test_ss_options)
{
    int rc;
    connect_s_to_l();
    sht_run("wire hold", NULL);
    sht_run("send s \"x\"", NULL);
    const char *o = sht_run("ss -o", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "fd=3 s   timer:(on,200ms,0)\njuliet"));
    o = sht_run("ss -tano", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "timer:(on,200ms,0)"));
    o = sht_run("ss", &rc);
    ck_assert_ptr_null(strstr(o, "timer:("));
    o = sht_run("ss -oq", &rc);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(o, "error: ss: unknown option '-oq' (usage: ss [-i] [-o])\n");
    o = sht_run("ss o", &rc);
    ck_assert_int_eq(rc, -1);
}
END_TEST

/* A bulk send is summarised; show decode all prints every frame. */
CK_TEST(test_show_decode_all_prints_every_frame)
{
    int rc;
    connect_s_to_l();
    sht_run("juliet: c = accept l", NULL);
    sht_run("juliet: recv c --all", NULL);
    const char *o = sht_run("send s --bytes 64k", &rc);
    ck_assert_ptr_nonnull(strstr(o, " more frames ..."));
    o = sht_run("show decode all", &rc);
    ck_assert_int_eq(rc, 0);
    o = sht_run("show", NULL);
    ck_assert_str_eq(o, "decode all, state on, tcb on\n");
    o = sht_run("send s --bytes 64k", &rc);
    ck_assert_ptr_null(strstr(o, " more frames ..."));
    /* every data segment romeo sent is there: their lengths add up */
    unsigned long bytes = 0;
    for (const char *p = o; (p = strstr(p, " romeo > juliet ")); p++) {
        const char *nl = strchr(p, '\n'), *len = strstr(p, ", length ");
        if (len && (!nl || len < nl))
            bytes += strtoul(len + 9, NULL, 10);
    }
    ck_assert_uint_ge(bytes, 65536);
    o = sht_run("show state all", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("show decode maybe", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("show", NULL);
    ck_assert_str_eq(o, "decode all, state on, tcb on\n");
    sht_run("show decode on", NULL);
    o = sht_run("show", NULL);
    ck_assert_str_eq(o, "decode on, state on, tcb on\n");
}
END_TEST

CK_TEST(test_recv_shows_bytes_like_python_and_eof)
{
    sht_connect_c();
    sht_run("juliet: s = accept l", NULL);
    sht_run("send c \"it's \\x01\\n\"", NULL);
    const char *o = sht_run("juliet: data = s.recv(1024)", NULL);
    ck_assert_ptr_nonnull(strstr(o, "data = b\"it's \\x01\\n\"\n"));
    sht_run("close c", NULL);
    o = sht_expect("juliet: recv s", "b''\n");
}
END_TEST

CK_TEST(test_bulk_send_is_summarised_and_digests_match)
{
    sht_connect_c();
    sht_run("juliet: s = accept l", NULL);
    sht_run("juliet: recv s --all", NULL);
    const char *o = sht_run("send c --bytes 1M", NULL);
    ck_assert_ptr_nonnull(strstr(o, "more frames ..."));
    const char *sent = strstr(o, "1048576 bytes sent, sha256 ");
    ck_assert_ptr_nonnull(sent);
    char digest[65];
    memcpy(digest, sent + strlen("1048576 bytes sent, sha256 "), 64);
    digest[64] = '\0';
    /* the receiver gets the same bytes once romeo closes */
    o = sht_run("close c", NULL);
    const char *got = strstr(o, "1048576 bytes received (end of stream), sha256 ");
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(strncmp(got + strlen("1048576 bytes received (end of stream), sha256 "),
                             digest, 64), 0);
    size_t lines = 0;
    for (const char *p = o; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_lt(lines, 80);
}
END_TEST

CK_TEST(test_help_lists_every_command_of_the_table)
{
    const char *o = sht_run("help", NULL);
    size_t n;
    const struct sh_cmd *tab = sh_cmd_table(&n);
    char *copy = strdup(o);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(strstr(copy, tab[i].usage), "help lacks %s", tab[i].name);
        char line[64];
        snprintf(line, sizeof line, "help %s", tab[i].name);
        int rc;
        const char *h = sht_run(line, &rc);
        ck_assert_int_eq(rc, 0);
        ck_assert_ptr_nonnull(strstr(h, tab[i].usage));
    }
    free(copy);
}
END_TEST

CK_TEST(test_sleep_2msl_ends_time_wait)
{
    sht_connect_c();
    sht_run("juliet: s = accept l", NULL);
    sht_run("close c", NULL);
    const char *o = sht_run("juliet: close s", NULL);
    ck_assert_ptr_nonnull(strstr(o, "-> TIME_WAIT (rcv FIN)"));
    o = sht_run("sleep 59s", NULL);
    ck_assert_ptr_null(strstr(o, "CLOSED"));
    o = sht_expect("sleep 2s", "TIME_WAIT -> CLOSED (2MSL timeout)");
    o = sht_expect("time", "61.000");
    /* a shorter MSL: the next TIME-WAIT lasts 2 s */
    o = sht_expect("msl 1s", "TIME-WAIT lasts 2.000 s");
    sht_run("c = socket", NULL);
    sht_run("connect c juliet 4000", NULL);
    sht_run("juliet: s = accept l", NULL);
    sht_run("close c", NULL);
    sht_run("juliet: close s", NULL);
    o = sht_run("sleep 1900ms", NULL);
    ck_assert_ptr_null(strstr(o, "CLOSED"));
    o = sht_expect("sleep 200ms", "TIME_WAIT -> CLOSED (2MSL timeout)");
}
END_TEST

CK_TEST(test_simultaneous_open_with_the_wire_held)
{
    sht_run("ping juliet", NULL);                 /* ARP resolved before the hold */
    sht_run("a = socket", NULL);
    sht_run("bind a * 5000", NULL);
    sht_run("juliet: b = socket", NULL);
    sht_run("juliet: bind b * 6000", NULL);
    sht_run("wire hold", NULL);
    const char *o = sht_run("connect a juliet 6000", NULL);
    ck_assert_ptr_nonnull(strstr(o, "(romeo: connect waits for the handshake"));
    o = sht_expect("juliet: connect b romeo 5000", "(juliet: connect waits for the handshake");
    o = sht_expect("wire step 2", "romeo  a (fd 3): SYN_SENT -> SYN_RECEIVED (rcv SYN)");
    ck_assert_ptr_nonnull(strstr(o, "juliet b (fd 3): SYN_SENT -> SYN_RECEIVED (rcv SYN)"));
    o = sht_expect("wire release", "romeo: connect a juliet 6000 returned:\nconnected to");
    ck_assert_ptr_nonnull(strstr(o, "juliet: connect b romeo 5000 returned:\nconnected to"));
    ck_assert_ptr_nonnull(strstr(o, "SYN_RECEIVED -> ESTABLISHED"));
    ck_assert_int_eq(sht->errors, 0);
}
END_TEST
