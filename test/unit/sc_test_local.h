/*
 * sc_test_local.h — the local time of a unix second at a fixed UTC offset
 * (seconds east), for the time cores' tests (sc_local is sc_aoristic.h's).
 */
#ifndef SC_TEST_LOCAL_H
#define SC_TEST_LOCAL_H

#include <time.h>

static void
sc_test_local_at_offset(int64_t s, long off, sc_local *l)
{
	time_t		tt = (time_t) (s + off);
	struct tm	tm;

	gmtime_r(&tt, &tm);
	l->year = tm.tm_year + 1900;
	l->mon = tm.tm_mon;
	l->mday = tm.tm_mday;
	l->hour = tm.tm_hour;
	l->min = tm.tm_min;
	l->sec = tm.tm_sec;
	l->wday = tm.tm_wday;
	l->gmtoff = off;
}

#endif
