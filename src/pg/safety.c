/*
 * safety.c — module entry: GUCs, the core allocator, and error mapping.
 * The memory budget is in memory.c.
 */
#include "safety_pg.h"

#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include <limits.h>

PG_MODULE_MAGIC;

int			safety_max_cells = 10000000;
int			safety_max_events = 10000000;
int			safety_min_count = 3;
bool		safety_progress = false;
int			safety_max_pairs = 200000000;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("safety.max_cells",
							"Largest number of cells a safety grid may hold.",
							"Operations that would need more cells fail before allocating them.",
							&safety_max_cells, 10000000, 1, 50000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("safety.max_events",
							"Largest number of events a safety.events collection may hold.",
							"Aggregates that would collect more events fail before allocating them.",
							&safety_max_events, 10000000, 2, 20000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("safety.min_count",
							"Default smallest event count a cell needs to appear in a published hotspot view.",
							"Cells with fewer events are left out, so a view does not point at a single victim's address.",
							&safety_min_count, 3, 1, 1000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("safety.progress",
							 "Report the progress of long analyses as NOTICE messages.",
							 "safety.near_repeat reports its close pairs and every tenth of its permutations.",
							 &safety_progress, false,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("safety.max_pairs",
							"Largest number of close pairs a near-repeat analysis may store.",
							"Each close pair takes 5 bytes; the analysis stops before storing more.",
							&safety_max_pairs, 200000000, 1, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	sp_memory_define_guc();
	MarkGUCPrefixReserved("safety");
}

/* NULL past the budget: the core then fails and sp_raise names the budget */
static void *
sp_alloc_fn(void *ctx, size_t size)
{
	if (!sp_memory_admits(size))
		return NULL;
	return MemoryContextAllocExtended((MemoryContext) ctx, size ? size : 1,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void *
sp_realloc_fn(void *ctx, void *ptr, size_t size)
{
	if (ptr == NULL)
		return sp_alloc_fn(ctx, size);
	if (!sp_memory_admits(size))
		return NULL;
	return repalloc_huge(ptr, size ? size : 1);
}

static void
sp_free_fn(void *ctx, void *ptr)
{
	(void) ctx;
	pfree(ptr);
}

sc_alloc
sp_allocator(MemoryContext ctx)
{
	sc_alloc	a = {sp_alloc_fn, sp_realloc_fn, sp_free_fn, ctx, sp_check_interrupts};

	return a;
}

void
sp_check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void
sp_raise(sc_status st, const sc_err *err, const char *what, int code)
{
	sp_raise_hint(st, err, what, code, NULL);
}

#define SP_LESS_DATA_HINT "Work on less data at once, e.g. per district or per month."

void
sp_raise_hint(sc_status st, const sc_err *err, const char *what, int code, const char *hint)
{
	const char *msg = err ? err->msg : "unknown error";

	switch (st)
	{
		case SC_ENOMEM:
			/* the caller's hint is about its arguments, not about memory */
			sp_raise_if_refused(what, msg, SP_LESS_DATA_HINT);
			code = ERRCODE_OUT_OF_MEMORY;
			if (!hint)
				hint = SP_LESS_DATA_HINT;
			break;
		case SC_ERANGE:
			code = ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
			if (!hint)
				hint = "Check the units: sizes and coordinates must be in the units of a projected SRID near the data.";
			break;
		case SC_EUNDEFINED:
			/* valid input whose statistic does not exist: callers tell it apart by SQLSTATE */
			code = SP_ERRCODE_UNDEFINED;
			break;
		case SC_ELIMIT:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			if (!hint)
				hint = "Use a larger cell size or a smaller area, or raise safety.max_cells / safety.max_events.";
			break;
		default:
			break;
	}
	if (hint)
		ereport(ERROR, (errcode(code), errmsg("%s: %s", what, msg), errhint("%s", hint)));
	ereport(ERROR, (errcode(code), errmsg("%s: %s", what, msg)));
	pg_unreachable();
}

MemoryContext
sp_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						errmsg("%s called in non-aggregate context", fname)));
	return aggctx;
}

void *
sp_flatten(ExpandedObjectHeader *eoh)
{
	Size		size = EOH_get_flat_size(eoh);
	void	   *flat = sp_palloc_huge(size, ((ExpandedGrid *) eoh)->magic == SP_GRID_MAGIC ?
									  "safety.grid" : "safety.events", "the stored form");

	EOH_flatten_into(eoh, flat, size);
	DeleteExpandedObject(EOHPGetRWDatum(eoh));
	return flat;
}

char *
sp_buf_text(sc_buf *b, const char *what)
{
	if (b->failed)
	{
		sc_err		err = {"out of memory writing text"};

		sp_raise(SC_ENOMEM, &err, what, 0);
	}
	return b->data;
}
