/*
 * sc_trend.h — trend tests over a time series: Mann–Kendall S and its
 * normal score (Mann 1945, Kendall 1975; the tie-corrected variance,
 * continuity-corrected z), in O(m log m) by counting inversions.  The
 * formulas are documented in docs/methods-tiers.md.
 */
#ifndef SC_TREND_H
#define SC_TREND_H

#include "sc_common.h"

/*
 * S and z over x[0..m-1] (chronological); z = 0 when S = 0 or the
 * variance is not positive.  SC_ENOMEM when the two work arrays cannot be
 * allocated from alloc.
 */
sc_status	sc_mann_kendall(const double *x, size_t m, const sc_alloc *alloc, double *s_out,
							double *z_out, sc_err *err);

/* the same with the tie-corrected variance of S and the number of tied pairs (may be NULL) */
sc_status	sc_mann_kendall_var(const double *x, size_t m, const sc_alloc *alloc, double *s_out,
								double *var_out, double *z_out, double *tied_pairs, sc_err *err);

/*
 * Sen's (1968) slope: the median of the m(m-1)/2 slopes (x[j] - x[i]) / (j - i),
 * i < j, over an evenly spaced series; O(m^2) memory, so m <= SC_SEN_MAX
 * (SC_ELIMIT beyond; 50 million pairs, 400 MB at the limit).
 */
#define SC_SEN_MAX 10000
sc_status	sc_sen_slope(const double *x, size_t m, const sc_alloc *alloc, double *slope, sc_err *err);

#endif
