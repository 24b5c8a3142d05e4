/*
 * events_agg.c — events_agg: collects points and times into a safety.events
 * (expanded in memory while aggregating; its flat form is canonical, so
 * parallel and serial plans give identical values).
 */
#include "safety_pg.h"

#include <math.h>

#include "utils/timestamp.h"

static const char *const FNAME = "safety.events_agg";

static ExpandedEvents *
events_state(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	ExpandedEvents *src,
			   *ee;
	sc_err		err;
	sc_status	st;

	if (PG_ARGISNULL(0))
		return NULL;
	if (sp_events_is_rw(PG_GETARG_DATUM(0)))
		return (ExpandedEvents *) DatumGetEOHP(PG_GETARG_DATUM(0));
	src = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	ee = sp_events_new(aggctx, src->ev.srid);
	if ((st = sc_events_merge(&ee->ev, &src->ev, &err)) != SC_OK)
		sp_raise(st, &err, FNAME, ERRCODE_INVALID_PARAMETER_VALUE);
	return ee;
}

static int64
get_time(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(argno);

	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a finite time, not infinity", FNAME, argname),
						errhint("Leave out rows whose time is unknown (NULL times are skipped).")));
	return t;
}

/*
 * Shared transition: argument positions of the optional parts are given
 * (-1 when the overload lacks them).
 */
static Datum
events_trans(FunctionCallInfo fcinfo, int to_arg, int id_arg, int weight_arg)
{
	MemoryContext aggctx = sp_agg_context(fcinfo, FNAME);
	ExpandedEvents *ee = events_state(fcinfo, aggctx);
	SpPointReader *r;
	double		x,
				y,
				w = 1.0;
	int32		srid;
	int64		t,
				tend = 0,
				id = 0;
	bool		has_end = false,
				has_id = false;
	sc_err		err;
	sc_status	st;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (weight_arg > 0 && PG_ARGISNULL(weight_arg)))
		goto done;
	t = get_time(fcinfo, 2, to_arg > 0 ? "occurred_from" : "occurred_at");
	if (to_arg > 0 && !PG_ARGISNULL(to_arg))
	{
		tend = get_time(fcinfo, to_arg, "occurred_to");
		has_end = true;
		if (tend < t)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: occurred_to is before occurred_from", FNAME),
							errhint("A time window runs from its start to its end; swap the two.")));
	}
	if (id_arg > 0 && !PG_ARGISNULL(id_arg))
	{
		id = PG_GETARG_INT64(id_arg);
		has_id = true;
	}
	if (weight_arg > 0)
	{
		w = PG_GETARG_FLOAT8(weight_arg);
		sp_check_weight(FNAME, w);
	}
	r = sp_point_reader(fcinfo, 1, FNAME, "geom");
	sp_read_point(r, PG_GETARG_DATUM(1), &x, &y, &srid);
	if (ee == NULL)
	{
		sp_require_projected(r, srid, "event distances");
		ee = sp_events_new(aggctx, srid);
	}
	else
		sp_check_same_srid(FNAME, ee->ev.srid, srid);
	if ((st = sc_events_add(&ee->ev, x, y, t, has_end, tend, w, has_id, id, &err)) != SC_OK)
		sp_raise_hint(st, &err, FNAME, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? "Times must lie in the years 1 to 9999 (UTC)." :
					  st == SC_ELIMIT ? "Collect fewer events per value (e.g. per district or month), or raise safety.max_events." : NULL);
	ee->sorted = false;
done:
	if (ee == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(SpEventsGetDatum(ee));
}

/* (state, geom, occurred_at) */
PG_FUNCTION_INFO_V1(safety_events_agg_transfn);
Datum
safety_events_agg_transfn(PG_FUNCTION_ARGS)
{
	return events_trans(fcinfo, -1, -1, -1);
}

/* (state, geom, occurred_at, id) and (state, geom, occurred_at, id, weight) */
PG_FUNCTION_INFO_V1(safety_events_agg_id_transfn);
Datum
safety_events_agg_id_transfn(PG_FUNCTION_ARGS)
{
	return events_trans(fcinfo, -1, 3, PG_NARGS() > 4 ? 4 : -1);
}

/* (state, geom, from, to, id) and (state, geom, from, to, id, weight) */
PG_FUNCTION_INFO_V1(safety_events_agg_window_transfn);
Datum
safety_events_agg_window_transfn(PG_FUNCTION_ARGS)
{
	return events_trans(fcinfo, 3, 4, PG_NARGS() > 5 ? 5 : -1);
}

PG_FUNCTION_INFO_V1(safety_events_combine);
Datum
safety_events_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = sp_agg_context(fcinfo, FNAME);
	ExpandedEvents *ee = events_state(fcinfo, aggctx);

	if (!PG_ARGISNULL(1))
	{
		ExpandedEvents *src = sp_events_from_datum(PG_GETARG_DATUM(1), CurrentMemoryContext);
		sc_err		err;
		sc_status	st;

		if (ee == NULL)
			ee = sp_events_new(aggctx, src->ev.srid);
		if ((st = sc_events_merge(&ee->ev, &src->ev, &err)) != SC_OK)
			sp_raise_hint(st, &err, FNAME, ERRCODE_INVALID_PARAMETER_VALUE,
						  "Collect events of one SRID per value, within safety.max_events.");
		ee->sorted = false;
	}
	if (ee == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(SpEventsGetDatum(ee));
}
