/*
 * fuzz_util.h — shared by the libFuzzer targets of the core's parsers
 * (test/fuzz/fuzz_*.c, run by test/suites/fuzz_core.sh).
 *
 * A target feeds the bytes to one reader; on success it checks the round
 * trip (what the writer prints of the value reads back as the same value),
 * on failure that the reader said why.  A broken property aborts, which
 * libFuzzer reports as a crash and saves the input.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_common.h"

/* limits that keep one input's memory small; inputs are at most -max_len bytes anyway */
#define FZ_MAX_ITEMS 100000

#define FZ_REQUIRE(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

/* the input as a C string: text readers stop at the first NUL as in the server */
static inline char *
fz_cstring(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);

	FZ_REQUIRE(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* same double, bit for bit (-0 is not 0: the text form keeps the sign) */
static inline int
fz_same(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

/* a failed read leaves a message for the user */
static inline void
fz_require_reason(sc_status st, const sc_err *err)
{
	FZ_REQUIRE(st != SC_OK);
	FZ_REQUIRE(err->msg[0] != '\0');
	FZ_REQUIRE(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
}

#endif
