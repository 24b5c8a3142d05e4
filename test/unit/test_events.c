/* test_events.c — event collections: add, merge, canonical order, flat and text forms, times. */
#include <stdlib.h>
#include <string.h>

#include "sc_events.h"
#include "sc_test.h"
#include "sc_test_util.h"
#include "sc_text.h"

static void
test_times(void)
{
	char		buf[40];
	const char *end;
	int64_t		t;
	sc_err		err;

	/* PostgreSQL epoch 2000-01-01 is 0 */
	sc_time_format(0, buf, sizeof(buf));
	CHECK(strcmp(buf, "2000-01-01T00:00:00Z") == 0);
	sc_time_format(-1, buf, sizeof(buf));
	CHECK(strcmp(buf, "1999-12-31T23:59:59.999999Z") == 0);
	CHECK(sc_time_parse("2016-02-29T12:34:56.000001Z", &end, &t, &err) == SC_OK && *end == '\0');
	sc_time_format(t, buf, sizeof(buf));
	CHECK(strcmp(buf, "2016-02-29T12:34:56.000001Z") == 0);
	/* 2016-01-01 is 5844 days after 2000-01-01 */
	CHECK(sc_time_parse("2016-01-01T00:00:00Z", &end, &t, &err) == SC_OK && t == INT64_C(5844) * 86400000000);
	CHECK(sc_time_parse("0001-01-01T00:00:00Z", &end, &t, &err) == SC_OK && t == SC_TIME_MIN);
	CHECK(sc_time_parse("9999-12-31T23:59:59.999999Z", &end, &t, &err) == SC_OK && t == SC_TIME_MAX);
	CHECK(sc_time_parse("2015-02-29T00:00:00Z", &end, &t, &err) == SC_EINVAL);
	CHECK(sc_time_parse("2016-01-01T24:00:00Z", &end, &t, &err) == SC_EINVAL);
	CHECK(sc_time_parse("2016-01-01 00:00:00Z", &end, &t, &err) == SC_EINVAL);
	CHECK(sc_time_parse("2016-01-01T00:00:00", &end, &t, &err) == SC_EINVAL);
	CHECK(sc_time_parse("2016-01-01T00:00:00.5Z", &end, &t, &err) == SC_EINVAL);
	/* every day of 400 years round trips */
	{
		int			bad = 0;

		for (int64_t d = -3000; d < 146097 - 3000; d++)
		{
			int64_t		u;

			sc_time_format(d * 86400000000 + 3723000001, buf, sizeof(buf));
			if (sc_time_parse(buf, &end, &u, &err) != SC_OK || u != d * 86400000000 + 3723000001)
				bad++;
		}
		CHECK(bad == 0);
	}
}

static void
test_collection(void)
{
	sc_events	e,
				f,
				r;
	sc_err		err;
	sc_buf		b;

	sc_events_init(&e, 32616, 0, &sc_malloc_allocator);
	{
		int			failures = 0;

		for (int k = 0; k < 1000; k++)
			failures += sc_events_add(&e, k % 17, k % 5, (int64_t) (1000 - k) * 1000000, k % 3 == 0,
									  (int64_t) (1000 - k) * 1000000 + 3600000000, k % 7 ? 1.0 : 2.5,
									  k % 2 == 0, k, &err) != SC_OK;
		CHECK(failures == 0);
	}
	CHECK(e.n == 1000 && e.flags == SC_EV_FLAGS_ALL);
	CHECK(sc_events_add(&e, 0, 0, 10, true, 5, 1, false, 0, &err) == SC_EINVAL);
	CHECK(sc_events_add(&e, 0.0 / 0.0, 0, 10, false, 0, 1, false, 0, &err) == SC_EINVAL);
	CHECK(sc_events_add(&e, 0, 0, SC_TIME_MAX + 1, false, 0, 1, false, 0, &err) == SC_ERANGE);
	CHECK(sc_events_sort(&e, &err) == SC_OK);
	{
		int			unsorted = 0;

		for (size_t k = 1; k < e.n; k++)
			unsorted += e.t[k - 1] > e.t[k];
		CHECK(unsorted == 0);
	}
	/* flat round trip */
	{
		size_t		size = sc_events_flat_size(e.n, e.flags);
		unsigned char *buf = malloc(size);

		sc_events_flat_write(buf, &e);
		sc_events_init(&f, 0, 0, &sc_malloc_allocator);
		CHECK(sc_events_flat_read(buf, size, &f, &err) == SC_OK);
		CHECK(f.n == e.n && f.srid == 32616 && memcmp(f.x, e.x, e.n * 8) == 0 &&
			  memcmp(f.tend, e.tend, e.n * 8) == 0 && memcmp(f.has_id, e.has_id, e.n) == 0);
		sc_events_free(&f);
		sc_events_init(&f, 0, 0, &sc_malloc_allocator);
		CHECK(sc_events_flat_read(buf, size - 3, &f, &err) == SC_EINVAL);
		sc_events_free(&f);
		for (int k = 0; k < 5000; k++)
		{
			unsigned char junk[64];
			size_t		len = (size_t) (rand() % 64);

			for (size_t q = 0; q < len; q++)
				junk[q] = (unsigned char) rand();
			if (len)
				junk[0] = 1;
			sc_events_init(&f, 0, 0, &sc_malloc_allocator);
			sc_events_flat_read(junk, len, &f, &err);
			sc_events_free(&f);
		}
		CHECK(1);
		free(buf);
	}
	/* text round trip */
	sc_buf_init(&b, &sc_malloc_allocator);
	sc_events_text_write(&b, &e);
	sc_events_init(&r, 0, 0, &sc_malloc_allocator);
	CHECK(!b.failed && sc_events_text_read(b.data, &r, &err) == SC_OK);
	CHECK(r.n == e.n && memcmp(r.t, e.t, e.n * 8) == 0 && memcmp(r.w, e.w, e.n * 8) == 0 &&
		  memcmp(r.id, e.id, e.n * 8) == 0);
	free(b.data);
	/* merge and limits */
	CHECK(sc_events_merge(&r, &e, &err) == SC_OK && r.n == 2000);
	r.srid = 1;
	CHECK(sc_events_merge(&r, &e, &err) == SC_EINVAL);
	sc_events_free(&r);
	sc_events_init(&f, 32616, 10, &sc_malloc_allocator);
	CHECK(sc_events_merge(&f, &e, &err) == SC_ELIMIT);
	sc_events_free(&f);
	sc_events_free(&e);
}

/* (t, tend, x, y, has_id, id, w) of event k */
static int
event_cmp(const sc_events *e, size_t a, size_t b)
{
#define CMP(f) if (e->f[a] != e->f[b]) return e->f[a] < e->f[b] ? -1 : 1
	CMP(t);
	CMP(tend);
	CMP(x);
	CMP(y);
	CMP(has_id);
	CMP(id);
	CMP(w);
#undef CMP
	return 0;
}

/*
 * The canonical order on many events with many ties in time (and in time
 * and place), negative times included: every neighbour pair in order, and
 * the same events as before (sums of every column).
 */
static void
test_sort_order(void)
{
	sc_events	e;
	sc_err		err;
	int			bad = 0;
	double		sx = 0,
				sy = 0,
				sw = 0;
	int64_t		st = 0,
				sid = 0;

	sc_events_init(&e, 32616, 0, &sc_malloc_allocator);
	for (int k = 0; k < 20000; k++)
	{
		int64_t		t = ((int64_t) (urand() * 300) - 150) * 86400000000LL + (k % 3 ? 0 : (int64_t) (urand() * 1e12));
		bool		win = urand() < 0.3;

		bad += sc_events_add(&e, (double) (int) (urand() * 4), (double) (int) (urand() * 3), t, win,
							 t + (win ? (int64_t) (urand() * 4) * 3600000000LL : 0),
							 urand() < 0.5 ? 1.0 : 0.5, urand() < 0.7, (int64_t) (urand() * 10), &err) != SC_OK;
		sx += e.x[e.n - 1];
		sy += e.y[e.n - 1];
		sw += e.w[e.n - 1];
		st += e.t[e.n - 1];
		sid += e.id[e.n - 1];
	}
	CHECK(bad == 0);
	CHECK(sc_events_sort(&e, &err) == SC_OK);
	for (size_t k = 1; k < e.n; k++)
		bad += event_cmp(&e, k - 1, k) > 0;
	CHECK(bad == 0);
	for (size_t k = 0; k < e.n; k++)
	{
		sx -= e.x[k];
		sy -= e.y[k];
		sw -= e.w[k];
		st -= e.t[k];
		sid -= e.id[k];
	}
	CHECK(sx == 0 && sy == 0 && sw == 0 && st == 0 && sid == 0);
	sc_events_free(&e);
}

/* bytes of e's flat form (e as it is: the caller decides about order) */
static unsigned char *
flat_of(const sc_events *e, size_t *size)
{
	unsigned char *buf;

	*size = sc_events_flat_size(e->n, e->flags);
	buf = malloc(*size);
	sc_events_flat_write(buf, e);
	return buf;
}

static sc_status
read_flat(const unsigned char *buf, size_t size, sc_err *err)
{
	sc_events	f;
	sc_status	st;

	sc_events_init(&f, 0, 0, &sc_malloc_allocator);
	st = sc_events_flat_read(buf, size, &f, err);
	sc_events_free(&f);
	return st;
}

/*
 * The flat reader accepts only the canonical form the writer makes (bugs
 * found by test/fuzz/fuzz_events_flat.c): an empty value read into a
 * collection with no arrays yet (memcpy to NULL, caught under UBSan), and
 * values with non-zero reserved bytes, flags for columns no event uses, ids
 * behind absent markers, stray bitmap bits or events out of order.
 */
static void
test_flat_canonical(void)
{
	sc_events	e,
				f;
	sc_err		err;
	size_t		size;
	unsigned char *buf;

	sc_events_init(&e, 32616, 0, &sc_malloc_allocator);
	buf = flat_of(&e, &size);
	sc_events_init(&f, 0, 0, &sc_malloc_allocator);
	CHECK(sc_events_flat_read(buf, size, &f, &err) == SC_OK && f.n == 0 && f.srid == 32616);
	sc_events_free(&f);
	buf[2] = 1;		/* reserved */
	CHECK(read_flat(buf, size, &err) == SC_EINVAL && strstr(err.msg, "reserved") != NULL);
	free(buf);

	/* out of order: added latest first, not sorted */
	CHECK(sc_events_add(&e, 1, 2, 2000, false, 0, 1.0, false, 0, &err) == SC_OK);
	CHECK(sc_events_add(&e, 1, 2, 1000, false, 0, 1.0, false, 0, &err) == SC_OK);
	buf = flat_of(&e, &size);
	CHECK(read_flat(buf, size, &err) == SC_EINVAL && strstr(err.msg, "order") != NULL);
	free(buf);
	CHECK(sc_events_sort(&e, &err) == SC_OK);
	buf = flat_of(&e, &size);
	CHECK(read_flat(buf, size, &err) == SC_OK);
	free(buf);

	/* a weight column no event needs */
	e.flags |= SC_EV_HAS_WEIGHT;
	buf = flat_of(&e, &size);
	CHECK(read_flat(buf, size, &err) == SC_EINVAL && strstr(err.msg, "flags") != NULL);
	free(buf);
	e.flags &= (uint8_t) ~SC_EV_HAS_WEIGHT;

	/* ids: one present; then a stray id behind an absent marker, a stray bitmap bit */
	e.has_id[1] = 1;
	e.id[1] = 7;
	e.flags |= SC_EV_HAS_ID;
	buf = flat_of(&e, &size);
	CHECK(read_flat(buf, size, &err) == SC_OK);
	buf[size - 1] |= 0x80;
	CHECK(read_flat(buf, size, &err) == SC_EINVAL && strstr(err.msg, "bitmap") != NULL);
	free(buf);
	e.id[0] = 5;
	buf = flat_of(&e, &size);
	CHECK(read_flat(buf, size, &err) == SC_EINVAL && strstr(err.msg, "no id") != NULL);
	free(buf);
	sc_events_free(&e);
}

int
main(void)
{
	test_sort_order();
	test_flat_canonical();
	test_times();
	test_collection();
	TEST_DONE("events");
}
