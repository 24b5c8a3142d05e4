/*
 * postgis_fn.c — PostGIS functions found by name in PostGIS's own schema
 * (that of the geometry type at the call site), so that no function of
 * the caller's search_path is ever called in their place.
 */
#include "areas_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

Oid
sp_postgis_function_n(Oid geom_type, const char *name, int nargs, const Oid *argtypes)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(geom_type));
	char	   *nsp;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", geom_type);
	nsp = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
	ReleaseSysCache(tup);
	return LookupFuncName(list_make2(makeString(nsp), makeString(pstrdup(name))), nargs, argtypes, true);
}

void
sp_postgis_fmgr(FmgrInfo *f, Oid geom_type, const char *name, int nargs)
{
	Oid			argtypes[2] = {geom_type, geom_type};
	Oid			fn;

	Assert(nargs >= 1 && nargs <= 2);
	fn = sp_postgis_function_n(geom_type, name, nargs, argtypes);
	if (!OidIsValid(fn))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
						errmsg("safety: PostGIS function %s(%s) not found", name,
							   nargs == 1 ? "geometry" : "geometry, geometry")));
	fmgr_info(fn, f);
}
