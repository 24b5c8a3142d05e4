/*
 * hotspots.c — safety.optimized_hotspots(events, study_area): ArcGIS
 * Optimized Hot Spot Analysis for incident points — cell size and distance
 * band chosen by the core's rules (sc_ohsa.h), then Gi* with FDR.
 */
#include "hotspots_pg.h"

#include "miscadmin.h"

#include <math.h>

#include "sc_ohsa.h"

PG_FUNCTION_INFO_V1(safety_optimized_hotspots);
Datum
safety_optimized_hotspots(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.optimized_hotspots";
	ExpandedEvents *ee;
	ExpandedGrid *eg;
	sc_ohsa_params params = sc_ohsa_params_default();
	sc_ohsa_cell_result cres;
	sc_ohsa_band_result *bres;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_area		area;
	bool		has_area = !PG_ARGISNULL(1);
	size_t		need = has_area ? 30 : 60;
	SpCellSet	set;
	sc_err		err;
	sc_status	st;
	double		extra[2];

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	if (ee->ev.n < need)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: optimized hot spot analysis needs at least %zu incidents%s, got %zu",
							   fname, need, has_area ? " with a study area" : "", ee->ev.n),
						errhint("ArcGIS's rule: 60 incidents, or 30 with a study area. Use safety.gi_star with a chosen distance for fewer.")));
	if (sp_srid_is_geographic(ee->ev.srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e has geographic SRID %d (degrees), but distances must be in projected units",
							   fname, ee->ev.srid),
						errhint("Build the events from projected points, e.g. ST_Transform(geom, safety.utm_srid(geom)).")));
	if (has_area)
	{
		sp_read_area(fcinfo, 1, &area, fname);
		if (area.srid != ee->ev.srid)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: study_area has SRID %d but the events have SRID %d", fname,
								   area.srid, ee->ev.srid),
							errhint("Transform the study area: ST_Transform(study_area, %d).", ee->ev.srid)));
	}
	/* 1. cell size from the incidents' nearest-neighbour distances */
	st = sc_ohsa_cell_size(ee->ev.n, ee->ev.x, ee->ev.y, &params, &cres, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "The incidents need at least 2 distinct locations.");
	/* 2. incidents counted on that fishnet */
	eg = sp_grid_new(CurrentMemoryContext, SC_GRID_SQUARE, ee->ev.srid, cres.cell_size);
	for (size_t k = 0; k < ee->ev.n; k++)
	{
		int32		i,
					j;

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if ((st = sc_grid_cell_of(&eg->grid, ee->ev.x[k], ee->ev.y[k], &i, &j, &err)) != SC_OK ||
			(st = sc_grid_add(&eg->grid, i, j, 1.0, &err)) != SC_OK)
			sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	}
	/* 3. analysis cells: the non-empty ones, or every cell in the study area */
	sp_cell_set(&eg->grid, has_area ? &area : NULL, !has_area, &set, fname);
	if (set.n < 30)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: only %zu cells of %g to analyse; at least 30 are needed", fname, set.n, cres.cell_size),
						errhint("The incidents are too few or too concentrated for the automatic scale; use safety.gi_star with a chosen cell size and distance.")));
	/* 4. distance band from incremental spatial autocorrelation */
	bres = palloc0(sizeof(sc_ohsa_band_result));
	st = sc_ohsa_distance_band(set.n, set.cx, set.cy, set.x, &params, bres, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "The cells' counts need some variation; give a study area or use safety.gi_star.");
	if (bres->peak_found)
		ereport(NOTICE, (errmsg("%s: %zu incidents, cell size %g, distance band %g (first peak of spatial autocorrelation, z = %.2f); %zu cells analysed",
								fname, ee->ev.n, cres.cell_size, bres->band,
								bres->isa[bres->first_peak].z_rand, set.n)));
	else
		ereport(NOTICE, (errmsg("%s: %zu incidents, cell size %g, distance band %g (no autocorrelation peak: mean distance to the %d nearest neighbours); %zu cells analysed",
								fname, ee->ev.n, cres.cell_size, bres->band, bres->knn_k, set.n)));
	/* 5. Gi* with FDR */
	extra[0] = cres.cell_size;
	extra[1] = bres->band;
	sp_gistar_rows(fcinfo, &eg->grid, &set, bres->band, true, extra, 2, fname);
	return (Datum) 0;
}
