/*
 * sc_test_util.h — helpers shared by the core's unit tests: an allocator
 * that counts and fails on demand, deterministic random numbers, a double
 * comparator and an interrupt hook that counts its calls.
 *
 * Header-only like sc_test.h; functions are static inline so a test that
 * uses only some of them still builds under -Werror.  A test that wants its
 * own random sequence defines SC_TEST_SEED before including this file.
 */
#ifndef SC_TEST_UTIL_H
#define SC_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "sc_common.h"

/* ---- malloc that counts live blocks and fails once the budget is spent ---- */
typedef struct fail_ctx
{
	long		budget;			/* allocations left; < 0: unlimited */
	long		calls;			/* allocations that succeeded */
	long		live;			/* blocks not yet freed */
} fail_ctx;

/* take one allocation from the budget; false once it is spent */
static inline bool
f_spend(fail_ctx *c)
{
	if (c->budget == 0)
		return false;
	if (c->budget > 0)
		c->budget--;
	return true;
}

static inline void *
f_alloc(void *ctx, size_t size)
{
	fail_ctx   *c = ctx;
	void	   *p;

	if (!f_spend(c))
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
	{
		c->calls++;
		c->live++;
	}
	return p;
}

static inline void *
f_realloc(void *ctx, void *ptr, size_t size)
{
	fail_ctx   *c = ctx;
	void	   *p;

	if (!f_spend(c))
		return NULL;
	p = realloc(ptr, size ? size : 1);
	if (p)
	{
		c->calls++;
		if (!ptr)
			c->live++;
	}
	return p;
}

static inline void
f_free(void *ctx, void *ptr)
{
	fail_ctx   *c = ctx;

	if (ptr)
	{
		c->live--;
		free(ptr);
	}
}

/* reset c and return an allocator over it; budget < 0 never fails */
static inline sc_alloc
fail_alloc(fail_ctx *c, long budget)
{
	c->budget = budget;
	c->calls = 0;
	c->live = 0;
	return (sc_alloc) {f_alloc, f_realloc, f_free, c, NULL};
}

/*
 * Run call (an expression giving an sc_status, allocating through the
 * fail_alloc over ctx) with allocation budgets 0, 1, ... below max until it
 * succeeds: every failing run must return SC_ENOMEM and leave nothing
 * allocated.  failures counts the failing runs.  CHECK comes from sc_test.h.
 */
#define ENOMEM_SWEEP(ctx, max, failures, call) \
	do { \
		(failures) = 0; \
		for (long budget_ = 0; budget_ < (max); budget_++) \
		{ \
			sc_status	st_; \
			(ctx).budget = budget_; \
			(ctx).live = 0; \
			st_ = (call); \
			CHECK((ctx).live == 0); \
			if (st_ == SC_OK) \
				break; \
			CHECK(st_ == SC_ENOMEM); \
			(failures)++; \
		} \
	} while (0)

/* ---- deterministic random numbers (splitmix64), uniform in [0, 1) ---- */
#ifndef SC_TEST_SEED
#define SC_TEST_SEED 0x9e3779b97f4a7c15ULL
#endif

static uint64_t rng_state = SC_TEST_SEED;

static inline double
urand(void)
{
	uint64_t	z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double) (z >> 11) / 9007199254740992.0;
}

/* qsort order of doubles */
static inline int
dcmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* an interrupt hook that only counts */
static int	interrupts;

static inline void
count_interrupt(void)
{
	interrupts++;
}

#endif
