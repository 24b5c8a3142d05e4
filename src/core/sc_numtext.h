/*
 * sc_numtext.h — fast, exact number text for the type I/O.
 *
 * sc_dtoa writes exactly what the reference rule writes (the first of
 * printf "%.15g", "%.16g", "%.17g" that strtod reads back to the same
 * double), without calling printf for most values: the 17 correctly
 * rounded digits come from 128-bit integer arithmetic (1e-6 <= |v| < 2^53)
 * and are rounded to 15 or 16 in decimal, with an exact test of whether
 * they read back; short decimals elsewhere by integer arithmetic too.  sc_strtod reads plain
 * decimals exactly, by integer arithmetic when the digits fit 2^53 and the
 * power of ten is exact (Clinger 1990), else through strtod.
 * See docs/methods-io.md.
 */
#ifndef SC_NUMTEXT_H
#define SC_NUMTEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* longest output of sc_dtoa / sc_i64toa, with the terminating NUL */
#define SC_DTOA_MAX 32

/* v as text (NUL-terminated); returns its length */
size_t		sc_dtoa(double v, char *out);

/* the reference rule itself, by printf and strtod (tests, rare cases) */
size_t		sc_dtoa_reference(double v, char *out);

/* v in decimal (NUL-terminated); returns its length */
size_t		sc_i64toa(int64_t v, char *out);

/*
 * A plain decimal number [+-]digits[.digits][(e|E)[+-]digits] at s, as
 * strtod reads it; *end just past it.  False (nothing read) when s holds
 * no such number.
 */
bool		sc_strtod(const char *s, const char **end, double *out);

#endif
