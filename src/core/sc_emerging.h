/*
 * sc_emerging.h — emerging hot spots: Gi* over a space-time cube and the
 * seventeen trend categories of ArcGIS Pro's Emerging Hot Spot Analysis
 * (docs/methods-hotspots.md, "Emerging hot spots").
 *
 * The cube holds n locations (cell centres cx, cy) by T time steps, values
 * x[c·T + t] (location-major, steps in time order, zeros included).  The
 * neighbours of bin (c, t) are the bins (j, s) with j within the distance
 * band of c (the Gi* rule of sc_gistar.h, c itself included) and
 * t − k <= s <= t, s >= 0 (k = time_steps: the step and the k before it).
 */
#ifndef SC_EMERGING_H
#define SC_EMERGING_H

#include "sc_common.h"

typedef enum sc_ehs_category
{
	SC_EHS_NONE = 0,
	SC_EHS_NEW_HOT,
	SC_EHS_CONSECUTIVE_HOT,
	SC_EHS_INTENSIFYING_HOT,
	SC_EHS_PERSISTENT_HOT,
	SC_EHS_DIMINISHING_HOT,
	SC_EHS_SPORADIC_HOT,
	SC_EHS_OSCILLATING_HOT,
	SC_EHS_HISTORICAL_HOT,
	SC_EHS_NEW_COLD,
	SC_EHS_CONSECUTIVE_COLD,
	SC_EHS_INTENSIFYING_COLD,
	SC_EHS_PERSISTENT_COLD,
	SC_EHS_DIMINISHING_COLD,
	SC_EHS_SPORADIC_COLD,
	SC_EHS_OSCILLATING_COLD,
	SC_EHS_HISTORICAL_COLD,
	SC_EHS_NCATEGORIES
} sc_ehs_category;

/* fewest time steps an emerging hot spot analysis takes (90 % of 10 is 9 steps) */
#define SC_EHS_MIN_STEPS 10

/* "new hot spot", …, "historical cold spot", "no pattern" */
const char *sc_ehs_category_name(sc_ehs_category c);

/*
 * The step of time t among the steps [bounds[s], bounds[s+1]), s < nsteps
 * (bounds ascending): -1 before the first or at/after the last bound.
 */
int64_t		sc_cube_step(const int64_t *bounds, size_t nsteps, int64_t t);

/*
 * Space-time Gi* (Getis & Ord 1992 over the cube's N = n·T bins, binary
 * weights): for bin (c, t) with m neighbours,
 *     z = (Σ_nb x − X̄ m) / (S · sqrt((N m − m²) / (N − 1)))
 * with X̄ and S = sqrt(Σ(x − X̄)² / N) over all bins; undefined (NaN, bin 0)
 * when m = N.  z, p (two-sided normal) and bin (-3..3 at 99/95/90 %, with
 * fdr the Benjamini–Hochberg bins of sc_fdr_bins over all N bins) have
 * n·T entries, nspace n (spatial neighbours, itself included; a bin has
 * nspace · (min(t, k) + 1) neighbours).
 * Errors: SC_EINVAL for T < 1, a band that is not positive and finite,
 * non-finite input; SC_EUNDEFINED for fewer than 3 bins or all values
 * equal; SC_ENOMEM.  interrupt may be NULL.
 */
sc_status	sc_st_gistar(size_t n, const double *cx, const double *cy, size_t steps,
						 const double *x, double band, size_t time_steps, bool fdr,
						 double *z, double *p, int8_t *bin, uint32_t *nspace,
						 sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * Mann–Kendall trend of a location's z-score series (sc_mann_kendall;
 * undefined z count as 0): its normal score and two-sided p-value.
 */
sc_status	sc_ehs_trend(const double *z, size_t steps, const sc_alloc *alloc, double *trend_z,
						 double *trend_p, sc_err *err);

/*
 * The category of a location from its bins (steps ≥ 1, chronological; a
 * step is a significant hot spot at bin ≥ 1, cold at bin ≤ -1) and its
 * trend (significant when trend_p < alpha), by the rules quoted in
 * docs/methods-hotspots.md.  hot and cold (may be NULL) receive the
 * numbers of hot and cold steps.
 */
sc_ehs_category sc_ehs_classify(const int8_t *bin, size_t steps, double trend_z, double trend_p,
								double alpha, uint32_t *hot, uint32_t *cold);

#endif
