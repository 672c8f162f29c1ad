/* The tap world's loop: frames from the TAP go to the stack's host_input,
 * frames the stack queues go to the TAP, and every one of them, both ways,
 * to w.on_frame.  The kernel host is watched around the segments that can
 * change its state (kernel_obs.c).  Waits are world_wait() (world.c) over
 * the TAP and the kernel's sockets until the earliest timer; SIGINT ends
 * them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "link/faults.h"
#include "link/tap.h"
#include "link/tapworld.h"
#include "stack/sockapi.h"
#include "util/digest.h"

#define SETTLE_QUIET (30 * TL_MS)    /* settle: the wire is quiet this long */
#define SETTLE_MAX   (300 * TL_MS)   /* ... or this much has passed */
#define PUMP_BATCH   512             /* frames read before timers get a look */

static tl_time tnow(const struct tapworld *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (tl_time)(ts.tv_sec - t->t0.tv_sec) * TL_SEC + (ts.tv_nsec - t->t0.tv_nsec) / 1000;
}

/* The first drop counter of the stack that moved since the mark. */
static enum drop_reason new_drop(struct tapworld *t)
{
    enum drop_reason r = DROP_NONE;
    for (int i = 0; i < DROP__COUNT; i++)
        if (t->h->drops[i] != t->drop_mark[i]) {
            if (r == DROP_NONE)
                r = (enum drop_reason)i;
            t->drop_mark[i] = t->h->drops[i];
        }
    return r;
}

static void watch(struct tapworld *t, bool from_kernel, const uint8_t *f, size_t len, tl_time now)
{
    if (kwire_frame(&t->k->wire, from_kernel, f, len, now, NULL))
        khost_observe(t->k, now);
}

/* --offload: a segment of the stack's that is now on its way to the
 * kernel (written alone or in a GSO frame), and a wire segment cut from
 * what the kernel wrote. */
static void offload_sent(void *ctx, const uint8_t *f, size_t len)
{
    struct tapworld *t = ctx;
    watch(t, false, f, len, tnow(t));
}

static void input(struct tapworld *t, const uint8_t *f, size_t len);

static void offload_in(void *ctx, const uint8_t *f, size_t len)
{
    input(ctx, f, len);
}

/* A frame the fault injector (link/faults.h, the `wire` command) lets
 * through, due now: to the kernel through the TAP, or into the stack. */
static void deliver(void *ctx, int dir, const uint8_t *f, size_t len, tl_time at)
{
    struct tapworld *t = ctx;
    tl_time now = tnow(t);
    (void)at;
    if (dir == t->sidx) {
        if (t->off) {
            t->tx_errors += tap_offload_write(t->off, t->fd, f, len, offload_sent, t);
            return;
        }
        if (write(t->fd, f, len) != (ssize_t)len)
            t->tx_errors++;
        watch(t, false, f, len, now);
        return;
    }
    new_drop(t);
    host_input(t->h, f, len, now);
    t->w.frames++;
    t->w.rx_drop = new_drop(t);
    if (t->w.on_frame)
        t->w.on_frame(t->w.on_frame_ctx, t->kidx, f, len, now);
    t->w.rx_drop = DROP_NONE;
}

static size_t flush_tx(struct tapworld *t)
{
    struct frame *f;
    size_t n = 0;
    while ((f = host_tx_pop(t->h))) {
        tl_time now = tnow(t);
        t->w.frames++;
        if (t->w.on_frame)
            t->w.on_frame(t->w.on_frame_ctx, t->sidx, f->data, f->len, now);
        faults_pass(t->w.faults, t->sidx, f->data, f->len, now, deliver, t);
        host_frame_put(t->h, f);
        n++;
    }
    if (t->off)                /* the burst ends: what is held goes out */
        t->tx_errors += tap_offload_flush(t->off, t->fd, offload_sent, t);
    return n;
}

static void input(struct tapworld *t, const uint8_t *f, size_t len)
{
    tl_time now = tnow(t);
    watch(t, true, f, len, now);
    faults_pass(t->w.faults, t->kidx, f, len, now, deliver, t);
}

/* Everything that has arrived or is due, without waiting. */
static size_t pump(struct tapworld *t)
{
    size_t ev = 0;
    tl_time now = tnow(t);
    khost_set_now(t->k, now);
    if (host_next_deadline(t->h) <= now) {
        host_poll(t->h, now);
        ev++;
    }
    ev += faults_run(t->w.faults, now, deliver, t);
    ev += flush_tx(t);
    for (int i = 0; i < PUMP_BATCH; i++) {
        ssize_t n = t->off ? tap_offload_read(t->off, t->fd, offload_in, t)
                           : read(t->fd, t->buf, sizeof t->buf);
        if (n <= 0)
            break;
        if (!t->off)
            input(t, t->buf, (size_t)n);
        ev++;
        ev += flush_tx(t);
    }
    ev += khost_drain(t->k);
    now = tnow(t);
    if (khost_next_deadline(t->k) <= now)
        ev += khost_observe(t->k, now);
    /* the programs on tcplab's host, woken by what arrived */
    if (t->w.app && t->w.app(t->w.app_ctx))
        ev += 1 + flush_tx(t);
    return ev;
}

static tl_time w_next_deadline(const struct world *w)
{
    const struct tapworld *t = (const struct tapworld *)w;
    return tl_min(tl_min(host_next_deadline(t->h), khost_next_deadline(t->k)),
                  tl_min(faults_next(t->w.faults), world_app_due(w)));
}

static int w_pollfds(struct world *w, struct pollfd *fds, int max)
{
    struct tapworld *t = (struct tapworld *)w;
    int n = 0;
    if (n < max)
        fds[n++] = (struct pollfd){.fd = t->fd, .events = POLLIN};
    if (n < max)
        fds[n++] = (struct pollfd){.fd = khost_pollfd(t->k), .events = POLLIN};
    return n;
}

/* Wait for a frame, a socket event, a timer or `until`, whichever first;
 * SIGINT ends the wait (poll returns EINTR). */
static void wait_io(struct tapworld *t, tl_time until)
{
    struct pollfd p[2];
    world_wait(&t->w, p, 0, 2, until);
}

static tl_time w_now(const struct world *w)
{
    return tnow((const struct tapworld *)w);
}

static size_t w_service(struct world *w)
{
    return pump((struct tapworld *)w);
}

/* What arrived, then what follows from it for as long as the wire keeps
 * talking: a call's report then holds the replies it caused. */
static size_t w_settle(struct world *w)
{
    struct tapworld *t = (struct tapworld *)w;
    size_t ran = pump(t);
    tl_time start = tnow(t), quiet = start;
    while (!world_interrupt) {
        tl_time now = tnow(t);
        if (now - quiet >= SETTLE_QUIET || now - start >= SETTLE_MAX)
            break;
        wait_io(t, tl_min(quiet + SETTLE_QUIET, start + SETTLE_MAX));
        size_t n = pump(t);
        if (n) {
            ran += n;
            quiet = tnow(t);
        }
    }
    return ran;
}

static bool w_run_until(struct world *w, bool (*done)(void *), void *ctx, tl_time limit)
{
    struct tapworld *t = (struct tapworld *)w;
    for (;;) {
        pump(t);
        if (done(ctx))
            return true;
        if (tnow(t) >= limit || world_interrupt)
            return false;
        wait_io(t, limit);
    }
}

static void w_sleep(struct world *w, tl_time d)
{
    struct tapworld *t = (struct tapworld *)w;
    tl_time end = tnow(t) + d;
    for (;;) {
        pump(t);
        if (tnow(t) >= end || world_interrupt)
            return;
        wait_io(t, end);
    }
}

static void w_free(struct world *w)
{
    struct tapworld *t = (struct tapworld *)w;
    khost_free(t->k);          /* the shell's kernel sockets close first */
    host_free(t->h);
    faults_free(t->w.faults);
    tap_offload_free(t->off);
    if (t->fd >= 0)
        close(t->fd);          /* a TAP we created goes with its descriptor */
    free(t);
}

static const struct world_ops tap_ops = {
    .now = w_now,
    .settle = w_settle,
    .run_until = w_run_until,
    .sleep = w_sleep,
    .free = w_free,
    .pollfds = w_pollfds,
    .next_deadline = w_next_deadline,
    .service = w_service,
};

/* ---- set-up ---------------------------------------------------------- */

static int setup_error(char *msg, size_t cap, int rc, const char *call, const char *what,
                       const char *ifname)
{
    int e = -rc;
    if (e == EPERM || e == EACCES) {
        snprintf(msg, cap, "tcplab: --tap needs CAP_NET_ADMIN to %s %s (%s: %s); run it with "
                 "sudo, or leave out --tap for sim mode", what, ifname, call, strerror(e));
        return 2;
    }
    if (strcmp(call, "open(/dev/net/tun)") == 0) {
        snprintf(msg, cap, "tcplab: --tap needs /dev/net/tun (%s: %s); load the tun module "
                 "(modprobe tun), or leave out --tap for sim mode", call, strerror(e));
        return 2;
    }
    if (e == EBUSY && strcmp(call, "ioctl(TUNSETIFF)") == 0) {
        snprintf(msg, cap, "tcplab: %s is in use (another tcplab?): %s: %s; pick another "
                 "name with --tap=NAME", ifname, call, strerror(e));
        return 1;
    }
    snprintf(msg, cap, "tcplab: cannot %s %s: %s: %s", what, ifname, call, strerror(e));
    return 1;
}

int tapworld_start(const struct tap_options *o, struct tapworld **out, char *msg, size_t cap)
{
    const char *ifname = o->ifname && *o->ifname ? o->ifname : TAP_DEFAULT_NAME;
    const char *call = "";
    int kidx = o->kernel ? 1 : 0, sidx = 1 - kidx;
    uint64_t seed = o->seed;
    if (o->random_seed && getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    *out = NULL;
    if (o->netns) {
        int rc = tap_private_netns(&call);
        if (rc < 0) {
            int e = -rc;
            snprintf(msg, cap, "tcplab: --netns needs CAP_SYS_ADMIN to make a network namespace "
                     "(%s: %s); run it with sudo, or leave out --netns", call, strerror(e));
            return e == EPERM || e == EACCES ? 2 : 1;
        }
    }
    bool created = false;
    int fd = tap_open_mode(ifname, o->offload, &created, &call);
    if (fd < 0)
        return setup_error(msg, cap, fd, call, "create", ifname);
    if (o->offload) {
        int rc = tap_set_offload(fd, &call);
        if (rc < 0) {
            close(fd);
            return setup_error(msg, cap, rc, call, "enable offloads on", ifname);
        }
    }
    struct host_config kc, sc;
    host_config_default(&kc, kidx, seed);
    host_config_default(&sc, sidx, seed);
    int rc = tap_configure(ifname, kc.mac, kc.addr, kc.prefix_len, &call);
    if (rc < 0 && !created && tap_is_configured(ifname, kc.addr))
        rc = 0;                /* a persistent TAP someone set up for us */
    if (rc < 0) {
        close(fd);
        return setup_error(msg, cap, rc, call, "configure", ifname);
    }
    struct tapworld *t = calloc(1, sizeof *t);
    if (!t) {
        close(fd);
        snprintf(msg, cap, "tcplab: out of memory");
        return 1;
    }
    t->fd = fd;
    t->created = created;
    t->netns = o->netns;
    t->pid = getpid();
    rc = tap_drop_privileges(t->dropped, sizeof t->dropped, &call);
    if (rc < 0) {
        w_free(&t->w);
        snprintf(msg, cap, "tcplab: cannot give up root after the set-up: %s: %s", call,
                 strerror(-rc));
        return 1;
    }
    t->sidx = sidx;
    t->kidx = kidx;
    t->h = host_new(&sc);
    t->k = khost_new(kc.name, kc.addr, sc.addr);
    t->w.faults = faults_new(seed, 0);
    t->w.ops = &tap_ops;
    if (o->offload && (t->off = tap_offload_new()))
        t->w.offload = &t->off->st;
    if (!t->h || !t->k || !t->w.faults || (o->offload && !t->off)) {
        w_free(&t->w);
        snprintf(msg, cap, "tcplab: out of memory");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t->t0);
    t->w.mode = "tap";
    t->w.seed = seed;
    t->w.realtime = true;
    snprintf(t->w.link, sizeof t->w.link, "%s", ifname);
    snprintf(t->w.name[sidx], sizeof t->w.name[sidx], "%s", sc.name);
    snprintf(t->w.name[kidx], sizeof t->w.name[kidx], "%s", kc.name);
    t->w.addr[sidx] = sc.addr;
    t->w.addr[kidx] = kc.addr;
    t->w.stack[sidx] = t->h;
    t->w.api[sidx] = &stack_sockapi;
    t->w.api_ctx[sidx] = t->h;
    t->w.kernel[kidx] = t->k;
    t->w.api[kidx] = &kernel_sockapi;
    t->w.api_ctx[kidx] = t->k;
    t->w.msl = sc.msl;
    memcpy(t->drop_mark, t->h->drops, sizeof t->drop_mark);
    /* The second core is the kernel's: its TCP, the program at the other
     * end.  The digests of long streams take what it leaves. */
    digest_idle_workers(true);
    *out = t;
    return 0;
}

void tapworld_enter_cmd(const struct tapworld *t, char *buf, size_t cap)
{
    const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");
    if (uid && gid && *uid && *gid && strcmp(uid, "0") != 0)
        snprintf(buf, cap, "sudo nsenter --net=/proc/%ld/ns/net -S %s -G %s python3",
                 (long)t->pid, uid, gid);
    else
        snprintf(buf, cap, "nsenter --net=/proc/%ld/ns/net python3", (long)t->pid);
}
