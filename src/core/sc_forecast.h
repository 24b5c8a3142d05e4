/*
 * sc_forecast.h — forecasts of the number of events per square cell in
 * [as_of, as_of + horizon), from events before as_of only, and the
 * like-for-like back-test that grades them at fixed coverages.
 *
 * Models (docs/methods-forecast.md has the formulas and sources):
 *   naive        counts of the last horizon
 *   counts       counts of a window, scaled to the horizon
 *   kde          quartic kernel density of a window, integrated over the cell
 *   prospective  prospective hotspotting (Bowers, Johnson & Pease 2004)
 *   sepp         self-exciting point process on the grid (Mohler 2014),
 *                triggering fitted by EM, background by empirical Bayes
 *                (own cell shrunk towards its neighbourhood); history and
 *                triggering chosen by a back-test inside the data
 *
 * Times are microseconds (as sc_events); the study area is a fixed list of
 * cells sorted by cell id, chosen by the caller (sc_fc_prepare).
 */
#ifndef SC_FORECAST_H
#define SC_FORECAST_H

#include "sc_common.h"
#include "sc_events.h"
#include "sc_grid.h"
#include "sc_time.h"

typedef enum sc_fc_model
{
	SC_FC_NAIVE = 0,
	SC_FC_COUNTS,
	SC_FC_KDE,
	SC_FC_PROSPECTIVE,
	SC_FC_SEPP
} sc_fc_model;

/* model from its name, case-insensitively ('default' is sepp) */
sc_status	sc_fc_model_parse(const char *name, sc_fc_model *m, sc_err *err);
const char *sc_fc_model_name(sc_fc_model m);

/* defaults (0 in a spec means "the model's default") */
#define SC_FC_COUNTS_WINDOW (365 * SC_USEC_PER_DAY)
#define SC_FC_KDE_WINDOW (365 * SC_USEC_PER_DAY)
#define SC_FC_PROSPECTIVE_WINDOW (56 * SC_USEC_PER_DAY)	/* 8 weeks: "two months" */
#define SC_FC_PROSPECTIVE_BANDWIDTH 400.0			/* metres */
#define SC_FC_SEPP_HISTORY (1096 * SC_USEC_PER_DAY)		/* 3 years */

typedef struct sc_fc_spec
{
	sc_fc_model model;
	int64_t		window;			/* counts, kde, prospective; sepp: history fitted */
	double		bandwidth;		/* kde (default 2 cells), prospective (400), sepp's neighbourhood (2 cells) */
} sc_fc_spec;

/* the window and bandwidth a spec resolves to for cells of size s */
void		sc_fc_resolve(const sc_fc_spec *in, double s, int64_t horizon, sc_fc_spec *out);
/* checks a spec (window > 0, bandwidth finite > 0 when given) */
sc_status	sc_fc_check_spec(const sc_fc_spec *spec, sc_err *err);

/* what sepp fitted (reported by forecast_fit) */
typedef struct sc_fc_fit
{
	double		theta;			/* expected offspring per event */
	double		omega;			/* decay rate of triggering, per day; NaN without triggering */
	double		prior_strength;	/* ν: events the neighbourhood prior is worth (inf: all) */
	double		bandwidth;		/* the neighbourhood kernel's bandwidth */
	int64_t		history;		/* the history fitted (microseconds) */
	double		background;		/* sum over cells of the background rate, per day */
	int32_t		iterations;
	int32_t		averaged;		/* candidates averaged (Occam's window) */
	double		level;			/* city-wide level of the last 28 days (1: as usual) */
	int64_t		events;			/* events used by the fit */
	bool		fallback;		/* too few events: counts of the history instead */
} sc_fc_fit;

/* widest kernel, in cells: each event visits (2 · this)² cells at most */
#define SC_FC_MAX_BANDWIDTH_CELLS 256

/* sepp needs this many events in its history, else it falls back to counts */
#define SC_FC_SEPP_MIN_EVENTS 30

/*
 * A collection prepared for forecasting: event times (sorted) and cells,
 * and the study cells.  Events outside the study area keep cell -1.
 */
typedef struct sc_fc_data
{
	double		cell_size;
	size_t		n;
	int64_t    *t;				/* sorted ascending */
	double	   *x;
	double	   *y;
	double	   *w;
	int64_t    *cell;			/* index into the study cells, or -1 */
	size_t		ncells;
	int32_t    *ci;				/* study cells sorted by sc_cell_id */
	int32_t    *cj;
	size_t	   *cstart;			/* cell c's events: ct[cstart[c] .. cstart[c + 1]) */
	int64_t    *ct;				/* their times, ascending within each cell */
	double	   *cx;				/* and places */
	double	   *cy;
	sc_grid		lookup;			/* (i, j) -> index + 1 */
	int64_t		data_start;		/* midnight of the day of the first event */
	int64_t		first_outside;	/* time of the first event outside the study cells (INT64_MAX: none) */
	size_t		max_cells;		/* the bound the study area was prepared with */
	sc_alloc	alloc;
} sc_fc_data;

/*
 * Prepare e for cells of side cell_size; the study area is every cell
 * holding an event with time < area_before.  max_cells (0: none) bounds
 * the study cells.
 */
sc_status	sc_fc_prepare(const sc_events *e, double cell_size, int64_t area_before,
						  size_t max_cells, sc_fc_data *d, const sc_alloc *alloc,
						  sc_interrupt_fn interrupt, sc_err *err);
void		sc_fc_free(sc_fc_data *d);
/* the same events with the study area of the cells holding one before area_before */
sc_status	sc_fc_prepare_at(const sc_fc_data *d, int64_t area_before, sc_fc_data *at,
							 sc_interrupt_fn interrupt, sc_err *err);
/* whether an event before o lies outside d's study cells */
bool		sc_fc_cells_grew(const sc_fc_data *d, int64_t o);
/* index of study cell (i, j), which must be one of d's */
size_t		sc_fc_cell_index(const sc_fc_data *d, int32_t i, int32_t j);

/*
 * Expected events in [as_of, as_of + horizon) for every study cell, from
 * events before as_of.  fit (may be NULL) receives what sepp fitted.
 */
sc_status	sc_fc_expected(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of,
						   int64_t horizon, double *expected, sc_fc_fit *fit,
						   sc_interrupt_fn interrupt, sc_err *err);

/*
 * The same, and typical (may be NULL): what an ordinary horizon holds —
 * for sepp the background alone (no triggering, level 1), for the other
 * models the forecast itself.
 */
sc_status	sc_fc_forecast(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of,
						   int64_t horizon, double *expected, double *typical, sc_fc_fit *fit,
						   sc_interrupt_fn interrupt, sc_err *err);

/*
 * Ranking of the study cells by expected, highest first; ties go to the
 * lower cell id, so every model's top n is exactly n cells.  tmp and tmp2
 * have room for n; interrupt may be NULL.
 */
sc_status	sc_fc_rank(const double *expected, size_t n, size_t *order, sc_keyed *tmp,
					   sc_keyed *tmp2, sc_interrupt_fn interrupt, sc_err *err);

/* one of sepp's candidates in its internal back-test */
typedef struct sc_fc_sepp_choice
{
	int64_t		history;		/* microseconds */
	bool		trigger;
	int64_t		score;			/* hold-out events captured; -1: dropped */
} sc_fc_sepp_choice;

/*
 * sepp's choice among its scored candidates (best: the highest score):
 * Occam's window, the shortest history within it, triggering dropped when
 * the candidate without it scores at least as many (docs/methods-forecast.md).
 * Dropped candidates get score -1; the kept ones score at least the
 * returned cut.
 */
double		sc_fc_sepp_occam(sc_fc_sepp_choice *cand, size_t n, int64_t best);

/* horizons of sepp's internal back-test at as_of (0: none) */
int64_t		sc_fc_sepp_holdout_origins(const sc_fc_data *d, int64_t as_of, int64_t horizon);

/*
 * One candidate of sepp's internal back-test at as_of (spec: sepp's, for
 * its bandwidth), as fc_sepp scores it: pred (norigins · study cells, may
 * be NULL) the forecast at each hold-out origin, *score the events
 * captured, *theta and *omega the hold-out fit's.
 */
sc_status	sc_fc_sepp_holdout(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of,
							   int64_t horizon, int64_t history, bool trigger, double *pred,
							   int64_t *score, double *theta, double *omega, sc_err *err);

/* index of the first event (time order) at or after t */
size_t		sc_fc_time_index(const sc_fc_data *d, int64_t t);
/* events of study cell c in [from, to) */
size_t		sc_fc_cell_count(const sc_fc_data *d, size_t c, int64_t from, int64_t to);

/* cells for a coverage share of n study cells: ceil(share · n), at least 1 */
size_t		sc_fc_cover_cells(double share, size_t n);
/* share in (0, 1] */
sc_status	sc_fc_check_coverage(double share, sc_err *err);

typedef struct sc_fc_bt_row
{
	int64_t		origin;
	int			model;			/* index into the specs */
	int			coverage;		/* index into the coverages */
	int64_t		cells;			/* cells covered */
	int64_t		study_cells;
	int64_t		captured;		/* horizon events in the covered cells */
	int64_t		events;			/* all horizon events */
	int64_t		best;			/* most events any `cells` study cells hold */
	double		stability;		/* share of the covered cells covered at the previous origin; NaN first */
} sc_fc_bt_row;

/*
 * The measures of a back-test row: hit rate = captured / events (NaN
 * without events); PAI = hit rate / area share cells / study_cells
 * (Chainey et al. 2008; NaN with the hit rate); PEI = captured / best, the
 * share of what the best `cells` study cells held (Hunt 2016; NaN when
 * best is 0).
 */
void		sc_fc_bt_measures(const sc_fc_bt_row *r, double *hit, double *pai, double *pei);

/*
 * The origins start, start + step, ... with origin + horizon <= stop:
 * counted by division, not by stepping (a step of a microsecond would step
 * for days), and refused past max with SC_ELIMIT.  step, horizon > 0.
 */
sc_status	sc_fc_origins(int64_t start, int64_t stop, int64_t step, int64_t horizon, size_t max,
						  size_t *norigins, sc_err *err);

/* most origins of one sc_fc_backtest */
#define SC_FC_MAX_ORIGINS 100000

/*
 * Back-test: origins start, start + step, ... while origin + horizon <=
 * stop; every spec is forecast at every origin and graded at every
 * coverage.  *rows (norigins · nspecs · ncov) from d's allocator.
 */
sc_status	sc_fc_backtest(const sc_fc_data *d, const sc_fc_spec *specs, int nspecs,
						   const double *coverages, int ncov, int64_t start, int64_t stop,
						   int64_t step, int64_t horizon, sc_fc_bt_row **rows, size_t *nrows,
						   sc_interrupt_fn interrupt, sc_err *err);

#endif
