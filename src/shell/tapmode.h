/* The shell in tap mode (tapmode.c): frames tcplab's stack does not
 * handle, counted and summarised through the report's hooks, and the
 * reports of what happens between commands, which the front ends (repl.c)
 * print above the prompt.  The kernel host itself is read through its
 * hostview like any host. */
#ifndef TCPLAB_SHELL_TAPMODE_H
#define TCPLAB_SHELL_TAPMODE_H

#include "shell/shell.h"

/* Attach after shell_new in tap mode (sets the report's hooks), detach
 * before shell_free. */
int sh_tap_attach(struct shell *sh);
void sh_tap_detach(struct shell *sh);
/* The front ends, between commands: take in what arrived and let pending
 * calls go on; something to print?  when?  print it.  In sim mode (no
 * attach) nothing happens between commands: no steps, nothing to print,
 * no report ever due. */
size_t sh_tap_step(struct shell *sh);
bool sh_tap_printable(struct shell *sh);
tl_time sh_tap_report_due(struct shell *sh);
void sh_tap_report(struct shell *sh);
/* Scripts: wait (real time, at most limit) for host's pending call; in
 * sim mode it returns at once (whether host has none). */
bool sh_tap_wait_pending(struct shell *sh, int host, tl_time limit);

#endif
