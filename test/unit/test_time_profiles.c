/*
 * test_time_profiles.c — aoristic spreading (hand-worked windows in UTC, in
 * a zone of fixed offset and across a synthetic daylight-saving change,
 * against a minute-by-minute count), the exact rate test against R
 * poisson.test values, and Sen's slope against a brute-force median.
 */
#define _DEFAULT_SOURCE
#include "sc_test.h"
#include "sc_aoristic.h"
#include "sc_rate_test.h"
#include "sc_trend.h"
#include "sc_test_local.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define H (INT64_C(3600) * 1000000)
#define M (INT64_C(60) * 1000000)

static bool
utc(void *arg, int64_t s, sc_local *l)
{
	sc_test_local_at_offset(s, *(long *) arg, l);
	return true;
}

/* UTC-5, and UTC-4 from unix second dst_at on (a spring-forward change) */
static int64_t dst_at;
static bool
dst(void *arg, int64_t s, sc_local *l)
{
	(void) arg;
	sc_test_local_at_offset(s, s >= dst_at ? -4 * 3600 : -5 * 3600, l);
	return true;
}

/* microseconds since 2000 of a UTC date */
static int64_t
at(int y, int mo, int d, int h, int mi)
{
	struct tm	tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return ((int64_t) timegm(&tm) - SC_UNIX_2000) * 1000000;
}

/* minute-by-minute reference: each minute's share into its hour of week */
static void
by_minutes(int64_t t, int64_t tend, sc_local_fn f, void *arg, double *out)
{
	double		n = (double) ((tend - t) / M);

	memset(out, 0, 168 * sizeof(double));
	for (int64_t c = t; c < tend; c += M)
	{
		sc_local	l;

		f(arg, c / 1000000 + SC_UNIX_2000, &l);
		out[l.wday * 24 + l.hour] += 1 / n;
	}
}

static void
test_aoristic(void)
{
	double		w[168],
				ref[168],
				sum;
	long		off = 0;
	sc_err		err;
	/* Sunday 2017-01-01 22:30 to Monday 01:30 UTC: 1/6, 1/3, 1/3, 1/6 */
	int64_t		t = at(2017, 1, 1, 22, 30);

	memset(w, 0, sizeof(w));
	CHECK(sc_aoristic_add(t, true, t + 3 * H, 1, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err) == SC_OK);
	CHECK_NEAR(w[22], 1.0 / 6, 1e-15);
	CHECK_NEAR(w[23], 1.0 / 3, 1e-15);
	CHECK_NEAR(w[24], 1.0 / 3, 1e-15);
	CHECK_NEAR(w[25], 1.0 / 6, 1e-15);
	/* no end, 59 seconds across 23:00, a minute: all on the start hour */
	memset(w, 0, sizeof(w));
	sc_aoristic_add(t, false, t, 1, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err);
	sc_aoristic_add(t + 29 * M + 30000000, true, t + 30 * M + 29000000, 1, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err);
	sc_aoristic_add(t + 29 * M, true, t + 30 * M, 2, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err);
	CHECK_NEAR(w[22], 4, 1e-15);
	CHECK(w[23] == 0);
	/* a week and more: 1/168 each; folded 1/24 and 1/7 */
	memset(w, 0, sizeof(w));
	sc_aoristic_add(t, true, t + 7 * 24 * H, 1, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err);
	CHECK_NEAR(w[0], 1.0 / 168, 1e-15);
	CHECK_NEAR(w[167], 1.0 / 168, 1e-15);
	memset(w, 0, sizeof(w));
	sc_aoristic_add(t, true, t + 9 * 24 * H, 1, SC_BINS_DAY_OF_WEEK, utc, &off, w, &err);
	CHECK_NEAR(w[3], 1.0 / 7, 1e-15);
	/* just under a week, UTC-5 (fixed), against the minute count */
	off = -5 * 3600;
	memset(w, 0, sizeof(w));
	sc_aoristic_add(t + 7 * M, true, t + 7 * 24 * H - M, 1, SC_BINS_HOUR_OF_WEEK, utc, &off, w, &err);
	by_minutes(t + 7 * M, t + 7 * 24 * H - M, utc, &off, ref);
	sum = 0;
	for (int b = 0; b < 168; b++)
	{
		CHECK_NEAR(w[b], ref[b], 1e-12);
		sum += w[b];
	}
	CHECK_NEAR(sum, 1, 1e-12);
	/* across a spring-forward change at 07:00 UTC (02:00 local -> 03:00) */
	dst_at = at(2017, 3, 12, 7, 0) / 1000000 + SC_UNIX_2000;
	memset(w, 0, sizeof(w));
	sc_aoristic_add(at(2017, 3, 12, 5, 30), true, at(2017, 3, 12, 9, 0), 1,
					SC_BINS_HOUR_OF_WEEK, dst, NULL, w, &err);
	/* local 00:30-01:00, 01:00-02:00 (EST), 03:00-04:00, 04:00-05:00 (EDT) of Sunday */
	CHECK_NEAR(w[0], 0.5 / 3.5, 1e-15);
	CHECK_NEAR(w[1], 1 / 3.5, 1e-15);
	CHECK(w[2] == 0);
	CHECK_NEAR(w[3], 1 / 3.5, 1e-15);
	CHECK_NEAR(w[4], 1 / 3.5, 1e-15);
	by_minutes(at(2017, 3, 12, 5, 30), at(2017, 3, 12, 9, 0), dst, NULL, ref);
	for (int b = 0; b < 168; b++)
		CHECK_NEAR(w[b], ref[b], 1e-12);
	/* months: 2017-01-31 12:00 to 2017-02-01 12:00 UTC, half each */
	off = 0;
	memset(w, 0, sizeof(w));
	sc_aoristic_add(at(2017, 1, 31, 12, 0), true, at(2017, 2, 1, 12, 0), 1,
					SC_BINS_MONTH_OF_YEAR, utc, &off, w, &err);
	CHECK_NEAR(w[0], 0.5, 1e-15);
	CHECK_NEAR(w[1], 0.5, 1e-15);
	CHECK(sc_bins_parse("hour_of_day") == SC_BINS_HOUR_OF_DAY);
	CHECK(sc_bins_parse("hours") == -1);
}

static void
test_rate(void)
{
	double		p;
	sc_err		err;

	/* R: poisson.test(c(10, 20))$p.value, poisson.test(c(5, 1), c(1, 3))$p.value */
	CHECK(sc_rate_test(10, 20, 1, 1, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 0.09873714670538894, 1e-12);
	CHECK(sc_rate_test(5, 1, 1, 3, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 0.0046386718749999991, 1e-12);
	CHECK(sc_rate_test(7, 7, 1, 1, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK(p == 1);
	/*
	 * an area's change (area_ranking): R binom.test(365, 813)$p.value,
	 * binom.test(365, 488)$p.value (a tail near 1e-29), poisson.test(c(38, 26),
	 * c(28, 31))$p.value (periods of unequal length), binom.test(0, 12)$p.value
	 */
	CHECK(sc_rate_test(365, 448, 1, 1, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 0.0040018422175688347, 1e-12 * 0.004);
	CHECK(sc_rate_test(365, 123, 1, 1, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 7.0377884578238607e-29, 1e-9 * 7.04e-29);
	CHECK(sc_rate_test(38, 26, 28, 31, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 0.060758985804697151, 1e-12);
	CHECK(sc_rate_test(0, 12, 1, 1, &sc_malloc_allocator, &p, &err) == SC_OK);
	CHECK_NEAR(p, 0.00048828125000000011, 1e-15);
	CHECK(sc_rate_test(0, 0, 1, 1, &sc_malloc_allocator, &p, &err) == SC_EUNDEFINED);
	CHECK(sc_rate_test(1, 0, 0, 1, &sc_malloc_allocator, &p, &err) == SC_EINVAL);
}

static int
dcmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static void
test_sen(void)
{
	enum
	{
		N = 61
	};
	double		x[N],
				d[N * (N - 1) / 2],
				slope,
				s,
				var,
				z,
				ties,
				brute_s = 0;
	size_t		k = 0;
	sc_err		err;

	srand(7);
	for (int i = 0; i < N; i++)
		x[i] = (double) (rand() % 9) + 0.1 * i;
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
		{
			d[k++] = (x[j] - x[i]) / (j - i);
			brute_s += (x[j] > x[i]) - (x[j] < x[i]);
		}
	qsort(d, k, sizeof(double), dcmp);
	CHECK(sc_sen_slope(x, N, &sc_malloc_allocator, &slope, &err) == SC_OK);
	CHECK(slope == d[k / 2]);	/* k odd */
	CHECK(sc_mann_kendall_var(x, N, &sc_malloc_allocator, &s, &var, &z, &ties, &err) == SC_OK);
	CHECK(s == brute_s);
	CHECK(sc_sen_slope(x, 1, &sc_malloc_allocator, &slope, &err) == SC_EUNDEFINED);
}

int
main(void)
{
	test_aoristic();
	test_rate();
	test_sen();
	TEST_DONE("time_profiles");
}
