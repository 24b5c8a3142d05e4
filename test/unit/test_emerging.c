/*
 * test_emerging.c — space-time Gi* against the formula summed bin by bin,
 * the cube's step lookup, and each emerging hot spot category on planted
 * series.
 */
#include "sc_emerging.h"
#include "sc_gistar.h"
#include "sc_test.h"

#include <stdlib.h>
#include <string.h>

static double
frand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (double) ((*s >> 8) & 0xFFFF) / 65536.0;
}

/* z of bin (c, t) from the definition: every pair of bins compared */
static double
brute_z(size_t n, const double *cx, const double *cy, size_t T, const double *x, double band,
		size_t k, size_t c, size_t t, size_t *m_out)
{
	double		N = (double) (n * T),
				mean = 0,
				ss = 0,
				sum = 0,
				m = 0;

	for (size_t q = 0; q < n * T; q++)
		mean += x[q];
	mean /= N;
	for (size_t q = 0; q < n * T; q++)
		ss += (x[q] - mean) * (x[q] - mean);
	for (size_t j = 0; j < n; j++)
	{
		double		dx = cx[c] - cx[j],
					dy = cy[c] - cy[j];

		if (sqrt(dx * dx + dy * dy) > band * (1 + 1e-12))
			continue;
		for (size_t s = 0; s < T; s++)
			if (s <= t && s + k >= t)
			{
				sum += x[j * T + s];
				m += 1;
			}
	}
	*m_out = (size_t) m;
	return (sum - mean * m) / (sqrt(ss / N) * sqrt((N * m - m * m) / (N - 1)));
}

static void
test_st_gistar(void)
{
	enum {n = 48, T = 13};
	double		cx[n], cy[n], x[n * T], z[n * T], p[n * T];
	int8_t		bin[n * T], bin2[n * T];
	uint32_t	nspace[n];
	unsigned	seed = 7;
	sc_err		err;

	for (size_t c = 0; c < n; c++)
	{
		/* an 8 x 6 lattice of 100 m cells */
		cx[c] = 50 + 100 * (double) (c % 8);
		cy[c] = 50 + 100 * (double) (c / 8);
		for (size_t t = 0; t < T; t++)
			x[c * T + t] = floor(frand(&seed) * (c < 10 ? 6 + (double) t : 3));
	}
	for (size_t k = 0; k <= 3; k++)
	{
		double		worst = 0;
		size_t		badm = 0;

		CHECK(sc_st_gistar(n, cx, cy, T, x, 150, k, false, z, p, bin, nspace, NULL,
						   &sc_malloc_allocator, &err) == SC_OK);
		for (size_t c = 0; c < n; c++)
			for (size_t t = 0; t < T; t++)
			{
				size_t		m;
				double		want = brute_z(n, cx, cy, T, x, 150, k, c, t, &m);

				worst = fmax(worst, fabs(z[c * T + t] - want));
				badm += m != nspace[c] * ((t < k ? t : k) + 1);
				CHECK(bin[c * T + t] == sc_confidence_bin(z[c * T + t], p[c * T + t]));
			}
		CHECK(worst < 1e-12);
		CHECK(badm == 0);
		if (worst >= 1e-12)
			fprintf(stderr, "  space-time Gi* k=%zu: %g from the formula\n", k, worst);
		/* FDR over every bin of the cube */
		CHECK(sc_fdr_bins(n * T, z, p, bin2, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(sc_st_gistar(n, cx, cy, T, x, 150, k, true, z, p, bin, nspace, NULL,
						   &sc_malloc_allocator, &err) == SC_OK);
		CHECK(memcmp(bin, bin2, sizeof(bin)) == 0);
	}
	/* corner cell (0, 0) at 150 m: itself, east, north and north-east */
	CHECK(nspace[0] == 4 && nspace[9] == 9);
	/* errors */
	CHECK(sc_st_gistar(n, cx, cy, T, x, 0, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_st_gistar(n, cx, cy, 0, x, 150, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	CHECK(sc_st_gistar(1, cx, cy, 2, x, 150, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_EUNDEFINED);
	for (size_t q = 0; q < n * T; q++)
		x[q] = 2;
	CHECK(sc_st_gistar(n, cx, cy, T, x, 150, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_EUNDEFINED);
	x[5] = NAN;
	CHECK(sc_st_gistar(n, cx, cy, T, x, 150, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_EINVAL);
	/* a neighbourhood of every bin: undefined, bin 0 */
	{
		double		x2[3 * 2] = {1, 2, 3, 4, 5, 7};
		double		c2[3] = {0, 1, 2};

		CHECK(sc_st_gistar(3, c2, c2, 2, x2, 10, 1, false, z, p, bin, nspace, NULL, &sc_malloc_allocator, &err) == SC_OK);
		CHECK(!isnan(z[0]) && isnan(z[1]) && bin[1] == 0);
	}
}

static void
test_cube_step(void)
{
	int64_t		b[] = {10, 20, 35, 40};

	CHECK(sc_cube_step(b, 3, 9) == -1);
	CHECK(sc_cube_step(b, 3, 10) == 0);
	CHECK(sc_cube_step(b, 3, 19) == 0);
	CHECK(sc_cube_step(b, 3, 20) == 1);
	CHECK(sc_cube_step(b, 3, 34) == 1);
	CHECK(sc_cube_step(b, 3, 35) == 2);
	CHECK(sc_cube_step(b, 3, 39) == 2);
	CHECK(sc_cube_step(b, 3, 40) == -1);
	CHECK(sc_cube_step(b, 0, 10) == -1);
}

/* one planted series: bins as a string of '+', '-', '.' (hot, cold, neither) */
static sc_ehs_category
planted(const char *s, double trend_z, double trend_p)
{
	int8_t		bin[64];
	size_t		T = strlen(s);

	for (size_t t = 0; t < T; t++)
		bin[t] = s[t] == '+' ? 2 : s[t] == '-' ? -1 : 0;
	return sc_ehs_classify(bin, T, trend_z, trend_p, 0.10, NULL, NULL);
}

static void
test_classify(void)
{
	uint32_t	hot,
				cold;
	int8_t		b[12] = {3, 3, 0, -2, 1, 1, 0, 0, 0, 0, 2, 2};

	CHECK(planted("...........+", 0, 1) == SC_EHS_NEW_HOT);
	CHECK(planted("........++++", 3, 0.001) == SC_EHS_CONSECUTIVE_HOT);
	CHECK(planted("+++++++++++++", 3, 0.001) == SC_EHS_INTENSIFYING_HOT);
	CHECK(planted("+++++++++++++", 0.5, 0.6) == SC_EHS_PERSISTENT_HOT);
	CHECK(planted("+++++++++++++", -3, 0.001) == SC_EHS_DIMINISHING_HOT);
	/* 9 of 10 is 90 %: intensifying even with one quiet step */
	CHECK(planted("+++.++++++", 2, 0.01) == SC_EHS_INTENSIFYING_HOT);
	/* 8 of 10 is not */
	CHECK(planted("+++..+++++", 2, 0.01) == SC_EHS_SPORADIC_HOT);
	CHECK(planted("..+..+...+.+", 0, 1) == SC_EHS_SPORADIC_HOT);
	CHECK(planted("--.......+++", 2, 0.01) == SC_EHS_OSCILLATING_HOT);
	CHECK(planted("..-......+..", 0, 1) == SC_EHS_NONE);
	CHECK(planted("...........-.+", 0, 1) == SC_EHS_OSCILLATING_HOT);
	CHECK(planted("++++++++++.", -2, 0.01) == SC_EHS_HISTORICAL_HOT);
	CHECK(planted("+++++++++.", 0, 1) == SC_EHS_HISTORICAL_HOT);
	CHECK(planted("++++++++.", 0, 1) == SC_EHS_NONE);
	CHECK(planted("+++++++...", 0, 1) == SC_EHS_NONE);
	/* a run that began before: sporadic, not consecutive */
	CHECK(planted("+.......+++", 0, 1) == SC_EHS_SPORADIC_HOT);
	CHECK(planted("...........-", 0, 1) == SC_EHS_NEW_COLD);
	CHECK(planted(".........---", 0, 1) == SC_EHS_CONSECUTIVE_COLD);
	CHECK(planted("-------------", -3, 0.001) == SC_EHS_INTENSIFYING_COLD);
	CHECK(planted("-------------", 0.1, 0.9) == SC_EHS_PERSISTENT_COLD);
	CHECK(planted("-------------", 3, 0.001) == SC_EHS_DIMINISHING_COLD);
	CHECK(planted("-..-...-..-", 0, 1) == SC_EHS_SPORADIC_COLD);
	CHECK(planted("++........--", 0, 1) == SC_EHS_OSCILLATING_COLD);
	CHECK(planted("----------+", 0, 1) == SC_EHS_OSCILLATING_HOT);
	CHECK(planted("----------.", 0, 1) == SC_EHS_HISTORICAL_COLD);
	CHECK(planted("............", 0, 1) == SC_EHS_NONE);
	/* the trend counts only below alpha */
	CHECK(planted("+++++++++++++", 3, 0.10) == SC_EHS_PERSISTENT_HOT);
	CHECK(sc_ehs_classify(b, 12, 0, 1, 0.10, &hot, &cold) == SC_EHS_OSCILLATING_HOT);
	CHECK(hot == 6 && cold == 1);
	CHECK(strcmp(sc_ehs_category_name(SC_EHS_NONE), "no pattern") == 0);
	CHECK(strcmp(sc_ehs_category_name(SC_EHS_HISTORICAL_COLD), "historical cold spot") == 0);
	CHECK(strcmp(sc_ehs_category_name(SC_EHS_CONSECUTIVE_HOT), "consecutive hot spot") == 0);
}

static void
test_trend(void)
{
	double		z[12],
				tz,
				tp;
	sc_err		err;

	for (int t = 0; t < 12; t++)
		z[t] = 0.5 * t;
	z[4] = NAN;					/* counts as 0: S = 66 - 2·4 + ... still rising */
	CHECK(sc_ehs_trend(z, 12, &sc_malloc_allocator, &tz, &tp, &err) == SC_OK);
	CHECK(tz > 3 && tp < 0.01);
	for (int t = 0; t < 12; t++)
		z[t] = 1;
	CHECK(sc_ehs_trend(z, 12, &sc_malloc_allocator, &tz, &tp, &err) == SC_OK);
	CHECK(tz == 0 && tp == 1);
}

int
main(void)
{
	test_st_gistar();
	test_cube_step();
	test_classify();
	test_trend();
	TEST_DONE("emerging");
}
