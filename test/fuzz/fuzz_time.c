/*
 * fuzz_time.c — the ISO 8601 time reader of the events text form
 * (sc_time_parse).  Any input: no crash, a refusal says why, an accepted
 * time lies in years 1..9999 and prints as text that reads back the same.
 * The first 8 bytes, taken as a time in range, also round-trip through
 * sc_time_format.
 */
#include "fuzz_util.h"
#include "sc_events.h"

static void
check_round_trip(int64_t t)
{
	char		buf[40];
	const char *end;
	int64_t		back;
	sc_err		err = {{0}};

	sc_time_format(t, buf, sizeof(buf));
	FZ_REQUIRE(sc_time_parse(buf, &end, &back, &err) == SC_OK);
	FZ_REQUIRE(back == t && *end == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = fz_cstring(data, size);
	const char *end = NULL;
	int64_t		t;
	sc_err		err = {{0}};
	sc_status	st = sc_time_parse(s, &end, &t, &err);

	if (st == SC_OK)
	{
		FZ_REQUIRE(end > s && end <= s + size);
		FZ_REQUIRE(t >= SC_TIME_MIN && t <= SC_TIME_MAX);
		check_round_trip(t);
	}
	else
		fz_require_reason(st, &err);
	if (size >= 8)
	{
		uint64_t	u;
		uint64_t	span = (uint64_t) (SC_TIME_MAX - SC_TIME_MIN) + 1;

		memcpy(&u, data, 8);
		check_round_trip(SC_TIME_MIN + (int64_t) (u % span));
	}
	free(s);
	return 0;
}
