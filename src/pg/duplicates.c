/*
 * duplicates.c — copies of one incident (the same id, or the same place and
 * time): safety.collapse_duplicates, and the NOTICE that near_repeat,
 * near_repeat_zone and the repeat functions give when at least 1% of their
 * events are such copies (sp_notice_duplicates).
 *
 * The grouping is sc_duplicate_groups (src/core/sc_duplicates.c).
 */
#include "safety_pg.h"

#include <math.h>

#include "fmgr.h"

#include "sc_duplicates.h"

static void
check_tolerance(double tolerance, const char *fname, const char *argname)
{
	if (isnan(tolerance) || isinf(tolerance) || tolerance < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be a finite number >= 0, not %g", fname, argname, tolerance),
						errhint("%s is the distance, in the units of the SRID, up to which events at the same time count as one place; 0 means identical coordinates.", argname)));
}

void
sp_notice_duplicates(const sc_events *e, double tolerance, const char *fname,
					 const char *argname, const char *effect, const char *hint)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	uint32	   *keep;
	sc_dup_counts c;
	sc_err		err;
	sc_status	st;

	if (e->n < 2)
		return;
	keep = sp_palloc_huge(sizeof(uint32) * e->n, fname, "the duplicate check");
	st = sc_duplicate_groups(e, tolerance, &alloc, sp_check_interrupts, keep, &c, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	pfree(keep);
	/* a handful of coincidences among thousands of events: no NOTICE */
	if (!sc_duplicates_notable(&c))
		return;
	ereport(NOTICE,
			(errmsg("%s: %zu of %zu events are copies of another event (%zu groups): %zu by id, %zu by place and time",
					fname, c.n_duplicates, c.n_events, c.n_groups, c.n_same_id, c.n_same_place),
			 errdetail("Events with the same id count as one incident, and so do events with identical times at most %s (%g) apart; %s",
					   argname, tolerance, psprintf(effect, (unsigned long long) c.n_pairs)),
			 errhint("If they are one incident recorded once per victim or per offense, keep one event of each: "
					 "pass safety.collapse_duplicates(e, %g) instead of e%s; with the incident number as the events' id, "
					 "the rows of one incident merge wherever they lie.", tolerance, hint)));
}

/* collapse_duplicates(e, tolerance): one event per incident (id, or place and time) */
PG_FUNCTION_INFO_V1(safety_collapse_duplicates);
Datum
safety_collapse_duplicates(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.collapse_duplicates";
	double		tolerance = PG_GETARG_FLOAT8(1);
	ExpandedEvents *in,
			   *out;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_dup_counts c;
	sc_err		err;
	sc_status	st;

	check_tolerance(tolerance, fname, "tolerance");
	in = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	/* ties of time and id: the first in canonical order */
	sp_events_sort(in);
	if (tolerance > 0)
		sp_events_require_projected(&in->ev, fname);
	/* keep and the largest weights (12 bytes an event), 28 more with a tolerance */
	sp_check_memory(fname, (Size) in->ev.n * (tolerance > 0 ? 44 : 16),
					psprintf("the duplicate check of %zu events", in->ev.n),
					"Collapse fewer events at a time, e.g. per district or per year.");
	out = sp_events_new(CurrentMemoryContext, in->ev.srid);
	st = sc_collapse_duplicates(&in->ev, tolerance, &alloc, sp_check_interrupts, &out->ev, &c, &err);
	if (st != SC_OK)
		sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	out->sorted = false;
	PG_RETURN_POINTER(sp_flatten(&out->hdr));
}
