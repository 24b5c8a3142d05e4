/* sc_band.c — the block index of neighbours within a distance band (see sc_band.h). */
#include "sc_band.h"

#include <stdlib.h>
#include <string.h>

static int
block_cmp(const void *a, const void *b)
{
	const sc_block_entry *p = a,
			   *q = b;

	if (p->bx != q->bx)
		return p->bx < q->bx ? -1 : 1;
	if (p->by != q->by)
		return p->by < q->by ? -1 : 1;
	return (p->idx > q->idx) - (p->idx < q->idx);
}

void
sc_band_index_free(sc_band_index *bi)
{
	sc_free(bi->alloc, bi->bx);
	sc_free(bi->alloc, bi->by);
	sc_free(bi->alloc, bi->start);
	sc_free(bi->alloc, bi->idx);
	bi->bx = bi->by = NULL;
	bi->start = bi->idx = NULL;
}

double
sc_band_max_abs_coord(size_t n, const double *x, const double *y)
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
double
sc_band_limit(double band, double maxabs)
{
	return band + SC_BAND_TOLERANCE * (maxabs + band);
}

/*
 * Blocks of side limit·(1 + 1e-6): two points within limit then differ by at
 * most one block per axis even after the rounding of x/block, as long as
 * |x/block| < 2^32 (checked).
 */
sc_status
sc_band_index_build(sc_band_index *bi, size_t n, const double *x, const double *y,
				 double limit, const sc_alloc *alloc, sc_err *err)
{
	sc_block_entry *e;
	size_t		nb = 0;
	double		maxabs = sc_band_max_abs_coord(n, x, y);

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
	e = sc_alloc_array(alloc, 2 * n, sizeof(sc_block_entry), err, "points");
	if (!e)
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
	{
		e[i].bx = (int64_t) floor(x[i] / bi->block);
		e[i].by = (int64_t) floor(y[i] / bi->block);
		e[i].idx = i;
	}
	sc_sort(e, e + n, n, sizeof(sc_block_entry), block_cmp, alloc->interrupt);
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
		sc_band_index_free(bi);
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

sc_status
sc_band_check_points(size_t n, const double *cx, const double *cy, const double *x, sc_err *err)
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

bool
sc_band_all_equal(size_t n, const double *x)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return false;
	return true;
}
