/*
 * events_type.c — the safety.events type: text and binary I/O and its
 * expanded (column arrays) form used as an aggregate state.
 */
#include "safety_pg.h"

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "sc_text.h"

static Size events_get_flat_size(ExpandedObjectHeader *eohptr);
static void events_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods events_methods = {events_get_flat_size, events_flatten_into};

ExpandedEvents *
sp_events_new(MemoryContext parent, int32 srid)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "safety.events", ALLOCSET_DEFAULT_SIZES);
	ExpandedEvents *ee = MemoryContextAllocZero(ctx, sizeof(ExpandedEvents));
	sc_alloc	alloc = sp_allocator(ctx);

	EOH_init_header(&ee->hdr, &events_methods, ctx);
	ee->magic = SP_EVENTS_MAGIC;
	sc_events_init(&ee->ev, srid, (size_t) safety_max_events, &alloc);
	ee->sorted = true;
	return ee;
}

void
sp_events_sort(ExpandedEvents *ee)
{
	if (!ee->sorted)
	{
		sc_err		err;
		sc_status	st = sc_events_sort(&ee->ev, &err);

		if (st != SC_OK)
			sp_raise(st, &err, "safety.events", ERRCODE_INTERNAL_ERROR);
		ee->sorted = true;
	}
}

static Size
events_get_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedEvents *ee = (ExpandedEvents *) eohptr;
	size_t		size = SP_FLAT_OFFSET + sc_events_flat_size(ee->ev.n, ee->ev.flags);

	if (size > MaxAllocSize)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("safety.events: %zu events are too many to store in one value", ee->ev.n),
						errhint("Collect fewer events per value, e.g. per district or per month.")));
	sp_events_sort(ee);
	return size;
}

static void
events_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedEvents *ee = (ExpandedEvents *) eohptr;

	memset(result, 0, SP_FLAT_OFFSET);
	SET_VARSIZE(result, allocated_size);
	sp_events_sort(ee);
	sc_events_flat_write((char *) result + SP_FLAT_OFFSET, &ee->ev);
}

bool
sp_events_is_rw(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		((ExpandedEvents *) DatumGetEOHP(d))->magic == SP_EVENTS_MAGIC;
}

ExpandedEvents *
sp_events_from_datum(Datum d, MemoryContext parent)
{
	struct varlena *v;
	ExpandedEvents *ee;
	sc_err		err;
	sc_status	st;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ee = (ExpandedEvents *) DatumGetEOHP(d);
		if (ee->magic != SP_EVENTS_MAGIC)
			elog(ERROR, "safety.events: expanded value of another type");
		return ee;
	}
	v = sp_detoast(d, "safety.events");
	ee = sp_events_new(parent, 0);
	ee->ev.max_events = 0;		/* the limit guards new collections only */
	if (VARSIZE(v) < SP_FLAT_OFFSET)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("safety.events: stored value is corrupt")));
	st = sc_events_flat_read((char *) v + SP_FLAT_OFFSET, VARSIZE(v) - SP_FLAT_OFFSET, &ee->ev, &err);
	if (st != SC_OK)
		sp_raise(st, &err, st == SC_ENOMEM ? "safety.events" : "safety.events: stored value is corrupt",
				 ERRCODE_DATA_CORRUPTED);
	ee->ev.max_events = (size_t) safety_max_events;
	return ee;
}

PG_FUNCTION_INFO_V1(safety_events_in);
Datum
safety_events_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	ExpandedEvents *ee = sp_events_new(CurrentMemoryContext, 0);
	sc_err		err;
	sc_status	st = sc_events_text_read(s, &ee->ev, &err);

	if (st == SC_ELIMIT || st == SC_ENOMEM)
		sp_raise(st, &err, "safety.events", 0);
	if (st != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						errmsg("invalid input syntax for type safety.events: %s", err.msg),
						errhint("Expected SRID=<srid>;{(x,y,from,to,weight,id),...} with times as YYYY-MM-DDTHH:MM:SSZ; to and id may be empty.")));
	ee->sorted = false;
	PG_RETURN_POINTER(sp_flatten(&ee->hdr));
}

PG_FUNCTION_INFO_V1(safety_events_out);
Datum
safety_events_out(PG_FUNCTION_ARGS)
{
	ExpandedEvents *ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_buf		b;

	sp_events_sort(ee);
	sc_buf_init(&b, &alloc);
	sc_events_text_write(&b, &ee->ev);
	PG_RETURN_CSTRING(sp_buf_text(&b, "safety.events"));
}

/*
 * Binary form (network byte order): int1 version, int1 flags, int4 srid,
 * int8 n, then per event float8 x, float8 y, int8 from, int8 to,
 * float8 weight, int1 has_id, int8 id (timestamps as PostgreSQL's int8
 * microseconds since 2000-01-01 UTC).
 */
#define EVENTS_WIRE_VERSION 1
#define EVENTS_WIRE_EVENT 49

PG_FUNCTION_INFO_V1(safety_events_send);
Datum
safety_events_send(PG_FUNCTION_ARGS)
{
	ExpandedEvents *ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	const sc_events *e = &ee->ev;
	StringInfoData buf;

	sp_events_sort(ee);
	sp_check_memory("safety.events", 14 + e->n * EVENTS_WIRE_EVENT, "the binary form", NULL);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, EVENTS_WIRE_VERSION);
	pq_sendbyte(&buf, e->flags);
	pq_sendint32(&buf, e->srid);
	pq_sendint64(&buf, (int64) e->n);
	for (size_t k = 0; k < e->n; k++)
	{
		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		pq_sendfloat8(&buf, e->x[k]);
		pq_sendfloat8(&buf, e->y[k]);
		pq_sendint64(&buf, e->t[k]);
		pq_sendint64(&buf, e->tend[k]);
		pq_sendfloat8(&buf, e->w[k]);
		pq_sendbyte(&buf, e->has_id[k]);
		pq_sendint64(&buf, e->id[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void events_recv_error(const char *msg) pg_attribute_noreturn();

static void
events_recv_error(const char *msg)
{
	ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					errmsg("invalid binary value for type safety.events: %s", msg)));
}

PG_FUNCTION_INFO_V1(safety_events_recv);
Datum
safety_events_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				flags;
	int32		srid;
	int64		n;
	ExpandedEvents *ee;
	sc_err		err;
	sc_status	st;

	if (buf->len - buf->cursor < 14)
		events_recv_error("too short");
	version = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	srid = pq_getmsgint(buf, 4);
	n = pq_getmsgint64(buf);
	if (version != EVENTS_WIRE_VERSION)
		events_recv_error("unsupported version");
	if (flags & ~SC_EV_FLAGS_ALL)
		events_recv_error("unknown flags");
	if (srid < 0 || srid > 999999)
		events_recv_error("SRID out of range");
	/* the length is checked against the bytes present before allocating */
	if (n < 0 || n > (int64) (buf->len - buf->cursor) / EVENTS_WIRE_EVENT ||
		n * EVENTS_WIRE_EVENT != (int64) (buf->len - buf->cursor))
		events_recv_error("event count does not match the data");
	if (n > safety_max_events)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("safety.events: %lld events exceed safety.max_events (%d)",
							   (long long) n, safety_max_events)));
	ee = sp_events_new(CurrentMemoryContext, srid);
	for (int64 k = 0; k < n; k++)
	{
		double		x = pq_getmsgfloat8(buf);
		double		y = pq_getmsgfloat8(buf);
		int64		t = pq_getmsgint64(buf);
		int64		tend = pq_getmsgint64(buf);
		double		w = pq_getmsgfloat8(buf);
		int			has_id = pq_getmsgbyte(buf);
		int64		id = pq_getmsgint64(buf);

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (has_id > 1 || (!has_id && id != 0))
			events_recv_error("invalid id marker");
		if ((st = sc_events_add(&ee->ev, x, y, t, tend != t, tend, w, has_id, id, &err)) == SC_ENOMEM)
			sp_raise(st, &err, "safety.events", 0);
		if (st != SC_OK)
			events_recv_error(err.msg);
	}
	/* flags are derived from the data, so they must agree with it */
	if (ee->ev.flags != flags)
		events_recv_error("flags do not match the events");
	ee->sorted = false;
	PG_RETURN_POINTER(sp_flatten(&ee->hdr));
}

/* ---- accessors ---- */

PG_FUNCTION_INFO_V1(safety_events_srid);
Datum
safety_events_srid(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext)->ev.srid);
}

PG_FUNCTION_INFO_V1(safety_events_count);
Datum
safety_events_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext)->ev.n);
}

/* event_rows(e): (id, x, y, occurred_from, occurred_to, weight) per event */
PG_FUNCTION_INFO_V1(safety_event_rows);
Datum
safety_event_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExpandedEvents *ee = sp_events_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	const sc_events *e = &ee->ev;

	sp_events_sort(ee);
	InitMaterializedSRF(fcinfo, 0);
	for (size_t k = 0; k < e->n; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {!e->has_id[k], false, false, false, e->tend[k] == e->t[k], false};

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(e->id[k]);
		values[1] = Float8GetDatum(e->x[k]);
		values[2] = Float8GetDatum(e->y[k]);
		values[3] = TimestampTzGetDatum(e->t[k]);
		values[4] = TimestampTzGetDatum(e->tend[k]);
		values[5] = Float8GetDatum(e->w[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
