/*
 * sc_knox_table.c — reading a Knox table: the edges of its bands, each
 * cell's ratio and significance, and the near-repeat zone (see sc_knox.h).
 */
#include "sc_knox.h"

void
sc_knox_row_edges(const sc_knox_params *p, size_t r, double *from, double *to, bool *has_to)
{
	*has_to = true;
	if (r == 0)
	{
		*from = 0;
		*to = p->same_location;
	}
	else if (r == 1)
	{
		*from = p->same_location;
		*to = p->dist_bands[0];
	}
	else
	{
		*from = p->dist_bands[r - 2];
		*has_to = r - 1 < p->n_dist_bands;
		*to = *has_to ? p->dist_bands[r - 1] : 0;
	}
}

void
sc_knox_col_edges(const sc_knox_params *p, size_t c, double *from, double *to, bool *has_to)
{
	*from = c == 0 ? 0 : p->time_bands[c - 1];
	*has_to = c < p->n_time_bands;
	*to = *has_to ? p->time_bands[c] : 0;
}

bool
sc_knox_ratio(const sc_knox_result *res, size_t cell, double *ratio)
{
	double		ex = res->expected[cell];

	if (!(ex > 0))
		return false;
	*ratio = (double) res->observed[cell] / ex;
	return true;
}

bool
sc_knox_significant(const sc_knox_result *res, size_t cell, double alpha, double min_ratio)
{
	double		ratio;

	return sc_knox_ratio(res, cell, &ratio) &&
		sc_knox_p_value(res, cell) < alpha && ratio >= min_ratio;
}

bool
sc_knox_zone(const sc_knox_params *p, const sc_knox_result *res, double alpha, double min_ratio,
			 double *distance, double *days)
{
	size_t		first,
				last,
				c;
	size_t		finite_rows = p->n_dist_bands + 1;	/* rows 0 … k */
	size_t		finite_cols = p->n_time_bands;	/* columns 0 … m−1 */
	double		from,
				to;
	bool		has_to;

#define SIG(r, c) sc_knox_significant(res, sc_knox_cell(res, (r), (c)), alpha, min_ratio)
	first = SIG(0, 0) ? 0 : 1;
	if (!SIG(first, 0))
		return false;
	last = first;
	while (last + 1 < finite_rows && SIG(last + 1, 0))
		last++;
	for (c = 1; c < finite_cols; c++)
	{
		bool		all = true;

		for (size_t r = first; r <= last && all; r++)
			all = SIG(r, c);
		if (!all)
			break;
	}
#undef SIG
	sc_knox_row_edges(p, last, &from, &to, &has_to);
	*distance = to;
	sc_knox_col_edges(p, c - 1, &from, &to, &has_to);
	*days = to;
	return true;
}
