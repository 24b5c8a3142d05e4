/*
 * test_rng.c — sc_rng: reference vectors, reproducibility, Lemire bounded
 * integers without bias, uniform doubles, Fisher–Yates shuffles.
 * Also run with -DSC_RNG_NO_INT128 to check the portable 128-bit product.
 */
#include "sc_rng.h"
#include "sc_test.h"

#include <string.h>

/* xoshiro256** from state {1, 2, 3, 4}: the reference implementation's output */
static void
test_reference_vector(void)
{
	static const uint64_t want[] = {
		UINT64_C(11520), UINT64_C(0), UINT64_C(1509978240),
		UINT64_C(1215971899390074240), UINT64_C(1216172134540287360),
		UINT64_C(607988272756665600), UINT64_C(16172922978634559625),
		UINT64_C(8476171486693032832), UINT64_C(10595114339597558777),
		UINT64_C(2904607092377533576)
	};
	sc_rng		r = {{1, 2, 3, 4}};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(sc_rng_next(&r) == want[i]);
}

/* the state is splitmix64's first four outputs (seed 0: published values) */
static void
test_seeding(void)
{
	sc_rng		r;

	sc_rng_seed(&r, 0);
	CHECK(r.s[0] == UINT64_C(0xe220a8397b1dcdaf));
	CHECK(r.s[1] == UINT64_C(0x6e789e6aa1b965f4));
	CHECK(r.s[2] == UINT64_C(0x06c45d188009454f));
	CHECK(r.s[3] == UINT64_C(0xf88bb8a8724c81ec));
	/* seed 42 as seeded the same way by independent implementations */
	sc_rng_seed(&r, 42);
	CHECK(sc_rng_next(&r) == UINT64_C(1546998764402558742));
	CHECK(sc_rng_next(&r) == UINT64_C(6990951692964543102));
	CHECK(sc_rng_next(&r) == UINT64_C(12544586762248559009));
}

static void
test_reproducible(void)
{
	sc_rng		a,
				b,
				c;
	int			same_ab = 1,
				same_ac = 1;

	sc_rng_seed(&a, 123456789);
	sc_rng_seed(&b, 123456789);
	sc_rng_seed(&c, 123456790);
	for (int i = 0; i < 1000; i++)
	{
		uint64_t	va = sc_rng_next(&a);

		same_ab &= va == sc_rng_next(&b);
		same_ac &= va == sc_rng_next(&c);
	}
	CHECK(same_ab);
	CHECK(!same_ac);
}

/* golden values: must be identical on every platform and with either mul path */
static void
test_below_golden(void)
{
	static const uint64_t big[] = {
		UINT64_C(664589519293982720), UINT64_C(1473118889992868405),
		UINT64_C(2258546705306200698), UINT64_C(6644008486317064688),
		UINT64_C(8134989128028724035), UINT64_C(3378749892732358586)
	};
	static const uint64_t small[] = {55793, 782106, 72055, 159716, 773652, 244872};
	static const uint32_t shuffled[] = {1, 8, 3, 0, 4, 5, 9, 6, 2, 7};
	uint32_t	a[10];
	sc_rng		r;

	sc_rng_seed(&r, 2024);
	for (int i = 0; i < 6; i++)
		CHECK(sc_rng_below(&r, UINT64_C(0x8000000000000001)) == big[i]);
	sc_rng_seed(&r, 2024);
	for (int i = 0; i < 6; i++)
		CHECK(sc_rng_below(&r, 1000003) == small[i]);
	for (uint32_t i = 0; i < 10; i++)
		a[i] = i;
	sc_rng_seed(&r, 7);
	sc_rng_shuffle_u32(&r, a, 10);
	CHECK(memcmp(a, shuffled, sizeof(a)) == 0);
}

/* chi-square of draws in [0, k) against uniform; returns the statistic */
static double
chi_square_below(sc_rng *r, uint64_t k, int draws)
{
	long		counts[16] = {0};
	double		expect = (double) draws / (double) k;
	double		chi = 0;
	int			in_range = 1;

	for (int i = 0; i < draws; i++)
	{
		uint64_t	v = sc_rng_below(r, k);

		in_range &= v < k;
		if (v < k)
			counts[v]++;
	}
	CHECK(in_range);
	for (uint64_t v = 0; v < k; v++)
		chi += (counts[v] - expect) * (counts[v] - expect) / expect;
	return chi;
}

static void
test_below_unbiased(void)
{
	sc_rng		r;
	uint64_t	n;
	long		low = 0;
	const int	draws = 200000;
	int			in_range = 1;

	sc_rng_seed(&r, 99);
	CHECK(sc_rng_below(&r, 0) == 0);
	CHECK(sc_rng_below(&r, 1) == 0);
	/* 99.9% critical values: df 5 → 20.5, df 9 → 27.9, df 15 → 37.7 */
	CHECK(chi_square_below(&r, 6, 120000) < 20.5);
	CHECK(chi_square_below(&r, 10, 200000) < 27.9);
	CHECK(chi_square_below(&r, 16, 160000) < 37.7);

	/*
	 * n = 3·2^62: plain x mod n would land in [0, 2^62) twice as often, so
	 * P(v < n/2) would be 0.625 instead of 0.5.
	 */
	n = UINT64_C(3) << 62;
	for (int i = 0; i < draws; i++)
		low += sc_rng_below(&r, n) < n / 2;
	CHECK_NEAR((double) low / draws, 0.5, 0.01);

	/* n = 2^63 + 1 rejects about half the draws: results stay in range, fair */
	n = (UINT64_C(1) << 63) + 1;
	low = 0;
	for (int i = 0; i < draws; i++)
	{
		uint64_t	v = sc_rng_below(&r, n);

		in_range &= v < n;
		low += v < n / 2;
	}
	CHECK(in_range);
	CHECK_NEAR((double) low / draws, 0.5, 0.01);
}

static void
test_uniform(void)
{
	sc_rng		r;
	double		sum = 0,
				lo = 1,
				hi = 0;
	long		bins[10] = {0};
	double		chi = 0;
	const int	draws = 200000;

	sc_rng_seed(&r, 5);
	for (int i = 0; i < draws; i++)
	{
		double		u = sc_rng_uniform(&r);

		sum += u;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
		bins[(int) (u * 10)]++;
	}
	CHECK(lo >= 0.0);
	CHECK(hi < 1.0);
	CHECK_NEAR(sum / draws, 0.5, 0.005);
	for (int b = 0; b < 10; b++)
		chi += (bins[b] - draws / 10.0) * (bins[b] - draws / 10.0) / (draws / 10.0);
	CHECK(chi < 27.9);
	/* the largest value: 53 one bits scaled by 2^-53 is still below 1 */
	CHECK((double) (UINT64_MAX >> 11) * 0x1.0p-53 < 1.0);
}

/* every permutation of 4 items should be about equally likely */
static void
test_shuffle(void)
{
	sc_rng		r;
	long		counts[256] = {0};
	const int	rounds = 240000;
	double		chi = 0;
	int			seen = 0;
	size_t		s[100];
	int			valid = 1;

	sc_rng_seed(&r, 11);
	for (int k = 0; k < rounds; k++)
	{
		uint32_t	a[4] = {0, 1, 2, 3};

		sc_rng_shuffle_u32(&r, a, 4);
		counts[a[0] * 64 + a[1] * 16 + a[2] * 4 + a[3]]++;
	}
	for (int c = 0; c < 256; c++)
		if (counts[c])
		{
			seen++;
			chi += (counts[c] - rounds / 24.0) * (counts[c] - rounds / 24.0) / (rounds / 24.0);
		}
	CHECK(seen == 24);
	CHECK(chi < 49.7);			/* df 23, 99.9% */

	/* size_t variant: a permutation of 0..99, not the identity */
	for (size_t i = 0; i < 100; i++)
		s[i] = i;
	sc_rng_shuffle_size(&r, s, 100);
	{
		int			mark[100] = {0};
		int			moved = 0;

		for (size_t i = 0; i < 100; i++)
		{
			valid &= s[i] < 100 && !mark[s[i]];
			if (s[i] < 100)
				mark[s[i]] = 1;
			moved += s[i] != i;
		}
		CHECK(valid);
		CHECK(moved > 50);
	}
	/* n = 0 and n = 1 are no-ops */
	sc_rng_shuffle_size(&r, s, 0);
	sc_rng_shuffle_u32(&r, (uint32_t[]) {7}, 1);
}

int
main(void)
{
	test_reference_vector();
	test_seeding();
	test_reproducible();
	test_below_golden();
	test_below_unbiased();
	test_uniform();
	test_shuffle();
	TEST_DONE("rng");
}
