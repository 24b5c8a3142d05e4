/*
 * sc_duplicates.c — copies of one incident: events at the same place and the
 * same time (one sort by (t, tend, x, y), then runs of equal times grouped
 * by place) and events with the same id (one sort by id), joined by
 * union–find.
 */
#include "sc_duplicates.h"
#include "sc_repeats.h"

#include <math.h>
#include <string.h>

static inline bool
ev_less(const sc_events *e, uint32_t a, uint32_t b)
{
	if (e->t[a] != e->t[b])
		return e->t[a] < e->t[b];
	if (e->tend[a] != e->tend[b])
		return e->tend[a] < e->tend[b];
	if (e->x[a] != e->x[b])
		return e->x[a] < e->x[b];
	if (e->y[a] != e->y[b])
		return e->y[a] < e->y[b];
	return a < b;
}

#define SH_NAME sort_by_time_place
#define SH_ELEM uint32_t
#define SH_ARG const sc_events *
#define SH_LESS(e, a, b) ev_less(e, a, b)
#include "sc_heapsort.h"

/* events with ids by (id, index): runs of one id are adjacent */
static inline bool
id_less(const sc_events *e, uint32_t a, uint32_t b)
{
	if (e->id[a] != e->id[b])
		return e->id[a] < e->id[b];
	return a < b;
}

#define SH_NAME sort_by_id
#define SH_ELEM uint32_t
#define SH_ARG const sc_events *
#define SH_LESS(e, a, b) id_less(e, a, b)
#include "sc_heapsort.h"

/*
 * whether event a is a better survivor than b: the earliest time (start,
 * then window end), then the smallest id (ids before none), then the lowest
 * index
 */
static inline bool
better_survivor(const sc_events *e, uint32_t a, uint32_t b)
{
	if (e->t[a] != e->t[b])
		return e->t[a] < e->t[b];
	if (e->tend[a] != e->tend[b])
		return e->tend[a] < e->tend[b];
	if (e->has_id[a] != e->has_id[b])
		return e->has_id[a];
	if (e->has_id[a] && e->id[a] != e->id[b])
		return e->id[a] < e->id[b];
	return a < b;
}

static inline bool
same_time(const sc_events *e, uint32_t a, uint32_t b)
{
	return e->t[a] == e->t[b] && e->tend[a] == e->tend[b];
}

static inline bool
same_point(const sc_events *e, uint32_t a, uint32_t b)
{
	return e->x[a] == e->x[b] && e->y[a] == e->y[b];
}

/* union–find over parent[] (path halving; the smaller index becomes the root) */
static inline uint32_t
uf_find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i)
	{
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static inline void
uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

/* members[0..m) are one incident: join them */
static void
join_group(uint32_t *parent, const uint32_t *members, size_t m)
{
	for (size_t k = 1; k < m; k++)
		uf_union(parent, members[0], members[k]);
}

/* working arrays for runs of equal times when tolerance > 0 */
typedef struct run_work
{
	double	   *x;
	double	   *y;
	uint32_t   *group;
	uint32_t   *order;			/* run members ordered by group */
	uint32_t   *start;			/* first position of each group in order */
} run_work;

/* join run[0..m) (equal times) by place within tolerance */
static sc_status
join_run_tolerance(const sc_events *e, const uint32_t *run, size_t m, double tolerance,
				   run_work *w, const sc_alloc *alloc, sc_interrupt_fn interrupt,
				   uint32_t *parent, sc_err *err)
{
	size_t		ng = 0;
	sc_status	st;

	for (size_t k = 0; k < m; k++)
	{
		w->x[k] = e->x[run[k]];
		w->y[k] = e->y[run[k]];
	}
	st = sc_repeat_groups(w->x, w->y, m, tolerance, alloc, interrupt, w->group, &ng, err);
	if (st != SC_OK)
		return st;
	if (ng == m)
		return SC_OK;			/* no two at one place */
	/* counting sort of the members by group */
	memset(w->start, 0, sizeof(uint32_t) * (ng + 1));
	for (size_t k = 0; k < m; k++)
		w->start[w->group[k] + 1]++;
	for (size_t g = 0; g < ng; g++)
		w->start[g + 1] += w->start[g];
	for (size_t k = 0; k < m; k++)
		w->order[w->start[w->group[k]]++] = run[k];
	/* start[g] now holds the end of group g */
	for (size_t g = 0, from = 0; g < ng; g++)
	{
		join_group(parent, w->order + from, w->start[g] - from);
		from = w->start[g];
	}
	return SC_OK;
}

/* join the events of equal times at one place (sorted idx[0..n)) */
static sc_status
join_same_place(const sc_events *e, double tolerance, const sc_alloc *alloc,
				sc_interrupt_fn interrupt, const uint32_t *idx, uint32_t *parent, sc_err *err)
{
	size_t		n = e->n;
	run_work	w = {NULL, NULL, NULL, NULL, NULL};
	sc_status	st = SC_OK;

	for (size_t a = 0, b; a < n && st == SC_OK; a = b)
	{
		if (interrupt && a % SC_INTERRUPT_EVERY == 0)
			interrupt();
		for (b = a + 1; b < n && same_time(e, idx[a], idx[b]); b++)
			;
		if (b - a < 2)
			continue;
		if (tolerance == 0)
		{
			/* sorted by (x, y) inside the run: identical points are adjacent */
			for (size_t p = a, q; p < b; p = q)
			{
				for (q = p + 1; q < b && same_point(e, idx[p], idx[q]); q++)
					;
				join_group(parent, idx + p, q - p);
			}
			continue;
		}
		if (!w.x)
		{
			w.x = sc_alloc_array(alloc, n, sizeof(double), err, "duplicate events");
			w.y = sc_alloc_array(alloc, n, sizeof(double), err, "duplicate events");
			w.group = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "duplicate events");
			w.order = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "duplicate events");
			w.start = sc_alloc_array(alloc, n + 1, sizeof(uint32_t), err, "duplicate events");
			if (!w.x || !w.y || !w.group || !w.order || !w.start)
			{
				st = sc_fail(err, SC_ENOMEM, "out of memory finding duplicate events");
				break;
			}
		}
		st = join_run_tolerance(e, idx + a, b - a, tolerance, &w, alloc, interrupt, parent, err);
	}
	sc_free(alloc, w.x);
	sc_free(alloc, w.y);
	sc_free(alloc, w.group);
	sc_free(alloc, w.order);
	sc_free(alloc, w.start);
	return st;
}

/*
 * join the events of one id; returns the events beyond the first of each id
 * (idx: n entries of scratch)
 */
static size_t
join_same_id(const sc_events *e, sc_interrupt_fn interrupt, uint32_t *idx, uint32_t *parent)
{
	size_t		m = 0,
				dups = 0;

	for (size_t i = 0; i < e->n; i++)
		if (e->has_id[i])
			idx[m++] = (uint32_t) i;
	sort_by_id(e, idx, m, interrupt);
	for (size_t a = 0, b; a < m; a = b)
	{
		if (interrupt && a % SC_INTERRUPT_EVERY == 0)
			interrupt();
		for (b = a + 1; b < m && e->id[idx[b]] == e->id[idx[a]]; b++)
			;
		join_group(parent, idx + a, b - a);
		dups += b - a - 1;
	}
	return dups;
}

sc_status
sc_duplicate_groups(const sc_events *e, double tolerance, const sc_alloc *alloc,
					sc_interrupt_fn interrupt, uint32_t *keep,
					sc_dup_counts *counts, sc_err *err)
{
	size_t		n = e->n;
	uint32_t   *idx;
	sc_status	st;

	memset(counts, 0, sizeof(*counts));
	counts->n_events = n;
	if (!isfinite(tolerance) || tolerance < 0)
		return sc_fail(err, SC_EINVAL, "tolerance must be a finite number >= 0");
	if (n > (size_t) UINT32_MAX)
		return sc_fail(err, SC_ELIMIT, "at most %zu events are supported", (size_t) UINT32_MAX);
	if (n == 0)
		return SC_OK;
	if (!keep)
		return sc_fail(err, SC_EINVAL, "output missing");
	for (size_t i = 0; i < n; i++)
	{
		if (!isfinite(e->x[i]) || !isfinite(e->y[i]))
			return sc_fail(err, SC_EINVAL, "event coordinates must be finite (event %zu)", i + 1);
		keep[i] = (uint32_t) i;
	}
	idx = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "events");
	if (!idx)
		return sc_fail(err, SC_ENOMEM, "out of memory finding duplicate events");

	/* keep serves as the union–find forest until the survivors are known */
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t) i;
	sort_by_time_place(e, idx, n, interrupt);
	st = join_same_place(e, tolerance, alloc, interrupt, idx, keep, err);
	if (st != SC_OK)
	{
		sc_free(alloc, idx);
		memset(counts, 0, sizeof(*counts));
		return st;
	}
	counts->n_same_id = join_same_id(e, interrupt, idx, keep);

	/* every event to its root; idx becomes each root's survivor */
	for (size_t i = 0; i < n; i++)
	{
		if (interrupt && i % SC_INTERRUPT_EVERY == 0)
			interrupt();
		keep[i] = uf_find(keep, (uint32_t) i);
		idx[i] = UINT32_MAX;
	}
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	r = keep[i];

		if (idx[r] == UINT32_MAX || better_survivor(e, (uint32_t) i, idx[r]))
			idx[r] = (uint32_t) i;
	}
	for (size_t i = 0; i < n; i++)
		keep[i] = idx[keep[i]];
	/* idx becomes the size of each survivor's group */
	memset(idx, 0, sizeof(uint32_t) * n);
	for (size_t i = 0; i < n; i++)
		idx[keep[i]]++;
	for (size_t i = 0; i < n; i++)
		if (idx[i] >= 2)
		{
			counts->n_groups++;
			counts->n_duplicates += idx[i] - 1;
			counts->n_pairs += (uint64_t) idx[i] * (uint64_t) (idx[i] - 1) / 2;
		}
	counts->n_same_place = counts->n_duplicates - counts->n_same_id;
	sc_free(alloc, idx);
	return SC_OK;
}

bool
sc_duplicates_notable(const sc_dup_counts *c)
{
	return c->n_duplicates >= 1 &&
		(uint64_t) c->n_duplicates * 100 >= (uint64_t) c->n_events * SC_DUP_NOTICE_PERCENT;
}

sc_status
sc_collapse_duplicates(const sc_events *e, double tolerance, const sc_alloc *alloc,
					   sc_interrupt_fn interrupt, sc_events *out,
					   sc_dup_counts *counts, sc_err *err)
{
	size_t		n = e->n;
	uint32_t   *keep;
	double	   *wmax;
	sc_status	st;

	if (out->srid != e->srid)
		return sc_fail(err, SC_EINVAL, "cannot collapse into events of another SRID");
	keep = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "events");
	wmax = sc_alloc_array(alloc, n, sizeof(double), err, "events");
	if (!keep || !wmax)
	{
		sc_free(alloc, keep);
		sc_free(alloc, wmax);
		memset(counts, 0, sizeof(*counts));
		return sc_fail(err, SC_ENOMEM, "out of memory collapsing duplicate events");
	}
	st = sc_duplicate_groups(e, tolerance, alloc, interrupt, keep, counts, err);
	if (st == SC_OK)
	{
		for (size_t i = 0; i < n; i++)
			wmax[i] = e->w[i];
		for (size_t i = 0; i < n; i++)
			if (keep[i] != i && e->w[i] > wmax[keep[i]])
				wmax[keep[i]] = e->w[i];
		for (size_t i = 0; i < n && st == SC_OK; i++)
		{
			if (interrupt && i % SC_INTERRUPT_EVERY == 0)
				interrupt();
			if (keep[i] == i)
				st = sc_events_add(out, e->x[i], e->y[i], e->t[i], e->tend[i] != e->t[i],
								   e->tend[i], wmax[i], e->has_id[i], e->id[i], err);
		}
	}
	sc_free(alloc, keep);
	sc_free(alloc, wmax);
	return st;
}
