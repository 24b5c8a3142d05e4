/*
 * sc_gistar.c — Getis–Ord Gi*, FDR bins and Global Moran's I with a fixed
 * distance band.
 *
 * Neighbour search: centres are hashed into square blocks a little wider
 * than the band (sorted by block, looked up by binary search), so the
 * neighbours of a point lie in its own block row/column ±1: 3 lookups and a
 * scan of 9 blocks per point instead of a pass over all N.
 */
#include "sc_gistar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* block coordinates must stay far inside int64 and exact in a double */
#define SC_BLOCK_COORD_MAX 4294967296.0 /* 2^32 */

typedef struct block_entry
{
	int64_t		bx;
	int64_t		by;
	size_t		idx;
} block_entry;

typedef struct band_index
{
	const double *x;
	const double *y;
	size_t		n;
	double		block;			/* block side */
	size_t		nblocks;
	int64_t    *bx;				/* per block, sorted by (bx, by) */
	int64_t    *by;
	size_t	   *start;			/* nblocks + 1 offsets into idx */
	size_t	   *idx;			/* point indices grouped by block */
	const sc_alloc *alloc;
} band_index;

static int
block_cmp(const void *a, const void *b)
{
	const block_entry *p = a,
			   *q = b;

	if (p->bx != q->bx)
		return p->bx < q->bx ? -1 : 1;
	if (p->by != q->by)
		return p->by < q->by ? -1 : 1;
	return (p->idx > q->idx) - (p->idx < q->idx);
}

static void
band_index_free(band_index *bi)
{
	sc_free(bi->alloc, bi->bx);
	sc_free(bi->alloc, bi->by);
	sc_free(bi->alloc, bi->start);
	sc_free(bi->alloc, bi->idx);
	bi->bx = bi->by = NULL;
	bi->start = bi->idx = NULL;
}

static double
max_abs_coord(size_t n, const double *x, const double *y)
{
	double		m = 0.0;

	for (size_t i = 0; i < n; i++)
	{
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
		if (fabs(y[i]) > m)
			m = fabs(y[i]);
	}
	return m;
}

/* the distance actually compared: band plus a few ulps of the coordinates */
static double
band_limit(double band, double maxabs)
{
	return band + SC_BAND_TOLERANCE * (maxabs + band);
}

/*
 * Blocks of side limit·(1 + 1e-6): two points within limit then differ by at
 * most one block per axis even after the rounding of x/block, as long as
 * |x/block| < 2^32 (checked).
 */
static sc_status
band_index_build(band_index *bi, size_t n, const double *x, const double *y,
				 double limit, const sc_alloc *alloc, sc_err *err)
{
	block_entry *e;
	size_t		nb = 0;
	double		maxabs = max_abs_coord(n, x, y);

	memset(bi, 0, sizeof(*bi));
	bi->x = x;
	bi->y = y;
	bi->n = n;
	bi->alloc = alloc;
	bi->block = limit * (1.0 + 1e-6);
	if (!(maxabs / bi->block < SC_BLOCK_COORD_MAX))
		return sc_fail(err, SC_EINVAL,
					   "distance band %g is too small for coordinates as large as %g",
					   limit, maxabs);

	/* the entries, then the sort's room for them */
	e = sc_alloc_array(alloc, 2 * n, sizeof(block_entry), err, "points");
	if (!e)
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
	{
		e[i].bx = (int64_t) floor(x[i] / bi->block);
		e[i].by = (int64_t) floor(y[i] / bi->block);
		e[i].idx = i;
	}
	sc_sort(e, e + n, n, sizeof(block_entry), block_cmp, alloc->interrupt);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || e[i].bx != e[i - 1].bx || e[i].by != e[i - 1].by)
			nb++;

	bi->bx = sc_alloc_array(alloc, nb, sizeof(int64_t), err, "blocks");
	bi->by = bi->bx ? sc_alloc_array(alloc, nb, sizeof(int64_t), err, "blocks") : NULL;
	bi->start = bi->by ? sc_alloc_array(alloc, nb + 1, sizeof(size_t), err, "blocks") : NULL;
	bi->idx = bi->start ? sc_alloc_array(alloc, n, sizeof(size_t), err, "points") : NULL;
	if (!bi->idx)
	{
		sc_free(alloc, e);
		band_index_free(bi);
		return SC_ENOMEM;
	}
	nb = 0;
	for (size_t i = 0; i < n; i++)
	{
		if (i == 0 || e[i].bx != e[i - 1].bx || e[i].by != e[i - 1].by)
		{
			bi->bx[nb] = e[i].bx;
			bi->by[nb] = e[i].by;
			bi->start[nb] = i;
			nb++;
		}
		bi->idx[i] = e[i].idx;
	}
	bi->start[nb] = n;
	bi->nblocks = nb;
	sc_free(alloc, e);
	return SC_OK;
}

/* first block >= (bx, by) */
static size_t
block_lower_bound(const band_index *bi, int64_t bx, int64_t by)
{
	size_t		lo = 0,
				hi = bi->nblocks;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (bi->bx[mid] < bx || (bi->bx[mid] == bx && bi->by[mid] < by))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Call visit(ctx, i, j, d2) for every j != i (or every j, self included,
 * when with_self) with squared distance d2 <= lim2.
 */
typedef struct neigh_iter
{
	const band_index *bi;
	size_t		i;
	int			col;			/* -1..1, 2 when done */
	size_t		pos;
	size_t		end;
	double		lim2;
	int64_t		bx;
	int64_t		by;
} neigh_iter;

static void
neigh_begin(neigh_iter *it, const band_index *bi, size_t i, double lim2)
{
	it->bi = bi;
	it->i = i;
	it->lim2 = lim2;
	it->bx = (int64_t) floor(bi->x[i] / bi->block);
	it->by = (int64_t) floor(bi->y[i] / bi->block);
	it->col = -2;
	it->pos = it->end = 0;
}

/* next neighbour (self included); false when exhausted */
static inline bool
neigh_next(neigh_iter *it, size_t *j, double *d2)
{
	const band_index *bi = it->bi;
	double		xi = bi->x[it->i],
				yi = bi->y[it->i];

	for (;;)
	{
		while (it->pos < it->end)
		{
			size_t		k = bi->idx[it->pos++];
			double		dx = xi - bi->x[k],
						dy = yi - bi->y[k],
						dd = dx * dx + dy * dy;

			if (dd <= it->lim2)
			{
				*j = k;
				*d2 = dd;
				return true;
			}
		}
		if (it->col >= 1)
			return false;
		it->col++;
		{
			/* blocks (bx+col, by-1 .. by+1) are contiguous in sort order */
			int64_t		cbx = it->bx + it->col;
			size_t		b0 = block_lower_bound(bi, cbx, it->by - 1),
						b1 = b0;

			while (b1 < bi->nblocks && bi->bx[b1] == cbx && bi->by[b1] <= it->by + 1)
				b1++;
			it->pos = bi->start[b0];
			it->end = bi->start[b1];
		}
	}
}

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

static sc_status
check_points(size_t n, const double *cx, const double *cy, const double *x, sc_err *err)
{
	for (size_t i = 0; i < n; i++)
	{
		if (!isfinite(cx[i]) || !isfinite(cy[i]))
			return sc_fail(err, SC_EINVAL, "cell centres must be finite");
		if (!isfinite(x[i]))
			return sc_fail(err, SC_EINVAL, "cell values must be finite");
	}
	return SC_OK;
}

static bool
all_equal(size_t n, const double *x)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return false;
	return true;
}

sc_status
sc_gistar(size_t n, const double *cx, const double *cy, const double *x,
		  double band, bool fdr, sc_gistar_cell *out, sc_gistar_info *info,
		  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	band_index	bi;
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
	if ((st = check_points(n, cx, cy, x, err)) != SC_OK)
		return st;
	if (all_equal(n, x))
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

	limit = band_limit(band, max_abs_coord(n, cx, cy));
	lim2 = limit * limit;
	if ((st = band_index_build(&bi, n, cx, cy, limit, alloc, err)) != SC_OK)
		return st;

	for (size_t i = 0; i < n; i++)
	{
		neigh_iter	it;
		size_t		j,
					cnt = 0;
		double		d2,
					sum = 0.0,
					wi,
					denom;

		neigh_begin(&it, &bi, i, lim2);
		while (neigh_next(&it, &j, &d2))
		{
			sum += x[j] * scale - mean;
			cnt++;
			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
		/* binary weights: Σw = Σw² = cnt (Ord & Getis 1995, eq. 14) */
		wi = (double) cnt;
		denom = sd * sqrt((dn * wi - wi * wi) / (dn - 1.0));
		out[i].nneigh = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t) cnt;
		if (cnt >= n)
		{
			/* the whole set: 0/0 */
			out[i].z = NAN;
			out[i].p = NAN;
			undefined++;
		}
		else
		{
			out[i].z = sum / denom;
			out[i].p = sc_p_two_sided(out[i].z);
		}
		out[i].bin = (int8_t) sc_confidence_bin(out[i].z, out[i].p);
	}
	band_index_free(&bi);

	if (info)
	{
		info->mean = mean / scale;
		info->sd = sd / scale;
		info->fdr_p[0] = info->fdr_p[1] = info->fdr_p[2] = -1.0;
		info->undefined = undefined;
	}
	if (fdr)
	{
		double	   *z,
				   *p;
		int8_t	   *bin;

		z = sc_alloc_array(alloc, n, sizeof(double), err, "z-scores");
		p = z ? sc_alloc_array(alloc, n, sizeof(double), err, "p-values") : NULL;
		bin = p ? sc_alloc_array(alloc, n, sizeof(int8_t), err, "bins") : NULL;
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
		if (st != SC_OK)
			return st;
	}
	return SC_OK;
}

/* smallest k with d2 <= lim2[k] (lim2 non-decreasing); nd when none */
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
	band_index	bi;
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
	if ((st = check_points(n, cx, cy, x, err)) != SC_OK)
		return st;
	if (all_equal(n, x))
		return sc_fail(err, SC_EINVAL,
					   "all features have the same value (%g): Moran's I is undefined without variation", x[0]);
	if (!sc_mul_size(n, ndist, &cells))
		return sc_fail(err, SC_ENOMEM, "too many features and bands");

	maxabs = max_abs_coord(n, cx, cy);
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
		double		l = band_limit(dist[k], maxabs);

		lim2[k] = l * l;
	}
	if ((st = band_index_build(&bi, n, cx, cy, band_limit(dist[ndist - 1], maxabs),
							   alloc, err)) != SC_OK)
		goto done;

	/* pass 1: neighbour counts per band (cumulative over bands) */
	for (size_t i = 0; i < n; i++)
	{
		neigh_iter	it;
		size_t		j;
		double		d2;
		uint32_t   *ci = cnt + i * ndist;

		neigh_begin(&it, &bi, i, lim2[ndist - 1]);
		while (neigh_next(&it, &j, &d2))
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
		neigh_iter	it;
		size_t		j;
		double		d2;
		const uint32_t *ci = cnt + i * ndist;

		neigh_begin(&it, &bi, i, lim2[ndist - 1]);
		while (neigh_next(&it, &j, &d2))
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
	band_index_free(&bi);

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
