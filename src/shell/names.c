/* Names in the shell, one table per host, like the variables of the two
 * Python shells of the lab: "sock" is a socket, "conn_addr" an address. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"
#include "wire/ipv4.h"

struct sh_value *sh_name_get(struct shell *sh, int host, const char *name)
{
    for (int i = 0; i < SH_MAX_NAMES; i++)
        if (sh->names[host][i].v.kind != VAL_NONE && strcmp(sh->names[host][i].name, name) == 0)
            return &sh->names[host][i].v;
    return NULL;
}

int sh_name_set(struct shell *sh, int host, const char *name, const struct sh_value *v)
{
    struct sh_value *old = sh_name_get(sh, host, name);
    if (old) {
        *old = *v;
        return 0;
    }
    for (int i = 0; i < SH_MAX_NAMES; i++)
        if (sh->names[host][i].v.kind == VAL_NONE) {
            snprintf(sh->names[host][i].name, SH_NAME_LEN, "%s", name);
            sh->names[host][i].v = *v;
            return 0;
        }
    return -ENOSPC;
}

/* A name still means the socket it was given to only while that socket
 * holds the descriptor: descriptors are reused after close, names are not. */
static bool value_live(struct shell *sh, int host, const struct sh_value *v)
{
    struct sockinfo si;
    return sh_sockinfo(sh, host, v->fd, &si) && si.id == v->sock_id;
}

int sh_resolve_sock(struct shell *sh, int host, const char *word, int *err)
{
    *err = 0;
    if (isdigit((unsigned char)word[0])) {
        char *end;
        long fd = strtol(word, &end, 10);
        struct sockinfo si;
        if (*end || fd < 0 || fd > 65535 || !sh_sockinfo(sh, host, (int)fd, &si)) {
            *err = EBADF;
            return -1;
        }
        return (int)fd;
    }
    struct sh_value *v = sh_name_get(sh, host, word);
    if (!v) {
        *err = ENOENT;
        return -1;
    }
    if (v->kind != VAL_SOCK) {
        *err = ENOTSOCK;
        return -1;
    }
    if (!value_live(sh, host, v)) {
        *err = EBADF;          /* closed: Python says Bad file descriptor */
        return -1;
    }
    return v->fd;
}

const char *sh_fd_name(struct shell *sh, int host, int fd)
{
    struct sockinfo si;
    if (!sh_sockinfo(sh, host, fd, &si))
        return NULL;
    for (int i = 0; i < SH_MAX_NAMES; i++) {
        struct sh_value *v = &sh->names[host][i].v;
        if (v->kind == VAL_SOCK && v->fd == fd && v->sock_id == si.id)
            return sh->names[host][i].name;
    }
    return NULL;
}

const char *sh_name_of_cb(void *ctx, const struct host *h, int fd)
{
    struct shell *sh = ctx;
    for (int i = 0; i < WORLD_HOSTS; i++)
        if (sh->w->stack[i] == h)
            return sh_fd_name(sh, i, fd);
    return NULL;
}

const char *sh_name_at_cb(void *ctx, int host, int fd)
{
    return sh_fd_name(ctx, host, fd);
}

void sh_print_value(struct shell *sh, int host, const struct sh_value *v)
{
    char a[16], b[16];
    switch (v->kind) {
    case VAL_SOCK: {
        struct sockinfo s;
        if (!value_live(sh, host, v) || !sh_sockinfo(sh, host, v->fd, &s)) {
            fprintf(sh->out, "<socket [closed] fd=-1>\n");
            return;
        }
        fprintf(sh->out, "<socket fd=%d, type=%s, laddr=('%s', %u)", s.fd,
                s.type == SOCKT_TCP ? "SOCK_STREAM" : "SOCK_DGRAM",
                ipv4_ntoa(s.bound ? s.laddr : 0, a), s.bound ? s.lport : 0);
        if (s.connected)
            fprintf(sh->out, ", raddr=('%s', %u)", ipv4_ntoa(s.raddr, b), s.rport);
        if (s.type == SOCKT_TCP)
            fprintf(sh->out, ", state=%s", tcp_state_name(s.state));
        fprintf(sh->out, ">\n");
        return;
    }
    case VAL_ADDR:
        fprintf(sh->out, "('%s', %u)\n", ipv4_ntoa(v->addr, a), v->port);
        return;
    case VAL_NONE:
        fprintf(sh->out, "None\n");
        return;
    }
}

/* The name a socket had in the shell, even after its close. */
const char *sh_name_by_id(struct shell *sh, int host, int sock_id, int *fd)
{
    for (int i = 0; i < SH_MAX_NAMES; i++) {
        const struct sh_value *v = &sh->names[host][i].v;
        if (v->kind == VAL_SOCK && v->sock_id == sock_id) {
            *fd = v->fd;
            return sh->names[host][i].name;
        }
    }
    return NULL;
}

const char *sh_sock_name(struct shell *sh, int host, const struct hv_sock *s)
{
    int fd;
    if (s->fd >= 0)
        return sh_fd_name(sh, host, s->fd);
    return s->ours ? sh_name_by_id(sh, host, s->id, &fd) : NULL;
}
