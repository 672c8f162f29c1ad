/* The shell fixture: a shell on a fresh simulated wire (seed 1), its
 * output captured, and run() of one line at a time.  One per suite, as
 * Check's fixtures are: sht_setup and sht_teardown around each test. */
#ifndef TCPLAB_SHELLTEST_H
#define TCPLAB_SHELLTEST_H

#include <stdint.h>

#include "link/sim.h"
#include "shell/shell.h"

extern struct shell *sht;      /* the shell of the running test */
extern struct simnet *sht_net; /* its simulated wire */

void sht_setup(void);
/* The same on a wire with another seed (a test may start over with it
 * after sht_teardown). */
void sht_setup_seed(uint64_t seed);
void sht_teardown(void);
/* Runs a line as typed; returns what it printed (valid until the next
 * call) and its status in *rc if rc is not NULL. */
const char *sht_run(const char *line, int *rc);

/* Runs a line and asserts that what it printed contains `want`; returns
 * the output as sht_run does. */
const char *sht_expect(const char *line, const char *want);

/* juliet's l listening on port 4000 and romeo's c connected to it, not
 * yet accepted (the tests say "juliet: s = accept l" when they want it). */
void sht_connect_c(void);

#endif
