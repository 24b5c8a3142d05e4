/* sc_risk.c — risk components (harm, recency, seasonal expectation, Mann–Kendall trend) and per-cell scores (see sc_risk.h). */
#include "sc_risk.h"
#include "sc_trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* a - b, clamped to the int64 range instead of wrapping */
static inline int64_t
sub_sat(int64_t a, int64_t b)
{
	int64_t		r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

sc_status
sc_risk_check_params(const sc_risk_params *p, sc_err *err)
{
	if (p->window <= 0)
		return sc_fail(err, SC_EINVAL, "window must be a positive interval");
	if (p->baseline <= 0)
		return sc_fail(err, SC_EINVAL, "baseline must be a positive interval");
	if (p->half_life <= 0)
		return sc_fail(err, SC_EINVAL, "half_life must be a positive interval");
	if (p->as_of <= p->data_start)
		return sc_fail(err, SC_EINVAL, "as_of is before all data (the first event's day)");
	return SC_OK;
}

sc_status
sc_risk_components(const int64_t *t, const double *w, size_t n, const sc_risk_params *p,
				   sc_risk_comp *out, const sc_alloc *alloc, sc_err *err)
{
	sc_status	st = sc_risk_check_params(p, err);
	int64_t		nyears,
				nweeks,
				covered;
	double	   *weekly = NULL,
				yearly[64];
	int32_t		years = 0;

	if (st != SC_OK)
		return st;
	memset(out, 0, sizeof(*out));
	nyears = p->baseline / SC_SEASON_SHIFT;
	if (nyears > 64)
		nyears = 64;
	nweeks = p->baseline / SC_WEEK;
	/* times and windows may lie ~2^63 µs apart: differences saturate */
	covered = sub_sat(p->as_of, p->data_start) / SC_WEEK;
	if (nweeks > covered)
		nweeks = covered;
	if (nweeks > 0)
	{
		size_t		bytes;

		if (!sc_mul_size((size_t) nweeks, sizeof(double), &bytes) ||
			!(weekly = alloc->alloc(alloc->ctx, bytes)))
			return sc_fail(err, SC_ENOMEM, "out of memory for %lld weekly counts", (long long) nweeks);
		memset(weekly, 0, bytes);
	}
	memset(yearly, 0, sizeof(yearly));
	for (size_t k = 0; k < n; k++)
	{
		int64_t		age;

		sc_alloc_poll(alloc, k);
		if (t[k] >= p->as_of)
			continue;
		age = sub_sat(p->as_of, t[k]);
		if (age <= p->window)
		{
			out->events++;
			out->harm += w[k];
			out->recency += w[k] * exp2(-(double) age / (double) p->half_life);
		}
		if ((age - 1) / SC_WEEK < nweeks)
			weekly[nweeks - 1 - (age - 1) / SC_WEEK]++;
		for (int64_t y = 1; y <= nyears; y++)
		{
			int64_t		e_y = sub_sat(p->as_of, y * SC_SEASON_SHIFT);

			if (t[k] < e_y && t[k] >= sub_sat(e_y, p->window))
				yearly[y - 1]++;
		}
	}
	if (!isfinite(out->harm) || !isfinite(out->recency))
	{
		if (weekly)
			alloc->free(alloc->ctx, weekly);
		return sc_fail(err, SC_ERANGE,
					   "the sum of the weights of %lld events overflows double precision",
					   (long long) out->events);
	}
	out->expected = 0;
	for (int64_t y = 1; y <= nyears; y++)
		if (sub_sat(sub_sat(p->as_of, y * SC_SEASON_SHIFT), p->window) >= p->data_start)
		{
			out->expected += yearly[y - 1];
			years++;
		}
	out->years = years;
	out->expected = years ? out->expected / years : NAN;
	out->ratio = (years && out->expected > 0) ? (double) out->events / out->expected : NAN;
	out->weeks = (int32_t) (nweeks > 0 ? nweeks : 0);
	if (nweeks >= 3)
		st = sc_mann_kendall(weekly, (size_t) nweeks, alloc, &out->trend_s, &out->trend_z, err);
	else
		out->trend_s = out->trend_z = NAN;
	if (weekly)
		alloc->free(alloc->ctx, weekly);
	return st;
}

sc_status
sc_risk_check_weights(const sc_risk_weights *w, sc_err *err)
{
	const double v[4] = {w->harm, w->recency, w->seasonal, w->trend};
	const char *names[4] = {"w_harm", "w_recency", "w_seasonal", "w_trend"};

	for (int k = 0; k < 4; k++)
		if (!isfinite(v[k]) || v[k] < 0)
			return sc_fail(err, SC_EINVAL, "%s must be a finite number >= 0 (got %g)", names[k], v[k]);
	if (v[0] + v[1] + v[2] + v[3] <= 0)
		return sc_fail(err, SC_EINVAL, "the component weights must not all be 0");
	return SC_OK;
}

/* --- per-cell scores ---------------------------------------------------- */

typedef struct cell_event
{
	int32_t		i;
	int32_t		j;
	int64_t		t;
	double		w;
} cell_event;

static int
cmp_cell_event(const void *a, const void *b)
{
	const cell_event *x = a,
			   *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	return (x->t > y->t) - (x->t < y->t);
}

static void *
alloc_array(const sc_alloc *alloc, size_t n, size_t size)
{
	size_t		bytes;

	if (!sc_mul_size(n ? n : 1, size, &bytes))
		return NULL;
	return alloc->alloc(alloc->ctx, bytes);
}

sc_status
sc_risk_cells(const sc_events *e, double cell_size, const sc_risk_params *p,
			  const sc_risk_weights *w, const sc_tier_rule *rule,
			  sc_risk_cell **cells_out, size_t *ncells_out,
			  const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_err *err)
{
	sc_status	st;
	cell_event *ce = NULL;
	sc_risk_cell *cells = NULL;
	int64_t    *ts = NULL;
	double	   *ws = NULL,
			   *scores = NULL;
	uint8_t    *tiers = NULL;
	int64_t    *ranks = NULL;
	size_t		m = 0,
				nc = 0;
	int64_t		from;
	double		maxv[4] = {0, 0, 0, 0};
	double		wt[4] = {w->harm, w->recency, w->seasonal, w->trend};
	double		wsum = w->harm + w->recency + w->seasonal + w->trend;

	*cells_out = NULL;
	*ncells_out = 0;
	if (!(cell_size > 0) || !isfinite(cell_size))
		return sc_fail(err, SC_EINVAL, "cell_size must be a positive finite number (got %g)", cell_size);
	if ((st = sc_risk_check_params(p, err)) != SC_OK || (st = sc_risk_check_weights(w, err)) != SC_OK)
		return st;
	/*
	 * The score is a weighted mean, so only the weights' ratios count: when
	 * their sum overflows (weights near 1e308) a quarter of each is exact
	 * and sums within range.
	 */
	if (!isfinite(wsum))
	{
		wsum = 0;
		for (int q = 0; q < 4; q++)
		{
			wt[q] *= 0.25;
			wsum += wt[q];
		}
	}
	if (rule->method == SC_METHOD_QUANTILE)
		st = sc_tier_check_shares(rule->red, rule->orange, rule->yellow, err);
	else
		st = sc_tier_check_thresholds(rule->red, rule->orange, rule->yellow, err);
	if (st != SC_OK)
		return st;
	from = sub_sat(p->as_of, p->window > p->baseline ? p->window : p->baseline);

	/* the events, then the sort's room for them */
	if (!(ce = alloc_array(alloc, e->n, 2 * sizeof(cell_event))))
		return sc_fail(err, SC_ENOMEM, "out of memory for %zu events", e->n);
	for (size_t k = 0; k < e->n; k++)
	{
		int64_t		t = sc_event_time(e, k);

		if (interrupt && k % SC_INTERRUPT_EVERY == 0)
			interrupt();
		if (t < from || t >= p->as_of)
			continue;
		if ((st = sc_square_cell(e->x[k], e->y[k], cell_size, &ce[m].i, &ce[m].j, err)) != SC_OK)
			goto done;
		ce[m].t = t;
		ce[m].w = e->w ? e->w[k] : 1.0;
		m++;
	}
	/* stable: events equal in cell and time keep their order, so do the sums */
	sc_sort(ce, ce + e->n, m, sizeof(cell_event), cmp_cell_event, interrupt);
	for (size_t k = 0; k < m; k++)
		if (k == 0 || ce[k].i != ce[k - 1].i || ce[k].j != ce[k - 1].j)
			nc++;
	if (!(cells = alloc_array(alloc, nc, sizeof(sc_risk_cell))) ||
		!(ts = alloc_array(alloc, m, sizeof(int64_t))) ||
		!(ws = alloc_array(alloc, m, sizeof(double))) ||
		!(scores = alloc_array(alloc, nc, sizeof(double))) ||
		!(tiers = alloc_array(alloc, nc, sizeof(uint8_t))) ||
		!(ranks = alloc_array(alloc, nc, sizeof(int64_t))))
	{
		st = sc_fail(err, SC_ENOMEM, "out of memory for %zu cells", nc);
		goto done;
	}
	memset(cells, 0, (nc ? nc : 1) * sizeof(sc_risk_cell));
	for (size_t k = 0, c = 0; k < m; c++)
	{
		size_t		end = k,
					g = 0;
		double		raw[4];
		sc_risk_comp *rc = &cells[c].c;

		/* a cell's components can take long (millions of weeks): check each */
		if (interrupt)
			interrupt();
		while (end < m && ce[end].i == ce[k].i && ce[end].j == ce[k].j)
		{
			ts[g] = ce[end].t;
			ws[g] = ce[end].w;
			g++;
			end++;
		}
		cells[c].i = ce[k].i;
		cells[c].j = ce[k].j;
		if ((st = sc_risk_components(ts, ws, g, p, rc, alloc, err)) != SC_OK)
		{
			if (st == SC_ERANGE)
			{
				sc_err		inner = *err;

				sc_fail(err, st, "cell (%d,%d): %s", cells[c].i, cells[c].j, inner.msg);
			}
			goto done;
		}
		raw[0] = rc->harm;
		raw[1] = rc->recency;
		raw[2] = isnan(rc->expected) ? 0 : (double) rc->events / (rc->expected + 1);
		raw[3] = isnan(rc->trend_z) ? 0 : fmax(0, rc->trend_z);
		for (int q = 0; q < 4; q++)
		{
			cells[c].norm[q] = raw[q];
			if (raw[q] > maxv[q])
				maxv[q] = raw[q];
		}
		k = end;
	}
	for (size_t c = 0; c < nc; c++)
	{
		double		s = 0;

		for (int q = 0; q < 4; q++)
		{
			cells[c].norm[q] = maxv[q] > 0 ? cells[c].norm[q] / maxv[q] : 0;
			s += wt[q] * cells[c].norm[q];
		}
		cells[c].score = s / wsum;
		scores[c] = cells[c].score;
	}
	if (rule->method == SC_METHOD_QUANTILE)
		st = sc_tier_quantile(scores, nc, rule->red, rule->orange, rule->yellow, tiers, ranks, alloc, err);
	else
		st = sc_tier_quantile(scores, nc, SC_TIER_RED_SHARE, SC_TIER_ORANGE_SHARE,
							  SC_TIER_YELLOW_SHARE, tiers, ranks, alloc, err);
	if (st != SC_OK)
		goto done;
	for (size_t c = 0; c < nc; c++)
	{
		cells[c].rank = ranks[c];
		cells[c].tier = rule->method == SC_METHOD_QUANTILE ? tiers[c] :
			(uint8_t) sc_tier_threshold(cells[c].score, rule->red, rule->orange, rule->yellow);
	}
	*cells_out = cells;
	*ncells_out = nc;
	cells = NULL;
	st = SC_OK;
done:
	if (ce)
		alloc->free(alloc->ctx, ce);
	if (cells)
		alloc->free(alloc->ctx, cells);
	if (ts)
		alloc->free(alloc->ctx, ts);
	if (ws)
		alloc->free(alloc->ctx, ws);
	if (scores)
		alloc->free(alloc->ctx, scores);
	if (tiers)
		alloc->free(alloc->ctx, tiers);
	if (ranks)
		alloc->free(alloc->ctx, ranks);
	return st;
}
