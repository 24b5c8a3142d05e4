/*
 * grid_type.c — the safety.grid type: text and binary I/O, and its expanded
 * (in-memory hash) form, which lets aggregates keep a real safety.grid as
 * their state and update it in place row by row.
 */
#include "safety_pg.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include <math.h>

#include "sc_text.h"

static Size grid_get_flat_size(ExpandedObjectHeader *eohptr);
static void grid_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods grid_methods = {grid_get_flat_size, grid_flatten_into};

ExpandedGrid *
sp_grid_new(MemoryContext parent, sc_grid_kind kind, int32 srid, double cell_size)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "safety.grid", ALLOCSET_DEFAULT_SIZES);
	ExpandedGrid *eg = MemoryContextAllocZero(ctx, sizeof(ExpandedGrid));
	sc_alloc	alloc = sp_allocator(ctx);

	EOH_init_header(&eg->hdr, &grid_methods, ctx);
	eg->magic = SP_GRID_MAGIC;
	sc_grid_init(&eg->grid, kind, srid, cell_size, (size_t) safety_max_cells, &alloc);
	return eg;
}

void
sp_grid_changed(ExpandedGrid *eg)
{
	if (eg->sorted)
	{
		pfree(eg->sorted);
		eg->sorted = NULL;
	}
}

void
sp_grid_add_later(ExpandedGrid *eg, int32 i, int32 j, double v, const char *fname)
{
	sc_cell    *c = &eg->pending[eg->npending++];

	c->i = i;
	c->j = j;
	c->value = v;
	eg->pending_fname = fname;
	if (eg->npending == SC_GRID_BATCH)
		sp_grid_settle(eg);
}

void
sp_grid_settle(ExpandedGrid *eg)
{
	sc_err		err;
	sc_status	st;
	int			n;

	if (eg->flush)
		eg->flush(eg);
	n = eg->npending;
	if (n == 0)
		return;
	eg->npending = 0;
	sp_grid_changed(eg);
	if ((st = sc_grid_add_many(&eg->grid, eg->pending, n, &err)) != SC_OK)
		sp_raise_hint(st, &err, eg->pending_fname, ERRCODE_INVALID_PARAMETER_VALUE,
					  st == SC_ERANGE ? SP_HINT_CELL_OVERFLOW : NULL);
}

const sc_cell *
sp_grid_cells(ExpandedGrid *eg)
{
	sp_grid_settle(eg);
	if (eg->sorted == NULL)
	{
		sc_err		err;
		sc_status	st = sc_grid_sorted(&eg->grid, &eg->sorted, &err);

		if (st != SC_OK)
			sp_raise(st, &err, "safety.grid", ERRCODE_INTERNAL_ERROR);
	}
	return eg->sorted;
}

static Size
grid_get_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedGrid *eg = (ExpandedGrid *) eohptr;
	size_t		size;

	Assert(eg->magic == SP_GRID_MAGIC);
	sp_grid_settle(eg);
	size = SP_FLAT_OFFSET + sc_grid_flat_size(eg->grid.count);
	if (size > MaxAllocSize)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("safety.grid: %zu cells are too many to store in one value",
							   eg->grid.count),
						errhint("Use a larger cell size or a smaller area.")));
	sp_grid_cells(eg);
	return size;
}

static void
grid_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedGrid *eg = (ExpandedGrid *) eohptr;

	memset(result, 0, SP_FLAT_OFFSET);
	SET_VARSIZE(result, allocated_size);
	sc_grid_flat_write((char *) result + SP_FLAT_OFFSET, eg->grid.kind, eg->grid.srid,
					   eg->grid.cell_size, sp_grid_cells(eg), eg->grid.count);
}

/* read-only view of a grid datum; a flat one is loaded into a new hash grid */
ExpandedGrid *
sp_grid_from_datum(Datum d, MemoryContext parent)
{
	struct varlena *v;
	sc_grid_view view;
	sc_err		err;
	sc_status	st;
	ExpandedGrid *eg;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		eg = (ExpandedGrid *) DatumGetEOHP(d);
		if (eg->magic != SP_GRID_MAGIC)
			elog(ERROR, "safety.grid: expanded value of another type");
		sp_grid_settle(eg);
		return eg;
	}
	v = sp_detoast(d, "safety.grid");
	if (VARSIZE(v) < SP_FLAT_OFFSET)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("safety.grid: stored value is corrupt")));
	/* a stored value exists already: the cell limit guards new grids only */
	st = sc_grid_flat_read((char *) v + SP_FLAT_OFFSET, VARSIZE(v) - SP_FLAT_OFFSET, 0, &view, &err);
	if (st != SC_OK)
		sp_raise(st, &err, "safety.grid: stored value is corrupt", ERRCODE_DATA_CORRUPTED);
	eg = sp_grid_new(parent, view.kind, view.srid, view.cell_size);
	eg->grid.max_cells = 0;
	if ((st = sc_grid_load(&eg->grid, &view, &err)) != SC_OK)
		sp_raise(st, &err, "safety.grid", ERRCODE_DATA_CORRUPTED);
	eg->grid.max_cells = (size_t) safety_max_cells;
	return eg;
}

/* ---- text I/O ---- */

PG_FUNCTION_INFO_V1(safety_grid_in);
Datum
safety_grid_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	ExpandedGrid *eg = sp_grid_new(CurrentMemoryContext, SC_GRID_SQUARE, 0, 1.0);
	sc_err		err;
	sc_status	st = sc_grid_text_read(s, &eg->grid, &err);

	if (st == SC_ELIMIT || st == SC_ENOMEM)
		sp_raise(st, &err, "safety.grid", 0);
	if (st != SC_OK)
		ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						errmsg("invalid input syntax for type safety.grid: %s", err.msg),
						errhint("Expected SRID=<srid>;SQUARE(<cell size>){(i,j,value),...} or HEX(...), cells in ascending (i, j) order.")));
	/* return a flat value: input functions must not hand out expanded datums */
	PG_RETURN_POINTER(sp_flatten(&eg->hdr));
}

PG_FUNCTION_INFO_V1(safety_grid_out);
Datum
safety_grid_out(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	sc_alloc	alloc = sp_allocator(CurrentMemoryContext);
	sc_buf		b;

	sc_buf_init(&b, &alloc);
	sc_grid_text_write(&b, eg->grid.kind, eg->grid.srid, eg->grid.cell_size,
					   sp_grid_cells(eg), eg->grid.count);
	PG_RETURN_CSTRING(sp_buf_text(&b, "safety.grid"));
}

/*
 * Binary form (network byte order): int1 version, int1 kind, int4 srid,
 * float8 cell_size, int8 ncells, then per cell int4 i, int4 j, float8 value,
 * in ascending (i, j) order.
 */
#define GRID_WIRE_VERSION 1
#define GRID_WIRE_CELL 16

PG_FUNCTION_INFO_V1(safety_grid_send);
Datum
safety_grid_send(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	const sc_cell *cells = sp_grid_cells(eg);
	StringInfoData buf;

	sp_check_memory("safety.grid", 22 + eg->grid.count * GRID_WIRE_CELL, "the binary form", NULL);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, GRID_WIRE_VERSION);
	pq_sendbyte(&buf, (int) eg->grid.kind);
	pq_sendint32(&buf, eg->grid.srid);
	pq_sendfloat8(&buf, eg->grid.cell_size);
	pq_sendint64(&buf, (int64) eg->grid.count);
	for (size_t k = 0; k < eg->grid.count; k++)
	{
		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		pq_sendint32(&buf, cells[k].i);
		pq_sendint32(&buf, cells[k].j);
		pq_sendfloat8(&buf, cells[k].value);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void grid_recv_error(const char *msg) pg_attribute_noreturn();

static void
grid_recv_error(const char *msg)
{
	ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					errmsg("invalid binary value for type safety.grid: %s", msg)));
}

PG_FUNCTION_INFO_V1(safety_grid_recv);
Datum
safety_grid_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				kind;
	int32		srid;
	double		cell_size;
	int64		n;
	ExpandedGrid *eg;
	sc_err		err;
	sc_status	st;
	int32		pi = 0,
				pj = 0;

	if (buf->len - buf->cursor < 22)
		grid_recv_error("too short");
	version = pq_getmsgbyte(buf);
	kind = pq_getmsgbyte(buf);
	srid = pq_getmsgint(buf, 4);
	cell_size = pq_getmsgfloat8(buf);
	n = pq_getmsgint64(buf);
	if (version != GRID_WIRE_VERSION)
		grid_recv_error("unsupported version");
	if ((st = sc_grid_check_header(kind, srid, cell_size, &err)) != SC_OK)
		grid_recv_error(err.msg);
	/* the length is checked against the bytes present before allocating */
	if (n < 0 || n > (int64) (buf->len - buf->cursor) / GRID_WIRE_CELL ||
		n * GRID_WIRE_CELL != (int64) (buf->len - buf->cursor))
		grid_recv_error("cell count does not match the data");
	if (n > safety_max_cells)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("safety.grid: %lld cells exceed safety.max_cells (%d)",
							   (long long) n, safety_max_cells)));
	eg = sp_grid_new(CurrentMemoryContext, (sc_grid_kind) kind, srid, cell_size);
	for (int64 k = 0; k < n; k++)
	{
		int32		i = pq_getmsgint(buf, 4);
		int32		j = pq_getmsgint(buf, 4);
		double		v = pq_getmsgfloat8(buf);

		if (k % SC_INTERRUPT_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (i < -SC_CELL_INDEX_MAX || i > SC_CELL_INDEX_MAX ||
			j < -SC_CELL_INDEX_MAX || j > SC_CELL_INDEX_MAX)
			grid_recv_error("cell index out of range");
		if (k > 0 && (i < pi || (i == pi && j <= pj)))
			grid_recv_error("cells not in strictly ascending (i, j) order");
		if (isnan(v) || isinf(v))
			grid_recv_error("non-finite cell value");
		if ((st = sc_grid_add(&eg->grid, i, j, v, &err)) != SC_OK)
			sp_raise(st, &err, "safety.grid", ERRCODE_INVALID_BINARY_REPRESENTATION);
		pi = i;
		pj = j;
	}
	PG_RETURN_POINTER(sp_flatten(&eg->hdr));
}

/* ---- small accessors ---- */

PG_FUNCTION_INFO_V1(safety_grid_srid);
Datum
safety_grid_srid(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext)->grid.srid);
}

PG_FUNCTION_INFO_V1(safety_grid_cell_size);
Datum
safety_grid_cell_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext)->grid.cell_size);
}

PG_FUNCTION_INFO_V1(safety_grid_shape);
Datum
safety_grid_shape(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);

	PG_RETURN_TEXT_P(cstring_to_text(eg->grid.kind == SC_GRID_HEX ? "hexagon" : "square"));
}

PG_FUNCTION_INFO_V1(safety_grid_num_cells);
Datum
safety_grid_num_cells(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext)->grid.count);
}

PG_FUNCTION_INFO_V1(safety_grid_total);
Datum
safety_grid_total(PG_FUNCTION_ARGS)
{
	ExpandedGrid *eg = sp_grid_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	const sc_cell *cells = sp_grid_cells(eg);
	double		sum = 0;

	for (size_t k = 0; k < eg->grid.count; k++)
		sum += cells[k].value;
	/* each cell is finite, their sum need not be: as float8 +, an error */
	if (!isfinite(sum))
		ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						errmsg("safety.total: the sum of the cells is beyond double precision"),
						errhint("Sum parts of the grid, e.g. sum(value::numeric) FROM safety.cells(g).")));
	PG_RETURN_FLOAT8(sum);
}
