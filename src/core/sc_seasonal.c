/* sc_seasonal.c — seasonal indices by classical decomposition (see sc_seasonal.h). */
#include "sc_seasonal.h"

#include <math.h>
#include <string.h>

#include "sc_time.h"

#define USEC INT64_C(1000000)
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil (proleptic Gregorian) */
int64_t
sc_days_from_civil(int year, int mon, int mday)
{
	int64_t		y = (int64_t) year - (mon < 2);
	int64_t		era = floor_div(y, 400);
	int64_t		yoe = y - era * 400;
	int64_t		m = mon + 1;
	int64_t		doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
sc_civil_from_days(int64_t z, int *year, int *mon, int *mday)
{
	int64_t		era,
				doe,
				yoe,
				doy,
				mp,
				y;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*mday = (int) (doy - (153 * mp + 2) / 5 + 1);
	*mon = (int) (mp < 10 ? mp + 2 : mp - 10);
	*year = (int) (y + (*mon < 2));
}

/* weekday of a day number, 0 = Sunday (1970-01-01 was a Thursday) */
static int
weekday(int64_t d)
{
	return (int) (((d + 4) % 7 + 7) % 7);
}

/* ---- Student's t ---------------------------------------------------------- */

/* continued fraction of the incomplete beta (Numerical Recipes betacf) */
static double
betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		qab = a + b,
				qap = a + 1,
				qam = a - 1,
				c = 1,
				d = 1 - qab * x / qap,
				h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 10000; m++)
	{
		int			m2 = 2 * m;
		double		aa = m * (b - m) * x / ((qam + m2) * (a + m2)),
					del;

		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return h;
}

/* the regularised incomplete beta I_x(a, b) */
static double
ibeta(double a, double b, double x)
{
	double		bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

/* the upper tail P(T > t), t >= 0 */
static double
pt_upper(double t, double df)
{
	return 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
}

double
sc_qt(double p, double df)
{
	double		q,
				lo = 0,
				hi = 1;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0;
	if (p < 0.5)
		return -sc_qt(1 - p, df);
	q = 1 - p;					/* upper tail wanted */
	if (df == 1)
		return tan(M_PI * (p - 0.5));
	if (df == 2)
		return (2 * p - 1) / sqrt(2 * p * (1 - p));
	while (pt_upper(hi, df) > q && hi < 1e300)
		hi *= 2;
	for (int k = 0; k < 200 && hi - lo > 1e-15 * hi; k++)
	{
		double		mid = lo + (hi - lo) / 2;

		if (pt_upper(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

/* ---- the decomposition ---------------------------------------------------- */

sc_status
sc_seasonal_figure(const double *x, size_t n, int f, double conf, const sc_alloc *alloc,
				   double *figure, double *lower, double *upper, int *periods, sc_err *err)
{
	size_t		h = (size_t) f / 2;
	double	   *ratio,
				norm = 0;

	if (f < 2 || n < 2 * (size_t) f)
		return sc_fail(err, SC_EUNDEFINED, "the series has %zu values; the decomposition needs at least %d (two cycles)",
					   n, 2 * f);
	if (!(conf > 0 && conf < 1))
		return sc_fail(err, SC_EINVAL, "the confidence level must lie strictly between 0 and 1");
	ratio = sc_alloc_array(alloc, n, sizeof(double), err, "the ratios to the moving average");
	if (!ratio)
		return SC_ENOMEM;
	/* the centred moving average: 2 x f for even f (halves at both ends), f for odd */
	for (size_t i = h; i + h < n; i++)
	{
		double		ma = 0;

		sc_alloc_poll(alloc, i);
		if (f % 2 == 0)
		{
			ma = 0.5 * x[i - h] + 0.5 * x[i + h];
			for (size_t j = i - h + 1; j < i + h; j++)
				ma += x[j];
		}
		else
			for (size_t j = i - h; j <= i + h; j++)
				ma += x[j];
		ma /= f;
		if (!(ma > 0))
		{
			sc_free(alloc, ratio);
			return sc_fail(err, SC_EUNDEFINED,
						   "the centred moving average at value %zu of the series is 0: a ratio without a base (too few events)",
						   i + 1);
		}
		ratio[i] = x[i] / ma;
	}
	for (int p = 0; p < f; p++)
	{
		double		sum = 0,
					ss = 0,
					mean;
		int			m = 0;

		for (size_t i = (size_t) p; i < n; i += (size_t) f)
			if (i >= h && i + h < n)
			{
				sum += ratio[i];
				m++;
			}
		mean = sum / m;
		for (size_t i = (size_t) p; i < n; i += (size_t) f)
			if (i >= h && i + h < n)
				ss += (ratio[i] - mean) * (ratio[i] - mean);
		figure[p] = mean;
		periods[p] = m;
		if (m >= 2)
		{
			double		half = sc_qt(0.5 + conf / 2, m - 1) * sqrt(ss / (m - 1)) / sqrt((double) m);

			lower[p] = fmax(0, mean - half);	/* a ratio is never negative */
			upper[p] = mean + half;
		}
		else
			lower[p] = upper[p] = NAN;
		norm += mean;
	}
	sc_free(alloc, ratio);
	norm /= f;
	for (int p = 0; p < f; p++)
	{
		figure[p] /= norm;
		lower[p] /= norm;
		upper[p] /= norm;
	}
	return SC_OK;
}

/* ---- the series ----------------------------------------------------------- */

/* the local day number of an instant (microseconds since 2000) */
static sc_status
local_day(sc_local_fn local, void *arg, int64_t t, int64_t *day, sc_err *err)
{
	sc_local	l;

	if (!local(arg, floor_div(t, USEC) + SC_UNIX_2000, &l))
		return sc_fail(err, SC_ERANGE, "the local time of an event or bound cannot be computed");
	*day = sc_days_from_civil(l.year, l.mon, l.mday);
	return SC_OK;
}

static int64_t
month_of_day(int64_t d)
{
	int			y,
				m,
				md;

	sc_civil_from_days(d, &y, &m, &md);
	return (int64_t) y * 12 + m;
}

sc_status
sc_seasonal_series(const sc_events *e, sc_bins bins, sc_local_fn local, void *arg,
				   bool has_start, int64_t start, bool has_stop, int64_t stop,
				   const sc_alloc *alloc, double **x, size_t *n, int *first_bin,
				   int64_t *first_key, sc_err *err)
{
	bool		months = bins == SC_BINS_MONTH_OF_YEAR;
	int			f = months ? 12 : 7;
	int64_t		first_day = INT64_MAX,
				last_day = INT64_MIN,
				lo,
				hi,
				len;
	int64_t    *days;
	sc_status	st;

	*x = NULL;
	*n = 0;
	if (bins != SC_BINS_MONTH_OF_YEAR && bins != SC_BINS_DAY_OF_WEEK)
		return sc_fail(err, SC_EINVAL, "bins must be month_of_year or day_of_week");
	if (has_start && has_stop && start >= stop)
		return sc_fail(err, SC_EINVAL, "start must come before stop");
	days = sc_alloc_array(alloc, e->n, sizeof(int64_t), err, "the local days of the events");
	if (!days)
		return SC_ENOMEM;
	for (size_t k = 0; k < e->n; k++)
	{
		sc_alloc_poll(&e->alloc, k);
		if ((st = local_day(local, arg, sc_event_time(e, k), &days[k], err)) != SC_OK)
			goto done;
		if (days[k] < first_day)
			first_day = days[k];
		if (days[k] > last_day)
			last_day = days[k];
	}
	/* a bound's own day is whole when the bound is its first instant */
	if (has_start)
	{
		int64_t		ds,
					dp;

		if ((st = local_day(local, arg, start, &ds, err)) != SC_OK ||
			(st = local_day(local, arg, start - 1, &dp, err)) != SC_OK)
			goto done;
		first_day = ds != dp ? ds : ds + 1;
	}
	if (has_stop)
	{
		int64_t		ds,
					dl;

		if ((st = local_day(local, arg, stop, &ds, err)) != SC_OK ||
			(st = local_day(local, arg, stop - 1, &dl, err)) != SC_OK)
			goto done;
		last_day = ds != dl ? dl : dl - 1;
	}
	if (first_day == INT64_MAX || last_day == INT64_MIN)
	{
		st = sc_fail(err, SC_EUNDEFINED, "the collection has no events and no start or stop to bound the series");
		goto done;
	}
	/* whole months, or whole Monday-to-Sunday weeks of days */
	if (months)
	{
		int			y,
					m,
					md;

		sc_civil_from_days(first_day, &y, &m, &md);
		lo = (int64_t) y * 12 + m + (md != 1);
		hi = month_of_day(last_day + 1) - 1;
	}
	else
	{
		lo = first_day + (8 - weekday(first_day)) % 7;
		hi = last_day - weekday(last_day);
	}
	len = hi - lo + 1;
	if (len < 2 * f)
	{
		if (months)
			st = sc_fail(err, SC_EUNDEFINED, "the span holds %lld whole months; month_of_year needs at least 24 (two years)",
						 (long long) (len > 0 ? len : 0));
		else
			st = sc_fail(err, SC_EUNDEFINED, "the span holds %lld whole Monday-to-Sunday week(s); day_of_week needs at least 2",
						 (long long) (len > 0 ? len / 7 : 0));
		goto done;
	}
	if (len > SC_SEASONAL_MAX_SERIES)
	{
		st = sc_fail(err, SC_ELIMIT, "the series would hold %lld values; at most %d are taken",
					 (long long) len, SC_SEASONAL_MAX_SERIES);
		goto done;
	}
	*x = sc_alloc_array(alloc, (size_t) len, sizeof(double), err, "the seasonal series");
	if (!*x)
	{
		st = SC_ENOMEM;
		goto done;
	}
	memset(*x, 0, sizeof(double) * (size_t) len);
	for (size_t k = 0; k < e->n; k++)
	{
		int64_t		key = months ? month_of_day(days[k]) : days[k];

		sc_alloc_poll(&e->alloc, k);
		if (key >= lo && key <= hi)
			(*x)[key - lo] += e->w ? e->w[k] : 1.0;
	}
	*n = (size_t) len;
	*first_key = lo;
	*first_bin = months ? (int) (((lo % 12) + 12) % 12) : weekday(lo);
	st = SC_OK;
done:
	sc_free(alloc, days);
	return st;
}
