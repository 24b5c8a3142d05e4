/*
 * gistar.c — safety.gi_star(grid, distance, study_area, fdr, analysis_set):
 * Getis–Ord Gi* hot and cold spots over the cells of a grid, and the pieces
 * optimized hot spots shares: the analysis set (cells near events, rectangle
 * or study area) and the rows.
 */
#include "hotspots_pg.h"
#include "units_pg.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include <math.h>

#include "sc_analysis_set.h"
#include "sc_ewkb.h"

#define SQRT3 1.7320508075688772
/* bytes per cell of an SpCellSet: i, j, cx, cy, x */
#define SP_CELL_SET_BYTES (2 * sizeof(int32) + 3 * sizeof(double))

void
sp_read_area(FunctionCallInfo fcinfo, int argno, sc_area *area, const char *fname)
{
	SpPointReader *r = sp_point_reader(fcinfo, argno, fname, "study_area");
	bytea	   *wkb = DatumGetByteaPP(FunctionCall1(&r->send, PG_GETARG_DATUM(argno)));
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;

	if (sc_area_from_ewkb((const unsigned char *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb),
						  area, &alloc, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: study_area: %s", fname, err.msg),
						errhint("Give the study area as a non-empty polygon or multipolygon in the SRID of the data, "
								"e.g. ST_Union of the district polygons.")));
}

double
sp_cell_spacing(const sc_grid *g)
{
	return g->kind == SC_GRID_HEX ? SQRT3 * g->cell_size : g->cell_size;
}

void
sp_check_band(const char *fname, const sc_grid *g, double distance)
{
	double		spacing = sp_cell_spacing(g);

	if (!(distance > 0) || isinf(distance))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: distance must be a positive finite number, not %g", fname, distance),
						errhint("Give the distance band in the units of the grid's SRID, e.g. 2 or 3 cell sizes.")));
	if (distance < spacing * (1 - 1e-9))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: distance %g is smaller than the spacing of cell centres (%g): no cell would have a neighbour",
							   fname, distance, spacing),
						errhint("Use a distance of at least one cell spacing; ArcGIS's default for a fishnet is several cells.")));
}

static void
set_push(SpCellSet *set, const sc_grid *g, int32 i, int32 j, double cx, double cy,
		 const char *fname)
{
	double		v;

	if (set->n == set->cap)
	{
		size_t		nc = set->cap ? set->cap * 2 : 1024;

		if (set->n >= (size_t) safety_max_cells)
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("%s: the study area holds more than safety.max_cells (%d) cells",
								   fname, safety_max_cells),
							errhint("Use a larger cell size or a smaller study area, or raise safety.max_cells.")));
		if (nc > (size_t) safety_max_cells)
			nc = (size_t) safety_max_cells;
		sp_check_memory(fname, nc * SP_CELL_SET_BYTES,
						psprintf("%zu cells of the study area", nc),
						"Use a larger cell size or a smaller study area.");
		if (set->cap == 0)
		{
			set->i = palloc_extended(nc * sizeof(int32), MCXT_ALLOC_HUGE);
			set->j = palloc_extended(nc * sizeof(int32), MCXT_ALLOC_HUGE);
			set->cx = palloc_extended(nc * sizeof(double), MCXT_ALLOC_HUGE);
			set->cy = palloc_extended(nc * sizeof(double), MCXT_ALLOC_HUGE);
			set->x = palloc_extended(nc * sizeof(double), MCXT_ALLOC_HUGE);
		}
		else
		{
			set->i = repalloc_huge(set->i, nc * sizeof(int32));
			set->j = repalloc_huge(set->j, nc * sizeof(int32));
			set->cx = repalloc_huge(set->cx, nc * sizeof(double));
			set->cy = repalloc_huge(set->cy, nc * sizeof(double));
			set->x = repalloc_huge(set->x, nc * sizeof(double));
		}
		set->cap = nc;
	}
	if (set->n % SC_INTERRUPT_EVERY == 0)
		CHECK_FOR_INTERRUPTS();
	if (!sc_grid_get(g, i, j, &v))
		v = 0;
	set->i[set->n] = i;
	set->j[set->n] = j;
	set->cx[set->n] = cx;
	set->cy[set->n] = cy;
	set->x[set->n] = v;
	set->n++;
}

/* sc_area_cells hands each cell of the study area to the set */
typedef struct AreaCellsCtx
{
	SpCellSet  *set;
	const sc_grid *g;
	const char *fname;
} AreaCellsCtx;

static sc_status
area_cell(void *ctx, int32_t i, int32_t j, double cx, double cy)
{
	AreaCellsCtx *a = ctx;

	set_push(a->set, a->g, i, j, cx, cy, a->fname);
	return SC_OK;
}

/* cells whose centre is inside the area, row by row */
static void
area_cells(const sc_grid *g, const sc_area *area, SpCellSet *set, const char *fname)
{
	AreaCellsCtx ctx = {set, g, fname};
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	st = sc_area_cells(g->kind, g->cell_size, area, area_cell, &ctx, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? "Check that the study area is in the SRID and units of the grid." : NULL);
}

/* the grid's cells in (i, j) order; an empty grid is an error */
static sc_cell *
sorted_cells(const sc_grid *g, const char *fname)
{
	sc_cell    *cells;
	sc_err		err;
	sc_status	st;

	if (g->count == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the grid has no cells", fname),
						errhint("Aggregate some points first, e.g. safety.grid_agg(geom, 250).")));
	if ((st = sc_grid_sorted(g, &cells, &err)) != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INTERNAL_ERROR);
	return cells;
}

void
sp_cell_set(const sc_grid *g, const sc_area *area, bool nonempty_only, SpCellSet *set,
			const char *fname)
{
	sc_cell    *cells;
	int32		imin = PG_INT32_MAX,
				imax = PG_INT32_MIN,
				jmin = PG_INT32_MAX,
				jmax = PG_INT32_MIN;
	uint64		total;

	memset(set, 0, sizeof(*set));
	if (area)
	{
		area_cells(g, area, set, fname);
		return;
	}
	cells = sorted_cells(g, fname);
	if (nonempty_only)
	{
		for (size_t k = 0; k < g->count; k++)
		{
			double		cx,
						cy;

			if (cells[k].value == 0)
				continue;
			sc_grid_cell_center(g->kind, g->cell_size, cells[k].i, cells[k].j, &cx, &cy);
			set_push(set, g, cells[k].i, cells[k].j, cx, cy, fname);
		}
		pfree(cells);
		return;
	}
	for (size_t k = 0; k < g->count; k++)
	{
		imin = Min(imin, cells[k].i);
		imax = Max(imax, cells[k].i);
		jmin = Min(jmin, cells[k].j);
		jmax = Max(jmax, cells[k].j);
	}
	pfree(cells);
	total = (uint64) ((int64) imax - imin + 1) * (uint64) ((int64) jmax - jmin + 1);
	if (total > (uint64) safety_max_cells)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: the rectangle spanned by the grid's cells holds %llu cells, more than safety.max_cells (%d)",
							   fname, (unsigned long long) total, safety_max_cells),
						errhint("Give a study_area, use a larger cell size, or raise safety.max_cells.")));
	set->cap = (size_t) total;
	sp_check_memory(fname, total * SP_CELL_SET_BYTES,
					psprintf("the %llu cells of the grid's rectangle", (unsigned long long) total),
					"Give a study_area, or use a larger cell size.");
	set->i = palloc_extended(total * sizeof(int32), MCXT_ALLOC_HUGE);
	set->j = palloc_extended(total * sizeof(int32), MCXT_ALLOC_HUGE);
	set->cx = palloc_extended(total * sizeof(double), MCXT_ALLOC_HUGE);
	set->cy = palloc_extended(total * sizeof(double), MCXT_ALLOC_HUGE);
	set->x = palloc_extended(total * sizeof(double), MCXT_ALLOC_HUGE);
	for (int64 i = imin; i <= imax; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int64 j = jmin; j <= jmax; j++)
		{
			double		cx,
						cy;

			sc_grid_cell_center(g->kind, g->cell_size, (int32) i, (int32) j, &cx, &cy);
			set_push(set, g, (int32) i, (int32) j, cx, cy, fname);
		}
	}
}

/* index rectangle of a grid's cells; the grid must not be empty */
static void
grid_bounds(const sc_cell *cells, size_t n, int32 *imin, int32 *imax, int32 *jmin, int32 *jmax)
{
	*imin = *jmin = PG_INT32_MAX;
	*imax = *jmax = PG_INT32_MIN;
	for (size_t k = 0; k < n; k++)
	{
		*imin = Min(*imin, cells[k].i);
		*imax = Max(*imax, cells[k].i);
		*jmin = Min(*jmin, cells[k].j);
		*jmax = Max(*jmax, cells[k].j);
	}
}

/* the core's cells near events of g within [imin, imax] × [jmin, jmax] */
static sc_cell *
near_event_cells(const sc_grid *g, const sc_cell *cells, double distance,
				 int32 imin, int32 imax, int32 jmin, int32 jmax, size_t *n, const char *fname)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_cell    *out;
	sc_err		err;
	sc_status	st;

	st = sc_near_event_cells(g->kind, g->cell_size, distance, g->count, cells,
							 imin, imax, jmin, jmax, (size_t) safety_max_cells, &out, n,
							 sp_check_interrupts, &alloc, &err);
	if (st == SC_ELIMIT)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: more than safety.max_cells (%d) cells lie within the distance band of an event",
							   fname, safety_max_cells),
						errhint("Use a larger cell size or a smaller distance, or raise safety.max_cells.")));
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	return out;
}

void
sp_near_event_set(const sc_grid *g, double distance, SpCellSet *set, const char *fname)
{
	sc_cell    *cells,
			   *near;
	size_t		n;
	int32		imin,
				imax,
				jmin,
				jmax;

	memset(set, 0, sizeof(*set));
	cells = sorted_cells(g, fname);
	grid_bounds(cells, g->count, &imin, &imax, &jmin, &jmax);
	near = near_event_cells(g, cells, distance, imin, imax, jmin, jmax, &n, fname);
	pfree(cells);
	sp_check_memory(fname, n * SP_CELL_SET_BYTES,
					psprintf("the %zu cells near events", n),
					"Use a larger cell size or a smaller distance.");
	set->cap = Max(n, 1);
	set->i = palloc_extended(set->cap * sizeof(int32), MCXT_ALLOC_HUGE);
	set->j = palloc_extended(set->cap * sizeof(int32), MCXT_ALLOC_HUGE);
	set->cx = palloc_extended(set->cap * sizeof(double), MCXT_ALLOC_HUGE);
	set->cy = palloc_extended(set->cap * sizeof(double), MCXT_ALLOC_HUGE);
	set->x = palloc_extended(set->cap * sizeof(double), MCXT_ALLOC_HUGE);
	for (size_t k = 0; k < n; k++)
	{
		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		set->i[k] = near[k].i;
		set->j[k] = near[k].j;
		sc_grid_cell_center(g->kind, g->cell_size, near[k].i, near[k].j, &set->cx[k], &set->cy[k]);
		set->x[k] = near[k].value;
	}
	set->n = n;
	pfree(near);
}

size_t
sp_far_from_events(const sc_grid *g, const SpCellSet *set, double distance, const char *fname)
{
	sc_cell    *cells,
			   *near;
	size_t		n,
				far = 0;
	int32		imin = PG_INT32_MAX,
				imax = PG_INT32_MIN,
				jmin = PG_INT32_MAX,
				jmax = PG_INT32_MIN;

	if (set->n == 0 || g->count == 0)
		return set->n;
	for (size_t k = 0; k < set->n; k++)
	{
		imin = Min(imin, set->i[k]);
		imax = Max(imax, set->i[k]);
		jmin = Min(jmin, set->j[k]);
		jmax = Max(jmax, set->j[k]);
	}
	cells = sorted_cells(g, fname);
	near = near_event_cells(g, cells, distance, imin, imax, jmin, jmax, &n, fname);
	pfree(cells);
	/* near ascends by (i, j): a binary search per cell of the set */
	for (size_t k = 0; k < set->n; k++)
	{
		size_t		lo = 0,
					hi = n;

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;

			if (near[mid].i < set->i[k] || (near[mid].i == set->i[k] && near[mid].j < set->j[k]))
				lo = mid + 1;
			else
				hi = mid;
		}
		far += !(lo < n && near[lo].i == set->i[k] && near[lo].j == set->j[k]);
	}
	pfree(near);
	return far;
}

void
sp_gistar_rows(FunctionCallInfo fcinfo, const sc_grid *g, const SpCellSet *set,
			   double distance, bool fdr, const double *extra, int nextra, const char *fname)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_gistar_cell *out;
	sc_err		err;
	sc_status	st;
	SpPolygonMaker maker;
	TupleDesc	tupdesc;
	int			ncols = 9 + nextra;
	Datum	   *values = palloc(ncols * sizeof(Datum));
	bool	   *nulls = palloc(ncols * sizeof(bool));

	if (set->n < 3)
		ereport(ERROR, (errcode(SP_ERRCODE_UNDEFINED),
						errmsg("%s: Gi* needs at least 3 cells to analyse, got %zu", fname, set->n),
						errhint("Use smaller cells or a larger study area.")));
	out = sp_palloc_huge(set->n * sizeof(sc_gistar_cell), fname, "the Gi* results");
	st = sc_gistar(set->n, set->cx, set->cy, set->x, distance, fdr, out, NULL,
				   sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_EUNDEFINED ? "Gi* compares cells with each other: it needs at least 3 cells and some variation in their values." : NULL);

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_polygon_maker_init(&maker, TupleDescAttr(tupdesc, 8)->atttypid, CurrentMemoryContext);
	for (size_t k = 0; k < set->n; k++)
	{
		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, ncols * sizeof(bool));
		values[0] = Int64GetDatum(sc_cell_id(set->i[k], set->j[k]));
		values[1] = Int32GetDatum(set->i[k]);
		values[2] = Int32GetDatum(set->j[k]);
		values[3] = Float8GetDatum(set->x[k]);
		values[4] = Int32GetDatum((int32) out[k].nneigh);
		values[5] = Float8GetDatum(out[k].z);
		values[6] = Float8GetDatum(out[k].p);
		nulls[5] = isnan(out[k].z);
		nulls[6] = isnan(out[k].p);
		values[7] = Int16GetDatum((int16) out[k].bin);
		values[8] = sp_cell_polygon(&maker, g->kind, g->cell_size, g->srid, set->i[k], set->j[k], fname);
		for (int e = 0; e < nextra; e++)
			values[9 + e] = Float8GetDatum(extra[e]);
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		pfree(DatumGetPointer(values[8]));
	}
}

PG_FUNCTION_INFO_V1(safety_gi_star);
Datum
safety_gi_star(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.gi_star";
	ExpandedGrid *eg;
	double		distance;
	bool		fdr = false;
	sc_area		area;
	bool		has_area = false;
	bool		rectangle = false;
	SpCellSet	set;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	distance = sp_arg_band(fcinfo, 1, fname);
	eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		fdr = PG_GETARG_BOOL(3);
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
	{
		char	   *as = text_to_cstring(PG_GETARG_TEXT_PP(4));

		if (strcmp(as, "rectangle") == 0)
			rectangle = true;
		else if (strcmp(as, "near_events") != 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: analysis_set must be 'near_events' or 'rectangle', not '%s'", fname, as),
							errhint("'near_events' (the default) analyses the cells within the distance band of a cell with events; "
									"'rectangle' every cell of the grid's bounding rectangle.")));
	}
	sp_check_band(fname, &eg->grid, distance);
	sp_check_units_grid(eg, 0, fname, "g");
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		sp_read_area(fcinfo, 2, &area, fname);
		if (area.srid != eg->grid.srid)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: study_area has SRID %d but the grid has SRID %d", fname,
								   area.srid, eg->grid.srid),
							errhint("Transform the study area: ST_Transform(study_area, %d).", eg->grid.srid)));
		has_area = true;
	}
	if (has_area)
		sp_cell_set(&eg->grid, &area, false, &set, fname);
	else if (rectangle)
		sp_cell_set(&eg->grid, NULL, false, &set, fname);
	else
		sp_near_event_set(&eg->grid, distance, &set, fname);

	/*
	 * Warn when most of the set is cells whose whole neighbourhood is empty:
	 * their zeros pull the mean down, so that any cell with a few events
	 * becomes a hot spot.  The default set has none (without a study area).
	 */
	if (set.n >= 3 && (has_area || rectangle))
	{
		size_t		far = sp_far_from_events(&eg->grid, &set, distance, fname);

		if (far > set.n / 2)
			ereport(NOTICE,
					(errmsg("%s: %zu of the %zu cells analysed (%.0f%%) have no event within the distance band %g",
							fname, far, set.n, 100.0 * (double) far / (double) set.n, distance),
					 errdetail("Their zeros pull the mean down, so that cells with a few events look like strong hot spots."),
					 errhint(has_area
							 ? "Draw the study_area around where incidents are possible, or use a smaller distance or larger cells."
							 : "Give a study_area of where incidents are possible, keep the default analysis_set => 'near_events', or use a smaller distance or larger cells.")));
	}
	sp_gistar_rows(fcinfo, &eg->grid, &set, distance, fdr, NULL, 0, fname);
	return (Datum) 0;
}
