/*
 * test_patrol.c — maximal covering against brute force: the cover lists
 * against every pair, the best k sites against every k-subset (the bound
 * holds, vertex substitution never loses), the nearest post against a scan.
 */
#include <stdlib.h>
#include <string.h>

#include "sc_patrol.h"
#include "sc_test.h"
#include "sc_test_util.h"

/* cover of a site set by brute force */
static double
cover_of(size_t nd, const double *dx, const double *dy, const double *w, const double *sx,
		 const double *sy, const uint32_t *set, size_t k, double r)
{
	double		f = 0;

	for (size_t i = 0; i < nd; i++)
		for (size_t q = 0; q < k; q++)
		{
			double		ex = dx[i] - sx[set[q]],
						ey = dy[i] - sy[set[q]];

			if (ex * ex + ey * ey <= r * r)
			{
				f += w[i];
				break;
			}
		}
	return f;
}

/* the best cover of any k of ns sites: every k-subset */
static double
best_cover(size_t nd, const double *dx, const double *dy, const double *w, size_t ns,
		   const double *sx, const double *sy, size_t k, double r)
{
	uint32_t	set[8];
	double		best = -1;

	for (size_t q = 0; q < k; q++)
		set[q] = (uint32_t) q;
	for (;;)
	{
		double		f = cover_of(nd, dx, dy, w, sx, sy, set, k, r);
		size_t		q;

		if (f > best)
			best = f;
		/* next combination */
		for (q = k; q-- > 0;)
			if (set[q] < ns - k + q)
				break;
		if (q == (size_t) -1 || set[q] >= ns - k + q)
			break;
		set[q]++;
		for (size_t p = q + 1; p < k; p++)
			set[p] = set[p - 1] + 1;
	}
	return best;
}

static int
u32cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *) a,
				y = *(const uint32_t *) b;

	return (x > y) - (x < y);
}

static void
test_cover_lists(void)
{
	for (int rep = 0; rep < 20; rep++)
	{
		size_t		nd = 1 + (size_t) (urand() * 300),
					ns = 1 + (size_t) (urand() * 60),
					pairs = 0;
		double	   *dx = malloc(nd * sizeof(double)),
				   *dy = malloc(nd * sizeof(double)),
				   *w = malloc(nd * sizeof(double)),
				   *sx = malloc(ns * sizeof(double)),
				   *sy = malloc(ns * sizeof(double)),
					r = urand() * 300;
		sc_cover	c;
		sc_err		err;
		bool		ok = true;

		for (size_t i = 0; i < nd; i++)
		{
			/* clustered: whole-metre coordinates so some pairs sit exactly on the radius */
			dx[i] = floor(urand() * 1000);
			dy[i] = floor(urand() * 1000);
			w[i] = floor(urand() * 10);
		}
		for (size_t s = 0; s < ns; s++)
		{
			sx[s] = floor(urand() * 1200) - 100;
			sy[s] = floor(urand() * 1200) - 100;
		}
		if (rep == 0)
			r = 0;
		if (rep == 1)
			r = 5000;			/* one bucket */
		CHECK(sc_cover_build(nd, dx, dy, w, ns, sx, sy, r, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_OK);
		for (size_t s = 0; s < ns; s++)
		{
			size_t		q = 0,
						n = c.sstart[s + 1] - c.sstart[s];
			uint32_t   *got = malloc((n + 1) * sizeof(uint32_t));

			/* a site's list is in bucket order: compare it sorted */
			memcpy(got, c.sdem + c.sstart[s], n * sizeof(uint32_t));
			qsort(got, n, sizeof(uint32_t), u32cmp);
			for (size_t i = 0; i < nd; i++)
			{
				double		ex = dx[i] - sx[s],
							ey = dy[i] - sy[s];

				if (ex * ex + ey * ey <= r * r)
				{
					ok &= q < n && got[q] == i;
					q++;
					pairs++;
				}
			}
			ok &= q == n;
			free(got);
		}
		CHECK(ok);
		CHECK(c.sstart[ns] == pairs && c.dstart[nd] == pairs);
		/* the reverse lists hold the same pairs, ascending */
		ok = true;
		for (size_t i = 0; i < nd; i++)
			for (size_t p = c.dstart[i]; p < c.dstart[i + 1]; p++)
			{
				uint32_t	s = c.dsite[p];
				bool		found = false;

				ok &= p == c.dstart[i] || c.dsite[p - 1] < s;
				for (size_t q = c.sstart[s]; q < c.sstart[s + 1]; q++)
					found |= c.sdem[q] == i;
				ok &= found;
			}
		CHECK(ok);
		/* the pair limit is checked before the pairs are allocated */
		if (pairs > 1)
		{
			sc_cover	c2;

			CHECK(sc_cover_build(nd, dx, dy, w, ns, sx, sy, r, pairs - 1, &sc_malloc_allocator, &err, &c2) == SC_ELIMIT);
		}
		sc_cover_free(&c);
		free(dx), free(dy), free(w), free(sx), free(sy);
	}
}

static void
test_optimum(void)
{
	int			greedy_opt = 0,
				improved_opt = 0,
				cases = 0;
	double		bound_gap = 0;
	int			planned_opt = 0;

	for (int rep = 0; rep < 300; rep++)
	{
		size_t		nd = 5 + (size_t) (urand() * 80),
					ns = 2 + (size_t) (urand() * 14),
					kmax = 1 + (size_t) (urand() * (ns < 5 ? ns : 5));
		double		dx[90],
					dy[90],
					w[90],
					sx[16],
					sy[16],
					r = 50 + urand() * 250,
					gain[8],
					covered[8],
					bound[8];
		uint32_t	sites[8];
		sc_cover	c;
		sc_err		err;

		for (size_t i = 0; i < nd; i++)
		{
			dx[i] = urand() * 1000;
			dy[i] = urand() * 1000;
			w[i] = rep % 3 == 0 ? 1 : urand() * 5;
		}
		for (size_t s = 0; s < ns; s++)
		{
			sx[s] = urand() * 1000;
			sy[s] = urand() * 1000;
		}
		CHECK(sc_cover_build(nd, dx, dy, w, ns, sx, sy, r, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_OK);
		CHECK(sc_cover_greedy(&c, kmax, sites, gain, covered, bound, &err) == SC_OK);
		for (size_t k = 1; k <= kmax; k++)
		{
			double		opt = best_cover(nd, dx, dy, w, ns, sx, sy, k, r),
						g = covered[k - 1],
						b = bound[k - 1],
						f;
			uint32_t	set[8];
			double		gn[8];
			int			swaps;
			double		sum = 0;

			/* the greedy prefix covers what it says, with the gains it says */
			CHECK_NEAR(cover_of(nd, dx, dy, w, sx, sy, sites, k, r), g, 1e-12);
			for (size_t q = 0; q < k; q++)
				sum += gain[q];
			CHECK_NEAR(sum, g, 1e-12);
			CHECK(g <= opt + 1e-9 && b >= opt - 1e-9);
			/* greedy is within 1 - 1/e of the optimum (Nemhauser et al. 1978) */
			CHECK(g >= (1 - exp(-1.0)) * opt - 1e-9);
			memcpy(set, sites, k * sizeof(uint32_t));
			CHECK(sc_cover_improve(&c, k, set, gn, &f, &b, &swaps, &err) == SC_OK);
			CHECK(f >= g - 1e-9 && f <= opt + 1e-9 && b >= opt - 1e-9);
			CHECK(sc_cover_lagrangian(&c, k, f, 300, &b, NULL, NULL, &err) == SC_OK);
			CHECK(b >= opt - 1e-9);
			/* the whole plan: at least substitution's, within the bound */
			{
				uint32_t	set2[8];
				double		gn2[8],
							f2 = g,
							b2 = bound[k - 1];
				int			sw2;

				memcpy(set2, sites, k * sizeof(uint32_t));
				memcpy(gn2, gain, k * sizeof(double));
				CHECK(sc_cover_plan(&c, k, true, 300, set2, gn2, &f2, &b2, &sw2, &err) == SC_OK);
				CHECK(f2 >= f - 1e-9 && f2 <= opt + 1e-9 && b2 >= opt - 1e-9 && b2 >= f2);
				CHECK_NEAR(cover_of(nd, dx, dy, w, sx, sy, set2, k, r), f2, 1e-12);
				planned_opt += fabs(f2 - opt) <= 1e-9;
			}
			bound_gap += opt > 0 ? (b - opt) / opt : 0;
			CHECK_NEAR(cover_of(nd, dx, dy, w, sx, sy, set, k, r), f, 1e-12);
			/* distinct sites */
			for (size_t p = 0; p < k; p++)
				for (size_t q = p + 1; q < k; q++)
					CHECK(set[p] != set[q]);
			cases++;
			greedy_opt += fabs(g - opt) <= 1e-9;
			improved_opt += fabs(f - opt) <= 1e-9;
		}
		sc_cover_free(&c);
	}
	printf("patrol: %d cases, optimal: greedy %d, substitution %d, plan %d; Lagrangian bound above the optimum by %.2g on average\n",
		   cases, greedy_opt, improved_opt, planned_opt, bound_gap / cases);
	CHECK(planned_opt >= improved_opt);
	CHECK(improved_opt >= greedy_opt);
	/* substitution must do something on these instances */
	CHECK(improved_opt > greedy_opt);
}

/* a case greedy gets wrong and substitution fixes: the middle site is a trap */
static void
test_trap(void)
{
	/* demand at x = 0, 1 (weight 1 each) and 3, 4; sites at 0.5, 2, 3.5; radius 1.5 */
	double		dx[] = {0, 1, 3, 4},
				dy[] = {0, 0, 0, 0},
				w[] = {1, 1.1, 1.1, 1},
				sx[] = {0.5, 2, 3.5},
				sy[] = {0, 0, 0},
				gain[2],
				covered[2],
				bound[2],
				f;
	uint32_t	sites[2];
	int			swaps;
	sc_cover	c;
	sc_err		err;

	CHECK(sc_cover_build(4, dx, dy, w, 3, sx, sy, 1.5, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_OK);
	CHECK(sc_cover_greedy(&c, 2, sites, gain, covered, bound, &err) == SC_OK);
	/* greedy: the middle (1.1 + 1.1), then one end */
	CHECK(sites[0] == 1 && fabs(covered[1] - 3.2) < 1e-12);
	CHECK(sc_cover_improve(&c, 2, sites, gain, &f, &bound[1], &swaps, &err) == SC_OK);
	CHECK(fabs(f - 4.2) < 1e-12 && swaps >= 1 && bound[1] >= 4.2 - 1e-12);
	/* bad k */
	CHECK(sc_cover_greedy(&c, 4, sites, gain, covered, bound, &err) == SC_EINVAL);
	CHECK(sc_cover_greedy(&c, 0, sites, gain, covered, bound, &err) == SC_EINVAL);
	sc_cover_free(&c);
	/* bad values */
	w[2] = -1;
	CHECK(sc_cover_build(4, dx, dy, w, 3, sx, sy, 1.5, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_EINVAL);
	w[2] = NAN;
	CHECK(sc_cover_build(4, dx, dy, w, 3, sx, sy, 1.5, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_EINVAL);
	w[2] = 1;
	CHECK(sc_cover_build(4, dx, dy, w, 3, sx, sy, -1, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_EINVAL);
	sx[0] = INFINITY;
	CHECK(sc_cover_build(4, dx, dy, w, 3, sx, sy, 1.5, SIZE_MAX, &sc_malloc_allocator, &err, &c) == SC_EINVAL);
}

static void
test_nearest(void)
{
	for (int rep = 0; rep < 20; rep++)
	{
		size_t		nd = 1 + (size_t) (urand() * 400),
					np = (size_t) (urand() * 30);
		double	   *dx = malloc(nd * sizeof(double)),
				   *dy = malloc(nd * sizeof(double)),
				   *px = malloc((np + 1) * sizeof(double)),
				   *py = malloc((np + 1) * sizeof(double)),
				   *dist = malloc(nd * sizeof(double)),
					r = urand() * 400;
		int64_t    *post = malloc(nd * sizeof(int64_t));
		sc_err		err;
		bool		ok = true;

		for (size_t i = 0; i < nd; i++)
		{
			dx[i] = floor(urand() * 1000);
			dy[i] = floor(urand() * 1000);
		}
		for (size_t p = 0; p < np; p++)
		{
			px[p] = floor(urand() * 1000);
			py[p] = floor(urand() * 1000);
		}
		CHECK(sc_nearest_within(nd, dx, dy, np, px, py, r, post, dist, &sc_malloc_allocator, &err) == SC_OK);
		for (size_t i = 0; i < nd; i++)
		{
			int64_t		best = -1;
			double		bd = INFINITY;

			for (size_t p = 0; p < np; p++)
			{
				double		d = (dx[i] - px[p]) * (dx[i] - px[p]) + (dy[i] - py[p]) * (dy[i] - py[p]);

				if (d <= r * r && d < bd)
				{
					bd = d;
					best = (int64_t) p;
				}
			}
			ok &= post[i] == best && (best < 0 ? isnan(dist[i]) : dist[i] == sqrt(bd));
		}
		CHECK(ok);
		free(dx), free(dy), free(px), free(py), free(dist), free(post);
	}
}

/* every visit within the shift, dwell long, after the previous one and its travel */
static bool
plan_valid(const sc_visit *v, size_t k, const double *x, const double *y, double shift, double dwell,
		   double speed)
{
	bool		ok = true;

	for (size_t q = 0; q < k; q++)
	{
		ok &= v[q].arrive >= 0 && fabs(v[q].leave - v[q].arrive - dwell) < 1e-9 && v[q].leave <= shift + 1e-9;
		if (q > 0)
		{
			double		d = hypot(x[v[q].spot] - x[v[q - 1].spot], y[v[q].spot] - y[v[q - 1].spot]) / speed;

			ok &= fabs(v[q].travel - d) < 1e-9 && v[q].arrive >= v[q - 1].leave + d - 1e-9;
		}
		ok &= v[q].nth >= 1 && v[q].nth <= v[q].visits;
	}
	return ok;
}

static void
test_shift(void)
{
	double		x[] = {0, 1000, 50, 5000},
				y[] = {0, 0, 0, 0},
				w[] = {1, 3, 0.5, 0},
				second_half[120];
	sc_visit	v[64];
	size_t		k;
	sc_err		err;
	const sc_alloc *a = &sc_malloc_allocator;

	/* one spot, uniform: 4 visits of 15 minutes back to back at the quantiles' centres */
	CHECK(sc_shift_plan(1, x, y, w, 1, 60, 15, NULL, 1e9, 64, v, &k, a, &err) == SC_OK);
	CHECK(k == 4 && v[0].arrive == 0 && v[1].arrive == 15 && v[2].arrive == 30 && v[3].arrive == 45);
	CHECK(v[3].nth == 4 && v[3].visits == 4);
	/* the intensity all in the second hour: visits centred at its 1/6, 1/2, 5/6 */
	for (int t = 0; t < 120; t++)
		second_half[t] = t < 60 ? 0 : 1;
	CHECK(sc_shift_plan(1, x, y, w, 1, 120, 10, second_half, 1e9, 3, v, &k, a, &err) == SC_OK);
	CHECK(k == 3 && fabs(v[0].arrive - 65) < 1e-9 && fabs(v[1].arrive - 85) < 1e-9 && fabs(v[2].arrive - 105) < 1e-9);
	/* three spots by weight (the fourth, weight 0, is not among them), travel at 100 per minute */
	CHECK(sc_shift_plan(4, x, y, w, 3, 480, 15, NULL, 100, 64, v, &k, a, &err) == SC_OK);
	CHECK(k > 3 && plan_valid(v, k, x, y, 480, 15, 100));
	{
		size_t		per[4] = {0};

		for (size_t q = 0; q < k; q++)
			per[v[q].spot]++;
		/* the heaviest most often, every chosen spot at least once, the weight-0 spot never */
		CHECK(per[1] >= per[0] && per[0] >= per[2] && per[2] >= 1 && per[3] == 0);
		CHECK(per[0] + per[1] + per[2] == k);
	}
	/* more hot spots than room: the top ones only, still valid */
	CHECK(sc_shift_plan(4, x, y, w, 4, 30, 15, NULL, 100, 64, v, &k, a, &err) == SC_OK);
	CHECK(k >= 1 && k <= 2 && v[0].spot == 1 && plan_valid(v, k, x, y, 30, 15, 100));
	/* a far spot that cannot be reached in time is dropped rather than overrun */
	CHECK(sc_shift_plan(4, x, y, (double[]) {1, 1, 1, 10}, 2, 31, 15, NULL, 1, 64, v, &k, a, &err) == SC_OK);
	CHECK(k == 1 && v[0].spot == 3 && plan_valid(v, k, x, y, 31, 15, 1));
	/* bad input */
	CHECK(sc_shift_plan(4, x, y, w, 3, 0, 15, NULL, 100, 64, v, &k, a, &err) == SC_EINVAL);
	CHECK(sc_shift_plan(4, x, y, w, 3, 60, 0, NULL, 100, 64, v, &k, a, &err) == SC_EINVAL);
	CHECK(sc_shift_plan(4, x, y, w, 3, 60, 15, NULL, 0, 64, v, &k, a, &err) == SC_EINVAL);
	CHECK(sc_shift_plan(4, x, y, w, 0, 60, 15, NULL, 100, 64, v, &k, a, &err) == SC_EINVAL);
	second_half[5] = -1;
	CHECK(sc_shift_plan(4, x, y, w, 3, 60, 15, second_half, 100, 64, v, &k, a, &err) == SC_EINVAL);
}

int
main(void)
{
	test_shift();
	test_cover_lists();
	test_optimum();
	test_trap();
	test_nearest();
	TEST_DONE("patrol");
}
