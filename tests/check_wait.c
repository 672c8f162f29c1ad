/* How long a call waits (#13): the pending calls run at every event
 * instant (a reader that pauses and resumes reopens its window at once,
 * or at the sender's next window probe if the update is lost), a call
 * keeps virtual time running while the hosts can move without the user
 * and no further, a host's calls run in order, and `&`, `jobs` and `wait`
 * run calls side by side; a paced reader (recv --all N --every D) reads
 * exactly every D of virtual time. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "shelltest.h"

/* Run a line that must not fail; return what it printed (valid until the
 * next call). */
static const char *ok(const char *line)
{
    int rc;
    const char *o = sht_run(line, &rc);
    ck_assert_msg(rc == 0, "'%s' failed: %s", line, o);
    return o;
}

static const char *fails(const char *line)
{
    int rc;
    const char *o = sht_run(line, &rc);
    ck_assert_int_eq(rc, -1);
    return o;
}

static const struct sock *sock_of(int host, int fd)
{
    return sock_by_fd(sht_net->hosts[host], fd);
}

/* romeo's c (fd 3) connected to juliet's a (fd 4, from listener s). */
static void connect_pair(void)
{
    ok("juliet: s = socket");
    ok("juliet: bind s * 4000");
    ok("juliet: listen s");
    ok("c = socket");
    ok("connect c juliet 4000");
    const char *o = ok("juliet: a = accept s");
    ck_assert_ptr_nonnull(strstr(o, "a = fd 4"));
}

/* The "sha256 HEX" after `what` in o, into hex[65]. */
static void digest_after(const char *o, const char *what, char hex[65])
{
    const char *p = strstr(o, what);
    ck_assert_msg(p != NULL, "no '%s' in:\n%s", what, o);
    p = strstr(p, "sha256 ");
    ck_assert_ptr_nonnull(p);
    memcpy(hex, p + 7, 64);
    hex[64] = '\0';
}

/* The first full-sized data segment romeo sent in the last report, or -1. */
static tl_time first_data_from_romeo(void)
{
    const struct sh_frame_log *log = &sht->log;
    size_t n = log->n < SH_LOG_KEEP ? log->n : SH_LOG_KEEP;
    for (size_t i = 0; i < n; i++) {
        const struct sh_frame *f = &log->head[i];
        /* Ethernet + IPv4 total length: a segment with 1000 bytes or more */
        if (f->from == 0 && f->len > 34 && f->data[12] == 0x08 && f->data[13] == 0x00 &&
            ((size_t)f->data[16] << 8 | f->data[17]) > 1000)
            return f->t;
    }
    return -1;
}

/* The sender fills the reader's buffer; the call is left pending in
 * persist with nobody reading (nothing runs time: the user must act). */
static tl_time pause_reader(void)
{
    connect_pair();
    tl_time t0 = sh_now(sht);
    const char *o = ok("send c --bytes 2M");
    ck_assert_ptr_nonnull(strstr(o, "(romeo: send waits for the receiver to make room"));
    const struct sock *c = sock_of(0, 3);
    ck_assert_uint_eq(c->tcb.snd_wnd, 0);
    ck_assert(c->tcb.persist_at != TL_NEVER);
    /* the prompt came back at once: no window probes ran unanswered */
    ck_assert_int_lt(sh_now(sht) - t0, 2 * TL_SEC);
    ck_assert_int_eq(sht->njobs, 1);
    return c->tcb.persist_at;
}

static void finish_transfer(const char *o)
{
    char sent[65], rcvd[65];
    digest_after(o, "2097152 bytes sent", sent);
    o = ok("shutdown c wr");
    digest_after(o, "2097152 bytes received (end of stream)", rcvd);
    ck_assert_str_eq(sent, rcvd);
    ck_assert_int_eq(sht->njobs, 0);
}

START_TEST(test_zero_window_reader_resumes_window_update_reopens_at_once)
{
    pause_reader();
    tl_time resume = sh_now(sht);
    const char *o = ok("juliet: recv a --all");
    /* juliet's window update goes out as the reader takes bytes: data
     * flows again within a round trip, long before any probe */
    tl_time t = first_data_from_romeo();
    ck_assert_int_ge(t, resume);
    ck_assert_int_le(t - resume, TL_MS);
    ck_assert_ptr_nonnull(strstr(o, "romeo: send c --bytes 2M returned:"));
    finish_transfer(o);
}
END_TEST

START_TEST(test_zero_window_update_lost_sender_leaves_persist_at_next_probe)
{
    tl_time probe = pause_reader();
    const struct sock *c = sock_of(0, 3);
    tl_time interval = probe - sh_now(sht);
    ck_assert_int_gt(interval, 0);
    ok("wire drop 1");                       /* the window update is lost */
    tl_time resume = sh_now(sht);
    const char *o = ok("juliet: recv a --all");
    /* the persist timer ran (the reader waits: the window can open
     * without the user), its probe learnt the open window */
    tl_time t = first_data_from_romeo();
    ck_assert_int_ge(t, resume);
    ck_assert_msg(t - resume <= interval + TL_MS, "data again after %lld us, probe interval %lld",
                  (long long)(t - resume), (long long)interval);
    ck_assert(c->tcb.persist_at == TL_NEVER);
    ck_assert_ptr_nonnull(strstr(o, "romeo: send c --bytes 2M returned:"));
    finish_transfer(o);
}
END_TEST

/* #13's script: send, then shut down, under loss, duplication, reordering
 * and corruption; seed 2 used to stall in persist for ten minutes. */
START_TEST(test_send_then_shutdown_under_faults_delivers)
{
    sht_teardown();
    sht_setup_seed(2);
    ok("wire loss 10");
    ok("wire dup 3");
    ok("wire reorder 5");
    ok("wire corrupt 1");
    connect_pair();
    ok("juliet: recv a --all");
    const char *o = ok("send c --bytes 2M");
    char sent[65], rcvd[65];
    digest_after(o, "2097152 bytes sent", sent);
    ck_assert_int_lt(sh_now(sht), 60 * TL_SEC);
    o = ok("shutdown c wr");
    digest_after(o, "2097152 bytes received (end of stream)", rcvd);
    ck_assert_str_eq(sent, rcvd);
}
END_TEST

START_TEST(test_next_call_on_a_host_waits_for_its_pending_call)
{
    connect_pair();
    ok("send c --bytes 2M");                 /* nobody reads: pending */
    const char *o = fails("shutdown c wr");
    ck_assert_ptr_nonnull(strstr(o, "romeo is still waiting in 'send c --bytes 2M'"));
    /* views never wait */
    ok("tcb c");
    ok("ss");
    /* juliet reads once: the send can go on, and the next call on romeo
     * waits for it (the wait ends without the user) */
    ok("juliet: recv a 1k");
    o = ok("recv c 1 &");
    ck_assert_ptr_nonnull(strstr(o, "[2] romeo: recv c 1 &"));
    o = fails("shutdown c wr");
    ck_assert_ptr_nonnull(strstr(o, "still waiting in 'send c --bytes 2M'"));
    o = ok("juliet: recv a --all");
    ck_assert_ptr_nonnull(strstr(o, "romeo: send c --bytes 2M returned:"));
    o = ok("shutdown c wr");
    ck_assert_ptr_nonnull(strstr(o, "received (end of stream)"));
    /* the background recv is still there, and Ctrl-C's cancel ends it */
    o = ok("jobs");
    ck_assert_ptr_nonnull(strstr(o, "[2] romeo  Running  recv c 1 &"));
    ok("juliet: send a \"x\"");
    /* a call started with & moves only while time passes: wait lets it */
    o = ok("wait 2");
    ck_assert_ptr_nonnull(strstr(o, "[2] romeo: recv c 1 returned:\nb'x'"));
}
END_TEST

START_TEST(test_background_sends_run_side_by_side)
{
    connect_pair();
    ok("c2 = socket");
    ok("connect c2 juliet 4000");
    ok("juliet: a2 = accept s");
    tl_time t0 = sh_now(sht);
    const char *o = ok("send c --bytes 1M &");
    ck_assert_ptr_nonnull(strstr(o, "[1] romeo: send c --bytes 1M &"));
    o = ok("send c2 --bytes 1M &");
    ck_assert_ptr_nonnull(strstr(o, "[2] romeo: send c2 --bytes 1M &"));
    ck_assert_int_eq(sh_now(sht), t0);        /* & does not wait */
    ok("juliet: recv a --all &");
    ok("juliet: recv a2 --all &");
    /* Time passes for them only as long as asked: sleep runs 1 ms of it,
     * and the other commands none (the flows are not run to their end). */
    ok("sleep 1ms");
    ck_assert_int_eq(sh_now(sht), t0 + TL_MS);
    o = ok("ss");
    ck_assert_int_eq(sh_now(sht), t0 + TL_MS);
    ck_assert_int_eq(sht->njobs, 4);
    o = ok("jobs");
    ck_assert_ptr_nonnull(strstr(o, "[1] romeo  Running  send c --bytes 1M &"));
    ck_assert_ptr_nonnull(strstr(o, "[4] juliet Running  recv a2 --all &"));
    o = ok("wait 1");
    ck_assert_ptr_nonnull(strstr(o, "[1] romeo: send c --bytes 1M returned:\n1048576 bytes sent"));
    /* the second flow moved at the same time */
    const struct pending *second = NULL;
    for (int i = 0; i < sht->njobs; i++)
        if (sht->jobs[i]->id == 2)
            second = sht->jobs[i];
    ck_assert(second ? second->done > 512 * 1024
                     : strstr(o, "[2] romeo: send c2 --bytes 1M returned:") != NULL);
    ok("shutdown c wr");
    ok("shutdown c2 wr");
    o = ok("wait");
    ck_assert_int_eq(sht->njobs, 0);
    o = ok("wait 9");
    ck_assert_ptr_nonnull(strstr(o, "(wait: no job 9 is pending)"));
    o = fails("wait x");
    ck_assert_ptr_nonnull(strstr(o, "wait: 'x' is not a job number"));
    o = fails("sleep 1s &");
    ck_assert_ptr_nonnull(strstr(o, "only a socket call runs in the background"));
}
END_TEST

/* With a call pending that needs the user, time stops: not through
 * TIME-WAIT, not through ARP's cache lifetime. */
START_TEST(test_no_time_runs_for_an_idle_prompt)
{
    connect_pair();
    ok("close c");
    ok("juliet: close a");                   /* romeo's c in TIME-WAIT */
    ok("juliet: b = accept s");              /* nobody connects */
    tl_time t0 = sh_now(sht);
    ok("u = socket");
    ok("bind u * 7000");
    ck_assert_int_lt(sh_now(sht) - t0, TL_SEC);
    ck_assert_int_eq(sht->njobs, 1);
}
END_TEST

/* An ARP request lost after the cache expired: the retry runs (it can
 * lead to completion), the data goes through within the call. */
START_TEST(test_arp_retry_runs_for_a_waiting_reader)
{
    connect_pair();
    ok("juliet: recv a");                    /* waits for data */
    ok("sleep 70s");                         /* the ARP entries expire (60 s) */
    ok("wire drop 1");                       /* its next ARP request is lost */
    const char *o = ok("send c \"late\"");
    ck_assert_ptr_nonnull(strstr(o, "ARP, Request who-has 10.10.2.100"));
    ck_assert_ptr_nonnull(strstr(o, "juliet: recv a returned:\nb'late'"));
    ck_assert_int_eq(sht->njobs, 0);
}
END_TEST

/* A call still ends by TCP's own timeouts: data to a peer that is gone. */
START_TEST(test_data_retransmissions_end_with_etimedout)
{
    connect_pair();
    ok("juliet: recv a");                    /* waits for data */
    ok("wire loss 100");
    const char *o = ok("send c \"lost\"");
    ck_assert_ptr_nonnull(strstr(o, "(retransmission timeout)"));
    o = ok("recv c");
    ck_assert_ptr_nonnull(strstr(o, "TimeoutError: [Errno 110]"));
}
END_TEST

/* The job of a paced reader on juliet (recv --all N --every D), or NULL. */
static const struct pending *paced_job(void)
{
    for (int i = 0; i < sht->njobs; i++)
        if (sht->jobs[i]->host == 1 && sht->jobs[i]->pace_d)
            return sht->jobs[i];
    return NULL;
}

/* The course's slow receiver (4096 bytes every 0.1 s) behind a sender
 * that filled its window: the window is zero and romeo probes it; the
 * reader's reads come exactly every 100 ms of virtual time, each opens
 * the window (an update with the same ACK and a larger window), and the
 * whole stream arrives. */
START_TEST(test_paced_reader_reads_every_interval_window_closes_and_reopens)
{
    connect_pair();
    ok("send c --bytes 200k &");
    ok("sleep 2s");
    const struct sock *c = sock_of(0, 3);
    ck_assert_uint_eq(c->tcb.snd_wnd, 0);            /* closed */
    ck_assert(c->tcb.persist_at != TL_NEVER);
    const char *o = ok("tcb c");
    const char *probe = strstr(o, "(window probe ");
    ck_assert_msg(probe && atoi(probe + 14) >= 2, "no window probes:\n%s", o);
    uint32_t acked = c->tcb.snd_una;
    tl_time t0 = sh_now(sht);
    o = ok("juliet: recv a --all 4096 --every 100ms &");
    ck_assert_ptr_nonnull(strstr(o, "[2] juliet: recv a --all 4096 --every 100ms &"));
    const struct pending *p = paced_job();
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->done, 4096);                 /* the first read at once */
    ck_assert_int_eq(p->next_at, t0 + 100 * TL_MS);
    /* each sleep of 100 ms holds exactly one read */
    for (int k = 1; k <= 10; k++) {
        o = ok("sleep 100ms");
        ck_assert_uint_eq(p->reads, (uint64_t)k + 1);
        ck_assert_uint_eq(p->done, 4096u * (k + 1));
        ck_assert_int_eq(p->next_at, t0 + (k + 1) * 100 * TL_MS);
        if (k == 1) {
            /* the window update of the first read: no new data acked,
             * a larger window; data follows at once */
            char want[64];
            snprintf(want, sizeof want, "ack %u, win ", acked);
            const char *u = strstr(o, want);
            ck_assert_msg(u && atoi(u + strlen(want)) > 0, "no window update in:\n%s", o);
        }
    }
    ck_assert_uint_gt(c->tcb.snd_una, acked);         /* reopened: data went on */
    o = ok("jobs");
    ck_assert_ptr_nonnull(strstr(o, "(45056 bytes received in 11 reads)"));
    o = ok("wait 1");
    char sent[65], rcvd[65];
    digest_after(o, "204800 bytes sent", sent);
    ok("shutdown c wr");
    o = ok("wait 2");
    digest_after(o, "204800 bytes received (end of stream)", rcvd);
    ck_assert_str_eq(sent, rcvd);
    ck_assert_int_eq(sht->njobs, 0);
}
END_TEST

/* In the foreground: a paced reader with nobody sending leaves the prompt
 * at once; a send it must make room for returns (the reads are events
 * that move it); wait stops when only the user can move the reader on;
 * Ctrl-C ends the foreground reader, not one started with &; bad forms
 * are one-line errors. */
START_TEST(test_paced_reader_foreground_wait_ctrl_c_and_errors)
{
    connect_pair();
    tl_time t0 = sh_now(sht);
    const char *o = ok("juliet: recv a --all 4096 --every 100ms");
    ck_assert_ptr_nonnull(strstr(o, "(juliet: recv --all reads 4096 bytes every 100ms until "
                                    "the peer closes; 0 bytes so far"));
    ck_assert_int_lt(sh_now(sht) - t0, TL_MS);
    o = ok("send c --bytes 300k");
    ck_assert_ptr_nonnull(strstr(o, "307200 bytes sent"));
    const struct pending *p = paced_job();
    ck_assert_ptr_nonnull(p);
    /* the wait goes on while juliet's foreground reader moves (as for
     * recv --all): until it has read all 300 KiB, 4096 bytes every
     * 100 ms, its first read when the data came */
    tl_time took = sh_now(sht) - t0;
    ck_assert_uint_eq(p->done, 307200);
    ck_assert_uint_eq(p->reads, 75);
    ck_assert_int_gt(took, 74 * 100 * TL_MS);
    ck_assert_int_lt(took, 75 * 100 * TL_MS + 10 * TL_MS);
    /* wait: the reader found nothing at its next read; only the user
     * (shutdown) can move it on */
    o = ok("wait");
    ck_assert_ptr_nonnull(strstr(o, "(wait: what is left pending needs a command from the user)"));
    ck_assert_uint_eq(p->reads, 75);
    tl_time idle = sh_now(sht);
    ok("ss");
    ck_assert_int_eq(sh_now(sht), idle);
    /* Ctrl-C at the prompt: the foreground reader ends */
    fflush(sht->out);
    int n = sh_cancel_pending(sht);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(sht->njobs, 0);
    o = ok("jobs");
    ck_assert_ptr_nonnull(strstr(o, "no calls pending"));
    /* ... and one started with & goes on */
    ok("juliet: recv a --all 1k --every 1s &");
    ck_assert_int_eq(sh_cancel_pending(sht), 0);
    ck_assert_int_eq(sht->njobs, 1);
    ok("send c \"hello\"");
    o = ok("shutdown c wr");
    /* "hello" and the FIN arrive once time passes (wait); the read that
     * takes "hello" comes before the FIN, and as recv then sleep, the end
     * of the stream is seen by the next read, 1 s later */
    tl_time sent_at = sh_now(sht);
    o = ok("wait");
    ck_assert_ptr_nonnull(strstr(o, "5 bytes received (end of stream)"));
    ck_assert_int_ge(sh_now(sht) - sent_at, TL_SEC);
    ck_assert_int_lt(sh_now(sht) - sent_at, TL_SEC + 10 * TL_MS);
    /* bad forms */
    o = fails("juliet: recv a --all 4096");
    ck_assert_ptr_nonnull(strstr(o, "recv SOCK --all N --every DURATION"));
    o = fails("juliet: recv a --all 0 --every 1s");
    ck_assert_ptr_nonnull(strstr(o, "'0' is not a byte count"));
    o = fails("juliet: recv a --all 4k --every 0");
    ck_assert_ptr_nonnull(strstr(o, "'0' is not a duration"));
    o = fails("juliet: recv a --all 4k --each 1s");
    ck_assert_ptr_nonnull(strstr(o, "recv SOCK --all N --every DURATION"));
    o = fails("juliet: recv a 10 --every 1s");
    ck_assert_ptr_nonnull(strstr(o, "only --all takes more words"));
    ck_assert_int_eq(sht->njobs, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("wait");
    TCase *tc = ck_case(s, "wait", sht_setup, sht_teardown,
                        test_zero_window_reader_resumes_window_update_reopens_at_once,
                        test_zero_window_update_lost_sender_leaves_persist_at_next_probe,
                        test_send_then_shutdown_under_faults_delivers,
                        test_next_call_on_a_host_waits_for_its_pending_call,
                        test_background_sends_run_side_by_side, test_no_time_runs_for_an_idle_prompt,
                        test_data_retransmissions_end_with_etimedout,
                        test_arp_retry_runs_for_a_waiting_reader,
                        test_paced_reader_reads_every_interval_window_closes_and_reopens,
                        test_paced_reader_foreground_wait_ctrl_c_and_errors, NULL);
    tcase_set_timeout(tc, 120);
    return s;
}

int main(void)
{
    return ck_run(suite());
}
