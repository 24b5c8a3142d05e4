/*
 * sc_repeats.h — repeat victimisation: which events share a location, and
 * how soon a location is hit again.
 *
 * Two steps, so the SQL layer can reuse the grouping:
 *   1. sc_repeat_groups: single-linkage grouping of points — two events are at
 *      the same location when a chain of events links them, each step at most
 *      `tolerance` apart (Euclidean); tolerance 0 means identical coordinates.
 *      Group ids run 0..G−1 in order of first appearance in the input.
 *   2. sc_repeat_analyze: per location hit at least twice, its events,
 *      first/last time, repeats within a window, shortest and median gap; and
 *      the summary behind repeat_summary(): shares of repeat locations and of
 *      repeat events, and the time-to-repeat histogram in week bins.
 * A "gap" is the time from an event to the previous event at its location;
 * a location with e events has e − 1 gaps, and every gap is a repeat.
 */
#ifndef SC_REPEATS_H
#define SC_REPEATS_H

#include "sc_common.h"

#define SC_REPEAT_MAX_EVENTS ((size_t) UINT32_MAX)
#define SC_US_PER_DAY INT64_C(86400000000)

/*
 * group[n] (caller-allocated) receives each event's location id; *n_groups
 * the number of locations.  x, y finite; tolerance finite and ≥ 0.
 * Pairs within tolerance are found on the grid of sc_knox.h after exact
 * duplicates are merged by sorting, so piles of geocoded-to-the-same-address
 * events cost O(n log n), not O(pile²).
 */
sc_status	sc_repeat_groups(const double *x, const double *y, size_t n, double tolerance,
							 const sc_alloc *alloc, sc_interrupt_fn interrupt,
							 uint32_t *group, size_t *n_groups, sc_err *err);

/* a location hit at least twice; times in microseconds since any epoch */
typedef struct sc_repeat_location
{
	uint32_t	group;			/* location id from sc_repeat_groups */
	uint32_t	first_event;	/* input index of its earliest event (ties: lowest index) */
	int64_t		events;			/* ≥ 2 */
	int64_t		first_at;
	int64_t		last_at;
	int64_t		repeats_within; /* gaps ≤ within: events that follow a previous
								 * event here within the window */
	int64_t		shortest_gap;
	double		median_gap;		/* median of the events − 1 gaps (mean of the
								 * middle two when even) */
} sc_repeat_location;

/*
 * Time-to-repeat histogram: a gap of D whole days (floor) falls in bin
 * 0 when D ≤ 7 ("0–7 days"), else bin (D − 1) / 7: 8–14 → 1, 15–21 → 2, …
 * With max_bins > 0 the last bin also takes every longer gap.
 */
typedef struct sc_repeat_stats
{
	size_t		n_events;
	size_t		n_locations;	/* non-empty groups */
	size_t		n_repeat_locations; /* locations with ≥ 2 events */
	size_t		n_repeat_events;	/* events after the first at their location
									 * (= gaps = n_events − n_locations) */
	size_t		n_repeats_within;	/* sum of repeats_within */
	double		share_locations_repeated;	/* n_repeat_locations / n_locations (NaN if 0/0) */
	double		share_events_repeat;	/* n_repeat_events / n_events (NaN if 0/0) */
	sc_repeat_location *locations;	/* n_repeat_locations, ascending group id */
	int64_t    *gap_hist;		/* n_bins; sums to n_repeat_events */
	size_t		n_bins;			/* 0 when there are no repeats */
	bool		last_bin_open;	/* max_bins cut the histogram */
	sc_alloc	alloc;
} sc_repeat_stats;

/* histogram bin of a gap (≥ 0, µs), before any max_bins cap */
static inline size_t
sc_repeat_gap_bin(int64_t gap_us)
{
	int64_t		days = gap_us / SC_US_PER_DAY;

	return days <= 7 ? 0 : (size_t) ((days - 1) / 7);
}

/* whole-day bounds of bin b, inclusive: [0, 7], [8, 14], [15, 21], … */
static inline void
sc_repeat_bin_days(size_t b, int64_t *lo_days, int64_t *hi_days)
{
	*lo_days = b == 0 ? 0 : 7 * (int64_t) b + 1;
	*hi_days = 7 * ((int64_t) b + 1);
}

/*
 * Whether the risk window [t, t + span) of an event at t holds as_of; if so
 * *left = t + span - as_of.  Any int64 times and span >= 0: as_of - t is
 * not formed in signed arithmetic, where it wraps for times far apart.
 */
static inline bool
sc_window_open(int64_t t, int64_t span, int64_t as_of, int64_t *left)
{
	uint64_t	age;

	if (as_of < t || span <= 0)
		return false;
	age = (uint64_t) as_of - (uint64_t) t;	/* exact: as_of >= t */
	if (age >= (uint64_t) span)
		return false;
	*left = span - (int64_t) age;
	return true;
}

/*
 * group[i] < n_groups for every event; t need not be sorted (events are
 * ordered by (group, time, index) inside).  within_us ≥ 0.  Fills *out
 * (zeroed first); free with sc_repeat_stats_free, also after errors.
 */
sc_status	sc_repeat_analyze(const uint32_t *group, size_t n_groups, const int64_t *t,
							  size_t n, int64_t within_us, size_t max_bins,
							  const sc_alloc *alloc, sc_interrupt_fn interrupt,
							  sc_repeat_stats *out, sc_err *err);
void		sc_repeat_stats_free(sc_repeat_stats *stats);

#endif
