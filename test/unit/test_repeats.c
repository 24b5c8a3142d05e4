/*
 * test_repeats.c — location grouping against an O(n²) union–find, repeat
 * statistics against a naive per-location computation, histogram bins,
 * validation and allocation failure.
 */
#include "sc_repeats.h"
#include "sc_rng.h"
#include "sc_test.h"

#include <stdlib.h>
#include <string.h>

#include "sc_test_util.h"

#define DAY SC_US_PER_DAY

/* ------------------------------------------------------ brute grouping */

static size_t
root_of(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i];
	return i;
}

/* all-pairs union–find, then ids in order of first appearance */
static size_t
brute_groups(const double *x, const double *y, size_t n, double tol, uint32_t *out)
{
	size_t	   *parent = malloc(n * sizeof(size_t));
	size_t	   *label = malloc(n * sizeof(size_t));
	size_t		next = 0;

	for (size_t i = 0; i < n; i++)
	{
		parent[i] = i;
		label[i] = SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
		{
			double		dx = x[i] - x[j],
						dy = y[i] - y[j];
			bool		same = tol == 0 ? (x[i] == x[j] && y[i] == y[j])
				: sqrt(dx * dx + dy * dy) <= tol;

			if (same)
				parent[root_of(parent, j)] = root_of(parent, i);
		}
	for (size_t i = 0; i < n; i++)
	{
		size_t		r = root_of(parent, i);

		if (label[r] == SIZE_MAX)
			label[r] = next++;
		out[i] = (uint32_t) label[r];
	}
	free(parent);
	free(label);
	return next;
}

typedef enum shape
{
	LATTICE,					/* multiples of 5: duplicates and exact distances */
	UNIFORM,
	CHAINS						/* strings of points ~tolerance apart */
} shape;

static void
make_points(shape s, size_t n, uint64_t seed, double *x, double *y, int64_t *t)
{
	sc_rng		r;

	sc_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++)
	{
		switch (s)
		{
			case LATTICE:
				x[i] = 5.0 * (double) sc_rng_below(&r, 30);
				y[i] = 5.0 * (double) sc_rng_below(&r, 30);
				break;
			case UNIFORM:
				x[i] = sc_rng_uniform(&r) * 500;
				y[i] = sc_rng_uniform(&r) * 500;
				break;
			case CHAINS:
				if (i > 0 && sc_rng_below(&r, 3) != 0)
				{
					x[i] = x[i - 1] + 9.5 * sc_rng_uniform(&r);
					y[i] = y[i - 1] + 9.5 * (sc_rng_uniform(&r) - 0.5);
				}
				else
				{
					x[i] = sc_rng_uniform(&r) * 3000;
					y[i] = sc_rng_uniform(&r) * 3000;
				}
				break;
		}
		t[i] = (int64_t) sc_rng_below(&r, (uint64_t) (120 * DAY)) - 10 * DAY;
	}
}

static void
test_groups_vs_brute(void)
{
	static const double tols[] = {0, 5, 7.0710678118654755, 10, 25};
	static const size_t sizes[] = {1, 2, 50, 700};
	double		x[700],
				y[700];
	int64_t		t[700];
	uint32_t	got[700],
				want[700];
	int			mismatches = 0,
				configs = 0;

	for (int s = 0; s < 3; s++)
		for (size_t ni = 0; ni < 4; ni++)
		{
			size_t		n = sizes[ni];

			make_points((shape) s, n, 40 + s * 7 + ni, x, y, t);
			for (size_t ti = 0; ti < 5; ti++)
			{
				size_t		g = 0,
							gw = brute_groups(x, y, n, tols[ti], want);
				sc_err		err = {""};

				if (sc_repeat_groups(x, y, n, tols[ti], &sc_malloc_allocator, NULL,
									 got, &g, &err) != SC_OK)
				{
					fprintf(stderr, "groups failed: %s\n", err.msg);
					mismatches++;
					continue;
				}
				mismatches += g != gw || memcmp(got, want, n * sizeof(uint32_t)) != 0;
				configs++;
			}
		}
	CHECK(configs == 60);
	CHECK(mismatches == 0);
}

static void
test_groups_by_hand(void)
{
	double		x[100],
				y[100];
	uint32_t	g[100];
	size_t		ng = 99;

	/* first-appearance numbering */
	{
		double		hx[] = {100, 0, 100, 50, 0};
		double		hy[] = {0, 0, 0, 0, -0.0};
		uint32_t	want[] = {0, 1, 0, 2, 1};

		CHECK(sc_repeat_groups(hx, hy, 5, 0, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 3 && memcmp(g, want, sizeof(want)) == 0);
		/* 50 m apart: tolerance 50 joins all three places (single linkage) */
		CHECK(sc_repeat_groups(hx, hy, 5, 50, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 1);
		CHECK(sc_repeat_groups(hx, hy, 5, 49.999, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 3);
	}
	/* two places exactly at the tolerance (Euclidean 3-4-5), with duplicates */
	{
		double		px[] = {0, 3, 0, 3};
		double		py[] = {0, 4, 0, 4};

		CHECK(sc_repeat_groups(px, py, 2, 5, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 1 && g[0] == 0 && g[1] == 0);
		CHECK(sc_repeat_groups(px, py, 4, 5, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 1);
		CHECK(sc_repeat_groups(px, py, 4, 4.99, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
		CHECK(ng == 2 && g[2] == 0 && g[3] == 1);
	}
	/* a chain 1 m apart is one location at tolerance 1 */
	for (int i = 0; i < 100; i++)
	{
		x[i] = 1000.0 + i;
		y[i] = 2000.0;
	}
	CHECK(sc_repeat_groups(x, y, 100, 1, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
	CHECK(ng == 1 && g[99] == 0);
	CHECK(sc_repeat_groups(x, y, 100, 0.999, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
	CHECK(ng == 100 && g[99] == 99);
	/* no events, one event */
	CHECK(sc_repeat_groups(x, y, 0, 0, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
	CHECK(ng == 0);
	CHECK(sc_repeat_groups(x, y, 1, 3, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
	CHECK(ng == 1 && g[0] == 0);
}

/* ---------------------------------------------------- brute statistics */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		u = *(const int64_t *) a,
				v = *(const int64_t *) b;

	return (u > v) - (u < v);
}

/* the location record of group g, computed naively */
static bool
brute_location(const uint32_t *group, const int64_t *t, size_t n, uint32_t g,
			   int64_t within, sc_repeat_location *loc)
{
	int64_t    *ts = malloc(n * sizeof(int64_t));
	int64_t    *gaps = malloc(n * sizeof(int64_t));
	size_t		e = 0;

	loc->first_event = UINT32_MAX;
	for (size_t i = 0; i < n; i++)
		if (group[i] == g)
		{
			ts[e++] = t[i];
			if (loc->first_event == UINT32_MAX || t[i] < t[loc->first_event])
				loc->first_event = (uint32_t) i;
		}
	qsort(ts, e, sizeof(int64_t), cmp_i64);
	loc->group = g;
	loc->events = (int64_t) e;
	loc->repeats_within = 0;
	if (e >= 2)
	{
		loc->first_at = ts[0];
		loc->last_at = ts[e - 1];
		for (size_t k = 1; k < e; k++)
		{
			gaps[k - 1] = ts[k] - ts[k - 1];
			loc->repeats_within += gaps[k - 1] <= within;
		}
		qsort(gaps, e - 1, sizeof(int64_t), cmp_i64);
		loc->shortest_gap = gaps[0];
		loc->median_gap = (e - 1) % 2 ? (double) gaps[(e - 1) / 2]
			: ((double) gaps[(e - 1) / 2 - 1] + (double) gaps[(e - 1) / 2]) / 2;
	}
	free(ts);
	free(gaps);
	return e >= 2;
}

static int
compare_stats(const uint32_t *group, size_t ng, const int64_t *t, size_t n,
			  int64_t within, size_t max_bins)
{
	sc_repeat_stats st;
	sc_err		err = {""};
	size_t		r = 0,
				locs = 0,
				gaps = 0;
	int			bad = 0;
	int64_t    *hist = calloc(n + 1, sizeof(int64_t) * 64);

	if (sc_repeat_analyze(group, ng, t, n, within, max_bins, &sc_malloc_allocator,
						  NULL, &st, &err) != SC_OK)
	{
		fprintf(stderr, "analyze failed: %s\n", err.msg);
		free(hist);
		return 1;
	}
	for (uint32_t g = 0; g < ng; g++)
	{
		sc_repeat_location want;

		if (!brute_location(group, t, n, g, within, &want))
			continue;
		locs++;
		if (r >= st.n_repeat_locations)
		{
			bad++;
			continue;
		}
		bad += memcmp(&want, &st.locations[r], sizeof(want)) != 0;
		r++;
	}
	bad += locs != st.n_repeat_locations;
	bad += st.n_repeat_events != n - ng;
	/* histogram from the brute gaps */
	for (uint32_t g = 0; g < ng; g++)
	{
		int64_t    *ts = malloc(n * sizeof(int64_t));
		size_t		e = 0;

		for (size_t i = 0; i < n; i++)
			if (group[i] == g)
				ts[e++] = t[i];
		qsort(ts, e, sizeof(int64_t), cmp_i64);
		for (size_t k = 1; k < e; k++)
		{
			int64_t		days = (ts[k] - ts[k - 1]) / DAY;
			size_t		b = days <= 7 ? 0 : (size_t) ((days - 1) / 7);

			if (max_bins && b >= max_bins)
				b = max_bins - 1;
			hist[b]++;
			gaps++;
		}
		free(ts);
	}
	for (size_t b = 0; b < st.n_bins; b++)
		bad += hist[b] != st.gap_hist[b];
	bad += st.n_bins > 0 && hist[st.n_bins - 1] == 0;	/* sized to the longest gap */
	bad += gaps != st.n_repeat_events;
	sc_repeat_stats_free(&st);
	free(hist);
	return bad;
}

static void
test_stats_vs_brute(void)
{
	double		x[700],
				y[700];
	int64_t		t[700];
	uint32_t	g[700];
	size_t		ng;
	int			bad = 0;

	for (int s = 0; s < 3; s++)
	{
		make_points((shape) s, 700, 90 + s, x, y, t);
		CHECK(sc_repeat_groups(x, y, 700, s == 2 ? 10 : 0, &sc_malloc_allocator, NULL,
							   g, &ng, NULL) == SC_OK);
		bad += compare_stats(g, ng, t, 700, 7 * DAY, 0);
		bad += compare_stats(g, ng, t, 700, 0, 3);
		bad += compare_stats(g, ng, t, 700, 30 * DAY + 5, 1);
	}
	CHECK(bad == 0);
}

static void
test_stats_by_hand(void)
{
	/* location 0: 4 events; location 1: 1 event; location 2: 2 same-time events */
	uint32_t	g[] = {0, 1, 0, 2, 0, 2, 0};
	int64_t		t[] = {10 * DAY, 0, 0, 5 * DAY, 3 * DAY, 5 * DAY, 25 * DAY};
	sc_repeat_stats st;
	sc_repeat_location *l;

	CHECK(sc_repeat_analyze(g, 3, t, 7, 7 * DAY, 0, &sc_malloc_allocator, NULL, &st, NULL) == SC_OK);
	CHECK(st.n_events == 7 && st.n_locations == 3 && st.n_repeat_locations == 2);
	CHECK(st.n_repeat_events == 4);
	CHECK_NEAR(st.share_locations_repeated, 2.0 / 3.0, 1e-12);
	CHECK_NEAR(st.share_events_repeat, 4.0 / 7.0, 1e-12);
	l = &st.locations[0];
	/* times 0, 3, 10, 25 days: gaps 3, 7, 15 */
	CHECK(l->group == 0 && l->events == 4 && l->first_event == 2);
	CHECK(l->first_at == 0 && l->last_at == 25 * DAY);
	CHECK(l->repeats_within == 2);	/* 3 and exactly 7 days */
	CHECK(l->shortest_gap == 3 * DAY);
	CHECK(l->median_gap == 7.0 * DAY);
	l = &st.locations[1];
	/* equal times: the lower index is the first event, gap 0 */
	CHECK(l->group == 2 && l->events == 2 && l->first_event == 3);
	CHECK(l->shortest_gap == 0 && l->median_gap == 0 && l->repeats_within == 1);
	CHECK(st.n_repeats_within == 3);
	/* gaps 3, 7, 0 → bin 0; 15 → bin 2 (15–21 days) */
	CHECK(st.n_bins == 3);
	CHECK(st.gap_hist[0] == 3 && st.gap_hist[1] == 0 && st.gap_hist[2] == 1);
	CHECK(!st.last_bin_open);
	sc_repeat_stats_free(&st);

	/* capped to two bins: the 15-day gap lands in the open last bin */
	CHECK(sc_repeat_analyze(g, 3, t, 7, 0, 2, &sc_malloc_allocator, NULL, &st, NULL) == SC_OK);
	CHECK(st.n_bins == 2 && st.last_bin_open);
	CHECK(st.gap_hist[0] == 3 && st.gap_hist[1] == 1);
	CHECK(st.n_repeats_within == 1);	/* only the 0 gap is within 0 */
	sc_repeat_stats_free(&st);

	/* even number of gaps: median is the mean of the middle two */
	{
		uint32_t	g2[] = {0, 0, 0};
		int64_t		t2[] = {0, 1, 4};
		uint32_t	g3[] = {0, 1, 2};

		CHECK(sc_repeat_analyze(g2, 1, t2, 3, 0, 0, &sc_malloc_allocator, NULL, &st, NULL) == SC_OK);
		CHECK(st.locations[0].median_gap == 2.0);
		sc_repeat_stats_free(&st);
		/* no repeats at all */
		CHECK(sc_repeat_analyze(g3, 3, t2, 3, 0, 0, &sc_malloc_allocator, NULL, &st, NULL) == SC_OK);
		CHECK(st.n_repeat_locations == 0 && st.n_bins == 0 && st.share_events_repeat == 0);
		sc_repeat_stats_free(&st);
		/* no events */
		CHECK(sc_repeat_analyze(g3, 0, t2, 0, 0, 0, &sc_malloc_allocator, NULL, &st, NULL) == SC_OK);
		CHECK(st.n_locations == 0 && isnan(st.share_events_repeat));
		sc_repeat_stats_free(&st);
	}
}

static void
test_bins(void)
{
	int64_t		lo,
				hi;

	CHECK(sc_repeat_gap_bin(0) == 0);
	CHECK(sc_repeat_gap_bin(7 * DAY) == 0);
	CHECK(sc_repeat_gap_bin(8 * DAY - 1) == 0);	/* 7 whole days */
	CHECK(sc_repeat_gap_bin(8 * DAY) == 1);
	CHECK(sc_repeat_gap_bin(15 * DAY - 1) == 1);
	CHECK(sc_repeat_gap_bin(15 * DAY) == 2);
	CHECK(sc_repeat_gap_bin(21 * DAY) == 2);
	CHECK(sc_repeat_gap_bin(22 * DAY) == 3);
	CHECK(sc_repeat_gap_bin(INT64_MAX) == (size_t) ((INT64_MAX / DAY - 1) / 7));
	sc_repeat_bin_days(0, &lo, &hi);
	CHECK(lo == 0 && hi == 7);
	sc_repeat_bin_days(1, &lo, &hi);
	CHECK(lo == 8 && hi == 14);
	sc_repeat_bin_days(2, &lo, &hi);
	CHECK(lo == 15 && hi == 21);
}

static void
test_invalid(void)
{
	double		x[] = {0, 1, 2},
				y[] = {0, 1, 2};
	uint32_t	g[3] = {0, 1, 2};
	int64_t		t[] = {0, 1, 2};
	size_t		ng;
	sc_err		err = {""};
	sc_repeat_stats st;

	CHECK(sc_repeat_groups(x, y, 3, -1, &sc_malloc_allocator, NULL, g, &ng, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "tolerance") != NULL);
	CHECK(sc_repeat_groups(x, y, 3, NAN, &sc_malloc_allocator, NULL, g, &ng, &err) == SC_EINVAL);
	CHECK(sc_repeat_groups(x, y, 3, INFINITY, &sc_malloc_allocator, NULL, g, &ng, &err) == SC_EINVAL);
	x[1] = NAN;
	CHECK(sc_repeat_groups(x, y, 3, 0, &sc_malloc_allocator, NULL, g, &ng, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "finite (event 2)") != NULL);
	x[1] = 1;
	g[2] = 3;
	CHECK(sc_repeat_analyze(g, 3, t, 3, 0, 0, &sc_malloc_allocator, NULL, &st, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "event 3") != NULL);
	sc_repeat_stats_free(&st);
	g[2] = 2;
	CHECK(sc_repeat_analyze(g, 3, t, 3, -1, 0, &sc_malloc_allocator, NULL, &st, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "within") != NULL);
	sc_repeat_stats_free(&st);
}

static void
test_failing_allocator(void)
{
	double		x[400],
				y[400];
	int64_t		t[400];
	uint32_t	g[400];
	size_t		ng;
	fail_ctx	ta;
	sc_alloc	al;
	long		needed;
	int			wrong = 0,
				leaks = 0;
	sc_repeat_stats st;

	make_points(CHAINS, 400, 5, x, y, t);
	al = fail_alloc(&ta, -1);
	CHECK(sc_repeat_groups(x, y, 400, 10, &al, NULL, g, &ng, NULL) == SC_OK);
	needed = ta.calls;
	CHECK(ta.live == 0 && needed > 3);
	for (long k = 0; k < needed; k++)
	{
		al = fail_alloc(&ta, k);
		wrong += sc_repeat_groups(x, y, 400, 10, &al, NULL, g, &ng, NULL) != SC_ENOMEM;
		leaks += ta.live != 0;
	}
	CHECK(sc_repeat_groups(x, y, 400, 10, &sc_malloc_allocator, NULL, g, &ng, NULL) == SC_OK);
	al = fail_alloc(&ta, -1);
	CHECK(sc_repeat_analyze(g, ng, t, 400, DAY, 0, &al, NULL, &st, NULL) == SC_OK);
	sc_repeat_stats_free(&st);
	needed = ta.calls;
	CHECK(ta.live == 0 && needed > 3);
	for (long k = 0; k < needed; k++)
	{
		sc_err		err = {""};

		al = fail_alloc(&ta, k);
		wrong += sc_repeat_analyze(g, ng, t, 400, DAY, 0, &al, NULL, &st, &err) != SC_ENOMEM;
		wrong += strstr(err.msg, "memory") == NULL;
		sc_repeat_stats_free(&st);
		leaks += ta.live != 0;
	}
	CHECK(wrong == 0);
	CHECK(leaks == 0);
}

/* risk windows at times far apart: as_of - t would wrap in int64 */
static void
test_window_open(void)
{
	const int64_t day = SC_US_PER_DAY,
				year1 = INT64_C(-63082281600000000),	/* 0001-01-01 */
				last = INT64_C(9223371331199999999);	/* 294276-12-31 23:59:59.999999 */
	int64_t		left = -1;

	CHECK(sc_window_open(0, 14 * day, 0, &left) && left == 14 * day);
	CHECK(sc_window_open(0, 14 * day, 14 * day - 1, &left) && left == 1);
	CHECK(!sc_window_open(0, 14 * day, 14 * day, &left));
	CHECK(!sc_window_open(0, 14 * day, -1, &left));
	CHECK(!sc_window_open(0, 0, 0, &left));
	/* the reproducer: closed in year 1, asked in year 294276 */
	CHECK(!sc_window_open(year1, 14 * day, last, &left));
	CHECK(!sc_window_open(INT64_MIN, INT64_MAX, INT64_MAX, &left));
	CHECK(sc_window_open(INT64_MIN, INT64_MAX, -2, &left) && left == 1);
	CHECK(!sc_window_open(year1, INT64_MAX, last, &left));
	CHECK(sc_window_open(INT64_C(-1000000000000000000), INT64_MAX, INT64_C(8000000000000000000), &left) &&
		  left == INT64_MAX - INT64_C(9000000000000000000));
}

int
main(void)
{
	test_groups_vs_brute();
	test_groups_by_hand();
	test_stats_vs_brute();
	test_stats_by_hand();
	test_bins();
	test_invalid();
	test_failing_allocator();
	test_window_open();
	TEST_DONE("repeats");
}
