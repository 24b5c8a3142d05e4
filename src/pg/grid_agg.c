/*
 * grid_agg.c — grid_agg, hex_agg and grid_merge: aggregates whose state is a
 * real safety.grid (expanded in memory, updated in place), so partial states
 * travel between parallel workers and between servers as ordinary values.
 */
#include "safety_pg.h"

#include <math.h>

#include "units_pg.h"

/* the state as a read-write grid of ours in aggctx, or NULL */
static ExpandedGrid *
grid_state(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	ExpandedGrid *src,
			   *eg;

	if (PG_ARGISNULL(0))
		return NULL;
	if ((eg = sp_grid_rw(PG_GETARG_DATUM(0))) != NULL)
		return eg;
	/* a flat (or someone else's) grid: take a private copy */
	src = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	eg = sp_grid_new(aggctx, src->grid.kind, src->grid.srid, src->grid.cell_size);
	sp_grid_add_datum(eg, PG_GETARG_DATUM(0), "safety.grid_merge");
	return eg;
}

void
sp_check_weight(const char *fname, double w)
{
	if (isnan(w) || isinf(w))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: weight must be a finite number", fname),
						errhint("Leave out rows with NaN or infinite weights; rows with NULL weights are skipped.")));
}

void
sp_check_same_srid(const char *fname, int32 have, int32 srid)
{
	if (srid != have)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom has mixed SRIDs: %d and %d", fname, have, srid),
						errhint("Transform all points to one projected SRID with ST_Transform.")));
}

void
sp_check_cell_size(const char *fname, double cell_size)
{
	if (!(cell_size > 0) || isinf(cell_size))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: cell_size must be a positive finite number, not %g", fname, cell_size),
						errhint("Give the cell size in the units of the points' SRID, e.g. 250 for 250 m cells in UTM.")));
}

static Datum
grid_trans(FunctionCallInfo fcinfo, sc_grid_kind kind, bool weighted, const char *fname)
{
	/* after the first row the state is our read-write grid: no more checks */
	ExpandedGrid *eg = PG_ARGISNULL(0) ? NULL : sp_grid_rw(PG_GETARG_DATUM(0));
	MemoryContext aggctx = NULL;
	SpPointReader *r;
	double		x,
				y,
				cell_size,
				w = 1.0;
	int32		srid,
				i,
				j;
	sc_err		err;
	sc_status	st;

	if (eg == NULL)
	{
		aggctx = sp_agg_context(fcinfo, fname);
		eg = grid_state(fcinfo, aggctx);
	}
	/* aggregates skip NULL inputs */
	if (PG_ARGISNULL(1) || (weighted && PG_ARGISNULL(3)))
		goto done;
	if (PG_ARGISNULL(2))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: cell_size must not be NULL", fname),
						errhint("Give the cell size in the units of the points' SRID, e.g. 250 for 250 m cells in UTM.")));
	cell_size = PG_GETARG_FLOAT8(2);
	/* a cell size equal to the state's was checked on the first row */
	if (eg == NULL || cell_size != eg->grid.cell_size)
		sp_check_cell_size(fname, cell_size);
	if (weighted)
	{
		w = PG_GETARG_FLOAT8(3);
		sp_check_weight(fname, w);
	}
	r = sp_point_reader(fcinfo, 1, fname, "geom");
	sp_read_point(r, PG_GETARG_DATUM(1), &x, &y, &srid);
	if (eg == NULL)
	{
		sp_require_projected(r, srid, "cell_size");
		eg = sp_grid_new(aggctx, kind, srid, cell_size);
	}
	else
	{
		sp_check_same_srid(fname, eg->grid.srid, srid);
		if (cell_size != eg->grid.cell_size)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: cell_size must be the same for all rows (%g and %g)",
								   fname, eg->grid.cell_size, cell_size),
							errhint("Use one grid per cell size, e.g. GROUP BY the cell size.")));
	}
	if ((st = sc_grid_cell_of(&eg->grid, x, y, &i, &j, &err)) != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? "Use a larger cell_size, or project the points to a CRS whose origin is near the data (e.g. UTM)." :
					  "Give cell_size in the units of the points' projected SRID, e.g. 250 for 250 m cells.");
	sp_grid_add_later(eg, i, j, w, fname);
done:
	if (eg == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(SpGridGetDatum(eg));
}

PG_FUNCTION_INFO_V1(safety_grid_agg_transfn);
Datum
safety_grid_agg_transfn(PG_FUNCTION_ARGS)
{
	return grid_trans(fcinfo, SC_GRID_SQUARE, PG_NARGS() > 3, "safety.grid_agg");
}

PG_FUNCTION_INFO_V1(safety_hex_agg_transfn);
Datum
safety_hex_agg_transfn(PG_FUNCTION_ARGS)
{
	return grid_trans(fcinfo, SC_GRID_HEX, PG_NARGS() > 3, "safety.hex_agg");
}

/*
 * Final function of grid_agg and hex_agg: the whole grid is known here (on
 * the leader, after a parallel plan's combine), so the unit checks run once
 * per aggregate: the error for SRID-0 longitude/latitude and the notice for
 * more than SC_UNITS_MANY_CELLS cells over the data's extent.  The grid is
 * handed out unchanged.
 */
PG_FUNCTION_INFO_V1(safety_grid_agg_final);
Datum
safety_grid_agg_final(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg;
	const char *fname;
	const sc_cell *cells;
	sc_bbox		u;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	fname = eg->grid.kind == SC_GRID_HEX ? "safety.hex_agg" : "safety.grid_agg";
	cells = sp_grid_cells(eg);
	sp_check_units_grid(eg, 0, fname, "geom");
	u = sc_grid_cells_bbox(eg->grid.kind, eg->grid.cell_size, cells, eg->grid.count);
	sp_notice_many_cells(fname, eg->grid.cell_size, sc_units_cells_spanned(cells, eg->grid.count), &u);
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

void
sp_grid_add_datum(ExpandedGrid *dst, Datum d, const char *fname)
{
	sc_err		err;
	sc_status	st;

	/* pending cells first, so sums keep the order of the rows */
	sp_grid_settle(dst);
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		st = sc_grid_merge(&dst->grid, &sp_grid_from_datum(d, CurrentMemoryContext)->grid, &err);
	else
	{
		struct varlena *v = sp_detoast(d, fname);
		sc_grid_view view;

		st = sc_grid_flat_read((char *) v + SP_FLAT_OFFSET, VARSIZE(v) - SP_FLAT_OFFSET,
							   0, &view, &err);
		if (st != SC_OK)
			sp_raise(st, &err, "safety.grid: stored value is corrupt", ERRCODE_DATA_CORRUPTED);
		st = sc_grid_load(&dst->grid, &view, &err);
	}
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? SP_HINT_CELL_OVERFLOW :
					  "Only grids of the same shape, cell size and SRID can be added; rebuild one of them to match.");
	sp_grid_changed(dst);
}

/* combine function of all grid aggregates, and transition of grid_merge */
PG_FUNCTION_INFO_V1(safety_grid_combine);
Datum
safety_grid_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = sp_agg_context(fcinfo, "safety.grid_merge");
	ExpandedGrid *eg = grid_state(fcinfo, aggctx);

	if (!PG_ARGISNULL(1))
	{
		if (eg == NULL)
		{
			ExpandedGrid *src = sp_grid_from_datum(PG_GETARG_DATUM(1), CurrentMemoryContext);

			eg = sp_grid_new(aggctx, src->grid.kind, src->grid.srid, src->grid.cell_size);
		}
		sp_grid_add_datum(eg, PG_GETARG_DATUM(1), "safety.grid_merge");
	}
	if (eg == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(SpGridGetDatum(eg));
}
