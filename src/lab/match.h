/* The checkpoint matcher: reads what the shell printed, command by
 * command and line by line, and marks a lab's checkpoints as they are met.
 * The live session feeds it through the shell's observer; grading feeds it
 * the lines of a transcript, which are the same text. */
#ifndef TCPLAB_LAB_MATCH_H
#define TCPLAB_LAB_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"

#define LAB_TCB_FIELDS 32

struct lab_result {
    bool met;
    size_t line;                /* where: the line fed when it was met */
    size_t seq;                 /* order of events, for "after" */
};

/* The fields of a printed TCB block, by normalised name. */
struct lab_tcbvals {
    int n;
    char name[LAB_TCB_FIELDS][LAB_FIELD_LEN];
    uint32_t v[LAB_TCB_FIELDS];
    size_t line;                /* the block's first line */
};

struct lab_matcher {
    const struct lab *lab;
    struct lab_result *res;     /* one per checkpoint */
    size_t seq;                 /* events so far */
    int nmet;
    /* the command being read */
    bool in_cmd;
    int cmd_host, res_host;     /* where it ran; whose result the next lines are */
    bool skip;                  /* print "...": its text is no evidence */
    /* a decoded frame and its continuation lines */
    bool in_frame;
    int ffrom, fto;
    size_t fline;
    char *frame;
    size_t flen, fcap;
    /* each sender's segments, for retransmit, dupack and covers */
    struct lab_flow {
        bool seen;             /* a data segment, so hi is known */
        uint32_t hi;           /* the highest sequence number sent, plus one */
        uint32_t maxseg;       /* the largest payload seen */
        bool acked;            /* a pure ACK seen, so ack and win are known */
        uint32_t ack, win;
        int dups;              /* duplicates of `ack` in a row */
    } flow[LAB_HOSTS];
    /* TCB blocks */
    int blk_host;
    struct lab_tcbvals blk, latest[LAB_HOSTS];
    bool tcb_seen[LAB_HOSTS];
    uint64_t bytes[LAB_HOSTS];
    /* recv --all left waiting: its result comes, unannounced, in the
     * output of a later command (maybe the other host's) */
    bool all_pending[LAB_HOSTS];
};

void lab_matcher_init(struct lab_matcher *m, const struct lab *lab);
void lab_matcher_free(struct lab_matcher *m);
/* A command as typed (after the prompt), run on `host`, at line `line`. */
void lab_matcher_command(struct lab_matcher *m, int host, const char *cmd, size_t line);
/* One line of its output (without the newline). */
void lab_matcher_line(struct lab_matcher *m, const char *text, size_t len, size_t line);
/* The command's output is complete. */
void lab_matcher_end(struct lab_matcher *m);
/* Points of the checkpoints met. */
int lab_matcher_score(const struct lab_matcher *m);

/* Lines every lab message starts with: never evidence, skipped by replay
 * hooks and the matcher. */
#define LAB_PREFIX "[lab]"
bool lab_is_lab_line(const char *s, size_t n);
/* The host a typed command runs on: "juliet: ss" on juliet, else `cur`. */
int lab_command_host(int cur, const char *cmd);

#endif
