/*
 * near_repeat.c — safety.near_repeat (the Knox near-repeat table with Monte
 * Carlo inference), safety.near_repeat_zone (the significant zone it finds)
 * and safety.repeat_windows (the risk windows open at a given time).
 *
 * The work is done by sc_knox_compute (src/core/sc_knox.c); this file checks
 * the arguments, hands the events over and turns the result into rows.
 */
#include "safety_pg.h"
#include "units_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sc_ewkb.h"
#include "sc_knox.h"
#include "sc_repeats.h"
#include "sc_time.h"

/* most permutations one call may run */
#define SP_MAX_PERMUTATIONS 99999

/* the arguments shared by near_repeat and near_repeat_zone */
typedef struct NrArgs
{
	const char *fname;
	ExpandedEvents *ee;
	double	   *dist;
	int			n_dist;
	double	   *time;
	int			n_time;
	int32		permutations;
	int64		seed;
	sc_metric	metric;
	double		same_location;
	double		alpha;
	double		min_ratio;
	sc_knox_params p;			/* the bands above, as the core reads them */
} NrArgs;

static sc_metric
sp_parse_metric(text *t, const char *fname)
{
	char	   *s = text_to_cstring(t);

	if (pg_strcasecmp(s, "manhattan") == 0)
		return SC_METRIC_MANHATTAN;
	if (pg_strcasecmp(s, "euclidean") == 0)
		return SC_METRIC_EUCLIDEAN;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("%s: metric must be 'manhattan' or 'euclidean', not '%s'", fname, s),
					errhint("'manhattan' measures |dx| + |dy| (street distance on a grid plan), 'euclidean' the straight line.")));
	pg_unreachable();
}

/* a one-dimensional float8[] without NULLs as a palloc'd C array */
static double *
read_bands(ArrayType *a, const char *fname, const char *argname, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	double	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a one-dimensional array", fname, argname),
						errhint("Give the upper edges of the bands as a list, e.g. '{100,200,400}'.")));
	deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	out = palloc(sizeof(double) * (*n > 0 ? *n : 1));
	for (int k = 0; k < *n; k++)
	{
		if (nulls[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: %s must not contain NULL", fname, argname),
							errhint("Give the upper edges of the bands as numbers, e.g. '{100,200,400}'.")));
		out[k] = DatumGetFloat8(elems[k]);
	}
	return out;
}

/* the core's rules of a list of band edges (sc_check_band_edges), with a hint for each */
static void
check_bands(const double *b, int n, const char *fname, const char *argname,
			const char *unit, double lower, const char *lower_what, int max_bands)
{
	sc_err		err;
	int			code = ERRCODE_INVALID_PARAMETER_VALUE;
	const char *hint;

	switch (sc_check_band_edges(b, (size_t) n, argname, lower, lower_what, (size_t) max_bands, &err))
	{
		case SC_BANDS_OK:
			return;
		case SC_BANDS_EMPTY:
			hint = psprintf("Give the upper edges of the bands in %s, e.g. '{100,200,400}' or '{7,14,21}'.", unit);
			break;
		case SC_BANDS_TOO_MANY:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			hint = "Use fewer, wider bands.";
			break;
		case SC_BANDS_NOT_FINITE:
			hint = "The last band is open-ended already: leave out infinity.";
			break;
		case SC_BANDS_NEGATIVE:
			hint = psprintf("Band edges are distances in %s from 0 upwards.", unit);
			break;
		case SC_BANDS_FIRST:
			hint = psprintf("The first band runs from %s up to the first edge and must not be empty.", lower_what);
			break;
		case SC_BANDS_TWICE:
			hint = "List each band edge once, in ascending order.";
			break;
		default:				/* SC_BANDS_ORDER */
			hint = "List the band edges from the smallest to the largest, e.g. '{100,200,400}'.";
			break;
	}
	ereport(ERROR, (errcode(code), errmsg("%s: %s", fname, err.msg), errhint("%s", hint)));
}

static void
check_finite_nonneg(double v, const char *fname, const char *argname, const char *hint)
{
	if (isnan(v) || isinf(v) || v < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a finite number >= 0, not %g", fname, argname, v),
						errhint("%s", hint)));
}

/* read and check arguments 0..8 of near_repeat / near_repeat_zone */
static void
nr_read_args(FunctionCallInfo fcinfo, const char *fname, NrArgs *a)
{
	memset(a, 0, sizeof(*a));
	a->fname = fname;
	a->permutations = PG_GETARG_INT32(3);
	a->seed = PG_GETARG_INT64(4);
	a->metric = sp_parse_metric(PG_GETARG_TEXT_PP(5), fname);
	a->same_location = PG_GETARG_FLOAT8(6);
	a->alpha = PG_GETARG_FLOAT8(7);
	a->min_ratio = PG_GETARG_FLOAT8(8);

	check_finite_nonneg(a->same_location, fname, "same_location",
						"same_location is the distance, in the units of the SRID, up to which two events count as one place; 0 means identical coordinates.");
	a->dist = read_bands(PG_GETARG_ARRAYTYPE_P(1), fname, "distance_bands", &a->n_dist);
	check_bands(a->dist, a->n_dist, fname, "distance_bands", "the units of the SRID (metres for UTM)",
				a->same_location, psprintf("same_location (%g)", a->same_location), SC_KNOX_MAX_DIST_BANDS);
	a->time = read_bands(PG_GETARG_ARRAYTYPE_P(2), fname, "time_bands", &a->n_time);
	check_bands(a->time, a->n_time, fname, "time_bands", "days", 0, "0 days", SC_KNOX_MAX_TIME_BANDS);
	if (a->permutations < 1 || a->permutations > SP_MAX_PERMUTATIONS)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: permutations must be between 1 and %d, not %d",
							   fname, SP_MAX_PERMUTATIONS, a->permutations),
						errhint("999 permutations allow p-values down to 0.001; 99 are enough for a first look.")));
	if (isnan(a->alpha) || !(a->alpha > 0 && a->alpha <= 1))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: alpha must be greater than 0 and at most 1, not %g", fname, a->alpha),
						errhint("alpha is the significance level, e.g. 0.05.")));
	check_finite_nonneg(a->min_ratio, fname, "min_ratio",
						"min_ratio is the smallest Knox ratio called significant, e.g. 1.2.");

	a->ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sp_events_sort(a->ee);
	sp_events_require_projected(&a->ee->ev, fname);
	if (a->ee->ev.n < 2)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e must hold at least two events, it holds %zu", fname, a->ee->ev.n),
						errhint("A near-repeat table counts pairs of events; check the filter that built e.")));
	sp_events_check_units(&a->ee->ev, a->dist[0], fname, "distance_bands");
	sp_notice_duplicates(&a->ee->ev, a->same_location, fname, "same_location",
						 "their %llu pairs inside the groups count in the Knox table as if the incident had struck again (copies at one time fall in the first time band) and inflate its ratios.",
						 " (safety.create_near_repeat_view: duplicates => 'collapse')");
}

typedef struct NrProgress
{
	const char *fname;
	uint32		next_tenth;
} NrProgress;

static void
nr_progress(void *ctx, uint32_t done, uint32_t total)
{
	NrProgress *p = ctx;

	if (done == total || (uint64) done * 10 >= (uint64) p->next_tenth * total)
	{
		ereport(NOTICE, (errmsg("%s: %u of %u permutations done", p->fname, done, total)));
		while ((uint64) done * 10 >= (uint64) p->next_tenth * total && p->next_tenth <= 10)
			p->next_tenth++;
	}
}

/* run the Knox computation; res is freed with its memory context */
static void
nr_compute(NrArgs *a, sc_knox_result *res)
{
	const sc_events *e = &a->ee->ev;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	int64	   *t = sp_palloc_huge(sizeof(int64) * e->n, a->fname, "the event times");
	sc_knox_params *p = &a->p;
	NrProgress	prog = {a->fname, 1};
	sc_err		err;
	sc_status	st;

	for (size_t k = 0; k < e->n; k++)
		t[k] = sc_event_time(e, k);
	memset(p, 0, sizeof(*p));
	p->metric = a->metric;
	p->same_location = a->same_location;
	p->dist_bands = a->dist;
	p->n_dist_bands = (size_t) a->n_dist;
	p->time_bands = a->time;
	p->n_time_bands = (size_t) a->n_time;
	p->permutations = (uint32_t) a->permutations;
	p->seed = (uint64_t) a->seed;
	p->max_pairs = (size_t) safety_max_pairs;
	p->interrupt = sp_check_interrupts;
	if ((st = sc_knox_validate(p, &err)) != SC_OK)
		sp_raise_hint(st, &err, a->fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Check distance_bands, time_bands and same_location.");
	/* the permutation counts are allocated up front, whatever the data */
	{
		size_t		cells = (size_t) (a->n_dist + 2) * (size_t) (a->n_time + 1);

		sp_check_memory(a->fname, cells * (size_t) a->permutations * sizeof(int64),
						psprintf("the permutation counts (%zu table cells x %d permutations x 8 bytes)",
								 cells, a->permutations),
						"Use fewer permutations, distance bands or time bands.");
	}
	if (safety_progress)
	{
		uint64_t	close = 0;

		st = sc_knox_count_close_pairs(e->x, e->y, e->n, a->metric, a->dist[a->n_dist - 1],
									   &alloc, sp_check_interrupts, &close, &err);
		if (st != SC_OK)
			sp_raise(st, &err, a->fname, ERRCODE_INVALID_PARAMETER_VALUE);
		ereport(NOTICE, (errmsg("%s: %zu events, %llu pairs closer than %g, %d permutations",
								a->fname, e->n, (unsigned long long) close,
								a->dist[a->n_dist - 1], a->permutations)));
		p->progress = nr_progress;
		p->progress_ctx = &prog;
	}
	st = sc_knox_compute(e->x, e->y, t, e->n, p, &alloc, res, &err);
	if (st == SC_ELIMIT)
		sp_raise_hint(st, &err, a->fname, 0,
					  "Use a smaller largest distance band, fewer events (e.g. per district), or raise safety.max_pairs.");
	if (st != SC_OK)
		sp_raise(st, &err, a->fname, ERRCODE_INVALID_PARAMETER_VALUE);
	pfree(t);
}

PG_FUNCTION_INFO_V1(safety_near_repeat);
Datum
safety_near_repeat(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	NrArgs		a;
	sc_knox_result res;

	nr_read_args(fcinfo, "safety.near_repeat", &a);
	nr_compute(&a, &res);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t r = 0; r < res.n_rows; r++)
	{
		for (size_t c = 0; c < res.n_cols; c++)
		{
			size_t		cell = sc_knox_cell(&res, r, c);
			Datum		values[12];
			bool		nulls[12] = {false};
			double		from,
						to,
						ratio;
			bool		has_to;

			values[0] = Int32GetDatum((int32) r);
			values[1] = Int32GetDatum((int32) c);
			sc_knox_row_edges(&a.p, r, &from, &to, &has_to);
			values[2] = Float8GetDatum(from);
			values[3] = Float8GetDatum(to);
			nulls[3] = !has_to;
			sc_knox_col_edges(&a.p, c, &from, &to, &has_to);
			values[4] = Float8GetDatum(from);
			values[5] = Float8GetDatum(to);
			nulls[5] = !has_to;
			values[6] = Int64GetDatum(res.observed[cell]);
			values[7] = Float8GetDatum(res.expected[cell]);
			nulls[8] = !sc_knox_ratio(&res, cell, &ratio);
			values[8] = Float8GetDatum(nulls[8] ? 0 : ratio);
			nulls[9] = !(res.median[cell] > 0);
			values[9] = Float8GetDatum(nulls[9] ? 0 : (double) res.observed[cell] / res.median[cell]);
			values[10] = Float8GetDatum(sc_knox_p_value(&res, cell));
			values[11] = BoolGetDatum(sc_knox_significant(&res, cell, a.alpha, a.min_ratio));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	sc_knox_result_free(&res);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(safety_near_repeat_zone);
Datum
safety_near_repeat_zone(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	NrArgs		a;
	sc_knox_result res;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	double		distance,
				days;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "safety.near_repeat_zone: return type must be a row type");
	nr_read_args(fcinfo, "safety.near_repeat_zone", &a);
	nr_compute(&a, &res);
	if (!sc_knox_zone(&a.p, &res, a.alpha, a.min_ratio, &distance, &days))
	{
		sc_knox_result_free(&res);
		PG_RETURN_NULL();
	}
	sc_knox_result_free(&res);
	values[0] = Float8GetDatum(distance);
	values[1] = Float8GetDatum(days);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * repeat_windows(e, as_of, distance, days, metric): per event with
 * t ≤ as_of < t + days (t as sc_event_time; the end rounded up to the
 * microsecond, as the time bands of near_repeat), its id, time, window end,
 * days left and the zone within `distance` of it.  Distance 0 (the zone of
 * near_repeat_zone when only the same-location row with same_location 0 is
 * significant) is the same location only: the zone is the event's point.
 */
#define SP_CIRCLE_SEGMENTS 64

PG_FUNCTION_INFO_V1(safety_repeat_windows);
Datum
safety_repeat_windows(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.repeat_windows";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(1);
	double		distance = PG_GETARG_FLOAT8(2);
	double		days = PG_GETARG_FLOAT8(3);
	sc_metric	metric = sp_parse_metric(PG_GETARG_TEXT_PP(4), fname);
	ExpandedEvents *ee;
	const sc_events *e;
	SpPolygonMaker maker;
	double		xs[SP_CIRCLE_SEGMENTS + 1],
				ys[SP_CIRCLE_SEGMENTS + 1];
	double		window_us;
	int64		span;

	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: as_of must be a finite time", fname),
						errhint("Give the moment the windows are wanted for, e.g. now().")));
	if (isnan(distance) || isinf(distance) || !(distance >= 0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: distance must be a finite number >= 0, not %g", fname, distance),
						errhint("distance is the radius of raised risk in the units of the SRID, e.g. 200 (metres); 0 means the same location only.")));
	if (isnan(days) || !(days > 0) || !(days <= 1e6))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: days must be a number > 0 and at most 1000000, not %g", fname, days),
						errhint("days is how long risk stays raised after an event, e.g. 14.")));
	window_us = ceil(days * (double) USECS_PER_DAY);
	span = (int64) window_us;
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sp_events_sort(ee);
	e = &ee->ev;
	sp_events_require_projected(e, fname);
	sp_events_check_units(e, distance, fname, "distance");

	InitMaterializedSRF(fcinfo, 0);
	sp_polygon_maker_init(&maker, TupleDescAttr(rsinfo->setDesc, 4)->atttypid, CurrentMemoryContext);
	for (size_t k = 0; k < e->n; k++)
	{
		int64		t = sc_event_time(e, k),
					left;
		Datum		values[5];
		bool		nulls[5] = {!e->has_id[k], false, false, false, false};
		size_t		npts;

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (!sc_window_open(t, span, as_of, &left))
			continue;
		if (distance == 0)
		{
			/* same location only: the event's point */
			xs[0] = e->x[k];
			ys[0] = e->y[k];
			npts = 1;
		}
		else if (metric == SC_METRIC_MANHATTAN)
		{
			/* the diamond |dx| + |dy| ≤ distance */
			double		dx[5] = {1, 0, -1, 0, 1},
						dy[5] = {0, 1, 0, -1, 0};

			for (int v = 0; v < 5; v++)
			{
				xs[v] = e->x[k] + dx[v] * distance;
				ys[v] = e->y[k] + dy[v] * distance;
			}
			npts = 5;
		}
		else
		{
			/* a regular 64-gon inscribed in the circle, as ST_Buffer(quad_segs=16) */
			for (int v = 0; v < SP_CIRCLE_SEGMENTS; v++)
			{
				double		ang = 2.0 * M_PI * v / SP_CIRCLE_SEGMENTS;

				xs[v] = e->x[k] + distance * cos(ang);
				ys[v] = e->y[k] + distance * sin(ang);
			}
			xs[SP_CIRCLE_SEGMENTS] = xs[0];
			ys[SP_CIRCLE_SEGMENTS] = ys[0];
			npts = SP_CIRCLE_SEGMENTS + 1;
		}
		if (!sc_points_finite(xs, ys, npts))
			ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
							errmsg("%s: the zone of event %zu reaches beyond double precision (distance %g)",
								   fname, k + 1, distance),
							errhint("distance is in the units of the events' SRID, e.g. 200 (metres).")));
		values[0] = Int64GetDatum(e->id[k]);
		values[1] = TimestampTzGetDatum(t);
		values[2] = TimestampTzGetDatum(t + span);
		values[3] = Float8GetDatum((double) left / (double) USECS_PER_DAY);
		values[4] = npts == 1 ? sp_make_point(&maker, e->srid, xs[0], ys[0])
			: sp_make_polygon(&maker, e->srid, xs, ys, npts);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[4]));
	}
	return (Datum) 0;
}
