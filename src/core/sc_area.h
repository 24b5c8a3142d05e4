/*
 * sc_area.h — a study area (polygon or multipolygon) read from EWKB, and
 * point-in-area tests by scanlines: for a horizontal line y the crossings of
 * every ring edge are sorted once, and a point (x, y) is inside when an odd
 * number of crossings lie at or left of x (even-odd rule over all rings, so
 * holes and separate parts need no special case).  Testing a whole row of
 * cell centres costs O(edges log edges + cells), not edges × cells.
 */
#ifndef SC_AREA_H
#define SC_AREA_H

#include "sc_common.h"

typedef struct sc_area
{
	int32_t		srid;			/* 0 when the EWKB has none */
	size_t		nrings;
	size_t	   *ring_start;		/* nrings + 1 offsets into x, y */
	double	   *x;				/* ring vertices (closed rings) */
	double	   *y;
	size_t		npoints;
	double		xmin,
				xmax,
				ymin,
				ymax;
	sc_alloc	alloc;
} sc_area;

/*
 * Read a Polygon or MultiPolygon (EWKB or ISO WKB, either byte order, Z/M
 * ignored).  SC_EINVAL for other types, empty areas, rings with fewer than
 * 4 points or not closed, non-finite coordinates or truncated input.
 */
sc_status	sc_area_from_ewkb(const unsigned char *wkb, size_t len, sc_area *a,
							  const sc_alloc *alloc, sc_err *err);
void		sc_area_free(sc_area *a);

/*
 * Sorted x-coordinates where the line at height y crosses ring edges (an
 * edge counts when exactly one end lies above y).  buf needs room for
 * a->npoints values; returns the number written.
 */
size_t		sc_area_crossings(const sc_area *a, double y, double *buf);

/* is x inside, given sorted crossings c[0..m) of its line (even-odd rule) */
bool		sc_area_inside_row(const double *c, size_t m, double x);

/* point in area (one scanline; for single points) */
bool		sc_area_contains(const sc_area *a, double x, double y, double *buf);

#endif
