/*
 * kde.c — kernel density: the kde_agg aggregate, kde(events) and the ArcGIS
 * default bandwidth kde_bandwidth(events).
 *
 * The state of kde_agg is a real safety.grid of partial densities (partial
 * density grids add up, so the combine function is the cell-wise sum).  In
 * memory the grid carries the core's streaming accumulator (sc_kde_acc),
 * which buffers events and sums them tile by tile; every way out of the
 * state — flattening for a parallel worker's result, the combine function,
 * the final function — flushes it first, so nobody ever sees a grid with
 * pending events.
 */
#include "safety_pg.h"

#include "miscadmin.h"

#include "catalog/pg_type.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "nodes/plannodes.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include <math.h>

#include "sc_kde.h"
#include "hotspots_pg.h"
#include "units_pg.h"

#include "nodes/primnodes.h"

typedef struct KdeState
{
	ExpandedGrid eg;			/* first: a KdeState is an ExpandedGrid */
	sc_kde_acc	acc;
	bool		acc_ready;
	bool		weighted;
} KdeState;

static Size kde_get_flat_size(ExpandedObjectHeader *eohptr);
static void kde_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods kde_methods = {kde_get_flat_size, kde_flatten_into};

#define KDE_HINT_LIMIT "Use a larger cell_size or a smaller bandwidth, or raise safety.max_cells."
/* out of range: an event's cells beyond the index range, or a density beyond float8 */
#define KDE_HINT_RANGE "Use a larger cell_size, or project the points to a CRS whose origin is near the data (e.g. UTM); a density must stay within double precision, so scale very large weights down."

static void
kde_flush(KdeState *ks, const char *fname)
{
	sc_err		err;
	sc_status	st;
	sc_cell    *sorted;

	if (!ks->acc_ready || ks->acc.pending == 0)
		return;
	st = sc_kde_acc_flush_sorted(&ks->acc, &sorted, &err);
	sp_grid_changed(&ks->eg);
	/* the cells in order, when the flush had them: no sort when flattening */
	ks->eg.sorted = sorted;
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ELIMIT ? KDE_HINT_LIMIT : st == SC_ERANGE ? KDE_HINT_RANGE : NULL);
}

/* the aggregate a state belongs to, for its errors */
static const char *
kde_fname(const ExpandedGrid *eg)
{
	return eg->grid.kind == SC_GRID_HEX ? "safety.kde_hex_agg" : "safety.kde_agg";
}

/* every read of the grid (its text or binary output under Citus, too) flushes first */
static void
kde_flush_hook(ExpandedGrid *eg)
{
	kde_flush((KdeState *) eg, kde_fname(eg));
}

static Size
kde_get_flat_size(ExpandedObjectHeader *eohptr)
{
	KdeState   *ks = (KdeState *) eohptr;
	size_t		size;

	kde_flush(ks, kde_fname(&ks->eg));
	size = SP_FLAT_OFFSET + sc_grid_flat_size(ks->eg.grid.count);
	if (size > MaxAllocSize)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: %zu cells are too many to store in one value",
							   kde_fname(&ks->eg), ks->eg.grid.count),
						errhint("Use a larger cell size or a smaller bandwidth.")));
	sp_grid_cells(&ks->eg);
	return size;
}

static void
kde_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	KdeState   *ks = (KdeState *) eohptr;

	kde_flush(ks, kde_fname(&ks->eg));
	memset(result, 0, SP_FLAT_OFFSET);
	SET_VARSIZE(result, allocated_size);
	sc_grid_flat_write((char *) result + SP_FLAT_OFFSET, ks->eg.grid.kind, ks->eg.grid.srid,
					   ks->eg.grid.cell_size, sp_grid_cells(&ks->eg), ks->eg.grid.count);
}

static bool
is_kde_state(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &kde_methods;
}

static KdeState *
kde_state_new(MemoryContext parent, sc_grid_kind kind, int32 srid, double cell_size, double h,
			  sc_kernel kernel, const char *fname)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "safety.kde_agg", ALLOCSET_DEFAULT_SIZES);
	KdeState   *ks = MemoryContextAllocZero(ctx, sizeof(KdeState));
	sc_alloc	alloc = sp_allocator(ctx);
	sc_err		err;
	sc_status	st;

	EOH_init_header(&ks->eg.hdr, &kde_methods, ctx);
	ks->eg.magic = SP_GRID_MAGIC;
	ks->eg.flush = kde_flush_hook;
	sc_grid_init(&ks->eg.grid, kind, srid, cell_size, (size_t) safety_max_cells, &alloc);
	if ((st = sc_kde_acc_init(&ks->acc, &ks->eg.grid, h, kernel, sp_check_interrupts, &err)) != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ELIMIT ? KDE_HINT_LIMIT : NULL);
	sp_kde_use_tile_pool(&ks->acc, ctx);
	ks->acc_ready = true;
	return ks;
}

void
sp_check_bandwidth(const char *fname, double h)
{
	if (!(h > 0) || isinf(h))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: bandwidth must be a positive finite number, not %g", fname, h),
						errhint("Give the search radius in the units of the points' SRID, e.g. 400 for 400 m; "
								"safety.kde_bandwidth(events) gives the ArcGIS default.")));
}

static sc_kernel
parse_kernel(const char *fname, text *t)
{
	char	   *name = text_to_cstring(t);
	sc_kernel	k;
	sc_err		err;

	if (sc_kernel_parse(name, &k, &err) != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: kernel: %s", fname, err.msg),
						errhint("Leave the kernel out for the quartic kernel of ArcGIS and CrimeStat.")));
	pfree(name);
	return k;
}

/*
 * Transition: (state, geom, cell_size, bandwidth [, weight] [, kernel]).
 * weight_arg / kernel_arg are the argument numbers or -1; kind is the
 * grid of kde_agg (square) or kde_hex_agg (hexagons).
 */
static Datum
kde_trans_kind(FunctionCallInfo fcinfo, sc_grid_kind kind, int weight_arg, int kernel_arg)
{
	const char *fname = kind == SC_GRID_HEX ? "safety.kde_hex_agg" : "safety.kde_agg";
	MemoryContext aggctx = sp_agg_context(fcinfo, fname);
	KdeState   *ks = NULL;
	SpPointReader *r;
	double		x,
				y,
				cell_size,
				h,
				w = 1.0;
	int32		srid;
	sc_kernel	kernel = SC_KERNEL_DEFAULT;
	sc_err		err;
	sc_status	st;

	if (!PG_ARGISNULL(0))
	{
		if (!is_kde_state(PG_GETARG_DATUM(0)) || sp_grid_rw(PG_GETARG_DATUM(0)) == NULL)
			elog(ERROR, "%s: unexpected transition state", fname);
		ks = (KdeState *) DatumGetEOHP(PG_GETARG_DATUM(0));
	}
	/* aggregates skip NULL points and weights */
	if (PG_ARGISNULL(1) || (weight_arg > 0 && PG_ARGISNULL(weight_arg)))
		goto done;
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || (kernel_arg > 0 && PG_ARGISNULL(kernel_arg)))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: %s must not be NULL", fname,
							   PG_ARGISNULL(2) ? "cell_size" : PG_ARGISNULL(3) ? "bandwidth" : "kernel"),
						errhint("Give cell_size and bandwidth in the units of the points' SRID, e.g. 100 and 400 for metres.")));
	cell_size = PG_GETARG_FLOAT8(2);
	h = PG_GETARG_FLOAT8(3);
	sp_check_cell_size(fname, cell_size);
	sp_check_bandwidth(fname, h);
	if (kernel_arg > 0)
		kernel = parse_kernel(fname, PG_GETARG_TEXT_PP(kernel_arg));
	if (weight_arg > 0)
	{
		w = PG_GETARG_FLOAT8(weight_arg);
		sp_check_weight(fname, w);
	}
	r = sp_point_reader(fcinfo, 1, fname, "geom");
	sp_read_point(r, PG_GETARG_DATUM(1), &x, &y, &srid);
	if (ks == NULL)
	{
		sp_require_projected(r, srid, "cell_size and bandwidth");
		ks = kde_state_new(aggctx, kind, srid, cell_size, h, kernel, fname);
	}
	else
	{
		sp_check_same_srid(fname, ks->eg.grid.srid, srid);
		if (cell_size != ks->eg.grid.cell_size || h != ks->acc.h || kernel != ks->acc.kernel)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: cell_size, bandwidth and kernel must be the same for all rows", fname),
							errhint("Use one aggregate per setting, e.g. GROUP BY the bandwidth.")));
	}
	if ((st = sc_kde_acc_add(&ks->acc, x, y, w, &err)) != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ELIMIT ? KDE_HINT_LIMIT : st == SC_ERANGE ? KDE_HINT_RANGE : NULL);
	sp_grid_changed(&ks->eg);
done:
	if (ks == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(SpGridGetDatum(&ks->eg));
}

static Datum
kde_trans(FunctionCallInfo fcinfo, int weight_arg, int kernel_arg)
{
	return kde_trans_kind(fcinfo, SC_GRID_SQUARE, weight_arg, kernel_arg);
}

PG_FUNCTION_INFO_V1(safety_kde_agg_transfn);
Datum
safety_kde_agg_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans(fcinfo, -1, -1);
}

PG_FUNCTION_INFO_V1(safety_kde_agg_w_transfn);
Datum
safety_kde_agg_w_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans(fcinfo, 4, PG_NARGS() > 5 ? 5 : -1);
}

PG_FUNCTION_INFO_V1(safety_kde_agg_k_transfn);
Datum
safety_kde_agg_k_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans(fcinfo, -1, 4);
}

/* kde_hex_agg: the same density at the centres of hexagons (as hex_agg's) */
PG_FUNCTION_INFO_V1(safety_kde_hex_agg_transfn);
Datum
safety_kde_hex_agg_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans_kind(fcinfo, SC_GRID_HEX, -1, -1);
}

PG_FUNCTION_INFO_V1(safety_kde_hex_agg_w_transfn);
Datum
safety_kde_hex_agg_w_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans_kind(fcinfo, SC_GRID_HEX, 4, PG_NARGS() > 5 ? 5 : -1);
}

PG_FUNCTION_INFO_V1(safety_kde_hex_agg_k_transfn);
Datum
safety_kde_hex_agg_k_transfn(PG_FUNCTION_ARGS)
{
	return kde_trans_kind(fcinfo, SC_GRID_HEX, -1, 4);
}

extern Datum safety_grid_combine(PG_FUNCTION_ARGS);

/* combine: flush pending events of either side, then the cell-wise sum */
PG_FUNCTION_INFO_V1(safety_kde_combine);
Datum
safety_kde_combine(PG_FUNCTION_ARGS)
{
	for (int a = 0; a < 2; a++)
		if (!PG_ARGISNULL(a) && is_kde_state(PG_GETARG_DATUM(a)))
		{
			KdeState   *ks = (KdeState *) DatumGetEOHP(PG_GETARG_DATUM(a));

			kde_flush(ks, kde_fname(&ks->eg));
		}
	return safety_grid_combine(fcinfo);
}

/*
 * The aggregate call as written.  A parallel plan's Finalize Aggregate has
 * an Aggref whose one argument is a Var of its outer plan (the Gather, a
 * Sort, ...), down to the Partial Aggregate whose Aggref holds the call's
 * arguments: follow the Vars down the outer plans; NULL when anything else
 * is found.
 */
static Aggref *
agg_original_call(FunctionCallInfo fcinfo)
{
	Aggref	   *agg = sp_own_aggref(fcinfo);
	Plan	   *plan;
	Expr	   *e;

	if (agg == NULL || !DO_AGGSPLIT_COMBINE(agg->aggsplit))
		return agg;
	if (fcinfo->context == NULL || !IsA(fcinfo->context, AggState) || list_length(agg->args) != 1)
		return NULL;
	plan = ((AggState *) fcinfo->context)->ss.ps.plan;
	e = linitial_node(TargetEntry, agg->args)->expr;
	for (int depth = 0; depth < 16 && e != NULL && IsA(e, Var); depth++)
	{
		Var		   *v = (Var *) e;

		if (v->varno != OUTER_VAR || (plan = outerPlan(plan)) == NULL ||
			v->varattno < 1 || v->varattno > list_length(plan->targetlist))
			return NULL;
		e = list_nth_node(TargetEntry, plan->targetlist, v->varattno - 1)->expr;
	}
	if (e != NULL && IsA(e, Aggref) && ((Aggref *) e)->aggfnoid == agg->aggfnoid &&
		!DO_AGGSPLIT_COMBINE(((Aggref *) e)->aggsplit))
		return (Aggref *) e;
	return NULL;
}

/* argument k (from 0) of the aggregate call, when it is a constant of type typ */
static bool
agg_const_arg(FunctionCallInfo fcinfo, int k, Oid typ, Datum *out)
{
	Aggref	   *agg = agg_original_call(fcinfo);
	TargetEntry *tle;
	Const	   *c;

	if (agg == NULL || k >= list_length(agg->args))
		return false;
	tle = list_nth_node(TargetEntry, agg->args, k);
	if (!IsA(tle->expr, Const))
		return false;
	c = (Const *) tle->expr;
	if (c->consttype != typ || c->constisnull)
		return false;
	*out = c->constvalue;
	return true;
}

/*
 * Bandwidth and kernel of a kde_agg call: from the state of a serial plan,
 * else (a parallel plan's combined grid) from the call's constant
 * arguments; false when they are not known (arguments that vary by row).
 */
static bool
kde_agg_params(FunctionCallInfo fcinfo, ExpandedObjectHeader *eoh, double *h, sc_kernel *kernel)
{
	Aggref	   *agg;
	Datum		d;

	if (eoh->eoh_methods == &kde_methods && ((KdeState *) eoh)->acc_ready)
	{
		*h = ((KdeState *) eoh)->acc.h;
		*kernel = ((KdeState *) eoh)->acc.kernel;
		return true;
	}
	if (!agg_const_arg(fcinfo, 2, FLOAT8OID, &d))
		return false;
	*h = DatumGetFloat8(d);
	*kernel = SC_KERNEL_DEFAULT;
	agg = agg_original_call(fcinfo);
	if (list_length(agg->args) > 3 &&
		exprType((Node *) list_nth_node(TargetEntry, agg->args, list_length(agg->args) - 1)->expr) == TEXTOID)
	{
		sc_err		err;

		if (!agg_const_arg(fcinfo, list_length(agg->args) - 1, TEXTOID, &d) ||
			sc_kernel_parse(TextDatumGetCString(d), kernel, &err) != SC_OK)
			return false;
	}
	return true;
}

/*
 * The unit checks of kde_agg, once per aggregate on the whole density grid
 * (the leader's, in a parallel plan), on its n sorted cells: SRID-0
 * longitude/latitude, the bandwidth below the cell size, too many cells.
 */
static void
kde_check_units_cells(FunctionCallInfo fcinfo, ExpandedGrid *eg, const sc_cell *cells, size_t n)
{
	const char *fname = kde_fname(eg);
	const sc_grid *g = &eg->grid;
	sc_bbox		u;
	double		h;
	sc_kernel	kernel;

	if (kde_agg_params(fcinfo, &eg->hdr, &h, &kernel))
	{
		sp_check_units_cells(g->kind, g->srid, g->cell_size, cells, n,
							 sc_kernel_support(kernel) * h, fname, "geom");
		sp_notice_bandwidth(fname, h, g->cell_size);
	}
	else
	{
		/*
		 * States combined elsewhere (Citus's coord_combine_agg) carry no
		 * bandwidth: without the kernel's reach as margin the check is
		 * stricter to meet, so it raises only what the full check would.
		 */
		sp_check_units_cells(g->kind, g->srid, g->cell_size, cells, n, 0, fname, "geom");
	}
	if (n == 0)
		return;
	u = sc_grid_cells_bbox(g->kind, g->cell_size, cells, n);
	sp_notice_many_cells(fname, g->cell_size, sc_units_cells_spanned(cells, n), &u);
}

/* the same on a grid (its cells sorted) */
static void
kde_agg_check_units(FunctionCallInfo fcinfo, ExpandedObjectHeader *eoh)
{
	ExpandedGrid *eg = (ExpandedGrid *) eoh;

	if (eg->magic != SP_GRID_MAGIC)
		return;
	kde_check_units_cells(fcinfo, eg, eg->grid.count ? sp_grid_cells(eg) : NULL, eg->grid.count);
}

/*
 * The final value of a serial state whose density is all in the tiles (the
 * usual case): its cells come out of the tiles in order, straight into the
 * stored form, with no hash grid, no sort and no cell array; the state
 * stays as it was.  NULL when the grid holds cells already.
 */
static void *
kde_final_from_tiles(FunctionCallInfo fcinfo, KdeState *ks)
{
	const char *fname = kde_fname(&ks->eg);
	const sc_grid *g = &ks->eg.grid;
	sc_cell		ext[SC_KDE_EXTREMES];
	sc_grid_flat_writer w;
	size_t		n,
				size;
	sc_err		err;
	sc_status	st;
	void	   *flat;

	if (!ks->acc_ready || ks->eg.npending != 0)
		return NULL;
	if ((st = sc_kde_acc_count(&ks->acc, &n, &err)) != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE, KDE_HINT_LIMIT);
	if (n == SIZE_MAX)
		return NULL;
	size = SP_FLAT_OFFSET + sc_grid_flat_size(n);
	if (size > MaxAllocSize)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: %zu cells are too many to store in one value", fname, n),
						errhint("Use a larger cell size or a smaller bandwidth.")));
	flat = sp_palloc_huge(size, fname, "the stored form of the density grid");
	memset(flat, 0, SP_FLAT_OFFSET);
	SET_VARSIZE(flat, size);
	w = sc_grid_flat_begin((char *) flat + SP_FLAT_OFFSET, g->kind, g->srid, g->cell_size, n);
	if ((st = sc_kde_acc_write_flat(&ks->acc, &w, n, ext, &err)) != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? KDE_HINT_RANGE : NULL);
	/* the units checks look at the cells' extremes only */
	kde_check_units_cells(fcinfo, &ks->eg, ext, n > 0 ? SC_KDE_EXTREMES : 0);
	return flat;
}

/* final: flush, check units and hand out a flat grid (the state stays intact) */
PG_FUNCTION_INFO_V1(safety_kde_final);
Datum
safety_kde_final(PG_FUNCTION_ARGS)
{
	ExpandedObjectHeader *eoh;
	Size		size;
	void	   *flat;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(0))))
		PG_RETURN_DATUM(PointerGetDatum(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0))));
	eoh = DatumGetEOHP(PG_GETARG_DATUM(0));
	if (eoh->eoh_methods == &kde_methods &&
		(flat = kde_final_from_tiles(fcinfo, (KdeState *) eoh)) != NULL)
		PG_RETURN_POINTER(flat);
	if (eoh->eoh_methods == &kde_methods)
		kde_flush((KdeState *) eoh, kde_fname((ExpandedGrid *) eoh));
	kde_agg_check_units(fcinfo, eoh);
	size = EOH_get_flat_size(eoh);
	flat = sp_palloc_huge(size, kde_fname((ExpandedGrid *) eoh), "the stored form of the density grid");
	EOH_flatten_into(eoh, flat, size);
	PG_RETURN_POINTER(flat);
}

/* ---- kde(events) and kde_bandwidth(events) ---- */

static double
events_bandwidth(ExpandedEvents *ee, const char *fname, sc_kde_bandwidth_info *info)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;
	double		h;

	if (ee->ev.n < 2)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: the default bandwidth needs at least 2 events, got %zu", fname, ee->ev.n),
						errhint("Give the bandwidth explicitly.")));
	for (size_t k = 0; k < ee->ev.n; k++)
	{
		if (k % 4096 == 0)
			CHECK_FOR_INTERRUPTS();
		if (ee->ev.w[k] < 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: the default bandwidth needs weights >= 0", fname),
							errhint("Give the bandwidth explicitly.")));
	}
	st = sc_kde_bandwidth(ee->ev.n, ee->ev.x, ee->ev.y,
						  (ee->ev.flags & SC_EV_HAS_WEIGHT) ? ee->ev.w : NULL,
						  &h, info, &alloc, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  "Give the bandwidth explicitly, in the units of the events' SRID.");
	return h;
}

PG_FUNCTION_INFO_V1(safety_kde_bandwidth);
Datum
safety_kde_bandwidth(PG_FUNCTION_ARGS)
{
	ExpandedEvents *ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);

	PG_RETURN_FLOAT8(events_bandwidth(ee, "safety.kde_bandwidth", NULL));
}

PG_FUNCTION_INFO_V1(safety_kde_events);
Datum
safety_kde_events(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.kde";
	ExpandedEvents *ee;
	ExpandedGrid *eg;
	double		cell_size,
				h;
	sc_kernel	kernel = SC_KERNEL_DEFAULT;
	sc_cell    *sorted;
	sc_err		err;
	sc_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: cell_size must not be NULL", fname),
						errhint("Give the cell size in the units of the events' SRID, e.g. 100 for 100 m cells in UTM.")));
	ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	cell_size = PG_GETARG_FLOAT8(1);
	sp_check_cell_size(fname, cell_size);
	if (!PG_ARGISNULL(3))
		kernel = parse_kernel(fname, PG_GETARG_TEXT_PP(3));
	if (sp_srid_is_geographic(ee->ev.srid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: e has geographic SRID %d (degrees), but cell_size and bandwidth must be in projected units",
							   fname, ee->ev.srid),
						errhint("Build the events from projected points, e.g. ST_Transform(geom, safety.utm_srid(geom)).")));
	if (PG_ARGISNULL(2))
		h = events_bandwidth(ee, fname, NULL);
	else
	{
		h = PG_GETARG_FLOAT8(2);
		sp_check_bandwidth(fname, h);
	}
	sp_events_check_units(&ee->ev, fmin(cell_size, h), fname, h < cell_size ? "bandwidth" : "cell_size");
	sp_notice_bandwidth(fname, h, cell_size);
	sp_notice_events_cells(&ee->ev, cell_size, sc_kernel_support(kernel) * h, fname);
	eg = sp_grid_new(CurrentMemoryContext, SC_GRID_SQUARE, ee->ev.srid, cell_size);
	st = sc_kde_add_points(&eg->grid, ee->ev.n, ee->ev.x, ee->ev.y,
						   (ee->ev.flags & SC_EV_HAS_WEIGHT) ? ee->ev.w : NULL,
						   h, kernel, sp_check_interrupts, &sorted, &err);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ELIMIT ? KDE_HINT_LIMIT : st == SC_ERANGE ? KDE_HINT_RANGE : NULL);
	sp_grid_changed(eg);
	eg->sorted = sorted;		/* already in order: flattening need not sort */
	PG_RETURN_POINTER(sp_flatten(&eg->hdr));
}
