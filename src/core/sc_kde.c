/*
 * sc_kde.c — exact kernel density on a grid, and the ArcGIS default
 * bandwidth.
 *
 * The direct path (sc_kde_add_point) visits, for every column of cells
 * crossing an event's support circle, the rows within the chord (plus one
 * row of margin against rounding), each tested exactly by its centre.  The
 * accumulator instead evaluates the event's whole index box with the test
 * as a mask: more cells, but a branch-free loop that vectorises.
 *
 * Updating the hash grid cell by cell costs a cache miss per cell, far more
 * than the kernel; so the accumulator (sc_kde_acc_*) sums events into dense
 * tiles first, and each touched cell reaches the hash once per flush.
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

typedef sc_kde_setup kde_setup;

typedef struct sc_kde_event
{
	double		x;
	double		y;
	double		w;
	double		scale;			/* w / h² */
	int64_t		i0;				/* candidate columns and rows, with margin */
	int64_t		i1;
	int64_t		j0;
	int64_t		j1;
} sc_kde_event;

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
	k->inv_h = 1.0 / h;
	k->inv_h2 = 1.0 / (h * h);

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
		k->off_y = 0.5;			/* rows j: centres (j + ½) s */
	}
	else
	{
		k->pitch_x = 1.5 * k->s;
		k->pitch_y = sqrt(3.0) * k->s;
		k->off_x = 0.0;
		k->off_y = 0.0;			/* rows j: centres j·√3s, or (j + ½)·√3s in odd columns */
	}
	k->inv_pitch_x = 1.0 / k->pitch_x;
	k->inv_pitch_y = 1.0 / k->pitch_y;
	return SC_OK;
}

/* floor and ceil without a library call (exact below 2^52; beyond, libm) */
static inline double
floor_fast(double v)
{
	double		t;

	if (!(fabs(v) < 4503599627370496.0))
		return floor(v);
	t = (double) (int64_t) v;
	return t - (double) (t > v);
}

static inline double
ceil_fast(double v)
{
	double		t;

	if (!(fabs(v) < 4503599627370496.0))
		return ceil(v);
	t = (double) (int64_t) v;
	return t + (double) (t < v);
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
	/* (reciprocals, not divisions: the margins below absorb their rounding) */
	ilo = ceil_fast((x - k->R) * k->inv_pitch_x - k->off_x);
	ihi = floor_fast((x + k->R) * k->inv_pitch_x - k->off_x);
	/* the lowest centre is (j + ½) pitch on both lattices, the highest (j + off_y) pitch */
	jlo = ceil_fast((y - k->R) * k->inv_pitch_y - 0.5);
	jhi = floor_fast((y + k->R) * k->inv_pitch_y - k->off_y);
	if (!(ilo >= -SC_CELL_INDEX_MAX && ihi <= SC_CELL_INDEX_MAX &&
		  jlo >= -SC_CELL_INDEX_MAX && jhi <= SC_CELL_INDEX_MAX))
		return sc_fail(err, SC_ERANGE,
					   "the event at (%g, %g) reaches cells outside index ±%d",
					   x, y, SC_CELL_INDEX_MAX);
	e->x = x;
	e->y = y;
	e->w = w;
	e->scale = w / (k->h * k->h);
	/* margins against rounding; the exact centre test decides */
	e->i0 = (int64_t) ilo - 1;
	e->i1 = (int64_t) ihi + 1;
	e->j0 = (int64_t) jlo - 1;
	e->j1 = (int64_t) jhi + 1;
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
 * The direct path, one event straight into the hash grid: for each column
 * crossing the circle only the rows within the chord (±1) are tried, each
 * tested exactly by its centre.  The accumulator below reaches the same
 * cells another way; the unit tests hold each against the other.
 */
static sc_status
kde_event_cells(const kde_setup *k, const sc_kde_event *e, sc_grid *g, sc_err *err)
{
	double		scale = e->w / (k->h * k->h);
	double		inv_h = 1.0 / k->h,
				inv_h2 = 1.0 / (k->h * k->h);

	for (int64_t i = e->i0; i <= e->i1; i++)
	{
		double		cx,
					cy0,
					dx,
					dx2,
					chord;
		int64_t		j0,
					j1;

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
		for (int64_t j = j0; j <= j1; j++)
		{
			double		ccx,
						ccy,
						dy,
						d2;

			sc_grid_cell_center(k->kind, k->s, (int32_t) i, (int32_t) j, &ccx, &ccy);
			dy = e->y - ccy;
			d2 = dx2 + dy * dy;
			if (d2 < k->R2)
			{
				sc_status	st = sc_grid_add(g, (int32_t) i, (int32_t) j,
											 scale * kernel_d2(k->kernel, d2, inv_h2, inv_h), err);

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
	}
	return SC_OK;
}

sc_status
sc_kde_add_point(sc_grid *g, double x, double y, double w, double h,
				 sc_kernel kernel, sc_err *err)
{
	kde_setup	k;
	sc_kde_event e = {0};
	sc_status	st;

	if ((st = kde_setup_init(&k, g, h, kernel, err)) != SC_OK)
		return st;
	if ((st = kde_event_prepare(&k, x, y, w, &e, err)) != SC_OK)
		return st;
	if (w == 0)
		return SC_OK;
	return kde_event_cells(&k, &e, g, err);
}

/* ---- the accumulator: dense tiles in a hash table of tiles ---- */

#define TILE_CELLS (SC_KDE_TILE * SC_KDE_TILE)
/* rows a vector of the quartic row loop holds (its lane constants have four) */
#define KDE_LANES 4
#define TILE_MASK (SC_KDE_TILE - 1)
/* cell index + TILE_BIAS is >= 0 and a multiple of the tile side apart */
#define TILE_BIAS ((int64_t) 1 << 40)

struct sc_kde_tile
{
	int64_t		ti;				/* tile index: (cell index + TILE_BIAS) >> bits */
	int64_t		tj;
	int			di0;			/* touched box, local indices; di0 > di1 when clean */
	int			di1;
	int			dj0;
	int			dj1;
	double		sum[TILE_CELLS];	/* column-major: local (i, j) at i·SC_KDE_TILE + j */
	double		pad[KDE_LANES];	/* the last column's whole vectors end here */
};

/*
 * An untouched tile cell holds -0.0: an event adds v + 0.0 (never -0.0)
 * to the cells it reaches and -0.0 to the others, and a sum that has had a
 * value other than -0.0 added never returns to -0.0 (x + y = 0 is +0.0 in
 * round-to-nearest).  So the sign of zero marks the touched cells, with no
 * second array and no branch in the loop.
 */
static inline bool
cell_touched(double v)
{
	return !(v == 0.0 && signbit(v));
}

static void
tile_clear(sc_kde_tile *t)
{
	for (size_t c = 0; c < TILE_CELLS; c++)
		t->sum[c] = -0.0;
	for (int c = 0; c < KDE_LANES; c++)
		t->pad[c] = -0.0;
	t->di0 = t->dj0 = SC_KDE_TILE;
	t->di1 = t->dj1 = -1;
}

static inline int64_t
tile_of(int64_t c)
{
	return (c + TILE_BIAS) >> SC_KDE_TILE_BITS;
}

static inline int
tile_local(int64_t c)
{
	return (int) ((c + TILE_BIAS) & TILE_MASK);
}

static inline size_t
tile_hash(int64_t ti, int64_t tj, size_t mask)
{
	uint64_t	h = (uint64_t) ti * 0x9E3779B97F4A7C15ULL ^ (uint64_t) tj * 0xC2B2AE3D27D4EB4FULL;

	return (size_t) (h ^ (h >> 29)) & mask;
}

sc_status
sc_kde_acc_init(sc_kde_acc *acc, sc_grid *g, double h, sc_kernel kernel,
				sc_interrupt_fn interrupt, sc_err *err)
{
	sc_status	st;

	memset(acc, 0, sizeof(*acc));
	if ((st = kde_setup_init(&acc->setup, g, h, kernel, err)) != SC_OK)
		return st;
	acc->grid = g;
	acc->h = h;
	acc->kernel = kernel;
	acc->interrupt = interrupt;
	acc->max_tiles = SC_KDE_TILE_MEMORY / sizeof(sc_kde_tile);
	acc->tile_alloc = g->alloc;
	return SC_OK;
}

/* add the touched cells of every used tile to the grid and clear them */
static sc_status
tiles_flush(sc_kde_acc *acc, sc_err *err)
{
	sc_grid    *g = acc->grid;

	for (size_t k = 0; k < acc->used; k++)
	{
		sc_kde_tile *t = acc->tiles[k];
		int64_t		bi = t->ti * SC_KDE_TILE - TILE_BIAS,
					bj = t->tj * SC_KDE_TILE - TILE_BIAS;

		for (int i = t->di0; i <= t->di1; i++)
			for (int j = t->dj0; j <= t->dj1; j++)
			{
				size_t		idx = (size_t) i * SC_KDE_TILE + (size_t) j;
				sc_status	st;

				if (!cell_touched(t->sum[idx]))
					continue;
				st = sc_grid_add(g, (int32_t) (bi + i), (int32_t) (bj + j), t->sum[idx], err);
				if (st != SC_OK)
				{
					if (st == SC_ELIMIT)
						sc_fail(err, SC_ELIMIT,
								"the density grid would exceed %zu cells; use a larger cell size, "
								"a smaller bandwidth or a smaller area", g->max_cells);
					return st;
				}
				t->sum[idx] = -0.0;
				if (acc->interrupt && ++acc->tick % SC_INTERRUPT_EVERY == 0)
					acc->interrupt();
			}
		t->di0 = t->dj0 = SC_KDE_TILE;
		t->di1 = t->dj1 = -1;
	}
	return SC_OK;
}

/* the used tiles in a table of twice as many slots */
static sc_status
slots_rebuild(sc_kde_acc *acc, size_t nslots, sc_err *err)
{
	sc_alloc   *a = &acc->grid->alloc;
	sc_kde_tile **s = a->alloc(a->ctx, nslots * sizeof(sc_kde_tile *));

	if (!s)
		return sc_fail(err, SC_ENOMEM, "out of memory for density tiles");
	memset(s, 0, nslots * sizeof(sc_kde_tile *));
	for (size_t k = 0; k < acc->used; k++)
	{
		size_t		p = tile_hash(acc->tiles[k]->ti, acc->tiles[k]->tj, nslots - 1);

		while (s[p])
			p = (p + 1) & (nslots - 1);
		s[p] = acc->tiles[k];
	}
	sc_free(a, acc->slots);
	acc->slots = s;
	acc->nslots = nslots;
	return SC_OK;
}

/*
 * The tile (ti, tj), created clean when new.  When the tiles would exceed
 * their memory, all are flushed to the grid and reused.
 */
static sc_status
tile_get(sc_kde_acc *acc, int64_t ti, int64_t tj, sc_kde_tile **out, sc_err *err)
{
	sc_alloc   *a = &acc->grid->alloc;
	sc_kde_tile *t;
	size_t		p;
	sc_status	st;

	if (acc->last && acc->last->ti == ti && acc->last->tj == tj)
	{
		*out = acc->last;
		return SC_OK;
	}
	if (acc->nslots)
		for (p = tile_hash(ti, tj, acc->nslots - 1); (t = acc->slots[p]) != NULL;
			 p = (p + 1) & (acc->nslots - 1))
			if (t->ti == ti && t->tj == tj)
			{
				*out = acc->last = t;
				return SC_OK;
			}
	if (acc->used == acc->max_tiles)
	{
		/* full: everything into the grid, then the tiles start over */
		if ((st = tiles_flush(acc, err)) != SC_OK)
			return st;
		acc->used = 0;
		acc->last = NULL;
		memset(acc->slots, 0, acc->nslots * sizeof(sc_kde_tile *));
	}
	if (acc->used == acc->ntiles)
	{
		sc_kde_tile **tiles = a->realloc(a->ctx, acc->tiles, (acc->ntiles + 1) * sizeof(sc_kde_tile *));

		if (!tiles)
			return sc_fail(err, SC_ENOMEM, "out of memory for density tiles");
		acc->tiles = tiles;
		if (!(t = acc->tile_alloc.alloc(acc->tile_alloc.ctx, sizeof(sc_kde_tile))))
			return sc_fail(err, SC_ENOMEM, "out of memory for a density tile");
		tile_clear(t);
		acc->tiles[acc->ntiles++] = t;
	}
	t = acc->tiles[acc->used++];
	t->ti = ti;
	t->tj = tj;
	if (2 * acc->used > acc->nslots)
	{
		if ((st = slots_rebuild(acc, acc->nslots ? 2 * acc->nslots : 16, err)) != SC_OK)
			return st;
	}
	else
	{
		for (p = tile_hash(ti, tj, acc->nslots - 1); acc->slots[p]; p = (p + 1) & (acc->nslots - 1))
			;
		acc->slots[p] = t;
	}
	*out = acc->last = t;
	return SC_OK;
}

#if defined(__GNUC__)
typedef double kde_vd __attribute__((vector_size(KDE_LANES * sizeof(double))));
typedef int64_t kde_vi __attribute__((vector_size(KDE_LANES * sizeof(double))));

/*
 * The quartic rows in whole vectors of KDE_LANES (GCC's vector types: the
 * AVX2 clone gets one ymm register each, the default clone two SSE2 ones).
 * The same operations in the same order as the scalar loop, lane by lane,
 * so the same bits; lanes past row n, or outside the circle, add -0.0,
 * which changes no value (they reach at most KDE_LANES - 1 cells past the
 * column: the next column's, or the tile's pad).  dy2 is readable that far.
 */
static inline __attribute__((always_inline)) void
tile_rows_quartic(double dx2, double R2, double scale, double inv_h2,
				  const double *restrict dy2, int n, double *restrict ts)
{
	const kde_vi lane = {0, 1, 2, 3};
	const kde_vd zero = {0.0, 0.0, 0.0, 0.0},
				neg0 = {-0.0, -0.0, -0.0, -0.0};

	for (int r = 0; r < n; r += KDE_LANES)
	{
		kde_vd		d2,
					t,
					v,
					sum;
		kde_vi		in;

		memcpy(&d2, dy2 + r, sizeof d2);
		memcpy(&sum, ts + r, sizeof sum);
		d2 = dx2 + d2;
		t = 1.0 - d2 * inv_h2;
		t = (kde_vd) ((kde_vi) t & (kde_vi) (t > zero));
		v = scale * ((3.0 / SC_PI) * t * t) + 0.0;
		in = (kde_vi) (d2 < R2) & (kde_vi) ((lane + r) < n);
		sum += (kde_vd) ((in & (kde_vi) v) | (~in & (kde_vi) neg0));
		memcpy(ts + r, &sum, sizeof sum);
	}
}
#endif

/*
 * Rows of one column into a tile, each with the exact test d² < R² as a
 * mask rather than a branch (a cell outside adds -0.0 and stays untouched),
 * inlined once per kernel: the loop has no branch and vectorises.  dy2 has
 * the rows' (ey - cy)², the same for every column of the event.
 */
static inline __attribute__((always_inline)) void
tile_rows(sc_kernel kernel, double dx2, double R2, double scale, double inv_h2,
		  double inv_h, const double *restrict dy2, int n, double *restrict ts)
{
#if defined(__GNUC__)
	if (kernel == SC_KERNEL_QUARTIC)
	{
		tile_rows_quartic(dx2, R2, scale, inv_h2, dy2, n, ts);
		return;
	}
#endif
	for (int r = 0; r < n; r++)
	{
		double		d2 = dx2 + dy2[r],
					v = scale * kernel_d2(kernel, d2, inv_h2, inv_h) + 0.0;

		ts[r] += d2 < R2 ? v : -0.0;
	}
}

/* the centre x of column i, as sc_grid_cell_center computes it */
static inline double
column_x(const kde_setup *k, int64_t i)
{
	return k->kind == SC_GRID_SQUARE ? ((int32_t) i + 0.5) * k->s : k->s * (1.5 * (int32_t) i);
}

/*
 * (y - cy)² of nrows square rows from j0, cy as sc_grid_cell_center has it
 * (locals and restrict: the loop vectorises)
 */
static inline __attribute__((always_inline)) void
square_rows_dy2(double *restrict dy2, double y, int32_t j0, size_t nrows, double s)
{
	for (size_t r = 0; r < nrows; r++)
	{
		double		dy = y - ((int32_t) (j0 + (int32_t) r) + 0.5) * s;

		dy2[r] = dy * dy;
	}
}

/* true when no centre of row r (any column parity) is within R of the event */
static inline bool
row_outside(const kde_setup *k, const double *dy2, size_t nrows, int npar, size_t r)
{
	for (int par = 0; par < npar; par++)
		if (dy2[par * nrows + r] < k->R2)
			return false;
	return true;
}

static inline bool
column_outside(const kde_setup *k, const sc_kde_event *e, int64_t i)
{
	double		dx = e->x - column_x(k, i);

	return !(dx * dx < k->R2);
}

/*
 * The event's box without its margin rows and columns that no cell of the
 * circle uses.  Exact, not an estimate: d² = dx² + dy² (rounded) is at
 * least the rounded dy², so a row with dy² >= R² fails the test in every
 * column (and likewise a column); those cells would only add -0.0.  Fewer
 * rows make the row loop a whole number of vectors more often.
 */
static inline __attribute__((always_inline)) void
box_trim(const kde_setup *k, const sc_kde_event *e, size_t nrows, int npar, const double *dy2,
		 int64_t *i0, int64_t *i1, int64_t *j0, int64_t *j1)
{
	size_t		r0 = 0,
				r1 = nrows;

	*i0 = e->i0;
	*i1 = e->i1;
	while (*i0 <= *i1 && column_outside(k, e, *i0))
		(*i0)++;
	while (*i1 >= *i0 && column_outside(k, e, *i1))
		(*i1)--;
	while (r0 < r1 && row_outside(k, dy2, nrows, npar, r0))
		r0++;
	while (r1 > r0 && row_outside(k, dy2, nrows, npar, r1 - 1))
		r1--;
	*j0 = e->j0 + (int64_t) r0;
	*j1 = e->j0 + (int64_t) r1 - 1;
}

/*
 * Columns ia..ib of one tile, rows from dy2 (n of them) into ts (the tile's
 * sums from the first row); odd hexagon columns take their dy² odd_off
 * further on.
 */
static inline __attribute__((always_inline)) void
tile_columns(sc_kernel kernel, const kde_setup *k, const sc_kde_event *e, int64_t ia, int64_t ib,
			 const double *dy2, size_t odd_off, int n, double *ts)
{
	for (int64_t i = ia; i <= ib; i++)
	{
		double		dx = e->x - column_x(k, i),
					dx2 = dx * dx;

		if (dx2 < k->R2)
			tile_rows(kernel, dx2, k->R2, e->scale, k->inv_h2, k->inv_h,
					  dy2 + (i % 2 != 0 ? odd_off : 0), n,
					  ts + (size_t) tile_local(i) * SC_KDE_TILE);
	}
}

/*
 * One event into the tiles its index box overlaps: for each tile, every
 * column of the box in it gets the box's rows in it, each row masked by
 * the exact test (the box holds the support circle with a margin).  The
 * row loop has the same length for every column of the event and no
 * branch, so it is cheap to predict and vectorises; cells whose centre
 * lies outside the circle only add -0.0.
 */
/*
 * On x86-64, also compiled for AVX2 (4 doubles a vector rather than 2) and
 * chosen when the CPU has it; this file is built with -ffp-contract=off, so
 * no clone fuses a multiply and an add (FMA) and both give the same bits.
 * (An AVX-512 clone measured no faster: the rows of a kernel are short.)
 */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define KDE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define KDE_CLONES
#endif

KDE_CLONES static sc_status
acc_event(sc_kde_acc *acc, const sc_kde_event *e, sc_err *err)
{
	const kde_setup *k = &acc->setup;
	sc_alloc   *a = &acc->grid->alloc;
	int			npar = k->kind == SC_GRID_HEX ? 2 : 1;
	size_t		nrows = (size_t) (e->j1 - e->j0 + 1),
				before = acc->tick;
	int64_t		bi0,
				bi1,
				bj0,
				bj1;
	sc_status	st;

	if (npar * nrows > acc->rowdy2_cap)
	{
		sc_free(a, acc->rowdy2);
		acc->rowdy2_cap = npar * nrows < 64 ? 64 : npar * nrows;
		/* KDE_LANES more: the row loop reads whole vectors */
		if (!(acc->rowdy2 = a->alloc(a->ctx, (acc->rowdy2_cap + KDE_LANES) * sizeof(double))))
		{
			acc->rowdy2_cap = 0;
			return sc_fail(err, SC_ENOMEM, "out of memory for a density event");
		}
		for (size_t r = 0; r < acc->rowdy2_cap + KDE_LANES; r++)
			acc->rowdy2[r] = 0.0;
	}
	/* the rows' dy² (per column parity on hexagons), once for all columns */
	if (npar == 1)
		square_rows_dy2(acc->rowdy2, e->y, (int32_t) e->j0, nrows, k->s);
	else
		for (int par = 0; par < npar; par++)
			for (size_t r = 0; r < nrows; r++)
			{
				double		unused,
							cy,
							dy;

				sc_grid_cell_center(k->kind, k->s, par, (int32_t) (e->j0 + (int64_t) r), &unused, &cy);
				dy = e->y - cy;
				acc->rowdy2[par * nrows + r] = dy * dy;
			}
	box_trim(k, e, nrows, npar, acc->rowdy2, &bi0, &bi1, &bj0, &bj1);
	for (int64_t ia = bi0, ib; ia <= bi1; ia = ib + 1)
	{
		int64_t		ti = tile_of(ia);

		ib = ia + (SC_KDE_TILE - 1 - tile_local(ia));
		if (ib > bi1)
			ib = bi1;
		for (int64_t ja = bj0, jb; ja <= bj1; ja = jb + 1)
		{
			sc_kde_tile *t = NULL;
			int			lj = tile_local(ja),
						n;
			const double *dy2 = acc->rowdy2 + (ja - e->j0);

			jb = ja + (SC_KDE_TILE - 1 - lj);
			if (jb > bj1)
				jb = bj1;
			n = (int) (jb - ja + 1);
			/* most events stay in the tile of the one before */
			if (acc->last && acc->last->ti == ti && acc->last->tj == tile_of(ja))
				t = acc->last;
			else if ((st = tile_get(acc, ti, tile_of(ja), &t, err)) != SC_OK)
				return st;
			/* one kernel per instance of the column loop */
			switch (k->kernel)
			{
#define TILE_COLUMNS(K) tile_columns(K, k, e, ia, ib, dy2, npar == 2 ? nrows : 0, n, t->sum + lj)
				case SC_KERNEL_QUARTIC:
					TILE_COLUMNS(SC_KERNEL_QUARTIC);
					break;
				case SC_KERNEL_EPANECHNIKOV:
					TILE_COLUMNS(SC_KERNEL_EPANECHNIKOV);
					break;
				case SC_KERNEL_TRIANGULAR:
					TILE_COLUMNS(SC_KERNEL_TRIANGULAR);
					break;
				case SC_KERNEL_UNIFORM:
					TILE_COLUMNS(SC_KERNEL_UNIFORM);
					break;
				case SC_KERNEL_GAUSSIAN:
					TILE_COLUMNS(SC_KERNEL_GAUSSIAN);
					break;
#undef TILE_COLUMNS
			}
			acc->tick += (size_t) n * (size_t) (ib - ia + 1);
			/* the scan box of the flush (a cover of the touched cells) */
			if (tile_local(ia) < t->di0)
				t->di0 = tile_local(ia);
			if (tile_local(ib) > t->di1)
				t->di1 = tile_local(ib);
			if (lj < t->dj0)
				t->dj0 = lj;
			if (lj + n - 1 > t->dj1)
				t->dj1 = lj + n - 1;
		}
	}
	if (acc->interrupt && before / SC_INTERRUPT_EVERY != acc->tick / SC_INTERRUPT_EVERY)
		acc->interrupt();
	return SC_OK;
}

sc_status
sc_kde_acc_add(sc_kde_acc *acc, double x, double y, double w, sc_err *err)
{
	sc_kde_event e = {0};
	sc_status	st;

	if ((st = kde_event_prepare(&acc->setup, x, y, w, &e, err)) != SC_OK)
		return st;
	if (w == 0)
		return SC_OK;			/* adds nothing, creates nothing */
	acc->pending++;
	return acc_event(acc, &e, err);
}

sc_status
sc_kde_acc_flush(sc_kde_acc *acc, sc_err *err)
{
	sc_status	st;

	if (acc->pending == 0)
		return SC_OK;
	st = tiles_flush(acc, err);
	acc->pending = 0;
	return st;
}

/* ---- flushing into an empty grid: the cells come out sorted ---- */

static int
tile_cmp(const void *a, const void *b)
{
	const sc_kde_tile *x = *(sc_kde_tile *const *) a,
			   *y = *(sc_kde_tile *const *) b;

	if (x->ti != y->ti)
		return x->ti < y->ti ? -1 : 1;
	return (x->tj > y->tj) - (x->tj < y->tj);
}

/* the touched cells of the used tiles */
static size_t
tiles_touched(const sc_kde_acc *acc)
{
	size_t		n = 0;

	for (size_t k = 0; k < acc->used; k++)
	{
		const sc_kde_tile *t = acc->tiles[k];

		for (int i = t->di0; i <= t->di1; i++)
			for (int j = t->dj0; j <= t->dj1; j++)
				n += cell_touched(t->sum[(size_t) i * SC_KDE_TILE + (size_t) j]);
	}
	return n;
}

/*
 * Where emitted cells go: an array of cells, or the stored form; with the
 * cells of least and greatest j and hexagon row r = 2j (+1 in odd columns)
 * kept aside (the first and last cell have the least and greatest i).
 */
typedef struct emit_sink
{
	sc_cell    *cells;
	const sc_grid_flat_writer *flat;
	sc_grid_kind kind;
	sc_cell		jmin,
				jmax,
				rmin,
				rmax;
} emit_sink;

static inline int64_t
hex_row(sc_grid_kind kind, int32_t i, int32_t j)
{
	return 2 * (int64_t) j + (kind == SC_GRID_HEX && (i & 1));
}

static inline void
sink_put(emit_sink *s, size_t k, int32_t i, int32_t j, double v)
{
	sc_cell		c = {i, j, v};

	if (s->cells)
	{
		s->cells[k] = c;
		return;
	}
	sc_grid_flat_put(s->flat, k, i, j, v);
	if (k == 0)
		s->jmin = s->jmax = s->rmin = s->rmax = c;
	if (j < s->jmin.j)
		s->jmin = c;
	if (j > s->jmax.j)
		s->jmax = c;
	if (hex_row(s->kind, i, j) < hex_row(s->kind, s->rmin.i, s->rmin.j))
		s->rmin = c;
	if (hex_row(s->kind, i, j) > hex_row(s->kind, s->rmax.i, s->rmax.j))
		s->rmax = c;
}

/* the touched cells of column li of tile t into the sink from *n on, in row order, cleared when asked */
static sc_status
tile_column_out(sc_kde_tile *t, int li, bool clear, emit_sink *out, size_t *n, sc_err *err)
{
	int32_t		i = (int32_t) (t->ti * SC_KDE_TILE - TILE_BIAS + li);
	int64_t		bj = t->tj * SC_KDE_TILE - TILE_BIAS;
	double	   *col = t->sum + (size_t) li * SC_KDE_TILE;

	for (int lj = t->dj0; lj <= t->dj1; lj++)
	{
		double		v = col[lj];

		if (!cell_touched(v))
			continue;
		if (!isfinite(v))
			return sc_fail(err, SC_ERANGE, "the value of cell (%d,%d) is beyond double precision",
						   i, (int) (bj + lj));
		sink_put(out, (*n)++, i, (int32_t) (bj + lj), v);
		if (clear)
			col[lj] = -0.0;
	}
	return SC_OK;
}

/*
 * Every touched cell into out in (i, j) order (the tiles cleared when
 * asked): with the tiles sorted by (ti, tj), the tiles of one tile column
 * give, column by column, their rows in order, one tile after the other.
 */
static sc_status
tiles_emit_sorted(sc_kde_acc *acc, bool clear, emit_sink *out, size_t *n, sc_err *err)
{
	sc_status	st;

	qsort(acc->tiles, acc->used, sizeof(*acc->tiles), tile_cmp);
	for (size_t g0 = 0, g1; g0 < acc->used; g0 = g1)
	{
		int			lo = SC_KDE_TILE,
					hi = -1;

		for (g1 = g0; g1 < acc->used && acc->tiles[g1]->ti == acc->tiles[g0]->ti; g1++)
		{
			lo = acc->tiles[g1]->di0 < lo ? acc->tiles[g1]->di0 : lo;
			hi = acc->tiles[g1]->di1 > hi ? acc->tiles[g1]->di1 : hi;
		}
		for (int li = lo; li <= hi; li++)
		{
			size_t		before = *n;

			for (size_t k = g0; k < g1; k++)
				if (li >= acc->tiles[k]->di0 && li <= acc->tiles[k]->di1 &&
					(st = tile_column_out(acc->tiles[k], li, clear, out, n, err)) != SC_OK)
					return st;
			if (acc->interrupt && (acc->tick + before) / SC_INTERRUPT_EVERY != (acc->tick + *n) / SC_INTERRUPT_EVERY)
				acc->interrupt();
		}
	}
	acc->tick += *n;
	for (size_t k = 0; clear && k < acc->used; k++)
	{
		acc->tiles[k]->di0 = acc->tiles[k]->dj0 = SC_KDE_TILE;
		acc->tiles[k]->di1 = acc->tiles[k]->dj1 = -1;
	}
	return SC_OK;
}

/* the tiles' cells in order into a new array, the tiles cleared; the grid is empty */
static sc_status
tiles_collect(sc_kde_acc *acc, sc_cell **cells, size_t *n, sc_err *err)
{
	sc_grid    *g = acc->grid;
	size_t		m;
	sc_status	st;

	*cells = NULL;
	*n = 0;
	if ((st = sc_kde_acc_count(acc, &m, err)) != SC_OK)
		return st;
	if (!(*cells = sc_alloc_array(&g->alloc, m, sizeof(sc_cell), err, "density cells")))
		return SC_ENOMEM;
	if ((st = tiles_emit_sorted(acc, true, &(emit_sink) {.cells = *cells}, n, err)) != SC_OK)
	{
		sc_free(&g->alloc, *cells);
		*cells = NULL;
	}
	return st;
}

sc_status
sc_kde_acc_flush_sorted(sc_kde_acc *acc, sc_cell **sorted, sc_err *err)
{
	sc_cell    *cells;
	size_t		n;
	sc_status	st;

	*sorted = NULL;
	if (acc->pending == 0 || acc->grid->count != 0)
		return sc_kde_acc_flush(acc, err);
	st = tiles_collect(acc, &cells, &n, err);
	acc->pending = 0;
	if (st == SC_OK && (st = sc_grid_load_distinct(acc->grid, cells, n, err)) != SC_OK)
		sc_free(&acc->grid->alloc, cells);
	if (st == SC_OK)
		*sorted = cells;
	return st;
}

sc_status
sc_kde_acc_count(sc_kde_acc *acc, size_t *n, sc_err *err)
{
	sc_grid    *g = acc->grid;

	*n = SIZE_MAX;
	if (g->count != 0)
		return SC_OK;
	*n = tiles_touched(acc);
	if (g->max_cells && *n > g->max_cells)
		return sc_fail(err, SC_ELIMIT,
					   "the density grid would exceed %zu cells; use a larger cell size, "
					   "a smaller bandwidth or a smaller area", g->max_cells);
	return SC_OK;
}

sc_status
sc_kde_acc_write_flat(sc_kde_acc *acc, const sc_grid_flat_writer *w, size_t n,
					  sc_cell ext[SC_KDE_EXTREMES], sc_err *err)
{
	emit_sink	sink = {.flat = w, .kind = acc->grid->kind};
	size_t		got = 0;
	sc_status	st;

	if ((st = tiles_emit_sorted(acc, false, &sink, &got, err)) != SC_OK)
		return st;
	if (got != n)
		return sc_fail(err, SC_EINVAL, "the density changed between counting and writing");
	if (n > 0)
	{
		sc_grid_flat_writer r = *w;

		memcpy(&ext[0].i, r.is, sizeof(int32_t));
		memcpy(&ext[0].j, r.js, sizeof(int32_t));
		memcpy(&ext[0].value, r.values, sizeof(double));
		memcpy(&ext[1].i, r.is + (n - 1) * sizeof(int32_t), sizeof(int32_t));
		memcpy(&ext[1].j, r.js + (n - 1) * sizeof(int32_t), sizeof(int32_t));
		memcpy(&ext[1].value, r.values + (n - 1) * sizeof(double), sizeof(double));
		ext[2] = sink.jmin;
		ext[3] = sink.jmax;
		ext[4] = sink.rmin;
		ext[5] = sink.rmax;
	}
	return SC_OK;
}

void
sc_kde_acc_free_tiles(sc_kde_acc *acc)
{
	for (size_t k = 0; k < acc->ntiles; k++)
		sc_free(&acc->tile_alloc, acc->tiles[k]);
	acc->ntiles = acc->used = 0;
	acc->last = NULL;
	if (acc->slots)
		memset(acc->slots, 0, acc->nslots * sizeof(sc_kde_tile *));
}

void
sc_kde_acc_free(sc_kde_acc *acc)
{
	sc_alloc   *a;

	if (!acc->grid)
		return;
	a = &acc->grid->alloc;
	sc_kde_acc_free_tiles(acc);
	sc_free(a, acc->tiles);
	sc_free(a, acc->slots);
	sc_free(a, acc->rowdy2);
	acc->tiles = NULL;
	acc->slots = NULL;
	acc->rowdy2 = NULL;
	acc->last = NULL;
	acc->ntiles = acc->used = acc->nslots = acc->rowdy2_cap = acc->pending = 0;
}

sc_status
sc_kde_add_points(sc_grid *g, size_t n, const double *x, const double *y,
				  const double *w, double h, sc_kernel kernel,
				  sc_interrupt_fn interrupt, sc_cell **sorted, sc_err *err)
{
	sc_kde_acc	acc;
	sc_cell    *cells = NULL;
	sc_status	st = sc_kde_acc_init(&acc, g, h, kernel, interrupt, err);

	for (size_t e = 0; st == SC_OK && e < n; e++)
		st = sc_kde_acc_add(&acc, x[e], y[e], w ? w[e] : 1.0, err);
	if (st == SC_OK)
		st = sc_kde_acc_flush_sorted(&acc, &cells, err);
	sc_kde_acc_free(&acc);
	if (sorted)
		*sorted = cells;
	else
		sc_free(&g->alloc, cells);
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
