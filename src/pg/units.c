/*
 * units.c — unit traps (sc_units.h): the error for SRID-0 points that look
 * like longitude/latitude, and the notices for implausible lengths (too
 * many cells, a bandwidth below the cell size).  Callers run these where
 * the whole data is known, once per call.
 */
#include "safety_pg.h"

#include "sc_units.h"
#include "units_pg.h"

#define UNITS_HINT "Set the SRID of the longitude/latitude and project them to metres, e.g. " \
	"ST_Transform(ST_SetSRID(geom, 4326), safety.utm_srid(ST_SetSRID(geom, 4326))). " \
	"Coordinates that really are local metres need %s below the extent of the data."

void
sp_check_units_points(int32 srid, const sc_bbox *b, double length, const char *fname,
					  const char *argname, const char *lenname)
{
	if (sc_units_lonlat_points(srid, b, length))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s has SRID 0 and coordinates that look like longitude/latitude in degrees "
							   "(x %g to %g, y %g to %g, within %s %g), but %s must be in projected units",
							   fname, argname, b->xmin, b->xmax, b->ymin, b->ymax, lenname, length, lenname),
						errhint(UNITS_HINT, lenname)));
}

void
sp_events_check_units(const sc_events *e, double length, const char *fname, const char *lenname)
{
	sc_bbox		b;

	if (e->srid != 0)
		return;
	b = sc_bbox_of(e->n, e->x, e->y);
	sp_check_units_points(e->srid, &b, length, fname, "e", lenname);
}

void
sp_check_units_grid(ExpandedGrid *eg, double margin, const char *fname, const char *argname)
{
	const sc_grid *g = &eg->grid;

	if (g->srid != 0 || g->count == 0)
		return;
	sp_check_units_cells(g->kind, g->srid, g->cell_size, sp_grid_cells(eg), g->count,
						 margin, fname, argname);
}

void
sp_check_units_cells(sc_grid_kind kind, int32 srid, double cell_size, const sc_cell *cells,
					 size_t n, double margin, const char *fname, const char *argname)
{
	sc_bbox		u;

	if (srid != 0 || n == 0)
		return;
	u = sc_grid_cells_bbox(kind, cell_size, cells, n);
	if (sc_units_lonlat_grid(kind, srid, cell_size, &u, margin))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s has SRID 0 and cells that look like longitude/latitude in degrees "
							   "(cells from x %g to %g and y %g to %g: the points lie within [-180, 180] x [-90, 90] and two cells of size %g), "
							   "but cell_size must be in projected units",
							   fname, argname, u.xmin, u.xmax, u.ymin, u.ymax, cell_size),
						errhint(UNITS_HINT, "cell_size")));
}

void
sp_notice_many_cells(const char *fname, double cell_size, double ncells, const sc_bbox *b)
{
	if (ncells > SC_UNITS_MANY_CELLS && !b->empty)
		ereport(NOTICE, (errmsg("%s: cell_size %g makes %.0f cells over the extent of the data "
								"(%g x %g), more than %.0f",
								fname, cell_size, ncells, b->xmax - b->xmin, b->ymax - b->ymin,
								SC_UNITS_MANY_CELLS),
						 errhint("Give cell_size in the units of the SRID (metres for UTM), e.g. 250.")));
}

void
sp_notice_events_cells(const sc_events *e, double cell_size, double margin, const char *fname)
{
	sc_bbox		b = sc_bbox_of(e->n, e->x, e->y);

	sp_notice_many_cells(fname, cell_size,
						 sc_units_cells_over(SC_GRID_SQUARE, cell_size, &b, margin), &b);
}

void
sp_notice_bandwidth(const char *fname, double bandwidth, double cell_size)
{
	if (bandwidth < cell_size)
		ereport(NOTICE, (errmsg("%s: bandwidth %g is smaller than cell_size %g: the density is sampled "
								"at cell centres farther apart than the kernel reaches",
								fname, bandwidth, cell_size),
						 errhint("Use a bandwidth of several cell sizes; safety.kde_bandwidth(e) gives the ArcGIS default.")));
}
