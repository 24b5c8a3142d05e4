/*
 * rate_test.c — safety.rate_test(x1, x2, t1, t2): the exact two-sided test
 * that two Poisson counts have the same rate per unit of exposure
 * (conditional binomial, as R's binom.test / poisson.test), for the change
 * of an area's events between two periods.  The test is in
 * src/core/sc_rate_test.c.
 */
#include "safety_pg.h"

#include "sc_rate_test.h"

PG_FUNCTION_INFO_V1(safety_rate_test);
Datum
safety_rate_test(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.rate_test";
	int64		x1 = PG_GETARG_INT64(0),
				x2 = PG_GETARG_INT64(1);
	double		t1 = PG_GETARG_FLOAT8(2),
				t2 = PG_GETARG_FLOAT8(3),
				p;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	if (x1 < 0 || x2 < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the counts must be >= 0, not " INT64_FORMAT " and " INT64_FORMAT, fname, x1, x2)));
	st = sc_rate_test((uint64_t) x1, (uint64_t) x2, t1, t2, &alloc, &p, &err);
	/* no events in either period: nothing to test, no p-value */
	if (st == SC_EUNDEFINED)
		PG_RETURN_NULL();
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "t1 and t2 are the lengths (or populations) the counts were observed over: finite and > 0.");
	PG_RETURN_FLOAT8(p);
}
