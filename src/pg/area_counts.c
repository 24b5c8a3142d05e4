/*
 * area_counts.c — safety.area_counts(e, area_id, geom, population): the
 * events of a collection counted into areas (districts, beats), with rates
 * per km² and per 1,000 residents, and a row for the events outside every
 * area.  An event belongs to the area with the lowest area_id among those
 * it intersects (PostGIS's ST_Intersects: boundaries included), so events
 * on a shared boundary or in overlapping areas are counted once.
 */
#include "areas_pg.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

/* a double's bits as a key that sorts as the double does */
static inline uint64
sortable(double v)
{
	uint64		b;

	memcpy(&b, &v, sizeof(b));
	return (b >> 63) ? ~b : b | UINT64CONST(0x8000000000000000);
}

/* area indices in ascending area_id: the lowest id claims an event first */
static int *
areas_by_id(const SpAreas *a)
{
	sc_keyed   *k = palloc_extended(Max(a->n, 1) * sizeof(sc_keyed), MCXT_ALLOC_HUGE);
	sc_keyed   *tmp = palloc_extended(Max(a->n, 1) * sizeof(sc_keyed), MCXT_ALLOC_HUGE);
	int		   *ord = palloc_extended(Max(a->n, 1) * sizeof(int), MCXT_ALLOC_HUGE);

	for (int i = 0; i < a->n; i++)
	{
		k[i].key = (uint64) a->id[i] ^ UINT64CONST(0x8000000000000000);
		k[i].payload = (uint64) i;
	}
	sc_radix_sort(k, tmp, (size_t) a->n, sp_check_interrupts);
	for (int i = 0; i < a->n; i++)
		ord[i] = (int) k[i].payload;
	pfree(k);
	pfree(tmp);
	return ord;
}

/*
 * owner[v] = index of the area event v belongs to, or -1.  Areas in id
 * order each test the unclaimed events of their bounding box (events sorted
 * by x, a binary search for the box's left edge) with PostGIS's
 * ST_Intersects(area, point); the area stays the first argument across
 * its events, so PostGIS keeps its point-in-polygon index of it.
 */
static int32 *
assign_events(const SpAreas *a, const sc_events *e, Oid geom_type, const char *fname)
{
	FmgrInfo	intersects;
	SpPolygonMaker maker;
	MemoryContext tmpcxt,
				old;
	sc_keyed   *byx,
			   *tmp;
	int32	   *owner;
	int		   *ord = areas_by_id(a);
	size_t		n = e->n,
				tick = 0;

	sp_postgis_fmgr(&intersects, geom_type, "st_intersects", 2);
	sp_polygon_maker_init(&maker, geom_type, CurrentMemoryContext);
	sp_check_memory(fname, n * (2 * sizeof(sc_keyed) + sizeof(int32)),
					psprintf("the %zu events sorted by x", n), "Count fewer events at once, e.g. per month.");
	byx = palloc_extended(Max(n, 1) * sizeof(sc_keyed), MCXT_ALLOC_HUGE);
	tmp = palloc_extended(Max(n, 1) * sizeof(sc_keyed), MCXT_ALLOC_HUGE);
	owner = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	for (size_t v = 0; v < n; v++)
	{
		byx[v].key = sortable(e->x[v]);
		byx[v].payload = v;
		owner[v] = -1;
	}
	sc_radix_sort(byx, tmp, n, sp_check_interrupts);
	pfree(tmp);

	tmpcxt = AllocSetContextCreate(CurrentMemoryContext, "safety.area_counts points", ALLOCSET_DEFAULT_SIZES);
	for (int r = 0; r < a->n; r++)
	{
		int			k = ord[r];
		const sc_area *s = &a->shape[k];
		uint64		lokey = sortable(s->xmin),
					hikey = sortable(s->xmax);
		size_t		lo = 0,
					hi = n;

		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;

			if (byx[mid].key < lokey)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t p = lo; p < n && byx[p].key <= hikey; p++)
		{
			size_t		v = (size_t) byx[p].payload;

			if (++tick % SC_INTERRUPT_EVERY == 0)
			{
				CHECK_FOR_INTERRUPTS();
				MemoryContextReset(tmpcxt);
			}
			if (owner[v] >= 0 || e->y[v] < s->ymin || e->y[v] > s->ymax)
				continue;
			old = MemoryContextSwitchTo(tmpcxt);
			if (DatumGetBool(FunctionCall2(&intersects, a->geom[k],
										   sp_make_point(&maker, e->srid, e->x[v], e->y[v]))))
				owner[v] = k;
			MemoryContextSwitchTo(old);
		}
	}
	MemoryContextDelete(tmpcxt);
	pfree(byx);
	pfree(ord);
	return owner;
}

/* the collection (argument 0) and areas (1, 2) read and checked, each event's area assigned */
static int32 *
read_and_assign(FunctionCallInfo fcinfo, const SpAreaArgs *args, SpAreas *a, const sc_events **e,
				const char *fname)
{
	ExpandedEvents *ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	Oid			geom_type;

	*e = &ee->ev;
	sp_read_areas(fcinfo, args, a, fname);
	if (a->n > 0 && a->srid != (*e)->srid)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: geom has SRID %d but e has SRID %d", fname, a->srid, (int) (*e)->srid),
						errhint("Transform the areas to the events' SRID: ST_Transform(geom, %d).", (int) (*e)->srid)));
	sp_events_require_projected(*e, fname);
	geom_type = get_element_type(sp_fn_argtype(fcinfo, 2));
	if (!OidIsValid(geom_type))
		elog(ERROR, "%s: could not determine the type of geom", fname);
	return assign_events(a, *e, geom_type, fname);
}

/*
 * area_events(e, area_id, geom): each area's events as a collection (empty
 * when it has none), by area_counts' rule, and a row with area_id NULL for
 * the events outside every area
 */
PG_FUNCTION_INFO_V1(safety_area_events);
Datum
safety_area_events(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.area_events";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const sc_events *e;
	SpAreas		a;
	int32	   *owner;
	ExpandedEvents **per;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	owner = read_and_assign(fcinfo, &(SpAreaArgs) {1, -1, "value", true, false}, &a, &e, fname);
	/* one collection per area and one for outside, in the input's (canonical) order */
	per = palloc_extended((a.n + 1) * sizeof(ExpandedEvents *), MCXT_ALLOC_HUGE);
	for (int k = 0; k <= a.n; k++)
		per[k] = sp_events_new(CurrentMemoryContext, e->srid);
	for (size_t v = 0; v < e->n; v++)
	{
		ExpandedEvents *to = per[owner[v] >= 0 ? owner[v] : a.n];
		sc_err		err;
		sc_status	st;

		if (v % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		bool		has_end = (e->flags & SC_EV_HAS_END) && e->tend;

		st = sc_events_add(&to->ev, e->x[v], e->y[v], e->t[v], has_end, has_end ? e->tend[v] : e->t[v],
						   e->w ? e->w[v] : 1, e->has_id && e->id && e->has_id[v], e->id && e->has_id ? e->id[v] : 0,
						   &err);
		if (st != SC_OK)
			sp_raise(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	}
	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k <= a.n; k++)
	{
		Datum		values[2];
		bool		nulls[2] = {k == a.n, false};
		void	   *flat;

		values[0] = Int64GetDatum(k < a.n ? a.id[k] : 0);
		flat = sp_flatten(&per[k]->hdr);	/* also frees the collection */
		values[1] = PointerGetDatum(flat);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(flat);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(safety_area_counts);
Datum
safety_area_counts(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.area_counts";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const sc_events *e;
	SpAreas		a;
	Oid			geom_type;
	FmgrInfo	area_fn;
	int32	   *owner;
	int64	   *count;
	double	   *weight;
	int64		out_count = 0;
	double		out_weight = 0;

	/* a NULL collection or area list is no input */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	owner = read_and_assign(fcinfo, &(SpAreaArgs) {1, 3, "population", true, false}, &a, &e, fname);
	geom_type = get_element_type(sp_fn_argtype(fcinfo, 2));
	for (int k = 0; k < a.n; k++)
		if (!a.value_null[k] && !(a.value[k] >= 0 && isfinite(a.value[k])))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: population[%d] (area_id %lld) must be a non-negative finite number, not %g",
								   fname, k + 1, (long long) a.id[k], a.value[k]),
							errhint("Give the residents of each area, or NULL where unknown.")));

	count = palloc0(Max(a.n, 1) * sizeof(int64));
	weight = palloc0(Max(a.n, 1) * sizeof(double));
	for (size_t v = 0; v < e->n; v++)
	{
		if (owner[v] >= 0)
		{
			count[owner[v]]++;
			weight[owner[v]] += e->w[v];
		}
		else
		{
			out_count++;
			out_weight += e->w[v];
		}
	}

	sp_postgis_fmgr(&area_fn, geom_type, "st_area", 1);
	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k <= a.n; k++)
	{
		Datum		values[7];
		bool		nulls[7] = {false};

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (k == a.n)
		{
			/* the events outside every area */
			values[1] = Int64GetDatum(out_count);
			values[2] = Float8GetDatum(out_weight);
			nulls[0] = nulls[3] = nulls[4] = nulls[5] = nulls[6] = true;
		}
		else
		{
			double		km2 = DatumGetFloat8(FunctionCall1(&area_fn, a.geom[k])) / 1e6;

			values[0] = Int64GetDatum(a.id[k]);
			values[1] = Int64GetDatum(count[k]);
			values[2] = Float8GetDatum(weight[k]);
			values[3] = Float8GetDatum(km2);
			values[4] = Float8GetDatum((double) count[k] / km2);
			nulls[4] = !(km2 > 0);
			values[5] = Float8GetDatum(a.value[k]);
			nulls[5] = a.value_null[k];
			values[6] = Float8GetDatum((double) count[k] / a.value[k] * 1000.0);
			nulls[6] = a.value_null[k] || !(a.value[k] > 0);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
