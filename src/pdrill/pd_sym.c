/* The names a packetdrill script uses for constants: socket families,
 * levels and options, fcntl and poll flags, Linux's TCP states (as
 * TCP_INFO's tcpi_state numbers them), and errno names.  The values are
 * Linux's, since scripts are written for Linux. */
#include <errno.h>
#include <string.h>

#include "pdrill/pd.h"

static const struct { const char *name; long long v; } symbols[] = {
    {"AF_INET", 2}, {"PF_INET", 2}, {"AF_INET6", 10}, {"PF_INET6", 10},
    {"SOCK_STREAM", 1}, {"SOCK_DGRAM", 2},
    {"IPPROTO_IP", 0}, {"IPPROTO_TCP", 6}, {"IPPROTO_UDP", 17},
    {"SOL_SOCKET", 1}, {"SOL_TCP", 6}, {"SOL_IP", 0},
    {"SO_REUSEADDR", 2}, {"SO_ERROR", 4}, {"SO_KEEPALIVE", 9}, {"SO_SNDBUF", 7},
    {"SO_RCVBUF", 8}, {"SO_LINGER", 13}, {"SO_REUSEPORT", 15},
    {"TCP_NODELAY", 1}, {"TCP_MAXSEG", 2}, {"TCP_INFO", 11}, {"TCP_QUICKACK", 12},
    {"F_GETFL", 3}, {"F_SETFL", 4}, {"O_RDONLY", 0}, {"O_WRONLY", 1}, {"O_RDWR", 2},
    {"O_NONBLOCK", 0x800},
    {"SHUT_RD", 0}, {"SHUT_WR", 1}, {"SHUT_RDWR", 2},
    {"POLLIN", 0x1}, {"POLLPRI", 0x2}, {"POLLOUT", 0x4}, {"POLLERR", 0x8},
    {"POLLHUP", 0x10}, {"POLLNVAL", 0x20}, {"POLLRDNORM", 0x40}, {"POLLWRNORM", 0x100},
    {"POLLRDHUP", 0x2000},
    {"MSG_PEEK", 0x2}, {"MSG_DONTWAIT", 0x40}, {"MSG_WAITALL", 0x100},
    {"TCP_ESTABLISHED", 1}, {"TCP_SYN_SENT", 2}, {"TCP_SYN_RECV", 3},
    {"TCP_FIN_WAIT1", 4}, {"TCP_FIN_WAIT2", 5}, {"TCP_TIME_WAIT", 6}, {"TCP_CLOSE", 7},
    {"TCP_CLOSE_WAIT", 8}, {"TCP_LAST_ACK", 9}, {"TCP_LISTEN", 10}, {"TCP_CLOSING", 11},
    {"INADDR_ANY", 0}, {"NULL", 0},
};

bool pd_symbol(const char *name, long long *v)
{
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        if (strcmp(symbols[i].name, name) == 0) {
            *v = symbols[i].v;
            return true;
        }
    return false;
}

#define PD_ERRNOS(X)                                                             \
    X(EPERM) X(ENOENT) X(EINTR) X(EIO) X(EBADF) X(EAGAIN) X(ENOMEM) X(EACCES)    \
    X(EFAULT) X(EBUSY) X(EEXIST) X(EINVAL) X(ENFILE) X(EMFILE) X(EPIPE)          \
    X(ENOTSOCK) X(EDESTADDRREQ) X(EMSGSIZE) X(EPROTOTYPE) X(ENOPROTOOPT)         \
    X(EPROTONOSUPPORT) X(EOPNOTSUPP) X(EAFNOSUPPORT) X(EADDRINUSE)               \
    X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ENETRESET) X(ECONNABORTED)     \
    X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ESHUTDOWN) X(ETIMEDOUT)    \
    X(ECONNREFUSED) X(EHOSTDOWN) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS)

static const struct { const char *name; int v; } errnos[] = {
#define PD_ERRNO_ROW(e) {#e, e},
    PD_ERRNOS(PD_ERRNO_ROW)
#undef PD_ERRNO_ROW
    {"EWOULDBLOCK", EWOULDBLOCK},
};

const char *pd_errno_name(int e)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].v == e)
            return errnos[i].name;
    return "E?";
}

int pd_errno_value(const char *name)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(errnos[i].name, name) == 0)
            return errnos[i].v;
    return -1;
}
