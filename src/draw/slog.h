/* The session log: everything a picture needs, for the whole session.
 *
 * The shell's report keeps only the first and last frames of a command and
 * the hosts' trace rings only state changes; drawing needs the whole story.
 * The shell (and `tcplab draw`/`report`, which replay a transcript into a
 * shell) feeds one log: every frame as it leaves its sender with its fate on
 * the wire (delivered when, or lost, dropped, corrupted by `wire` faults),
 * every state change, every socket call with its result, and a TCB sample
 * (cwnd, ssthresh, bytes in flight, peer's window, loss counters) whenever
 * one of those changed.  Events carry one running number, so the order is
 * total even between events at the same time.
 *
 * Bounded in memory: frames keep their headers only (SLOG_SNAP bytes; the
 * decode needs no payload), and past SLOG_MAX_EVENTS events of a kind the
 * log counts what it no longer keeps (a picture says so). */
#ifndef TCPLAB_SLOG_H
#define TCPLAB_SLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/tltime.h"

#define SLOG_SNAP        136          /* Ethernet, IPv4 and TCP headers with options */
#define SLOG_MAX_EVENTS  (1u << 18)   /* of each kind: about 45 MB of frames at most */
#define SLOG_HOSTS       2
#define SLOG_HUGE_AT     (2u << 20)   /* a log this long asks for huge pages */
#define SLOG_WINDOW      4096u        /* how far past the oldest frame in flight a fate looks */
#define SLOG_WINDOW_BITS (1u << 16)
#define SLOG_NAME_LEN    32
#define SLOG_BUCKETS     (1u << 18)

/* What became of a frame on the wire. */
#define SLOG_FATES(X)                                \
    X(UNKNOWN,   "in flight")                        \
    X(DELIVERED, "delivered")                        \
    X(LOST,      "lost")         /* wire loss */     \
    X(DROPPED,   "dropped")      /* wire drop, hold overflow */ \
    X(QUEUE,     "queue full")   /* wire rate's queue */        \
    X(CORRUPTED, "corrupted")    /* delivered with a bit flipped */

enum slog_fate {
#define SLOG_FATE_ENUM(name, text) SLOG_##name,
    SLOG_FATES(SLOG_FATE_ENUM)
#undef SLOG_FATE_ENUM
};
const char *slog_fate_name(enum slog_fate f);
/* A frame that never reached the other side, or reached it unusable. */
static inline bool slog_fate_failed(enum slog_fate f)
{
    return f == SLOG_LOST || f == SLOG_DROPPED || f == SLOG_QUEUE || f == SLOG_CORRUPTED;
}

struct slog_frame {
    uint64_t n;                /* running number of the event */
    int from;                  /* the host that sent it */
    tl_time t, arrive;         /* sent; delivered (TL_NEVER if not) */
    uint8_t fate;              /* enum slog_fate */
    bool dup;                  /* the wire delivered it twice */
    uint16_t len, caplen;
    uint8_t data[SLOG_SNAP];
};

struct slog_state {
    uint64_t n;
    int host, sock;            /* sock: the stack's socket id */
    tl_time t;
    uint8_t old_state, new_state;
    uint8_t cause;             /* enum tcp_cause (stack/tcp_fsm.h) */
};

#define SLOG_CALL_LEN 96

struct slog_call {
    uint64_t n;
    int host, sock;            /* sock -1: the call named no socket */
    tl_time t;
    char text[SLOG_CALL_LEN];  /* "connect()", "accept() returns fd 4",
                                  "connect() raises ConnectionRefusedError" */
    int err;                   /* the errno the call raised, or 0 */
};

struct slog_tcb {
    uint64_t n;
    int host, sock;
    tl_time t;
    uint32_t cwnd, ssthresh, flight, snd_wnd;
    uint32_t retrans, timeouts, fast_retrans;
};

/* A socket as the pictures name it. */
struct slog_sock {
    int host, id;
    char name[SLOG_NAME_LEN];  /* the shell's name, or "" */
    int fd;
    int parent;                /* a connection from a listener: its id, else -1 */
    size_t last_tcb;           /* its latest TCB sample + 1, or 0 */
    uint32_t laddr, raddr;
    uint16_t lport, rport;
};

struct slog_vec {
    void *v;
    size_t n, cap, lost;       /* lost: not kept (the bound) */
    bool mapped;               /* v is a mapping of SLOG_MAX_EVENTS elements */
    bool huge;                 /* ... asked for huge pages (past SLOG_HUGE_AT) */
};

struct slog {
    char host_name[SLOG_HOSTS][16];
    uint32_t host_addr[SLOG_HOSTS];
    uint64_t next_n;
    struct slog_vec frames, states, calls, tcbs, socks;
    size_t unmatched[SLOG_HOSTS];  /* first frame from each side whose fate is not known */
    /* slog_fate's index of the frames by their bytes: the newest frame of
     * each hash bucket + 1 (0: none), and each frame's hash and the frame
     * before it in its bucket (NULL: no index, slog_fate scans). */
    uint32_t *bucket;
    struct slog_link { uint32_t hash, chain; } *link;
    /* Each side's window of frames that slog_fate looks in, [lo, hi), with
     * the hashes of those in flight in a bit set once the same window came
     * twice (tap mode: the kernel's frames, logged after their fate, stay
     * in flight, so that side's window stops moving). */
    struct slog_window {
        size_t lo, hi;
        int seen;
        uint64_t bits[SLOG_WINDOW_BITS / 64];
    } win[SLOG_HOSTS];
    tl_time delay;             /* the wire's own delay (for frames of unknown fate) */
};

struct slog *slog_new(void);
void slog_free(struct slog *l);

#define SLOG_AT(vec, type, i) (&((type *)(vec).v)[i])
static inline size_t slog_nframes(const struct slog *l) { return l->frames.n; }
static inline const struct slog_frame *slog_frame_at(const struct slog *l, size_t i)
{
    return SLOG_AT(l->frames, const struct slog_frame, i);
}

/* Recording.  Each returns 0, or -1 when the event was not kept. */
int slog_add_frame(struct slog *l, int from, const uint8_t *frame, size_t len, tl_time t);
/* The wire says what became of a frame from `from` (matched to the oldest
 * frame from that side whose fate is unknown and whose bytes agree, one
 * flipped bit allowed for a corrupted one). */
void slog_fate(struct slog *l, int from, const uint8_t *frame, size_t len, enum slog_fate fate,
               bool dup, tl_time at);
int slog_add_state(struct slog *l, int host, int sock, tl_time t, int old_state, int new_state,
                   int cause);
/* n: a number reserved with slog_reserve() when the call began, so that
 * it comes before the frames it caused. */
int slog_add_call(struct slog *l, uint64_t n, int host, int sock, tl_time t, const char *text,
                  int err);
static inline uint64_t slog_reserve(struct slog *l) { return l->next_n++; }
/* A TCB sample, kept only if it differs from that socket's last one. */
int slog_add_tcb(struct slog *l, const struct slog_tcb *s);
/* Create or update what the log knows of a socket. */
struct slog_sock *slog_sock(struct slog *l, int host, int id);
const struct slog_sock *slog_sock_find(const struct slog *l, int host, int id);
/* A socket by "NAME" or "HOST:NAME" (the last socket of that name; host
 * -1: any host, the preferred one first).  NULL if none. */
const struct slog_sock *slog_sock_lookup(const struct slog *l, const char *spec, int prefer);

#endif
