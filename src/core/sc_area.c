/* sc_area.c — study areas from EWKB and scanline point-in-area tests. */
#include "sc_area.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WKB_POLYGON 3
#define WKB_MULTIPOLYGON 6
#define EWKB_Z 0x80000000u
#define EWKB_M 0x40000000u
#define EWKB_SRID 0x20000000u

typedef struct reader
{
	const unsigned char *p;
	size_t		len;
	size_t		off;
} reader;

static bool
native_is_little(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *) &one == 1;
}

static bool
get_u32(reader *r, bool swap, uint32_t *v)
{
	if (r->len - r->off < 4)
		return false;
	memcpy(v, r->p + r->off, 4);
	if (swap)
		*v = __builtin_bswap32(*v);
	r->off += 4;
	return true;
}

static bool
get_f64(reader *r, bool swap, double *d)
{
	uint64_t	v;

	if (r->len - r->off < 8)
		return false;
	memcpy(&v, r->p + r->off, 8);
	if (swap)
		v = __builtin_bswap64(v);
	memcpy(d, &v, 8);
	r->off += 8;
	return true;
}

/* geometry header: byte order, type, dimensions, optional SRID */
static sc_status
read_header(reader *r, bool *swap, uint32_t *base, int *dims, int32_t *srid, sc_err *err)
{
	uint32_t	type = 0,
				s;

	if (r->len - r->off < 5 || r->p[r->off] > 1)
		return sc_fail(err, SC_EINVAL, "the study area is not valid WKB");
	*swap = (r->p[r->off] == 1) != native_is_little();
	r->off++;
	get_u32(r, *swap, &type);
	*base = (type & 0x0fffffffu) % 1000;
	*dims = 2;
	if ((type & EWKB_Z) || ((type & 0x0fffffffu) / 1000) % 2 == 1)
		(*dims)++;
	if ((type & EWKB_M) || (type & 0x0fffffffu) / 1000 >= 2)
		(*dims)++;
	if (type & EWKB_SRID)
	{
		if (!get_u32(r, *swap, &s))
			return sc_fail(err, SC_EINVAL, "the study area is truncated WKB");
		if (srid)
			*srid = (int32_t) s;
	}
	return SC_OK;
}

static sc_status
grow(sc_area *a, size_t *cap_pts, size_t need_pts, size_t *cap_rings, sc_err *err)
{
	if (need_pts > *cap_pts)
	{
		/* the first ring's size exactly: tens of thousands of small areas stay small */
		size_t		nc = *cap_pts ? *cap_pts * 2 : (need_pts > 4 ? need_pts : 4);
		double	   *nx,
				   *ny;

		while (nc < need_pts)
			nc *= 2;
		nx = a->alloc.realloc(a->alloc.ctx, a->x, nc * sizeof(double));
		if (!nx)
			return sc_fail(err, SC_ENOMEM, "out of memory reading the study area");
		a->x = nx;
		ny = a->alloc.realloc(a->alloc.ctx, a->y, nc * sizeof(double));
		if (!ny)
			return sc_fail(err, SC_ENOMEM, "out of memory reading the study area");
		a->y = ny;
		*cap_pts = nc;
	}
	if (a->nrings + 2 > *cap_rings)
	{
		size_t		nc = *cap_rings ? *cap_rings * 2 : 2;
		size_t	   *nr = a->alloc.realloc(a->alloc.ctx, a->ring_start, nc * sizeof(size_t));

		if (!nr)
			return sc_fail(err, SC_ENOMEM, "out of memory reading the study area");
		a->ring_start = nr;
		*cap_rings = nc;
	}
	return SC_OK;
}

static sc_status
read_polygon_body(reader *r, bool swap, int dims, sc_area *a, size_t *cap_pts,
				  size_t *cap_rings, sc_err *err)
{
	uint32_t	nrings;
	sc_status	st;

	if (!get_u32(r, swap, &nrings))
		return sc_fail(err, SC_EINVAL, "the study area is truncated WKB");
	for (uint32_t k = 0; k < nrings; k++)
	{
		uint32_t	np;

		if (!get_u32(r, swap, &np))
			return sc_fail(err, SC_EINVAL, "the study area is truncated WKB");
		if ((size_t) np > (r->len - r->off) / (8 * (size_t) dims))
			return sc_fail(err, SC_EINVAL, "the study area is truncated WKB");
		if (np < 4)
			return sc_fail(err, SC_EINVAL, "the study area has a ring of fewer than 4 points");
		if ((st = grow(a, cap_pts, a->npoints + np, cap_rings, err)) != SC_OK)
			return st;
		for (uint32_t q = 0; q < np; q++)
		{
			double		x,
						y,
						skip;

			sc_alloc_poll(&a->alloc, a->npoints);
			get_f64(r, swap, &x);
			get_f64(r, swap, &y);
			for (int d = 2; d < dims; d++)
				get_f64(r, swap, &skip);
			if (!isfinite(x) || !isfinite(y))
				return sc_fail(err, SC_EINVAL, "the study area has a NaN or infinite coordinate");
			a->x[a->npoints] = x;
			a->y[a->npoints] = y;
			a->npoints++;
			if (x < a->xmin) a->xmin = x;
			if (x > a->xmax) a->xmax = x;
			if (y < a->ymin) a->ymin = y;
			if (y > a->ymax) a->ymax = y;
		}
		/* the even-odd scanlines count crossings of closed rings only */
		if (a->x[a->npoints - np] != a->x[a->npoints - 1] || a->y[a->npoints - np] != a->y[a->npoints - 1])
			return sc_fail(err, SC_EINVAL, "the study area has a ring that is not closed");
		a->ring_start[a->nrings] = a->npoints - np;
		a->nrings++;
		a->ring_start[a->nrings] = a->npoints;
	}
	return SC_OK;
}

sc_status
sc_area_from_ewkb(const unsigned char *wkb, size_t len, sc_area *a,
				  const sc_alloc *alloc, sc_err *err)
{
	reader		r = {wkb, len, 0};
	bool		swap;
	uint32_t	base;
	int			dims;
	size_t		cap_pts = 0,
				cap_rings = 0;
	sc_status	st;

	memset(a, 0, sizeof(*a));
	a->alloc = *alloc;
	a->xmin = a->ymin = INFINITY;
	a->xmax = a->ymax = -INFINITY;
	if ((st = grow(a, &cap_pts, 0, &cap_rings, err)) != SC_OK)
		return st;
	a->ring_start[0] = 0;
	if ((st = read_header(&r, &swap, &base, &dims, &a->srid, err)) != SC_OK)
		return st;
	if (base == WKB_POLYGON)
		st = read_polygon_body(&r, swap, dims, a, &cap_pts, &cap_rings, err);
	else if (base == WKB_MULTIPOLYGON)
	{
		uint32_t	ngeoms;

		if (!get_u32(&r, swap, &ngeoms))
			return sc_fail(err, SC_EINVAL, "the study area is truncated WKB");
		for (uint32_t g = 0; g < ngeoms && st == SC_OK; g++)
		{
			bool		s2;
			uint32_t	b2;
			int			d2;

			if ((st = read_header(&r, &s2, &b2, &d2, NULL, err)) != SC_OK)
				return st;
			if (b2 != WKB_POLYGON)
				return sc_fail(err, SC_EINVAL, "the study area is not valid WKB");
			st = read_polygon_body(&r, s2, d2, a, &cap_pts, &cap_rings, err);
		}
	}
	else
		return sc_fail(err, SC_EINVAL, "the study area must be a polygon or multipolygon");
	if (st != SC_OK)
		return st;
	if (a->nrings == 0 || !(a->xmax > a->xmin) || !(a->ymax > a->ymin))
		return sc_fail(err, SC_EINVAL, "the study area is empty");
	return SC_OK;
}

void
sc_area_free(sc_area *a)
{
	if (a->x)
		a->alloc.free(a->alloc.ctx, a->x);
	if (a->y)
		a->alloc.free(a->alloc.ctx, a->y);
	if (a->ring_start)
		a->alloc.free(a->alloc.ctx, a->ring_start);
	a->x = a->y = NULL;
	a->ring_start = NULL;
}

static int
cmp_double(const void *pa, const void *pb)
{
	double		a = *(const double *) pa,
				b = *(const double *) pb;

	return (a > b) - (a < b);
}

size_t
sc_area_crossings(const sc_area *a, double y, double *buf)
{
	size_t		m = 0;

	if (y < a->ymin || y > a->ymax)
		return 0;
	for (size_t r = 0; r < a->nrings; r++)
		for (size_t k = a->ring_start[r]; k + 1 < a->ring_start[r + 1]; k++)
		{
			double		x1 = a->x[k],
						y1 = a->y[k],
						x2 = a->x[k + 1],
						y2 = a->y[k + 1];

			if ((y1 > y) != (y2 > y))
				buf[m++] = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
		}
	qsort(buf, m, sizeof(double), cmp_double);
	return m;
}

bool
sc_area_inside_row(const double *c, size_t m, double x)
{
	/* number of crossings <= x, by binary search */
	size_t		lo = 0,
				hi = m;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (c[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo & 1) != 0;
}

bool
sc_area_contains(const sc_area *a, double x, double y, double *buf)
{
	size_t		m = sc_area_crossings(a, y, buf);

	return sc_area_inside_row(buf, m, x);
}
