/* The packetdrill script parser and runner (src/pdrill): what a script
 * becomes, the packet syntax both ways, the one-line "FILE:LINE: reason"
 * for each kind of malformed script, and verdicts of small scripts run
 * against the stack. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "pdrill/pd.h"
#include "wire/tcp.h"

static int parse(struct pd_script *s, const char *text, char *err)
{
    err[0] = '\0';
    return pd_parse(s, "t.pkt", text, err, PD_ERR_MAX);
}

CK_CASE("parser", NULL, NULL);

CK_TEST(test_parse_events_times_and_kinds)
{
    struct pd_script s;
    char err[PD_ERR_MAX];
    const char *text =
        "// a comment\n"
        "--tolerance_usecs=10000\n"
        "--local_ip=10.0.0.1\n"
        "0.100 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
        "/* a block\n comment */\n"
        "+.2  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
        "*    > S. 0:0(0) ack 1 <...>\n"
        "+0.1~+0.3 > . 1:1(0) ack 1\n"
        "0.5...0.7 accept(3, ..., ...) = 4\n"
        "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
        "+0 `sysctl -q net.ipv4.tcp_sack=0`\n"
        "+0 %{ assert tcpi_state == TCP_LISTEN }%\n";
    ck_assert_int_eq(parse(&s, text, err), 0);
    ck_assert_int_eq(s.tolerance, 10000);
    ck_assert_uint_eq(s.local_ip, 0x0a000001);
    ck_assert_int_eq(s.nev, 8);
    ck_assert_int_eq(s.ev[0].kind, PDE_CALL);
    ck_assert_int_eq(s.ev[0].tkind, PDT_ABS);
    ck_assert_int_eq(s.ev[0].t, 100000);
    ck_assert_int_eq(s.ev[0].line, 4);
    ck_assert_str_eq(s.ev[0].call.name, "socket");
    ck_assert_int_eq(s.ev[0].call.args[0].kind, PX_ELLIPSIS);
    ck_assert_int_eq(s.ev[0].call.args[1].i, 1);
    ck_assert_int_eq(s.ev[0].call.ret, 3);
    ck_assert_int_eq(s.ev[1].line, 7);
    ck_assert_int_eq(s.ev[1].tkind, PDT_REL);
    ck_assert_int_eq(s.ev[1].t, 200000);
    ck_assert(s.ev[1].pkt.inbound);
    ck_assert_uint_eq(s.ev[1].pkt.flags, TH_SYN);
    ck_assert_int_eq(s.ev[1].pkt.nopt, 6);
    ck_assert_int_eq(s.ev[1].pkt.opt[0].kind, PDO_MSS);
    ck_assert_uint_eq(s.ev[1].pkt.opt[0].a, 1000);
    ck_assert_int_eq(s.ev[2].tkind, PDT_ANY);
    ck_assert(s.ev[2].pkt.opts_any);
    ck_assert(s.ev[3].range);
    ck_assert_int_eq(s.ev[3].t_end, 300000);
    ck_assert(s.ev[4].blocking);
    ck_assert_int_eq(s.ev[4].t_end, 700000);
    ck_assert_int_eq(s.ev[5].call.ret, -1);
    ck_assert_str_eq(s.ev[5].call.err, "EINPROGRESS");
    ck_assert_int_eq(s.ev[6].kind, PDE_SHELL);
    ck_assert_str_eq(s.ev[6].text, "sysctl -q net.ipv4.tcp_sack=0");
    ck_assert_int_eq(s.ev[7].kind, PDE_PYTHON);
    pd_script_free(&s);
}
END_TEST

CK_TEST(test_parse_ifdef_and_multiline_call)
{
    struct pd_script s;
    char err[PD_ERR_MAX];
    const char *text = "#ifdef FreeBSD\n"
                       "0 close(9) = 0\n"
                       "#else\n"
                       "0 setsockopt(3, SOL_SOCKET, SO_LINGER,\n"
                       "             {l_onoff=1, l_linger=0}, 8) = 0\n"
                       "#endif\n"
                       "#ifndef Linux\n"
                       "0 close(8) = 0\n"
                       "#endif\n"
                       "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0\n";
    ck_assert_int_eq(parse(&s, text, err), 0);
    ck_assert_int_eq(s.nev, 2);
    ck_assert_str_eq(s.ev[0].call.name, "setsockopt");
    ck_assert_int_eq(s.ev[0].call.args[3].kind, PX_STRUCT);
    ck_assert_str_eq(s.ev[0].call.args[3].names[1], "l_linger");
    ck_assert_int_eq(s.ev[1].line, 10);
    ck_assert_int_eq(s.ev[1].call.args[3].kind, PX_LIST);
    ck_assert_int_eq(s.ev[1].call.args[3].items[0].i, 111);
    pd_script_free(&s);
}
END_TEST

CK_TEST(test_unknown_header_option_is_noted)
{
    struct pd_script s;
    char err[PD_ERR_MAX];
    ck_assert_int_eq(parse(&s, "--bogus=1\n0 close(3) = -1 EBADF\n", err), 0);
    ck_assert_int_eq(s.nnote, 1);
    ck_assert_str_eq(s.notes[0], "t.pkt:1: option --bogus not known to tcplab, skipped");
    pd_script_free(&s);
}
END_TEST

/* Each malformed script: its one-line error. */
static const struct { const char *text, *err; } bad[] = {
    {"0 < S 0:0(0) win 1000 <mss 1460,bogus 3>\n", "t.pkt:1: unknown TCP option near 'bogus 3>'"},
    {"0 < S 0:5(0)\n", "t.pkt:1: START:END(LENGTH) do not add up near '0:5(0)'"},
    {"0 close(3) = 0\nclose(3) = 0\n",
     "t.pkt:2: expected a time (0.100, +0.1 or *) at the start of the line"},
    {"0 socket(..., SOCK_STREAM\n", "t.pkt:1: expected ')' or ',' in the arguments of socket"},
    {"0 close(3) = -1\n", "t.pkt:1: a result of -1 names its errno (= -1 ECONNREFUSED)"},
    {"0 close(3) = -1 EBOGUS\n", "t.pkt:1: unknown errno name 'EBOGUS'"},
    {"#ifdef X\n0 close(3) = 0\n", "t.pkt:2: #ifdef without #endif"},
    {"#endif\n", "t.pkt:1: #endif without #ifdef"},
    {"#pragma x\n", "t.pkt:1: unknown directive #pragma"},
    {"0 close(3) = 0\n/* open\n", "t.pkt:2: unterminated /* comment"},
    {"0 `sysctl\n", "t.pkt:1: unterminated `shell line`"},
    {"0 %{ x\n", "t.pkt:1: unterminated %{ python block }%"},
    {"0 < Z 0:0(0)\n", "t.pkt:1: unknown TCP flag near 'Z 0:0(0)'"},
    {"0 < S 0:0(0) win 70000\n", "t.pkt:1: win takes a number up to 65535 near '70000'"},
    {"--ip_version=ipv6\n", "t.pkt:1: tcplab runs --ip_version=ipv4 only, not 'ipv6'"},
    {"0~0.1 close(3) = 0\n", "t.pkt:1: a system call takes '...' (0...0.2), not a range"},
    {"0...0.1 < S 0:0(0)\n", "t.pkt:1: '...' is for system calls; a packet takes a range 0.1~0.2"},
    {"0~0.1 < S 0:0(0)\n", "t.pkt:1: a packet the script sends ('<') has one time, not a range"},
    {"0 < . 0:0(0) ack\n", "t.pkt:1: ack takes a number at the end of the line"},
    {"0 < S 0:0(0) ack 5\n", "t.pkt:1: 'ack N' needs the '.' flag near '5'"},
    {"0 close(3) = 0 x\n", "t.pkt:1: unexpected text after the result: 'x'"},
    {"0 close(3)\n", "t.pkt:1: expected '= RESULT' after close(...)"},
    {"0 close(\"3) = 0\n", "t.pkt:1: unterminated string"},
    {"0 close(3) = \"x\"\n", "t.pkt:1: the result of close must be a number"},
    {"// nothing\n", "t.pkt:1: the script has no events: nothing to check"},
    {"0 < S 0:0(0) <sack 1>\n", "t.pkt:1: a SACK block is LEFT:RIGHT near '1>'"},
    {"0 < S 0:0(0) <mss 1460,mss 1460,mss 1460,mss 1460,mss 1460,mss 1460,mss 1460,"
     "mss 1460,mss 1460,mss 1460,mss 1460>\n",
     "t.pkt:1: the options take more than 40 bytes at the end of the line"},
    {"0 f(1, 2, 3, 4, 5, 6, 7, 8, 9) = 0\n", "t.pkt:1: too many arguments to f"},
    {"0 f([[[[[[[[[[1]]]]]]]]]]) = 0\n", "t.pkt:1: arguments nested too deeply"},
    {"0 f(A|\"x\") = 0\n", "t.pkt:1: '|' joins known constants only"},
};

CK_LOOP_TEST(test_malformed_one_line_error, 0, (int)(sizeof bad / sizeof bad[0]))
{
    struct pd_script s;
    char err[PD_ERR_MAX];
    ck_assert_int_eq(parse(&s, bad[_i].text, err), -1);
    ck_assert_msg(strcmp(err, bad[_i].err) == 0, "row %d: got '%s'", _i, err);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_ptr_null(s.ev);
}
END_TEST

CK_TEST(test_packet_print_round_trip)
{
    static const char *const specs[] = {
        "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 100 ecr 700,nop,wscale 7>",
        "P. 1:1001(1000) ack 1 win 257",
        "R 5:5(0) win 0",
        ". 1:1(0) ack 1 <nop,nop,sack 101:201 301:401>",
        "FP.UEW 1:2(1) ack 3 urg 1 <md5,FO 0102,eol>",
        "- 0:0(0) <...>",
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char in[256], err[PD_ERR_MAX], *out = NULL;
        size_t n = 0;
        snprintf(in, sizeof in, "> %s", specs[i]);
        struct pd_pkt p;
        ck_assert_msg(pd_parse_packet(in, NULL, &p, err, sizeof err) == 0, "%s: %s", in, err);
        FILE *m = open_memstream(&out, &n);
        pd_print_packet(m, &p);
        fclose(m);
        ck_assert_str_eq(out, specs[i]);
        free(out);
    }
}
END_TEST

CK_TEST(test_options_encode_decode)
{
    struct pd_pkt p;
    char err[PD_ERR_MAX];
    ck_assert_int_eq(pd_parse_packet("< S 0:0(0) <mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7>",
                                     NULL, &p, err, sizeof err), 0);
    uint8_t b[64];
    int n = pd_opts_encode(p.opt, p.nopt, b);
    ck_assert_int_eq(n, 20);
    static const uint8_t want[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
                                     0, 0, 0, 2, 1, 3, 3, 7};
    ck_assert_mem_eq(b, want, 20);
    struct pd_opt back[PD_MAX_OPTS];
    ck_assert_int_eq(pd_opts_decode(b, (size_t)n, back, PD_MAX_OPTS), 5);
    ck_assert_int_eq(back[2].kind, PDO_TS);
    ck_assert_uint_eq(back[2].b, 2);
    ck_assert_uint_eq(back[4].a, 7);
    static const uint8_t broken[] = {2, 9, 0, 0};
    ck_assert_int_eq(pd_opts_decode(broken, sizeof broken, back, PD_MAX_OPTS), -1);
}
END_TEST

/* Run a script text; the verdict, and what was printed in *out. */
static enum pd_verdict run(const char *text, char **out)
{
    struct pd_script s;
    char err[PD_ERR_MAX];
    ck_assert_msg(parse(&s, text, err) == 0, "%s", err);
    size_t n = 0;
    FILE *m = open_memstream(out, &n);
    struct pd_opts o = {.out = m};
    enum pd_verdict v = pd_run(&s, &o);
    fclose(m);
    pd_script_free(&s);
    return v;
}

#define HANDSHAKE                                                              \
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"                              \
    "+0 bind(3, ..., ...) = 0\n"                                                 \
    "+0 listen(3, 1) = 0\n"                                                      \
    "+0 < S 0:0(0) win 65535 <mss 1460>\n"                                       \
    "+0 > S. 0:0(0) ack 1 win 64240 <mss 1460>\n"                                \
    "+.1 < . 1:1(0) ack 1 win 65535\n"                                           \
    "+0 accept(3, ..., ...) = 4\n"

CK_CASE("runner", NULL, NULL);

CK_TEST(test_run_verdicts)
{
    char *out = NULL;
    ck_assert_int_eq(run(HANDSHAKE "+0 write(4, ..., 5) = 5\n+0 > P. 1:6(5) ack 1\n", &out),
                     PD_PASS);
    ck_assert_str_eq(out, "PASS t.pkt\n");
    free(out);
    ck_assert_int_eq(run(HANDSHAKE "+0 write(4, ..., 5) = 5\n+0 > P. 1:7(6) ack 1\n", &out),
                     PD_FAIL);
    ck_assert_str_eq(out, "FAIL t.pkt:9: error handling packet: live packet field "
                          "tcp_data_len: expected: 6 (0x6) vs actual: 5 (0x5)\n"
                          "script packet:  0.100000 P. 1:7(6) ack 1\n"
                          "actual packet:  0.100000 P. 1:6(5) ack 1 win 64240\n");
    free(out);
    ck_assert_int_eq(run(HANDSHAKE "+0 `ip link`\n", &out), PD_SKIP);
    ck_assert_str_eq(out, "SKIP t.pkt:8: shell command not supported by tcplab: `ip link`\n");
    free(out);
}
END_TEST
