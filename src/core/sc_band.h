/*
 * sc_band.h — neighbours within a fixed distance band, shared by Gi* and
 * Moran's I (internal to the core).
 *
 * Centres are hashed into square blocks a little wider than the band
 * (sorted by block, looked up by binary search), so the neighbours of a
 * point lie in its own block row/column ±1: 3 lookups and a scan of 9
 * blocks per point instead of a pass over all N.
 */
#ifndef SC_BAND_H
#define SC_BAND_H

#include "sc_common.h"
#include "sc_gistar.h"			/* SC_BAND_TOLERANCE: the neighbour rule */

#include <math.h>

/* block coordinates must stay far inside int64 and exact in a double */
#define SC_BLOCK_COORD_MAX 4294967296.0 /* 2^32 */

typedef struct sc_block_entry
{
	int64_t		bx;
	int64_t		by;
	size_t		idx;
} sc_block_entry;

typedef struct sc_band_index
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
} sc_band_index;

/* the largest |coordinate| of the points */
double		sc_band_max_abs_coord(size_t n, const double *x, const double *y);
/* the squared-distance limit of band (with its tolerance) for coordinates up to maxabs */
double		sc_band_limit(double band, double maxabs);
/* index the n points (x, y) in blocks of side block; free with sc_band_index_free */
sc_status	sc_band_index_build(sc_band_index *bi, size_t n, const double *x, const double *y,
								double block, const sc_alloc *alloc, sc_err *err);
void		sc_band_index_free(sc_band_index *bi);
/* finite centres and values, for Gi* and Moran's I */
sc_status	sc_band_check_points(size_t n, const double *cx, const double *cy, const double *x, sc_err *err);
/* every x[k] equal to x[0] */
bool		sc_band_all_equal(size_t n, const double *x);

/* first block >= (bx, by) */
static inline size_t
sc_band_lower_bound(const sc_band_index *bi, int64_t bx, int64_t by)
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
 * The neighbours of point i: sc_neigh_begin, then sc_neigh_next until it
 * returns false, yields every j (i itself included) with squared distance
 * d2 <= lim2.
 */
typedef struct sc_neigh_iter
{
	const sc_band_index *bi;
	size_t		i;
	int			col;			/* -1..1, 2 when done */
	size_t		pos;
	size_t		end;
	double		lim2;
	int64_t		bx;
	int64_t		by;
} sc_neigh_iter;

static inline void
sc_neigh_begin(sc_neigh_iter *it, const sc_band_index *bi, size_t i, double lim2)
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
sc_neigh_next(sc_neigh_iter *it, size_t *j, double *d2)
{
	const sc_band_index *bi = it->bi;
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
			size_t		b0 = sc_band_lower_bound(bi, cbx, it->by - 1),
						b1 = b0;

			while (b1 < bi->nblocks && bi->bx[b1] == cbx && bi->by[b1] <= it->by + 1)
				b1++;
			it->pos = bi->start[b0];
			it->end = bi->start[b1];
		}
	}
}

#endif
