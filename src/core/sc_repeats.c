/*
 * sc_repeats.c — same-location grouping (union–find) and repeat statistics.
 */
#include "sc_repeats.h"
#include "sc_knox.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------- union–find */

/*
 * Parents always point to a lower index (the lower root wins a union and
 * path halving only shortens), so each root is its component's first event;
 * this is what lets labelling run in one ascending pass.
 */
static uint32_t
uf_find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i)
	{
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void
uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
	uint32_t	ra = uf_find(parent, a),
				rb = uf_find(parent, b);

	if (ra < rb)
		parent[rb] = ra;
	else if (rb < ra)
		parent[ra] = rb;
}

/* roots → 0..G−1 in order of first appearance, in place */
static size_t
uf_label(uint32_t *g, size_t n)
{
	size_t		next = 0;

	/* g[i] ≤ i, so ascending order sees each parent already flattened */
	for (size_t i = 0; i < n; i++)
		g[i] = g[g[i]];
	/* a root is its own parent and comes before its members */
	for (size_t i = 0; i < n; i++)
		g[i] = g[i] == i ? (uint32_t) next++ : g[g[i]];
	return next;
}

/* ------------------------------------------------ exact duplicates by sort */

typedef struct coords
{
	const double *x;
	const double *y;
} coords;

static inline bool
point_less(const coords *c, uint32_t a, uint32_t b)
{
	if (c->x[a] != c->x[b])
		return c->x[a] < c->x[b];
	if (c->y[a] != c->y[b])
		return c->y[a] < c->y[b];
	return a < b;
}

/* heapsort of indices by (x, y, index): deterministic, no extra memory */
#define SH_NAME sort_points
#define SH_ELEM uint32_t
#define SH_ARG const coords *
#define SH_LESS(c, a, b) point_less(c, a, b)
#include "sc_heapsort.h"

/*
 * parent[i] = first input index with i's exact coordinates (−0 equals +0);
 * the sorted order is left in idx for the caller.  Returns distinct points.
 */
static size_t
merge_identical(const double *x, const double *y, size_t n, uint32_t *idx,
				uint32_t *parent, sc_interrupt_fn interrupt)
{
	coords		c = {x, y};
	size_t		distinct = 0;
	uint32_t	first = 0;

	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t) i;
	sort_points(&c, idx, n, interrupt);
	for (size_t k = 0; k < n; k++)
	{
		uint32_t	i = idx[k];

		if (k == 0 || x[i] != x[first] || y[i] != y[first])
		{
			first = i;			/* lowest index of its run: the sort breaks ties by index */
			distinct++;
		}
		parent[i] = first;
	}
	return distinct;
}

/* ------------------------------------------------------- within tolerance */

typedef struct link_ctx
{
	const uint32_t *rep;		/* distinct point → an input index */
	uint32_t   *parent;
} link_ctx;

static sc_status
link_pair(void *ctx, uint32_t i, uint32_t j, double d)
{
	link_ctx   *c = ctx;

	(void) d;
	uf_union(c->parent, c->rep[i], c->rep[j]);
	return SC_OK;
}

/* union the distinct points that lie within tolerance of each other */
static sc_status
link_within(const double *x, const double *y, size_t n, const uint32_t *idx,
			size_t distinct, double tolerance, const sc_alloc *alloc,
			sc_interrupt_fn interrupt, uint32_t *parent, sc_err *err)
{
	double	   *dx = sc_alloc_array(alloc, distinct, sizeof(double), err, "locations");
	double	   *dy = sc_alloc_array(alloc, distinct, sizeof(double), err, "locations");
	uint32_t   *rep = sc_alloc_array(alloc, distinct, sizeof(uint32_t), err, "locations");
	sc_status	st = SC_ENOMEM;
	size_t		d = 0;

	if (dx && dy && rep)
	{
		link_ctx	ctx = {rep, parent};

		for (size_t k = 0; k < n; k++)
			if (parent[idx[k]] == idx[k])
			{
				rep[d] = idx[k];
				dx[d] = x[idx[k]];
				dy[d++] = y[idx[k]];
			}
		st = sc_close_pairs(dx, dy, distinct, SC_METRIC_EUCLIDEAN, tolerance, true,
							link_pair, &ctx, alloc, interrupt, err);
	}
	else
		sc_fail(err, st, "out of memory grouping locations");
	sc_free(alloc, dx);
	sc_free(alloc, dy);
	sc_free(alloc, rep);
	return st;
}

sc_status
sc_repeat_groups(const double *x, const double *y, size_t n, double tolerance,
				 const sc_alloc *alloc, sc_interrupt_fn interrupt,
				 uint32_t *group, size_t *n_groups, sc_err *err)
{
	uint32_t   *idx;
	size_t		distinct;
	sc_status	st = SC_OK;

	*n_groups = 0;
	if (!isfinite(tolerance) || tolerance < 0)
		return sc_fail(err, SC_EINVAL, "tolerance must be a finite number >= 0");
	if (n > SC_REPEAT_MAX_EVENTS)
		return sc_fail(err, SC_ELIMIT, "at most %zu events are supported",
					   SC_REPEAT_MAX_EVENTS);
	if (n == 0)
		return SC_OK;
	if (!x || !y || !group)
		return sc_fail(err, SC_EINVAL, "coordinates missing");
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL,
						   "event coordinates must be finite (event %zu)", i + 1);
	idx = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "events");
	if (!idx)
		return sc_fail(err, SC_ENOMEM, "out of memory grouping locations");
	distinct = merge_identical(x, y, n, idx, group, interrupt);
	if (tolerance > 0 && distinct > 1)
		st = link_within(x, y, n, idx, distinct, tolerance, alloc, interrupt, group, err);
	sc_free(alloc, idx);
	if (st == SC_OK)
		*n_groups = uf_label(group, n);
	return st;
}

/* ------------------------------------------------------- repeat statistics */

typedef struct timed
{
	int64_t		t;
	uint32_t	idx;
} timed;

static inline bool
timed_less(const timed *a, const timed *b)
{
	return a->t < b->t || (a->t == b->t && a->idx < b->idx);
}

/* each location's events by (time, index) */
#define SH_NAME sort_timed
#define SH_ELEM timed
#define SH_ARG const void *
#define SH_LESS(arg, a, b) timed_less(&(a), &(b))
#include "sc_heapsort.h"

/* events ordered by (group, time, index); start[g] .. start[g+1] per group */
typedef struct by_group
{
	size_t	   *start;			/* n_groups + 1 */
	timed	   *ev;				/* n */
	int64_t    *gaps;			/* n: scratch for medians */
} by_group;

static sc_status
check_groups(const uint32_t *group, size_t n_groups, const int64_t *t, size_t n,
			 int64_t within_us, sc_err *err)
{
	if (within_us < 0)
		return sc_fail(err, SC_EINVAL, "within must not be negative");
	if (n > SC_REPEAT_MAX_EVENTS)
		return sc_fail(err, SC_ELIMIT, "at most %zu events are supported",
					   SC_REPEAT_MAX_EVENTS);
	if (n_groups > SC_REPEAT_MAX_EVENTS)
		return sc_fail(err, SC_ELIMIT, "at most %zu location groups are supported",
					   SC_REPEAT_MAX_EVENTS);
	if (n > 0 && (!group || !t))
		return sc_fail(err, SC_EINVAL, "event groups or times missing");
	for (size_t i = 0; i < n; i++)
		if (group[i] >= n_groups)
			return sc_fail(err, SC_EINVAL,
						   "location group %u of event %zu is not below %zu",
						   group[i], i + 1, n_groups);
	return SC_OK;
}

/* counting sort by group (stable), then each group's events by time */
static sc_status
order_events(by_group *bg, const uint32_t *group, size_t n_groups, const int64_t *t,
			 size_t n, const sc_alloc *alloc, sc_interrupt_fn interrupt)
{
	size_t	   *fill;

	bg->start = sc_alloc_array(alloc, n_groups + 1, sizeof(size_t), NULL, "groups");
	bg->ev = sc_alloc_array(alloc, n, sizeof(timed), NULL, "events");
	bg->gaps = sc_alloc_array(alloc, n, sizeof(int64_t), NULL, "events");
	fill = sc_alloc_array(alloc, n_groups, sizeof(size_t), NULL, "groups");
	if (!bg->start || !bg->ev || !bg->gaps || !fill)
	{
		sc_free(alloc, fill);
		return SC_ENOMEM;
	}
	memset(bg->start, 0, (n_groups + 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		bg->start[group[i] + 1]++;
	for (size_t g = 0; g < n_groups; g++)
	{
		bg->start[g + 1] += bg->start[g];
		fill[g] = bg->start[g];
	}
	for (size_t i = 0; i < n; i++)
		bg->ev[fill[group[i]]++] = (timed) {t[i], (uint32_t) i};
	sc_free(alloc, fill);
	for (size_t g = 0; g < n_groups; g++)
	{
		if (interrupt && g % SC_INTERRUPT_EVERY == 0)
			interrupt();
		/* one location may hold every event */
		sort_timed(NULL, bg->ev + bg->start[g], bg->start[g + 1] - bg->start[g], interrupt);
	}
	return SC_OK;
}

/* gap from an event to the one before it; times are sorted, so ≥ 0 */
static inline int64_t
gap_at(const timed *ev, size_t k)
{
	uint64_t	d = (uint64_t) ev[k].t - (uint64_t) ev[k - 1].t;

	/* a gap beyond INT64_MAX (timestamps ±292,000 years apart) saturates */
	return d > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) d;
}

static void
describe_location(const by_group *bg, size_t g, int64_t within_us, sc_repeat_location *loc,
				  sc_interrupt_fn interrupt)
{
	const timed *ev = bg->ev + bg->start[g];
	size_t		e = bg->start[g + 1] - bg->start[g];
	int64_t    *gaps = bg->gaps;
	size_t		h = (e - 1) / 2;

	loc->group = (uint32_t) g;
	loc->first_event = ev[0].idx;
	loc->events = (int64_t) e;
	loc->first_at = ev[0].t;
	loc->last_at = ev[e - 1].t;
	loc->repeats_within = 0;
	for (size_t k = 1; k < e; k++)
	{
		gaps[k - 1] = gap_at(ev, k);
		loc->repeats_within += gaps[k - 1] <= within_us;
	}
	sc_sort_i64(gaps, e - 1, interrupt);
	loc->shortest_gap = gaps[0];
	/* e − 1 gaps: the middle one, or the mean of the middle two */
	loc->median_gap = (e - 1) % 2 ? (double) gaps[h]
		: (double) gaps[h - 1] / 2.0 + (double) gaps[h] / 2.0;
}

static size_t
gap_bin(int64_t gap, size_t max_bins)
{
	size_t		b = sc_repeat_gap_bin(gap);

	return max_bins && b >= max_bins ? max_bins - 1 : b;
}

/* the histogram over every gap: sized by the longest gap, capped by max_bins */
static sc_status
fill_histogram(const by_group *bg, size_t n_groups, size_t max_bins,
			   const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_repeat_stats *out)
{
	int64_t		longest = -1;

	if (interrupt)
		interrupt();
	for (size_t g = 0; g < n_groups; g++)
		for (size_t k = bg->start[g] + 1; k < bg->start[g + 1]; k++)
			if (gap_at(bg->ev, k) > longest)
				longest = gap_at(bg->ev, k);
	if (longest < 0)
		return SC_OK;			/* no repeats: an empty histogram */
	out->n_bins = gap_bin(longest, max_bins) + 1;
	out->last_bin_open = max_bins && sc_repeat_gap_bin(longest) >= max_bins;
	out->gap_hist = sc_alloc_array(alloc, out->n_bins, sizeof(int64_t), NULL, "gap bins");
	if (!out->gap_hist)
		return SC_ENOMEM;
	memset(out->gap_hist, 0, out->n_bins * sizeof(int64_t));
	for (size_t g = 0; g < n_groups; g++)
		for (size_t k = bg->start[g] + 1; k < bg->start[g + 1]; k++)
			out->gap_hist[gap_bin(gap_at(bg->ev, k), max_bins)]++;
	return SC_OK;
}

static sc_status
describe_all(const by_group *bg, size_t n_groups, int64_t within_us,
			 const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_repeat_stats *out)
{
	size_t		r = 0;

	for (size_t g = 0; g < n_groups; g++)
	{
		size_t		e = bg->start[g + 1] - bg->start[g];

		out->n_locations += e > 0;
		out->n_repeat_locations += e > 1;
	}
	out->locations = sc_alloc_array(alloc, out->n_repeat_locations,
									sizeof(sc_repeat_location), NULL, "locations");
	if (!out->locations)
		return SC_ENOMEM;
	for (size_t g = 0; g < n_groups; g++)
	{
		if (interrupt && g % SC_INTERRUPT_EVERY == 0)
			interrupt();
		if (bg->start[g + 1] - bg->start[g] < 2)
			continue;
		describe_location(bg, g, within_us, &out->locations[r], interrupt);
		out->n_repeats_within += (size_t) out->locations[r++].repeats_within;
	}
	return SC_OK;
}

void
sc_repeat_stats_free(sc_repeat_stats *stats)
{
	if (stats == NULL || stats->alloc.free == NULL)
		return;
	sc_free(&stats->alloc, stats->locations);
	sc_free(&stats->alloc, stats->gap_hist);
	stats->locations = NULL;
	stats->gap_hist = NULL;
}

sc_status
sc_repeat_analyze(const uint32_t *group, size_t n_groups, const int64_t *t,
				  size_t n, int64_t within_us, size_t max_bins,
				  const sc_alloc *alloc, sc_interrupt_fn interrupt,
				  sc_repeat_stats *out, sc_err *err)
{
	by_group	bg = {NULL, NULL, NULL};
	sc_status	st;

	memset(out, 0, sizeof(*out));
	if ((st = check_groups(group, n_groups, t, n, within_us, err)) != SC_OK)
		return st;
	out->alloc = *alloc;
	out->n_events = n;
	st = order_events(&bg, group, n_groups, t, n, alloc, interrupt);
	if (st == SC_OK)
		st = describe_all(&bg, n_groups, within_us, alloc, interrupt, out);
	if (st == SC_OK)
		st = fill_histogram(&bg, n_groups, max_bins, alloc, interrupt, out);
	sc_free(alloc, bg.start);
	sc_free(alloc, bg.ev);
	sc_free(alloc, bg.gaps);
	if (st != SC_OK)
	{
		sc_repeat_stats_free(out);
		return sc_fail(err, st, "out of memory analysing repeats");
	}
	out->n_repeat_events = n - out->n_locations;
	out->share_locations_repeated = out->n_locations
		? (double) out->n_repeat_locations / (double) out->n_locations : NAN;
	out->share_events_repeat = n ? (double) out->n_repeat_events / (double) n : NAN;
	return SC_OK;
}
