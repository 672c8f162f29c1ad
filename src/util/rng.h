/* Seeded pseudo-random generator (xoshiro256**, seeded by splitmix64).
 * One per host and one per wire, so sim-mode runs are reproducible. */
#ifndef TCPLAB_RNG_H
#define TCPLAB_RNG_H

#include <stdint.h>

struct rng { uint64_t s[4]; };

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0. */
uint32_t rng_below(struct rng *r, uint32_t n);

#endif
