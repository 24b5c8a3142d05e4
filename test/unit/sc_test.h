/*
 * sc_test.h — a tiny assertion kit for the core's unit tests.
 *
 * Each test/unit/test_*.c is its own program: it calls CHECK/CHECK_NEAR and
 * ends with TEST_DONE(), which prints "unit <name>: N passed, M failed" and
 * exits non-zero on any failure.  scripts/run-unit-tests.sh sums the lines.
 */
#ifndef SC_TEST_H
#define SC_TEST_H

#include <math.h>
#include <stdio.h>

static int	sc_test_passed;
static int	sc_test_failed;

#define CHECK(cond) do { \
	if (cond) sc_test_passed++; \
	else { sc_test_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* relative-or-absolute closeness: |a-b| <= tol * max(1, |a|, |b|) */
#define CHECK_NEAR(a, b, tol) do { \
	double sc_a_ = (a), sc_b_ = (b); \
	double sc_s_ = fmax(1.0, fmax(fabs(sc_a_), fabs(sc_b_))); \
	if (fabs(sc_a_ - sc_b_) <= (tol) * sc_s_) sc_test_passed++; \
	else { sc_test_failed++; \
		fprintf(stderr, "%s:%d: %s = %.17g, expected %s = %.17g\n", \
				__FILE__, __LINE__, #a, sc_a_, #b, sc_b_); } \
} while (0)

#define TEST_DONE(name) do { \
	printf("unit %s: %d passed, %d failed\n", name, sc_test_passed, sc_test_failed); \
	return sc_test_failed ? 1 : 0; \
} while (0)

#endif
