/*
 * test_sun.c — the NOAA solar position against facts of the calendar
 * (declination at the 2017 solstices and equinox, the extremes of the
 * equation of time, the noon elevation), night shares at the equator and
 * the poles, and the bisected day/night changes against a second-by-second
 * count.
 */
#define _DEFAULT_SOURCE
#include "sc_test.h"
#include "sc_sun.h"

#include <time.h>

/* unix second of a UTC date */
static double
unix_at(int y, int mo, int d, int h, int mi)
{
	struct tm	tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (double) timegm(&tm);
}

/* microseconds since 2000 */
static int64_t
usec(double unix_sec)
{
	return ((int64_t) unix_sec - INT64_C(946684800)) * 1000000;
}

int
main(void)
{
	double		decl,
				eqt,
				f,
				best = -90;
	sc_err		err;

	/* declination: +-23.437 at the solstices (obliquity of 2017), 0 at the equinox */
	sc_sun_position(unix_at(2017, 6, 21, 4, 24), &decl, &eqt);
	CHECK(fabs(decl - 23.437) < 0.01);
	sc_sun_position(unix_at(2017, 12, 21, 16, 28), &decl, &eqt);
	CHECK(fabs(decl + 23.437) < 0.01);
	sc_sun_position(unix_at(2017, 3, 20, 10, 29), &decl, &eqt);
	CHECK(fabs(decl) < 0.01);
	/* the equation of time: +16.4 min early in November, -14.2 in mid-February */
	sc_sun_position(unix_at(2017, 11, 3, 12, 0), &decl, &eqt);
	CHECK(fabs(eqt - 16.4) < 0.2);
	sc_sun_position(unix_at(2017, 2, 11, 12, 0), &decl, &eqt);
	CHECK(fabs(eqt + 14.2) < 0.2);
	/* noon at 40 N, 0 E on the June solstice: 90 - 40 + 23.437, near 12:02 UTC */
	for (int m = 0; m < 240; m++)
	{
		double		el = sc_sun_elevation(unix_at(2017, 6, 21, 10, 0) + 60.0 * m, 40, 0);

		if (el > best)
			best = el;
	}
	CHECK(fabs(best - 73.437) < 0.02);
	CHECK(sc_sun_elevation(unix_at(2017, 6, 21, 0, 0), 40, 0) < -20);
	/* the equator at the equinox: day while the sun is above -6, a 96-degree hour angle */
	CHECK(sc_night_fraction(usec(unix_at(2017, 3, 20, 0, 0)), true, usec(unix_at(2017, 3, 21, 0, 0)), 0, 0,
							SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_OK);
	CHECK(fabs(f - (1 - 192.0 / 360)) < 0.002);
	/* polar night and midnight sun at 78.2 N (Svalbard): no civil day, no night */
	CHECK(sc_night_fraction(usec(unix_at(2017, 12, 20, 0, 0)), true, usec(unix_at(2017, 12, 23, 0, 0)), 78.2, 15.6,
							SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_OK);
	CHECK(f == 1);
	CHECK(sc_night_fraction(usec(unix_at(2017, 6, 20, 0, 0)), true, usec(unix_at(2017, 6, 23, 0, 0)), 78.2, 15.6,
							SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_OK);
	CHECK(f == 0);
	/* an exact time, and a window of a minute: the state at the start */
	CHECK(sc_night_fraction(usec(unix_at(2017, 6, 21, 17, 0)), false, 0, 39.1, -84.5,
							SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_OK);
	CHECK(f == 0);
	CHECK(sc_night_fraction(usec(unix_at(2017, 6, 21, 5, 0)), true, usec(unix_at(2017, 6, 21, 5, 1)), 39.1, -84.5,
							SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_OK);
	CHECK(f == 1);
	/* windows over dusk and dawn in Cincinnati against a count of every second */
	for (int k = 0; k < 4; k++)
	{
		double		a = unix_at(2017, 3 * k + 1, 15, 13, 7) + 3600.0 * 7 * k,
					b = a + 86400.0 * (k + 1) + 1234;
		long		n = 0;

		for (double s = a; s < b; s++)
			n += sc_sun_elevation(s, 39.1, -84.5) < SC_SUN_CIVIL;
		CHECK(sc_night_fraction(usec(a), true, usec(b), 39.1, -84.5, SC_SUN_CIVIL, &sc_malloc_allocator, &f,
								&err) == SC_OK);
		CHECK_NEAR(f, n / (b - a), 2.0 * (k + 1) / (b - a));
	}
	CHECK(sc_night_fraction(0, false, 0, 91, 0, SC_SUN_CIVIL, &sc_malloc_allocator, &f, &err) == SC_EINVAL);
	TEST_DONE("sun");
}
