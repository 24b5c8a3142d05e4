/*
 * kde_tile_pool.c — density tiles kept from one kde_agg to the next.
 *
 * A tile is 32 kB of partial sums.  Allocated afresh for every query and
 * given back at its end, the C library returns them to the kernel, and the
 * next query takes a page fault on every page again: on a city's few
 * thousand events that is a fifth of the query (bench/RESULTS.md).  So the
 * session keeps up to SP_TILE_POOL tiles (1 MB) in TopMemoryContext for the
 * next accumulator.  A state's tiles come back when its memory context goes
 * (a reset callback), also on error, so none is lost; past the cap they are
 * freed.  The pool counts against safety.memory_limit like all the session
 * holds.
 */
#include "safety_pg.h"

#include "utils/memutils.h"

#include "sc_kde.h"
#include "hotspots_pg.h"

#define SP_TILE_POOL 32

static void *pool[SP_TILE_POOL];
static int	npool;

static void *
pool_alloc(void *ctx, size_t size)
{
	(void) ctx;
	if (npool > 0)
		return pool[--npool];
	if (!sp_memory_admits(size))
		return NULL;
	return MemoryContextAllocExtended(TopMemoryContext, size, MCXT_ALLOC_NO_OOM);
}

static void *
pool_realloc(void *ctx, void *ptr, size_t size)
{
	/* tiles never grow; the core does not ask */
	(void) ctx;
	(void) ptr;
	(void) size;
	return NULL;
}

static void
pool_free(void *ctx, void *ptr)
{
	(void) ctx;
	if (npool < SP_TILE_POOL)
		pool[npool++] = ptr;
	else
		pfree(ptr);
}

static void
give_back(void *arg)
{
	sc_kde_acc_free_tiles((sc_kde_acc *) arg);
}

void
sp_kde_use_tile_pool(sc_kde_acc *acc, MemoryContext owner)
{
	MemoryContextCallback *cb = MemoryContextAlloc(owner, sizeof(MemoryContextCallback));

	acc->tile_alloc = (sc_alloc) {pool_alloc, pool_realloc, pool_free, NULL, sp_check_interrupts};
	cb->func = give_back;
	cb->arg = acc;
	MemoryContextRegisterResetCallback(owner, cb);
}
