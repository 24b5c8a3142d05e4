/* sc_text.c — writing and strictly reading the text forms. */
#include "sc_text.h"
#include "sc_numtext.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sc_buf_init(sc_buf *b, const sc_alloc *alloc)
{
	memset(b, 0, sizeof(*b));
	b->alloc = *alloc;
}

void
sc_buf_appendf(sc_buf *b, const char *fmt,...)
{
	va_list		ap;
	int			need;

	if (b->failed)
		return;
	for (;;)
	{
		size_t		avail = b->cap - b->len;

		va_start(ap, fmt);
		need = vsnprintf(b->data ? b->data + b->len : NULL, avail, fmt, ap);
		va_end(ap);
		if (need < 0)
		{
			b->failed = true;
			return;
		}
		if ((size_t) need < avail)
		{
			b->len += (size_t) need;
			return;
		}
		{
			size_t		newcap = (b->cap ? b->cap * 2 : 256) + (size_t) need;
			char	   *nd = b->alloc.realloc(b->alloc.ctx, b->data, newcap);

			if (!nd)
			{
				b->failed = true;
				return;
			}
			b->data = nd;
			b->cap = newcap;
		}
	}
}

void
sc_format_double(double v, char *buf, size_t buflen)
{
	char		tmp[SC_DTOA_MAX];

	sc_copy_truncated(buf, buflen, tmp, sc_dtoa(v, tmp));
}

/* room for need more bytes (and a NUL); false once allocation failed */
static bool
buf_reserve(sc_buf *b, size_t need)
{
	size_t		newcap;
	char	   *nd;

	if (b->failed)
		return false;
	if (b->cap - b->len > need)
		return true;
	newcap = (b->cap ? b->cap * 2 : 256) + need + 1;
	nd = b->alloc.realloc(b->alloc.ctx, b->data, newcap);
	if (!nd)
	{
		b->failed = true;
		return false;
	}
	b->data = nd;
	b->cap = newcap;
	return true;
}

/* the writers below reserve per item and write in place, no printf */
static inline char *
put_mem(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

static inline char *
put_double(char *o, double v)
{
	return o + sc_dtoa(v, o);
}

static inline char *
put_int(char *o, int64_t v)
{
	return o + sc_i64toa(v, o);
}

static inline void
buf_end(sc_buf *b, char *o)
{
	b->len = (size_t) (o - b->data);
	b->data[b->len] = '\0';
}

static const char *
kind_name(sc_grid_kind kind)
{
	return kind == SC_GRID_HEX ? "HEX" : "SQUARE";
}

void
sc_grid_text_write(sc_buf *b, sc_grid_kind kind, int32_t srid, double cell_size,
				   const sc_cell *cells, size_t ncells)
{
	char		num[SC_DTOA_MAX];
	char	   *o;

	sc_format_double(cell_size, num, sizeof(num));
	sc_buf_appendf(b, "SRID=%d;%s(%s){", (int) srid, kind_name(kind), num);
	for (size_t k = 0; k < ncells; k++)
	{
		sc_alloc_poll(&b->alloc, k);
		/* "," "(" i "," j "," value ")" */
		if (!buf_reserve(b, 2 * 12 + SC_DTOA_MAX + 4))
			return;
		o = b->data + b->len;
		if (k)
			*o++ = ',';
		*o++ = '(';
		o = put_int(o, cells[k].i);
		*o++ = ',';
		o = put_int(o, cells[k].j);
		*o++ = ',';
		o = put_double(o, cells[k].value);
		*o++ = ')';
		buf_end(b, o);
	}
	sc_buf_appendf(b, "}");
}

/* a tiny cursor over the text */
typedef struct cursor
{
	const char *p;
	const char *start;
	sc_err	   *err;
} cursor;

static void
skip_ws(cursor *c)
{
	while (isspace((unsigned char) *c->p))
		c->p++;
}

static bool
accept(cursor *c, char ch)
{
	skip_ws(c);
	if (*c->p != ch)
		return false;
	c->p++;
	return true;
}

static sc_status
expect(cursor *c, char ch)
{
	if (accept(c, ch))
		return SC_OK;
	return sc_fail(c->err, SC_EINVAL, "expected \"%c\" at position %d", ch,
				   (int) (c->p - c->start) + 1);
}

static sc_status
read_double(cursor *c, const char *what, double *out)
{
	const char *end;
	/* plain decimals only: strtod would also take hex, "inf" and "nan" */
	size_t		span;

	skip_ws(c);
	span = strspn(c->p, "0123456789+-.eE");
	/* "0x..." is hex to strtod: it reads past the span, so it is refused */
	if (span == 0 || c->p[span] == 'x' || c->p[span] == 'X' ||
		!sc_strtod(c->p, &end, out) || end != c->p + span || !isfinite(*out))
		return sc_fail(c->err, SC_EINVAL, "invalid %s at position %d: expected a finite number",
					   what, (int) (c->p - c->start) + 1);
	c->p = end;
	return SC_OK;
}

static sc_status
read_int64(cursor *c, const char *what, long long lo, long long hi, long long *out)
{
	char	   *end;

	skip_ws(c);
	errno = 0;
	if (!(*c->p == '-' || isdigit((unsigned char) *c->p)))
		return sc_fail(c->err, SC_EINVAL, "invalid %s at position %d: expected an integer",
					   what, (int) (c->p - c->start) + 1);
	*out = strtoll(c->p, &end, 10);
	if (end == c->p || errno == ERANGE || *out < lo || *out > hi)
		return sc_fail(c->err, SC_EINVAL, "invalid %s at position %d: expected an integer in [%lld, %lld]",
					   what, (int) (c->p - c->start) + 1, lo, hi);
	c->p = end;
	return SC_OK;
}

static sc_status
read_srid(cursor *c, int32_t *srid)
{
	long long	v;
	sc_status	st;

	skip_ws(c);
	if (strncmp(c->p, "SRID=", 5) != 0)
		return sc_fail(c->err, SC_EINVAL, "expected \"SRID=\" at the start");
	c->p += 5;
	if ((st = read_int64(c, "SRID", 0, 999999, &v)) != SC_OK)
		return st;
	*srid = (int32_t) v;
	return expect(c, ';');
}

static sc_status
expect_end(cursor *c)
{
	skip_ws(c);
	if (*c->p != '\0')
		return sc_fail(c->err, SC_EINVAL, "unexpected text at position %d",
					   (int) (c->p - c->start) + 1);
	return SC_OK;
}

sc_status
sc_grid_text_read(const char *s, sc_grid *g, sc_err *err)
{
	cursor		c = {s, s, err};
	sc_status	st;
	int32_t		srid;
	double		size;
	int			kind;
	bool		first = true;
	bool		have_prev = false;
	int32_t		pi = 0,
				pj = 0;
	size_t		nread = 0;

	if ((st = read_srid(&c, &srid)) != SC_OK)
		return st;
	skip_ws(&c);
	if (strncmp(c.p, "SQUARE", 6) == 0)
	{
		kind = SC_GRID_SQUARE;
		c.p += 6;
	}
	else if (strncmp(c.p, "HEX", 3) == 0)
	{
		kind = SC_GRID_HEX;
		c.p += 3;
	}
	else
		return sc_fail(err, SC_EINVAL, "expected SQUARE or HEX after the SRID");
	if ((st = expect(&c, '(')) != SC_OK || (st = read_double(&c, "cell size", &size)) != SC_OK ||
		(st = expect(&c, ')')) != SC_OK)
		return st;
	if ((st = sc_grid_check_header(kind, srid, size, err)) != SC_OK)
		return st;
	g->kind = (sc_grid_kind) kind;
	g->srid = srid;
	g->cell_size = size;
	if ((st = expect(&c, '{')) != SC_OK)
		return st;
	while (!accept(&c, '}'))
	{
		long long	i,
					j;
		double		v;

		if (!first && (st = expect(&c, ',')) != SC_OK)
			return st;
		first = false;
		sc_alloc_poll(&g->alloc, ++nread);
		if ((st = expect(&c, '(')) != SC_OK ||
			(st = read_int64(&c, "cell index i", -SC_CELL_INDEX_MAX, SC_CELL_INDEX_MAX, &i)) != SC_OK ||
			(st = expect(&c, ',')) != SC_OK ||
			(st = read_int64(&c, "cell index j", -SC_CELL_INDEX_MAX, SC_CELL_INDEX_MAX, &j)) != SC_OK ||
			(st = expect(&c, ',')) != SC_OK ||
			(st = read_double(&c, "cell value", &v)) != SC_OK ||
			(st = expect(&c, ')')) != SC_OK)
			return st;
		/* canonical order keeps the text form unique */
		if (have_prev && (i < pi || (i == pi && j <= pj)))
			return sc_fail(err, SC_EINVAL, "cells must be listed in strictly ascending (i, j) order; (%lld,%lld) is out of order",
						   i, j);
		have_prev = true;
		pi = (int32_t) i;
		pj = (int32_t) j;
		if ((st = sc_grid_add(g, (int32_t) i, (int32_t) j, v, err)) != SC_OK)
			return st;
	}
	return expect_end(&c);
}

void
sc_events_text_write(sc_buf *b, const sc_events *e)
{
	char	   *o;

	sc_buf_appendf(b, "SRID=%d;{", (int) e->srid);
	for (size_t k = 0; k < e->n; k++)
	{
		sc_alloc_poll(&b->alloc, k);
		/* ",(" x "," y "," t "," t "," w "," id ")" */
		if (!buf_reserve(b, 3 * SC_DTOA_MAX + 2 * SC_TIME_TEXT_MAX + 24 + 8))
			return;
		o = b->data + b->len;
		if (k)
			*o++ = ',';
		*o++ = '(';
		o = put_double(o, e->x[k]);
		*o++ = ',';
		o = put_double(o, e->y[k]);
		*o++ = ',';
		o += sc_time_write(e->t[k], o);
		*o++ = ',';
		if (e->tend[k] != e->t[k])
			o += sc_time_write(e->tend[k], o);
		*o++ = ',';
		o = put_double(o, e->w[k]);
		*o++ = ',';
		if (e->has_id[k])
			o = put_int(o, e->id[k]);
		*o++ = ')';
		buf_end(b, o);
	}
	sc_buf_appendf(b, "}");
}

static sc_status
read_time(cursor *c, int64_t *t)
{
	skip_ws(c);
	return sc_time_parse(c->p, &c->p, t, c->err);
}

sc_status
sc_events_text_read(const char *s, sc_events *e, sc_err *err)
{
	cursor		c = {s, s, err};
	sc_status	st;
	int32_t		srid;
	bool		first = true;

	if ((st = read_srid(&c, &srid)) != SC_OK)
		return st;
	e->srid = srid;
	if ((st = expect(&c, '{')) != SC_OK)
		return st;
	while (!accept(&c, '}'))
	{
		double		x,
					y,
					w;
		int64_t		t,
					tend = 0;
		long long	id = 0;
		bool		has_end = false,
					has_id = false;

		if (!first && (st = expect(&c, ',')) != SC_OK)
			return st;
		first = false;
		sc_alloc_poll(&e->alloc, e->n + 1);
		if ((st = expect(&c, '(')) != SC_OK ||
			(st = read_double(&c, "x", &x)) != SC_OK || (st = expect(&c, ',')) != SC_OK ||
			(st = read_double(&c, "y", &y)) != SC_OK || (st = expect(&c, ',')) != SC_OK ||
			(st = read_time(&c, &t)) != SC_OK || (st = expect(&c, ',')) != SC_OK)
			return st;
		if (!accept(&c, ','))
		{
			if ((st = read_time(&c, &tend)) != SC_OK || (st = expect(&c, ',')) != SC_OK)
				return st;
			has_end = true;
		}
		if ((st = read_double(&c, "weight", &w)) != SC_OK || (st = expect(&c, ',')) != SC_OK)
			return st;
		if (!accept(&c, ')'))
		{
			if ((st = read_int64(&c, "id", INT64_MIN, INT64_MAX, &id)) != SC_OK ||
				(st = expect(&c, ')')) != SC_OK)
				return st;
			has_id = true;
		}
		if ((st = sc_events_add(e, x, y, t, has_end, tend, w, has_id, id, err)) != SC_OK)
			return st;
	}
	return expect_end(&c);
}
