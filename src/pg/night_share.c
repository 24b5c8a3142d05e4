/*
 * night_share.c — safety._night_fraction, the per-event step of
 * safety.night_share: the share of an event's window with the sun below a
 * given elevation at the event's longitude/latitude (src/core/sc_sun.c,
 * NOAA's solar position equations).  The projection to longitude/latitude
 * is PostGIS's (safety._event_positions in sql/install/49_night_share.sql).
 */
#include "safety_pg.h"

#include <math.h>

#include "utils/timestamp.h"

#include "sc_sun.h"

PG_FUNCTION_INFO_V1(safety_night_fraction);
Datum
safety_night_fraction(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.night_share";
	int64		t,
				tend = 0;
	bool		has_end = !PG_ARGISNULL(1);
	double		lon,
				lat,
				below,
				f;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	t = sp_arg_time(fcinfo, 0, fname, "occurred_from");
	if (has_end)
		tend = sp_arg_time(fcinfo, 1, fname, "occurred_to");
	lon = sp_arg_float(fcinfo, 2, fname, "longitude");
	lat = sp_arg_float(fcinfo, 3, fname, "latitude");
	below = sp_arg_float(fcinfo, 4, fname, "night");
	if (has_end && tend < t)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: occurred_to is before occurred_from", fname),
						errhint("A time window runs from its start to its end; swap the two.")));
	st = sc_night_fraction(t, has_end, tend, lat, lon, below, &alloc, &f, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "The events' points must project to longitude/latitude (EPSG:4326) within [-90, 90] degrees of latitude.");
	PG_RETURN_FLOAT8(f);
}
