/*
 * geom.c — reading PostGIS points and making polygons, through PostGIS's own
 * binary send/receive functions (EWKB), never its storage format.
 */
#include "safety_pg.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "parser/parse_func.h"
#include "nodes/value.h"
#include "nodes/pg_list.h"

#include "sc_ewkb.h"

/* a one-argument function of PostGIS's schema taking geom_type, or InvalidOid */
static Oid
postgis_function(Oid geom_type, const char *name)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(geom_type));
	char	   *nsp;
	Oid			argtypes[1] = {geom_type};

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", geom_type);
	nsp = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
	ReleaseSysCache(tup);
	return LookupFuncName(list_make2(makeString(nsp), makeString(pstrdup(name))), 1, argtypes, true);
}

SpPointReader *
sp_point_reader(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	SpPointReader *r = (SpPointReader *) fcinfo->flinfo->fn_extra;

	if (r == NULL)
	{
		Oid			send;
		bool		isvarlena;

		r = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SpPointReader));
		r->geom_type = get_fn_expr_argtype(fcinfo->flinfo, argno);
		if (!OidIsValid(r->geom_type))
			elog(ERROR, "%s: could not determine the type of %s", fname, argname);
		/*
		 * PostGIS's ST_AsEWKB is the cheapest way to the coordinates and
		 * SRID; fall back to the type's binary send (also EWKB).
		 */
		send = postgis_function(r->geom_type, "st_asewkb");
		if (!OidIsValid(send))
			getTypeBinaryOutputInfo(r->geom_type, &send, &isvarlena);
		fmgr_info_cxt(send, &r->send, fcinfo->flinfo->fn_mcxt);
		r->fname = fname;
		r->argname = argname;
		fcinfo->flinfo->fn_extra = r;
	}
	return r;
}

void
sp_read_point(SpPointReader *r, Datum geom, double *x, double *y, int32 *srid)
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

bool
sp_srid_is_geographic(int32 srid)
{
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1] = {Int32GetDatum(srid)};
	bool		result = false;
	bool		isnull;
	char	   *schema;
	StringInfoData q;

	if (srid == 0)
		return false;
	SPI_connect();
	/* spatial_ref_sys lives in PostGIS's schema, wherever that is */
	if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
					"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace "
					"WHERE e.extname OPERATOR(pg_catalog.=) 'postgis'", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
						errmsg("safety: the postgis extension is not installed")));
	schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	initStringInfo(&q);
	appendStringInfo(&q,
					 "SELECT (srtext LIKE 'GEOGCS%%' OR srtext LIKE 'GEOGCRS%%' "
					 "OR proj4text LIKE '%%+proj=longlat%%' OR proj4text LIKE '%%+proj=latlong%%') "
					 "FROM %s.spatial_ref_sys WHERE srid OPERATOR(pg_catalog.=) $1",
					 quote_identifier(schema));
	if (SPI_execute_with_args(q.data, 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
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
