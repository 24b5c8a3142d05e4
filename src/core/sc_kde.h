/*
 * sc_kde.h — exact kernel density estimation on a square or hexagonal grid.
 *
 * The value of a cell is the density at its centre:
 *
 *     f(c) = Σ_k w_k · K(d_k / h) / h²      over events with d_k < support·h
 *
 * where d_k is the distance from event k to the cell centre and K is one of
 * the 2-D kernels below, each normalised to integrate to 1 over the plane
 * (so a grid of densities sums, times the cell area, to about Σ w_k).
 * Nothing is binned: every event is evaluated exactly at every cell centre
 * within its support, so the result does not depend on the order of events
 * beyond floating-point summation order.  See docs/methods-hotspots.md.
 */
#ifndef SC_KDE_H
#define SC_KDE_H

#include "sc_common.h"
#include "sc_grid.h"

typedef enum sc_kernel
{
	SC_KERNEL_QUARTIC = 0,		/* 3/π (1-u²)², u < 1  (default; ArcGIS, CrimeStat) */
	SC_KERNEL_EPANECHNIKOV,		/* 2/π (1-u²),  u < 1 */
	SC_KERNEL_TRIANGULAR,		/* 3/π (1-u),   u < 1 */
	SC_KERNEL_UNIFORM,			/* 1/π,         u < 1 */
	SC_KERNEL_GAUSSIAN			/* 1/(2π) e^(-u²/2), truncated at u < 3 */
} sc_kernel;

#define SC_KERNEL_DEFAULT SC_KERNEL_QUARTIC

/* support radius of the gaussian, in bandwidths (see sc_kernel_support) */
#define SC_KDE_GAUSSIAN_CUTOFF 3.0

/* hard cap on cells one event may touch when the grid has no max_cells */
#define SC_KDE_MAX_CELLS_PER_EVENT ((size_t) 1 << 26)

/*
 * Kernel from its name, case-insensitively: quartic (alias biweight),
 * epanechnikov, triangular, uniform, gaussian (alias normal).  Unknown names
 * give SC_EINVAL with the list of valid names.
 */
sc_status	sc_kernel_parse(const char *name, sc_kernel *kernel, sc_err *err);
const char *sc_kernel_name(sc_kernel kernel);

/* K(u) for u >= 0 (0 outside the support; the gaussian is truncated at 3) */
double		sc_kernel_value(sc_kernel kernel, double u);

/* support radius in bandwidths: 1, or 3 for the truncated gaussian */
double		sc_kernel_support(sc_kernel kernel);

/*
 * Add one event of weight w at (x, y) with bandwidth h: every cell whose
 * centre lies strictly within support·h of the event gets
 * w·K(d/h)/h²; cells farther away are not created.  Events of weight 0 add
 * nothing.  Errors: SC_EINVAL for non-finite input or h <= 0; SC_ELIMIT if
 * one event alone would cover more cells than g->max_cells (or
 * SC_KDE_MAX_CELLS_PER_EVENT when the grid has no limit) or the grid fills
 * up; SC_ERANGE when a covered cell index leaves ±SC_CELL_INDEX_MAX;
 * SC_ENOMEM.  On error the grid may hold part of this event.
 */
sc_status	sc_kde_add_point(sc_grid *g, double x, double y, double w, double h,
							 sc_kernel kernel, sc_err *err);

/*
 * Streaming accumulator for many events with one bandwidth and kernel (an
 * aggregate's transition state).  Each event is summed at once into dense
 * tiles of SC_KDE_TILE² cells, found by their tile index in a small hash
 * table; a flush adds each touched tile cell to the hash grid once, however
 * many events reached it.  The same cells and values as calling
 * sc_kde_add_point for every event (up to floating-point summation order),
 * several times faster.  Tiles take at most SC_KDE_TILE_MEMORY bytes: when
 * more are needed, the tiles are flushed to the grid and reused.  Memory
 * comes from the grid's allocator; interrupt (may be NULL) runs every
 * SC_INTERRUPT_EVERY cell evaluations.  Errors as sc_kde_add_point;
 * sc_kde_acc_add reports bad events at once, grid limits may surface at any
 * add or at the flush.  After an error the grid is incomplete; free the
 * accumulator.
 */
typedef struct sc_kde_tile sc_kde_tile;

/* what every event of one bandwidth and kernel shares */
typedef struct sc_kde_setup
{
	sc_grid_kind kind;
	double		s;
	double		h;
	sc_kernel	kernel;
	double		R;				/* support radius */
	double		R2;
	double		inv_h;			/* 1 / h, 1 / h² */
	double		inv_h2;
	double		pitch_x;		/* centre spacing across columns, rows */
	double		pitch_y;
	double		inv_pitch_x;
	double		inv_pitch_y;
	double		off_x;			/* column index offset of the centres */
	double		off_y;			/* row offset of the highest centres, in rows */
} sc_kde_setup;

typedef struct sc_kde_acc
{
	sc_grid    *grid;
	double		h;
	sc_kernel	kernel;
	sc_interrupt_fn interrupt;
	sc_kde_setup setup;
	size_t		pending;		/* events added since the last flush */
	sc_kde_tile **tiles;		/* every tile allocated; the first used are in the table */
	size_t		ntiles;
	size_t		used;
	size_t		max_tiles;
	sc_kde_tile **slots;		/* open-addressing table of the used tiles */
	size_t		nslots;			/* a power of two, or 0 */
	sc_kde_tile *last;			/* the tile found last */
	double	   *rowdy2;			/* the event's rows' (y - cy)², per column parity */
	size_t		rowdy2_cap;
	size_t		tick;
	sc_alloc	tile_alloc;		/* the tiles' allocator: the grid's unless set after init */
} sc_kde_acc;

#define SC_KDE_TILE_BITS 6
#define SC_KDE_TILE (1 << SC_KDE_TILE_BITS)	/* tile side, in cells */
#define SC_KDE_TILE_MEMORY ((size_t) 32 << 20)	/* bytes of tiles per accumulator */

sc_status	sc_kde_acc_init(sc_kde_acc *acc, sc_grid *g, double h, sc_kernel kernel,
							sc_interrupt_fn interrupt, sc_err *err);
sc_status	sc_kde_acc_add(sc_kde_acc *acc, double x, double y, double w, sc_err *err);
/* process everything buffered; the grid is then complete */
sc_status	sc_kde_acc_flush(sc_kde_acc *acc, sc_err *err);
/*
 * The same flush; when the grid was empty before it (the usual end of an
 * aggregate whose tiles never filled up), also *sorted: the grid's cells in
 * (i, j) order (sc_grid_sorted's), from the grid's allocator, for the caller
 * to keep or free; else *sorted is NULL.  Faster than a flush and a sort:
 * the cells come out of the tiles in order and fill the grid at once.
 */
sc_status	sc_kde_acc_flush_sorted(sc_kde_acc *acc, sc_cell **sorted, sc_err *err);
void		sc_kde_acc_free(sc_kde_acc *acc);
/*
 * The density so far straight into the stored form, without a cell array:
 * when the grid is still empty, sc_kde_acc_count sets *n to the number of
 * cells (SC_ELIMIT past the grid's max_cells), else to SIZE_MAX (flush and
 * write the grid).  sc_kde_acc_write_flat then writes those n cells in
 * (i, j) order through w (from sc_grid_flat_begin with n cells), and puts
 * into ext SC_KDE_EXTREMES of them that hold the least and greatest i, j
 * and hexagon row (what a bounding box of the cells needs), when n > 0.
 * The accumulator stays as it was.  Errors as the flush's (SC_ELIMIT,
 * SC_ERANGE); SC_EINVAL when n is not what sc_kde_acc_count gave.
 */
#define SC_KDE_EXTREMES 6
sc_status	sc_kde_acc_count(sc_kde_acc *acc, size_t *n, sc_err *err);
sc_status	sc_kde_acc_write_flat(sc_kde_acc *acc, const sc_grid_flat_writer *w, size_t n,
								  sc_cell ext[SC_KDE_EXTREMES], sc_err *err);
/*
 * Give every tile back to tile_alloc (the accumulator then has none, and
 * makes new ones as it needs them); sc_kde_acc_free does it too.  For an
 * owner whose memory is going away without sc_kde_acc_free.
 */
void		sc_kde_acc_free_tiles(sc_kde_acc *acc);

/*
 * n events at once through an accumulator (w may be NULL: unit weights);
 * *sorted (when sorted is not NULL) as sc_kde_acc_flush_sorted's
 */
sc_status	sc_kde_add_points(sc_grid *g, size_t n, const double *x, const double *y,
							  const double *w, double h, sc_kernel kernel,
							  sc_interrupt_fn interrupt, sc_cell **sorted, sc_err *err);

/* what went into the default bandwidth, for reporting */
typedef struct sc_kde_bandwidth_info
{
	double		n;				/* number of points, or Σw when weighted */
	double		mean_x;			/* (weighted) mean centre */
	double		mean_y;
	double		sd;				/* (weighted) standard distance */
	double		dm;				/* (weighted) median distance to the mean centre */
} sc_kde_bandwidth_info;

/*
 * ArcGIS Pro Kernel Density default search radius (a spatial variant of
 * Silverman's rule of thumb):
 *
 *     h = 0.9 · min(SD, sqrt(1/ln 2) · Dm) · n^(-0.2)
 *
 * SD is the standard distance and Dm the median distance of the points from
 * their mean centre; with weights (the population field) the mean centre,
 * SD and Dm are weighted and n is Σw.  w may be NULL; weights must be finite
 * and >= 0 with Σw > 0.  info may be NULL.  SC_EINVAL when the rule gives no
 * positive bandwidth (fewer than two distinct locations, or more than half
 * the weight at the mean centre).
 */
sc_status	sc_kde_bandwidth(size_t n, const double *x, const double *y, const double *w,
							 double *h, sc_kde_bandwidth_info *info,
							 const sc_alloc *alloc, sc_err *err);

#endif
