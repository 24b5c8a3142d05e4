/*
 * sc_tiers.h — tier rules: tiering of scores (quantile shares or absolute
 * cut-offs) and seasonal tiers from an upper-tail probability (Poisson or
 * negative binomial).  Risk components and per-cell scores are in
 * sc_risk.h, tiers graded from forecasts in sc_risk_tiers.h, the back-test
 * in sc_forecast.h, times in sc_time.h.  The formulas are documented in
 * docs/methods-tiers.md.
 */
#ifndef SC_TIERS_H
#define SC_TIERS_H

#include "sc_common.h"

typedef enum sc_tier
{
	SC_TIER_NONE = 0,
	SC_TIER_YELLOW = 1,
	SC_TIER_ORANGE = 2,
	SC_TIER_RED = 3
} sc_tier;

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

#endif
