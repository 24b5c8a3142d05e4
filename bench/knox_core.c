/*
 * bench_knox.c — timing of sc_knox_compute on synthetic clustered events.
 * Not a unit test.  Build and run:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -Isrc/core src/core/sc_common.c \
 *      src/core/sc_rng.c src/core/sc_knox.c bench/knox_core.c -lm \
 *      -o /tmp/bench_knox && /tmp/bench_knox
 * Prints wall time, close pairs and the peak memory taken from the allocator.
 */
#define _POSIX_C_SOURCE 199309L
#include "sc_knox.h"
#include "sc_rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* malloc with a size header, to track live and peak bytes */
typedef struct meter
{
	size_t		live;
	size_t		peak;
} meter;

static void *
m_alloc(void *ctx, size_t size)
{
	meter	   *m = ctx;
	size_t	   *p = malloc(size + sizeof(size_t));

	if (!p)
		return NULL;
	*p = size;
	m->live += size;
	if (m->live > m->peak)
		m->peak = m->live;
	return p + 1;
}

static void
m_free(void *ctx, void *ptr)
{
	meter	   *m = ctx;
	size_t	   *p = (size_t *) ptr - 1;

	m->live -= *p;
	free(p);
}

static void *
m_realloc(void *ctx, void *ptr, size_t size)
{
	(void) ctx;
	(void) ptr;
	(void) size;
	return NULL;				/* the Knox code never reallocates */
}

static double
normal(sc_rng *rng)
{
	/* Box–Muller */
	double		u = 1.0 - sc_rng_uniform(rng);
	double		v = sc_rng_uniform(rng);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/*
 * A city of side `extent` metres: a share `clustered` of events scatter
 * around `hotspots` centres (s.d. `sd` m), the rest uniformly; times uniform
 * over two years.
 */
static void
generate(size_t n, double extent, size_t hotspots, double sd, double clustered,
		 double *x, double *y, int64_t *t, uint64_t seed)
{
	sc_rng		rng;
	double	   *cx = malloc(hotspots * sizeof(double));
	double	   *cy = malloc(hotspots * sizeof(double));

	sc_rng_seed(&rng, seed);
	for (size_t h = 0; h < hotspots; h++)
	{
		cx[h] = sc_rng_uniform(&rng) * extent;
		cy[h] = sc_rng_uniform(&rng) * extent;
	}
	for (size_t i = 0; i < n; i++)
	{
		if (sc_rng_uniform(&rng) < clustered)
		{
			size_t		h = (size_t) sc_rng_below(&rng, hotspots);

			x[i] = cx[h] + sd * normal(&rng);
			y[i] = cy[h] + sd * normal(&rng);
		}
		else
		{
			x[i] = sc_rng_uniform(&rng) * extent;
			y[i] = sc_rng_uniform(&rng) * extent;
		}
		t[i] = (int64_t) (sc_rng_uniform(&rng) * 730.0 * 86400e6);
	}
	free(cx);
	free(cy);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
run(const char *label, size_t n, double extent, size_t hotspots, double sd,
	double clustered, uint32_t perms)
{
	static const double dist[] = {100, 200, 300, 400};
	static const double days[] = {7, 14, 21, 28};
	double	   *x = malloc(n * sizeof(double));
	double	   *y = malloc(n * sizeof(double));
	int64_t    *t = malloc(n * sizeof(int64_t));
	meter		m = {0, 0};
	sc_alloc	alloc = {m_alloc, m_realloc, m_free, &m};
	sc_knox_params p = {SC_METRIC_MANHATTAN, 0.0, dist, 4, days, 4, perms, 42, 0,
	NULL, NULL, NULL};
	sc_knox_result res;
	sc_err		err = {""};
	sc_status	st;
	double		t0;

	generate(n, extent, hotspots, sd, clustered, x, y, t, 7);
	for (int metric = 0; metric < 2; metric++)
	{
		p.metric = metric ? SC_METRIC_EUCLIDEAN : SC_METRIC_MANHATTAN;
		m.peak = m.live = 0;
		t0 = now();
		st = sc_knox_compute(x, y, t, n, &p, &alloc, &res, &err);
		if (st != SC_OK)
		{
			printf("%s: error %d: %s\n", label, (int) st, err.msg);
			return 1;
		}
		printf("%-28s n=%zu perms=%u %-9s close_pairs=%zu time=%.2fs peak=%.1fMB "
			   "ratio(1,0)=%.3f\n",
			   label, n, perms, metric ? "euclidean" : "manhattan", res.close_pairs,
			   now() - t0, m.peak / 1048576.0,
			   res.observed[sc_knox_cell(&res, 1, 0)] /
			   res.expected[sc_knox_cell(&res, 1, 0)]);
		sc_knox_result_free(&res);
	}
	free(x);
	free(y);
	free(t);
	return 0;
}

int
main(void)
{
	int			rc = 0;

	/* a mid-sized city: 15 km square, 60% of events in 100 hotspots */
	rc |= run("8700 clustered", 8700, 15000, 100, 250, 0.6, 999);
	/* a large city: 20 km square, 70% of events in 300 tight hotspots */
	rc |= run("100000 clustered", 100000, 20000, 300, 200, 0.7, 99);
	/* a denser stress case: 10 km square, 80% in 150 hotspots */
	rc |= run("100000 dense clustered", 100000, 10000, 150, 200, 0.8, 99);
	return rc;
}
