/*
 * test_analysis_set.c — sc_near_event_cells against brute force: every cell
 * of the rectangle whose centre is within the band of a non-zero cell's
 * centre, on square and hexagonal grids, and the Gi* neighbour counts;
 * sc_area_cells against a point-in-area test of every cell centre.
 */
#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0x5eed5eed12345678ULL
#include "sc_test.h"
#include "sc_test_util.h"

#include "sc_analysis_set.h"

/* brute force: cells of the rectangle within band (plus 1e-9) of a non-zero cell */
static size_t
brute(sc_grid_kind kind, double s, double band, size_t n, const sc_cell *cells,
	  int32_t imin, int32_t imax, int32_t jmin, int32_t jmax, sc_cell *out)
{
	size_t		m = 0;
	double		lim2 = band * (1 + 1e-9) * band * (1 + 1e-9);

	for (int32_t i = imin; i <= imax; i++)
		for (int32_t j = jmin; j <= jmax; j++)
		{
			double		cx,
						cy,
						v = 0;
			bool		near = false;

			sc_grid_cell_center(kind, s, i, j, &cx, &cy);
			for (size_t k = 0; k < n; k++)
			{
				double		x,
							y;

				if (cells[k].i == i && cells[k].j == j)
					v = cells[k].value;
				if (cells[k].value == 0)
					continue;
				sc_grid_cell_center(kind, s, cells[k].i, cells[k].j, &x, &y);
				if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= lim2)
					near = true;
			}
			if (near)
				out[m++] = (sc_cell) {i, j, v};
		}
	return m;
}

static bool
same_cells(size_t n, const sc_cell *a, size_t m, const sc_cell *b)
{
	if (n != m)
		return false;
	for (size_t k = 0; k < n; k++)
		if (a[k].i != b[k].i || a[k].j != b[k].j || a[k].value != b[k].value)
			return false;
	return true;
}

/* random sparse grids, both kinds, bands from one spacing to several */
static void
test_brute(void)
{
	int			wrong = 0,
				runs = 0;

	for (int trial = 0; trial < 120; trial++)
	{
		sc_grid_kind kind = trial % 2 ? SC_GRID_HEX : SC_GRID_SQUARE;
		double		s = 10 + 90 * urand();
		double		spacing = kind == SC_GRID_HEX ? 1.7320508075688772 * s : s;
		/* integer multiples of the spacing (ties on the band) and random bands */
		double		band = trial % 3 == 0 ? spacing * (1 + trial % 4) : spacing * (1 + 4 * urand());
		int32_t		i0 = (int32_t) (200 * urand()) - 100,
					j0 = (int32_t) (200 * urand()) - 100,
					w = 3 + (int32_t) (25 * urand()),
					h = 3 + (int32_t) (25 * urand());
		size_t		n = 1 + (size_t) (12 * urand()),
					nout = 0,
					nb;
		sc_cell    *cells = malloc(n * sizeof(sc_cell)),
				   *ref = malloc((size_t) (w + 1) * (h + 1) * sizeof(sc_cell)),
				   *out = NULL;
		sc_err		err = {{0}};

		for (size_t k = 0; k < n; k++)
		{
			/* distinct cells: a random walk without repeats is not needed, a stride is */
			cells[k].i = i0 + (int32_t) ((k * 7 + (size_t) (w * urand())) % (size_t) (w + 1));
			cells[k].j = j0 + (int32_t) ((size_t) (h * urand()) % (size_t) (h + 1));
			cells[k].value = k % 4 == 3 ? 0.0 : 1 + (double) (k % 5);
			for (size_t q = 0; q < k; q++)
				if (cells[q].i == cells[k].i && cells[q].j == cells[k].j)
					cells[k].value = 0, cells[k].i = i0 - 1000 - (int32_t) k;	/* outside: clipped */
		}
		nb = brute(kind, s, band, n, cells, i0, i0 + w, j0, j0 + h, ref);
		if (sc_near_event_cells(kind, s, band, n, cells, i0, i0 + w, j0, j0 + h, 0, &out, &nout,
								NULL, &sc_malloc_allocator, &err) != SC_OK ||
			!same_cells(nout, out, nb, ref))
			wrong++;
		runs++;
		free(out);
		free(cells);
		free(ref);
	}
	CHECK(runs == 120);
	CHECK(wrong == 0);
}

/*
 * A hand case: one event in the middle of a 7×7 square grid of cell 1 with
 * band 2: the 13 cells of the lattice disc (d² ∈ {0,1,2,4}); Gi* over those
 * cells gives every one a neighbourhood holding the event.
 */
static void
test_hand(void)
{
	sc_cell		ev = {3, 3, 5.0};
	sc_cell    *out = NULL;
	size_t		n = 0;
	sc_err		err = {{0}};
	int			with_event = 0;

	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 2.0, 1, &ev, 0, 6, 0, 6, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_OK);
	CHECK(n == 13);
	for (size_t k = 0; k < n; k++)
	{
		int			di = out[k].i - 3,
					dj = out[k].j - 3;

		with_event += di * di + dj * dj <= 4;
		if (k > 0)
			CHECK(out[k - 1].i < out[k].i || (out[k - 1].i == out[k].i && out[k - 1].j < out[k].j));
	}
	CHECK(with_event == 13);
	CHECK(out[6].i == 3 && out[6].j == 3 && out[6].value == 5.0);
	free(out);

	/* clipped at the corner of the rectangle: 6 of the 13 */
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 2.0, 1, &ev, 3, 9, 3, 9, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_OK);
	CHECK(n == 6);
	free(out);

	/* a hexagon (edge 1) and band √3: itself and its 6 neighbours */
	CHECK(sc_near_event_cells(SC_GRID_HEX, 1.0, 1.7320508075688772, 1, &ev, -10, 10, -10, 10, 0, &out, &n,
							  NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(n == 7);
	free(out);

	/* only zeros: nothing is near an event */
	ev.value = 0;
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 2.0, 1, &ev, 0, 6, 0, 6, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_OK);
	CHECK(n == 0);
	free(out);
}

/*
 * The Gi* neighbourhood (centres within the band, itself included) of every
 * cell left out holds no event, that of every cell kept holds one.
 */
static void
test_gistar_agrees(void)
{
	enum
	{
		W = 40
	};
	sc_cell		cells[30];
	sc_cell    *out = NULL;
	size_t		n = 0,
				nfull = (W + 1) * (W + 1);
	double	   *cx = malloc(nfull * sizeof(double)),
			   *cy = malloc(nfull * sizeof(double)),
			   *x = calloc(nfull, sizeof(double));
	sc_err		err = {{0}};
	size_t		kept = 0,
				bad = 0;
	double		band = 750;

	for (int k = 0; k < 30; k++)
	{
		cells[k].i = 100 + (k * 13) % 12;
		cells[k].j = 200 + (k * 7) % 15;
		cells[k].value = 1 + k % 3;
	}
	/* cells repeat in this pattern only at k ≡ k' mod lcm: make them distinct */
	for (int k = 0; k < 30; k++)
		for (int q = 0; q < k; q++)
			if (cells[q].i == cells[k].i && cells[q].j == cells[k].j)
				cells[k].value = 0;
	cells[29] = (sc_cell) {100 + W, 200 + W, 4.0};	/* a lone far event */
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 250, band, 30, cells, 100, 100 + W, 200, 200 + W, 0,
							  &out, &n, NULL, &sc_malloc_allocator, &err) == SC_OK);
	/* full rectangle, values 1 for the indicator "non-zero" */
	for (size_t k = 0; k < nfull; k++)
		sc_grid_cell_center(SC_GRID_SQUARE, 250, 100 + (int32_t) (k / (W + 1)), 200 + (int32_t) (k % (W + 1)),
							&cx[k], &cy[k]);
	for (int k = 0; k < 30; k++)
		if (cells[k].value != 0)
			x[(size_t) (cells[k].i - 100) * (W + 1) + (size_t) (cells[k].j - 200)] = 1;
	for (size_t k = 0; k < nfull; k++)
	{
		int32_t		i = 100 + (int32_t) (k / (W + 1)),
					j = 200 + (int32_t) (k % (W + 1));
		bool		in = false;
		double		sum = 0;

		for (size_t q = 0; q < n; q++)
			in |= out[q].i == i && out[q].j == j;
		for (size_t q = 0; q < nfull; q++)
			if (x[q] != 0 && (cx[q] - cx[k]) * (cx[q] - cx[k]) + (cy[q] - cy[k]) * (cy[q] - cy[k]) <= band * band * (1 + 1e-12))
				sum += x[q];
		kept += in;
		bad += in != (sum > 0);
	}
	CHECK(kept == n);
	CHECK(bad == 0);
	CHECK(n < nfull / 2);
	free(out);
	free(cx);
	free(cy);
	free(x);
}

/* a hexagonal run whose result is freed at once (for ENOMEM_SWEEP's leak check) */
static sc_status
run_and_free(const sc_cell *ev, const sc_alloc *alloc, sc_err *err)
{
	sc_cell    *out = NULL;
	size_t		n = 0;
	sc_status	st = sc_near_event_cells(SC_GRID_HEX, 1.0, 3.0, 2, ev, -50, 50, -50, 50, 0,
										 &out, &n, NULL, alloc, err);

	sc_free(alloc, out);
	return st;
}

static void
test_limits(void)
{
	sc_cell		ev[2] = {{0, 0, 1.0}, {-1073741824, 1073741824, 1.0}};
	sc_cell    *out = NULL;
	size_t		n = 0;
	sc_err		err = {{0}};
	fail_ctx	ctx;
	sc_alloc	fa = fail_alloc(&ctx, -1);
	int			failures = 0;

	/* a huge rectangle costs nothing: only the cells near the two events */
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 1.0, 2, ev, -1073741824, 1073741824,
							  -1073741824, 1073741824, 0, &out, &n, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(n == 5 + 3);			/* 5 around (0,0), 3 at the corner */
	free(out);
	/* max_out */
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 1.0, 2, ev, -1073741824, 1073741824,
							  -1073741824, 1073741824, 7, &out, &n, NULL, &sc_malloc_allocator, &err) == SC_ELIMIT);
	CHECK(out == NULL && n == 0);
	/* invalid */
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 0.0, 2, ev, 0, 1, 0, 1, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 1.0 / 0.0, 2, ev, 0, 1, 0, 1, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, -1.0, 1.0, 2, ev, 0, 1, 0, 1, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 1.0, 2, ev, 1, 0, 0, 1, 0, &out, &n, NULL,
							  &sc_malloc_allocator, &err) == SC_EINVAL);
	/* extreme sizes stay bounded by the rectangle (no overflow, no endless search) */
	{
		sc_cell		big[4] = {{0, 0, 1.0}, {0, 1, 3.0}, {1, 0, 2.0}, {1, 1, 5.0}};

		CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1e308, 1e308, 4, big, 0, 1, 0, 1, 0, &out, &n, NULL,
								  &sc_malloc_allocator, &err) == SC_OK);
		CHECK(n == 4);
		free(out);
		CHECK(sc_near_event_cells(SC_GRID_HEX, 1e-300, 1.0, 1, big, -1, 1, -1, 1, 0, &out, &n, NULL,
								  &sc_malloc_allocator, &err) == SC_OK);
		CHECK(n == 9);
		free(out);
	}
	/* every allocation failure is reported and frees what it took */
	ENOMEM_SWEEP(ctx, 20, failures, run_and_free(ev, &fa, &err));
	CHECK(failures >= 4);
	/* the hook runs */
	{
		sc_cell    *many = malloc(20000 * sizeof(sc_cell));

		for (int k = 0; k < 20000; k++)
			many[k] = (sc_cell) {k % 200, k / 200, 1.0};
		interrupts = 0;
		CHECK(sc_near_event_cells(SC_GRID_SQUARE, 1.0, 3.0, 20000, many, 0, 199, 0, 99, 0, &out, &n,
								  count_interrupt, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(n == 20000);
		CHECK(interrupts > 0);
		free(out);
		free(many);
	}
}

/* --- sc_area_cells ------------------------------------------------------ */

static unsigned char wkb[4096];
static size_t wkb_len;

static void
put_bytes(const void *v, size_t n)
{
	memcpy(wkb + wkb_len, v, n);
	wkb_len += n;
}

static void
put_ring(const double *xy, uint32_t n)
{
	put_bytes(&n, 4);
	put_bytes(xy, 16 * (size_t) n);
}

typedef struct collected
{
	size_t		n;
	int32_t		i[20000];
	int32_t		j[20000];
	size_t		stop_after;		/* 0: never */
} collected;

static collected got;

static sc_status
collect(void *ctx, int32_t i, int32_t j, double cx, double cy)
{
	collected  *c = ctx;

	(void) cx;
	(void) cy;
	if (c->stop_after && c->n == c->stop_after)
		return SC_EINVAL;
	c->i[c->n] = i;
	c->j[c->n] = j;
	c->n++;
	return SC_OK;
}

static void
test_area_cells(void)
{
	/* a concave polygon (an L with a notch) with a hole */
	static const double outer[] = {0, 0, 900, 0, 900, 300, 400, 300, 400, 850, 0, 850, 0, 0};
	static const double hole[] = {100, 100, 250, 100, 250, 600, 100, 600, 100, 100};
	const double sizes[] = {37, 50, 100, 161.3};
	uint8_t		order = 1;
	uint32_t	type = 3,
				nrings = 2;
	sc_area		a;
	sc_err		err;
	double		buf[64];

	{
		const uint16_t one = 1;

		order = *(const uint8_t *) &one == 1;
	}
	wkb_len = 0;
	put_bytes(&order, 1);
	put_bytes(&type, 4);
	put_bytes(&nrings, 4);
	put_ring(outer, 7);
	put_ring(hole, 5);
	CHECK(sc_area_from_ewkb(wkb, wkb_len, &a, &sc_malloc_allocator, &err) == SC_OK);
	for (int kind = 0; kind < 2; kind++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		{
			sc_grid_kind k = kind ? SC_GRID_HEX : SC_GRID_SQUARE;
			double		s = sizes[z];
			size_t		want = 0,
						found = 0,
						wrong = 0;

			memset(&got, 0, sizeof(got));
			CHECK(sc_area_cells(k, s, &a, collect, &got, NULL, &sc_malloc_allocator, &err) == SC_OK);
			/* brute force over a margin of cells around the area */
			for (int32_t i = -5; i <= (int32_t) (900 / s) + 5; i++)
				for (int32_t j = -5; j <= (int32_t) (850 / s) + 5; j++)
				{
					double		cx,
								cy;
					bool		listed = false;

					sc_grid_cell_center(k, s, i, j, &cx, &cy);
					for (size_t m = 0; m < got.n && !listed; m++)
						listed = got.i[m] == i && got.j[m] == j;
					if (sc_area_contains(&a, cx, cy, buf))
					{
						want++;
						found += listed;
					}
					else
						wrong += listed;
				}
			CHECK(want > 3);
			CHECK(found == want);
			CHECK(wrong == 0);
			CHECK(got.n == want);	/* each cell once */
		}
	/* the callback's error stops the walk */
	memset(&got, 0, sizeof(got));
	got.stop_after = 3;
	CHECK(sc_area_cells(SC_GRID_SQUARE, 50, &a, collect, &got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(got.n == 3);
	/* cells far too small for the area: beyond the index range */
	memset(&got, 0, sizeof(got));
	CHECK(sc_area_cells(SC_GRID_SQUARE, 1e-7, &a, collect, &got, NULL, &sc_malloc_allocator, &err) == SC_ERANGE);
	CHECK(got.n == 0);
	sc_area_free(&a);
}

int
main(void)
{
	test_hand();
	test_brute();
	test_gistar_agrees();
	test_limits();
	test_area_cells();
	TEST_DONE("analysis_set");
}
