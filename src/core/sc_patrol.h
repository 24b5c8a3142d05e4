/*
 * sc_patrol.h — where to put k patrols: the maximal covering location
 * problem (Church & ReVelle 1974) over weighted demand points, and the
 * nearest post within reach of each demand point.
 *
 * A demand point is covered when a chosen site lies within the radius
 * (distance <= radius, as ST_DWithin).  The greedy choice is improved by
 * vertex substitution (Teitz & Bart 1968); the upper bound on the best
 * cover of k sites is the submodular bound of Nemhauser, Wolsey & Fisher
 * (1978), f(S) + the k largest marginal gains over S, taken at the best
 * of the sets visited (docs/methods-patrol.md).
 */
#ifndef SC_PATROL_H
#define SC_PATROL_H

#include "sc_common.h"

/* which demand points each site reaches, and the reverse */
typedef struct sc_cover
{
	size_t		ndemand;
	size_t		nsites;
	const double *w;			/* demand weights, borrowed */
	double		total;			/* Σ w */
	size_t	   *sstart;			/* site s reaches sdem[sstart[s] .. sstart[s + 1]) */
	uint32_t   *sdem;
	size_t	   *dstart;			/* demand i is reached by dsite[dstart[i] .. dstart[i + 1]) */
	uint32_t   *dsite;
	sc_alloc	alloc;
} sc_cover;

/*
 * The cover of nd demand points (dx, dy, weights w >= 0, finite) by ns
 * candidate sites (sx, sy) within radius >= 0, found through a bucket
 * index (O(nd + ns + pairs) after sorting).  More than max_pairs
 * (site, demand) pairs is SC_ELIMIT before anything is allocated for them.
 */
sc_status	sc_cover_build(size_t nd, const double *dx, const double *dy, const double *w,
						   size_t ns, const double *sx, const double *sy, double radius,
						   size_t max_pairs, const sc_alloc *alloc, sc_err *err, sc_cover *out);
void		sc_cover_free(sc_cover *c);

/*
 * Greedy choice of kmax sites: sites[r] the r-th chosen (the highest gain,
 * ties to the lower index), gain[r] the weight it adds to sites[0..r),
 * covered[k - 1] the weight the first k cover, bound[k - 1] an upper bound
 * on the cover of any k sites (1 <= k <= kmax <= nsites).
 */
sc_status	sc_cover_greedy(const sc_cover *c, size_t kmax, uint32_t *sites, double *gain,
							double *covered, double *bound, sc_err *err);

/*
 * Vertex substitution on k sites (in place): while replacing one chosen
 * site by one not chosen covers more, the best replacement of each site in
 * turn is made; then the sites' gains in their order.  *covered the cover
 * after, *bound lowered to the bound at the improved set when that is
 * lower, *swaps the replacements made.
 */
sc_status	sc_cover_improve(const sc_cover *c, size_t k, uint32_t *sites, double *gain,
							 double *covered, double *bound, int *swaps, sc_err *err);

/*
 * *bound lowered to the Lagrangian bound on the cover of any k sites, from
 * at most iters subgradient steps; lower is a cover known to be reachable
 * (the best found) for the step length.  xbest (k, may be NULL) receives
 * the relaxation's k sites that covered the most (*xcover), in index order.
 */
sc_status	sc_cover_lagrangian(const sc_cover *c, size_t k, double lower, int iters,
								double *bound, uint32_t *xbest, double *xcover, sc_err *err);

/*
 * The plan for k sites from a start (sites: e.g. greedy's first k, gain
 * and *covered theirs, *bound greedy's): vertex substitution when improve,
 * the Lagrangian bound (bound_steps steps), and, while the bound leaves
 * room, substitution from the relaxation's sites too, the better plan kept.
 */
sc_status	sc_cover_plan(const sc_cover *c, size_t k, bool improve, int bound_steps,
						  uint32_t *sites, double *gain, double *covered, double *bound,
						  int *swaps, sc_err *err);

/*
 * For each of nd demand points the nearest of np posts within radius:
 * post[i] its index (ties to the lower index) or -1 when none is within
 * reach, dist[i] the distance (NaN when none).
 */
sc_status	sc_nearest_within(size_t nd, const double *dx, const double *dy, size_t np,
							  const double *px, const double *py, double radius, int64_t *post,
							  double *dist, const sc_alloc *alloc, sc_err *err);

/* one visit of a shift plan */
typedef struct sc_visit
{
	uint32_t	spot;			/* index of the hot spot's cell */
	uint32_t	nth;			/* its n-th visit (1-based) of visits */
	uint32_t	visits;
	double		arrive;			/* minutes from the start of the shift */
	double		leave;
	double		travel;			/* minutes from the previous visit's cell */
} sc_visit;

/*
 * A shift's hot-spot visits (docs/methods-patrol.md, "Shift plan"): the
 * nspots cells of largest weight among n (x, y, weight), each visited for
 * dwell minutes, visits shared out in proportion to weight (at least one
 * each while room allows), each hot spot's visits spread over the shift at
 * the quantiles of the intensity (per minute of the shift, shift_min
 * values; NULL: uniform), in that order, travelling at speed (units per
 * minute) and waiting for a visit's time; as many visits as fit within
 * shift_min.  visits (room for max_visits) and *nvisits the plan.
 */
sc_status	sc_shift_plan(size_t n, const double *x, const double *y, const double *weight,
						  size_t nspots, double shift_min, double dwell, const double *intensity,
						  double speed, size_t max_visits, sc_visit *visits, size_t *nvisits,
						  const sc_alloc *alloc, sc_err *err);

#endif
