/* Guided labs (design.md "Labs"): the plain-text lab file an instructor
 * writes, parsed once into steps and checkpoints.  The format is described
 * in man/tcplab-labs.5; this header is its C shape. */
#ifndef TCPLAB_LAB_H
#define TCPLAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/lab_hosts.h"     /* LAB_HOSTS, lab_host_index, lab_host_name */

#define LAB_ID_LEN     32
#define LAB_NAME_LEN   64
#define LAB_FIELD_LEN  16
#define LAB_MAX_CHECKS 256
#define LAB_LINE_MAX   1024

/* What a checkpoint looks for in the shell's output text. */
#define LAB_CHECK_KINDS(X)                                                          \
    X(STATE, "state")       /* a transition line: HOST [SOCK] reached STATE */      \
    X(SEGMENT, "segment")   /* a decoded TCP segment FROM > TO with flags ... */    \
    X(FRAME, "frame")       /* a decoded frame FROM > TO containing TEXT */         \
    X(BYTES, "bytes")       /* recv on HOST returned N bytes in all, at least */   \
    X(EOF, "eof")           /* recv on HOST reported the end of the stream */       \
    X(ERROR, "error")       /* a call on HOST failed with an errno */               \
    X(TCB, "tcb")           /* the TCB printed for HOST shows FIELD OP VALUE */     \
    X(OUTPUT, "output")     /* an output line on HOST contains TEXT */              \
    X(COMMAND, "command")   /* a command run on HOST contains TEXT */

enum lab_check_kind {
#define LAB_KIND_ENUM(name, word) LAB_CK_##name,
    LAB_CHECK_KINDS(LAB_KIND_ENUM)
#undef LAB_KIND_ENUM
    LAB_CK__N
};

/* tcpdump's TCP flag letters, as bits. */
enum {
    LAB_TH_FIN = 1, LAB_TH_SYN = 2, LAB_TH_RST = 4, LAB_TH_PUSH = 8,
    LAB_TH_ACK = 16, LAB_TH_URG = 32, LAB_TH_ECE = 64, LAB_TH_CWR = 128, LAB_TH_AE = 256,
};

enum lab_op { LAB_OP_EQ, LAB_OP_NE, LAB_OP_LT, LAB_OP_LE, LAB_OP_GT, LAB_OP_GE };

#define LAB_LEN_ANY  (-1L)
#define LAB_LEN_DATA (-2L)          /* any payload, length > 0 */

struct lab_check {
    char id[LAB_ID_LEN];
    char *spec;                 /* as written after the colon */
    int step;                   /* the step it belongs to (0-based) */
    int after;                  /* checkpoint that must be met before, or -1 */
    int points;
    int line;                   /* in the lab file */
    enum lab_check_kind kind;
    int host, to;               /* HOST, or FROM and TO */
    char sock[LAB_NAME_LEN];    /* state: a socket name, or "" for any */
    char state[16];             /* state: the state's name, as the shell prints it */
    unsigned flags;             /* segment: flag bits */
    bool flags_given, flags_atleast;
    long length;                /* segment: payload length, LAB_LEN_ANY or LAB_LEN_DATA */
    long port;                  /* segment: either port, or -1 */
    bool retransmit;            /* segment: data sent again (below the highest sent) */
    bool sack;                  /* segment: carries SACK blocks */
    bool update;                /* segment: a window update (same ACK, larger window) */
    int dupack;                 /* segment: the Nth duplicate ACK in a row, or 0 */
    int covers;                 /* segment: an ACK of N or more full segments at once, or 0 */
    uint64_t bytes;             /* bytes */
    int err;                    /* error: errno value, or 0 when by class name */
    char errclass[40];          /* error: Python's exception class, or "" */
    char field[LAB_FIELD_LEN];  /* tcb: normalised field name (sndnxt) */
    enum lab_op op;
    bool value_field;           /* tcb: VALUE is a field, not a number */
    int vhost;                  /* tcb: whose field VALUE is */
    char vfield[LAB_FIELD_LEN];
    uint32_t value;
    char *text;                 /* frame, output, command */
};

/* One line of a step as the student sees it. */
enum lab_item_kind { LAB_TEXT, LAB_TRY, LAB_CHECK, LAB_QUESTION };
struct lab_item {
    enum lab_item_kind kind;
    char *text;                 /* text, command, question (lines joined by \n) */
    int check;                  /* LAB_CHECK: index into lab->checks */
};

struct lab_step {
    char *title;
    struct lab_item *items;
    size_t nitems;
};

struct lab {
    char name[LAB_NAME_LEN];
    char *title;
    char *path;                 /* where it was read from */
    struct lab_item *intro;     /* text before the first step */
    size_t nintro;
    struct lab_step *steps;
    size_t nsteps;
    struct lab_check *checks;
    size_t nchecks;
    int points;                 /* sum over the checkpoints */
};

/* lab_file.c */
/* Parse a lab file.  NULL with "FILE:LINE: what is wrong" (one line) in err. */
struct lab *lab_parse_file(const char *path, char *err, size_t cap);
void lab_free(struct lab *lab);
const char *lab_kind_name(enum lab_check_kind k);
/* Sequence-space or plain comparison of two 32-bit TCB values. */
bool lab_compare(uint32_t a, enum lab_op op, uint32_t b);
/* "SND.NXT" -> "sndnxt": lower case, without . - _ and spaces. */
void lab_field_norm(const char *in, size_t n, char *out, size_t cap);

/* lab_find.c */
/* Find a lab by name (or a path to a lab file) and parse it. */
struct lab *lab_load(const char *name, char *err, size_t cap);
/* The folders searched, in order, ':'-separated, for messages and man. */
void lab_search_path(char *buf, size_t cap);
/* Every lab found (name and title), sorted by name; returns the count. */
struct lab_entry {
    char name[LAB_NAME_LEN];
    char title[160];
};
size_t lab_list(struct lab_entry **out);

#endif
