/* Per-host trace: state transitions (old, new, cause, time), frames sent
 * and received, and drops.  A ring of events with increasing ids; views
 * read "every event after id N" and learn how many fell out of the ring. */
#ifndef TCPLAB_TRACE_H
#define TCPLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "util/tltime.h"
#include "wire/drop.h"
#include "wire/eth.h"

enum trace_kind { TRACE_STATE, TRACE_TX, TRACE_RX, TRACE_DROP };

struct trace_ev {
    uint64_t id;
    tl_time t;
    enum trace_kind kind;
    int sock_id;               /* TRACE_STATE: the socket; else -1 */
    int fd;                    /* its descriptor at the time, or -1 */
    uint8_t old_state, new_state;
    const char *cause;         /* static text: "connect", "rcv SYN,ACK", ... */
    enum drop_reason drop;     /* TRACE_DROP */
    uint16_t len;              /* TRACE_TX / TRACE_RX / TRACE_DROP: frame length */
    uint8_t frame[ETH_FRAME_MAX];
};

struct trace {
    struct trace_ev *ring;
    size_t cap;
    uint64_t next_id;          /* id the next event gets; ids start at 1 */
};

int trace_init(struct trace *t, size_t cap);
void trace_free(struct trace *t);
struct trace_ev *trace_add(struct trace *t, enum trace_kind kind, tl_time now);
/* The event with this id, or NULL if it is not (or no longer) in the ring. */
const struct trace_ev *trace_get(const struct trace *t, uint64_t id);
/* Oldest id still held. */
uint64_t trace_first_id(const struct trace *t);
static inline uint64_t trace_last_id(const struct trace *t) { return t->next_id - 1; }

#endif
