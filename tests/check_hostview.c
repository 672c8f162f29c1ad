/* The host view (views/hostview.h) over tcplab's hosts: what the views
 * and the report read through it (sockets in each listing's order,
 * transitions with causes, TCB snapshots, neighbours, the interface) must
 * say what struct host says.  The renderers over a host that is not
 * tcplab's stack (the kernel's: no timers, byte counters, a TAP's name)
 * are checked against a fake host view. */
#include <check.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "ckmain.h"
#include "simtest.h"
#include "link/faults.h"
#include "views/hostview.h"

static struct simtest T;
static struct hostview R, J;   /* romeo's and juliet's */

static void setup(void)
{
    st_init(&T, 7);
    hostview_stack(&R, T.romeo, 0, "juliet");
    hostview_stack(&J, T.juliet, 1, "romeo");
}

static void teardown(void) { st_free(&T); }

/* Names by host index, as the shell gives them: "srv" is juliet's fd 3. */
static const char *name_at(void *ctx, int host, int fd)
{
    return host == 1 && fd == 3 ? "srv" : host == 0 && fd == 3 ? "cli" : NULL;
}

static const struct view_style NAMED = {.name_at = name_at};

/* Every socket of one listing, in order. */
struct list {
    struct hv_sock s[16];
    int n;
};

static void collect(void *ctx, const struct hv_sock *s)
{
    struct list *l = ctx;
    if (l->n < 16)
        l->s[l->n++] = *s;
}

static struct list listing(const struct hostview *v, enum hv_list which)
{
    struct list l = {.n = 0};
    v->ops->each_sock(v, which, collect, &l);
    return l;
}

/* juliet listens on 4000 (fd 3); romeo's fd 3 connects; not accepted. */
static int connect_unaccepted(void)
{
    st_listener(&T, T.juliet, 4000, 8);
    int cfd = sock_socket(T.romeo, SOCKT_TCP);
    ck_assert_int_eq(st_connect(&T, T.romeo, cfd, JULIET_IP, 4000), 0);
    return cfd;
}

static char *render(void (*fn)(FILE *, const struct hostview *), const struct hostview *v)
{
    struct capture c;
    fn(capture_open(&c), v);
    return capture_close(&c);
}

/* ---- sockets ------------------------------------------------------------ */

CK_CASE("stack", setup, teardown);

CK_TEST(test_hostview_socks_say_what_the_sockets_say)
{
    int cfd = connect_unaccepted();
    const struct sock *c = sock_by_fd(T.romeo, cfd);
    struct hv_sock x;
    ck_assert(R.ops->sock_by_fd(&R, cfd, &x));
    ck_assert_int_eq(x.id, c->id);
    ck_assert_int_eq(x.fd, cfd);
    ck_assert_int_eq(x.state, TCP_ESTABLISHED);
    ck_assert(!x.udp && x.ours && !x.passive);
    ck_assert_uint_eq(x.laddr, ROMEO_IP);
    ck_assert_uint_eq(x.raddr, JULIET_IP);
    ck_assert_uint_eq(x.lport, c->lport);
    ck_assert_uint_eq(x.rport, 4000);
    ck_assert_int_eq(x.parent_fd, -1);
    ck_assert(!R.ops->sock_by_fd(&R, 9, &x));
    ck_assert(R.ops->sock_by_id(&R, c->id, &x) && x.fd == cfd);
}
END_TEST

CK_TEST(test_hostview_unaccepted_connection_names_its_listener)
{
    connect_unaccepted();
    struct list l = listing(&J, HV_SS);
    ck_assert_int_eq(l.n, 2);                      /* the listener, then the child */
    ck_assert_int_eq(l.s[0].state, TCP_LISTEN);
    ck_assert_int_eq(l.s[0].fd, 3);
    ck_assert_int_eq(l.s[1].fd, -1);
    ck_assert_int_eq(l.s[1].parent_fd, 3);
    ck_assert(l.s[1].passive);
    ck_assert_int_lt(l.s[0].id, l.s[1].id);        /* oldest first */
    l = listing(&J, HV_FDS);                       /* lsof: descriptors only */
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.s[0].fd, 3);
}
END_TEST

CK_TEST(test_hostview_lists_filter_as_the_views_need)
{
    int u = sock_socket(T.romeo, SOCKT_UDP);
    int t = sock_socket(T.romeo, SOCKT_TCP);       /* CLOSED, with a descriptor */
    ck_assert_int_eq(listing(&R, HV_ALL).n, 2);
    ck_assert_int_eq(listing(&R, HV_TCB).n, 2);    /* tcb shows both */
    ck_assert_int_eq(listing(&R, HV_REPORT).n, 0); /* no TCB a report would show */
    ck_assert_int_eq(listing(&R, HV_SS).n, 2);
    struct list l = listing(&R, HV_FDS);
    ck_assert_int_eq(l.s[0].fd, u);
    ck_assert(l.s[0].udp);
    ck_assert_int_eq(l.s[0].state, TCP_CLOSED);    /* UDP, not connected */
    ck_assert_int_eq(l.s[1].fd, t);
    ck_assert_int_eq(sock_close(T.romeo, t, T.net->now), 0);
    ck_assert_int_eq(listing(&R, HV_TCB).n, 1);
}
END_TEST

/* ss -o: each TCP row carries the timer the TCB gives at the view's time. */
CK_TEST(test_hostview_socks_carry_their_timers_at_the_views_time)
{
    int cfd = connect_unaccepted();
    faults_hold(T.net->wire, true, T.net->now);    /* nothing gets through */
    ck_assert_int_eq(sock_send(T.romeo, cfd, "Hello", 5, T.net->now), 5);
    simnet_sleep(T.net, 100 * TL_MS);
    hv_refresh(&R, T.net->now);
    struct hv_sock x;
    ck_assert(R.ops->sock_by_fd(&R, cfd, &x));
    tl_time left;
    unsigned n;
    enum vu_timer k = vu_tcb_timer(&sock_by_fd(T.romeo, cfd)->tcb, T.net->now, &left, &n);
    ck_assert_int_eq(k, VU_TIMER_ON);
    ck_assert_int_eq(x.timer, k);
    ck_assert_int_eq(x.timer_left, left);
    ck_assert_uint_eq(x.timer_count, n);
    hv_refresh(&R, T.net->now + 50 * TL_MS);       /* read later: less time left */
    ck_assert(R.ops->sock_by_fd(&R, cfd, &x));
    ck_assert_int_eq(x.timer_left, left - 50 * TL_MS);
    struct list l = listing(&J, HV_SS);
    ck_assert_int_eq(l.s[0].state, TCP_LISTEN);
    ck_assert_int_eq(l.s[0].timer, VU_TIMER_OFF);
}
END_TEST

/* ---- transitions -------------------------------------------------------- */

CK_TEST(test_hostview_transitions_are_the_trace_with_causes)
{
    int cfd = connect_unaccepted();
    int id = sock_by_fd(T.romeo, cfd)->id;
    uint64_t first = R.ops->trans_first(&R), last = R.ops->trans_last(&R);
    ck_assert_uint_eq(last, trace_last_id(&T.romeo->trace));
    ck_assert_uint_eq(R.ops->trans_cap(&R), T.romeo->trace.cap);
    const char *want[][3] = {{"CLOSED", "SYN_SENT", "connect"},
                             {"SYN_SENT", "ESTABLISHED", "rcv SYN,ACK"}};
    int n = 0;
    struct hv_trans e;
    for (uint64_t i = first; i <= last; i++) {
        if (!R.ops->trans_get(&R, i, &e) || e.sock_id != id)
            continue;
        ck_assert_int_lt(n, 2);
        ck_assert_str_eq(tcp_state_name(e.old_state), want[n][0]);
        ck_assert_str_eq(tcp_state_name(e.new_state), want[n][1]);
        ck_assert_str_eq(tcp_cause_name(e.cause), want[n][2]);
        ck_assert(!e.has_ends);                    /* the stack's trace keeps no endpoints */
        n++;
    }
    ck_assert_int_eq(n, 2);
    ck_assert(!R.ops->trans_get(&R, last + 1, &e));
}
END_TEST

/* ---- the TCB ------------------------------------------------------------ */

CK_TEST(test_hostview_tcb_snapshot_differs_after_a_send)
{
    int cfd = connect_unaccepted();
    int id = sock_by_fd(T.romeo, cfd)->id;
    struct hv_tcbsnap a, b;
    ck_assert(R.ops->tcb_snap(&R, id, &a));
    ck_assert(R.ops->tcb_snap(&R, id, &b));
    ck_assert(!R.ops->tcb_differs(&a, &b));
    ck_assert_int_eq(sock_send(T.romeo, cfd, "hello", 5, T.net->now), 5);
    ck_assert(R.ops->tcb_snap(&R, id, &b));
    ck_assert(R.ops->tcb_differs(&a, &b));
    ck_assert_uint_eq(b.tcb.snd_nxt, a.tcb.snd_nxt + 5);
    ck_assert_uint_eq(b.sndq, 5);
    ck_assert(!R.ops->tcb_snap(&R, 12345, &b));
    /* The view marks what changed since the snapshot. */
    struct capture c;
    R.ops->tcb(&R, capture_open(&c), &NAMED, id, NULL, &a, T.net->now);
    char *buf = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(buf, "SND.NXT"));
    ck_assert_ptr_nonnull(strstr(buf, "*"));
    free(buf);
}
END_TEST

/* ---- neighbours and the interface --------------------------------------- */

CK_TEST(test_hostview_neighbours_are_the_arp_cache)
{
    connect_unaccepted();
    struct hv_neigh e[4];
    ck_assert_int_eq(R.ops->neigh(&R, e, 4, T.net->now), 1);
    ck_assert_uint_eq(e[0].ip, JULIET_IP);
    ck_assert(e[0].has_mac && e[0].has_timer);
    ck_assert_mem_eq(e[0].mac, T.juliet->cfg.mac, 6);
    ck_assert_str_eq(hv_nud_name(e[0].state), "REACHABLE");
    ck_assert_int_gt(e[0].left, 0);
    ck_assert_int_eq(host_ping(T.romeo, 0x0a0a0909, 1, 1, 56, T.net->now), 0);
    st_settle(&T);
    ck_assert_int_eq(R.ops->neigh(&R, e, 4, T.net->now), 2);
    int i = e[0].ip == 0x0a0a0909 ? 0 : 1;
    ck_assert_str_eq(hv_nud_name(e[i].state), "INCOMPLETE");
    ck_assert(!e[i].has_mac);
    ck_assert_int_eq(e[i].queued, 1);
    ck_assert_int_eq(R.ops->neigh(&R, e, 1, T.net->now), 1);   /* at most max */
}
END_TEST

CK_TEST(test_hostview_interface_counts_the_hosts_frames)
{
    connect_unaccepted();
    struct hv_iface f;
    ck_assert_int_eq(J.ops->iface(&J, &f), 0);
    ck_assert_str_eq(f.name, "eth0");
    ck_assert_uint_eq(f.flags, IFF_UP | IFF_BROADCAST | IFF_RUNNING);
    ck_assert_uint_eq(f.mtu, 1500);
    ck_assert_uint_eq(f.addr, JULIET_IP);
    ck_assert_uint_eq(f.mask, 0xffff0000u);
    ck_assert_uint_eq(f.bcast, 0x0a0affffu);
    ck_assert(!f.has_bytes);                       /* the stack counts frames */
    ck_assert_uint_eq(f.rx_packets, T.juliet->rx_frames);
    ck_assert_uint_eq(f.tx_packets, T.juliet->tx_frames);
    ck_assert_uint_gt(f.rx_packets, 0);
}
END_TEST

/* ---- views over a host view ------------------------------------------- */

static void diagram_of_listener(FILE *f, const struct hostview *v)
{
    struct hv_sock s;
    ck_assert(v->ops->sock_by_fd(v, 3, &s));
    view_hv_diagram(f, &NAMED, v, &s);
}

CK_TEST(test_view_hv_diagram_names_the_socket_by_host_index)
{
    connect_unaccepted();
    char *out = render(diagram_of_listener, &J);
    ck_assert_ptr_nonnull(strstr(out, "juliet srv (fd 3): LISTEN (box of #)"));
    ck_assert_ptr_nonnull(strstr(out, "CLOSED -> LISTEN  listen\n"));
    free(out);
}
END_TEST

/* A host that is not tcplab's stack, as the kernel's view gives it: a
 * TAP's name, byte counters, no timers on the neighbours, no broadcast. */
static int fake_neigh(const struct hostview *v, struct hv_neigh *out, size_t max, tl_time now)
{
    out[0] = (struct hv_neigh){.ip = ROMEO_IP, .has_mac = true, .state = HV_NUD_STALE,
                               .mac = {2, 0, 10, 10, 1, 100}};
    out[1] = (struct hv_neigh){.ip = 0x0a0a0303, .state = HV_NUD_FAILED};
    return 2;
}

static int fake_iface(const struct hostview *v, struct hv_iface *f)
{
    *f = (struct hv_iface){.name = "tcplab0", .mtu = 1500, .has_addr = true, .addr = JULIET_IP,
                           .mask = 0xffff0000u, .has_bytes = true, .rx_packets = 5,
                           .rx_bytes = 300, .tx_packets = 7, .tx_bytes = 700, .rx_dropped = 1,
                           .flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST,
                           .mac = {2, 0, 10, 10, 2, 100}};
    return 0;
}

static int failing_iface(const struct hostview *v, struct hv_iface *f)
{
    return -19;                                    /* ENODEV: the TAP is gone */
}

static const struct hostview_ops fake_ops = {.neigh = fake_neigh, .iface = fake_iface};
static const struct hostview_ops failing_ops = {.neigh = fake_neigh, .iface = failing_iface};

static void arp_of(FILE *f, const struct hostview *v)
{
    ck_assert_int_eq(view_hv_arp(f, NULL, v, 0), 0);
}

static void ifconfig_of(FILE *f, const struct hostview *v)
{
    ck_assert_int_eq(view_hv_ifconfig(f, NULL, v), 0);
}

CK_CASE("other hosts", NULL, NULL);

CK_TEST(test_view_hv_arp_prints_ip_neigh_lines_without_timers)
{
    struct hostview v = {.ops = &fake_ops, .index = 1, .name = "juliet", .ifname = "tcplab0"};
    char *out = render(arp_of, &v);
    ck_assert_str_eq(out, "10.10.1.100 dev tcplab0 lladdr 02:00:0a:0a:01:64 STALE\n"
                          "10.10.3.3 dev tcplab0 FAILED\n");
    free(out);
}
END_TEST

CK_TEST(test_view_hv_ifconfig_prints_bytes_and_flags_of_the_kernel)
{
    struct hostview v = {.ops = &fake_ops, .index = 1, .name = "juliet", .ifname = "tcplab0"};
    char *out = render(ifconfig_of, &v);
    ck_assert_str_eq(out, "tcplab0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n"
                          "        inet 10.10.2.100  netmask 255.255.0.0\n"
                          "        ether 02:00:0a:0a:02:64  (Ethernet)\n"
                          "        RX packets 5  bytes 300\n"
                          "        RX errors 0  dropped 1\n"
                          "        TX packets 7  bytes 700\n"
                          "        TX errors 0  dropped 0\n");
    free(out);
    v.ops = &failing_ops;
    FILE *f = fopen("/dev/null", "w");
    ck_assert_int_eq(view_hv_ifconfig(f, NULL, &v), -19);
    fclose(f);
}
END_TEST

/* A host whose rows come with their timers, as the kernel's inet_diag
 * gives them: ss -o prints them, plain ss does not. */
static void fake_socks(const struct hostview *v, enum hv_list which, hv_sock_fn fn, void *ctx)
{
    (void)v;
    (void)which;
    struct hv_sock tw = {.id = -1, .fd = -1, .parent_fd = -1, .state = TCP_TIME_WAIT,
                         .laddr = ROMEO_IP, .raddr = JULIET_IP, .lport = 4000, .rport = 50000,
                         .note = "(another program)", .timer = VU_TIMER_TIMEWAIT,
                         .timer_left = 59 * TL_SEC};
    struct hv_sock on = {.id = 2, .fd = 3, .parent_fd = -1, .ours = true,
                         .state = TCP_ESTABLISHED, .sq = 5, .laddr = ROMEO_IP,
                         .raddr = JULIET_IP, .lport = 50001, .rport = 4000,
                         .timer = VU_TIMER_ON, .timer_left = 1500 * TL_MS, .timer_count = 2};
    struct hv_sock udp = {.id = 3, .fd = 4, .parent_fd = -1, .ours = true, .udp = true,
                          .state = TCP_CLOSED, .laddr = ROMEO_IP, .lport = 53};
    fn(ctx, &tw);
    fn(ctx, &on);
    fn(ctx, &udp);
}

static const struct hostview_ops socks_ops = {.each_sock = fake_socks};

CK_TEST(test_view_hv_ss_timers_prints_the_rows_timers)
{
    struct hostview v = {.ops = &socks_ops, .index = 0, .name = "romeo"};
    const struct hostview *vs[1] = {&v};
    struct capture c;
    view_hv_ss_timers(capture_open(&c), NULL, vs, 1);
    char *out = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(out, "(another program)  timer:(timewait,59sec,0)\n"));
    ck_assert_ptr_nonnull(strstr(out, "fd=3               timer:(on,1.500sec,2)\n"));
    const char *u = strstr(out, "udp");
    ck_assert_ptr_nonnull(u);
    ck_assert_ptr_null(strstr(u, "timer:"));
    free(out);
    view_hv_ss(capture_open(&c), NULL, vs, 1);
    out = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(out, "TIME-WAIT"));
    ck_assert_ptr_null(strstr(out, "timer:"));
    free(out);
}
END_TEST
