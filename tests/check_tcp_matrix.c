/* The TCP state machine, state by state: for every state of RFC 9293 §3.3.2
 * and every kind of arriving segment, the next state and the exact reply
 * that §3.10.7 (with RFC 5961's challenge ACKs) prescribes.
 *
 * The stack under test is romeo alone (tests/lib/segtest.h).  Each row puts
 * a fresh host into its state through the socket API and hand-built peer
 * segments, injects one segment built relative to the TCB, and checks what
 * came back: the reply's flags, SEQ and ACK (or that nothing came), the
 * state after, the error the user will see, and the drop counter charged.
 * Every row runs twice: with sequence numbers in the middle of the space
 * and with ISS and IRS just below 2^32, so that every offset crosses zero.
 *
 * Offsets: SEQ = RCV.NXT + seq_off in states with a TCB that has seen the
 * peer's SYN, otherwise the peer's ISS + seq_off; ACK = SND.NXT + ack_off
 * when there is a TCB, otherwise an arbitrary value + ack_off. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckmain.h"
#include "segtest.h"
#include "stack/stack_int.h"

#define S   TH_SYN
#define A   TH_ACK
#define F   TH_FIN
#define R   TH_RST
#define SA  (TH_SYN | TH_ACK)
#define FA  (TH_FIN | TH_ACK)
#define RA  (TH_RST | TH_ACK)

#define LISTEN_PORT 80
#define CLOSED_PORT 7777
#define LOCAL_PORT  5000          /* romeo's port when it connects */
#define PEER_PORT   6000          /* the peer's port when romeo listens */
#define PEER_WND    8192          /* the window the peer offers: MAX.SND.WND */
#define RCV_WND     65535         /* romeo's window: its 64 KiB buffer, unscaled */
#define FAR         100000        /* beyond any window in these tests */

/* How the expected reply's SEQ and ACK are formed, from the TCB as it was
 * before the segment and from the segment itself. */
enum rseq { RS_SND_NXT, RS_ISS, RS_SEG_ACK, RS_ZERO };
enum rack { RA_NONE, RA_RCV_NXT, RA_SEG_END };   /* SEG_END = SEG.SEQ + SEG.LEN */

struct reply {
    uint8_t flags;             /* 0: no reply at all */
    enum rseq seq;
    enum rack ack;
    int32_t ack_add;
};

struct row {
    const char *name;
    enum tcp_state state;
    bool passive;              /* SYN_RECEIVED reached from LISTEN */
    uint8_t flags;
    int32_t seq_off, ack_off;
    uint16_t len;
    enum tcp_state next;
    struct reply reply;
    enum drop_reason drop;     /* the counter charged, or DROP_NONE */
    int err;                   /* the socket's pending error after */
};

#define NONE            {0, RS_ZERO, RA_NONE, 0}
#define ACK_(n)         {A, RS_SND_NXT, RA_RCV_NXT, n}     /* <SEQ=SND.NXT><ACK=RCV.NXT+n><CTL=ACK> */
#define RST_SEG_ACK     {R, RS_SEG_ACK, RA_NONE, 0}        /* <SEQ=SEG.ACK><CTL=RST> */
#define RSTACK_SEG_END  {RA, RS_ZERO, RA_SEG_END, 0}       /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
#define SYNACK_ISS      {SA, RS_ISS, RA_SEG_END, 0}        /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
#define ACK_SEG_END     {A, RS_SND_NXT, RA_SEG_END, 0}

#define X(...) {__VA_ARGS__}
#define DR(r) DROP_##r

/* §3.10.7.1 CLOSED: no TCB.  An RST is dropped; anything else is answered
 * by an RST that the sender will find acceptable. */
static const struct row rows_closed[] = {
    X("no socket: SYN -> RST,ACK <SEQ=0><ACK=SEG.SEQ+SEG.LEN>", TCP_CLOSED, 0, S, 0, 0, 0, TCP_CLOSED, RSTACK_SEG_END, DR(TCP_NO_SOCKET), 0),
    X("no socket: SYN,ACK -> RST <SEQ=SEG.ACK>", TCP_CLOSED, 0, SA, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_NO_SOCKET), 0),
    X("no socket: ACK -> RST <SEQ=SEG.ACK>", TCP_CLOSED, 0, A, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_NO_SOCKET), 0),
    X("no socket: data,ACK -> RST <SEQ=SEG.ACK>", TCP_CLOSED, 0, A, 0, 0, 10, TCP_CLOSED, RST_SEG_ACK, DR(TCP_NO_SOCKET), 0),
    X("no socket: data without ACK -> RST,ACK acking the data", TCP_CLOSED, 0, 0, 0, 0, 10, TCP_CLOSED, RSTACK_SEG_END, DR(TCP_NO_SOCKET), 0),
    X("no socket: FIN without ACK -> RST,ACK acking the FIN", TCP_CLOSED, 0, F, 0, 0, 0, TCP_CLOSED, RSTACK_SEG_END, DR(TCP_NO_SOCKET), 0),
    X("no socket: FIN,ACK -> RST <SEQ=SEG.ACK>", TCP_CLOSED, 0, FA, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_NO_SOCKET), 0),
    X("no socket: RST -> nothing", TCP_CLOSED, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_NO_SOCKET), 0),
    X("no socket: RST,ACK -> nothing", TCP_CLOSED, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_NO_SOCKET), 0),
};

/* §3.10.7.2 LISTEN: first RST (ignored), second ACK (RST), third SYN,
 * fourth anything else (dropped).  `next` is the state of the connection
 * the segment creates; CLOSED means none was created. */
static const struct row rows_listen[] = {
    X("LISTEN: RST ignored (first)", TCP_LISTEN, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: RST,ACK ignored (first)", TCP_LISTEN, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: ACK -> RST <SEQ=SEG.ACK> (second)", TCP_LISTEN, 0, A, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: SYN,ACK -> RST, the ACK checked before the SYN (second)", TCP_LISTEN, 0, SA, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: data,ACK -> RST (second)", TCP_LISTEN, 0, A, 0, 0, 10, TCP_CLOSED, RST_SEG_ACK, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: FIN,ACK -> RST (second)", TCP_LISTEN, 0, FA, 0, 0, 0, TCP_CLOSED, RST_SEG_ACK, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: FIN without ACK dropped (fourth)", TCP_LISTEN, 0, F, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: data without ACK dropped (fourth)", TCP_LISTEN, 0, 0, 0, 0, 10, TCP_CLOSED, NONE, DR(TCP_LISTEN_BAD), 0),
    X("LISTEN: SYN -> SYN_RECEIVED, SYN,ACK <SEQ=ISS><ACK=SEG.SEQ+1> (third)", TCP_LISTEN, 0, S, 0, 0, 0, TCP_SYN_RECEIVED, SYNACK_ISS, DR(NONE), 0),
};

/* §3.10.7.3 SYN-SENT: first the ACK (ISS < SEG.ACK =< SND.NXT), second RST
 * (RFC 5961 §3.2: acceptable only if it acknowledges the SYN), fourth SYN,
 * fifth neither SYN nor RST: drop. */
static const struct row rows_syn_sent[] = {
    X("SYN_SENT: SYN,ACK acking our SYN -> ESTABLISHED, ACK (fourth)", TCP_SYN_SENT, 0, SA, 0, 0, 0, TCP_ESTABLISHED, ACK_SEG_END, DR(NONE), 0),
    X("SYN_SENT: SYN,ACK with SEG.ACK = ISS -> RST <SEQ=SEG.ACK> (first)", TCP_SYN_SENT, 0, SA, 0, -1, 0, TCP_SYN_SENT, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_SENT: SYN,ACK with SEG.ACK > SND.NXT -> RST (first)", TCP_SYN_SENT, 0, SA, 0, 1, 0, TCP_SYN_SENT, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_SENT: SYN -> SYN_RECEIVED, SYN,ACK <SEQ=ISS> (fourth: simultaneous open)", TCP_SYN_SENT, 0, S, 0, 0, 0, TCP_SYN_RECEIVED, SYNACK_ISS, DR(NONE), 0),
    X("SYN_SENT: ACK of our SYN without SYN dropped (fifth)", TCP_SYN_SENT, 0, A, 0, 0, 0, TCP_SYN_SENT, NONE, DR(TCP_NO_ACK), 0),
    X("SYN_SENT: ACK of data not sent -> RST <SEQ=SEG.ACK> (first)", TCP_SYN_SENT, 0, A, 0, 5, 0, TCP_SYN_SENT, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_SENT: RST,ACK acking our SYN -> CLOSED, refused (second)", TCP_SYN_SENT, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNREFUSED),
    X("SYN_SENT: RST,ACK with a bad ACK dropped, no RST back (first)", TCP_SYN_SENT, 0, RA, 0, 5, 0, TCP_SYN_SENT, NONE, DR(TCP_BAD_ACK), 0),
    X("SYN_SENT: RST without ACK dropped (second, RFC 5961 §3.2)", TCP_SYN_SENT, 0, R, 0, 0, 0, TCP_SYN_SENT, NONE, DR(TCP_RST_INVALID), 0),
    X("SYN_SENT: FIN without ACK dropped (fifth)", TCP_SYN_SENT, 0, F, 0, 0, 0, TCP_SYN_SENT, NONE, DR(TCP_NO_ACK), 0),
    X("SYN_SENT: FIN,ACK without SYN dropped (fifth)", TCP_SYN_SENT, 0, FA, 0, 0, 0, TCP_SYN_SENT, NONE, DR(TCP_NO_ACK), 0),
    X("SYN_SENT: data without ACK dropped (fifth)", TCP_SYN_SENT, 0, 0, 0, 0, 10, TCP_SYN_SENT, NONE, DR(TCP_NO_ACK), 0),
    X("SYN_SENT: data,ACK acking our SYN, no SYN, dropped (fifth)", TCP_SYN_SENT, 0, A, 0, 0, 10, TCP_SYN_SENT, NONE, DR(TCP_NO_ACK), 0),
};

/* §3.10.7.4 in SYN-RECEIVED.  Passive: first the sequence check, second
 * RST (exact: back to LISTEN; in window: RFC 5961 §3.2 challenge ACK),
 * fourth SYN (passive: back to LISTEN), fifth ACK (SND.UNA < SEG.ACK =<
 * SND.NXT, else <SEQ=SEG.ACK><CTL=RST>). */
static const struct row rows_syn_received[] = {
    X("SYN_RECEIVED: ACK of SYN,ACK -> ESTABLISHED (fifth)", TCP_SYN_RECEIVED, 1, A, 0, 0, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("SYN_RECEIVED: ACK with SEG.ACK = SND.UNA -> RST <SEQ=SEG.ACK> (fifth)", TCP_SYN_RECEIVED, 1, A, 0, -1, 0, TCP_SYN_RECEIVED, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_RECEIVED: ACK beyond SND.NXT -> RST <SEQ=SEG.ACK> (fifth)", TCP_SYN_RECEIVED, 1, A, 0, 1, 0, TCP_SYN_RECEIVED, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_RECEIVED: data,ACK -> ESTABLISHED, data ACKed (fifth, seventh)", TCP_SYN_RECEIVED, 1, A, 0, 0, 10, TCP_ESTABLISHED, ACK_(10), DR(NONE), 0),
    X("SYN_RECEIVED: FIN,ACK -> CLOSE_WAIT, FIN ACKed (eighth)", TCP_SYN_RECEIVED, 1, FA, 0, 0, 0, TCP_CLOSE_WAIT, ACK_(1), DR(NONE), 0),
    X("SYN_RECEIVED: FIN without ACK dropped (fifth)", TCP_SYN_RECEIVED, 1, F, 0, 0, 0, TCP_SYN_RECEIVED, NONE, DR(TCP_NO_ACK), 0),
    X("SYN_RECEIVED: RST at RCV.NXT -> back to LISTEN (second)", TCP_SYN_RECEIVED, 1, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("SYN_RECEIVED: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_SYN_RECEIVED, 1, R, 5, 0, 0, TCP_SYN_RECEIVED, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("SYN_RECEIVED: RST out of window dropped (first)", TCP_SYN_RECEIVED, 1, R, FAR, 0, 0, TCP_SYN_RECEIVED, NONE, DR(TCP_RST_INVALID), 0),
    X("SYN_RECEIVED: SYN in window -> back to LISTEN (fourth)", TCP_SYN_RECEIVED, 1, S, 0, 0, 0, TCP_CLOSED, NONE, DR(TCP_SYN_CHALLENGE), 0),
    X("SYN_RECEIVED: retransmitted SYN -> ACK, unacceptable (first)", TCP_SYN_RECEIVED, 1, S, -1, 0, 0, TCP_SYN_RECEIVED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("SYN_RECEIVED: data out of window -> ACK (first)", TCP_SYN_RECEIVED, 1, A, FAR, 0, 10, TCP_SYN_RECEIVED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("SYN_RECEIVED: old SYN,ACK -> ACK, unacceptable (first)", TCP_SYN_RECEIVED, 1, SA, -1, 0, 0, TCP_SYN_RECEIVED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("SYN_RECEIVED: RST,ACK at RCV.NXT -> back to LISTEN (second)", TCP_SYN_RECEIVED, 1, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    /* Active SYN-RECEIVED: a simultaneous open. */
    X("SYN_RECEIVED active: SYN,ACK -> ESTABLISHED, no reply (Figure 7)", TCP_SYN_RECEIVED, 0, SA, -1, 0, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("SYN_RECEIVED active: ACK -> ESTABLISHED (fifth)", TCP_SYN_RECEIVED, 0, A, 0, 0, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("SYN_RECEIVED active: RST at RCV.NXT -> CLOSED, refused (second)", TCP_SYN_RECEIVED, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNREFUSED),
    X("SYN_RECEIVED active: SYN in window -> challenge ACK (RFC 5961 §4.2)", TCP_SYN_RECEIVED, 0, S, 0, 0, 0, TCP_SYN_RECEIVED, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("SYN_RECEIVED active: ACK beyond SND.NXT -> RST <SEQ=SEG.ACK> (fifth)", TCP_SYN_RECEIVED, 0, A, 0, 1, 0, TCP_SYN_RECEIVED, RST_SEG_ACK, DR(TCP_BAD_ACK), 0),
    X("SYN_RECEIVED active: data,ACK -> ESTABLISHED, data ACKed (fifth, seventh)", TCP_SYN_RECEIVED, 0, A, 0, 0, 10, TCP_ESTABLISHED, ACK_(10), DR(NONE), 0),
    X("SYN_RECEIVED active: FIN,ACK -> CLOSE_WAIT (eighth)", TCP_SYN_RECEIVED, 0, FA, 0, 0, 0, TCP_CLOSE_WAIT, ACK_(1), DR(NONE), 0),
    X("SYN_RECEIVED active: RST,ACK at RCV.NXT -> CLOSED, refused (second)", TCP_SYN_RECEIVED, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNREFUSED),
};

/* §3.10.7.4 in ESTABLISHED: all eight checks. */
static const struct row rows_established[] = {
    X("ESTABLISHED: ACK -> nothing (fifth)", TCP_ESTABLISHED, 0, A, 0, 0, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("ESTABLISHED: data in order -> ACK <ACK=RCV.NXT+LEN> (seventh)", TCP_ESTABLISHED, 0, A, 0, 0, 10, TCP_ESTABLISHED, ACK_(10), DR(NONE), 0),
    X("ESTABLISHED: data out of order -> held for reassembly, duplicate ACK (RFC 5681 §4.2)", TCP_ESTABLISHED, 0, A, 10, 0, 10, TCP_ESTABLISHED, ACK_(0), DR(NONE), 0),
    X("ESTABLISHED: old duplicate data -> ACK (first)", TCP_ESTABLISHED, 0, A, -20, 0, 10, TCP_ESTABLISHED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("ESTABLISHED: data straddling RCV.NXT -> new part taken (first, trim)", TCP_ESTABLISHED, 0, A, -5, 0, 10, TCP_ESTABLISHED, ACK_(5), DR(NONE), 0),
    X("ESTABLISHED: data beyond the window -> ACK (first)", TCP_ESTABLISHED, 0, A, RCV_WND, 0, 10, TCP_ESTABLISHED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("ESTABLISHED: ACK at the last sequence number in window accepted (first)", TCP_ESTABLISHED, 0, A, RCV_WND - 1, 0, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("ESTABLISHED: ACK at RCV.NXT+RCV.WND -> ACK (first)", TCP_ESTABLISHED, 0, A, RCV_WND, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("ESTABLISHED: ACK of data not sent -> ACK, dropped (fifth)", TCP_ESTABLISHED, 0, A, 0, 1, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_BAD_ACK), 0),
    X("ESTABLISHED: ACK below SND.UNA-MAX.SND.WND -> ACK (RFC 5961 §5.2)", TCP_ESTABLISHED, 0, A, 0, -PEER_WND - 1, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_OLD_ACK), 0),
    X("ESTABLISHED: duplicate ACK within MAX.SND.WND ignored (fifth)", TCP_ESTABLISHED, 0, A, 0, -PEER_WND, 0, TCP_ESTABLISHED, NONE, DR(NONE), 0),
    X("ESTABLISHED: FIN,ACK in order -> CLOSE_WAIT, FIN ACKed (eighth)", TCP_ESTABLISHED, 0, FA, 0, 0, 0, TCP_CLOSE_WAIT, ACK_(1), DR(NONE), 0),
    X("ESTABLISHED: data+FIN -> CLOSE_WAIT, ACK covers both (seventh, eighth)", TCP_ESTABLISHED, 0, FA, 0, 0, 10, TCP_CLOSE_WAIT, ACK_(11), DR(NONE), 0),
    X("ESTABLISHED: FIN out of order -> held, duplicate ACK, FIN not taken yet (eighth, RFC 5681 §4.2)", TCP_ESTABLISHED, 0, FA, 10, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(NONE), 0),
    X("ESTABLISHED: FIN without ACK dropped (fifth)", TCP_ESTABLISHED, 0, F, 0, 0, 0, TCP_ESTABLISHED, NONE, DR(TCP_NO_ACK), 0),
    X("ESTABLISHED: data without ACK dropped (fifth)", TCP_ESTABLISHED, 0, 0, 0, 0, 10, TCP_ESTABLISHED, NONE, DR(TCP_NO_ACK), 0),
    X("ESTABLISHED: RST at RCV.NXT -> CLOSED, reset (second)", TCP_ESTABLISHED, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("ESTABLISHED: RST,ACK at RCV.NXT -> CLOSED, reset (second)", TCP_ESTABLISHED, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("ESTABLISHED: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_ESTABLISHED, 0, R, 1, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("ESTABLISHED: RST with data straddling RCV.NXT -> challenge ACK (RFC 5961 §3.2: SEG.SEQ not exact)", TCP_ESTABLISHED, 0, R, -5, 0, 10, TCP_ESTABLISHED, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("ESTABLISHED: RST at the window's right edge dropped (first)", TCP_ESTABLISHED, 0, R, RCV_WND, 0, 0, TCP_ESTABLISHED, NONE, DR(TCP_RST_INVALID), 0),
    X("ESTABLISHED: RST just before RCV.NXT dropped (first)", TCP_ESTABLISHED, 0, R, -1, 0, 0, TCP_ESTABLISHED, NONE, DR(TCP_RST_INVALID), 0),
    X("ESTABLISHED: SYN in window -> challenge ACK (RFC 5961 §4.2)", TCP_ESTABLISHED, 0, S, 0, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("ESTABLISHED: SYN,ACK in window -> challenge ACK (RFC 5961 §4.2)", TCP_ESTABLISHED, 0, SA, 0, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("ESTABLISHED: SYN out of window -> ACK (first)", TCP_ESTABLISHED, 0, S, FAR, 0, 0, TCP_ESTABLISHED, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("ESTABLISHED: SYN,ACK+data straddling RCV.NXT -> challenge ACK, no data taken (RFC 5961 §4.2)", TCP_ESTABLISHED, 0, SA, -1, 0, 10, TCP_ESTABLISHED, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
};

/* §3.10.7.4 in the closing states.  FIN_WAIT_1 and CLOSING have SND.UNA at
 * our FIN (ack_off -1 leaves it unacknowledged, 0 acknowledges it). */
static const struct row rows_closing[] = {
    X("FIN_WAIT_1: ACK of our FIN -> FIN_WAIT_2 (fifth)", TCP_FIN_WAIT_1, 0, A, 0, 0, 0, TCP_FIN_WAIT_2, NONE, DR(NONE), 0),
    X("FIN_WAIT_1: ACK short of our FIN -> stays (fifth)", TCP_FIN_WAIT_1, 0, A, 0, -1, 0, TCP_FIN_WAIT_1, NONE, DR(NONE), 0),
    X("FIN_WAIT_1: data -> ACK, still receiving (seventh)", TCP_FIN_WAIT_1, 0, A, 0, -1, 10, TCP_FIN_WAIT_1, ACK_(10), DR(NONE), 0),
    X("FIN_WAIT_1: FIN,ACK short of our FIN -> CLOSING (eighth)", TCP_FIN_WAIT_1, 0, FA, 0, -1, 0, TCP_CLOSING, ACK_(1), DR(NONE), 0),
    X("FIN_WAIT_1: FIN,ACK of our FIN -> TIME_WAIT (eighth)", TCP_FIN_WAIT_1, 0, FA, 0, 0, 0, TCP_TIME_WAIT, ACK_(1), DR(NONE), 0),
    X("FIN_WAIT_1: RST at RCV.NXT -> CLOSED, reset (second)", TCP_FIN_WAIT_1, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("FIN_WAIT_1: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_FIN_WAIT_1, 0, R, 1, 0, 0, TCP_FIN_WAIT_1, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("FIN_WAIT_1: SYN -> challenge ACK (RFC 5961 §4.2)", TCP_FIN_WAIT_1, 0, S, 0, 0, 0, TCP_FIN_WAIT_1, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("FIN_WAIT_1: ACK beyond SND.NXT -> ACK (fifth)", TCP_FIN_WAIT_1, 0, A, 0, 1, 0, TCP_FIN_WAIT_1, ACK_(0), DR(TCP_BAD_ACK), 0),
    X("FIN_WAIT_1: FIN without ACK dropped (fifth)", TCP_FIN_WAIT_1, 0, F, 0, 0, 0, TCP_FIN_WAIT_1, NONE, DR(TCP_NO_ACK), 0),
    X("FIN_WAIT_1: RST,ACK at RCV.NXT -> CLOSED, reset (second)", TCP_FIN_WAIT_1, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("FIN_WAIT_1: RST out of window dropped (first)", TCP_FIN_WAIT_1, 0, R, FAR, 0, 0, TCP_FIN_WAIT_1, NONE, DR(TCP_RST_INVALID), 0),
    X("FIN_WAIT_1: data out of window -> ACK (first)", TCP_FIN_WAIT_1, 0, A, FAR, -1, 10, TCP_FIN_WAIT_1, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("FIN_WAIT_1: SYN,ACK -> challenge ACK (RFC 5961 §4.2)", TCP_FIN_WAIT_1, 0, SA, 0, 0, 0, TCP_FIN_WAIT_1, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),

    X("FIN_WAIT_2: ACK -> nothing (fifth)", TCP_FIN_WAIT_2, 0, A, 0, 0, 0, TCP_FIN_WAIT_2, NONE, DR(NONE), 0),
    X("FIN_WAIT_2: data -> ACK, half-closed still receives (seventh)", TCP_FIN_WAIT_2, 0, A, 0, 0, 10, TCP_FIN_WAIT_2, ACK_(10), DR(NONE), 0),
    X("FIN_WAIT_2: FIN,ACK -> TIME_WAIT, FIN ACKed (eighth)", TCP_FIN_WAIT_2, 0, FA, 0, 0, 0, TCP_TIME_WAIT, ACK_(1), DR(NONE), 0),
    X("FIN_WAIT_2: RST at RCV.NXT -> CLOSED, reset (second)", TCP_FIN_WAIT_2, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("FIN_WAIT_2: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_FIN_WAIT_2, 0, R, 1, 0, 0, TCP_FIN_WAIT_2, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("FIN_WAIT_2: SYN -> challenge ACK (RFC 5961 §4.2)", TCP_FIN_WAIT_2, 0, S, 0, 0, 0, TCP_FIN_WAIT_2, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("FIN_WAIT_2: data out of window -> ACK (first)", TCP_FIN_WAIT_2, 0, A, FAR, 0, 10, TCP_FIN_WAIT_2, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("FIN_WAIT_2: FIN without ACK dropped (fifth)", TCP_FIN_WAIT_2, 0, F, 0, 0, 0, TCP_FIN_WAIT_2, NONE, DR(TCP_NO_ACK), 0),
    X("FIN_WAIT_2: RST,ACK at RCV.NXT -> CLOSED, reset (second)", TCP_FIN_WAIT_2, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), ECONNRESET),
    X("FIN_WAIT_2: RST out of window dropped (first)", TCP_FIN_WAIT_2, 0, R, FAR, 0, 0, TCP_FIN_WAIT_2, NONE, DR(TCP_RST_INVALID), 0),

    X("CLOSE_WAIT: ACK -> nothing (fifth)", TCP_CLOSE_WAIT, 0, A, 0, 0, 0, TCP_CLOSE_WAIT, NONE, DR(NONE), 0),
    X("CLOSE_WAIT: data after the FIN ignored (seventh)", TCP_CLOSE_WAIT, 0, A, 0, 0, 10, TCP_CLOSE_WAIT, NONE, DR(TCP_AFTER_FIN), 0),
    X("CLOSE_WAIT: retransmitted FIN -> ACK (first)", TCP_CLOSE_WAIT, 0, FA, -1, 0, 0, TCP_CLOSE_WAIT, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("CLOSE_WAIT: RST at RCV.NXT -> CLOSED, EPIPE as Linux (second)", TCP_CLOSE_WAIT, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), EPIPE),
    X("CLOSE_WAIT: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_CLOSE_WAIT, 0, R, 1, 0, 0, TCP_CLOSE_WAIT, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("CLOSE_WAIT: SYN -> challenge ACK (RFC 5961 §4.2)", TCP_CLOSE_WAIT, 0, S, 0, 0, 0, TCP_CLOSE_WAIT, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("CLOSE_WAIT: ACK beyond SND.NXT -> ACK (fifth)", TCP_CLOSE_WAIT, 0, A, 0, 1, 0, TCP_CLOSE_WAIT, ACK_(0), DR(TCP_BAD_ACK), 0),
    X("CLOSE_WAIT: FIN without ACK dropped (fifth)", TCP_CLOSE_WAIT, 0, F, 0, 0, 0, TCP_CLOSE_WAIT, NONE, DR(TCP_NO_ACK), 0),
    X("CLOSE_WAIT: RST,ACK at RCV.NXT -> CLOSED, EPIPE (second)", TCP_CLOSE_WAIT, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), EPIPE),
    X("CLOSE_WAIT: RST out of window dropped (first)", TCP_CLOSE_WAIT, 0, R, FAR, 0, 0, TCP_CLOSE_WAIT, NONE, DR(TCP_RST_INVALID), 0),

    X("CLOSING: ACK of our FIN -> TIME_WAIT (fifth)", TCP_CLOSING, 0, A, 0, 0, 0, TCP_TIME_WAIT, NONE, DR(NONE), 0),
    X("CLOSING: ACK short of our FIN -> stays (fifth)", TCP_CLOSING, 0, A, 0, -1, 0, TCP_CLOSING, NONE, DR(NONE), 0),
    X("CLOSING: retransmitted FIN -> ACK (first)", TCP_CLOSING, 0, FA, -1, 0, 0, TCP_CLOSING, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("CLOSING: data after the FIN ignored (seventh)", TCP_CLOSING, 0, A, 0, -1, 10, TCP_CLOSING, NONE, DR(TCP_AFTER_FIN), 0),
    X("CLOSING: RST at RCV.NXT -> CLOSED (second)", TCP_CLOSING, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("CLOSING: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_CLOSING, 0, R, 1, 0, 0, TCP_CLOSING, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("CLOSING: SYN -> challenge ACK (RFC 5961 §4.2)", TCP_CLOSING, 0, S, 0, 0, 0, TCP_CLOSING, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("CLOSING: RST,ACK at RCV.NXT -> CLOSED (second)", TCP_CLOSING, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("CLOSING: RST out of window dropped (first)", TCP_CLOSING, 0, R, FAR, 0, 0, TCP_CLOSING, NONE, DR(TCP_RST_INVALID), 0),
    X("CLOSING: FIN without ACK dropped (fifth)", TCP_CLOSING, 0, F, 0, 0, 0, TCP_CLOSING, NONE, DR(TCP_NO_ACK), 0),
    X("CLOSING: ACK beyond SND.NXT -> ACK (fifth)", TCP_CLOSING, 0, A, 0, 1, 0, TCP_CLOSING, ACK_(0), DR(TCP_BAD_ACK), 0),

    X("LAST_ACK: ACK of our FIN -> CLOSED (fifth)", TCP_LAST_ACK, 0, A, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("LAST_ACK: ACK short of our FIN -> stays (fifth)", TCP_LAST_ACK, 0, A, 0, -1, 0, TCP_LAST_ACK, NONE, DR(NONE), 0),
    X("LAST_ACK: retransmitted FIN -> ACK (first)", TCP_LAST_ACK, 0, FA, -1, -1, 0, TCP_LAST_ACK, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("LAST_ACK: RST at RCV.NXT -> CLOSED (second)", TCP_LAST_ACK, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("LAST_ACK: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_LAST_ACK, 0, R, 1, 0, 0, TCP_LAST_ACK, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("LAST_ACK: SYN -> challenge ACK (RFC 5961 §4.2)", TCP_LAST_ACK, 0, S, 0, 0, 0, TCP_LAST_ACK, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("LAST_ACK: RST,ACK at RCV.NXT -> CLOSED (second)", TCP_LAST_ACK, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("LAST_ACK: data after the FIN ignored (seventh)", TCP_LAST_ACK, 0, A, 0, -1, 10, TCP_LAST_ACK, NONE, DR(TCP_AFTER_FIN), 0),
    X("LAST_ACK: FIN without ACK dropped (fifth)", TCP_LAST_ACK, 0, F, 0, 0, 0, TCP_LAST_ACK, NONE, DR(TCP_NO_ACK), 0),
    X("LAST_ACK: ACK beyond SND.NXT -> ACK (fifth)", TCP_LAST_ACK, 0, A, 0, 1, 0, TCP_LAST_ACK, ACK_(0), DR(TCP_BAD_ACK), 0),

    X("TIME_WAIT: retransmitted FIN -> ACK (fifth: acknowledge it)", TCP_TIME_WAIT, 0, FA, -1, 0, 0, TCP_TIME_WAIT, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("TIME_WAIT: ACK -> nothing (fifth)", TCP_TIME_WAIT, 0, A, 0, 0, 0, TCP_TIME_WAIT, NONE, DR(NONE), 0),
    X("TIME_WAIT: data after the FIN ignored (seventh)", TCP_TIME_WAIT, 0, A, 0, 0, 10, TCP_TIME_WAIT, NONE, DR(TCP_AFTER_FIN), 0),
    X("TIME_WAIT: RST at RCV.NXT -> CLOSED (second)", TCP_TIME_WAIT, 0, R, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("TIME_WAIT: RST in window, not exact -> challenge ACK (RFC 5961 §3.2)", TCP_TIME_WAIT, 0, R, 1, 0, 0, TCP_TIME_WAIT, ACK_(0), DR(TCP_RST_CHALLENGE), 0),
    X("TIME_WAIT: SYN, descriptor still open -> challenge ACK (RFC 5961 §4.2)", TCP_TIME_WAIT, 0, S, 0, 0, 0, TCP_TIME_WAIT, ACK_(0), DR(TCP_SYN_CHALLENGE), 0),
    X("TIME_WAIT: retransmitted FIN without ACK -> ACK (first)", TCP_TIME_WAIT, 0, F, -1, 0, 0, TCP_TIME_WAIT, ACK_(0), DR(TCP_UNACCEPTABLE), 0),
    X("TIME_WAIT: RST,ACK at RCV.NXT -> CLOSED (second)", TCP_TIME_WAIT, 0, RA, 0, 0, 0, TCP_CLOSED, NONE, DR(NONE), 0),
    X("TIME_WAIT: RST out of window dropped (first)", TCP_TIME_WAIT, 0, R, FAR, 0, 0, TCP_TIME_WAIT, NONE, DR(TCP_RST_INVALID), 0),
    X("TIME_WAIT: ACK beyond SND.NXT -> ACK (fifth)", TCP_TIME_WAIT, 0, A, 0, 1, 0, TCP_TIME_WAIT, ACK_(0), DR(TCP_BAD_ACK), 0),
};

#undef X
#define NROWS(a) ((int)(sizeof(a) / sizeof *(a)))

/* Sequence numbers of one run: the middle of the space, or just below 2^32. */
struct numbers { uint32_t iss, peer_iss, peer_ack; };
static const struct numbers plain = {0x12345678u, 0x9abcdef0u, 0x55550000u};
static const struct numbers wrap = {0xffffffffu, 0xfffffffeu, 0xfffffffcu};

static struct segtest T;

static void expect_state(const struct sock *s, enum tcp_state st)
{
    ck_assert_msg(s && s->tcb.state == st, "setup reached %s, not %s",
                  s ? tcp_state_name(s->tcb.state) : "no socket", tcp_state_name(st));
}

static struct sock *listener(void)
{
    int fd = sock_socket(T.h, SOCKT_TCP);
    ck_assert_int_eq(sock_bind(T.h, fd, 0, LISTEN_PORT), 0);
    ck_assert_int_eq(sock_listen(T.h, fd, 16, T.now), 0);
    return sock_by_fd(T.h, fd);
}

static struct sock *embryo_of(const struct sock *l)
{
    for (struct sock *s = T.h->socks; s; s = s->next)
        if (s->parent == l)
            return s;
    return NULL;
}

/* Bring a fresh host to state st; returns the connection (NULL for CLOSED). */
static struct sock *enter(enum tcp_state st, bool passive, const struct numbers *n)
{
    struct sock *s = NULL;
    int fd;
    switch (st) {
    case TCP_CLOSED:
        return NULL;
    case TCP_LISTEN:
        return listener();
    case TCP_SYN_SENT:
        fd = sock_socket(T.h, SOCKT_TCP);
        ck_assert_int_eq(sock_bind(T.h, fd, 0, LOCAL_PORT), 0);
        host_force_iss(T.h, n->iss);
        ck_assert_int_eq(sock_connect(T.h, fd, SG_PEER_IP, LISTEN_PORT, T.now), -EINPROGRESS);
        s = sock_by_fd(T.h, fd);
        break;
    case TCP_SYN_RECEIVED:
        if (passive) {
            struct sock *l = listener();
            host_force_iss(T.h, n->iss);
            sg_tcp_from_peer(&T, PEER_PORT, LISTEN_PORT, n->peer_iss, 0, S, PEER_WND, 0);
            s = embryo_of(l);
        } else {
            s = enter(TCP_SYN_SENT, false, n);
            sg_tcp_from_peer(&T, LISTEN_PORT, LOCAL_PORT, n->peer_iss, 0, S, PEER_WND, 0);
        }
        break;
    case TCP_ESTABLISHED:
        s = enter(TCP_SYN_SENT, false, n);
        sg_tcp_from_peer(&T, LISTEN_PORT, LOCAL_PORT, n->peer_iss, n->iss + 1, SA, PEER_WND, 0);
        break;
    case TCP_FIN_WAIT_1:
        s = enter(TCP_ESTABLISHED, false, n);
        ck_assert_int_eq(sock_shutdown(T.h, s->fd, SHUTDOWN_WR, T.now), 0);
        break;
    case TCP_FIN_WAIT_2:
        s = enter(TCP_FIN_WAIT_1, false, n);
        seg_from_peer(&T, s, A, 0, 0, 0);
        break;
    case TCP_CLOSING:
        s = enter(TCP_FIN_WAIT_1, false, n);
        seg_from_peer(&T, s, FA, 0, -1, 0);
        break;
    case TCP_TIME_WAIT:
        s = enter(TCP_FIN_WAIT_2, false, n);
        seg_from_peer(&T, s, FA, 0, 0, 0);
        break;
    case TCP_CLOSE_WAIT:
        s = enter(TCP_ESTABLISHED, false, n);
        seg_from_peer(&T, s, FA, 0, 0, 0);
        break;
    case TCP_LAST_ACK:
        s = enter(TCP_CLOSE_WAIT, false, n);
        ck_assert_int_eq(sock_shutdown(T.h, s->fd, SHUTDOWN_WR, T.now), 0);
        break;
    default:
        ck_abort_msg("no way into %s", tcp_state_name(st));
    }
    expect_state(s, st);
    sg_drain(&T);
    return s;
}

/* Every transition the row made is an edge of the state table
 * (stack/tcp_fsm.h), for the opening of its connection: the debug check in
 * tcp_set_state() aborts on any other, and this says so in the row's
 * name.  A socket already freed is the row's own connection, or in a
 * LISTEN row the embryo the listener spawned: passive then. */
static void expect_edges_of_table(const struct row *r, const char *run)
{
    const struct trace *tr = &T.h->trace;
    int n = 0;
    for (uint64_t i = trace_first_id(tr); i <= trace_last_id(tr); i++) {
        const struct trace_ev *e = trace_get(tr, i);
        if (!e || e->kind != TRACE_STATE)
            continue;
        const struct sock *o = sock_by_id(T.h, e->sock_id);
        bool passive = o ? o->tcb.passive : r->passive || r->state == TCP_LISTEN;
        ck_assert_msg(tcp_fsm_find(e->old_state, e->new_state, e->cause, passive),
                      "[%s, %s] %s -> %s (%s) is no edge of the state table", r->name, run,
                      tcp_state_name(e->old_state), tcp_state_name(e->new_state),
                      tcp_cause_name(e->cause));
        n++;
    }
    ck_assert_msg(n > 0 || r->state == TCP_CLOSED, "[%s, %s] no transition traced", r->name, run);
}

static void run_row(const struct row *r, const struct numbers *n)
{
    const char *run = n == &wrap ? "near 2^32" : "mid-space";
    sg_init(&T, 7);
    struct sock *s = enter(r->state, r->passive, n);
    struct sock *l = r->passive ? s->parent : r->state == TCP_LISTEN ? s : NULL;
    int id = s ? s->id : -1;

    /* The segment, from the TCB as it is now. */
    bool has_tcb = s && r->state != TCP_LISTEN;
    bool synced = has_tcb && r->state != TCP_SYN_SENT;
    uint32_t snd_nxt = has_tcb ? s->tcb.snd_nxt : 0, rcv_nxt = synced ? s->tcb.rcv_nxt : 0;
    uint32_t iss = has_tcb ? s->tcb.iss : n->iss;
    uint32_t seq = (synced ? rcv_nxt : n->peer_iss) + (uint32_t)r->seq_off;
    uint32_t ack = (has_tcb ? snd_nxt : n->peer_ack) + (uint32_t)r->ack_off;
    uint16_t sport = has_tcb ? s->rport : PEER_PORT;
    uint16_t dport = has_tcb ? s->lport : r->state == TCP_LISTEN ? LISTEN_PORT : CLOSED_PORT;
    uint32_t seg_end = seq + r->len + !!(r->flags & S) + !!(r->flags & F);
    uint64_t drops[DROP__COUNT];
    memcpy(drops, T.h->drops, sizeof drops);
    if (r->state == TCP_LISTEN)
        host_force_iss(T.h, n->iss);

    sg_tcp_from_peer(&T, sport, dport, seq, ack, r->flags, PEER_WND, r->len);

    /* The reply, exactly. */
    struct tcp_seg g;
    bool got = sg_pop_tcp(&T, &g);
    if (!r->reply.flags) {
        ck_assert_msg(!got, "[%s, %s] unexpected reply, flags %#x", r->name, run, g.flags);
    } else {
        ck_assert_msg(got, "[%s, %s] no reply", r->name, run);
        ck_assert_msg(g.flags == r->reply.flags, "[%s, %s] reply flags %#x, want %#x", r->name,
                      run, g.flags, r->reply.flags);
        uint32_t want_seq = r->reply.seq == RS_SND_NXT ? snd_nxt : r->reply.seq == RS_ISS ? iss
                          : r->reply.seq == RS_SEG_ACK ? ack : 0;
        ck_assert_msg(g.seq == want_seq, "[%s, %s] reply SEQ %u, want %u", r->name, run, g.seq, want_seq);
        uint32_t want_ack = r->reply.ack == RA_RCV_NXT ? rcv_nxt + (uint32_t)r->reply.ack_add
                          : r->reply.ack == RA_SEG_END ? seg_end : 0;
        ck_assert_msg(g.ack == want_ack, "[%s, %s] reply ACK %u, want %u", r->name, run, g.ack, want_ack);
        ck_assert_msg(g.sport == dport && g.dport == sport, "[%s, %s] reply ports", r->name, run);
        ck_assert_msg(!sg_pop_tcp(&T, &g), "[%s, %s] a second reply, flags %#x", r->name, run, g.flags);
    }

    /* The state after. */
    enum tcp_state got_state;
    if (r->state == TCP_CLOSED || r->state == TCP_LISTEN) {
        struct sock *c = r->state == TCP_LISTEN ? embryo_of(l) : NULL;
        for (struct sock *o = T.h->socks; o; o = o->next)
            ck_assert_msg(o == l || o == c, "[%s, %s] stray socket", r->name, run);
        got_state = c ? c->tcb.state : TCP_CLOSED;
    } else {
        const struct sock *now = sock_by_id(T.h, id);
        got_state = now ? now->tcb.state : TCP_CLOSED;
        if (now)
            ck_assert_msg(now->err == r->err, "[%s, %s] error %d, want %d", r->name, run, now->err, r->err);
        else
            ck_assert_msg(r->passive && r->err == 0, "[%s, %s] socket freed", r->name, run);
    }
    ck_assert_msg(got_state == r->next, "[%s, %s] state %s, want %s", r->name, run,
                  tcp_state_name(got_state), tcp_state_name(r->next));
    if (l) {
        ck_assert_msg(l->tcb.state == TCP_LISTEN, "[%s, %s] listener left LISTEN", r->name, run);
        int queued = got_state == TCP_SYN_RECEIVED;
        ck_assert_msg(l->syn_queued == queued, "[%s, %s] SYN queue %d", r->name, run, l->syn_queued);
        int accepted = r->passive && got_state != TCP_CLOSED && got_state != TCP_SYN_RECEIVED;
        ck_assert_msg(l->accept_queued == accepted, "[%s, %s] accept queue %d", r->name, run,
                      l->accept_queued);
    }

    /* The drop counted, and no other. */
    for (int k = 0; k < DROP__COUNT; k++) {
        uint64_t want = drops[k] + (k == (int)r->drop && r->drop != DROP_NONE);
        ck_assert_msg(T.h->drops[k] == want, "[%s, %s] drop %s counted %llu times, want %llu",
                      r->name, run, drop_reason_name((enum drop_reason)k),
                      (unsigned long long)(T.h->drops[k] - drops[k]),
                      (unsigned long long)(want - drops[k]));
    }
    expect_edges_of_table(r, run);
    sg_free(&T);
}

/* Row i of a table of n rows: the first n runs in mid-space, the next n near 2^32. */
#define RUN_TABLE(tab) run_row(&(tab)[_i % NROWS(tab)], _i < NROWS(tab) ? &plain : &wrap)
/* A loop test over every row of a table, both ways. */
#define TABLE_TEST(name, tab) CK_LOOP_TEST(name, 0, 2 * NROWS(tab)) { RUN_TABLE(tab); } END_TEST

CK_CASE("segment arrival, state by state", NULL, NULL);

TABLE_TEST(test_closed_port_answers_rst_per_3_10_7_1, rows_closed)
TABLE_TEST(test_listen_segment_arrival_per_3_10_7_2, rows_listen)
TABLE_TEST(test_syn_sent_segment_arrival_per_3_10_7_3, rows_syn_sent)
TABLE_TEST(test_syn_received_segment_arrival_per_3_10_7_4, rows_syn_received)
TABLE_TEST(test_established_segment_arrival_per_3_10_7_4, rows_established)
TABLE_TEST(test_closing_states_segment_arrival_per_3_10_7_4, rows_closing)

/* ---- details the table cannot express ---- */

CK_CASE("details", NULL, NULL);

CK_TEST(test_time_wait_retransmitted_fin_restarts_2msl)
{
    /* §3.10.7.4 fifth check, TIME-WAIT: acknowledge the retransmitted FIN
     * and restart the 2 MSL timeout. */
    sg_init(&T, 7);
    struct sock *s = enter(TCP_TIME_WAIT, false, &plain);
    tl_time entered = T.now;
    ck_assert_int_eq(s->tcb.tw_at, entered + 2 * T.h->cfg.msl);
    sg_advance(&T, entered + 10 * TL_SEC);
    seg_from_peer(&T, s, FA, -1, 0, 0);
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g) && g.flags == A && g.ack == s->tcb.rcv_nxt);
    ck_assert_int_eq(s->tcb.tw_at, T.now + 2 * T.h->cfg.msl);
    sg_advance(&T, entered + 2 * T.h->cfg.msl);
    ck_assert_int_eq(s->tcb.state, TCP_TIME_WAIT);
    sg_advance(&T, T.now + 10 * TL_SEC);
    ck_assert_int_eq(s->tcb.state, TCP_CLOSED);
    sg_free(&T);
}
END_TEST

CK_TEST(test_time_wait_orphan_reopened_by_higher_syn)
{
    /* RFC 9293 §3.10.7.4 note (RFC 6191): a SYN above RCV.NXT may reuse the
     * pair of a TIME-WAIT connection; the listener answers it. */
    sg_init(&T, 7);
    struct sock *l = listener();
    host_force_iss(T.h, plain.iss);
    sg_tcp_from_peer(&T, PEER_PORT, LISTEN_PORT, plain.peer_iss, 0, S, PEER_WND, 0);
    sg_tcp_from_peer(&T, PEER_PORT, LISTEN_PORT, plain.peer_iss + 1, plain.iss + 1, A, PEER_WND, 0);
    int fd = sock_accept(T.h, l->fd, NULL, NULL, T.now);
    ck_assert_int_ge(fd, 3);
    struct sock *s = sock_by_fd(T.h, fd);
    int id = s->id;
    ck_assert_int_eq(sock_close(T.h, fd, T.now), 0);
    seg_from_peer(&T, s, FA, 0, 0, 0);
    ck_assert_int_eq(s->tcb.state, TCP_TIME_WAIT);
    sg_drain(&T);
    host_force_iss(T.h, 777);
    sg_tcp_from_peer(&T, PEER_PORT, LISTEN_PORT, s->tcb.rcv_nxt + 100000, 0, S, PEER_WND, 0);
    ck_assert_ptr_null(sock_by_id(T.h, id));
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g));
    ck_assert_int_eq(g.flags, SA);
    ck_assert_uint_eq(g.seq, 777);
    ck_assert_int_eq(embryo_of(l)->tcb.state, TCP_SYN_RECEIVED);
    sg_free(&T);
}
END_TEST

CK_TEST(test_zero_window_takes_ack_and_rst_but_not_data)
{
    /* §3.10.7.4: with RCV.WND zero no data is acceptable, but valid ACKs
     * and RSTs are still processed ("special allowance"). */
    sg_init(&T, 7);
    struct sock *s = enter(TCP_ESTABLISHED, false, &plain);
    ck_assert_int_eq(sock_setsockopt(T.h, s->fd, SOCKOPT_RCVBUF, 256), 0);
    ck_assert_int_eq(sock_send(T.h, s->fd, "abcd", 4, T.now), 4);
    sg_drain(&T);
    seg_from_peer(&T, s, A, 0, -4, 256);       /* fills the window */
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g) && g.wnd == 0 && g.ack == s->tcb.rcv_nxt);
    uint32_t una = s->tcb.snd_una;
    seg_from_peer(&T, s, A, 0, 0, 10);         /* data and an ACK of our 4 bytes */
    ck_assert_uint_eq(s->tcb.snd_una, una + 4);
    ck_assert(sg_pop_tcp(&T, &g) && g.flags == A && g.ack == s->tcb.rcv_nxt && g.wnd == 0);
    ck_assert_uint_eq(sock_recv_queue(s), 256);
    seg_from_peer(&T, s, A, 1, 0, 0);          /* an ACK not at RCV.NXT: unacceptable */
    ck_assert(sg_pop_tcp(&T, &g) && g.flags == A);
    seg_from_peer(&T, s, R, 0, 0, 0);
    ck_assert_int_eq(s->tcb.state, TCP_CLOSED);
    ck_assert_int_eq(s->err, ECONNRESET);
    sg_free(&T);
}
END_TEST

CK_TEST(test_syn_received_rst_frees_embryo_and_listener_goes_on)
{
    /* §3.10.7.4 second check, SYN-RECEIVED from a passive OPEN: "return
     * this connection to LISTEN state"; the listener takes the next SYN. */
    sg_init(&T, 7);
    struct sock *s = enter(TCP_SYN_RECEIVED, true, &plain);
    struct sock *l = s->parent;
    seg_from_peer(&T, s, R, 0, 0, 0);
    ck_assert_ptr_null(embryo_of(l));
    ck_assert_int_eq(l->syn_queued, 0);
    sg_tcp_from_peer(&T, PEER_PORT, LISTEN_PORT, 42, 0, S, PEER_WND, 0);
    struct tcp_seg g;
    ck_assert(sg_pop_tcp(&T, &g) && g.flags == SA && g.ack == 43);
    ck_assert_int_eq(l->syn_queued, 1);
    sg_free(&T);
}
END_TEST

CK_TEST(test_unanswered_syn_ack_retransmitted_then_embryo_dropped)
{
    /* Linux's tcp_synack_retries = 5, the timeout doubling from 1 s: the
     * SYN,ACK again at 1, 3, 7, 15 and 31 s, the embryo gone at 63 s. */
    sg_init(&T, 7);
    struct sock *s = enter(TCP_SYN_RECEIVED, true, &plain);
    struct sock *l = s->parent;
    int id = s->id;
    tl_time t0 = T.now;
    static const int at[] = {1, 3, 7, 15, 31};
    for (int k = 0; k < 5; k++) {
        sg_advance(&T, t0 + at[k] * TL_SEC);
        struct tcp_seg g;
        ck_assert(sg_pop_tcp(&T, &g));
        ck_assert(g.flags == SA && g.seq == plain.iss && g.ack == plain.peer_iss + 1);
        ck_assert(!sg_pop_tcp(&T, &g));
    }
    sg_advance(&T, t0 + 63 * TL_SEC - 1);
    ck_assert_ptr_nonnull(sock_by_id(T.h, id));
    sg_advance(&T, t0 + 63 * TL_SEC);
    ck_assert_ptr_null(sock_by_id(T.h, id));
    ck_assert_int_eq(l->syn_queued, 0);
    ck_assert_int_eq(l->tcb.state, TCP_LISTEN);
    ck_assert_uint_eq(sg_drain(&T), 0);                   /* silently: no RST */
    sg_free(&T);
}
END_TEST
