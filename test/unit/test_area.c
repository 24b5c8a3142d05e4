/* test_area.c — study areas from WKB and scanline point-in-area tests. */
#include <stdlib.h>
#include <string.h>

#include "sc_area.h"
#include "sc_test.h"

static unsigned char buf[4096];
static size_t len;

static void put_u8(unsigned v) { buf[len++] = (unsigned char) v; }
static void put_u32(uint32_t v) { memcpy(buf + len, &v, 4); len += 4; }
static void put_f64(double v) { memcpy(buf + len, &v, 8); len += 8; }
static void
put_ring(const double *xy, int n)
{
	put_u32((uint32_t) n);
	for (int k = 0; k < n; k++) { put_f64(xy[2 * k]); put_f64(xy[2 * k + 1]); }
}

int
main(void)
{
	static const double outer[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
	static const double hole[] = {4, 4, 6, 4, 6, 6, 4, 6, 4, 4};
	static const double far[] = {20, 0, 30, 0, 25, 5, 20, 0};
	sc_area		a;
	sc_err		err;
	double		c[64];
	bool		little = 1;

	{ const uint16_t one = 1; little = *(const uint8_t *) &one == 1; }
	/* EWKB polygon with SRID and a hole */
	len = 0;
	put_u8(little ? 1 : 0); put_u32(3u | 0x20000000u); put_u32(32616);
	put_u32(2); put_ring(outer, 5); put_ring(hole, 5);
	CHECK(sc_area_from_ewkb(buf, len, &a, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(a.srid == 32616);
	CHECK(a.nrings == 2 && a.npoints == 10);
	CHECK(sc_area_contains(&a, 1, 1, c));
	CHECK(sc_area_contains(&a, 9.5, 5, c));
	CHECK(!sc_area_contains(&a, 5, 5, c));		/* in the hole */
	CHECK(!sc_area_contains(&a, 11, 5, c));
	CHECK(!sc_area_contains(&a, 5, -1, c));
	CHECK(sc_area_crossings(&a, 5, c) == 4);
	CHECK(c[0] == 0 && c[1] == 4 && c[2] == 6 && c[3] == 10);
	sc_area_free(&a);
	/* multipolygon of two parts, no SRID */
	len = 0;
	put_u8(little ? 1 : 0); put_u32(6); put_u32(2);
	put_u8(little ? 1 : 0); put_u32(3); put_u32(1); put_ring(outer, 5);
	put_u8(little ? 1 : 0); put_u32(3); put_u32(1); put_ring(far, 4);
	CHECK(sc_area_from_ewkb(buf, len, &a, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(a.srid == 0);
	CHECK(sc_area_contains(&a, 5, 5, c));
	CHECK(sc_area_contains(&a, 25, 2, c));
	CHECK(!sc_area_contains(&a, 15, 2, c));
	CHECK(!sc_area_contains(&a, 21, 4, c));
	sc_area_free(&a);
	/* truncated input and other types are errors */
	CHECK(sc_area_from_ewkb(buf, len - 3, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
	sc_area_free(&a);
	len = 0;
	put_u8(little ? 1 : 0); put_u32(1); put_f64(1); put_f64(2);
	CHECK(sc_area_from_ewkb(buf, len, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "polygon") != NULL);
	sc_area_free(&a);
	/* a ring that does not close (found by test/fuzz/fuzz_ewkb.c): odd crossings */
	{
		static const double open[] = {0, 0, 10, 0, 10, 10, 0, 10};

		len = 0;
		put_u8(little ? 1 : 0); put_u32(3); put_u32(1); put_ring(open, 4);
		CHECK(sc_area_from_ewkb(buf, len, &a, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(strstr(err.msg, "not closed") != NULL);
		sc_area_free(&a);
	}
	/* big-endian input */
	len = 0;
	put_u8(little ? 0 : 1); 
	{
		uint32_t	t = __builtin_bswap32(3), n1 = __builtin_bswap32(1), n5 = __builtin_bswap32(5);

		memcpy(buf + len, &t, 4); len += 4;
		memcpy(buf + len, &n1, 4); len += 4;
		memcpy(buf + len, &n5, 4); len += 4;
		for (int k = 0; k < 10; k++)
		{
			uint64_t	v;

			memcpy(&v, &outer[k], 8);
			v = __builtin_bswap64(v);
			memcpy(buf + len, &v, 8); len += 8;
		}
	}
	CHECK(sc_area_from_ewkb(buf, len, &a, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(sc_area_contains(&a, 3, 7, c) && !sc_area_contains(&a, -3, 7, c));
	sc_area_free(&a);
	TEST_DONE("area");
}
