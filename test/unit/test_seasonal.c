/*
 * test_seasonal.c — the classical decomposition of sc_seasonal against R
 * decompose(type = "multiplicative")$figure on hand series, against a
 * brute-force recomputation (the moving average as R's filter() convolution
 * with the weight vector, the ratios grouped by position) on random series,
 * an exact seasonal pattern (figure = pattern, a zero-width interval), the
 * t quantile against R qt, and the whole-period series of events in UTC
 * and a fixed-offset zone (months and Monday-to-Sunday weeks, bounds).
 */
#define _DEFAULT_SOURCE
#include "sc_test.h"
#include "sc_seasonal.h"
#include "sc_test_local.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool
fixed(void *arg, int64_t s, sc_local *l)
{
	sc_test_local_at_offset(s, arg ? *(long *) arg : 0, l);
	return true;
}

static int64_t
at(int y, int mo, int d, int h)
{
	struct tm	tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	return ((int64_t) timegm(&tm) - SC_UNIX_2000) * 1000000;
}

/* brute force: R's filter() convolution, then means by position */
static void
brute(const double *x, int n, int f, double *fig, int *per)
{
	double		w[13],
				tr[400],
				norm = 0;
	int			nf = f % 2 ? f : f + 1,
				sh = nf / 2;

	for (int j = 0; j < nf; j++)
		w[j] = (f % 2 == 0 && (j == 0 || j == nf - 1) ? 0.5 : 1.0) / f;
	for (int i = 0; i < n; i++)
	{
		tr[i] = NAN;
		if (i + sh - (nf - 1) < 0 || i + sh >= n)
			continue;
		tr[i] = 0;
		for (int j = 0; j < nf; j++)
			tr[i] += w[j] * x[i + sh - j];
	}
	for (int p = 0; p < f; p++)
	{
		double		s = 0;
		int			m = 0;

		for (int i = p; i < n; i += f)
			if (!isnan(tr[i]))
			{
				s += x[i] / tr[i];
				m++;
			}
		fig[p] = s / m;
		per[p] = m;
		norm += fig[p];
	}
	for (int p = 0; p < f; p++)
		fig[p] /= norm / f;
}

static void
test_figure(void)
{
	static const double x[36] = {3, 5, 2, 8, 6, 9, 4, 7, 1, 5, 6, 2, 4, 6, 3, 9, 5, 8, 5, 6, 2, 4, 7, 3,
	5, 4, 2, 7, 6, 9, 3, 8, 2, 6, 5, 1};
	static const double rx[12] = {0.90968365981128729, 1.00681794103533351, 0.50000223195879445,
		1.58897283561873826, 1.09144869325790950, 1.70420019127980393, 0.89469689783062023,
	1.29294455248588114, 0.29900465698532558, 0.89904661480485037, 1.30981534160321789, 0.50336638332823713};
	static const double y[21] = {10, 12, 9, 14, 20, 25, 11, 9, 13, 10, 15, 22, 24, 12, 11, 12, 8, 13, 21, 27, 10};
	static const double ry[7] = {0.68798553964311915, 0.85502765075346854, 0.60994434905501527,
	0.96072755511873065, 1.42941059911459889, 1.67022227006110446, 0.78668203625396305};
	double		fig[12],
				lo[12],
				hi[12],
				bf[12],
				z[400];
	int			per[12],
				bp[12];
	sc_err		err;

	/* R decompose(ts(x, frequency = 12), type = "multiplicative")$figure */
	CHECK(sc_seasonal_figure(x, 36, 12, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_OK);
	for (int p = 0; p < 12; p++)
	{
		CHECK_NEAR(fig[p], rx[p], 1e-13);
		CHECK(per[p] == 2);
		CHECK(lo[p] <= fig[p] && fig[p] <= hi[p]);
	}
	CHECK(sc_seasonal_figure(y, 21, 7, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_OK);
	for (int p = 0; p < 7; p++)
		CHECK_NEAR(fig[p], ry[p], 1e-13);
	/* two cycles exactly: one ratio per position, no interval */
	CHECK(sc_seasonal_figure(x, 24, 12, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_OK);
	CHECK(per[0] == 1 && isnan(lo[0]) && isnan(hi[5]));
	/* too short; a zero moving average; a bad level */
	CHECK(sc_seasonal_figure(x, 23, 12, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_EUNDEFINED);
	memset(z, 0, sizeof(z));
	CHECK(sc_seasonal_figure(z, 30, 12, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_EUNDEFINED);
	CHECK(strstr(err.msg, "moving average") != NULL);
	CHECK(sc_seasonal_figure(x, 36, 12, 1.0, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_EINVAL);
	/* an exact pattern times a constant level: figure = pattern, zero-width interval */
	for (int i = 0; i < 60; i++)
		z[i] = 40.0 * (0.5 + (i % 12) / 11.0) / 1.0;
	CHECK(sc_seasonal_figure(z, 60, 12, 0.95, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_OK);
	for (int p = 0; p < 12; p++)
	{
		CHECK_NEAR(fig[p], 0.5 + p / 11.0, 1e-12);
		CHECK_NEAR(lo[p], fig[p], 1e-12);
		CHECK_NEAR(hi[p], fig[p], 1e-12);
	}
	/* random Poisson-like counts of every length, both frequencies, against brute force */
	srand(17);
	for (int rep = 0; rep < 200; rep++)
	{
		int			f = rep % 2 ? 7 : 12;
		int			n = 2 * f + rand() % 300;
		double		sum = 0;
		bool		ok = true;

		for (int i = 0; i < n; i++)
			z[i] = 1 + rand() % 20 + 10 * (i % f == 3);
		CHECK(sc_seasonal_figure(z, n, f, 0.9, &sc_malloc_allocator, fig, lo, hi, per, &err) == SC_OK);
		brute(z, n, f, bf, bp);
		for (int p = 0; p < f; p++)
		{
			ok = ok && fabs(fig[p] - bf[p]) <= 1e-12 && per[p] == bp[p];
			ok = ok && (bp[p] < 2 || (lo[p] < fig[p] && fig[p] < hi[p]));
			sum += fig[p];
		}
		CHECK(ok);
		CHECK_NEAR(sum, f, 1e-12);
	}
}

static void
test_qt(void)
{
	/* R qt(0.975, c(1, 2, 3, 10, 29)), qt(0.9, 4.5) */
	CHECK_NEAR(sc_qt(0.975, 1), 12.7062047361746941, 1e-12);
	CHECK_NEAR(sc_qt(0.975, 2), 4.3026527297494619, 1e-12);
	CHECK_NEAR(sc_qt(0.975, 3), 3.1824463052837078, 1e-12);
	CHECK_NEAR(sc_qt(0.975, 10), 2.2281388519862739, 1e-12);
	CHECK_NEAR(sc_qt(0.975, 29), 2.0452296421327034, 1e-12);
	CHECK_NEAR(sc_qt(0.9, 4.5), 1.5008853175085568, 1e-12);
	CHECK_NEAR(sc_qt(0.025, 10), -2.2281388519862739, 1e-12);
	CHECK(sc_qt(0.5, 3) == 0);
	CHECK(isnan(sc_qt(1, 3)));
}

static void
add(sc_events *e, int64_t t)
{
	sc_err		err;

	sc_events_add(e, 0, 0, t, false, t, 1, false, 0, &err);
}

static void
test_series(void)
{
	sc_events	e;
	double	   *x;
	size_t		n;
	int			fb;
	int64_t		key;
	long		off = -5 * 3600;
	sc_err		err;

	/* calendar arithmetic round trip */
	CHECK(sc_days_from_civil(1970, 0, 1) == 0);
	CHECK(sc_days_from_civil(2000, 1, 29) == 11016);
	for (int64_t d = -800000; d < 3000000; d += 997)
	{
		int			y,
					m,
					md;

		sc_civil_from_days(d, &y, &m, &md);
		if (sc_days_from_civil(y, m, md) != d)
		{
			CHECK(false);
			break;
		}
	}
	sc_events_init(&e, 0, 0, &sc_malloc_allocator);
	/* 2016-01-01 00:30 UTC to 2018-01-31 12:00: in UTC 25 whole months */
	add(&e, at(2016, 1, 1, 0));
	add(&e, at(2016, 1, 1, 0));
	add(&e, at(2016, 3, 15, 0));
	add(&e, at(2017, 12, 31, 23));
	add(&e, at(2018, 1, 31, 12));
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, NULL, false, 0, false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(n == 25 && fb == 0 && key == 2016 * 12);
	CHECK(x[0] == 2 && x[1] == 0 && x[2] == 1 && x[23] == 1 && x[24] == 1);
	free(x);
	/* at UTC-5 the first two fall on 31 December 2015 (a partial month,
	 * dropped); 2017-12-31 23:00 UTC is 18:00 local; January 2018 is whole */
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, &off, false, 0, false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(n == 25 && fb == 0 && x[0] == 0 && x[2] == 1 && x[23] == 1 && x[24] == 1);
	free(x);
	/* from 2 January 2016 (first event) the span holds 24 months, from 2 February 23 */
	add(&e, at(2016, 1, 2, 12));
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, NULL, true, at(2016, 2, 2, 0), false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_EUNDEFINED);
	CHECK(strstr(err.msg, "23 whole months") != NULL);
	/* bounds: [2016-02-01, 2018-02-01) UTC: 24 months from February */
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, NULL, true, at(2016, 2, 1, 0), true, at(2018, 2, 1, 0),
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(n == 24 && fb == 1 && x[1] == 1 && x[0] == 0);
	free(x);
	/* a start one second after midnight skips that month; a stop one second after keeps the last */
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, NULL, true, at(2016, 1, 1, 0) + 1000000, true, at(2018, 2, 1, 0) + 1000000,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(n == 24 && fb == 1);
	free(x);
	CHECK(sc_seasonal_series(&e, SC_BINS_MONTH_OF_YEAR, fixed, NULL, true, at(2016, 3, 1, 0), true, at(2016, 2, 1, 0),
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_EINVAL);
	/* days: Friday 2016-01-01 to Sunday 2018-01-31 -> Monday 4 January 2016 to Sunday 28 January 2018 */
	CHECK(sc_seasonal_series(&e, SC_BINS_DAY_OF_WEEK, fixed, NULL, false, 0, false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(fb == 1 && key == sc_days_from_civil(2016, 0, 4) && n == (size_t) (sc_days_from_civil(2018, 0, 29) - key));
	CHECK(n % 7 == 0 && x[0] == 0 && x[71] == 1);	/* 15 March 2016 is day 71 */
	free(x);
	/* one week only */
	CHECK(sc_seasonal_series(&e, SC_BINS_DAY_OF_WEEK, fixed, NULL, true, at(2016, 1, 4, 0), true, at(2016, 1, 18, 0) - 1,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_EUNDEFINED);
	CHECK(strstr(err.msg, "1 whole") != NULL);
	CHECK(sc_seasonal_series(&e, SC_BINS_DAY_OF_WEEK, fixed, NULL, true, at(2016, 1, 4, 0), true, at(2016, 1, 18, 0),
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_OK);
	CHECK(n == 14);
	free(x);
	sc_events_free(&e);
	/* no events, no bounds */
	sc_events_init(&e, 0, 0, &sc_malloc_allocator);
	CHECK(sc_seasonal_series(&e, SC_BINS_DAY_OF_WEEK, fixed, NULL, false, 0, false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_EUNDEFINED);
	CHECK(sc_seasonal_series(&e, SC_BINS_HOUR_OF_DAY, fixed, NULL, false, 0, false, 0,
							 &sc_malloc_allocator, &x, &n, &fb, &key, &err) == SC_EINVAL);
	sc_events_free(&e);
}

int
main(void)
{
	test_figure();
	test_qt();
	test_series();
	TEST_DONE("seasonal");
}
