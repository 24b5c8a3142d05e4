/*
 * test_duplicates.c — same-id and same-place same-time groups against an
 * O(n²) union–find, the survivor rule, collapsing (weights, count, order),
 * the NOTICE threshold, validation and allocation failure.
 */
#include "sc_duplicates.h"
#include "sc_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_test_util.h"

#define DAY INT64_C(86400000000)

static void
make_events(sc_events *e, size_t n, int places, int times, bool windows, bool ids)
{
	sc_events_init(e, 32616, 0, &sc_malloc_allocator);
	for (size_t i = 0; i < n; i++)
	{
		double		x = 5.0 * (int) (urand() * places),
					y = 5.0 * (int) (urand() * 3);
		int64_t		t = (int64_t) (urand() * times) * DAY;
		bool		has_end = windows && urand() < 0.3;
		bool		has_id = ids && urand() < 0.8;
		int64_t		id = (int64_t) (urand() * (double) (n / 3 + 10)) - 10;
		double		w = 1 + (int) (urand() * 4);

		CHECK(sc_events_add(e, x, y, t, has_end, t + (has_end ? DAY : 0), w, has_id, id, NULL) == SC_OK);
	}
}

static size_t
root_of(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i];
	return i;
}

static void
join(size_t *parent, size_t i, size_t j)
{
	size_t		a = root_of(parent, i),
				b = root_of(parent, j);

	if (a != b)
		parent[a > b ? a : b] = a < b ? a : b;
}

/* a is a better survivor than b: earliest t, tend, ids before none, smallest id, lowest index */
static bool
brute_better(const sc_events *e, size_t a, size_t b)
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

/*
 * all pairs: the same id, or the same t and tend within tol (Euclidean) →
 * one group; n_same_id from a second forest of the id pairs alone
 */
static void
brute(const sc_events *e, double tol, uint32_t *keep, sc_dup_counts *c)
{
	size_t		n = e->n;
	size_t	   *parent = malloc((n + 1) * sizeof(size_t));
	size_t	   *idp = malloc((n + 1) * sizeof(size_t));
	size_t	   *size = calloc(n + 1, sizeof(size_t));

	memset(c, 0, sizeof(*c));
	c->n_events = n;
	for (size_t i = 0; i < n; i++)
		parent[i] = idp[i] = i;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
		{
			bool		same_id = e->has_id[i] && e->has_id[j] && e->id[i] == e->id[j];

			if (same_id ||
				(e->t[i] == e->t[j] && e->tend[i] == e->tend[j] &&
				 hypot(e->x[i] - e->x[j], e->y[i] - e->y[j]) <= tol))
				join(parent, i, j);
			if (same_id)
				join(idp, i, j);
		}
	for (size_t i = 0; i < n; i++)
		keep[i] = UINT32_MAX;
	for (size_t i = 0; i < n; i++)
	{
		size_t		r = root_of(parent, i);

		size[r]++;
		if (keep[r] == UINT32_MAX || brute_better(e, i, keep[r]))
			keep[r] = (uint32_t) i;
		if (root_of(idp, i) != i)
			c->n_same_id++;
	}
	for (size_t i = 0; i < n; i++)
		if (root_of(parent, i) != i)
			keep[i] = keep[root_of(parent, i)];
	for (size_t i = 0; i < n; i++)
		if (size[i] >= 2)
		{
			c->n_groups++;
			c->n_duplicates += size[i] - 1;
			c->n_pairs += size[i] * (size[i] - 1) / 2;
		}
	c->n_same_place = c->n_duplicates - c->n_same_id;
	free(parent);
	free(idp);
	free(size);
}

static void
test_vs_brute(void)
{
	static const double tols[] = {0, 4.9, 5, 7.0710678118654755, 12};
	static const size_t sizes[] = {0, 1, 2, 40, 600};
	int			mismatches = 0,
				configs = 0,
				with_dups = 0,
				with_ids = 0;

	for (size_t si = 0; si < 5; si++)
		for (int shape = 0; shape < 3; shape++)
		{
			sc_events	e;
			size_t		n = sizes[si];
			uint32_t   *got = malloc((n + 1) * sizeof(uint32_t)),
					   *want = malloc((n + 1) * sizeof(uint32_t));

			make_events(&e, n, shape == 0 ? 3 : 40, shape == 2 ? 2 : 10, shape != 1, shape != 2);
			for (size_t ti = 0; ti < 5; ti++)
			{
				sc_dup_counts cg,
							cw;
				sc_err		err = {""};

				if (sc_duplicate_groups(&e, tols[ti], &sc_malloc_allocator, count_interrupt,
										got, &cg, &err) != SC_OK)
				{
					fprintf(stderr, "duplicate groups failed: %s\n", err.msg);
					mismatches++;
					continue;
				}
				brute(&e, tols[ti], want, &cw);
				mismatches += memcmp(got, want, n * sizeof(uint32_t)) != 0;
				mismatches += cg.n_events != cw.n_events || cg.n_groups != cw.n_groups ||
					cg.n_duplicates != cw.n_duplicates || cg.n_pairs != cw.n_pairs ||
					cg.n_same_id != cw.n_same_id || cg.n_same_place != cw.n_same_place;
				with_dups += cg.n_duplicates > 0;
				with_ids += cg.n_same_id > 0 && cg.n_same_place > 0;
				configs++;
			}
			sc_events_free(&e);
			free(got);
			free(want);
		}
	CHECK(configs == 75);
	CHECK(mismatches == 0);
	CHECK(with_dups > 30);		/* the data sets do hold duplicates */
	CHECK(with_ids > 15);		/* of both kinds together */
}

/* by hand: three copies of one incident, a near copy, a later visit */
static void
test_by_hand(void)
{
	sc_events	e,
				out;
	uint32_t	keep[6];
	sc_dup_counts c;

	sc_events_init(&e, 32616, 0, &sc_malloc_allocator);
	/* 0, 1, 2: one incident recorded per victim (ids 7, 5, none) */
	CHECK(sc_events_add(&e, 100, 200, 10 * DAY, false, 0, 1, true, 7, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 100, 200, 10 * DAY, false, 0, 3, true, 5, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 100, 200, 10 * DAY, false, 0, 2, false, 0, NULL) == SC_OK);
	/* 3: 1 unit away at the same time; 4: same place a day later */
	CHECK(sc_events_add(&e, 101, 200, 10 * DAY, false, 0, 1, true, 9, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 100, 200, 11 * DAY, false, 0, 1, true, 1, NULL) == SC_OK);
	/* 5: same place and start, but a time window */
	CHECK(sc_events_add(&e, 100, 200, 10 * DAY, true, 12 * DAY, 1, true, 2, NULL) == SC_OK);

	CHECK(sc_duplicate_groups(&e, 0, &sc_malloc_allocator, NULL, keep, &c, NULL) == SC_OK);
	CHECK(keep[0] == 1 && keep[1] == 1 && keep[2] == 1);
	CHECK(keep[3] == 3 && keep[4] == 4 && keep[5] == 5);
	CHECK(c.n_events == 6 && c.n_groups == 1 && c.n_duplicates == 2 && c.n_pairs == 3);

	CHECK(sc_duplicate_groups(&e, 1, &sc_malloc_allocator, NULL, keep, &c, NULL) == SC_OK);
	CHECK(keep[0] == 1 && keep[1] == 1 && keep[2] == 1 && keep[3] == 1);
	CHECK(keep[4] == 4 && keep[5] == 5);
	CHECK(c.n_groups == 1 && c.n_duplicates == 3 && c.n_pairs == 6);

	/* collapse: survivors 1, 3, 4, 5 in input order; 1 takes the largest weight 3 */
	sc_events_init(&out, 32616, 0, &sc_malloc_allocator);
	CHECK(sc_collapse_duplicates(&e, 0, &sc_malloc_allocator, NULL, &out, &c, NULL) == SC_OK);
	CHECK(out.n == 4);
	CHECK(out.has_id[0] && out.id[0] == 5 && out.w[0] == 3 && out.x[0] == 100);
	CHECK(out.id[1] == 9 && out.id[2] == 1 && out.id[3] == 2);
	CHECK(out.tend[3] == 12 * DAY && (out.flags & SC_EV_HAS_END) && (out.flags & SC_EV_HAS_WEIGHT));
	sc_events_free(&out);

	/* weights of the group all 1: the output needs no weight column */
	e.w[1] = 1;
	e.w[2] = 1;
	sc_events_init(&out, 32616, 0, &sc_malloc_allocator);
	CHECK(sc_collapse_duplicates(&e, 0, &sc_malloc_allocator, NULL, &out, &c, NULL) == SC_OK);
	CHECK(out.n == 4 && !(out.flags & SC_EV_HAS_WEIGHT) && out.w[0] == 1);
	sc_events_free(&out);

	/* another SRID is refused */
	sc_events_init(&out, 4326, 0, &sc_malloc_allocator);
	CHECK(sc_collapse_duplicates(&e, 0, &sc_malloc_allocator, NULL, &out, &c, NULL) == SC_EINVAL);
	sc_events_free(&out);
	sc_events_free(&e);
}

/*
 * by hand: one incident per offense with jittered points and one id; an id
 * chains two place-and-time groups; the survivor is the earliest
 */
static void
test_same_id(void)
{
	sc_events	e,
				out;
	uint32_t	keep[8];
	sc_dup_counts c;

	sc_events_init(&e, 32616, 0, &sc_malloc_allocator);
	/* 0, 1, 2: incident 42, three offenses, 40–170 m apart, one time */
	CHECK(sc_events_add(&e, 1000, 2000, 10 * DAY, false, 0, 1, true, 42, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 1040, 2000, 10 * DAY, false, 0, 5, true, 42, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 1000, 2170, 10 * DAY, false, 0, 2, true, 42, NULL) == SC_OK);
	/* 3: incident 43 at 0's point and time (same place and time, another id) */
	CHECK(sc_events_add(&e, 1000, 2000, 10 * DAY, false, 0, 1, true, 43, NULL) == SC_OK);
	/* 4: incident 43 recorded again a day earlier elsewhere: joins all of 0–3 */
	CHECK(sc_events_add(&e, 9000, 9000, 9 * DAY, false, 0, 1, true, 43, NULL) == SC_OK);
	/* 5: incident 7 alone; 6, 7: incident 8 at two times, no place in common */
	CHECK(sc_events_add(&e, 1000, 2000, 12 * DAY, false, 0, 1, true, 7, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 500, 500, 12 * DAY, false, 0, 1, true, 8, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 600, 500, 11 * DAY, true, 13 * DAY, 1, true, 8, NULL) == SC_OK);

	CHECK(sc_duplicate_groups(&e, 0, &sc_malloc_allocator, NULL, keep, &c, NULL) == SC_OK);
	/* group {0..4}: earliest is 4; group {6, 7}: 7 is earlier */
	CHECK(keep[0] == 4 && keep[1] == 4 && keep[2] == 4 && keep[3] == 4 && keep[4] == 4);
	CHECK(keep[5] == 5 && keep[6] == 7 && keep[7] == 7);
	/* ids alone: 42 ×3, 43 ×2, 8 ×2 → 2 + 1 + 1; the place joins 42 with 43 → 1 more */
	CHECK(c.n_groups == 2 && c.n_duplicates == 5 && c.n_same_id == 4 && c.n_same_place == 1);
	CHECK(c.n_pairs == 10 + 1);

	/* without ids, only 0 and 3 are one (same point and time) */
	for (size_t i = 0; i < e.n; i++)
		e.has_id[i] = false;
	CHECK(sc_duplicate_groups(&e, 0, &sc_malloc_allocator, NULL, keep, &c, NULL) == SC_OK);
	CHECK(keep[3] == 0 && keep[0] == 0 && keep[1] == 1 && keep[4] == 4);
	CHECK(c.n_groups == 1 && c.n_duplicates == 1 && c.n_same_id == 0 && c.n_same_place == 1);
	for (size_t i = 0; i < e.n; i++)
		e.has_id[i] = true;

	/* collapse: survivors 4, 5, 7 in input order; 4 takes weight 5 of event 1 */
	sc_events_init(&out, 32616, 0, &sc_malloc_allocator);
	CHECK(sc_collapse_duplicates(&e, 0, &sc_malloc_allocator, NULL, &out, &c, NULL) == SC_OK);
	CHECK(out.n == 3);
	CHECK(out.id[0] == 43 && out.x[0] == 9000 && out.t[0] == 9 * DAY && out.w[0] == 5);
	CHECK(out.id[1] == 7 && out.id[2] == 8 && out.x[2] == 600 && out.tend[2] == 13 * DAY);
	sc_events_free(&out);
	sc_events_free(&e);
}

/* the NOTICE threshold: at least one duplicate and at least 1 % of the events */
static void
test_notable(void)
{
	sc_dup_counts c;

	memset(&c, 0, sizeof(c));
	c.n_events = 8297;
	c.n_duplicates = 0;
	CHECK(!sc_duplicates_notable(&c));
	c.n_duplicates = 82;		/* 0.988 % */
	CHECK(!sc_duplicates_notable(&c));
	c.n_duplicates = 83;		/* 1.0004 % */
	CHECK(sc_duplicates_notable(&c));
	c.n_events = 100;
	c.n_duplicates = 1;
	CHECK(sc_duplicates_notable(&c));
	c.n_events = 101;
	CHECK(!sc_duplicates_notable(&c));
	c.n_events = 2;				/* few events: one copy is enough */
	CHECK(sc_duplicates_notable(&c));
	c.n_events = 0;
	c.n_duplicates = 0;
	CHECK(!sc_duplicates_notable(&c));
}

/* collapsing leaves no duplicates and keeps every (time, place) once */
static void
test_collapse_idempotent(void)
{
	sc_events	e,
				once,
				twice;
	sc_dup_counts c1,
				c2;

	make_events(&e, 500, 4, 6, true, true);
	sc_events_init(&once, e.srid, 0, &sc_malloc_allocator);
	sc_events_init(&twice, e.srid, 0, &sc_malloc_allocator);
	CHECK(sc_collapse_duplicates(&e, 0, &sc_malloc_allocator, NULL, &once, &c1, NULL) == SC_OK);
	CHECK(c1.n_duplicates > 100);
	CHECK(once.n == e.n - c1.n_duplicates);
	CHECK(sc_collapse_duplicates(&once, 0, &sc_malloc_allocator, NULL, &twice, &c2, NULL) == SC_OK);
	CHECK(c2.n_duplicates == 0 && c2.n_groups == 0 && twice.n == once.n);
	sc_events_free(&e);
	sc_events_free(&once);
	sc_events_free(&twice);
}

static void
test_invalid(void)
{
	sc_events	e;
	uint32_t	keep[3];
	sc_dup_counts c;
	sc_err		err = {""};

	sc_events_init(&e, 0, 0, &sc_malloc_allocator);
	CHECK(sc_duplicate_groups(&e, 0, &sc_malloc_allocator, NULL, keep, &c, &err) == SC_OK);
	CHECK(c.n_events == 0 && c.n_duplicates == 0);
	CHECK(sc_events_add(&e, 1, 1, 0, false, 0, 1, false, 0, NULL) == SC_OK);
	CHECK(sc_events_add(&e, 1, 1, 0, false, 0, 1, false, 0, NULL) == SC_OK);
	CHECK(sc_duplicate_groups(&e, -1, &sc_malloc_allocator, NULL, keep, &c, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "tolerance") != NULL);
	CHECK(sc_duplicate_groups(&e, NAN, &sc_malloc_allocator, NULL, keep, &c, &err) == SC_EINVAL);
	CHECK(sc_duplicate_groups(&e, INFINITY, &sc_malloc_allocator, NULL, keep, &c, &err) == SC_EINVAL);
	e.x[1] = NAN;
	CHECK(sc_duplicate_groups(&e, 0, &sc_malloc_allocator, NULL, keep, &c, &err) == SC_EINVAL);
	CHECK(strstr(err.msg, "event 2") != NULL);
	sc_events_free(&e);
}

static void
test_failing_allocator(void)
{
	sc_events	e,
				out;
	uint32_t	keep[300];
	sc_dup_counts c;
	fail_ctx	fc;
	sc_alloc	al = fail_alloc(&fc, -1);
	int			failures;

	make_events(&e, 300, 5, 4, true, true);
	ENOMEM_SWEEP(fc, 100, failures, sc_duplicate_groups(&e, 0, &al, NULL, keep, &c, NULL));
	CHECK(failures == 1);
	ENOMEM_SWEEP(fc, 500, failures, sc_duplicate_groups(&e, 6, &al, NULL, keep, &c, NULL));
	CHECK(failures > 5);
	CHECK(c.n_duplicates > 0);
	sc_events_init(&out, e.srid, 0, &sc_malloc_allocator);
	ENOMEM_SWEEP(fc, 100, failures, sc_collapse_duplicates(&e, 0, &al, NULL, &out, &c, NULL));
	CHECK(failures == 3);
	CHECK(out.n == 300 - c.n_duplicates);
	sc_events_free(&out);
	sc_events_free(&e);
}

int
main(void)
{
	test_vs_brute();
	test_by_hand();
	test_same_id();
	test_notable();
	test_collapse_idempotent();
	test_invalid();
	test_failing_allocator();
	TEST_DONE("duplicates");
}
