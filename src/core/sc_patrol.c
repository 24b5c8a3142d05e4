/*
 * sc_patrol.c — maximal covering (greedy, vertex substitution, the
 * submodular bound) and the nearest post within reach; see sc_patrol.h.
 */
#include "sc_patrol.h"

#include <math.h>
#include <string.h>

/* ---- a bucket index of points: squares of at least the radius ---------- */

typedef struct bucket_index
{
	double		x0,
				y0,
				size;
	size_t		n;
	sc_keyed   *kp;				/* (bucket key, point index), sorted by key */
} bucket_index;

#define BUCKETS_MAX 1073741824.0	/* 2^30 buckets a side: keys fit 32 bits each */

static uint64_t
bucket_key(int64_t bx, int64_t by)
{
	return ((uint64_t) bx << 32) | (uint64_t) by;
}

/* buckets of the points' extent, at least radius wide, so a query reads 3 x 3 */
static sc_status
bucket_build(bucket_index *b, size_t n, const double *x, const double *y, double radius,
			 const sc_alloc *alloc, sc_err *err)
{
	double		x1 = -INFINITY,
				y1 = -INFINITY;
	sc_keyed   *tmp;

	b->n = n;
	b->x0 = INFINITY;
	b->y0 = INFINITY;
	for (size_t i = 0; i < n; i++)
	{
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL, "point %zu has a coordinate that is not finite", i + 1);
		b->x0 = fmin(b->x0, x[i]);
		b->y0 = fmin(b->y0, y[i]);
		x1 = fmax(x1, x[i]);
		y1 = fmax(y1, y[i]);
	}
	b->size = fmax(radius, fmax(x1 - b->x0, y1 - b->y0) / BUCKETS_MAX);
	if (!(b->size > 0))
		b->size = 1;
	if (!(b->kp = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the bucket index")))
		return SC_ENOMEM;
	if (!(tmp = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the bucket index")))
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
	{
		int64_t		bx = (int64_t) floor((x[i] - b->x0) / b->size),
					by = (int64_t) floor((y[i] - b->y0) / b->size);

		b->kp[i].key = bucket_key(bx, by);
		b->kp[i].payload = i;
	}
	sc_radix_sort(b->kp, tmp, n, alloc->interrupt);
	sc_free(alloc, tmp);
	return SC_OK;
}

static size_t
bucket_lower(const bucket_index *b, uint64_t key)
{
	size_t		lo = 0,
				hi = b->n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (b->kp[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * BUCKET_NEAR(b, qx, qy, r, x, y, k, d2, body): body for each point k of
 * the index with (x[k] - qx)² + (y[k] - qy)² = d2 <= r², in index order
 * within each of the 3 x 3 buckets around (qx, qy).
 */
#define BUCKET_NEAR(b, qx, qy, r, x, y, k, d2, body) do { \
	int64_t bx_ = (int64_t) floor(((qx) - (b)->x0) / (b)->size), \
			by_ = (int64_t) floor(((qy) - (b)->y0) / (b)->size); \
	double r2_ = (r) * (r); \
	for (int64_t cx_ = bx_ - 1; cx_ <= bx_ + 1; cx_++) { \
		size_t lo_, hi_; \
		if (cx_ < 0 || cx_ > (int64_t) BUCKETS_MAX + 1) continue; \
		lo_ = bucket_lower((b), bucket_key(cx_, by_ > 0 ? by_ - 1 : 0)); \
		hi_ = bucket_lower((b), bucket_key(cx_, by_ + 2)); \
		for (size_t q_ = lo_; q_ < hi_; q_++) { \
			double ex_, ey_; \
			(k) = (size_t) (b)->kp[q_].payload; \
			ex_ = (x)[k] - (qx); ey_ = (y)[k] - (qy); \
			(d2) = ex_ * ex_ + ey_ * ey_; \
			if ((d2) <= r2_) { body; } \
		} \
	} \
} while (0)

/* the query point must lie within the index's reach for the bucket arithmetic */
static bool
bucket_near_extent(const bucket_index *b, double qx, double qy)
{
	return qx >= b->x0 - 2 * b->size && qy >= b->y0 - 2 * b->size &&
		(qx - b->x0) / b->size < BUCKETS_MAX + 1 && (qy - b->y0) / b->size < BUCKETS_MAX + 1;
}

/* ---- the cover --------------------------------------------------------- */

void
sc_cover_free(sc_cover *c)
{
	sc_free(&c->alloc, c->sstart);
	sc_free(&c->alloc, c->sdem);
	sc_free(&c->alloc, c->dstart);
	sc_free(&c->alloc, c->dsite);
	c->sstart = c->dstart = NULL;
	c->sdem = c->dsite = NULL;
}

sc_status
sc_cover_build(size_t nd, const double *dx, const double *dy, const double *w,
			   size_t ns, const double *sx, const double *sy, double radius,
			   size_t max_pairs, const sc_alloc *alloc, sc_err *err, sc_cover *out)
{
	bucket_index b = {0};
	size_t		pairs = 0,
				k;
	double		d2;
	sc_status	st;

	memset(out, 0, sizeof(*out));
	out->alloc = *alloc;
	out->ndemand = nd;
	out->nsites = ns;
	out->w = w;
	if (!(radius >= 0) || !isfinite(radius))
		return sc_fail(err, SC_EINVAL, "the distance must be a finite number >= 0, not %g", radius);
	if (nd >= UINT32_MAX || ns >= UINT32_MAX)
		return sc_fail(err, SC_ELIMIT, "at most %u demand points and sites", UINT32_MAX - 1);
	for (size_t i = 0; i < nd; i++)
	{
		if (!(w[i] >= 0) || !isfinite(w[i]))
			return sc_fail(err, SC_EINVAL, "value %zu is %g, but values must be finite and >= 0", i + 1, w[i]);
		out->total += w[i];
	}
	for (size_t s = 0; s < ns; s++)
		if (!isfinite(sx[s]) || !isfinite(sy[s]))
			return sc_fail(err, SC_EINVAL, "site %zu has a coordinate that is not finite", s + 1);
	if ((st = bucket_build(&b, nd, dx, dy, radius, alloc, err)) != SC_OK)
		goto done;
	/* count, then fill: the pairs are known before they are allocated */
	if (!(out->sstart = sc_alloc_array(alloc, ns + 1, sizeof(size_t), err, "the cover")) ||
		!(out->dstart = sc_alloc_array(alloc, nd + 1, sizeof(size_t), err, "the cover")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	memset(out->dstart, 0, (nd + 1) * sizeof(size_t));
	for (size_t s = 0; s < ns; s++)
	{
		sc_alloc_poll(alloc, s);
		out->sstart[s] = pairs;
		if (!bucket_near_extent(&b, sx[s], sy[s]))
			continue;
		BUCKET_NEAR(&b, sx[s], sy[s], radius, dx, dy, k, d2, {
			pairs++;
			out->dstart[k + 1]++;
		});
		if (pairs > max_pairs)
		{
			st = sc_fail(err, SC_ELIMIT, "more than %zu (site, demand point) pairs within the distance", max_pairs);
			goto done;
		}
	}
	out->sstart[ns] = pairs;
	if (!(out->sdem = sc_alloc_array(alloc, pairs, sizeof(uint32_t), err, "the cover")) ||
		!(out->dsite = sc_alloc_array(alloc, pairs, sizeof(uint32_t), err, "the cover")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < nd; i++)
		out->dstart[i + 1] += out->dstart[i];
	{
		size_t	   *fill = NULL,
					p = 0;

		if (!(fill = sc_alloc_array(alloc, nd, sizeof(size_t), err, "the cover")))
		{
			st = SC_ENOMEM;
			goto done;
		}
		memcpy(fill, out->dstart, nd * sizeof(size_t));
		for (size_t s = 0; s < ns; s++)
		{
			size_t		from = p;

			sc_alloc_poll(alloc, s);
			if (!bucket_near_extent(&b, sx[s], sy[s]))
				continue;
			BUCKET_NEAR(&b, sx[s], sy[s], radius, dx, dy, k, d2, {
				out->sdem[p++] = (uint32_t) k;
			});
			/* demand in index order, so each site's list and each demand's are ascending */
			for (size_t q = from; q < p; q++)
				out->dsite[fill[out->sdem[q]]++] = (uint32_t) s;
		}
		sc_free(alloc, fill);
	}
	st = SC_OK;
done:
	sc_free(alloc, b.kp);
	if (st != SC_OK)
		sc_cover_free(out);
	return st;
}

/* ---- greedy, the bound, vertex substitution ---------------------------- */

/* the working state: how many chosen sites reach each demand, each site's uncovered weight */
typedef struct cover_state
{
	const sc_cover *c;
	uint32_t   *cnt;
	double	   *gain;			/* Σ w over the site's demand points no chosen site reaches */
	bool	   *chosen;
	double	   *extra;			/* scratch of a substitution */
	uint32_t   *touched;
	double	   *top;			/* the k largest gains */
	double		covered;
} cover_state;

static void
state_free(cover_state *s)
{
	const sc_alloc *a = &s->c->alloc;

	sc_free(a, s->cnt);
	sc_free(a, s->gain);
	sc_free(a, s->chosen);
	sc_free(a, s->extra);
	sc_free(a, s->touched);
	sc_free(a, s->top);
}

static bool
state_alloc(cover_state *s, const sc_cover *c, size_t k, sc_err *err)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	return (s->cnt = sc_alloc_array(&c->alloc, c->ndemand, sizeof(uint32_t), err, "the cover counts")) &&
		(s->gain = sc_alloc_array(&c->alloc, c->nsites, sizeof(double), err, "the site gains")) &&
		(s->chosen = sc_alloc_array(&c->alloc, c->nsites, sizeof(bool), err, "the site gains")) &&
		(s->extra = sc_alloc_array(&c->alloc, c->nsites, sizeof(double), err, "the site gains")) &&
		(s->touched = sc_alloc_array(&c->alloc, c->nsites, sizeof(uint32_t), err, "the site gains")) &&
		(s->top = sc_alloc_array(&c->alloc, k, sizeof(double), err, "the bound"));
}

/* the state of the chosen sites[0..k), gains computed afresh */
static void
state_set(cover_state *s, const uint32_t *sites, size_t k)
{
	const sc_cover *c = s->c;

	memset(s->cnt, 0, c->ndemand * sizeof(uint32_t));
	memset(s->chosen, 0, c->nsites * sizeof(bool));
	memset(s->extra, 0, c->nsites * sizeof(double));
	for (size_t r = 0; r < k; r++)
	{
		s->chosen[sites[r]] = true;
		for (size_t q = c->sstart[sites[r]]; q < c->sstart[sites[r] + 1]; q++)
			s->cnt[c->sdem[q]]++;
	}
	s->covered = 0;
	for (size_t i = 0; i < c->ndemand; i++)
		if (s->cnt[i] > 0)
			s->covered += c->w[i];
	for (size_t t = 0; t < c->nsites; t++)
	{
		double		g = 0;

		sc_alloc_poll(&c->alloc, t);
		for (size_t q = c->sstart[t]; q < c->sstart[t + 1]; q++)
			if (s->cnt[c->sdem[q]] == 0)
				g += c->w[c->sdem[q]];
		s->gain[t] = g;
	}
}

/* site t added: its newly reached demand points leave every site's gain */
static void
state_add(cover_state *s, uint32_t t)
{
	const sc_cover *c = s->c;

	s->chosen[t] = true;
	for (size_t q = c->sstart[t]; q < c->sstart[t + 1]; q++)
	{
		uint32_t	i = c->sdem[q];

		if (s->cnt[i]++ == 0)
		{
			s->covered += c->w[i];
			for (size_t p = c->dstart[i]; p < c->dstart[i + 1]; p++)
				s->gain[c->dsite[p]] -= c->w[i];
		}
	}
	s->gain[t] = 0;
}

/* site t removed: the demand points only it reached come back to every site's gain */
static void
state_remove(cover_state *s, uint32_t t)
{
	const sc_cover *c = s->c;

	s->chosen[t] = false;
	for (size_t q = c->sstart[t]; q < c->sstart[t + 1]; q++)
	{
		uint32_t	i = c->sdem[q];

		if (--s->cnt[i] == 0)
		{
			s->covered -= c->w[i];
			for (size_t p = c->dstart[i]; p < c->dstart[i + 1]; p++)
				s->gain[c->dsite[p]] += c->w[i];
		}
	}
}

/*
 * The k largest gains of the sites not chosen, descending, into s->top
 * (fewer sites: zeros): a min-heap of k.
 */
static void
state_top(cover_state *s, size_t k)
{
	const sc_cover *c = s->c;
	double	   *h = s->top;
	size_t		n = 0;

	for (size_t t = 0; t < c->nsites; t++)
	{
		double		g;
		size_t		i;

		if (s->chosen[t])
			continue;
		g = s->gain[t] > 0 ? s->gain[t] : 0;
		if (n < k)
		{
			/* sift up */
			i = n++;
			while (i > 0 && h[(i - 1) / 2] > g)
			{
				h[i] = h[(i - 1) / 2];
				i = (i - 1) / 2;
			}
			h[i] = g;
		}
		else if (k > 0 && g > h[0])
		{
			/* replace the root, sift down */
			i = 0;
			for (;;)
			{
				size_t		l = 2 * i + 1,
							m = i;
				double		v = g;

				if (l < k && h[l] < v)
				{
					m = l;
					v = h[l];
				}
				if (l + 1 < k && h[l + 1] < v)
					m = l + 1;
				if (m == i)
					break;
				h[i] = h[m];
				i = m;
			}
			h[i] = g;
		}
	}
	for (size_t i = n; i < k; i++)
		h[i] = 0;
	/* descending: heap sort of the min-heap */
	for (size_t end = n; end > 1; end--)
	{
		double		last = h[end - 1],
					root = h[0];
		size_t		i = 0,
					m2 = end - 1;

		for (;;)
		{
			size_t		l = 2 * i + 1,
						m = i;
			double		v = last;

			if (l < m2 && h[l] < v)
			{
				m = l;
				v = h[l];
			}
			if (l + 1 < m2 && h[l + 1] < v)
				m = l + 1;
			if (m == i)
				break;
			h[i] = h[m];
			i = m;
		}
		h[i] = last;
		h[end - 1] = root;
	}
}

/*
 * bound[k - 1] lowered to covered + the k largest gains for k = 1..kmax:
 * for any set S and the best k sites O, f(O) <= f(S ∪ O) <= f(S) + Σ_{t∈O} δ_t(S)
 * (f monotone and submodular), at most f(S) + the k largest δ.
 */
static void
state_bound(cover_state *s, size_t kmax, double *bound)
{
	double		sum = s->covered;

	state_top(s, kmax);
	for (size_t k = 1; k <= kmax; k++)
	{
		sum += s->top[k - 1];
		if (sum < bound[k - 1])
			bound[k - 1] = sum;
	}
}

static uint32_t
state_best(const cover_state *s)
{
	uint32_t	best = UINT32_MAX;

	for (uint32_t t = 0; t < s->c->nsites; t++)
		if (!s->chosen[t] && (best == UINT32_MAX || s->gain[t] > s->gain[best]))
			best = t;
	return best;
}

static sc_status
check_k(const sc_cover *c, size_t k, sc_err *err)
{
	if (k < 1 || k > c->nsites)
		return sc_fail(err, SC_EINVAL, "k must be between 1 and the number of sites (%zu), not %zu", c->nsites, k);
	return SC_OK;
}

sc_status
sc_cover_greedy(const sc_cover *c, size_t kmax, uint32_t *sites, double *gain,
				double *covered, double *bound, sc_err *err)
{
	cover_state s;
	sc_status	st;

	if ((st = check_k(c, kmax, err)) != SC_OK)
		return st;
	if (!state_alloc(&s, c, kmax, err))
	{
		state_free(&s);
		return SC_ENOMEM;
	}
	state_set(&s, sites, 0);
	for (size_t k = 0; k < kmax; k++)
		bound[k] = c->total;
	for (size_t r = 0; r < kmax; r++)
	{
		uint32_t	t;
		double		before = s.covered;

		if (c->alloc.interrupt)
			c->alloc.interrupt();
		state_bound(&s, kmax, bound);
		t = state_best(&s);
		state_add(&s, t);
		sites[r] = t;
		gain[r] = s.covered - before;
		covered[r] = s.covered;
	}
	state_bound(&s, kmax, bound);
	state_free(&s);
	return SC_OK;
}

/* the sites' gains in their order, from scratch */
static void
order_gains(cover_state *s, const uint32_t *sites, size_t k, double *gain)
{
	state_set(s, sites, 0);
	for (size_t r = 0; r < k; r++)
	{
		double		before = s->covered;

		state_add(s, sites[r]);
		gain[r] = s->covered - before;
	}
}

sc_status
sc_cover_improve(const sc_cover *c, size_t k, uint32_t *sites, double *gain,
				 double *covered, double *bound, int *swaps, sc_err *err)
{
	cover_state s;
	sc_status	st;
	bool		again = true;
	double		eps = 1e-12 * c->total,
				b1;
	int			passes = 0;

	*swaps = 0;
	if ((st = check_k(c, k, err)) != SC_OK)
		return st;
	if (!state_alloc(&s, c, k, err))
	{
		state_free(&s);
		return SC_ENOMEM;
	}
	state_set(&s, sites, k);
	while (again && passes++ < 100)
	{
		again = false;
		for (size_t r = 0; r < k; r++)
		{
			uint32_t	out = sites[r],
						best = UINT32_MAX,
						nt = 0;
			double		loss = 0,
						bestv = -1;

			if (c->alloc.interrupt)
				c->alloc.interrupt();
			/* what only out reaches, and which other sites reach it */
			for (size_t q = c->sstart[out]; q < c->sstart[out + 1]; q++)
			{
				uint32_t	i = c->sdem[q];

				if (s.cnt[i] != 1 || c->w[i] == 0)
					continue;
				loss += c->w[i];
				for (size_t p = c->dstart[i]; p < c->dstart[i + 1]; p++)
				{
					uint32_t	t = c->dsite[p];

					if (s.chosen[t])
						continue;
					if (s.extra[t] == 0)
						s.touched[nt++] = t;
					s.extra[t] += c->w[i];
				}
			}
			/* the best replacement: a touched site, or the best gain anywhere */
			for (uint32_t q = 0; q < nt; q++)
			{
				uint32_t	t = s.touched[q];
				double		v = s.gain[t] + s.extra[t];

				if (v > bestv || (v == bestv && t < best))
				{
					bestv = v;
					best = t;
				}
			}
			{
				uint32_t	t = state_best(&s);

				if (t != UINT32_MAX && (s.gain[t] > bestv || (s.gain[t] == bestv && t < best)))
				{
					bestv = s.gain[t] + s.extra[t];
					best = t;
				}
			}
			for (uint32_t q = 0; q < nt; q++)
				s.extra[s.touched[q]] = 0;
			if (best != UINT32_MAX && bestv - loss > eps)
			{
				state_remove(&s, out);
				state_add(&s, best);
				sites[r] = best;
				(*swaps)++;
				again = true;
			}
		}
	}
	/* afresh, so the gains and the bound carry no drift of the updates */
	order_gains(&s, sites, k, gain);
	*covered = s.covered;
	state_top(&s, k);
	b1 = s.covered;
	for (size_t r = 0; r < k; r++)
		b1 += s.top[r];
	state_free(&s);
	if (b1 < *bound)
		*bound = b1;
	return SC_OK;
}

/* ---- the Lagrangian bound ---------------------------------------------- */

/*
 * With the cover constraints y_i <= Σ_{j reaches i} x_j relaxed by
 * multipliers λ_i >= 0 (Galvão & ReVelle 1996), every λ gives the bound
 *     L(λ) = Σ_i max(0, w_i - λ_i) + the k largest Σ_{i reached by j} λ_i;
 * subgradient steps (Held, Wolfe & Crowder 1974) lower it from λ = w / 2,
 * the step μ (L - lower) / |g|² with μ halved after 10 steps without a new
 * best, for at most iters steps or until μ is below 1e-4.
 */
sc_status
sc_cover_lagrangian(const sc_cover *c, size_t k, double lower, int iters, double *bound,
					uint32_t *xbest, double *xcover, sc_err *err)
{
	const sc_alloc *a = &c->alloc;
	double	   *lam = NULL,
			   *col = NULL,
			   *g = NULL,
				mu = 2,
				best = INFINITY;
	uint32_t   *cover = NULL;
	bool	   *top = NULL;
	cover_state s;
	int			stale = 0;
	sc_status	st = SC_OK;

	if ((st = check_k(c, k, err)) != SC_OK)
		return st;
	memset(&s, 0, sizeof(s));
	s.c = c;
	if (!(lam = sc_alloc_array(a, c->ndemand, sizeof(double), err, "the Lagrangian multipliers")) ||
		!(g = sc_alloc_array(a, c->ndemand, sizeof(double), err, "the Lagrangian multipliers")) ||
		!(cover = sc_alloc_array(a, c->ndemand, sizeof(uint32_t), err, "the Lagrangian multipliers")) ||
		!(col = sc_alloc_array(a, c->nsites, sizeof(double), err, "the Lagrangian multipliers")) ||
		!(top = sc_alloc_array(a, c->nsites, sizeof(bool), err, "the Lagrangian multipliers")) ||
		!(s.top = sc_alloc_array(a, k, sizeof(double), err, "the Lagrangian multipliers")) ||
		!(s.chosen = sc_alloc_array(a, c->nsites, sizeof(bool), err, "the Lagrangian multipliers")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	memset(s.chosen, 0, c->nsites * sizeof(bool));
	s.gain = col;
	if (xcover)
		*xcover = -1;
	for (size_t i = 0; i < c->ndemand; i++)
		lam[i] = c->w[i] / 2;
	for (int it = 0; it < iters && mu > 1e-4; it++)
	{
		double		L = 0,
					kth,
					norm = 0;
		size_t		taken = 0;

		if (a->interrupt)
			a->interrupt();
		for (size_t j = 0; j < c->nsites; j++)
		{
			double		v = 0;

			for (size_t q = c->sstart[j]; q < c->sstart[j + 1]; q++)
				v += lam[c->sdem[q]];
			col[j] = v;
		}
		state_top(&s, k);
		kth = s.top[k - 1];
		for (size_t r = 0; r < k; r++)
			L += s.top[r];
		/* x: the k largest columns (ties to the lower index), y: w_i > λ_i */
		for (size_t j = 0; j < c->nsites; j++)
		{
			top[j] = taken < k && col[j] > kth;
			taken += top[j];
		}
		for (size_t j = 0; j < c->nsites && taken < k; j++)
			if (!top[j] && col[j] == kth)
			{
				top[j] = true;
				taken++;
			}
		memset(cover, 0, c->ndemand * sizeof(uint32_t));
		for (size_t j = 0; j < c->nsites; j++)
			if (top[j])
				for (size_t q = c->sstart[j]; q < c->sstart[j + 1]; q++)
					cover[c->sdem[q]]++;
		/* the relaxation's sites as a plan: the best one seen is a start for substitution */
		if (xbest)
		{
			double		f = 0;

			for (size_t i = 0; i < c->ndemand; i++)
				if (cover[i] > 0)
					f += c->w[i];
			if (f > *xcover)
			{
				size_t		r = 0;

				*xcover = f;
				for (size_t j = 0; j < c->nsites; j++)
					if (top[j])
						xbest[r++] = (uint32_t) j;
			}
		}
		for (size_t i = 0; i < c->ndemand; i++)
		{
			double		y = c->w[i] > lam[i] ? 1 : 0;

			if (y > 0)
				L += c->w[i] - lam[i];
			/* ∂L/∂λ_i = cover_i - y_i */
			g[i] = (double) cover[i] - y;
			if (lam[i] <= 0 && g[i] > 0)
				g[i] = 0;		/* λ_i cannot go lower */
			norm += g[i] * g[i];
		}
		if (L < best - 1e-12 * c->total)
		{
			best = L;
			stale = 0;
		}
		else if (++stale >= 10)
		{
			mu /= 2;
			stale = 0;
		}
		if (norm == 0 || best - lower <= 1e-9 * c->total)
			break;
		{
			double		t = mu * (L - lower) / norm;

			for (size_t i = 0; i < c->ndemand; i++)
			{
				lam[i] -= t * g[i];
				if (lam[i] < 0)
					lam[i] = 0;
				if (lam[i] > c->w[i])
					lam[i] = c->w[i];	/* above w_i it only adds to the columns */
			}
		}
	}
	if (best < *bound)
		*bound = best;
done:
	sc_free(a, lam);
	sc_free(a, g);
	sc_free(a, cover);
	sc_free(a, col);
	sc_free(a, top);
	sc_free(a, s.top);
	sc_free(a, s.chosen);
	return st;
}

/* ---- a plan: greedy start, substitution, the bound, a second start ------ */

sc_status
sc_cover_plan(const sc_cover *c, size_t k, bool improve, int bound_steps, uint32_t *sites,
			  double *gain, double *covered, double *bound, int *swaps, sc_err *err)
{
	uint32_t   *alt = NULL;
	double	   *altgain = NULL,
				altcover,
				altbound = *bound;
	int			altswaps = 0;
	sc_status	st;

	*swaps = 0;
	if (improve &&
		(st = sc_cover_improve(c, k, sites, gain, covered, bound, swaps, err)) != SC_OK)
		return st;
	if (!(alt = sc_alloc_array(&c->alloc, k, sizeof(uint32_t), err, "the second start")) ||
		!(altgain = sc_alloc_array(&c->alloc, k, sizeof(double), err, "the second start")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	if ((st = sc_cover_lagrangian(c, k, *covered, bound_steps, bound, alt, &altcover, err)) != SC_OK)
		goto done;
	/* the relaxation's sites, improved, when the bound leaves room and they do better */
	if (improve && altcover >= 0 && *bound - *covered > 1e-12 * c->total)
	{
		if ((st = sc_cover_improve(c, k, alt, altgain, &altcover, &altbound, &altswaps, err)) != SC_OK)
			goto done;
		if (altcover > *covered + 1e-12 * c->total)
		{
			memcpy(sites, alt, k * sizeof(uint32_t));
			memcpy(gain, altgain, k * sizeof(double));
			*covered = altcover;
			*swaps += altswaps;
		}
		if (altbound < *bound)
			*bound = altbound;
	}
	if (*bound < *covered)
		*bound = *covered;
done:
	sc_free(&c->alloc, alt);
	sc_free(&c->alloc, altgain);
	return st;
}

/* ---- the nearest post within reach ------------------------------------ */

sc_status
sc_nearest_within(size_t nd, const double *dx, const double *dy, size_t np,
				  const double *px, const double *py, double radius, int64_t *post,
				  double *dist, const sc_alloc *alloc, sc_err *err)
{
	bucket_index b = {0};
	sc_status	st;
	size_t		k;
	double		d2;

	if (!(radius >= 0) || !isfinite(radius))
		return sc_fail(err, SC_EINVAL, "the distance must be a finite number >= 0, not %g", radius);
	for (size_t i = 0; i < nd; i++)
		if (!isfinite(dx[i]) || !isfinite(dy[i]))
			return sc_fail(err, SC_EINVAL, "demand point %zu has a coordinate that is not finite", i + 1);
	if ((st = bucket_build(&b, np, px, py, radius, alloc, err)) != SC_OK)
	{
		sc_free(alloc, b.kp);
		return st;
	}
	for (size_t i = 0; i < nd; i++)
	{
		int64_t		best = -1;
		double		bd2 = INFINITY;

		sc_alloc_poll(alloc, i);
		if (np > 0 && bucket_near_extent(&b, dx[i], dy[i]))
			BUCKET_NEAR(&b, dx[i], dy[i], radius, px, py, k, d2, {
				if (d2 < bd2 || (d2 == bd2 && (int64_t) k < best))
				{
					bd2 = d2;
					best = (int64_t) k;
				}
			});
		post[i] = best;
		dist[i] = best >= 0 ? sqrt(bd2) : NAN;
	}
	sc_free(alloc, b.kp);
	return SC_OK;
}

/* ---- a shift's hot-spot visits ------------------------------------------ */

/* the minute of the shift by which share q of the intensity has passed */
static double
intensity_quantile(const double *cum, size_t m, double shift_min, double q)
{
	double		target = q * cum[m];
	size_t		lo = 0,
				hi = m;

	if (cum[m] <= 0)
		return q * shift_min;
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (cum[mid + 1] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* minute lo holds the target: linear within it */
	{
		double		in = cum[lo + 1] - cum[lo],
					t = (double) lo + (in > 0 ? (target - cum[lo]) / in : 0);

		return t < shift_min ? t : shift_min;
	}
}

static int
visit_cmp(const void *a, const void *b)
{
	const sc_visit *x = a,
			   *y = b;

	if (x->arrive != y->arrive)
		return x->arrive < y->arrive ? -1 : 1;
	return (x->spot > y->spot) - (x->spot < y->spot);
}

/*
 * v visits shared out over the h spots (by rank, weights w descending):
 * one each first (the top v when fewer), the rest by largest remainder
 */
static void
share_visits(size_t h, const double *w, size_t v, uint32_t *nv)
{
	double		sum = 0;
	size_t		left;

	for (size_t s = 0; s < h; s++)
	{
		nv[s] = s < v ? 1 : 0;
		sum += w[s];
	}
	if (v <= h)
		return;
	left = v - h;
	{
		size_t		given = 0;

		for (size_t s = 0; s < h; s++)
		{
			double		share = sum > 0 ? w[s] / sum * (double) left : (double) left / (double) h;

			nv[s] += (uint32_t) floor(share);
			given += (size_t) floor(share);
		}
		/* the remainders, largest first (ties to the higher rank) */
		while (given < left)
		{
			size_t		best = 0;
			double		bestr = -1;

			for (size_t s = 0; s < h; s++)
			{
				/* what is still owed: the remainder until it got one more, then below 0 */
				double		share = sum > 0 ? w[s] / sum * (double) left : (double) left / (double) h,
							r = share - (double) (nv[s] - 1);

				if (r > bestr)
				{
					bestr = r;
					best = s;
				}
			}
			nv[best]++;
			given++;
		}
	}
}

sc_status
sc_shift_plan(size_t n, const double *x, const double *y, const double *weight,
			  size_t nspots, double shift_min, double dwell, const double *intensity,
			  double speed, size_t max_visits, sc_visit *visits, size_t *nvisits,
			  const sc_alloc *alloc, sc_err *err)
{
	size_t		h = nspots < n ? nspots : n,
				m,
				vmax;
	sc_keyed   *rank = NULL,
			   *tmp = NULL;
	sc_visit   *vtmp = NULL;
	double	   *cum = NULL,
			   *w = NULL;
	uint32_t   *nv = NULL;
	sc_status	st = SC_OK;

	*nvisits = 0;
	if (n == 0 || nspots == 0)
		return sc_fail(err, SC_EINVAL, "a plan needs at least one cell and one hot spot");
	if (!(shift_min > 0) || !isfinite(shift_min) || shift_min > 7 * 24 * 60)
		return sc_fail(err, SC_EINVAL, "the shift must last more than 0 and at most 7 days");
	if (!(dwell > 0) || dwell > shift_min)
		return sc_fail(err, SC_EINVAL, "the dwell time must be more than 0 and at most the shift");
	if (!(speed > 0) || !isfinite(speed))
		return sc_fail(err, SC_EINVAL, "the speed must be a finite number > 0");
	for (size_t i = 0; i < n; i++)
		if (!(weight[i] >= 0) || !isfinite(weight[i]) || !isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL, "cell %zu has a weight or coordinate that is not finite and >= 0", i + 1);
	m = (size_t) ceil(shift_min);
	if (!(rank = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the shift plan")) ||
		!(tmp = sc_alloc_array(alloc, n, sizeof(sc_keyed), err, "the shift plan")) ||
		!(cum = sc_alloc_array(alloc, m + 1, sizeof(double), err, "the shift plan")) ||
		!(w = sc_alloc_array(alloc, h, sizeof(double), err, "the shift plan")) ||
		!(nv = sc_alloc_array(alloc, h, sizeof(uint32_t), err, "the shift plan")) ||
		!(vtmp = sc_alloc_array(alloc, max_visits, sizeof(sc_visit), err, "the shift plan")))
	{
		st = SC_ENOMEM;
		goto done;
	}
	/* the hot spots: largest weight first, ties to the lower index (stable sort) */
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	bits;

		memcpy(&bits, &weight[i], sizeof(bits));
		rank[i].key = ~bits;	/* w >= 0: the bits ascend with w */
		rank[i].payload = i;
	}
	sc_radix_sort(rank, tmp, n, alloc->interrupt);
	for (size_t s = 0; s < h; s++)
		w[s] = weight[rank[s].payload];
	cum[0] = 0;
	for (size_t t = 0; t < m; t++)
	{
		double		v = intensity ? intensity[t] : 1;

		if (!(v >= 0) || !isfinite(v))
		{
			st = sc_fail(err, SC_EINVAL, "the intensity of minute %zu is not finite and >= 0", t + 1);
			goto done;
		}
		cum[t + 1] = cum[t] + v;
	}
	vmax = (size_t) floor(shift_min / dwell);
	if (vmax > max_visits)
		vmax = max_visits;
	/* the most visits that fit: fewer visits never end later by much, so count down */
	for (size_t v = vmax; v >= 1; v--)
	{
		size_t		k = 0;
		double		t = 0;
		bool		fits = true;

		if (alloc->interrupt)
			alloc->interrupt();
		share_visits(h, w, v, nv);
		for (size_t s = 0; s < h; s++)
			for (uint32_t j = 1; j <= nv[s]; j++)
			{
				/*
				 * centred on a quantile of the intensity: the spot's visits
				 * 1/n apart, each spot's phase staggered by its rank so the
				 * spots take turns (a round) rather than all come at once
				 */
				size_t		used = v < h ? v : h;
				double		phase = ((double) s + 0.5) / (double) used,
							at = intensity_quantile(cum, m, shift_min, ((double) (j - 1) + phase) / (double) nv[s]) - dwell / 2;

				visits[k].spot = (uint32_t) rank[s].payload;
				visits[k].nth = j;
				visits[k].visits = nv[s];
				visits[k].arrive = at > 0 ? at : 0;
				k++;
			}
		sc_sort(visits, vtmp, k, sizeof(sc_visit), visit_cmp, alloc->interrupt);
		for (size_t q = 0; q < k && fits; q++)
		{
			double		travel = 0;

			if (q > 0)
			{
				double		ex = x[visits[q].spot] - x[visits[q - 1].spot],
							ey = y[visits[q].spot] - y[visits[q - 1].spot];

				travel = sqrt(ex * ex + ey * ey) / speed;
			}
			visits[q].travel = travel;
			/* wait for the visit's time, or arrive as soon as the road allows */
			if (visits[q].arrive < t + travel)
				visits[q].arrive = t + travel;
			visits[q].leave = visits[q].arrive + dwell;
			t = visits[q].leave;
			fits = t <= shift_min + 1e-9;
		}
		if (fits)
		{
			*nvisits = k;
			break;
		}
	}
done:
	sc_free(alloc, rank);
	sc_free(alloc, tmp);
	sc_free(alloc, cum);
	sc_free(alloc, w);
	sc_free(alloc, nv);
	sc_free(alloc, vtmp);
	return st;
}
