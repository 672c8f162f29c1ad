/* A socket API as the shell drives it, served either by tcplab's own
 * stack (stack_sockapi, ctx a struct host) or, in tap mode, by the Linux
 * kernel.  Same conventions as api.h: negative errno, nothing blocks. */
#ifndef TCPLAB_SOCKAPI_H
#define TCPLAB_SOCKAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/api.h"
#include "stack/sock.h"
#include "util/tltime.h"

/* One socket as the shell and the views see it, whoever serves it. */
struct sockinfo {
    int fd;
    int id;                    /* stable identity while the socket lives */
    enum sock_type type;
    enum tcp_state state;      /* TCP; UDP sockets report CLOSED */
    bool bound, connected;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    size_t recv_q, send_q;     /* as ss shows them */
};

/* The socket calls of one host, with the stack API's conventions:
 * negative errno results, nothing blocks, `now` passed in. */
struct sockapi {
    int (*socket)(void *h, enum sock_type type);
    int (*bind)(void *h, int fd, uint32_t addr, uint16_t port);
    int (*listen)(void *h, int fd, int backlog, tl_time now);
    int (*connect)(void *h, int fd, uint32_t addr, uint16_t port, tl_time now);
    int (*accept)(void *h, int fd, uint32_t *addr, uint16_t *port, tl_time now);
    long (*send)(void *h, int fd, const void *buf, size_t len, tl_time now);
    long (*sendto)(void *h, int fd, const void *buf, size_t len, uint32_t addr, uint16_t port,
                   tl_time now);
    long (*recvfrom)(void *h, int fd, void *buf, size_t len, uint32_t *addr, uint16_t *port,
                     tl_time now);
    int (*shutdown)(void *h, int fd, int how, tl_time now);
    int (*close)(void *h, int fd, tl_time now);
    int (*abort)(void *h, int fd, tl_time now);
    int (*setsockopt)(void *h, int fd, enum sockopt opt, int value);
    bool (*connect_done)(void *h, int fd, int *err);
    /* 0 and *info filled, or -EBADF */
    int (*info)(void *h, int fd, struct sockinfo *info);
};

/* The sockapi of tcplab's own stack (ctx: struct host *). */
extern const struct sockapi stack_sockapi;

#endif
