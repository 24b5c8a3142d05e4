/*
 * fuzz_ewkb.c — the (E)WKB readers: points (sc_ewkb_point, every geometry
 * the aggregates receive) and study areas (sc_area_from_ewkb, gi_star's and
 * optimized_hotspots' polygons).  Any bytes: no crash, and a refused area
 * says why.  An accepted point written as EWKB reads back the same; an
 * accepted area is well formed, and the scanline tests stay in its bounds.
 */
#include <math.h>

#include "fuzz_util.h"
#include "sc_area.h"
#include "sc_ewkb.h"

static void
check_point(const uint8_t *data, size_t size)
{
	double		x,
				y,
				x2,
				y2;
	int32_t		srid,
				srid2;
	uint32_t	type,
				type2;
	unsigned char buf[SC_EWKB_POINT_SIZE];

	if (sc_ewkb_point(data, size, &x, &y, &srid, &type) != SC_POINT_OK)
		return;
	FZ_REQUIRE(isfinite(x) && isfinite(y) && type == 1);
	sc_ewkb_point_write(buf, srid, x, y);
	FZ_REQUIRE(sc_ewkb_point(buf, sizeof(buf), &x2, &y2, &srid2, &type2) == SC_POINT_OK);
	FZ_REQUIRE(fz_same(x, x2) && fz_same(y, y2) && srid == srid2 && type2 == 1);
}

static void
check_area(const uint8_t *data, size_t size)
{
	sc_area		a;
	sc_err		err = {{0}};
	sc_status	st = sc_area_from_ewkb(data, size, &a, &sc_malloc_allocator, &err);
	double	   *buf;

	if (st != SC_OK)
	{
		fz_require_reason(st, &err);
		sc_area_free(&a);
		return;
	}
	FZ_REQUIRE(a.nrings >= 1 && a.ring_start[0] == 0 && a.ring_start[a.nrings] == a.npoints);
	for (size_t r = 0; r < a.nrings; r++)
	{
		size_t		s = a.ring_start[r],
					e = a.ring_start[r + 1];

		FZ_REQUIRE(e >= s + 4);
		/* closed rings: every horizontal line crosses each an even number of times */
		FZ_REQUIRE(a.x[s] == a.x[e - 1] && a.y[s] == a.y[e - 1]);
	}
	for (size_t k = 0; k < a.npoints; k++)
		FZ_REQUIRE(a.x[k] >= a.xmin && a.x[k] <= a.xmax && a.y[k] >= a.ymin && a.y[k] <= a.ymax);
	buf = malloc(a.npoints * sizeof(double));
	FZ_REQUIRE(buf != NULL);
	for (int q = 0; q <= 8; q++)
	{
		double		y = a.ymin + (a.ymax - a.ymin) * q / 8.0;
		size_t		m = sc_area_crossings(&a, isfinite(y) ? y : a.ymin, buf);

		FZ_REQUIRE(m <= a.npoints && m % 2 == 0);
		for (size_t k = 1; k < m; k++)
			FZ_REQUIRE(!(buf[k] < buf[k - 1]));
		(void) sc_area_inside_row(buf, m, a.xmin);
		(void) sc_area_contains(&a, a.xmax, y, buf);
	}
	free(buf);
	sc_area_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_point(data, size);
	check_area(data, size);
	return 0;
}
