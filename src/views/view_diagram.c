/* The `diagram` view: RFC 9293 §3.3.2 Figure 5 as the RFC draws it, with
 * one socket's path through it.  The states it went through and the edges
 * it took come from the host's trace (every tcp_set_state() leaves an
 * event there), and which edge each one took from the state table
 * (stack/tcp_fsm.h); the socket's current state is boxed with '#'. */
#include <string.h>

#include "stack/tcp_fsm.h"
#include "views/view_util.h"
#include "views/views.h"

/* RFC 9293 Figure 5, character for character (two CLOSED boxes: the
 * figure draws CLOSED at the top and again at the bottom right). */
#define FIG_ROWS 44
#define FIG_COLS 72

static const char *const figure[FIG_ROWS] = {
    "                            +---------+ ---------\\      active OPEN",
    "                            |  CLOSED |            \\    -----------",
    "                            +---------+<---------\\   \\   create TCB",
    "                              |     ^              \\   \\  snd SYN",
    "                 passive OPEN |     |   CLOSE        \\   \\",
    "                 ------------ |     | ----------       \\   \\",
    "                  create TCB  |     | delete TCB         \\   \\",
    "                              V     |                      \\   \\",
    "          rcv RST (note 1)  +---------+            CLOSE    |    \\",
    "       -------------------->|  LISTEN |          ---------- |     |",
    "      /                     +---------+          delete TCB |     |",
    "     /           rcv SYN      |     |     SEND              |     |",
    "    /           -----------   |     |    -------            |     V",
    "+--------+      snd SYN,ACK  /       \\   snd SYN          +--------+",
    "|        |<-----------------           ------------------>|        |",
    "|  SYN   |                    rcv SYN                     |  SYN   |",
    "|  RCVD  |<-----------------------------------------------|  SENT  |",
    "|        |                  snd SYN,ACK                   |        |",
    "|        |------------------           -------------------|        |",
    "+--------+   rcv ACK of SYN  \\       /  rcv SYN,ACK       +--------+",
    "   |         --------------   |     |   -----------",
    "   |                x         |     |     snd ACK",
    "   |                          V     V",
    "   |  CLOSE                 +---------+",
    "   | -------                |  ESTAB  |",
    "   | snd FIN                +---------+",
    "   |                 CLOSE    |     |    rcv FIN",
    "   V                -------   |     |    -------",
    "+---------+         snd FIN  /       \\   snd ACK         +---------+",
    "|  FIN    |<----------------          ------------------>|  CLOSE  |",
    "| WAIT-1  |------------------                            |   WAIT  |",
    "+---------+          rcv FIN  \\                          +---------+",
    "  | rcv ACK of FIN   -------   |                          CLOSE  |",
    "  | --------------   snd ACK   |                         ------- |",
    "  V        x                   V                         snd FIN V",
    "+---------+               +---------+                    +---------+",
    "|FINWAIT-2|               | CLOSING |                    | LAST-ACK|",
    "+---------+               +---------+                    +---------+",
    "  |              rcv ACK of FIN |                 rcv ACK of FIN |",
    "  |  rcv FIN     -------------- |    Timeout=2MSL -------------- |",
    "  |  -------            x       V    ------------        x       V",
    "   \\ snd ACK              +---------+delete TCB          +---------+",
    "     -------------------->|TIME-WAIT|------------------->| CLOSED  |",
    "                          +---------+                    +---------+",
};

/* Each state's box(es) in the figure: rows top..bottom, columns
 * left..right, corners included. */
struct box {
    enum tcp_state state;
    int top, left, bottom, right;
};

static const struct box boxes[] = {
    {TCP_CLOSED, 0, 28, 2, 38},        {TCP_LISTEN, 8, 28, 10, 38},
    {TCP_SYN_RECEIVED, 13, 0, 19, 9},  {TCP_SYN_SENT, 13, 58, 19, 67},
    {TCP_ESTABLISHED, 23, 28, 25, 38}, {TCP_FIN_WAIT_1, 28, 0, 31, 10},
    {TCP_CLOSE_WAIT, 28, 57, 31, 67},  {TCP_FIN_WAIT_2, 35, 0, 37, 10},
    {TCP_CLOSING, 35, 26, 37, 36},     {TCP_LAST_ACK, 35, 57, 37, 67},
    {TCP_TIME_WAIT, 41, 26, 43, 36},   {TCP_CLOSED, 41, 57, 43, 67},
};

struct span {
    int row, col, len;
};

/* Where the figure writes the label of each of its edges (event, then the
 * actions; "x" is the figure's "no action").  Which transition took which
 * edge is the state table's business (stack/tcp_fsm.h). */
struct place {
    enum tcp_state from, to;
    struct span label[3];
};

static const struct place places[] = {
    {TCP_CLOSED, TCP_LISTEN, {{4, 17, 12}, {6, 18, 10}}},
    {TCP_LISTEN, TCP_CLOSED, {{4, 40, 5}, {6, 38, 10}}},
    {TCP_CLOSED, TCP_SYN_SENT, {{0, 56, 11}, {2, 57, 10}, {3, 58, 7}}},
    {TCP_LISTEN, TCP_SYN_SENT, {{11, 42, 4}, {13, 41, 7}}},
    {TCP_SYN_SENT, TCP_CLOSED, {{8, 51, 5}, {10, 49, 10}}},
    {TCP_LISTEN, TCP_SYN_RECEIVED, {{11, 17, 7}, {13, 16, 11}}},
    {TCP_SYN_RECEIVED, TCP_LISTEN, {{8, 10, 16}}},
    {TCP_SYN_SENT, TCP_SYN_RECEIVED, {{15, 30, 7}, {17, 28, 11}}},
    {TCP_SYN_RECEIVED, TCP_ESTABLISHED, {{19, 13, 14}, {21, 20, 1}}},
    {TCP_SYN_SENT, TCP_ESTABLISHED, {{19, 40, 11}, {21, 42, 7}}},
    {TCP_SYN_RECEIVED, TCP_FIN_WAIT_1, {{23, 6, 5}, {25, 5, 7}}},
    {TCP_ESTABLISHED, TCP_FIN_WAIT_1, {{26, 21, 5}, {28, 20, 7}}},
    {TCP_ESTABLISHED, TCP_CLOSE_WAIT, {{26, 41, 7}, {28, 41, 7}}},
    {TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, {{32, 4, 14}, {34, 11, 1}}},
    {TCP_FIN_WAIT_1, TCP_CLOSING, {{31, 21, 7}, {33, 21, 7}}},
    {TCP_CLOSE_WAIT, TCP_LAST_ACK, {{32, 58, 5}, {34, 57, 7}}},
    {TCP_FIN_WAIT_2, TCP_TIME_WAIT, {{39, 5, 7}, {41, 5, 7}}},
    {TCP_CLOSING, TCP_TIME_WAIT, {{38, 17, 14}, {40, 24, 1}}},
    {TCP_LAST_ACK, TCP_CLOSED, {{38, 50, 14}, {40, 57, 1}}},
    {TCP_TIME_WAIT, TCP_CLOSED, {{39, 37, 12}, {41, 37, 10}}},
};

/* The edge of the table a transition of s took. */
static const struct tcp_fsm_edge *edge_of(const struct trace_ev *e, const struct sock *s)
{
    return tcp_fsm_find(e->old_state, e->new_state, e->cause, s->tcb.passive);
}

/* Where the figure draws the edge a transition took, or NULL if the
 * figure leaves it out ("rcv RST" to CLOSED is not "CLOSE / delete TCB"). */
static const struct place *drawn_place(const struct tcp_fsm_edge *ed)
{
    if (!ed || ed->source != TCP_EDGE_FIGURE)
        return NULL;
    for (size_t i = 0; i < sizeof places / sizeof *places; i++)
        if (places[i].from == ed->from && places[i].to == ed->to)
            return &places[i];
    return NULL;
}

/* The figure on a canvas, then marks: green boxes for the states visited,
 * yellow labels for the edges taken, a '#' box (reverse video) for now.
 * The plain-text marks ('#' and '=' borders) carry the meaning alone. */
enum mark { M_NONE, M_VISITED, M_EDGE, M_CURRENT };

struct canvas {
    char ch[FIG_ROWS][FIG_COLS + 1];
    unsigned char attr[FIG_ROWS][FIG_COLS];
};

static void canvas_init(struct canvas *c)
{
    memset(c, 0, sizeof *c);
    for (int r = 0; r < FIG_ROWS; r++)
        snprintf(c->ch[r], sizeof c->ch[r], "%s", figure[r]);
}

static void set_attr(struct canvas *c, int r, int col, enum mark m)
{
    if (r >= 0 && r < FIG_ROWS && col >= 0 && col < FIG_COLS && c->attr[r][col] < m)
        c->attr[r][col] = (unsigned char)m;
}

static void mark_state(struct canvas *c, enum tcp_state st, enum mark m)
{
    for (size_t i = 0; i < sizeof boxes / sizeof *boxes; i++) {
        const struct box *b = &boxes[i];
        if (b->state != st)
            continue;
        for (int r = b->top; r <= b->bottom; r++)
            for (int col = b->left; col <= b->right; col++) {
                bool edge_row = r == b->top || r == b->bottom;
                bool border = edge_row || col == b->left || col == b->right;
                char *ch = &c->ch[r][col];
                if (m == M_CURRENT && border)
                    *ch = '#';
                else if (m == M_VISITED && edge_row && *ch == '-')
                    *ch = '=';
                set_attr(c, r, col, m);
            }
    }
}

static void mark_edge(struct canvas *c, const struct place *e)
{
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < e->label[i].len; k++)
            set_attr(c, e->label[i].row, e->label[i].col + k, M_EDGE);
}

static void canvas_print(FILE *out, const struct view_style *st, const struct canvas *c)
{
    static const char *const sgr[] = {NULL, SGR_VISITED, SGR_EDGE, SGR_CURRENT};
    for (int r = 0; r < FIG_ROWS; r++) {
        int end = (int)strlen(c->ch[r]);
        while (end > 0 && c->ch[r][end - 1] == ' ')
            end--;
        unsigned char cur = M_NONE;
        fputs("  ", out);
        for (int col = 0; col < end; col++) {
            if (c->attr[r][col] != cur) {
                cur = c->attr[r][col];
                vu_sgr(out, st, sgr[cur]);
            }
            fputc(c->ch[r][col], out);
        }
        if (cur != M_NONE)
            vu_sgr(out, st, NULL);
        fputc('\n', out);
    }
}

/* The socket's next state transition in the host's trace after event *id
 * (start with *id = 0), or NULL when there is none. */
static const struct trace_ev *next_transition(const struct trace *tr, const struct sock *s,
                                              uint64_t *id)
{
    if (*id < trace_first_id(tr))
        *id = trace_first_id(tr) - 1;
    while (++*id <= trace_last_id(tr)) {
        const struct trace_ev *e = trace_get(tr, *id);
        if (e && e->kind == TRACE_STATE && e->sock_id == s->id)
            return e;
    }
    return NULL;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

/* The socket's transitions, oldest first, with time and cause, in columns;
 * those the figure leaves out say where they are specified. */
static void print_transitions(FILE *out, const struct host *h, const struct sock *s)
{
    const struct trace *tr = &h->trace;
    const struct trace_ev *e;
    int timew = 0, fromw = 0, tow = 0, causew = 0;
    char stamp[32];
    uint64_t id = 0;
    while ((e = next_transition(tr, s, &id))) {
        timew = max_int(timew, (int)strlen(vu_stamp(stamp, e->t)));
        fromw = max_int(fromw, (int)strlen(tcp_state_name(e->old_state)));
        tow = max_int(tow, (int)strlen(tcp_state_name(e->new_state)));
        causew = max_int(causew, (int)strlen(tcp_cause_name(e->cause)));
    }
    /* The ring also holds every frame sent and received, so a long
     * transfer pushes a connection's first transitions out of it. */
    if (timew == 0 && s->tcb.state == TCP_CLOSED) {
        fputs("  none yet: every socket starts in CLOSED\n", out);
        return;
    }
    if (timew == 0) {
        fprintf(out, "  (all of them have left the trace ring of the last %zu events)\n", tr->cap);
        return;
    }
    id = 0;
    for (bool first = true; (e = next_transition(tr, s, &id)); first = false) {
        /* A socket's story starts in CLOSED (in LISTEN for one born from a
         * listener); anything else means the ring has overwritten the start. */
        if (first && e->old_state != TCP_CLOSED && !(e->old_state == TCP_LISTEN && s->tcb.passive))
            fprintf(out, "  (earlier ones have left the trace ring of the last %zu events)\n",
                    tr->cap);
        fprintf(out, "  %*s  %-*s -> %-*s  ", timew, vu_stamp(stamp, e->t), fromw,
                tcp_state_name(e->old_state), tow, tcp_state_name(e->new_state));
        const struct tcp_fsm_edge *ed = edge_of(e, s);
        if (drawn_place(ed))
            fprintf(out, "%s\n", tcp_cause_name(e->cause));
        else    /* where the figure's notes, or the RFC, specify it */
            fprintf(out, "%-*s  (not drawn: %s)\n", causew, tcp_cause_name(e->cause),
                    ed ? ed->ref : "see RFC 9293 section 3.10");
    }
}

static void print_notes(FILE *out)
{
    fputs("  note 1: SYN-RECEIVED -> LISTEN on RST only after a passive OPEN\n"
          "  note 2: FIN-WAIT-1 -> TIME-WAIT when a FIN comes with the ACK of our FIN\n"
          "  note 3: RST, sent or received, ends the connection from any state\n", out);
}

/* "romeo sock (fd 3)", "romeo fd 5", "romeo (no fd)" */
static void print_who(FILE *out, const struct view_style *st, const struct host *h,
                      const struct sock *s)
{
    const char *name = vu_name(st, h, s->fd);
    fputs(h->cfg.name, out);
    if (name)
        fprintf(out, " %s (fd %d)", name, s->fd);
    else if (s->fd >= 0)
        fprintf(out, " fd %d", s->fd);
    else
        fputs(" (no fd)", out);
}

void view_diagram(FILE *out, const struct view_style *st, const struct host *h,
                  const struct sock *s)
{
    struct canvas c;
    canvas_init(&c);
    fputs("TCP connection state diagram (RFC 9293 section 3.3.2, Figure 5)\n", out);
    if (s && s->type == SOCKT_UDP) {
        print_who(out, st, h, s);
        fputs(" is a UDP socket: UDP has no connection states\n", out);
        s = NULL;
    }
    if (s) {
        const struct trace_ev *e;
        uint64_t id = 0;
        while ((e = next_transition(&h->trace, s, &id))) {
            mark_state(&c, e->old_state, M_VISITED);
            mark_state(&c, e->new_state, M_VISITED);
            const struct place *p = drawn_place(edge_of(e, s));
            if (p)
                mark_edge(&c, p);
        }
        mark_state(&c, s->tcb.state, M_CURRENT);
        print_who(out, st, h, s);
        fprintf(out, ": %s (box of #), states visited (boxes of =)\n",
                tcp_state_name(s->tcb.state));
    }
    fputc('\n', out);
    canvas_print(out, st, &c);
    fputc('\n', out);
    print_notes(out);
    if (!s)
        return;
    fputs("\ntransitions of ", out);
    print_who(out, st, h, s);
    fputs(":\n", out);
    print_transitions(out, h, s);
}
