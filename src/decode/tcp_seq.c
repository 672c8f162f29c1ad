/* The relative sequence-number table of the default (non -S) mode.
 * One entry per conversation, keyed without regard to direction; it holds
 * the initial sequence number of each side.  Entries are never removed.
 * tcpdump 4.99.3 print-tcp.c (tcp_seq_hash4 and tcp_seq_hash6); rules in
 * shared/docs/tcpdump-format.md §8.3. */
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"

#define SEQ_BUCKETS 919         /* tcpdump's TSEQ_HASHSIZE */

/* The key with the "lower" side first: lower port, or on equal ports the
 * lower address.  `seq` is that side's base, `ack` the other side's. */
struct seq_entry {
    struct seq_entry *next;
    uint8_t lo_addr[16], hi_addr[16];
    uint8_t alen;               /* 4 or 16: IPv4 and IPv6 never match */
    uint32_t ports;             /* lo_port << 16 | hi_port */
    uint32_t seq, ack;
};

struct tcp_seq_table {
    struct seq_entry *bucket[SEQ_BUCKETS];
};

struct tcp_seq_table *nd_tcp_seq_new(void)
{
    return calloc(1, sizeof(struct tcp_seq_table));
}

void nd_tcp_seq_free(struct tcp_seq_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < SEQ_BUCKETS; i++) {
        struct seq_entry *e = t->bucket[i];
        while (e != NULL) {
            struct seq_entry *next = e->next;
            free(e);
            e = next;
        }
    }
    free(t);
}

static bool same_key(const struct seq_entry *e, const uint8_t *lo, const uint8_t *hi,
                     uint8_t alen, uint32_t ports)
{
    return e->ports == ports && e->alen == alen && memcmp(e->lo_addr, lo, alen) == 0 &&
           memcmp(e->hi_addr, hi, alen) == 0;
}

bool nd_tcp_seq_relative(struct tcp_seq_table *t, const struct tcp_seq_key *k,
                      bool syn, uint32_t *seq, uint32_t *ack, uint32_t *base_peer)
{
    /* rev: the sender is the "higher" side of the key. */
    bool rev = k->sport > k->dport ||
               (k->sport == k->dport && memcmp(k->src, k->dst, k->alen) > 0);
    const uint8_t *lo = rev ? k->dst : k->src;
    const uint8_t *hi = rev ? k->src : k->dst;
    uint32_t ports = rev ? (uint32_t)k->dport << 16 | k->sport
                         : (uint32_t)k->sport << 16 | k->dport;

    struct seq_entry **slot = &t->bucket[ports % SEQ_BUCKETS];
    struct seq_entry *e = *slot;
    while (e != NULL && !same_key(e, lo, hi, k->alen, ports))
        e = e->next;

    if (e == NULL || syn) {
        /* New conversation, or a SYN-ACK restarting one: this segment's
         * numbers become the bases and it is itself printed absolute. */
        if (e == NULL) {
            e = calloc(1, sizeof(*e));
            if (e == NULL)
                return false;
            memcpy(e->lo_addr, lo, k->alen);
            memcpy(e->hi_addr, hi, k->alen);
            e->alen = k->alen;
            e->ports = ports;
            e->next = *slot;
            *slot = e;
        }
        if (rev) {
            e->ack = *seq;
            e->seq = *ack - 1;
        } else {
            e->seq = *seq;
            e->ack = *ack - 1;
        }
    } else if (rev) {
        *seq -= e->ack;
        *ack -= e->seq;
    } else {
        *seq -= e->seq;
        *ack -= e->ack;
    }
    /* SACK blocks acknowledge the peer's data: shift by the peer's base. */
    *base_peer = rev ? e->seq : e->ack;
    return true;
}
