/* Non-blocking mode and readiness: O_NONBLOCK as fcntl() sets it, and
 * poll()'s answer for a socket, bit for bit what Linux's tcp_poll()
 * (net/ipv4/tcp.c) and datagram_poll() report, so that scripts written
 * for Linux (packetdrill's poll() lines) see the same bits. */
#include <errno.h>
#include <poll.h>

#include "stack/api.h"

int sock_set_nonblock(struct host *h, int fd, bool on)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return -EBADF;
    s->nonblock = on;
    return 0;
}

int sock_get_nonblock(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    return s ? s->nonblock : -EBADF;
}

/* Linux's sk_stream_is_writeable(): free send space at least half of
 * what is queued. */
static bool writeable(const struct sock *s)
{
    size_t queued = s->sndq.len;
    return s->sndq.limit > queued && s->sndq.limit - queued >= queued / 2;
}

static int tcp_poll_bits(const struct sock *s)
{
    enum tcp_state st = s->tcb.state;
    int m = 0;
    if (st == TCP_LISTEN)
        return s->accept_head ? POLLIN | POLLRDNORM : 0;
    /* A connection that ended (reset, refused, timed out) is shut both
     * ways, as Linux's tcp_done() does; a socket never connected is not. */
    bool done = st == TCP_CLOSED && (s->ever_connected || s->rport != 0);
    bool rcv_shut = s->shut_rd || s->tcb.fin_rcvd || done;
    bool snd_shut = s->shut_wr || done;
    if ((rcv_shut && snd_shut) || st == TCP_CLOSED)
        m |= POLLHUP;
    if (rcv_shut)
        m |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (st != TCP_SYN_SENT && st != TCP_SYN_RECEIVED) {
        if (s->rcvq.len)
            m |= POLLIN | POLLRDNORM;
        if (snd_shut || writeable(s))
            m |= POLLOUT | POLLWRNORM;
    }
    if (s->err)
        m |= POLLERR;
    return m;
}

int sock_poll(struct host *h, int fd)
{
    struct sock *s = sock_by_fd(h, fd);
    if (!s)
        return POLLNVAL;
    if (s->type == SOCKT_UDP) {
        int m = POLLOUT | POLLWRNORM;
        if (s->dq_head)
            m |= POLLIN | POLLRDNORM;
        if (s->err)
            m |= POLLERR;
        return m;
    }
    return tcp_poll_bits(s);
}
