/*
 * safety_pg.h — shared pieces of the PostgreSQL layer: limits (GUCs), the
 * palloc-backed allocator for the core, mapping core failures to ereport,
 * reading PostGIS points, and the expanded forms of safety.grid and
 * safety.events.
 */
#ifndef SAFETY_PG_H
#define SAFETY_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

#include "sc_common.h"
#include "sc_events.h"
#include "sc_grid.h"
#include "sc_text.h"

/* GUCs */
extern int	safety_max_cells;
extern int	safety_max_events;
extern int	safety_min_count;
extern bool safety_progress;
extern int	safety_max_pairs;
extern int	safety_memory_limit;	/* kB */

/*
 * A core allocator that pallocs in ctx (huge allocations allowed, each large
 * one checked against safety.memory_limit) and carries sp_check_interrupts.
 */
sc_alloc	sp_allocator(MemoryContext ctx);
/* the interrupt hook handed to core loops */
void		sp_check_interrupts(void);

/* --- the memory budget (memory.c) ----------------------------------- */

void		sp_memory_define_guc(void);
/* whether the session may take size more bytes (a refusal is remembered) */
bool		sp_memory_admits(Size size);
/*
 * Error unless the session may take bytes more (requests under 1 MB pass):
 * what names the request ("the permutation counts (256256 table cells x
 * 5000 permutations x 8 bytes)"), hint (may be NULL) how to need less.
 */
void		sp_check_memory(const char *fname, Size bytes, const char *what, const char *hint);
/* the budget error, when the allocator's last refusal made the core fail */
void		sp_raise_if_refused(const char *fname, const char *msg, const char *hint);
/* the text a core buffer holds; the out-of-memory error, naming what, when writing it failed */
char	   *sp_buf_text(sc_buf *b, const char *what);
/* palloc of any size, checked against the budget first */
void	   *sp_palloc_huge(Size size, const char *fname, const char *what);

/* --- stored values (detoast.c) ------------------------------------- */

/* PG_DETOAST_DATUM that notices a cancel while a large value is fetched */
struct varlena *sp_detoast(Datum d, const char *fname);

/*
 * Report a core failure.  what names the function and argument
 * ("safety.grid_agg: cell_size"); code is used for SC_EINVAL.
 */
void		sp_raise(sc_status st, const sc_err *err, const char *what, int code) pg_attribute_noreturn();
/* the same with a hint for the user (NULL: the default hint of the status) */
void		sp_raise_hint(sc_status st, const sc_err *err, const char *what, int code,
						  const char *hint) pg_attribute_noreturn();

/* --- PostGIS points ---------------------------------------------------- */

typedef struct SpPointReader
{
	Oid			geom_type;		/* geometry type OID (from the call site) */
	FmgrInfo	send;			/* PostGIS's binary send: EWKB */
	bool		peek;			/* PostGIS's ST_X, ST_Y and ST_SRID found */
	FmgrInfo	st_x;
	FmgrInfo	st_y;
	FmgrInfo	st_srid;
	/* calls of st_x and st_y set up once: each row only sets the argument */
	FunctionCallInfo x_call;
	FunctionCallInfo y_call;
	bool		typed_point;	/* the argument is a geometry(Point...) column */
	int32		typed_srid;		/* ... of this SRID (0: any) */
	const char *fname;			/* for messages: "safety.grid_agg" */
	const char *argname;		/* "geom" */
	int32		checked_srid;	/* last SRID checked for being geographic */
	bool		checked;
	bool		geographic;
} SpPointReader;

/*
 * declared type of argument argno / of the result of the running function
 * (fn_types.c); the call expression only for polymorphic types
 */
Oid			sp_fn_argtype(FunctionCallInfo fcinfo, int argno);
Oid			sp_fn_rettype(FunctionCallInfo fcinfo);
/* AggGetAggref(), only when it is the aggregate of the running function */
struct Aggref *sp_own_aggref(FunctionCallInfo fcinfo);

/* reader for argument argno of the current call, cached in fn_extra */
SpPointReader *sp_point_reader_init(FunctionCallInfo fcinfo, int argno,
									const char *fname, const char *argname);
static inline SpPointReader *
sp_point_reader(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname)
{
	SpPointReader *r = (SpPointReader *) fcinfo->flinfo->fn_extra;

	return r ? r : sp_point_reader_init(fcinfo, argno, fname, argname);
}
/* a reader of points of type geom_type, not cached */
SpPointReader *sp_point_reader_for_type(Oid geom_type, MemoryContext ctx, const char *fname,
										const char *argname);
/* the points of a geometry[] argument, one projected SRID; points (may be NULL) the elements */
void		sp_point_array(FunctionCallInfo fcinfo, int argno, const char *fname,
						   const char *argname, int *n, double **x, double **y, int32 *srid,
						   Datum **points);
/* x, y and SRID of a point, with clear errors for anything else */
void		sp_read_point(SpPointReader *r, Datum geom, double *x, double *y, int32 *srid);
/* error if srid is geographic (degrees), naming what needs metres */
void		sp_require_projected(SpPointReader *r, int32 srid, const char *needs);
/* whether an SRID is geographic, from PostGIS's spatial_ref_sys */
bool		sp_srid_is_geographic(int32 srid);
/* polygons made through PostGIS's binary receive; buf is reused per call */
typedef struct SpPolygonMaker
{
	FmgrInfo	recv;
	Oid			ioparam;
	StringInfoData buf;
} SpPolygonMaker;
void		sp_polygon_maker_init(SpPolygonMaker *m, Oid geom_type, MemoryContext ctx);
Datum		sp_make_polygon(SpPolygonMaker *m, int32 srid, const double *xs, const double *ys,
							size_t n);
/* a point through the same receive function */
Datum		sp_make_point(SpPolygonMaker *m, int32 srid, double x, double y);
/* the polygon of grid cell (i, j) (grid_cells.c); an error naming fname if it has none */
Datum		sp_cell_polygon(SpPolygonMaker *m, int kind, double cell_size, int32 srid, int32 i, int32 j,
							const char *fname);

/* --- safety.grid ----------------------------------------------------- */

typedef struct ExpandedGrid
{
	ExpandedObjectHeader hdr;
	int			magic;
	sc_grid		grid;
	sc_cell    *sorted;			/* cached canonical order for flattening */
	/* pending work of a richer state (kde_agg), done before any read */
	void		(*flush) (struct ExpandedGrid *eg);
	/* cells added by an aggregate, not yet in grid (see sp_grid_settle) */
	int			npending;
	const char *pending_fname;
	sc_cell		pending[SC_GRID_BATCH];
} ExpandedGrid;

/*
 * SQLSTATE 22S01 (an implementation-defined subclass of data exception):
 * valid arguments whose statistic is undefined for the data (Gi* over fewer
 * than 3 cells, or no variation).  Not 22000: PL/pgSQL's WHEN SQLSTATE
 * '22000' would catch the whole class.
 */
#define SP_ERRCODE_UNDEFINED MAKE_SQLSTATE('2', '2', 'S', '0', '1')

#define SP_GRID_MAGIC 0x53474944

/* a new empty expanded grid in parent */
ExpandedGrid *sp_grid_new(MemoryContext parent, sc_grid_kind kind, int32 srid,
						  double cell_size);
/* read-only access to any grid Datum (flat or expanded) */
ExpandedGrid *sp_grid_from_datum(Datum d, MemoryContext parent);
/* d as a read-write expanded grid we may change in place, or NULL */
static inline ExpandedGrid *
sp_grid_rw(Datum d)
{
	ExpandedGrid *eg;
	varatt_expanded ptr;

	if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return NULL;
	/* DatumGetEOHP, inline: this runs on every row of an aggregate */
	memcpy(&ptr, VARDATA_EXTERNAL(DatumGetPointer(d)), sizeof(ptr));
	eg = (ExpandedGrid *) ptr.eohptr;
	return eg->magic == SP_GRID_MAGIC ? eg : NULL;
}
void		sp_grid_changed(ExpandedGrid *eg);
/*
 * Add v to cell (i, j) later, in a batch (faster: see sc_grid_add_many).
 * Everything that reads eg->grid settles it first; fname names the
 * aggregate in an error raised then.
 */
void		sp_grid_add_later(ExpandedGrid *eg, int32 i, int32 j, double v, const char *fname);
void		sp_grid_settle(ExpandedGrid *eg);
#define SpGridGetDatum(eg) EOHPGetRWDatum(&(eg)->hdr)
/* add the cells of any grid datum into dst (same kind, SRID, size) */
void		sp_grid_add_datum(ExpandedGrid *dst, Datum d, const char *fname);
/* hint for SC_ERANGE from adding to a cell: its value would leave float8 */
#define SP_HINT_CELL_OVERFLOW "A cell holds the sum of its rows' weights: scale the weights down (e.g. to thousands) so that every sum stays within double precision (about 1.8e308)."
/* error unless a row's weight is finite */
void		sp_check_weight(const char *fname, double w);
/* error when a row's SRID differs from the aggregate's */
void		sp_check_same_srid(const char *fname, int32 have, int32 srid);
/* error unless cell_size is positive and finite */
void		sp_check_cell_size(const char *fname, double cell_size);

/* OIDs of the labels of the enum safety.tier (typ), indexed by sc_tier (tiers.c) */
void		sp_tier_oids(Oid typ, Oid out[4]);

/* argument readers (args.c): each raises an error naming the argument */
void		sp_arg_not_null(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname);
/* a NULL collection is no input: true, with an empty result set, when argno is NULL */
bool		sp_null_collection_srf(FunctionCallInfo fcinfo, int argno);
/* an interval as microseconds (a year 365.25 days, a month 30), > 0 and at most SC_INTERVAL_MAX_USEC */
int64		sp_arg_interval(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname);
/* error unless us is at most SC_INTERVAL_MAX_USEC (10000 years) */
void		sp_check_interval_max(int64 us, const char *fname, const char *argname);
/*
 * a one-dimensional array argument, not NULL: its elements (*n) and their
 * NULL flags, deconstructed by its element type (*elemtype, may be NULL)
 */
Datum	   *sp_arg_array(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname,
						 Oid *elemtype, bool **nulls, int *n);
/* a float8[] argument as a C array (*n), a NULL element an error (null_hint may be NULL) */
double	   *sp_arg_float8s(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname,
						   const char *null_hint, int *n);
/* a grid's distance band (its checks are the caller's), not NULL */
double		sp_arg_band(FunctionCallInfo fcinfo, int argno, const char *fname);
/* a finite timestamptz */
int64		sp_arg_time(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname);
/* a finite float8 */
double		sp_arg_float(FunctionCallInfo fcinfo, int argno, const char *fname, const char *argname);
/* midnight of the first event's day; error when the collection is empty */
int64		sp_data_start(const sc_events *e, const char *fname);
/* as_of must lie after data_start */
void		sp_check_as_of(int64 as_of, int64 data_start, const char *fname, const char *argname);
/* sorted cells of an expanded grid (cached) */
const sc_cell *sp_grid_cells(ExpandedGrid *eg);

/* --- safety.events --------------------------------------------------- */

typedef struct ExpandedEvents
{
	ExpandedObjectHeader hdr;
	int			magic;
	sc_events	ev;
	bool		sorted;
} ExpandedEvents;

#define SP_EVENTS_MAGIC 0x53455654

ExpandedEvents *sp_events_new(MemoryContext parent, int32 srid);
ExpandedEvents *sp_events_from_datum(Datum d, MemoryContext parent);
bool		sp_events_is_rw(Datum d);
/* put the events in canonical order (done before flattening) */
void		sp_events_sort(ExpandedEvents *ee);
#define SpEventsGetDatum(ee) EOHPGetRWDatum(&(ee)->hdr)

/* error unless the events' SRID is projected; fname names the caller */
void		sp_events_require_projected(const sc_events *e, const char *fname);

/*
 * NOTICE when at least 1% of e are copies of another event, by id or by
 * place and time (duplicates.c): argname names the tolerance
 * (same_location, tolerance), effect is a format with one %llu (the pairs
 * inside the groups) saying what the copies do to
 * the result, hint is appended to the hint (may be "").
 */
void		sp_notice_duplicates(const sc_events *e, double tolerance, const char *fname,
								 const char *argname, const char *effect, const char *hint);

/* a flat copy of an expanded object in the current context; the object is deleted */
void	   *sp_flatten(ExpandedObjectHeader *eoh);

/* flat varlena: 4-byte length word, 4 bytes padding, then the core form */
#define SP_FLAT_OFFSET 8

/* aggregate context or an error naming the function */
MemoryContext sp_agg_context(FunctionCallInfo fcinfo, const char *fname);

#endif
