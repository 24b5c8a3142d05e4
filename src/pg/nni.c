/*
 * nni.c — safety.nni(events, area): the Average Nearest Neighbour index
 * (Clark & Evans 1954) as ArcGIS reports it, from the core's k-d tree.
 */
#include "hotspots_pg.h"

#include "access/htup_details.h"
#include "funcapi.h"

#include <math.h>

#include "sc_nni.h"

PG_FUNCTION_INFO_V1(safety_nni);
Datum
safety_nni(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.nni";
	ExpandedEvents *ee;
	double		area = 0;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_nni_result res;
	sc_err		err;
	sc_status	st;
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {false};

	/* not STRICT (a NULL area means the convex hull): a NULL e is no input */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	if (!PG_ARGISNULL(1))
	{
		area = PG_GETARG_FLOAT8(1);
		if (!(area > 0) || isinf(area))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: area must be a positive finite number, not %g", fname, area),
							errhint("Give the study area in square units of the events' SRID, e.g. ST_Area(boundary), "
									"or leave it out for the convex hull of the events.")));
	}
	if (ee->ev.n < 2)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the nearest-neighbour index needs at least 2 events, got %zu", fname, ee->ev.n),
						errhint("Collect more events.")));
	if (sp_srid_is_geographic(ee->ev.srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e has geographic SRID %d (degrees), but distances must be in projected units",
							   fname, ee->ev.srid),
						errhint("Build the events from projected points, e.g. ST_Transform(geom, safety.utm_srid(geom)).")));
	st = sc_nni(ee->ev.n, ee->ev.x, ee->ev.y, area, &res, NULL, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_EINVAL ? "Give the study area explicitly when the events lie on a line." : NULL);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fname);
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum((int64) res.n);
	values[1] = Float8GetDatum(res.area);
	values[2] = Float8GetDatum(res.observed);
	values[3] = Float8GetDatum(res.expected);
	values[4] = Float8GetDatum(res.ratio);
	values[5] = Float8GetDatum(res.se);
	values[6] = Float8GetDatum(res.z);
	values[7] = Float8GetDatum(res.p);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
