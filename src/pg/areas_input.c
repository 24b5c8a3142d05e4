/*
 * areas_input.c — the arrays of an areas function (ids, polygons, values)
 * read and checked, each error naming the element, and the neighbour list
 * built from them.  Polygons are read through PostGIS's own functions
 * (ST_AsEWKB, ST_IsValidReason, ST_Centroid), found by name in its schema.
 */
#include "areas_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "sc_ewkb.h"

SpWeights
sp_arg_weights(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	char	   *w;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return SP_WEIGHTS_QUEEN;
	w = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (strcmp(w, "queen") == 0)
		return SP_WEIGHTS_QUEEN;
	if (strcmp(w, "rook") == 0)
		return SP_WEIGHTS_ROOK;
	if (strcmp(w, "distance") == 0)
		return SP_WEIGHTS_DISTANCE;
	if (strcmp(w, "knn") == 0)
		return SP_WEIGHTS_KNN;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("%s: weights must be 'queen', 'rook', 'distance' or 'knn', not '%s'", fname, w),
					errhint("'queen': areas sharing a boundary vertex; 'rook': sharing two (an edge); "
							"'distance': centroids within distance; 'knn': the k nearest centroids.")));
	pg_unreachable();
}

int32
sp_arg_permutations(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	int32		p;

	sp_arg_not_null(fcinfo, argno, fname, "permutations");
	p = PG_GETARG_INT32(argno);
	if (p < 0 || p > SP_MAX_PERMUTATIONS)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: permutations must be between 0 and %d, not %d", fname,
							   SP_MAX_PERMUTATIONS, p),
						errhint("999 (the default) gives pseudo p-values down to 0.001; 0 uses the normal approximation.")));
	return p;
}

double
sp_arg_alpha(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	double		alpha;

	sp_arg_not_null(fcinfo, argno, fname, "alpha");
	alpha = PG_GETARG_FLOAT8(argno);
	if (!(alpha > 0 && alpha <= 1))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: alpha must be in (0, 1], not %g", fname, alpha),
						errhint("0.05 (the default) keeps the quadrant of areas with p < 0.05; 1 keeps every quadrant.")));
	return alpha;
}

const char *
sp_quadrant_name(int8 q)
{
	switch (q)
	{
		case SC_LM_HH:
			return "HH";
		case SC_LM_LL:
			return "LL";
		case SC_LM_HL:
			return "HL";
		case SC_LM_LH:
			return "LH";
	}
	return NULL;
}

/* error on the first id that is NULL or given twice */
static void
check_ids(const Datum *ids, const bool *nulls, int n, SpAreas *a, const char *fname)
{
	int64	   *sorted;

	for (int k = 0; k < n; k++)
	{
		if (nulls[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: area_id[%d] is NULL", fname, k + 1),
							errhint("Give every area a distinct, non-NULL id.")));
		a->id[k] = DatumGetInt64(ids[k]);
	}
	sorted = sp_palloc_huge((Size) n * sizeof(int64), fname, "the sorted area ids");
	memcpy(sorted, a->id, (Size) n * sizeof(int64));
	sc_sort_i64(sorted, (size_t) n, sp_check_interrupts);
	for (int k = 1; k < n; k++)
		if (sorted[k] == sorted[k - 1])
			ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
							errmsg("%s: area_id %lld appears more than once", fname, (long long) sorted[k]),
							errhint("Give every area a distinct id; merge the parts of one area first, e.g. ST_Union(geom) GROUP BY area_id.")));
	pfree(sorted);
}

/* PostGIS's functions for reading polygons, looked up once per call */
typedef struct AreaReader
{
	FmgrInfo	asewkb;
	FmgrInfo	is_empty;
	FmgrInfo	valid_reason;
	FmgrInfo	centroid;
} AreaReader;

static const char *
wkb_type_name(uint32_t type)
{
	static const char *const names[] = {"unknown geometry", "point", "linestring", "polygon",
		"multipoint", "multilinestring", "multipolygon", "geometrycollection"};

	return type < lengthof(names) ? names[type] : "curve or surface";
}

/*
 * area k's boundary (through ST_AsEWKB), checked; its centroid on request.
 * Runs in a context reset after each area (PostGIS's copies and checks);
 * the boundary is kept in keep.
 */
static void
read_area(AreaReader *r, Datum geom, int k, SpAreas *a, bool with_centroid, MemoryContext keep,
		  const char *fname)
{
	bytea	   *wkb = DatumGetByteaPP(FunctionCall1(&r->asewkb, geom));
	const unsigned char *bytes = (const unsigned char *) VARDATA_ANY(wkb);
	size_t		len = VARSIZE_ANY_EXHDR(wkb);
	sc_alloc	alloc = sp_allocator(keep);
	long long	id = (long long) a->id[k];
	double		x,
				y;
	int32_t		srid;
	uint32_t	type = 0;
	sc_err		err;
	char	   *reason;

	/* the header's type and SRID (sc_ewkb_point reads them for any type) */
	if (sc_ewkb_point(bytes, len, &x, &y, &srid, &type) == SC_POINT_MALFORMED ||
		(type != 3 && type != 6))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom[%d] (area_id %lld) must be a polygon or multipolygon, not a %s",
							   fname, k + 1, id, wkb_type_name(type)),
						errhint("Give each area its boundary polygon; ST_Multi(ST_CollectionExtract(geom, 3)) keeps the polygons of a collection.")));
	if (k == 0)
		a->srid = srid;
	else if (srid != a->srid)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom[%d] (area_id %lld) has SRID %d but geom[1] has SRID %d",
							   fname, k + 1, id, srid, a->srid),
						errhint("Transform every area to one SRID, e.g. ST_Transform(geom, %d).", a->srid)));
	if (DatumGetBool(FunctionCall1(&r->is_empty, geom)))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom[%d] (area_id %lld) is empty", fname, k + 1, id),
						errhint("Leave out areas without a boundary (WHERE NOT ST_IsEmpty(geom)).")));
	if (sc_area_from_ewkb(bytes, len, &a->shape[k], &alloc, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom[%d] (area_id %lld) cannot be read as a polygon: %s", fname, k + 1, id, err.msg),
						errhint("Repair it first, e.g. ST_MakeValid(geom), and check the result.")));
	pfree(wkb);
	reason = TextDatumGetCString(FunctionCall1(&r->valid_reason, geom));
	if (strncmp(reason, "Valid Geometry", 14) != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom[%d] (area_id %lld) is not a valid polygon: %s", fname, k + 1, id, reason),
						errhint("Repair it first, e.g. ST_MakeValid(geom), and check the result.")));
	pfree(reason);
	if (with_centroid)
	{
		bytea	   *c = DatumGetByteaPP(FunctionCall1(&r->asewkb, FunctionCall1(&r->centroid, geom)));

		if (sc_ewkb_point((const unsigned char *) VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c),
						  &a->cx[k], &a->cy[k], &srid, &type) != SC_POINT_OK)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: geom[%d] (area_id %lld) has no finite centroid", fname, k + 1, id)));
		pfree(c);
	}
}

void
sp_read_areas(FunctionCallInfo fcinfo, const SpAreaArgs *args, SpAreas *a, const char *fname)
{
	Datum	   *ids,
			   *geoms,
			   *values = NULL;
	bool	   *idnull,
			   *geomnull,
			   *valnull = NULL;
	Oid			idtype,
				geomtype,
				valtype;
	int			n,
				ng,
				nv;
	bool		has_values = args->value_arg >= 0 && !PG_ARGISNULL(args->value_arg);
	AreaReader	r;
	MemoryContext per_area;

	memset(a, 0, sizeof(*a));
	ids = sp_arg_array(fcinfo, args->id_arg, fname, "area_id", &idtype, &idnull, &n);
	geoms = sp_arg_array(fcinfo, args->id_arg + 1, fname, "geom", &geomtype, &geomnull, &ng);
	nv = n;
	if (has_values)
		values = sp_arg_array(fcinfo, args->value_arg, fname, args->value_name, &valtype, &valnull, &nv);
	if (n != ng || n != nv)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("%s: area_id, geom and %s must have the same length, not %d, %d and %d",
							   fname, args->value_name, n, ng, nv),
						errhint("Build the three arrays from the same rows, each with the same ORDER BY.")));
	sp_check_memory(fname, (Size) n * (sizeof(int64) + sizeof(double) * 3 + sizeof(bool) + sizeof(sc_area)),
					psprintf("%d areas", n), "Analyse fewer areas at once.");
	a->n = n;
	a->id = palloc_extended(Max(n, 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	a->value = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	a->shape = palloc_extended(Max(n, 1) * sizeof(sc_area), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (args->value_nulls_ok)
		a->value_null = palloc_extended(Max(n, 1) * sizeof(bool), MCXT_ALLOC_HUGE);
	a->geom = geoms;
	check_ids(ids, idnull, n, a, fname);
	for (int k = 0; k < n; k++)
	{
		bool		isnull = !has_values || valnull[k];

		if (isnull && !args->value_nulls_ok)
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: %s[%d] (area_id %lld) is NULL", fname, args->value_name, k + 1,
								   (long long) a->id[k]),
							errhint("Give every area a value, e.g. coalesce(count, 0).")));
		if (a->value_null)
			a->value_null[k] = isnull;
		if (!isnull)
			a->value[k] = DatumGetFloat8(values[k]);
	}

	sp_postgis_fmgr(&r.asewkb, geomtype, "st_asewkb", 1);
	sp_postgis_fmgr(&r.is_empty, geomtype, "st_isempty", 1);
	sp_postgis_fmgr(&r.valid_reason, geomtype, "st_isvalidreason", 1);
	if (args->with_centroids)
	{
		sp_postgis_fmgr(&r.centroid, geomtype, "st_centroid", 1);
		a->cx = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
		a->cy = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	}
	per_area = AllocSetContextCreate(CurrentMemoryContext, "safety areas input", ALLOCSET_DEFAULT_SIZES);
	for (int k = 0; k < n; k++)
	{
		MemoryContext keep;

		CHECK_FOR_INTERRUPTS();
		if (geomnull[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: geom[%d] (area_id %lld) is NULL", fname, k + 1, (long long) a->id[k]),
							errhint("Give every area its boundary polygon, or leave the area out.")));
		keep = MemoryContextSwitchTo(per_area);
		read_area(&r, geoms[k], k, a, args->with_centroids, keep, fname);
		MemoryContextSwitchTo(keep);
		MemoryContextReset(per_area);
	}
	MemoryContextDelete(per_area);
	if (args->with_centroids && n > 0 && sp_srid_is_geographic(a->srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom has geographic SRID %d (degrees), but distance and knn weights need projected units",
							   fname, a->srid),
						errhint("Project the areas first, e.g. ST_Transform(geom, safety.utm_srid(geom)), or use weights 'queen' or 'rook'.")));
}

/*
 * Vertices as spdep::poly2nb takes them from sf::st_coordinates: every
 * vertex of every ring in order, less the area's very first one (so a
 * single ring's closing point counts once; later rings keep both ends).
 */
static void
contiguity(const SpAreas *a, bool queen, sc_nb *nb, const char *fname)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	size_t		nv = 0,
				v = 0;
	uint32_t   *va;
	double	   *x,
			   *y;
	sc_err		err;
	sc_status	st;

	for (int k = 0; k < a->n; k++)
		nv += a->shape[k].npoints - 1;
	sp_check_memory(fname, nv * (sizeof(uint32_t) + 2 * sizeof(double)),
					psprintf("the %zu boundary vertices", nv), "Simplify the boundaries, e.g. ST_SimplifyPreserveTopology.");
	va = palloc_extended(Max(nv, 1) * sizeof(uint32_t), MCXT_ALLOC_HUGE);
	x = palloc_extended(Max(nv, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	y = palloc_extended(Max(nv, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (int k = 0; k < a->n; k++)
	{
		CHECK_FOR_INTERRUPTS();
		for (size_t p = 1; p < a->shape[k].npoints; p++)
		{
			va[v] = (uint32_t) k;
			x[v] = a->shape[k].x[p];
			y[v] = a->shape[k].y[p];
			v++;
		}
	}
	st = sc_nb_contiguity((size_t) a->n, nv, va, x, y, queen, SC_AREAS_SNAP, nb,
						  sp_check_interrupts, &alloc, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	pfree(va);
	pfree(x);
	pfree(y);
}

void
sp_area_neighbours(const SpAreas *a, SpWeights w, double distance, bool has_distance,
				   int32 k, sc_nb *nb, const char *fname)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st = SC_OK;

	switch (w)
	{
		case SP_WEIGHTS_QUEEN:
		case SP_WEIGHTS_ROOK:
			contiguity(a, w == SP_WEIGHTS_QUEEN, nb, fname);
			return;
		case SP_WEIGHTS_DISTANCE:
			if (!has_distance)
				ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
								errmsg("%s: weights 'distance' needs a distance", fname),
								errhint("Give the distance band between centroids in the units of the SRID, e.g. distance => 2000.")));
			if (!(distance > 0) || isinf(distance))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("%s: distance must be a positive finite number, not %g", fname, distance),
								errhint("Give the distance band between centroids in the units of the SRID.")));
			st = sc_nb_distance((size_t) a->n, a->cx, a->cy, distance, nb, sp_check_interrupts, &alloc, &err);
			break;
		case SP_WEIGHTS_KNN:
			if (k < 1 || k >= a->n)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("%s: k must be between 1 and the number of areas less one (%d), not %d",
									   fname, a->n - 1, k),
								errhint("Each area gets its k nearest other areas (by centroid) as neighbours.")));
			sp_check_memory(fname, (Size) a->n * (Size) k * sizeof(uint32_t),
							psprintf("%d areas with %d neighbours each", a->n, k), "Use a smaller k.");
			st = sc_nb_knn((size_t) a->n, a->cx, a->cy, (size_t) k, nb, sp_check_interrupts, &alloc, &err);
			break;
	}
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
}
