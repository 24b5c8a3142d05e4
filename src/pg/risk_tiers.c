/*
 * risk_tiers.c — safety.forecast_tiers and safety.tier_backtest: red /
 * orange / yellow cells graded from a forecast, and how they fared.  The
 * rule is in src/core/sc_risk_tiers.c; safety.risk_tiers (SQL) adds the
 * response policy of safety.tier_policy.
 */
#include "forecast_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sc_risk_tiers.h"
#include "sc_tiers.h"

/*
 * The rule from (shares, caps, keep, lookback) at argument argno: shares
 * three cumulative shares (red, orange, yellow), caps three cell counts or
 * NULLs (NULL or a NULL element: no cap).
 */
static sc_rt_rule
rule_args(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	sc_rt_rule	r;
	Datum	   *sh;
	int			n;
	sc_err		err;

	sc_rt_rule_default(&r);
	sh = sp_array_arg(fcinfo, argno, FLOAT8OID, fname, "shares", &n);
	if (n != 3)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: shares must hold 3 values (red, orange, yellow), not %d", fname, n),
						errhint("The defaults are '{0.01,0.05,0.15}': cumulative shares of the study cells in an ordinary horizon.")));
	for (int k = 0; k < 3; k++)
		r.share[k] = DatumGetFloat8(sh[k]);
	if (!PG_ARGISNULL(argno + 1))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno + 1);
		Datum	   *el;
		bool	   *nulls;

		deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &el, &nulls, &n);
		if (ARR_NDIM(arr) > 1 || n != 3)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: caps must hold 3 values (red, orange, yellow), not %d", fname, n),
							errhint("A cap is the most cells a tier may hold; NULL means no cap.")));
		for (int k = 0; k < 3; k++)
		{
			r.cap[k] = nulls[k] ? 0 : DatumGetInt64(el[k]);
			if (!nulls[k] && r.cap[k] <= 0)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("%s: a cap must be a positive number of cells (got %lld)", fname,
									   (long long) r.cap[k]),
								errhint("Use NULL for no cap.")));
		}
	}
	r.keep = sp_arg_float(fcinfo, argno + 2, fname, "keep");
	sp_arg_not_null(fcinfo, argno + 3, fname, "lookback");
	r.lookback = PG_GETARG_INT32(argno + 3);
	if (sc_rt_check_rule(&r, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s", fname, err.msg),
						errhint("shares are cumulative shares of the study cells (red < orange < yellow <= 1); keep is the share of its cut-off a cell needs to stay in its tier (0.8); lookback the earlier horizons replayed (0..52).")));
	return r;
}

static sc_fc_spec
model_arg(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	sp_arg_not_null(fcinfo, argno, fname, "model");
	return sp_fc_parse_model(text_to_cstring(PG_GETARG_TEXT_PP(argno)), fname);
}

/*
 * safety.forecast_tiers(e, as_of, cell_size, horizon, model, shares, caps, keep, lookback)
 *   -> (cell_id, geom, events, expected, typical, severity, priority, rank, tier)
 */
PG_FUNCTION_INFO_V1(safety_forecast_tiers);
Datum
safety_forecast_tiers(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.forecast_tiers";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		as_of,
				horizon,
				data_start,
				last;
	double		cell_size;
	sc_fc_spec	spec;
	sc_rt_rule	rule;
	sc_fc_data *d;
	sc_rt_cell *cells;
	SpPolygonMaker maker;
	TupleDesc	tupdesc;
	Oid			oids[4];
	sc_err		err;
	sc_status	st;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	sp_fc_common_args(fcinfo, fname, &as_of, &cell_size, &horizon);
	spec = model_arg(fcinfo, 4, fname);
	rule = rule_args(fcinfo, 5, fname);
	d = sp_fc_prepare(PG_GETARG_DATUM(0), cell_size, as_of, fname, "as_of", &data_start);
	if (sc_rt_stale(d, as_of, &last))
	{
		/* timestamptz_to_str returns a static buffer */
		char	   *as_of_str = pstrdup(timestamptz_to_str(as_of));

		ereport(NOTICE, (errmsg("%s: as_of %s is more than a year after the last event (%s): no cell has events in the last year",
								fname, as_of_str, timestamptz_to_str(last)),
						 errhint("The tiers grade the last year: pass an as_of within the data, e.g. the time of the last event.")));
	}
	cells = sp_palloc_huge(sizeof(sc_rt_cell) * d->ncells, fname, "the tiers");
	st = sc_rt_tiers(d, &spec, as_of, horizon, &rule, cells, NULL, sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_polygon_maker_init(&maker, TupleDescAttr(tupdesc, 1)->atttypid, CurrentMemoryContext);
	sp_tier_oids(TupleDescAttr(tupdesc, 8)->atttypid, oids);
	for (size_t c = 0; c < d->ncells; c++)
	{
		Datum		values[9];
		bool		nulls[9] = {false};

		if (c % 256 == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(sc_cell_id(d->ci[c], d->cj[c]));
		values[1] = sp_fc_cell_polygon(&maker, d, c, fname);
		values[2] = Int64GetDatum(cells[c].events);
		values[3] = Float8GetDatum(cells[c].expected);
		values[4] = Float8GetDatum(cells[c].typical);
		values[5] = Float8GetDatum(cells[c].severity);
		values[6] = Float8GetDatum(cells[c].priority);
		values[7] = Int64GetDatum(cells[c].rank);
		values[8] = ObjectIdGetDatum(oids[cells[c].tier]);
		nulls[8] = cells[c].tier == SC_TIER_NONE;
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
	}
	sc_fc_free(d);
	return (Datum) 0;
}

/*
 * safety.tier_backtest(e, cell_size, start, stop, step, horizon, model, shares, caps, keep, lookback)
 *   -> (origin, tier, cells, events, mean_events, expected, changed)
 */
PG_FUNCTION_INFO_V1(safety_tier_backtest);
Datum
safety_tier_backtest(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.tier_backtest";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		cell_size;
	int64		start,
				stop,
				step,
				horizon,
				data_start;
	sc_fc_spec	spec;
	sc_rt_rule	rule;
	sc_fc_data *d;
	sc_rt_bt_row *rows;
	size_t		nrows;
	TupleDesc	tupdesc;
	Oid			oids[4];
	sc_err		err;
	sc_status	st;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	cell_size = sp_arg_float(fcinfo, 1, fname, "cell_size");
	sp_check_cell_size(fname, cell_size);
	start = sp_arg_time(fcinfo, 2, fname, "start");
	stop = sp_arg_time(fcinfo, 3, fname, "stop");
	step = sp_arg_interval(fcinfo, 4, fname, "step");
	horizon = sp_arg_interval(fcinfo, 5, fname, "horizon");
	spec = model_arg(fcinfo, 6, fname);
	rule = rule_args(fcinfo, 7, fname);
	sp_fc_check_origins(fname, start, stop, step, horizon, SC_RT_MAX_ORIGINS);
	d = sp_fc_prepare(PG_GETARG_DATUM(0), cell_size, start, fname, "start", &data_start);
	st = sc_rt_backtest(d, &spec, &rule, start, stop, step, horizon, &rows, &nrows,
						sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Origins run from start by step while origin + horizon <= stop.");

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_tier_oids(TupleDescAttr(tupdesc, 1)->atttypid, oids);
	for (size_t k = 0; k < nrows; k++)
	{
		const sc_rt_bt_row *r = &rows[k];
		Datum		values[7];
		bool		nulls[7] = {false};

		if (k % 256 == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = TimestampTzGetDatum(r->origin);
		values[1] = ObjectIdGetDatum(oids[r->tier]);
		nulls[1] = r->tier == SC_TIER_NONE;
		values[2] = Int64GetDatum(r->cells);
		values[3] = Int64GetDatum(r->events);
		values[4] = Float8GetDatum(r->cells ? (double) r->events / (double) r->cells : 0);
		nulls[4] = r->cells == 0;
		values[5] = Float8GetDatum(r->expected);
		values[6] = Int64GetDatum(r->changed);
		nulls[6] = r->changed < 0;
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
	}
	sc_fc_free(d);
	return (Datum) 0;
}
