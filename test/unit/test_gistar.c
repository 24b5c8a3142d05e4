/*
 * test_gistar.c — Gi* against hand-worked and brute-force O(N²) values, FDR
 * bins against a hand computation, Global Moran's I against a hand case and
 * an explicit weight matrix, invalid input and allocation failure.
 */
#include "sc_test.h"
#include "sc_gistar.h"
#include "sc_moran.h"
#include "sc_grid.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#define SC_TEST_SEED 0x1234567887654321ULL
#include "sc_test_util.h"
#include "sc_test_moran.h"

static void
test_p_and_bins(void)
{
	CHECK_NEAR(sc_p_two_sided(0), 1.0, 1e-15);
	CHECK_NEAR(sc_p_two_sided(1.959963984540054), 0.05, 1e-13);
	CHECK_NEAR(sc_p_two_sided(-1.959963984540054), 0.05, 1e-13);
	CHECK_NEAR(sc_p_two_sided(2.5758293035489004), 0.01, 1e-13);
	CHECK_NEAR(sc_p_two_sided(1.6448536269514722), 0.10, 1e-13);
	/* deep tail: 2Φ(-10) = 1.523970604832105e-23, relative accuracy kept */
	CHECK_NEAR(sc_p_two_sided(10) / 1.523970604832105e-23, 1.0, 1e-12);
	CHECK_NEAR(sc_p_two_sided(-30) / (2 * 4.906713927148187e-198), 1.0, 1e-10);
	CHECK(isnan(sc_p_two_sided(NAN)));
	CHECK(sc_p_two_sided(INFINITY) == 0);

	CHECK(sc_confidence_bin(3.0, sc_p_two_sided(3.0)) == 3);
	CHECK(sc_confidence_bin(-3.0, sc_p_two_sided(3.0)) == -3);
	CHECK(sc_confidence_bin(2.0, sc_p_two_sided(2.0)) == 2);
	CHECK(sc_confidence_bin(-1.7, sc_p_two_sided(1.7)) == -1);
	CHECK(sc_confidence_bin(1.6, sc_p_two_sided(1.6)) == 0);
	CHECK(sc_confidence_bin(0.0, 1.0) == 0);
	CHECK(sc_confidence_bin(NAN, NAN) == 0);
	/* thresholds are strict: p = 0.05 exactly is a 90% bin */
	CHECK(sc_confidence_bin(1.0, 0.05) == 1);
	CHECK(sc_confidence_bin(1.0, 0.0499999) == 2);
	CHECK(sc_confidence_bin(1.0, 0.10) == 0);
}

/*
 * 3×3 unit cells, centres (i+½, j+½), all values 0 but the centre 9,
 * band D = 1 (rook neighbours + self; diagonals are √2 away).
 *   N = 9, X̄ = 1, S = sqrt(81/9 − 1) = 2√2.
 *   centre: W = 5, Σx = 9: (9 − 5)/(2√2·sqrt((45 − 25)/8)) = 4/(2√5) = 2/√5
 *   edge:   W = 4, Σx = 9: (9 − 4)/(2√2·sqrt((36 − 16)/8)) = 5/(2√5) = √5/2
 *   corner: W = 3, Σx = 0: (0 − 3)/(2√2·sqrt((27 − 9)/8)) = −3/(3√2) = −1/√2
 */
static void
test_hand_3x3(void)
{
	double		cx[9],
				cy[9],
				x[9] = {0};
	sc_gistar_cell out[9];
	sc_gistar_info info;
	sc_err		err = {{0}};

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			sc_grid_cell_center(SC_GRID_SQUARE, 1.0, i, j, &cx[i * 3 + j], &cy[i * 3 + j]);
	x[4] = 9;
	CHECK(sc_gistar(9, cx, cy, x, 1.0, false, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK_NEAR(info.mean, 1.0, 1e-15);
	CHECK_NEAR(info.sd, 2 * sqrt(2.0), 1e-15);
	for (int c = 0; c < 9; c++)
	{
		int			i = c / 3,
					j = c % 3;
		bool		corner = (i != 1 && j != 1),
					centre = (i == 1 && j == 1);

		if (centre)
		{
			CHECK(out[c].nneigh == 5);
			CHECK_NEAR(out[c].z, 2 / sqrt(5.0), 1e-14);
		}
		else if (corner)
		{
			CHECK(out[c].nneigh == 3);
			CHECK_NEAR(out[c].z, -1 / sqrt(2.0), 1e-14);
		}
		else
		{
			CHECK(out[c].nneigh == 4);
			CHECK_NEAR(out[c].z, sqrt(5.0) / 2, 1e-14);
		}
		CHECK_NEAR(out[c].p, erfc(fabs(out[c].z) / sqrt(2.0)), 1e-15);
		CHECK(out[c].bin == 0);
	}
	/* the same cells far from the origin (UTM-like): same answers */
	for (int c = 0; c < 9; c++)
	{
		cx[c] += 512345.0;
		cy[c] += 4123456.0;
	}
	CHECK(sc_gistar(9, cx, cy, x, 1.0, false, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(out[4].nneigh == 5 && out[0].nneigh == 3 && out[1].nneigh == 4);
	CHECK_NEAR(out[4].z, 2 / sqrt(5.0), 1e-14);
}

/* Gi* from the formula, all pairs */
static void
brute_gistar(size_t n, const double *cx, const double *cy, const double *x, double D,
			 double *z, unsigned *cnt)
{
	double		lim = ref_limit(n, cx, cy, D),
				sx = 0,
				sxx = 0,
				mean,
				S;

	for (size_t i = 0; i < n; i++)
	{
		sx += x[i];
		sxx += x[i] * x[i];
	}
	mean = sx / n;
	S = sqrt(sxx / n - mean * mean);
	for (size_t i = 0; i < n; i++)
	{
		double		swx = 0,
					sw = 0,
					sw2 = 0;

		cnt[i] = 0;
		for (size_t j = 0; j < n; j++)
		{
			double		dx = cx[i] - cx[j],
						dy = cy[i] - cy[j],
						w = (dx * dx + dy * dy <= lim * lim) ? 1.0 : 0.0;

			swx += w * x[j];
			sw += w;
			sw2 += w * w;
			cnt[i] += (unsigned) w;
		}
		z[i] = (swx - mean * sw) / (S * sqrt((n * sw2 - sw * sw) / (n - 1.0)));
	}
}

/* Benjamini–Hochberg bins written out independently */
static void
brute_fdr(size_t n, const double *z, const double *p, int *bin)
{
	double	   *s = malloc(n * sizeof(double)),
				cut[3] = {-1, -1, -1},
				alpha[3] = {0.10, 0.05, 0.01};

	memcpy(s, p, n * sizeof(double));
	qsort(s, n, sizeof(double), dcmp);
	for (int a = 0; a < 3; a++)
		for (size_t k = 1; k <= n; k++)
			if (s[k - 1] <= alpha[a] * k / n)
				cut[a] = s[k - 1];	/* keeps the largest passing rank */
	for (size_t i = 0; i < n; i++)
	{
		int			lv = 0;

		for (int a = 0; a < 3; a++)
			if (cut[a] >= 0 && p[i] <= cut[a])
				lv = a + 1;
		bin[i] = z[i] > 0 ? lv : -lv;
	}
	free(s);
}

static void
compare_brute(size_t n, const double *cx, const double *cy, const double *x, double D)
{
	sc_gistar_cell *out = malloc(n * sizeof(sc_gistar_cell));
	double	   *z = malloc(n * sizeof(double)),
			   *p = malloc(n * sizeof(double));
	unsigned   *cnt = malloc(n * sizeof(unsigned));
	int		   *bin = malloc(n * sizeof(int));
	sc_err		err = {{0}};
	size_t		bad_z = 0,
				bad_n = 0,
				bad_bin = 0,
				bad_fdr = 0,
				sig = 0;

	brute_gistar(n, cx, cy, x, D, z, cnt);
	CHECK(sc_gistar(n, cx, cy, x, D, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (size_t i = 0; i < n; i++)
	{
		if (out[i].nneigh != cnt[i])
			bad_n++;
		if (!(fabs(out[i].z - z[i]) <= 1e-12 * fmax(1, fabs(z[i]))))
		{
			if (bad_z < 3)
				fprintf(stderr, "cell %zu: z %.17g vs %.17g\n", i, out[i].z, z[i]);
			bad_z++;
		}
		p[i] = erfc(fabs(z[i]) / sqrt(2.0));
		if (out[i].bin != sc_confidence_bin(out[i].z, out[i].p))
			bad_bin++;
		if (out[i].bin)
			sig++;
	}
	CHECK(bad_n == 0);
	CHECK(bad_z == 0);
	CHECK(bad_bin == 0);
	CHECK(sig > 0);

	/* with FDR */
	brute_fdr(n, z, p, bin);
	CHECK(sc_gistar(n, cx, cy, x, D, true, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (size_t i = 0; i < n; i++)
		if (out[i].bin != bin[i])
			bad_fdr++;
	CHECK(bad_fdr == 0);
	free(out);
	free(z);
	free(p);
	free(cnt);
	free(bin);
}

static void
test_brute(void)
{
	enum
	{
		N = 600
	};
	double	   *cx = malloc(N * sizeof(double)),
			   *cy = malloc(N * sizeof(double)),
			   *x = malloc(N * sizeof(double));

	/* scattered centres with a hot corner, zeros included */
	for (int i = 0; i < N; i++)
	{
		cx[i] = 100 * urand();
		cy[i] = 100 * urand();
		x[i] = urand() < 0.3 ? 0 : floor(10 * urand());
		if (cx[i] < 30 && cy[i] < 30)
			x[i] += 8;
	}
	compare_brute(N, cx, cy, x, 12.0);
	compare_brute(N, cx, cy, x, 3.5);
	compare_brute(N, cx, cy, x, 40.0);

	/*
	 * A 30×20 fishnet (cells of 250 m near UTM coordinates) and a
	 * hexagonal grid: many neighbours lie exactly on the band.
	 */
	for (int kind = 0; kind < 2; kind++)
	{
		int			c = 0;

		for (int i = 0; i < 30; i++)
			for (int j = 0; j < 20; j++, c++)
			{
				double		hx,
							hy;

				sc_grid_cell_center((sc_grid_kind) kind, 250.0, 2000 + i, 16000 + j, &hx, &hy);
				cx[c] = hx;
				cy[c] = hy;
				x[c] = (i > 10 && i < 16 && j > 5 && j < 12) ? 5 + floor(6 * urand()) : floor(3 * urand());
			}
		compare_brute(N, cx, cy, x, 500.0);
		compare_brute(N, cx, cy, x, kind ? 250.0 * sqrt(3.0) : 250.0 * sqrt(2.0));
		compare_brute(N, cx, cy, x, 1000.0);
	}
	free(cx);
	free(cy);
	free(x);
}

/*
 * FDR by hand, N = 10, p-values in rank order:
 *   rank  p       kα/N for α=.10  .05    .01
 *   1     .0005        .01        .005   .001   passes all three
 *   2     .009         .02        .010   .002
 *   3     .012         .03        .015   .003   last to pass .05
 *   4     .041         .04  (fails, but rank 6 passes: step-up keeps it)
 *   5     .049         .05
 *   6     .058         .06        last to pass .10
 *   7..10 .20 .30 .50 .90
 * Cut-offs: .10 -> .058 (rank 6), .05 -> .012 (rank 3), .01 -> .0005
 * (rank 1).  Bins: rank 1 ±3, ranks 2-3 ±2 (rank 2 would be ±3 unadjusted),
 * ranks 4-6 ±1, the rest 0.
 */
static void
test_fdr_hand(void)
{
	/* the same p-values shuffled, with z signs */
	double		p[10] = {0.30, 0.012, 0.90, 0.0005, 0.058, 0.20, 0.041, 0.50, 0.009, 0.049};
	double		z[10] = {1, -2.5, 0.1, 3.5, 1.9, -1.2, -2.0, 0.6, 2.6, 1.97};
	int8_t		expect[10] = {0, -2, 0, 3, 1, 0, -1, 0, 2, 1};
	int8_t		bin[10];
	double		cut[3];
	sc_err		err = {{0}};

	CHECK(sc_fdr_bins(10, z, p, bin, cut, &sc_malloc_allocator, &err) == SC_OK);
	for (int i = 0; i < 10; i++)
		CHECK(bin[i] == expect[i]);
	CHECK(cut[0] == 0.058);
	CHECK(cut[1] == 0.012);
	CHECK(cut[2] == 0.0005);

	/* nothing passes: all bins 0, cut-offs -1 */
	{
		double		pp[4] = {0.2, 0.3, 0.5, 0.9},
					zz[4] = {1, 1, -1, 1};
		int8_t		bb[4] = {9, 9, 9, 9};

		CHECK(sc_fdr_bins(4, zz, pp, bb, cut, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(bb[0] == 0 && bb[1] == 0 && bb[2] == 0 && bb[3] == 0);
		CHECK(cut[0] == -1 && cut[1] == -1 && cut[2] == -1);
	}
	/* NaN ranks last, counts in N, never significant */
	{
		double		pp[3] = {NAN, 0.001, 0.02},
					zz[3] = {NAN, -4, 2.4};
		int8_t		bb[3];

		/* N = 3: .001 <= .01/3 (rank 1); .02 <= 2·.05/3 = .0333 (rank 2) */
		CHECK(sc_fdr_bins(3, zz, pp, bb, cut, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(bb[0] == 0 && bb[1] == -3 && bb[2] == 2);
	}
	/* ties: equal p-values share a fate */
	{
		double		pp[4] = {0.02, 0.02, 0.02, 0.9},
					zz[4] = {1, 1, 1, 1};
		int8_t		bb[4];

		/* rank 3: .02 <= 3·.05/4 = .0375 -> all three at 95% */
		CHECK(sc_fdr_bins(4, zz, pp, bb, cut, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(bb[0] == 2 && bb[1] == 2 && bb[2] == 2 && bb[3] == 0);
	}
	CHECK(sc_fdr_bins(0, z, p, bin, cut, &sc_malloc_allocator, &err) == SC_EINVAL);
}

static void
test_invalid(void)
{
	double		cx[5] = {0, 1, 2, 3, 4},
				cy[5] = {0, 0, 0, 0, 0},
				x[5] = {1, 2, 3, 4, 5},
				same[5] = {7, 7, 7, 7, 7},
				bad[5] = {1, NAN, 3, 4, 5};
	sc_gistar_cell out[5];
	sc_gistar_info info;
	sc_err		err = {{0}};

	CHECK(sc_gistar(2, cx, cy, x, 1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EUNDEFINED);
	CHECK(sc_gistar(5, cx, cy, x, 0, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, cx, cy, x, -1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, cx, cy, x, NAN, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, cx, cy, x, INFINITY, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, bad, cy, x, 1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, cx, cy, bad, 1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_gistar(5, cx, cy, same, 1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EUNDEFINED);
	CHECK(strstr(err.msg, "same value") != NULL);
	/* a band too small for the coordinates' precision */
	{
		double		bx[5] = {1e12, 1e12 + 1, 1e12 + 2, 1e12 + 3, 1e12 + 4};

		CHECK(sc_gistar(5, bx, cy, x, 1e-6, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	}
	/* every cell sees every other: 0/0, reported as NaN and bin 0 */
	CHECK(sc_gistar(5, cx, cy, x, 100, true, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (int i = 0; i < 5; i++)
		CHECK(isnan(out[i].z) && isnan(out[i].p) && out[i].bin == 0 && out[i].nneigh == 5);
	CHECK(info.undefined == 5);
	/* partly: the two middle cells see all at D = 2 */
	CHECK(sc_gistar(5, cx, cy, x, 2, false, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(info.undefined == 1 && isnan(out[2].z) && !isnan(out[0].z));
	/* coincident centres are neighbours (distance 0 <= D) */
	{
		double		qx[4] = {0, 0, 5, 9},
					qy[4] = {0, 0, 0, 0},
					qv[4] = {1, 2, 3, 4};

		CHECK(sc_gistar(4, qx, qy, qv, 1, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(out[0].nneigh == 2 && out[1].nneigh == 2 && out[2].nneigh == 1);
	}
}

/*
 * Moran's I by hand: 4 points on a line 1 apart, values 1..4, band 1,
 * binary weights (a chain).  z = −1.5 −.5 .5 1.5, Σz² = 5,
 * ΣΣw z z = 2(.75 − .25 + .75) = 2.5, S0 = 6: I = (4/6)(2.5/5) = 1/3,
 * E = −1/3.  S1 = ½·6·2² = 12, S2 = 2² + 4² + 4² + 2² = 40.
 * Normality: E[I²] = (16·12 − 4·40 + 3·36)/(36·15) = 140/540, V = 4/27,
 * z = (2/3)/sqrt(4/27) = √3.  Randomization: b2 = 4·10.25/25 = 1.64,
 * E[I²] = (4·32 − 1.64·40)/216 = 62.4/216, V = 8/45, z = √2.5.
 */
static void
test_moran_hand(void)
{
	double		cx[4] = {0, 1, 2, 3},
				cy[4] = {0, 0, 0, 0},
				x[4] = {1, 2, 3, 4};
	sc_moran_result r;
	sc_err		err = {{0}};

	CHECK(sc_moran_global(4, cx, cy, x, 1.0, false, &r, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(r.n == 4 && r.isolated == 0);
	CHECK_NEAR(r.I, 1.0 / 3, 1e-15);
	CHECK_NEAR(r.expected, -1.0 / 3, 1e-15);
	CHECK_NEAR(r.s0, 6, 0);
	CHECK_NEAR(r.s1, 12, 0);
	CHECK_NEAR(r.s2, 40, 0);
	CHECK_NEAR(r.var_norm, 4.0 / 27, 1e-15);
	CHECK_NEAR(r.var_rand, 8.0 / 45, 1e-15);
	CHECK_NEAR(r.z_norm, sqrt(3.0), 1e-14);
	CHECK_NEAR(r.z_rand, sqrt(2.5), 1e-14);
	CHECK_NEAR(r.p_rand, erfc(sqrt(2.5) / sqrt(2.0)), 1e-15);
	CHECK_NEAR(r.mean_neighbors, 1.5, 1e-15);
}

static void
test_moran_brute(void)
{
	enum
	{
		N = 300
	};
	double		cx[N],
				cy[N],
				x[N],
				d[4] = {3.0, 6.0, 6.0, 15.0};
	sc_moran_result got[4],
				ref;
	sc_err		err = {{0}};

	for (int i = 0; i < N; i++)
	{
		cx[i] = 100 * urand();
		cy[i] = 60 * urand();
		x[i] = floor(cx[i] / 20) + 3 * urand();
	}
	/* a few far-away features: isolated at the small bands */
	cx[0] = 500;
	cx[1] = -300;
	for (int row = 0; row < 2; row++)
	{
		CHECK(sc_moran_incremental(N, cx, cy, x, 4, d, row, got, NULL, &sc_malloc_allocator, &err) == SC_OK);
		for (int k = 0; k < 4; k++)
		{
			brute_moran(N, cx, cy, x, d[k], row, &ref);
			CHECK(got[k].n == ref.n);
			CHECK(got[k].isolated == N - ref.n);
			CHECK(got[k].distance == d[k]);
			CHECK_NEAR(got[k].I, ref.I, 1e-12);
			CHECK_NEAR(got[k].expected, ref.expected, 1e-14);
			CHECK_NEAR(got[k].s0 / ref.s0, 1, 1e-12);
			CHECK_NEAR(got[k].s1 / ref.s1, 1, 1e-12);
			CHECK_NEAR(got[k].s2 / ref.s2, 1, 1e-12);
			CHECK_NEAR(got[k].var_norm / ref.var_norm, 1, 1e-10);
			CHECK_NEAR(got[k].var_rand / ref.var_rand, 1, 1e-10);
			CHECK_NEAR(got[k].z_norm, ref.z_norm, 1e-10);
			CHECK_NEAR(got[k].z_rand, ref.z_rand, 1e-10);
		}
		CHECK(got[0].isolated >= 2);
		CHECK(got[0].z_rand > 3);	/* values follow x: clustered */
		/* one band alone = the same band among several */
		CHECK(sc_moran_global(N, cx, cy, x, d[1], row, &ref, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK_NEAR(ref.I, got[1].I, 1e-13);
		CHECK_NEAR(ref.z_rand, got[1].z_rand, 1e-12);
	}

	/* invalid input */
	{
		double		dd[2] = {5, 3},
					same[N];

		for (int i = 0; i < N; i++)
			same[i] = 2.5;
		CHECK(sc_moran_incremental(3, cx, cy, x, 1, d, false, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_moran_incremental(N, cx, cy, x, 2, dd, false, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_moran_incremental(N, cx, cy, x, 0, d, false, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		dd[0] = 0;
		CHECK(sc_moran_incremental(N, cx, cy, x, 1, dd, false, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		CHECK(sc_moran_global(N, cx, cy, same, 5, false, got, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
		/* a band where nobody has a neighbour: NaN, n = 0 */
		CHECK(sc_moran_global(N, cx, cy, x, 1e-4, true, got, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(got[0].n == 0 && isnan(got[0].I) && isnan(got[0].z_rand));
	}
}

static void
test_enomem_and_interrupt(void)
{
	enum
	{
		N = 200
	};
	double		cx[N],
				cy[N],
				x[N],
				d[3] = {5, 10, 20};
	sc_gistar_cell out[N];
	sc_moran_result mr[3];
	fail_ctx	ctx;
	sc_alloc	fa = fail_alloc(&ctx, -1);
	int			failures = 0;

	for (int i = 0; i < N; i++)
	{
		cx[i] = 50 * urand();
		cy[i] = 50 * urand();
		x[i] = urand();
	}
	{
		sc_err		err = {{0}};
		int8_t		bins[N];
		double		p[N];

		ENOMEM_SWEEP(ctx, 100, failures, sc_gistar(N, cx, cy, x, 8, true, out, NULL, NULL, &fa, &err));
		CHECK(failures >= 5);
		ENOMEM_SWEEP(ctx, 100, failures, sc_moran_incremental(N, cx, cy, x, 3, d, true, mr, NULL, &fa, &err));
		CHECK(failures >= 5);
		/* p is only read: the same p serves every run */
		for (int i = 0; i < N; i++)
			p[i] = x[i];
		ENOMEM_SWEEP(ctx, 100, failures, sc_fdr_bins(N, x, p, bins, NULL, &fa, &err));
		CHECK(failures == 1);
	}

	/* the hook runs on big inputs */
	{
		sc_err		err = {{0}};

		interrupts = 0;
		CHECK(sc_gistar(N, cx, cy, x, 30, false, out, NULL, count_interrupt, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(interrupts > 0);
		interrupts = 0;
		CHECK(sc_moran_incremental(N, cx, cy, x, 3, d, true, mr, count_interrupt, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(interrupts > 0);
	}
}

/* 100,000 cells: must be quick (no N² search) and match brute force on a sample */
static void
test_large(void)
{
	enum
	{
		N = 100000
	};
	double	   *cx = malloc(N * sizeof(double)),
			   *cy = malloc(N * sizeof(double)),
			   *x = malloc(N * sizeof(double));
	sc_gistar_cell *out = malloc(N * sizeof(sc_gistar_cell));
	sc_gistar_info info;
	sc_err		err = {{0}};
	double		lim,
				S,
				sx = 0,
				sxx = 0;
	int			c = 0,
				bad = 0;

	for (int i = 0; i < 400; i++)
		for (int j = 0; j < 250; j++, c++)
		{
			sc_grid_cell_center(SC_GRID_SQUARE, 100, i, j, &cx[c], &cy[c]);
			x[c] = floor(4 * urand()) + ((i - 200) * (i - 200) + (j - 125) * (j - 125) < 400 ? 3 : 0);
			sx += x[c];
			sxx += x[c] * x[c];
		}
	CHECK(sc_gistar(N, cx, cy, x, 300, true, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	lim = ref_limit(N, cx, cy, 300);
	S = sqrt(sxx / N - (sx / N) * (sx / N));
	for (int s = 0; s < 200; s++)
	{
		int			i = (int) (urand() * N);
		double		swx = 0,
					w = 0,
					z;

		for (int j = 0; j < N; j++)
		{
			double		dx = cx[i] - cx[j],
						dy = cy[i] - cy[j];

			if (dx * dx + dy * dy <= lim * lim)
			{
				swx += x[j];
				w++;
			}
		}
		z = (swx - sx / N * w) / (S * sqrt((N * w - w * w) / (N - 1.0)));
		if (!(fabs(z - out[i].z) <= 1e-11 * fmax(1, fabs(z))) || out[i].nneigh != (unsigned) w)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(out[200 * 250 + 125].bin == 3);
	CHECK(info.fdr_p[2] > 0);
	free(cx);
	free(cy);
	free(x);
	free(out);
}

/* z is scale-free: values near 1e200 or 1e-200 give the z of small counts */
static void
test_extreme_values(void)
{
	double		cx[25],
				cy[25],
				x[25],
				big[25],
				tiny[25],
				pow2[25];
	sc_gistar_cell ref[25],
				out[25];
	sc_gistar_info info;
	sc_err		err = {{0}};
	int			wrong = 0,
				exact = 0;

	for (int c = 0; c < 25; c++)
	{
		sc_grid_cell_center(SC_GRID_SQUARE, 1.0, c / 5, c % 5, &cx[c], &cy[c]);
		x[c] = (c * 7) % 11;
		big[c] = x[c] * 1e200;
		tiny[c] = x[c] * 1e-200;
		pow2[c] = ldexp(x[c], 900);
	}
	CHECK(sc_gistar(25, cx, cy, x, 1.5, false, ref, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	CHECK(sc_gistar(25, cx, cy, big, 1.5, false, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (int c = 0; c < 25; c++)
		wrong += !(fabs(out[c].z - ref[c].z) <= 1e-13) || out[c].bin != ref[c].bin;
	CHECK(wrong == 0);
	CHECK(fabs(out[12].z) > 0.1 && out[12].p < 0.95);	/* not z = 0, p = 1 */
	CHECK_NEAR(info.mean / 1e200, 4.8, 1e-14);		/* reported in the values' units */
	CHECK(sc_gistar(25, cx, cy, tiny, 1.5, false, out, &info, NULL, &sc_malloc_allocator, &err) == SC_OK);
	wrong = 0;
	for (int c = 0; c < 25; c++)
		wrong += !(fabs(out[c].z - ref[c].z) <= 1e-13) || !isfinite(out[c].z);
	CHECK(wrong == 0);
	/* a power-of-two scale gives bit-identical z */
	CHECK(sc_gistar(25, cx, cy, pow2, 1.5, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	for (int c = 0; c < 25; c++)
		exact += out[c].z == ref[c].z && out[c].p == ref[c].p;
	CHECK(exact == 25);
	/* the largest finite values */
	big[0] = DBL_MAX;
	big[1] = -DBL_MAX;
	CHECK(sc_gistar(25, cx, cy, big, 1.5, false, out, NULL, NULL, &sc_malloc_allocator, &err) == SC_OK);
	wrong = 0;
	for (int c = 0; c < 25; c++)
		wrong += !isfinite(out[c].z);
	CHECK(wrong == 0);
}

int
main(void)
{
	test_p_and_bins();
	test_hand_3x3();
	test_brute();
	test_fdr_hand();
	test_invalid();
	test_moran_hand();
	test_moran_brute();
	test_enomem_and_interrupt();
	test_large();
	test_extreme_values();
	TEST_DONE("gistar");
}
