/*
 * sc_seasonal.h — seasonal indices by the classical multiplicative
 * decomposition (R's decompose(type = "multiplicative")$figure): counts per
 * whole local month (frequency 12) or day (frequency 7), each divided by
 * its centred moving average (2x12 for months, 7 days for days), the
 * ratios averaged per position in the cycle and normalised to mean 1; with
 * a t interval of each position's mean ratio.  Local time comes from the
 * caller (PostgreSQL's zone code in the server).  Method:
 * docs/methods-time.md, "Seasonal indices".
 */
#ifndef SC_SEASONAL_H
#define SC_SEASONAL_H

#include "sc_aoristic.h"

/* the longest series taken: about 27 400 years of days */
#define SC_SEASONAL_MAX_SERIES 10000000

/*
 * The decomposition of x[0..n) with cycle length f (2 <= f, n >= 2 f):
 * figure[i] is the normalised mean ratio of the positions i, i + f, ...,
 * periods[i] the number of ratios averaged (positions with a defined
 * moving average), lower/upper the interval (mean ± t(conf, periods - 1)
 * sd / sqrt(periods), the lower end at least 0) divided by the same
 * normaliser, NaN when periods < 2.
 * SC_EUNDEFINED when a moving average is 0 (a ratio without a base).
 */
sc_status	sc_seasonal_figure(const double *x, size_t n, int f, double conf, const sc_alloc *alloc,
							   double *figure, double *lower, double *upper, int *periods, sc_err *err);

/* the quantile p (0 < p < 1) of Student's t with df > 0 degrees of freedom */
double		sc_qt(double p, double df);

/* days since 1970-01-01 of a civil date (mon 0..11) and back */
int64_t		sc_days_from_civil(int year, int mon, int mday);
void		sc_civil_from_days(int64_t days, int *year, int *mon, int *mday);

/*
 * The series of a collection: the weights of the events (the midpoint of
 * each window, in local time) per whole local month (SC_BINS_MONTH_OF_YEAR)
 * or day in whole Monday-to-Sunday weeks (SC_BINS_DAY_OF_WEEK), over the
 * whole periods in [start, stop) (has_start/has_stop false: from the first
 * event's local day to the last event's, both taken as covered).  *x is
 * allocated through alloc; *first_bin is the bin of x[0] (the month 0..11,
 * or the weekday 0 = Sunday, always 1 = Monday); *first_key its month
 * (year * 12 + month) or day (days since 1970-01-01).  SC_EUNDEFINED when
 * there are no events and no bounds, or when the series is shorter than
 * two cycles.
 */
sc_status	sc_seasonal_series(const sc_events *e, sc_bins bins, sc_local_fn local, void *arg,
							   bool has_start, int64_t start, bool has_stop, int64_t stop,
							   const sc_alloc *alloc, double **x, size_t *n, int *first_bin,
							   int64_t *first_key, sc_err *err);

#endif
