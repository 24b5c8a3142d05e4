/*
 * sc_ewkb.h — the (E)WKB interchange form of PostGIS, for points in and
 * polygons out.  The server layer gets EWKB from PostGIS's own binary send
 * function and hands EWKB to its receive function, so safety never depends
 * on PostGIS's internal storage format.
 */
#ifndef SC_EWKB_H
#define SC_EWKB_H

#include "sc_common.h"

typedef enum sc_point_status
{
	SC_POINT_OK = 0,
	SC_POINT_EMPTY,				/* POINT EMPTY */
	SC_POINT_NOT_POINT,			/* another geometry type */
	SC_POINT_NOT_FINITE,		/* NaN or infinite coordinate */
	SC_POINT_MALFORMED			/* not EWKB */
} sc_point_status;

/* read x, y and the SRID (0 when absent) of an EWKB point; Z and M ignored */
sc_point_status sc_ewkb_point(const unsigned char *wkb, size_t len,
							  double *x, double *y, int32_t *srid, uint32_t *wkb_type);

/* bytes needed for a one-ring polygon of npoints (closed) points */
size_t		sc_ewkb_polygon_size(size_t npoints);
/* write an EWKB polygon with SRID in native byte order */
void		sc_ewkb_polygon_write(unsigned char *dst, int32_t srid,
								  const double *xs, const double *ys, size_t npoints);
/* bytes of an EWKB point with SRID */
#define SC_EWKB_POINT_SIZE 25
/* write an EWKB point with SRID in native byte order (SC_EWKB_POINT_SIZE bytes) */
void		sc_ewkb_point_write(unsigned char *dst, int32_t srid, double x, double y);
/* the ring of a grid cell, vertex order as PostGIS ST_Square / ST_Hexagon */
size_t		sc_cell_ring(int kind, double s, int32_t i, int32_t j, double *xs, double *ys);
/*
 * The same ring (*n vertices) when every vertex is a finite double;
 * SC_ERANGE naming the cell otherwise (a cell size near 1e308 away from the
 * origin): such a cell has no polygon, and none with an Infinity is made.
 */
sc_status	sc_cell_ring_finite(int kind, double s, int32_t i, int32_t j, double *xs, double *ys,
								size_t *n, sc_err *err);
/* whether all n points are finite (a polygon or zone can be drawn) */
bool		sc_points_finite(const double *xs, const double *ys, size_t n);

#endif
