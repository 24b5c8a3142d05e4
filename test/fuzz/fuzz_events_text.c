/*
 * fuzz_events_text.c — the text reader of safety.events
 * (sc_events_text_read).  Any input: no crash, and a refusal says why.  An
 * accepted collection, in canonical order, prints as text that reads back as
 * the same events and prints the same again; its flat (on-disk) form reads
 * back as the same events.
 */
#include "fuzz_util.h"
#include "sc_events.h"
#include "sc_text.h"

static char *
print_events(const sc_events *e)
{
	sc_buf		b;

	sc_buf_init(&b, &sc_malloc_allocator);
	sc_events_text_write(&b, e);
	FZ_REQUIRE(!b.failed);
	return b.data;
}

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

static void
check_flat(const sc_events *e)
{
	size_t		len = sc_events_flat_size(e->n, e->flags);
	unsigned char *buf = malloc(len);
	sc_events	back;
	sc_err		err = {{0}};

	FZ_REQUIRE(buf != NULL);
	sc_events_flat_write(buf, e);
	sc_events_init(&back, 0, 0, &sc_malloc_allocator);
	FZ_REQUIRE(sc_events_flat_read(buf, len, &back, &err) == SC_OK);
	require_same_events(e, &back);
	sc_events_free(&back);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = fz_cstring(data, size);
	sc_events	e,
				back;
	sc_err		err = {{0}};
	sc_status	st;
	char	   *text,
			   *text2;

	sc_events_init(&e, 0, FZ_MAX_ITEMS, &sc_malloc_allocator);
	st = sc_events_text_read(s, &e, &err);
	if (st != SC_OK)
	{
		fz_require_reason(st, &err);
		sc_events_free(&e);
		free(s);
		return 0;
	}
	FZ_REQUIRE(sc_events_sort(&e, &err) == SC_OK);
	text = print_events(&e);
	sc_events_init(&back, 0, FZ_MAX_ITEMS, &sc_malloc_allocator);
	FZ_REQUIRE(sc_events_text_read(text, &back, &err) == SC_OK);
	FZ_REQUIRE(sc_events_sort(&back, &err) == SC_OK);
	require_same_events(&e, &back);
	text2 = print_events(&back);
	FZ_REQUIRE(strcmp(text, text2) == 0);
	check_flat(&e);

	free(text);
	free(text2);
	sc_events_free(&e);
	sc_events_free(&back);
	free(s);
	return 0;
}
