/*
 * sc_time.h — times as the analyses use them: microseconds since
 * 2000-01-01 UTC (as sc_events), intervals as PostgreSQL's extract(epoch
 * from interval), the day of a time, and the time of an event (the midpoint
 * of its window).
 */
#ifndef SC_TIME_H
#define SC_TIME_H

#include "sc_common.h"
#include "sc_events.h"

#define SC_USEC_PER_DAY INT64_C(86400000000)

/*
 * interval arithmetic as PostgreSQL's extract(epoch from interval);
 * saturates at ±INT64_MAX instead of wrapping
 */
int64_t		sc_interval_usec(int32_t months, int32_t days, int64_t usec);
/*
 * The longest interval the analyses take: events lie in the years 1 to
 * 9999, so a longer window selects nothing more, and times plus or minus
 * it stay far inside int64 for every timestamp.
 */
#define SC_INTERVAL_MAX_YEARS 10000
#define SC_INTERVAL_MAX_USEC ((int64_t) (SC_INTERVAL_MAX_YEARS * 365.25 * 86400.0) * INT64_C(1000000))
/* midnight (UTC) of the day of t */
int64_t		sc_day_start(int64_t t);

/* the time of event k used by tiering: the midpoint of its window */
int64_t		sc_event_time(const sc_events *e, size_t k);

/* the first event time of a collection (error when empty) */
sc_status	sc_events_first_time(const sc_events *e, int64_t *first, sc_err *err);

#endif
