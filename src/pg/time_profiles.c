/*
 * time_profiles.c — when crime happens: safety.aoristic (aoristic hour,
 * weekday and month profiles in a time zone), safety.rate_test (the exact
 * test of two Poisson rates behind safety.period_change) and
 * safety.mann_kendall (Mann–Kendall with Sen's slope behind safety.trend)
 * and safety.seasonal_indices (the classical multiplicative decomposition
 * of monthly or daily counts).
 *
 * Local time comes from PostgreSQL's own time zone code (pg_tzset,
 * pg_localtime: the zone database the server uses for AT TIME ZONE), so
 * daylight-saving changes are exactly PostgreSQL's.  The algorithms are in
 * src/core/sc_aoristic.c, sc_rate_test.c, sc_trend.c and sc_seasonal.c.
 */
#include "safety_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sc_aoristic.h"
#include "sc_rate_test.h"
#include "sc_seasonal.h"
#include "sc_trend.h"

static bool
pg_local(void *arg, int64_t unix_sec, sc_local *out)
{
	pg_time_t	s = (pg_time_t) unix_sec;
	struct pg_tm *tm = pg_localtime(&s, (const pg_tz *) arg);

	if (!tm)
		return false;
	out->year = tm->tm_year + 1900;
	out->mon = tm->tm_mon;
	out->mday = tm->tm_mday;
	out->hour = tm->tm_hour;
	out->min = tm->tm_min;
	out->sec = tm->tm_sec;
	out->wday = tm->tm_wday;
	out->gmtoff = tm->tm_gmtoff;
	return true;
}

/* the zone named by argument argno, or an error naming it */
static pg_tz *
arg_time_zone(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	char	   *name;
	pg_tz	   *tz;

	sp_arg_not_null(fcinfo, argno, fname, "time_zone");
	name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	tz = pg_tzset(name);
	if (!tz)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: time_zone \"%s\" is not a known time zone", fname, name),
						errhint("Use a name from pg_timezone_names, e.g. 'America/New_York' or 'UTC'.")));
	return tz;
}

/* safety._require_time_zone(fn, time_zone): the same check for the SQL functions */
PG_FUNCTION_INFO_V1(safety_require_time_zone);
Datum
safety_require_time_zone(PG_FUNCTION_ARGS)
{
	char	   *fname = PG_ARGISNULL(0) ? "safety" : text_to_cstring(PG_GETARG_TEXT_PP(0));

	(void) arg_time_zone(fcinfo, 1, fname);
	PG_RETURN_VOID();
}

static sc_bins
arg_bins(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	char	   *name;
	int			b;

	sp_arg_not_null(fcinfo, argno, fname, "bins");
	name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	b = sc_bins_parse(name);
	if (b < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: bins must be hour_of_week, hour_of_day, day_of_week or month_of_year, not \"%s\"", fname, name),
						errhint("hour_of_week gives 168 rows (dow 0 = Sunday), hour_of_day 24, day_of_week 7, month_of_year 12.")));
	return (sc_bins) b;
}

PG_FUNCTION_INFO_V1(safety_aoristic);
Datum
safety_aoristic(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.aoristic";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExpandedEvents *ee;
	pg_tz	   *tz;
	sc_bins		bins;
	double		w[168];
	sc_err		err;
	sc_status	st;
	int			nb;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	tz = arg_time_zone(fcinfo, 1, fname);
	bins = arg_bins(fcinfo, 2, fname);
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	ee->ev.alloc.interrupt = sp_check_interrupts;
	st = sc_aoristic_events(&ee->ev, bins, pg_local, tz, w, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	InitMaterializedSRF(fcinfo, 0);
	nb = sc_bins_count(bins);
	for (int b = 0; b < nb; b++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		switch (bins)
		{
			case SC_BINS_HOUR_OF_WEEK:
				values[0] = Int32GetDatum(b);
				values[1] = Int32GetDatum(b / 24);
				values[2] = Int32GetDatum(b % 24);
				break;
			case SC_BINS_HOUR_OF_DAY:
				values[0] = Int32GetDatum(b);
				nulls[1] = true;
				values[2] = Int32GetDatum(b);
				break;
			case SC_BINS_DAY_OF_WEEK:
				values[0] = Int32GetDatum(b);
				values[1] = Int32GetDatum(b);
				nulls[2] = true;
				break;
			case SC_BINS_MONTH_OF_YEAR:
				values[0] = Int32GetDatum(b + 1);
				nulls[1] = nulls[2] = true;
				break;
		}
		values[3] = Float8GetDatum(w[b]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

#define RATE_TEST_MAX_EVENTS INT64CONST(1000000000)

PG_FUNCTION_INFO_V1(safety_rate_test);
Datum
safety_rate_test(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.rate_test";
	int64		x1 = PG_GETARG_INT64(0),
				x2 = PG_GETARG_INT64(1);
	double		t1 = PG_GETARG_FLOAT8(2),
				t2 = PG_GETARG_FLOAT8(3),
				p;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	if (x1 < 0 || x2 < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: counts must not be negative (got %lld and %lld)", fname,
							   (long long) x1, (long long) x2),
						errhint("x1 and x2 are the numbers of events in the two periods.")));
	if (!(t1 > 0) || !(t2 > 0) || isinf(t1) || isinf(t2))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: exposures t1 and t2 must be finite and positive (got %g and %g)", fname, t1, t2),
						errhint("t1 and t2 are the lengths of the two periods (any unit, the same for both); 1 and 1 compare the counts alone.")));
	/* the exact sums take O(x1 + x2) steps: beyond a billion, minutes */
	if (x1 > RATE_TEST_MAX_EVENTS || x2 > RATE_TEST_MAX_EVENTS - x1)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: x1 + x2 must be at most %lld (got %lld and %lld)", fname,
							   (long long) RATE_TEST_MAX_EVENTS, (long long) x1, (long long) x2),
						errhint("The exact test sums one term per possible count; counts that large need no exact test.")));
	st = sc_rate_test((uint64_t) x1, (uint64_t) x2, t1, t2, &alloc, &p, &err);
	if (st == SC_EUNDEFINED)
		PG_RETURN_NULL();
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_FLOAT8(p);
}

/* the standard normal upper tail, 1 - Phi(z) */
static double
norm_upper(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

PG_FUNCTION_INFO_V1(safety_mann_kendall);
Datum
safety_mann_kendall(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.mann_kendall";
	int			m;
	double	   *x;
	double		s,
				var,
				z,
				tied,
				slope,
				n0;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fname);
	x = sp_arg_float8s(fcinfo, 0, fname, "series", "A period without events counts 0: use coalesce(n, 0).", &m);
	if (m < 3)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: series has %d values; the test needs at least 3", fname, m),
						errhint("Use a longer span or shorter periods (e.g. weeks instead of months).")));
	if (m > SC_SEN_MAX)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: series has %d values; at most %d are taken", fname, m, SC_SEN_MAX),
						errhint("Sen's slope keeps every pairwise slope: use longer periods (e.g. months instead of days).")));
	for (int k = 0; k < m; k++)
		if (!isfinite(x[k]))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: series value %d is not finite", fname, k + 1),
							errhint("Pass counts or rates, not NaN or infinity.")));
	sp_check_memory(fname, (Size) m * (m - 1) / 2 * sizeof(double), "the pairwise slopes of Sen's slope", NULL);
	st = sc_mann_kendall_var(x, m, &alloc, &s, &var, &z, &tied, &err);
	if (st == SC_OK)
		st = sc_sen_slope(x, m, &alloc, &slope, &err);
	if (st != SC_OK)
	{
		sp_raise_if_refused(fname, err.msg, NULL);
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	}
	n0 = (double) m * (m - 1) / 2;
	values[0] = Int32GetDatum(m);
	values[1] = Float8GetDatum(s);
	values[2] = Float8GetDatum(var);
	values[3] = Float8GetDatum(z);
	values[4] = Float8GetDatum(2 * norm_upper(fabs(z)));
	/* Kendall's tau-b (time has no ties): S / sqrt((n0 - tied pairs) n0) */
	if (n0 - tied > 0)
		values[5] = Float8GetDatum(s / sqrt((n0 - tied) * n0));
	else
		nulls[5] = true;
	values[6] = Float8GetDatum(slope);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* an optional finite timestamptz argument: false when NULL */
static bool
arg_bound(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname, int64 *out)
{
	TimestampTz t;

	if (PG_ARGISNULL(argno))
		return false;
	t = PG_GETARG_TIMESTAMPTZ(argno);
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be finite or NULL", fname, argname),
						errhint("NULL takes the data's first (start) or last (stop) whole period.")));
	*out = t;
	return true;
}

static const char *const month_names[12] = {"January", "February", "March", "April", "May", "June",
"July", "August", "September", "October", "November", "December"};
static const char *const day_names[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
"Friday", "Saturday"};

/*
 * safety.seasonal_indices(e, bins, time_zone, start, stop): one row per
 * month (bin 1..12) or weekday (bin 0..6, 0 = Sunday), in calendar order.
 */
PG_FUNCTION_INFO_V1(safety_seasonal_indices);
Datum
safety_seasonal_indices(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.seasonal_indices";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExpandedEvents *ee;
	pg_tz	   *tz;
	char	   *name;
	int			b,
				f,
				first_bin,
				periods[12];
	bool		has_start,
				has_stop;
	int64		start = 0,
				stop = 0;
	int64_t		first_key;
	double	   *x,
				figure[12],
				lower[12],
				upper[12],
				events[12];
	size_t		n;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	sp_arg_not_null(fcinfo, 1, fname, "bins");
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	b = sc_bins_parse(name);
	if (b != SC_BINS_MONTH_OF_YEAR && b != SC_BINS_DAY_OF_WEEK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: bins must be month_of_year or day_of_week, not \"%s\"", fname, name),
						errhint("month_of_year decomposes monthly counts (12 rows, bin 1 = January), day_of_week daily counts (7 rows, bin 0 = Sunday).")));
	tz = arg_time_zone(fcinfo, 2, fname);
	has_start = arg_bound(fcinfo, 3, fname, "start", &start);
	has_stop = arg_bound(fcinfo, 4, fname, "stop", &stop);
	if (has_start && has_stop && start >= stop)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: start must come before stop", fname),
						errhint("The indices use the whole local periods between start and stop.")));
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	ee->ev.alloc.interrupt = sp_check_interrupts;
	alloc.interrupt = sp_check_interrupts;
	st = sc_seasonal_series(&ee->ev, (sc_bins) b, pg_local, tz, has_start, start, has_stop, stop,
							&alloc, &x, &n, &first_bin, &first_key, &err);
	f = b == SC_BINS_MONTH_OF_YEAR ? 12 : 7;
	if (st == SC_OK)
		st = sc_seasonal_figure(x, n, f, 0.95, &alloc, figure, lower, upper, periods, &err);
	if (st != SC_OK)
	{
		if (st == SC_EUNDEFINED)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s", fname, err.msg),
							errhint("The indices need two whole cycles of periods: 24 whole local months for month_of_year, 2 whole Monday-to-Sunday weeks for day_of_week; widen start and stop or use more data.")));
		sp_raise_if_refused(fname, err.msg, NULL);
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	}
	memset(events, 0, sizeof(events));
	for (size_t i = 0; i < n; i++)
		events[i % f] += x[i];
	InitMaterializedSRF(fcinfo, 0);
	for (int bin = 0; bin < f; bin++)
	{
		int			p = ((bin - first_bin) % f + f) % f;	/* position in the series */
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = Int32GetDatum(f == 12 ? bin + 1 : bin);
		values[1] = CStringGetTextDatum(f == 12 ? month_names[bin] : day_names[bin]);
		values[2] = Float8GetDatum(events[p]);
		values[3] = Int32GetDatum(periods[p]);
		values[4] = Float8GetDatum(figure[p]);
		if (isnan(lower[p]))
			nulls[5] = nulls[6] = true;
		else
		{
			values[5] = Float8GetDatum(lower[p]);
			values[6] = Float8GetDatum(upper[p]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
