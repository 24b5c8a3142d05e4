/*
 * sc_numtext.c — exact number text without printf in the common cases.
 *
 * Why the short-decimal path is exact: if a decimal S of at most 15
 * significant digits reads back to v, then |S - v| <= half an ulp of v,
 * while two 15-digit decimals near v lie at least 10^(X-14) > 4 ulp apart
 * (X the decimal exponent); so S is the decimal nearest v with 15 digits,
 * which is what "%.15g" prints.  Why the decimal rounding of 17 digits is
 * exact: the 17 digits D are v rounded correctly (by 128-bit integer
 * arithmetic where it fits, else by printf "%.16e"); a 15- or 16-digit
 * rounding of D differs from that of v only when the dropped digits of D
 * are exactly a half (50 or 5), and those go to the reference rule.
 */
#include "sc_numtext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

#define TWO53 9007199254740992.0

size_t
sc_dtoa_reference(double v, char *out)
{
	for (int prec = 15; prec <= 17; prec++)
	{
		snprintf(out, SC_DTOA_MAX, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	return strlen(out);
}

size_t
sc_i64toa(int64_t v, char *out)
{
	char		tmp[24];
	int			n = 0;
	size_t		len = 0;
	/* via unsigned, so INT64_MIN negates without overflow */
	uint64_t	u = v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v;

	do
	{
		tmp[n++] = (char) ('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}

/*
 * printf's %g layout of the significant digits d[0..nd) (no trailing
 * zeros) with decimal exponent X at precision P.
 */
static size_t
layout_g(bool neg, const char *d, int nd, int X, int P, char *out)
{
	char	   *o = out;

	if (neg)
		*o++ = '-';
	if (X < -4 || X >= P)
	{
		int			ax = X < 0 ? -X : X;

		*o++ = d[0];
		if (nd > 1)
		{
			*o++ = '.';
			memcpy(o, d + 1, (size_t) nd - 1);
			o += nd - 1;
		}
		*o++ = 'e';
		*o++ = X < 0 ? '-' : '+';
		if (ax >= 100)
			*o++ = (char) ('0' + ax / 100);
		*o++ = (char) ('0' + ax / 10 % 10);
		*o++ = (char) ('0' + ax % 10);
	}
	else if (X >= 0)
	{
		for (int k = 0; k <= X; k++)
			*o++ = k < nd ? d[k] : '0';
		if (nd > X + 1)
		{
			*o++ = '.';
			memcpy(o, d + X + 1, (size_t) (nd - X - 1));
			o += nd - X - 1;
		}
	}
	else
	{
		*o++ = '0';
		*o++ = '.';
		for (int k = 0; k < -X - 1; k++)
			*o++ = '0';
		memcpy(o, d, (size_t) nd);
		o += nd;
	}
	*o = '\0';
	return (size_t) (o - out);
}

/* a = m / 10^k exactly as strtod reads it, m of at most 15 digits */
static bool
short_decimal(double a, char *d, int *nd, int *X)
{
	for (int k = 0; k <= 9; k++)
	{
		double		t = a * pow10_exact[k];
		uint64_t	m;
		char		tmp[20];
		int			n = 0;

		if (!(t < TWO53))
			return false;
		m = (uint64_t) llround(t);
		/* IEEE division of exact integers rounds as strtod does */
		if ((double) m / pow10_exact[k] != a)
			continue;
		if (m == 0)
			return false;
		while (m % 10 == 0)
		{
			m /= 10;
			k--;				/* fewer decimals, same value */
		}
		while (m)
		{
			tmp[n++] = (char) ('0' + m % 10);
			m /= 10;
		}
		if (n > 15)
			return false;
		*nd = n;
		for (int q = 0; q < n; q++)
			d[q] = tmp[n - 1 - q];
		*X = n - 1 - k;
		return true;
	}
	return false;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

/*
 * The 17 digits of a correctly rounded (ties to even), by exact integer
 * arithmetic: a = mant·2^e, and the digits are mant·10^k / 2^-e rounded,
 * k = 16 - X.  Fits 128 bits for 1e-6 <= a < 2^53 (k <= 22, -e <= 72),
 * the range of densities, coordinates and counts; false elsewhere.
 * *dir: the sign of D - a (0: D is a exactly).
 */
static bool
exact_digits17(double a, char *d, int *Xout, int *dir)
{
	int			ex,
				e,
				X;
	uint64_t	mant,
				q64;

	if (!(a >= 1e-6 && a < TWO53))
		return false;
	mant = (uint64_t) ldexp(frexp(a, &ex), 53);
	e = ex - 53;
	if (e >= 0)
		return false;
	X = (int) floor(log10(a));
	for (int tries = 0; tries < 3; tries++)
	{
		int			k = 16 - X,
					sft = -e;
		u128		p10 = 1,
					n,
					q,
					rem,
					half;

		if (k < 0 || k > 22)
			return false;
		for (int j = 0; j < k; j++)
			p10 *= 10;
		n = (u128) mant * p10;
		q = n >> sft;
		if (q >= (u128) 100000000000000000ULL)
		{
			X++;				/* log10 rounded down a power of ten */
			continue;
		}
		if (q < (u128) 10000000000000000ULL)
		{
			X--;
			continue;
		}
		rem = n - (q << sft);
		half = (u128) 1 << (sft - 1);
		*dir = rem == 0 ? 0 : -1;	/* D below a, unless rounded up */
		if (rem > half || (rem == half && (q & 1)))
		{
			q++;
			*dir = 1;
		}
		if (q == (u128) 100000000000000000ULL)
		{
			q = 10000000000000000ULL;
			X++;
		}
		q64 = (uint64_t) q;
		for (int j = 16; j >= 0; j--)
		{
			d[j] = (char) ('0' + q64 % 10);
			q64 /= 10;
		}
		*Xout = X;
		return true;
	}
	return false;
}
#else
static bool
exact_digits17(double a, char *d, int *Xout, int *dir)
{
	(void) dir;
	(void) a;
	(void) d;
	(void) Xout;
	return false;
}
#endif

/* 10^n as a double, close enough for a margin of 1e-6 */
static double
pow10_approx(int n)
{
	if (n >= 0 && n <= 22)
		return pow10_exact[n];
	if (n < 0 && n >= -22)
		return 1.0 / pow10_exact[-n];
	return pow(10.0, n);
}

size_t
sc_dtoa(double v, char *out)
{
	bool		neg = signbit(v);
	double		a = fabs(v);
	char		d[20],
				e17[40],
				cand[SC_DTOA_MAX];
	int			nd,
				X,
				ex;
	double		hu;
	int			dir = 2;		/* sign of D - a; 2: unknown */

	if (!isfinite(v))
		return sc_dtoa_reference(v, out);
	if (a == 0)
		return layout_g(neg, "0", 1, 0, 15, out);
	/* the 17 correctly rounded digits, and half an ulp in their last unit */
	if (!exact_digits17(a, d, &X, &dir))
	{
		if (short_decimal(a, d, &nd, &X))
			return layout_g(neg, d, nd, X, 15, out);
		snprintf(e17, sizeof(e17), "%.16e", a);
		if (e17[18] != 'e')
			return sc_dtoa_reference(v, out);
		d[0] = e17[0];
		memcpy(d + 1, e17 + 2, 16);
		X = atoi(e17 + 19);
	}
	/* powers of two (a closer neighbour below), subnormals, extremes */
	if (frexp(a, &ex) == 0.5 || X < -280 || X > 280)
		return sc_dtoa_reference(v, out);
	hu = ldexp(1.0, ex - 54) * pow10_approx(16 - X);

	for (int P = 15; P <= 16; P++)
	{
		int			drop = 17 - P,
					tail = drop == 2 ? (d[15] - '0') * 10 + (d[16] - '0') : d[16] - '0',
					half = drop == 2 ? 50 : 5,
					diff;
		char		r[20];
		int			rX = X,
					rn = P;
		bool		fits;

		bool		up = tail > half;

		if (tail == half)
		{
			/* the dropped digits of a itself are above, below or at a half */
			if (dir == 2)
				return sc_dtoa_reference(v, out);
			up = dir < 0 || (dir == 0 && (d[P - 1] - '0') % 2 == 1);	/* ties to even */
		}
		memcpy(r, d, (size_t) P);
		diff = up ? 2 * half - tail : tail;
		if (up)
		{
			int			q = P - 1;

			while (q >= 0 && r[q] == '9')
				r[q--] = '0';
			if (q >= 0)
				r[q]++;
			else
			{
				r[0] = '1';		/* 99..9 rounds up to 10..0 */
				rX++;
			}
		}
		while (rn > 1 && r[rn - 1] == '0')
			rn--;
		/* |candidate - v| is within diff ± 0.5 units of D's last digit */
		if (diff + 0.5 < hu * (1 - 1e-6))
			fits = true;
		else if (diff - 0.5 > hu * (1 + 1e-6))
			fits = false;
		else
		{
			layout_g(neg, r, rn, rX, P, cand);
			fits = strtod(cand, NULL) == v;
		}
		if (fits)
			return layout_g(neg, r, rn, rX, P, out);
	}
	nd = 17;
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	return layout_g(neg, d, nd, X, 17, out);
}

bool
sc_strtod(const char *s, const char **end, double *out)
{
	const char *p = s;
	bool		neg = false;
	uint64_t	m = 0;
	int			sig = 0,
				digits = 0,
				scale = 0,
				e10 = 0;
	bool		exact = true;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++)
	{
		if (m == 0 && *p == '0')
			continue;
		if (sig < 19)
			m = m * 10 + (uint64_t) (*p - '0');
		else if (*p != '0')
			exact = false;
		else
			scale++;
		sig++;
	}
	if (*p == '.')
	{
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
		{
			if (m == 0 && *p == '0')
			{
				scale--;
				continue;
			}
			if (sig < 19)
			{
				m = m * 10 + (uint64_t) (*p - '0');
				scale--;
			}
			else if (*p != '0')
				exact = false;
			sig++;
		}
	}
	if (digits == 0)
		return false;
	if ((*p == 'e' || *p == 'E') &&
		((p[1] >= '0' && p[1] <= '9') ||
		 ((p[1] == '+' || p[1] == '-') && p[2] >= '0' && p[2] <= '9')))
	{
		bool		eneg = false;

		p++;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++)
			if (e10 < 100000)
				e10 = e10 * 10 + (*p - '0');
		if (eneg)
			e10 = -e10;
	}
	*end = p;
	e10 += scale;
	if (exact && m < (uint64_t) TWO53 && e10 >= -22 && e10 <= 22)
	{
		/* one correctly rounded operation on exact operands */
		double		r = e10 >= 0 ? (double) m * pow10_exact[e10] : (double) m / pow10_exact[-e10];

		*out = neg ? -r : r;
		return true;
	}
	if (m == 0 && exact)
	{
		*out = neg ? -0.0 : 0.0;
		return true;
	}
	*out = strtod(s, NULL);
	return true;
}
