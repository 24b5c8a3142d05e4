/*
 * sc_duplicates.c — events at the same place and the same time: one sort by
 * (t, tend, x, y), then runs of equal times grouped by place.
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

/* whether event a is a better survivor than b: smallest id, then lowest index */
static inline bool
better_survivor(const sc_events *e, uint32_t a, uint32_t b)
{
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

/* the survivor of members[0..m) into keep, and the counts of this group */
static void
settle_group(const sc_events *e, const uint32_t *members, size_t m, uint32_t *keep,
			 sc_dup_counts *c)
{
	uint32_t	best = members[0];

	if (m < 2)
		return;
	for (size_t k = 1; k < m; k++)
		if (better_survivor(e, members[k], best))
			best = members[k];
	for (size_t k = 0; k < m; k++)
		keep[members[k]] = best;
	c->n_groups++;
	c->n_duplicates += m - 1;
	c->n_pairs += (uint64_t) m * (uint64_t) (m - 1) / 2;
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

/* group run[0..m) (equal times) by place within tolerance */
static sc_status
settle_run_tolerance(const sc_events *e, const uint32_t *run, size_t m, double tolerance,
					 run_work *w, const sc_alloc *alloc, sc_interrupt_fn interrupt,
					 uint32_t *keep, sc_dup_counts *c, sc_err *err)
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
		settle_group(e, w->order + from, w->start[g] - from, keep, c);
		from = w->start[g];
	}
	return SC_OK;
}

sc_status
sc_duplicate_groups(const sc_events *e, double tolerance, const sc_alloc *alloc,
					sc_interrupt_fn interrupt, uint32_t *keep,
					sc_dup_counts *counts, sc_err *err)
{
	size_t		n = e->n;
	uint32_t   *idx;
	run_work	w = {NULL, NULL, NULL, NULL, NULL};
	sc_status	st = SC_OK;

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
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t) i;
	sort_by_time_place(e, idx, n, interrupt);

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
				settle_group(e, idx + p, q - p, keep, counts);
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
		st = settle_run_tolerance(e, idx + a, b - a, tolerance, &w, alloc, interrupt,
								  keep, counts, err);
	}
	sc_free(alloc, w.x);
	sc_free(alloc, w.y);
	sc_free(alloc, w.group);
	sc_free(alloc, w.order);
	sc_free(alloc, w.start);
	sc_free(alloc, idx);
	if (st != SC_OK)
		memset(counts, 0, sizeof(*counts));
	return st;
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

bool
sc_duplicates_matter(const sc_dup_counts *counts)
{
	return counts->n_duplicates > 0 &&
		(double) counts->n_duplicates >= SC_DUP_NOTICE_SHARE * (double) counts->n_events;
}
