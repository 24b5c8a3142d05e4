/*
 * forecast.c — safety.forecast, safety.forecast_fit and
 * safety.backtest: expected events per cell and their like-for-like
 * back-test.  The algorithms are in src/core/sc_forecast.c.
 */
#include "safety_pg.h"
#include "units_pg.h"

#include <ctype.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "forecast_pg.h"
#include "sc_ewkb.h"

#define FC_HINT_MODELS "Models: default, sepp, naive, counts, kde, prospective; all but naive take a window (for sepp the longest history), as in 'counts 365 days'."

/*
 * The window of a model as an interval.  interval_in's own error would not
 * say which function or argument it is about: a value it refuses becomes an
 * error of fname naming the model (anything else, a cancel say, goes on).
 */
static Interval *
model_window(const char *text, const char *window, const char *fname)
{
	MemoryContext ctx = CurrentMemoryContext;
	Interval   *iv = NULL;

	PG_TRY();
	{
		iv = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(window),
												   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(ctx);
		ed = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(ed->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the window \"%s\" of model \"%s\" is not an interval", fname, window, text),
						errdetail("%s", ed->message), errhint(FC_HINT_MODELS)));
	}
	PG_END_TRY();
	return iv;
}

/*
 * A model as written by the user: a name, optionally followed by the window
 * as an interval ("counts 28 days"); spaces around either are ignored.
 */
sc_fc_spec
sp_fc_parse_model(const char *text, const char *fname)
{
	sc_fc_spec	spec = {0};
	char	   *copy = pstrdup(text);
	char	   *name = copy,
			   *rest;
	sc_err		err;

	while (isspace((unsigned char) *name))
		name++;
	rest = name;
	while (*rest && !isspace((unsigned char) *rest))
		rest++;
	if (*rest)
	{
		*rest++ = '\0';
		while (isspace((unsigned char) *rest))
			rest++;
	}
	if (*name == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: model must not be empty", fname), errhint(FC_HINT_MODELS)));
	if (sc_fc_model_parse(name, &spec.model, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s", fname, err.msg), errhint(FC_HINT_MODELS)));
	if (*rest)
	{
		Interval   *iv;

		if (spec.model == SC_FC_NAIVE)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: model naive takes no window (it counts the last horizon): \"%s\"",
								   fname, text),
							errhint("Use 'counts 28 days' for counts of another window.")));
		iv = model_window(text, rest, fname);
		spec.window = sc_interval_usec(iv->month, iv->day, iv->time);
		if (spec.window <= 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: the window of model \"%s\" must be a positive interval", fname, text),
							errhint(FC_HINT_MODELS)));
		sp_check_interval_max(spec.window, fname, "the window of the model");
	}
	pfree(copy);
	return spec;
}

sc_fc_data *
sp_fc_prepare(Datum events, double cell_size, int64 area_before, const char *fname,
		const char *argname, int64 *data_start)
{
	ExpandedEvents *ee = sp_events_from_datum(events, CurrentMemoryContext);
	sc_fc_data *d = palloc0(sizeof(sc_fc_data));
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	*data_start = sp_data_start(&ee->ev, fname);
	sp_check_as_of(area_before, *data_start, fname, argname);
	sp_events_check_units(&ee->ev, cell_size, fname, "cell_size");
	sp_notice_events_cells(&ee->ev, cell_size, 0, fname);
	st = sc_fc_prepare(&ee->ev, cell_size, area_before, (size_t) safety_max_cells, d, &alloc,
					   sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ELIMIT ? "Use larger cells, or raise safety.max_cells." :
					  "Cells are squares of cell_size in the units of the SRID.");
	return d;
}

void
sp_fc_common_args(FunctionCallInfo fcinfo, const char *fname, int64 *as_of, double *cell_size,
				  int64 *horizon)
{
	sp_arg_not_null(fcinfo, 0, fname, "e");
	*as_of = sp_arg_time(fcinfo, 1, fname, "as_of");
	*cell_size = sp_arg_float(fcinfo, 2, fname, "cell_size");
	sp_check_cell_size(fname, *cell_size);
	*horizon = sp_arg_interval(fcinfo, 3, fname, "horizon");
}

Datum
sp_fc_cell_polygon(SpPolygonMaker *maker, const sc_fc_data *d, size_t c, const char *fname)
{
	return sp_cell_polygon(maker, SC_GRID_SQUARE, d->cell_size, d->lookup.srid, d->ci[c], d->cj[c], fname);
}

void
sp_fc_check_origins(const char *fname, int64 start, int64 stop, int64 step, int64 horizon,
					size_t max)
{
	size_t		n;
	sc_err		err;
	sc_status	st;

	if (stop <= start)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: stop must be after start", fname),
						errhint("Origins run from start while origin + horizon <= stop.")));
	if ((st = sc_fc_origins(start, stop, step, horizon, max, &n, &err)) == SC_EINVAL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: stop - start is shorter than the horizon: no origin to test", fname),
						errhint("Widen [start, stop) or shorten the horizon.")));
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, 0,
					  "Origins run from start by step while origin + horizon <= stop.");
}

void
sp_fc_fallback_notice(const sc_fc_fit *fit, const char *fname)
{
	if (fit->fallback)
		ereport(NOTICE, (errmsg("%s: %lld events are too few to fit sepp (at least %d): forecasting with counts of the history instead",
								fname, (long long) fit->events, SC_FC_SEPP_MIN_EVENTS),
						 errhint("Give more history, or choose a baseline model.")));
}

/* the collection prepared at as_of and spec's forecast of its study cells */
static sc_fc_data *
forecast_cells(Datum events, const sc_fc_spec *spec, int64 as_of, double cell_size, int64 horizon,
			   const char *fname, double **expected, sc_fc_fit *fit)
{
	int64		data_start;
	sc_fc_data *d = sp_fc_prepare(events, cell_size, as_of, fname, "as_of", &data_start);
	sc_err		err;
	sc_status	st;

	*expected = sp_palloc_huge(sizeof(double) * d->ncells, fname, "the forecasts");
	st = sc_fc_expected(d, spec, as_of, horizon, *expected, fit, sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	sp_fc_fallback_notice(fit, fname);
	return d;
}

/*
 * safety.forecast(e, as_of, cell_size, horizon, model, window, bandwidth)
 *   -> (cell_id, i, j, expected, geom)
 */
PG_FUNCTION_INFO_V1(safety_forecast);
Datum
safety_forecast(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.forecast";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		as_of,
				horizon;
	double		cell_size;
	sc_fc_spec	spec;
	sc_fc_data *d;
	sc_fc_fit	fit;
	double	   *expected;
	SpPolygonMaker maker;
	TupleDesc	tupdesc;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	sp_fc_common_args(fcinfo, fname, &as_of, &cell_size, &horizon);
	sp_arg_not_null(fcinfo, 4, fname, "model");
	spec = sp_fc_parse_model(text_to_cstring(PG_GETARG_TEXT_PP(4)), fname);
	if (!PG_ARGISNULL(5))
	{
		if (spec.model == SC_FC_NAIVE)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: model naive takes no window (it counts the last horizon)", fname),
							errhint("Use model 'counts' with a window.")));
		spec.window = sp_arg_interval(fcinfo, 5, fname, "window");
	}
	if (!PG_ARGISNULL(6))
	{
		spec.bandwidth = sp_arg_float(fcinfo, 6, fname, "bandwidth");
		if (!(spec.bandwidth > 0))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: bandwidth must be > 0 (got %g)", fname, spec.bandwidth),
							errhint("It is a distance in the units of the SRID, e.g. 500.")));
	}
	d = forecast_cells(PG_GETARG_DATUM(0), &spec, as_of, cell_size, horizon, fname, &expected, &fit);

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_polygon_maker_init(&maker, TupleDescAttr(tupdesc, 4)->atttypid, CurrentMemoryContext);
	for (size_t c = 0; c < d->ncells; c++)
	{
		Datum		values[5];
		bool		nulls[5] = {false};

		if (c % 256 == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(sc_cell_id(d->ci[c], d->cj[c]));
		values[1] = Int32GetDatum(d->ci[c]);
		values[2] = Int32GetDatum(d->cj[c]);
		values[3] = Float8GetDatum(expected[c]);
		values[4] = sp_fc_cell_polygon(&maker, d, c, fname);
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		pfree(DatumGetPointer(values[4]));
	}
	sc_fc_free(d);
	return (Datum) 0;
}

/* safety.forecast_fit(e, as_of, cell_size, horizon) -> what sepp fitted */
PG_FUNCTION_INFO_V1(safety_forecast_fit);
Datum
safety_forecast_fit(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.forecast_fit";
	int64		as_of,
				horizon;
	double		cell_size;
	sc_fc_spec	spec = {SC_FC_SEPP, 0, 0};
	sc_fc_data *d;
	sc_fc_fit	fit;
	double	   *expected,
				total = 0;
	TupleDesc	tupdesc;
	Datum		values[12];
	bool		nulls[12] = {false};
	Interval   *hist = palloc0(sizeof(Interval));

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	sp_fc_common_args(fcinfo, fname, &as_of, &cell_size, &horizon);
	if (!PG_ARGISNULL(4))
		spec.window = sp_arg_interval(fcinfo, 4, fname, "history");
	d = forecast_cells(PG_GETARG_DATUM(0), &spec, as_of, cell_size, horizon, fname, &expected, &fit);
	for (size_t c = 0; c < d->ncells; c++)
		total += expected[c];
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fname);
	values[0] = Int64GetDatum(fit.events);
	values[1] = Int64GetDatum((int64) d->ncells);
	values[2] = Float8GetDatum(fit.theta);
	values[3] = Float8GetDatum(fit.omega);
	nulls[3] = isnan(fit.omega) || fit.fallback;
	values[4] = Float8GetDatum(fit.prior_strength);
	nulls[4] = fit.fallback;
	values[5] = Float8GetDatum(fit.bandwidth);
	hist->day = (int32) (fit.history / SC_USEC_PER_DAY);
	hist->time = fit.history % SC_USEC_PER_DAY;
	values[6] = IntervalPGetDatum(hist);
	nulls[6] = fit.fallback;
	values[7] = Float8GetDatum(fit.background);
	values[8] = Float8GetDatum(total);
	values[9] = Int32GetDatum(fit.iterations);
	values[10] = Int32GetDatum(fit.averaged);
	values[11] = Float8GetDatum(fit.level);
	sc_fc_free(d);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* the text[] / float8[] arguments, without NULL elements */
Datum *
sp_array_arg(FunctionCallInfo fcinfo, int argno, Oid elemtype, const char *fname,
		  const char *argname, int *n)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int16		len;
	bool		byval;
	char		align;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("%s: %s must be a one-dimensional array", fname, argname)));
	get_typlenbyvalalign(elemtype, &len, &byval, &align);
	deconstruct_array(arr, elemtype, len, byval, align, &elems, &nulls, n);
	if (*n == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must not be empty", fname, argname)));
	if (*n > 64)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: %s has %d elements; at most 64", fname, argname, *n)));
	for (int k = 0; k < *n; k++)
		if (nulls[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: %s element %d is NULL", fname, argname, k + 1)));
	return elems;
}

/*
 * safety.backtest(e, cell_size, start, stop, step, horizon, models, coverages)
 *   -> (origin, model, coverage, cells, study_cells, captured, events, best,
 *       hit_rate, pai, pei, stability)
 */
PG_FUNCTION_INFO_V1(safety_forecast_backtest);
Datum
safety_forecast_backtest(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.backtest";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		cell_size;
	int64		start,
				stop,
				step,
				horizon,
				data_start;
	Datum	   *mnames,
			   *covd;
	int			nm,
				ncov;
	sc_fc_spec *specs;
	double	   *cov;
	sc_fc_data *d;
	sc_fc_bt_row *rows;
	size_t		nrows;
	TupleDesc	tupdesc;
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
	mnames = sp_array_arg(fcinfo, 6, TEXTOID, fname, "models", &nm);
	covd = sp_array_arg(fcinfo, 7, FLOAT8OID, fname, "coverages", &ncov);
	specs = palloc(sizeof(sc_fc_spec) * nm);
	for (int m = 0; m < nm; m++)
		specs[m] = sp_fc_parse_model(TextDatumGetCString(mnames[m]), fname);
	cov = palloc(sizeof(double) * ncov);
	for (int q = 0; q < ncov; q++)
	{
		cov[q] = DatumGetFloat8(covd[q]);
		/* the value as the user wrote it ("NaN", not C's "nan") */
		if (sc_fc_check_coverage(cov[q], &err) != SC_OK)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: coverage %d must lie in (0, 1], not %s", fname, q + 1,
								   float8out_internal(cov[q])),
							errhint("A coverage is a share of the study cells, e.g. 0.01 for the top 1 %%.")));
	}
	sp_fc_check_origins(fname, start, stop, step, horizon, SC_FC_MAX_ORIGINS);
	d = sp_fc_prepare(PG_GETARG_DATUM(0), cell_size, start, fname, "start", &data_start);
	st = sc_fc_backtest(d, specs, nm, cov, ncov, start, stop, step, horizon, &rows, &nrows,
						sp_check_interrupts, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Origins run from start by step while origin + horizon <= stop.");

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	for (size_t k = 0; k < nrows; k++)
	{
		const sc_fc_bt_row *r = &rows[k];
		Datum		values[12];
		bool		nulls[12] = {false};
		double		hit,
					pai,
					pei;

		if (k % 256 == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = TimestampTzGetDatum(r->origin);
		values[1] = mnames[r->model];
		values[2] = Float8GetDatum(cov[r->coverage]);
		values[3] = Int64GetDatum(r->cells);
		values[4] = Int64GetDatum(r->study_cells);
		values[5] = Int64GetDatum(r->captured);
		values[6] = Int64GetDatum(r->events);
		values[7] = Int64GetDatum(r->best);
		sc_fc_bt_measures(r, &hit, &pai, &pei);
		values[8] = Float8GetDatum(hit);
		nulls[8] = isnan(hit);
		values[9] = Float8GetDatum(pai);
		nulls[9] = isnan(pai);
		values[10] = Float8GetDatum(pei);
		nulls[10] = isnan(pei);
		values[11] = Float8GetDatum(r->stability);
		nulls[11] = isnan(r->stability);
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
	}
	sc_fc_free(d);
	return (Datum) 0;
}
