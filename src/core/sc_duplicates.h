/*
 * sc_duplicates.h — events at the same place and the same time.
 *
 * Incident tables often hold one row per victim or per offense, so one
 * incident appears as several events with the same point and the same time.
 * Each copy adds pairs at distance 0 and time 0 to a Knox table and a repeat
 * after 0 days to the repeat statistics.  These routines find such groups
 * and collapse them to one event each.
 *
 * Two events are duplicates when
 *   - their times are identical: the same t and the same tend (so the same
 *     occurred time, and the same window end where a window is given), and
 *   - their points are the same place: a chain of events of that same time
 *     links them, each step at most `tolerance` apart (Euclidean, the rule of
 *     sc_repeat_groups); tolerance 0 means identical coordinates.
 * Ids and weights play no part: the rows of one incident per victim
 * usually carry different row ids.
 *
 * The survivor of a group is its event with the smallest id (events without
 * an id come after those with one; ties: the lowest input index).  Collapsing
 * keeps the survivor's point, time, window and id, with the largest weight
 * of the group (a multi-offense incident counts once, at its gravest
 * offense).
 *
 * Cost: one sort of the n events by (t, tend, x, y), O(n log n); with
 * tolerance > 0 each run of equal times is grouped by sc_repeat_groups.
 */
#ifndef SC_DUPLICATES_H
#define SC_DUPLICATES_H

#include "sc_common.h"
#include "sc_events.h"

typedef struct sc_dup_counts
{
	size_t		n_events;
	size_t		n_groups;		/* groups of at least two events */
	size_t		n_duplicates;	/* events that are not their group's survivor */
	uint64_t	n_pairs;		/* same-time pairs inside groups: sum of m(m−1)/2 */
} sc_dup_counts;

/*
 * keep[e->n] (caller-allocated) receives, per event, the input index of its
 * group's survivor (keep[i] = i for an event without duplicates).  tolerance
 * finite and ≥ 0; the events need not be sorted.  Working memory: 4n bytes,
 * and 28n more when tolerance > 0.
 */
sc_status	sc_duplicate_groups(const sc_events *e, double tolerance, const sc_alloc *alloc,
								sc_interrupt_fn interrupt, uint32_t *keep,
								sc_dup_counts *counts, sc_err *err);

/*
 * Whether duplicates are worth a NOTICE: at least 1 % of the events (and at
 * least one).  A handful of coincidences among thousands of events barely
 * moves a Knox table; copies of whole incidents (one row per victim or
 * offense) are many more.
 */
#define SC_DUP_NOTICE_SHARE 0.01
bool		sc_duplicates_matter(const sc_dup_counts *counts);

/*
 * Append to out (initialised by the caller, same SRID) one event per group:
 * the survivors in input order, each with its group's largest weight.
 */
sc_status	sc_collapse_duplicates(const sc_events *e, double tolerance, const sc_alloc *alloc,
								   sc_interrupt_fn interrupt, sc_events *out,
								   sc_dup_counts *counts, sc_err *err);

#endif
