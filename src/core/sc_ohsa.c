/*
 * sc_ohsa.c — Optimized Hot Spot Analysis scale rules (cell size, distance
 * band).  Each step names the ArcGIS routine it reproduces; see
 * docs/methods-hotspots.md for the sources.
 */
#include "sc_ohsa.h"
#include "sc_nni.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

sc_ohsa_params
sc_ohsa_params_default(void)
{
	sc_ohsa_params p;

	p.outlier_sd = 3.0;
	p.min_cell_size = 0.0;
	p.n_increments = 10;
	p.peak_z_min = 1.65;
	p.row_standardize = true;
	p.round_up = true;
	return p;
}

double
sc_ohsa_roof(double d)
{
	/* SSUtilities.roof: int(value) + 1 */
	return trunc(d) + 1.0;
}

static double
maybe_roof(const sc_ohsa_params *p, double d)
{
	return p->round_up ? sc_ohsa_roof(d) : d;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

typedef struct xy
{
	double		x;
	double		y;
} xy;

static int
xy_cmp(const void *a, const void *b)
{
	const xy   *p = a,
			   *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* population standard distance: sqrt(Σ((x−x̄)² + (y−ȳ)²) / n) */
static double
standard_distance(size_t n, const double *x, const double *y)
{
	double		mx = 0.0,
				my = 0.0,
				ss = 0.0;

	for (size_t i = 0; i < n; i++)
	{
		mx += x[i];
		my += y[i];
	}
	mx /= (double) n;
	my /= (double) n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mx) * (x[i] - mx) + (y[i] - my) * (y[i] - my);
	return sqrt(ss / (double) n);
}

/*
 * Unique locations of the points into ux/uy (allocated, caller frees),
 * count in *nu.
 */
static sc_status
unique_points(size_t n, const double *x, const double *y, double **ux, double **uy,
			  size_t *nu, const sc_alloc *alloc, sc_err *err)
{
	/* the points, then the sort's room for them */
	xy		   *p = sc_alloc_array(alloc, 2 * n, sizeof(xy), err, "points");
	double	   *a,
			   *b;
	size_t		m = 0;

	if (!p)
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
	{
		if (!isfinite(x[i]) || !isfinite(y[i]))
		{
			sc_free(alloc, p);
			return sc_fail(err, SC_EINVAL, "point coordinates must be finite");
		}
		p[i].x = x[i];
		p[i].y = y[i];
	}
	sc_sort(p, p + n, n, sizeof(xy), xy_cmp, alloc->interrupt);
	a = sc_alloc_array(alloc, n, sizeof(double), err, "points");
	b = a ? sc_alloc_array(alloc, n, sizeof(double), err, "points") : NULL;
	if (!b)
	{
		sc_free(alloc, a);
		sc_free(alloc, p);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (i == 0 || p[i].x != p[i - 1].x || p[i].y != p[i - 1].y)
		{
			a[m] = p[i].x;
			b[m] = p[i].y;
			m++;
		}
	sc_free(alloc, p);
	*ux = a;
	*uy = b;
	*nu = m;
	return SC_OK;
}

sc_status
sc_ohsa_nn_info_compute(size_t n, const double *x, const double *y, double outlier_sd,
						sc_ohsa_nn_info *info, sc_interrupt_fn interrupt,
						const sc_alloc *alloc, sc_err *err)
{
	double	   *ux = NULL,
			   *uy = NULL,
			   *d = NULL,
				minx,
				maxx,
				miny,
				maxy,
				sum = 0.0,
				ss = 0.0;
	size_t		nu = 0,
				kept = 0;
	sc_status	st;

	memset(info, 0, sizeof(*info));
	if (n < 2)
		return sc_fail(err, SC_EINVAL, "need at least 2 points, got %zu", n);
	if (!(outlier_sd >= 0))
		return sc_fail(err, SC_EINVAL, "the outlier threshold must be >= 0 standard deviations");
	if ((st = unique_points(n, x, y, &ux, &uy, &nu, alloc, err)) != SC_OK)
		return st;
	if (nu < 2)
	{
		st = sc_fail(err, SC_EINVAL, "all %zu points are at the same location", n);
		goto done;
	}
	/* the distances, then the sort's room for them */
	d = sc_alloc_array(alloc, 2 * nu, sizeof(double), err, "distances");
	if (!d)
	{
		st = SC_ENOMEM;
		goto done;
	}
	if ((st = sc_knn_distances(nu, ux, uy, 1, d, interrupt, alloc, err)) != SC_OK)
		goto done;

	info->n = n;
	info->n_unique = nu;
	minx = maxx = ux[0];
	miny = maxy = uy[0];
	for (size_t i = 0; i < nu; i++)
	{
		sum += d[i];
		minx = fmin(minx, ux[i]);
		maxx = fmax(maxx, ux[i]);
		miny = fmin(miny, uy[i]);
		maxy = fmax(maxy, uy[i]);
	}
	info->width = maxx - minx;
	info->height = maxy - miny;
	info->mean_all = sum / (double) nu;
	for (size_t i = 0; i < nu; i++)
		ss += (d[i] - info->mean_all) * (d[i] - info->mean_all);
	info->sd_all = sqrt(ss / (double) nu);

	/* locational outliers: (d − mean)/SD >= outlier_sd; kept ones first */
	for (size_t i = 0; i < nu; i++)
	{
		bool		outlier = info->sd_all > 0 && outlier_sd > 0 &&
			(d[i] - info->mean_all) / info->sd_all >= outlier_sd;

		if (!outlier)
			d[kept++] = d[i];
	}
	info->n_outliers = nu - kept;
	sum = 0.0;
	for (size_t i = 0; i < kept; i++)
		sum += d[i];
	info->mean = sum / (double) kept;
	sc_sort(d, d + nu, kept, sizeof(double), dbl_cmp, interrupt);
	info->max = d[kept - 1];
	/* numpy-style median: the mean of the middle two for an even count */
	info->median = kept % 2 ? d[kept / 2] : (d[kept / 2 - 1] + d[kept / 2]) / 2.0;
	st = SC_OK;

done:
	sc_free(alloc, d);
	sc_free(alloc, ux);
	sc_free(alloc, uy);
	return st;
}

static sc_status
check_params(const sc_ohsa_params *p, sc_err *err)
{
	if (!(p->outlier_sd >= 0) || !isfinite(p->outlier_sd))
		return sc_fail(err, SC_EINVAL, "outlier_sd must be a finite number >= 0");
	if (!(p->min_cell_size >= 0) || !isfinite(p->min_cell_size))
		return sc_fail(err, SC_EINVAL, "min_cell_size must be a finite number >= 0");
	if (p->n_increments < 2 || p->n_increments > SC_OHSA_MAX_INCREMENTS)
		return sc_fail(err, SC_EINVAL, "n_increments must be between 2 and %d",
					   SC_OHSA_MAX_INCREMENTS);
	if (!isfinite(p->peak_z_min))
		return sc_fail(err, SC_EINVAL, "peak_z_min must be finite");
	return SC_OK;
}

sc_status
sc_ohsa_cell_size(size_t n, const double *x, const double *y,
				  const sc_ohsa_params *params, sc_ohsa_cell_result *res,
				  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	sc_ohsa_params defaults = sc_ohsa_params_default();
	const sc_ohsa_params *p = params ? params : &defaults;
	double		cell;
	sc_status	st;

	memset(res, 0, sizeof(*res));
	if ((st = check_params(p, err)) != SC_OK)
		return st;
	if ((st = sc_ohsa_nn_info_compute(n, x, y, p->outlier_sd, &res->nn, interrupt,
									  alloc, err)) != SC_OK)
		return st;

	/* LocationInfo.nnCellSize: twice the larger of mean and median */
	res->raw = 2.0 * fmax(res->nn.median, res->nn.mean);
	cell = maybe_roof(p, res->raw);
	res->max_cell_size = maybe_roof(p, 0.1 * fmax(res->nn.width, res->nn.height));
	/* LocationInfo.evaluateDistance: the minimum first, then the maximum */
	if (cell < p->min_cell_size)
	{
		cell = p->min_cell_size;
		res->clamped = true;
	}
	if (cell > res->max_cell_size)
	{
		cell = res->max_cell_size;
		res->clamped = true;
	}
	res->cell_size = cell;
	/* OptimizedHotSpotAnalysis.doGrid: hexagon edge = cell / √3 */
	res->hex_edge = cell / sqrt(3.0);
	return SC_OK;
}

int
sc_ohsa_peaks(const double *z, int n, double level, int *max_peak)
{
	int			first = -1,
				best = -1;
	bool		gone_up = false;

	for (int c = 0; c + 1 < n; c++)
	{
		double		d = z[c + 1] - z[c];

		if (d > 0)
			gone_up = true;
		if (d < 0 && gone_up && z[c] > level)
		{
			if (first < 0)
				first = c;
			if (best < 0 || z[c] > z[best])
				best = c;
		}
	}
	if (max_peak)
		*max_peak = best;
	return first;
}

sc_status
sc_ohsa_distance_band(size_t n, const double *cx, const double *cy, const double *v,
					  const sc_ohsa_params *params, sc_ohsa_band_result *res,
					  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	sc_ohsa_params defaults = sc_ohsa_params_default();
	const sc_ohsa_params *p = params ? params : &defaults;
	/* zeroed: only the first n_increments are used (GCC's LTO cannot see that) */
	double		cut[SC_OHSA_MAX_INCREMENTS] = {0},
				z[SC_OHSA_MAX_INCREMENTS],
				*ux = NULL,
				*uy = NULL,
				*kd = NULL,
				start,
				inc,
				band,
				sum = 0.0;
	size_t		nu = 0;
	int			ni,
				k;
	sc_status	st;

	memset(res, 0, sizeof(*res));
	if ((st = check_params(p, err)) != SC_OK)
		return st;
	if (n < 4)
		return sc_fail(err, SC_EINVAL, "need at least 4 cells to choose a distance band, got %zu", n);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return sc_fail(err, SC_EINVAL, "cell values must be finite");
	ni = p->n_increments;
	res->n_increments = ni;

	/* MoransI_Increment.initialize: start, increment and ceiling */
	if ((st = sc_ohsa_nn_info_compute(n, cx, cy, p->outlier_sd, &res->nn, interrupt,
									  alloc, err)) != SC_OK)
		return st;
	if ((st = unique_points(n, cx, cy, &ux, &uy, &nu, alloc, err)) != SC_OK)
		return st;
	res->max_distance = standard_distance(nu, ux, uy);
	sc_free(alloc, ux);
	sc_free(alloc, uy);

	start = maybe_roof(p, res->nn.max);
	inc = res->nn.mean;
	for (k = 0; k < ni; k++)
		if (start + k * inc > res->max_distance)
			res->rescaled = true;
	if (res->rescaled)
	{
		/* createCutoffsMaxDist: evenly from the start towards the ceiling */
		if (start > res->max_distance)
			start = 0.2 * res->max_distance;
		inc = (res->max_distance - start) / ni;
	}
	res->start = start;
	res->increment = inc;
	/* regular grids put many neighbours exactly on a band: nudge outwards */
	res->grid_data = res->nn.sd_all == 0;
	for (k = 0; k < ni; k++)
		cut[k] = start + k * inc + (res->grid_data ? 0.001 : 0.0);

	st = sc_moran_incremental(n, cx, cy, v, (size_t) ni, cut, p->row_standardize,
							  res->isa, interrupt, alloc, err);
	if (st != SC_OK)
		return st;
	for (k = 0; k < ni; k++)
		z[k] = res->isa[k].z_rand;
	res->first_peak = sc_ohsa_peaks(z, ni, p->peak_z_min, &res->max_peak);
	res->peak_found = res->first_peak >= 0;

	/* knnDecision, reported even when a peak wins */
	res->knn_k = (int) (0.05 * (double) n);
	if (res->knn_k < 3)
		res->knn_k = 3;
	if (res->knn_k > 30)
		res->knn_k = 30;
	if ((size_t) res->knn_k >= n)
		res->knn_k = (int) n - 1;
	kd = sc_alloc_array(alloc, n, sizeof(double), err, "distances");
	if (!kd)
		return SC_ENOMEM;
	st = sc_knn_distances(n, cx, cy, (size_t) res->knn_k, kd, interrupt, alloc, err);
	if (st == SC_OK)
		for (size_t i = 0; i < n; i++)
			sum += kd[i];
	sc_free(alloc, kd);
	if (st != SC_OK)
		return st;
	res->knn_mean = sum / (double) n;
	res->std_distance = standard_distance(n, cx, cy);
	res->used_std_distance = res->knn_mean > res->std_distance;

	if (res->peak_found)
		band = cut[res->first_peak];
	else
		band = maybe_roof(p, res->used_std_distance ? res->std_distance : res->knn_mean);

	/* doHotSpots: never below a thousandth of the extent */
	res->min_band = 0.001 * fmax(res->nn.width, res->nn.height);
	if (band < res->min_band)
		band = res->min_band;
	res->band = band;
	return SC_OK;
}
