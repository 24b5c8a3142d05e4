/*
 * utm.c — safety.utm_srid(geom): the WGS 84 UTM zone SRID for a lon/lat
 * point (326zz north, 327zz south), to project data before metric analysis.
 */
#include "safety_pg.h"

#include <math.h>

PG_FUNCTION_INFO_V1(safety_utm_srid);
Datum
safety_utm_srid(PG_FUNCTION_ARGS)
{
	SpPointReader *r = sp_point_reader(fcinfo, 0, "safety.utm_srid", "geom");
	double		lon,
				lat;
	int32		srid;
	int			zone;

	sp_read_point(r, PG_GETARG_DATUM(0), &lon, &lat, &srid);
	if (srid != 0 && !sp_srid_is_geographic(srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("safety.utm_srid: geom has projected SRID %d; it needs longitude/latitude", srid),
						errhint("Pass the point in a geographic SRID such as 4326.")));
	if (lon < -180 || lon > 180 || lat < -80 || lat > 84)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("safety.utm_srid: (%g, %g) is not a longitude/latitude inside the UTM zones", lon, lat),
						errhint("UTM covers latitudes from 80°S to 84°N; use a polar projection beyond.")));
	zone = (int) floor((lon + 180.0) / 6.0) % 60 + 1;
	PG_RETURN_INT32((lat >= 0 ? 32600 : 32700) + zone);
}
