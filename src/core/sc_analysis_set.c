/*
 * sc_analysis_set.c — the cells within the Gi* distance band of a non-zero
 * cell (see sc_analysis_set.h).
 *
 * The disc of radius D around a cell, on the lattice, is one run of rows per
 * column offset di (a disc meets each column in an interval).  The runs are
 * the same for every cell of a square grid and for every cell of the same
 * column parity on a hexagonal one, so they are computed once as offsets.
 */
#include "sc_analysis_set.h"

#include "sc_gistar.h"

#include <math.h>
#include <string.h>

/* half the height of a hexagon of edge 1, as sc_grid.c rounds it */
#define HEX_HALF_HEIGHT 0.8660254037844387

/* rows j0..j1 of column i */
typedef struct run
{
	int32_t		i;
	int32_t		j0;
	int32_t		j1;
} run;

static int
run_cmp(const void *a, const void *b)
{
	const run  *p = a,
			   *q = b;

	if (p->i != q->i)
		return p->i < q->i ? -1 : 1;
	return (p->j0 > q->j0) - (p->j0 < q->j0);
}

static int
cell_cmp(const void *a, const void *b)
{
	const sc_cell *p = a,
			   *q = b;

	if (p->i != q->i)
		return p->i < q->i ? -1 : 1;
	return (p->j > q->j) - (p->j < q->j);
}

static inline void
tick(sc_interrupt_fn interrupt, size_t *t)
{
	if (interrupt && ++*t % SC_INTERRUPT_EVERY == 0)
		interrupt();
}

/*
 * Is the centre of (p + di, dj) within lim2 (squared) of the centre of
 * (p, 0)?  The arithmetic of sc_grid_cell_center, in int64 and double so
 * that offsets as wide as the index range cannot overflow.
 */
static bool
within(sc_grid_kind kind, double s, int32_t p, int64_t di, int64_t dj, double lim2)
{
	double		dx,
				dy;

	if (kind == SC_GRID_SQUARE)
	{
		dx = (double) di * s;
		dy = (double) dj * s;
	}
	else
	{
		double		height = s * 2 * HEX_HALF_HEIGHT;
		int64_t		i1 = (int64_t) p + di;

		dx = s * (1.5 * (double) i1) - s * (1.5 * (double) p);
		dy = height * ((double) dj + 0.5 * (i1 % 2 != 0)) - height * (0.5 * (p % 2 != 0));
	}
	return dx * dx + dy * dy <= lim2;
}

/*
 * Row offsets lo..hi of column offset di from a cell of parity p that lie
 * within the band (lo > hi when none): the closed form, then checked against
 * the exact centre arithmetic at both ends.
 */
static void
column_offsets(sc_grid_kind kind, double s, int32_t p, int64_t di, double limit,
			   int64_t maxrow, int64_t *lo, int64_t *hi)
{
	double		lim2 = limit * limit,
				xstep = kind == SC_GRID_HEX ? 1.5 * s : s,
				ystep = kind == SC_GRID_HEX ? 2.0 * HEX_HALF_HEIGHT * s : s,
				dx = xstep * (double) di,
				half = kind == SC_GRID_HEX ? 0.5 * (double) ((((p + di) % 2) != 0) - p) : 0.0,
				reach;

	if (fabs(dx) > limit * (1 + 1e-9) + s)
	{
		*lo = 1;
		*hi = 0;
		return;
	}
	/* no run is longer than the rectangle is high (maxrow): that bounds the steps */
	reach = fmin(sqrt(fmax(0.0, lim2 - dx * dx)) / ystep, (double) maxrow);
	*lo = (int64_t) ceil(-reach - half);
	*hi = (int64_t) floor(reach - half);
	while (*lo > -maxrow - 1 && within(kind, s, p, di, *lo - 1, lim2))
		(*lo)--;
	while (*lo <= *hi && !within(kind, s, p, di, *lo, lim2))
		(*lo)++;
	while (*hi < maxrow + 1 && within(kind, s, p, di, *hi + 1, lim2))
		(*hi)++;
	while (*hi >= *lo && !within(kind, s, p, di, *hi, lim2))
		(*hi)--;
}

sc_status
sc_near_event_cells(sc_grid_kind kind, double cell_size, double band,
					size_t ncells, const sc_cell *cells,
					int32_t imin, int32_t imax, int32_t jmin, int32_t jmax,
					size_t max_out, sc_cell **out, size_t *nout,
					sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	double		s = cell_size,
				xstep = kind == SC_GRID_HEX ? 1.5 * cell_size : cell_size,
				maxabs = 0.0,
				limit;
	int64_t		ncol,
				width = (int64_t) imax - imin;
	int64_t    *lo = NULL,
			   *hi = NULL;
	sc_cell    *nz = NULL,
			   *res = NULL;
	run		   *runs = NULL;
	size_t		nnz = 0,
				nruns = 0,
				total = 0,
				cap,
				t = 0;
	int			nparity = kind == SC_GRID_HEX ? 2 : 1;
	sc_status	st = SC_OK;

	*out = NULL;
	*nout = 0;
	if (!(band > 0) || !isfinite(band))
		return sc_fail(err, SC_EINVAL, "distance band must be a positive finite number");
	if (!(cell_size > 0) || !isfinite(cell_size))
		return sc_fail(err, SC_EINVAL, "cell size must be a positive finite number");
	if (imin > imax || jmin > jmax)
		return sc_fail(err, SC_EINVAL, "the rectangle of cells is empty");

	/* the non-zero cells inside the rectangle, sorted (values looked up by merge) */
	for (size_t k = 0; k < ncells; k++)
		nnz += cells[k].value != 0;
	nz = sc_alloc_array(alloc, 2 * nnz, sizeof(sc_cell), err, "non-zero cells");
	if (!nz)
		return SC_ENOMEM;
	nnz = 0;
	for (size_t k = 0; k < ncells; k++)
	{
		double		cx,
					cy;

		tick(interrupt, &t);
		if (cells[k].value == 0 || cells[k].i < imin || cells[k].i > imax ||
			cells[k].j < jmin || cells[k].j > jmax)
			continue;
		nz[nnz++] = cells[k];
		sc_grid_cell_center(kind, s, cells[k].i, cells[k].j, &cx, &cy);
		maxabs = fmax(maxabs, fmax(fabs(cx), fabs(cy)));
	}
	sc_sort(nz, nz + nnz, nnz, sizeof(sc_cell), cell_cmp, interrupt);
	/* Gi*'s comparison: band plus a few ulps of the coordinates reached */
	limit = band + SC_BAND_TOLERANCE * maxabs + 2 * SC_BAND_TOLERANCE * band;

	/* column offsets: none can reach past the rectangle's width */
	ncol = limit / xstep + 1 < (double) width ? (int64_t) ceil(limit / xstep) + 1 : width;
	lo = sc_alloc_array(alloc, (size_t) (2 * ncol + 1) * nparity, sizeof(int64_t), err, "column offsets");
	hi = lo ? sc_alloc_array(alloc, (size_t) (2 * ncol + 1) * nparity, sizeof(int64_t), err, "column offsets") : NULL;
	if (!hi)
	{
		st = SC_ENOMEM;
		goto done;
	}
	for (int p = 0; p < nparity; p++)
		for (int64_t di = -ncol; di <= ncol; di++)
		{
			size_t		k = (size_t) p * (2 * ncol + 1) + (size_t) (di + ncol);

			tick(interrupt, &t);
			column_offsets(kind, s, p, di, limit, (int64_t) jmax - jmin, &lo[k], &hi[k]);
		}

	/* one run per (non-zero cell, column), clipped to the rectangle */
	if (!sc_mul_size(nnz, (size_t) (2 * ncol + 1), &cap))
	{
		st = sc_fail(err, SC_ENOMEM, "too many runs of cells (%zu non-zero cells)", nnz);
		goto done;
	}
	runs = sc_alloc_array(alloc, cap, 2 * sizeof(run), err, "runs of cells");
	if (!runs)
	{
		st = SC_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < nnz; k++)
	{
		int32_t		p = kind == SC_GRID_HEX ? (nz[k].i % 2 != 0) : 0;

		for (int64_t di = -ncol; di <= ncol; di++)
		{
			size_t		o = (size_t) p * (2 * ncol + 1) + (size_t) (di + ncol);
			int64_t		i = (int64_t) nz[k].i + di,
						j0 = (int64_t) nz[k].j + lo[o],
						j1 = (int64_t) nz[k].j + hi[o];

			tick(interrupt, &t);
			if (i < imin || i > imax || lo[o] > hi[o])
				continue;
			if (j0 < jmin)
				j0 = jmin;
			if (j1 > jmax)
				j1 = jmax;
			if (j0 > j1)
				continue;
			runs[nruns].i = (int32_t) i;
			runs[nruns].j0 = (int32_t) j0;
			runs[nruns].j1 = (int32_t) j1;
			nruns++;
		}
	}
	sc_sort(runs, runs + nruns, nruns, sizeof(run), run_cmp, interrupt);

	/* merge the runs of each column in place, counting the cells */
	{
		size_t		m = 0;

		for (size_t k = 0; k < nruns; k++)
		{
			tick(interrupt, &t);
			if (m > 0 && runs[m - 1].i == runs[k].i && (int64_t) runs[k].j0 <= (int64_t) runs[m - 1].j1 + 1)
			{
				if (runs[k].j1 > runs[m - 1].j1)
					runs[m - 1].j1 = runs[k].j1;
			}
			else
				runs[m++] = runs[k];
		}
		nruns = m;
	}
	for (size_t k = 0; k < nruns; k++)
	{
		total += (size_t) ((int64_t) runs[k].j1 - runs[k].j0 + 1);
		if (max_out > 0 && total > max_out)
		{
			st = sc_fail(err, SC_ELIMIT, "the cells near events number more than %zu", max_out);
			goto done;
		}
	}
	res = sc_alloc_array(alloc, total, sizeof(sc_cell), err, "cells near events");
	if (!res)
	{
		st = SC_ENOMEM;
		goto done;
	}
	{
		size_t		m = 0,
					v = 0;

		for (size_t k = 0; k < nruns; k++)
			for (int64_t j = runs[k].j0; j <= runs[k].j1; j++)
			{
				sc_cell		c = {runs[k].i, (int32_t) j, 0.0};

				tick(interrupt, &t);
				/* both lists ascend by (i, j): walk the non-zero cells along */
				while (v < nnz && cell_cmp(&nz[v], &c) < 0)
					v++;
				if (v < nnz && nz[v].i == c.i && nz[v].j == c.j)
					c.value = nz[v].value;
				res[m++] = c;
			}
	}
	*out = res;
	*nout = total;
done:
	sc_free(alloc, nz);
	sc_free(alloc, lo);
	sc_free(alloc, hi);
	sc_free(alloc, runs);
	return st;
}

static bool
index_in_range(double v)
{
	return v >= -(double) SC_CELL_INDEX_MAX && v <= (double) SC_CELL_INDEX_MAX;
}

sc_status
sc_area_cells(sc_grid_kind kind, double cell_size, const sc_area *area,
			  sc_cell_fn fn, void *ctx, sc_interrupt_fn interrupt,
			  const sc_alloc *alloc, sc_err *err)
{
	const double s = cell_size;
	const bool	hex = kind == SC_GRID_HEX;
	/* only bounds the rows: any close value of √3 will do */
	const double ystep = hex ? 1.7320508075688772 * s : s,
				xstep = hex ? 1.5 * s : s;
	double		j0 = floor(area->ymin / ystep) - 2,
				j1 = ceil(area->ymax / ystep) + 2;
	double	   *c;
	sc_status	st = SC_OK;

	if (!index_in_range(j0) || !index_in_range(j1) ||
		!index_in_range(floor(area->xmin / xstep) - 3) || !index_in_range(ceil(area->xmax / xstep) + 3))
		return sc_fail(err, SC_ERANGE, "the study area reaches beyond the cell index range of the grid");
	c = sc_alloc_array(alloc, area->npoints + 1, sizeof(double), err, "the row crossings of the study area");
	if (!c)
		return SC_ENOMEM;
	for (int32_t j = (int32_t) j0; j <= (int32_t) j1 && st == SC_OK; j++)
		for (int parity = 0; parity < (hex ? 2 : 1) && st == SC_OK; parity++)
		{
			double		cx,
						cy;
			size_t		m;

			if (interrupt)
				interrupt();
			/* the centre line of the row (for hexagons: of its columns of this parity) */
			sc_grid_cell_center(kind, s, parity, j, &cx, &cy);
			m = sc_area_crossings(area, cy, c);
			for (size_t k = 0; k + 1 < m && st == SC_OK; k += 2)
			{
				int32_t		i0 = (int32_t) floor(c[k] / xstep) - 2,
							i1 = (int32_t) ceil(c[k + 1] / xstep) + 2;

				for (int32_t i = i0; i <= i1 && st == SC_OK; i++)
				{
					if (hex && (i & 1) != parity)
						continue;
					sc_grid_cell_center(kind, s, i, j, &cx, &cy);
					if (cx >= c[k] && cx < c[k + 1])
						st = fn(ctx, i, j, cx, cy);
				}
			}
		}
	sc_free(alloc, c);
	return st;
}
