/*
 * test_nni.c — k-nearest-neighbour distances against brute force, convex
 * hull and minimum-rectangle areas against independent constructions, the
 * Average Nearest Neighbour index by hand and by brute force, invalid input
 * and allocation failure.
 */
#include "sc_test.h"
#include "sc_nni.h"

#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0xdeadbeefcafef00dULL
#include "sc_test_util.h"

/* sorted distances from i to every other point */
static void
brute_dists(size_t n, const double *x, const double *y, size_t i, double *d)
{
	size_t		m = 0;

	for (size_t j = 0; j < n; j++)
		if (j != i)
			d[m++] = sqrt((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]));
	qsort(d, m, sizeof(double), dcmp);
}

static void
test_knn_brute(void)
{
	enum
	{
		N = 700
	};
	double	   *x = malloc(N * sizeof(double)),
			   *y = malloc(N * sizeof(double)),
			   *d = malloc(N * sizeof(double)),
			   *got = malloc(N * 7 * sizeof(double));
	sc_err		err = {{0}};
	size_t		ks[] = {1, 2, 5, 7};
	int			bad = 0;

	for (int i = 0; i < N; i++)
	{
		/* clusters, a line, duplicates */
		if (i < 300)
		{
			x[i] = 1000 * urand();
			y[i] = 1000 * urand();
		}
		else if (i < 500)
		{
			x[i] = 400 + 5 * urand();
			y[i] = 400 + 5 * urand();
		}
		else if (i < 600)
		{
			x[i] = 2000 + i;
			y[i] = 7;
		}
		else
		{
			x[i] = x[i - 100 - (i % 7)];
			y[i] = y[i - 100 - (i % 7)];
		}
	}
	for (int t = 0; t < 4; t++)
	{
		size_t		k = ks[t];

		CHECK(sc_knn_distances(N, x, y, k, got, NULL, &sc_malloc_allocator, &err) == SC_OK);
		for (int i = 0; i < N; i++)
		{
			brute_dists(N, x, y, i, d);
			if (got[i] != d[k - 1])
				bad++;
		}
	}
	CHECK(bad == 0);
	CHECK(sc_knn_all_distances(N, x, y, 7, got, NULL, &sc_malloc_allocator, &err) == SC_OK);
	bad = 0;
	for (int i = 0; i < N; i++)
	{
		brute_dists(N, x, y, i, d);
		for (int m = 0; m < 7; m++)
			if (got[i * 7 + m] != d[m])
				bad++;
	}
	CHECK(bad == 0);
	/* coincident points are at distance 0 */
	{
		double		px[3] = {0, 0, 5},
					py[3] = {0, 0, 5},
					nn[3];

		CHECK(sc_knn_distances(3, px, py, 1, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(nn[0] == 0 && nn[1] == 0);
		CHECK_NEAR(nn[2], sqrt(50.0), 1e-15);
		CHECK(sc_knn_distances(3, px, py, 2, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(nn[0], sqrt(50.0), 1e-15);
		CHECK_NEAR(nn[2], sqrt(50.0), 1e-15);
	}
	/* invalid */
	CHECK(sc_knn_distances(N, x, y, 0, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_knn_distances(3, x, y, 3, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_knn_distances(1, x, y, 1, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	x[5] = NAN;
	CHECK(sc_knn_distances(N, x, y, 1, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	free(x);
	free(y);
	free(d);
	free(got);
}

/* Jarvis march (gift wrapping): an independent hull, O(n·h) */
static double
brute_hull_area(size_t n, const double *x, const double *y, double *hx, double *hy, size_t *h)
{
	size_t		start = 0,
				cur,
				m = 0;
	double		a = 0;

	for (size_t i = 1; i < n; i++)
		if (x[i] < x[start] || (x[i] == x[start] && y[i] < y[start]))
			start = i;
	cur = start;
	do
	{
		size_t		next = cur == 0 ? 1 : 0;

		hx[m] = x[cur];
		hy[m] = y[cur];
		m++;
		for (size_t i = 0; i < n; i++)
		{
			double		c = (x[next] - x[cur]) * (y[i] - y[cur]) - (y[next] - y[cur]) * (x[i] - x[cur]);
			double		dn = hypot(x[next] - x[cur], y[next] - y[cur]),
						di = hypot(x[i] - x[cur], y[i] - y[cur]);

			/* most clockwise; on ties the farthest */
			if (c < 0 || (c == 0 && di > dn))
				next = i;
		}
		cur = next;
	} while (cur != start && m < n + 1);
	/* shoelace about the first vertex: no cancellation at UTM magnitudes */
	for (size_t i = 0; i < m; i++)
		a += (hx[i] - hx[0]) * (hy[(i + 1) % m] - hy[0]) - (hx[(i + 1) % m] - hx[0]) * (hy[i] - hy[0]);
	*h = m;
	return fabs(a) / 2;
}

/* every hull edge as a rectangle side, all vertices projected: O(h²) */
static double
brute_min_rect(size_t h, const double *hx, const double *hy)
{
	double		best = INFINITY;

	for (size_t i = 0; i < h; i++)
	{
		size_t		j = (i + 1) % h;
		double		len = hypot(hx[j] - hx[i], hy[j] - hy[i]),
					ux = (hx[j] - hx[i]) / len,
					uy = (hy[j] - hy[i]) / len,
					amin = INFINITY,
					amax = -INFINITY,
					bmin = INFINITY,
					bmax = -INFINITY;

		for (size_t k = 0; k < h; k++)
		{
			double		a = (hx[k] - hx[i]) * ux + (hy[k] - hy[i]) * uy,
						b = -(hx[k] - hx[i]) * uy + (hy[k] - hy[i]) * ux;

			amin = fmin(amin, a);
			amax = fmax(amax, a);
			bmin = fmin(bmin, b);
			bmax = fmax(bmax, b);
		}
		best = fmin(best, (amax - amin) * (bmax - bmin));
	}
	return best;
}

static void
test_areas(void)
{
	sc_err		err = {{0}};
	double		a = 0;

	/* hand: a unit square with interior and edge points */
	{
		double		x[] = {0, 1, 1, 0, 0.5, 0.5, 0, 1},
					y[] = {0, 0, 1, 1, 0.5, 0, 0.3, 1};

		CHECK(sc_convex_hull_area(8, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(a, 1.0, 1e-15);
		CHECK(sc_min_rectangle_area(8, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(a, 1.0, 1e-15);
	}
	/* hand: a triangle (0,0) (4,0) (0,3): hull 6, best rectangle 12 */
	{
		double		x[] = {0, 4, 0, 1},
					y[] = {0, 0, 3, 1};

		CHECK(sc_convex_hull_area(4, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(a, 6.0, 1e-15);
		CHECK(sc_min_rectangle_area(4, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(a, 12.0, 1e-14);
	}
	/* hand: a square rotated 45° with side √2: area 2 either way */
	{
		double		x[] = {1, 2, 1, 0},
					y[] = {0, 1, 2, 1};

		CHECK(sc_min_rectangle_area(4, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(a, 2.0, 1e-14);
	}
	/* random sets vs gift wrapping and the O(h²) rectangle */
	for (int rep = 0; rep < 30; rep++)
	{
		size_t		n = 3 + rep * 37,
					h;
		double	   *x = malloc(n * sizeof(double)),
				   *y = malloc(n * sizeof(double)),
				   *hx = malloc((n + 1) * sizeof(double)),
				   *hy = malloc((n + 1) * sizeof(double)),
					ref;

		for (size_t i = 0; i < n; i++)
		{
			double		r = rep % 3 == 0 ? 100 : 100 * sqrt(urand()),
						t = 2 * 3.14159265358979 * urand();

			/* discs (many hull vertices when rep % 3 == 0: a circle) and skewed blobs */
			x[i] = 500000 + r * cos(t) * (rep % 2 ? 3 : 1);
			y[i] = 4000000 + r * sin(t) + (rep % 5) * x[i] * 1e-3;
		}
		ref = brute_hull_area(n, x, y, hx, hy, &h);
		CHECK(sc_convex_hull_area(n, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(fabs(a - ref) <= 1e-9 * ref);
		ref = brute_min_rect(h, hx, hy);
		CHECK(sc_min_rectangle_area(n, x, y, &a, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(fabs(a - ref) <= 1e-9 * ref);
		free(x);
		free(y);
		free(hx);
		free(hy);
	}
	/* degenerate */
	{
		double		x[] = {0, 1, 2, 3},
					y[] = {0, 2, 4, 6},
					z[] = {5, 5, 5, 5};

		CHECK(sc_convex_hull_area(4, x, y, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_min_rectangle_area(4, x, y, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_convex_hull_area(4, z, z, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_convex_hull_area(2, x, y, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
	}
}

/*
 * By hand: the corners of a unit square.  Every NN distance is 1, so
 * observed = 1; hull area 1; expected = 0.5/sqrt(4/1) = 0.25; ratio 4;
 * SE = 0.26136/sqrt(16/1) = 0.06534; z = 0.75/0.06534 = 11.47842...
 * With A = 100: expected = 0.5/sqrt(0.04) = 2.5, ratio 0.4,
 * SE = 0.26136/sqrt(0.16) = 0.6534, z = −1.5/0.6534 = −2.29568...
 */
static void
test_nni_hand(void)
{
	double		x[] = {0, 1, 0, 1},
				y[] = {0, 0, 1, 1},
				nn[4];
	sc_nni_result r;
	sc_err		err = {{0}};

	CHECK(sc_nni(4, x, y, 0, &r, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.n == 4);
	CHECK_NEAR(r.area, 1, 1e-15);
	CHECK_NEAR(r.observed, 1, 1e-15);
	CHECK_NEAR(r.expected, 0.25, 1e-15);
	CHECK_NEAR(r.ratio, 4, 1e-15);
	CHECK_NEAR(r.se, 0.06534, 1e-15);
	CHECK_NEAR(r.z, 0.75 / 0.06534, 1e-13);
	CHECK(r.p < 1e-29);
	CHECK(nn[0] == 1 && nn[3] == 1);

	CHECK(sc_nni(4, x, y, 100, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK_NEAR(r.expected, 2.5, 1e-15);
	CHECK_NEAR(r.ratio, 0.4, 1e-15);
	CHECK_NEAR(r.se, 0.6534, 1e-15);
	CHECK_NEAR(r.z, -1.5 / 0.6534, 1e-14);
	CHECK_NEAR(r.p, erfc(1.5 / 0.6534 / sqrt(2.0)), 1e-15);

	/* two points need an explicit area (their hull is a segment) */
	CHECK(sc_nni(2, x, y, 0, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_nni(2, x, y, 4, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK_NEAR(r.observed, 1, 1e-15);
	CHECK(sc_nni(1, x, y, 4, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_nni(0, x, y, 4, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_nni(4, x, y, INFINITY, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	/* collinear: the default area fails */
	{
		double		lx[] = {0, 1, 2, 3},
					ly[] = {1, 1, 1, 1};

		CHECK(sc_nni(4, lx, ly, 0, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(strstr(err.msg, "collinear") != NULL);
	}
}

static void
test_nni_brute(void)
{
	enum
	{
		N = 900
	};
	double		x[N],
				y[N],
				d[N],
				hx[N + 1],
				hy[N + 1],
				nn[N],
				sum = 0,
				A;
	size_t		h;
	sc_nni_result r;
	sc_err		err = {{0}};

	for (int i = 0; i < N; i++)
	{
		x[i] = 600000 + 5000 * urand();
		y[i] = 4500000 + 3000 * urand() * urand();
	}
	x[7] = x[8];
	y[7] = y[8];
	for (int i = 0; i < N; i++)
	{
		brute_dists(N, x, y, i, d);
		sum += d[0];
	}
	A = brute_hull_area(N, x, y, hx, hy, &h);
	CHECK(sc_nni(N, x, y, 0, &r, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(nn[7] == 0 && nn[8] == 0);
	CHECK(fabs(r.area - A) <= 1e-9 * A);
	CHECK_NEAR(r.observed / (sum / N), 1, 1e-12);
	CHECK_NEAR(r.expected, 0.5 / sqrt(N / r.area), 1e-12);
	CHECK_NEAR(r.ratio, (sum / N) / (0.5 / sqrt(N / A)), 1e-9);
	CHECK_NEAR(r.z, (sum / N - 0.5 / sqrt(N / A)) / (0.26136 / sqrt((double) N * N / A)), 1e-8);
	CHECK(r.p >= 0 && r.p <= 1);
	/* ArcGIS's default area: the minimum enclosing rectangle */
	{
		double		mbr;

		CHECK(sc_min_rectangle_area(N, x, y, &mbr, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(fabs(mbr - brute_min_rect(h, hx, hy)) <= 1e-9 * mbr);
		CHECK(sc_nni(N, x, y, mbr, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(r.area == mbr);
	}
}

/* large and heavily coincident input: must stay O(n log n) */
static void
test_large(void)
{
	enum
	{
		N = 200000
	};
	double	   *x = malloc(N * sizeof(double)),
			   *y = malloc(N * sizeof(double)),
			   *nn = malloc(N * sizeof(double)),
			   *d = malloc(N * sizeof(double));
	sc_nni_result r;
	sc_err		err = {{0}};
	int			bad = 0;

	for (int i = 0; i < N; i++)
	{
		if (i % 2)
		{
			x[i] = 1000;		/* half the events at one address */
			y[i] = 2000;
		}
		else
		{
			x[i] = 10000 * urand();
			y[i] = 10000 * urand();
		}
	}
	CHECK(sc_nni(N, x, y, 0, &r, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (int s = 0; s < 100; s++)
	{
		int			i = (int) (urand() * N);
		double		best = INFINITY;

		for (int j = 0; j < N; j++)
			if (j != i)
				best = fmin(best, sqrt((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j])));
		if (nn[i] != best)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(r.ratio < 1);
	CHECK(sc_knn_distances(N, x, y, 30, d, NULL, &sc_malloc_allocator, &err) == SC_OK);
	free(x);
	free(y);
	free(nn);
	free(d);
}

static void
test_enomem(void)
{
	enum
	{
		N = 300
	};
	double		x[N],
				y[N],
				nn[N];
	fail_ctx	ctx;
	sc_alloc	fa = fail_alloc(&ctx, -1);
	int			failures = 0;

	for (int i = 0; i < N; i++)
	{
		x[i] = urand();
		y[i] = urand();
	}
	{
		sc_err		err = {{0}};
		sc_nni_result r;
		double		a;

		ENOMEM_SWEEP(ctx, 100, failures, sc_nni(N, x, y, 0, &r, NULL, NULL, &fa, &err));
		CHECK(failures >= 4);
		ENOMEM_SWEEP(ctx, 100, failures, sc_min_rectangle_area(N, x, y, &a, &fa, &err));
		CHECK(failures >= 2);
	}
	interrupts = 0;
	{
		sc_err		err = {{0}};
		double	   *bx = malloc(20000 * sizeof(double)),
				   *by = malloc(20000 * sizeof(double)),
				   *bd = malloc(20000 * sizeof(double));

		for (int i = 0; i < 20000; i++)
		{
			bx[i] = urand();
			by[i] = urand();
		}
		CHECK(sc_knn_distances(20000, bx, by, 3, bd, count_interrupt, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(interrupts == 20000 / 4096);
		free(bx);
		free(by);
		free(bd);
	}
	(void) nn;
}

/*
 * Coordinates near 1e300 and 1e-300: distances and areas as at unit scale
 * (their squares would overflow or vanish), or SC_ERANGE when the answer
 * itself leaves double precision.
 */
static void
test_extremes(void)
{
	double		x[] = {0, 1, 0, 1, 0.5},
				y[] = {0, 0, 1, 1, 0.4},
				bx[5],
				by[5],
				nn[5],
				a = 0;
	sc_nni_result r,
				u;
	sc_err		err = {{0}};
	int			wrong = 0;

	CHECK(sc_nni(5, x, y, 0, &u, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	/* scaled by 2^990 (~1e298): every result scales exactly */
	for (int k = 0; k < 5; k++)
	{
		bx[k] = ldexp(x[k], 990);
		by[k] = ldexp(y[k], 990);
	}
	CHECK(sc_nni(5, bx, by, 0, &r, nn, NULL, &sc_malloc_allocator, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "outside the range of double precision") != NULL);
	CHECK(sc_knn_distances(5, bx, by, 1, nn, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(isfinite(nn[0]) && isfinite(nn[4]));
	CHECK_NEAR(nn[0] / ldexp(1, 990), sqrt(0.41), 1e-15);
	CHECK_NEAR(nn[4] / ldexp(1, 990), sqrt(0.41), 1e-15);
	/* an explicit area (the hull's of the points at 1e300 is ~1e596) */
	CHECK(sc_nni(5, bx, by, 1e300, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(isfinite(r.observed));
	CHECK_NEAR(r.observed / ldexp(1, 990), u.observed, 1e-15);
	CHECK(isfinite(r.ratio) && isfinite(r.z) && r.p == 0);
	/* the same at 1e150 (hull area 1e300): the unit-scale answer */
	for (int k = 0; k < 5; k++)
	{
		bx[k] = ldexp(x[k], 500);
		by[k] = ldexp(y[k], 500);
	}
	CHECK(sc_nni(5, bx, by, 0, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.area == ldexp(u.area, 1000));
	wrong += r.ratio != u.ratio || r.z != u.z || r.p != u.p;
	/* and at 1e-150 (hull area 1e-300): no "collinear" for an area that underflowed */
	for (int k = 0; k < 5; k++)
	{
		bx[k] = ldexp(x[k], -500);
		by[k] = ldexp(y[k], -500);
	}
	CHECK(sc_convex_hull_area(5, bx, by, &a, &sc_malloc_allocator, &err) == SC_OK && a == ldexp(u.area, -1000));
	CHECK(sc_min_rectangle_area(5, bx, by, &a, &sc_malloc_allocator, &err) == SC_OK && a > 0);
	CHECK(sc_nni(5, bx, by, 0, &r, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	wrong += r.ratio != u.ratio || r.z != u.z || r.p != u.p;
	CHECK(wrong == 0);
	/* at 1e-300 the hull's area (~1e-600) is below double's range: said so */
	for (int k = 0; k < 5; k++)
	{
		bx[k] = x[k] * 1e-300;
		by[k] = y[k] * 1e-300;
	}
	CHECK(sc_convex_hull_area(5, bx, by, &a, &sc_malloc_allocator, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "outside the range of double precision") != NULL);
	/* points ±1.7e308 apart: their distance itself is beyond a double */
	bx[0] = -1.7e308;
	bx[1] = 1.7e308;
	by[0] = by[1] = 0;
	CHECK(sc_knn_distances(2, bx, by, 1, nn, NULL, &sc_malloc_allocator, &err) == SC_ERANGE);
}

int
main(void)
{
	test_knn_brute();
	test_areas();
	test_nni_hand();
	test_nni_brute();
	test_large();
	test_enomem();
	test_extremes();
	TEST_DONE("nni");
}
