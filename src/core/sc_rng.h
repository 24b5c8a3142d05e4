/*
 * sc_rng.h — deterministic pseudo-random numbers for permutation tests.
 *
 * xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021) with its state filled from a 64-bit seed
 * by splitmix64, as its authors recommend.  Only fixed-width integer
 * arithmetic is used, so one seed gives one sequence on every platform.
 */
#ifndef SC_RNG_H
#define SC_RNG_H

#include "sc_common.h"

typedef struct sc_rng
{
	uint64_t	s[4];
} sc_rng;

/* fill the state from seed through splitmix64 (any seed, 0 included) */
void		sc_rng_seed(sc_rng *rng, uint64_t seed);

/* next 64 random bits */
uint64_t	sc_rng_next(sc_rng *rng);

/* uniform integer in [0, n) without modulo bias (Lemire 2019); 0 when n == 0 */
uint64_t	sc_rng_below(sc_rng *rng, uint64_t n);

/* uniform double in [0, 1): the top 53 bits scaled by 2^-53 */
double		sc_rng_uniform(sc_rng *rng);

/* in-place Fisher–Yates (Durstenfeld) shuffle: every order equally likely */
void		sc_rng_shuffle_u32(sc_rng *rng, uint32_t *a, size_t n);
void		sc_rng_shuffle_size(sc_rng *rng, size_t *a, size_t n);

#endif
