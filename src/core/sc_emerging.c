/*
 * sc_emerging.c — space-time Gi* over a cube and the emerging hot spot
 * categories (sc_emerging.h; neighbour search: sc_band.h).
 */
#include "sc_emerging.h"
#include "sc_band.h"
#include "sc_gistar.h"
#include "sc_trend.h"

#include <math.h>
#include <string.h>

static const char *const category_names[SC_EHS_NCATEGORIES] = {
	"no pattern",
	"new hot spot", "consecutive hot spot", "intensifying hot spot", "persistent hot spot",
	"diminishing hot spot", "sporadic hot spot", "oscillating hot spot", "historical hot spot",
	"new cold spot", "consecutive cold spot", "intensifying cold spot", "persistent cold spot",
	"diminishing cold spot", "sporadic cold spot", "oscillating cold spot", "historical cold spot",
};

const char *
sc_ehs_category_name(sc_ehs_category c)
{
	return (int) c >= 0 && c < SC_EHS_NCATEGORIES ? category_names[c] : "no pattern";
}

int64_t
sc_cube_step(const int64_t *bounds, size_t nsteps, int64_t t)
{
	size_t		lo = 0,
				hi = nsteps;

	if (nsteps == 0 || t < bounds[0] || t >= bounds[nsteps])
		return -1;
	/* the last s with bounds[s] <= t */
	while (hi - lo > 1)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (bounds[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (int64_t) lo;
}

sc_status
sc_st_gistar(size_t n, const double *cx, const double *cy, size_t steps, const double *x,
			 double band, size_t time_steps, bool fdr, double *z, double *p, int8_t *bin,
			 uint32_t *nspace, sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	size_t		nb = n * steps,
				tick = 0;
	double		mean = 0,
				ss = 0,
				sd,
				dn,
				limit,
				lim2;
	double	   *win,
			   *acc;
	sc_band_index bi;
	sc_status	st;

	if (steps < 1 || (n > 0 && nb / n != steps))
		return sc_fail(err, SC_EINVAL, "the cube needs at least one time step");
	if (!(band > 0) || !isfinite(band))
		return sc_fail(err, SC_EINVAL, "distance band must be a positive finite number");
	if (nb < 3)
		return sc_fail(err, SC_EUNDEFINED, "space-time Gi* needs at least 3 bins, got %zu", nb);
	for (size_t k = 0; k < nb; k++)
		if (!isfinite(x[k]))
			return sc_fail(err, SC_EINVAL, "bin %zu has a value that is not finite", k);
	if ((st = sc_band_check_points(n, cx, cy, x, err)) != SC_OK)
		return st;
	if (sc_band_all_equal(nb, x))
		return sc_fail(err, SC_EUNDEFINED,
					   "all bins have the same value (%g): Gi* is undefined without variation", x[0]);
	dn = (double) nb;
	for (size_t k = 0; k < nb; k++)
		mean += x[k];
	mean /= dn;
	for (size_t k = 0; k < nb; k++)
		ss += (x[k] - mean) * (x[k] - mean);
	sd = sqrt(ss / dn);

	/*
	 * win[c·T + t]: Σ x over the location's steps t − k … t, a running sum
	 * (exact for counts): bins whose neighbourhoods hold the same count and
	 * number of bins get the same z to the bit, so the trend test sees
	 * their ties.
	 */
	win = sc_alloc_array(alloc, nb, sizeof(double), err, "the space-time window sums");
	acc = win ? sc_alloc_array(alloc, steps, sizeof(double), err, "the space-time window sums") : NULL;
	if (!acc)
	{
		sc_free(alloc, win);
		return SC_ENOMEM;
	}
	for (size_t c = 0; c < n; c++)
	{
		const double *xc = x + c * steps;
		double	   *wc = win + c * steps;
		double		run = 0;

		if (interrupt && c % 1024 == 0)
			interrupt();
		for (size_t t = 0; t < steps; t++)
		{
			run += xc[t];
			if (t > time_steps)
				run -= xc[t - time_steps - 1];
			wc[t] = run;
		}
	}

	limit = sc_band_limit(band, sc_band_max_abs_coord(n, cx, cy));
	lim2 = limit * limit;
	if ((st = sc_band_index_build(&bi, n, cx, cy, limit, alloc, err)) != SC_OK)
	{
		sc_free(alloc, win);
		sc_free(alloc, acc);
		return st;
	}
	for (size_t c = 0; c < n; c++)
	{
		sc_neigh_iter it;
		size_t		j,
					cnt = 0;
		double		d2;

		memset(acc, 0, steps * sizeof(double));
		sc_neigh_begin(&it, &bi, c, lim2);
		while (sc_neigh_next(&it, &j, &d2))
		{
			const double *wj = win + j * steps;

			for (size_t t = 0; t < steps; t++)
				acc[t] += wj[t];
			cnt++;
			tick += steps;
			if (interrupt && tick >= SC_INTERRUPT_EVERY)
			{
				tick = 0;
				interrupt();
			}
		}
		nspace[c] = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t) cnt;
		for (size_t t = 0; t < steps; t++)
		{
			double		m = (double) cnt * (double) ((t < time_steps ? t : time_steps) + 1);
			size_t		k = c * steps + t;

			if (m >= dn)
				z[k] = p[k] = NAN;
			else
			{
				z[k] = (acc[t] - mean * m) / (sd * sqrt((dn * m - m * m) / (dn - 1.0)));
				p[k] = sc_p_two_sided(z[k]);
			}
			bin[k] = (int8_t) sc_confidence_bin(z[k], p[k]);
		}
	}
	sc_band_index_free(&bi);
	sc_free(alloc, win);
	sc_free(alloc, acc);
	if (fdr)
		return sc_fdr_bins(nb, z, p, bin, NULL, alloc, err);
	return SC_OK;
}

sc_status
sc_ehs_trend(const double *z, size_t steps, const sc_alloc *alloc, double *trend_z,
			 double *trend_p, sc_err *err)
{
	double	   *y = sc_alloc_array(alloc, steps, sizeof(double), err, "the z-score series"),
				s;
	sc_status	st;

	if (!y)
		return SC_ENOMEM;
	for (size_t t = 0; t < steps; t++)
		y[t] = isnan(z[t]) ? 0 : z[t];
	st = sc_mann_kendall(y, steps, alloc, &s, trend_z, err);
	sc_free(alloc, y);
	if (st == SC_OK)
		*trend_p = sc_p_two_sided(*trend_z);
	return st;
}

/*
 * One family of categories (sign 1: hot spots, -1: cold spots) for a
 * location whose final step is significant with that sign.
 */
static sc_ehs_category
classify_final(const int8_t *bin, size_t steps, int sign, uint32_t same, uint32_t other,
			   int trend, sc_ehs_category base)
{
	size_t		run = 0;

	/* base + 0 new, 1 consecutive, 2 intensifying, 3 persistent, 4 diminishing, 5 sporadic, 6 oscillating */
	if (10 * (uint64_t) same >= 9 * (uint64_t) steps)
		return trend == sign ? base + 2 : trend == -sign ? base + 4 : base + 3;
	if (other > 0)
		return base + 6;
	if (same == 1)
		return base;
	while (run < steps && bin[steps - 1 - run] * sign >= 1)
		run++;
	if (run >= 2 && run == same)
		return base + 1;
	return base + 5;
}

sc_ehs_category
sc_ehs_classify(const int8_t *bin, size_t steps, double trend_z, double trend_p, double alpha,
				uint32_t *hot_out, uint32_t *cold_out)
{
	uint32_t	hot = 0,
				cold = 0;
	int			trend = 0;
	sc_ehs_category c;

	for (size_t t = 0; t < steps; t++)
	{
		hot += bin[t] >= 1;
		cold += bin[t] <= -1;
	}
	if (hot_out)
		*hot_out = hot;
	if (cold_out)
		*cold_out = cold;
	if (steps == 0)
		return SC_EHS_NONE;
	if (trend_p < alpha && trend_z != 0)
		trend = trend_z > 0 ? 1 : -1;
	if (bin[steps - 1] >= 1)
		c = classify_final(bin, steps, 1, hot, cold, trend, SC_EHS_NEW_HOT);
	else if (bin[steps - 1] <= -1)
		c = classify_final(bin, steps, -1, cold, hot, trend, SC_EHS_NEW_COLD);
	else if (10 * (uint64_t) hot >= 9 * (uint64_t) steps)
		c = SC_EHS_HISTORICAL_HOT;
	else if (10 * (uint64_t) cold >= 9 * (uint64_t) steps)
		c = SC_EHS_HISTORICAL_COLD;
	else
		c = SC_EHS_NONE;
	return c;
}
