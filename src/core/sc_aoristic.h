/*
 * sc_aoristic.h — aoristic time profiles (Ratcliffe 2002): each event's
 * weight spread over the local hours (or months) its time window covers, in
 * proportion to the time covered, with the rules of the R aoristic
 * package's aoristic.df: a window of a week or more spreads evenly over the
 * 168 hours of the week, a window of a minute or less (or none) counts at
 * its start.  Local time comes from a caller's function (PostgreSQL's time
 * zone machinery in the server), so the core knows no time zone rules; the
 * method is documented in docs/methods-time.md.
 */
#ifndef SC_AORISTIC_H
#define SC_AORISTIC_H

#include "sc_common.h"
#include "sc_events.h"

typedef enum sc_bins
{
	SC_BINS_HOUR_OF_WEEK = 0,	/* 168 bins, dow * 24 + hour */
	SC_BINS_HOUR_OF_DAY,		/* 24 */
	SC_BINS_DAY_OF_WEEK,		/* 7, 0 = Sunday */
	SC_BINS_MONTH_OF_YEAR		/* 12, 0 = January */
} sc_bins;

/* local wall-clock time of an instant */
typedef struct sc_local
{
	int			year;
	int			mon;			/* 0..11 */
	int			mday;			/* 1..31 */
	int			hour;
	int			min;
	int			sec;
	int			wday;			/* 0 = Sunday */
	long		gmtoff;			/* seconds east of UTC */
} sc_local;

/* local time of unix second s; false when it cannot be computed */
typedef bool (*sc_local_fn) (void *arg, int64_t unix_sec, sc_local *out);

/* seconds from 1970-01-01 to 2000-01-01 (event times count from 2000) */
#define SC_UNIX_2000 INT64_C(946684800)

/* number of bins of a kind; the kind of a name ("hour_of_week", ...) or -1 */
int			sc_bins_count(sc_bins bins);
int			sc_bins_parse(const char *name);

/*
 * Add weight w of one window [t, tend] (microseconds since 2000, tend >= t,
 * or has_end false) to out[sc_bins_count(bins)].
 */
sc_status	sc_aoristic_add(int64_t t, bool has_end, int64_t tend, double w, sc_bins bins,
							sc_local_fn local, void *arg, double *out, sc_err *err);

/* every event of e into out (zeroed first); polls interrupts */
sc_status	sc_aoristic_events(const sc_events *e, sc_bins bins, sc_local_fn local, void *arg,
							   double *out, sc_err *err);

#endif
