/*
 * geom.c — reading PostGIS points and making polygons through PostGIS's own
 * functions (ST_X, ST_Y, ST_SRID, its type-modifier functions and its EWKB
 * send/receive), never its storage format.
 */
#include "safety_pg.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "parser/parsetree.h"
#include "utils/fmgroids.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "parser/parse_func.h"
#include "nodes/value.h"
#include "nodes/pg_list.h"

#include "sc_ewkb.h"

/*
 * a one-argument function, taking arg_type, of the schema of geom_type
 * (PostGIS's), or InvalidOid
 */
static Oid
postgis_function(Oid geom_type, const char *name, Oid arg_type)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(geom_type));
	char	   *nsp;
	Oid			argtypes[1] = {arg_type};

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", geom_type);
	nsp = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
	ReleaseSysCache(tup);
	return LookupFuncName(list_make2(makeString(nsp), makeString(pstrdup(name))), 1, argtypes, true);
}

/*
 * PostGIS's ST_X, ST_Y and ST_SRID read a point's header and first
 * coordinate in place, without building the EWKB copy; found by name in
 * PostGIS's schema.
 */
static bool
sp_point_peekers(SpPointReader *r, MemoryContext ctx)
{
	Oid			x = postgis_function(r->geom_type, "st_x", r->geom_type),
				y = postgis_function(r->geom_type, "st_y", r->geom_type),
				srid = postgis_function(r->geom_type, "st_srid", r->geom_type);

	if (!OidIsValid(x) || !OidIsValid(y) || !OidIsValid(srid))
		return false;
	fmgr_info_cxt(x, &r->st_x, ctx);
	fmgr_info_cxt(y, &r->st_y, ctx);
	fmgr_info_cxt(srid, &r->st_srid, ctx);
	r->x_call = MemoryContextAllocZero(ctx, SizeForFunctionCallInfo(1));
	r->y_call = MemoryContextAllocZero(ctx, SizeForFunctionCallInfo(1));
	InitFunctionCallInfoData(*r->x_call, &r->st_x, 1, InvalidOid, NULL, NULL);
	InitFunctionCallInfoData(*r->y_call, &r->st_y, 1, InvalidOid, NULL, NULL);
	return true;
}

/*
 * When an aggregate's point argument is a plain column of a table, its
 * declared type may settle the geometry type and SRID of every row: PostGIS
 * enforces a column's type modifier on every write, so a column declared
 * geometry(Point, S) holds only points (perhaps empty) of SRID S.  Anything
 * else (an expression, a function's or foreign table's column, a join alias)
 * is checked row by row.  Sets r->typed_point and r->typed_srid
 * (0 when the column allows any SRID); PostGIS's postgis_typmod_type and
 * postgis_typmod_srid read the modifier.
 */
static void
sp_point_column_type(FunctionCallInfo fcinfo, int argno, SpPointReader *r)
{
	Aggref	   *agg = sp_own_aggref(fcinfo);
	TargetEntry *tle;
	Var		   *var;
	RangeTblEntry *rte;
	List	   *rtable;
	Oid			type_fn,
				srid_fn,
				atttype;
	int32		atttypmod;
	Oid			attcoll;
	char	   *type;
	char		relkind;

	if (agg == NULL || !IsA(fcinfo->context, AggState) || argno < 1 ||
		argno > list_length(agg->args))
		return;
	tle = list_nth_node(TargetEntry, agg->args, argno - 1);
	if (!IsA(tle->expr, Var))
		return;
	var = (Var *) tle->expr;
	rtable = ((AggState *) fcinfo->context)->ss.ps.state->es_range_table;
	if (var->vartypmod < 0 || var->vartype != r->geom_type || var->varlevelsup != 0 ||
		var->varnosyn < 1 || var->varnosyn > list_length(rtable) || var->varattnosyn < 1)
		return;
	rte = rt_fetch(var->varnosyn, rtable);
	if (rte->rtekind != RTE_RELATION)
		return;
	relkind = get_rel_relkind(rte->relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE && relkind != RELKIND_MATVIEW)
		return;
	/* the column itself must be declared so, not just the expression */
	get_atttypetypmodcoll(rte->relid, var->varattnosyn, &atttype, &atttypmod, &attcoll);
	if (atttype != var->vartype || atttypmod != var->vartypmod)
		return;
	type_fn = postgis_function(r->geom_type, "postgis_typmod_type", INT4OID);
	srid_fn = postgis_function(r->geom_type, "postgis_typmod_srid", INT4OID);
	if (!OidIsValid(type_fn) || !OidIsValid(srid_fn))
		return;
	type = TextDatumGetCString(OidFunctionCall1(type_fn, Int32GetDatum(atttypmod)));
	/* Point, PointZ, PointM, PointZM */
	if (strncmp(type, "Point", 5) != 0 ||
		!(type[5] == '\0' || strcmp(type + 5, "Z") == 0 || strcmp(type + 5, "M") == 0 ||
		  strcmp(type + 5, "ZM") == 0))
		return;
	r->typed_srid = DatumGetInt32(OidFunctionCall1(srid_fn, Int32GetDatum(atttypmod)));
	r->typed_point = true;
	elog(DEBUG1, "%s: %s is a column of type geometry(%s, %d): no per-row type%s check",
		 r->fname, r->argname, type, r->typed_srid, r->typed_srid > 0 ? " or SRID" : "");
}

SpPointReader *
sp_point_reader_init(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	SpPointReader *r = (SpPointReader *) fcinfo->flinfo->fn_extra;

	if (r == NULL)
	{
		Oid			geom_type = sp_fn_argtype(fcinfo, argno);

		if (!OidIsValid(geom_type))
			elog(ERROR, "%s: could not determine the type of %s", fname, argname);
		r = sp_point_reader_for_type(geom_type, fcinfo->flinfo->fn_mcxt, fname, argname);
		if (r->peek)
			sp_point_column_type(fcinfo, argno, r);
		fcinfo->flinfo->fn_extra = r;
	}
	return r;
}

SpPointReader *
sp_point_reader_for_type(Oid geom_type, MemoryContext ctx, const char *fname, const char *argname)
{
	SpPointReader *r = MemoryContextAllocZero(ctx, sizeof(SpPointReader));
	Oid			send;
	bool		isvarlena;

	r->geom_type = geom_type;
	/*
	 * EWKB from PostGIS's ST_AsEWKB, else the type's binary send (also
	 * EWKB): for areas, and for the clear error on anything else
	 */
	send = postgis_function(r->geom_type, "st_asewkb", r->geom_type);
	if (!OidIsValid(send))
		getTypeBinaryOutputInfo(r->geom_type, &send, &isvarlena);
	fmgr_info_cxt(send, &r->send, ctx);
	r->fname = fname;
	r->argname = argname;
	r->peek = sp_point_peekers(r, ctx);
	return r;
}

/*
 * The points of geometry[] argument argno: *n of them (NULL elements and
 * non-points are errors naming the element), all of one projected SRID.
 */
void
sp_point_array(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname,
			   int *n, double **x, double **y, int32 *srid, Datum **points)
{
	Datum	   *elems;
	bool	   *nulls;
	Oid			elemtype;
	SpPointReader *r;

	elems = sp_arg_array(fcinfo, argno, fname, argname, &elemtype, &nulls, n);
	if (points)
		*points = elems;
	r = sp_point_reader_for_type(elemtype, CurrentMemoryContext, fname, argname);
	*x = palloc_array(double, *n + 1);
	*y = palloc_array(double, *n + 1);
	*srid = 0;
	for (int k = 0; k < *n; k++)
	{
		int32		s;

		CHECK_FOR_INTERRUPTS();
		if (nulls[k])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: %s element %d is NULL", fname, argname, k + 1),
							errhint("Leave out rows without a location.")));
		sp_read_point(r, elems[k], &(*x)[k], &(*y)[k], &s);
		if (k == 0)
		{
			*srid = s;
			sp_require_projected(r, s, "distances");
		}
		else if (s != *srid)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s element %d has SRID %d, but element 1 has SRID %d",
								   fname, argname, k + 1, s, *srid),
							errhint("Transform every point to one projected SRID.")));
	}
}

/* the point through its EWKB; also the clear error for anything else */
static void
read_point_ewkb(SpPointReader *r, Datum geom, double *x, double *y, int32 *srid)
{
	bytea	   *wkb = DatumGetByteaPP(FunctionCall1(&r->send, geom));
	uint32_t	type = 0;
	sc_point_status st;
	static const char *const names[] = {"unknown", "point", "linestring", "polygon",
		"multipoint", "multilinestring", "multipolygon", "geometrycollection"};

	st = sc_ewkb_point((const unsigned char *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb),
					   x, y, srid, &type);
	pfree(wkb);
	switch (st)
	{
		case SC_POINT_OK:
			return;
		case SC_POINT_EMPTY:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s is an empty point", r->fname, r->argname),
							errhint("Leave out rows without a location, e.g. WHERE NOT ST_IsEmpty(%s).",
									r->argname)));
			break;
		case SC_POINT_NOT_POINT:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s must be a point, not a %s", r->fname, r->argname,
								   type < lengthof(names) ? names[type] : "curve or surface"),
							errhint("Use ST_PointOnSurface(%s) for areas, or ST_Dump(%s) to split multipoints.",
									r->argname, r->argname)));
			break;
		case SC_POINT_NOT_FINITE:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s has a NaN or infinite coordinate", r->fname, r->argname),
							errhint("Leave out or repair points whose coordinates are not finite numbers.")));
			break;
		default:
			ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
							errmsg("%s: could not read %s as a point", r->fname, r->argname)));
	}
}

/* one call set up by sp_point_peekers; false when it returns NULL */
static inline bool
call_coordinate(FunctionCallInfo fc, Datum g, double *out)
{
	Datum		d;

	fc->args[0].value = g;
	fc->args[0].isnull = false;
	fc->isnull = false;
	d = FunctionCallInvoke(fc);
	if (fc->isnull)
		return false;
	*out = DatumGetFloat8(d);
	return true;
}

/* x and y through PostGIS's ST_X and ST_Y; false for an empty point */
static bool
call_xy(SpPointReader *r, Datum g, double *x, double *y)
{
	return call_coordinate(r->x_call, g, x) && call_coordinate(r->y_call, g, y);
}

/*
 * x and y of a point.  ST_X and ST_Y read the first coordinate in place;
 * they return NULL for an empty point and raise an error for any other
 * geometry type, both of which send the caller to the EWKB path, which
 * names the problem properly.  Nothing is held when they fail (no lock, no
 * buffer), so after flushing their error the EWKB path may raise ours.  A
 * point column needs no such guard.
 */
static bool
peek_xy(SpPointReader *r, Datum g, double *x, double *y)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = false;

	if (r->typed_point)
		return call_xy(r, g, x, y);
	PG_TRY();
	{
		ok = call_xy(r, g, x, y);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
	}
	PG_END_TRY();
	return ok;
}

/* room for a point of up to four dimensions with its header */
#define SP_SMALL_GEOM 128

void
sp_read_point(SpPointReader *r, Datum geom, double *x, double *y, int32 *srid)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(geom);
	union
	{
		char		bytes[SP_SMALL_GEOM];
		double		align;
	}			local;

	if (r->peek)
	{
		/*
		 * PostGIS's functions want an aligned 4-byte header.  A point stored
		 * in a table has a 1-byte header: widen it once into local memory
		 * (what detoasting would do with palloc), so that the three calls
		 * read it in place.
		 */
		if (VARATT_IS_SHORT(v) && VARSIZE_SHORT(v) - VARHDRSZ_SHORT + VARHDRSZ <= SP_SMALL_GEOM)
		{
			Size		len = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;

			memcpy(local.bytes + VARHDRSZ, VARDATA_SHORT(v), len);
			SET_VARSIZE(local.bytes, len + VARHDRSZ);
			v = (struct varlena *) local.bytes;
		}
		else
			v = PG_DETOAST_DATUM(geom);
		if (peek_xy(r, PointerGetDatum(v), x, y) && isfinite(*x) && isfinite(*y))
		{
			*srid = r->typed_srid > 0 ? r->typed_srid :
				DatumGetInt32(FunctionCall1(&r->st_srid, PointerGetDatum(v)));
			if ((Pointer) v != DatumGetPointer(geom) && (Pointer) v != local.bytes)
				pfree(v);
			return;
		}
	}
	read_point_ewkb(r, geom, x, y, srid);
}

void
sp_require_projected(SpPointReader *r, int32 srid, const char *needs)
{
	if (!r->checked || r->checked_srid != srid)
	{
		r->geographic = sp_srid_is_geographic(srid);
		r->checked_srid = srid;
		r->checked = true;
	}
	if (r->geographic)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s has geographic SRID %d (degrees), but %s must be in projected units",
							   r->fname, r->argname, srid, needs),
						errhint("Project the points first, e.g. ST_Transform(%s, safety.utm_srid(%s)).",
								r->argname, r->argname)));
}

/* the schema of the postgis extension, or InvalidOid */
static Oid
postgis_schema(void)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("postgis"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

bool
sp_srid_is_geographic(int32 srid)
{
	/* planned once per backend (and again if PostGIS moves) */
	static SPIPlanPtr plan = NULL;
	static Oid	plan_schema = InvalidOid;
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1] = {Int32GetDatum(srid)};
	bool		result = false;
	bool		isnull;
	Oid			schema;

	if (srid == 0)
		return false;
	/* spatial_ref_sys lives in PostGIS's schema, wherever that is */
	schema = postgis_schema();
	if (!OidIsValid(schema))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
						errmsg("safety: the postgis extension is not installed")));
	SPI_connect();
	if (plan == NULL || plan_schema != schema)
	{
		StringInfoData q;
		SPIPlanPtr	p;

		initStringInfo(&q);
		/*
		 * every operator qualified: the caller's search_path must not pick
		 * another ~~ (varchar, varchar) or = (int4, int4)
		 */
		appendStringInfo(&q,
						 "SELECT (srtext OPERATOR(pg_catalog.~~) 'GEOGCS%%' "
						 "OR srtext OPERATOR(pg_catalog.~~) 'GEOGCRS%%' "
						 "OR proj4text OPERATOR(pg_catalog.~~) '%%+proj=longlat%%' "
						 "OR proj4text OPERATOR(pg_catalog.~~) '%%+proj=latlong%%') "
						 "FROM %s.spatial_ref_sys WHERE srid OPERATOR(pg_catalog.=) $1",
						 quote_identifier(get_namespace_name(schema)));
		p = SPI_prepare(q.data, 1, argtypes);
		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare the lookup in spatial_ref_sys: %s",
				 SPI_result_code_string(SPI_result));
		if (plan != NULL)
			SPI_freeplan(plan);
		plan = p;
		plan_schema = schema;
	}
	if (SPI_execute_plan(plan, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up SRID %d in spatial_ref_sys", srid);
	if (SPI_processed == 1)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		result = !isnull && DatumGetBool(d);
	}
	SPI_finish();
	return result;
}

void
sp_polygon_maker_init(SpPolygonMaker *m, Oid geom_type, MemoryContext ctx)
{
	Oid			recv;

	getTypeBinaryInputInfo(geom_type, &recv, &m->ioparam);
	fmgr_info_cxt(recv, &m->recv, ctx);
	initStringInfo(&m->buf);
}

Datum
sp_make_polygon(SpPolygonMaker *m, int32 srid, const double *xs, const double *ys, size_t n)
{
	size_t		size = sc_ewkb_polygon_size(n);

	resetStringInfo(&m->buf);
	enlargeStringInfo(&m->buf, (int) size);
	sc_ewkb_polygon_write((unsigned char *) m->buf.data, srid, xs, ys, n);
	m->buf.len = (int) size;
	m->buf.cursor = 0;
	return ReceiveFunctionCall(&m->recv, &m->buf, m->ioparam, -1);
}

Datum
sp_make_point(SpPolygonMaker *m, int32 srid, double x, double y)
{
	resetStringInfo(&m->buf);
	enlargeStringInfo(&m->buf, SC_EWKB_POINT_SIZE);
	sc_ewkb_point_write((unsigned char *) m->buf.data, srid, x, y);
	m->buf.len = SC_EWKB_POINT_SIZE;
	m->buf.cursor = 0;
	return ReceiveFunctionCall(&m->recv, &m->buf, m->ioparam, -1);
}

void
sp_events_require_projected(const sc_events *e, const char *fname)
{
	if (sp_srid_is_geographic(e->srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e has geographic SRID %d (degrees), but distances must be in projected units",
							   fname, (int) e->srid),
						errhint("Collect projected points, e.g. safety.events_agg(ST_Transform(geom, safety.utm_srid(geom)), ...).")));
}
