/*
 * args.c — argument readers shared by the analysis functions: NULL checks,
 * positive intervals, finite times and numbers, and the start of a
 * collection's data, each with an error naming the argument.
 */
#include "safety_pg.h"

#include <math.h>

#include "funcapi.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "sc_time.h"

void
sp_arg_not_null(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: %s must not be NULL", fname, argname),
						errhint("Pass a value, or leave the argument out to use its default.")));
}

/*
 * A NULL collection (safety.events or safety.grid) is no input, as for a
 * STRICT function: a set-returning function returns no rows, whatever its
 * other arguments (docs/reference.md, "NULL and empty inputs").  An aggregate
 * over no rows gives NULL, so an empty filter gives an empty result.
 */
bool
sp_null_collection_srf(FunctionCallInfo fcinfo, int argno)
{
	if (!PG_ARGISNULL(argno))
		return false;
	InitMaterializedSRF(fcinfo, 0);
	return true;
}

/* an interval argument as microseconds (a year 365.25 days, a month 30), > 0 */
int64
sp_arg_interval(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	Interval   *iv;
	int64		us;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	iv = PG_GETARG_INTERVAL_P(argno);
	us = sc_interval_usec(iv->month, iv->day, iv->time);
	if (us <= 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a positive interval", fname, argname),
						errhint("Use an interval such as '28 days'.")));
	sp_check_interval_max(us, fname, argname);
	return us;
}

void
sp_check_interval_max(int64 us, const char *fname, const char *argname)
{
	if (us > SC_INTERVAL_MAX_USEC)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be at most %d years", fname, argname, SC_INTERVAL_MAX_YEARS),
						errhint("Events lie in the years 1 to 9999: a longer interval selects nothing more.")));
}

int64
sp_arg_time(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	TimestampTz t;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	t = PG_GETARG_TIMESTAMPTZ(argno);
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a finite time", fname, argname),
						errhint("Pass a time within the data, not infinity.")));
	return t;
}

double
sp_arg_float(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	double		v;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	v = PG_GETARG_FLOAT8(argno);
	if (isnan(v) || isinf(v))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a finite number", fname, argname),
						errhint("NaN and infinity are not accepted.")));
	return v;
}

/* data_start of a collection, with a clear error when it is empty */
int64
sp_data_start(const sc_events *e, const char *fname)
{
	int64_t		first;
	sc_err		err;
	sc_status	st = sc_events_first_time(e, &first, &err);

	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Collect some events with safety.events_agg first.");
	return sc_day_start(first);
}

void
sp_check_as_of(int64 as_of, int64 data_start, const char *fname, const char *argname)
{
	if (as_of <= data_start)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s %s is before all data", fname, argname,
							   timestamptz_to_str(as_of)),
						errhint("The data start on the day of the first event, %s; pass a later %s.",
								timestamptz_to_str(data_start), argname)));
}


Datum *
sp_arg_array(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname,
			 Oid *elemtype, bool **nulls, int *n)
{
	ArrayType  *arr;
	Datum	   *elems;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("%s: %s must be a one-dimensional array, not %d-dimensional", fname,
							   argname, ARR_NDIM(arr)),
						errhint("Pass one element per row, e.g. array_agg(%s ORDER BY id).", argname)));
	if (elemtype)
		*elemtype = ARR_ELEMTYPE(arr);
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, nulls, n);
	return elems;
}

double *
sp_arg_float8s(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname,
			   const char *null_hint, int *n)
{
	bool	   *nulls;
	Datum	   *elems = sp_arg_array(fcinfo, argno, fname, argname, NULL, &nulls, n);
	double	   *out = palloc_array(double, *n + 1);

	for (int k = 0; k < *n; k++)
	{
		if (nulls[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: %s element %d is NULL", fname, argname, k + 1),
							null_hint ? errhint("%s", null_hint) : 0));
		out[k] = DatumGetFloat8(elems[k]);
	}
	return out;
}

double
sp_arg_band(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: distance must not be NULL", fname),
						errhint("Give the distance band in the units of the grid's SRID.")));
	return PG_GETARG_FLOAT8(argno);
}
