/* The fault injector (link/faults.h) on its own, frame by frame, and on
 * the simulated wire under a transfer: for each fault alone and for all
 * together, both streams must arrive whole and every connection close.
 * Last, the `wire` command of the shell: hold, step, release and the rest. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "link/faults.h"
#include "link/sim.h"
#include "shelltest.h"
#include "xfer.h"

/* ---- the injector alone ------------------------------------------------ */

static struct faults *F;
static uint8_t frame[ETH_FRAME_MAX];

static void fsetup(void)
{
    F = faults_new(42, 100 * TL_US);
    for (size_t i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)i;
}

static void fteardown(void)
{
    faults_free(F);
}

/* Push n frames (frame[0] numbers them) from side dir at `at`. */
static void push_n(int n, int dir, tl_time at)
{
    for (int i = 0; i < n; i++) {
        frame[0] = (uint8_t)i;
        faults_push(F, dir, frame, 100, at);
    }
}

/* Pop everything due by `by`; the numbers into out, count returned. */
static int pop_all(tl_time by, int *out, int max)
{
    int n = 0;
    struct fault_frame *fr;
    while ((fr = faults_pop(F, by))) {
        if (n < max)
            out[n] = fr->data[0];
        n++;
        faults_recycle(F, fr);
    }
    return n;
}

static void configure(struct fault_settings s)
{
    ck_assert_int_eq(faults_configure(F, &s, 0), 0);
}

CK_CASE("injector", fsetup, fteardown);

CK_TEST(test_clean_wire_delivers_in_order_after_the_link_delay)
{
    push_n(5, 0, 0);
    ck_assert_int_eq(faults_next(F), 100 * TL_US);
    int got[8];
    ck_assert_int_eq(pop_all(99 * TL_US, got, 8), 0);
    ck_assert_int_eq(pop_all(100 * TL_US, got, 8), 5);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(got[i], i);
    ck_assert(faults_clean(F));
}
END_TEST

CK_TEST(test_hold_step_release)
{
    faults_hold(F, true, 0);
    push_n(3, 1, 0);
    ck_assert_uint_eq(F->nheld, 3);
    ck_assert_int_eq(faults_next(F), TL_NEVER);
    ck_assert_uint_eq(faults_step(F, 1, 1000), 1);          /* the oldest first */
    int got[4];
    ck_assert_int_eq(pop_all(1100, got, 4), 1);
    ck_assert_int_eq(got[0], 0);
    ck_assert_uint_eq(faults_release(F, 2000), 2);
    ck_assert(!F->set.hold);
    ck_assert_int_eq(pop_all(2100, got, 4), 2);
    ck_assert_int_eq(got[0], 1);
    push_n(1, 0, 3000);                                      /* no longer held */
    ck_assert_int_eq(pop_all(3100, got, 4), 1);
}
END_TEST

CK_TEST(test_drop_next_n)
{
    configure((struct fault_settings){.drop_next = 2});
    push_n(5, 0, 0);
    int got[8];
    ck_assert_int_eq(pop_all(TL_SEC, got, 8), 3);
    ck_assert_int_eq(got[0], 2);
    ck_assert_uint_eq(F->st.dropped, 2);
    ck_assert_uint_eq(F->set.drop_next, 0);
}
END_TEST

CK_TEST(test_loss_rate_near_the_setting_and_reproducible)
{
    configure((struct fault_settings){.loss = 100000});    /* 10% */
    push_n(10000 % 256, 0, 0);
    for (int k = 0; k < 39; k++)
        push_n(256, 0, 0);
    int got[1];
    int n = pop_all(TL_SEC, got, 0);
    ck_assert_int_gt(n, 10000 * 85 / 100);
    ck_assert_int_lt(n, 10000 * 95 / 100);
    /* the same seed, the same frames lost */
    struct faults *g = faults_new(42, 100 * TL_US);
    struct fault_settings s = {.loss = 100000};
    faults_configure(g, &s, 0);
    for (int k = 0; k < 10000; k++)
        faults_push(g, 0, frame, 100, 0);
    ck_assert_uint_eq(g->st.lost, F->st.lost);
    faults_free(g);
}
END_TEST

CK_TEST(test_dup_reorder_corrupt)
{
    configure((struct fault_settings){.dup = FAULTS_PPM});
    push_n(3, 0, 0);
    int got[8];
    ck_assert_int_eq(pop_all(TL_SEC, got, 8), 6);           /* each twice */
    configure((struct fault_settings){.reorder = 500000});
    push_n(100, 0, 0);
    int order[100];
    ck_assert_int_eq(pop_all(TL_SEC, order, 100), 100);
    bool swapped = false;
    for (int i = 1; i < 100; i++)
        swapped |= order[i] < order[i - 1];
    ck_assert(swapped);
    ck_assert_uint_gt(F->st.reordered, 0);
    configure((struct fault_settings){.corrupt = FAULTS_PPM});
    frame[0] = 0;
    faults_push(F, 0, frame, 100, 0);
    struct fault_frame *fr = faults_pop(F, TL_SEC);
    ck_assert_ptr_nonnull(fr);
    int bits = 0;
    for (int i = 0; i < 100; i++)
        bits += __builtin_popcount((unsigned)(fr->data[i] ^ (i ? (uint8_t)i : 0)));
    ck_assert_int_eq(bits, 1);                               /* one bit flipped */
    faults_recycle(F, fr);
}
END_TEST

CK_TEST(test_rate_spaces_frames_and_tail_drops_a_full_queue)
{
    /* 8 Mbit/s: a 100-byte frame (124 on the wire) takes 124 us */
    configure((struct fault_settings){.rate = 8000000, .queue = 4});
    push_n(10, 0, 0);
    ck_assert_uint_eq(F->st.queue_drops, 6);
    tl_time last = 0;
    for (int i = 0; i < 4; i++) {
        tl_time t = faults_next(F);
        ck_assert_int_eq(t, 100 * TL_US + (i + 1) * 124 * TL_US);
        ck_assert_int_gt(t, last);
        last = t;
        struct fault_frame *fr = faults_pop(F, t);
        faults_recycle(F, fr);
    }
    /* the other direction has its own queue */
    push_n(1, 1, 0);
    ck_assert_uint_eq(F->st.queue_drops, 6);
}
END_TEST

/* A bfifo-style queue: a byte limit, not a frame count.  100-byte frames
 * into a 450-byte queue: four fit, the rest are tail-dropped. */
CK_TEST(test_rate_queue_in_bytes)
{
    configure((struct fault_settings){.rate = 8000000, .queue_bytes = 450});
    push_n(10, 0, 0);
    ck_assert_uint_eq(F->st.queue_drops, 6);
    int got[10];
    ck_assert_int_eq(pop_all(TL_SEC, got, 10), 4);
    /* drained, the queue takes frames again */
    push_n(2, 0, TL_SEC);
    ck_assert_uint_eq(F->st.queue_drops, 6);
    char d[128];
    faults_describe(F, d, sizeof d);
    ck_assert_str_eq(d, "rate 8Mbit 450B");
    configure((struct fault_settings){.rate = 1000000, .queue_bytes = 100 * 1024});
    faults_describe(F, d, sizeof d);
    ck_assert_str_eq(d, "rate 1Mbit 100kB");
}
END_TEST

/* wire down: every frame lost, both directions, counted apart; frames
 * already in flight still arrive; wire up: frames pass again. */
CK_TEST(test_down_loses_both_directions_until_up)
{
    push_n(2, 0, 0);                    /* in flight before the cable is pulled */
    struct fault_settings s = {.down = true};
    configure(s);
    ck_assert(!faults_clean(F));
    push_n(3, 0, 0);
    push_n(4, 1, 0);
    ck_assert_uint_eq(F->st.down_drops, 7);
    int got[10];
    ck_assert_int_eq(pop_all(TL_SEC, got, 10), 2);
    char d[64];
    faults_describe(F, d, sizeof d);
    ck_assert_str_eq(d, "down");
    s.down = false;
    configure(s);
    ck_assert(faults_clean(F));
    push_n(1, 1, TL_SEC);
    ck_assert_int_eq(pop_all(2 * TL_SEC, got, 10), 1);
    ck_assert_uint_eq(F->st.down_drops, 7);
}
END_TEST

CK_TEST(test_delay_adds_to_the_link_delay)
{
    configure((struct fault_settings){.delay = 30 * TL_MS});
    push_n(1, 0, 5 * TL_MS);
    ck_assert_int_eq(faults_next(F), 5 * TL_MS + 100 * TL_US + 30 * TL_MS);
}
END_TEST

CK_TEST(test_reset_releases_and_describe)
{
    configure((struct fault_settings){.loss = 50000, .dup = 10000, .delay = 10 * TL_MS,
                                      .rate = 10000000, .queue = 20});
    char d[200];
    faults_describe(F, d, sizeof d);
    ck_assert_str_eq(d, "loss 5% dup 1% delay 10ms rate 10Mbit 20");
    faults_hold(F, true, 0);
    push_n(2, 0, 0);
    faults_reset(F, 0);
    ck_assert_uint_eq(F->nheld, 0);
    ck_assert(faults_clean(F));
    faults_describe(F, d, sizeof d);
    ck_assert_str_eq(d, "no faults");
    struct fault_settings bad = {.loss = FAULTS_PPM + 1};
    ck_assert_int_lt(faults_configure(F, &bad, 0), 0);
}
END_TEST

static int passed;
static void count(void *ctx, int dir, const uint8_t *f, size_t len, tl_time at)
{
    (void)ctx, (void)dir, (void)f, (void)len, (void)at;
    passed++;
}

CK_TEST(test_pass_is_direct_when_clean)
{
    struct faults *g = faults_new(1, 0);
    passed = 0;
    ck_assert_uint_eq(faults_pass(g, 0, frame, 60, 0, count, NULL), 1);
    ck_assert_int_eq(passed, 1);
    struct fault_settings s = {.delay = 5 * TL_MS};
    faults_configure(g, &s, 0);
    ck_assert_uint_eq(faults_pass(g, 0, frame, 60, 0, count, NULL), 0);
    ck_assert_uint_eq(faults_run(g, 5 * TL_MS, count, NULL), 1);
    ck_assert_int_eq(passed, 2);
    faults_free(g);
}
END_TEST

/* ---- transfers through faults ------------------------------------------ */

/* 256 KiB each way through `f`; both streams whole, every connection closed. */
static void transfer_through(struct fault_settings f, uint64_t seed)
{
    struct simnet *n = simnet_new(seed);
    host_ping(n->hosts[0], n->w.addr[1], 1, 1, 8, n->now);   /* ARP on a clean wire */
    simnet_settle(n);
    ck_assert_int_eq(faults_configure(n->wire, &f, n->now), 0);
    struct xfer x = {.bytes = {256 << 10, 256 << 10}, .seed = seed};
    bool ok = xfer_run(n, &x);
    ck_assert_msg(ok, "transfer failed: %s", x.why ? x.why : "?");
    ck_assert_uint_eq(x.rcvd[1], 256 << 10);
    ck_assert_uint_eq(x.rcvd[0], 256 << 10);
    ck_assert_int_eq(memcmp(x.sha_sent[0], x.sha_rcvd[1], 32), 0);
    ck_assert_int_eq(memcmp(x.sha_sent[1], x.sha_rcvd[0], 32), 0);
    ck_assert(xfer_all_closed(n, 600 * TL_SEC));
    simnet_free(n);
}

/* A loop test: `runs` transfers through these faults, seeds 1, 2 ... */
#define TRANSFER_TEST(name, runs, ...)                                                            \
    CK_LOOP_TEST(name, 0, runs)                                                                   \
    {                                                                                             \
        transfer_through((struct fault_settings){__VA_ARGS__}, (uint64_t)_i + 1);                 \
    }                                                                                             \
    END_TEST

CK_CASE("transfers", NULL, NULL);
CK_TIMEOUT(120);

TRANSFER_TEST(test_transfer_through_loss, 3, .loss = 50000)
TRANSFER_TEST(test_transfer_through_duplication, 3, .dup = 100000)
TRANSFER_TEST(test_transfer_through_reordering, 3, .reorder = 100000)
TRANSFER_TEST(test_transfer_through_corruption, 3, .corrupt = 50000)
TRANSFER_TEST(test_transfer_through_a_bottleneck, 3, .rate = 10000000, .queue = 10)
TRANSFER_TEST(test_transfer_through_long_delay, 2, .delay = 100 * TL_MS)
TRANSFER_TEST(test_transfer_through_everything_at_once, 5, .loss = 30000, .dup = 20000,
              .reorder = 50000, .corrupt = 20000, .delay = 5 * TL_MS, .rate = 20000000,
              .queue = 30)

CK_TEST(test_same_seed_same_faults_same_frames)
{
    tl_time end[2];
    uint64_t in[2], lost[2];
    for (int k = 0; k < 2; k++) {
        struct simnet *n = simnet_new(77);
        struct fault_settings f = {.loss = 50000, .reorder = 50000, .dup = 20000};
        faults_configure(n->wire, &f, 0);
        struct xfer x = {.bytes = {100000, 100000}, .seed = 3};
        ck_assert(xfer_run(n, &x));
        end[k] = x.end;
        in[k] = n->wire->st.in;
        lost[k] = n->wire->st.lost;
        simnet_free(n);
    }
    ck_assert_int_eq(end[0], end[1]);
    ck_assert_uint_eq(in[0], in[1]);
    ck_assert_uint_eq(lost[0], lost[1]);
}
END_TEST

/* ---- the wire command ---------------------------------------------------- */

CK_CASE("wire command", sht_setup, sht_teardown);

CK_TEST(test_wire_hold_and_step_through_a_handshake)
{
    sht_run("juliet: l = socket", NULL);
    sht_run("juliet: bind l * 4000", NULL);
    sht_run("juliet: listen l", NULL);
    sht_run("c = socket", NULL);
    sht_run("ping juliet", NULL);                    /* ARP first */
    const char *o = sht_run("wire hold", NULL);
    ck_assert_ptr_nonnull(strstr(o, "holding"));
    o = sht_run("connect c juliet 4000", NULL);      /* the SYN waits on the wire */
    ck_assert_ptr_nonnull(strstr(o, "Flags [S]"));
    o = sht_expect("wire", "held: 1 frame");
    ck_assert_ptr_nonnull(strstr(o, "romeo > juliet"));
    o = sht_run("wire step", NULL);                  /* the SYN arrives, the SYN,ACK waits */
    ck_assert_ptr_nonnull(strstr(o, "Flags [S.]"));
    ck_assert_ptr_nonnull(strstr(o, "LISTEN -> SYN_RECEIVED"));
    o = sht_expect("wire step", "SYN_SENT -> ESTABLISHED");
    o = sht_expect("wire release", "SYN_RECEIVED -> ESTABLISHED");
    o = sht_expect("wire", "wire: no faults");
}
END_TEST

CK_TEST(test_wire_settings_and_errors)
{
    int rc;
    const char *o = sht_run("wire loss 5%", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "wire: loss 5%"));
    o = sht_run("wire dup 0.5", &rc);
    ck_assert_ptr_nonnull(strstr(o, "dup 0.5%"));
    o = sht_run("wire rate 10M 20", &rc);
    ck_assert_ptr_nonnull(strstr(o, "rate 10Mbit 20"));
    o = sht_run("wire rate 1mbit 100k", &rc);
    ck_assert_ptr_nonnull(strstr(o, "rate 1Mbit 100kB"));
    o = sht_run("wire rate 1mbit 0k", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("wire rate 10M 20", &rc);
    o = sht_run("wire delay 20ms", &rc);
    ck_assert_ptr_nonnull(strstr(o, "delay 20ms"));
    o = sht_run("wire reorder 1%", &rc);
    o = sht_run("wire corrupt 2%", &rc);
    ck_assert_ptr_nonnull(strstr(o, "corrupt 2%"));
    o = sht_run("wire drop 3", &rc);
    ck_assert_ptr_nonnull(strstr(o, "drop 3"));
    o = sht_run("wire loss 120%", &rc);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(strstr(o, "usage: wire"));
    o = sht_run("wire rate fast", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("wire frobnicate", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("wire reset", &rc);
    ck_assert_ptr_nonnull(strstr(o, "wire: no faults"));
    o = sht_run("help wire", &rc);
    ck_assert_ptr_nonnull(strstr(o, "rate RATE [QUEUE]"));
}
END_TEST

/* N of romeo's "timer:(on,DURATION,N)" in ss -o's output, or -1. */
static int timeouts_shown(const char *o)
{
    const char *t = strstr(o, "timer:(on,");
    const char *close = t ? strchr(t, ')') : NULL;
    if (!close)
        return -1;
    const char *comma = close;
    while (comma > t && *comma != ',')
        comma--;
    return atoi(comma + 1);
}

/* The handout's interrupted transfer: with the wire down the RTO backs
 * off exponentially (ss -o counts the timeouts), wire up lets the
 * retransmission through; down for good, the connection is aborted after
 * tcp_retries2 (15) timeouts and the next call fails as Python's does. */
CK_TEST(test_wire_down_backoff_recovery_and_abort)
{
    int rc;
    sht_connect_c();
    const char *o = sht_run("wire down", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(o, "wire: down\n");
    sht_run("send c \"lost\"", NULL);
    o = sht_run("sleep 3s", NULL);          /* RTO 0.2 s doubling: three timeouts at least */
    o = sht_run("ss -o", NULL);
    int n3 = timeouts_shown(o);
    ck_assert_int_ge(n3, 3);
    o = sht_run("sleep 7s", NULL);
    ck_assert_int_gt(timeouts_shown(sht_run("ss -o", NULL)), n3);
    o = sht_run("wire", NULL);
    ck_assert_ptr_nonnull(strstr(o, "lost while down"));
    o = sht_run("wire up", &rc);
    ck_assert_str_eq(o, "wire: no faults\n");
    o = sht_run("sleep 15s", NULL);         /* the next retransmission gets through */
    ck_assert_ptr_nonnull(strstr(o, "length 4"));
    o = sht_run("ss -o", NULL);
    ck_assert_ptr_null(strstr(o, "timer:(on"));
    sht_run("wire down", NULL);
    sht_run("send c \"gone\"", NULL);
    o = sht_run("sleep 2000s", NULL);
    ck_assert_ptr_nonnull(strstr(o, "ESTABLISHED -> CLOSED (retransmission timeout)"));
    o = sht_run("send c \"more\"", &rc);
    ck_assert_ptr_nonnull(strstr(o, "TimeoutError: [Errno 110] Connection timed out"));
    o = sht_run("wire up now", &rc);
    ck_assert_int_eq(rc, -1);
}
END_TEST

CK_TEST(test_ss_i_shows_tcp_internals)
{
    sht_connect_c();
    sht_run("send c \"hello\"", NULL);
    int rc;
    const char *o = sht_run("ss -i", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "ts sack cubic wscale:7,7 rto:200"));
    ck_assert_ptr_nonnull(strstr(o, "cwnd:10"));
    ck_assert_ptr_nonnull(strstr(o, "bytes_acked:5"));
    o = sht_run("ss -x", &rc);
    ck_assert_int_eq(rc, -1);
    o = sht_run("tcb c", &rc);
    ck_assert_ptr_nonnull(strstr(o, "RTO 0.2s"));
    ck_assert_ptr_nonnull(strstr(o, "cwnd 14480"));
    o = sht_run("setsockopt c nodelay 1", &rc);
    ck_assert_int_eq(rc, 0);
    o = sht_run("c.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)", &rc);
    ck_assert_int_eq(rc, 0);
    o = sht_run("ss -i", &rc);
    ck_assert_ptr_nonnull(strstr(o, " delack"));
}
END_TEST

CK_TEST(test_report_names_what_found_each_loss)
{
    sht_connect_c();
    sht_run("juliet: s = accept l", NULL);
    sht_run("wire drop 1", NULL);
    int rc;
    /* The only segment is lost: the tail loss probe repairs it (the PTO
     * never comes after the RTO, so the probe goes in its place). */
    const char *o = sht_run("send c \"tail\"", &rc);
    ck_assert_int_eq(rc, 0);
    o = sht_run("sleep 1s", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, "romeo  c (fd 3): loss of "));
    ck_assert_ptr_nonnull(strstr(o, " detected by TLP\n"));
    o = sht_run("tcb c", &rc);
    ck_assert_ptr_nonnull(strstr(o, "TLP probes 1"));
    ck_assert_ptr_null(strstr(o, "timeout,"));
    /* Many losses in one call: counted by mechanism, on one line. */
    sht_run("wire loss 10", NULL);
    sht_run("juliet: recv s --all &", NULL);
    o = sht_run("send c --bytes 300k", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(o, " losses detected"));
    ck_assert_ptr_nonnull(strstr(o, "by RACK"));
}
END_TEST
