/*
 * fuzz_events_flat.c — the on-disk reader of safety.events
 * (sc_events_flat_read).  Any bytes: no crash, and a refusal says why.  An
 * accepted value is canonical: written again it gives the same bytes, sorting
 * it changes nothing, and its text form reads back as the same events.
 */
#include "fuzz_util.h"
#include "sc_events.h"
#include "sc_text.h"

static void
require_same_events(const sc_events *a, const sc_events *b)
{
	FZ_REQUIRE(a->srid == b->srid && a->n == b->n && a->flags == b->flags);
	for (size_t k = 0; k < a->n; k++)
	{
		FZ_REQUIRE(fz_same(a->x[k], b->x[k]) && fz_same(a->y[k], b->y[k]) && fz_same(a->w[k], b->w[k]));
		FZ_REQUIRE(a->t[k] == b->t[k] && a->tend[k] == b->tend[k]);
		FZ_REQUIRE(a->has_id[k] == b->has_id[k] && a->id[k] == b->id[k]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_events	e,
				sorted,
				back;
	sc_err		err = {{0}};
	sc_status	st;
	unsigned char *again;
	sc_buf		b;

	sc_events_init(&e, 0, 0, &sc_malloc_allocator);
	st = sc_events_flat_read(data, size, &e, &err);
	if (st != SC_OK)
	{
		fz_require_reason(st, &err);
		sc_events_free(&e);
		return 0;
	}
	FZ_REQUIRE(sc_events_flat_size(e.n, e.flags) == size);
	again = malloc(size);
	FZ_REQUIRE(again != NULL);
	sc_events_flat_write(again, &e);
	FZ_REQUIRE(memcmp(again, data, size) == 0);

	/* the server trusts a stored collection to be in canonical order */
	sc_events_init(&sorted, e.srid, 0, &sc_malloc_allocator);
	FZ_REQUIRE(sc_events_merge(&sorted, &e, &err) == SC_OK);
	FZ_REQUIRE(sc_events_sort(&sorted, &err) == SC_OK);
	require_same_events(&e, &sorted);

	sc_buf_init(&b, &sc_malloc_allocator);
	sc_events_text_write(&b, &e);
	FZ_REQUIRE(!b.failed);
	sc_events_init(&back, 0, 0, &sc_malloc_allocator);
	FZ_REQUIRE(sc_events_text_read(b.data, &back, &err) == SC_OK);
	FZ_REQUIRE(sc_events_sort(&back, &err) == SC_OK);
	require_same_events(&e, &back);

	free(b.data);
	free(again);
	sc_events_free(&e);
	sc_events_free(&sorted);
	sc_events_free(&back);
	return 0;
}
