/* sc_ewkb.c — EWKB points in, EWKB polygons out. */
#include "sc_ewkb.h"

#include <math.h>
#include <string.h>

#include "sc_grid.h"

#define WKB_POINT 1
#define WKB_POLYGON 3
#define EWKB_Z 0x80000000u
#define EWKB_M 0x40000000u
#define EWKB_SRID 0x20000000u

static bool
native_is_little(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *) &one == 1;
}

static uint32_t
get_u32(const unsigned char *p, bool swap)
{
	uint32_t	v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static double
get_f64(const unsigned char *p, bool swap)
{
	uint64_t	v;
	double		d;

	memcpy(&v, p, 8);
	if (swap)
		v = __builtin_bswap64(v);
	memcpy(&d, &v, 8);
	return d;
}

sc_point_status
sc_ewkb_point(const unsigned char *wkb, size_t len, double *x, double *y,
			  int32_t *srid, uint32_t *wkb_type)
{
	bool		swap;
	uint32_t	type,
				base;
	size_t		off = 5;

	if (len < 5 || wkb[0] > 1)
		return SC_POINT_MALFORMED;
	swap = (wkb[0] == 1) != native_is_little();
	type = get_u32(wkb + 1, swap);
	/* ISO WKB encodes Z/M as +1000/+2000/+3000; EWKB as high bits */
	base = (type & 0x0fffffffu) % 1000;
	*wkb_type = base;
	*srid = 0;
	if (type & EWKB_SRID)
	{
		if (len < off + 4)
			return SC_POINT_MALFORMED;
		*srid = (int32_t) get_u32(wkb + off, swap);
		off += 4;
	}
	if (base != WKB_POINT)
		return SC_POINT_NOT_POINT;
	if (len < off + 16)
		return SC_POINT_MALFORMED;
	*x = get_f64(wkb + off, swap);
	*y = get_f64(wkb + off + 8, swap);
	/* PostGIS writes POINT EMPTY as NaN coordinates */
	if (isnan(*x) && isnan(*y))
		return SC_POINT_EMPTY;
	if (!isfinite(*x) || !isfinite(*y))
		return SC_POINT_NOT_FINITE;
	return SC_POINT_OK;
}

size_t
sc_ewkb_polygon_size(size_t npoints)
{
	return 1 + 4 + 4 + 4 + 4 + npoints * 16;
}

void
sc_ewkb_polygon_write(unsigned char *dst, int32_t srid, const double *xs,
					  const double *ys, size_t npoints)
{
	uint32_t	type = WKB_POLYGON | EWKB_SRID,
				rings = 1,
				n = (uint32_t) npoints;

	dst[0] = native_is_little() ? 1 : 0;
	memcpy(dst + 1, &type, 4);
	memcpy(dst + 5, &srid, 4);
	memcpy(dst + 9, &rings, 4);
	memcpy(dst + 13, &n, 4);
	dst += 17;
	for (size_t k = 0; k < npoints; k++)
	{
		memcpy(dst, &xs[k], 8);
		memcpy(dst + 8, &ys[k], 8);
		dst += 16;
	}
}

void
sc_ewkb_point_write(unsigned char *dst, int32_t srid, double x, double y)
{
	uint32_t	type = WKB_POINT | EWKB_SRID;

	dst[0] = native_is_little() ? 1 : 0;
	memcpy(dst + 1, &type, 4);
	memcpy(dst + 5, &srid, 4);
	memcpy(dst + 9, &x, 8);
	memcpy(dst + 17, &y, 8);
}

size_t
sc_cell_ring(int kind, double s, int32_t i, int32_t j, double *xs, double *ys)
{
	if (kind == SC_GRID_SQUARE)
	{
		/* ST_Square: lwpoly_construct_envelope order, from (xmin, ymin) */
		double		x0 = s * i,
					y0 = s * j,
					x1 = s * ((double) i + 1),
					y1 = s * ((double) j + 1);
		double		rx[5] = {x0, x0, x1, x1, x0},
					ry[5] = {y0, y1, y1, y0, y0};

		memcpy(xs, rx, sizeof(rx));
		memcpy(ys, ry, sizeof(ry));
		return 5;
	}
	else
	{
		/*
		 * ST_Hexagon: flat-topped, from the left vertex, counter-clockwise;
		 * vertices computed with PostGIS's arithmetic so they are identical
		 */
		static const double hx[7] = {-1.0, -0.5, 0.5, 1.0, 0.5, -0.5, -1.0};
		static const double hy[7] = {0.0, -0.5, -0.5, 0.0, 0.5, 0.5, 0.0};
		double		height = s * 2 * 0.8660254037844387;
		double		odd = 0.5 * (i % 2 != 0);

		for (int k = 0; k < 7; k++)
		{
			xs[k] = s * (1.5 * i + hx[k]);
			ys[k] = height * (j + odd + hy[k]);
		}
		return 7;
	}
}

bool
sc_points_finite(const double *xs, const double *ys, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!isfinite(xs[k]) || !isfinite(ys[k]))
			return false;
	return true;
}

sc_status
sc_cell_ring_finite(int kind, double s, int32_t i, int32_t j, double *xs, double *ys,
					size_t *n, sc_err *err)
{
	*n = sc_cell_ring(kind, s, i, j, xs, ys);
	if (!sc_points_finite(xs, ys, *n))
		return sc_fail(err, SC_ERANGE,
					   "cell (%d,%d) of size %g reaches beyond double precision: it has no polygon",
					   (int) i, (int) j, s);
	return SC_OK;
}
