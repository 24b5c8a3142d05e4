/*
 * sc_units.c — the unit-trap rules of sc_units.h.
 */
#include "sc_units.h"

#include <math.h>

#define SQRT3 1.7320508075688772

void
sc_bbox_init(sc_bbox *b)
{
	b->xmin = b->ymin = INFINITY;
	b->xmax = b->ymax = -INFINITY;
	b->empty = true;
}

void
sc_bbox_add(sc_bbox *b, double x, double y)
{
	if (x < b->xmin)
		b->xmin = x;
	if (x > b->xmax)
		b->xmax = x;
	if (y < b->ymin)
		b->ymin = y;
	if (y > b->ymax)
		b->ymax = y;
	b->empty = false;
}

sc_bbox
sc_bbox_of(size_t n, const double *x, const double *y)
{
	sc_bbox		b;

	sc_bbox_init(&b);
	for (size_t k = 0; k < n; k++)
		sc_bbox_add(&b, x[k], y[k]);
	return b;
}

double
sc_bbox_extent(const sc_bbox *b)
{
	if (b->empty)
		return 0;
	return fmax(b->xmax - b->xmin, b->ymax - b->ymin);
}

bool
sc_units_lonlat_points(int32_t srid, const sc_bbox *b, double length)
{
	if (srid != 0 || b->empty || !(length > 0))
		return false;
	if (!(b->xmin >= -180 && b->xmax <= 180 && b->ymin >= -90 && b->ymax <= 90))
		return false;
	return length > sc_bbox_extent(b);
}

/* half width and half height of a cell's bounding box */
static void
cell_half(sc_grid_kind kind, double s, double *hw, double *hh)
{
	if (kind == SC_GRID_HEX)
	{
		*hw = s;
		*hh = SQRT3 / 2 * s;
	}
	else
		*hw = *hh = s / 2;
}

/* the x of column i's centres, the y of row r's (r = 2j, +1 in odd hexagon columns) */
static double
center_x(sc_grid_kind kind, double s, int64_t i)
{
	double		x,
				y;

	sc_grid_cell_center(kind, s, (int32_t) i, 0, &x, &y);
	return x;
}

static double
row_y(sc_grid_kind kind, double s, int64_t r)
{
	double		x,
				y;

	sc_grid_cell_center(kind, s, (int32_t) (r & 1), (int32_t) ((r - (r & 1)) / 2), &x, &y);
	return y;
}

sc_bbox
sc_grid_cells_bbox(sc_grid_kind kind, double s, const sc_cell *cells, size_t n)
{
	sc_bbox		b;
	double		hw,
				hh;
	int64_t		imin = INT64_MAX,
				imax = INT64_MIN,
				rmin = INT64_MAX,
				rmax = INT64_MIN;

	sc_bbox_init(&b);
	if (n == 0)
		return b;
	cell_half(kind, s, &hw, &hh);

	/*
	 * A centre's x grows with i and its y with the row r = 2j (+1 in odd
	 * hexagon columns), and rounding keeps that order: the box is that of
	 * the extreme indices' centres, found in one integer pass.
	 */
	for (size_t k = 0; k < n; k++)
	{
		int64_t		i = cells[k].i,
					r = 2 * (int64_t) cells[k].j + (kind == SC_GRID_HEX && (i & 1));

		imin = i < imin ? i : imin;
		imax = i > imax ? i : imax;
		rmin = r < rmin ? r : rmin;
		rmax = r > rmax ? r : rmax;
	}
	sc_bbox_add(&b, center_x(kind, s, imin) - hw, row_y(kind, s, rmin) - hh);
	sc_bbox_add(&b, center_x(kind, s, imax) + hw, row_y(kind, s, rmax) + hh);
	return b;
}

bool
sc_units_lonlat_grid(sc_grid_kind kind, int32_t srid, double s, const sc_bbox *u, double margin)
{
	double		hw,
				hh,
				wc,
				hc;

	if (srid != 0 || u->empty || !(s > 0) || !(margin >= 0))
		return false;
	cell_half(kind, s, &hw, &hh);
	wc = 2 * hw;
	hc = 2 * hh;
	/* U shrunk by the margin within the box grown by one cell */
	if (!(u->xmin + margin >= -180 - wc && u->xmax - margin <= 180 + wc &&
		  u->ymin + margin >= -90 - hc && u->ymax - margin <= 90 + hc))
		return false;
	/* at most two cells (plus the margin on each side) wide and high */
	return u->xmax - u->xmin <= 2 * wc + 2 * margin && u->ymax - u->ymin <= 2 * hc + 2 * margin;
}

double
sc_units_cells_over(sc_grid_kind kind, double s, const sc_bbox *b, double margin)
{
	double		sx = kind == SC_GRID_HEX ? 1.5 * s : s,
				sy = kind == SC_GRID_HEX ? SQRT3 * s : s;

	if (b->empty || !(s > 0))
		return 0;
	return (floor((b->xmax + margin) / sx) - floor((b->xmin - margin) / sx) + 1) *
		(floor((b->ymax + margin) / sy) - floor((b->ymin - margin) / sy) + 1);
}

double
sc_units_cells_spanned(const sc_cell *cells, size_t n)
{
	int32_t		imin,
				imax,
				jmin,
				jmax;

	if (n == 0)
		return 0;
	imin = imax = cells[0].i;
	jmin = jmax = cells[0].j;
	for (size_t k = 1; k < n; k++)
	{
		if (cells[k].i < imin)
			imin = cells[k].i;
		if (cells[k].i > imax)
			imax = cells[k].i;
		if (cells[k].j < jmin)
			jmin = cells[k].j;
		if (cells[k].j > jmax)
			jmax = cells[k].j;
	}
	return ((double) imax - imin + 1) * ((double) jmax - jmin + 1);
}
