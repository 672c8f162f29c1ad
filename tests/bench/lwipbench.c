/* lwIP on the same kind of TAP as tcplab's tap mode, for make bench: the
 * user-space stack most people would pick instead of tcplab's, sending to
 * the same kernel sink (tests/bench/sink.c) with Debian's liblwip (2.1.3,
 * the contrib unix port: its raw API, its tapif driver, one read() or
 * write() per frame as tcplab's tap mode does).
 *
 *   lwipbench -n BYTES [-i IFNAME] ADDR PORT      (root, in a namespace)
 *
 * Run it in a network namespace of its own (run.sh does, unshare -n).  It
 * makes the TAP IFNAME (default lwip0) through tapif, gives the kernel's
 * side the address tcplab gives it (10.10.2.100/16, juliet's MAC) and lwIP
 * romeo's (10.10.1.100), connects to ADDR:PORT, sends BYTES, closes, and
 * waits until every byte and the FIN are acknowledged.  The bytes are a
 * 64 KiB pattern over and over, handed to tcp_write() without a copy
 * (static data); their SHA-256 is computed after the transfer, outside
 * the sink's timing.  One line on stdout, as tcplab's send --bytes says it:
 *   N bytes sent, sha256 HEX
 * Exit 1 on any error, or when nothing moves for 20 s.
 *
 * Debian's build: NO_SYS 0 (a tcpip thread, and tapif's own thread reading
 * the TAP), core locking on; the raw API is called from the tcpip thread
 * (the callbacks) or under LOCK_TCPIP_CORE().  Its memory pools break on
 * full-size frames received, so it only ever sends here: what it receives
 * are the kernel's ACKs. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

#include "benchutil.h"
#include "util/sha256.h"

#define PATTERN  65536u
#define STACK_IP "10.10.1.100"
#define KERN_IP  "10.10.2.100"
#define PREFIX   "255.255.0.0"

static const uint8_t kern_mac[6] = {0x02, 0x00, 0x0a, 0x0a, 0x02, 0x64};
static uint8_t pattern[PATTERN];

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct {
    uint64_t total, queued, acked;
    bool done, failed;
    const char *why;
} st;

static _Noreturn void die(const char *what) { bench_die("lwipbench", what); }

static void finish(bool failed, const char *why)
{
    pthread_mutex_lock(&mu);
    st.done = true;
    st.failed = failed;
    st.why = why;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

/* As much as the send buffer takes, straight from the pattern. */
static void fill(struct tcp_pcb *pcb)
{
    while (st.queued < st.total) {
        uint32_t off = (uint32_t)(st.queued % PATTERN);
        uint64_t n = st.total - st.queued;
        if (n > PATTERN - off)
            n = PATTERN - off;
        if (n > tcp_sndbuf(pcb))
            n = tcp_sndbuf(pcb);
        if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
            break;
        u8_t more = st.queued + n < st.total ? TCP_WRITE_FLAG_MORE : 0;
        if (tcp_write(pcb, pattern + off, (u16_t)n, more) != ERR_OK)
            break;
        st.queued += n;
    }
    tcp_output(pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    pthread_mutex_lock(&mu);
    st.acked += len;
    pthread_mutex_unlock(&mu);
    if (st.acked < st.total) {
        fill(pcb);
        return ERR_OK;
    }
    /* Every byte acknowledged: the FIN, then lwIP finishes the close. */
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
        finish(true, "tcp_close");
        return ERR_ABRT;
    }
    finish(false, NULL);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    if (p) {                      /* the sink sends nothing; take it anyway */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    }
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    finish(true, lwip_strerr(err));
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    if (err != ERR_OK) {
        finish(true, "connect");
        return err;
    }
    fill(pcb);
    return ERR_OK;
}

static void set_ifaddr(int s, const char *ifname, unsigned long req, const char *addr,
                       const char *what)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    inet_pton(AF_INET, addr, &sin.sin_addr);
    memcpy(req == SIOCSIFNETMASK ? &ifr.ifr_netmask : &ifr.ifr_addr, &sin, sizeof sin);
    if (ioctl(s, req, &ifr) < 0)
        die(what);
}

/* The kernel's side of the TAP, as tcplab sets it up for juliet. */
static void configure_kernel_side(const char *ifname)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, kern_mac, 6);
    if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0)
        die("SIOCSIFHWADDR");
    set_ifaddr(s, ifname, SIOCSIFADDR, KERN_IP, "SIOCSIFADDR");
    set_ifaddr(s, ifname, SIOCSIFNETMASK, PREFIX, "SIOCSIFNETMASK");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die("SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die("SIOCSIFFLAGS");
    close(s);
}

int main(int argc, char **argv)
{
    const char *ifname = "lwip0";
    uint64_t total = 0;
    int opt;
    while ((opt = getopt(argc, argv, "n:i:")) != -1) {
        if (opt == 'n')
            total = strtoull(optarg, NULL, 10);
        else if (opt == 'i')
            ifname = optarg;
        else
            goto usage;
    }
    if (argc - optind != 2 || total == 0) {
usage:
        fprintf(stderr, "usage: lwipbench -n BYTES [-i IFNAME] ADDR PORT\n");
        return 2;
    }
    ip_addr_t peer;
    ip4_addr_t me, mask, gw;
    if (!ipaddr_aton(argv[optind], &peer) || !IP_IS_V4(&peer)) {
        fprintf(stderr, "lwipbench: bad address %s\n", argv[optind]);
        return 2;
    }
    u16_t port = (u16_t)atoi(argv[optind + 1]);
    ip4addr_aton(STACK_IP, &me);
    ip4addr_aton(PREFIX, &mask);
    ip4_addr_set_zero(&gw);
    for (uint32_t i = 0; i < PATTERN; i++)
        pattern[i] = (uint8_t)(i * 131u + (i >> 8) * 7u);
    st.total = total;

    /* tapif opens IFNAME itself and, so named, runs no ifconfig */
    setenv("PRECONFIGURED_TAPIF", ifname, 1);
    tcpip_init(NULL, NULL);
    static struct netif nif;
    LOCK_TCPIP_CORE();
    if (!netif_add(&nif, &me, &mask, &gw, NULL, tapif_init, tcpip_input)) {
        UNLOCK_TCPIP_CORE();
        fprintf(stderr, "lwipbench: netif_add failed\n");
        return 1;
    }
    UNLOCK_TCPIP_CORE();
    configure_kernel_side(ifname);         /* up before lwIP's first frame */
    LOCK_TCPIP_CORE();
    netif_set_default(&nif);
    netif_set_up(&nif);
    UNLOCK_TCPIP_CORE();

    LOCK_TCPIP_CORE();
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb) {
        UNLOCK_TCPIP_CORE();
        fprintf(stderr, "lwipbench: tcp_new failed\n");
        return 1;
    }
    tcp_sent(pcb, on_sent);
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_err);
    err_t e = tcp_connect(pcb, &peer, port, on_connected);
    UNLOCK_TCPIP_CORE();
    if (e != ERR_OK) {
        fprintf(stderr, "lwipbench: tcp_connect: %s\n", lwip_strerr(e));
        return 1;
    }

    /* Wait for the end, or for 20 s without progress. */
    uint64_t last = (uint64_t)-1;
    pthread_mutex_lock(&mu);
    while (!st.done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 20;
        if (pthread_cond_timedwait(&cv, &mu, &until) == ETIMEDOUT && !st.done) {
            uint64_t now_acked = st.acked;
            if (now_acked == last) {
                st.failed = true;
                st.why = "no progress for 20 s";
                break;
            }
            last = now_acked;
        }
    }
    bool failed = st.failed;
    const char *why = st.why;
    uint64_t acked = st.acked;
    pthread_mutex_unlock(&mu);
    if (failed) {
        fprintf(stderr, "lwipbench: %s after %llu of %llu bytes\n", why ? why : "failed",
                (unsigned long long)acked, (unsigned long long)total);
        return 1;
    }
    /* the FIN's exchange: lwIP answers the sink's own FIN in its thread */
    usleep(200 * 1000);

    struct sha256 sha;
    sha256_init(&sha);
    for (uint64_t done = 0; done < total;) {
        uint64_t n = total - done < PATTERN ? total - done : PATTERN;
        sha256_update(&sha, pattern, (size_t)n);
        done += n;
    }
    uint8_t d[32];
    char hex[65];
    sha256_final(&sha, d);
    sha256_hex(d, hex);
    printf("%llu bytes sent, sha256 %s\n", (unsigned long long)total, hex);
    return 0;
}
