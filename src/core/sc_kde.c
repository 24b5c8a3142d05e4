/*
 * sc_kde.c — exact kernel density on a grid, and the ArcGIS default
 * bandwidth.
 *
 * Each event visits only the cells whose centres may lie within its support
 * circle: for every column of cells crossing the circle, the rows within the
 * chord (plus one row of margin against rounding), each then tested exactly
 * by its centre.  That is ~π(R/s)² cells per event instead of the (2R/s)² of
 * a bounding box, and no square root is taken for cells that fail the test.
 *
 * Updating the hash grid cell by cell costs a cache miss per cell, far more
 * than the kernel; so batches of events are sorted along a Z-order curve and
 * summed into a small dense tile first (sc_kde_acc_*), and each touched cell
 * reaches the hash once per tile.
 */
#include "sc_kde.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SC_PI 3.14159265358979323846

static const char *const kernel_names[] = {
	"quartic", "epanechnikov", "triangular", "uniform", "gaussian"
};

static bool
name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char) *a) != tolower((unsigned char) *b))
			return false;
	return *a == *b;
}

sc_status
sc_kernel_parse(const char *name, sc_kernel *kernel, sc_err *err)
{
	if (name)
	{
		for (int k = 0; k <= SC_KERNEL_GAUSSIAN; k++)
			if (name_eq(name, kernel_names[k]))
			{
				*kernel = (sc_kernel) k;
				return SC_OK;
			}
		/* the names other tools use for the same kernels */
		if (name_eq(name, "biweight"))
		{
			*kernel = SC_KERNEL_QUARTIC;
			return SC_OK;
		}
		if (name_eq(name, "normal"))
		{
			*kernel = SC_KERNEL_GAUSSIAN;
			return SC_OK;
		}
	}
	return sc_fail(err, SC_EINVAL,
				   "unknown kernel \"%.64s\"; valid kernels are quartic (or biweight), "
				   "epanechnikov, triangular, uniform and gaussian (or normal)",
				   name ? name : "(null)");
}

const char *
sc_kernel_name(sc_kernel kernel)
{
	if ((int) kernel < 0 || kernel > SC_KERNEL_GAUSSIAN)
		return "unknown";
	return kernel_names[kernel];
}

double
sc_kernel_support(sc_kernel kernel)
{
	return kernel == SC_KERNEL_GAUSSIAN ? SC_KDE_GAUSSIAN_CUTOFF : 1.0;
}

/*
 * 2-D kernels normalised so that ∫∫ K(|v|) dv = 1 (Silverman 1986, §4.2;
 * the quartic is the one ArcGIS Kernel Density and CrimeStat use).  The
 * gaussian is cut at u = 3, which drops 1 - e^-4.5 ≈ 1.1% of its mass.
 */
static inline double
kernel_at(sc_kernel kernel, double u)
{
	double		t;

	switch (kernel)
	{
		case SC_KERNEL_QUARTIC:
			if (u >= 1.0)
				return 0.0;
			t = 1.0 - u * u;
			return (3.0 / SC_PI) * t * t;
		case SC_KERNEL_EPANECHNIKOV:
			if (u >= 1.0)
				return 0.0;
			return (2.0 / SC_PI) * (1.0 - u * u);
		case SC_KERNEL_TRIANGULAR:
			if (u >= 1.0)
				return 0.0;
			return (3.0 / SC_PI) * (1.0 - u);
		case SC_KERNEL_UNIFORM:
			if (u >= 1.0)
				return 0.0;
			return 1.0 / SC_PI;
		case SC_KERNEL_GAUSSIAN:
			if (u >= SC_KDE_GAUSSIAN_CUTOFF)
				return 0.0;
			return (1.0 / (2.0 * SC_PI)) * exp(-0.5 * u * u);
	}
	return 0.0;
}

double
sc_kernel_value(sc_kernel kernel, double u)
{
	if (isnan(u))
		return NAN;
	return kernel_at(kernel, fabs(u));
}

/* what every event of one bandwidth and kernel shares */
typedef struct kde_setup
{
	sc_grid_kind kind;
	double		s;
	double		h;
	sc_kernel	kernel;
	double		R;				/* support radius */
	double		R2;
	double		pitch_x;		/* centre spacing across columns, rows */
	double		pitch_y;
	double		off_x;			/* column index offset of the centres */
	double		off_y;			/* row offset bound for the event's range */
} kde_setup;

struct sc_kde_event
{
	double		x;
	double		y;
	double		w;
	int64_t		i0;				/* candidate columns and rows, with margin */
	int64_t		i1;
	int64_t		j0;
	int64_t		j1;
	uint64_t	key;			/* Z-order of the event's cell */
};

static sc_status
kde_setup_init(kde_setup *k, const sc_grid *g, double h, sc_kernel kernel, sc_err *err)
{
	double		cell_area,
				est;
	size_t		limit;

	if ((int) kernel < 0 || kernel > SC_KERNEL_GAUSSIAN)
		return sc_fail(err, SC_EINVAL, "unknown kernel %d", (int) kernel);
	if (!(h > 0) || !isfinite(h))
		return sc_fail(err, SC_EINVAL, "bandwidth must be a positive finite number");
	if (!(g->cell_size > 0) || !isfinite(g->cell_size))
		return sc_fail(err, SC_EINVAL, "grid cell size must be a positive finite number");
	k->kind = g->kind;
	k->s = g->cell_size;
	k->h = h;
	k->kernel = kernel;
	k->R = sc_kernel_support(kernel) * h;
	k->R2 = k->R * k->R;

	/* refuse bandwidths where one event alone would flood the grid */
	cell_area = g->kind == SC_GRID_SQUARE ? k->s * k->s : 1.5 * sqrt(3.0) * k->s * k->s;
	est = SC_PI * k->R2 / cell_area;
	limit = g->max_cells ? g->max_cells : SC_KDE_MAX_CELLS_PER_EVENT;
	if (!(est <= (double) limit))
		return sc_fail(err, SC_ELIMIT,
					   "one event with bandwidth %g covers about %.0f cells of size %g, "
					   "more than the limit of %zu cells; use a larger cell size or a smaller bandwidth",
					   h, est, k->s, limit);

	/* cell centres: square ((i+½)s, (j+½)s); hex (1.5si, √3s(j+[i odd]/2)) */
	if (g->kind == SC_GRID_SQUARE)
	{
		k->pitch_x = k->s;
		k->pitch_y = k->s;
		k->off_x = 0.5;
		k->off_y = 0.5 * k->s;
	}
	else
	{
		k->pitch_x = 1.5 * k->s;
		k->pitch_y = sqrt(3.0) * k->s;
		k->off_x = 0.0;
		k->off_y = 0.5 * k->pitch_y;	/* odd columns sit half a row up */
	}
	return SC_OK;
}

/* validate one event and find its candidate index box */
static sc_status
kde_event_prepare(const kde_setup *k, double x, double y, double w,
				  sc_kde_event *e, sc_err *err)
{
	double		ilo,
				ihi,
				jlo,
				jhi;

	if (!isfinite(x) || !isfinite(y))
		return sc_fail(err, SC_EINVAL, "event coordinates must be finite");
	if (!isfinite(w))
		return sc_fail(err, SC_EINVAL, "event weight must be finite");
	ilo = ceil((x - k->R) / k->pitch_x - k->off_x);
	ihi = floor((x + k->R) / k->pitch_x - k->off_x);
	jlo = ceil((y - k->R - k->off_y) / k->pitch_y);
	jhi = floor((y + k->R) / k->pitch_y);
	if (!(ilo >= -SC_CELL_INDEX_MAX && ihi <= SC_CELL_INDEX_MAX &&
		  jlo >= -SC_CELL_INDEX_MAX && jhi <= SC_CELL_INDEX_MAX))
		return sc_fail(err, SC_ERANGE,
					   "the event at (%g, %g) reaches cells outside index ±%d",
					   x, y, SC_CELL_INDEX_MAX);
	e->x = x;
	e->y = y;
	e->w = w;
	/* margins against rounding; the exact centre test decides */
	e->i0 = (int64_t) ilo - 1;
	e->i1 = (int64_t) ihi + 1;
	e->j0 = (int64_t) jlo - 2;
	e->j1 = (int64_t) jhi + 2;
	if (e->i0 < -SC_CELL_INDEX_MAX)
		e->i0 = -SC_CELL_INDEX_MAX;
	if (e->i1 > SC_CELL_INDEX_MAX)
		e->i1 = SC_CELL_INDEX_MAX;
	if (e->j0 < -SC_CELL_INDEX_MAX)
		e->j0 = -SC_CELL_INDEX_MAX;
	if (e->j1 > SC_CELL_INDEX_MAX)
		e->j1 = SC_CELL_INDEX_MAX;
	return SC_OK;
}

/*
 * The kernel from the squared distance: quartic, Epanechnikov, uniform and
 * gaussian are functions of u² = d²/h², so no square root or division is
 * taken per cell (only the triangular needs d).  Callers have d² < R²; t is
 * clamped at 0 against u² rounding to just above 1.
 */
static inline __attribute__((always_inline)) double
kernel_d2(sc_kernel kernel, double d2, double inv_h2, double inv_h)
{
	double		t;

	switch (kernel)
	{
		case SC_KERNEL_QUARTIC:
			t = 1.0 - d2 * inv_h2;
			t = t > 0 ? t : 0;
			return (3.0 / SC_PI) * t * t;
		case SC_KERNEL_EPANECHNIKOV:
			t = 1.0 - d2 * inv_h2;
			return (2.0 / SC_PI) * (t > 0 ? t : 0);
		case SC_KERNEL_TRIANGULAR:
			t = 1.0 - sqrt(d2) * inv_h;
			return (3.0 / SC_PI) * (t > 0 ? t : 0);
		case SC_KERNEL_UNIFORM:
			return 1.0 / SC_PI;
		case SC_KERNEL_GAUSSIAN:
			return (1.0 / (2.0 * SC_PI)) * exp(-0.5 * d2 * inv_h2);
	}
	return 0.0;
}

/*
 * One column's rows a..b of an event into the dense tile; inlined once per
 * kernel (kernel is a constant at each call), so the row loop has no
 * branch on the kernel.
 */
static inline __attribute__((always_inline)) void
tile_column(sc_kernel kernel, double ey, double dx2, double R2, double scale,
			double inv_h2, double inv_h, const double *cyr, int64_t a, int64_t b,
			double *ts, uint8_t *tt)
{
	for (int64_t r = a; r <= b; r++)
	{
		double		dy = ey - cyr[r],
					d2 = dx2 + dy * dy;

		if (d2 < R2)
		{
			ts[r] += scale * kernel_d2(kernel, d2, inv_h2, inv_h);
			tt[r] = 1;
		}
	}
}

/* rows whose centre y is cached per event (tile-sized events fit) */
#define KDE_ROWS_CACHED (SC_KDE_TILE + 8)

typedef struct kde_tile
{
	double	   *sum;			/* SC_KDE_TILE² cells, row i-major */
	uint8_t    *touched;
	int64_t		ti0;			/* window origin */
	int64_t		tj0;
	int64_t		ui0;			/* touched bounds */
	int64_t		ui1;
	int64_t		uj0;
	int64_t		uj1;
} kde_tile;

/*
 * Every cell whose centre is strictly within R of the event gets
 * w·K(d/h)/h², into the tile when given, else straight into the grid.  For
 * each column crossing the circle only the rows within the chord (±1) are
 * tried.
 */
static sc_status
kde_event_cells(const kde_setup *k, const sc_kde_event *e, sc_grid *g, kde_tile *t,
				sc_interrupt_fn interrupt, size_t *tick, sc_err *err)
{
	double		scale = e->w / (k->h * k->h);
	double		inv_h = 1.0 / k->h,
				inv_h2 = 1.0 / (k->h * k->h);
	double		cy[2][KDE_ROWS_CACHED];
	int64_t		nrows = e->j1 - e->j0 + 1;
	bool		cached = nrows <= KDE_ROWS_CACHED;

	/*
	 * A centre's y depends only on its row and (hex) the column's parity:
	 * take them from sc_grid_cell_center once per event, not once per cell.
	 */
	if (cached)
		for (int par = 0; par < (k->kind == SC_GRID_HEX ? 2 : 1); par++)
			for (int64_t r = 0; r < nrows; r++)
			{
				double		unused;

				sc_grid_cell_center(k->kind, k->s, par, (int32_t) (e->j0 + r), &unused, &cy[par][r]);
			}

	for (int64_t i = e->i0; i <= e->i1; i++)
	{
		double		cx,
					cy0,
					dx,
					dx2,
					chord;
		int64_t		j0,
					j1;
		size_t		before;

		sc_grid_cell_center(k->kind, k->s, (int32_t) i, 0, &cx, &cy0);
		dx = e->x - cx;
		dx2 = dx * dx;
		if (dx2 >= k->R2)
			continue;
		chord = sqrt(k->R2 - dx2);
		j0 = (int64_t) ceil((e->y - chord - cy0) / k->pitch_y) - 1;
		j1 = (int64_t) floor((e->y + chord - cy0) / k->pitch_y) + 1;
		if (j0 < e->j0)
			j0 = e->j0;
		if (j1 > e->j1)
			j1 = e->j1;
		if (j1 < j0)
			continue;

		if (t && cached)
		{
			/* the common case, kept tight: cached rows into the dense tile */
			const double *cyr = cy[k->kind == SC_GRID_HEX && (i % 2) != 0];
			size_t		base = (size_t) (i - t->ti0) * SC_KDE_TILE + (size_t) (e->j0 - t->tj0);
			double	   *ts = t->sum + base;
			uint8_t    *tt = t->touched + base;
			int64_t		a = j0 - e->j0,
						b = j1 - e->j0;

			switch (k->kernel)
			{
#define TILE_COLUMN(K) tile_column(K, e->y, dx2, k->R2, scale, inv_h2, inv_h, cyr, a, b, ts, tt)
				case SC_KERNEL_QUARTIC:
					TILE_COLUMN(SC_KERNEL_QUARTIC);
					break;
				case SC_KERNEL_EPANECHNIKOV:
					TILE_COLUMN(SC_KERNEL_EPANECHNIKOV);
					break;
				case SC_KERNEL_TRIANGULAR:
					TILE_COLUMN(SC_KERNEL_TRIANGULAR);
					break;
				case SC_KERNEL_UNIFORM:
					TILE_COLUMN(SC_KERNEL_UNIFORM);
					break;
				case SC_KERNEL_GAUSSIAN:
					TILE_COLUMN(SC_KERNEL_GAUSSIAN);
					break;
#undef TILE_COLUMN
			}
			before = *tick;
			*tick += (size_t) (b - a + 1);
			if (interrupt && before / SC_INTERRUPT_EVERY != *tick / SC_INTERRUPT_EVERY)
				interrupt();
			continue;
		}

		for (int64_t j = j0; j <= j1; j++)
		{
			double		ccx,
						ccy,
						dy,
						d2,
						v;

			if (cached)
				ccy = cy[k->kind == SC_GRID_HEX && (i % 2) != 0][j - e->j0];
			else
				sc_grid_cell_center(k->kind, k->s, (int32_t) i, (int32_t) j, &ccx, &ccy);
			dy = e->y - ccy;
			d2 = dx2 + dy * dy;
			if (d2 < k->R2)
			{
				v = scale * kernel_d2(k->kernel, d2, inv_h2, inv_h);
				if (t)
				{
					size_t		idx = (size_t) (i - t->ti0) * SC_KDE_TILE + (size_t) (j - t->tj0);

					t->sum[idx] += v;
					t->touched[idx] = 1;
				}
				else
				{
					sc_status	st = sc_grid_add(g, (int32_t) i, (int32_t) j, v, err);

					if (st != SC_OK)
					{
						if (st == SC_ELIMIT)
							sc_fail(err, SC_ELIMIT,
									"the density grid would exceed %zu cells; use a larger cell size, "
									"a smaller bandwidth or a smaller area", g->max_cells);
						return st;
					}
				}
			}
			if (interrupt && ++*tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
	}
	return SC_OK;
}

sc_status
sc_kde_add_point(sc_grid *g, double x, double y, double w, double h,
				 sc_kernel kernel, sc_err *err)
{
	kde_setup	k;
	sc_kde_event e;
	size_t		tick = 0;
	sc_status	st;

	if ((st = kde_setup_init(&k, g, h, kernel, err)) != SC_OK)
		return st;
	if ((st = kde_event_prepare(&k, x, y, w, &e, err)) != SC_OK)
		return st;
	if (w == 0)
		return SC_OK;
	return kde_event_cells(&k, &e, g, NULL, NULL, &tick, err);
}

sc_status
sc_kde_acc_init(sc_kde_acc *acc, sc_grid *g, double h, sc_kernel kernel,
				sc_interrupt_fn interrupt, sc_err *err)
{
	kde_setup	k;
	sc_status	st;

	memset(acc, 0, sizeof(*acc));
	if ((st = kde_setup_init(&k, g, h, kernel, err)) != SC_OK)
		return st;
	acc->grid = g;
	acc->h = h;
	acc->kernel = kernel;
	acc->interrupt = interrupt;
	return SC_OK;
}

sc_status
sc_kde_acc_add(sc_kde_acc *acc, double x, double y, double w, sc_err *err)
{
	kde_setup	k;
	sc_status	st;
	sc_alloc   *a = &acc->grid->alloc;

	if ((st = kde_setup_init(&k, acc->grid, acc->h, acc->kernel, err)) != SC_OK)
		return st;
	if (!acc->buf)
	{
		acc->buf = a->alloc(a->ctx, SC_KDE_BATCH * sizeof(sc_kde_event));
		if (!acc->buf)
			return sc_fail(err, SC_ENOMEM, "out of memory buffering density events");
		acc->cap = SC_KDE_BATCH;
	}
	if ((st = kde_event_prepare(&k, x, y, w, &acc->buf[acc->n], err)) != SC_OK)
		return st;
	if (w == 0)
		return SC_OK;			/* adds nothing, creates nothing */
	acc->n++;
	if (acc->n == acc->cap)
		return sc_kde_acc_flush(acc, err);
	return SC_OK;
}

/* interleave the bits of two 32-bit values: Z-order (Morton 1966) */
static uint64_t
spread_bits(uint32_t v)
{
	uint64_t	x = v;

	x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
	x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
	x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
	x = (x | (x << 2)) & 0x3333333333333333ULL;
	x = (x | (x << 1)) & 0x5555555555555555ULL;
	return x;
}

/*
 * Sort events by key, stably (equal keys keep their arrival order): LSD
 * radix sort by bytes, skipping the bytes all keys share (a batch covers a
 * small area, so most high bytes of its Z-order keys agree).  The result
 * may end up in either array; returns it.
 */
static sc_kde_event *
sort_events(sc_kde_event *a, sc_kde_event *b, size_t n)
{
	for (int shift = 0; shift < 64; shift += 8)
	{
		size_t		count[256] = {0};
		size_t		pos = 0;
		sc_kde_event *t;

		for (size_t e = 0; e < n; e++)
			count[(a[e].key >> shift) & 0xFF]++;
		if (count[(a[0].key >> shift) & 0xFF] == n)
			continue;			/* every key has this byte */
		for (int d = 0; d < 256; d++)
		{
			size_t		c = count[d];

			count[d] = pos;
			pos += c;
		}
		for (size_t e = 0; e < n; e++)
			b[count[(a[e].key >> shift) & 0xFF]++] = a[e];
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* add the touched tile cells to the grid and clear them */
static sc_status
tile_flush(kde_tile *t, sc_grid *g, sc_interrupt_fn interrupt, size_t *tick, sc_err *err)
{
	for (int64_t i = t->ui0; i <= t->ui1; i++)
		for (int64_t j = t->uj0; j <= t->uj1; j++)
		{
			size_t		idx = (size_t) (i - t->ti0) * SC_KDE_TILE + (size_t) (j - t->tj0);

			if (!t->touched[idx])
				continue;
			{
				sc_status	st = sc_grid_add(g, (int32_t) i, (int32_t) j, t->sum[idx], err);

				if (st != SC_OK)
				{
					if (st == SC_ELIMIT)
						sc_fail(err, SC_ELIMIT,
								"the density grid would exceed %zu cells; use a larger cell size, "
								"a smaller bandwidth or a smaller area", g->max_cells);
					return st;
				}
			}
			t->sum[idx] = 0.0;
			t->touched[idx] = 0;
			if (interrupt && ++*tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
		}
	t->ui0 = INT64_MAX;
	t->ui1 = INT64_MIN;
	t->uj0 = INT64_MAX;
	t->uj1 = INT64_MIN;
	return SC_OK;
}

/*
 * Events sorted along the Z-order curve come in spatially compact runs;
 * a run whose boxes fit one SC_KDE_TILE² window is summed densely there
 * (cache-resident), and each touched cell then costs one hash update for
 * the whole run instead of one per event.
 */
sc_status
sc_kde_acc_flush(sc_kde_acc *acc, sc_err *err)
{
	kde_setup	k;
	kde_tile	t;
	bool		active = false;
	sc_alloc   *a = &acc->grid->alloc;
	sc_status	st;

	if (acc->n == 0)
		return SC_OK;
	if ((st = kde_setup_init(&k, acc->grid, acc->h, acc->kernel, err)) != SC_OK)
		return st;
	for (size_t e = 0; e < acc->n; e++)
	{
		sc_kde_event *ev = &acc->buf[e];
		uint32_t	ci = (uint32_t) ((ev->i0 + ev->i1) / 2 + 0x80000000LL),
					cj = (uint32_t) ((ev->j0 + ev->j1) / 2 + 0x80000000LL);

		ev->key = spread_bits(ci) | (spread_bits(cj) << 1);
	}
	if (!acc->spare)
	{
		acc->spare = a->alloc(a->ctx, acc->cap * sizeof(sc_kde_event));
		if (!acc->spare)
			return sc_fail(err, SC_ENOMEM, "out of memory sorting density events");
	}
	if (sort_events(acc->buf, acc->spare, acc->n) != acc->buf)
	{
		sc_kde_event *t = acc->buf;

		acc->buf = acc->spare;
		acc->spare = t;
	}

	if (!acc->tile)
	{
		acc->tile = a->alloc(a->ctx, (size_t) SC_KDE_TILE * SC_KDE_TILE * sizeof(double));
		if (!acc->tile)
			return sc_fail(err, SC_ENOMEM, "out of memory for a density tile");
		memset(acc->tile, 0, (size_t) SC_KDE_TILE * SC_KDE_TILE * sizeof(double));
	}
	if (!acc->touched)
	{
		acc->touched = a->alloc(a->ctx, (size_t) SC_KDE_TILE * SC_KDE_TILE);
		if (!acc->touched)
			return sc_fail(err, SC_ENOMEM, "out of memory for a density tile");
		memset(acc->touched, 0, (size_t) SC_KDE_TILE * SC_KDE_TILE);
	}
	t.sum = acc->tile;
	t.touched = acc->touched;
	t.ti0 = t.tj0 = 0;
	t.ui0 = INT64_MAX;
	t.ui1 = INT64_MIN;
	t.uj0 = INT64_MAX;
	t.uj1 = INT64_MIN;

	for (size_t e = 0; e < acc->n; e++)
	{
		const sc_kde_event *ev = &acc->buf[e];
		int64_t		wi = ev->i1 - ev->i0 + 1,
					wj = ev->j1 - ev->j0 + 1;

		if (wi > SC_KDE_TILE || wj > SC_KDE_TILE)
		{
			/* wider than a tile: straight into the grid */
			st = kde_event_cells(&k, ev, acc->grid, NULL, acc->interrupt, &acc->tick, err);
			if (st != SC_OK)
				goto fail;
			continue;
		}
		if (active && !(ev->i0 >= t.ti0 && ev->i1 < t.ti0 + SC_KDE_TILE &&
						ev->j0 >= t.tj0 && ev->j1 < t.tj0 + SC_KDE_TILE))
		{
			if ((st = tile_flush(&t, acc->grid, acc->interrupt, &acc->tick, err)) != SC_OK)
				goto fail;
			active = false;
		}
		if (!active)
		{
			/* centre the window on the run's first event */
			t.ti0 = ev->i0 - (SC_KDE_TILE - wi) / 2;
			t.tj0 = ev->j0 - (SC_KDE_TILE - wj) / 2;
			active = true;
		}
		if (ev->i0 < t.ui0)
			t.ui0 = ev->i0;
		if (ev->i1 > t.ui1)
			t.ui1 = ev->i1;
		if (ev->j0 < t.uj0)
			t.uj0 = ev->j0;
		if (ev->j1 > t.uj1)
			t.uj1 = ev->j1;
		st = kde_event_cells(&k, ev, acc->grid, &t, acc->interrupt, &acc->tick, err);
		if (st != SC_OK)
			goto fail;
	}
	if (active && (st = tile_flush(&t, acc->grid, acc->interrupt, &acc->tick, err)) != SC_OK)
		goto fail;
	acc->n = 0;
	return SC_OK;

fail:
	/* leave a clean tile for sc_kde_acc_free; the grid is incomplete */
	memset(acc->tile, 0, (size_t) SC_KDE_TILE * SC_KDE_TILE * sizeof(double));
	memset(acc->touched, 0, (size_t) SC_KDE_TILE * SC_KDE_TILE);
	acc->n = 0;
	return st;
}

void
sc_kde_acc_free(sc_kde_acc *acc)
{
	sc_alloc   *a;

	if (!acc->grid)
		return;
	a = &acc->grid->alloc;
	sc_free(a, acc->buf);
	sc_free(a, acc->spare);
	sc_free(a, acc->tile);
	sc_free(a, acc->touched);
	acc->buf = NULL;
	acc->spare = NULL;
	acc->tile = NULL;
	acc->touched = NULL;
	acc->n = acc->cap = 0;
}

sc_status
sc_kde_add_points(sc_grid *g, size_t n, const double *x, const double *y,
				  const double *w, double h, sc_kernel kernel,
				  sc_interrupt_fn interrupt, sc_err *err)
{
	sc_kde_acc	acc;
	sc_status	st = sc_kde_acc_init(&acc, g, h, kernel, interrupt, err);

	for (size_t e = 0; st == SC_OK && e < n; e++)
		st = sc_kde_acc_add(&acc, x[e], y[e], w ? w[e] : 1.0, err);
	if (st == SC_OK)
		st = sc_kde_acc_flush(&acc, err);
	sc_kde_acc_free(&acc);
	return st;
}

typedef struct dist_weight
{
	double		d;
	double		w;
} dist_weight;

static int
dist_weight_cmp(const void *a, const void *b)
{
	double		x = ((const dist_weight *) a)->d,
				y = ((const dist_weight *) b)->d;

	return (x > y) - (x < y);
}

/*
 * Weighted median: the distance at which the cumulative weight reaches half
 * the total; when it lands exactly on half, the mean of that distance and
 * the next, so equal weights give the usual median (mean of the middle two
 * for an even count).
 */
static double
weighted_median(dist_weight *dw, dist_weight *tmp, size_t m, double total,
				sc_interrupt_fn interrupt)
{
	double		half = total / 2.0,
				cum = 0.0;

	/* stable, so equal distances keep the order of the points */
	sc_sort(dw, tmp, m, sizeof(dist_weight), dist_weight_cmp, interrupt);
	for (size_t k = 0; k < m; k++)
	{
		cum += dw[k].w;
		if (cum > half)
			return dw[k].d;
		if (cum == half)
			return k + 1 < m ? (dw[k].d + dw[k + 1].d) / 2.0 : dw[k].d;
	}
	return m ? dw[m - 1].d : 0.0;	/* unreachable with total > 0 */
}

sc_status
sc_kde_bandwidth(size_t n, const double *x, const double *y, const double *w,
				 double *h, sc_kde_bandwidth_info *info,
				 const sc_alloc *alloc, sc_err *err)
{
	double		total = 0.0,
				mx = 0.0,
				my = 0.0,
				ss = 0.0,
				sd,
				dm,
				hh;
	size_t		m = 0;
	dist_weight *dw,
			   *tmp;

	if (n == 0)
		return sc_fail(err, SC_EINVAL, "no points to derive a bandwidth from");
	for (size_t k = 0; k < n; k++)
	{
		double		wk = w ? w[k] : 1.0;

		sc_alloc_poll(alloc, k);
		if (!isfinite(x[k]) || !isfinite(y[k]))
			return sc_fail(err, SC_EINVAL, "point coordinates must be finite");
		if (!isfinite(wk) || wk < 0)
			return sc_fail(err, SC_EINVAL, "weights must be finite and non-negative");
		total += wk;
	}
	if (!(total > 0) || !isfinite(total))
		return sc_fail(err, SC_EINVAL, "the weights sum to %g; they must sum to a positive finite number", total);

	/* (weighted) mean centre, then the standard distance about it */
	for (size_t k = 0; k < n; k++)
	{
		double		wk = w ? w[k] : 1.0;

		sc_alloc_poll(alloc, k);
		mx += wk * x[k];
		my += wk * y[k];
	}
	mx /= total;
	my /= total;

	dw = sc_alloc_array(alloc, n, sizeof(dist_weight), err, "point distances");
	tmp = dw ? sc_alloc_array(alloc, n, sizeof(dist_weight), err, "point distances") : NULL;
	if (!tmp)
	{
		sc_free(alloc, dw);
		return SC_ENOMEM;
	}
	for (size_t k = 0; k < n; k++)
	{
		double		wk = w ? w[k] : 1.0;
		double		dx = x[k] - mx,
					dy = y[k] - my;

		sc_alloc_poll(alloc, k);
		if (wk == 0)
			continue;			/* no weight: no say in SD or the median */
		ss += wk * (dx * dx + dy * dy);
		dw[m].d = sqrt(dx * dx + dy * dy);
		dw[m].w = wk;
		m++;
	}
	sd = sqrt(ss / total);
	dm = weighted_median(dw, tmp, m, total, alloc->interrupt);
	sc_free(alloc, dw);
	sc_free(alloc, tmp);

	/* ArcGIS Pro "How Kernel Density works", default search radius */
	hh = 0.9 * fmin(sd, sqrt(1.0 / log(2.0)) * dm) * pow(total, -0.2);
	if (info)
	{
		info->n = total;
		info->mean_x = mx;
		info->mean_y = my;
		info->sd = sd;
		info->dm = dm;
	}
	if (!(hh > 0) || !isfinite(hh))
		return sc_fail(err, SC_EINVAL,
					   "cannot derive a bandwidth: the standard distance is %g and the median distance "
					   "to the mean centre is %g (the points coincide); give the bandwidth explicitly",
					   sd, dm);
	*h = hh;
	return SC_OK;
}
