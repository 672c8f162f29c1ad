/* Transcripts (design.md "Transcripts"): writing them and replaying them. */
#ifndef TCPLAB_TRANSCRIPT_H
#define TCPLAB_TRANSCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void transcript_write_header(FILE *f, uint64_t seed, const char *lab);
/* A stream that writes to `terminal` as is and to `file` without ANSI colour. */
FILE *transcript_tee(FILE *terminal, FILE *file);
/* Replay one transcript; differences (or "ok") reported to `report`.
 * Returns 0 if identical, 1 otherwise. */
int transcript_replay(const char *path, FILE *report, bool quiet);
/* `tcplab replay T...` (argv[0] == "replay"). */
int replay_main(int argc, char **argv);

#endif
