/* sc_aoristic.c — aoristic spreading of time windows over local bins (see sc_aoristic.h). */
#include "sc_aoristic.h"

#include <string.h>

#define USEC INT64_C(1000000)
#define WEEK_USEC (INT64_C(7) * 86400 * USEC)
#define YEAR_USEC (INT64_C(365) * 86400 * USEC)

static const char *const bin_names[] = {"hour_of_week", "hour_of_day", "day_of_week", "month_of_year"};

int
sc_bins_count(sc_bins bins)
{
	switch (bins)
	{
		case SC_BINS_HOUR_OF_WEEK:
			return 168;
		case SC_BINS_HOUR_OF_DAY:
			return 24;
		case SC_BINS_DAY_OF_WEEK:
			return 7;
		case SC_BINS_MONTH_OF_YEAR:
			return 12;
	}
	return 0;
}

int
sc_bins_parse(const char *name)
{
	for (int k = 0; k < 4; k++)
		if (strcmp(name, bin_names[k]) == 0)
			return k;
	return -1;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

static int
bin_of(const sc_local *l, sc_bins bins)
{
	switch (bins)
	{
		case SC_BINS_HOUR_OF_WEEK:
			return l->wday * 24 + l->hour;
		case SC_BINS_HOUR_OF_DAY:
			return l->hour;
		case SC_BINS_DAY_OF_WEEK:
			return l->wday;
		case SC_BINS_MONTH_OF_YEAR:
			return l->mon;
	}
	return 0;
}

static int
days_in_month(int year, int mon)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 1 && leap ? 29 : d[mon];
}

/* the local piece key: (month) for month bins, else (day, hour) */
static int64_t
piece_key(const sc_local *l, bool months)
{
	if (months)
		return (int64_t) l->year * 12 + l->mon;
	return (((int64_t) l->year * 12 + l->mon) * 32 + l->mday) * 24 + l->hour;
}

static sc_status
local_at(sc_local_fn local, void *arg, int64_t usec, sc_local *l, sc_err *err)
{
	if (!local(arg, floor_div(usec, USEC) + SC_UNIX_2000, l))
		return sc_fail(err, SC_ERANGE, "the local time of an event cannot be computed");
	return SC_OK;
}

/*
 * The end of the local hour (or month) that contains cur: from the wall
 * clock, corrected for a change of UTC offset, then checked; a piece that
 * would cross a change of the key is cut at the first second of the new key
 * (by bisection), so a DST change inside an hour is never misread.
 */
static sc_status
piece_end(int64_t cur, const sc_local *lc, bool months, sc_local_fn local, void *arg,
		  int64_t *end, sc_err *err)
{
	int64_t		s = floor_div(cur, USEC),
				wall_left,
				cand;
	sc_local	l;
	sc_status	st;

	if (months)
		wall_left = ((int64_t) (days_in_month(lc->year, lc->mon) - lc->mday) * 86400 +
					 (23 - lc->hour) * 3600 + (59 - lc->min) * 60 + (60 - lc->sec));
	else
		wall_left = 3600 - lc->min * 60 - lc->sec;
	cand = s + wall_left;
	/* the wall clock at cand is off by the change of offset in between */
	for (int k = 0; k < 2; k++)
	{
		if ((st = local_at(local, arg, cand * USEC, &l, err)) != SC_OK)
			return st;
		cand = s + wall_left - (l.gmtoff - lc->gmtoff);
	}
	if (cand <= s)
		cand = s + 1;
	/* check that [s, cand) lies in one key; else bisect for the first change */
	if ((st = local_at(local, arg, (cand - 1) * USEC, &l, err)) != SC_OK)
		return st;
	if (piece_key(&l, months) != piece_key(lc, months))
	{
		int64_t		lo = s,		/* key of lo equals lc's */
					hi = cand - 1;	/* key of hi differs */

		while (hi - lo > 1)
		{
			int64_t		mid = lo + (hi - lo) / 2;

			if ((st = local_at(local, arg, mid * USEC, &l, err)) != SC_OK)
				return st;
			if (piece_key(&l, months) == piece_key(lc, months))
				lo = mid;
			else
				hi = mid;
		}
		cand = hi;
	}
	*end = cand * USEC;
	return SC_OK;
}

sc_status
sc_aoristic_add(int64_t t, bool has_end, int64_t tend, double w, sc_bins bins,
				sc_local_fn local, void *arg, double *out, sc_err *err)
{
	bool		months = bins == SC_BINS_MONTH_OF_YEAR;
	int64_t		d = has_end ? tend - t : 0;
	sc_local	l;
	sc_status	st;
	double		how[168];
	int64_t		cur;

	/* no end, an end before the start, a minute or less: the start's bin */
	if (!has_end || d <= 60 * USEC)
	{
		if ((st = local_at(local, arg, t, &l, err)) != SC_OK)
			return st;
		out[bin_of(&l, bins)] += w;
		return SC_OK;
	}
	/* a week or more (a year or more for months): evenly over every bin */
	if (months ? d >= YEAR_USEC : d >= WEEK_USEC)
	{
		int			nb = sc_bins_count(bins);

		for (int b = 0; b < nb; b++)
			out[b] += w / nb;
		return SC_OK;
	}
	/* in proportion to the time covered in each local hour (month) */
	memset(how, 0, sizeof(how));
	for (cur = t; cur < tend;)
	{
		int64_t		end;

		if ((st = local_at(local, arg, cur, &l, err)) != SC_OK ||
			(st = piece_end(cur, &l, months, local, arg, &end, err)) != SC_OK)
			return st;
		if (end > tend)
			end = tend;
		how[months ? l.mon : l.wday * 24 + l.hour] += (double) (end - cur);
		cur = end;
	}
	if (months)
		for (int b = 0; b < 12; b++)
			out[b] += w * how[b] / (double) d;
	else
		for (int b = 0; b < 168; b++)
		{
			int			k = bins == SC_BINS_HOUR_OF_WEEK ? b :
				bins == SC_BINS_HOUR_OF_DAY ? b % 24 : b / 24;

			if (how[b] > 0)
				out[k] += w * how[b] / (double) d;
		}
	return SC_OK;
}

sc_status
sc_aoristic_events(const sc_events *e, sc_bins bins, sc_local_fn local, void *arg,
				   double *out, sc_err *err)
{
	memset(out, 0, sizeof(double) * sc_bins_count(bins));
	for (size_t k = 0; k < e->n; k++)
	{
		sc_status	st;
		int64_t		tend = e->tend ? e->tend[k] : e->t[k];

		if (k % 64 == 0 && e->alloc.interrupt)
			e->alloc.interrupt();
		st = sc_aoristic_add(e->t[k], tend != e->t[k], tend, e->w ? e->w[k] : 1.0, bins,
							 local, arg, out, err);
		if (st != SC_OK)
			return st;
	}
	return SC_OK;
}
