/*
 * repeats.c — repeat victimisation: safety.repeats (one row per location hit
 * at least twice), safety.repeat_summary (shares of repeat locations and
 * events) and safety.repeat_gaps (the time-to-repeat histogram).
 *
 * Locations come from sc_repeat_groups and the statistics from
 * sc_repeat_analyze (src/core/sc_repeats.c).
 */
#include "safety_pg.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sc_repeats.h"
#include "sc_time.h"

typedef struct RepeatRun
{
	ExpandedEvents *ee;
	uint32	   *group;
	size_t		n_groups;
	sc_repeat_stats stats;
} RepeatRun;

/*
 * An interval as microseconds, the way extract(epoch FROM within) reads it:
 * a year is 365.25 days, a remaining month 30 days, a day 24 hours.
 */
static int64
interval_to_us(const Interval *iv, const char *fname)
{
	double		us = (double) iv->time + (double) iv->day * USECS_PER_DAY +
		(double) (iv->month / MONTHS_PER_YEAR) * (DAYS_PER_YEAR * USECS_PER_DAY) +
		(double) (iv->month % MONTHS_PER_YEAR) * (DAYS_PER_MONTH * USECS_PER_DAY);

	if (us < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: within must not be negative", fname),
						errhint("within is the window after an event in which a repeat counts, e.g. '1 year' or '28 days'.")));
	if (us > 1e17)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: within is too long", fname),
						errhint("Use a window below 3,000 years.")));
	return (int64) us;
}

static void
repeat_run(FunctionCallInfo fcinfo, const char *fname, double tolerance, int64 within_us,
		   RepeatRun *run)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	const sc_events *e;
	int64	   *t;
	sc_err		err;
	sc_status	st;

	if (isnan(tolerance) || isinf(tolerance) || tolerance < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: tolerance must be a finite number >= 0, not %g", fname, tolerance),
						errhint("tolerance is the distance, in the units of the SRID, within which events share a location; 0 means identical coordinates.")));
	run->ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sp_events_sort(run->ee);
	e = &run->ee->ev;
	if (tolerance > 0)
		sp_events_require_projected(e, fname);
	run->group = sp_palloc_huge(sizeof(uint32) * e->n, fname, "the location groups");
	t = sp_palloc_huge(sizeof(int64) * e->n, fname, "the event times");
	for (size_t k = 0; k < e->n; k++)
		t[k] = sc_event_time(e, k);
	sp_notice_duplicates(e, tolerance, fname, "tolerance",
						 "copies at one location count as repeats of their incident (%llu pairs inside the groups).", "");
	st = sc_repeat_groups(e->x, e->y, e->n, tolerance, &alloc, sp_check_interrupts,
						  run->group, &run->n_groups, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	st = sc_repeat_analyze(run->group, run->n_groups, t, e->n, within_us, 0, &alloc,
						   sp_check_interrupts, &run->stats, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	pfree(t);
}

static Datum
us_interval(double us)
{
	Interval   *iv = palloc0(sizeof(Interval));
	int64		v = (int64) llround(us);

	/* whole days and the rest, as justify_hours gives: '9 days 11:45:00' */
	iv->day = (int32) (v / USECS_PER_DAY);
	iv->time = v % USECS_PER_DAY;
	return IntervalPGetDatum(iv);
}

PG_FUNCTION_INFO_V1(safety_repeats);
Datum
safety_repeats(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.repeats";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RepeatRun	run;
	SpPolygonMaker maker;
	int64		within_us = interval_to_us(PG_GETARG_INTERVAL_P(2), fname);

	repeat_run(fcinfo, fname, PG_GETARG_FLOAT8(1), within_us, &run);
	InitMaterializedSRF(fcinfo, 0);
	sp_polygon_maker_init(&maker, TupleDescAttr(rsinfo->setDesc, 1)->atttypid, CurrentMemoryContext);
	for (size_t k = 0; k < run.stats.n_repeat_locations; k++)
	{
		const sc_repeat_location *l = &run.stats.locations[k];
		const sc_events *e = &run.ee->ev;
		Datum		values[8];
		bool		nulls[8] = {false};

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum((int64) l->group + 1);
		values[1] = sp_make_point(&maker, e->srid, e->x[l->first_event], e->y[l->first_event]);
		values[2] = Int64GetDatum(l->events);
		values[3] = TimestampTzGetDatum(l->first_at);
		values[4] = TimestampTzGetDatum(l->last_at);
		values[5] = Int64GetDatum(l->repeats_within);
		values[6] = us_interval((double) l->shortest_gap);
		values[7] = us_interval(l->median_gap);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	sc_repeat_stats_free(&run.stats);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(safety_repeat_summary);
Datum
safety_repeat_summary(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.repeat_summary";
	TupleDesc	tupdesc;
	RepeatRun	run;
	Datum		values[8];
	bool		nulls[8] = {false};
	const sc_repeat_stats *s = &run.stats;
	int64		within_us = interval_to_us(PG_GETARG_INTERVAL_P(2), fname);

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fname);
	repeat_run(fcinfo, fname, PG_GETARG_FLOAT8(1), within_us, &run);
	values[0] = Int64GetDatum((int64) s->n_events);
	values[1] = Int64GetDatum((int64) s->n_locations);
	values[2] = Int64GetDatum((int64) s->n_repeat_locations);
	values[3] = Float8GetDatum(s->share_locations_repeated);
	nulls[3] = isnan(s->share_locations_repeated);
	values[4] = Int64GetDatum((int64) s->n_repeat_events);
	values[5] = Float8GetDatum(s->share_events_repeat);
	nulls[5] = isnan(s->share_events_repeat);
	values[6] = Int64GetDatum((int64) s->n_repeats_within);
	values[7] = Float8GetDatum(s->n_repeat_events ? (double) s->n_repeats_within / (double) s->n_repeat_events : 0);
	nulls[7] = s->n_repeat_events == 0;
	sc_repeat_stats_free(&run.stats);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

PG_FUNCTION_INFO_V1(safety_repeat_gaps);
Datum
safety_repeat_gaps(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.repeat_gaps";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RepeatRun	run;
	int64		cumulative = 0;

	repeat_run(fcinfo, fname, PG_GETARG_FLOAT8(1), 0, &run);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t b = 0; b < run.stats.n_bins; b++)
	{
		Datum		values[5];
		bool		nulls[5] = {false};
		int64		lo,
					hi;
		double		total = (double) run.stats.n_repeat_events;

		sc_repeat_bin_days(b, &lo, &hi);
		cumulative += run.stats.gap_hist[b];
		values[0] = Int32GetDatum((int32) lo);
		values[1] = Int32GetDatum((int32) hi);
		values[2] = Int64GetDatum(run.stats.gap_hist[b]);
		values[3] = Float8GetDatum((double) run.stats.gap_hist[b] / total);
		values[4] = Float8GetDatum((double) cumulative / total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	sc_repeat_stats_free(&run.stats);
	return (Datum) 0;
}
