/*
 * test_areas.c — neighbour lists of areas (contiguity on a grid of squares
 * worked by hand, distance band and k nearest against brute force), Gi* over
 * a neighbour list against sc_gistar with the same band, local Moran's I
 * against a direct O(N²) evaluation of the formulas, its permutations
 * (deterministic, in range), invalid input and allocation failure.
 */
#include "sc_test.h"
#include "sc_areas.h"

#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0x5eed0a2ea5ULL
#include "sc_test_util.h"

static const sc_alloc *A = &sc_malloc_allocator;

/* vertices of an r × c grid of unit squares, area index row-major */
static size_t
square_grid(int r, int c, uint32_t *va, double *x, double *y)
{
	size_t		nv = 0;

	for (int i = 0; i < r; i++)
		for (int j = 0; j < c; j++)
		{
			static const int dx[4] = {0, 1, 1, 0},
						dy[4] = {0, 0, 1, 1};

			for (int v = 0; v < 4; v++)
			{
				va[nv] = (uint32_t) (i * c + j);
				x[nv] = 1000.0 + j + dx[v];
				y[nv] = 5000000.0 + i + dy[v];
				nv++;
			}
		}
	return nv;
}

static bool
has(const sc_nb *nb, size_t i, uint32_t j)
{
	for (size_t p = nb->start[i]; p < nb->start[i + 1]; p++)
		if (nb->nbr[p] == j)
			return true;
	return false;
}

static size_t
deg(const sc_nb *nb, size_t i)
{
	return nb->start[i + 1] - nb->start[i];
}

static void
test_contiguity(void)
{
	uint32_t	va[64];
	double		x[64],
				y[64];
	size_t		nv = square_grid(4, 4, va, x, y);
	sc_nb		q,
				r;
	sc_err		err;

	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, SC_AREAS_SNAP, &q, NULL, A, &err) == SC_OK);
	CHECK(sc_nb_contiguity(16, nv, va, x, y, false, SC_AREAS_SNAP, &r, NULL, A, &err) == SC_OK);
	/* corner 3 / 2, edge 5 / 3, inner 8 / 4 */
	CHECK(deg(&q, 0) == 3 && deg(&r, 0) == 2);
	CHECK(deg(&q, 1) == 5 && deg(&r, 1) == 3);
	CHECK(deg(&q, 5) == 8 && deg(&r, 5) == 4);
	CHECK(has(&q, 0, 5) && !has(&r, 0, 5));
	CHECK(has(&r, 5, 1) && has(&r, 5, 4) && has(&r, 5, 6) && has(&r, 5, 9));
	CHECK(q.islands == 0 && q.symmetric);
	/* rows ascending, never the area itself */
	{
		bool		ok = true;

		for (size_t i = 0; i < 16; i++)
			for (size_t p = q.start[i]; p < q.start[i + 1]; p++)
				ok &= q.nbr[p] != i && (p == q.start[i] || q.nbr[p - 1] < q.nbr[p]);
		CHECK(ok);
	}
	sc_nb_free(&q, A);
	sc_nb_free(&r, A);

	/* a vertex moved by less than snap still matches; by more, it does not */
	x[4] += 1e-9;				/* area 1's first vertex = area 0's second */
	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, SC_AREAS_SNAP, &q, NULL, A, &err) == SC_OK);
	CHECK(has(&q, 0, 1));
	sc_nb_free(&q, A);
	CHECK(sc_nb_contiguity(16, nv, va, x, y, false, 0.0, &r, NULL, A, &err) == SC_OK);
	/* snap 0: areas 0 and 1 share one exact vertex (the top one): queen, not rook */
	CHECK(!has(&r, 0, 1));
	sc_nb_free(&r, A);
	/* an area without vertices in common is an island */
	va[nv - 1] = 15;
	x[nv - 4] = x[nv - 3] = x[nv - 2] = x[nv - 1] = 9e5;
	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, SC_AREAS_SNAP, &q, NULL, A, &err) == SC_OK);
	CHECK(deg(&q, 15) == 0 && q.islands == 1);
	sc_nb_free(&q, A);

	/* invalid input */
	va[0] = 16;
	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, SC_AREAS_SNAP, &q, NULL, A, &err) == SC_EINVAL);
	va[0] = 0;
	x[0] = NAN;
	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, SC_AREAS_SNAP, &q, NULL, A, &err) == SC_EINVAL);
	x[0] = 1000;
	CHECK(sc_nb_contiguity(16, nv, va, x, y, true, -1, &q, NULL, A, &err) == SC_EINVAL);
	CHECK(sc_nb_contiguity(0, 0, va, x, y, true, 0, &q, NULL, A, &err) == SC_EINVAL);
}

static void
test_distance_knn(void)
{
	enum {N = 600};
	double		x[N],
				y[N],
				band = 60;
	sc_nb		d,
				k;
	sc_err		err;
	size_t		kk = 7;
	bool		ok_d = true,
				ok_k = true;

	for (int i = 0; i < N; i++)
	{
		x[i] = 480000 + 1000 * urand() * urand();	/* uneven density */
		y[i] = 5450000 + 800 * urand();
	}
	x[1] = x[0];				/* same place: not a distance neighbour */
	y[1] = y[0];
	CHECK(sc_nb_distance(N, x, y, band, &d, NULL, A, &err) == SC_OK);
	CHECK(sc_nb_knn(N, x, y, kk, &k, NULL, A, &err) == SC_OK);
	for (int i = 0; i < N; i++)
	{
		double		dist[N];
		size_t		cnt = 0;

		for (int j = 0; j < N; j++)
		{
			double		dd = hypot(x[i] - x[j], y[i] - y[j]);

			dist[j] = j == i ? INFINITY : dd;
			if (j != i && dd > 0 && dd <= band)
			{
				cnt++;
				ok_d &= has(&d, i, j);
			}
		}
		ok_d &= deg(&d, i) == cnt;
		/* the k-th smallest distance; every listed one at most that */
		{
			double		s[N],
						kth;

			memcpy(s, dist, sizeof(s));
			qsort(s, N, sizeof(double), dcmp);
			kth = s[kk - 1];
			ok_k &= deg(&k, i) == kk;
			for (size_t p = k.start[i]; p < k.start[i + 1]; p++)
				ok_k &= dist[k.nbr[p]] <= kth && k.nbr[p] != (uint32_t) i;
		}
	}
	CHECK(ok_d);
	CHECK(ok_k);
	CHECK(!has(&d, 0, 1) && has(&k, 0, 1));
	CHECK(d.symmetric && !k.symmetric);
	sc_nb_free(&d, A);
	sc_nb_free(&k, A);

	CHECK(sc_nb_knn(N, x, y, 0, &k, NULL, A, &err) == SC_EINVAL);
	CHECK(sc_nb_knn(N, x, y, N, &k, NULL, A, &err) == SC_EINVAL);
	CHECK(sc_nb_knn(N, x, y, N - 1, &k, NULL, A, &err) == SC_OK);
	CHECK(deg(&k, 3) == N - 1);
	sc_nb_free(&k, A);
	CHECK(sc_nb_distance(N, x, y, 0, &d, NULL, A, &err) == SC_EINVAL);
	CHECK(sc_nb_distance(N, x, y, INFINITY, &d, NULL, A, &err) == SC_EINVAL);
	/* all points on one line, and all at one place */
	for (int i = 0; i < 20; i++)
		x[i] = 3.0, y[i] = i;
	CHECK(sc_nb_knn(20, x, y, 2, &k, NULL, A, &err) == SC_OK);
	CHECK(has(&k, 0, 1) && has(&k, 0, 2) && has(&k, 10, 9) && has(&k, 10, 11));
	sc_nb_free(&k, A);
	for (int i = 0; i < 20; i++)
		y[i] = 7;
	CHECK(sc_nb_knn(20, x, y, 3, &k, NULL, A, &err) == SC_OK);
	/* all tied: the lowest indices */
	CHECK(has(&k, 19, 0) && has(&k, 19, 1) && has(&k, 19, 2) && has(&k, 0, 3));
	sc_nb_free(&k, A);
}

/*
 * kNN exactly as brute force, ties to the smaller index, where a grid of
 * blocks sized for the mean density was slow: nearly every point in one
 * tight cluster, a few far away, points repeated, integer coordinates (ties).
 */
static void
test_knn_clustered(void)
{
	enum {N = 3000, K = 8};
	static double x[N],
				y[N];
	sc_nb		k;
	sc_err		err;
	bool		ok = true;

	for (int i = 0; i < N; i++)
	{
		bool		far = i % 100 == 0;

		x[i] = far ? floor(1e6 * urand()) : 500000 + floor(20 * urand());
		y[i] = far ? floor(1e6 * urand()) : 4000000 + floor(20 * urand());
	}
	x[7] = x[3];
	y[7] = y[3];
	CHECK(sc_nb_knn(N, x, y, K, &k, NULL, A, &err) == SC_OK);
	for (int i = 0; i < N && ok; i++)
	{
		double		bd[K];
		uint32_t	bj[K];
		size_t		cnt = 0;

		for (int j = 0; j < N; j++)
		{
			double		d2 = (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]);
			size_t		pos;

			if (j == i || (cnt == K && d2 >= bd[K - 1]))
				continue;
			pos = cnt < K ? cnt++ : K - 1;
			while (pos > 0 && d2 < bd[pos - 1])
			{
				bd[pos] = bd[pos - 1];
				bj[pos] = bj[pos - 1];
				pos--;
			}
			bd[pos] = d2;
			bj[pos] = (uint32_t) j;
		}
		ok &= deg(&k, i) == K;
		for (int q = 0; q < K; q++)
			ok &= has(&k, i, bj[q]);
		for (size_t p = k.start[i] + 1; p < k.start[i + 1]; p++)
			ok &= k.nbr[p - 1] < k.nbr[p];
	}
	CHECK(ok);
	sc_nb_free(&k, A);
}

static void
test_gistar_nb(void)
{
	enum {N = 300};
	double		x[N],
				y[N],
				v[N];
	sc_nb		d;
	sc_gistar_cell a[N],
				b[N];
	sc_err		err;
	bool		ok = true;

	for (int i = 0; i < N; i++)
	{
		x[i] = 1000 * urand();
		y[i] = 1000 * urand();
		v[i] = floor(10 * urand() * urand());
	}
	CHECK(sc_nb_distance(N, x, y, 120, &d, NULL, A, &err) == SC_OK);
	CHECK(sc_gistar_nb(&d, v, true, a, NULL, NULL, A, &err) == SC_OK);
	CHECK(sc_gistar(N, x, y, v, 120, true, b, NULL, NULL, A, &err) == SC_OK);
	for (int i = 0; i < N; i++)
		ok &= a[i].nneigh == b[i].nneigh && fabs(a[i].z - b[i].z) <= 1e-12 && a[i].bin == b[i].bin;
	CHECK(ok);
	sc_nb_free(&d, A);

	/* an island: (x_i - mean) / S */
	{
		sc_nb		nb;
		size_t		start[4] = {0, 1, 2, 2};
		uint32_t	nbr[2] = {1, 0};
		double		val[3] = {1, 2, 6};
		double		mean = 3,
					sd = sqrt((4.0 + 1 + 9) / 3);

		nb.n = 3;
		nb.start = start;
		nb.nbr = nbr;
		CHECK(sc_gistar_nb(&nb, val, false, a, NULL, NULL, A, &err) == SC_OK);
		CHECK(a[2].nneigh == 1);
		CHECK_NEAR(a[2].z, (6 - mean) / sd, 1e-14);
		/* areas 0 and 1: W = 2, Σ = 3 - 2·3 */
		CHECK_NEAR(a[0].z, (3 - 2 * mean) / (sd * sqrt((3.0 * 2 - 4) / 2)), 1e-14);
		val[1] = val[2] = 1;
		CHECK(sc_gistar_nb(&nb, val, false, a, NULL, NULL, A, &err) == SC_EUNDEFINED);
		nb.n = 2;
		CHECK(sc_gistar_nb(&nb, val, false, a, NULL, NULL, A, &err) == SC_EUNDEFINED);
	}
}

/* local Moran's I written out over a dense weight matrix */
static void
moran_direct(size_t n, const sc_nb *nb, const double *x, bool rowstd, double *ii, double *e, double *var)
{
	double		mean = 0,
				m2 = 0;

	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= n;
	for (size_t i = 0; i < n; i++)
		m2 += (x[i] - mean) * (x[i] - mean);
	m2 /= n;
	for (size_t i = 0; i < n; i++)
	{
		double		lag = 0,
					wi = 0,
					wi2 = 0,
					zi = x[i] - mean;

		for (size_t j = 0; j < n; j++)
		{
			double		w = has(nb, i, (uint32_t) j) ? (rowstd ? 1.0 / deg(nb, i) : 1.0) : 0.0;

			lag += w * (x[j] - mean);
			wi += w;
			wi2 += w * w;
		}
		ii[i] = zi / m2 * lag;
		e[i] = -zi * zi * wi / ((n - 1) * m2);
		var[i] = pow(zi / m2, 2) * n / (n - 2.0) * (wi2 - wi * wi / (n - 1)) * (m2 - zi * zi / (n - 1));
	}
}

static void
test_local_moran(void)
{
	enum {R = 9, C = 9, N = R * C};
	uint32_t	va[4 * N];
	double		x[4 * N],
				y[4 * N],
				v[N],
				ii[N],
				e[N],
				var[N];
	sc_nb		nb;
	sc_lmoran_cell a[N],
				b[N];
	sc_err		err;
	size_t		nv = square_grid(R, C, va, x, y);
	bool		ok = true,
				same = true,
				range = true;
	int			hh = 0;

	for (int i = 0; i < N; i++)
		v[i] = (i % C < 4 && i / C < 4 ? 20 : 0) + floor(10 * urand());
	CHECK(sc_nb_contiguity(N, nv, va, x, y, false, SC_AREAS_SNAP, &nb, NULL, A, &err) == SC_OK);
	for (int rs = 0; rs <= 1; rs++)
	{
		moran_direct(N, &nb, v, rs, ii, e, var);
		CHECK(sc_local_moran(&nb, v, rs, 0, 1, a, NULL, A, &err) == SC_OK);
		for (int i = 0; i < N; i++)
			ok &= fabs(a[i].ii - ii[i]) <= 1e-12 * fmax(1, fabs(ii[i]))
				&& fabs(a[i].e_ii - e[i]) <= 1e-12 * fmax(1, fabs(e[i]))
				&& fabs(a[i].var_ii - var[i]) <= 1e-12 * fmax(1, fabs(var[i]))
				&& isnan(a[i].p_sim);
	}
	CHECK(ok);
	/* the high block is High-High, and significant by permutation */
	CHECK(sc_local_moran(&nb, v, true, 999, 42, a, NULL, A, &err) == SC_OK);
	CHECK(sc_local_moran(&nb, v, true, 999, 42, b, NULL, A, &err) == SC_OK);
	for (int i = 0; i < N; i++)
	{
		same &= a[i].p_sim == b[i].p_sim;
		range &= a[i].p_sim >= 1.0 / 1000 && a[i].p_sim <= 0.5 + 1e-12;
	}
	CHECK(same);
	CHECK(range);
	for (int i = 0; i < N; i++)
		hh += a[i].quadrant == SC_LM_HH;
	CHECK(a[C + 1].quadrant == SC_LM_HH && a[C + 1].p_sim <= 0.01);
	/* quadrants by spdep's "mean" rule, written out */
	{
		double		mean = 0,
					lmean = 0,
					lag[N];
		bool		q_ok = true;

		for (int i = 0; i < N; i++)
		{
			mean += v[i] / N;
			lag[i] = 0;
			for (size_t p = nb.start[i]; p < nb.start[i + 1]; p++)
				lag[i] += v[nb.nbr[p]] / deg(&nb, i);
			lmean += lag[i] / N;
		}
		for (int i = 0; i < N; i++)
			q_ok &= a[i].quadrant == (v[i] > mean ? (lag[i] > lmean ? SC_LM_HH : SC_LM_HL)
									  : (lag[i] > lmean ? SC_LM_LH : SC_LM_LL))
				&& fabs(a[i].lag - lag[i]) < 1e-12;
		CHECK(q_ok);
	}
	CHECK(hh >= 12);
	CHECK(sc_local_moran(&nb, v, true, 999, 43, b, NULL, A, &err) == SC_OK);
	same = true;
	for (int i = 0; i < N; i++)
		same &= a[i].p_sim == b[i].p_sim;
	CHECK(!same);
	sc_nb_free(&nb, A);

	/* an island: I = 0, z undefined, no pseudo p */
	{
		size_t		start[5] = {0, 1, 2, 2, 2};
		uint32_t	nbr[2] = {1, 0};
		double		val[4] = {1, 2, 6, 3};

		nb.n = 4;
		nb.start = start;
		nb.nbr = nbr;
		CHECK(sc_local_moran(&nb, val, true, 99, 1, a, NULL, A, &err) == SC_OK);
		CHECK(a[2].ii == 0 && isnan(a[2].z) && isnan(a[2].p_sim) && a[2].nneigh == 0);
		CHECK(!isnan(a[0].p_sim));
		val[0] = NAN;
		CHECK(sc_local_moran(&nb, val, true, 99, 1, a, NULL, A, &err) == SC_EINVAL);
		val[0] = val[1] = val[2] = val[3] = 5;
		CHECK(sc_local_moran(&nb, val, true, 99, 1, a, NULL, A, &err) == SC_EUNDEFINED);
	}
}

static sc_status
build_free(bool queen, size_t n, size_t nv, const uint32_t *va, const double *x, const double *y,
		   int which, const sc_alloc *al)
{
	sc_nb		nb;
	sc_err		err;
	sc_status	st;

	if (which == 0)
		st = sc_nb_contiguity(n, nv, va, x, y, queen, SC_AREAS_SNAP, &nb, NULL, al, &err);
	else if (which == 1)
		st = sc_nb_distance(n, x, y, 1.5, &nb, NULL, al, &err);
	else
		st = sc_nb_knn(n, x, y, 3, &nb, NULL, al, &err);
	if (st == SC_OK)
	{
		sc_lmoran_cell out[64];
		double		v[64];

		for (size_t i = 0; i < n; i++)
			v[i] = (double) (i % 5);
		st = sc_local_moran(&nb, v, true, 9, 1, out, NULL, al, &err);
		sc_nb_free(&nb, al);
	}
	return st;
}

static void
test_enomem(void)
{
	uint32_t	va[64];
	double		x[64],
				y[64];
	size_t		nv = square_grid(4, 4, va, x, y);
	fail_ctx	c;
	sc_alloc	al = fail_alloc(&c, -1);
	long		failures;

	ENOMEM_SWEEP(c, 50, failures, build_free(true, 16, nv, va, x, y, 0, &al));
	CHECK(failures > 3);
	ENOMEM_SWEEP(c, 50, failures, build_free(true, 16, 16, va, x, y, 1, &al));
	CHECK(failures > 3);
	ENOMEM_SWEEP(c, 50, failures, build_free(true, 16, 16, va, x, y, 2, &al));
	CHECK(failures > 3);
}

int
main(void)
{
	test_contiguity();
	test_distance_knn();
	test_knn_clustered();
	test_gistar_nb();
	test_local_moran();
	test_enomem();
	TEST_DONE("areas");
}
