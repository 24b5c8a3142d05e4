/*
 * test_numtext.c — fast number text against printf/strtod on millions of
 * random values: byte-identical output, the same doubles read back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_events.h"
#include "sc_numtext.h"
#include "sc_test.h"

/* the rule the text forms always had, written out independently */
static void
reference(double v, char *buf)
{
	for (int prec = 15; prec <= 17; prec++)
	{
		snprintf(buf, 40, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
unit_rand(void)
{
	return (double) (next() >> 11) / 9007199254740992.0;
}

static int	dtoa_bad;

static void
check_dtoa(double v)
{
	char		a[SC_DTOA_MAX],
				b[40];
	size_t		n = sc_dtoa(v, a);

	reference(v, b);
	if (strcmp(a, b) != 0 || n != strlen(b))
	{
		if (dtoa_bad++ < 10)
			fprintf(stderr, "sc_dtoa(%.17g) = \"%s\", printf rule \"%s\"\n", v, a, b);
	}
}

static void
test_dtoa(void)
{
	static const double fixed[] = {
		0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1e15, 1e16, 1e17, 9.999999999999999e14,
		123456789012345.0, 1234567890123456.0, 12345678901234567.0, 1e-4, 1e-5, 0.0001234,
		9.9999999999999995e-5, 123456789012312.5, 923456789012317.5, 12345678901231.25, 1.25, 0.125, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
		4503599627370496.0, 9007199254740992.0, 9007199254740993.0, 0.5, 0.25, 1024.0,
		443210.5, 4334567.25, 1e22, 1e23, 3.0e-7, 1.5e300, 999999999999999.9,
		0.30000000000000004, 100.0, 1e21, 123.456
	};

	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
	{
		check_dtoa(fixed[k]);
		check_dtoa(-fixed[k]);
	}
	for (int k = 0; k < 1000000; k++)
	{
		uint64_t	bits = next();
		double		v;

		switch (k % 7)
		{
			case 6:				/* exact decimal ties at 15 or 16 digits */
				v = (double) (100000000000000ULL + next() % 800000000000000ULL) + 0.5;
				if (next() % 2)
					v = ((double) (10000000000000ULL + next() % 80000000000000ULL) + 0.25) / pow(10, (double) (next() % 8));
				break;
			case 0:				/* any finite double */
				memcpy(&v, &bits, sizeof(v));
				if (!isfinite(v))
					continue;
				break;
			case 1:				/* densities */
				v = unit_rand() * 2e-5;
				break;
			case 2:				/* full-precision UTM coordinates */
				v = 200000 + unit_rand() * 4.5e6;
				break;
			case 3:				/* coordinates to a few decimals */
				v = (double) (next() % 1000000000) / pow(10, (double) (next() % 6));
				break;
			case 4:				/* integers and powers of two and ten */
				v = (next() & 1) ? (double) (next() % 100000) : ldexp(1.0, (int) (next() % 200) - 100);
				if (next() % 3 == 0)
					v = pow(10.0, (double) ((int) (next() % 60) - 30));
				break;
			default:			/* decimals of 15 to 17 digits near the %g switches */
				v = (1 + unit_rand()) * pow(10.0, (double) ((int) (next() % 40) - 20));
				break;
		}
		check_dtoa(v);
	}
	CHECK(dtoa_bad == 0);
}

static void
test_strtod(void)
{
	static const char *const fixed[] = {
		"0", "-0", "+1", "1.", ".5", "1e5", "1E+05", "1e-5", "-2.5e-3", "0.1", "123456789012345678901234567890",
		"0.000000000000000000000000000001", "1.7976931348623157e308", "4.9e-324", "9007199254740993",
		"00012.50", "1e22", "1e23", "443210.123456789", "-0.0e10", "1e-400", "12345678901234567890e-10"
	};
	int			bad = 0;
	char		buf[64];

	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
	{
		const char *end;
		char	   *rend;
		double		a,
					b = strtod(fixed[k], &rend);

		CHECK(sc_strtod(fixed[k], &end, &a));
		CHECK(end == rend);
		CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	}
	for (int k = 0; k < 1000000; k++)
	{
		const char *end;
		char	   *rend;
		double		a,
					b,
					v;
		int			digits = 1 + (int) (next() % 19);

		/* decimals of 1 to 19 digits, exponent written or not */
		v = unit_rand() * pow(10.0, (double) ((int) (next() % 40) - 20));
		if (k % 2)
			snprintf(buf, sizeof(buf), "%.*g", digits, v);
		else
			snprintf(buf, sizeof(buf), "%.*f", (int) (next() % 12), v * 1e6);
		b = strtod(buf, &rend);
		if (!sc_strtod(buf, &end, &a) || end != rend || memcmp(&a, &b, sizeof(a)) != 0)
			if (bad++ < 10)
				fprintf(stderr, "sc_strtod(\"%s\") = %.17g, strtod %.17g\n", buf, a, b);
	}
	CHECK(bad == 0);
	{
		const char *end;
		double		a;

		CHECK(!sc_strtod("", &end, &a));
		CHECK(!sc_strtod("-", &end, &a));
		CHECK(!sc_strtod(".", &end, &a));
		CHECK(!sc_strtod("e5", &end, &a));
		CHECK(sc_strtod("1e", &end, &a) && a == 1 && *end == 'e');
		CHECK(sc_strtod("2e+", &end, &a) && a == 2 && *end == 'e');
	}
}

static void
test_ints_and_times(void)
{
	char		a[40],
				b[40];
	int			bad = 0;
	static const int64_t fixed[] = {0, -1, 1, INT64_MAX, INT64_MIN, 1000000, -987654321};

	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
	{
		sc_i64toa(fixed[k], a);
		snprintf(b, sizeof(b), "%lld", (long long) fixed[k]);
		CHECK(strcmp(a, b) == 0);
	}
	for (int k = 0; k < 200000; k++)
	{
		int64_t		t = (int64_t) (next() % (uint64_t) (SC_TIME_MAX - SC_TIME_MIN)) + SC_TIME_MIN;
		int64_t		back;
		const char *end;
		sc_err		err;
		size_t		n;

		if (k % 2)
			t -= t % 1000000;	/* whole seconds: no fraction written */
		n = sc_time_write(t, a);
		a[n] = '\0';
		if (sc_time_parse(a, &end, &back, &err) != SC_OK || back != t || *end != '\0')
			bad++;
		sc_i64toa(t, a);
		snprintf(b, sizeof(b), "%lld", (long long) t);
		if (strcmp(a, b) != 0)
			bad++;
	}
	CHECK(bad == 0);
}

int
main(void)
{
	test_dtoa();
	test_strtod();
	test_ints_and_times();
	TEST_DONE("numtext");
}
