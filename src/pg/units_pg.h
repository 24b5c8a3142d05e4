/*
 * units_pg.h — the unit-trap checks of units.c (rules in sc_units.h).
 */
#ifndef UNITS_PG_H
#define UNITS_PG_H

#include "safety_pg.h"

#include "sc_units.h"

/* error when points of srid with box b look like lon/lat for length (named lenname) */
void		sp_check_units_points(int32 srid, const sc_bbox *b, double length, const char *fname,
								  const char *argname, const char *lenname);
/* the same for the events e (argument "e") */
void		sp_events_check_units(const sc_events *e, double length, const char *fname,
								  const char *lenname);
/* the grid form (argument argname); margin: how far values reach beyond the points */
void		sp_check_units_grid(ExpandedGrid *eg, double margin, const char *fname, const char *argname);
/* the same for n sorted cells of a grid of kind, srid and cell_size */
void		sp_check_units_cells(sc_grid_kind kind, int32 srid, double cell_size, const sc_cell *cells,
								 size_t n, double margin, const char *fname, const char *argname);
/* NOTICE when ncells cells over the data's box b exceed SC_UNITS_MANY_CELLS */
void		sp_notice_many_cells(const char *fname, double cell_size, double ncells, const sc_bbox *b);
/* the same for square cells over the events' box grown by margin */
void		sp_notice_events_cells(const sc_events *e, double cell_size, double margin, const char *fname);
/* NOTICE when a KDE bandwidth is below the cell size */
void		sp_notice_bandwidth(const char *fname, double bandwidth, double cell_size);

#endif
