/* sc_sun.c — solar elevation (NOAA equations) and night shares of windows (see sc_sun.h). */
#include "sc_sun.h"

#include <math.h>

#define UNIX_2000 INT64_C(946684800)
#define DEG (3.14159265358979323846 / 180.0)

static double
wrap360(double a)
{
	a = fmod(a, 360.0);
	return a < 0 ? a + 360.0 : a;
}

void
sc_sun_position(double unix_sec, double *decl_deg, double *eqtime_min)
{
	double		jd = unix_sec / 86400.0 + 2440587.5,
				T = (jd - 2451545.0) / 36525.0,
				L0 = wrap360(280.46646 + T * (36000.76983 + T * 0.0003032)),
				M = 357.52911 + T * (35999.05029 - 0.0001537 * T),
				e = 0.016708634 - T * (0.000042037 + 0.0000001267 * T),
				C = sin(M * DEG) * (1.914602 - T * (0.004817 + 0.000014 * T)) +
		sin(2 * M * DEG) * (0.019993 - 0.000101 * T) + sin(3 * M * DEG) * 0.000289,
				omega = 125.04 - 1934.136 * T,
				lambda = L0 + C - 0.00569 - 0.00478 * sin(omega * DEG),
				eps0 = 23.0 + (26.0 + (21.448 - T * (46.815 + T * (0.00059 - T * 0.001813))) / 60.0) / 60.0,
				eps = eps0 + 0.00256 * cos(omega * DEG),
				y = tan(eps * DEG / 2) * tan(eps * DEG / 2);

	*decl_deg = asin(sin(eps * DEG) * sin(lambda * DEG)) / DEG;
	*eqtime_min = 4.0 / DEG * (y * sin(2 * L0 * DEG) - 2 * e * sin(M * DEG) +
							   4 * e * y * sin(M * DEG) * cos(2 * L0 * DEG) -
							   0.5 * y * y * sin(4 * L0 * DEG) - 1.25 * e * e * sin(2 * M * DEG));
}

double
sc_sun_elevation(double unix_sec, double lat, double lon)
{
	double		decl,
				eqt,
				minutes = fmod(unix_sec, 86400.0),
				tst,
				ha,
				cz;

	sc_sun_position(unix_sec, &decl, &eqt);
	if (minutes < 0)
		minutes += 86400.0;
	/* true solar time from UTC: the zone's offset cancels out */
	tst = fmod(minutes / 60.0 + eqt + 4.0 * lon, 1440.0);
	ha = tst / 4.0 - 180.0;
	cz = sin(lat * DEG) * sin(decl * DEG) + cos(lat * DEG) * cos(decl * DEG) * cos(ha * DEG);
	if (cz > 1)
		cz = 1;
	if (cz < -1)
		cz = -1;
	return 90.0 - acos(cz) / DEG;
}

static bool
is_night(int64_t s, double lat, double lon, double below)
{
	return sc_sun_elevation((double) s, lat, lon) < below;
}

sc_status
sc_night_fraction(int64_t t, bool has_end, int64_t tend, double lat, double lon,
				  double below_deg, const sc_alloc *alloc, double *out, sc_err *err)
{
	const int64_t step = 600;
	int64_t		a,
				b,
				night = 0;
	bool		sa;
	size_t		k = 0;

	if (!isfinite(lat) || !isfinite(lon) || lat < -90 || lat > 90)
		return sc_fail(err, SC_EINVAL, "the latitude and longitude of an event are not finite degrees");
	/* seconds since 1970; windows of a minute or less count at the start */
	a = t / 1000000 - (t % 1000000 < 0) + UNIX_2000;
	if (!has_end || tend - t <= INT64_C(60) * 1000000)
	{
		*out = is_night(a, lat, lon, below_deg) ? 1.0 : 0.0;
		return SC_OK;
	}
	b = tend / 1000000 - (tend % 1000000 < 0) + UNIX_2000;
	sa = is_night(a, lat, lon, below_deg);
	for (int64_t cur = a; cur < b; k++)
	{
		int64_t		nxt = cur + step < b ? cur + step : b;
		bool		sb = is_night(nxt, lat, lon, below_deg);

		sc_alloc_poll(alloc, k);
		if (sa == sb)
		{
			if (sa)
				night += nxt - cur;
		}
		else
		{
			/* the change lies in (lo, hi]: the state of lo is sa */
			int64_t		lo = cur,
						hi = nxt;

			while (hi - lo > 1)
			{
				int64_t		mid = lo + (hi - lo) / 2;

				if (is_night(mid, lat, lon, below_deg) == sa)
					lo = mid;
				else
					hi = mid;
			}
			night += sa ? hi - cur : nxt - hi;
		}
		sa = sb;
		cur = nxt;
	}
	*out = b > a ? (double) night / (double) (b - a) : (sa ? 1.0 : 0.0);
	return SC_OK;
}
