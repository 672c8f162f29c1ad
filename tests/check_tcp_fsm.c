/* The state table (stack/tcp_fsm.h): every edge of RFC 9293 §3.3.2
 * Figure 5 is in it and nothing else is drawn; the edges the figure leaves
 * to its notes are there with their reference; lookups, names, the timer
 * edges the kernel-host observation uses; and the debug check in
 * tcp_set_state() stops a transition that is no edge, naming it. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckmain.h"
#include "segtest.h"
#include "stack/stack_int.h"
#include "stack/tcp.h"
#include "stack/tcp_fsm.h"

#define CB(code) TCP_CAUSE_BIT(code)

/* Figure 5 as the RFC draws it: from, to, the event on the arrow as the
 * stack names it, and the label a drawing writes. */
static const struct {
    enum tcp_state from, to;
    enum tcp_cause cause;
    const char *label;
} figure5[] = {
    {TCP_CLOSED, TCP_LISTEN, TCP_CAUSE_LISTEN, "passive OPEN / create TCB"},
    {TCP_LISTEN, TCP_CLOSED, TCP_CAUSE_CLOSE, "CLOSE / delete TCB"},
    {TCP_CLOSED, TCP_SYN_SENT, TCP_CAUSE_CONNECT, "active OPEN / create TCB, snd SYN"},
    {TCP_LISTEN, TCP_SYN_SENT, TCP_CAUSE_SEND, "SEND / snd SYN"},
    {TCP_SYN_SENT, TCP_CLOSED, TCP_CAUSE_CLOSE, "CLOSE / delete TCB"},
    {TCP_LISTEN, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN, "rcv SYN / snd SYN,ACK"},
    {TCP_SYN_RECEIVED, TCP_LISTEN, TCP_CAUSE_RCV_RST, "rcv RST (note 1)"},
    {TCP_SYN_SENT, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN, "rcv SYN / snd SYN,ACK"},
    {TCP_SYN_RECEIVED, TCP_ESTABLISHED, TCP_CAUSE_RCV_ACK_OF_SYN, "rcv ACK of SYN / x"},
    {TCP_SYN_SENT, TCP_ESTABLISHED, TCP_CAUSE_RCV_SYN_ACK, "rcv SYN,ACK / snd ACK"},
    {TCP_SYN_RECEIVED, TCP_FIN_WAIT_1, TCP_CAUSE_CLOSE, "CLOSE / snd FIN"},
    {TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_CAUSE_CLOSE, "CLOSE / snd FIN"},
    {TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCP_CAUSE_RCV_FIN, "rcv FIN / snd ACK"},
    {TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CAUSE_RCV_ACK_OF_FIN, "rcv ACK of FIN / x"},
    {TCP_FIN_WAIT_1, TCP_CLOSING, TCP_CAUSE_RCV_FIN, "rcv FIN / snd ACK"},
    {TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CAUSE_CLOSE, "CLOSE / snd FIN"},
    {TCP_FIN_WAIT_2, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN, "rcv FIN / snd ACK"},
    {TCP_CLOSING, TCP_TIME_WAIT, TCP_CAUSE_RCV_ACK_OF_FIN, "rcv ACK of FIN / x"},
    {TCP_LAST_ACK, TCP_CLOSED, TCP_CAUSE_RCV_ACK_OF_FIN, "rcv ACK of FIN / x"},
    {TCP_TIME_WAIT, TCP_CLOSED, TCP_CAUSE_TIMEOUT_2MSL, "Timeout=2MSL / delete TCB"},
};
#define NFIG (sizeof figure5 / sizeof *figure5)

CK_CASE("table", NULL, NULL);

CK_TEST(test_every_edge_of_figure_5_is_in_the_table_as_drawn)
{
    for (size_t i = 0; i < NFIG; i++) {
        for (int passive = 0; passive < 2; passive++) {
            const struct tcp_fsm_edge *e =
                tcp_fsm_find(figure5[i].from, figure5[i].to, figure5[i].cause, passive);
            ck_assert_msg(e, "%s -> %s (%s) missing", tcp_state_name(figure5[i].from),
                          tcp_state_name(figure5[i].to), tcp_cause_name(figure5[i].cause));
            ck_assert_int_eq(e->source, TCP_EDGE_FIGURE);
            ck_assert_str_eq(e->ref, "Figure 5");
            ck_assert_str_eq(e->label, figure5[i].label);
        }
    }
}
END_TEST

CK_TEST(test_the_table_draws_nothing_beyond_figure_5)
{
    size_t n, drawn = 0;
    const struct tcp_fsm_edge *t = tcp_fsm_edges(&n);
    for (size_t i = 0; i < n; i++) {
        if (t[i].source != TCP_EDGE_FIGURE)
            continue;
        /* Figure 5's edges come first, in the figure's order. */
        ck_assert_uint_eq(i, drawn);
        ck_assert_uint_lt(drawn, NFIG);
        ck_assert_int_eq(t[i].from, figure5[drawn].from);
        ck_assert_int_eq(t[i].to, figure5[drawn].to);
        drawn++;
    }
    ck_assert_uint_eq(drawn, NFIG);
    ck_assert_uint_gt(n, NFIG);
}
END_TEST

/* Each (from, to, cause, opening) on one edge at most, so a transition has
 * one edge; every edge joins two states, has causes, a reference, a label. */
CK_TEST(test_edges_are_well_formed_and_unambiguous)
{
    size_t n;
    const struct tcp_fsm_edge *t = tcp_fsm_edges(&n);
    for (size_t i = 0; i < n; i++) {
        const struct tcp_fsm_edge *e = &t[i];
        ck_assert_int_ne(e->from, e->to);
        ck_assert_uint_lt(e->from, TCP__NSTATES);
        ck_assert_uint_lt(e->to, TCP__NSTATES);
        ck_assert_msg(e->causes != 0 && e->causes >> TCP__NCAUSES == 0, "edge %zu causes", i);
        ck_assert_msg((e->causes & CB(NONE)) == 0, "edge %zu takes no cause", i);
        ck_assert_msg(e->ref && *e->ref && e->label && *e->label, "edge %zu unnamed", i);
        for (size_t j = i + 1; j < n; j++) {
            const struct tcp_fsm_edge *f = &t[j];
            bool opens_meet = e->open == TCP_OPEN_ANY || f->open == TCP_OPEN_ANY ||
                              e->open == f->open;
            ck_assert_msg(!(e->from == f->from && e->to == f->to && (e->causes & f->causes) &&
                            opens_meet),
                          "edges %zu and %zu overlap (%s -> %s)", i, j, tcp_state_name(e->from),
                          tcp_state_name(e->to));
        }
    }
}
END_TEST

/* The edges the stack takes beyond the figure, each with where it is
 * specified (the reference `diagram` prints as "not drawn: ..."). */
CK_TEST(test_undrawn_edges_name_their_reference)
{
    static const struct {
        enum tcp_state from, to;
        enum tcp_cause cause;
        bool passive;
        enum tcp_edge_source source;
        const char *ref;
    } undrawn[] = {
        {TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_RST, true, TCP_EDGE_RFC, "note 1"},
        {TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_RST, false, TCP_EDGE_RFC, "note 3"},
        {TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_SYN, true, TCP_EDGE_RFC,
         "RFC 9293 section 3.10.7.4"},
        {TCP_FIN_WAIT_1, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN, false, TCP_EDGE_RFC, "note 2"},
        {TCP_TIME_WAIT, TCP_CLOSED, TCP_CAUSE_RCV_SYN_TIME_WAIT, false, TCP_EDGE_RFC,
         "RFC 1122 section 4.2.2.13"},
        {TCP_FIN_WAIT_2, TCP_CLOSED, TCP_CAUSE_TIMEOUT_FIN_WAIT_2, false, TCP_EDGE_LINUX,
         "Linux tcp_fin_timeout"},
        {TCP_LAST_ACK, TCP_CLOSED, TCP_CAUSE_RCV_RST, false, TCP_EDGE_RFC, "note 3"},
        {TCP_ESTABLISHED, TCP_CLOSED, TCP_CAUSE_CLOSE_UNREAD, false, TCP_EDGE_RFC,
         "note 3: RST sent"},
        {TCP_TIME_WAIT, TCP_CLOSED, TCP_CAUSE_CLOSE_LINGER0, false, TCP_EDGE_RFC,
         "note 3: RST sent"},
        {TCP_CLOSE_WAIT, TCP_CLOSED, TCP_CAUSE_LISTENER_CLOSED, false, TCP_EDGE_RFC,
         "note 3: RST sent"},
        {TCP_SYN_SENT, TCP_CLOSED, TCP_CAUSE_TIMEOUT_RETRANS, false, TCP_EDGE_RFC,
         "RFC 9293 section 3.8.3"},
        {TCP_ESTABLISHED, TCP_CLOSED, TCP_CAUSE_TIMEOUT_PROBES, false, TCP_EDGE_LINUX,
         "see RFC 9293 section 3.10"},
        {TCP_SYN_SENT, TCP_CLOSED, TCP_CAUSE_NO_ARP_REPLY, false, TCP_EDGE_LINUX,
         "see RFC 9293 section 3.10"},
    };
    for (size_t i = 0; i < sizeof undrawn / sizeof *undrawn; i++) {
        const struct tcp_fsm_edge *e = tcp_fsm_find(undrawn[i].from, undrawn[i].to,
                                                    undrawn[i].cause, undrawn[i].passive);
        ck_assert_msg(e, "row %zu missing", i);
        ck_assert_int_eq(e->source, undrawn[i].source);
        ck_assert_str_eq(e->ref, undrawn[i].ref);
    }
}
END_TEST

CK_TEST(test_lookups_refuse_what_is_no_edge)
{
    /* no such edge at all */
    ck_assert_ptr_null(tcp_fsm_find(TCP_ESTABLISHED, TCP_LISTEN, TCP_CAUSE_RCV_RST, false));
    ck_assert(!tcp_fsm_has_edge(TCP_ESTABLISHED, TCP_LISTEN));
    ck_assert(!tcp_fsm_has_edge(TCP_CLOSED, TCP_ESTABLISHED));
    ck_assert(!tcp_fsm_has_edge(TCP_CLOSED, TCP_CLOSED));
    /* an edge, but not for this cause or this opening */
    ck_assert(tcp_fsm_has_edge(TCP_ESTABLISHED, TCP_CLOSE_WAIT));
    ck_assert_ptr_null(tcp_fsm_find(TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCP_CAUSE_CLOSE, false));
    ck_assert_ptr_null(tcp_fsm_find(TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_SYN, false));
    ck_assert_ptr_null(tcp_fsm_find(TCP_TIME_WAIT, TCP_CLOSED, TCP_CAUSE_TIMEOUT_RETRANS, false));
    ck_assert_ptr_null(tcp_fsm_find(TCP_LAST_ACK, TCP_CLOSED, (enum tcp_cause)TCP__NCAUSES, false));
    /* RST ends a connection from every state but CLOSED and LISTEN */
    for (int s = TCP_SYN_SENT; s < TCP__NSTATES; s++)
        ck_assert_msg(tcp_fsm_find((enum tcp_state)s, TCP_CLOSED, TCP_CAUSE_RCV_RST, false),
                      "%s: RST", tcp_state_name((enum tcp_state)s));
    ck_assert_ptr_null(tcp_fsm_find(TCP_LISTEN, TCP_CLOSED, TCP_CAUSE_RCV_RST, false));
}
END_TEST

CK_TEST(test_names_of_states_and_causes)
{
    ck_assert_str_eq(tcp_state_name(TCP_SYN_SENT), "SYN_SENT");
    ck_assert_str_eq(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
    ck_assert_str_eq(tcp_state_name(TCP__NSTATES), "?");
    ck_assert_str_eq(tcp_cause_name(TCP_CAUSE_RCV_SYN_ACK), "rcv SYN,ACK");
    ck_assert_str_eq(tcp_cause_name(TCP_CAUSE_TIMEOUT_2MSL), "2MSL timeout");
    ck_assert_str_eq(tcp_cause_name(TCP_CAUSE_CLOSE_LINGER0), "close (linger 0)");
    ck_assert_str_eq(tcp_cause_name(TCP_CAUSE_NONE), "");
    ck_assert_str_eq(tcp_cause_name(TCP__NCAUSES), "?");
    ck_assert_int_eq(tcp_cause_kind(TCP_CAUSE_CONNECT), TCP_CK_USER);
    ck_assert_int_eq(tcp_cause_kind(TCP_CAUSE_RCV_FIN), TCP_CK_RCV);
    ck_assert_int_eq(tcp_cause_kind(TCP_CAUSE_SND_RST), TCP_CK_SND);
    ck_assert_int_eq(tcp_cause_kind(TCP_CAUSE_TIMEOUT_FIN_WAIT_2), TCP_CK_TIMER);
    /* every cause has its own text, so a printed cause names one code */
    for (int i = 0; i < TCP__NCAUSES; i++)
        for (int j = i + 1; j < TCP__NCAUSES; j++)
            ck_assert_str_ne(tcp_cause_name((enum tcp_cause)i), tcp_cause_name((enum tcp_cause)j));
}
END_TEST

CK_TEST(test_timer_edges)
{
    ck_assert_int_eq(tcp_fsm_timer_cause(TCP_TIME_WAIT, TCP_CLOSED), TCP_CAUSE_TIMEOUT_2MSL);
    ck_assert_int_eq(tcp_fsm_timer_cause(TCP_FIN_WAIT_2, TCP_CLOSED), TCP_CAUSE_TIMEOUT_FIN_WAIT_2);
    ck_assert_int_eq(tcp_fsm_timer_cause(TCP_ESTABLISHED, TCP_CLOSED), TCP_CAUSE_TIMEOUT_RETRANS);
    ck_assert_int_eq(tcp_fsm_timer_cause(TCP_LISTEN, TCP_CLOSED), TCP_CAUSE_NONE);
    ck_assert_int_eq(tcp_fsm_timer_cause(TCP_ESTABLISHED, TCP_CLOSE_WAIT), TCP_CAUSE_NONE);
}
END_TEST

/* Run fn in a child with stderr into a pipe; its stderr and how it ended. */
static int in_child(void (*fn)(void), char *err, size_t cap)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(p[0], err + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = '\0';
    close(p[0]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return st;
}

static void good_transitions(void)
{
    tcp_fsm_check(TCP_CLOSED, TCP_SYN_SENT, TCP_CAUSE_CONNECT, false);
    tcp_fsm_check(TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_SYN, true);
}

static void bad_check(void)
{
    tcp_fsm_check(TCP_SYN_RECEIVED, TCP_CLOSED, TCP_CAUSE_RCV_SYN, false);
}

CK_CASE("debug check", NULL, NULL);

CK_TEST(test_check_passes_edges_and_aborts_on_others)
{
    char err[512];
    int st = in_child(good_transitions, err, sizeof err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "an edge was refused: %s", err);
    ck_assert_str_eq(err, "");
    st = in_child(bad_check, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "no abort (status %#x)", st);
    ck_assert_msg(strstr(err, "SYN_RECEIVED -> CLOSED (rcv SYN) is not an edge of the state table"),
                  "message: %s", err);
}
END_TEST

/* The stack's own way in: tcp_set_state() on a socket in CLOSED, asked to
 * go to ESTABLISHED on a FIN. */
static void bad_set_state(void)
{
    struct segtest t;
    sg_init(&t, 1);
    int fd = sock_socket(t.h, SOCKT_TCP);
    struct sock *s = sock_by_fd(t.h, fd);
    tcp_set_state(t.h, s, TCP_ESTABLISHED, TCP_CAUSE_RCV_FIN, t.now);
    sg_free(&t);
}

CK_TEST(test_set_state_aborts_on_a_transition_that_is_no_edge)
{
    char err[512];
    int st = in_child(bad_set_state, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "no abort (status %#x): %s", st,
                  err);
    ck_assert_msg(strstr(err, "CLOSED -> ESTABLISHED (rcv FIN) is not an edge"), "message: %s",
                  err);
}
END_TEST
