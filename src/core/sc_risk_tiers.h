/*
 * sc_risk_tiers.h — red / orange / yellow tiers graded from a forecast.
 *
 * A cell's priority is its expected events in the next horizon times a
 * severity factor (the shrunk mean harm weight of its events of the last
 * year, relative to the city's, bounded to [1/2, 2]).  The cut-offs of the
 * tiers are fixed by an ordinary horizon: the priorities of the typical
 * forecast (background only) at the reference shares (1, 5, 15 % of the
 * study cells by default).  So in an ordinary week the tiers hold those
 * shares, in a busy week more cells pass the cut-offs and in a quiet week
 * fewer.  Hysteresis: a cell keeps its tier while its priority stays above
 * keep · that tier's cut-off; the tiers of the `lookback` previous horizons
 * are replayed so the rule needs no stored state.  A cap per tier moves
 * the lowest-priority cells beyond it down a tier.  docs/methods-tiers.md.
 */
#ifndef SC_RISK_TIERS_H
#define SC_RISK_TIERS_H

#include "sc_forecast.h"

#define SC_RT_SEVERITY_PRIOR 5.0		/* events of city-average harm added to each cell */
#define SC_RT_SEVERITY_MAX 2.0
#define SC_RT_SEVERITY_WINDOW (365 * SC_USEC_PER_DAY)
#define SC_RT_KEEP 0.8
#define SC_RT_LOOKBACK 4
#define SC_RT_MAX_LOOKBACK 52

typedef struct sc_rt_rule
{
	double		share[3];		/* cumulative reference shares of red, orange, yellow */
	int64_t		cap[3];			/* most cells in red, orange, yellow (0: no cap) */
	double		keep;			/* in (0, 1]: 1 means no hysteresis */
	int			lookback;		/* earlier horizons replayed, 0..SC_RT_MAX_LOOKBACK */
} sc_rt_rule;

/* the default rule: shares 0.01, 0.05, 0.15, no caps, keep 0.8, lookback 4 */
void		sc_rt_rule_default(sc_rt_rule *r);
sc_status	sc_rt_check_rule(const sc_rt_rule *r, sc_err *err);

/*
 * Whether as_of is stale for tiering: the last year before it
 * (SC_RT_SEVERITY_WINDOW, where a cell's events are counted) holds no event
 * of d, though earlier ones exist.  *last: the time of the last event before
 * as_of (an event at as_of is not before it), when there is one.
 */
bool		sc_rt_stale(const sc_fc_data *d, int64_t as_of, int64_t *last);

typedef struct sc_rt_cell
{
	double		expected;
	double		typical;
	double		severity;
	double		priority;
	int64_t		events;			/* events of the last year (the severity window) */
	int64_t		rank;			/* 1 + cells of higher priority (equal priorities share a rank) */
	uint8_t		tier;			/* sc_tier */
} sc_rt_cell;

/*
 * Tiers of every study cell of d at as_of (cells[d->ncells]); cuts[3]
 * (may be NULL) receives the priority cut-offs of red, orange, yellow.
 */
sc_status	sc_rt_tiers(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of,
						int64_t horizon, const sc_rt_rule *rule, sc_rt_cell *cells,
						double cuts[3], sc_interrupt_fn interrupt, sc_err *err);

/* one row of the tier back-test: one origin, one tier (0 = untiered) */
typedef struct sc_rt_bt_row
{
	int64_t		origin;
	uint8_t		tier;
	int64_t		cells;
	int64_t		events;			/* events of [origin, origin + horizon) in these cells */
	double		expected;		/* their summed forecast */
	int64_t		changed;		/* cells whose tier differs from the previous origin's */
} sc_rt_bt_row;

/* most origins of one sc_rt_backtest (each replays the tiers' lookback) */
#define SC_RT_MAX_ORIGINS 10000

/* origins as sc_fc_backtest; 4 rows per origin (red, orange, yellow, none) */
sc_status	sc_rt_backtest(const sc_fc_data *d, const sc_fc_spec *spec, const sc_rt_rule *rule,
						   int64_t start, int64_t stop, int64_t step, int64_t horizon,
						   sc_rt_bt_row **rows, size_t *nrows, sc_interrupt_fn interrupt,
						   sc_err *err);

#endif
