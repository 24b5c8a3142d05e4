/*
 * fuzz_grid_text.c — the text reader of safety.grid (sc_grid_text_read).
 * Any input: no crash, and a refusal says why.  An accepted grid prints as
 * text that reads back as the same grid and prints the same again; its flat
 * (on-disk) form reads back as the same cells.
 */
#include "fuzz_util.h"
#include "sc_grid.h"
#include "sc_text.h"

static char *
print_grid(const sc_grid *g, const sc_cell *cells)
{
	sc_buf		b;

	sc_buf_init(&b, &sc_malloc_allocator);
	sc_grid_text_write(&b, g->kind, g->srid, g->cell_size, cells, g->count);
	FZ_REQUIRE(!b.failed);
	return b.data;
}

static void
require_same_cells(const sc_cell *a, const sc_cell *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		FZ_REQUIRE(a[k].i == b[k].i && a[k].j == b[k].j && fz_same(a[k].value, b[k].value));
}

static void
check_flat(const sc_grid *g, const sc_cell *cells)
{
	size_t		len = sc_grid_flat_size(g->count);
	unsigned char *buf = malloc(len);
	sc_grid_view view;
	sc_err		err = {{0}};

	FZ_REQUIRE(buf != NULL);
	sc_grid_flat_write(buf, g->kind, g->srid, g->cell_size, cells, g->count);
	FZ_REQUIRE(sc_grid_flat_read(buf, len, 0, &view, &err) == SC_OK);
	FZ_REQUIRE(view.kind == g->kind && view.srid == g->srid && fz_same(view.cell_size, g->cell_size));
	FZ_REQUIRE(view.ncells == g->count);
	for (size_t k = 0; k < view.ncells; k++)
	{
		sc_cell		c = sc_grid_flat_cell(&view, k);

		require_same_cells(&c, &cells[k], 1);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = fz_cstring(data, size);
	sc_grid		g,
				back;
	sc_err		err = {{0}};
	sc_status	st;
	sc_cell    *cells = NULL,
			   *cells2 = NULL;
	char	   *text,
			   *text2;

	sc_grid_init(&g, SC_GRID_SQUARE, 0, 1.0, FZ_MAX_ITEMS, &sc_malloc_allocator);
	st = sc_grid_text_read(s, &g, &err);
	if (st != SC_OK)
	{
		fz_require_reason(st, &err);
		sc_grid_free(&g);
		free(s);
		return 0;
	}
	FZ_REQUIRE(sc_grid_sorted(&g, &cells, &err) == SC_OK);
	text = print_grid(&g, cells);
	sc_grid_init(&back, SC_GRID_SQUARE, 0, 1.0, FZ_MAX_ITEMS, &sc_malloc_allocator);
	FZ_REQUIRE(sc_grid_text_read(text, &back, &err) == SC_OK);
	FZ_REQUIRE(back.kind == g.kind && back.srid == g.srid && fz_same(back.cell_size, g.cell_size));
	FZ_REQUIRE(back.count == g.count);
	FZ_REQUIRE(sc_grid_sorted(&back, &cells2, &err) == SC_OK);
	require_same_cells(cells, cells2, g.count);
	text2 = print_grid(&back, cells2);
	FZ_REQUIRE(strcmp(text, text2) == 0);
	check_flat(&g, cells);

	free(text);
	free(text2);
	free(cells);
	free(cells2);
	sc_grid_free(&g);
	sc_grid_free(&back);
	free(s);
	return 0;
}
