/*
 * sc_moran.h — Global Moran's I over a set of points (cell centres or
 * feature centroids) with fixed distance bands, the neighbour rule of Gi*
 * (sc_gistar.h).
 */
#ifndef SC_MORAN_H
#define SC_MORAN_H

#include "sc_common.h"
#include "sc_gistar.h"

typedef struct sc_moran_result
{
	double		distance;		/* band */
	double		I;				/* Moran's I */
	double		expected;		/* E[I] = −1/(n−1) */
	double		var_norm;		/* variance under normality */
	double		var_rand;		/* variance under randomization (ArcGIS) */
	double		z_norm;
	double		z_rand;
	double		p_norm;			/* two-sided */
	double		p_rand;
	size_t		n;				/* features with at least one neighbour */
	size_t		isolated;		/* features with none (left out) */
	double		s0;
	double		s1;
	double		s2;
	double		mean_neighbors; /* over the n features kept */
} sc_moran_result;

/*
 * Global Moran's I (Moran 1950; moments from Cliff & Ord 1981) with a fixed
 * distance band, no self-neighbours, binary or row-standardised weights,
 * for each of ndist ascending bands in one neighbour pass, as ArcGIS
 * Incremental Spatial Autocorrelation computes it: features without a
 * neighbour at a band are left out of that band (n, mean, moments);
 * statistics that cannot be computed (n < 4, no variance) are NaN.
 * Errors: SC_EINVAL for n < 4, non-finite input, bands not positive and
 * ascending, all values equal; SC_ENOMEM.  res has ndist entries.
 */
sc_status	sc_moran_incremental(size_t n, const double *cx, const double *cy, const double *x,
								 size_t ndist, const double *dist, bool row_standardize,
								 sc_moran_result *res, sc_interrupt_fn interrupt,
								 const sc_alloc *alloc, sc_err *err);

/* one band: sc_moran_incremental with ndist = 1 */
sc_status	sc_moran_global(size_t n, const double *cx, const double *cy, const double *x,
							double band, bool row_standardize, sc_moran_result *res,
							sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

#endif
