/*
 * areas.c — local statistics over areas (districts, beats, neighbourhoods)
 * and local Moran's I over grid cells:
 *   safety.gi_star_areas     Getis–Ord Gi* over contiguity, distance or kNN weights
 *   safety.local_moran_areas local Moran's I (Anselin 1995) over the same weights
 *   safety.local_moran       local Moran's I over the cells of a grid
 * The arrays are read and the weights built in areas_input.c; the
 * statistics are the core's (sc_areas.c).
 */
#include "areas_pg.h"
#include "hotspots_pg.h"
#include "units_pg.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* NOTICE when some areas have no neighbour: their statistic means little */
static void
notice_islands(const sc_nb *nb, const char *fname, const char *effect)
{
	if (nb->islands > 0)
		ereport(NOTICE,
				(errmsg("%s: %zu of the %zu areas have no neighbour", fname, nb->islands, nb->n),
				 errdetail("%s", effect),
				 errhint("Use weights 'knn', or a larger distance, to give every area neighbours.")));
}

/*
 * A NULL array is no input (as a NULL collection elsewhere): no rows,
 * whatever the other arguments, as for a STRICT function
 */
static bool
null_areas(FunctionCallInfo fcinfo)
{
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1) && !PG_ARGISNULL(2))
		return false;
	InitMaterializedSRF(fcinfo, 0);
	return true;
}

static void
check_enough(int n, const char *fname, const char *stat)
{
	if (n < 3)
		ereport(ERROR, (errcode(SP_ERRCODE_UNDEFINED),
						errmsg("%s: %s needs at least 3 areas, got %d", fname, stat, n),
						errhint("%s compares areas with each other.", stat)));
}

static double
opt_float(FunctionCallInfo fcinfo, int argno, bool *given)
{
	*given = PG_NARGS() > argno && !PG_ARGISNULL(argno);
	return *given ? PG_GETARG_FLOAT8(argno) : 0.0;
}

static int32
arg_int(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	sp_arg_not_null(fcinfo, argno, fname, argname);
	return PG_GETARG_INT32(argno);
}

/*
 * gi_star_areas(area_id bigint[], geom geometry[], value float8[],
 *               weights text, distance float8, fdr boolean, k int)
 */
PG_FUNCTION_INFO_V1(safety_gi_star_areas);
Datum
safety_gi_star_areas(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.gi_star_areas";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	SpWeights	w;
	bool		has_distance;
	double		distance;
	bool		fdr;
	int32		k;
	SpAreas		a;
	sc_nb		nb;
	sc_gistar_cell *out;
	sc_err		err;
	sc_status	st;

	if (null_areas(fcinfo))
		return (Datum) 0;
	w = sp_arg_weights(fcinfo, 3, fname);
	distance = opt_float(fcinfo, 4, &has_distance);
	fdr = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
	k = arg_int(fcinfo, 6, fname, "k");

	sp_read_areas(fcinfo, &(SpAreaArgs) {0, 2, "value", false, w == SP_WEIGHTS_DISTANCE || w == SP_WEIGHTS_KNN},
				  &a, fname);
	check_enough(a.n, fname, "Gi*");
	sp_area_neighbours(&a, w, distance, has_distance, k, &nb, fname);
	notice_islands(&nb, fname, "Gi* of an area without neighbours compares its own value alone with the mean.");
	out = sp_palloc_huge((Size) a.n * sizeof(sc_gistar_cell), fname, "the Gi* results");
	st = sc_gistar_nb(&nb, a.value, fdr, out, NULL, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_EUNDEFINED ? "Gi* compares areas with each other: it needs at least 3 areas and some variation in their values." : NULL);

	InitMaterializedSRF(fcinfo, 0);
	for (int r = 0; r < a.n; r++)
	{
		Datum		values[6];
		bool		nulls[6] = {false};

		if (r % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(a.id[r]);
		values[1] = Float8GetDatum(a.value[r]);
		values[2] = Int32GetDatum((int32) out[r].nneigh);
		values[3] = Float8GetDatum(out[r].z);
		values[4] = Float8GetDatum(out[r].p);
		nulls[3] = isnan(out[r].z);
		nulls[4] = isnan(out[r].p);
		values[5] = Int16GetDatum((int16) out[r].bin);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Local Moran's I with row-standardised weights (spdep's default style "W")
 * and conditional permutations; p is the pseudo p of the permutations, or
 * with none the normal p of z.  The quadrant is kept when p < alpha.
 */
static sc_lmoran_cell *
run_local_moran(const sc_nb *nb, const double *x, int32 perms, int64 seed, const char *fname)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_lmoran_cell *out = sp_palloc_huge(nb->n * sizeof(sc_lmoran_cell), fname, "the local Moran results");
	sc_err		err;
	sc_status	st;

	st = sc_local_moran(nb, x, true, (size_t) perms, (uint64_t) seed, out,
						sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_EUNDEFINED ? "Local Moran's I compares units with each other: it needs at least 3 and some variation in their values." : NULL);
	return out;
}

/* i, z, p and quadrant of one result into values/nulls from index at */
static void
moran_columns(const sc_lmoran_cell *c, int32 perms, double alpha, Datum *values, bool *nulls, int at)
{
	double		p = perms > 0 ? c->p_sim : c->p;
	const char *q = sp_quadrant_name(c->quadrant);

	values[at] = Float8GetDatum(c->ii);
	values[at + 1] = Float8GetDatum(c->z);
	values[at + 2] = Float8GetDatum(p);
	nulls[at + 1] = isnan(c->z);
	nulls[at + 2] = isnan(p);
	/* an area without neighbours (no p) or not significant has no quadrant */
	nulls[at + 3] = isnan(p) || !(p < alpha) || q == NULL;
	values[at + 3] = nulls[at + 3] ? (Datum) 0 : CStringGetTextDatum(q);
}

/*
 * local_moran_areas(area_id bigint[], geom geometry[], value float8[],
 *                   weights text, distance float8, k int,
 *                   permutations int, seed bigint, alpha float8)
 */
PG_FUNCTION_INFO_V1(safety_local_moran_areas);
Datum
safety_local_moran_areas(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.local_moran_areas";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SpWeights	w;
	bool		has_distance;
	double		distance;
	int32		k;
	int32		perms;
	int64		seed;
	double		alpha;
	SpAreas		a;
	sc_nb		nb;
	sc_lmoran_cell *out;

	if (null_areas(fcinfo))
		return (Datum) 0;
	w = sp_arg_weights(fcinfo, 3, fname);
	distance = opt_float(fcinfo, 4, &has_distance);
	k = arg_int(fcinfo, 5, fname, "k");
	perms = sp_arg_permutations(fcinfo, 6, fname);
	alpha = sp_arg_alpha(fcinfo, 8, fname);
	sp_arg_not_null(fcinfo, 7, fname, "seed");
	seed = PG_GETARG_INT64(7);
	sp_read_areas(fcinfo, &(SpAreaArgs) {0, 2, "value", false, w == SP_WEIGHTS_DISTANCE || w == SP_WEIGHTS_KNN},
				  &a, fname);
	check_enough(a.n, fname, "Local Moran's I");
	sp_area_neighbours(&a, w, distance, has_distance, k, &nb, fname);
	notice_islands(&nb, fname, "An area without neighbours has I = 0 and no z, p or quadrant.");
	out = run_local_moran(&nb, a.value, perms, seed, fname);

	InitMaterializedSRF(fcinfo, 0);
	for (int r = 0; r < a.n; r++)
	{
		Datum		values[7];
		bool		nulls[7] = {false};

		if (r % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(a.id[r]);
		values[1] = Float8GetDatum(a.value[r]);
		values[2] = Int32GetDatum((int32) out[r].nneigh);
		moran_columns(&out[r], perms, alpha, values, nulls, 3);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * local_moran(g grid, distance float8, permutations int, seed bigint,
 *             alpha float8): the cells of gi_star's default analysis set
 * (within the band of a cell with events), neighbours the other cells of
 * the set whose centres are within distance.
 */
PG_FUNCTION_INFO_V1(safety_local_moran);
Datum
safety_local_moran(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.local_moran";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	ExpandedGrid *eg;
	double		distance;
	int32		perms;
	int64		seed;
	double		alpha;
	SpCellSet	set;
	sc_nb		nb;
	sc_lmoran_cell *out;
	SpPolygonMaker maker;
	sc_err		err;
	sc_status	st;

	if (sp_null_collection_srf(fcinfo, 0))
		return (Datum) 0;
	distance = sp_arg_band(fcinfo, 1, fname);
	perms = sp_arg_permutations(fcinfo, 2, fname);
	sp_arg_not_null(fcinfo, 3, fname, "seed");
	seed = PG_GETARG_INT64(3);
	alpha = sp_arg_alpha(fcinfo, 4, fname);
	eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sp_check_band(fname, &eg->grid, distance);
	sp_check_units_grid(eg, 0, fname, "g");
	sp_near_event_set(&eg->grid, distance, &set, fname);
	if (set.n < 3)
		ereport(ERROR, (errcode(SP_ERRCODE_UNDEFINED),
						errmsg("%s: local Moran's I needs at least 3 cells to analyse, got %zu", fname, set.n),
						errhint("Use smaller cells or a larger distance.")));
	st = sc_nb_distance(set.n, set.cx, set.cy, distance, &nb, sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	out = run_local_moran(&nb, set.x, perms, seed, fname);

	InitMaterializedSRF(fcinfo, 0);
	sp_polygon_maker_init(&maker, TupleDescAttr(rsinfo->setDesc, 9)->atttypid, CurrentMemoryContext);
	for (size_t r = 0; r < set.n; r++)
	{
		Datum		values[10];
		bool		nulls[10] = {false};

		if (r % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(sc_cell_id(set.i[r], set.j[r]));
		values[1] = Int32GetDatum(set.i[r]);
		values[2] = Int32GetDatum(set.j[r]);
		values[3] = Float8GetDatum(set.x[r]);
		values[4] = Int32GetDatum((int32) out[r].nneigh);
		moran_columns(&out[r], perms, alpha, values, nulls, 5);
		values[9] = sp_cell_polygon(&maker, eg->grid.kind, eg->grid.cell_size, eg->grid.srid,
									set.i[r], set.j[r], fname);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[9]));
	}
	return (Datum) 0;
}
