/*
 * sc_analysis_set.h — which cells of a grid a Gi* run analyses by default:
 * the cells near events.
 *
 * A cell is near events when the centre of at least one non-zero cell lies
 * within the distance band of its centre, by the neighbour rule of Gi*
 * (sc_gistar.h: d <= D plus SC_BAND_TOLERANCE, the cell itself included).
 * Equivalently: a cell is left out exactly when its Gi* neighbourhood holds
 * no event.  The cells are those of the index rectangle spanned by the
 * grid's cells (the set gi_star analysed before), so the result is a subset
 * of that rectangle.
 *
 * The search walks lattice offsets, not cell pairs: for each non-zero cell
 * and each column offset within the band it emits one run of rows (a column
 * of the disc), then sorts and merges the runs column by column.  Cost
 * O(K·C·log(K·C)) for K non-zero cells and C = 2·⌈D/spacing⌉+3 columns,
 * memory one run per (cell, column) plus the result.
 */
#ifndef SC_ANALYSIS_SET_H
#define SC_ANALYSIS_SET_H

#include "sc_area.h"
#include "sc_grid.h"

/*
 * Cells within band of a non-zero cell, clipped to the index rectangle
 * [imin, imax] × [jmin, jmax]; nonzero lists the grid's cells (any order;
 * zero-value entries are ignored, duplicates allowed), of which the values
 * are copied into the result (0 for cells not listed).  *out (from alloc,
 * caller frees) receives the *nout cells sorted by (i, j).
 * Errors: SC_EINVAL for a band that is not positive and finite, a cell size
 * that is not positive and finite, or an empty rectangle; SC_ELIMIT when
 * more than max_out cells (0 = no limit) would be returned; SC_ENOMEM.
 * interrupt (may be NULL) is called every SC_INTERRUPT_EVERY steps.
 */
sc_status	sc_near_event_cells(sc_grid_kind kind, double cell_size, double band,
								size_t ncells, const sc_cell *cells,
								int32_t imin, int32_t imax, int32_t jmin, int32_t jmax,
								size_t max_out, sc_cell **out, size_t *nout,
								sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/* a cell of a study area, with its centre; an error status stops the walk */
typedef sc_status (*sc_cell_fn) (void *ctx, int32_t i, int32_t j, double cx, double cy);

/*
 * The cells of a grid (kind, cell_size) whose centre lies inside area, by
 * the even-odd rule of sc_area.h, row by row: each row's centre line is
 * crossed with the area once (sc_area_crossings), and the cells between
 * each pair of crossings are passed to fn — O(rows · edges log edges +
 * cells), not cells × edges.  Order: j ascending; for hexagons, within a
 * row the even columns then the odd ones (their centres lie half a row
 * apart); i ascending.
 * Errors: SC_ERANGE when the area reaches beyond the cell index range
 * (±SC_CELL_INDEX_MAX); SC_ENOMEM; whatever fn returns.
 */
sc_status	sc_area_cells(sc_grid_kind kind, double cell_size, const sc_area *area,
						  sc_cell_fn fn, void *ctx, sc_interrupt_fn interrupt,
						  const sc_alloc *alloc, sc_err *err);

#endif
