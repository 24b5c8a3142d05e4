/*
 * sc_gistar.h — Getis–Ord Gi* hot spots and Global Moran's I over a set of
 * analysis cells (or any points) with fixed-distance-band binary weights.
 *
 * Neighbours of i: every j (i itself included for Gi*, excluded for
 * Moran's I) whose centre lies within the band, d_ij <= D, as spdep
 * dnearneigh(d1 = 0, d2 = D) (bounds "GE","LE") and ArcGIS
 * FIXED_DISTANCE_BAND.  The comparison carries a tolerance of a few ulps of
 * the coordinate magnitude (SC_BAND_TOLERANCE) so that grid cells exactly
 * one band apart are neighbours however their centres rounded.  The search
 * hashes centres into blocks of side D, so it costs O(N + pairs), not N².
 */
#ifndef SC_GISTAR_H
#define SC_GISTAR_H

#include "sc_common.h"

/* d <= D + SC_BAND_TOLERANCE · (max |coordinate| + D) counts as within D */
#define SC_BAND_TOLERANCE (8.0 * 2.220446049250313e-16)

/* two-sided p-value of a standard normal z: erfc(|z|/√2); NaN for NaN */
double		sc_p_two_sided(double z);

/* Gi_Bin-style class from z and p: ±3 (p < .01), ±2 (< .05), ±1 (< .10), 0 */
int			sc_confidence_bin(double z, double p);

typedef struct sc_gistar_cell
{
	double		z;				/* Gi* z-score (NaN when undefined, see below) */
	double		p;				/* two-sided normal p-value (NaN with z) */
	uint32_t	nneigh;			/* neighbours within the band, itself included */
	int8_t		bin;			/* -3..3; FDR-corrected when asked */
} sc_gistar_cell;

typedef struct sc_gistar_info
{
	double		mean;			/* X̄ over the analysis set */
	double		sd;				/* S = sqrt(Σx²/N − X̄²) */
	double		fdr_p[3];		/* FDR p cut-offs for 90/95/99% (-1: none pass) */
	size_t		undefined;		/* cells whose neighbourhood is the whole set */
} sc_gistar_info;

/*
 * Gi* (Getis & Ord 1992; Ord & Getis 1995) for n cells with centres
 * (cx, cy) and values x (zeros included), band D > 0:
 *
 *   Gi*_i = (Σ_j w_ij x_j − X̄ Σ_j w_ij)
 *           / (S · sqrt((N Σ_j w_ij² − (Σ_j w_ij)²) / (N − 1)))
 *
 * with binary w_ij (1 within the band, self included).  This equals
 * spdep::localG(x, include.self(nb)) and ArcGIS Hot Spot Analysis with a
 * fixed distance band.  A cell whose neighbourhood is all N cells has a 0/0
 * statistic: z and p are NaN and its bin is 0.  out has n entries.  With
 * fdr, bins use the Benjamini–Hochberg cut-offs (see sc_fdr_bins).
 * Errors: SC_EINVAL for n < 3, non-finite input, D <= 0, or all values
 * equal (S = 0: "all cells have the same value"); SC_ENOMEM.  info may be
 * NULL.  interrupt (may be NULL) is called every SC_INTERRUPT_EVERY cells.
 */
sc_status	sc_gistar(size_t n, const double *cx, const double *cy, const double *x,
					  double band, bool fdr, sc_gistar_cell *out, sc_gistar_info *info,
					  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * False Discovery Rate bins as ArcGIS applies them to Gi*: for each level
 * α ∈ {0.10, 0.05, 0.01}, rank the N p-values ascending, find the largest
 * rank k with p_(k) <= (k/N)·α (Benjamini & Hochberg 1995), and call
 * significant at that level every cell with p <= p_(k).  The bin is ±3/±2/±1
 * for the strictest level passed, signed by z; NaN p-values rank last and
 * are never significant.  cutoff (3 entries, may be NULL) receives p_(k)
 * per level in the order 90/95/99%, or -1 when no rank passes.
 */
sc_status	sc_fdr_bins(size_t n, const double *z, const double *p, int8_t *bin,
						double *cutoff, const sc_alloc *alloc, sc_err *err);

/* the FDR classes (bin) of n results from their z and p; info->fdr_p gets the cut-offs */
sc_status	sc_gistar_fdr(size_t n, sc_gistar_cell *out, sc_gistar_info *info,
						  const sc_alloc *alloc, sc_err *err);

/* one result from its centred sum over cnt cells (itself included) of n; true when undefined */
bool		sc_gistar_set(sc_gistar_cell *c, double sum, size_t cnt, size_t n, double sd);
/* info's summary (when given) and, with fdr, the FDR classes */
sc_status	sc_gistar_finish(size_t n, sc_gistar_cell *out, double mean, double sd, double scale,
							 size_t undefined, bool fdr, sc_gistar_info *info,
							 const sc_alloc *alloc, sc_err *err);

#endif
