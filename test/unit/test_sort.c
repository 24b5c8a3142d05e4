/*
 * test_sort.c — the interruptible sorts of sc_common: sc_sort is a stable
 * sort (checked against insertion sort on keys with many ties), the radix,
 * heap and merge sorts poll their interrupt hook on large inputs, and the
 * readers and writers of the text forms poll the allocator's hook.
 */
#include "sc_common.h"
#include "sc_text.h"
#include "sc_test.h"

#include <stdlib.h>
#include <string.h>

typedef struct item
{
	int			key;
	int			order;			/* input position: shows stability */
} item;

static int
item_cmp(const void *a, const void *b)
{
	const item *x = a,
			   *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static int	interrupts;

static void
count_interrupt(void)
{
	interrupts++;
}

/* the stable reference: insertion sort */
static void
reference_sort(item *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
	{
		item		v = a[i];
		size_t		j = i;

		while (j > 0 && a[j - 1].key > v.key)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static void
test_stable(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 31, 33, 100, 1000, 4097};
	unsigned	seed = 7;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int keys = 1; keys <= 1000; keys *= 10)
		{
			size_t		n = sizes[s];
			item	   *a = malloc((n + 1) * sizeof(item)),
					   *b = malloc((n + 1) * sizeof(item)),
					   *tmp = malloc((n + 1) * sizeof(item));
			bool		same = true;

			for (size_t i = 0; i < n; i++)
			{
				seed = seed * 1103515245u + 12345u;
				a[i].key = (int) ((seed >> 8) % (unsigned) keys);
				a[i].order = (int) i;
			}
			memcpy(b, a, n * sizeof(item));
			sc_sort(a, tmp, n, sizeof(item), item_cmp, NULL);
			reference_sort(b, n);
			for (size_t i = 0; i < n; i++)
				same = same && a[i].key == b[i].key && a[i].order == b[i].order;
			CHECK(same);
			free(a);
			free(b);
			free(tmp);
		}
}

static void
test_polls(void)
{
	enum
	{
		N = 200000
	};
	item	   *a = malloc(N * sizeof(item)),
			   *tmp = malloc(N * sizeof(item));
	sc_keyed   *k = malloc(N * sizeof(sc_keyed)),
			   *kt = malloc(N * sizeof(sc_keyed));
	int64_t    *v = malloc(N * sizeof(int64_t));

	for (int i = 0; i < N; i++)
	{
		a[i].key = (i * 7919) % N;
		a[i].order = i;
		k[i].key = (uint64_t) ((i * 7919) % N);
		k[i].payload = (uint64_t) i;
		v[i] = (i * 7919) % N;
	}
	interrupts = 0;
	sc_sort(a, tmp, N, sizeof(item), item_cmp, count_interrupt);
	CHECK(interrupts >= N / SC_INTERRUPT_EVERY);
	interrupts = 0;
	sc_radix_sort(k, kt, N, count_interrupt);
	CHECK(interrupts >= N / SC_INTERRUPT_EVERY);
	interrupts = 0;
	sc_sort_i64(v, N, count_interrupt);
	CHECK(interrupts >= N / SC_INTERRUPT_EVERY);
	for (int i = 1; i < N; i++)
		if (a[i - 1].key > a[i].key || k[i - 1].key > k[i].key || v[i - 1] > v[i])
		{
			CHECK(!"sorted");
			break;
		}
	free(a);
	free(tmp);
	free(k);
	free(kt);
	free(v);
}

/* writing and reading 20,000 events and cells polls the allocator's hook */
static void
test_text_polls(void)
{
	sc_alloc	polled = sc_malloc_allocator;
	sc_events	e,
				back;
	sc_grid		g,
				gback;
	sc_cell    *cells;
	sc_buf		b;
	sc_err		err;

	polled.interrupt = count_interrupt;
	sc_events_init(&e, 32616, 0, &polled);
	for (int i = 0; i < 20000; i++)
		CHECK(sc_events_add(&e, i, i / 2.0, (int64_t) i * 1000000, false, 0, 1, true, i, &err) == SC_OK);
	interrupts = 0;
	sc_buf_init(&b, &polled);
	sc_events_text_write(&b, &e);
	CHECK(!b.failed && interrupts >= 4);
	interrupts = 0;
	sc_events_init(&back, 0, 0, &polled);
	CHECK(sc_events_text_read(b.data, &back, &err) == SC_OK && back.n == 20000);
	CHECK(interrupts >= 4);
	free(b.data);
	sc_events_free(&e);
	sc_events_free(&back);

	sc_grid_init(&g, SC_GRID_SQUARE, 32616, 10, 0, &polled);
	for (int i = 0; i < 20000; i++)
		CHECK(sc_grid_add(&g, i, -i, 0.1 * i, &err) == SC_OK);
	CHECK(sc_grid_sorted(&g, &cells, &err) == SC_OK);
	interrupts = 0;
	sc_buf_init(&b, &polled);
	sc_grid_text_write(&b, g.kind, g.srid, g.cell_size, cells, g.count);
	CHECK(!b.failed && interrupts >= 4);
	interrupts = 0;
	sc_grid_init(&gback, SC_GRID_SQUARE, 0, 1, 0, &polled);
	CHECK(sc_grid_text_read(b.data, &gback, &err) == SC_OK && gback.count == 20000);
	CHECK(interrupts >= 4);
	free(b.data);
	free(cells);
	sc_grid_free(&g);
	sc_grid_free(&gback);
}

int
main(void)
{
	test_stable();
	test_polls();
	test_text_polls();
	TEST_DONE("sort");
}
