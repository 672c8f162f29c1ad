/* Tap mode's set-up: the TAP device (/dev/net/tun, TUNSETIFF), the kernel
 * side's MAC, address and flags (the classic SIOCSIF* ioctls, no other
 * program run), the private namespace of --netns, and the privilege drop
 * that follows.  After this, the only link to the kernel is the TAP fd. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/if_tun.h>

#include "link/tap.h"

static int fail(const char **call, const char *what)
{
    int e = errno ? errno : EIO;
    *call = what;
    return -e;
}

int tap_open(const char *name, bool *created, const char **call)
{
    return tap_open_mode(name, false, created, call);
}

int tap_open_mode(const char *name, bool offload, bool *created, const char **call)
{
    struct ifreq ifr;
    if (strlen(name) >= IFNAMSIZ) {
        *call = "interface name";
        return -ENAMETOOLONG;
    }
    /* An interface of that name already there: TUNSETIFF attaches to it
     * if it is a persistent TAP, and it stays when we leave. */
    *created = if_nametoindex(name) == 0;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(call, "open(/dev/net/tun)");
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR | IFF_NAPI : 0));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int rc = fail(call, "ioctl(TUNSETIFF)");
        close(fd);
        return rc;
    }
    return fd;
}

/* --offload: the virtio-net header of the frames (the TAP's default size,
 * VNET_HDR_LEN), and what the kernel may leave to us as a NIC: checksums
 * and TCP segmentation over IPv4 and IPv6 (TUNSETOFFLOAD; the TAP then
 * offers the features, so the kernel's TCP hands it super-frames). */
int tap_set_offload(int fd, const char **call)
{
    int sz = 10;               /* sizeof (struct virtio_net_hdr) */
    if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0)
        return fail(call, "ioctl(TUNSETVNETHDRSZ)");
    if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0)
        return fail(call, "ioctl(TUNSETOFFLOAD)");
    return 0;
}

/* Write "1" to a /proc/sys file; a missing file (no IPv6 in this kernel)
 * is not an error. */
static int write_sysctl(const char *path, const char **call)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : fail(call, "open(/proc/sys/net/ipv6/conf/IF/disable_ipv6)");
    ssize_t n = write(fd, "1\n", 2);
    int rc = n == 2 ? 0 : fail(call, "write(/proc/sys/net/ipv6/conf/IF/disable_ipv6)");
    close(fd);
    return rc;
}

static void put_sin(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(addr)};
    memcpy(sa, &sin, sizeof sin);
}

static int set_flags_up(int s, const char *name, const char **call)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return fail(call, "ioctl(SIOCGIFFLAGS)");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return fail(call, "ioctl(SIOCSIFFLAGS)");
    return 0;
}

int tap_configure(const char *name, const uint8_t mac[ETH_ALEN], uint32_t addr, int prefix_len,
                  const char **call)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
    int rc = write_sysctl(path, call);
    if (rc < 0)
        return rc;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail(call, "socket(AF_INET)");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN);
    if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0) {
        rc = fail(call, "ioctl(SIOCSIFHWADDR)");
        goto out;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    put_sin(&ifr.ifr_addr, addr);
    if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
        rc = fail(call, "ioctl(SIOCSIFADDR)");
        goto out;
    }
    put_sin(&ifr.ifr_netmask, prefix_len ? ~0u << (32 - prefix_len) : 0);
    if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) {
        rc = fail(call, "ioctl(SIOCSIFNETMASK)");
        goto out;
    }
    rc = set_flags_up(s, name, call);
out:
    close(s);
    return rc;
}

bool tap_is_configured(const char *name, uint32_t addr)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    bool ok = ioctl(s, SIOCGIFADDR, &ifr) == 0;
    if (ok) {
        struct sockaddr_in sin;
        memcpy(&sin, &ifr.ifr_addr, sizeof sin);
        ok = ntohl(sin.sin_addr.s_addr) == addr;
    }
    ok = ok && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
    close(s);
    return ok;
}

int tap_private_netns(const char **call)
{
    if (unshare(CLONE_NEWNET) < 0)
        return fail(call, "unshare(CLONE_NEWNET)");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail(call, "socket(AF_INET)");
    int rc = set_flags_up(s, "lo", call);
    close(s);
    return rc;
}

static int parse_id(const char *s, unsigned long *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return *end || errno ? -1 : 0;
}

/* No capability left in any set: effective, permitted, inheritable,
 * ambient, bounding (so not even an exec could bring one back). */
static int drop_all_caps(const char **call)
{
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0)
        return fail(call, "capset");
    return 0;
}

int tap_drop_privileges(char *who, size_t cap, const char **call)
{
    unsigned long uid, gid;
    if (geteuid() == 0 && parse_id(getenv("SUDO_UID"), &uid) == 0 &&
        parse_id(getenv("SUDO_GID"), &gid) == 0 && uid != 0) {
        gid_t g = (gid_t)gid;
        if (setgroups(1, &g) < 0)
            return fail(call, "setgroups");
        if (setresgid(g, g, g) < 0)
            return fail(call, "setresgid");
        if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
            return fail(call, "setresuid");
        /* Root is gone for good: setuid(0) must fail now. */
        if (setuid(0) == 0) {
            *call = "setuid(0) after the drop";
            return -EPERM;
        }
        snprintf(who, cap, "user %lu (SUDO_UID)", uid);
        /* sudo left HOME at root's: the history file is the user's own */
        const struct passwd *pw = getpwuid((uid_t)uid);
        if (pw && pw->pw_dir)
            setenv("HOME", pw->pw_dir, 1);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);      /* so /proc/PID/ns/net stays usable */
        return 0;
    }
    int rc = drop_all_caps(call);
    if (rc == 0)
        snprintf(who, cap, "user %lu without capabilities", (unsigned long)geteuid());
    return rc;
}
