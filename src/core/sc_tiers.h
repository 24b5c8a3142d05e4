/*
 * sc_tiers.h — risk tiers: tiering of scores (quantile shares or absolute
 * cut-offs), seasonal tiers from an upper-tail probability (Poisson or
 * negative binomial), risk components of a set of events (harm, recency,
 * seasonal expectation, Mann–Kendall trend) and per-cell scores.  Tiers
 * graded from forecasts are in sc_risk_tiers.h; the back-test in
 * sc_forecast.h.
 *
 * Times are microseconds since 2000-01-01 UTC (as sc_events); durations are
 * microseconds.  The formulas are documented in docs/methods-tiers.md.
 */
#ifndef SC_TIERS_H
#define SC_TIERS_H

#include "sc_common.h"
#include "sc_events.h"
#include "sc_grid.h"

typedef enum sc_tier
{
	SC_TIER_NONE = 0,
	SC_TIER_YELLOW = 1,
	SC_TIER_ORANGE = 2,
	SC_TIER_RED = 3
} sc_tier;

#define SC_USEC_PER_DAY INT64_C(86400000000)

/* defaults of the quantile method: cumulative shares of the units */
#define SC_TIER_RED_SHARE 0.01
#define SC_TIER_ORANGE_SHARE 0.05
#define SC_TIER_YELLOW_SHARE 0.15

/* shares: 0 < red < orange < yellow <= 1, all finite */
sc_status	sc_tier_check_shares(double red, double orange, double yellow, sc_err *err);
/* cut-offs: finite, red >= orange >= yellow */
sc_status	sc_tier_check_thresholds(double red, double orange, double yellow, sc_err *err);

/*
 * Quantile tiers of n scores (NaN = missing: no tier, not counted).  With m
 * scores present, a score's rank is 1 + the number of strictly greater
 * scores (ties share the rank of the first of them); a score > 0 of rank r
 * is red when r <= red·m, else orange when r <= orange·m, else yellow when
 * r <= yellow·m.  tier[k] and rank[k] (optional; 0 for missing) are written
 * for every k.  Scores must not be infinite.
 */
sc_status	sc_tier_quantile(const double *score, size_t n, double red, double orange,
							 double yellow, uint8_t *tier, int64_t *rank,
							 const sc_alloc *alloc, sc_err *err);
/* tier of one score against cut-offs: red when score >= red, ... */
sc_tier		sc_tier_threshold(double score, double red, double orange, double yellow);

/*
 * P(X >= ceil(observed)) for X ~ Poisson(expected) (dispersion 0) or
 * negative binomial with mean expected and variance expected + dispersion ·
 * expected².  observed >= 0, expected >= 0, dispersion >= 0, all finite;
 * interrupt (may be NULL) is polled, as wide distributions take 1e9 terms.
 */
sc_status	sc_upper_tail(double observed, double expected, double dispersion,
						  double *p, sc_interrupt_fn interrupt, sc_err *err);
/* red when p <= 0.01, orange when p <= 0.05, yellow when p <= 0.10 */
sc_tier		sc_tier_from_p(double p);

/*
 * interval arithmetic as PostgreSQL's extract(epoch from interval);
 * saturates at ±INT64_MAX instead of wrapping
 */
int64_t		sc_interval_usec(int32_t months, int32_t days, int64_t usec);
/*
 * The longest interval the analyses take: events lie in the years 1 to
 * 9999, so a longer window selects nothing more, and times plus or minus
 * it stay far inside int64 for every timestamp.
 */
#define SC_INTERVAL_MAX_YEARS 10000
#define SC_INTERVAL_MAX_USEC ((int64_t) (SC_INTERVAL_MAX_YEARS * 365.25 * 86400.0) * INT64_C(1000000))
/* midnight (UTC) of the day of t */
int64_t		sc_day_start(int64_t t);

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

/* the time of event k used by tiering: the midpoint of its window */
int64_t		sc_event_time(const sc_events *e, size_t k);

typedef struct sc_risk_weights
{
	double		harm;
	double		recency;
	double		seasonal;
	double		trend;
} sc_risk_weights;

/* each weight finite and >= 0, their sum > 0 */
sc_status	sc_risk_check_weights(const sc_risk_weights *w, sc_err *err);

typedef enum sc_tier_method
{
	SC_METHOD_QUANTILE = 0,
	SC_METHOD_THRESHOLD = 1
} sc_tier_method;

typedef struct sc_tier_rule
{
	sc_tier_method method;
	double		red;
	double		orange;
	double		yellow;
} sc_tier_rule;

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

/* the first event time of a collection (error when empty) */
sc_status	sc_events_first_time(const sc_events *e, int64_t *first, sc_err *err);

#endif
