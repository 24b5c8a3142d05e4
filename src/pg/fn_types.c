/*
 * fn_types.c — argument and result types of the running function.
 *
 * A function called by Citus on a worker (worker_partial_agg) or by any
 * other C caller runs without a call expression, so get_fn_expr_argtype()
 * knows nothing there.  The declared signature (pg_proc through fn_oid) is
 * always there; the call expression is asked only for polymorphic types.
 */
#include "safety_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"

Oid
sp_fn_argtype(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			t = InvalidOid;

	if (OidIsValid(fcinfo->flinfo->fn_oid))
	{
		get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
		if (argno >= 0 && argno < nargs)
			t = argtypes[argno];
		pfree(argtypes);
	}
	if (!OidIsValid(t) || get_typtype(t) == TYPTYPE_PSEUDO)
		t = get_fn_expr_argtype(fcinfo->flinfo, argno);
	return t;
}

Oid
sp_fn_rettype(FunctionCallInfo fcinfo)
{
	Oid			t = OidIsValid(fcinfo->flinfo->fn_oid) ? get_func_rettype(fcinfo->flinfo->fn_oid) : InvalidOid;

	if (!OidIsValid(t) || get_typtype(t) == TYPTYPE_PSEUDO)
		t = get_fn_expr_rettype(fcinfo->flinfo);
	return t;
}

/*
 * The Aggref of the aggregate whose transition or final function is
 * running, or NULL.  Under Citus our functions run inside
 * worker_partial_agg and coord_combine_agg, whose Aggref (an aggregate OID
 * and a row of arguments or a text state) is not our call.
 */
Aggref *
sp_own_aggref(FunctionCallInfo fcinfo)
{
	Aggref	   *agg = AggGetAggref(fcinfo);
	HeapTuple	tup;
	Form_pg_aggregate form;
	bool		ours;

	if (agg == NULL)
		return NULL;
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(agg->aggfnoid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	form = (Form_pg_aggregate) GETSTRUCT(tup);
	ours = form->aggtransfn == fcinfo->flinfo->fn_oid || form->aggfinalfn == fcinfo->flinfo->fn_oid ||
		form->aggcombinefn == fcinfo->flinfo->fn_oid;
	ReleaseSysCache(tup);
	return ours ? agg : NULL;
}
