/* sc_time.c — times and intervals as the analyses use them (see sc_time.h). */
#include "sc_time.h"

#include <math.h>

int64_t
sc_interval_usec(int32_t months, int32_t days, int64_t usec)
{
	/* as extract(epoch from interval): a year is 365.25 days, a month 30 days */
	double		d = (double) (months / 12) * 365.25 + (double) (months % 12) * 30.0 + days;
	double		us = d * (double) SC_USEC_PER_DAY,
				total = us + (double) usec;
	int64_t		r;

	/*
	 * Beyond ±2^63 µs (292,000 years) the interval saturates: longer than any
	 * span of times, it selects the same events.
	 */
	if (!(total > -9.2e18 && total < 9.2e18))
		return total > 0 ? INT64_MAX : INT64_MIN;
	if (!(us > -9.2e18 && us < 9.2e18) || __builtin_add_overflow(usec, (int64_t) llround(us), &r))
		return (int64_t) llround(total);
	return r;
}

int64_t
sc_day_start(int64_t t)
{
	int64_t		q = t / SC_USEC_PER_DAY;

	if (t % SC_USEC_PER_DAY < 0)
		q--;
	return q * SC_USEC_PER_DAY;
}

int64_t
sc_event_time(const sc_events *e, size_t k)
{
	int64_t		t = e->t[k];

	if (e->tend && e->tend[k] != t)
		t += (e->tend[k] - t) / 2;
	return t;
}

sc_status
sc_events_first_time(const sc_events *e, int64_t *first, sc_err *err)
{
	if (e->n == 0)
		return sc_fail(err, SC_EINVAL, "the collection has no events");
	*first = sc_event_time(e, 0);
	for (size_t k = 1; k < e->n; k++)
	{
		int64_t		t = sc_event_time(e, k);

		if (t < *first)
			*first = t;
	}
	return SC_OK;
}
