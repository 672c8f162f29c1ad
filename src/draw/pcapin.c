/* A pcap file as a session log (draw.h), so that a capture made anywhere
 * (tcplab -w, tcpdump on the course's Linux testbed) can be drawn.  Hosts
 * are the lab's when their addresses are (romeo, juliet), else the first
 * two IPv4 addresses seen.  A capture has one vantage point: each frame
 * is taken as delivered when captured.  The states of each side are
 * inferred from the segments, as an observer on the wire sees them (RFC
 * 9293 Figure 5, the arrows a segment sent or received takes). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "draw/draw.h"
#include "draw/seg.h"
#include "stack/host.h"
#include "stack/tcp_fsm.h"
#include "wire/bytes.h"
#include "wire/ipv4.h"

bool pcap_is_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t m[4] = {0};
    bool yes = f && fread(m, 1, 4, f) == 4 &&
               (get_be32(m) == 0xa1b2c3d4 || get_be32(m) == 0xd4c3b2a1 ||
                get_be32(m) == 0xa1b23c4d || get_be32(m) == 0x4d3cb2a1 || get_be32(m) == 0x0a0d0d0a);
    if (f)
        fclose(f);
    return yes;
}

/* One connection seen on the wire: each side's inferred state. */
struct pconn {
    uint32_t addr[2];
    uint16_t port[2];
    int host[2];               /* side -> host index */
    int id[2];                 /* socket ids in the log */
    enum tcp_state st[2];
    uint32_t fin_seq[2];
    bool fin[2];
};

#define PCAP_CONNS 256

static void set_state(struct slog *l, struct pconn *c, int side, enum tcp_state to,
                      enum tcp_cause cause, tl_time t)
{
    if (c->st[side] == to)
        return;
    slog_add_state(l, c->host[side], c->id[side], t, c->st[side], to, cause);
    c->st[side] = to;
}

/* The arrows a segment takes: at its sender (side s) and its receiver. */
static void infer(struct slog *l, struct pconn *c, int s, const struct dseg *g, tl_time t)
{
    int r = 1 - s;
    if (g->flags & TH_RST) {
        set_state(l, c, r, TCP_CLOSED, TCP_CAUSE_RCV_RST, t);
        set_state(l, c, s, TCP_CLOSED, TCP_CAUSE_SND_RST, t);
        return;
    }
    if ((g->flags & TH_SYN) && !(g->flags & TH_ACK)) {
        set_state(l, c, s, TCP_SYN_SENT, TCP_CAUSE_CONNECT, t);
        if (c->st[r] == TCP_LISTEN)
            set_state(l, c, r, TCP_SYN_RECEIVED, TCP_CAUSE_RCV_SYN, t);
        return;
    }
    if ((g->flags & TH_SYN) && (g->flags & TH_ACK)) {
        if (c->st[r] == TCP_SYN_SENT)
            set_state(l, c, r, TCP_ESTABLISHED, TCP_CAUSE_RCV_SYN_ACK, t);
        return;
    }
    /* the ACK of the other side's SYN or FIN */
    if ((g->flags & TH_ACK) && c->st[r] == TCP_SYN_RECEIVED)
        set_state(l, c, r, TCP_ESTABLISHED, TCP_CAUSE_RCV_ACK_OF_SYN, t);
    if ((g->flags & TH_ACK) && c->fin[r] && g->ack == c->fin_seq[r] + 1) {
        if (c->st[r] == TCP_FIN_WAIT_1)
            set_state(l, c, r, TCP_FIN_WAIT_2, TCP_CAUSE_RCV_ACK_OF_FIN, t);
        else if (c->st[r] == TCP_CLOSING)
            set_state(l, c, r, TCP_TIME_WAIT, TCP_CAUSE_RCV_ACK_OF_FIN, t);
        else if (c->st[r] == TCP_LAST_ACK)
            set_state(l, c, r, TCP_CLOSED, TCP_CAUSE_RCV_ACK_OF_FIN, t);
    }
    if (g->flags & TH_FIN) {
        c->fin[s] = true;
        c->fin_seq[s] = g->seq + g->len;
        if (c->st[s] == TCP_ESTABLISHED)
            set_state(l, c, s, TCP_FIN_WAIT_1, TCP_CAUSE_SND_FIN, t);
        else if (c->st[s] == TCP_CLOSE_WAIT)
            set_state(l, c, s, TCP_LAST_ACK, TCP_CAUSE_SND_FIN, t);
        if (c->st[r] == TCP_ESTABLISHED)
            set_state(l, c, r, TCP_CLOSE_WAIT, TCP_CAUSE_RCV_FIN, t);
        else if (c->st[r] == TCP_FIN_WAIT_2)
            set_state(l, c, r, TCP_TIME_WAIT, TCP_CAUSE_RCV_FIN, t);
        else if (c->st[r] == TCP_FIN_WAIT_1)
            set_state(l, c, r, TCP_CLOSING, TCP_CAUSE_RCV_FIN, t);
    }
}

static int host_of(struct slog *l, uint32_t addr, int *nhosts)
{
    for (int h = 0; h < *nhosts; h++)
        if (l->host_addr[h] == addr)
            return h;
    for (int h = 0; h < SLOG_HOSTS; h++) {
        struct host_config hc;
        host_config_default(&hc, h, 1);
        if (hc.addr == addr)
            return h;
    }
    return -1;
}

struct slog *pcap_session(const char *path, char *err, size_t cap)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline(path, perr);
    if (!p) {
        snprintf(err, cap, "%s: %s", path, perr);
        return NULL;
    }
    if (pcap_datalink(p) != DLT_EN10MB) {
        snprintf(err, cap, "%s: not an Ethernet capture (link type %d)", path, pcap_datalink(p));
        pcap_close(p);
        return NULL;
    }
    struct slog *l = slog_new();
    struct pconn *conn = calloc(PCAP_CONNS, sizeof *conn);
    if (!l || !conn) {
        snprintf(err, cap, "out of memory");
        free(conn);
        slog_free(l);
        pcap_close(p);
        return NULL;
    }
    /* The lab's hosts by name; others take their addresses' place. */
    for (int h = 0; h < SLOG_HOSTS; h++) {
        struct host_config hc;
        host_config_default(&hc, h, 1);
        snprintf(l->host_name[h], sizeof l->host_name[h], "%s", hc.name);
        l->host_addr[h] = hc.addr;
    }
    int nhosts = 0, nconn = 0, next_id = 1;
    bool lab_hosts = false;
    struct pcap_pkthdr *ph;
    const u_char *data;
    tl_time t0 = -1;
    int rc;
    while ((rc = pcap_next_ex(p, &ph, &data)) == 1) {
        tl_time t = (tl_time)ph->ts.tv_sec * TL_SEC + ph->ts.tv_usec;
        if (t0 < 0)
            t0 = t;
        struct slog_frame tmp = {.caplen = (uint16_t)(ph->caplen < SLOG_SNAP ? ph->caplen : SLOG_SNAP)};
        memcpy(tmp.data, data, tmp.caplen);
        struct dseg g;
        uint32_t src = 0;
        if (dseg_parse(&tmp, &g))
            src = g.src;
        else if (tmp.caplen >= 42 && get_be16(tmp.data + 12) == 0x0806)
            src = get_be32(tmp.data + 28);          /* ARP sender address */
        else
            continue;
        int from = host_of(l, src, &nhosts);
        if (from < 0 && !lab_hosts && nhosts < SLOG_HOSTS) {
            /* not the lab's addresses: the first two seen are the hosts */
            from = nhosts++;
            l->host_addr[from] = src;
            ipv4_ntoa(src, l->host_name[from]);
        } else if (from >= 0 && nhosts == 0) {
            lab_hosts = true;
        }
        if (from < 0)
            continue;
        slog_add_frame(l, from, data, ph->len, t - t0);
        struct slog_frame *fr = SLOG_AT(l->frames, struct slog_frame, l->frames.n - 1);
        fr->fate = SLOG_DELIVERED;
        fr->arrive = t - t0;
        if (!g.tcp)
            continue;
        struct pconn *c = NULL;
        int side = 0;
        for (int i = 0; i < nconn && !c; i++)
            for (int s = 0; s < 2 && !c; s++)
                if (conn[i].addr[s] == g.src && conn[i].port[s] == g.sport &&
                    conn[i].addr[1 - s] == g.dst && conn[i].port[1 - s] == g.dport) {
                    c = &conn[i];
                    side = s;
                }
        if (!c && (g.flags & (TH_SYN | TH_ACK)) == TH_SYN && nconn < PCAP_CONNS) {
            c = &conn[nconn++];
            side = 0;
            c->addr[0] = g.src;
            c->port[0] = g.sport;
            c->addr[1] = g.dst;
            c->port[1] = g.dport;
            c->st[0] = TCP_CLOSED;
            c->st[1] = TCP_LISTEN;
            for (int s = 0; s < 2; s++) {
                c->host[s] = s ? 1 - from : from;
                c->id[s] = next_id++;
                struct slog_sock *k = slog_sock(l, c->host[s], c->id[s]);
                if (k) {
                    snprintf(k->name, sizeof k->name, "%u", c->port[s]);
                    k->laddr = c->addr[s];
                    k->lport = c->port[s];
                    k->raddr = c->addr[1 - s];
                    k->rport = c->port[1 - s];
                }
            }
        }
        if (c)
            infer(l, c, side, &g, t - t0);
    }
    if (rc == PCAP_ERROR) {
        snprintf(err, cap, "%s: %s", path, pcap_geterr(p));
        slog_free(l);
        l = NULL;
    } else if (l->frames.n == 0) {
        snprintf(err, cap, "%s: no IPv4 or ARP frame to draw", path);
        slog_free(l);
        l = NULL;
    }
    free(conn);
    pcap_close(p);
    return l;
}
