/* sc_rate_test.c — exact two-sided test of two Poisson rates (see sc_rate_test.h). */
#include "sc_rate_test.h"

#include <math.h>

double
sc_dbinom(uint64_t k, uint64_t n, double p)
{
	double		lp;

	if (k > n)
		return 0;
	if (p <= 0)
		return k == 0 ? 1 : 0;
	if (p >= 1)
		return k == n ? 1 : 0;
	lp = lgamma((double) n + 1) - lgamma((double) k + 1) - lgamma((double) (n - k) + 1) +
		(double) k * log(p) + (double) (n - k) * log1p(-p);
	return exp(lp);
}

/* P(X <= k) and P(X >= k) by summing the probabilities */
static double
sum_range(uint64_t lo, uint64_t hi, uint64_t n, double p, const sc_alloc *alloc)
{
	double		s = 0;

	for (uint64_t i = lo; i <= hi && i <= n; i++)
	{
		sc_alloc_poll(alloc, (size_t) i);
		s += sc_dbinom(i, n, p);
	}
	return s;
}

sc_status
sc_rate_test(uint64_t x1, uint64_t x2, double t1, double t2, const sc_alloc *alloc,
			 double *p_out, sc_err *err)
{
	uint64_t	n = x1 + x2,
				y = 0;
	double		p,
				d,
				m,
				pv;
	const double rel = 1 + 1e-7;	/* R's relErr */

	if (!(t1 > 0) || !(t2 > 0) || !isfinite(t1) || !isfinite(t2))
		return sc_fail(err, SC_EINVAL, "the exposures must be finite and positive");
	if (n == 0)
		return sc_fail(err, SC_EUNDEFINED, "no events in either period: nothing to test");
	p = t1 / (t1 + t2);
	d = sc_dbinom(x1, n, p);
	m = (double) n * p;
	if ((double) x1 == m)
		pv = 1;
	else if ((double) x1 < m)
	{
		/* outcomes above the mean no more likely than x1 */
		for (uint64_t i = (uint64_t) ceil(m); i <= n; i++)
		{
			sc_alloc_poll(alloc, (size_t) i);
			if (sc_dbinom(i, n, p) <= d * rel)
				y++;
		}
		pv = sum_range(0, x1, n, p, alloc) + (y > 0 ? sum_range(n - y + 1, n, n, p, alloc) : 0);
	}
	else
	{
		for (uint64_t i = 0; i <= (uint64_t) floor(m); i++)
		{
			sc_alloc_poll(alloc, (size_t) i);
			if (sc_dbinom(i, n, p) <= d * rel)
				y++;
		}
		pv = (y > 0 ? sum_range(0, y - 1, n, p, alloc) : 0) + sum_range(x1, n, n, p, alloc);
	}
	*p_out = pv < 1 ? pv : 1;
	return SC_OK;
}
