/* sc_risk_tiers.c — tiers graded from a forecast (see sc_risk_tiers.h). */
#include "sc_risk_tiers.h"

#include "sc_tiers.h"

#include <math.h>
#include <string.h>

void
sc_rt_rule_default(sc_rt_rule *r)
{
	r->share[0] = SC_TIER_RED_SHARE;
	r->share[1] = SC_TIER_ORANGE_SHARE;
	r->share[2] = SC_TIER_YELLOW_SHARE;
	r->cap[0] = r->cap[1] = r->cap[2] = 0;
	r->keep = SC_RT_KEEP;
	r->lookback = SC_RT_LOOKBACK;
}

bool
sc_rt_stale(const sc_fc_data *d, int64_t as_of, int64_t *last)
{
	size_t		k = d->n;

	/* d->t ascends: the last event before as_of */
	while (k > 0 && d->t[k - 1] >= as_of)
		k--;
	if (k == 0)
		return false;
	*last = d->t[k - 1];
	return as_of - *last > SC_RT_SEVERITY_WINDOW;
}

sc_status
sc_rt_check_rule(const sc_rt_rule *r, sc_err *err)
{
	sc_status	st = sc_tier_check_shares(r->share[0], r->share[1], r->share[2], err);

	if (st != SC_OK)
		return st;
	for (int k = 0; k < 3; k++)
		if (r->cap[k] < 0)
			return sc_fail(err, SC_EINVAL, "a tier's cap must be >= 0 cells (got %lld)", (long long) r->cap[k]);
	if (!(r->keep > 0 && r->keep <= 1))
		return sc_fail(err, SC_EINVAL, "keep must lie in (0, 1] (got %g)", r->keep);
	if (r->lookback < 0 || r->lookback > SC_RT_MAX_LOOKBACK)
		return sc_fail(err, SC_EINVAL, "lookback must lie in 0..%d (got %d)", SC_RT_MAX_LOOKBACK, r->lookback);
	return SC_OK;
}

/*
 * Severity of each cell at t: (H_c + m·w̄) / ((n_c + m)·w̄) over the events
 * of [t - 1 year, t), bounded to [1/2, 2]: one serious event among few
 * moves a cell at most to twice its volume, never alone into red.
 */
static void
severity_at(const sc_fc_data *d, int64_t t, double *sev, double *harm, double *count)
{
	size_t		a = sc_fc_time_index(d, t - SC_RT_SEVERITY_WINDOW),
				b = sc_fc_time_index(d, t);
	double		H = 0,
				n = 0,
				wmax = 0,
				scale = 1,
				wbar;
	int			e;

	/*
	 * Severity is a ratio of weights: they are summed as multiples of a
	 * power of two near the largest (exact), so weights near 1e308 do not
	 * overflow into NaN.
	 */
	for (size_t k = a; k < b; k++)
		if (d->cell[k] >= 0 && fabs(d->w[k]) > wmax)
			wmax = fabs(d->w[k]);
	if (wmax > 0)
	{
		frexp(wmax, &e);
		scale = ldexp(1.0, -e);
	}
	memset(harm, 0, d->ncells * sizeof(double));
	memset(count, 0, d->ncells * sizeof(double));
	for (size_t k = a; k < b; k++)
		if (d->cell[k] >= 0)
		{
			harm[d->cell[k]] += d->w[k] * scale;
			count[d->cell[k]] += 1;
			H += d->w[k] * scale;
			n += 1;
		}
	wbar = n > 0 ? H / n : 0;
	for (size_t c = 0; c < d->ncells; c++)
	{
		double		s = wbar > 0 ?
			(harm[c] + SC_RT_SEVERITY_PRIOR * wbar) / ((count[c] + SC_RT_SEVERITY_PRIOR) * wbar) : 1;

		sev[c] = fmin(fmax(s, 1 / SC_RT_SEVERITY_MAX), SC_RT_SEVERITY_MAX);
	}
}

typedef struct rt_work
{
	double	   *expected;
	double	   *typical;
	double	   *sev;
	double	   *harm;
	double	   *count;
	double	   *ref;
	size_t	   *order;
	sc_keyed   *k1;
	sc_keyed   *k2;
	uint8_t    *prev;
} rt_work;

static void
rt_work_free(const sc_fc_data *d, rt_work *w)
{
	sc_free(&d->alloc, w->expected);
	sc_free(&d->alloc, w->typical);
	sc_free(&d->alloc, w->sev);
	sc_free(&d->alloc, w->harm);
	sc_free(&d->alloc, w->count);
	sc_free(&d->alloc, w->ref);
	sc_free(&d->alloc, w->order);
	sc_free(&d->alloc, w->k1);
	sc_free(&d->alloc, w->k2);
	sc_free(&d->alloc, w->prev);
}

static sc_status
rt_work_alloc(const sc_fc_data *d, rt_work *w, sc_err *err)
{
	size_t		n = d->ncells;

	memset(w, 0, sizeof(*w));
	if (!(w->expected = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->typical = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->sev = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->harm = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->count = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->ref = sc_alloc_array(&d->alloc, n, sizeof(double), err, "the tiers")) ||
		!(w->order = sc_alloc_array(&d->alloc, n, sizeof(size_t), err, "the tiers")) ||
		!(w->k1 = sc_alloc_array(&d->alloc, n, sizeof(sc_keyed), err, "the tiers")) ||
		!(w->k2 = sc_alloc_array(&d->alloc, n, sizeof(sc_keyed), err, "the tiers")) ||
		!(w->prev = sc_alloc_array(&d->alloc, n, 1, err, "the tiers")))
	{
		rt_work_free(d, w);
		return SC_ENOMEM;
	}
	return SC_OK;
}

/* one step of the rule at t; w->prev holds the previous tiers (0 none) */
static sc_status
rt_step(const sc_fc_data *d, const sc_fc_spec *spec, int64_t t, int64_t horizon,
		const sc_rt_rule *rule, rt_work *w, sc_rt_cell *cells, double cuts[3],
		sc_interrupt_fn interrupt, sc_err *err)
{
	size_t		n = d->ncells;
	sc_status	st;
	double		cut[3];

	if ((st = sc_fc_forecast(d, spec, t, horizon, w->expected, w->typical, NULL, interrupt, err)) != SC_OK)
		return st;
	severity_at(d, t, w->sev, w->harm, w->count);
	/* cut-offs: the reference shares of the typical priorities */
	for (size_t c = 0; c < n; c++)
		w->ref[c] = w->typical[c] * w->sev[c];
	if ((st = sc_fc_rank(w->ref, n, w->order, w->k1, w->k2, interrupt, err)) != SC_OK)
		return st;
	for (int k = 0; k < 3; k++)
		cut[k] = w->ref[w->order[sc_fc_cover_cells(rule->share[k], n) - 1]];
	for (size_t c = 0; c < n; c++)
	{
		double		p = w->expected[c] * w->sev[c];
		uint8_t		tier = SC_TIER_NONE,
					pv = w->prev[c];

		sc_alloc_poll(&d->alloc, c);
		if (p > 0)
			for (int k = 0; k < 3; k++)
				if (cut[k] > 0 && p >= cut[k])
				{
					tier = (uint8_t) (SC_TIER_RED - k);
					break;
				}
		/* hysteresis: a cell stays while it keeps most of its tier's cut-off */
		if (pv > tier && p > 0 && p >= rule->keep * cut[SC_TIER_RED - pv])
			tier = pv;
		cells[c].expected = w->expected[c];
		cells[c].typical = w->typical[c];
		cells[c].severity = w->sev[c];
		cells[c].priority = p;
		cells[c].events = (int64_t) w->count[c];
		cells[c].tier = tier;
		w->ref[c] = p;
	}
	/* ranks by priority, and the caps from red down */
	if ((st = sc_fc_rank(w->ref, n, w->order, w->k1, w->k2, interrupt, err)) != SC_OK)
		return st;
	for (int k = 0; k < 3; k++)
	{
		uint8_t		t3 = (uint8_t) (SC_TIER_RED - k);
		int64_t		seen = 0;

		if (rule->cap[k] == 0)
			continue;
		for (size_t p = 0; p < n; p++)
		{
			sc_rt_cell *c = &cells[w->order[p]];

			if (c->tier == t3 && ++seen > rule->cap[k])
				c->tier = (uint8_t) (t3 - 1);
		}
	}
	for (size_t p = 0; p < n; p++)
	{
		size_t		c = w->order[p];

		/* ties share the rank of the first of them */
		cells[c].rank = p > 0 && w->ref[c] == w->ref[w->order[p - 1]] ? cells[w->order[p - 1]].rank : (int64_t) p + 1;
	}
	for (size_t c = 0; c < n; c++)
		w->prev[c] = cells[c].tier;
	if (cuts)
		memcpy(cuts, cut, sizeof(cut));
	return SC_OK;
}

/* the rule replayed over the lookback horizons up to as_of */
static sc_status
rt_replay(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of, int64_t horizon,
		  const sc_rt_rule *rule, rt_work *w, sc_rt_cell *cells, double cuts[3],
		  sc_interrupt_fn interrupt, sc_err *err)
{
	sc_status	st;

	memset(w->prev, 0, d->ncells);
	for (int k = rule->lookback; k >= 0; k--)
	{
		int64_t		t = as_of - (int64_t) k * horizon;

		if (t <= d->data_start)
			continue;
		if ((st = rt_step(d, spec, t, horizon, rule, w, cells, cuts, interrupt, err)) != SC_OK)
			return st;
	}
	return SC_OK;
}

sc_status
sc_rt_tiers(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of, int64_t horizon,
			const sc_rt_rule *rule, sc_rt_cell *cells, double cuts[3],
			sc_interrupt_fn interrupt, sc_err *err)
{
	rt_work		w;
	sc_status	st;

	if ((st = sc_rt_check_rule(rule, err)) != SC_OK)
		return st;
	if (horizon <= 0)
		return sc_fail(err, SC_EINVAL, "horizon must be a positive interval");
	if (as_of <= d->data_start)
		return sc_fail(err, SC_EINVAL, "as_of is before all data (the first event's day)");
	if (horizon > INT64_MAX / (SC_RT_MAX_LOOKBACK + 1))
		return sc_fail(err, SC_ERANGE, "horizon is too long");
	if ((st = rt_work_alloc(d, &w, err)) != SC_OK)
		return st;
	st = rt_replay(d, spec, as_of, horizon, rule, &w, cells, cuts, interrupt, err);
	rt_work_free(d, &w);
	return st;
}

/*
 * The tiers of d's cells at o as safety.forecast_tiers gives them there:
 * forecast and cut-offs over every cell holding an event before o, read
 * back for d's cells.
 */
static sc_status
rt_at_origin(const sc_fc_data *d, const sc_fc_spec *spec, int64_t o, int64_t horizon,
			 const sc_rt_rule *rule, rt_work *w, sc_rt_cell *cells,
			 sc_interrupt_fn interrupt, sc_err *err)
{
	sc_fc_data	at;
	rt_work		aw;
	sc_rt_cell *ac;
	sc_status	st;

	if (!sc_fc_cells_grew(d, o))
		return rt_replay(d, spec, o, horizon, rule, w, cells, NULL, interrupt, err);
	if ((st = sc_fc_prepare_at(d, o, &at, interrupt, err)) != SC_OK)
		return st;
	if ((st = rt_work_alloc(&at, &aw, err)) != SC_OK)
	{
		sc_fc_free(&at);
		return st;
	}
	if (!(ac = sc_alloc_array(&d->alloc, at.ncells, sizeof(sc_rt_cell), err, "the tiers")))
		st = SC_ENOMEM;
	else if ((st = rt_replay(&at, spec, o, horizon, rule, &aw, ac, NULL, interrupt, err)) == SC_OK)
		for (size_t c = 0; c < d->ncells; c++)
		{
			sc_alloc_poll(&d->alloc, c);
			cells[c] = ac[sc_fc_cell_index(&at, d->ci[c], d->cj[c])];
		}
	sc_free(&d->alloc, ac);
	rt_work_free(&at, &aw);
	sc_fc_free(&at);
	return st;
}

sc_status
sc_rt_backtest(const sc_fc_data *d, const sc_fc_spec *spec, const sc_rt_rule *rule,
			   int64_t start, int64_t stop, int64_t step, int64_t horizon,
			   sc_rt_bt_row **rows_out, size_t *nrows_out, sc_interrupt_fn interrupt,
			   sc_err *err)
{
	rt_work		w;
	sc_status	st;
	sc_rt_cell *cells = NULL;
	uint8_t    *last = NULL;
	sc_rt_bt_row *rows = NULL;
	size_t		norigins = 0,
				nrows = 0;

	*rows_out = NULL;
	*nrows_out = 0;
	if ((st = sc_rt_check_rule(rule, err)) != SC_OK)
		return st;
	if ((st = sc_fc_origins(start, stop, step, horizon, SC_RT_MAX_ORIGINS, &norigins, err)) != SC_OK)
		return st;
	if (start <= d->data_start)
		return sc_fail(err, SC_EINVAL, "start is before all data (the first event's day)");
	if (d->ncells == 0)
		return sc_fail(err, SC_EINVAL, "no study cell: no event before start");
	if ((st = rt_work_alloc(d, &w, err)) != SC_OK)
		return st;
	if (!(cells = sc_alloc_array(&d->alloc, d->ncells, sizeof(sc_rt_cell), err, "the tiers")) ||
		!(last = sc_alloc_array(&d->alloc, d->ncells, 1, err, "the tiers")) ||
		!(rows = sc_alloc_array(&d->alloc, norigins * 4, sizeof(sc_rt_bt_row), err, "the back-test rows")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	for (size_t q = 0; q < norigins; q++)
	{
		int64_t		o = start + (int64_t) q * step;
		sc_rt_bt_row *r = rows + nrows;

		if ((st = rt_at_origin(d, spec, o, horizon, rule, &w, cells, interrupt, err)) != SC_OK)
			goto done;
		for (int k = 0; k < 4; k++)
		{
			memset(&r[k], 0, sizeof(r[k]));
			r[k].origin = o;
			r[k].tier = (uint8_t) (SC_TIER_RED - k);
			r[k].changed = o == start ? -1 : 0;
		}
		for (size_t c = 0; c < d->ncells; c++)
		{
			sc_rt_bt_row *t = &r[SC_TIER_RED - cells[c].tier];

			sc_alloc_poll(&d->alloc, c);
			t->cells++;
			t->events += (int64_t) sc_fc_cell_count(d, c, o, o + horizon);
			t->expected += cells[c].expected;
			if (o != start && last[c] != cells[c].tier)
				t->changed++;
			last[c] = cells[c].tier;
		}
		nrows += 4;
	}
	*rows_out = rows;
	*nrows_out = nrows;
	rows = NULL;
done:
	sc_free(&d->alloc, cells);
	sc_free(&d->alloc, last);
	sc_free(&d->alloc, rows);
	rt_work_free(d, &w);
	return st;
}
