/*
 * sc_events.h — a compact collection of events in one SRID.
 *
 * Each event has x, y, a time t (microseconds since 2000-01-01 00:00 UTC,
 * PostgreSQL's timestamptz), an optional end of its time window (tend; equal
 * to t when the time is exact), a weight (1 by default) and an optional id.
 * In memory the columns are separate arrays; the flat form stores the
 * optional columns only when some event uses them, and lists events in a
 * canonical order so equal collections have equal bytes.
 */
#ifndef SC_EVENTS_H
#define SC_EVENTS_H

#include "sc_common.h"

#define SC_EV_HAS_END		0x01
#define SC_EV_HAS_WEIGHT	0x02
#define SC_EV_HAS_ID		0x04
#define SC_EV_FLAGS_ALL		0x07

/* times are limited to years 1..9999 (UTC) */
#define SC_TIME_MIN INT64_C(-63082281600000000)	/* 0001-01-01 00:00:00 */
#define SC_TIME_MAX INT64_C(252455615999999999)	/* 9999-12-31 23:59:59.999999 */

typedef struct sc_events
{
	int32_t		srid;
	uint8_t		flags;			/* SC_EV_HAS_* in use */
	size_t		n;
	size_t		capacity;
	size_t		max_events;		/* limit (0 = none) */
	double	   *x;
	double	   *y;
	int64_t    *t;
	int64_t    *tend;
	double	   *w;
	int64_t    *id;
	uint8_t    *has_id;
	sc_alloc	alloc;
} sc_events;

void		sc_events_init(sc_events *e, int32_t srid, size_t max_events, const sc_alloc *alloc);
void		sc_events_free(sc_events *e);
/* append one event; has_end/has_id false leave tend = t / no id */
sc_status	sc_events_add(sc_events *e, double x, double y, int64_t t,
						  bool has_end, int64_t tend, double w,
						  bool has_id, int64_t id, sc_err *err);
/* append all events of src (same SRID required) */
sc_status	sc_events_merge(sc_events *dst, const sc_events *src, sc_err *err);
/* sort into the canonical order: (t, tend, x, y, id, weight) */
sc_status	sc_events_sort(sc_events *e, sc_err *err);
/* check one event's fields; used by every reader */
sc_status	sc_events_check_one(double x, double y, int64_t t, int64_t tend, double w, sc_err *err);

size_t		sc_events_flat_size(size_t n, uint8_t flags);
/* write e (sorted first by the caller) into dst of sc_events_flat_size bytes */
void		sc_events_flat_write(void *dst, const sc_events *e);
/* read and fully validate a flat collection into an initialised empty e */
sc_status	sc_events_flat_read(const void *src, size_t len, sc_events *e, sc_err *err);

/* ISO 8601 UTC text of a time: "2016-01-31T05:04:03Z" or with ".ffffff" */
void		sc_time_format(int64_t t, char *buf, size_t buflen);
/* the same text into out (at least SC_TIME_TEXT_MAX bytes, no NUL); its length */
#define SC_TIME_TEXT_MAX 40
size_t		sc_time_write(int64_t t, char *out);
/* parse exactly what sc_time_format writes; *end set past the text */
sc_status	sc_time_parse(const char *s, const char **end, int64_t *t, sc_err *err);

#endif
