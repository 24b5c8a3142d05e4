/*
 * test_knox.c — the Knox table against an O(n²) brute force, band edge
 * cases, permutation determinism and null behaviour, input validation, and
 * allocation failure at every step.
 */
#include "sc_knox.h"
#include "sc_rng.h"
#include "sc_test.h"

#include <stdlib.h>
#include <string.h>

#include "sc_test_util.h"

#define DAY_US INT64_C(86400000000)

/* ---------------------------------------------------------- brute force */

static double
distance(sc_metric metric, double dx, double dy)
{
	return metric == SC_METRIC_EUCLIDEAN ? sqrt(dx * dx + dy * dy) : fabs(dx) + fabs(dy);
}

static size_t
brute_row(const sc_knox_params *p, double d)
{
	if (d <= p->same_location)
		return 0;
	for (size_t r = 0; r < p->n_dist_bands; r++)
		if (d < p->dist_bands[r])
			return r + 1;
	return p->n_dist_bands + 1;
}

/* dt < τ·86400e6 straight from the definition (exact for |dt| < 2^53) */
static size_t
brute_col(const sc_knox_params *p, int64_t ti, int64_t tj)
{
	double		dt = fabs((double) ti - (double) tj);

	for (size_t c = 0; c < p->n_time_bands; c++)
		if (dt < p->time_bands[c] * 86400e6)
			return c;
	return p->n_time_bands;
}

static void
brute_table(const double *x, const double *y, const int64_t *t, size_t n,
			const sc_knox_params *p, int64_t *table, uint64_t *close)
{
	size_t		ncols = p->n_time_bands + 1;
	double		dk = p->dist_bands[p->n_dist_bands - 1];

	memset(table, 0, (p->n_dist_bands + 2) * ncols * sizeof(int64_t));
	*close = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
		{
			double		d = distance(p->metric, x[i] - x[j], y[i] - y[j]);

			table[brute_row(p, d) * ncols + brute_col(p, t[i], t[j])]++;
			*close += d < dk;
		}
}

/* ------------------------------------------------------------- data sets */

typedef enum shape
{
	LATTICE,					/* multiples of 10 m, whole days: many exact edge ties */
	UNIFORM,					/* continuous, microsecond times */
	CLUSTERED,					/* hotspots with exact duplicates */
	FAR_OFFSET					/* uniform, shifted by millions of metres */
} shape;

static void
make_events(shape s, size_t n, uint64_t seed, double *x, double *y, int64_t *t)
{
	sc_rng		r;

	sc_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++)
	{
		switch (s)
		{
			case LATTICE:
				x[i] = 10.0 * (double) sc_rng_below(&r, 40);
				y[i] = 10.0 * (double) sc_rng_below(&r, 40);
				t[i] = (int64_t) sc_rng_below(&r, 60) * DAY_US;
				break;
			case UNIFORM:
			case FAR_OFFSET:
				x[i] = sc_rng_uniform(&r) * 2000.0;
				y[i] = sc_rng_uniform(&r) * 2000.0;
				t[i] = (int64_t) sc_rng_below(&r, (uint64_t) (90 * DAY_US)) - 30 * DAY_US;
				if (s == FAR_OFFSET)
				{
					x[i] += 5e6;
					y[i] += 1.2e7;
				}
				break;
			case CLUSTERED:
				if (i > 0 && sc_rng_below(&r, 4) == 0)
				{
					/* an exact repeat of an earlier location */
					size_t		j = (size_t) sc_rng_below(&r, i);

					x[i] = x[j];
					y[i] = y[j];
				}
				else
				{
					double		cx = 300.0 * (double) sc_rng_below(&r, 5);

					x[i] = cx + 80.0 * sc_rng_uniform(&r);
					y[i] = cx + 80.0 * sc_rng_uniform(&r);
				}
				t[i] = (int64_t) sc_rng_below(&r, (uint64_t) (40 * DAY_US));
				break;
		}
	}
}

static sc_knox_params
params(sc_metric metric, double same, const double *dist, size_t k,
	   const double *days, size_t m, uint32_t perms, uint64_t seed)
{
	sc_knox_params p;

	memset(&p, 0, sizeof(p));
	p.metric = metric;
	p.same_location = same;
	p.dist_bands = dist;
	p.n_dist_bands = k;
	p.time_bands = days;
	p.n_time_bands = m;
	p.permutations = perms;
	p.seed = seed;
	return p;
}

/* ------------------------------------------------------ observed vs brute */

static const double bands_a[] = {100};
static const double bands_b[] = {50, 100, 150, 200};
static const double bands_c[] = {10, 25, 60, 120, 250, 400};
static const double days_a[] = {7};
static const double days_b[] = {7, 14, 21, 28};
static const double days_c[] = {0.5, 1, 3.25};

typedef struct band_set
{
	double		same;
	const double *dist;
	size_t		k;
	const double *days;
	size_t		m;
} band_set;

static const band_set band_sets[] = {
	{0, bands_a, 1, days_a, 1},
	{0, bands_b, 4, days_b, 4},
	{5, bands_c, 6, days_c, 3},
	{20, bands_b, 4, days_a, 1},
};

/* compare one configuration; returns the number of mismatching cells */
static int
compare_with_brute(const double *x, const double *y, const int64_t *t, size_t n,
				   const sc_knox_params *p)
{
	size_t		cells = (p->n_dist_bands + 2) * (p->n_time_bands + 1);
	int64_t    *want = malloc(cells * sizeof(int64_t));
	uint64_t	close,
				counted = 0;
	sc_knox_result res;
	sc_err		err = {""};
	int			bad = 0;
	sc_status	st = sc_knox_compute(x, y, t, n, p, &sc_malloc_allocator, &res, &err);

	brute_table(x, y, t, n, p, want, &close);
	if (st != SC_OK)
	{
		fprintf(stderr, "knox failed: %s\n", err.msg);
		free(want);
		return 1;
	}
	for (size_t c = 0; c < cells; c++)
		bad += res.observed[c] != want[c];
	bad += res.close_pairs != close;
	sc_knox_count_close_pairs(x, y, n, p->metric, p->dist_bands[p->n_dist_bands - 1],
							  &sc_malloc_allocator, NULL, &counted, &err);
	bad += counted != close;
	sc_knox_result_free(&res);
	free(want);
	return bad;
}

static void
test_against_brute_force(void)
{
	static const size_t sizes[] = {2, 3, 17, 300, 1200};
	static const shape shapes[] = {LATTICE, UNIFORM, CLUSTERED, FAR_OFFSET};
	double	   *x = malloc(1200 * sizeof(double));
	double	   *y = malloc(1200 * sizeof(double));
	int64_t    *t = malloc(1200 * sizeof(int64_t));
	int			configs = 0,
				mismatches = 0;

	for (size_t si = 0; si < 4; si++)
		for (size_t ni = 0; ni < 5; ni++)
		{
			make_events(shapes[si], sizes[ni], 1000 + si * 10 + ni, x, y, t);
			for (size_t bi = 0; bi < 4; bi++)
				for (int metric = 0; metric < 2; metric++)
				{
					const band_set *b = &band_sets[bi];
					sc_knox_params p = params(metric ? SC_METRIC_EUCLIDEAN : SC_METRIC_MANHATTAN,
											  b->same, b->dist, b->k, b->days, b->m, 0, 1);
					int			bad = compare_with_brute(x, y, t, sizes[ni], &p);

					if (bad)
						fprintf(stderr, "mismatch: shape %zu n %zu bands %zu metric %d\n",
								si, sizes[ni], bi, metric);
					mismatches += bad;
					configs++;
				}
		}
	CHECK(configs == 160);
	CHECK(mismatches == 0);
	free(x);
	free(y);
	free(t);
}

/* tiny bands over a huge extent: the grid side comes from the extent */
static void
test_tiny_bands_wide_extent(void)
{
	static const double tiny[] = {1e-6, 3e-6};
	double		x[400],
				y[400];
	int64_t		t[400];
	sc_rng		r;

	sc_rng_seed(&r, 77);
	for (int i = 0; i < 400; i++)
	{
		/* pairs of points 1e-6 apart, scattered over a million metres */
		double		bx = sc_rng_uniform(&r) * 1e6,
					by = sc_rng_uniform(&r) * 1e6;

		x[i] = i % 2 ? x[i - 1] + 2e-6 * sc_rng_uniform(&r) : bx;
		y[i] = i % 2 ? y[i - 1] : by;
		t[i] = (int64_t) sc_rng_below(&r, 10) * DAY_US;
	}
	for (int metric = 0; metric < 2; metric++)
	{
		sc_knox_params p = params(metric ? SC_METRIC_EUCLIDEAN : SC_METRIC_MANHATTAN,
								  0, tiny, 2, days_b, 4, 0, 1);

		CHECK(compare_with_brute(x, y, t, 400, &p) == 0);
	}
}

/* ------------------------------------------------------------ edge cases */

/* the (row, col) of a single pair; false unless exactly one cell holds 1 */
static bool
one_pair(const sc_knox_params *p, double x1, double y1, int64_t t1,
		 double x2, double y2, int64_t t2, size_t *row, size_t *col)
{
	double		x[2] = {x1, x2},
				y[2] = {y1, y2};
	int64_t		t[2] = {t1, t2};
	sc_knox_result res;
	int			found = 0;

	if (sc_knox_compute(x, y, t, 2, p, &sc_malloc_allocator, &res, NULL) != SC_OK)
		return false;
	for (size_t r = 0; r < res.n_rows; r++)
		for (size_t c = 0; c < res.n_cols; c++)
			if (res.observed[sc_knox_cell(&res, r, c)] != 0)
			{
				found += (int) res.observed[sc_knox_cell(&res, r, c)];
				*row = r;
				*col = c;
			}
	sc_knox_result_free(&res);
	return found == 1;
}

static void
test_distance_edges(void)
{
	static const double b[] = {100, 200};
	sc_knox_params man = params(SC_METRIC_MANHATTAN, 0, b, 2, days_b, 4, 0, 1);
	sc_knox_params euc = params(SC_METRIC_EUCLIDEAN, 0, b, 2, days_b, 4, 0, 1);
	sc_knox_params same = params(SC_METRIC_EUCLIDEAN, 1.0, b, 2, days_b, 4, 0, 1);
	size_t		r = 99,
				c = 99;

	/* exactly on an edge goes to the band above */
	CHECK(one_pair(&man, 0, 0, 0, 60, 40, 0, &r, &c) && r == 2 && c == 0);
	CHECK(one_pair(&euc, 0, 0, 0, 60, 80, 0, &r, &c) && r == 2 && c == 0);
	CHECK(one_pair(&man, 0, 0, 0, 60, 39.999, 0, &r, &c) && r == 1);
	/* exactly d_k: the open-ended row */
	CHECK(one_pair(&man, 0, 0, 0, 120, 80, 0, &r, &c) && r == 3);
	CHECK(one_pair(&euc, 0, 0, 0, 120, 160, 0, &r, &c) && r == 3);
	CHECK(one_pair(&euc, 0, 0, 0, 119.9, 160, 0, &r, &c) && r == 2);
	/* far away: open row */
	CHECK(one_pair(&euc, 0, 0, 0, 1e6, -1e6, 0, &r, &c) && r == 3);
	/* distance 0 with same_location 0 is "same location" */
	CHECK(one_pair(&man, 5, 5, 0, 5, 5, 0, &r, &c) && r == 0);
	CHECK(one_pair(&man, 5, 5, 0, 5, 5.0001, 0, &r, &c) && r == 1);
	/* same_location 1: d = 1 is same location, just above is not */
	CHECK(one_pair(&same, 0, 0, 0, 1, 0, 0, &r, &c) && r == 0);
	CHECK(one_pair(&same, 0, 0, 0, 1.000001, 0, 0, &r, &c) && r == 1);
	CHECK(one_pair(&same, 0, 0, 0, 0.6, 0.8, 0, &r, &c) && r == 0);
	/* -0.0 and 0.0 are the same place */
	CHECK(one_pair(&man, -0.0, 0, 0, 0.0, -0.0, 0, &r, &c) && r == 0);
}

static void
test_time_edges(void)
{
	static const double half[] = {0.5, 1};
	sc_knox_params p = params(SC_METRIC_MANHATTAN, 0, bands_a, 1, days_b, 4, 0, 1);
	sc_knox_params q = params(SC_METRIC_MANHATTAN, 0, bands_a, 1, half, 2, 0, 1);
	size_t		r = 99,
				c = 99;

	/* exactly 7 days apart falls in [7, 14) */
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 7 * DAY_US, &r, &c) && c == 1);
	CHECK(one_pair(&p, 0, 0, 7 * DAY_US, 0, 0, 0, &r, &c) && c == 1);
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 7 * DAY_US - 1, &r, &c) && c == 0);
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 0, &r, &c) && c == 0);
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 14 * DAY_US - 1, &r, &c) && c == 1);
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 28 * DAY_US - 1, &r, &c) && c == 3);
	/* exactly the last edge: the open column */
	CHECK(one_pair(&p, 0, 0, 0, 0, 0, 28 * DAY_US, &r, &c) && c == 4);
	/* the open row gets its columns right too */
	CHECK(one_pair(&p, 0, 0, 0, 500, 0, 7 * DAY_US, &r, &c) && r == 2 && c == 1);
	CHECK(one_pair(&p, 0, 0, 0, 500, 0, 3 * DAY_US, &r, &c) && r == 2 && c == 0);
	/* fractional days: 12 hours exactly */
	CHECK(one_pair(&q, 0, 0, 0, 0, 0, DAY_US / 2, &r, &c) && c == 1);
	CHECK(one_pair(&q, 0, 0, 0, 0, 0, DAY_US / 2 - 1, &r, &c) && c == 0);
	/* negative and extreme times: no overflow */
	CHECK(one_pair(&p, 0, 0, -3 * DAY_US, 0, 0, 3 * DAY_US, &r, &c) && c == 0);
	CHECK(one_pair(&p, 0, 0, INT64_MIN, 0, 0, INT64_MAX, &r, &c) && r == 0 && c == 4);
	CHECK(one_pair(&p, 0, 0, INT64_MIN, 900, 0, INT64_MAX, &r, &c) && r == 2 && c == 4);
}

/* a 3-event table worked by hand */
static void
test_hand_table(void)
{
	static const double b[] = {100, 200};
	static const double d[] = {7, 14};
	double		x[] = {0, 50, 1000};
	double		y[] = {0, 0, 0};
	int64_t		t[] = {0, 10 * DAY_US, 3 * DAY_US};
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, b, 2, d, 2, 0, 1);
	sc_knox_result res;

	CHECK(sc_knox_compute(x, y, t, 3, &p, &sc_malloc_allocator, &res, NULL) == SC_OK);
	CHECK(res.n_rows == 4 && res.n_cols == 3);
	/* (0,1): d 50 → row 1, 10 days → col 1 */
	CHECK(res.observed[sc_knox_cell(&res, 1, 1)] == 1);
	/* (0,2): d 1000 → row 3, 3 days → col 0; (1,2): d 950, 7 days → col 1 */
	CHECK(res.observed[sc_knox_cell(&res, 3, 0)] == 1);
	CHECK(res.observed[sc_knox_cell(&res, 3, 1)] == 1);
	CHECK(res.close_pairs == 1);
	{
		int64_t		total = 0;

		for (size_t c = 0; c < 12; c++)
			total += res.observed[c];
		CHECK(total == 3);
	}
	CHECK(isnan(res.expected[0]) && isnan(res.median[0]));
	CHECK(res.n_ge[0] == 0);
	sc_knox_result_free(&res);
}

/* all events on one spot: every pair is "same location" */
static void
test_identical_points(void)
{
	double		x[50],
				y[50];
	int64_t		t[50];
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_a, 1, 9, 3);
	sc_knox_result res;
	int64_t		row0 = 0;

	for (int i = 0; i < 50; i++)
	{
		x[i] = 123456.5;
		y[i] = -7.25;
		t[i] = i * DAY_US;
	}
	CHECK(sc_knox_compute(x, y, t, 50, &p, &sc_malloc_allocator, &res, NULL) == SC_OK);
	for (size_t c = 0; c < res.n_cols; c++)
		row0 += res.observed[sc_knox_cell(&res, 0, c)];
	CHECK(row0 == 50 * 49 / 2);
	CHECK(res.close_pairs == 50 * 49 / 2);
	/* permuting times over identical locations changes nothing */
	for (size_t c = 0; c < res.n_rows * res.n_cols; c++)
		CHECK(res.expected[c] == (double) res.observed[c] && res.n_ge[c] == 9);
	sc_knox_result_free(&res);
}

/* ---------------------------------------------------------- permutations */

static bool
same_result(const sc_knox_result *a, const sc_knox_result *b)
{
	size_t		cells = a->n_rows * a->n_cols;

	return memcmp(a->observed, b->observed, cells * sizeof(int64_t)) == 0 &&
		memcmp(a->expected, b->expected, cells * sizeof(double)) == 0 &&
		memcmp(a->median, b->median, cells * sizeof(double)) == 0 &&
		memcmp(a->n_ge, b->n_ge, cells * sizeof(int64_t)) == 0;
}

static void
test_determinism(void)
{
	double		x[600],
				y[600];
	int64_t		t[600];
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_b, 4, 49, 12345);
	sc_knox_result a,
				b,
				c;

	make_events(UNIFORM, 600, 5, x, y, t);
	CHECK(sc_knox_compute(x, y, t, 600, &p, &sc_malloc_allocator, &a, NULL) == SC_OK);
	CHECK(sc_knox_compute(x, y, t, 600, &p, &sc_malloc_allocator, &b, NULL) == SC_OK);
	p.seed = 12346;
	CHECK(sc_knox_compute(x, y, t, 600, &p, &sc_malloc_allocator, &c, NULL) == SC_OK);
	CHECK(same_result(&a, &b));
	CHECK(!same_result(&a, &c));
	/* the observed table does not depend on the seed */
	CHECK(memcmp(a.observed, c.observed, a.n_rows * a.n_cols * sizeof(int64_t)) == 0);
	sc_knox_result_free(&a);
	sc_knox_result_free(&b);
	sc_knox_result_free(&c);
}

/* the same events in another row order give the very same result */
static void
test_input_order_independent(void)
{
	double		x[500],
				y[500],
				x2[500],
				y2[500];
	int64_t		t[500],
				t2[500];
	uint32_t	perm[500];
	sc_knox_params p = params(SC_METRIC_MANHATTAN, 0, bands_b, 4, days_b, 4, 29, 77);
	sc_knox_result a,
				b;
	sc_rng		r;

	make_events(CLUSTERED, 500, 13, x, y, t);
	/* some events identical in place and time, too */
	for (int i = 0; i < 20; i++)
	{
		x[i + 100] = x[i];
		y[i + 100] = y[i];
		t[i + 100] = t[i];
	}
	for (uint32_t i = 0; i < 500; i++)
		perm[i] = i;
	sc_rng_seed(&r, 4);
	sc_rng_shuffle_u32(&r, perm, 500);
	for (int i = 0; i < 500; i++)
	{
		x2[i] = x[perm[i]];
		y2[i] = y[perm[i]];
		t2[i] = t[perm[i]];
	}
	CHECK(sc_knox_compute(x, y, t, 500, &p, &sc_malloc_allocator, &a, NULL) == SC_OK);
	CHECK(sc_knox_compute(x2, y2, t2, 500, &p, &sc_malloc_allocator, &b, NULL) == SC_OK);
	CHECK(same_result(&a, &b));
	sc_knox_result_free(&a);
	sc_knox_result_free(&b);
}

/*
 * Permutations keep every location and every time: each permuted table has
 * the observed row totals (distances fixed) and column totals (the all-pairs
 * time histogram), so the expected table must have them too.
 */
static void
test_permutation_margins(void)
{
	double		x[800],
				y[800];
	int64_t		t[800];
	int			bad = 0;

	make_events(CLUSTERED, 800, 8, x, y, t);
	for (size_t bi = 0; bi < 4; bi++)
	{
		const band_set *bs = &band_sets[bi];
		sc_knox_params p = params(SC_METRIC_MANHATTAN, bs->same, bs->dist, bs->k,
								  bs->days, bs->m, 40, bi);
		sc_knox_result res;

		CHECK(sc_knox_compute(x, y, t, 800, &p, &sc_malloc_allocator, &res, NULL) == SC_OK);
		for (size_t r = 0; r < res.n_rows; r++)
		{
			double		obs = 0,
						exp = 0;

			for (size_t c = 0; c < res.n_cols; c++)
			{
				obs += (double) res.observed[sc_knox_cell(&res, r, c)];
				exp += res.expected[sc_knox_cell(&res, r, c)];
			}
			bad += fabs(obs - exp) > 1e-9 * fmax(1, obs);
		}
		for (size_t c = 0; c < res.n_cols; c++)
		{
			double		obs = 0,
						exp = 0;

			for (size_t r = 0; r < res.n_rows; r++)
			{
				obs += (double) res.observed[sc_knox_cell(&res, r, c)];
				exp += res.expected[sc_knox_cell(&res, r, c)];
			}
			bad += fabs(obs - exp) > 1e-9 * fmax(1, obs);
		}
		for (size_t k = 0; k < res.n_rows * res.n_cols; k++)
			bad += res.n_ge[k] < 0 || res.n_ge[k] > 40 || isnan(res.median[k]);
		sc_knox_result_free(&res);
	}
	CHECK(bad == 0);
}

/*
 * Times drawn independently of places: ratios near 1, and p-values of a
 * well-populated cell roughly uniform over many data sets.
 */
static void
test_null_distribution(void)
{
	static const double b[] = {100, 200};
	static const double d[] = {10, 20};
	const int	sets = 200;
	double		x[400],
				y[400];
	int64_t		t[400];
	double		ratio_sum = 0,
				p_sum = 0;
	int			p_small = 0,
				p_half = 0;

	for (int s = 0; s < sets; s++)
	{
		sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, b, 2, d, 2, 99, 900 + s);
		sc_knox_result res;
		size_t		cell;
		sc_rng		r;

		sc_rng_seed(&r, 5000 + s);
		for (int i = 0; i < 400; i++)
		{
			x[i] = sc_rng_uniform(&r) * 1000;
			y[i] = sc_rng_uniform(&r) * 1000;
			t[i] = (int64_t) (sc_rng_uniform(&r) * 100 * DAY_US);
		}
		if (sc_knox_compute(x, y, t, 400, &p, &sc_malloc_allocator, &res, NULL) != SC_OK)
		{
			CHECK(!"knox failed");
			return;
		}
		cell = sc_knox_cell(&res, 2, 0);	/* 100–200 m, 0–10 days: ~1,400 pairs */
		ratio_sum += res.observed[cell] / res.expected[cell];
		p_sum += sc_knox_p_value(&res, cell);
		p_small += sc_knox_p_value(&res, cell) <= 0.1;
		p_half += sc_knox_p_value(&res, cell) <= 0.5;
		sc_knox_result_free(&res);
	}
	CHECK_NEAR(ratio_sum / sets, 1.0, 0.02);
	/* uniform p: mean 0.5, 10% at or below 0.1, 50% at or below 0.5 */
	CHECK(p_sum / sets > 0.42 && p_sum / sets < 0.58);
	CHECK(p_small >= 8 && p_small <= 36);
	CHECK(p_half >= 80 && p_half <= 120);
}

/* a planted near-repeat pattern is found: ratio ≫ 1, smallest p-value */
static void
test_near_repeat_signal(void)
{
	double		x[600],
				y[600];
	int64_t		t[600];
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_b, 4, 99, 1);
	sc_knox_result res;
	sc_rng		r;
	size_t		cell;

	sc_rng_seed(&r, 31);
	for (int i = 0; i < 600; i += 2)
	{
		/* each event has a follow-up within 40 m and 5 days */
		x[i] = sc_rng_uniform(&r) * 5000;
		y[i] = sc_rng_uniform(&r) * 5000;
		t[i] = (int64_t) (sc_rng_uniform(&r) * 365 * DAY_US);
		x[i + 1] = x[i] + 20 * sc_rng_uniform(&r);
		y[i + 1] = y[i] + 20 * sc_rng_uniform(&r);
		t[i + 1] = t[i] + (int64_t) (sc_rng_uniform(&r) * 5 * DAY_US);
	}
	CHECK(sc_knox_compute(x, y, t, 600, &p, &sc_malloc_allocator, &res, NULL) == SC_OK);
	cell = sc_knox_cell(&res, 1, 0);
	CHECK(res.observed[cell] >= 300);
	CHECK(res.observed[cell] / res.expected[cell] > 5);
	CHECK(res.observed[cell] / res.median[cell] > 5);
	CHECK_NEAR(sc_knox_p_value(&res, cell), 0.01, 1e-12);
	sc_knox_result_free(&res);
}

/* ------------------------------------------------ limits, hooks, errors */

static void
test_max_pairs(void)
{
	double		x[300],
				y[300];
	int64_t		t[300];
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_b, 4, 3, 1);
	sc_knox_result res;
	sc_err		err = {""};
	uint64_t	close = 0;
	fail_ctx	ta;
	sc_alloc	al = fail_alloc(&ta, -1);

	make_events(CLUSTERED, 300, 4, x, y, t);
	CHECK(sc_knox_count_close_pairs(x, y, 300, p.metric, 200, &sc_malloc_allocator,
									NULL, &close, &err) == SC_OK);
	CHECK(close > 100);
	p.max_pairs = (size_t) close;
	CHECK(sc_knox_compute(x, y, t, 300, &p, &al, &res, &err) == SC_OK);
	CHECK(res.close_pairs == close);
	sc_knox_result_free(&res);
	p.max_pairs = (size_t) close - 1;
	CHECK(sc_knox_compute(x, y, t, 300, &p, &al, &res, &err) == SC_ELIMIT);
	CHECK(strstr(err.msg, "closer than 200") != NULL);
	sc_knox_result_free(&res);
	CHECK(ta.live == 0);
}

static int	progress_calls;
static uint32_t progress_last;
static long interrupt_calls;

static void
on_progress(void *ctx, uint32_t done, uint32_t total)
{
	progress_calls++;
	progress_last = done;
	*(uint32_t *) ctx = total;
}

static void
on_interrupt(void)
{
	interrupt_calls++;
}

static void
test_hooks(void)
{
	double		x[2000],
				y[2000];
	int64_t		t[2000];
	uint32_t	total = 0;
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_b, 4, 25, 9);
	sc_knox_result res;

	make_events(CLUSTERED, 2000, 6, x, y, t);
	p.progress = on_progress;
	p.progress_ctx = &total;
	p.interrupt = on_interrupt;
	CHECK(sc_knox_compute(x, y, t, 2000, &p, &sc_malloc_allocator, &res, NULL) == SC_OK);
	CHECK(progress_calls == 25 && progress_last == 25 && total == 25);
	/* at least once per SC_INTERRUPT_EVERY pair visits of every permutation */
	CHECK(interrupt_calls >= 25 * (long) (res.close_pairs / SC_INTERRUPT_EVERY));
	sc_knox_result_free(&res);
}

static void
expect_einval(const double *x, const double *y, const int64_t *t, size_t n,
			  const sc_knox_params *p, const char *needle)
{
	sc_knox_result res;
	sc_err		err = {""};
	sc_status	st = sc_knox_compute(x, y, t, n, p, &sc_malloc_allocator, &res, &err);

	CHECK(st == SC_EINVAL);
	if (strstr(err.msg, needle) == NULL)
	{
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, needle);
		CHECK(!"message names the parameter");
	}
	sc_knox_result_free(&res);
}

static void
test_invalid_input(void)
{
	double		x[3] = {0, 1, 2},
				y[3] = {0, 1, 2};
	int64_t		t[3] = {0, 1, 2};
	double		bad_d[3];
	double		bad_t[3];
	sc_knox_params p = params(SC_METRIC_EUCLIDEAN, 0, bands_b, 4, days_b, 4, 9, 1);
	sc_knox_params q;
	sc_err		err = {""};
	uint64_t	cnt;

	CHECK(sc_knox_validate(&p, &err) == SC_OK);
	/* coordinates */
	x[1] = NAN;
	expect_einval(x, y, t, 3, &p, "coordinates must be finite (event 2)");
	x[1] = 1;
	y[2] = INFINITY;
	expect_einval(x, y, t, 3, &p, "coordinates must be finite (event 3)");
	y[2] = -INFINITY;
	CHECK(sc_knox_count_close_pairs(x, y, 3, SC_METRIC_EUCLIDEAN, 10,
									&sc_malloc_allocator, NULL, &cnt, &err) == SC_EINVAL);
	y[2] = 2;
	/* event count */
	expect_einval(x, y, t, 1, &p, "at least 2 events");
	expect_einval(x, y, t, 0, &p, "at least 2 events");
	/* metric */
	q = p;
	q.metric = (sc_metric) 7;
	expect_einval(x, y, t, 3, &q, "metric");
	/* distance bands */
	q = p;
	q.n_dist_bands = 0;
	expect_einval(x, y, t, 3, &q, "distance_bands");
	q = p;
	q.dist_bands = bad_d;
	q.n_dist_bands = 3;
	memcpy(bad_d, (double[]) {100, 50, 200}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "distance_bands must be in ascending order, but 50 follows 100");
	memcpy(bad_d, (double[]) {100, 100, 200}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "distance_bands lists the edge 100 twice");
	memcpy(bad_d, (double[]) {100, NAN, 200}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "distance_bands must be finite");
	memcpy(bad_d, (double[]) {100, 200, INFINITY}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "distance_bands must be finite");
	memcpy(bad_d, (double[]) {-5, 100, 200}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "distance_bands must not be negative, but element 1 is -5");
	memcpy(bad_d, (double[]) {0, 100, 200}, sizeof(bad_d));
	expect_einval(x, y, t, 3, &q, "the first edge of distance_bands must be greater than same_location");
	/* same_location */
	q = p;
	q.same_location = -1;
	expect_einval(x, y, t, 3, &q, "same_location");
	q.same_location = NAN;
	expect_einval(x, y, t, 3, &q, "same_location");
	q.same_location = 50;		/* equal to the first band */
	expect_einval(x, y, t, 3, &q, "greater than same_location");
	/* time bands */
	q = p;
	q.n_time_bands = 0;
	expect_einval(x, y, t, 3, &q, "time_bands");
	q = p;
	q.time_bands = bad_t;
	q.n_time_bands = 3;
	memcpy(bad_t, (double[]) {7, 7, 14}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "time_bands lists the edge 7 twice");
	memcpy(bad_t, (double[]) {14, 7, 21}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "time_bands must be in ascending order, but 7 follows 14");
	memcpy(bad_t, (double[]) {0, 7, 14}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "the first edge of time_bands must be greater than 0 days, not 0");
	memcpy(bad_t, (double[]) {-7, 7, 14}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "time_bands must not be negative, but element 1 is -7");
	memcpy(bad_t, (double[]) {7, NAN, 14}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "time_bands must be finite");
	memcpy(bad_t, (double[]) {7, 14, 1e300}, sizeof(bad_t));
	expect_einval(x, y, t, 3, &q, "time_bands must be below");
	/* count_close_pairs checks its own arguments */
	CHECK(sc_knox_count_close_pairs(x, y, 3, SC_METRIC_EUCLIDEAN, -1,
									&sc_malloc_allocator, NULL, &cnt, &err) == SC_EINVAL);
	CHECK(sc_knox_count_close_pairs(x, y, 3, (sc_metric) 3, 1,
									&sc_malloc_allocator, NULL, &cnt, &err) == SC_EINVAL);
	/* an extent beyond double range */
	x[0] = -1.5e308;
	x[2] = 1.5e308;
	{
		sc_knox_result res;

		CHECK(sc_knox_compute(x, y, t, 3, &p, &sc_malloc_allocator, &res, &err) == SC_ERANGE);
		sc_knox_result_free(&res);
	}
}

/* every allocation in turn fails: SC_ENOMEM, nothing leaked */
static void
test_failing_allocator(void)
{
	double		x[500],
				y[500];
	int64_t		t[500];
	sc_knox_params p = params(SC_METRIC_MANHATTAN, 0, bands_b, 4, days_b, 4, 11, 2);
	fail_ctx	ta;
	sc_alloc	al = fail_alloc(&ta, -1);
	sc_knox_result res;
	long		needed;
	int			wrong = 0,
				leaks = 0;

	make_events(CLUSTERED, 500, 3, x, y, t);
	CHECK(sc_knox_compute(x, y, t, 500, &p, &al, &res, NULL) == SC_OK);
	sc_knox_result_free(&res);
	needed = ta.calls;
	CHECK(ta.live == 0);
	CHECK(needed > 5);
	for (long k = 0; k < needed; k++)
	{
		sc_err		err = {""};

		al = fail_alloc(&ta, k);
		wrong += sc_knox_compute(x, y, t, 500, &p, &al, &res, &err) != SC_ENOMEM;
		wrong += strstr(err.msg, "memory") == NULL;
		sc_knox_result_free(&res);
		leaks += ta.live != 0;
	}
	CHECK(wrong == 0);
	CHECK(leaks == 0);
	al = fail_alloc(&ta, needed);
	CHECK(sc_knox_compute(x, y, t, 500, &p, &al, &res, NULL) == SC_OK);
	sc_knox_result_free(&res);
	CHECK(ta.live == 0);
}

/* ------------------------------------------------------ sc_close_pairs */

typedef struct seen
{
	size_t		n;
	unsigned char *mark;		/* n × n */
	int			bad;
} seen;

static sc_status
mark_pair(void *ctx, uint32_t i, uint32_t j, double d)
{
	seen	   *s = ctx;

	(void) d;
	if (i >= j || j >= s->n || s->mark[i * s->n + j])
		s->bad++;
	else
		s->mark[i * s->n + j] = 1;
	return SC_OK;
}

static void
test_close_pairs_each_once(void)
{
	double		x[400],
				y[400];
	int64_t		t[400];
	seen		s = {400, calloc(400 * 400, 1), 0};
	int			wrong = 0;

	make_events(LATTICE, 400, 21, x, y, t);
	for (int inclusive = 0; inclusive < 2; inclusive++)
		for (int metric = 0; metric < 2; metric++)
		{
			sc_metric mt = metric ? SC_METRIC_EUCLIDEAN : SC_METRIC_MANHATTAN;

			memset(s.mark, 0, 400 * 400);
			CHECK(sc_close_pairs(x, y, 400, mt, 50, inclusive, mark_pair, &s,
								 &sc_malloc_allocator, NULL, NULL) == SC_OK);
			for (size_t i = 0; i < 400; i++)
				for (size_t j = i + 1; j < 400; j++)
				{
					double		d = distance(mt, x[i] - x[j], y[i] - y[j]);
					int			want = inclusive ? d <= 50 : d < 50;

					wrong += want != s.mark[i * 400 + j];
				}
		}
	CHECK(s.bad == 0);
	CHECK(wrong == 0);
	free(s.mark);
}

/* ---------------------------------------------- reading the table, zone */

/*
 * A hand-made 4 x 4 table (bands d = {100, 200}, τ = {7, 14, 21}, same
 * location 1, 99 permutations): cell (r, c) significant where sig[r][c].
 */
static void
zone_table(sc_knox_result *res, int64_t *obs, double *ex, double *med, int64_t *n_ge,
		   const int sig[4][4])
{
	memset(res, 0, sizeof(*res));
	res->n_rows = 4;
	res->n_cols = 4;
	res->permutations = 99;
	res->observed = obs;
	res->expected = ex;
	res->median = med;
	res->n_ge = n_ge;
	for (size_t r = 0; r < 4; r++)
		for (size_t c = 0; c < 4; c++)
		{
			size_t		k = r * 4 + c;

			obs[k] = 10;
			ex[k] = 5;			/* ratio 2 */
			med[k] = 5;
			n_ge[k] = sig[r][c] ? 0 : 50;	/* p = 0.01 or 0.51 */
		}
}

static void
test_zone(void)
{
	const double d[] = {100, 200},
				tau[] = {7, 14, 21};
	sc_knox_params p = {.same_location = 1, .dist_bands = d, .n_dist_bands = 2,
	.time_bands = tau, .n_time_bands = 3};
	sc_knox_result res;
	int64_t		obs[16],
				n_ge[16];
	double		ex[16],
				med[16],
				from,
				to,
				dist,
				days,
				ratio;
	bool		has_to;
	/* rows 0 and 1 in columns 0 and 1; row 1 not in column 2 */
	const int	a[4][4] = {{1, 1, 1, 0}, {1, 1, 0, 0}, {0, 1, 1, 1}, {1, 1, 1, 1}};
	/* row 0 not significant: the run starts at row 1 and reaches row 2 */
	const int	b[4][4] = {{0, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 1, 1}};
	/* the first time band of rows 0 and 1 not significant: no zone */
	const int	c[4][4] = {{0, 1, 1, 1}, {0, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
	/* only the same location, first time band: distance same_location */
	const int	e[4][4] = {{1, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};

	sc_knox_row_edges(&p, 0, &from, &to, &has_to);
	CHECK(from == 0 && to == 1 && has_to);
	sc_knox_row_edges(&p, 1, &from, &to, &has_to);
	CHECK(from == 1 && to == 100 && has_to);
	sc_knox_row_edges(&p, 2, &from, &to, &has_to);
	CHECK(from == 100 && to == 200 && has_to);
	sc_knox_row_edges(&p, 3, &from, &to, &has_to);
	CHECK(from == 200 && !has_to);
	sc_knox_col_edges(&p, 0, &from, &to, &has_to);
	CHECK(from == 0 && to == 7 && has_to);
	sc_knox_col_edges(&p, 3, &from, &to, &has_to);
	CHECK(from == 21 && !has_to);

	zone_table(&res, obs, ex, med, n_ge, a);
	CHECK(sc_knox_ratio(&res, 0, &ratio) && ratio == 2);
	CHECK(sc_knox_significant(&res, 0, 0.05, 1));
	CHECK(!sc_knox_significant(&res, 0, 0.01, 1));	/* p = 0.01 is not < 0.01 */
	CHECK(!sc_knox_significant(&res, 0, 0.05, 2.5));	/* ratio 2 < 2.5 */
	CHECK(sc_knox_zone(&p, &res, 0.05, 1, &dist, &days) && dist == 100 && days == 14);
	zone_table(&res, obs, ex, med, n_ge, b);
	CHECK(sc_knox_zone(&p, &res, 0.05, 1, &dist, &days) && dist == 200 && days == 21);
	zone_table(&res, obs, ex, med, n_ge, c);
	CHECK(!sc_knox_zone(&p, &res, 0.05, 1, &dist, &days));
	zone_table(&res, obs, ex, med, n_ge, e);
	CHECK(sc_knox_zone(&p, &res, 0.05, 1, &dist, &days) && dist == 1 && days == 7);
	/* no expectation (E = 0): no ratio, never significant */
	ex[0] = 0;
	CHECK(!sc_knox_ratio(&res, 0, &ratio));
	CHECK(!sc_knox_zone(&p, &res, 0.05, 1, &dist, &days));
}

int
main(void)
{
	test_against_brute_force();
	test_tiny_bands_wide_extent();
	test_distance_edges();
	test_time_edges();
	test_hand_table();
	test_identical_points();
	test_determinism();
	test_input_order_independent();
	test_permutation_margins();
	test_null_distribution();
	test_near_repeat_signal();
	test_max_pairs();
	test_hooks();
	test_invalid_input();
	test_failing_allocator();
	test_close_pairs_each_once();
	test_zone();
	TEST_DONE("knox");
}
