/*
 * memory.c — the memory budget: safety.memory_limit, its default (a share
 * of the machine's memory), and the checks before large allocations.
 *
 * The budget covers everything the session holds (all its memory contexts),
 * not only safety's own arrays: what matters is whether the backend as a
 * whole can take the request without the kernel killing it, which restarts
 * every session of the server.
 */
#include "safety_pg.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

int			safety_memory_limit;	/* kB */

/* smaller requests are not checked: they cannot threaten the machine alone */
#define SP_MEMORY_CHECK_FROM ((Size) 1024 * 1024)

/* the smallest default, for machines (or containers) with little memory */
#define SP_MEMORY_DEFAULT_MIN_KB (256 * 1024)

/*
 * The last request the allocator refused, for the error the glue raises when
 * the core then fails with SC_ENOMEM (the core names what it wanted).
 */
static struct
{
	bool		pending;
	Size		request;
	Size		held;
} refusal;

/* a cgroup's memory limit in bytes (v2, then v1), or 0 when none is set */
static uint64
cgroup_limit(void)
{
	const char *paths[] = {"/sys/fs/cgroup/memory.max",
	"/sys/fs/cgroup/memory/memory.limit_in_bytes"};

	for (int k = 0; k < 2; k++)
	{
		FILE	   *f = fopen(paths[k], "r");
		unsigned long long v;
		int			got;

		if (!f)
			continue;
		got = fscanf(f, "%llu", &v);	/* "max" (no limit) does not parse */
		fclose(f);
		if (got == 1 && v > 0)
			return (uint64) v;
	}
	return 0;
}

static int
memory_default_kb(void)
{
	long		pages = sysconf(_SC_PHYS_PAGES),
				page = sysconf(_SC_PAGESIZE);
	uint64		machine = pages > 0 && page > 0 ? (uint64) pages * (uint64) page : 0,
				cg = cgroup_limit(),
				kb;

	if (cg && (machine == 0 || cg < machine))
		machine = cg;
	/* an eighth: see "Memory" in docs/reference.md for why */
	kb = machine / 8 / 1024 / 1024 * 1024;	/* whole megabytes: SHOW reads "3013MB" */
	if (kb < SP_MEMORY_DEFAULT_MIN_KB)
		kb = SP_MEMORY_DEFAULT_MIN_KB;
	return kb > (uint64) INT_MAX ? INT_MAX : (int) kb;
}

void
sp_memory_define_guc(void)
{
	int			boot = memory_default_kb();

	DefineCustomIntVariable("safety.memory_limit",
							"Most memory a session may hold when safety allocates more.",
							"Every large allocation of safety's functions is checked against it first; "
							"only a superuser (or a role granted SET on it) can change it.",
							&safety_memory_limit, boot, 1024, INT_MAX,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
}

static Size
limit_bytes(void)
{
	return (Size) safety_memory_limit * 1024;
}

/* what the session holds now, in all its memory contexts */
static Size
session_bytes(void)
{
	return MemoryContextMemAllocated(TopMemoryContext, true);
}

static char *
pretty(Size bytes)
{
	return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_size_pretty,
															  Int64GetDatum((int64) bytes))));
}

bool
sp_memory_admits(Size size)
{
	Size		held;

	if (size < SP_MEMORY_CHECK_FROM)
		return true;
	held = session_bytes();
	if (size <= limit_bytes() && held <= limit_bytes() - size)
		return true;
	refusal.pending = true;
	refusal.request = size;
	refusal.held = held;
	return false;
}

static const char *
budget_hint(const char *hint)
{
	return psprintf("%s%sA superuser can raise safety.memory_limit (or GRANT SET ON PARAMETER safety.memory_limit to a role).",
					hint ? hint : "", hint ? " " : "");
}

void
sp_check_memory(const char *fname, Size bytes, const char *what, const char *hint)
{
	Size		held;

	if (bytes < SP_MEMORY_CHECK_FROM)
		return;
	held = session_bytes();
	if (bytes <= limit_bytes() && held <= limit_bytes() - bytes)
		return;
	ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					errmsg("%s: %s would take %s, beyond safety.memory_limit (%s)",
						   fname, what, pretty(bytes), pretty(limit_bytes())),
					errdetail("The session holds %s already; the budget covers all of it.",
							  pretty(held)),
					errhint("%s", budget_hint(hint))));
}

void
sp_raise_if_refused(const char *fname, const char *msg, const char *hint)
{
	Size		request = refusal.request,
				held = refusal.held;

	if (!refusal.pending)
		return;
	refusal.pending = false;
	ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					errmsg("%s: %s (a request of %s, beyond safety.memory_limit of %s)",
						   fname, msg, pretty(request), pretty(limit_bytes())),
					errdetail("The session held %s when it asked; the budget covers all of it.",
							  pretty(held)),
					errhint("%s", budget_hint(hint))));
}

void *
sp_palloc_huge(Size size, const char *fname, const char *what)
{
	sp_check_memory(fname, size, what, NULL);
	return palloc_extended(size ? size : 1, MCXT_ALLOC_HUGE);
}
