/* sc_forecast.c — per-cell forecasts and their back-test (see sc_forecast.h). */
#include "sc_forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FC_PI 3.14159265358979323846

static const char *const model_names[] = {"naive", "counts", "kde", "prospective", "sepp"};

sc_status
sc_fc_model_parse(const char *name, sc_fc_model *m, sc_err *err)
{
	for (int k = 0; k <= SC_FC_SEPP; k++)
		if (strcasecmp(name, model_names[k]) == 0)
		{
			*m = (sc_fc_model) k;
			return SC_OK;
		}
	if (strcasecmp(name, "default") == 0)
	{
		*m = SC_FC_SEPP;
		return SC_OK;
	}
	return sc_fail(err, SC_EINVAL,
				   "unknown model \"%.64s\" (models: default, sepp, naive, counts, kde, prospective)",
				   name);
}

const char *
sc_fc_model_name(sc_fc_model m)
{
	return m <= SC_FC_SEPP ? model_names[m] : "?";
}

void
sc_fc_resolve(const sc_fc_spec *in, double s, int64_t horizon, sc_fc_spec *out)
{
	*out = *in;
	switch (in->model)
	{
		case SC_FC_NAIVE:
			out->window = horizon;
			out->bandwidth = 0;
			break;
		case SC_FC_COUNTS:
			if (out->window == 0)
				out->window = SC_FC_COUNTS_WINDOW;
			out->bandwidth = 0;
			break;
		case SC_FC_KDE:
			if (out->window == 0)
				out->window = SC_FC_KDE_WINDOW;
			if (out->bandwidth == 0)
				out->bandwidth = 2 * s;
			break;
		case SC_FC_PROSPECTIVE:
			if (out->window == 0)
				out->window = SC_FC_PROSPECTIVE_WINDOW;
			if (out->bandwidth == 0)
				out->bandwidth = SC_FC_PROSPECTIVE_BANDWIDTH;
			break;
		case SC_FC_SEPP:
			/* bandwidth 0: chosen by the fit */
			if (out->window == 0)
				out->window = SC_FC_SEPP_HISTORY;
			break;
	}
}

sc_status
sc_fc_check_spec(const sc_fc_spec *spec, sc_err *err)
{
	if (spec->model > SC_FC_SEPP)
		return sc_fail(err, SC_EINVAL, "unknown model");
	if (spec->window < 0)
		return sc_fail(err, SC_EINVAL, "window must be a positive interval");
	if (!isfinite(spec->bandwidth) || spec->bandwidth < 0)
		return sc_fail(err, SC_EINVAL, "bandwidth must be a finite number > 0 (got %g)", spec->bandwidth);
	return SC_OK;
}

sc_status
sc_fc_check_coverage(double share, sc_err *err)
{
	if (!(share > 0 && share <= 1))
		return sc_fail(err, SC_EINVAL, "coverage must lie in (0, 1] (got %g)", share);
	return SC_OK;
}

size_t
sc_fc_cover_cells(double share, size_t n)
{
	/* the tolerance keeps 0.01 · 300 at 3 despite rounding */
	double		c = ceil(share * (double) n * (1 - 1e-12));
	size_t		k = !(c >= 1) ? 1 : c >= (double) n ? n : (size_t) c;

	return k > n ? n : k;
}

/* --- preparing a collection ------------------------------------------- */

void
sc_fc_free(sc_fc_data *d)
{
	sc_free(&d->alloc, d->t);
	sc_free(&d->alloc, d->x);
	sc_free(&d->alloc, d->y);
	sc_free(&d->alloc, d->w);
	sc_free(&d->alloc, d->cell);
	sc_free(&d->alloc, d->ci);
	sc_free(&d->alloc, d->cj);
	sc_free(&d->alloc, d->cstart);
	sc_free(&d->alloc, d->ct);
	sc_free(&d->alloc, d->cx);
	sc_free(&d->alloc, d->cy);
	sc_grid_free(&d->lookup);
	memset(d, 0, sizeof(*d));
}

sc_status
sc_fc_prepare(const sc_events *e, double cell_size, int64_t area_before, size_t max_cells,
			  sc_fc_data *d, const sc_alloc *alloc, sc_interrupt_fn interrupt, sc_err *err)
{
	sc_status	st;
	sc_keyed   *a = NULL,
			   *tmp = NULL;
	int32_t    *ei = NULL,
			   *ej = NULL;
	size_t		n = e->n,
				nc = 0;
	int64_t		first;

	memset(d, 0, sizeof(*d));
	d->alloc = *alloc;
	d->cell_size = cell_size;
	d->max_cells = max_cells;
	d->first_outside = INT64_MAX;
	sc_grid_init(&d->lookup, SC_GRID_SQUARE, e->srid, cell_size, max_cells, alloc);
	if (!(cell_size > 0) || !isfinite(cell_size))
		return sc_fail(err, SC_EINVAL, "cell_size must be a positive finite number (got %g)", cell_size);
	if ((st = sc_events_first_time(e, &first, err)) != SC_OK)
		return st;
	d->data_start = sc_day_start(first);
	d->n = n;
	if (!(d->t = sc_alloc_array(alloc, n, sizeof(int64_t), err, "event times")) ||
		!(d->x = sc_alloc_array(alloc, n, sizeof(double), err, "event coordinates")) ||
		!(d->y = sc_alloc_array(alloc, n, sizeof(double), err, "event coordinates")) ||
		!(d->w = sc_alloc_array(alloc, n, sizeof(double), err, "event weights")) ||
		!(d->cell = sc_alloc_array(alloc, n, sizeof(int64_t), err, "event cells")) ||
		!(a = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the time order")) ||
		!(tmp = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the time order")) ||
		!(ei = sc_alloc_array(alloc, n, sizeof(int32_t), err, "event cells")) ||
		!(ej = sc_alloc_array(alloc, n, sizeof(int32_t), err, "event cells")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	/* events in time order (stable, so equal times keep the canonical order) */
	for (size_t k = 0; k < n; k++)
	{
		sc_alloc_poll(alloc, k);
		a[k].key = (uint64_t) sc_event_time(e, k) ^ UINT64_C(0x8000000000000000);
		a[k].payload = k;
	}
	sc_radix_sort(a, tmp, n, interrupt);
	for (size_t k = 0; k < n; k++)
	{
		size_t		src = (size_t) a[k].payload;

		if (interrupt && k % SC_INTERRUPT_EVERY == 0)
			interrupt();
		d->t[k] = (int64_t) (a[k].key ^ UINT64_C(0x8000000000000000));
		d->x[k] = e->x[src];
		d->y[k] = e->y[src];
		d->w[k] = e->w ? e->w[src] : 1.0;
		if ((st = sc_square_cell(d->x[k], d->y[k], cell_size, &ei[k], &ej[k], err)) != SC_OK)
			goto done;
		if (d->t[k] < area_before &&
			(st = sc_grid_add(&d->lookup, ei[k], ej[k], 0, err)) != SC_OK)
			goto done;
	}
	/* study cells sorted by cell id (signed, as SQL orders bigint) */
	{
		sc_cell    *cells;

		if ((st = sc_grid_sorted(&d->lookup, &cells, err)) != SC_OK)
			goto done;
		nc = d->lookup.count;
		for (size_t k = 0; k < nc; k++)
		{
			sc_alloc_poll(alloc, k);
			tmp[k].key = (uint64_t) sc_cell_id(cells[k].i, cells[k].j) ^ UINT64_C(0x8000000000000000);
			tmp[k].payload = k;
		}
		sc_radix_sort(tmp, a, nc, interrupt);
		d->ncells = nc;
		if (!(d->ci = sc_alloc_array(alloc, nc, sizeof(int32_t), err, "study cells")) ||
			!(d->cj = sc_alloc_array(alloc, nc, sizeof(int32_t), err, "study cells")) ||
			!(d->cstart = sc_alloc_array(alloc, nc + 1, sizeof(size_t), err, "study cells")))
		{
			sc_free(alloc, cells);
			st = SC_ENOMEM;
			goto done;
		}
		sc_grid_free(&d->lookup);
		sc_grid_init(&d->lookup, SC_GRID_SQUARE, e->srid, cell_size, 0, alloc);
		for (size_t k = 0; k < nc; k++)
		{
			const sc_cell *c = &cells[tmp[k].payload];

			sc_alloc_poll(alloc, k);
			d->ci[k] = c->i;
			d->cj[k] = c->j;
			if ((st = sc_grid_add(&d->lookup, c->i, c->j, (double) k + 1, err)) != SC_OK)
			{
				sc_free(alloc, cells);
				goto done;
			}
		}
		sc_free(alloc, cells);
	}
	/* each event's study cell, and the times of each cell's events (CSR) */
	memset(d->cstart, 0, (nc + 1) * sizeof(size_t));
	for (size_t k = 0; k < n; k++)
	{
		double		v;

		sc_alloc_poll(alloc, k);
		d->cell[k] = sc_grid_get(&d->lookup, ei[k], ej[k], &v) ? (int64_t) v - 1 : -1;
		if (d->cell[k] >= 0)
			d->cstart[d->cell[k] + 1]++;
		else if (d->t[k] < d->first_outside)
			d->first_outside = d->t[k];
	}
	for (size_t c = 0; c < nc; c++)
		d->cstart[c + 1] += d->cstart[c];
	if (!(d->ct = sc_alloc_array(alloc, d->cstart[nc], sizeof(int64_t), err, "cell event times")) ||
		!(d->cx = sc_alloc_array(alloc, d->cstart[nc], sizeof(double), err, "cell event places")) ||
		!(d->cy = sc_alloc_array(alloc, d->cstart[nc], sizeof(double), err, "cell event places")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	{
		size_t	   *fill = sc_alloc_array(alloc, nc, sizeof(size_t), err, "cell event times");

		if (!fill)
		{
			st = SC_ENOMEM;
			goto done;
		}
		memcpy(fill, d->cstart, nc * sizeof(size_t));
		for (size_t k = 0; k < n; k++)
			if (d->cell[k] >= 0)
			{
				size_t		at = fill[d->cell[k]]++;

				d->ct[at] = d->t[k];
				d->cx[at] = d->x[k];
				d->cy[at] = d->y[k];
			}
		sc_free(alloc, fill);
	}
	st = SC_OK;
done:
	sc_free(alloc, a);
	sc_free(alloc, tmp);
	sc_free(alloc, ei);
	sc_free(alloc, ej);
	if (st != SC_OK)
		sc_fc_free(d);
	return st;
}

/* first index in t[lo..hi) with t >= v */
static size_t
lower_bound(const int64_t *t, size_t lo, size_t hi, int64_t v)
{
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (t[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* events of study cell c in [from, to) */
static inline void
cell_range(const sc_fc_data *d, size_t c, int64_t from, int64_t to, size_t *a, size_t *b)
{
	*a = lower_bound(d->ct, d->cstart[c], d->cstart[c + 1], from);
	*b = lower_bound(d->ct, *a, d->cstart[c + 1], to);
}

size_t
sc_fc_time_index(const sc_fc_data *d, int64_t t)
{
	return lower_bound(d->t, 0, d->n, t);
}

size_t
sc_fc_cell_count(const sc_fc_data *d, size_t c, int64_t from, int64_t to)
{
	size_t		a,
				b;

	cell_range(d, c, from, to, &a, &b);
	return b - a;
}

/* --- the baselines ------------------------------------------------------ */

static void
fc_counts(const sc_fc_data *d, int64_t as_of, int64_t window, int64_t horizon, double *out)
{
	double		scale = window == horizon ? 1.0 : (double) horizon / (double) window;

	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, as_of - window, as_of, &a, &b);
		out[c] = window == horizon ? (double) (b - a) : (double) (b - a) * scale;
	}
}

/*
 * Run the statements after dist for every study cell whose centre lies
 * strictly within r of (x, y), with c its index and dist the distance.
 */
#define FOR_CELLS_NEAR(d, x, y, r, c, dist, ...) \
	do { \
		double s_ = (d)->cell_size; \
		int64_t i0_ = (int64_t) floor(((x) - (r)) / s_ - 0.5), i1_ = (int64_t) ceil(((x) + (r)) / s_ - 0.5); \
		int64_t j0_ = (int64_t) floor(((y) - (r)) / s_ - 0.5), j1_ = (int64_t) ceil(((y) + (r)) / s_ - 0.5); \
		for (int64_t i_ = i0_; i_ <= i1_; i_++) \
			for (int64_t j_ = j0_; j_ <= j1_; j_++) \
			{ \
				double v_, dx_, dy_; \
				if (i_ < -SC_CELL_INDEX_MAX || i_ > SC_CELL_INDEX_MAX || \
					j_ < -SC_CELL_INDEX_MAX || j_ > SC_CELL_INDEX_MAX || \
					!sc_grid_get(&(d)->lookup, (int32_t) i_, (int32_t) j_, &v_)) \
					continue; \
				dx_ = ((double) i_ + 0.5) * s_ - (x); \
				dy_ = ((double) j_ + 0.5) * s_ - (y); \
				dist = sqrt(dx_ * dx_ + dy_ * dy_); \
				if (!(dist < (r))) \
					continue; \
				c = (size_t) v_ - 1; \
				__VA_ARGS__; \
			} \
	} while (0)

/* events between interrupt checks: fewer when each event visits many cells */
static size_t
poll_every(const sc_fc_data *d, double r)
{
	double		cells = (2 * r / d->cell_size + 2) * (2 * r / d->cell_size + 2);

	return cells > SC_INTERRUPT_EVERY ? 1 : SC_INTERRUPT_EVERY / (size_t) cells;
}

/* quartic kernel density of the window's events, times the cell area, scaled to the horizon */
static void
fc_kde(const sc_fc_data *d, int64_t as_of, int64_t window, double h, int64_t horizon,
	   double *out, sc_interrupt_fn interrupt)
{
	size_t		a = lower_bound(d->t, 0, d->n, as_of - window),
				b = lower_bound(d->t, a, d->n, as_of);
	double		norm = 3.0 / FC_PI / (h * h) * d->cell_size * d->cell_size *
		((double) horizon / (double) window);
	size_t		every = poll_every(d, h);

	memset(out, 0, d->ncells * sizeof(double));
	for (size_t k = a; k < b; k++)
	{
		size_t		c;
		double		dist;

		if (interrupt && (k - a) % every == 0)
			interrupt();
		FOR_CELLS_NEAR(d, d->x[k], d->y[k], h, c, dist, {
			double u = dist / h, q = 1 - u * u;
			out[c] += q * q;
		});
	}
	for (size_t c = 0; c < d->ncells; c++)
		out[c] *= norm;
}

/*
 * Prospective hotspotting (Bowers, Johnson & Pease 2004): each event of the
 * window within the bandwidth of a cell's centre adds
 * 1 / (1 + distance in cell widths) · 1 / (1 + whole weeks elapsed).  The
 * scores are scaled so they sum to the window's events in the study cells
 * per horizon.
 */
static void
fc_prospective(const sc_fc_data *d, int64_t as_of, int64_t window, double bw, int64_t horizon,
			   double *out, sc_interrupt_fn interrupt)
{
	size_t		a = lower_bound(d->t, 0, d->n, as_of - window),
				b = lower_bound(d->t, a, d->n, as_of);
	double		total = 0,
				events = 0;
	size_t		every = poll_every(d, bw);

	memset(out, 0, d->ncells * sizeof(double));
	for (size_t k = a; k < b; k++)
	{
		size_t		c;
		double		dist;
		double		weeks = floor((double) (as_of - d->t[k]) / (double) (7 * SC_USEC_PER_DAY));
		double		tw = 1.0 / (1.0 + weeks);

		if (interrupt && (k - a) % every == 0)
			interrupt();
		if (d->cell[k] >= 0)
			events++;
		FOR_CELLS_NEAR(d, d->x[k], d->y[k], bw, c, dist, {
			out[c] += tw / (1.0 + dist / d->cell_size);
		});
	}
	for (size_t c = 0; c < d->ncells; c++)
		total += out[c];
	if (total > 0)
	{
		double		scale = events * ((double) horizon / (double) window) / total;

		for (size_t c = 0; c < d->ncells; c++)
			out[c] *= scale;
	}
}

/* --- sepp: a self-exciting point process per cell (Mohler 2014) -------- */

/*
 * In cell c the rate is  λ_c(t) = μ_c + θ ω Σ_{t_j < t} e^{-ω (t - t_j)}
 * over the cell's own earlier events.  EM (Mohler 2014, Veen & Schoenberg
 * 2008): the E-step splits each event into background (μ_c / λ) and
 * offspring of earlier events; the M-step sets μ_c to the cell's expected
 * background events over the fitted span, θ to the offspring over the
 * events' expected offspring (the compensator), ω to the offspring over
 * their summed delays.  Times are in days.
 */
typedef struct sepp_state
{
	double		theta;
	double		omega;
	double	   *mu;				/* per study cell, per day */
	double	   *pbg;			/* per event (cell order): probability it is background */
	int			iterations;
	int64_t		events;
} sepp_state;

#define SEPP_MAX_ITER 100
#define SEPP_TOL 1e-5

static void
sepp_fit(const sc_fc_data *d, int64_t from, int64_t to, sepp_state *s, sc_interrupt_fn interrupt)
{
	double		T = (double) (to - from) / (double) SC_USEC_PER_DAY;
	int64_t		used = 0;

	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, to, &a, &b);
		s->mu[c] = 0.5 * (double) (b - a) / T;
		used += (int64_t) (b - a);
		for (size_t k = a; k < b; k++)
			s->pbg[k] = 1;
	}
	s->theta = 0.5;
	s->omega = 0.1;
	s->events = used;
	s->iterations = 0;
	for (int it = 0; it < SEPP_MAX_ITER; it++)
	{
		double		trig = 0,
					trig_delay = 0,
					comp = 0,
					th = s->theta,
					om = s->omega,
					nt,
					no,
					change = 0;

		if (interrupt)
			interrupt();
		for (size_t c = 0; c < d->ncells; c++)
		{
			size_t		a,
						b;
			double		A = 0,
						B = 0,
						bg = 0,
						mu = s->mu[c];

			sc_alloc_poll(&d->alloc, c);
			cell_range(d, c, from, to, &a, &b);
			for (size_t k = a; k < b; k++)
			{
				double		lam;

				sc_alloc_poll(&d->alloc, k);
				if (k > a)
				{
					double		dt = (double) (d->ct[k] - d->ct[k - 1]) / (double) SC_USEC_PER_DAY,
								q = exp(-om * dt);

					B = q * (B + dt * (A + 1));
					A = q * (A + 1);
				}
				lam = mu + th * om * A;
				s->pbg[k] = lam > 0 ? mu / lam : 1;
				if (lam > 0)
				{
					bg += mu / lam;
					trig += th * om * A / lam;
					trig_delay += th * om * B / lam;
				}
				comp += 1 - exp(-om * (double) (to - d->ct[k]) / (double) SC_USEC_PER_DAY);
			}
			nt = bg / T;
			if (mu > 1e-9)
				change = fmax(change, fabs(nt - mu) / mu);
			s->mu[c] = nt;
		}
		nt = comp > 0 ? trig / comp : 0;
		if (nt > 0.95)
			nt = 0.95;
		no = trig_delay > 0 ? trig / trig_delay : om;
		/* keep the mean delay between a quarter of an hour and a few years */
		no = fmin(fmax(no, 1.0 / 1000), 100);
		change = fmax(change, fmax(fabs(nt - th) / fmax(th, 1e-9), fabs(no - om) / om));
		s->theta = nt;
		s->omega = no;
		s->iterations = it + 1;
		if (change < SEPP_TOL)
			break;
	}
}

/*
 * The smoothed background (Mohler et al. 2011): each event's background
 * probability spread over the cells by a quartic kernel of bandwidth bw,
 * integrated over the cell (density at its centre times its area), per day.
 */
static void
sepp_background_kde(const sc_fc_data *d, const sepp_state *s, int64_t from, int64_t to,
					double bw, double *out)
{
	double		T = (double) (to - from) / (double) SC_USEC_PER_DAY,
				norm = 3.0 / FC_PI / (bw * bw) * d->cell_size * d->cell_size / T;
	size_t		every = poll_every(d, bw);

	memset(out, 0, d->ncells * sizeof(double));
	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, to, &a, &b);
		for (size_t k = a; k < b; k++)
		{
			size_t		m;
			double		dist,
						p = s->pbg[k];

			if (d->alloc.interrupt && k % every == 0)
				d->alloc.interrupt();
			FOR_CELLS_NEAR(d, d->cx[k], d->cy[k], bw, m, dist, {
				double u = dist / bw, q = 1 - u * u;
				out[m] += p * q * q;
			});
		}
	}
	for (size_t c = 0; c < d->ncells; c++)
		out[c] *= norm;
}

/*
 * The triggering part of each cell's forecast for [as_of, as_of + horizon):
 * θ (1 - e^{-ω h}) Σ_j e^{-ω (as_of - t_j)} over its events since from.
 * Events older than 40 decay times add less than e^-40 of their share and
 * are skipped.
 */
static void
sepp_trigger(const sc_fc_data *d, const sepp_state *s, int64_t from, int64_t as_of,
			 int64_t horizon, double *out)
{
	double		h = (double) horizon / (double) SC_USEC_PER_DAY,
				gain = s->theta * (1 - exp(-s->omega * h)),
				reach = 40.0 / s->omega * (double) SC_USEC_PER_DAY;

	if (reach < (double) (as_of - from))
		from = as_of - (int64_t) reach;
	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;
		double		A = 0;

		out[c] = 0;
		sc_alloc_poll(&d->alloc, c);
		if (gain == 0)
			continue;
		cell_range(d, c, from, as_of, &a, &b);
		for (size_t k = a; k < b; k++)
			A += exp(-s->omega * (double) (as_of - d->ct[k]) / (double) SC_USEC_PER_DAY);
		out[c] = gain * A;
	}
}

/* the background with triggering left out: every event is background */
static void
sepp_no_trigger(const sc_fc_data *d, int64_t from, int64_t to, sepp_state *s)
{
	double		T = (double) (to - from) / (double) SC_USEC_PER_DAY;

	s->theta = 0;
	s->omega = 1;
	s->iterations = 0;
	s->events = 0;
	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, to, &a, &b);
		s->mu[c] = (double) (b - a) / T;
		s->events += (int64_t) (b - a);
		for (size_t k = a; k < b; k++)
			s->pbg[k] = 1;
	}
}

/*
 * Empirical Bayes background (Clayton & Kaldor 1987; Marshall 1991): the
 * cell's rate has a gamma prior whose mean is the smoothed rate m_c (kde)
 * and whose shape ν is estimated from the spread of the cells' counts n_c
 * about it by moments; the posterior mean
 *     λ_c = r m_c (ν + n_c) / (ν + r m_c T),   r = Σ n / Σ m T
 * trusts a cell's own count where it has many events and its neighbours'
 * where it has few.  own holds n_c / T per day (background events).
 */
static double
eb_background(const sc_fc_data *d, const double *own, const double *kde, double T, double *mu)
{
	double		sn = 0,
				se = 0,
				ss = 0,
				r,
				ebar,
				var,
				nu;
	size_t		m = 0;

	for (size_t c = 0; c < d->ncells; c++)
		if (kde[c] > 0)
		{
			sn += own[c] * T;
			se += kde[c] * T;
			m++;
		}
	if (se <= 0)
	{
		memcpy(mu, own, d->ncells * sizeof(double));
		return 0;
	}
	r = sn / se;
	ebar = se / (double) m;
	for (size_t c = 0; c < d->ncells; c++)
		if (kde[c] > 0)
		{
			double		e = kde[c] * T,
						dv = own[c] * T / e - r;

			ss += e * dv * dv;
		}
	var = ss / se - r / ebar;
	nu = var > 0 ? r * r / var : INFINITY;
	for (size_t c = 0; c < d->ncells; c++)
	{
		double		e = kde[c] * T * r;

		if (kde[c] <= 0)
			mu[c] = own[c];
		else if (isinf(nu))
			mu[c] = kde[c] * r;
		else
			mu[c] = kde[c] * r * (nu + own[c] * T) / (nu + e);
	}
	return nu;
}

/* histories tried, in days (the spec's window caps them) */
static const int64_t sepp_histories[] = {365, 730, 1095};
#define N_HISTORIES (sizeof(sepp_histories) / sizeof(sepp_histories[0]))
#define N_CANDIDATES (N_HISTORIES * 2)
/* coverages at which candidates are compared */
static const double select_coverages[] = {0.01, 0.02, 0.05};
#define N_SELECT (sizeof(select_coverages) / sizeof(select_coverages[0]))
#define SEPP_MAX_HOLD_ORIGINS 26

/* the internal back-test: fits end at fit_to, then norig horizons */
typedef struct sepp_holdout
{
	int64_t		fit_to;
	int64_t		norig;
	int64_t		horizon;
	double		bw;
} sepp_holdout;

/* scratch of one sepp forecast */
typedef struct sepp_work
{
	sepp_state	s;
	double	   *kde;
	double	   *mu;
	double	   *trig;			/* per hold-out origin and cell */
	double	   *pred;
	double	   *mu_fit;			/* the hold-out fit's own background rates */
	double	   *ksum;			/* kernel sums over a sliding span of events */
	int32_t    *knear;			/* events of that span within the bandwidth of each cell */
	size_t	   *order;
	sc_keyed   *k1;
	sc_keyed   *k2;
} sepp_work;

static void
sepp_work_free(const sc_fc_data *d, sepp_work *w)
{
	sc_free(&d->alloc, w->s.mu);
	sc_free(&d->alloc, w->s.pbg);
	sc_free(&d->alloc, w->kde);
	sc_free(&d->alloc, w->mu);
	sc_free(&d->alloc, w->trig);
	sc_free(&d->alloc, w->pred);
	sc_free(&d->alloc, w->mu_fit);
	sc_free(&d->alloc, w->ksum);
	sc_free(&d->alloc, w->knear);
	sc_free(&d->alloc, w->order);
	sc_free(&d->alloc, w->k1);
	sc_free(&d->alloc, w->k2);
}

static bool
sepp_work_alloc(const sc_fc_data *d, sepp_work *w, sc_err *err)
{
	size_t		nc = d->ncells;

	return (w->s.mu = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp background")) &&
		(w->s.pbg = sc_alloc_array(&d->alloc, d->cstart[nc], sizeof(double), err, "the sepp background")) &&
		(w->kde = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp background")) &&
		(w->mu = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp background")) &&
		(w->trig = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp forecast")) &&
		(w->pred = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp forecast")) &&
		(w->mu_fit = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp background")) &&
		(w->ksum = sc_alloc_array(&d->alloc, nc, sizeof(double), err, "the sepp background")) &&
		(w->knear = sc_alloc_array(&d->alloc, nc, sizeof(int32_t), err, "the sepp background")) &&
		(w->order = sc_alloc_array(&d->alloc, nc, sizeof(size_t), err, "the ranking")) &&
		(w->k1 = sc_alloc_array(&d->alloc, nc, sizeof(sc_keyed), err, "the ranking")) &&
		(w->k2 = sc_alloc_array(&d->alloc, nc, sizeof(sc_keyed), err, "the ranking"));
}

/* θ, ω and the cells' own background rates of one candidate on [from, to) */
static void
sepp_fit_params(const sc_fc_data *d, sepp_work *w, bool trigger, int64_t from, int64_t to,
				sc_interrupt_fn interrupt)
{
	if (trigger)
		sepp_fit(d, from, to, &w->s, interrupt);
	else
		sepp_no_trigger(d, from, to, &w->s);
}

/*
 * Fit one candidate on [from, to): triggering by EM or none, then the
 * empirical Bayes background; returns the prior's shape ν.
 */
static double
sepp_fit_candidate(const sc_fc_data *d, sepp_work *w, bool trigger, int64_t from, int64_t to,
				   double bw, sc_interrupt_fn interrupt)
{
	sepp_fit_params(d, w, trigger, from, to, interrupt);
	sepp_background_kde(d, &w->s, from, to, bw, w->kde);
	return eb_background(d, w->s.mu, w->kde, (double) (to - from) / (double) SC_USEC_PER_DAY, w->mu);
}

/* sign · p · the quartic kernel at (x, y) added to sum in the study cells within bw, sign to near */
static inline void
kernel_add(const sc_fc_data *d, double x, double y, double p, double bw, int sign,
		   double *sum, int32_t *near)
{
	size_t		m;
	double		dist;

	FOR_CELLS_NEAR(d, x, y, bw, m, dist, {
		double u = dist / bw, q = 1 - u * u;
		sum[m] += sign * p * q * q;
		near[m] += sign;
	});
}

/*
 * The study cells' events of [from, to), each weighted by pbg, added to
 * (sign 1) or taken from (-1) a sliding kernel sum: moving a span one
 * horizon on costs the events that enter and leave it, not the span.
 */
static void
slide_cell_events(const sc_fc_data *d, const double *pbg, int64_t from, int64_t to, double bw,
				  int sign, double *sum, int32_t *near)
{
	size_t		every = poll_every(d, bw),
				seen = 0;

	if (to <= from)
		return;
	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, to, &a, &b);
		for (size_t k = a; k < b; k++)
		{
			if (d->alloc.interrupt && seen++ % every == 0)
				d->alloc.interrupt();
			kernel_add(d, d->cx[k], d->cy[k], pbg[k], bw, sign, sum, near);
		}
	}
}

/* a sliding kernel sum as a density times norm; exactly 0 where no event of the span reaches */
static void
slide_density(const sc_fc_data *d, const double *sum, const int32_t *near, double norm, double *out)
{
	for (size_t c = 0; c < d->ncells; c++)
		out[c] = near[c] > 0 ? sum[c] * norm : 0;
}

/*
 * Each study-cell event of [from, to) split into background and offspring
 * by the hold-out fit's θ, ω and own cell rates (one E-step, w->s.pbg).
 */
static void
sepp_estep(const sc_fc_data *d, sepp_work *w, int64_t from, int64_t to)
{
	double		th = w->s.theta,
				om = w->s.omega;

	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;
		double		A = 0,
					mu = w->mu_fit[c];

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, to, &a, &b);
		for (size_t k = a; k < b; k++)
		{
			double		lam;

			if (k > a)
				A = exp(-om * (double) (d->ct[k] - d->ct[k - 1]) / (double) SC_USEC_PER_DAY) * (A + 1);
			lam = mu + th * om * A;
			w->s.pbg[k] = lam > 0 ? mu / lam : 1;
		}
	}
}

/*
 * The background at hold-out origin o from the span [from, o): the cells'
 * background events (w->s.pbg) over its length, their kernel sum slid
 * there (w->ksum), the empirical Bayes shrinkage as in the fit.
 */
static void
sepp_rolled_background(const sc_fc_data *d, sepp_work *w, int64_t from, int64_t o, double bw)
{
	double		T = (double) (o - from) / (double) SC_USEC_PER_DAY,
				norm = 3.0 / FC_PI / (bw * bw) * d->cell_size * d->cell_size / T;

	for (size_t c = 0; c < d->ncells; c++)
	{
		size_t		a,
					b;
		double		bg = 0;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, o, &a, &b);
		for (size_t k = a; k < b; k++)
			bg += w->s.pbg[k];
		w->s.mu[c] = bg / T;
	}
	slide_density(d, w->ksum, w->knear, norm, w->kde);
	eb_background(d, w->s.mu, w->kde, T, w->mu);
}

/* events of [o, o + horizon) in the top 1, 2 and 5 % of cells by pred, summed */
static sc_status
capture_score(const sc_fc_data *d, sepp_work *w, const double *pred, int64_t o, int64_t horizon,
			  int64_t *score, sc_err *err)
{
	size_t		nc = d->ncells;
	sc_status	st;

	*score = 0;
	if ((st = sc_fc_rank(pred, nc, w->order, w->k1, w->k2, d->alloc.interrupt, err)) != SC_OK)
		return st;
	for (size_t v = 0; v < N_SELECT; v++)
	{
		size_t		n = sc_fc_cover_cells(select_coverages[v], nc);

		for (size_t p = 0; p < n; p++)
		{
			size_t		a,
						b;

			cell_range(d, w->order[p], o, o + horizon, &a, &b);
			*score += (int64_t) (b - a);
		}
	}
	return SC_OK;
}

/*
 * The candidate whose θ, ω and own cell rates were just fitted on
 * [from, fit_to) (history hist) forecasts each hold-out origin o in turn
 * as a forecast at o would be made: the span moves to
 * [max(o - hist, data_start), o) and its background is rebuilt there
 * (sepp_rolled_background) from one E-step of the fitted parameters over
 * the events from the fit's start on.  *score: the events captured
 * (capture_score) over the origins; keep (may be NULL) receives each
 * origin's forecast.
 */
static sc_status
sepp_holdout_score(const sc_fc_data *d, sepp_work *w, const sepp_holdout *ho, int64_t hist,
				   int64_t from, double *keep, int64_t *score, sc_err *err)
{
	size_t		nc = d->ncells;
	double		h = (double) ho->horizon / (double) SC_USEC_PER_DAY;
	sc_status	st;

	*score = 0;
	memcpy(w->mu_fit, w->s.mu, nc * sizeof(double));
	sepp_estep(d, w, from, ho->fit_to + (ho->norig - 1) * ho->horizon);
	memset(w->ksum, 0, nc * sizeof(double));
	memset(w->knear, 0, nc * sizeof(int32_t));
	slide_cell_events(d, w->s.pbg, from, ho->fit_to, ho->bw, 1, w->ksum, w->knear);
	for (int64_t r = 0; r < ho->norig; r++)
	{
		int64_t		o = ho->fit_to + r * ho->horizon,
					got;

		if (r > 0)
		{
			int64_t		nfrom = o - hist > d->data_start ? o - hist : d->data_start;

			slide_cell_events(d, w->s.pbg, from, nfrom, ho->bw, -1, w->ksum, w->knear);
			slide_cell_events(d, w->s.pbg, o - ho->horizon, o, ho->bw, 1, w->ksum, w->knear);
			from = nfrom;
		}
		sepp_rolled_background(d, w, from, o, ho->bw);
		sepp_trigger(d, &w->s, from, o, ho->horizon, w->trig);
		for (size_t c = 0; c < nc; c++)
			w->pred[c] = w->mu[c] * h + w->trig[c];
		if (keep)
			memcpy(keep + (size_t) r * nc, w->pred, nc * sizeof(double));
		if ((st = capture_score(d, w, w->pred, o, ho->horizon, &got, err)) != SC_OK)
			return st;
		*score += got;
	}
	return SC_OK;
}

/*
 * Occam's window (Madigan & Raftery 1994): candidates scoring at least
 * S - √S of the best S are near-best; of these only the shortest history's
 * are kept, and in it triggering is dropped when the candidate without it
 * scores at least as many events (the window's second principle: a model
 * goes when a simpler one nested in it has as much support).  Dropped
 * candidates get score -1; returns the cut.
 */
double
sc_fc_sepp_occam(sc_fc_sepp_choice *cand, size_t ncand, int64_t best_score)
{
	double		cut = (double) best_score - sqrt((double) best_score);
	int64_t		shortest = INT64_MAX,
				on = -1,
				off = -1;

	for (size_t g = 0; g < ncand; g++)
		if ((double) cand[g].score >= cut && cand[g].history < shortest)
			shortest = cand[g].history;
	for (size_t g = 0; g < ncand; g++)
		if (cand[g].history != shortest)
			cand[g].score = -1;
		else if (cand[g].trigger)
			on = cand[g].score;
		else
			off = cand[g].score;
	for (size_t g = 0; g < ncand; g++)
		if (cand[g].score >= 0 && cand[g].trigger && off >= on)
			cand[g].score = -1;
	return cut;
}

/* the hold-out: the last min(26, half the data) whole horizons before as_of */
static void
sepp_holdout_setup(const sc_fc_data *d, int64_t as_of, int64_t horizon, double bw, sepp_holdout *ho)
{
	int64_t		hold = (as_of - d->data_start) / 2;

	if (hold > SEPP_MAX_HOLD_ORIGINS * horizon)
		hold = SEPP_MAX_HOLD_ORIGINS * horizon;
	ho->norig = hold / horizon;
	ho->horizon = horizon;
	ho->fit_to = as_of - ho->norig * horizon;
	ho->bw = bw;
}

int64_t
sc_fc_sepp_holdout_origins(const sc_fc_data *d, int64_t as_of, int64_t horizon)
{
	sepp_holdout ho;

	sepp_holdout_setup(d, as_of, horizon, 1, &ho);
	return ho.norig;
}

sc_status
sc_fc_sepp_holdout(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of, int64_t horizon,
				   int64_t history, bool trigger, double *pred, int64_t *score, double *theta,
				   double *omega, sc_err *err)
{
	sepp_work	w = {0};
	sepp_holdout ho;
	int64_t		from;
	sc_status	st;

	sepp_holdout_setup(d, as_of, horizon, spec->bandwidth > 0 ? spec->bandwidth : 2 * d->cell_size, &ho);
	if (ho.norig == 0 || history <= 0)
		return sc_fail(err, SC_EINVAL, "no hold-out at this as_of and horizon, or no history");
	if (!sepp_work_alloc(d, &w, err))
	{
		sepp_work_free(d, &w);
		return SC_ENOMEM;
	}
	from = ho.fit_to - history > d->data_start ? ho.fit_to - history : d->data_start;
	sepp_fit_params(d, &w, trigger, from, ho.fit_to, NULL);
	*theta = w.s.theta;
	*omega = w.s.omega;
	st = sepp_holdout_score(d, &w, &ho, history, from, pred, score, err);
	sepp_work_free(d, &w);
	return st;
}

/*
 * sepp: rate μ_c + triggering in each cell, μ_c the empirical Bayes
 * background (own background events shrunk towards the quartic-smoothed
 * rate of the neighbourhood).  Which history (1, 2 or 3 years) and whether
 * triggering helps are decided by a back-test inside the data: each
 * candidate is fitted at as_of - hold (hold: half the data before as_of,
 * at most 26 horizons) and forecasts the horizons of the hold-out in turn
 * (sepp_holdout_score); the kept candidates (sc_fc_sepp_occam) are averaged,
 * each refitted on the data before as_of.
 */
static sc_status
fc_sepp(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of, int64_t horizon,
		double *out, double *typical, sc_fc_fit *fit, sc_interrupt_fn interrupt, sc_err *err)
{
	int64_t		used = 0,
				best_score = -1;
	sepp_work	w = {0};
	sepp_holdout ho;
	double		h = (double) horizon / (double) SC_USEC_PER_DAY,
				bw = spec->bandwidth > 0 ? spec->bandwidth : 2 * d->cell_size,
				cut,
				level = 1,
				stationary = 0;	/* Σ μ / (1 - θ) over the candidates averaged */
	size_t		nc = d->ncells,
				ncand = 0,
				nkept = 0,
				ibest = 0;
	sc_fc_sepp_choice cand[N_CANDIDATES];
	sc_status	st = SC_OK;
	int64_t		from = as_of - spec->window > d->data_start ? as_of - spec->window : d->data_start;

	for (size_t c = 0; c < nc; c++)
	{
		size_t		a,
					b;

		sc_alloc_poll(&d->alloc, c);
		cell_range(d, c, from, as_of, &a, &b);
		used += (int64_t) (b - a);
	}
	if (used < SC_FC_SEPP_MIN_EVENTS)
	{
		fc_counts(d, as_of, as_of - from, horizon, out);
		if (typical)
			memcpy(typical, out, nc * sizeof(double));
		if (fit)
		{
			fit->events = used;
			fit->fallback = true;
			fit->level = 1;
			fit->omega = NAN;
		}
		return SC_OK;
	}
	sepp_holdout_setup(d, as_of, horizon, bw, &ho);
	if (!sepp_work_alloc(d, &w, err))
	{
		st = SC_ENOMEM;
		goto done;
	}
	if (ho.norig > 0)
	{
		int64_t		prev_from = INT64_MIN;

		for (size_t hi = 0; hi < N_HISTORIES; hi++)
		{
			int64_t		hist = sepp_histories[hi] * SC_USEC_PER_DAY,
						ffrom;

			if (hist > spec->window)
				hist = spec->window;
			ffrom = ho.fit_to - hist > d->data_start ? ho.fit_to - hist : d->data_start;
			if (ffrom == prev_from)
				continue;		/* the data are shorter than this history */
			prev_from = ffrom;
			for (int tr = 1; tr >= 0; tr--)
			{
				sc_fc_sepp_choice *cc = &cand[ncand++];

				if (interrupt)
					interrupt();
				sepp_fit_params(d, &w, tr, ffrom, ho.fit_to, interrupt);
				if ((st = sepp_holdout_score(d, &w, &ho, hist, ffrom, NULL, &cc->score, err)) != SC_OK)
					goto done;
				cc->history = hist;
				cc->trigger = tr;
				if (cc->score > best_score)
				{
					best_score = cc->score;
					ibest = ncand - 1;
				}
			}
		}
	}
	else
	{
		/* no hold-out: triggering with the whole history */
		cand[0].history = spec->window;
		cand[0].trigger = true;
		cand[0].score = best_score = 0;
		ncand = 1;
	}
	cut = sc_fc_sepp_occam(cand, ncand, best_score);
	/* what forecast_fit reports: the best of the candidates used */
	for (size_t g = 0; g < ncand; g++)
		if (cand[g].score > cand[ibest].score)
			ibest = g;
	memset(out, 0, nc * sizeof(double));
	memset(w.pred, 0, nc * sizeof(double));	/* the mean background */
	for (size_t g = 0; g < ncand; g++)
	{
		if ((double) cand[g].score < cut)
			continue;
		from = as_of - cand[g].history > d->data_start ? as_of - cand[g].history : d->data_start;
		sepp_fit_candidate(d, &w, cand[g].trigger, from, as_of, bw, interrupt);
		sepp_trigger(d, &w.s, from, as_of, horizon, w.trig);
		/*
		 * A background event of the horizon brings on average
		 * θ (1 - (1 - e^{-ωh}) / (ωh)) direct offspring before the horizon
		 * ends; over a long spell the background's events and all their
		 * descendants number μ T / (1 - θ) (the branching ratio θ < 1).
		 */
		{
			double		th = w.s.theta,
						wh = w.s.omega * h,
						grow = th > 0 ? 1 + th * (1 - (1 - exp(-wh)) / wh) : 1;

			for (size_t c = 0; c < nc; c++)
				stationary += w.mu[c] / (1 - th);
			for (size_t c = 0; c < nc; c++)
				w.mu[c] *= grow;
		}
		for (size_t c = 0; c < nc; c++)
		{
			w.pred[c] += w.mu[c];
			out[c] += w.trig[c];
		}
		nkept++;
	}
	/*
	 * The city-wide level: events of the last 28 days in the study cells
	 * against what the fitted process expects of so long a spell (the
	 * background with all its descendants), shrunk halfway to 1 (a gamma
	 * prior worth the expectation itself).  It scales every cell's
	 * background alike (the triggering not), so without triggering the
	 * ranking does not change; the expected counts follow a busy or a
	 * quiet spell, and so does the number of cells over a tier's cut-off.
	 */
	{
		int64_t		lfrom = as_of - 28 * SC_USEC_PER_DAY > d->data_start ? as_of - 28 * SC_USEC_PER_DAY : d->data_start;
		double		recent = 0,
					base;

		for (size_t c = 0; c < nc; c++)
		{
			size_t		a,
						b;

			sc_alloc_poll(&d->alloc, c);
			cell_range(d, c, lfrom, as_of, &a, &b);
			recent += (double) (b - a);
		}
		base = stationary / (double) nkept * (double) (as_of - lfrom) / (double) SC_USEC_PER_DAY;
		level = base > 0 ? (recent + base) / (2 * base) : 1;
	}
	for (size_t c = 0; c < nc; c++)
	{
		double		bg = w.pred[c] / (double) nkept * h;

		out[c] = bg * level + out[c] / (double) nkept;
		if (typical)
			typical[c] = bg;
	}
	if (fit)
	{
		/* what the best candidate fitted */
		from = as_of - cand[ibest].history > d->data_start ? as_of - cand[ibest].history : d->data_start;
		fit->prior_strength = sepp_fit_candidate(d, &w, cand[ibest].trigger, from, as_of, bw, interrupt);
		fit->theta = w.s.theta;
		fit->omega = cand[ibest].trigger ? w.s.omega : NAN;
		fit->bandwidth = bw;
		fit->history = cand[ibest].history;
		fit->background = 0;
		for (size_t c = 0; c < nc; c++)
			fit->background += w.mu[c];
		fit->iterations = w.s.iterations;
		fit->events = w.s.events;
		fit->averaged = (int32_t) nkept;
		fit->level = level;
	}
done:
	sepp_work_free(d, &w);
	return st;
}

sc_status
sc_fc_forecast(const sc_fc_data *d, const sc_fc_spec *in, int64_t as_of, int64_t horizon,
			   double *expected, double *typical, sc_fc_fit *fit, sc_interrupt_fn interrupt,
			   sc_err *err)
{
	sc_fc_spec	spec;
	sc_status	st;

	if (horizon <= 0)
		return sc_fail(err, SC_EINVAL, "horizon must be a positive interval");
	if ((st = sc_fc_check_spec(in, err)) != SC_OK)
		return st;
	sc_fc_resolve(in, d->cell_size, horizon, &spec);
	if (spec.bandwidth > SC_FC_MAX_BANDWIDTH_CELLS * d->cell_size)
		return sc_fail(err, SC_ELIMIT, "bandwidth %g is %g cells of %g wide; at most %d",
					   spec.bandwidth, spec.bandwidth / d->cell_size, d->cell_size, SC_FC_MAX_BANDWIDTH_CELLS);
	if (as_of <= d->data_start)
		return sc_fail(err, SC_EINVAL, "as_of is before all data (the first event's day)");
	if (fit)
	{
		memset(fit, 0, sizeof(*fit));
		fit->level = 1;
	}
	switch (spec.model)
	{
		case SC_FC_NAIVE:
		case SC_FC_COUNTS:
			fc_counts(d, as_of, spec.window, horizon, expected);
			break;
		case SC_FC_KDE:
			fc_kde(d, as_of, spec.window, spec.bandwidth, horizon, expected, interrupt);
			break;
		case SC_FC_PROSPECTIVE:
			fc_prospective(d, as_of, spec.window, spec.bandwidth, horizon, expected, interrupt);
			break;
		case SC_FC_SEPP:
			return fc_sepp(d, &spec, as_of, horizon, expected, typical, fit, interrupt, err);
		default:
			return sc_fail(err, SC_EINVAL, "unknown model");
	}
	if (typical)
		memcpy(typical, expected, d->ncells * sizeof(double));
	return SC_OK;
}

sc_status
sc_fc_expected(const sc_fc_data *d, const sc_fc_spec *spec, int64_t as_of, int64_t horizon,
			   double *expected, sc_fc_fit *fit, sc_interrupt_fn interrupt, sc_err *err)
{
	return sc_fc_forecast(d, spec, as_of, horizon, expected, NULL, fit, interrupt, err);
}

/* --- ranking and the back-test ---------------------------------------- */

sc_status
sc_fc_rank(const double *expected, size_t n, size_t *order, sc_keyed *tmp, sc_keyed *tmp2,
		   sc_interrupt_fn interrupt, sc_err *err)
{
	for (size_t k = 0; k < n; k++)
	{
		double		v = expected[k] == 0 ? 0.0 : expected[k];	/* -0 ties with 0 */
		uint64_t	u;

		if (isnan(v))
			return sc_fail(err, SC_EINVAL, "expected value %zu is NaN", k + 1);
		memcpy(&u, &v, sizeof(u));
		/* order-preserving bits, complemented: the stable sort goes highest first */
		u = (u >> 63) ? ~u : u | UINT64_C(0x8000000000000000);
		tmp[k].key = ~u;
		tmp[k].payload = k;
	}
	sc_radix_sort(tmp, tmp2, n, interrupt);
	for (size_t k = 0; k < n; k++)
		order[k] = (size_t) tmp[k].payload;
	return SC_OK;
}

static int
cmp_i64_desc(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return (x < y) - (x > y);
}

/* d's events again, with the study area of the cells holding one before area_before */
sc_status
sc_fc_prepare_at(const sc_fc_data *d, int64_t area_before, sc_fc_data *at,
				 sc_interrupt_fn interrupt, sc_err *err)
{
	sc_events	e = {0};

	e.srid = d->lookup.srid;
	e.n = d->n;
	e.x = d->x;
	e.y = d->y;
	e.t = d->t;
	e.w = d->w;
	return sc_fc_prepare(&e, d->cell_size, area_before, d->max_cells, at, &d->alloc, interrupt, err);
}

bool
sc_fc_cells_grew(const sc_fc_data *d, int64_t o)
{
	return d->first_outside < o;
}

/*
 * A model's forecast at origin o for d's study cells, as safety.forecast
 * gives it at o: sepp fits over the cells holding an event before o (its
 * background and its choice of settings depend on them), so when cells
 * have appeared since d's study area was fixed it is forecast on those and
 * read back for d's cells.  The baselines forecast each cell alone.
 */
static sc_status
fc_at_origin(const sc_fc_data *d, const sc_fc_spec *spec, int64_t o, int64_t horizon,
			 double *out, sc_interrupt_fn interrupt, sc_err *err)
{
	sc_fc_data	at;
	double	   *x;
	sc_status	st;

	if (spec->model != SC_FC_SEPP || !sc_fc_cells_grew(d, o))
		return sc_fc_expected(d, spec, o, horizon, out, NULL, interrupt, err);
	if ((st = sc_fc_prepare_at(d, o, &at, interrupt, err)) != SC_OK)
		return st;
	if (!(x = sc_alloc_array(&d->alloc, at.ncells, sizeof(double), err, "the forecasts")))
	{
		sc_fc_free(&at);
		return SC_ENOMEM;
	}
	if ((st = sc_fc_expected(&at, spec, o, horizon, x, NULL, interrupt, err)) == SC_OK)
		for (size_t c = 0; c < d->ncells; c++)
		{
			sc_alloc_poll(&d->alloc, c);
			out[c] = x[sc_fc_cell_index(&at, d->ci[c], d->cj[c])];
		}
	sc_free(&d->alloc, x);
	sc_fc_free(&at);
	return st;
}

size_t
sc_fc_cell_index(const sc_fc_data *d, int32_t i, int32_t j)
{
	double		v;

	/* callers ask only for cells of d (a wider area of the same events) */
	return sc_grid_get(&d->lookup, i, j, &v) ? (size_t) v - 1 : 0;
}

sc_status
sc_fc_origins(int64_t start, int64_t stop, int64_t step, int64_t horizon, size_t max,
			  size_t *norigins, sc_err *err)
{
	uint64_t	span,
				last;

	*norigins = 0;
	if (step <= 0)
		return sc_fail(err, SC_EINVAL, "step must be a positive interval");
	if (horizon <= 0)
		return sc_fail(err, SC_EINVAL, "horizon must be a positive interval");
	/* unsigned: stop - start may exceed INT64_MAX for times far apart */
	span = stop > start ? (uint64_t) stop - (uint64_t) start : 0;
	if (stop <= start || span < (uint64_t) horizon)
		return sc_fail(err, SC_EINVAL, "no origin: stop - start is shorter than the horizon");
	last = (span - (uint64_t) horizon) / (uint64_t) step;
	if (last >= max)
		return sc_fail(err, SC_ELIMIT, "%llu origins, more than %zu: lengthen step or shorten [start, stop)",
					   (unsigned long long) last + 1, max);
	*norigins = (size_t) last + 1;
	return SC_OK;
}

sc_status
sc_fc_backtest(const sc_fc_data *d, const sc_fc_spec *specs, int nspecs,
			   const double *coverages, int ncov, int64_t start, int64_t stop,
			   int64_t step, int64_t horizon, sc_fc_bt_row **rows_out, size_t *nrows_out,
			   sc_interrupt_fn interrupt, sc_err *err)
{
	const sc_alloc *alloc = &d->alloc;
	sc_status	st = SC_OK;
	size_t		norigins = 0,
				nc = d->ncells,
				nrows = 0;
	sc_fc_bt_row *rows = NULL;
	double	   *exp_ = NULL;
	size_t	   *order = NULL;
	int64_t    *real = NULL,
			   *sorted = NULL;
	uint8_t    *prev = NULL;	/* per spec, coverage and cell: covered at the previous origin */
	sc_keyed   *k1 = NULL,
			   *k2 = NULL;
	size_t		bytes;

	*rows_out = NULL;
	*nrows_out = 0;
	if ((st = sc_fc_origins(start, stop, step, horizon, SC_FC_MAX_ORIGINS, &norigins, err)) != SC_OK)
		return st;
	if (start <= d->data_start)
		return sc_fail(err, SC_EINVAL, "start is before all data (the first event's day)");
	if (nc == 0)
		return sc_fail(err, SC_EINVAL, "no study cell: no event before start");
	if (nspecs <= 0 || ncov <= 0)
		return sc_fail(err, SC_EINVAL, "no model or no coverage to test");
	for (int q = 0; q < ncov; q++)
		if ((st = sc_fc_check_coverage(coverages[q], err)) != SC_OK)
			return st;
	for (int m = 0; m < nspecs; m++)
		if ((st = sc_fc_check_spec(&specs[m], err)) != SC_OK)
			return st;
	if (!sc_mul_size(norigins, (size_t) nspecs * (size_t) ncov, &bytes) ||
		!(rows = sc_alloc_array(alloc, bytes, sizeof(sc_fc_bt_row), err, "the back-test rows")) ||
		!(exp_ = sc_alloc_array(alloc, nc, sizeof(double), err, "the forecasts")) ||
		!(order = sc_alloc_array(alloc, nc, sizeof(size_t), err, "the ranking")) ||
		!(real = sc_alloc_array(alloc, nc, sizeof(int64_t), err, "the realised counts")) ||
		!(sorted = sc_alloc_array(alloc, nc, sizeof(int64_t), err, "the realised counts")) ||
		!sc_mul_size(nc, (size_t) nspecs * (size_t) ncov, &bytes) ||
		!(prev = sc_alloc_array(alloc, bytes, 1, err, "the stability flags")) ||
		!(k1 = sc_alloc_array(alloc, nc, sizeof(sc_keyed), err, "the ranking")) ||
		!(k2 = sc_alloc_array(alloc, nc, sizeof(sc_keyed), err, "the ranking")))
	{
		st = sc_fail(err, SC_ENOMEM, "out of memory for the back-test (%zu origins, %zu cells)", norigins, nc);
		goto done;
	}
	memset(prev, 0, bytes);
	for (size_t r = 0; r < norigins; r++)
	{
		int64_t		o = start + (int64_t) r * step;
		int64_t		events = (int64_t) (lower_bound(d->t, 0, d->n, o + horizon) - lower_bound(d->t, 0, d->n, o));

		for (size_t c = 0; c < nc; c++)
		{
			size_t		a,
						b;

			if (interrupt && c % SC_INTERRUPT_EVERY == 0)
				interrupt();
			cell_range(d, c, o, o + horizon, &a, &b);
			real[c] = sorted[c] = (int64_t) (b - a);
		}
		/* counts only: equal values are interchangeable, any sort will do */
		sc_sort(sorted, k1, nc, sizeof(int64_t), cmp_i64_desc, interrupt);
		for (int m = 0; m < nspecs; m++)
		{
			if (interrupt)
				interrupt();
			if ((st = fc_at_origin(d, &specs[m], o, horizon, exp_, interrupt, err)) != SC_OK ||
				(st = sc_fc_rank(exp_, nc, order, k1, k2, interrupt, err)) != SC_OK)
				goto done;
			for (int q = 0; q < ncov; q++)
			{
				sc_fc_bt_row *r = &rows[nrows++];
				size_t		k = sc_fc_cover_cells(coverages[q], nc);
				uint8_t    *pv = prev + ((size_t) m * ncov + q) * nc;
				int64_t		cap = 0,
							best = 0,
							kept = 0;

				for (size_t p = 0; p < k; p++)
				{
					cap += real[order[p]];
					best += sorted[p];
					kept += pv[order[p]];
				}
				r->origin = o;
				r->model = m;
				r->coverage = q;
				r->cells = (int64_t) k;
				r->study_cells = (int64_t) nc;
				r->captured = cap;
				r->events = events;
				r->best = best;
				r->stability = o == start ? NAN : (double) kept / (double) k;
				memset(pv, 0, nc);
				for (size_t p = 0; p < k; p++)
					pv[order[p]] = 1;
			}
		}
	}
	*rows_out = rows;
	*nrows_out = nrows;
	rows = NULL;
	st = SC_OK;
done:
	sc_free(alloc, rows);
	sc_free(alloc, exp_);
	sc_free(alloc, order);
	sc_free(alloc, real);
	sc_free(alloc, sorted);
	sc_free(alloc, prev);
	sc_free(alloc, k1);
	sc_free(alloc, k2);
	return st;
}

void
sc_fc_bt_measures(const sc_fc_bt_row *r, double *hit, double *pai, double *pei)
{
	double		area = (double) r->cells / (double) r->study_cells;

	*hit = r->events ? (double) r->captured / (double) r->events : NAN;
	*pai = *hit / area;
	*pei = r->best ? (double) r->captured / (double) r->best : NAN;
}
