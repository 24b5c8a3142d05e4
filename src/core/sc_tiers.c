/* sc_tiers.c — tier rules: quantile shares and cut-offs, seasonal tiers from a count's upper tail (see sc_tiers.h). */
#include "sc_tiers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- tiering ------------------------------------------------------------ */

sc_status
sc_tier_check_shares(double red, double orange, double yellow, sc_err *err)
{
	if (!isfinite(red) || !isfinite(orange) || !isfinite(yellow))
		return sc_fail(err, SC_EINVAL, "shares must be finite numbers (got %g, %g, %g)",
					   red, orange, yellow);
	if (!(red > 0 && red < orange && orange < yellow && yellow <= 1))
		return sc_fail(err, SC_EINVAL,
					   "shares must increase within (0, 1]: red < orange < yellow <= 1 (got %g, %g, %g)",
					   red, orange, yellow);
	return SC_OK;
}

sc_status
sc_tier_check_thresholds(double red, double orange, double yellow, sc_err *err)
{
	if (!isfinite(red) || !isfinite(orange) || !isfinite(yellow))
		return sc_fail(err, SC_EINVAL, "cut-offs must be finite numbers (got %g, %g, %g)",
					   red, orange, yellow);
	if (!(red >= orange && orange >= yellow))
		return sc_fail(err, SC_EINVAL,
					   "cut-offs must not increase: red >= orange >= yellow (got %g, %g, %g)",
					   red, orange, yellow);
	return SC_OK;
}

typedef struct scored
{
	double		score;
	size_t		idx;
} scored;

static int
cmp_scored_desc(const void *a, const void *b)
{
	const scored *x = a,
			   *y = b;

	if (x->score > y->score)
		return -1;
	if (x->score < y->score)
		return 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

sc_status
sc_tier_quantile(const double *score, size_t n, double red, double orange, double yellow,
				 uint8_t *tier, int64_t *rank, const sc_alloc *alloc, sc_err *err)
{
	sc_status	st = sc_tier_check_shares(red, orange, yellow, err);
	scored	   *s;
	size_t		m = 0,
				bytes;
	int64_t		r = 0;
	const double tol = 1 + 1e-9;

	if (st != SC_OK)
		return st;
	for (size_t k = 0; k < n; k++)
	{
		sc_alloc_poll(alloc, k);
		tier[k] = SC_TIER_NONE;
		if (rank)
			rank[k] = 0;
		if (isinf(score[k]))
			return sc_fail(err, SC_EINVAL, "score %zu is infinite", k + 1);
	}
	if (n == 0)
		return SC_OK;
	/* the scores, then the sort's room for them */
	if (!sc_mul_size(n, 2 * sizeof(scored), &bytes) || !(s = alloc->alloc(alloc->ctx, bytes)))
		return sc_fail(err, SC_ENOMEM, "out of memory ranking %zu scores", n);
	for (size_t k = 0; k < n; k++)
		if (!isnan(score[k]))
		{
			s[m].score = score[k];
			s[m].idx = k;
			m++;
		}
	sc_sort(s, s + n, m, sizeof(scored), cmp_scored_desc, alloc->interrupt);
	for (size_t p = 0; p < m; p++)
	{
		double		v = s[p].score;

		sc_alloc_poll(alloc, p);
		if (p == 0 || v != s[p - 1].score)
			r = (int64_t) p + 1;	/* ties keep the rank of the first of them */
		if (rank)
			rank[s[p].idx] = r;
		if (v > 0)
		{
			double		rr = (double) r;

			if (rr <= red * (double) m * tol)
				tier[s[p].idx] = SC_TIER_RED;
			else if (rr <= orange * (double) m * tol)
				tier[s[p].idx] = SC_TIER_ORANGE;
			else if (rr <= yellow * (double) m * tol)
				tier[s[p].idx] = SC_TIER_YELLOW;
		}
	}
	alloc->free(alloc->ctx, s);
	return SC_OK;
}

sc_tier
sc_tier_threshold(double score, double red, double orange, double yellow)
{
	if (isnan(score))
		return SC_TIER_NONE;
	if (score >= red)
		return SC_TIER_RED;
	if (score >= orange)
		return SC_TIER_ORANGE;
	if (score >= yellow)
		return SC_TIER_YELLOW;
	return SC_TIER_NONE;
}

/* --- seasonal tiers: upper tail of a count ------------------------------ */

/* log P(X = x): Poisson (r = 0) or negative binomial of size r = 1/dispersion */
static double
log_pmf(double x, double mu, double r)
{
	if (r == 0)
		return x * log(mu) - mu - lgamma(x + 1);
	return lgamma(x + r) - lgamma(r) - lgamma(x + 1) + r * log(r / (r + mu)) + x * log(mu / (r + mu));
}

/* P(X = x + 1) / P(X = x) */
static double
ratio_up(double x, double mu, double r)
{
	if (r == 0)
		return mu / (x + 1);
	return (x + r) / (x + 1) * (mu / (r + mu));
}

sc_status
sc_upper_tail(double observed, double expected, double dispersion, double *p,
			  sc_interrupt_fn interrupt, sc_err *err)
{
	double		o,
				r,
				term,
				sum = 0;
	const double limit = 1e9;

	if (!isfinite(observed) || observed < 0)
		return sc_fail(err, SC_EINVAL, "observed must be a finite number >= 0 (got %g)", observed);
	if (!isfinite(expected) || expected < 0)
		return sc_fail(err, SC_EINVAL, "expected must be a finite number >= 0 (got %g)", expected);
	if (!isfinite(dispersion) || dispersion < 0)
		return sc_fail(err, SC_EINVAL, "dispersion must be a finite number >= 0 (got %g)", dispersion);
	o = ceil(observed);
	if (o > limit)
		return sc_fail(err, SC_ERANGE, "observed %g is beyond the supported 1e9", observed);
	if (o == 0)
	{
		*p = 1;
		return SC_OK;
	}
	if (expected == 0)
	{
		*p = 0;
		return SC_OK;
	}
	r = dispersion > 0 ? 1 / dispersion : 0;
	if (o - 1 < expected)
	{
		/* 1 - P(X <= o - 1), summing downwards from o - 1 */
		double		x = o - 1;

		term = exp(log_pmf(x, expected, r));
		for (size_t it = 0; term > 0; it++)
		{
			double		down;

			/* wide distributions sum up to 1e9 terms */
			if (interrupt && it % SC_INTERRUPT_EVERY == 0)
				interrupt();
			sum += term;
			if (x == 0)
				break;
			down = 1 / ratio_up(x - 1, expected, r);	/* P(x - 1) / P(x) */
			term *= down;
			x -= 1;
			if (down < 1 && term < 1e-17 * sum)
				break;
		}
		*p = fmax(0, 1 - sum);
	}
	else
	{
		/* P(X >= o), summing upwards from o (terms fall from here on) */
		double		x = o;

		term = exp(log_pmf(x, expected, r));
		for (long it = 0; term > 0 && it < 100000000L; it++)
		{
			double		up = ratio_up(x, expected, r);

			if (interrupt && it % SC_INTERRUPT_EVERY == 0)
				interrupt();
			sum += term;
			term *= up;
			x += 1;
			if (up < 1 && term < 1e-17 * sum)
				break;
		}
		*p = fmin(1, sum);
	}
	return SC_OK;
}

sc_tier
sc_tier_from_p(double p)
{
	if (p <= 0.01)
		return SC_TIER_RED;
	if (p <= 0.05)
		return SC_TIER_ORANGE;
	if (p <= 0.10)
		return SC_TIER_YELLOW;
	return SC_TIER_NONE;
}
