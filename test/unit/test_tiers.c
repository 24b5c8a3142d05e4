/* test_tiers.c — tiering, upper tails, risk components and the back-test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_risk_tiers.h"
#include "sc_test.h"
#include "sc_risk.h"
#include "sc_trend.h"

static const sc_alloc *A = &sc_malloc_allocator;

static void
test_quantile(void)
{
	double		s[100];
	uint8_t		t[100];
	int64_t		r[100];
	int			count[4] = {0};
	sc_err		err;

	/* 100 distinct positive scores: exactly 1 red, 4 orange, 10 yellow */
	for (int k = 0; k < 100; k++)
		s[k] = 100 - k;
	CHECK(sc_tier_quantile(s, 100, 0.01, 0.05, 0.15, t, r, A, &err) == SC_OK);
	for (int k = 0; k < 100; k++)
		count[t[k]]++;
	CHECK(count[SC_TIER_RED] == 1 && count[SC_TIER_ORANGE] == 4 && count[SC_TIER_YELLOW] == 10);
	CHECK(t[0] == SC_TIER_RED && t[1] == SC_TIER_ORANGE && t[4] == SC_TIER_ORANGE &&
		  t[5] == SC_TIER_YELLOW && t[14] == SC_TIER_YELLOW && t[15] == SC_TIER_NONE);
	CHECK(r[0] == 1 && r[99] == 100);

	/* ties: ranks 1, 1, 3 ... ; shares 1/10, 2/10, 3/10 over 10 scores */
	{
		double		u[10] = {5, 9, 9, 7, 7, 7, 0, 0, -1, NAN};
		uint8_t		ut[10];
		int64_t		ur[10];

		/* 9 scores present (NaN missing): red r <= 0.9, orange <= 1.8, yellow <= 2.7 */
		CHECK(sc_tier_quantile(u, 10, 0.1, 0.2, 0.3, ut, ur, A, &err) == SC_OK);
		CHECK(ur[1] == 1 && ur[2] == 1 && ur[3] == 3 && ur[5] == 3 && ur[0] == 6 && ur[9] == 0);
		CHECK(ut[1] == SC_TIER_ORANGE && ut[2] == SC_TIER_ORANGE && ut[3] == SC_TIER_NONE);	/* rank 1 > 0.9: no red; 7s rank 3 > 2.7 */
		CHECK(sc_tier_quantile(u, 10, 0.2, 0.3, 0.5, ut, ur, A, &err) == SC_OK);
		/* red r <= 1.8 (both 9s), orange r <= 2.7 (none: the 7s rank 3), yellow r <= 4.5 (the 7s) */
		CHECK(ut[1] == SC_TIER_RED && ut[2] == SC_TIER_RED);
		CHECK(ut[3] == SC_TIER_YELLOW && ut[4] == SC_TIER_YELLOW && ut[5] == SC_TIER_YELLOW);
		CHECK(ut[0] == SC_TIER_NONE && ut[6] == SC_TIER_NONE && ut[9] == SC_TIER_NONE);
		/* zero scores are never tiered */
		CHECK(sc_tier_quantile(u, 10, 0.5, 0.8, 1.0, ut, ur, A, &err) == SC_OK);
		CHECK(ut[6] == SC_TIER_NONE && ut[8] == SC_TIER_NONE && ut[0] == SC_TIER_ORANGE);
	}
	/* bad shares */
	CHECK(sc_tier_quantile(s, 100, 0.05, 0.05, 0.15, t, r, A, &err) == SC_EINVAL);
	CHECK(sc_tier_quantile(s, 100, 0.01, 0.05, 1.5, t, r, A, &err) == SC_EINVAL);
	CHECK(sc_tier_quantile(s, 100, NAN, 0.05, 0.15, t, r, A, &err) == SC_EINVAL);
	CHECK(sc_tier_quantile(s, 100, 0, 0.05, 0.15, t, r, A, &err) == SC_EINVAL);
	CHECK(sc_tier_check_thresholds(1, 2, 3, &err) == SC_EINVAL);
	CHECK(sc_tier_check_thresholds(3, 2, 2, &err) == SC_OK);
	CHECK(sc_tier_threshold(3, 3, 2, 1) == SC_TIER_RED);
	CHECK(sc_tier_threshold(2.5, 3, 2, 1) == SC_TIER_ORANGE);
	CHECK(sc_tier_threshold(0.5, 3, 2, 1) == SC_TIER_NONE);
}

static void
test_upper_tail(void)
{
	double		p;
	sc_err		err;

	/* P(X >= 5), X ~ Poisson(2) = 1 - 7 e^-2 */
	CHECK(sc_upper_tail(5, 2, 0, &p, NULL, &err) == SC_OK);
	CHECK_NEAR(p, 1 - 7 * exp(-2), 1e-12);
	/* P(X >= 1) = 1 - e^-mu; observed 0.2 counts as 1 */
	CHECK(sc_upper_tail(0.2, 3, 0, &p, NULL, &err) == SC_OK);
	CHECK_NEAR(p, 1 - exp(-3), 1e-12);
	CHECK(sc_upper_tail(0, 3, 0, &p, NULL, &err) == SC_OK && p == 1);
	CHECK(sc_upper_tail(1, 0, 0, &p, NULL, &err) == SC_OK && p == 0);
	/* far below a huge mean: the tail is 1, not an underflowed 0 */
	CHECK(sc_upper_tail(1, 10000, 0, &p, NULL, &err) == SC_OK);
	CHECK_NEAR(p, 1, 1e-12);
	CHECK(sc_upper_tail(20000, 10000, 0, &p, NULL, &err) == SC_OK && p < 1e-300);
	/* negative binomial, size 2 (dispersion 0.5), mean 4: q = 4/6, P(X=x) = (x+1) (1/3)^2 q^x */
	{
		double		q = 4.0 / 6.0,
					lower = 0;

		for (int x = 0; x < 6; x++)
			lower += (x + 1) * pow(1.0 / 3, 2) * pow(q, x);
		CHECK(sc_upper_tail(6, 4, 0.5, &p, NULL, &err) == SC_OK);
		CHECK_NEAR(p, 1 - lower, 1e-12);
		CHECK(sc_upper_tail(3, 4, 0.5, &p, NULL, &err) == SC_OK);
		CHECK_NEAR(p, 1 - (1.0 / 9) * (1 + 2 * q + 3 * q * q), 1e-12);
	}
	CHECK(sc_upper_tail(-1, 2, 0, &p, NULL, &err) == SC_EINVAL);
	CHECK(sc_upper_tail(1, NAN, 0, &p, NULL, &err) == SC_EINVAL);
	CHECK(sc_upper_tail(1, 2, -0.1, &p, NULL, &err) == SC_EINVAL);
	CHECK(sc_tier_from_p(0.01) == SC_TIER_RED && sc_tier_from_p(0.03) == SC_TIER_ORANGE &&
		  sc_tier_from_p(0.1) == SC_TIER_YELLOW && sc_tier_from_p(0.11) == SC_TIER_NONE);
}

static void
test_components(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	sc_risk_params p = {.as_of = 1000 * D, .window = 28 * D, .baseline = 3 * 364 * D,
	.half_life = 14 * D, .data_start = 0};
	/* ages 1, 14, 28 days in the window (28 is the edge: included), 29 outside */
	int64_t		t[8] = {999 * D, 986 * D, 972 * D, 971 * D,
		1000 * D - 364 * D - 1, 1000 * D - 364 * D - 27 * D,	/* year 1 window */
	1000 * D - 728 * D - 5 * D, 1000 * D};	/* year 2 window; as_of itself excluded */
	double		w[8] = {1, 2, 4, 8, 1, 1, 1, 100};
	sc_risk_comp c;
	sc_err		err;

	CHECK(sc_risk_components(t, w, 8, &p, &c, A, &err) == SC_OK);
	CHECK(c.events == 3);
	CHECK_NEAR(c.harm, 7, 1e-15);
	CHECK_NEAR(c.recency, 1 * pow(2, -1.0 / 14) + 2 * 0.5 + 4 * 0.25, 1e-12);
	/* years 1 and 2 are covered (data_start 0), year 3 would start at day -120 */
	CHECK(c.years == 2);
	CHECK_NEAR(c.expected, 1.5, 1e-15);
	CHECK_NEAR(c.ratio, 2, 1e-15);
	CHECK(c.weeks == 142);		/* floor(1000 / 7) weeks covered, of 156 */

	p.as_of = 0;
	CHECK(sc_risk_components(t, w, 8, &p, &c, A, &err) == SC_EINVAL);
	p.as_of = 1000 * D;
	p.half_life = 0;
	CHECK(sc_risk_components(t, w, 8, &p, &c, A, &err) == SC_EINVAL);
}

static void
test_mann_kendall(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	/* five weeks with 1, 2, 3, 4, 5 events: S = 10, var = 5·4·15/18 */
	sc_risk_params p = {.as_of = 35 * D, .window = 7 * D, .baseline = 35 * D,
	.half_life = 7 * D, .data_start = 0};
	int64_t		t[15];
	double		w[15];
	int			n = 0;
	sc_risk_comp c;
	sc_err		err;

	for (int wk = 0; wk < 5; wk++)
		for (int k = 0; k <= wk; k++)
		{
			t[n] = wk * 7 * D + D;
			w[n++] = 1;
		}
	CHECK(sc_risk_components(t, w, n, &p, &c, A, &err) == SC_OK);
	CHECK(c.weeks == 5);
	CHECK_NEAR(c.trend_s, 10, 0);
	CHECK_NEAR(c.trend_z, 9 / sqrt(5 * 4 * 15 / 18.0), 1e-12);
	/* ties: weeks 2, 2, 1 -> S = -2, var = (3·2·11 - 2·1·9)/18 = 48/18 */
	p.as_of = 21 * D;
	p.baseline = 21 * D;
	n = 0;
	t[n++] = D;
	t[n++] = D;
	t[n++] = 8 * D;
	t[n++] = 8 * D;
	t[n++] = 15 * D;
	CHECK(sc_risk_components(t, w, n, &p, &c, A, &err) == SC_OK);
	CHECK_NEAR(c.trend_s, -2, 0);
	CHECK_NEAR(c.trend_z, -1 / sqrt(48 / 18.0), 1e-12);
}

/* intervals beyond the int64 range of microseconds saturate instead of wrapping */
static void
test_interval_saturates(void)
{
	const int64_t D = SC_USEC_PER_DAY;

	CHECK(sc_interval_usec(12, 0, 0) == (int64_t) (365.25 * D));
	CHECK(sc_interval_usec(1, 2, 3) == 32 * D + 3);
	CHECK(sc_interval_usec(0, 1, -D) == 0);
	/* 178956970 years, 2147483647 days, 2562047788 hours */
	CHECK(sc_interval_usec(INT32_MAX, 0, 0) == INT64_MAX);
	CHECK(sc_interval_usec(INT32_MIN, 0, 0) == INT64_MIN);
	CHECK(sc_interval_usec(0, INT32_MAX, 0) == INT64_MAX);
	CHECK(sc_interval_usec(0, 1, INT64_MAX) == INT64_MAX);
	CHECK(sc_interval_usec(0, -1, INT64_MIN) == INT64_MIN);
	/* a huge month count cancelled by the time part is computed, not saturated */
	CHECK(llabs(sc_interval_usec(3600000, 0, -INT64_MAX) - (int64_t) (300000 * 365.25 * D - 9223372036854775807.0)) < 100000);
}

/* times ~2^63 µs apart and absurd windows: no wrapped differences */
static void
test_components_extremes(void)
{
	const int64_t D = SC_USEC_PER_DAY,
				year1 = INT64_C(-63082281600000000),	/* 0001-01-01 */
				y1950 = INT64_C(-1577923200000000),	/* 1950-01-01 */
				y1960 = INT64_C(-1255219200000000);	/* 1960-03-01 */
	int64_t		t[1] = {y1950};
	double		w[2] = {1, 1};
	sc_risk_params p = {.as_of = y1960, .window = INT64_MAX, .baseline = 100 * 365 * D,
	.half_life = 30 * D, .data_start = y1950};
	sc_risk_comp c;
	sc_err		err;

	/* no earlier year had a whole window within the data: none averaged */
	CHECK(sc_risk_components(t, w, 1, &p, &c, A, &err) == SC_OK);
	CHECK(c.events == 1 && c.years == 0 && isnan(c.expected) && isnan(c.ratio));
	p.window = sc_interval_usec(0, 0, INT64_C(9223372036800000000));	/* '2562047788 hours' */
	CHECK(sc_risk_components(t, w, 1, &p, &c, A, &err) == SC_OK);
	CHECK(c.events == 1 && c.years == 0 && isnan(c.expected));
	/* an event of year 1 seen from year 294276: long past, not in the window */
	t[0] = year1;
	p.data_start = year1;
	p.as_of = INT64_C(9223371331199999999);
	p.window = 28 * D;
	p.baseline = 364 * D;
	CHECK(sc_risk_components(t, w, 1, &p, &c, A, &err) == SC_OK);
	CHECK(c.events == 0 && c.harm == 0 && c.recency == 0);
	CHECK(c.years == 1 && c.expected == 0 && c.weeks == 52 && c.trend_s == 0);
}

/* weights near 1e308: sums that overflow are errors, ratios are scale-free */
static void
test_weights_extremes(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	int64_t		t[2] = {99 * D, 98 * D};
	double		w[2] = {1e308, 1e308};
	sc_risk_params p = {.as_of = 100 * D, .window = 28 * D, .baseline = 364 * D,
	.half_life = 14 * D, .data_start = 0};
	sc_risk_weights cw = {1e308, 1e308, 0, 0},
				unit = {1, 1, 0, 0};
	sc_tier_rule rule = {SC_METHOD_QUANTILE, SC_TIER_RED_SHARE, SC_TIER_ORANGE_SHARE, SC_TIER_YELLOW_SHARE};
	sc_risk_comp c;
	sc_risk_cell *a = NULL,
			   *b = NULL;
	size_t		na = 0,
				nb = 0;
	sc_events	e;
	sc_err		err;
	int			wrong = 0;

	CHECK(sc_risk_components(t, w, 2, &p, &c, A, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "overflows") != NULL);
	CHECK(sc_risk_components(t, w, 1, &p, &c, A, &err) == SC_OK && c.harm == 1e308);
	/* component weights of 1e308 give the scores of their ratios */
	sc_events_init(&e, 0, 0, A);
	for (int k = 0; k < 40; k++)
		CHECK(sc_events_add(&e, (k % 5) * 100.0 + 1, (k % 3) * 100.0 + 1, (60 + k) * D, false, 0,
							1 + k % 4, false, 0, &err) == SC_OK);
	CHECK(sc_risk_cells(&e, 100, &p, &cw, &rule, &a, &na, A, NULL, &err) == SC_OK);
	CHECK(sc_risk_cells(&e, 100, &p, &unit, &rule, &b, &nb, A, NULL, &err) == SC_OK);
	CHECK(na == nb && na == 15);
	for (size_t k = 0; k < na && na == nb; k++)
		wrong += !(fabs(a[k].score - b[k].score) <= 1e-15) || a[k].tier != b[k].tier || a[k].rank != b[k].rank;
	CHECK(wrong == 0);
	free(a);
	free(b);
	/* event weights of 1e308 in one cell overflow its harm: an error naming the cell */
	CHECK(sc_events_add(&e, 1, 1, 99 * D, false, 0, 1e308, false, 0, &err) == SC_OK);
	CHECK(sc_events_add(&e, 1, 1, 99 * D, false, 0, 1e308, false, 0, &err) == SC_OK);
	CHECK(sc_risk_cells(&e, 100, &p, &unit, &rule, &a, &na, A, NULL, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "cell (0,0)") != NULL);
	sc_events_free(&e);
}

/* forecast tiers: the severity of weights w and of 2^1023·w (sums overflow) is the same */
static void
test_severity_scale_free(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	sc_fc_spec	spec = {SC_FC_COUNTS, 56 * D, 0};
	sc_rt_rule	rule;
	sc_rt_cell	ca[16],
				cb[16];
	size_t		nca = 0;
	int			wrong = 0,
				differ = 0;

	sc_rt_rule_default(&rule);
	for (int pass = 0; pass < 2; pass++)
	{
		sc_events	e;
		sc_fc_data	d;
		sc_err		err;

		sc_events_init(&e, 0, 0, A);
		for (int k = 0; k < 60; k++)
			CHECK(sc_events_add(&e, (k % 4) * 100.0 + 1, (k % 3) * 100.0 + 1, (300 + k) * D, false, 0,
								ldexp((1 + k % 7) / 7.0, pass ? 1023 : 0), false, 0, &err) == SC_OK);
		CHECK(sc_fc_prepare(&e, 100, 400 * D, 0, &d, A, NULL, &err) == SC_OK);
		CHECK(d.ncells == 12);
		CHECK(sc_rt_tiers(&d, &spec, 400 * D, 7 * D, &rule, pass ? cb : ca, NULL, NULL, &err) == SC_OK);
		nca = d.ncells;
		sc_fc_free(&d);
		sc_events_free(&e);
	}
	for (size_t c = 0; c < nca; c++)
	{
		wrong += ca[c].severity != cb[c].severity || ca[c].priority != cb[c].priority ||
			ca[c].tier != cb[c].tier || isnan(cb[c].severity);
		differ += ca[c].severity != 1;
	}
	CHECK(wrong == 0);
	CHECK(differ > 0);			/* the mean weight differs between cells */
}

/* the pairwise definition of S, for checking the O(m log m) count */
static double
brute_s(const double *x, int m)
{
	double		s = 0;

	for (int a = 0; a < m; a++)
		for (int b = a + 1; b < m; b++)
			s += (x[b] > x[a]) - (x[b] < x[a]);
	return s;
}

/* its tie-corrected, continuity-corrected normal score, pairwise too */
static double
brute_z(const double *x, int m)
{
	double		s = brute_s(x, m),
				ties = 0,
				var;

	for (int a = 0; a < m; a++)
	{
		double		t = 0;
		bool		first = true;

		for (int b = 0; b < m; b++)
			if (x[b] == x[a])
			{
				first = first && b >= a;
				t++;
			}
		if (first && t > 1)
			ties += t * (t - 1) * (2 * t + 5);
	}
	var = ((double) m * (m - 1) * (2.0 * m + 5) - ties) / 18.0;
	return s == 0 ? 0 : (s > 0 ? s - 1 : s + 1) / sqrt(var);
}

static int	interrupts;

static void
count_interrupt(void)
{
	interrupts++;
}

static void
test_mann_kendall_random(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	enum
	{
		WEEKS = 300, EVENTS = 900
	};
	static int64_t t[EVENTS];
	static double w[EVENTS],
				weekly[WEEKS];
	unsigned	seed = 12345;

	for (int round = 0; round < 20; round++)
	{
		sc_risk_params p = {.as_of = WEEKS * 7 * D, .window = 7 * D,
		.baseline = WEEKS * 7 * D, .half_life = 7 * D, .data_start = 0};
		sc_risk_comp c;
		sc_err		err;
		int			n = 10 + round * 40;	/* few events: many tied weeks */

		memset(weekly, 0, sizeof(weekly));
		for (int k = 0; k < n; k++)
		{
			int64_t		age;

			seed = seed * 1103515245u + 12345u;
			/* later rounds lean towards the end, so S grows */
			t[k] = (int64_t) ((seed >> 8) % (WEEKS * 7 * D / 1000)) * 1000;
			if (round % 2 && k % 3 == 0)
				t[k] = p.as_of - 1 - t[k] / 4;
			w[k] = 1;
			age = p.as_of - t[k];
			weekly[WEEKS - 1 - (age - 1) / (7 * D)]++;
		}
		CHECK(sc_risk_components(t, w, n, &p, &c, A, &err) == SC_OK);
		CHECK(c.weeks == WEEKS);
		CHECK_NEAR(c.trend_s, brute_s(weekly, WEEKS), 0);
		CHECK_NEAR(c.trend_z, brute_z(weekly, WEEKS), 1e-12);
	}
}

static void
test_mann_kendall_interrupts(void)
{
	const int64_t D = SC_USEC_PER_DAY;
	/* 100,000 weeks: the sort of the series must poll the allocator's hook */
	sc_risk_params p = {.as_of = 100000 * 7 * D, .window = 7 * D,
	.baseline = 100000 * 7 * D, .half_life = 7 * D, .data_start = 0};
	int64_t		t[2] = {D, 50000 * 7 * D};
	double		w[2] = {1, 1};
	sc_alloc	polled = *A;
	sc_risk_comp c;
	sc_err		err;

	polled.interrupt = count_interrupt;
	interrupts = 0;
	CHECK(sc_risk_components(t, w, 2, &p, &c, &polled, &err) == SC_OK);
	CHECK(c.weeks == 100000);
	CHECK(interrupts > 100);
}

/* sc_mann_kendall: S and z against the O(m²) pair sum, with ties */
static void
test_mann_kendall_pairs(void)
{
	double		x[300];
	size_t		lens[] = {2, 3, 10, 57, 300};
	uint64_t	state = 12345;
	sc_err		err;

	for (size_t L = 0; L < sizeof(lens) / sizeof(lens[0]); L++)
	{
		size_t		m = lens[L];
		double		s,
					z,
					bs = 0,
					var,
					ties = 0,
					bz;

		for (size_t k = 0; k < m; k++)
		{
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			x[k] = (double) ((state >> 33) % 7) + (double) k / 100.0 * (L % 2);
		}
		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++)
				bs += (x[j] > x[i]) - (x[j] < x[i]);
		for (size_t i = 0; i < m; i++)
		{
			double		t = 0;
			bool		first = true;

			for (size_t j = 0; j < m; j++)
			{
				if (x[j] == x[i])
					t++;
				if (j < i && x[j] == x[i])
					first = false;
			}
			if (first && t > 1)
				ties += t * (t - 1) * (2 * t + 5);
		}
		var = ((double) m * (m - 1) * (2.0 * m + 5) - ties) / 18.0;
		bz = (var <= 0 || bs == 0) ? 0 : (bs > 0 ? bs - 1 : bs + 1) / sqrt(var);
		CHECK(sc_mann_kendall(x, m, &sc_malloc_allocator, &s, &z, &err) == SC_OK);
		CHECK(s == bs);
		CHECK(fabs(z - bz) <= 1e-12 * (1 + fabs(bz)));
	}
}

int
main(void)
{
	test_quantile();
	test_upper_tail();
	test_components();
	test_mann_kendall();
	test_interval_saturates();
	test_components_extremes();
	test_weights_extremes();
	test_severity_scale_free();
	test_mann_kendall_random();
	test_mann_kendall_interrupts();
	test_mann_kendall_pairs();
	TEST_DONE("tiers");
}
