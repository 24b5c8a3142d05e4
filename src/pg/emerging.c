/*
 * emerging.c — the space-time cube of an event collection, space-time Gi*
 * over it, and emerging hot spots (safety.space_time_cube,
 * safety.space_time_gi_star, safety.emerging_hotspots): arguments, the
 * steps, the analysis set and the rows; the statistics are in the core
 * (sc_emerging.h).
 */
#include "hotspots_pg.h"
#include "units_pg.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include <math.h>

#include "sc_emerging.h"
#include "sc_time.h"

/* at most this many time steps (a century of days) */
#define SP_MAX_STEPS 36525

/* positions of the arguments the three functions share (-1: none) */
typedef struct CubeArgs
{
	int			time_steps;
	int			start;
	int			stop;
	int			shape;
	int			study_area;
	int			analysis_set;
} CubeArgs;

typedef struct SpCube
{
	sc_grid_kind kind;
	double		cell_size;
	int32		srid;
	double		distance;
	size_t		steps;
	int64	   *bounds;			/* steps + 1, ascending */
	SpCellSet	set;			/* the locations */
	double	   *x;				/* set.n · steps counts, location-major */
	size_t		time_steps;
} SpCube;

static int64
step_back(int64 t, Interval *step)
{
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval, TimestampTzGetDatum(t),
												   IntervalPGetDatum(step)));
}

/*
 * Steps of the cube, aligned to end at stop (ArcGIS's END_TIME alignment):
 * stop, stop − step, … back to the first bound at or before start, in the
 * session's time zone (a month is a calendar month).
 */
static void
cube_steps(SpCube *cube, int64 start, int64 stop, Interval *step, const char *fname)
{
	int64	   *rev;
	size_t		n = 0;
	int64		b = stop;

	if (start >= stop)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: start must be before stop", fname),
						errhint("By default the cube runs from the first event to the midnight after the last.")));
	rev = palloc((SP_MAX_STEPS + 1) * sizeof(int64));
	rev[n++] = b;
	while (b > start)
	{
		int64		nb = step_back(b, step);

		CHECK_FOR_INTERRUPTS();
		if (nb >= b)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: step must be a positive interval", fname),
							errhint("Give a step such as '7 days' or '1 month'.")));
		if (n > SP_MAX_STEPS)
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("%s: the period holds more than %d steps", fname, SP_MAX_STEPS),
							errhint("Use a longer step or a shorter period (start, stop).")));
		rev[n++] = b = nb;
	}
	cube->steps = n - 1;
	cube->bounds = palloc(n * sizeof(int64));
	for (size_t k = 0; k < n; k++)
		cube->bounds[k] = rev[n - 1 - k];
	pfree(rev);
}

static bool
arg_given(FunctionCallInfo fcinfo, int argno)
{
	return argno >= 0 && argno < PG_NARGS() && !PG_ARGISNULL(argno);
}

/* read the arguments, count the events into (location, step) bins */
static void
cube_build(FunctionCallInfo fcinfo, const CubeArgs *a, const char *fname, SpCube *cube)
{
	ExpandedEvents *ee;
	const sc_events *e;
	Interval   *step;
	int64		start,
				stop,
				first = 0,
				last = 0;
	bool		rectangle = false,
				has_area = false;
	sc_area		area;
	sc_grid		g,
				idx;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	memset(cube, 0, sizeof(*cube));
	sp_arg_not_null(fcinfo, 0, fname, "e");
	cube->cell_size = sp_arg_float(fcinfo, 1, fname, "cell_size");
	sp_check_cell_size(fname, cube->cell_size);
	sp_arg_not_null(fcinfo, 2, fname, "step");
	step = PG_GETARG_INTERVAL_P(2);
	sp_arg_not_null(fcinfo, 3, fname, "distance");
	cube->distance = PG_GETARG_FLOAT8(3);
	cube->kind = SC_GRID_SQUARE;
	if (arg_given(fcinfo, a->shape))
	{
		char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(a->shape));

		if (strcmp(s, "hexagon") == 0)
			cube->kind = SC_GRID_HEX;
		else if (strcmp(s, "square") != 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: shape must be 'square' or 'hexagon', not '%s'", fname, s),
							errhint("Squares as safety.grid_agg, hexagons as safety.hex_agg (cell_size is the edge).")));
	}
	if (arg_given(fcinfo, a->analysis_set))
	{
		char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(a->analysis_set));

		if (strcmp(s, "rectangle") == 0)
			rectangle = true;
		else if (strcmp(s, "near_events") != 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: analysis_set must be 'near_events' or 'rectangle', not '%s'", fname, s),
							errhint("As safety.gi_star: 'near_events' (the default) analyses the cells within the distance band of a cell with events.")));
	}
	if (a->time_steps >= 0)
	{
		int32		k;

		sp_arg_not_null(fcinfo, a->time_steps, fname, "time_steps");
		k = PG_GETARG_INT32(a->time_steps);
		if (k < 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: time_steps must be 0 or more, not %d", fname, k),
							errhint("time_steps is how many earlier steps a bin's neighbourhood reaches back (ArcGIS's Neighborhood Time Step; 1 by default).")));
		cube->time_steps = (size_t) k;
	}

	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	e = &ee->ev;
	cube->srid = e->srid;
	if (e->n == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e holds no events", fname),
						errhint("Collect some events with safety.events_agg first.")));
	sp_events_check_units(e, Max(cube->cell_size, cube->distance), fname, "cell_size");
	for (size_t k = 0; k < e->n; k++)
	{
		int64		t = sc_event_time(e, k);

		if (k == 0 || t < first)
			first = t;
		if (k == 0 || t > last)
			last = t;
	}
	start = arg_given(fcinfo, a->start) ? sp_arg_time(fcinfo, a->start, fname, "start") : first;
	if (arg_given(fcinfo, a->stop))
		stop = sp_arg_time(fcinfo, a->stop, fname, "stop");
	else
	{
		/* the midnight after the last event, in the session's time zone */
		Datum		day = DirectFunctionCall2(timestamptz_trunc, CStringGetTextDatum("day"),
											  TimestampTzGetDatum(last));
		Interval	one = {0, 1, 0};

		stop = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval, day,
													   IntervalPGetDatum(&one)));
	}
	cube_steps(cube, start, stop, step, fname);

	/* every cell holding an event of the period, for the analysis set */
	sc_grid_init(&g, cube->kind, cube->srid, cube->cell_size, (size_t) safety_max_cells, &alloc);
	for (size_t k = 0; k < e->n; k++)
	{
		int32_t		i,
					j;

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (sc_cube_step(cube->bounds, cube->steps, sc_event_time(e, k)) < 0)
			continue;
		if ((st = sc_grid_cell_of(&g, e->x[k], e->y[k], &i, &j, &err)) != SC_OK ||
			(st = sc_grid_add(&g, i, j, 1, &err)) != SC_OK)
			sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
						  st == SC_ELIMIT ? "Use larger cells, or raise safety.max_cells." : NULL);
	}
	if (g.count == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: no event falls in the period [start, stop)", fname),
						errhint("Widen start and stop, or leave them NULL for the whole collection.")));
	sp_check_band(fname, &g, cube->distance);
	if (arg_given(fcinfo, a->study_area))
	{
		sp_read_area(fcinfo, a->study_area, &area, fname);
		if (area.srid != cube->srid)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: study_area has SRID %d but the events have SRID %d", fname,
								   area.srid, cube->srid),
							errhint("Transform the study area: ST_Transform(study_area, %d).", cube->srid)));
		has_area = true;
	}
	if (has_area)
		sp_cell_set(&g, &area, false, &cube->set, fname);
	else if (rectangle)
		sp_cell_set(&g, NULL, false, &cube->set, fname);
	else
		sp_near_event_set(&g, cube->distance, &cube->set, fname);

	/* counts per (location, step) */
	{
		size_t		n = cube->set.n,
					T = cube->steps;

		sp_check_memory(fname, (Size) n * T * (4 * sizeof(double) + 1),
						psprintf("the space-time cube (%zu locations x %zu steps x 33 bytes)", n, T),
						"Use a longer step, larger cells or a shorter period.");
		cube->x = sp_palloc_huge((Size) n * T * sizeof(double), fname, "the space-time cube");
		memset(cube->x, 0, (Size) n * T * sizeof(double));
		sc_grid_init(&idx, cube->kind, cube->srid, cube->cell_size, 0, &alloc);
		for (size_t c = 0; c < n; c++)
			if ((st = sc_grid_add(&idx, cube->set.i[c], cube->set.j[c], (double) (c + 1), &err)) != SC_OK)
				sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
		for (size_t k = 0; k < e->n; k++)
		{
			int64_t		s = sc_cube_step(cube->bounds, T, sc_event_time(e, k));
			int32_t		i,
						j;
			double		v;

			if (k % SC_INTERRUPT_EVERY == 0)
				CHECK_FOR_INTERRUPTS();
			if (s < 0 || sc_grid_cell_of(&idx, e->x[k], e->y[k], &i, &j, &err) != SC_OK ||
				!sc_grid_get(&idx, i, j, &v))
				continue;		/* outside the period or the study area */
			cube->x[((size_t) v - 1) * T + (size_t) s] += 1;
		}
		sc_grid_free(&idx);
	}
	sc_grid_free(&g);
}

/* the columns a bin's row starts with: cell_id, i, j, step_no, step_start, step_end, count */
static void
bin_columns(const SpCube *cube, size_t c, size_t t, Datum *values)
{
	values[0] = Int64GetDatum(sc_cell_id(cube->set.i[c], cube->set.j[c]));
	values[1] = Int32GetDatum(cube->set.i[c]);
	values[2] = Int32GetDatum(cube->set.j[c]);
	values[3] = Int32GetDatum((int32) t + 1);
	values[4] = TimestampTzGetDatum(cube->bounds[t]);
	values[5] = TimestampTzGetDatum(cube->bounds[t + 1]);
	values[6] = Int64GetDatum((int64) cube->x[c * cube->steps + t]);
}

static const CubeArgs cube_args = {-1, 4, 5, 6, 7, 8};
static const CubeArgs st_args = {4, 5, 6, 7, 8, 9};

PG_FUNCTION_INFO_V1(safety_space_time_cube);
Datum
safety_space_time_cube(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.space_time_cube";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SpCube		cube;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	cube_build(fcinfo, &cube_args, fname, &cube);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t c = 0; c < cube.set.n; c++)
	{
		CHECK_FOR_INTERRUPTS();
		for (size_t t = 0; t < cube.steps; t++)
		{
			bin_columns(&cube, c, t, values);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* Gi* of every bin of the cube */
static void
cube_gistar(SpCube *cube, bool fdr, double **z, double **p, int8 **bin, uint32 **nspace,
			const char *fname)
{
	size_t		nb = cube->set.n * cube->steps;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	if (cube->time_steps >= cube->steps)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: time_steps (%zu) must be less than the number of steps (%zu)", fname,
							   cube->time_steps, cube->steps),
						errhint("Use a shorter step or a longer period, or fewer time_steps.")));
	*z = sp_palloc_huge(nb * sizeof(double), fname, "the z-scores");
	*p = sp_palloc_huge(nb * sizeof(double), fname, "the p-values");
	*bin = sp_palloc_huge(nb, fname, "the classes");
	*nspace = palloc(Max(cube->set.n, 1) * sizeof(uint32));
	st = sc_st_gistar(cube->set.n, cube->set.cx, cube->set.cy, cube->steps, cube->x, cube->distance,
					  cube->time_steps, fdr, *z, *p, *bin, *nspace, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
	{
		sp_raise_if_refused(fname, err.msg, "Use a longer step, larger cells or a shorter period.");
		if (st == SC_EUNDEFINED)
			ereport(ERROR, (errcode(SP_ERRCODE_UNDEFINED),
							errmsg("%s: %s", fname, err.msg),
							errhint("Gi* compares bins with each other: it needs at least 3 bins and some variation in their counts.")));
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	}
}

PG_FUNCTION_INFO_V1(safety_space_time_gi_star);
Datum
safety_space_time_gi_star(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.space_time_gi_star";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SpCube		cube;
	double	   *z,
			   *p;
	int8	   *bin;
	uint32	   *nspace;
	bool		fdr = arg_given(fcinfo, 10) && PG_GETARG_BOOL(10);
	Datum		values[11];
	bool		nulls[11];

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	cube_build(fcinfo, &st_args, fname, &cube);
	cube_gistar(&cube, fdr, &z, &p, &bin, &nspace, fname);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t c = 0; c < cube.set.n; c++)
	{
		CHECK_FOR_INTERRUPTS();
		for (size_t t = 0; t < cube.steps; t++)
		{
			size_t		k = c * cube.steps + t;

			memset(nulls, 0, sizeof(nulls));
			bin_columns(&cube, c, t, values);
			values[7] = Int32GetDatum((int32) Min((uint64) nspace[c] * (Min(t, cube.time_steps) + 1), PG_INT32_MAX));
			values[8] = Float8GetDatum(z[k]);
			values[9] = Float8GetDatum(p[k]);
			nulls[8] = nulls[9] = isnan(z[k]);
			values[10] = Int16GetDatum((int16) bin[k]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(safety_emerging_hotspots);
Datum
safety_emerging_hotspots(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.emerging_hotspots";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SpCube		cube;
	double	   *z,
			   *p,
				alpha = 0.10;
	int8	   *bin;
	uint32	   *nspace;
	bool		fdr = !arg_given(fcinfo, 10) || PG_GETARG_BOOL(10);
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	SpPolygonMaker maker;
	Datum		values[12];
	bool		nulls[12];

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	if (arg_given(fcinfo, 11))
	{
		alpha = PG_GETARG_FLOAT8(11);
		if (!(alpha > 0 && alpha < 1))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: trend_alpha must lie in (0, 1), not %g", fname, alpha),
							errhint("trend_alpha is the significance level of the Mann-Kendall trend (0.10 by default).")));
	}
	cube_build(fcinfo, &st_args, fname, &cube);
	if (cube.steps < SC_EHS_MIN_STEPS)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the period holds %zu steps; emerging hot spots need at least %d", fname,
							   cube.steps, SC_EHS_MIN_STEPS),
						errhint("Use a shorter step or a longer period: the categories count 90 %% of the steps and the trend test needs a series.")));
	cube_gistar(&cube, fdr, &z, &p, &bin, &nspace, fname);
	InitMaterializedSRF(fcinfo, 0);
	sp_polygon_maker_init(&maker, TupleDescAttr(rsinfo->setDesc, 3)->atttypid, CurrentMemoryContext);
	for (size_t c = 0; c < cube.set.n; c++)
	{
		size_t		last = c * cube.steps + cube.steps - 1;
		double		tz,
					tp;
		uint32_t	hot,
					cold;
		sc_ehs_category cat;
		sc_err		err;
		sc_status	st;

		CHECK_FOR_INTERRUPTS();
		if ((st = sc_ehs_trend(z + c * cube.steps, cube.steps, &alloc, &tz, &tp, &err)) != SC_OK)
			sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
		cat = sc_ehs_classify(bin + c * cube.steps, cube.steps, tz, tp, alpha, &hot, &cold);
		memset(nulls, 0, sizeof(nulls));
		values[0] = Int64GetDatum(sc_cell_id(cube.set.i[c], cube.set.j[c]));
		values[1] = Int32GetDatum(cube.set.i[c]);
		values[2] = Int32GetDatum(cube.set.j[c]);
		values[3] = sp_cell_polygon(&maker, cube.kind, cube.cell_size, cube.srid, cube.set.i[c], cube.set.j[c], fname);
		values[4] = CStringGetTextDatum(sc_ehs_category_name(cat));
		values[5] = Float8GetDatum(tz);
		values[6] = Float8GetDatum(tp);
		values[7] = Int32GetDatum((int32) hot);
		values[8] = Int32GetDatum((int32) cold);
		values[9] = Int32GetDatum((int32) cube.steps);
		values[10] = Float8GetDatum(z[last]);
		values[11] = Float8GetDatum(p[last]);
		nulls[10] = nulls[11] = isnan(z[last]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[3]));
		pfree(DatumGetPointer(values[4]));
	}
	return (Datum) 0;
}
