/* A student's walk through a lab: the current step, the checkpoints met so
 * far, and what to print about them.  Every line it prints starts with
 * "[lab]" (LAB_PREFIX), so that matching and grading can skip it. */
#ifndef TCPLAB_LAB_GUIDE_H
#define TCPLAB_LAB_GUIDE_H

#include <stdio.h>

#include "lab/lab.h"
#include "lab/match.h"

struct lab_guide {
    struct lab *lab;
    struct lab_matcher m;
    int step;                   /* the step shown, 0-based */
    size_t lines;               /* output lines seen */
};

/* Takes ownership of lab.  NULL on no memory. */
struct lab_guide *lab_guide_new(struct lab *lab);
void lab_guide_free(struct lab_guide *g);
/* The title, the introduction and the first step. */
void lab_guide_intro(const struct lab_guide *g, FILE *out);
void lab_guide_step(const struct lab_guide *g, int k, FILE *out);
/* Move to the next step and print it; -1 (and a note) after the last. */
int lab_guide_next(struct lab_guide *g, FILE *out);
void lab_guide_status(const struct lab_guide *g, FILE *out);
void lab_guide_questions(const struct lab_guide *g, FILE *out);
/* A command and its output: print the checkpoints it met. */
void lab_guide_feed(struct lab_guide *g, int host, const char *cmd, const char *text,
                    size_t len, FILE *out);
/* What a checkpoint asks for, in words: "juliet: a socket reaches LISTEN". */
void lab_check_describe(const struct lab_check *c, char *buf, size_t cap);

#endif
