/*
 * tiers.c — the safety.tier window function, seasonal tiers, risk
 * components of a collection and per-cell risk scores.
 * The algorithms are in src/core/sc_tiers.c.
 */
#include "safety_pg.h"
#include "units_pg.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "windowapi.h"

#include "sc_ewkb.h"
#include "sc_risk.h"

static const char *const tier_labels[4] = {NULL, "yellow", "orange", "red"};

#define TIERS_HINT_WEIGHTS "Event weights are summed: scale them down (offense weights are relative, e.g. 1 to 100) so that their sums stay within double precision."

void
sp_tier_oids(Oid typ, Oid out[4])
{
	out[0] = InvalidOid;
	for (int k = 1; k < 4; k++)
		out[k] = DatumGetObjectId(DirectFunctionCall2(enum_in, CStringGetDatum(tier_labels[k]),
													  ObjectIdGetDatum(typ)));
}

static sc_tier_method
method_of(text *t, const char *fname)
{
	char	   *m = text_to_cstring(t);

	if (pg_strcasecmp(m, "quantile") == 0)
		return SC_METHOD_QUANTILE;
	if (pg_strcasecmp(m, "threshold") == 0)
		return SC_METHOD_THRESHOLD;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("%s: method must be 'quantile' or 'threshold', not \"%s\"", fname, m),
					errhint("'quantile' tiers the top shares of units; 'threshold' uses absolute cut-offs.")));
	pg_unreachable();
}

/*
 * The tier rule from method and the values red, orange, yellow (v, with
 * their NULL flags): quantile shares default to 1 %, 5 %, 15 %; threshold
 * cut-offs are required.
 */
static sc_tier_rule
tier_rule(const char *fname, text *method, const Datum *v, const bool *isnull)
{
	sc_tier_rule r;
	sc_err		err;
	sc_status	st;

	r.method = method_of(method, fname);
	if (r.method == SC_METHOD_QUANTILE)
	{
		r.red = isnull[0] ? SC_TIER_RED_SHARE : DatumGetFloat8(v[0]);
		r.orange = isnull[1] ? SC_TIER_ORANGE_SHARE : DatumGetFloat8(v[1]);
		r.yellow = isnull[2] ? SC_TIER_YELLOW_SHARE : DatumGetFloat8(v[2]);
		st = sc_tier_check_shares(r.red, r.orange, r.yellow, &err);
		if (st != SC_OK)
			sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
						  "Give cumulative shares of the units, e.g. red 0.01, orange 0.05, yellow 0.15.");
	}
	else
	{
		if (isnull[0] || isnull[1] || isnull[2])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: method 'threshold' needs the cut-offs red, orange and yellow", fname),
							errhint("Pass red => ..., orange => ..., yellow => ... in the units of the score.")));
		r.red = DatumGetFloat8(v[0]);
		r.orange = DatumGetFloat8(v[1]);
		r.yellow = DatumGetFloat8(v[2]);
		st = sc_tier_check_thresholds(r.red, r.orange, r.yellow, &err);
		if (st != SC_OK)
			sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
						  "Cut-offs must not increase from red to yellow, e.g. 0.8, 0.5, 0.2.");
	}
	return r;
}

/* the tier rule from the arguments (method, red, orange, yellow) at argno */
static sc_tier_rule
rule_args(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	Datum		v[3];
	bool		isnull[3];

	sp_arg_not_null(fcinfo, argno, fname, "method");
	for (int k = 0; k < 3; k++)
	{
		isnull[k] = PG_ARGISNULL(argno + 1 + k);
		v[k] = isnull[k] ? (Datum) 0 : PG_GETARG_DATUM(argno + 1 + k);
	}
	return tier_rule(fname, PG_GETARG_TEXT_PP(argno), v, isnull);
}

static sc_risk_weights
weight_args(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	sc_risk_weights w;
	sc_err		err;
	sc_status	st;

	w.harm = sp_arg_float(fcinfo, argno, fname, "w_harm");
	w.recency = sp_arg_float(fcinfo, argno + 1, fname, "w_recency");
	w.seasonal = sp_arg_float(fcinfo, argno + 2, fname, "w_seasonal");
	w.trend = sp_arg_float(fcinfo, argno + 3, fname, "w_trend");
	st = sc_risk_check_weights(&w, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Component weights are >= 0 and not all 0; the defaults are 0.4, 0.3, 0.2, 0.1.");
	return w;
}

/* --- safety.tier(score, method, red, orange, yellow) OVER (...) -------- */

typedef struct TierWinState
{
	bool		done;
	uint8	   *tiers;
	Oid			oids[4];
} TierWinState;

PG_FUNCTION_INFO_V1(safety_tier);
Datum
safety_tier(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	TierWinState *ws = (TierWinState *) WinGetPartitionLocalMemory(winobj, sizeof(TierWinState));
	const char *fname = "safety.tier";
	int64		pos = WinGetCurrentPosition(winobj);
	uint8		t;

	if (!ws->done)
	{
		int64		n = WinGetPartitionRowCount(winobj);
		MemoryContext partctx = GetMemoryChunkContext(ws);
		double	   *scores = sp_palloc_huge(sizeof(double) * n, fname, "the scores");
		Datum		args[4];
		bool		nulls[4];
		sc_tier_rule r;
		sc_err		err;
		sc_status	st;

		/* method and shares / cut-offs are taken from the partition's first row */
		for (int a = 0; a < 4; a++)
		{
			bool		isout;

			args[a] = WinGetFuncArgInPartition(winobj, a + 1, 0, WINDOW_SEEK_HEAD, false,
											   &nulls[a], &isout);
		}
		if (nulls[0])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: method must not be NULL", fname),
							errhint("Use 'quantile' or 'threshold'.")));
		r = tier_rule(fname, DatumGetTextPP(args[0]), args + 1, nulls + 1);
		for (int64 k = 0; k < n; k++)
		{
			bool		isnull,
						isout;
			Datum		d = WinGetFuncArgInPartition(winobj, 0, k, WINDOW_SEEK_HEAD, false,
													 &isnull, &isout);

			if (k % SC_INTERRUPT_EVERY == 0)
				CHECK_FOR_INTERRUPTS();
			scores[k] = isnull ? NAN : DatumGetFloat8(d);
			if (!isnull && (isnan(scores[k]) || isinf(scores[k])))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("%s: score must be a finite number (row %lld is %g)", fname,
									   (long long) k + 1, scores[k]),
								errhint("Use NULL for a unit without a score.")));
		}
		ws->tiers = MemoryContextAlloc(partctx, n ? n : 1);
		if (r.method == SC_METHOD_QUANTILE)
		{
			sc_alloc	alloc = sp_allocator(CurrentMemoryContext);

			st = sc_tier_quantile(scores, (size_t) n, r.red, r.orange, r.yellow, ws->tiers, NULL,
								  &alloc, &err);
			if (st != SC_OK)
				sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
		}
		else
			for (int64 k = 0; k < n; k++)
				ws->tiers[k] = (uint8) sc_tier_threshold(scores[k], r.red, r.orange, r.yellow);
		sp_tier_oids(sp_fn_rettype(fcinfo), ws->oids);
		pfree(scores);
		ws->done = true;
	}
	t = ws->tiers[pos];
	if (t == SC_TIER_NONE)
		PG_RETURN_NULL();
	PG_RETURN_OID(ws->oids[t]);
}

/* --- seasonal tiers ---------------------------------------------------- */

static double
seasonal_p(FunctionCallInfo fcinfo, const char *fname)
{
	double		p;
	sc_err		err;
	sc_status	st = sc_upper_tail(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), &p,
								   sp_check_interrupts, &err);

	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "observed and expected are counts (>= 0); dispersion is >= 0 (0: Poisson).");
	return p;
}

PG_FUNCTION_INFO_V1(safety_seasonal_p);
Datum
safety_seasonal_p(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(seasonal_p(fcinfo, "safety.seasonal_p"));
}

PG_FUNCTION_INFO_V1(safety_seasonal_tier);
Datum
safety_seasonal_tier(PG_FUNCTION_ARGS)
{
	sc_tier		t = sc_tier_from_p(seasonal_p(fcinfo, "safety.seasonal_tier"));
	Oid			oids[4];

	if (t == SC_TIER_NONE)
		PG_RETURN_NULL();
	sp_tier_oids(sp_fn_rettype(fcinfo), oids);
	PG_RETURN_OID(oids[t]);
}

/* --- risk components of a whole collection ------------------------------ */

static Datum
float_or_null(double v, bool *isnull)
{
	*isnull = isnan(v);
	return Float8GetDatum(isnan(v) ? 0 : v);
}

PG_FUNCTION_INFO_V1(safety_risk_components);
Datum
safety_risk_components(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.risk_components";
	ExpandedEvents *ee;
	const sc_events *e;
	sc_risk_params p;
	sc_risk_comp c;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	int64_t    *ts;
	double	   *ws;
	TupleDesc	tupdesc;
	Datum		values[9];
	bool		nulls[9] = {false};
	sc_err		err;
	sc_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	p.as_of = sp_arg_time(fcinfo, 1, fname, "as_of");
	p.window = sp_arg_interval(fcinfo, 2, fname, "window");
	p.baseline = sp_arg_interval(fcinfo, 3, fname, "baseline");
	p.half_life = sp_arg_interval(fcinfo, 4, fname, "half_life");
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	e = &ee->ev;
	p.data_start = sp_data_start(e, fname);
	sp_check_as_of(p.as_of, p.data_start, fname, "as_of");
	ts = sp_palloc_huge(sizeof(int64_t) * e->n, fname, "the event times");
	ws = sp_palloc_huge(sizeof(double) * e->n, fname, "the event weights");
	for (size_t k = 0; k < e->n; k++)
	{
		ts[k] = sc_event_time(e, k);
		ws[k] = e->w[k];
	}
	st = sc_risk_components(ts, ws, e->n, &p, &c, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? TIERS_HINT_WEIGHTS : NULL);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fname);
	values[0] = Int64GetDatum(c.events);
	values[1] = Float8GetDatum(c.harm);
	values[2] = Float8GetDatum(c.recency);
	values[3] = float_or_null(c.expected, &nulls[3]);
	values[4] = Int32GetDatum(c.years);
	values[5] = float_or_null(c.ratio, &nulls[5]);
	values[6] = Int32GetDatum(c.weeks);
	values[7] = float_or_null(c.trend_s, &nulls[7]);
	values[8] = float_or_null(c.trend_z, &nulls[8]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* --- per-cell scores and tiers ------------------------------------------ */

/*
 * safety.risk_scores(e, as_of, cell_size, method, red, orange, yellow,
 *                    w_harm, w_recency, w_seasonal, w_trend, window, baseline, half_life)
 */
PG_FUNCTION_INFO_V1(safety_risk_scores);
Datum
safety_risk_scores(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.risk_scores";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExpandedEvents *ee;
	sc_risk_params p;
	sc_tier_rule rule;
	sc_risk_weights w;
	sc_risk_cell *cells;
	size_t		nc;
	double		cell_size;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	SpPolygonMaker maker;
	TupleDesc	tupdesc;
	Oid			oids[4];
	sc_err		err;
	sc_status	st;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	p.as_of = sp_arg_time(fcinfo, 1, fname, "as_of");
	cell_size = sp_arg_float(fcinfo, 2, fname, "cell_size");
	sp_check_cell_size(fname, cell_size);
	rule = rule_args(fcinfo, 3, fname);
	w = weight_args(fcinfo, 7, fname);
	p.window = sp_arg_interval(fcinfo, 11, fname, "window");
	p.baseline = sp_arg_interval(fcinfo, 12, fname, "baseline");
	p.half_life = sp_arg_interval(fcinfo, 13, fname, "half_life");
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	p.data_start = sp_data_start(&ee->ev, fname);
	sp_check_as_of(p.as_of, p.data_start, fname, "as_of");
	sp_events_check_units(&ee->ev, cell_size, fname, "cell_size");
	sp_notice_events_cells(&ee->ev, cell_size, 0, fname);
	st = sc_risk_cells(&ee->ev, cell_size, &p, &w, &rule, &cells, &nc, &alloc,
					   sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? "Coordinates must be in a projected SRID near the data, and event weights "
					  "small enough that their sums stay within double precision (e.g. 1 to 100)." : NULL);

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_polygon_maker_init(&maker, TupleDescAttr(tupdesc, 1)->atttypid, CurrentMemoryContext);
	sp_tier_oids(TupleDescAttr(tupdesc, 18)->atttypid, oids);
	for (size_t k = 0; k < nc; k++)
	{
		const sc_risk_cell *c = &cells[k];
		Datum		values[21];
		bool		nulls[21] = {false};

		if (k % 256 == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(sc_cell_id(c->i, c->j));
		values[1] = sp_cell_polygon(&maker, SC_GRID_SQUARE, cell_size, ee->ev.srid, c->i, c->j, fname);
		values[2] = Int64GetDatum(c->c.events);
		values[3] = Float8GetDatum(c->c.harm);
		values[4] = Float8GetDatum(c->c.recency);
		values[5] = float_or_null(c->c.expected, &nulls[5]);
		values[6] = float_or_null(c->c.ratio, &nulls[6]);
		values[7] = float_or_null(c->c.trend_z, &nulls[7]);
		values[8] = Float8GetDatum(c->norm[0]);
		values[9] = Float8GetDatum(c->norm[1]);
		values[10] = Float8GetDatum(c->norm[2]);
		values[11] = Float8GetDatum(c->norm[3]);
		values[12] = Float8GetDatum(w.harm);
		values[13] = Float8GetDatum(w.recency);
		values[14] = Float8GetDatum(w.seasonal);
		values[15] = Float8GetDatum(w.trend);
		values[16] = Float8GetDatum(c->score);
		values[17] = Int64GetDatum(c->rank);
		values[18] = ObjectIdGetDatum(oids[c->tier]);
		nulls[18] = c->tier == SC_TIER_NONE;
		values[19] = Int32GetDatum(c->c.years);
		values[20] = Int32GetDatum(c->c.weeks);
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
	}
	pfree(cells);
	return (Datum) 0;
}
