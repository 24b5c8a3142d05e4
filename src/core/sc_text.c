/* sc_text.c — writing and strictly reading the text forms. */
#include "sc_text.h"

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
	for (int prec = 15; prec <= 17; prec++)
	{
		snprintf(buf, buflen, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
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
	char		num[32];

	sc_format_double(cell_size, num, sizeof(num));
	sc_buf_appendf(b, "SRID=%d;%s(%s){", (int) srid, kind_name(kind), num);
	for (size_t k = 0; k < ncells; k++)
	{
		sc_alloc_poll(&b->alloc, k);
		sc_format_double(cells[k].value, num, sizeof(num));
		sc_buf_appendf(b, "%s(%d,%d,%s)", k ? "," : "", cells[k].i, cells[k].j, num);
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
	char	   *end;
	/* plain decimals only: strtod would also take hex, "inf" and "nan" */
	size_t		span;

	skip_ws(c);
	span = strspn(c->p, "0123456789+-.eE");
	errno = 0;
	*out = strtod(c->p, &end);
	if (span == 0 || end != c->p + span || !isfinite(*out))
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
	char		x[32],
				y[32],
				w[32],
				t[40],
				te[40];

	sc_buf_appendf(b, "SRID=%d;{", (int) e->srid);
	for (size_t k = 0; k < e->n; k++)
	{
		sc_alloc_poll(&b->alloc, k);
		sc_format_double(e->x[k], x, sizeof(x));
		sc_format_double(e->y[k], y, sizeof(y));
		sc_format_double(e->w[k], w, sizeof(w));
		sc_time_format(e->t[k], t, sizeof(t));
		te[0] = '\0';
		if (e->tend[k] != e->t[k])
			sc_time_format(e->tend[k], te, sizeof(te));
		sc_buf_appendf(b, "%s(%s,%s,%s,%s,%s,", k ? "," : "", x, y, t, te, w);
		if (e->has_id[k])
			sc_buf_appendf(b, "%lld", (long long) e->id[k]);
		sc_buf_appendf(b, ")");
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
