/*
 * sc_rate_test.h — the exact test of two Poisson rates (Przyborowski &
 * Wilenski 1940): given x1 + x2 = n events, x1 is binomial (n, t1 / (t1 +
 * t2)) under equal rates.  The two-sided p-value is R's binom.test's (the
 * outcomes no more likely than x1, with R's relative tolerance 1e-7), so it
 * equals poisson.test(c(x1, x2), c(t1, t2))$p.value.
 */
#ifndef SC_RATE_TEST_H
#define SC_RATE_TEST_H

#include "sc_common.h"

/* binomial probability of k in n trials of probability p */
double		sc_dbinom(uint64_t k, uint64_t n, double p);

/*
 * Two-sided p-value; x1, x2 counts, t1, t2 > 0 exposures.  SC_EUNDEFINED when
 * x1 + x2 = 0 (no events: nothing to test).  Polls alloc's interrupt hook.
 */
sc_status	sc_rate_test(uint64_t x1, uint64_t x2, double t1, double t2, const sc_alloc *alloc,
						 double *p_out, sc_err *err);

#endif
