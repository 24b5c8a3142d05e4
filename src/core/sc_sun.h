/*
 * sc_sun.h — the sun's elevation at a place and instant by NOAA's solar
 * position equations (the NOAA Global Monitoring Laboratory solar
 * calculator, after Meeus 1991, "Astronomical Algorithms"), and the share of
 * a time window during which the sun is below a given elevation (night by
 * civil twilight: below -6 degrees).  The method is documented in
 * docs/methods-time.md.
 */
#ifndef SC_SUN_H
#define SC_SUN_H

#include "sc_common.h"

/* elevations of the sun's centre that end the day, in degrees */
#define SC_SUN_CIVIL (-6.0)
#define SC_SUN_NAUTICAL (-12.0)
#define SC_SUN_ASTRONOMICAL (-18.0)
#define SC_SUN_SUNSET (-0.833)		/* upper limb on the horizon, with refraction */

/* geometric elevation (degrees, no refraction) of the sun's centre seen from
 * (lat, lon) degrees (east positive) at unix second s */
double		sc_sun_elevation(double unix_sec, double lat, double lon);

/* solar declination and the equation of time (minutes) at unix second s */
void		sc_sun_position(double unix_sec, double *decl_deg, double *eqtime_min);

/*
 * The share of [t, tend) (microseconds since 2000) with the sun below
 * below_deg at (lat, lon): 0 or 1 at t itself when the window has no end or
 * is a minute or less.  The window is sampled every 10 minutes and each
 * change of day and night found to the second by bisection (the elevation
 * crosses a level at most once in 10 minutes away from the poles' grazing
 * days).  Polls alloc's interrupt hook.
 */
sc_status	sc_night_fraction(int64_t t, bool has_end, int64_t tend, double lat, double lon,
							  double below_deg, const sc_alloc *alloc, double *out, sc_err *err);

#endif
