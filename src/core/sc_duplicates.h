/*
 * sc_duplicates.h — copies of one incident: events at the same place and
 * the same time, and events with the same id.
 *
 * Incident tables often hold one row per victim or per offense, so one
 * incident appears as several events: with the same point and the same time,
 * or (where the table jitters the points of each row) with the same incident
 * number and points apart.  Each copy adds pairs near the origin of a Knox
 * table and repeats to the repeat statistics.  These routines find such
 * groups and collapse them to one event each.
 *
 * Two events are duplicates when
 *   - they carry the same id (an id names one incident, wherever and
 *     whenever its rows lie; events without an id match no other by id), or
 *   - their times are identical (the same t and the same tend: the same
 *     occurred time, and the same window end where a window is given) and
 *     their points are the same place: a chain of events of that same time
 *     links them, each step at most `tolerance` apart (Euclidean, the rule
 *     of sc_repeat_groups); tolerance 0 means identical coordinates.
 * Groups are the connected components of both relations (union–find).
 * Weights play no part.
 *
 * The survivor of a group is its earliest event (smallest t, then smallest
 * tend), then the one with the smallest id (events without an id come after
 * those with one), then the lowest input index.  Collapsing keeps the
 * survivor's point, time, window and id, with the largest weight of the
 * group (a multi-offense incident counts once, at its gravest offense).
 *
 * Cost: one sort of the n events by (t, tend, x, y) and one of the events
 * with ids by id, O(n log n); with tolerance > 0 each run of equal times is
 * grouped by sc_repeat_groups.
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
	size_t		n_same_id;		/* of them, events after the first of their id */
	size_t		n_same_place;	/* the others: joined by place and time alone */
	uint64_t	n_pairs;		/* pairs inside groups: sum of m(m−1)/2 */
} sc_dup_counts;

/* duplicates worth a NOTICE: at least one, and at least this share of the events */
#define SC_DUP_NOTICE_PERCENT 1

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
 * Whether the duplicates of counts deserve a warning: n_duplicates ≥ 1 and
 * n_duplicates ≥ SC_DUP_NOTICE_PERCENT % of n_events, so that a handful of
 * coincidences among thousands of events is not reported.
 */
bool		sc_duplicates_notable(const sc_dup_counts *c);

/*
 * Append to out (initialised by the caller, same SRID) one event per group:
 * the survivors in input order, each with its group's largest weight.
 */
sc_status	sc_collapse_duplicates(const sc_events *e, double tolerance, const sc_alloc *alloc,
								   sc_interrupt_fn interrupt, sc_events *out,
								   sc_dup_counts *counts, sc_err *err);

#endif
