/*
 * sc_risk.h — risk components of a set of events (harm, recency, seasonal
 * expectation, Mann–Kendall trend) and per-cell scores tiered by a rule of
 * sc_tiers.h.  Times are microseconds since 2000-01-01 UTC (sc_time.h).
 * The formulas are documented in docs/methods-tiers.md.
 */
#ifndef SC_RISK_H
#define SC_RISK_H

#include "sc_common.h"
#include "sc_events.h"
#include "sc_grid.h"
#include "sc_tiers.h"
#include "sc_time.h"

typedef struct sc_risk_params
{
	int64_t		as_of;			/* events strictly before as_of are used */
	int64_t		window;			/* > 0 */
	int64_t		baseline;		/* > 0 */
	int64_t		half_life;		/* > 0 */
	int64_t		data_start;		/* midnight of the day of the first event */
} sc_risk_params;

#define SC_SEASON_SHIFT (364 * SC_USEC_PER_DAY)	/* 52 weeks: same weekdays */
#define SC_WEEK (7 * SC_USEC_PER_DAY)

typedef struct sc_risk_comp
{
	int64_t		events;			/* events in [as_of - window, as_of) */
	double		harm;			/* sum of their weights */
	double		recency;		/* sum of w · 2^(-age / half_life) */
	double		expected;		/* mean count in the same window of earlier years; NaN none */
	int32_t		years;			/* earlier years used */
	double		ratio;			/* events / expected; NaN when expected is NaN or 0 */
	int32_t		weeks;			/* baseline weeks used by the trend */
	double		trend_s;		/* Mann–Kendall S over weekly counts; NaN when weeks < 3 */
	double		trend_z;		/* its normal score (tie-corrected, continuity-corrected) */
} sc_risk_comp;

/* windows > 0, as_of after data_start; names the bad field */
sc_status	sc_risk_check_params(const sc_risk_params *p, sc_err *err);

/* components of n events: times t (event time used, see sc_event_time), weights w */
sc_status	sc_risk_components(const int64_t *t, const double *w, size_t n,
							   const sc_risk_params *p, sc_risk_comp *out,
							   const sc_alloc *alloc, sc_err *err);

typedef struct sc_risk_weights
{
	double		harm;
	double		recency;
	double		seasonal;
	double		trend;
} sc_risk_weights;

/* each weight finite and >= 0, their sum > 0 */
sc_status	sc_risk_check_weights(const sc_risk_weights *w, sc_err *err);

typedef struct sc_risk_cell
{
	int32_t		i;
	int32_t		j;
	sc_risk_comp c;
	double		norm[4];		/* harm, recency, seasonal, trend in [0, 1] */
	double		score;
	int64_t		rank;
	uint8_t		tier;
} sc_risk_cell;

/*
 * Score and tier every square cell of side cell_size holding an event in
 * [as_of - max(window, baseline), as_of).  Cells come out sorted by (i, j);
 * *cells is allocated from alloc (caller frees).
 */
sc_status	sc_risk_cells(const sc_events *e, double cell_size, const sc_risk_params *p,
						  const sc_risk_weights *w, const sc_tier_rule *rule,
						  sc_risk_cell **cells, size_t *ncells,
						  const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_err *err);

#endif
