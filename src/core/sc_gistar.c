/*
 * sc_gistar.c — Getis–Ord Gi* and FDR bins with a fixed distance band
 * (neighbour search: sc_band.h).
 */
#include "sc_gistar.h"
#include "sc_band.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double
sc_p_two_sided(double z)
{
	if (isnan(z))
		return NAN;
	/* erfc keeps full relative accuracy far into the tail (p ~ 1e-300) */
	return erfc(fabs(z) / sqrt(2.0));
}

int
sc_confidence_bin(double z, double p)
{
	int			level;

	if (isnan(z) || isnan(p) || z == 0)
		return 0;
	if (p < 0.01)
		level = 3;
	else if (p < 0.05)
		level = 2;
	else if (p < 0.10)
		level = 1;
	else
		return 0;
	return z > 0 ? level : -level;
}

static int
p_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	/* NaN ranks last */
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

sc_status
sc_fdr_bins(size_t n, const double *z, const double *p, int8_t *bin,
			double *cutoff, const sc_alloc *alloc, sc_err *err)
{
	static const double alpha[3] = {0.10, 0.05, 0.01};
	double		cut[3] = {-1.0, -1.0, -1.0};
	double	   *sorted;

	if (n == 0)
		return sc_fail(err, SC_EINVAL, "no p-values to correct");
	/* the p-values, then the sort's room for them */
	sorted = sc_alloc_array(alloc, 2 * n, sizeof(double), err, "p-values");
	if (!sorted)
		return SC_ENOMEM;
	memcpy(sorted, p, n * sizeof(double));
	sc_sort(sorted, sorted + n, n, sizeof(double), p_cmp, alloc->interrupt);

	/* Benjamini–Hochberg step-up: the largest rank k with p_(k) <= kα/N */
	for (int a = 0; a < 3; a++)
		for (size_t k = n; k >= 1; k--)
		{
			double		pk = sorted[k - 1];

			if (!isnan(pk) && pk <= ((double) k / (double) n) * alpha[a])
			{
				cut[a] = pk;
				break;
			}
		}
	sc_free(alloc, sorted);

	for (size_t i = 0; i < n; i++)
	{
		int			level = 0;

		if (!isnan(p[i]) && !isnan(z[i]) && z[i] != 0)
		{
			if (cut[2] >= 0 && p[i] <= cut[2])
				level = 3;
			else if (cut[1] >= 0 && p[i] <= cut[1])
				level = 2;
			else if (cut[0] >= 0 && p[i] <= cut[0])
				level = 1;
		}
		bin[i] = (int8_t) (z[i] > 0 ? level : -level);
	}
	if (cutoff)
		memcpy(cutoff, cut, sizeof(cut));
	return SC_OK;
}

/* the FDR classes of gi_star's z and p, into out[].bin (info->fdr_p when given) */
sc_status
sc_gistar_fdr(size_t n, sc_gistar_cell *out, sc_gistar_info *info, const sc_alloc *alloc,
			  sc_err *err)
{
	double	   *z = sc_alloc_array(alloc, n, sizeof(double), err, "z-scores"),
			   *p = z ? sc_alloc_array(alloc, n, sizeof(double), err, "p-values") : NULL;
	int8_t	   *bin = p ? sc_alloc_array(alloc, n, sizeof(int8_t), err, "bins") : NULL;
	sc_status	st;

	if (!bin)
	{
		sc_free(alloc, z);
		sc_free(alloc, p);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
	{
		z[i] = out[i].z;
		p[i] = out[i].p;
	}
	st = sc_fdr_bins(n, z, p, bin, info ? info->fdr_p : NULL, alloc, err);
	if (st == SC_OK)
		for (size_t i = 0; i < n; i++)
			out[i].bin = bin[i];
	sc_free(alloc, z);
	sc_free(alloc, p);
	sc_free(alloc, bin);
	return st;
}

/* one result from its centred sum over cnt cells (itself included) of n */
bool
sc_gistar_set(sc_gistar_cell *c, double sum, size_t cnt, size_t n, double sd)
{
	/* binary weights: Σw = Σw² = cnt (Ord & Getis 1995, eq. 14) */
	double		dn = (double) n,
				wi = (double) cnt,
				denom = sd * sqrt((dn * wi - wi * wi) / (dn - 1.0));
	bool		undefined = cnt >= n;	/* the whole set: 0/0 */

	c->nneigh = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t) cnt;
	c->z = undefined ? NAN : sum / denom;
	c->p = undefined ? NAN : sc_p_two_sided(c->z);
	c->bin = (int8_t) sc_confidence_bin(c->z, c->p);
	return undefined;
}

/* the summary in info (when given) and, with fdr, the FDR classes */
sc_status
sc_gistar_finish(size_t n, sc_gistar_cell *out, double mean, double sd, double scale,
				 size_t undefined, bool fdr, sc_gistar_info *info, const sc_alloc *alloc,
				 sc_err *err)
{
	if (info)
	{
		info->mean = mean / scale;
		info->sd = sd / scale;
		info->fdr_p[0] = info->fdr_p[1] = info->fdr_p[2] = -1.0;
		info->undefined = undefined;
	}
	return fdr ? sc_gistar_fdr(n, out, info, alloc, err) : SC_OK;
}

sc_status
sc_gistar(size_t n, const double *cx, const double *cy, const double *x,
		  double band, bool fdr, sc_gistar_cell *out, sc_gistar_info *info,
		  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	sc_band_index	bi;
	double		mean = 0.0,
				ss = 0.0,
				sd,
				limit,
				lim2,
				dn = (double) n,
				xmax = 0.0,
				scale;
	int			e = 0;
	size_t		undefined = 0,
				tick = 0;
	sc_status	st;

	if (n < 3)
		return sc_fail(err, SC_EUNDEFINED, "Gi* needs at least 3 cells, got %zu", n);
	if (!(band > 0) || !isfinite(band))
		return sc_fail(err, SC_EINVAL, "distance band must be a positive finite number");
	if ((st = sc_band_check_points(n, cx, cy, x, err)) != SC_OK)
		return st;
	if (sc_band_all_equal(n, x))
		return sc_fail(err, SC_EUNDEFINED,
					   "all cells have the same value (%g): Gi* is undefined without variation", x[0]);

	/*
	 * z is scale-free, so values are used as multiples of the power of two
	 * at their largest magnitude (an exact scaling): squares of values near
	 * 1e200 neither overflow (S = ∞ gave z = 0) nor those of tiny ones vanish.
	 */
	for (size_t i = 0; i < n; i++)
		xmax = fmax(xmax, fabs(x[i]));
	frexp(xmax, &e);
	scale = ldexp(1.0, -(e < -1000 ? -1000 : e));	/* 2^1000 at most: finite */
	/* two passes: S² = Σ(x−X̄)²/N equals Σx²/N − X̄² without its cancellation */
	for (size_t i = 0; i < n; i++)
		mean += x[i] * scale;
	mean /= dn;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] * scale - mean) * (x[i] * scale - mean);
	sd = sqrt(ss / dn);

	limit = sc_band_limit(band, sc_band_max_abs_coord(n, cx, cy));
	lim2 = limit * limit;
	if ((st = sc_band_index_build(&bi, n, cx, cy, limit, alloc, err)) != SC_OK)
		return st;

	for (size_t i = 0; i < n; i++)
	{
		sc_neigh_iter	it;
		size_t		j,
					cnt = 0;
		double		d2,
					sum = 0.0;

		sc_neigh_begin(&it, &bi, i, lim2);
		while (sc_neigh_next(&it, &j, &d2))
		{
			sum += x[j] * scale - mean;
			cnt++;
			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
		undefined += sc_gistar_set(&out[i], sum, cnt, n, sd);
	}
	sc_band_index_free(&bi);
	return sc_gistar_finish(n, out, mean, sd, scale, undefined, fdr, info, alloc, err);
}

/* smallest k with d2 <= lim2[k] (lim2 non-decreasing); nd when none */
