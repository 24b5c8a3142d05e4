/*
 * removed.c — C entry points of functions that a later release removed.
 *
 * An older release's install script (sql/released/) must still load against
 * this library, because ALTER EXTENSION ... UPDATE starts from it; so every C
 * symbol it names stays here.  Until the update runs, calling one only says
 * what to do.
 */
#include "safety_pg.h"

/* 0.1.0's score back-test, replaced by the forecast back-test in 0.2.0 */
PG_FUNCTION_INFO_V1(safety_backtest);
Datum
safety_backtest(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("safety.backtest: this 0.1.0 signature was removed in safety 0.2.0"),
			 errhint("Run ALTER EXTENSION safety UPDATE; safety.backtest then judges the forecast models like for like.")));
	PG_RETURN_NULL();
}
