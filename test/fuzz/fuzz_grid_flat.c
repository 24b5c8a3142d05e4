/*
 * fuzz_grid_flat.c — the on-disk reader of safety.grid (sc_grid_flat_read,
 * then sc_grid_load as the server does).  Any bytes: no crash, and a refusal
 * says why.  An accepted value is canonical: loaded and written again it
 * gives the same bytes, and its text form reads back as the same cells.
 */
#include "fuzz_util.h"
#include "sc_grid.h"
#include "sc_text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_grid_view view;
	sc_grid		g,
				back;
	sc_err		err = {{0}};
	sc_status	st;
	sc_cell    *cells = NULL;
	unsigned char *again;
	sc_buf		b;

	st = sc_grid_flat_read(data, size, FZ_MAX_ITEMS, &view, &err);
	if (st != SC_OK)
	{
		fz_require_reason(st, &err);
		return 0;
	}
	sc_grid_init(&g, view.kind, view.srid, view.cell_size, 0, &sc_malloc_allocator);
	FZ_REQUIRE(sc_grid_load(&g, &view, &err) == SC_OK);
	FZ_REQUIRE(g.count == view.ncells);
	FZ_REQUIRE(sc_grid_sorted(&g, &cells, &err) == SC_OK);
	FZ_REQUIRE(sc_grid_flat_size(g.count) == size);
	again = malloc(size);
	FZ_REQUIRE(again != NULL);
	sc_grid_flat_write(again, g.kind, g.srid, g.cell_size, cells, g.count);
	FZ_REQUIRE(memcmp(again, data, size) == 0);

	sc_buf_init(&b, &sc_malloc_allocator);
	sc_grid_text_write(&b, g.kind, g.srid, g.cell_size, cells, g.count);
	FZ_REQUIRE(!b.failed);
	sc_grid_init(&back, SC_GRID_SQUARE, 0, 1.0, 0, &sc_malloc_allocator);
	FZ_REQUIRE(sc_grid_text_read(b.data, &back, &err) == SC_OK);
	FZ_REQUIRE(back.count == g.count && back.kind == g.kind && back.srid == g.srid);
	for (size_t k = 0; k < g.count; k++)
	{
		double		v;

		FZ_REQUIRE(sc_grid_get(&back, cells[k].i, cells[k].j, &v) && fz_same(v, cells[k].value));
	}

	free(b.data);
	free(again);
	free(cells);
	sc_grid_free(&g);
	sc_grid_free(&back);
	return 0;
}
