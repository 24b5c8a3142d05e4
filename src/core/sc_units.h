/*
 * sc_units.h — unit traps: points at SRID 0 that look like longitude and
 * latitude, and cell sizes that make implausibly many cells.
 *
 * The rule (docs/reference.md, "Units and SRIDs").  Points at SRID 0 (no
 * SRID) look like longitude/latitude in degrees when every point lies in
 * [-180, 180] × [-90, 90] AND the smallest length the analysis uses (cell
 * size, bandwidth, distance band) exceeds the extent of the points (the
 * larger side of their bounding box): in metres such an analysis would see
 * all the data within one cell or one distance.  Genuine local coordinates
 * in metres either leave that box or spread wider than the length, and any
 * SRID other than 0 is never taken for degrees by this rule.
 *
 * A grid keeps cells, not points; its form of the rule reads the union U
 * of the bounding boxes of its non-empty cells, with margin m how far the
 * values reach beyond the points (0 for counts, support·bandwidth for
 * densities): SRID 0, U shrunk by m within the box grown by one cell, and
 * U at most two cells plus 2m wide and high — what the point rule with the
 * cell size as length gives for counts and densities.
 */
#ifndef SC_UNITS_H
#define SC_UNITS_H

#include "sc_common.h"
#include "sc_grid.h"

/* more cells than this over the data's extent is implausible (a NOTICE) */
#define SC_UNITS_MANY_CELLS 1000000.0

typedef struct sc_bbox
{
	double		xmin,
				ymin,
				xmax,
				ymax;
	bool		empty;
} sc_bbox;

void		sc_bbox_init(sc_bbox *b);
void		sc_bbox_add(sc_bbox *b, double x, double y);
/* the bounding box of n points */
sc_bbox		sc_bbox_of(size_t n, const double *x, const double *y);
/* the larger side of b (0 when empty) */
double		sc_bbox_extent(const sc_bbox *b);

/*
 * Whether points at srid with bounding box b look like longitude/latitude
 * for an analysis whose smallest length is length (see above).
 */
bool		sc_units_lonlat_points(int32_t srid, const sc_bbox *b, double length);

/* union of the bounding boxes of n cells of a grid of kind with cell size s */
sc_bbox		sc_grid_cells_bbox(sc_grid_kind kind, double s, const sc_cell *cells, size_t n);

/* the grid form of the rule: cells' union u, values reaching margin beyond the points */
bool		sc_units_lonlat_grid(sc_grid_kind kind, int32_t srid, double s, const sc_bbox *u,
								 double margin);

/*
 * Square cells of size s needed to cover b grown by margin on each side
 * (the rectangle of cell indices; hexagons: the same with their spacing);
 * a double, so that it never overflows.  0 for an empty box.
 */
double		sc_units_cells_over(sc_grid_kind kind, double s, const sc_bbox *b, double margin);

/* the index rectangle spanned by n cells: (imax - imin + 1) · (jmax - jmin + 1) */
double		sc_units_cells_spanned(const sc_cell *cells, size_t n);

#endif
