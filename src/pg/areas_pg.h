/*
 * areas_pg.h — pieces shared by the glue of areas as analysis units
 * (areas_input.c reads and checks the arrays, areas.c runs the statistics).
 */
#ifndef AREAS_PG_H
#define AREAS_PG_H

#include "safety_pg.h"

#include "sc_area.h"
#include "sc_areas.h"

/*
 * PostGIS function name(geom_type[, geom_type]) of PostGIS's schema, or
 * InvalidOid (postgis_fn.c); sp_postgis_fmgr sets up a call of it, with an
 * error when it is missing
 */
Oid			sp_postgis_function_n(Oid geom_type, const char *name, int nargs, const Oid *argtypes);
void		sp_postgis_fmgr(FmgrInfo *f, Oid geom_type, const char *name, int nargs);

/* the spatial weights an areas function is asked for */
typedef enum SpWeights
{
	SP_WEIGHTS_QUEEN,
	SP_WEIGHTS_ROOK,
	SP_WEIGHTS_DISTANCE,
	SP_WEIGHTS_KNN
} SpWeights;

/* the areas of one call: id, value and polygon of each, in input order */
typedef struct SpAreas
{
	int			n;
	int64	   *id;
	double	   *value;
	bool	   *value_null;		/* per value, when NULLs are allowed; else NULL */
	sc_area    *shape;			/* boundaries, read through ST_AsEWKB */
	Datum	   *geom;			/* the geometries as given */
	double	   *cx;				/* centroids (ST_Centroid); only for distance and knn */
	double	   *cy;
	int32		srid;
} SpAreas;

/* weights argument argno: 'queen' (also for NULL), 'rook', 'distance' or 'knn' */
SpWeights	sp_arg_weights(FunctionCallInfo fcinfo, int argno, const char *fname);

/* where an areas function has its arrays, and what it allows */
typedef struct SpAreaArgs
{
	int			id_arg;			/* area_id bigint[]; geom geometry[] follows */
	int			value_arg;		/* float8[], or -1 for none */
	const char *value_name;		/* "value", "population" */
	bool		value_nulls_ok; /* NULL elements (and a NULL array) allowed */
	bool		with_centroids;
} SpAreaArgs;

/*
 * The arrays (area_id bigint[], geom geometry[], value float8[]) read and
 * checked: same lengths, no NULL or duplicate id, every geom a valid,
 * non-empty polygon or multipolygon of one SRID, no NULL value unless
 * allowed.  Centroids when asked.  The caller has made sure that area_id
 * and geom (and value, unless NULLs are allowed) are not NULL.
 */
void		sp_read_areas(FunctionCallInfo fcinfo, const SpAreaArgs *args, SpAreas *a,
						  const char *fname);

/*
 * The neighbour list of the areas for the weights: contiguity as
 * spdep::poly2nb, a centroid distance band (distance > 0 needed) or the k
 * nearest centroids (1 <= k < n).
 */
void		sp_area_neighbours(const SpAreas *a, SpWeights w, double distance, bool has_distance,
							   int32 k, sc_nb *nb, const char *fname);

/* permutations (0 .. SP_MAX_PERMUTATIONS) and alpha (0 < alpha <= 1) */
#define SP_MAX_PERMUTATIONS 99999
int32		sp_arg_permutations(FunctionCallInfo fcinfo, int argno, const char *fname);
double		sp_arg_alpha(FunctionCallInfo fcinfo, int argno, const char *fname);

/* "HH", "LL", "HL" or "LH" of a core quadrant */
const char *sp_quadrant_name(int8 q);

#endif
