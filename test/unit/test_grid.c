/* test_grid.c — cell arithmetic, the hash grid, flat and text forms. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_ewkb.h"
#include "sc_grid.h"
#include "sc_test.h"
#include "sc_test_util.h"
#include "sc_text.h"

/* brute force: the hexagon whose centre is nearest */
static void
nearest_hex(double x, double y, double s, int32_t *bi, int32_t *bj)
{
	double		best = INFINITY;

	for (int32_t i = (int32_t) floor(x / (1.5 * s)) - 2; i <= (int32_t) floor(x / (1.5 * s)) + 2; i++)
		for (int32_t j = (int32_t) floor(y / (s * 1.7320508)) - 2; j <= (int32_t) floor(y / (s * 1.7320508)) + 2; j++)
		{
			double		cx,
						cy,
						d;

			sc_grid_cell_center(SC_GRID_HEX, s, i, j, &cx, &cy);
			d = hypot(x - cx, y - cy);
			if (d < best)
			{
				best = d;
				*bi = i;
				*bj = j;
			}
		}
}

static void
test_cells(void)
{
	int32_t		i,
				j;
	sc_err		err;

	CHECK(sc_square_cell(5, 5, 10, &i, &j, &err) == SC_OK && i == 0 && j == 0);
	CHECK(sc_square_cell(10, -0.0001, 10, &i, &j, &err) == SC_OK && i == 1 && j == -1);
	CHECK(sc_square_cell(-10, -10, 10, &i, &j, &err) == SC_OK && i == -1 && j == -1);
	CHECK(sc_square_cell(7e11, 0, 1, &i, &j, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "outside") != NULL);
	/* hexagons of 1e308 are taller than a double holds (it said "j = -nan") */
	CHECK(sc_hex_cell(0, 0, 1e308, &i, &j, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "height overflows") != NULL);
	CHECK(sc_hex_cell(0, 0, 1e307, &i, &j, &err) == SC_OK && i == 0 && j == 0);
	/* hexagons: centre of (i, j) maps back to (i, j); random points to the nearest centre */
	{
		int			wrong = 0;

		for (int32_t a = -5; a <= 5; a++)
			for (int32_t b = -5; b <= 5; b++)
			{
				double		cx,
							cy;

				sc_grid_cell_center(SC_GRID_HEX, 100, a, b, &cx, &cy);
				wrong += sc_hex_cell(cx, cy, 100, &i, &j, &err) != SC_OK || i != a || j != b;
			}
		CHECK(wrong == 0);
	}
	srand(7);
	{
		int			wrong = 0;

		for (int k = 0; k < 20000; k++)
		{
			double		x = (rand() / (double) RAND_MAX - 0.5) * 5000,
						y = (rand() / (double) RAND_MAX - 0.5) * 5000;
			int32_t		bi = 0,
						bj = 0;

			nearest_hex(x, y, 37.5, &bi, &bj);
			sc_hex_cell(x, y, 37.5, &i, &j, &err);
			wrong += i != bi || j != bj;
		}
		CHECK(wrong == 0);
	}
	/* cell ids round trip, including negative indices */
	{
		int			wrong = 0;

		for (int32_t a = -3; a <= 3; a++)
			for (int32_t b = -3; b <= 3; b++)
			{
				sc_cell_id_split(sc_cell_id(a, b), &i, &j);
				wrong += i != a || j != b;
			}
		CHECK(wrong == 0);
	}
	CHECK(sc_cell_id(0, 0) == 0 && sc_cell_id(1, 0) == 4294967296LL && sc_cell_id(-1, -1) == -1);
}

static void
test_hash_and_flat(void)
{
	sc_grid		g,
				h;
	sc_err		err;
	sc_cell    *cells;
	double		v;
	size_t		n = 0;

	sc_grid_init(&g, SC_GRID_SQUARE, 32616, 250, 0, &sc_malloc_allocator);
	/* (-1, -1) once collided with the empty-slot marker */
	CHECK(sc_grid_add(&g, -1, -1, 2, &err) == SC_OK);
	CHECK(sc_grid_get(&g, -1, -1, &v) && v == 2);
	{
		int			failures = 0;

		for (int k = 0; k < 10000; k++)
			failures += sc_grid_add(&g, k % 101 - 50, k % 37 - 18, 1, &err) != SC_OK;
		CHECK(failures == 0);
	}
	CHECK(sc_grid_get(&g, -50, -18, &v));
	CHECK(!sc_grid_get(&g, 1000, 1000, &v));
	CHECK(sc_grid_sorted(&g, &cells, &err) == SC_OK);
	for (size_t k = 1; k < g.count; k++)
		if (!(cells[k - 1].i < cells[k].i || (cells[k - 1].i == cells[k].i && cells[k - 1].j < cells[k].j)))
			n++;
	CHECK(n == 0);
	{
		size_t		size = sc_grid_flat_size(g.count);
		unsigned char *buf = malloc(size);
		sc_grid_view view;
		double		total = 0;

		sc_grid_flat_write(buf, g.kind, g.srid, g.cell_size, cells, g.count);
		CHECK(sc_grid_flat_read(buf, size, 0, &view, &err) == SC_OK);
		CHECK(view.ncells == g.count && view.srid == 32616 && view.cell_size == 250);
		for (size_t k = 0; k < view.ncells; k++)
			total += sc_grid_flat_cell(&view, k).value;
		CHECK(total == 10002);
		/* limits, truncation and corruption are refused */
		CHECK(sc_grid_flat_read(buf, size, 10, &view, &err) == SC_ELIMIT);
		CHECK(sc_grid_flat_read(buf, size - 1, 0, &view, &err) == SC_EINVAL);
		CHECK(sc_grid_flat_read(buf, 10, 0, &view, &err) == SC_EINVAL);
		buf[0] = 9;
		CHECK(sc_grid_flat_read(buf, size, 0, &view, &err) == SC_EINVAL);
		buf[0] = 1;
		/* non-zero reserved bytes (found by test/fuzz/fuzz_grid_flat.c) */
		buf[3] = 4;
		CHECK(sc_grid_flat_read(buf, size, 0, &view, &err) == SC_EINVAL && strstr(err.msg, "reserved") != NULL);
		buf[3] = 0;
		CHECK(sc_grid_flat_read(buf, size, 0, &view, &err) == SC_OK);
		memcpy(buf + 24 + view.ncells * 8, &(int32_t) {99}, 4);	/* first i out of order */
		CHECK(sc_grid_flat_read(buf, size, 0, &view, &err) == SC_EINVAL);
		/* random bytes never crash the reader */
		for (int k = 0; k < 20000; k++)
		{
			size_t		len = (size_t) (rand() % 80);
			unsigned char junk[80];

			for (size_t b = 0; b < len; b++)
				junk[b] = (unsigned char) rand();
			if (len > 0)
				junk[0] = 1;
			sc_grid_flat_read(junk, len, 0, &view, &err);
		}
		CHECK(1);
		free(buf);
	}
	/* merge adds cell-wise; mismatched grids refuse */
	sc_grid_init(&h, SC_GRID_SQUARE, 32616, 250, 0, &sc_malloc_allocator);
	CHECK(sc_grid_add(&h, -1, -1, 0.5, &err) == SC_OK);
	CHECK(sc_grid_merge(&h, &g, &err) == SC_OK);
	{
		double		gv;

		CHECK(sc_grid_get(&g, -1, -1, &gv) && sc_grid_get(&h, -1, -1, &v) && v == gv + 0.5);
	}
	CHECK(h.count == g.count);
	h.cell_size = 100;
	CHECK(sc_grid_merge(&h, &g, &err) == SC_EINVAL && strstr(err.msg, "cell sizes"));
	sc_grid_free(&h);
	/* the cell limit is checked before growing */
	sc_grid_init(&h, SC_GRID_HEX, 0, 1, 5, &sc_malloc_allocator);
	for (int k = 0; k < 5; k++)
		CHECK(sc_grid_add(&h, k, 0, 1, &err) == SC_OK);
	CHECK(sc_grid_add(&h, 0, 0, 1, &err) == SC_OK);
	CHECK(sc_grid_add(&h, 9, 9, 1, &err) == SC_ELIMIT);
	sc_grid_free(&h);
	/* allocation failure is reported, not a crash */
	{
		fail_ctx	fc;
		sc_alloc	failing = fail_alloc(&fc, 0);

		sc_grid_init(&h, SC_GRID_SQUARE, 0, 1, 0, &failing);
		CHECK(sc_grid_add(&h, 0, 0, 1, &err) == SC_ENOMEM);
		sc_grid_free(&h);
	}
	free(cells);
	sc_grid_free(&g);
}

static void
test_text(void)
{
	sc_grid		g;
	sc_err		err;
	sc_buf		b;
	sc_cell    *cells;
	const char *in = "SRID=32616;SQUARE(250){(-3,4,1.5),(0,0,2),(0,1,0.1)}";
	const char *bad[] = {"", "SRID=1;", "SRID=1;SQUARE(1){", "SRID=1;SQUARE(1){(0,0)}",
		"SRID=1;SQUARE(0){}", "SRID=1;SQUARE(1){(0,0,1),(0,0,1)}", "SRID=1;SQUARE(1){(0,0,nan)}",
	"SRID=1;SQUARE(1){}x", "SRID=-1;SQUARE(1){}", "SRID=1;HEX(1e400){}"};

	sc_grid_init(&g, SC_GRID_SQUARE, 0, 1, 0, &sc_malloc_allocator);
	CHECK(sc_grid_text_read(in, &g, &err) == SC_OK);
	CHECK(g.count == 3 && g.srid == 32616 && g.cell_size == 250);
	CHECK(sc_grid_sorted(&g, &cells, &err) == SC_OK);
	sc_buf_init(&b, &sc_malloc_allocator);
	sc_grid_text_write(&b, g.kind, g.srid, g.cell_size, cells, g.count);
	CHECK(!b.failed && strcmp(b.data, in) == 0);
	free(b.data);
	free(cells);
	sc_grid_free(&g);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
	{
		sc_grid_init(&g, SC_GRID_SQUARE, 0, 1, 0, &sc_malloc_allocator);
		CHECK(sc_grid_text_read(bad[k], &g, &err) != SC_OK);
		sc_grid_free(&g);
	}
	/* shortest round-trip numbers */
	{
		char		num[32];
		double		vals[] = {0.1, 1.0 / 3, 1e-300, 123456789.125, -0.0, 5e-324};

		for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++)
		{
			sc_format_double(vals[k], num, sizeof(num));
			CHECK(strtod(num, NULL) == vals[k]);
		}
		sc_format_double(0.1, num, sizeof(num));
		CHECK(strcmp(num, "0.1") == 0);
	}
}

static void
test_ewkb(void)
{
	/* POINT(1 2) SRID=32616, little endian EWKB */
	unsigned char wkb[] = {1, 1, 0, 0, 0x20, 0x68, 0x7f, 0, 0,
		0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40};
	double		x,
				y,
				xs[8],
				ys[8];
	int32_t		srid;
	uint32_t	type;

	CHECK(sc_ewkb_point(wkb, sizeof(wkb), &x, &y, &srid, &type) == SC_POINT_OK);
	CHECK(x == 1 && y == 2 && srid == 32616);
	CHECK(sc_ewkb_point(wkb, 12, &x, &y, &srid, &type) == SC_POINT_MALFORMED);
	wkb[1] = 3;
	CHECK(sc_ewkb_point(wkb, sizeof(wkb), &x, &y, &srid, &type) == SC_POINT_NOT_POINT && type == 3);
	/* square ring as ST_Square, hexagon ring closed */
	CHECK(sc_cell_ring(SC_GRID_SQUARE, 250, 3, 4, xs, ys) == 5);
	CHECK(xs[0] == 750 && ys[0] == 1000 && xs[1] == 750 && ys[1] == 1250 && xs[2] == 1000 && xs[4] == 750);
	CHECK(sc_cell_ring(SC_GRID_HEX, 100, 3, -2, xs, ys) == 7);
	CHECK(xs[0] == 350 && xs[6] == xs[0] && ys[6] == ys[0]);
	CHECK_NEAR(ys[0], -259.8076211353316, 1e-15);
	/* a ring with a vertex beyond double precision is refused, naming the cell */
	{
		size_t		n = 0;
		sc_err		err;

		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 250, 3, 4, xs, ys, &n, &err) == SC_OK && n == 5 && xs[2] == 1000);
		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 1e308, 0, 0, xs, ys, &n, &err) == SC_OK);
		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 1e308, 1, 0, xs, ys, &n, &err) == SC_ERANGE);
		CHECK(strstr(err.msg, "cell (1,0)") != NULL);
		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 1e308, -2, -1, xs, ys, &n, &err) == SC_ERANGE);
		/* hexagons: the height 2·s·cos(π/6) of a cell of 1e308 is beyond already */
		CHECK(sc_cell_ring_finite(SC_GRID_HEX, 1e308, 0, 0, xs, ys, &n, &err) == SC_ERANGE);
		CHECK(sc_cell_ring_finite(SC_GRID_HEX, 1e307, 0, 0, xs, ys, &n, &err) == SC_OK && n == 7);
		CHECK(sc_cell_ring_finite(SC_GRID_HEX, 1e307, 12, 0, xs, ys, &n, &err) == SC_ERANGE);
		/* the corners of the index range, at the largest sizes that fit */
		CHECK(sc_cell_ring_finite(SC_GRID_HEX, 1e290, SC_CELL_INDEX_MAX, -SC_CELL_INDEX_MAX, xs, ys, &n, &err) == SC_OK);
		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 1e299, SC_CELL_INDEX_MAX, -SC_CELL_INDEX_MAX, xs, ys, &n, &err) == SC_OK &&
			  sc_points_finite(xs, ys, n));
		CHECK(sc_cell_ring_finite(SC_GRID_SQUARE, 1e300, SC_CELL_INDEX_MAX, 0, xs, ys, &n, &err) == SC_ERANGE);
	}
	/* a written point reads back, SRID included */
	{
		unsigned char pt[SC_EWKB_POINT_SIZE];

		sc_ewkb_point_write(pt, 32616, -12.5, 4330000.25);
		CHECK(sc_ewkb_point(pt, sizeof(pt), &x, &y, &srid, &type) == SC_POINT_OK);
		CHECK(x == -12.5 && y == 4330000.25 && srid == 32616 && type == 1);
		CHECK(sc_ewkb_point(pt, sizeof(pt) - 1, &x, &y, &srid, &type) == SC_POINT_MALFORMED);
	}
}

static int
cmp_ij(const void *a, const void *b)
{
	const sc_cell *x = a,
			   *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

/*
 * The listing (radix sort) against qsort, and the batched add against one
 * add at a time, on random cells near and far from the origin, the extreme
 * indices included.
 */
static void
test_sorted_and_batched(void)
{
	static const int32_t spans[] = {1, 3, 200, 70000, 1073741824};

	for (size_t sp = 0; sp < sizeof(spans) / sizeof(spans[0]); sp++)
	{
		sc_grid		one,
					many;
		sc_err		err;
		sc_cell    *cells = NULL,
				   *ref;
		sc_cell		batch[150];
		size_t		nb = 0;
		int			bad = 0;

		sc_grid_init(&one, SC_GRID_SQUARE, 0, 1, 0, &sc_malloc_allocator);
		sc_grid_init(&many, SC_GRID_SQUARE, 0, 1, 0, &sc_malloc_allocator);
		for (int k = 0; k < 5000; k++)
		{
			int32_t		i = (int32_t) (urand() * 2 * spans[sp]) - spans[sp],
						j = (int32_t) (urand() * 2 * spans[sp]) - spans[sp];
			double		w = k % 7 ? 1 : 0.25 * k;

			if (k == 17)
				i = j = SC_CELL_INDEX_MAX;
			if (k == 18)
				i = j = -SC_CELL_INDEX_MAX;
			bad += sc_grid_add(&one, i, j, w, &err) != SC_OK;
			batch[nb].i = i;
			batch[nb].j = j;
			batch[nb].value = w;
			if (++nb == sizeof(batch) / sizeof(batch[0]) || k == 4999)
			{
				bad += sc_grid_add_many(&many, batch, nb, &err) != SC_OK;
				nb = 0;
			}
		}
		CHECK(bad == 0);
		CHECK(one.count == many.count);
		CHECK(sc_grid_sorted(&one, &cells, &err) == SC_OK);
		ref = malloc(one.count * sizeof(sc_cell));
		memcpy(ref, cells, one.count * sizeof(sc_cell));
		qsort(ref, one.count, sizeof(sc_cell), cmp_ij);
		CHECK(memcmp(ref, cells, one.count * sizeof(sc_cell)) == 0);
		/* the same cells with the same sums, in the same order of rows */
		for (size_t k = 0; k < one.count; k++)
		{
			double		v;

			if (!sc_grid_get(&many, cells[k].i, cells[k].j, &v) || v != cells[k].value)
				bad++;
		}
		CHECK(bad == 0);
		free(ref);
		free(cells);
		sc_grid_free(&one);
		sc_grid_free(&many);
	}
	/* a batch past the cell limit stops there, as single adds would */
	{
		sc_grid		g;
		sc_err		err;
		sc_cell		b[10];

		for (int k = 0; k < 10; k++)
		{
			b[k].i = k;
			b[k].j = 0;
			b[k].value = 1;
		}
		sc_grid_init(&g, SC_GRID_SQUARE, 0, 1, 4, &sc_malloc_allocator);
		CHECK(sc_grid_add_many(&g, b, 10, &err) == SC_ELIMIT);
		CHECK(g.count == 4);
		sc_grid_free(&g);
	}
}

/*
 * The cell of a point is floor(x / s) with the division rounded as IEEE
 * does it (as PostgreSQL's floor(ST_X(geom) / s) computes it): exact
 * multiples, their neighbours one ulp away, random values, tiny and huge
 * coordinates, and odd cell sizes; out of range is an error.
 */
static void
test_cells_match_division(void)
{
	static const double sizes[] = {100, 250, 0.1, 0.3, 3, 7, 1e-3, 123.456, 1e6, 1e-300, 5e-324};
	int			wrong = 0,
				checked = 0;
	sc_grid		g;

	srand(11);
	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++)
	{
		double		s = sizes[a];

		sc_grid_init(&g, SC_GRID_SQUARE, 32616, s, 0, &sc_malloc_allocator);
		for (int k = 0; k < 200000; k++)
		{
			double		x;
			int32_t		i,
						j,
						want;
			sc_err		err;
			sc_status	st;
			double		q;

			switch (k % 4)
			{
				case 0:			/* an exact multiple of s */
					x = s * ((rand() % 2000001) - 1000000);
					break;
				case 1:			/* a multiple, one ulp off either way */
					x = s * ((rand() % 2001) - 1000);
					x = nextafter(x, (rand() & 1) ? INFINITY : -INFINITY);
					break;
				case 2:			/* anywhere in +-1e9 */
					x = (rand() / (double) RAND_MAX - 0.5) * 2e9;
					break;
				default:		/* tiny, subnormal and signed zeros */
					x = ldexp((rand() / (double) RAND_MAX - 0.5), -(rand() % 1080));
					break;
			}
			q = floor(x / s);
			st = sc_grid_cell_of(&g, x, -x, &i, &j, &err);
			if (!(q >= -SC_CELL_INDEX_MAX && q <= SC_CELL_INDEX_MAX && floor(-x / s) >= -SC_CELL_INDEX_MAX &&
				  floor(-x / s) <= SC_CELL_INDEX_MAX))
			{
				wrong += st != SC_ERANGE;
				continue;
			}
			want = (int32_t) q;
			wrong += st != SC_OK || i != want || j != (int32_t) floor(-x / s);
			wrong += sc_square_cell(x, -x, s, &i, &j, &err) != SC_OK || i != want;
			checked++;
		}
	}
	CHECK(checked > 1000000);
	CHECK(wrong == 0);
}

/* a sum that leaves double's range is refused and the cell keeps its value */
static void
test_overflow(void)
{
	sc_grid		g,
				h;
	sc_err		err;
	double		v = 0;
	sc_cell		batch[2] = {{0, 0, 1e308}, {0, 0, 1e308}};

	sc_grid_init(&g, SC_GRID_SQUARE, 32616, 100, 0, &sc_malloc_allocator);
	CHECK(sc_grid_add(&g, 2, -3, 1e308, &err) == SC_OK);
	CHECK(sc_grid_add(&g, 2, -3, 1e308, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "cell (2,-3) overflows") != NULL);
	CHECK(sc_grid_get(&g, 2, -3, &v) && v == 1e308);
	CHECK(sc_grid_add(&g, 2, -3, -1e308, &err) == SC_OK && sc_grid_get(&g, 2, -3, &v) && v == 0);
	CHECK(sc_grid_add(&g, 0, 0, INFINITY, &err) == SC_ERANGE);
	CHECK(sc_grid_add(&g, 0, 0, NAN, &err) == SC_ERANGE);
	CHECK(!sc_grid_get(&g, 0, 0, &v) && g.count == 1);
	/* batches and merges take the same path */
	CHECK(sc_grid_add_many(&g, batch, 2, &err) == SC_ERANGE);
	CHECK(sc_grid_get(&g, 0, 0, &v) && v == 1e308);
	sc_grid_init(&h, SC_GRID_SQUARE, 32616, 100, 0, &sc_malloc_allocator);
	CHECK(sc_grid_add(&h, 0, 0, 1e308, &err) == SC_OK);
	CHECK(sc_grid_merge(&h, &g, &err) == SC_ERANGE);
	CHECK(strstr(err.msg, "cell (0,0) overflows") != NULL);
	/* the largest finite sums still add */
	CHECK(sc_grid_add(&h, 5, 5, DBL_MAX / 2, &err) == SC_OK && sc_grid_add(&h, 5, 5, DBL_MAX / 2, &err) == SC_OK);
	sc_grid_free(&g);
	sc_grid_free(&h);
}

int
main(void)
{
	test_cells();
	test_cells_match_division();
	test_hash_and_flat();
	test_sorted_and_batched();
	test_text();
	test_ewkb();
	test_overflow();
	TEST_DONE("grid");
}
