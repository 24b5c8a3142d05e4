/*
 * sc_knox.c — Knox near-repeat table over a uniform grid of close pairs.
 *
 * Outline (see docs/methods-near-repeat.md):
 *   1. bucket events into square cells of side ≥ d_k, sorted by cell, so a
 *      pair closer than d_k lies in the same or an adjacent cell;
 *   2. walk the cells twice: count the close pairs (and refuse past
 *      max_pairs before allocating), then store each event's later partners
 *      as uint32 with a uint8 distance row — 5 bytes a pair, no n×n matrix;
 *   3. the time histogram of all n(n−1)/2 pairs comes from sorted times by a
 *      two-pointer sweep; the open-ended row is that minus the finite rows;
 *   4. each permutation shuffles times over the fixed locations and recounts
 *      only the stored pairs; the all-pairs histogram is invariant under it.
 */
#include "sc_knox.h"
#include "sc_rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define US_PER_DAY 86400000000.0

/* ---------------------------------------------------------------- helpers */

static inline double
metric_distance(sc_metric metric, double dx, double dy)
{
	if (metric == SC_METRIC_EUCLIDEAN)
		return sqrt(dx * dx + dy * dy);
	return fabs(dx) + fabs(dy);
}

/* |a − b| without signed overflow: the difference of two int64 fits uint64 */
static inline uint64_t
abs_diff(int64_t a, int64_t b)
{
	return a > b ? (uint64_t) a - (uint64_t) b : (uint64_t) b - (uint64_t) a;
}

/* ------------------------------------------------------------- validation */

static sc_status
check_metric(sc_metric metric, sc_err *err)
{
	if (metric != SC_METRIC_MANHATTAN && metric != SC_METRIC_EUCLIDEAN)
		return sc_fail(err, SC_EINVAL, "metric must be manhattan or euclidean");
	return SC_OK;
}

sc_band_problem
sc_check_band_edges(const double *b, size_t n, const char *argname, double lower,
					const char *lower_what, size_t max_bands, sc_err *err)
{
	if (n < 1 || b == NULL)
		return (sc_fail(err, SC_EINVAL, "%s must have at least one band edge", argname), SC_BANDS_EMPTY);
	if (n > max_bands)
		return (sc_fail(err, SC_EINVAL, "%s has %zu edges, at most %zu are supported", argname, n, max_bands),
				SC_BANDS_TOO_MANY);
	for (size_t k = 0; k < n; k++)
	{
		if (!isfinite(b[k]))
			/* spelt as PostgreSQL prints them, not as the C library does */
			return (sc_fail(err, SC_EINVAL, "%s must be finite numbers, but element %zu is %s", argname, k + 1,
							isnan(b[k]) ? "NaN" : b[k] > 0 ? "Infinity" : "-Infinity"), SC_BANDS_NOT_FINITE);
		if (b[k] < 0)
			return (sc_fail(err, SC_EINVAL, "%s must not be negative, but element %zu is %g", argname, k + 1, b[k]),
					SC_BANDS_NEGATIVE);
		if (k == 0 && !(b[k] > lower))
			return (sc_fail(err, SC_EINVAL, "the first edge of %s must be greater than %s, not %g",
							argname, lower_what, b[k]), SC_BANDS_FIRST);
		if (k > 0 && b[k] == b[k - 1])
			return (sc_fail(err, SC_EINVAL, "%s lists the edge %g twice", argname, b[k]), SC_BANDS_TWICE);
		if (k > 0 && b[k] < b[k - 1])
			return (sc_fail(err, SC_EINVAL, "%s must be in ascending order, but %g follows %g",
							argname, b[k], b[k - 1]), SC_BANDS_ORDER);
	}
	return SC_BANDS_OK;
}

static sc_status
check_dist_bands(const sc_knox_params *p, sc_err *err)
{
	char		lower_what[64];

	if (!isfinite(p->same_location) || p->same_location < 0)
		return sc_fail(err, SC_EINVAL, "same_location must be a finite number >= 0");
	snprintf(lower_what, sizeof(lower_what), "same_location (%g)", p->same_location);
	return sc_check_band_edges(p->dist_bands, p->n_dist_bands, "distance_bands", p->same_location,
							   lower_what, SC_KNOX_MAX_DIST_BANDS, err) ? SC_EINVAL : SC_OK;
}

static sc_status
check_time_bands(const sc_knox_params *p, sc_err *err)
{
	/* the largest edge in microseconds must fit int64 */
	const double max_days = 9223372036854775807.0 / US_PER_DAY;

	if (sc_check_band_edges(p->time_bands, p->n_time_bands, "time_bands", 0, "0 days",
							SC_KNOX_MAX_TIME_BANDS, err))
		return SC_EINVAL;
	if (p->time_bands[p->n_time_bands - 1] >= max_days)
		return sc_fail(err, SC_EINVAL, "time_bands must be below %.0f days", max_days);
	return SC_OK;
}

sc_status
sc_knox_validate(const sc_knox_params *p, sc_err *err)
{
	sc_status	st;

	if (p == NULL)
		return sc_fail(err, SC_EINVAL, "parameters missing");
	if ((st = check_metric(p->metric, err)) != SC_OK)
		return st;
	if ((st = check_dist_bands(p, err)) != SC_OK)
		return st;
	return check_time_bands(p, err);
}

static sc_status
check_points(const double *x, const double *y, size_t n, sc_err *err)
{
	if (n > 0 && (x == NULL || y == NULL))
		return sc_fail(err, SC_EINVAL, "coordinates missing");
	if (n > SC_KNOX_MAX_EVENTS)
		return sc_fail(err, SC_ELIMIT, "at most %zu events are supported",
					   SC_KNOX_MAX_EVENTS);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL,
						   "event coordinates must be finite (event %zu)", i + 1);
	return SC_OK;
}

/* ------------------------------------------------------------------- grid */

/*
 * Events sorted by cell, then by (x, y, t), then input index.  Ordering by
 * content, not by input position, makes the positions — and so every
 * permutation drawn from a seed — independent of the order rows arrive in
 * (events equal in x, y and t are interchangeable).  Cell coordinates start
 * at 1 so the column walk can look at cy − 1 without wrapping; a cell key is
 * cx·2^32 + cy.
 */
typedef struct kgrid
{
	size_t		n;
	uint32_t   *order;			/* position → input index */
	double	   *px;				/* coordinates by position */
	double	   *py;
	uint64_t   *cell_key;		/* distinct cells, ascending */
	uint32_t   *cell_start;		/* ncells + 1 position offsets */
	size_t		ncells;
	const sc_alloc *alloc;
} kgrid;

typedef struct grid_item
{
	uint64_t	key;
	uint32_t	idx;
} grid_item;

/* what ties between equal cell keys are broken on; t may be NULL */
typedef struct item_order
{
	const double *x;
	const double *y;
	const int64_t *t;
} item_order;

static inline bool
item_less(const item_order *o, const grid_item *a, const grid_item *b)
{
	uint32_t	i = a->idx,
				j = b->idx;

	if (a->key != b->key)
		return a->key < b->key;
	if (o->x[i] != o->x[j])
		return o->x[i] < o->x[j];
	if (o->y[i] != o->y[j])
		return o->y[i] < o->y[j];
	if (o->t && o->t[i] != o->t[j])
		return o->t[i] < o->t[j];
	return i < j;
}

/* heapsort of grid items by item_less: O(n log n) worst case, no extra memory */
#define SH_NAME sort_items
#define SH_ELEM grid_item
#define SH_ARG const item_order *
#define SH_LESS(o, a, b) item_less(o, &(a), &(b))
#include "sc_heapsort.h"

static void
grid_free(kgrid *g)
{
	sc_free(g->alloc, g->order);
	sc_free(g->alloc, g->px);
	sc_free(g->alloc, g->py);
	sc_free(g->alloc, g->cell_key);
	sc_free(g->alloc, g->cell_start);
	memset(g, 0, sizeof(*g));
}

/*
 * Cell side: at least radius, and at least extent/2^30 so indices fit 32
 * bits; widened by 2^-20 so that rounding in (x − min)/side can never put two
 * points within radius more than one cell apart (the rounding error is below
 * 2^-21 cells when the extent is under 2^30 cells).  Wider cells only cost
 * speed, never correctness.
 */
static sc_status
grid_side(const double *x, const double *y, size_t n, double radius,
		  double *xmin, double *ymin, double *side, sc_err *err)
{
	double		xmax = x[0],
				ymax = y[0];
	double		extent;

	*xmin = x[0];
	*ymin = y[0];
	for (size_t i = 1; i < n; i++)
	{
		*xmin = fmin(*xmin, x[i]);
		xmax = fmax(xmax, x[i]);
		*ymin = fmin(*ymin, y[i]);
		ymax = fmax(ymax, y[i]);
	}
	extent = fmax(xmax - *xmin, ymax - *ymin);
	if (!isfinite(extent))
		return sc_fail(err, SC_ERANGE, "event coordinates span too large a range");
	*side = fmax(radius, extent * 0x1p-30) * (1.0 + 0x1p-20);
	if (!(*side >= 1e-290))
		*side = 1e-290;			/* all points (nearly) identical, radius 0 */
	return SC_OK;
}

static inline uint64_t
cell_coord(double v, double vmin, double side)
{
	return 1 + (uint64_t) floor((v - vmin) / side);
}

static sc_status
grid_fill(kgrid *g, const double *x, const double *y, grid_item *items)
{
	size_t		n = g->n;
	size_t		c = 0;

	g->ncells = 1;
	for (size_t p = 1; p < n; p++)
		g->ncells += items[p].key != items[p - 1].key;
	g->cell_key = sc_alloc_array(g->alloc, g->ncells, sizeof(uint64_t), NULL, "grid cells");
	g->cell_start = sc_alloc_array(g->alloc, g->ncells + 1, sizeof(uint32_t), NULL, "grid cells");
	if (!g->cell_key || !g->cell_start)
		return SC_ENOMEM;
	for (size_t p = 0; p < n; p++)
	{
		uint32_t	i = items[p].idx;

		g->order[p] = i;
		g->px[p] = x[i];
		g->py[p] = y[i];
		if (p == 0 || items[p].key != items[p - 1].key)
		{
			g->cell_key[c] = items[p].key;
			g->cell_start[c++] = (uint32_t) p;
		}
	}
	g->cell_start[c] = (uint32_t) n;
	return SC_OK;
}

/* points must be finite and n ≥ 1; t (may be NULL) breaks ties; on error the grid is freed */
static sc_status
grid_build(kgrid *g, const double *x, const double *y, const int64_t *t, size_t n,
		   double radius, const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_err *err)
{
	item_order	o = {x, y, t};
	double		xmin = 0,
				ymin = 0,
				side = 1;
	grid_item  *items;
	sc_status	st;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->alloc = alloc;
	if ((st = grid_side(x, y, n, radius, &xmin, &ymin, &side, err)) != SC_OK)
		return st;
	items = sc_alloc_array(alloc, n, sizeof(grid_item), err, "events");
	if (!items)
		return sc_fail(err, SC_ENOMEM, "out of memory building the spatial grid");
	for (size_t i = 0; i < n; i++)
	{
		items[i].key = cell_coord(x[i], xmin, side) << 32 | cell_coord(y[i], ymin, side);
		items[i].idx = (uint32_t) i;
	}
	sort_items(&o, items, n, interrupt);
	g->order = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "events");
	g->px = sc_alloc_array(alloc, n, sizeof(double), err, "events");
	g->py = sc_alloc_array(alloc, n, sizeof(double), err, "events");
	st = (g->order && g->px && g->py) ? grid_fill(g, x, y, items) : SC_ENOMEM;
	sc_free(alloc, items);
	if (st != SC_OK)
	{
		grid_free(g);
		return sc_fail(err, st, "out of memory building the spatial grid");
	}
	return SC_OK;
}

/* a pair of positions a < b at distance d */
typedef sc_status (*walk_fn) (void *ctx, uint32_t a, uint32_t b, double d);

typedef struct walk
{
	const kgrid *g;
	sc_metric	metric;
	double		radius;
	bool		inclusive;
	walk_fn		fn;
	void	   *ctx;
	sc_interrupt_fn interrupt;
	uint32_t	budget;			/* comparisons left before the next interrupt call */
} walk;

static inline sc_status
walk_compare(walk *w, uint32_t a, uint32_t b)
{
	const kgrid *g = w->g;
	double		d = metric_distance(w->metric, g->px[a] - g->px[b], g->py[a] - g->py[b]);

	if (--w->budget == 0)
	{
		w->budget = SC_INTERRUPT_EVERY;
		if (w->interrupt)
			w->interrupt();
	}
	if (w->inclusive ? d <= w->radius : d < w->radius)
		return w->fn(w->ctx, a, b, d);
	return SC_OK;
}

/* pairs inside one cell, or between cell ca and a later cell cb */
static sc_status
walk_cells(walk *w, size_t ca, size_t cb)
{
	const uint32_t *start = w->g->cell_start;
	sc_status	st;

	for (uint32_t a = start[ca]; a < start[ca + 1]; a++)
	{
		uint32_t	b0 = ca == cb ? a + 1 : start[cb];

		for (uint32_t b = b0; b < start[cb + 1]; b++)
			if ((st = walk_compare(w, a, b)) != SC_OK)
				return st;
	}
	return SC_OK;
}

/*
 * Visit each cell with its "forward" neighbours — itself, (cx, cy+1) and
 * (cx+1, cy−1..cy+1) — so every adjacent pair of cells is seen once.  The
 * cells of column cx+1 are found with a pointer that only moves forward,
 * because the target key rises with the cell key: O(cells) overall.
 */
static sc_status
grid_walk(walk *w)
{
	const kgrid *g = w->g;
	size_t		q = 0;
	sc_status	st;

	w->budget = SC_INTERRUPT_EVERY;
	for (size_t c = 0; c < g->ncells; c++)
	{
		uint64_t	key = g->cell_key[c];
		uint64_t	next_col = ((key >> 32) + 1) << 32;
		uint64_t	lo = next_col | ((key & 0xffffffffu) - 1);
		uint64_t	hi = next_col | ((key & 0xffffffffu) + 1);

		if ((st = walk_cells(w, c, c)) != SC_OK)
			return st;
		if (c + 1 < g->ncells && g->cell_key[c + 1] == key + 1 &&
			(st = walk_cells(w, c, c + 1)) != SC_OK)
			return st;
		while (q < g->ncells && g->cell_key[q] < lo)
			q++;
		for (size_t r = q; r < g->ncells && g->cell_key[r] <= hi; r++)
			if ((st = walk_cells(w, c, r)) != SC_OK)
				return st;
	}
	return SC_OK;
}

static sc_status
check_radius(double radius, sc_err *err)
{
	if (!isfinite(radius) || radius < 0)
		return sc_fail(err, SC_EINVAL, "distance must be a finite number >= 0");
	return SC_OK;
}

/* -------------------------------------------------------- public pair walk */

typedef struct pair_map
{
	const uint32_t *order;
	sc_pair_fn	fn;
	void	   *ctx;
} pair_map;

static sc_status
map_pair(void *ctx, uint32_t a, uint32_t b, double d)
{
	pair_map   *m = ctx;
	uint32_t	i = m->order[a],
				j = m->order[b];

	return i < j ? m->fn(m->ctx, i, j, d) : m->fn(m->ctx, j, i, d);
}

sc_status
sc_close_pairs(const double *x, const double *y, size_t n,
			   sc_metric metric, double radius, bool inclusive,
			   sc_pair_fn fn, void *ctx, const sc_alloc *alloc,
			   sc_interrupt_fn interrupt, sc_err *err)
{
	kgrid		g;
	pair_map	m;
	walk		w;
	sc_status	st;

	if ((st = check_metric(metric, err)) != SC_OK ||
		(st = check_radius(radius, err)) != SC_OK ||
		(st = check_points(x, y, n, err)) != SC_OK)
		return st;
	if (n < 2)
		return SC_OK;
	if ((st = grid_build(&g, x, y, NULL, n, radius, alloc, interrupt, err)) != SC_OK)
		return st;
	m = (pair_map) {g.order, fn, ctx};
	w = (walk) {&g, metric, radius, inclusive, map_pair, &m, interrupt, 0};
	st = grid_walk(&w);
	grid_free(&g);
	return st;
}

static sc_status
count_one(void *ctx, uint32_t a, uint32_t b, double d)
{
	(void) a;
	(void) b;
	(void) d;
	(*(uint64_t *) ctx)++;
	return SC_OK;
}

sc_status
sc_knox_count_close_pairs(const double *x, const double *y, size_t n,
						  sc_metric metric, double max_distance,
						  const sc_alloc *alloc, sc_interrupt_fn interrupt,
						  uint64_t *count, sc_err *err)
{
	*count = 0;
	return sc_close_pairs(x, y, n, metric, max_distance, false, count_one, count,
						  alloc, interrupt, err);
}

/* ------------------------------------------------------------ close pairs */

/*
 * Close pairs in compressed sparse rows keyed by the lower grid position a:
 * the partners b > a of a are pb[off[a] .. off[a+1]), with the pair's
 * distance row in prow.  5 bytes a pair plus 8 per event; the counting loop
 * loads each a's time once and streams its partners, which lie in the same
 * or adjacent cells, so their times are close in memory too.
 */
typedef struct pairset
{
	size_t		n;
	size_t		nrows;			/* finite rows: k + 1 */
	size_t	   *row_pairs;		/* nrows: pairs per row, fixed under permutation */
	size_t	   *off;			/* n + 1 */
	uint32_t   *pb;
	uint8_t    *prow;
	size_t		count;
	size_t		max_pairs;
	const sc_knox_params *params;
} pairset;

/* row of a close pair (d < d_k), per the band semantics in sc_knox.h */
static inline size_t
dist_row(const sc_knox_params *p, double d)
{
	size_t		r = 1;

	if (d <= p->same_location)
		return 0;
	while (r < p->n_dist_bands && d >= p->dist_bands[r - 1])
		r++;
	return r;
}

static sc_status
tally_pair(void *ctx, uint32_t a, uint32_t b, double d)
{
	pairset    *ps = ctx;

	(void) b;
	/* refuse before anything is allocated for the pairs */
	if (ps->max_pairs && ps->count >= ps->max_pairs)
		return SC_ELIMIT;
	ps->count++;
	ps->off[a + 1]++;
	ps->row_pairs[dist_row(ps->params, d)]++;
	return SC_OK;
}

/* off[a] serves as a's write cursor, left pointing at a's end */
static sc_status
store_pair(void *ctx, uint32_t a, uint32_t b, double d)
{
	pairset    *ps = ctx;
	size_t		slot = ps->off[a]++;

	ps->pb[slot] = b;
	ps->prow[slot] = (uint8_t) dist_row(ps->params, d);
	return SC_OK;
}

static sc_status
pairs_tally(pairset *ps, walk *w, const sc_alloc *alloc, sc_err *err)
{
	const sc_knox_params *p = ps->params;
	sc_status	st;

	ps->row_pairs = sc_alloc_array(alloc, ps->nrows, sizeof(size_t), err, "distance rows");
	ps->off = sc_alloc_array(alloc, ps->n + 1, sizeof(size_t), err, "events");
	if (!ps->row_pairs || !ps->off)
		return sc_fail(err, SC_ENOMEM, "out of memory for the close pairs");
	memset(ps->row_pairs, 0, ps->nrows * sizeof(size_t));
	memset(ps->off, 0, (ps->n + 1) * sizeof(size_t));
	st = grid_walk(w);
	if (st == SC_ELIMIT)
		return sc_fail(err, st,
					   "more than %zu event pairs are closer than %g; "
					   "raise the pair limit or use smaller distance bands",
					   p->max_pairs, w->radius);
	if (st != SC_OK)
		return sc_fail(err, st, "close pair enumeration failed");
	return SC_OK;
}

static sc_status
pairs_collect(pairset *ps, const kgrid *g, const sc_knox_params *p,
			  const sc_alloc *alloc, sc_err *err)
{
	walk		w = {g, p->metric, p->dist_bands[p->n_dist_bands - 1], false,
	tally_pair, ps, p->interrupt, 0};
	sc_status	st;

	ps->n = g->n;
	ps->nrows = p->n_dist_bands + 1;
	ps->max_pairs = p->max_pairs;
	ps->params = p;
	if ((st = pairs_tally(ps, &w, alloc, err)) != SC_OK)
		return st;
	/* counts to starts: off[a] = first slot of a */
	for (size_t a = 0; a < ps->n; a++)
		ps->off[a + 1] += ps->off[a];
	ps->pb = sc_alloc_array(alloc, ps->count, sizeof(uint32_t), err, "close pairs");
	ps->prow = sc_alloc_array(alloc, ps->count, sizeof(uint8_t), err, "close pairs");
	if (!ps->pb || !ps->prow)
		return sc_fail(err, SC_ENOMEM, "out of memory storing %zu close pairs", ps->count);
	w.fn = store_pair;
	if ((st = grid_walk(&w)) != SC_OK)
		return sc_fail(err, st, "close pair enumeration failed");
	/* each off[a] now holds a's end, which is a+1's start: shift back */
	memmove(ps->off + 1, ps->off, ps->n * sizeof(size_t));
	ps->off[0] = 0;
	return SC_OK;
}

static void
pairs_free(pairset *ps, const sc_alloc *alloc)
{
	sc_free(alloc, ps->row_pairs);
	sc_free(alloc, ps->off);
	sc_free(alloc, ps->pb);
	sc_free(alloc, ps->prow);
}

/* --------------------------------------------------------------- counting */

/* column of a time difference below the last edge: the number of edges ≤ dt */
static inline size_t
time_col(uint64_t dt, const uint64_t *edge)
{
	size_t		c = 0;

	while (dt >= edge[c])
		c++;
	return c;
}

/*
 * Count the finite rows (0..k) of the table for times tp (by position) into
 * counts[(k+1) × (m+1)].  The hot loop of the permutation test: most close
 * pairs are far apart in time, so the last column is not incremented pair by
 * pair (a chain of dependent stores) but is the row's pairs minus the rest.
 */
static void
count_close(const pairset *ps, const int64_t *tp, const uint64_t *edge, size_t m,
			int64_t *counts, sc_interrupt_fn interrupt)
{
	size_t		ncols = m + 1;
	uint64_t	last = edge[m - 1];
	size_t		since = 0;

	memset(counts, 0, ps->nrows * ncols * sizeof(int64_t));
	for (size_t a = 0; a < ps->n; a++)
	{
		int64_t		ta = tp[a];
		size_t		end = ps->off[a + 1];

		for (size_t q = ps->off[a]; q < end; q++)
		{
			uint64_t	dt = abs_diff(ta, tp[ps->pb[q]]);

			if (dt < last)
				counts[ps->prow[q] * ncols + time_col(dt, edge)]++;
		}
		since += end - ps->off[a] + 1;
		if (since >= SC_INTERRUPT_EVERY)
		{
			since = 0;
			if (interrupt)
				interrupt();
		}
	}
	for (size_t r = 0; r < ps->nrows; r++)
	{
		int64_t		inside = 0;

		for (size_t c = 0; c < m; c++)
			inside += counts[r * ncols + c];
		counts[r * ncols + m] = (int64_t) ps->row_pairs[r] - inside;
	}
}

/*
 * All-pairs time histogram: with times sorted, the pairs closer in time than
 * an edge e are counted by a two-pointer sweep, O(n) per edge.
 */
static void
count_all_pairs(const int64_t *sorted, size_t n, const uint64_t *edge, size_t m,
				int64_t *all, sc_interrupt_fn interrupt)
{
	int64_t		below_prev = 0;

	for (size_t c = 0; c < m; c++)
	{
		int64_t		below = 0;
		size_t		hi = 0;

		for (size_t i = 0; i < n; i++)
		{
			if (interrupt && i % SC_INTERRUPT_EVERY == 0)
				interrupt();
			if (hi < i + 1)
				hi = i + 1;
			while (hi < n && abs_diff(sorted[hi], sorted[i]) < edge[c])
				hi++;
			below += (int64_t) (hi - i - 1);
		}
		all[c] = below - below_prev;
		below_prev = below;
	}
	/* n ≤ 2^32 so n(n−1)/2 < 2^63 */
	all[m] = (int64_t) ((uint64_t) n * (uint64_t) (n - 1) / 2) - below_prev;
}

/* the open-ended row: all pairs minus the finite rows, per column */
static void
fill_open_row(int64_t *counts, size_t nfinite, size_t ncols, const int64_t *all)
{
	int64_t    *open = counts + nfinite * ncols;

	for (size_t c = 0; c < ncols; c++)
	{
		open[c] = all[c];
		for (size_t r = 0; r < nfinite; r++)
			open[c] -= counts[r * ncols + c];
	}
}

/* ------------------------------------------------------------ the result */

void
sc_knox_result_free(sc_knox_result *res)
{
	if (res == NULL || res->alloc.free == NULL)
		return;
	sc_free(&res->alloc, res->observed);
	sc_free(&res->alloc, res->expected);
	sc_free(&res->alloc, res->median);
	sc_free(&res->alloc, res->n_ge);
	res->observed = NULL;
	res->expected = NULL;
	res->median = NULL;
	res->n_ge = NULL;
}

static sc_status
result_init(sc_knox_result *res, const sc_knox_params *p, const sc_alloc *alloc,
			sc_err *err)
{
	size_t		cells;

	memset(res, 0, sizeof(*res));
	res->alloc = *alloc;
	res->n_rows = p->n_dist_bands + 2;
	res->n_cols = p->n_time_bands + 1;
	res->permutations = p->permutations;
	cells = res->n_rows * res->n_cols;
	res->observed = sc_alloc_array(alloc, cells, sizeof(int64_t), err, "table cells");
	res->expected = sc_alloc_array(alloc, cells, sizeof(double), err, "table cells");
	res->median = sc_alloc_array(alloc, cells, sizeof(double), err, "table cells");
	res->n_ge = sc_alloc_array(alloc, cells, sizeof(int64_t), err, "table cells");
	if (!res->observed || !res->expected || !res->median || !res->n_ge)
		return sc_fail(err, SC_ENOMEM, "out of memory for the Knox table");
	memset(res->n_ge, 0, cells * sizeof(int64_t));
	for (size_t c = 0; c < cells; c++)
		res->expected[c] = res->median[c] = NAN;
	return SC_OK;
}

/* mean and median of each cell's P permutation counts (cell-major rows) */
static void
summarise_perms(sc_knox_result *res, int64_t *perm_counts, sc_interrupt_fn interrupt)
{
	size_t		cells = res->n_rows * res->n_cols;
	size_t		P = res->permutations;

	for (size_t c = 0; c < cells && P > 0; c++)
	{
		int64_t    *v = perm_counts + c * P;
		double		sum = 0;

		/* each cell sorts its P counts: check once per cell */
		if (interrupt)
			interrupt();
		for (size_t k = 0; k < P; k++)
			sum += (double) v[k];
		sc_sort_i64(v, P, interrupt);
		res->expected[c] = sum / (double) P;
		res->median[c] = P % 2 ? (double) v[P / 2]
			: ((double) v[P / 2 - 1] + (double) v[P / 2]) / 2.0;
	}
}

/* ------------------------------------------------------------ Knox proper */

/* everything sc_knox_compute allocates besides the result */
typedef struct knox_work
{
	kgrid		grid;
	pairset		pairs;
	uint64_t   *edge;			/* m time edges in microseconds */
	int64_t    *ts;				/* times by grid position */
	int64_t    *tp;				/* permuted times */
	int64_t    *all;			/* all-pairs histogram, m + 1 */
	int64_t    *counts;			/* one table, n_rows × n_cols */
	int64_t    *perm_counts;	/* cells × P, cell-major */
	uint32_t   *perm;
} knox_work;

static void
work_free(knox_work *w, const sc_alloc *alloc)
{
	if (w->grid.alloc)
		grid_free(&w->grid);
	pairs_free(&w->pairs, alloc);
	sc_free(alloc, w->edge);
	sc_free(alloc, w->ts);
	sc_free(alloc, w->tp);
	sc_free(alloc, w->all);
	sc_free(alloc, w->counts);
	sc_free(alloc, w->perm_counts);
	sc_free(alloc, w->perm);
}

/* dt < τ·86400e6 with integer dt ⇔ dt < ceil(τ·86400e6) */
static void
time_edges(const sc_knox_params *p, uint64_t *edge)
{
	for (size_t c = 0; c < p->n_time_bands; c++)
		edge[c] = (uint64_t) ceil(p->time_bands[c] * US_PER_DAY);
}

/* observed table and the all-pairs histogram */
static sc_status
knox_observe(knox_work *w, const int64_t *t, size_t n, const sc_knox_params *p,
			 const sc_alloc *alloc, sc_knox_result *res, sc_err *err)
{
	size_t		m = p->n_time_bands;
	int64_t    *sorted;

	w->edge = sc_alloc_array(alloc, m, sizeof(uint64_t), err, "time bands");
	w->ts = sc_alloc_array(alloc, n, sizeof(int64_t), err, "event times");
	w->all = sc_alloc_array(alloc, m + 1, sizeof(int64_t), err, "time bands");
	sorted = sc_alloc_array(alloc, n, sizeof(int64_t), err, "event times");
	if (!w->edge || !w->ts || !w->all || !sorted)
	{
		sc_free(alloc, sorted);
		return sc_fail(err, SC_ENOMEM, "out of memory for event times");
	}
	time_edges(p, w->edge);
	for (size_t i = 0; i < n; i++)
		w->ts[i] = t[w->grid.order[i]];
	memcpy(sorted, t, n * sizeof(int64_t));
	sc_sort_i64(sorted, n, p->interrupt);
	count_all_pairs(sorted, n, w->edge, m, w->all, p->interrupt);
	sc_free(alloc, sorted);
	count_close(&w->pairs, w->ts, w->edge, m, res->observed, p->interrupt);
	fill_open_row(res->observed, w->pairs.nrows, m + 1, w->all);
	return SC_OK;
}

static sc_status
knox_permute(knox_work *w, size_t n, const sc_knox_params *p,
			 const sc_alloc *alloc, sc_knox_result *res, sc_err *err)
{
	size_t		cells = res->n_rows * res->n_cols;
	size_t		P = p->permutations;
	size_t		perm_cells;
	sc_rng		rng;

	if (!sc_mul_size(cells, P, &perm_cells))
		return sc_fail(err, SC_ELIMIT, "too many permutations for this table");
	w->tp = sc_alloc_array(alloc, n, sizeof(int64_t), err, "event times");
	w->counts = sc_alloc_array(alloc, cells, sizeof(int64_t), err, "table cells");
	w->perm_counts = sc_alloc_array(alloc, perm_cells, sizeof(int64_t), err, "permutation counts");
	w->perm = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "events");
	if (!w->tp || !w->counts || !w->perm_counts || !w->perm)
		return sc_fail(err, SC_ENOMEM, "out of memory for %zu permutations", P);
	for (size_t i = 0; i < n; i++)
		w->perm[i] = (uint32_t) i;
	sc_rng_seed(&rng, p->seed);
	for (size_t k = 0; k < P; k++)
	{
		if (p->interrupt)
			p->interrupt();
		/* reshuffling the previous order is as uniform as shuffling identity */
		sc_rng_shuffle_u32(&rng, w->perm, n);
		for (size_t i = 0; i < n; i++)
			w->tp[i] = w->ts[w->perm[i]];
		count_close(&w->pairs, w->tp, w->edge, p->n_time_bands, w->counts, p->interrupt);
		fill_open_row(w->counts, w->pairs.nrows, res->n_cols, w->all);
		for (size_t c = 0; c < cells; c++)
		{
			w->perm_counts[c * P + k] = w->counts[c];
			res->n_ge[c] += w->counts[c] >= res->observed[c];
		}
		if (p->progress)
			p->progress(p->progress_ctx, (uint32_t) (k + 1), p->permutations);
	}
	summarise_perms(res, w->perm_counts, p->interrupt);
	return SC_OK;
}

sc_status
sc_knox_compute(const double *x, const double *y, const int64_t *t, size_t n,
				const sc_knox_params *p, const sc_alloc *alloc,
				sc_knox_result *res, sc_err *err)
{
	knox_work	w;
	sc_status	st;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	if ((st = sc_knox_validate(p, err)) != SC_OK)
		return st;
	if (n < 2)
		return sc_fail(err, SC_EINVAL, "at least 2 events are required, got %zu", n);
	if (t == NULL)
		return sc_fail(err, SC_EINVAL, "event times missing");
	if ((st = check_points(x, y, n, err)) != SC_OK)
		return st;
	if ((st = result_init(res, p, alloc, err)) != SC_OK)
		goto done;
	st = grid_build(&w.grid, x, y, t, n, p->dist_bands[p->n_dist_bands - 1], alloc,
					p->interrupt, err);
	if (st == SC_OK)
		st = pairs_collect(&w.pairs, &w.grid, p, alloc, err);
	if (st == SC_OK)
	{
		res->close_pairs = w.pairs.count;
		/* coordinates are no longer needed: give their memory back early */
		sc_free(alloc, w.grid.px);
		sc_free(alloc, w.grid.py);
		w.grid.px = w.grid.py = NULL;
		st = knox_observe(&w, t, n, p, alloc, res, err);
	}
	if (st == SC_OK)
		st = knox_permute(&w, n, p, alloc, res, err);
done:
	work_free(&w, alloc);
	if (st != SC_OK)
		sc_knox_result_free(res);
	return st;
}
