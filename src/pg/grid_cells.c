/*
 * grid_cells.c — safety.cells(grid): one row per non-empty cell with its
 * stable id, indices, value and polygon (as ST_Square / ST_Hexagon draw it).
 */
#include "safety_pg.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"

#include "sc_ewkb.h"

Datum
sp_cell_polygon(SpPolygonMaker *m, int kind, double cell_size, int32 srid, int32 i, int32 j,
				const char *fname)
{
	double		xs[8],
				ys[8];
	size_t		n;
	sc_err		err;

	if (sc_cell_ring_finite(kind, cell_size, i, j, xs, ys, &n, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						errmsg("%s: %s", fname, err.msg),
						errhint("Use a smaller cell size: cells must be in the units of a projected SRID near the data.")));
	return sp_make_polygon(m, srid, xs, ys, n);
}

PG_FUNCTION_INFO_V1(safety_cells);
Datum
safety_cells(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	const sc_cell *cells = sp_grid_cells(eg);
	SpPolygonMaker maker;
	TupleDesc	tupdesc;

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	sp_polygon_maker_init(&maker, TupleDescAttr(tupdesc, 4)->atttypid, CurrentMemoryContext);
	for (size_t k = 0; k < eg->grid.count; k++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(sc_cell_id(cells[k].i, cells[k].j));
		values[1] = Int32GetDatum(cells[k].i);
		values[2] = Int32GetDatum(cells[k].j);
		values[3] = Float8GetDatum(cells[k].value);
		values[4] = sp_cell_polygon(&maker, eg->grid.kind, eg->grid.cell_size, eg->grid.srid,
									cells[k].i, cells[k].j, "safety.cells");
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		pfree(DatumGetPointer(values[4]));
	}
	return (Datum) 0;
}

/* the polygon of one cell, for joins from a stored cell id */
PG_FUNCTION_INFO_V1(safety_cell_geom);
Datum
safety_cell_geom(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	int32		i,
				j;
	SpPolygonMaker maker;
	Oid			geom_type = sp_fn_rettype(fcinfo);

	sc_cell_id_split(PG_GETARG_INT64(1), &i, &j);
	if (i < -SC_CELL_INDEX_MAX || i > SC_CELL_INDEX_MAX || j < -SC_CELL_INDEX_MAX || j > SC_CELL_INDEX_MAX)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("safety.cell_geom: cell_id %lld is not a valid cell id",
							   (long long) PG_GETARG_INT64(1))));
	sp_polygon_maker_init(&maker, geom_type, CurrentMemoryContext);
	PG_RETURN_DATUM(sp_cell_polygon(&maker, eg->grid.kind, eg->grid.cell_size, eg->grid.srid, i, j,
									"safety.cell_geom"));
}
