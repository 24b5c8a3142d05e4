/* sc_rng.c — xoshiro256** seeded by splitmix64; Lemire bounded integers. */
#include "sc_rng.h"

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64 (Steele, Lea & Flood 2014; constants from Vigna's reference) */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
sc_rng_seed(sc_rng *rng, uint64_t seed)
{
	/* splitmix64 is a bijection of its counter, so the state is never all zero */
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&seed);
}

uint64_t
sc_rng_next(sc_rng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* full 128-bit product a·b: returns the high word, stores the low word */
static inline uint64_t
mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__) && !defined(SC_RNG_NO_INT128)
	__extension__ typedef unsigned __int128 u128;
	u128		p = (u128) a * b;

	*lo = (uint64_t) p;
	return (uint64_t) (p >> 64);
#else
	/* schoolbook on 32-bit halves; same result, for compilers without int128 */
	uint64_t	a0 = a & 0xffffffffu,
				a1 = a >> 32;
	uint64_t	b0 = b & 0xffffffffu,
				b1 = b >> 32;
	uint64_t	p00 = a0 * b0,
				p01 = a0 * b1,
				p10 = a1 * b0,
				p11 = a1 * b1;
	uint64_t	mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	*lo = (mid << 32) | (p00 & 0xffffffffu);
	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/*
 * Lemire, "Fast random integer generation in an interval", ACM TOMACS 29(1),
 * 2019: take the high word of x·n and reject the few low words below
 * 2^64 mod n, which are the ones that would make some results likelier.
 */
uint64_t
sc_rng_below(sc_rng *rng, uint64_t n)
{
	uint64_t	lo;
	uint64_t	hi;

	if (n == 0)
		return 0;
	hi = mul128(sc_rng_next(rng), n, &lo);
	if (lo < n)
	{
		uint64_t	threshold = (0 - n) % n;	/* 2^64 mod n */

		while (lo < threshold)
			hi = mul128(sc_rng_next(rng), n, &lo);
	}
	return hi;
}

double
sc_rng_uniform(sc_rng *rng)
{
	/* 53 bits fill a double's mantissa exactly, so the result is < 1 */
	return (double) (sc_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Durstenfeld's Fisher–Yates: a[i] swaps with a uniform a[0..i] */
void
sc_rng_shuffle_u32(sc_rng *rng, uint32_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--)
	{
		size_t		j = (size_t) sc_rng_below(rng, i);
		uint32_t	tmp = a[i - 1];

		a[i - 1] = a[j];
		a[j] = tmp;
	}
}

void
sc_rng_shuffle_size(sc_rng *rng, size_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--)
	{
		size_t		j = (size_t) sc_rng_below(rng, i);
		size_t		tmp = a[i - 1];

		a[i - 1] = a[j];
		a[j] = tmp;
	}
}
