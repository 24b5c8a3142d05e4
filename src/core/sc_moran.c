/* sc_moran.c — Global Moran's I with fixed distance bands, incremental over bands (see sc_moran.h). */
#include "sc_moran.h"
#include "sc_band.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline size_t
band_bin(const double *lim2, size_t nd, double d2)
{
	size_t		lo = 0,
				hi = nd;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (d2 <= lim2[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

sc_status
sc_moran_incremental(size_t n, const double *cx, const double *cy, const double *x,
					 size_t ndist, const double *dist, bool row_standardize,
					 sc_moran_result *res, sc_interrupt_fn interrupt,
					 const sc_alloc *alloc, sc_err *err)
{
	sc_band_index	bi;
	double		maxabs,
				*lim2 = NULL,
				*mean = NULL,
				*m2 = NULL,
				*m4 = NULL,
				*s0 = NULL,
				*s1 = NULL,
				*s2 = NULL,
				*numer = NULL,
				*col = NULL;
	uint32_t   *cnt = NULL;
	size_t	   *kept = NULL,
				cells,
				tick = 0;
	sc_status	st;

	if (n < 4)
		return sc_fail(err, SC_EINVAL, "Moran's I needs at least 4 features, got %zu", n);
	if (ndist == 0)
		return sc_fail(err, SC_EINVAL, "no distance bands given");
	for (size_t k = 0; k < ndist; k++)
		if (!(dist[k] > 0) || !isfinite(dist[k]) || (k > 0 && dist[k] < dist[k - 1]))
			return sc_fail(err, SC_EINVAL, "distance bands must be positive, finite and ascending");
	if ((st = sc_band_check_points(n, cx, cy, x, err)) != SC_OK)
		return st;
	if (sc_band_all_equal(n, x))
		return sc_fail(err, SC_EINVAL,
					   "all features have the same value (%g): Moran's I is undefined without variation", x[0]);
	if (!sc_mul_size(n, ndist, &cells))
		return sc_fail(err, SC_ENOMEM, "too many features and bands");

	maxabs = sc_band_max_abs_coord(n, cx, cy);
	cnt = sc_alloc_array(alloc, cells, sizeof(uint32_t), err, "neighbour counts");
	lim2 = cnt ? sc_alloc_array(alloc, ndist * 9, sizeof(double), err, "bands") : NULL;
	kept = lim2 ? sc_alloc_array(alloc, ndist, sizeof(size_t), err, "bands") : NULL;
	if (!kept)
	{
		st = SC_ENOMEM;
		goto done;
	}
	mean = lim2 + ndist;
	m2 = mean + ndist;
	m4 = m2 + ndist;
	s0 = m4 + ndist;
	s1 = s0 + ndist;
	s2 = s1 + ndist;
	numer = s2 + ndist;
	col = numer + ndist;
	memset(cnt, 0, cells * sizeof(uint32_t));
	memset(mean, 0, ndist * 8 * sizeof(double));
	memset(kept, 0, ndist * sizeof(size_t));
	for (size_t k = 0; k < ndist; k++)
	{
		double		l = sc_band_limit(dist[k], maxabs);

		lim2[k] = l * l;
	}
	if ((st = sc_band_index_build(&bi, n, cx, cy, sc_band_limit(dist[ndist - 1], maxabs),
							   alloc, err)) != SC_OK)
		goto done;

	/* pass 1: neighbour counts per band (cumulative over bands) */
	for (size_t i = 0; i < n; i++)
	{
		sc_neigh_iter	it;
		size_t		j;
		double		d2;
		uint32_t   *ci = cnt + i * ndist;

		sc_neigh_begin(&it, &bi, i, lim2[ndist - 1]);
		while (sc_neigh_next(&it, &j, &d2))
		{
			if (j == i)
				continue;
			ci[band_bin(lim2, ndist, d2)]++;
			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
		for (size_t k = 1; k < ndist; k++)
			ci[k] += ci[k - 1];
	}

	/* per band: the features kept (with a neighbour), their mean and moments */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ndist; k++)
			if (cnt[i * ndist + k])
			{
				kept[k]++;
				mean[k] += x[i];
				s0[k] += row_standardize ? 1.0 : (double) cnt[i * ndist + k];
			}
	for (size_t k = 0; k < ndist; k++)
		if (kept[k])
			mean[k] /= (double) kept[k];
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ndist; k++)
			if (cnt[i * ndist + k])
			{
				double		z = x[i] - mean[k];

				m2[k] += z * z;
				m4[k] += z * z * z * z;
			}

	/*
	 * pass 2: Σ w_ij z_i z_j, S1 = ½ΣΣ(w_ij + w_ji)², S2 = Σ(w_i. + w_.i)²;
	 * the band is symmetric, so j is i's neighbour iff i is j's and
	 * w_ji = 1/c_j (row-standardised) or 1.
	 */
	for (size_t i = 0; i < n; i++)
	{
		sc_neigh_iter	it;
		size_t		j;
		double		d2;
		const uint32_t *ci = cnt + i * ndist;

		sc_neigh_begin(&it, &bi, i, lim2[ndist - 1]);
		while (sc_neigh_next(&it, &j, &d2))
		{
			const uint32_t *cj = cnt + j * ndist;

			if (j == i)
				continue;
			for (size_t k = band_bin(lim2, ndist, d2); k < ndist; k++)
			{
				double		wij = row_standardize ? 1.0 / ci[k] : 1.0,
							wji = row_standardize ? 1.0 / cj[k] : 1.0;

				numer[k] += wij * (x[i] - mean[k]) * (x[j] - mean[k]);
				s1[k] += (wij + wji) * (wij + wji);
				col[k] += wji;
			}
			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
		for (size_t k = 0; k < ndist; k++)
		{
			if (ci[k])
			{
				double		rowsum = row_standardize ? 1.0 : (double) ci[k];

				s2[k] += (rowsum + col[k]) * (rowsum + col[k]);
			}
			col[k] = 0.0;
		}
	}
	sc_band_index_free(&bi);

	for (size_t k = 0; k < ndist; k++)
	{
		sc_moran_result *r = res + k;
		double		nn = (double) kept[k],
					S0 = s0[k],
					S1 = 0.5 * s1[k],
					S2 = s2[k],
					S02 = S0 * S0,
					e,
					ei2,
					b2;

		memset(r, 0, sizeof(*r));
		r->distance = dist[k];
		r->n = kept[k];
		r->isolated = n - kept[k];
		r->s0 = S0;
		r->s1 = S1;
		r->s2 = S2;
		if (kept[k])
		{
			double		tot = 0.0;

			for (size_t i = 0; i < n; i++)
				tot += cnt[i * ndist + k];
			r->mean_neighbors = tot / nn;
		}
		r->I = r->expected = r->var_norm = r->var_rand = NAN;
		r->z_norm = r->z_rand = r->p_norm = r->p_rand = NAN;
		if (kept[k] < 4 || !(m2[k] > 0))
			continue;

		/* Cliff & Ord (1981) moments, as ArcGIS Global Moran's I */
		r->I = (nn / S0) * numer[k] / m2[k];
		e = -1.0 / (nn - 1.0);
		r->expected = e;
		ei2 = (nn * nn * S1 - nn * S2 + 3.0 * S02) / ((nn * nn - 1.0) * S02);
		r->var_norm = ei2 - e * e;
		b2 = nn * m4[k] / (m2[k] * m2[k]);
		ei2 = (nn * ((nn * nn - 3.0 * nn + 3.0) * S1 - nn * S2 + 3.0 * S02)
			   - b2 * ((nn * nn - nn) * S1 - 2.0 * nn * S2 + 6.0 * S02))
			/ ((nn - 1.0) * (nn - 2.0) * (nn - 3.0) * S02);
		r->var_rand = ei2 - e * e;
		if (r->var_norm > 0)
		{
			r->z_norm = (r->I - e) / sqrt(r->var_norm);
			r->p_norm = sc_p_two_sided(r->z_norm);
		}
		if (r->var_rand > 0)
		{
			r->z_rand = (r->I - e) / sqrt(r->var_rand);
			r->p_rand = sc_p_two_sided(r->z_rand);
		}
	}
	st = SC_OK;

done:
	sc_free(alloc, cnt);
	sc_free(alloc, lim2);
	sc_free(alloc, kept);
	return st;
}

sc_status
sc_moran_global(size_t n, const double *cx, const double *cy, const double *x,
				double band, bool row_standardize, sc_moran_result *res,
				sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	return sc_moran_incremental(n, cx, cy, x, 1, &band, row_standardize, res,
								interrupt, alloc, err);
}
