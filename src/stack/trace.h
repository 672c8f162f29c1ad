/* Per-host traces: rings of events with increasing ids; views read "every
 * event after id N" and learn how many fell out of the ring.
 *
 * A host keeps two (host.h): `trace` holds the state transitions only (old,
 * new, cause, time), so a long transfer cannot push a connection's history
 * out; `wire_trace` holds frames sent and received and drops, each with
 * its length and, if the ring was made with a snap length, the first bytes
 * of the frame. */
#ifndef TCPLAB_TRACE_H
#define TCPLAB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/tcp_fsm.h"
#include "util/tltime.h"
#include "wire/drop.h"
#include "wire/eth.h"

enum trace_kind { TRACE_STATE, TRACE_TX, TRACE_RX, TRACE_DROP, TRACE_LOSS };

/* What found a loss (TRACE_LOSS): one X-macro list gives the codes and
 * the names the report prints. */
#define LOSS_DETECTORS(X)                                                    \
    X(RACK,   "RACK")        /* RFC 8985 §6: time-based, from a later delivery */ \
    X(DUPACK, "3 dup ACKs")  /* RFC 5681 §3.2 / RFC 6582: without SACK */        \
    X(TLP,    "TLP")         /* RFC 8985 §7: exposed by the tail loss probe */  \
    X(RTO,    "RTO")         /* RFC 6298: the retransmission timer */

enum loss_by {
#define LOSS_BY_ENUM(name, text) LOSS_BY_##name,
    LOSS_DETECTORS(LOSS_BY_ENUM)
#undef LOSS_BY_ENUM
    LOSS_BY__COUNT
};

const char *loss_by_name(enum loss_by b);

struct trace_ev {
    uint64_t id;
    tl_time t;
    enum trace_kind kind;
    int sock_id;               /* TRACE_STATE: the socket; else -1 */
    int fd;                    /* its descriptor at the time, or -1 */
    uint8_t old_state, new_state;
    enum tcp_cause cause;      /* TRACE_STATE: what made it (tcp_cause_name: "rcv SYN,ACK") */
    enum drop_reason drop;     /* TRACE_DROP */
    uint16_t len;              /* TRACE_TX / TRACE_RX / TRACE_DROP: frame length */
    uint16_t caplen;           /* bytes of it kept at `frame` (0 without a snap length) */
    const uint8_t *frame;      /* into the ring's own storage, or NULL */
    /* TRACE_LOSS: losses of one socket found back to back are one event:
     * the first range (grown while the next ones join it), and a count
     * per detector */
    uint32_t seq, end;
    uint8_t loss_by;           /* enum loss_by of the first */
    bool contig;               /* every loss since the first extended its range */
    uint32_t nlost[LOSS_BY__COUNT];
};

struct trace {
    struct trace_ev *ring;
    uint8_t *frames;           /* cap slots of `snap` bytes, or NULL */
    size_t snap;
    size_t cap;
    uint64_t next_id;          /* id the next event gets; ids start at 1 */
    uint64_t sealed;           /* events up to this id take no more merged losses */
};

/* A ring of cap events; snap > 0 keeps that many bytes of each frame. */
int trace_init(struct trace *t, size_t cap, size_t snap);
void trace_free(struct trace *t);
struct trace_ev *trace_add(struct trace *t, enum trace_kind kind, tl_time now);
/* Record a frame (or a dropped one) with its first bytes if the ring keeps them. */
struct trace_ev *trace_add_frame(struct trace *t, enum trace_kind kind, const uint8_t *frame,
                                 size_t len, tl_time now);
/* A loss of [seq, end) on socket sock_id found by `by`: merged into the
 * newest event if that is a loss of the same socket, not sealed. */
void trace_add_loss(struct trace *t, int sock_id, int fd, uint32_t seq, uint32_t end,
                    enum loss_by by, tl_time now);
/* A reader has taken every event so far: later losses make new events. */
static inline void trace_seal(struct trace *t) { t->sealed = t->next_id - 1; }
/* The event with this id, or NULL if it is not (or no longer) in the ring. */
const struct trace_ev *trace_get(const struct trace *t, uint64_t id);
/* Oldest id still held. */
uint64_t trace_first_id(const struct trace *t);
static inline uint64_t trace_last_id(const struct trace *t) { return t->next_id - 1; }

#endif
