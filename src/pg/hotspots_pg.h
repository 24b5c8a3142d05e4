/*
 * hotspots_pg.h — pieces shared by the hot-spot glue (kde.c, gistar.c,
 * nni.c, hotspots.c): argument checks, the analysis set of a Gi* run and
 * its output rows.
 */
#ifndef HOTSPOTS_PG_H
#define HOTSPOTS_PG_H

#include "safety_pg.h"

#include "sc_area.h"
#include "sc_gistar.h"

struct sc_kde_acc;

/*
 * acc's tiles from the session's pool (kde_tile_pool.c) rather than from
 * owner, the memory context acc lives in: they go back to the pool when
 * owner is reset or deleted.
 */
void		sp_kde_use_tile_pool(struct sc_kde_acc *acc, MemoryContext owner);

/* error unless h is positive and finite */
void		sp_check_bandwidth(const char *fname, double h);

/* the study area argument argno as an sc_area (through PostGIS ST_AsEWKB) */
void		sp_read_area(FunctionCallInfo fcinfo, int argno, sc_area *area, const char *fname);

/* the cells a Gi* run analyses, with their centres and values */
typedef struct SpCellSet
{
	size_t		n;
	size_t		cap;
	int32	   *i;
	int32	   *j;
	double	   *cx;
	double	   *cy;
	double	   *x;
} SpCellSet;

/*
 * Analysis set of grid g: every cell of the index rectangle spanned by its
 * non-empty cells (zeros included), or with area every cell whose centre is
 * inside it, or with nonempty_only just the non-empty cells.  The size is
 * checked against safety.max_cells before anything is allocated.
 */
void		sp_cell_set(const sc_grid *g, const sc_area *area, bool nonempty_only,
						SpCellSet *set, const char *fname);

/*
 * Default analysis set of gi_star: the cells of that rectangle whose centre
 * lies within distance of a non-zero cell's centre (sc_near_event_cells),
 * i.e. whose Gi* neighbourhood holds an event.  Checked against
 * safety.max_cells and the memory budget.
 */
void		sp_near_event_set(const sc_grid *g, double distance, SpCellSet *set,
							  const char *fname);

/* how many cells of set have no non-zero cell of g within distance */
size_t		sp_far_from_events(const sc_grid *g, const SpCellSet *set, double distance,
							   const char *fname);

/* spacing of neighbouring cell centres: s for squares, √3·s for hexagons */
double		sp_cell_spacing(const sc_grid *g);

/* check a distance band: positive, finite, at least the centre spacing */
void		sp_check_band(const char *fname, const sc_grid *g, double distance);

/* run Gi* and emit rows (cell_id, i, j, value, neighbors, z, p, class, geom, extra...) */
void		sp_gistar_rows(FunctionCallInfo fcinfo, const sc_grid *g, const SpCellSet *set,
						   double distance, bool fdr, const double *extra, int nextra,
						   const char *fname);

#endif
