/* The raw TAP frame pump of make bench: how many full-size frames a
 * user-space program can move through a TAP device at all, one frame per
 * read() or write() as tcplab's tap mode does — the ceiling for any
 * user-space stack on TAP.
 *
 *   tappump [-t SECONDS]        (root; default 2 s per direction)
 *
 * It makes a network namespace of its own first (unshare), so nothing it
 * sends can leave it, and in there a TAP "pump0" (10.99.0.1/24, up).
 *  write: 1514-byte frames written into the TAP, addressed to another MAC,
 *         so the kernel takes each one in and drops it at once (IP's
 *         "not for this host");
 *  read:  the kernel blasts 1472-byte UDP datagrams (1514-byte frames) at
 *         10.99.0.2, a permanent ARP entry behind the TAP, from a second
 *         thread; this one reads the frames from the TAP.
 *
 * One line per direction on stdout:
 *   write frames F seconds S fps R gbit G dropped D
 *   read frames F seconds S fps R gbit G dropped D
 * G is payload-equivalent: 1448 bytes per frame, the TCP payload of a
 * full-size segment with timestamps (MSS 1460 less the option), so it
 * compares with the payload rates of the tap transfers.  D: frames the
 * TAP's counters say were dropped (rx_dropped while writing: not counted
 * in F; tx_dropped while reading: the reader fell behind). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

#define FRAME    1514
#define UDP_DATA 1472        /* 1514 - 14 Ethernet - 20 IP - 8 UDP */
#define PAYLOAD  1448        /* payload-equivalent bytes per frame */
#define TAP_NAME "pump0"

static const uint8_t tap_mac[6] = {0x02, 0, 0, 0, 0, 0x01};  /* the kernel's side */
static const uint8_t far_mac[6] = {0x02, 0, 0, 0, 0, 0x02};  /* behind the TAP */
static atomic_bool stop;

static double now(void) { return bench_now(); }
static _Noreturn void die(const char *what) { bench_die("tappump", what); }

static void put_sin(struct sockaddr *sa, const char *addr)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    inet_pton(AF_INET, addr, &sin.sin_addr);
    memcpy(sa, &sin, sizeof sin);
}

static int ifreq_ioctl(int s, unsigned long req, struct ifreq *ifr, const char *what)
{
    snprintf(ifr->ifr_name, IFNAMSIZ, "%s", TAP_NAME);
    if (ioctl(s, req, ifr) < 0)
        die(what);
    return 0;
}

/* The TAP, its address and the permanent neighbour 10.99.0.2. */
static int setup(void)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("open /dev/net/tun");
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
    ifreq_ioctl(fd, TUNSETIFF, &ifr, "TUNSETIFF");
    int v6 = open("/proc/sys/net/ipv6/conf/" TAP_NAME "/disable_ipv6", O_WRONLY);
    if (v6 >= 0) {             /* no router solicitations in the count */
        if (write(v6, "1\n", 2) != 2)
            die("disable_ipv6");
        close(v6);
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        die("socket");
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, tap_mac, 6);
    ifreq_ioctl(s, SIOCSIFHWADDR, &ifr, "SIOCSIFHWADDR");
    memset(&ifr, 0, sizeof ifr);
    put_sin(&ifr.ifr_addr, "10.99.0.1");
    ifreq_ioctl(s, SIOCSIFADDR, &ifr, "SIOCSIFADDR");
    put_sin(&ifr.ifr_netmask, "255.255.255.0");
    ifreq_ioctl(s, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK");
    memset(&ifr, 0, sizeof ifr);
    ifreq_ioctl(s, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    ifreq_ioctl(s, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS");
    struct arpreq ar = {.arp_flags = ATF_PERM | ATF_COM};
    put_sin(&ar.arp_pa, "10.99.0.2");
    ar.arp_ha.sa_family = ARPHRD_ETHER;
    memcpy(ar.arp_ha.sa_data, far_mac, 6);
    snprintf(ar.arp_dev, sizeof ar.arp_dev, "%s", TAP_NAME);
    if (ioctl(s, SIOCSARP, &ar) < 0)
        die("SIOCSARP");
    close(s);
    return fd;
}

static void result(const char *dir, uint64_t frames, double secs, uint64_t dropped)
{
    printf("%s frames %llu seconds %.3f fps %.0f gbit %.3f dropped %llu\n", dir,
           (unsigned long long)frames, secs, (double)frames / secs,
           (double)frames * PAYLOAD * 8 / secs / 1e9, (unsigned long long)dropped);
}

static uint64_t stat_of(const char *name)
{
    char path[128], line[32];
    snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", TAP_NAME, name);
    FILE *f = fopen(path, "r");
    uint64_t v = 0;
    if (f && fgets(line, sizeof line, f))
        v = strtoull(line, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* (a) user space to the kernel: frames the kernel takes and drops. */
static void pump_write(int fd, double secs)
{
    uint8_t f[FRAME] = {0};
    memcpy(f, far_mac, 6);                     /* not the TAP's MAC: dropped in IP */
    memcpy(f + 6, far_mac, 6);
    f[6 + 5] = 0x03;
    f[12] = 0x08;                              /* IPv4 */
    f[14] = 0x45;
    f[16] = (FRAME - 14) >> 8, f[17] = (FRAME - 14) & 0xff;
    f[22] = 64, f[23] = 17;
    uint64_t n = 0, dropped0 = stat_of("rx_dropped");
    double t0 = now(), end = t0 + secs, t;
    do {
        for (int i = 0; i < 256; i++) {
            if (write(fd, f, sizeof f) == (ssize_t)sizeof f)
                n++;
            else if (errno != EINTR && errno != EAGAIN)
                die("write to the TAP");
        }
    } while ((t = now()) < end);
    uint64_t dropped = stat_of("rx_dropped") - dropped0;
    result("write", n > dropped ? n - dropped : 0, t - t0, dropped);
}

static void *blast(void *arg)
{
    (void)arg;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        die("socket");
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
    inet_pton(AF_INET, "10.99.0.2", &to.sin_addr);
    if (connect(s, (struct sockaddr *)&to, sizeof to) < 0)
        die("connect");
    static uint8_t data[UDP_DATA];
    struct iovec iov = {data, sizeof data};
    struct mmsghdr m[64];
    for (int i = 0; i < 64; i++)
        m[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov, .msg_iovlen = 1}};
    while (!atomic_load(&stop))
        if (sendmmsg(s, m, 64, 0) < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
            die("sendmmsg");
    close(s);
    return NULL;
}

/* (b) the kernel to user space: full-size frames read from the TAP. */
static void pump_read(int fd, double secs)
{
    pthread_t th;
    if (pthread_create(&th, NULL, blast, NULL) != 0)
        die("pthread_create");
    uint8_t f[2048];
    uint64_t n = 0;
    /* the first frames may be ARP-free already (a permanent entry), but let
     * the sender get going before the clock starts */
    while (n < 1000)
        n += read(fd, f, sizeof f) == FRAME;
    n = 0;
    uint64_t dropped0 = stat_of("tx_dropped");
    double t0 = now(), end = t0 + secs, t;
    do {
        for (int i = 0; i < 256; i++) {
            ssize_t r = read(fd, f, sizeof f);
            if (r == FRAME)
                n++;
            else if (r < 0 && errno != EINTR)
                die("read from the TAP");
        }
    } while ((t = now()) < end);
    uint64_t dropped = stat_of("tx_dropped") - dropped0;
    atomic_store(&stop, true);
    pthread_join(th, NULL);
    result("read", n, t - t0, dropped);
}

int main(int argc, char **argv)
{
    double secs = 2;
    int opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt == 't')
            secs = atof(optarg);
        else {
            fprintf(stderr, "usage: tappump [-t SECONDS]\n");
            return 2;
        }
    }
    if (unshare(CLONE_NEWNET) < 0)             /* a namespace of our own */
        die("unshare(CLONE_NEWNET) (run as root)");
    alarm((unsigned)(2 * secs) + 30);
    int fd = setup();
    pump_write(fd, secs);
    pump_read(fd, secs);
    close(fd);
    return 0;
}
