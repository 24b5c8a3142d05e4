/*
 * test_ohsa.c — Optimized Hot Spot Analysis scale rules: roof, peaks,
 * nearest-neighbour summary, cell size and distance band, each against a
 * hand computation or an independent brute-force one.
 */
#include "sc_test.h"
#include "sc_ohsa.h"
#include "sc_grid.h"

#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0x0123456789abcdefULL
#include "sc_test_util.h"
#include "sc_test_moran.h"

static void
test_roof_and_peaks(void)
{
	int			mx;

	CHECK(sc_ohsa_roof(5.0) == 6);
	CHECK(sc_ohsa_roof(5.3) == 6);
	CHECK(sc_ohsa_roof(0.2) == 1);
	CHECK(sc_ohsa_roof(1234.999) == 1235);
	{
		sc_ohsa_params p = sc_ohsa_params_default();

		CHECK(p.outlier_sd == 3 && p.n_increments == 10 && p.peak_z_min == 1.65 &&
			  p.row_standardize && p.round_up && p.min_cell_size == 0);
	}

	/* rises, falls at index 2 (z 3), rises, falls at 5 (z 5) */
	{
		double		z[] = {1, 2, 3, 2, 4, 5, 1};

		CHECK(sc_ohsa_peaks(z, 7, 1.65, &mx) == 2);
		CHECK(mx == 5);
	}
	/* never rises: no peak, however high */
	{
		double		z[] = {9, 8, 7, 6};

		CHECK(sc_ohsa_peaks(z, 4, 1.65, &mx) == -1);
		CHECK(mx == -1);
	}
	/* only rises: no peak */
	{
		double		z[] = {1, 2, 3, 4};

		CHECK(sc_ohsa_peaks(z, 4, 1.65, &mx) == -1);
	}
	/* a peak below the level does not count */
	{
		double		z[] = {1, 1.5, 1.2, 3, 2};

		CHECK(sc_ohsa_peaks(z, 5, 1.65, &mx) == 3);
		CHECK(mx == 3);
	}
	/* a plateau: the last of the equal values before the fall */
	{
		double		z[] = {1, 3, 3, 2};

		CHECK(sc_ohsa_peaks(z, 4, 1.65, &mx) == 2);
	}
	/* falls first, then a peak */
	{
		double		z[] = {3, 2, 4, 1};

		CHECK(sc_ohsa_peaks(z, 4, 1.65, &mx) == 2);
	}
	/* the higher of two peaks is the max, the first still first */
	{
		double		z[] = {2, 4, 3, 8, 7, 9, 1};

		CHECK(sc_ohsa_peaks(z, 7, 1.65, &mx) == 1);
		CHECK(mx == 5);
	}
	/* NaN steps are neither rises nor falls */
	{
		double		z[] = {1, NAN, 3, 2};

		CHECK(sc_ohsa_peaks(z, 4, 1.65, &mx) == -1);
	}
	{
		double		z[] = {1, 2, NAN, 5, 3};

		CHECK(sc_ohsa_peaks(z, 5, 1.65, &mx) == 3);
	}
	CHECK(sc_ohsa_peaks(NULL, 0, 1.65, &mx) == -1);
}

/* the NN summary written out: unique locations, O(n²) NN, 3-SD outliers */
static void
brute_nn(size_t n, const double *x, const double *y, double k_sd,
		 size_t *nu_out, size_t *nout, double *mean, double *median, double *max)
{
	double	   *ux = malloc(n * sizeof(double)),
			   *uy = malloc(n * sizeof(double)),
			   *d = malloc(n * sizeof(double)),
				s = 0,
				ss = 0,
				m,
				sd;
	size_t		nu = 0,
				kept = 0;

	for (size_t i = 0; i < n; i++)
	{
		bool		dup = false;

		for (size_t j = 0; j < nu; j++)
			if (ux[j] == x[i] && uy[j] == y[i])
				dup = true;
		if (!dup)
		{
			ux[nu] = x[i];
			uy[nu] = y[i];
			nu++;
		}
	}
	for (size_t i = 0; i < nu; i++)
	{
		d[i] = INFINITY;
		for (size_t j = 0; j < nu; j++)
			if (j != i)
				d[i] = fmin(d[i], sqrt((ux[i] - ux[j]) * (ux[i] - ux[j]) + (uy[i] - uy[j]) * (uy[i] - uy[j])));
		s += d[i];
	}
	m = s / nu;
	for (size_t i = 0; i < nu; i++)
		ss += (d[i] - m) * (d[i] - m);
	sd = sqrt(ss / nu);
	for (size_t i = 0; i < nu; i++)
		if (!(sd > 0 && (d[i] - m) / sd >= k_sd))
			d[kept++] = d[i];
	s = 0;
	for (size_t i = 0; i < kept; i++)
		s += d[i];
	qsort(d, kept, sizeof(double), dcmp);
	*nu_out = nu;
	*nout = nu - kept;
	*mean = s / kept;
	*median = kept % 2 ? d[kept / 2] : (d[kept / 2 - 1] + d[kept / 2]) / 2;
	*max = d[kept - 1];
	free(ux);
	free(uy);
	free(d);
}

/*
 * Cell size by hand: 20 points 1 apart on a line (x = 0..19), two of them
 * repeated, and one far away at x = 1000.  Unique NN distances: 1 (×20) and
 * 981; mean 1001/21 = 47.67, SD 208.7; the far one is 4.47 SD out — an
 * outlier.  Without it mean = median = max = 1, so the cell is
 * roof(2·1) = 3, under the cap roof(0.1·1000) = 101; the hexagon edge is
 * 3/√3 = √3.
 */
static void
test_cell_size_hand(void)
{
	double		x[24],
				y[24] = {0};
	sc_ohsa_cell_result r;
	sc_ohsa_params p = sc_ohsa_params_default();
	sc_err		err = {{0}};

	for (int i = 0; i < 20; i++)
		x[i] = i;
	x[20] = 1000;
	x[21] = 3;
	x[22] = 3;
	x[23] = 17;
	CHECK(sc_ohsa_cell_size(24, x, y, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.nn.n == 24 && r.nn.n_unique == 21 && r.nn.n_outliers == 1);
	CHECK_NEAR(r.nn.mean_all, 1001.0 / 21, 1e-13);
	CHECK(r.nn.mean == 1 && r.nn.median == 1 && r.nn.max == 1);
	CHECK(r.nn.width == 1000 && r.nn.height == 0);
	CHECK(r.raw == 2);
	CHECK(r.cell_size == 3);
	CHECK(r.max_cell_size == 101);
	CHECK(!r.clamped);
	CHECK_NEAR(r.hex_edge, sqrt(3.0), 1e-15);

	p.round_up = false;
	CHECK(sc_ohsa_cell_size(24, x, y, &p, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.cell_size == 2 && r.max_cell_size == 100);
	p.round_up = true;
	p.min_cell_size = 5;
	CHECK(sc_ohsa_cell_size(24, x, y, &p, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.cell_size == 5 && r.clamped);
	/* outliers off: mean 1001/21, median 1 */
	p = sc_ohsa_params_default();
	p.outlier_sd = 0;
	CHECK(sc_ohsa_cell_size(24, x, y, &p, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.nn.n_outliers == 0);
	CHECK_NEAR(r.raw, 2 * 1001.0 / 21, 1e-13);
	CHECK(r.cell_size == 96);
	/* the cap: without the far point the extent is 19, cap roof(1.9) = 2 */
	CHECK(sc_ohsa_cell_size(20, x, y, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.max_cell_size == 2 && r.cell_size == 2 && r.clamped);

	/* median vs mean: NN 1,1,1,4 (+ mirror): median 1 < mean */
	{
		double		mx[] = {0, 1, 2, 6, 10, 11, 12},
					my[] = {0, 0, 0, 0, 0, 0, 0};

		/* NN: 1 1 1 4 1 1 1 -> mean 10/7, median 1; no outlier (dev 2.45) */
		CHECK(sc_ohsa_cell_size(7, mx, my, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(r.nn.n_outliers == 0);
		CHECK_NEAR(r.nn.mean, 10.0 / 7, 1e-15);
		CHECK(r.nn.median == 1);
		CHECK_NEAR(r.raw, 20.0 / 7, 1e-15);
		CHECK(r.cell_size == 2);	/* capped at roof(0.1·12) = 2 */
	}
}

static void
test_cell_size_brute(void)
{
	for (int rep = 0; rep < 8; rep++)
	{
		size_t		n = 50 + 60 * rep,
					nu,
					nout;
		double	   *x = malloc(n * sizeof(double)),
				   *y = malloc(n * sizeof(double)),
					mean,
					median,
					max,
					minx = INFINITY,
					maxx = -INFINITY,
					miny = INFINITY,
					maxy = -INFINITY,
					cap,
					cell;
		sc_ohsa_cell_result r;
		sc_err		err = {{0}};

		for (size_t i = 0; i < n; i++)
		{
			x[i] = 380000 + (i < n / 2 ? 2000 * urand() : 300 * urand());
			y[i] = 5800000 + (i < n / 2 ? 3000 * urand() : 200 * urand());
			if (i % 9 == 4)
			{
				x[i] = x[i - 1];	/* repeat addresses */
				y[i] = y[i - 1];
			}
			minx = fmin(minx, x[i]);
			maxx = fmax(maxx, x[i]);
			miny = fmin(miny, y[i]);
			maxy = fmax(maxy, y[i]);
		}
		x[n - 1] = 420000;		/* a far-away incident */
		maxx = 420000;
		brute_nn(n, x, y, 3.0, &nu, &nout, &mean, &median, &max);
		CHECK(sc_ohsa_cell_size(n, x, y, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(r.nn.n_unique == nu);
		CHECK(r.nn.n_outliers == nout);
		CHECK(nout >= 1);
		CHECK_NEAR(r.nn.mean / mean, 1, 1e-12);
		CHECK(r.nn.median == median);
		CHECK(r.nn.max == max);
		cap = floor(0.1 * fmax(maxx - minx, maxy - miny)) + 1;
		cell = fmin(floor(2 * fmax(mean, median)) + 1, cap);
		CHECK(r.max_cell_size == cap);
		CHECK(r.cell_size == cell);
		free(x);
		free(y);
	}
}

/* row-standardised Moran's I z (randomization) from an explicit matrix */
static double
brute_moran_z(size_t n, const double *cx, const double *cy, const double *v, double D)
{
	sc_moran_result r;

	brute_moran(n, cx, cy, v, D, true, &r);
	return r.z_rand;
}

/* mean distance to the k-th nearest other point, O(n²) */
static double
brute_knn_mean(size_t n, const double *x, const double *y, int k)
{
	double	   *d = malloc(n * sizeof(double)),
				s = 0;

	for (size_t i = 0; i < n; i++)
	{
		size_t		m = 0;

		for (size_t j = 0; j < n; j++)
			if (j != i)
				d[m++] = sqrt((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]));
		qsort(d, m, sizeof(double), dcmp);
		s += d[k - 1];
	}
	free(d);
	return s / n;
}

static double
brute_sd(size_t n, const double *x, const double *y)
{
	double		mx = 0,
				my = 0,
				ss = 0;

	for (size_t i = 0; i < n; i++)
	{
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mx) * (x[i] - mx) + (y[i] - my) * (y[i] - my);
	return sqrt(ss / n);
}

/*
 * Check a band result against the rules recomputed independently: start,
 * increment, rescaling, the ISA z at every band, the peak, the fallback.
 */
static void
check_band(size_t n, const double *cx, const double *cy, const double *v,
		   const sc_ohsa_band_result *r)
{
	size_t		nu,
				nout;
	double		mean,
				median,
				max,
				start,
				inc,
				sd = brute_sd(n, cx, cy),
				cut[SC_OHSA_MAX_INCREMENTS],
				band,
				w = 0,
				h = 0;
	bool		rescaled = false,
				grid;
	int			k,
				ni = r->n_increments,
				first = -1,
				kk;
	bool		up = false;

	brute_nn(n, cx, cy, 3.0, &nu, &nout, &mean, &median, &max);
	start = floor(max) + 1;
	inc = mean;
	for (k = 0; k < ni; k++)
		if (start + k * inc > sd)
			rescaled = true;
	if (rescaled)
	{
		if (start > sd)
			start = 0.2 * sd;
		inc = (sd - start) / ni;
	}
	grid = r->nn.sd_all == 0;
	CHECK(r->rescaled == rescaled);
	CHECK_NEAR(r->max_distance / sd, 1, 1e-12);
	CHECK_NEAR(r->start, start, 1e-9);
	CHECK_NEAR(r->increment, inc, 1e-9);
	for (k = 0; k < ni; k++)
	{
		double		z;

		cut[k] = start + k * inc + (grid ? 0.001 : 0);
		CHECK_NEAR(r->isa[k].distance, cut[k], 1e-9);
		z = brute_moran_z(n, cx, cy, v, cut[k]);
		if (isnan(z))
			CHECK(isnan(r->isa[k].z_rand));
		else
			CHECK_NEAR(r->isa[k].z_rand, z, 1e-9);
	}
	/* first c with z[c+1] < z[c], a rise before, z[c] > 1.65 */
	for (k = 0; k + 1 < ni; k++)
	{
		if (r->isa[k + 1].z_rand > r->isa[k].z_rand)
			up = true;
		if (up && r->isa[k + 1].z_rand < r->isa[k].z_rand && r->isa[k].z_rand > 1.65)
		{
			first = k;
			break;
		}
	}
	CHECK(r->first_peak == first);
	CHECK(r->peak_found == (first >= 0));
	kk = (int) (0.05 * n);
	kk = kk < 3 ? 3 : (kk > 30 ? 30 : kk);
	if (kk >= (int) n)
		kk = (int) n - 1;
	CHECK(r->knn_k == kk);
	CHECK_NEAR(r->knn_mean / brute_knn_mean(n, cx, cy, kk), 1, 1e-12);
	CHECK_NEAR(r->std_distance / sd, 1, 1e-12);
	if (first >= 0)
		band = cut[first];
	else
		band = floor(fmin(r->knn_mean, sd)) + 1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
		{
			w = fmax(w, fabs(cx[i] - cx[j]));
			h = fmax(h, fabs(cy[i] - cy[j]));
		}
	band = fmax(band, 0.001 * fmax(w, h));
	CHECK_NEAR(r->band, band, 1e-9);
}

static void
test_band(void)
{
	sc_ohsa_band_result r;
	sc_err		err = {{0}};
	double		cx[900],
				cy[900],
				v[900];
	size_t		n;

	/*
	 * By hand: 4 cells at the corners of a 10-unit square, counts 1..4.
	 * NN = 10 everywhere (a regular set: SD of NN 0), start roof(10) = 11,
	 * but the standard distance is √50 = 7.07 < 11: bands restart at
	 * 0.2·7.07 and spread to 7.07 — all too short for any neighbour, so no
	 * ISA value and no peak.  Fallback: k = 3 (n − 1), the 3rd neighbour
	 * is the diagonal 14.14 > 7.07, so the band is roof(7.07) = 8.
	 */
	{
		double		x[] = {0, 10, 0, 10},
					y[] = {0, 0, 10, 10},
					c[] = {1, 2, 3, 4};

		CHECK(sc_ohsa_distance_band(4, x, y, c, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(r.rescaled && r.grid_data);
		CHECK_NEAR(r.max_distance, sqrt(50.0), 1e-14);
		CHECK_NEAR(r.start, 0.2 * sqrt(50.0), 1e-14);
		CHECK_NEAR(r.increment, 0.08 * sqrt(50.0), 1e-14);
		CHECK(r.isa[0].n == 0 && isnan(r.isa[0].z_rand));
		CHECK(!r.peak_found && r.first_peak == -1);
		CHECK(r.knn_k == 3);
		CHECK_NEAR(r.knn_mean, sqrt(200.0), 1e-13);
		CHECK(r.used_std_distance);
		CHECK(r.band == 8);
		check_band(4, x, y, c, &r);
	}

	/* a full fishnet with two hot spots: a peak; NN all equal (grid data) */
	n = 0;
	for (int i = 0; i < 20; i++)
		for (int j = 0; j < 20; j++, n++)
		{
			double		d1 = hypot(i - 5, j - 5),
						d2 = hypot(i - 15, j - 14);

			sc_grid_cell_center(SC_GRID_SQUARE, 100, i, j, &cx[n], &cy[n]);
			v[n] = floor(20 * exp(-d1 * d1 / 8) + 20 * exp(-d2 * d2 / 8) + 2 * urand());
		}
	CHECK(sc_ohsa_distance_band(n, cx, cy, v, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	/* SD of a 20×20 fishnet of 100 m is 815 m < 101 + 9·100: rescaled */
	CHECK(r.grid_data && r.rescaled);
	CHECK(r.start == 101);
	CHECK_NEAR(r.increment, (r.max_distance - 101) / 10, 1e-12);
	CHECK(r.peak_found);
	check_band(n, cx, cy, v, &r);

	/* the same counts shuffled: no structure, no peak, the k-NN fallback */
	for (size_t i = n - 1; i > 0; i--)
	{
		size_t		j = (size_t) (urand() * (i + 1));
		double		t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
	for (int t = 0; t < 20; t++)	/* keep one whose ISA happens to have no peak */
	{
		CHECK(sc_ohsa_distance_band(n, cx, cy, v, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
		if (!r.peak_found)
			break;
		for (size_t i = n - 1; i > 0; i--)
		{
			size_t		j = (size_t) (urand() * (i + 1));
			double		tt = v[i];

			v[i] = v[j];
			v[j] = tt;
		}
	}
	CHECK(!r.peak_found);
	CHECK(r.knn_k == 20);		/* 0.05 · 400 */
	check_band(n, cx, cy, v, &r);

	/* non-empty cells only (holes), one far cell (an outlier), hexagons */
	n = 0;
	for (int i = 0; i < 24; i++)
		for (int j = 0; j < 18; j++)
		{
			if (urand() < 0.35)
				continue;
			sc_grid_cell_center(SC_GRID_HEX, 57.7, i, j, &cx[n], &cy[n]);
			v[n] = 1 + floor(3 * urand()) + (i > 14 && j > 9 ? 6 : 0);
			n++;
		}
	sc_grid_cell_center(SC_GRID_HEX, 57.7, 90, 70, &cx[n], &cy[n]);
	v[n++] = 1;
	CHECK(sc_ohsa_distance_band(n, cx, cy, v, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(!r.grid_data);
	CHECK(r.nn.n_outliers >= 1);
	check_band(n, cx, cy, v, &r);

	/* few cells in a small fishnet: bands rescaled below the standard distance */
	n = 0;
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++, n++)
		{
			sc_grid_cell_center(SC_GRID_SQUARE, 100, i, j, &cx[n], &cy[n]);
			v[n] = i + j + (i == 2 && j == 1 ? 5 : 0);
		}
	CHECK(sc_ohsa_distance_band(n, cx, cy, v, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.rescaled && r.start == 101);
	check_band(n, cx, cy, v, &r);

	/* a tight cluster in a huge extent: the band is at least 0.001·extent */
	n = 0;
	for (int i = 0; i < 120; i++, n++)
	{
		cx[n] = 0.5 * (i % 12) + 0.01 * urand();
		cy[n] = 0.5 * (i / 12);
		v[n] = (i % 12) + (i / 12) + 3 * urand();
	}
	cx[n] = 200000;
	cy[n] = 0;
	v[n++] = 3;
	CHECK(sc_ohsa_distance_band(n, cx, cy, v, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.nn.n_outliers == 1);
	CHECK_NEAR(r.min_band, 200, 1e-9);
	CHECK(r.band == r.min_band);
	check_band(n, cx, cy, v, &r);

	/* invalid */
	{
		double		x[] = {0, 1, 2, 3, 4},
					y[] = {0, 1, 0, 1, 0},
					c[] = {1, 1, 1, 1, 1},
					bad[] = {1, 2, NAN, 4, 5};
		sc_ohsa_params p = sc_ohsa_params_default();

		CHECK(sc_ohsa_distance_band(3, x, y, bad, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_ohsa_distance_band(5, x, y, bad, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_ohsa_distance_band(5, x, y, c, NULL, &r, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(strstr(err.msg, "same value") != NULL);
		p.n_increments = 1;
		CHECK(sc_ohsa_distance_band(5, x, y, x, &p, &r, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		/* all incidents at one address */
		{
			sc_ohsa_cell_result cr;

			p.n_increments = SC_OHSA_MAX_INCREMENTS + 1;
			CHECK(sc_ohsa_cell_size(5, x, y, &p, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
			p = sc_ohsa_params_default();
			p.outlier_sd = NAN;
			CHECK(sc_ohsa_cell_size(5, x, y, &p, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
			p = sc_ohsa_params_default();
			p.min_cell_size = -1;
			CHECK(sc_ohsa_cell_size(5, x, y, &p, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
			double		one[] = {7, 7, 7};

			CHECK(sc_ohsa_cell_size(3, one, one, NULL, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
			CHECK(sc_ohsa_cell_size(1, x, y, NULL, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
			y[2] = NAN;
			CHECK(sc_ohsa_cell_size(5, x, y, NULL, &cr, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		}
	}
}

static void
test_enomem(void)
{
	double		x[200],
				y[200],
				v[200];
	fail_ctx	ctx;
	sc_alloc	fa = fail_alloc(&ctx, -1);
	int			failures = 0;

	for (int i = 0; i < 200; i++)
	{
		x[i] = 1000 * urand();
		y[i] = 1000 * urand();
		v[i] = floor(5 * urand()) + (x[i] < 300 ? 4 : 0);
	}
	{
		sc_err		err = {{0}};
		sc_ohsa_cell_result cr;
		sc_ohsa_band_result br;

		ENOMEM_SWEEP(ctx, 200, failures, sc_ohsa_cell_size(200, x, y, NULL, &cr, NULL, &fa, &err));
		CHECK(failures >= 4);
		ENOMEM_SWEEP(ctx, 200, failures, sc_ohsa_distance_band(200, x, y, v, NULL, &br, NULL, &fa, &err));
		CHECK(failures >= 10);
	}
}

int
main(void)
{
	test_roof_and_peaks();
	test_cell_size_hand();
	test_cell_size_brute();
	test_band();
	test_enomem();
	TEST_DONE("ohsa");
}
