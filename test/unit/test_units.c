/*
 * test_units.c — sc_units: the rule that takes SRID-0 points for
 * longitude/latitude, its grid form, and the cell counts behind the
 * "too many cells" notice.
 */
#include "sc_units.h"
#include "sc_test.h"

/* Cincinnati in degrees, and the same spread in metres from a local origin */
static const double lon[] = {-84.71, -84.37, -84.52, -84.60};
static const double lat[] = {39.05, 39.22, 39.10, 39.16};
static const double mx[] = {0, 5000, 2500, 1200};
static const double my[] = {0, 4000, 2600, 3100};

static void
test_bbox(void)
{
	sc_bbox		b = sc_bbox_of(4, lon, lat);

	CHECK(!b.empty);
	CHECK(b.xmin == -84.71 && b.xmax == -84.37 && b.ymin == 39.05 && b.ymax == 39.22);
	CHECK_NEAR(sc_bbox_extent(&b), 0.34, 1e-12);
	b = sc_bbox_of(0, lon, lat);
	CHECK(b.empty);
	CHECK(sc_bbox_extent(&b) == 0);
}

static void
test_points_rule(void)
{
	sc_bbox		deg = sc_bbox_of(4, lon, lat),
				m = sc_bbox_of(4, mx, my),
				one;

	/* degrees at SRID 0 with a metre-sized length: refused */
	CHECK(sc_units_lonlat_points(0, &deg, 250));
	CHECK(sc_units_lonlat_points(0, &deg, 0.5));
	/* a length below the extent: an analysis in degrees, on purpose */
	CHECK(!sc_units_lonlat_points(0, &deg, 0.01));
	CHECK(!sc_units_lonlat_points(0, &deg, sc_bbox_extent(&deg)));
	/* any SRID but 0 is left to spatial_ref_sys */
	CHECK(!sc_units_lonlat_points(4326, &deg, 250));
	CHECK(!sc_units_lonlat_points(32616, &deg, 250));
	/* local metres 0..5000: outside the box */
	CHECK(!sc_units_lonlat_points(0, &m, 250));
	CHECK(!sc_units_lonlat_points(0, &m, 100000));
	/* metres inside the box but spread wider than the length */
	sc_bbox_init(&one);
	sc_bbox_add(&one, 0, 0);
	sc_bbox_add(&one, 150, 80);
	CHECK(!sc_units_lonlat_points(0, &one, 100));
	CHECK(sc_units_lonlat_points(0, &one, 151));
	/* the box's edges belong to it; beyond them they do not */
	sc_bbox_init(&one);
	sc_bbox_add(&one, 180, 90);
	CHECK(sc_units_lonlat_points(0, &one, 1));
	sc_bbox_add(&one, 180.5, 90);
	CHECK(!sc_units_lonlat_points(0, &one, 1));
	sc_bbox_init(&one);
	sc_bbox_add(&one, -180, -90.001);
	CHECK(!sc_units_lonlat_points(0, &one, 1));
	/* nothing, or no length */
	sc_bbox_init(&one);
	CHECK(!sc_units_lonlat_points(0, &one, 250));
	CHECK(!sc_units_lonlat_points(0, &deg, 0));
}

/* the cells of points, as grid_agg makes them */
static size_t
cells_of(sc_grid_kind kind, double s, size_t n, const double *x, const double *y, sc_cell *out)
{
	size_t		m = 0;

	for (size_t k = 0; k < n; k++)
	{
		int32_t		i,
					j;
		sc_err		err;
		bool		seen = false;

		if (kind == SC_GRID_HEX)
			CHECK(sc_hex_cell(x[k], y[k], s, &i, &j, &err) == SC_OK);
		else
			CHECK(sc_square_cell(x[k], y[k], s, &i, &j, &err) == SC_OK);
		for (size_t q = 0; q < m; q++)
			seen = seen || (out[q].i == i && out[q].j == j);
		if (!seen)
			out[m++] = (sc_cell) {i, j, 1};
	}
	return m;
}

static void
test_grid_rule(void)
{
	sc_cell		cells[8];
	size_t		n;
	sc_bbox		u;
	/* London in degrees straddles the meridian: two cells */
	const double lx[] = {-0.3, 0.2},
				ly[] = {51.4, 51.6};

	n = cells_of(SC_GRID_SQUARE, 250, 4, lon, lat, cells);
	CHECK(n == 1);
	u = sc_grid_cells_bbox(SC_GRID_SQUARE, 250, cells, n);
	CHECK(u.xmin == -250 && u.xmax == 0 && u.ymin == 0 && u.ymax == 250);
	CHECK(sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 250, &u, 0));
	CHECK(!sc_units_lonlat_grid(SC_GRID_SQUARE, 4326, 250, &u, 0));
	n = cells_of(SC_GRID_SQUARE, 250, 2, lx, ly, cells);
	CHECK(n == 2);
	u = sc_grid_cells_bbox(SC_GRID_SQUARE, 250, cells, n);
	CHECK(sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 250, &u, 0));
	/* hexagons: a cell's box is 2s wide, √3·s high */
	n = cells_of(SC_GRID_HEX, 250, 4, lon, lat, cells);
	u = sc_grid_cells_bbox(SC_GRID_HEX, 250, cells, n);
	CHECK_NEAR(u.xmax - u.xmin, 500 * (double) n - 125 * (double) (n - 1), 1e-9);
	CHECK(sc_units_lonlat_grid(SC_GRID_HEX, 0, 250, &u, 0));
	/* local metres 0..5000 in 250 m cells: 21 cells wide */
	n = cells_of(SC_GRID_SQUARE, 250, 4, mx, my, cells);
	u = sc_grid_cells_bbox(SC_GRID_SQUARE, 250, cells, n);
	CHECK(u.xmax - u.xmin == 5250);
	CHECK(!sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 250, &u, 0));
	n = cells_of(SC_GRID_HEX, 250, 4, mx, my, cells);
	u = sc_grid_cells_bbox(SC_GRID_HEX, 250, cells, n);
	CHECK(!sc_units_lonlat_grid(SC_GRID_HEX, 0, 250, &u, 0));
	/* a density 400 around degrees, in 100 cells: the margin covers the spread */
	u = (sc_bbox) {-500, -400, 400, 500, false};
	CHECK(sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 100, &u, 400));
	CHECK(!sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 100, &u, 0));
	/* far from the origin: not degrees whatever the size */
	u = (sc_bbox) {700000, 4300000, 700250, 4300250, false};
	CHECK(!sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 250, &u, 0));
	u.empty = true;
	CHECK(!sc_units_lonlat_grid(SC_GRID_SQUARE, 0, 250, &u, 0));
}

static void
test_cell_counts(void)
{
	sc_bbox		m = sc_bbox_of(4, mx, my);
	sc_cell		cells[3] = {{-2, 5, 1}, {7, 5, 1}, {0, -1, 1}};

	/* 0..5000 × 0..4000 in 250 m cells: indices 0..20 × 0..16 */
	CHECK(sc_units_cells_over(SC_GRID_SQUARE, 250, &m, 0) == 21.0 * 17.0);
	/* grown by 400: indices -2..21 × -2..17 */
	CHECK(sc_units_cells_over(SC_GRID_SQUARE, 250, &m, 400) == 24.0 * 20.0);
	/* 0.25 m cells over 5 km: far beyond the notice's threshold */
	CHECK(sc_units_cells_over(SC_GRID_SQUARE, 0.25, &m, 0) == 20001.0 * 16001.0);
	CHECK(sc_units_cells_over(SC_GRID_SQUARE, 0.25, &m, 0) > SC_UNITS_MANY_CELLS);
	/* hexagons: columns 1.5·s apart, rows √3·s */
	CHECK(sc_units_cells_over(SC_GRID_HEX, 100, &m, 0) ==
		  (floor(5000 / 150.0) + 1) * (floor(4000 / (100 * 1.7320508075688772)) + 1));
	sc_bbox_init(&m);
	CHECK(sc_units_cells_over(SC_GRID_SQUARE, 250, &m, 0) == 0);
	CHECK(sc_units_cells_spanned(cells, 3) == 10.0 * 7.0);
	CHECK(sc_units_cells_spanned(cells, 1) == 1.0);
	CHECK(sc_units_cells_spanned(cells, 0) == 0);
}

/* the cells' box against every cell's own box, centre by centre */
static void
test_cells_bbox_exact(void)
{
	static const double sizes[] = {250, 0.1, 37.3, 1e-3};
	sc_cell		cells[64];
	unsigned	seed = 12345;

	for (int kind = SC_GRID_SQUARE; kind <= SC_GRID_HEX; kind++)
		for (int si = 0; si < 4; si++)
			for (int rep = 0; rep < 200; rep++)
			{
				size_t		n = 1 + rep % 64;
				double		s = sizes[si],
							hw = kind == SC_GRID_HEX ? s : s / 2,
							hh = kind == SC_GRID_HEX ? 0.8660254037844386 * s : s / 2;
				sc_bbox		want,
							got;

				sc_bbox_init(&want);
				for (size_t k = 0; k < n; k++)
				{
					double		cx,
								cy;

					seed = seed * 1103515245u + 12345u;
					cells[k].i = (int32_t) (seed >> 8) % 2001 - 1000 + (rep % 3 ? 0 : 400000000);
					seed = seed * 1103515245u + 12345u;
					cells[k].j = (int32_t) (seed >> 8) % 2001 - 1000 - (rep % 5 ? 0 : 300000000);
					cells[k].value = 1;
					sc_grid_cell_center(kind, s, cells[k].i, cells[k].j, &cx, &cy);
					sc_bbox_add(&want, cx - hw, cy - hh);
					sc_bbox_add(&want, cx + hw, cy + hh);
				}
				got = sc_grid_cells_bbox(kind, s, cells, n);
				CHECK(!got.empty && got.xmin == want.xmin && got.xmax == want.xmax &&
					  got.ymin == want.ymin && got.ymax == want.ymax);
			}
	CHECK(sc_grid_cells_bbox(SC_GRID_HEX, 1, cells, 0).empty);
}

int
main(void)
{
	test_bbox();
	test_points_rule();
	test_grid_rule();
	test_cells_bbox_exact();
	test_cell_counts();
	TEST_DONE("units");
}
