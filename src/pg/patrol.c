/*
 * patrol.c — safety.patrol_cover, patrol_cover_curve and response_coverage:
 * where to put k patrols so they reach the most risk within a distance,
 * and what given posts reach (core: sc_patrol.c).
 */
#include "safety_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "sc_patrol.h"

/* subgradient steps of the Lagrangian bound (it stops sooner once it meets the cover) */
#define PATROL_BOUND_STEPS 200

/* the inputs every function shares: demand points with values, sites, distance */
typedef struct patrol_input
{
	int			nd;
	double	   *dx,
			   *dy,
			   *w;
	int			ns;
	double	   *sx,
			   *sy;
	Datum	   *sites;			/* the site geometries, as given */
	double		distance;
} patrol_input;

static double *
value_array(FunctionCallInfo fcinfo, int argno, int expect, const char *points, const char *fname,
			const char *argname)
{
	int			n;
	double	   *w = sp_arg_float8s(fcinfo, argno, fname, argname,
								   "Use coalesce(value, 0) for points without risk.", &n);

	if (n != expect)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("%s: %s has %d elements, but %s has %d", fname, argname, n, points, expect),
						errhint("Give one value per demand point, e.g. array_agg(expected ORDER BY cell_id) beside array_agg(ST_Centroid(geom) ORDER BY cell_id).")));
	for (int k = 0; k < n; k++)
		if (!(w[k] >= 0) || isinf(w[k]))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s: %s element %d is %g, but values must be finite and >= 0",
								   fname, argname, k + 1, w[k]),
							errhint("Give risks, counts or forecasts: non-negative amounts to cover.")));
	return w;
}

/*
 * demand (argument 0), value (1), distance (dist_arg); the sites of
 * argument site_arg, or the demand points themselves when it is NULL
 */
static void
patrol_read(FunctionCallInfo fcinfo, int dist_arg, int site_arg, const char *site_name,
			const char *fname, patrol_input *in)
{
	int32		dsrid,
				ssrid;
	Datum	   *dpoints;

	sp_point_array(fcinfo, 0, fname, "demand", &in->nd, &in->dx, &in->dy, &dsrid, &dpoints);
	if (in->nd == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: demand must not be empty", fname),
						errhint("Give the points to cover, e.g. the centres of the forecast's cells.")));
	in->w = value_array(fcinfo, 1, in->nd, "demand", fname, "value");
	in->distance = sp_arg_float(fcinfo, dist_arg, fname, "distance");
	if (!(in->distance >= 0) || isinf(in->distance))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: distance must be a finite number >= 0, not %g", fname, in->distance),
						errhint("Give the reach of a patrol or post in the units of the points' SRID, e.g. 800 for 800 m.")));
	if (PG_ARGISNULL(site_arg))
	{
		in->ns = in->nd;
		in->sx = in->dx;
		in->sy = in->dy;
		in->sites = dpoints;
		return;
	}
	sp_point_array(fcinfo, site_arg, fname, site_name, &in->ns, &in->sx, &in->sy, &ssrid, &in->sites);
	if (in->ns == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must not be empty", fname, site_name),
						errhint("Leave %s out to use the demand points as sites.", site_name)));
	if (ssrid != dsrid)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s have SRID %d, but demand has SRID %d", fname, site_name, ssrid, dsrid),
						errhint("Transform both to one projected SRID.")));
}

static void
patrol_build(const patrol_input *in, const char *fname, sc_cover *c)
{
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	sc_status	st;

	st = sc_cover_build((size_t) in->nd, in->dx, in->dy, in->w, (size_t) in->ns, in->sx, in->sy,
						in->distance, SIZE_MAX / 16, &alloc, &err, c);
	if (st != SC_OK)
		sp_raise_hint(st, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ENOMEM ? "Use a shorter distance or fewer candidate sites." : NULL);
}

static int
patrol_k(FunctionCallInfo fcinfo, int argno, const patrol_input *in, const char *fname, const char *argname)
{
	int			k;

	sp_arg_not_null(fcinfo, argno, fname, argname);
	k = PG_GETARG_INT32(argno);
	if (k < 1 || k > in->ns)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: %s must be between 1 and the number of candidate sites (%d), not %d",
							   fname, argname, in->ns, k),
						errhint("Choose fewer sites, or give more candidates.")));
	return k;
}

static bool
patrol_improve(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	sp_arg_not_null(fcinfo, argno, fname, "improve");
	return PG_GETARG_BOOL(argno);
}

static void
raise_core(sc_status st, const sc_err *err, const char *fname)
{
	if (st != SC_OK)
		sp_raise(st, err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
}

/*
 * patrol_cover(demand geometry[], value float8[], k int, distance float8,
 * sites geometry[] DEFAULT NULL, improve bool DEFAULT true)
 *   -> (rank, site, geom, gain, covered, share, bound)
 */
PG_FUNCTION_INFO_V1(safety_patrol_cover);
Datum
safety_patrol_cover(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.patrol_cover";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	patrol_input in;
	sc_cover	c;
	sc_err		err;
	int			k,
				swaps = 0;
	uint32_t   *sites;
	double	   *gain,
			   *covered,
			   *bound,
				total,
				cum = 0;

	patrol_read(fcinfo, 3, 4, "sites", fname, &in);
	k = patrol_k(fcinfo, 2, &in, fname, "k");
	patrol_build(&in, fname, &c);
	sites = palloc_array(uint32_t, k);
	gain = palloc_array(double, k);
	covered = palloc_array(double, k);
	bound = palloc_array(double, k);
	raise_core(sc_cover_greedy(&c, (size_t) k, sites, gain, covered, bound, &err), &err, fname);
	raise_core(sc_cover_plan(&c, (size_t) k, patrol_improve(fcinfo, 5, fname), PATROL_BOUND_STEPS,
							 sites, gain, &covered[k - 1], &bound[k - 1], &swaps, &err), &err, fname);
	total = c.total;
	sc_cover_free(&c);
	InitMaterializedSRF(fcinfo, 0);
	for (int r = 0; r < k; r++)
	{
		Datum		values[7];
		bool		nulls[7] = {false};

		cum += gain[r];
		values[0] = Int32GetDatum(r + 1);
		values[1] = Int32GetDatum((int32) sites[r] + 1);
		values[2] = in.sites[sites[r]];
		values[3] = Float8GetDatum(gain[r]);
		values[4] = Float8GetDatum(cum);
		values[5] = Float8GetDatum(total > 0 ? cum / total : 0);
		values[6] = Float8GetDatum(bound[k - 1] > covered[k - 1] ? bound[k - 1] : covered[k - 1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * patrol_cover_curve(demand geometry[], value float8[], k_max int,
 * distance float8, sites geometry[] DEFAULT NULL, improve bool DEFAULT true)
 *   -> (k, covered, share, greedy, bound, gap)
 */
PG_FUNCTION_INFO_V1(safety_patrol_cover_curve);
Datum
safety_patrol_cover_curve(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.patrol_cover_curve";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	patrol_input in;
	sc_cover	c;
	sc_err		err;
	int			kmax;
	bool		improve;
	uint32_t   *sites,
			   *set;
	double	   *gain,
			   *covered,
			   *bound,
			   *gn;

	patrol_read(fcinfo, 3, 4, "sites", fname, &in);
	kmax = patrol_k(fcinfo, 2, &in, fname, "k_max");
	improve = patrol_improve(fcinfo, 5, fname);
	patrol_build(&in, fname, &c);
	sites = palloc_array(uint32_t, kmax);
	set = palloc_array(uint32_t, kmax);
	gain = palloc_array(double, kmax);
	gn = palloc_array(double, kmax);
	covered = palloc_array(double, kmax);
	bound = palloc_array(double, kmax);
	raise_core(sc_cover_greedy(&c, (size_t) kmax, sites, gain, covered, bound, &err), &err, fname);
	InitMaterializedSRF(fcinfo, 0);
	for (int k = 1; k <= kmax; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {false};
		double		f = covered[k - 1],
					b = bound[k - 1];
		int			swaps;

		CHECK_FOR_INTERRUPTS();
		memcpy(set, sites, k * sizeof(uint32_t));
		memcpy(gn, gain, k * sizeof(double));
		raise_core(sc_cover_plan(&c, (size_t) k, improve, PATROL_BOUND_STEPS, set, gn, &f, &b, &swaps, &err),
				   &err, fname);
		values[0] = Int32GetDatum(k);
		values[1] = Float8GetDatum(f);
		values[2] = Float8GetDatum(c.total > 0 ? f / c.total : 0);
		values[3] = Float8GetDatum(covered[k - 1]);
		values[4] = Float8GetDatum(b);
		values[5] = Float8GetDatum(b > 0 ? (b - f) / b : 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	sc_cover_free(&c);
	return (Datum) 0;
}

/*
 * response_coverage(demand geometry[], value float8[], posts geometry[],
 * distance float8) -> (demand, value, post, distance, covered)
 */
PG_FUNCTION_INFO_V1(safety_response_coverage);
Datum
safety_response_coverage(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.response_coverage";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	patrol_input in;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	int64_t    *post;
	double	   *dist;

	if (PG_ARGISNULL(2))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s: posts must not be NULL", fname),
						errhint("Give the posts' points, e.g. (SELECT array_agg(geom) FROM stations).")));
	patrol_read(fcinfo, 3, 2, "posts", fname, &in);
	post = palloc_array(int64_t, in.nd);
	dist = palloc_array(double, in.nd);
	raise_core(sc_nearest_within((size_t) in.nd, in.dx, in.dy, (size_t) in.ns, in.sx, in.sy,
								 in.distance, post, dist, &alloc, &err), &err, fname);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < in.nd; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(in.w[i]);
		values[2] = Int32GetDatum((int32) post[i] + 1);
		nulls[2] = post[i] < 0;
		values[3] = Float8GetDatum(dist[i]);
		nulls[3] = post[i] < 0;
		values[4] = BoolGetDatum(post[i] >= 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* the local hour of day of t in zone (0..23) */
static int
local_hour(Datum zone, TimestampTz t)
{
	Timestamp	local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, zone, TimestampTzGetDatum(t)));
	int64		in_day = local % USECS_PER_DAY;

	if (in_day < 0)
		in_day += USECS_PER_DAY;
	return (int) (in_day / USECS_PER_HOUR);
}

/*
 * shift_plan(cell_id bigint[], centre geometry[], expected float8[],
 * shift_start timestamptz, shift_length interval, hotspots int,
 * dwell interval, speed float8, hour_profile float8[], time_zone text)
 *   -> (visit, cell_id, geom, arrive, depart, travel_minutes, nth, visits, revisit, expected)
 */
PG_FUNCTION_INFO_V1(safety_shift_plan);
Datum
safety_shift_plan(PG_FUNCTION_ARGS)
{
	const char *fname = "safety.shift_plan";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_err		err;
	int			n,
				nid,
				hotspots;
	double	   *x,
			   *y,
			   *w,
			   *intensity = NULL,
				shift_min,
				dwell_min,
				speed;
	int32		srid;
	Datum	   *centres,
			   *ids;
	bool	   *idnulls;
	TimestampTz start;
	int64		shift_us,
				dwell_us;
	size_t		maxv,
				nv;
	sc_visit   *visits;

	sp_point_array(fcinfo, 1, fname, "centre", &n, &x, &y, &srid, &centres);
	if (n == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: centre must not be empty", fname),
						errhint("Give the centres of the forecast's cells.")));
	ids = sp_arg_array(fcinfo, 0, fname, "cell_id", NULL, &idnulls, &nid);
	if (nid != n)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("%s: cell_id has %d elements, but centre has %d", fname, nid, n),
						errhint("Give one id per centre, both ordered alike.")));
	for (int i = 0; i < n; i++)
		if (idnulls[i])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s: cell_id element %d is NULL", fname, i + 1)));
	w = value_array(fcinfo, 2, n, "centre", fname, "expected");
	start = sp_arg_time(fcinfo, 3, fname, "shift_start");
	shift_us = sp_arg_interval(fcinfo, 4, fname, "shift_length");
	sp_arg_not_null(fcinfo, 5, fname, "hotspots");
	hotspots = PG_GETARG_INT32(5);
	if (hotspots < 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: hotspots must be at least 1, not %d", fname, hotspots),
						errhint("Give how many hot spots the shift visits, e.g. 10.")));
	dwell_us = sp_arg_interval(fcinfo, 6, fname, "dwell");
	speed = sp_arg_float(fcinfo, 7, fname, "speed");
	if (shift_us > (int64) 7 * USECS_PER_DAY)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: shift_length must be at most 7 days", fname),
						errhint("Plan one shift at a time, e.g. '8 hours'.")));
	if (dwell_us > shift_us)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: dwell must not be longer than shift_length", fname),
						errhint("Koper (1995): 10 to 15 minutes per visit.")));
	if (!(speed > 0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s: speed must be > 0, not %g", fname, speed),
						errhint("Give the travel speed in SRID units per minute, e.g. 500 for 30 km/h in metres.")));
	shift_min = (double) shift_us / (double) USECS_PER_MINUTE;
	dwell_min = (double) dwell_us / (double) USECS_PER_MINUTE;
	if (!PG_ARGISNULL(8))
	{
		int			nh;
		double	   *prof = sp_arg_float8s(fcinfo, 8, fname, "hour_profile", "Give 0 for an hour without events.", &nh);
		Datum		zone;
		size_t		m = (size_t) ceil(shift_min);

		if (nh != 24)
			ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
							errmsg("%s: hour_profile has %d elements, but needs 24 (hours 0 to 23)", fname, nh),
							errhint("Use the hour_of_day weights of safety.aoristic, ordered by hour.")));
		for (int h = 0; h < 24; h++)
		{
			if (!(prof[h] >= 0) || isinf(prof[h]))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("%s: hour_profile element %d must be a finite number >= 0", fname, h + 1)));
		}
		sp_arg_not_null(fcinfo, 9, fname, "time_zone");
		zone = PG_GETARG_DATUM(9);
		intensity = palloc_array(double, m + 1);
		for (size_t t = 0; t < m; t++)
		{
			if (t % 60 == 0)
				CHECK_FOR_INTERRUPTS();
			intensity[t] = prof[local_hour(zone, start + (int64) t * USECS_PER_MINUTE)];
		}
	}
	maxv = (size_t) floor(shift_min / dwell_min);
	if (maxv > 100000)
		maxv = 100000;
	visits = palloc_array(sc_visit, maxv + 1);
	if (sc_shift_plan((size_t) n, x, y, w, (size_t) hotspots, shift_min, dwell_min, intensity, speed,
					  maxv, visits, &nv, &alloc, &err) != SC_OK)
		sp_raise(SC_EINVAL, &err, fname, ERRCODE_INVALID_PARAMETER_VALUE);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t q = 0; q < nv; q++)
	{
		Datum		values[10];
		bool		nulls[10] = {false};
		sc_visit   *v = &visits[q];

		values[0] = Int32GetDatum((int32) q + 1);
		values[1] = ids[v->spot];
		values[2] = centres[v->spot];
		values[3] = TimestampTzGetDatum(start + (int64) llround(v->arrive * USECS_PER_MINUTE));
		values[4] = TimestampTzGetDatum(start + (int64) llround(v->leave * USECS_PER_MINUTE));
		values[5] = Float8GetDatum(v->travel);
		values[6] = Int32GetDatum((int32) v->nth);
		values[7] = Int32GetDatum((int32) v->visits);
		{
			Interval   *iv = palloc0(sizeof(Interval));

			iv->time = shift_us / (int64) v->visits;
			values[8] = IntervalPGetDatum(iv);
		}
		values[9] = Float8GetDatum(w[v->spot]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
