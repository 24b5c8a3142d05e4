/* sc_events.c — the event collection: growth, merge, canonical order, flat form. */
#include "sc_events.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sc_events_init(sc_events *e, int32_t srid, size_t max_events, const sc_alloc *alloc)
{
	memset(e, 0, sizeof(*e));
	e->srid = srid;
	e->max_events = max_events;
	e->alloc = *alloc;
}

#define EV_COLUMNS(X) X(x, double) X(y, double) X(t, int64_t) X(tend, int64_t) \
	X(w, double) X(id, int64_t) X(has_id, uint8_t)

void
sc_events_free(sc_events *e)
{
#define FREE_COL(name, type) sc_free(&e->alloc, e->name); e->name = NULL;
	EV_COLUMNS(FREE_COL)
#undef FREE_COL
	e->n = e->capacity = 0;
}

/* grow every column to newcap; on failure the collection is unchanged */
static sc_status
reserve(sc_events *e, size_t newcap, sc_err *err)
{
	void	   *cols[7] = {0};
	size_t		sizes[7] = {sizeof(double), sizeof(double), sizeof(int64_t), sizeof(int64_t),
	sizeof(double), sizeof(int64_t), sizeof(uint8_t)};
	void	  **olds[7] = {(void **) &e->x, (void **) &e->y, (void **) &e->t, (void **) &e->tend,
	(void **) &e->w, (void **) &e->id, (void **) &e->has_id};

	if (newcap <= e->capacity)
		return SC_OK;
	for (int c = 0; c < 7; c++)
	{
		size_t		bytes;

		if (!sc_mul_size(newcap, sizes[c], &bytes) ||
			!(cols[c] = e->alloc.alloc(e->alloc.ctx, bytes)))
		{
			for (int k = 0; k < c; k++)
				e->alloc.free(e->alloc.ctx, cols[k]);
			return sc_fail(err, SC_ENOMEM, "out of memory growing an event collection to %zu events",
						   newcap);
		}
		if (e->n)
			memcpy(cols[c], *olds[c], e->n * sizes[c]);
	}
	for (int c = 0; c < 7; c++)
	{
		sc_free(&e->alloc, *olds[c]);
		*olds[c] = cols[c];
	}
	e->capacity = newcap;
	return SC_OK;
}

static sc_status
reserve_more(sc_events *e, size_t extra, sc_err *err)
{
	size_t		need = e->n + extra;

	if (e->max_events && need > e->max_events)
		return sc_fail(err, SC_ELIMIT, "event collection would exceed %zu events", e->max_events);
	if (need <= e->capacity)
		return SC_OK;
	return reserve(e, need < 2 * e->capacity ? 2 * e->capacity : (need < 64 ? 64 : need), err);
}

sc_status
sc_events_check_one(double x, double y, int64_t t, int64_t tend, double w, sc_err *err)
{
	if (!isfinite(x) || !isfinite(y))
		return sc_fail(err, SC_EINVAL, "event coordinates must be finite");
	if (t < SC_TIME_MIN || t > SC_TIME_MAX || tend < SC_TIME_MIN || tend > SC_TIME_MAX)
		return sc_fail(err, SC_ERANGE, "event time is outside the years 1 to 9999");
	if (tend < t)
		return sc_fail(err, SC_EINVAL, "the end of an event's time window is before its start");
	if (!isfinite(w))
		return sc_fail(err, SC_EINVAL, "event weight must be finite");
	return SC_OK;
}

sc_status
sc_events_add(sc_events *e, double x, double y, int64_t t, bool has_end, int64_t tend,
			  double w, bool has_id, int64_t id, sc_err *err)
{
	sc_status	st;

	if (!has_end)
		tend = t;
	if ((st = sc_events_check_one(x, y, t, tend, w, err)) != SC_OK ||
		(st = reserve_more(e, 1, err)) != SC_OK)
		return st;
	e->x[e->n] = x;
	e->y[e->n] = y;
	e->t[e->n] = t;
	e->tend[e->n] = tend;
	e->w[e->n] = w;
	e->id[e->n] = has_id ? id : 0;
	e->has_id[e->n] = has_id;
	if (tend != t)
		e->flags |= SC_EV_HAS_END;
	if (w != 1.0)
		e->flags |= SC_EV_HAS_WEIGHT;
	if (has_id)
		e->flags |= SC_EV_HAS_ID;
	e->n++;
	return SC_OK;
}

sc_status
sc_events_merge(sc_events *dst, const sc_events *src, sc_err *err)
{
	sc_status	st;

	if (dst->srid != src->srid)
		return sc_fail(err, SC_EINVAL, "cannot combine events with different SRIDs: %d and %d",
					   (int) dst->srid, (int) src->srid);
	if ((st = reserve_more(dst, src->n, err)) != SC_OK)
		return st;
#define COPY_COL(name, type) memcpy(dst->name + dst->n, src->name, src->n * sizeof(type));
	if (src->n)
	{
		EV_COLUMNS(COPY_COL)
	}
#undef COPY_COL
	dst->n += src->n;
	dst->flags |= src->flags;
	return SC_OK;
}

typedef struct ev_row
{
	double		x,
				y,
				w;
	int64_t		t,
				tend,
				id;
	uint8_t		has_id;
} ev_row;

static int
cmp_num(double a, double b)
{
	return a < b ? -1 : (a > b ? 1 : 0);
}

static int
ev_row_cmp(const void *pa, const void *pb)
{
	const ev_row *a = pa,
			   *b = pb;
	int			c;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->tend != b->tend)
		return a->tend < b->tend ? -1 : 1;
	if ((c = cmp_num(a->x, b->x)) || (c = cmp_num(a->y, b->y)))
		return c;
	if (a->has_id != b->has_id)
		return a->has_id < b->has_id ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return cmp_num(a->w, b->w);
}

/* an event's sort fields with its index, for the runs of equal times */
typedef struct ev_indexed
{
	ev_row		row;			/* first: ev_row_cmp compares it */
	size_t		index;
} ev_indexed;

/*
 * Radix sort of the indices by time (most times differ), then the full
 * comparison within each run of equal times (dates without a time of day
 * make long runs), then each column gathered into the new order: the
 * canonical order of ev_row_cmp at a fraction of a qsort's cost on a
 * million events.
 */
sc_status
sc_events_sort(sc_events *e, sc_err *err)
{
	sc_keyed   *keyed,
			   *tmp;
	size_t		longest = 1,
				column_slots,
				runs = 0;
	void	   *buf;

	if (e->n < 2)
		return SC_OK;
	keyed = sc_alloc_array(&e->alloc, e->n, sizeof(sc_keyed), err, "events to sort");
	tmp = keyed ? sc_alloc_array(&e->alloc, e->n, sizeof(sc_keyed), err, "events to sort") : NULL;
	if (!tmp)
	{
		sc_free(&e->alloc, keyed);
		return SC_ENOMEM;
	}
	for (size_t k = 0; k < e->n; k++)
	{
		sc_alloc_poll(&e->alloc, k);
		/* flipping the sign bit makes the unsigned order the signed one */
		keyed[k].key = (uint64_t) e->t[k] ^ UINT64_C(0x8000000000000000);
		keyed[k].payload = k;
	}
	sc_radix_sort(keyed, tmp, e->n, e->alloc.interrupt);
	sc_free(&e->alloc, tmp);
	for (size_t start = 0, end; start < e->n; start = end)
	{
		for (end = start + 1; end < e->n && keyed[end].key == keyed[start].key; end++)
			;
		if (end - start > longest)
			longest = end - start;
	}
	/*
	 * One buffer: the longest run of equal times and the sort's room for it
	 * (or each column in turn, when that is larger).
	 */
	column_slots = (e->n * sizeof(int64_t) + sizeof(ev_indexed) - 1) / sizeof(ev_indexed);
	buf = sc_alloc_array(&e->alloc, 2 * longest > column_slots ? 2 * longest : column_slots,
						 sizeof(ev_indexed), err, "events to sort");
	if (!buf)
	{
		sc_free(&e->alloc, keyed);
		return SC_ENOMEM;
	}
	for (size_t start = 0, end; start < e->n; start = end)
	{
		ev_indexed *run = buf;

		for (end = start + 1; end < e->n && keyed[end].key == keyed[start].key; end++)
			;
		sc_alloc_poll(&e->alloc, ++runs);
		if (end - start < 2)
			continue;
		for (size_t k = start; k < end; k++)
		{
			size_t		i = (size_t) keyed[k].payload;

			run[k - start] = (ev_indexed)
			{
				{e->x[i], e->y[i], e->w[i], e->t[i], e->tend[i], e->id[i], e->has_id[i]}, i
			};
		}
		/* equal rows are interchangeable, so any sort gives the same columns */
		sc_sort(run, run + longest, end - start, sizeof(ev_indexed), ev_row_cmp, e->alloc.interrupt);
		for (size_t k = start; k < end; k++)
			keyed[k].payload = run[k - start].index;
	}
#define GATHER(name, type) \
	for (size_t k = 0; k < e->n; k++) \
	{ \
		sc_alloc_poll(&e->alloc, k); \
		((type *) buf)[k] = e->name[keyed[k].payload]; \
	} \
	memcpy(e->name, buf, e->n * sizeof(type));
	EV_COLUMNS(GATHER)
#undef GATHER
	sc_free(&e->alloc, buf);
	sc_free(&e->alloc, keyed);
	return SC_OK;
}

/*
 * Flat layout: uint8 version, uint8 flags, uint16 reserved, int32 srid,
 * uint64 n, then x[n], y[n] (float8), t[n] (int64), and if flagged tend[n]
 * (int64), w[n] (float8), id[n] (int64) followed by an id-present bitmap.
 */
#define SC_EV_FLAT_VERSION 1
#define SC_EV_HEADER 16

size_t
sc_events_flat_size(size_t n, uint8_t flags)
{
	size_t		per = 24;

	if (flags & SC_EV_HAS_END)
		per += 8;
	if (flags & SC_EV_HAS_WEIGHT)
		per += 8;
	if (flags & SC_EV_HAS_ID)
		per += 8;
	return SC_EV_HEADER + n * per + ((flags & SC_EV_HAS_ID) ? (n + 7) / 8 : 0);
}

void
sc_events_flat_write(void *dst, const sc_events *e)
{
	unsigned char *p = dst;
	uint8_t		version = SC_EV_FLAT_VERSION;
	uint16_t	reserved = 0;
	uint64_t	n = e->n;

	memcpy(p, &version, 1);
	memcpy(p + 1, &e->flags, 1);
	memcpy(p + 2, &reserved, 2);
	memcpy(p + 4, &e->srid, 4);
	memcpy(p + 8, &n, 8);
	p += SC_EV_HEADER;
#define PUT(arr, type) do { if (e->n) memcpy(p, arr, e->n * sizeof(type)); p += e->n * sizeof(type); } while (0)
	PUT(e->x, double);
	PUT(e->y, double);
	PUT(e->t, int64_t);
	if (e->flags & SC_EV_HAS_END)
		PUT(e->tend, int64_t);
	if (e->flags & SC_EV_HAS_WEIGHT)
		PUT(e->w, double);
	if (e->flags & SC_EV_HAS_ID)
	{
		PUT(e->id, int64_t);
		memset(p, 0, (e->n + 7) / 8);
		for (size_t k = 0; k < e->n; k++)
			if (e->has_id[k])
				p[k / 8] |= (uint8_t) (1u << (k % 8));
	}
#undef PUT
}

/*
 * memcpy in pieces with the interrupt hook between them: a column of 12
 * million events is 96 MB, first touched here
 */
static void
copy_polled(void *dst, const void *src, size_t bytes, const sc_alloc *alloc)
{
	const size_t piece = (size_t) 4 << 20;

	for (size_t off = 0; off < bytes; off += piece)
	{
		sc_alloc_poll(alloc, 0);
		memcpy((char *) dst + off, (const char *) src + off, bytes - off < piece ? bytes - off : piece);
	}
}

/* copy the n (> 0) events' columns out of a flat body */
static void
flat_read_columns(sc_events *e, const unsigned char *p, size_t n, uint8_t flags)
{
#define GET(arr, type) do { copy_polled(arr, p, n * sizeof(type), &e->alloc); p += n * sizeof(type); } while (0)
	GET(e->x, double);
	GET(e->y, double);
	GET(e->t, int64_t);
	if (flags & SC_EV_HAS_END)
		GET(e->tend, int64_t);
	else
		copy_polled(e->tend, e->t, n * sizeof(int64_t), &e->alloc);
	if (flags & SC_EV_HAS_WEIGHT)
		GET(e->w, double);
	else
		for (size_t k = 0; k < n; k++)
		{
			sc_alloc_poll(&e->alloc, k);
			e->w[k] = 1.0;
		}
	if (flags & SC_EV_HAS_ID)
	{
		GET(e->id, int64_t);
		for (size_t k = 0; k < n; k++)
		{
			sc_alloc_poll(&e->alloc, k);
			e->has_id[k] = (p[k / 8] >> (k % 8)) & 1;
		}
	}
	else
	{
		memset(e->id, 0, n * sizeof(int64_t));
		memset(e->has_id, 0, n);
	}
#undef GET
}

static ev_row
row_of(const sc_events *e, size_t k)
{
	return (ev_row) {e->x[k], e->y[k], e->w[k], e->t[k], e->tend[k], e->id[k], e->has_id[k]};
}

/*
 * The flat form is canonical, as sc_events_flat_write makes it: flags are
 * exactly the optional columns some event uses, absent ids and the unused
 * bits of the id bitmap are zero, events are in canonical order.  The server
 * trusts a stored value to be sorted, and equal collections to have equal
 * bytes.
 */
static sc_status
flat_check_canonical(const sc_events *e, const unsigned char *bitmap, uint8_t flags, sc_err *err)
{
	uint8_t		used = 0;

	for (size_t k = 0; k < e->n; k++)
	{
		sc_alloc_poll(&e->alloc, k);
		if (e->tend[k] != e->t[k])
			used |= SC_EV_HAS_END;
		if (e->w[k] != 1.0)
			used |= SC_EV_HAS_WEIGHT;
		if (e->has_id[k])
			used |= SC_EV_HAS_ID;
		else if (e->id[k] != 0)
			return sc_fail(err, SC_EINVAL, "event %zu has no id but a non-zero id field", k + 1);
		/* times mostly differ: the full comparison only within equal times */
		if (k > 0 && e->t[k - 1] >= e->t[k])
		{
			ev_row		a = row_of(e, k - 1),
						b = row_of(e, k);

			if (ev_row_cmp(&a, &b) > 0)
				return sc_fail(err, SC_EINVAL, "events are not in canonical order at event %zu", k + 1);
		}
	}
	if (used != flags)
		return sc_fail(err, SC_EINVAL, "events flags 0x%02x do not match the columns the events use (0x%02x)",
					   flags, used);
	if ((flags & SC_EV_HAS_ID) && e->n % 8 && (bitmap[e->n / 8] >> (e->n % 8)) != 0)
		return sc_fail(err, SC_EINVAL, "unused bits of the events id bitmap are set");
	return SC_OK;
}

sc_status
sc_events_flat_read(const void *src, size_t len, sc_events *e, sc_err *err)
{
	const unsigned char *p = src;
	uint8_t		version,
				flags;
	uint16_t	reserved;
	int32_t		srid;
	uint64_t	n;
	sc_status	st;

	if (len < SC_EV_HEADER)
		return sc_fail(err, SC_EINVAL, "events value too short (%zu bytes)", len);
	memcpy(&version, p, 1);
	memcpy(&flags, p + 1, 1);
	memcpy(&reserved, p + 2, 2);
	memcpy(&srid, p + 4, 4);
	memcpy(&n, p + 8, 8);
	if (version != SC_EV_FLAT_VERSION)
		return sc_fail(err, SC_EINVAL, "unsupported events format version %d", version);
	if (flags & ~SC_EV_FLAGS_ALL)
		return sc_fail(err, SC_EINVAL, "unknown events flags 0x%02x", flags);
	if (reserved != 0)
		return sc_fail(err, SC_EINVAL, "reserved bytes of the events header are not zero");
	if (srid < 0 || srid > 999999)
		return sc_fail(err, SC_EINVAL, "SRID %d is out of range", (int) srid);
	if (n > (len - SC_EV_HEADER) / 24 || sc_events_flat_size((size_t) n, flags) != len)
		return sc_fail(err, SC_EINVAL, "events length %zu does not match its %llu events",
					   len, (unsigned long long) n);
	e->srid = srid;
	if ((st = reserve_more(e, (size_t) n, err)) != SC_OK)
		return st;
	/* an empty collection may have no column arrays at all */
	if (n > 0)
		flat_read_columns(e, p + SC_EV_HEADER, (size_t) n, flags);
	for (size_t k = 0; k < n; k++)
	{
		sc_alloc_poll(&e->alloc, k);
		if ((st = sc_events_check_one(e->x[k], e->y[k], e->t[k], e->tend[k], e->w[k], err)) != SC_OK)
			return st;
	}
	e->n = (size_t) n;
	if ((st = flat_check_canonical(e, (const unsigned char *) src + len - (n + 7) / 8, flags, err)) != SC_OK)
	{
		e->n = 0;
		return st;
	}
	e->flags = flags;
	return SC_OK;
}

/* days from 1970-01-01 of a civil date and back (H. Hinnant's algorithms) */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t) doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		era;
	unsigned	doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned) (z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t) yoe + era * 400 + (*m <= 2);
}

#define USEC_PER_DAY INT64_C(86400000000)
#define UNIX_TO_PG_DAYS 10957

void
sc_time_format(int64_t t, char *buf, size_t buflen)
{
	char		tmp[SC_TIME_TEXT_MAX + 1];

	sc_copy_truncated(buf, buflen, tmp, sc_time_write(t, tmp));
}

static inline char *
put2(char *o, unsigned v)
{
	o[0] = (char) ('0' + v / 10);
	o[1] = (char) ('0' + v % 10);
	return o + 2;
}

/* digit by digit: printf took most of the time of writing events as text */
size_t
sc_time_write(int64_t t, char *out)
{
	int64_t		days = t / USEC_PER_DAY,
				rem = t % USEC_PER_DAY,
				y;
	unsigned	m,
				d,
				secs;
	int			us;
	char	   *o = out;

	if (rem < 0)
	{
		rem += USEC_PER_DAY;
		days--;
	}
	civil_from_days(days + UNIX_TO_PG_DAYS, &y, &m, &d);
	us = (int) (rem % 1000000);
	secs = (unsigned) (rem / 1000000);
	if (y < 0 || y > 9999)
	{
		/* years printf pads differently (BC, beyond 9999): rare, keep its rules */
		char		tmp[SC_TIME_TEXT_MAX];

		if (us)
			snprintf(tmp, sizeof(tmp), "%04lld-%02u-%02uT%02u:%02u:%02u.%06dZ", (long long) y, m, d,
					 secs / 3600, secs / 60 % 60, secs % 60, us);
		else
			snprintf(tmp, sizeof(tmp), "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long) y, m, d,
					 secs / 3600, secs / 60 % 60, secs % 60);
		memcpy(out, tmp, strlen(tmp));
		return strlen(tmp);
	}
	o = put2(o, (unsigned) (y / 100));
	o = put2(o, (unsigned) (y % 100));
	*o++ = '-';
	o = put2(o, m);
	*o++ = '-';
	o = put2(o, d);
	*o++ = 'T';
	o = put2(o, secs / 3600);
	*o++ = ':';
	o = put2(o, secs / 60 % 60);
	*o++ = ':';
	o = put2(o, secs % 60);
	if (us)
	{
		*o++ = '.';
		o = put2(o, (unsigned) (us / 10000));
		o = put2(o, (unsigned) (us / 100 % 100));
		o = put2(o, (unsigned) (us % 100));
	}
	*o++ = 'Z';
	return (size_t) (o - out);
}

static bool
digits(const char *s, int count, int *out)
{
	int			v = 0;

	for (int k = 0; k < count; k++)
	{
		if (s[k] < '0' || s[k] > '9')
			return false;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return true;
}

sc_status
sc_time_parse(const char *s, const char **end, int64_t *t, sc_err *err)
{
	int			y,
				mo,
				d,
				h,
				mi,
				se,
				us = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = s;

	if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) || p[7] != '-' ||
		!digits(p + 8, 2, &d) || p[10] != 'T' || !digits(p + 11, 2, &h) || p[13] != ':' ||
		!digits(p + 14, 2, &mi) || p[16] != ':' || !digits(p + 17, 2, &se))
		return sc_fail(err, SC_EINVAL, "invalid time \"%.30s\": expected YYYY-MM-DDTHH:MM:SS[.ffffff]Z", s);
	p += 19;
	if (*p == '.')
	{
		if (!digits(p + 1, 6, &us))
			return sc_fail(err, SC_EINVAL, "invalid fraction of a second in \"%.30s\": expected 6 digits", s);
		p += 7;
	}
	if (*p != 'Z')
		return sc_fail(err, SC_EINVAL, "invalid time \"%.30s\": expected a trailing Z (UTC)", s);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59 ||
		(mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return sc_fail(err, SC_EINVAL, "time \"%.30s\" is out of range", s);
	*t = ((days_from_civil(y, (unsigned) mo, (unsigned) d) - UNIX_TO_PG_DAYS) * 86400 +
		  h * 3600 + mi * 60 + se) * INT64_C(1000000) + us;
	*end = p + 1;
	return SC_OK;
}
