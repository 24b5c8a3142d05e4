/*
 * test_kde.c — kernels, exact grid KDE against a brute-force evaluation,
 * kernel mass, the ArcGIS default bandwidth, limits and allocation failure.
 */
#include "sc_test.h"
#include "sc_kde.h"
#include "sc_units.h"

#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0x9e3779b97f4a7c15ULL
#include "sc_test_util.h"

#define PI 3.14159265358979323846

/* the kernels written out independently of the library */
static double
ref_kernel(sc_kernel k, double u)
{
	switch (k)
	{
		case SC_KERNEL_QUARTIC:
			return u < 1 ? 3.0 / PI * (1 - u * u) * (1 - u * u) : 0.0;
		case SC_KERNEL_EPANECHNIKOV:
			return u < 1 ? 2.0 / PI * (1 - u * u) : 0.0;
		case SC_KERNEL_TRIANGULAR:
			return u < 1 ? 3.0 / PI * (1 - u) : 0.0;
		case SC_KERNEL_UNIFORM:
			return u < 1 ? 1.0 / PI : 0.0;
		case SC_KERNEL_GAUSSIAN:
			return u < 3 ? exp(-u * u / 2) / (2 * PI) : 0.0;
	}
	return -1;
}

static double
ref_support(sc_kernel k)
{
	return k == SC_KERNEL_GAUSSIAN ? 3.0 : 1.0;
}

static void
test_parse(void)
{
	sc_kernel	k = SC_KERNEL_UNIFORM;
	sc_err		err = {{0}};

	CHECK(sc_kernel_parse("quartic", &k, &err) == SC_OK && k == SC_KERNEL_QUARTIC);
	CHECK(sc_kernel_parse("QuArTiC", &k, &err) == SC_OK && k == SC_KERNEL_QUARTIC);
	CHECK(sc_kernel_parse("biweight", &k, &err) == SC_OK && k == SC_KERNEL_QUARTIC);
	CHECK(sc_kernel_parse("Epanechnikov", &k, &err) == SC_OK && k == SC_KERNEL_EPANECHNIKOV);
	CHECK(sc_kernel_parse("TRIANGULAR", &k, &err) == SC_OK && k == SC_KERNEL_TRIANGULAR);
	CHECK(sc_kernel_parse("uniform", &k, &err) == SC_OK && k == SC_KERNEL_UNIFORM);
	CHECK(sc_kernel_parse("gaussian", &k, &err) == SC_OK && k == SC_KERNEL_GAUSSIAN);
	CHECK(sc_kernel_parse("Normal", &k, &err) == SC_OK && k == SC_KERNEL_GAUSSIAN);
	k = SC_KERNEL_UNIFORM;
	CHECK(sc_kernel_parse("cosine", &k, &err) == SC_EINVAL);
	CHECK(k == SC_KERNEL_UNIFORM);
	CHECK(strstr(err.msg, "cosine") != NULL);
	CHECK(strstr(err.msg, "quartic") && strstr(err.msg, "epanechnikov") &&
		  strstr(err.msg, "triangular") && strstr(err.msg, "uniform") &&
		  strstr(err.msg, "gaussian"));
	CHECK(sc_kernel_parse("quartic2", &k, &err) == SC_EINVAL);
	CHECK(sc_kernel_parse("", &k, &err) == SC_EINVAL);
	CHECK(sc_kernel_parse(NULL, &k, &err) == SC_EINVAL);
	CHECK(strcmp(sc_kernel_name(SC_KERNEL_EPANECHNIKOV), "epanechnikov") == 0);
	CHECK(SC_KERNEL_DEFAULT == SC_KERNEL_QUARTIC);
}

static void
test_values(void)
{
	/* hand values: quartic 3/π(1-u²)², epanechnikov 2/π(1-u²), ... */
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_QUARTIC, 0), 3 / PI, 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_QUARTIC, 0.5), 3 / PI * 0.5625, 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_EPANECHNIKOV, 0.5), 2 / PI * 0.75, 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_TRIANGULAR, 0.25), 3 / PI * 0.75, 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_UNIFORM, 0.99), 1 / PI, 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_GAUSSIAN, 1), exp(-0.5) / (2 * PI), 1e-15);
	CHECK_NEAR(sc_kernel_value(SC_KERNEL_GAUSSIAN, 2.999), exp(-2.999 * 2.999 / 2) / (2 * PI), 1e-15);
	CHECK(sc_kernel_value(SC_KERNEL_QUARTIC, 1.0) == 0);
	CHECK(sc_kernel_value(SC_KERNEL_UNIFORM, 1.0) == 0);
	CHECK(sc_kernel_value(SC_KERNEL_TRIANGULAR, 1.5) == 0);
	CHECK(sc_kernel_value(SC_KERNEL_GAUSSIAN, 3.0) == 0);
	CHECK(sc_kernel_value(SC_KERNEL_GAUSSIAN, 1.5) > 0);
	CHECK(sc_kernel_value(SC_KERNEL_EPANECHNIKOV, -0.5) == sc_kernel_value(SC_KERNEL_EPANECHNIKOV, 0.5));
	CHECK(isnan(sc_kernel_value(SC_KERNEL_QUARTIC, NAN)));
	CHECK(sc_kernel_support(SC_KERNEL_QUARTIC) == 1 && sc_kernel_support(SC_KERNEL_UNIFORM) == 1 &&
		  sc_kernel_support(SC_KERNEL_EPANECHNIKOV) == 1 && sc_kernel_support(SC_KERNEL_TRIANGULAR) == 1);
	CHECK(sc_kernel_support(SC_KERNEL_GAUSSIAN) == 3);
	for (int k = 0; k <= SC_KERNEL_GAUSSIAN; k++)
		for (double u = 0; u < 3.5; u += 0.0625)
			CHECK_NEAR(sc_kernel_value((sc_kernel) k, u), ref_kernel((sc_kernel) k, u), 1e-15);
}

/* Σ of all cell values, through the public listing */
static double
grid_sum(const sc_grid *g)
{
	sc_cell    *cells = NULL;
	sc_err		err = {{0}};
	double		sum = 0.0;

	if (sc_grid_sorted(g, &cells, &err) != SC_OK)
		return NAN;
	for (size_t c = 0; c < g->count; c++)
		sum += cells[c].value;
	g->alloc.free(g->alloc.ctx, cells);
	return sum;
}

/* Σ value · cell area over one event's cells ≈ ∫∫K = 1 (gaussian: 1-e^-4.5) */
static void
test_mass(void)
{
	for (int kind = 0; kind < 2; kind++)
		for (int k = 0; k <= SC_KERNEL_GAUSSIAN; k++)
		{
			sc_grid		g;
			sc_err		err = {{0}};
			double		h = k == SC_KERNEL_GAUSSIAN ? 4.0 : 10.0,
						s = 0.1,
						area = kind == SC_GRID_SQUARE ? s * s : 1.5 * sqrt(3.0) * s * s,
						sum = 0.0,
						expect = k == SC_KERNEL_GAUSSIAN ? 1 - exp(-4.5) : 1.0,
						tol = (k == SC_KERNEL_UNIFORM || k == SC_KERNEL_TRIANGULAR) ? 2e-3 :
							k == SC_KERNEL_GAUSSIAN ? 1e-4 : 1e-5;

			sc_grid_init(&g, (sc_grid_kind) kind, 0, s, 0, &sc_malloc_allocator);
			CHECK(sc_kde_add_point(&g, 0.37, -0.71, 1.0, h, (sc_kernel) k, &err) == SC_OK);
			sum = grid_sum(&g);
			CHECK_NEAR(sum * area, expect, tol);
			/* weight scales the mass */
			sc_grid_free(&g);
			sc_grid_init(&g, (sc_grid_kind) kind, 0, s, 0, &sc_malloc_allocator);
			sum = 0;
			CHECK(sc_kde_add_point(&g, 0.37, -0.71, 2.5, h, (sc_kernel) k, &err) == SC_OK);
			sum = grid_sum(&g);
			CHECK_NEAR(sum * area / 2.5, expect, tol);
			sc_grid_free(&g);
		}
}

/*
 * Brute force: every cell of a generous index box, every event, the kernel
 * written out above; a cell must exist iff some event is strictly within
 * support·h of its centre, with the same value to 1e-12 relative.
 */
static void
brute_compare(sc_grid_kind kind, double s, double h, sc_kernel k, size_t n,
			  const double *x, const double *y, const double *w)
{
	sc_grid		g;
	sc_err		err = {{0}};
	double		R = ref_support(k) * h,
				minx = INFINITY,
				maxx = -INFINITY,
				miny = INFINITY,
				maxy = -INFINITY,
				px = kind == SC_GRID_SQUARE ? s : 1.5 * s,
				py = kind == SC_GRID_SQUARE ? s : sqrt(3.0) * s;
	size_t		expected_cells = 0,
				bad_value = 0,
				bad_presence = 0;
	int			i0,
				i1,
				j0,
				j1;

	sc_grid_init(&g, kind, 0, s, 0, &sc_malloc_allocator);
	CHECK(sc_kde_add_points(&g, n, x, y, w, h, k, NULL, NULL, &err) == SC_OK);
	for (size_t e = 0; e < n; e++)
	{
		minx = fmin(minx, x[e]);
		maxx = fmax(maxx, x[e]);
		miny = fmin(miny, y[e]);
		maxy = fmax(maxy, y[e]);
	}
	i0 = (int) floor((minx - R) / px) - 3;
	i1 = (int) ceil((maxx + R) / px) + 3;
	j0 = (int) floor((miny - R) / py) - 3;
	j1 = (int) ceil((maxy + R) / py) + 3;
	for (int i = i0; i <= i1; i++)
		for (int j = j0; j <= j1; j++)
		{
			double		cx,
						cy,
						sum = 0.0,
						got;
			bool		any = false;

			sc_grid_cell_center(kind, s, i, j, &cx, &cy);
			for (size_t e = 0; e < n; e++)
			{
				double		d = sqrt((x[e] - cx) * (x[e] - cx) + (y[e] - cy) * (y[e] - cy));

				if (d < R)
				{
					any = true;
					sum += (w ? w[e] : 1.0) * ref_kernel(k, d / h) / (h * h);
				}
			}
			if (any)
			{
				expected_cells++;
				if (!sc_grid_get(&g, i, j, &got))
					bad_presence++;
				else if (!(fabs(got - sum) <= 1e-12 * fabs(sum) + 1e-300))
				{
					if (bad_value < 3)
						fprintf(stderr, "cell (%d,%d): %.17g vs %.17g\n", i, j, got, sum);
					bad_value++;
				}
			}
			else if (sc_grid_get(&g, i, j, &got))
				bad_presence++;
		}
	CHECK(bad_presence == 0);
	CHECK(bad_value == 0);
	CHECK(g.count == expected_cells);
	sc_grid_free(&g);
}

static void
test_brute(void)
{
	enum
	{
		N = 150
	};
	double		x[N],
				y[N],
				w[N];

	for (int e = 0; e < N; e++)
	{
		/* clusters, a few coincident events, one far from the rest */
		x[e] = e < 100 ? 20 + 30 * urand() : 60 + 5 * urand();
		y[e] = e < 100 ? -10 + 25 * urand() : 40 + 5 * urand();
		w[e] = 0.5 + 1.5 * urand();
	}
	x[10] = x[11] = x[12];
	y[10] = y[11] = y[12];
	x[N - 1] = 150;
	y[N - 1] = -80;
	/* events exactly on cell centres and edges */
	x[20] = 25.0;
	y[20] = 5.0;
	x[21] = 2.0 * 13;
	y[21] = 2.0 * 4;

	for (int k = 0; k <= SC_KERNEL_GAUSSIAN; k++)
	{
		brute_compare(SC_GRID_SQUARE, 2.0, 7.3, (sc_kernel) k, N, x, y, w);
		brute_compare(SC_GRID_HEX, 1.7, 7.3, (sc_kernel) k, N, x, y, w);
		brute_compare(SC_GRID_SQUARE, 5.0, 2.1, (sc_kernel) k, N, x, y, NULL);
		brute_compare(SC_GRID_HEX, 3.0, 2.1, (sc_kernel) k, N, x, y, NULL);
	}
	/* bandwidth exactly a multiple of the cell size: centres on the circle */
	brute_compare(SC_GRID_SQUARE, 1.0, 3.0, SC_KERNEL_UNIFORM, 3,
				  (double[]) {0.5, 10.5, -4.5}, (double[]) {0.5, 3.5, 7.5}, NULL);
	brute_compare(SC_GRID_HEX, 1.0, 3.0, SC_KERNEL_UNIFORM, 2,
				  (double[]) {0.0, 4.5}, (double[]) {0.0, 0.8660254037844386}, NULL);

	/* add_point one by one = add_points (up to summation order) */
	{
		sc_grid		a,
					b;
		sc_err		err = {{0}};
		bool		same = true;

		sc_grid_init(&a, SC_GRID_HEX, 0, 1.7, 0, &sc_malloc_allocator);
		sc_grid_init(&b, SC_GRID_HEX, 0, 1.7, 0, &sc_malloc_allocator);
		CHECK(sc_kde_add_points(&a, N, x, y, w, 5.5, SC_KERNEL_QUARTIC, NULL, NULL, &err) == SC_OK);
		for (int e = 0; e < N; e++)
			CHECK(sc_kde_add_point(&b, x[e], y[e], w[e], 5.5, SC_KERNEL_QUARTIC, &err) == SC_OK);
		CHECK(a.count == b.count);
		{
			sc_cell    *ca = NULL,
					   *cb = NULL;

			CHECK(sc_grid_sorted(&a, &ca, &err) == SC_OK);
			CHECK(sc_grid_sorted(&b, &cb, &err) == SC_OK);
			for (size_t c = 0; ca && cb && c < a.count && c < b.count; c++)
				if (ca[c].i != cb[c].i || ca[c].j != cb[c].j ||
					fabs(ca[c].value - cb[c].value) > 1e-13 * fabs(cb[c].value))
					same = false;
			free(ca);
			free(cb);
		}
		CHECK(same);
		sc_grid_free(&a);
		sc_grid_free(&b);
	}
}

/*
 * The accumulator's tile path against the direct per-event path: many
 * events, events spanning many tiles, all kernels on both grids.
 */
static void
compare_paths(sc_grid_kind kind, double s, double h, sc_kernel k, size_t n,
			  const double *x, const double *y, const double *w)
{
	sc_grid		a,
				b;
	sc_err		err = {{0}};
	sc_cell    *ca = NULL,
			   *cb = NULL;
	size_t		bad = 0;

	sc_grid_init(&a, kind, 0, s, 0, &sc_malloc_allocator);
	sc_grid_init(&b, kind, 0, s, 0, &sc_malloc_allocator);
	CHECK(sc_kde_add_points(&a, n, x, y, w, h, k, NULL, NULL, &err) == SC_OK);
	for (size_t e = 0; e < n; e++)
		if (sc_kde_add_point(&b, x[e], y[e], w ? w[e] : 1.0, h, k, &err) != SC_OK)
			bad++;
	CHECK(bad == 0);
	CHECK(a.count == b.count);
	CHECK(sc_grid_sorted(&a, &ca, &err) == SC_OK);
	CHECK(sc_grid_sorted(&b, &cb, &err) == SC_OK);
	for (size_t c = 0; ca && cb && c < a.count && c < b.count; c++)
		if (ca[c].i != cb[c].i || ca[c].j != cb[c].j ||
			!(fabs(ca[c].value - cb[c].value) <= 1e-12 * fabs(cb[c].value)))
			bad++;
	CHECK(bad == 0);
	free(ca);
	free(cb);
	sc_grid_free(&a);
	sc_grid_free(&b);
}

static void
test_paths(void)
{
	enum
	{
		N = 40000
	};
	double	   *x = malloc(N * sizeof(double)),
			   *y = malloc(N * sizeof(double)),
			   *w = malloc(N * sizeof(double));

	for (int e = 0; e < N; e++)
	{
		x[e] = e % 3 ? 5000 * urand() : 2000 + 300 * urand();
		y[e] = e % 3 ? 4000 * urand() : 1000 + 300 * urand();
		w[e] = urand() < 0.05 ? 0.0 : 1 + urand();
	}
	compare_paths(SC_GRID_SQUARE, 10, 25, SC_KERNEL_QUARTIC, N, x, y, w);
	compare_paths(SC_GRID_HEX, 10, 8, SC_KERNEL_GAUSSIAN, N, x, y, NULL);
	/* events spanning many tiles: index boxes of about 283 cells (SC_KDE_TILE = 64) */
	for (int k = 0; k <= SC_KERNEL_GAUSSIAN; k++)
	{
		double		f = k == SC_KERNEL_GAUSSIAN ? 3 : 1;

		/* square: 2·140 + 3 columns; hex: 2·200/1.5 + 3 columns */
		compare_paths(SC_GRID_SQUARE, 1.0, 140 / f, (sc_kernel) k, 3, x, y, w);
		compare_paths(SC_GRID_HEX, 1.0, 200 / f, (sc_kernel) k, 3, x, y, w);
	}
	/* and one wide event against brute force */
	brute_compare(SC_GRID_SQUARE, 0.05, 7.3, SC_KERNEL_EPANECHNIKOV, 2,
				  (double[]) {1.0, 3.3}, (double[]) {2.0, -1.1}, NULL);

	/* the accumulator used directly, as an aggregate would */
	{
		sc_grid		g;
		sc_kde_acc	acc;
		sc_err		err = {{0}};

		sc_grid_init(&g, SC_GRID_SQUARE, 0, 1.0, 0, &sc_malloc_allocator);
		CHECK(sc_kde_acc_init(&acc, &g, 0, SC_KERNEL_QUARTIC, NULL, &err) == SC_EINVAL);
		sc_kde_acc_free(&acc);	/* harmless after a failed init */
		CHECK(sc_kde_acc_init(&acc, &g, 2.5, SC_KERNEL_QUARTIC, NULL, &err) == SC_OK);
		CHECK(sc_kde_acc_add(&acc, 1, 1, 1, &err) == SC_OK);
		CHECK(sc_kde_acc_add(&acc, NAN, 1, 1, &err) == SC_EINVAL);
		CHECK(sc_kde_acc_add(&acc, 1, 1, INFINITY, &err) == SC_EINVAL);
		CHECK(sc_kde_acc_add(&acc, 3e9, 1, 1, &err) == SC_ERANGE);
		CHECK(sc_kde_acc_add(&acc, 1.5, 1, 2, &err) == SC_OK);
		CHECK(g.count == 0);	/* still in the tiles */
		CHECK(sc_kde_acc_flush(&acc, &err) == SC_OK);
		CHECK(g.count > 0);
		CHECK(sc_kde_acc_flush(&acc, &err) == SC_OK);	/* nothing pending */
		sc_kde_acc_free(&acc);
		sc_grid_free(&g);

		/* the grid filling up during a flush */
		sc_grid_init(&g, SC_GRID_SQUARE, 0, 1.0, 1000, &sc_malloc_allocator);
		CHECK(sc_kde_acc_init(&acc, &g, 5, SC_KERNEL_QUARTIC, NULL, &err) == SC_OK);
		for (int e = 0; e < 100; e++)
			CHECK(sc_kde_acc_add(&acc, 13.0 * e, 0, 1, &err) == SC_OK);
		CHECK(sc_kde_acc_flush(&acc, &err) == SC_ELIMIT);
		CHECK(strstr(err.msg, "1000 cells") != NULL);
		sc_kde_acc_free(&acc);
		sc_grid_free(&g);
	}
	free(x);
	free(y);
	free(w);
}

static void
test_invalid_and_limits(void)
{
	sc_grid		g;
	sc_err		err = {{0}};

	sc_grid_init(&g, SC_GRID_SQUARE, 0, 1.0, 0, &sc_malloc_allocator);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 0, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, -2, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, NAN, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, INFINITY, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, NAN, 0, 1, 1, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, INFINITY, 1, 1, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, 0, NAN, 1, SC_KERNEL_QUARTIC, &err) == SC_EINVAL);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 1, (sc_kernel) 42, &err) == SC_EINVAL);
	CHECK(g.count == 0);
	/* zero weight: nothing, not even empty cells */
	CHECK(sc_kde_add_point(&g, 0, 0, 0.0, 3, SC_KERNEL_QUARTIC, &err) == SC_OK);
	CHECK(g.count == 0);
	/* negative weights are allowed (differences of surfaces) */
	CHECK(sc_kde_add_point(&g, 0, 0, -1.0, 3, SC_KERNEL_QUARTIC, &err) == SC_OK);
	CHECK(g.count > 0);
	sc_grid_free(&g);

	/* one event covering ~314 cells against a 100-cell limit: refused untouched */
	sc_grid_init(&g, SC_GRID_SQUARE, 0, 1.0, 100, &sc_malloc_allocator);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 10, SC_KERNEL_QUARTIC, &err) == SC_ELIMIT);
	CHECK(strstr(err.msg, "larger cell size") != NULL);
	CHECK(g.count == 0);
	/* the gaussian's support is 3h */
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 4, SC_KERNEL_GAUSSIAN, &err) == SC_ELIMIT);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 4, SC_KERNEL_QUARTIC, &err) == SC_OK);
	/* the grid filling up over several events */
	{
		sc_status	st = SC_OK;

		for (int e = 0; e < 100 && st == SC_OK; e++)
			st = sc_kde_add_point(&g, 10.0 * e, 0, 1, 4, SC_KERNEL_QUARTIC, &err);
		CHECK(st == SC_ELIMIT);
		CHECK(g.count <= 100);
	}
	sc_grid_free(&g);
	/* no limit set: the per-event cap still applies */
	sc_grid_init(&g, SC_GRID_HEX, 0, 1.0, 0, &sc_malloc_allocator);
	CHECK(sc_kde_add_point(&g, 0, 0, 1, 1e6, SC_KERNEL_QUARTIC, &err) == SC_ELIMIT);
	CHECK(g.count == 0);
	/* cells beyond the index range */
	CHECK(sc_kde_add_point(&g, 1.5 * 1073741824.0, 0, 1, 5, SC_KERNEL_QUARTIC, &err) == SC_ERANGE);
	CHECK(sc_kde_add_point(&g, 0, -2e9, 1, 5, SC_KERNEL_QUARTIC, &err) == SC_ERANGE);
	sc_grid_free(&g);

	/* the interrupt hook runs during long batches */
	{
		double		x[200],
					y[200];

		for (int e = 0; e < 200; e++)
		{
			x[e] = urand() * 50;
			y[e] = urand() * 50;
		}
		sc_grid_init(&g, SC_GRID_SQUARE, 0, 0.5, 0, &sc_malloc_allocator);
		interrupts = 0;
		CHECK(sc_kde_add_points(&g, 200, x, y, NULL, 6, SC_KERNEL_QUARTIC, count_interrupt, NULL, &err) == SC_OK);
		CHECK(interrupts > 0);
		sc_grid_free(&g);
	}
}

/* sc_kde_add_points on a new grid, freed again: the grid's memory counts too */
static sc_status
kde_on_fresh_grid(const sc_alloc *fa, size_t n, const double *x, const double *y, sc_err *err)
{
	sc_grid		g;
	sc_status	st;

	sc_grid_init(&g, SC_GRID_SQUARE, 0, 0.5, 0, fa);
	st = sc_kde_add_points(&g, n, x, y, NULL, 4, SC_KERNEL_EPANECHNIKOV, NULL, NULL, err);
	sc_grid_free(&g);
	return st;
}

static void
test_enomem(void)
{
	double		x[40],
				y[40];
	fail_ctx	ctx;
	sc_alloc	fa = fail_alloc(&ctx, -1);
	int			failures = 0;

	for (int e = 0; e < 40; e++)
	{
		x[e] = urand() * 30;
		y[e] = urand() * 30;
	}
	{
		sc_err		err = {{0}};
		double		h = 0;

		ENOMEM_SWEEP(ctx, 1000, failures, kde_on_fresh_grid(&fa, 40, x, y, &err));
		CHECK(failures > 0);
		ENOMEM_SWEEP(ctx, 100, failures, sc_kde_bandwidth(40, x, y, NULL, &h, NULL, &fa, &err));
		CHECK(failures > 0);
	}
}

/* ArcGIS rule written out directly: 0.9·min(SD, √(1/ln2)·Dm)·n^-0.2 */
static double
ref_bandwidth(size_t n, const double *x, const double *y, double *sd_out, double *dm_out)
{
	double		mx = 0,
				my = 0,
				ss = 0,
				*d = malloc(n * sizeof(double)),
				dm,
				sd,
				h;

	for (size_t i = 0; i < n; i++)
	{
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (size_t i = 0; i < n; i++)
	{
		ss += (x[i] - mx) * (x[i] - mx) + (y[i] - my) * (y[i] - my);
		d[i] = hypot(x[i] - mx, y[i] - my);
	}
	qsort(d, n, sizeof(double), dcmp);
	dm = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	sd = sqrt(ss / n);
	h = 0.9 * fmin(sd, sqrt(1 / log(2.0)) * dm) * pow((double) n, -0.2);
	free(d);
	*sd_out = sd;
	*dm_out = dm;
	return h;
}

static void
test_bandwidth(void)
{
	sc_err		err = {{0}};
	sc_kde_bandwidth_info info;
	double		h = 0,
				sd,
				dm;

	/* hand case: square corners, every distance √2 = SD = Dm */
	{
		double		x[] = {0, 2, 0, 2},
					y[] = {0, 0, 2, 2};

		CHECK(sc_kde_bandwidth(4, x, y, NULL, &h, &info, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(info.mean_x, 1, 1e-15);
		CHECK_NEAR(info.mean_y, 1, 1e-15);
		CHECK_NEAR(info.sd, sqrt(2.0), 1e-15);
		CHECK_NEAR(info.dm, sqrt(2.0), 1e-15);
		CHECK_NEAR(info.n, 4, 0);
		CHECK_NEAR(h, 0.9 * sqrt(2.0) * pow(4.0, -0.2), 1e-15);
	}
	/* an outlier: SD balloons, the median term wins */
	{
		double		x[] = {0, 1, 2, 3, 4, 1000},
					y[] = {0, 1, 0, 1, 0, 0};
		double		hr = ref_bandwidth(6, x, y, &sd, &dm);

		CHECK(sc_kde_bandwidth(6, x, y, NULL, &h, &info, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(sqrt(1 / log(2.0)) * dm < sd);
		CHECK_NEAR(h, hr, 1e-12);
		CHECK_NEAR(info.dm, dm, 1e-12);
	}
	/* random sets, odd and even sizes */
	for (size_t n = 2; n <= 401; n += 57)
	{
		double	   *x = malloc(n * sizeof(double)),
				   *y = malloc(n * sizeof(double)),
					hr;

		for (size_t i = 0; i < n; i++)
		{
			x[i] = 500000 + 3000 * urand();
			y[i] = 4000000 + 2000 * urand() * urand();
		}
		hr = ref_bandwidth(n, x, y, &sd, &dm);
		CHECK(sc_kde_bandwidth(n, x, y, NULL, &h, &info, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(fabs(h - hr) <= 1e-12 * hr);
		CHECK(fabs(info.sd - sd) <= 1e-12 * sd);
		CHECK(fabs(info.dm - dm) <= 1e-12 * dm);
		free(x);
		free(y);
	}
	/*
	 * Weights: integer weights must equal repeating each point that many
	 * times (n = Σw, weighted centre, SD and median); zero weights drop out.
	 */
	for (int rep = 0; rep < 6; rep++)
	{
		size_t		n = 31 + rep * 14,
					m = 0;
		double	   *x = malloc(n * sizeof(double)),
				   *y = malloc(n * sizeof(double)),
				   *w = malloc(n * sizeof(double)),
				   *xx = malloc(4 * n * sizeof(double)),
				   *yy = malloc(4 * n * sizeof(double)),
					hr;

		for (size_t i = 0; i < n; i++)
		{
			x[i] = 100 * urand();
			y[i] = 100 * urand();
			w[i] = (double) (int) (4 * urand());	/* 0..3 */
			for (int r = 0; r < (int) w[i]; r++)
			{
				xx[m] = x[i];
				yy[m] = y[i];
				m++;
			}
		}
		hr = ref_bandwidth(m, xx, yy, &sd, &dm);
		CHECK(sc_kde_bandwidth(n, x, y, w, &h, &info, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(info.n, (double) m, 0);
		CHECK(fabs(h - hr) <= 1e-12 * hr);
		CHECK(fabs(info.dm - dm) <= 1e-12 * dm);
		CHECK(fabs(info.sd - sd) <= 1e-12 * sd);
		free(x);
		free(y);
		free(w);
		free(xx);
		free(yy);
	}
	/*
	 * Fractional weights by hand: points at distance 1, 2, 3 either side of
	 * the origin (the weighted centre) with weights .1 .15 .25 each; the
	 * cumulative weight by distance is .2 at 1, .5 at 2 — exactly half, so
	 * Dm is the mean of 2 and 3; SD² = .2·1 + .3·4 + .5·9; n = Σw = 1.
	 */
	{
		double		x[] = {1, -1, 2, -2, 3, -3},
					y[] = {0, 0, 0, 0, 0, 0},
					w[] = {0.1, 0.1, 0.15, 0.15, 0.25, 0.25};

		CHECK(sc_kde_bandwidth(6, x, y, w, &h, &info, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(info.mean_x, 0, 1e-15);
		CHECK_NEAR(info.dm, 2.5, 1e-15);
		CHECK_NEAR(info.sd, sqrt(0.2 * 1 + 0.3 * 4 + 0.5 * 9), 1e-15);
		CHECK_NEAR(info.n, 1.0, 1e-15);
		CHECK_NEAR(h, 0.9 * fmin(info.sd, sqrt(1 / log(2.0)) * 2.5), 1e-15);
	}

	/* invalid */
	{
		double		x[] = {1, 1, 1},
					y[] = {2, 2, 2},
					w[] = {1, -1, 1},
					z[] = {0, 0, 0},
					nanv[] = {1, NAN, 1};

		CHECK(sc_kde_bandwidth(0, x, y, NULL, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_kde_bandwidth(3, x, y, NULL, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(strstr(err.msg, "coincide") != NULL);
		CHECK(sc_kde_bandwidth(1, x, y, NULL, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_kde_bandwidth(3, nanv, y, NULL, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_kde_bandwidth(3, x, y, w, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_kde_bandwidth(3, x, y, z, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_kde_bandwidth(3, x, y, nanv, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		/* more than half the weight at the centre: Dm = 0 */
		{
			double		xa[] = {0, 0, 0, 1, -1},
						ya[] = {0, 0, 0, 0, 0};

			CHECK(sc_kde_bandwidth(5, xa, ya, NULL, &h, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		}
	}
}

/* n events of a square or hexagon grid into an accumulator, flushed one way or the other */
static sc_status
acc_run(sc_grid *g, sc_grid_kind kind, size_t max_cells, size_t n, const double *x, const double *y,
		const double *w, bool sorted_flush, sc_cell **sorted, sc_err *err)
{
	sc_kde_acc	acc;
	sc_status	st;

	sc_grid_init(g, kind, 0, 1.0, max_cells, &sc_malloc_allocator);
	st = sc_kde_acc_init(&acc, g, 7.5, SC_KERNEL_QUARTIC, NULL, err);
	for (size_t e = 0; st == SC_OK && e < n; e++)
		st = sc_kde_acc_add(&acc, x[e], y[e], w[e], err);
	*sorted = NULL;
	if (st == SC_OK)
		st = sorted_flush ? sc_kde_acc_flush_sorted(&acc, sorted, err) : sc_kde_acc_flush(&acc, err);
	/* a second round: the grid is no longer empty, so a plain flush */
	for (size_t e = 0; st == SC_OK && e < n / 3; e++)
		st = sc_kde_acc_add(&acc, y[e], x[e], 1, err);
	if (st == SC_OK)
	{
		sc_cell    *again = NULL;

		st = sorted_flush ? sc_kde_acc_flush_sorted(&acc, &again, err) : sc_kde_acc_flush(&acc, err);
		CHECK(again == NULL);
	}
	sc_kde_acc_free(&acc);
	return st;
}

/* the sorted flush: the same grid as a plain flush, its cells in sc_grid_sorted's order */
static void
test_flush_sorted(void)
{
	size_t		n = 400;
	double	   *x = malloc(n * sizeof(double)),
			   *y = malloc(n * sizeof(double)),
			   *w = malloc(n * sizeof(double));

	for (size_t e = 0; e < n; e++)
	{
		/* over several tiles on both sides of index 0, some events piled up */
		x[e] = e % 7 == 0 ? 3.25 : urand() * 300 - 150;
		y[e] = e % 7 == 0 ? -0.5 : urand() * 200 - 120;
		w[e] = e % 11 == 0 ? 0 : 0.5 + urand();
	}
	for (int kind = SC_GRID_SQUARE; kind <= SC_GRID_HEX; kind++)
	{
		sc_grid		a,
					b;
		sc_cell    *fast,
				   *slow,
				   *ref,
				   *unused;
		sc_err		err = {{0}};
		bool		same = true;

		CHECK(acc_run(&a, kind, 0, n, x, y, w, true, &fast, &err) == SC_OK);
		CHECK(fast != NULL);
		CHECK(acc_run(&b, kind, 0, n, x, y, w, false, &unused, &err) == SC_OK);
		CHECK(a.count == b.count && a.count > 0);
		CHECK(sc_grid_sorted(&b, &slow, &err) == SC_OK);
		CHECK(sc_grid_sorted(&a, &ref, &err) == SC_OK);
		for (size_t c = 0; c < a.count; c++)
			same = same && memcmp(&ref[c], &slow[c], sizeof(sc_cell)) == 0;
		CHECK(same);
		free(fast);
		free(slow);
		free(ref);
		sc_grid_free(&a);
		sc_grid_free(&b);

		/* first round only: the cells as flushed are the sorted grid */
		{
			sc_kde_acc	acc;

			sc_grid_init(&a, kind, 0, 1.0, 0, &sc_malloc_allocator);
			CHECK(sc_kde_acc_init(&acc, &a, 7.5, SC_KERNEL_QUARTIC, NULL, &err) == SC_OK);
			for (size_t e = 0; e < n; e++)
				CHECK(sc_kde_acc_add(&acc, x[e], y[e], w[e], &err) == SC_OK);
			/*
			 * written from the tiles into the stored form twice (nothing
			 * changes), then flushed: the same cells in the same order; the
			 * extremes give the bounding box and span of all the cells
			 */
			{
				size_t		np,
							np2,
							size;
				unsigned char *f1,
						   *f2;
				sc_cell		ext[SC_KDE_EXTREMES],
							ext2[SC_KDE_EXTREMES];
				sc_grid_flat_writer w1,
							w2;
				sc_grid_view v;
				sc_bbox		b1,
							b2;

				CHECK(sc_kde_acc_count(&acc, &np, &err) == SC_OK && np != SIZE_MAX && np > 0);
				size = sc_grid_flat_size(np);
				f1 = malloc(size);
				f2 = malloc(size);
				w1 = sc_grid_flat_begin(f1, kind, 0, 1.0, np);
				CHECK(sc_kde_acc_write_flat(&acc, &w1, np, ext, &err) == SC_OK);
				CHECK(sc_kde_acc_count(&acc, &np2, &err) == SC_OK && np2 == np);
				w2 = sc_grid_flat_begin(f2, kind, 0, 1.0, np);
				CHECK(sc_kde_acc_write_flat(&acc, &w2, np, ext2, &err) == SC_OK);
				CHECK(a.count == 0 && memcmp(f1, f2, size) == 0 && memcmp(ext, ext2, sizeof(ext)) == 0);
				CHECK(sc_kde_acc_write_flat(&acc, &w2, np - 1, ext2, &err) == SC_EINVAL);
				CHECK(sc_kde_acc_flush_sorted(&acc, &fast, &err) == SC_OK && fast != NULL);
				CHECK(a.count == np);
				CHECK(sc_grid_flat_read(f1, size, 0, &v, &err) == SC_OK && v.ncells == np);
				same = true;
				for (size_t c = 0; c < np; c++)
				{
					sc_cell		fc = sc_grid_flat_cell(&v, c);

					same = same && memcmp(&fc, &fast[c], sizeof(sc_cell)) == 0;
				}
				CHECK(same);
				b1 = sc_grid_cells_bbox(kind, 1.0, fast, np);
				b2 = sc_grid_cells_bbox(kind, 1.0, ext, SC_KDE_EXTREMES);
				CHECK(b1.xmin == b2.xmin && b1.ymin == b2.ymin && b1.xmax == b2.xmax && b1.ymax == b2.ymax && !b1.empty && !b2.empty);
				CHECK(sc_units_cells_spanned(fast, np) == sc_units_cells_spanned(ext, SC_KDE_EXTREMES));
				free(f1);
				free(f2);
				CHECK(sc_kde_acc_count(&acc, &np, &err) == SC_OK && np == SIZE_MAX);
			}
			CHECK(sc_grid_sorted(&a, &ref, &err) == SC_OK);
			same = true;
			for (size_t c = 0; c < a.count; c++)
				same = same && memcmp(&ref[c], &fast[c], sizeof(sc_cell)) == 0;
			CHECK(same);
			CHECK(sc_kde_acc_flush_sorted(&acc, &unused, &err) == SC_OK && unused == NULL);
			free(fast);
			free(ref);
			sc_kde_acc_free(&acc);
			sc_grid_free(&a);
		}

		/* the limit, checked before anything enters the grid */
		CHECK(acc_run(&a, kind, 50, n, x, y, w, true, &fast, &err) == SC_ELIMIT);
		CHECK(fast == NULL && a.count == 0);
		CHECK(strstr(err.msg, "50 cells") != NULL);
		sc_grid_free(&a);
	}
	free(x);
	free(y);
	free(w);
}

int
main(void)
{
	test_parse();
	test_values();
	test_mass();
	test_brute();
	test_paths();
	test_invalid_and_limits();
	test_bandwidth();
	test_enomem();
	test_flush_sorted();
	TEST_DONE("kde");
}
