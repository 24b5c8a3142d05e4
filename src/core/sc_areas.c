/*
 * sc_areas.c — neighbour lists of areas and the local statistics over them
 * (see sc_areas.h).
 */
#include "sc_areas.h"
#include "sc_band.h"
#include "sc_rng.h"

#include <float.h>
#include <math.h>
#include <string.h>

void
sc_nb_free(sc_nb *nb, const sc_alloc *alloc)
{
	sc_free(alloc, nb->start);
	sc_free(alloc, nb->nbr);
	nb->start = NULL;
	nb->nbr = NULL;
}

static sc_status
check_points(size_t n, const double *x, const double *y, sc_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL, "point %zu is not finite", i + 1);
	return SC_OK;
}

static void
count_islands(sc_nb *nb)
{
	nb->islands = 0;
	for (size_t i = 0; i < nb->n; i++)
		nb->islands += nb->start[i + 1] == nb->start[i];
}

/*
 * A symmetric list from sorted, distinct pairs a < b, each coded a·n + b.
 * Filling rows in key order leaves every row ascending: row a receives its
 * smaller neighbours (keys a'·n + a, a' < a) before its larger ones.
 */
static sc_status
nb_from_pairs(size_t n, const int64_t *key, size_t npairs, sc_nb *nb,
			  const sc_alloc *alloc, sc_err *err)
{
	size_t	   *fill;

	nb->n = n;
	nb->symmetric = true;
	nb->start = sc_alloc_array(alloc, n + 1, sizeof(size_t), err, "neighbour offsets");
	nb->nbr = nb->start ? sc_alloc_array(alloc, 2 * npairs, sizeof(uint32_t), err, "neighbours") : NULL;
	fill = nb->nbr ? sc_alloc_array(alloc, n, sizeof(size_t), err, "neighbour offsets") : NULL;
	if (!fill)
	{
		sc_nb_free(nb, alloc);
		return SC_ENOMEM;
	}
	memset(nb->start, 0, (n + 1) * sizeof(size_t));
	for (size_t p = 0; p < npairs; p++)
	{
		nb->start[(uint64_t) key[p] / n + 1]++;
		nb->start[(uint64_t) key[p] % n + 1]++;
	}
	for (size_t i = 0; i < n; i++)
	{
		nb->start[i + 1] += nb->start[i];
		fill[i] = nb->start[i];
	}
	for (size_t p = 0; p < npairs; p++)
	{
		size_t		a = (uint64_t) key[p] / n,
					b = (uint64_t) key[p] % n;

		nb->nbr[fill[a]++] = (uint32_t) b;
		nb->nbr[fill[b]++] = (uint32_t) a;
	}
	sc_free(alloc, fill);
	count_islands(nb);
	return SC_OK;
}

/* a growable array of int64 pair keys */
typedef struct keybuf
{
	int64_t    *k;
	size_t		n;
	size_t		cap;
} keybuf;

static bool
keybuf_push(keybuf *b, int64_t key, const sc_alloc *alloc, sc_err *err)
{
	if (b->n == b->cap)
	{
		size_t		nc = b->cap ? b->cap * 2 : 1024;
		int64_t    *k = alloc->realloc(alloc->ctx, b->k, nc * sizeof(int64_t));

		if (!k || nc < b->cap)
		{
			sc_fail(err, SC_ENOMEM, "out of memory for %zu vertex matches", nc);
			return false;
		}
		b->k = k;
		b->cap = nc;
	}
	b->k[b->n++] = key;
	return true;
}

sc_status
sc_nb_contiguity(size_t n, size_t nv, const uint32_t *va, const double *x,
				 const double *y, bool queen, double snap, sc_nb *nb,
				 sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	sc_band_index bi;
	keybuf		kb = {NULL, 0, 0};
	double		maxabs,
				limit,
				lim2;
	size_t		crit = queen ? 1 : 2,
				npairs = 0,
				tick = 0;
	sc_status	st;

	memset(nb, 0, sizeof(*nb));
	if (n == 0 || n >= (size_t) INT32_MAX)
		return sc_fail(err, SC_EINVAL, "the number of areas must be between 1 and %d", INT32_MAX - 1);
	if (!(snap >= 0) || !isfinite(snap))
		return sc_fail(err, SC_EINVAL, "snap must be a non-negative finite number");
	if ((st = check_points(nv, x, y, err)) != SC_OK)
		return st;
	for (size_t v = 0; v < nv; v++)
		if (va[v] >= n)
			return sc_fail(err, SC_EINVAL, "vertex %zu names area %u of %zu", v + 1, va[v] + 1, n);

	/* blocks of at least snap, coarse enough for the index's coordinate range */
	maxabs = sc_band_max_abs_coord(nv, x, y);
	limit = fmax(fmax(snap, maxabs * 0x1p-30), DBL_MIN);
	lim2 = snap * snap;
	if ((st = sc_band_index_build(&bi, nv, x, y, limit, alloc, err)) != SC_OK)
		return st;
	for (size_t v = 0; v < nv; v++)
	{
		sc_neigh_iter it;
		size_t		w;
		double		d2;

		sc_neigh_begin(&it, &bi, v, lim2);
		while (sc_neigh_next(&it, &w, &d2))
		{
			uint64_t	a = va[v],
						b = va[w];

			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
			/* each pair of vertices once, of two different areas */
			if (w <= v || a == b)
				continue;
			if (!keybuf_push(&kb, (int64_t) (a < b ? a * n + b : b * n + a), alloc, err))
			{
				sc_band_index_free(&bi);
				sc_free(alloc, kb.k);
				return SC_ENOMEM;
			}
		}
	}
	sc_band_index_free(&bi);

	/* areas whose vertices matched at least crit times */
	sc_sort_i64(kb.k, kb.n, interrupt);
	for (size_t p = 0; p < kb.n;)
	{
		size_t		q = p;

		while (q < kb.n && kb.k[q] == kb.k[p])
			q++;
		if (q - p >= crit)
			kb.k[npairs++] = kb.k[p];
		p = q;
	}
	st = nb_from_pairs(n, kb.k, npairs, nb, alloc, err);
	sc_free(alloc, kb.k);
	return st;
}

sc_status
sc_nb_distance(size_t n, const double *x, const double *y, double band, sc_nb *nb,
			   sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	sc_band_index bi;
	keybuf		kb = {NULL, 0, 0};
	double		limit;
	size_t		tick = 0;
	sc_status	st;

	memset(nb, 0, sizeof(*nb));
	if (n == 0 || n >= (size_t) INT32_MAX)
		return sc_fail(err, SC_EINVAL, "the number of points must be between 1 and %d", INT32_MAX - 1);
	if (!(band > 0) || !isfinite(band))
		return sc_fail(err, SC_EINVAL, "distance band must be a positive finite number");
	if ((st = check_points(n, x, y, err)) != SC_OK)
		return st;
	limit = sc_band_limit(band, sc_band_max_abs_coord(n, x, y));
	if ((st = sc_band_index_build(&bi, n, x, y, limit, alloc, err)) != SC_OK)
		return st;
	for (size_t i = 0; i < n; i++)
	{
		sc_neigh_iter it;
		size_t		j;
		double		d2;

		sc_neigh_begin(&it, &bi, i, limit * limit);
		while (sc_neigh_next(&it, &j, &d2))
		{
			if (interrupt && ++tick % SC_INTERRUPT_EVERY == 0)
				interrupt();
			/* dnearneigh's lower bound "GT": d > 0 */
			if (j <= i || d2 == 0)
				continue;
			if (!keybuf_push(&kb, (int64_t) ((uint64_t) i * n + j), alloc, err))
			{
				sc_band_index_free(&bi);
				sc_free(alloc, kb.k);
				return SC_ENOMEM;
			}
		}
	}
	sc_band_index_free(&bi);
	sc_sort_i64(kb.k, kb.n, interrupt);
	st = nb_from_pairs(n, kb.k, kb.n, nb, alloc, err);
	sc_free(alloc, kb.k);
	return st;
}

/* a candidate neighbour: (d², index) ordered lexicographically */
typedef struct knn_cand
{
	double		d2;
	uint32_t	j;
} knn_cand;

static inline bool
cand_less(double d2, uint32_t j, const knn_cand *c)
{
	return d2 < c->d2 || (d2 == c->d2 && j < c->j);
}

/* offer j to the k best of i, kept ascending in best[0..*cnt) */
static inline void
knn_offer(knn_cand *best, size_t *cnt, size_t k, double d2, uint32_t j)
{
	size_t		pos;

	if (*cnt == k && !cand_less(d2, j, &best[k - 1]))
		return;
	pos = *cnt < k ? (*cnt)++ : k - 1;
	while (pos > 0 && cand_less(d2, j, &best[pos - 1]))
	{
		best[pos] = best[pos - 1];
		pos--;
	}
	best[pos].d2 = d2;
	best[pos].j = j;
}

/*
 * A k-d tree over the points for sc_nb_knn: nodes split at the median of
 * their wider side (by count, so the depth is log₂(n / KD_LEAF) whatever
 * the density: a grid of blocks sized for the mean density put a dense
 * cluster into a few blocks and took O(n²) there), each with its bounding
 * box.  idx holds the points in tree order; a node holds idx[lo, hi).
 */
#define KD_LEAF 16

typedef struct kd_node
{
	double		x0,
				y0,
				x1,
				y1;				/* bounding box */
	uint32_t	lo,
				hi,
				left;			/* children left, left + 1; 0 for a leaf */
} kd_node;

typedef struct kd_tree
{
	const double *x,
			   *y;
	uint32_t   *idx;
	kd_node    *nodes;
	size_t		nnodes,
				cap;
} kd_tree;

/* idx[lo, hi) reordered so that idx[kth] has its order by c, the smaller before */
static void
kd_select(uint32_t *idx, int64_t lo, int64_t hi, int64_t kth, const double *c)
{
	hi--;
	while (lo < hi)
	{
		double		a = c[idx[lo]],
					b = c[idx[lo + (hi - lo) / 2]],
					d = c[idx[hi]],
					piv = a < b ? (b < d ? b : (a < d ? d : a)) : (a < d ? a : (b < d ? d : b));
		int64_t		i = lo,
					j = hi;

		while (i <= j)
		{
			while (c[idx[i]] < piv)
				i++;
			while (c[idx[j]] > piv)
				j--;
			if (i <= j)
			{
				uint32_t	t = idx[i];

				idx[i++] = idx[j];
				idx[j--] = t;
			}
		}
		/* [lo, j] ≤ piv, (j, i) = piv, [i, hi] ≥ piv */
		if (kth <= j)
			hi = j;
		else if (kth >= i)
			lo = i;
		else
			return;
	}
}

static void
kd_build_node(kd_tree *t, size_t node, sc_interrupt_fn interrupt)
{
	kd_node    *nd = &t->nodes[node];
	double		x0 = INFINITY,
				y0 = INFINITY,
				x1 = -INFINITY,
				y1 = -INFINITY;

	for (uint32_t p = nd->lo; p < nd->hi; p++)
	{
		double		px = t->x[t->idx[p]],
					py = t->y[t->idx[p]];

		x0 = fmin(x0, px);
		x1 = fmax(x1, px);
		y0 = fmin(y0, py);
		y1 = fmax(y1, py);
	}
	nd->x0 = x0;
	nd->y0 = y0;
	nd->x1 = x1;
	nd->y1 = y1;
	nd->left = 0;
	/* a leaf when small, or when every point is at one place */
	if (nd->hi - nd->lo > KD_LEAF && (x1 > x0 || y1 > y0) && t->nnodes + 2 <= t->cap)
	{
		uint32_t	lo = nd->lo,
					hi = nd->hi,
					mid = lo + (hi - lo) / 2;
		size_t		l = t->nnodes;

		if (interrupt)
			interrupt();
		kd_select(t->idx, lo, hi, mid, x1 - x0 >= y1 - y0 ? t->x : t->y);
		t->nnodes += 2;
		nd->left = (uint32_t) l;
		t->nodes[l].lo = lo;
		t->nodes[l].hi = mid;
		t->nodes[l + 1].lo = mid;
		t->nodes[l + 1].hi = hi;
		kd_build_node(t, l, interrupt);
		kd_build_node(t, l + 1, interrupt);
	}
}

static inline double
kd_box_d2(const kd_node *nd, double qx, double qy)
{
	double		dx = qx < nd->x0 ? nd->x0 - qx : qx > nd->x1 ? qx - nd->x1 : 0.0,
				dy = qy < nd->y0 ? nd->y0 - qy : qy > nd->y1 ? qy - nd->y1 : 0.0;

	return dx * dx + dy * dy;
}

/*
 * The points of node offered to i, nearer child first; a node is skipped
 * only when its box is farther than the k-th best (strictly: a point at that
 * distance with a smaller index would still win the tie).
 */
static void
kd_knn(const kd_tree *t, size_t node, size_t i, knn_cand *best, size_t *cnt, size_t k)
{
	const kd_node *nd = &t->nodes[node];
	double		qx = t->x[i],
				qy = t->y[i];

	if (nd->left == 0)
	{
		for (uint32_t p = nd->lo; p < nd->hi; p++)
		{
			size_t		j = t->idx[p];
			double		dx,
						dy;

			if (j == i)
				continue;
			dx = qx - t->x[j];
			dy = qy - t->y[j];
			knn_offer(best, cnt, k, dx * dx + dy * dy, (uint32_t) j);
		}
		return;
	}
	{
		size_t		a = nd->left,
					b = nd->left + 1;
		double		da = kd_box_d2(&t->nodes[a], qx, qy),
					db = kd_box_d2(&t->nodes[b], qx, qy);

		if (db < da)
		{
			size_t		ts = a;
			double		td = da;

			a = b;
			b = ts;
			da = db;
			db = td;
		}
		if (*cnt < k || da <= best[k - 1].d2)
			kd_knn(t, a, i, best, cnt, k);
		if (*cnt < k || db <= best[k - 1].d2)
			kd_knn(t, b, i, best, cnt, k);
	}
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t	p = *(const uint32_t *) a,
				q = *(const uint32_t *) b;

	return (p > q) - (p < q);
}

sc_status
sc_nb_knn(size_t n, const double *x, const double *y, size_t k, sc_nb *nb,
		  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	kd_tree		t;
	knn_cand   *best;
	uint32_t   *tmp;
	size_t		total;
	sc_status	st;

	memset(nb, 0, sizeof(*nb));
	if (n >= (size_t) INT32_MAX)
		return sc_fail(err, SC_EINVAL, "too many points: %zu", n);
	if (k < 1 || k >= n)
		return sc_fail(err, SC_EINVAL, "k must be between 1 and the number of points less one (%zu), not %zu",
					   n > 0 ? n - 1 : 0, k);
	if ((st = check_points(n, x, y, err)) != SC_OK)
		return st;
	if (!sc_mul_size(n, k, &total))
		return sc_fail(err, SC_ENOMEM, "%zu points with %zu neighbours each are too many", n, k);

	/* leaves hold at least KD_LEAF / 2 points: fewer than n / 4 + 2 nodes */
	memset(&t, 0, sizeof(t));
	t.x = x;
	t.y = y;
	t.cap = n / 4 + 2;
	t.idx = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "k-d tree");
	t.nodes = t.idx ? sc_alloc_array(alloc, t.cap, sizeof(kd_node), err, "k-d tree") : NULL;
	nb->n = n;
	nb->symmetric = false;
	best = t.nodes ? sc_alloc_array(alloc, k, sizeof(knn_cand), err, "nearest neighbours") : NULL;
	nb->start = best ? sc_alloc_array(alloc, n + 1, sizeof(size_t), err, "neighbour offsets") : NULL;
	nb->nbr = nb->start ? sc_alloc_array(alloc, total, sizeof(uint32_t), err, "neighbours") : NULL;
	tmp = nb->nbr ? sc_alloc_array(alloc, k, sizeof(uint32_t), err, "neighbours") : NULL;
	if (!tmp)
	{
		sc_free(alloc, t.idx);
		sc_free(alloc, t.nodes);
		sc_free(alloc, best);
		sc_nb_free(nb, alloc);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		t.idx[i] = (uint32_t) i;
	t.nodes[0].lo = 0;
	t.nodes[0].hi = (uint32_t) n;
	t.nnodes = 1;
	kd_build_node(&t, 0, interrupt);

	for (size_t i = 0; i < n; i++)
	{
		size_t		cnt = 0;

		if (interrupt && i % (SC_INTERRUPT_EVERY / 16) == 0)
			interrupt();
		kd_knn(&t, 0, i, best, &cnt, k);
		nb->start[i] = i * k;
		for (size_t q = 0; q < k; q++)
			tmp[q] = best[q].j;
		sc_sort(tmp, best, k, sizeof(uint32_t), u32_cmp, NULL);
		memcpy(nb->nbr + i * k, tmp, k * sizeof(uint32_t));
	}
	nb->start[n] = n * k;
	nb->islands = 0;
	sc_free(alloc, best);
	sc_free(alloc, tmp);
	sc_free(alloc, t.idx);
	sc_free(alloc, t.nodes);
	return SC_OK;
}

/* the exact power-of-two scale that brings the largest |x| near 1 */
static double
value_scale(size_t n, const double *x)
{
	double		xmax = 0.0;
	int			e = 0;

	for (size_t i = 0; i < n; i++)
		xmax = fmax(xmax, fabs(x[i]));
	frexp(xmax, &e);
	return ldexp(1.0, -(e < -1000 ? -1000 : e));
}

static sc_status
check_values(size_t n, const double *x, const char *stat, size_t min, sc_err *err)
{
	if (n < min)
		return sc_fail(err, SC_EUNDEFINED, "%s needs at least %zu areas, got %zu", stat, min, n);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return sc_fail(err, SC_EINVAL, "value %zu is not finite", i + 1);
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return SC_OK;
	return sc_fail(err, SC_EUNDEFINED,
				   "all areas have the same value (%g): %s is undefined without variation", x[0], stat);
}

sc_status
sc_gistar_nb(const sc_nb *nb, const double *x, bool fdr, sc_gistar_cell *out,
			 sc_gistar_info *info, sc_interrupt_fn interrupt,
			 const sc_alloc *alloc, sc_err *err)
{
	size_t		n = nb->n,
				undefined = 0;
	double		dn = (double) n,
				scale,
				mean = 0.0,
				ss = 0.0,
				sd;
	sc_status	st;

	if ((st = check_values(n, x, "Gi*", 3, err)) != SC_OK)
		return st;
	scale = value_scale(n, x);
	for (size_t i = 0; i < n; i++)
		mean += x[i] * scale;
	mean /= dn;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] * scale - mean) * (x[i] * scale - mean);
	sd = sqrt(ss / dn);

	for (size_t i = 0; i < n; i++)
	{
		/* the area itself, then its neighbours: binary weights */
		double		sum = x[i] * scale - mean;
		size_t		cnt = 1 + (nb->start[i + 1] - nb->start[i]);

		if (interrupt && i % SC_INTERRUPT_EVERY == 0)
			interrupt();
		for (size_t p = nb->start[i]; p < nb->start[i + 1]; p++)
			sum += x[nb->nbr[p]] * scale - mean;
		undefined += sc_gistar_set(&out[i], sum, cnt, n, sd);
	}
	return sc_gistar_finish(n, out, mean, sd, scale, undefined, fdr, info, alloc, err);
}

sc_status
sc_local_moran(const sc_nb *nb, const double *x, bool row_standardize,
			   size_t perms, uint64_t seed, sc_lmoran_cell *out,
			   sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	size_t		n = nb->n;
	double		dn = (double) n,
				scale,
				mean = 0.0,
				m2 = 0.0,
				lagmean = 0.0;
	double	   *z;
	uint32_t   *pool = NULL,
			   *pos = NULL;
	sc_rng		rng;
	sc_status	st;

	if ((st = check_values(n, x, "local Moran's I", 3, err)) != SC_OK)
		return st;
	z = sc_alloc_array(alloc, n, sizeof(double), err, "centred values");
	if (!z)
		return SC_ENOMEM;
	if (perms > 0)
	{
		pool = sc_alloc_array(alloc, n, sizeof(uint32_t), err, "permutation pool");
		pos = pool ? sc_alloc_array(alloc, n, sizeof(uint32_t), err, "permutation pool") : NULL;
		if (!pos)
		{
			sc_free(alloc, z);
			sc_free(alloc, pool);
			return SC_ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			pool[i] = pos[i] = (uint32_t) i;
		sc_rng_seed(&rng, seed);
	}
	scale = value_scale(n, x);
	for (size_t i = 0; i < n; i++)
		mean += x[i] * scale;
	mean /= dn;
	for (size_t i = 0; i < n; i++)
	{
		z[i] = x[i] * scale - mean;
		m2 += z[i] * z[i];
	}
	m2 /= dn;

	for (size_t i = 0; i < n; i++)
	{
		size_t		deg = nb->start[i + 1] - nb->start[i];
		double		w = deg == 0 ? 0.0 : row_standardize ? 1.0 / (double) deg : 1.0,
					lz = 0.0,
					lx = 0.0,
					wi = w * (double) deg,
					wi2 = w * w * (double) deg,
					zi = z[i];

		if (interrupt && i % SC_INTERRUPT_EVERY == 0)
			interrupt();
		for (size_t p = nb->start[i]; p < nb->start[i + 1]; p++)
		{
			lz += w * z[nb->nbr[p]];
			lx += w * x[nb->nbr[p]] * scale;
		}
		out[i].nneigh = (uint32_t) deg;
		out[i].ii = zi / m2 * lz;
		/* spdep's conditional moments (Sokal, Oden & Thomson 1998) */
		out[i].e_ii = -(zi * zi * wi) / ((dn - 1.0) * m2);
		out[i].var_ii = (zi / m2) * (zi / m2) * (dn / (dn - 2.0)) * (wi2 - wi * wi / (dn - 1.0))
			* (m2 - zi * zi / (dn - 1.0));
		out[i].z = out[i].var_ii == 0 ? NAN : (out[i].ii - out[i].e_ii) / sqrt(out[i].var_ii);
		out[i].p = sc_p_two_sided(out[i].z);
		out[i].lag = lx;		/* scaled until the end */
		lagmean += lx;
		out[i].p_sim = NAN;
		if (perms > 0 && deg > 0)
		{
			size_t		last = n - 1,
						larger = 0;
			double		coef = zi / m2 * w;

			/* i out of the draw: to the pool's end */
			{
				uint32_t	a = pos[i],
							b = pool[last];

				pool[a] = b;
				pos[b] = a;
				pool[last] = (uint32_t) i;
				pos[i] = (uint32_t) last;
			}
			for (size_t s = 0; s < perms; s++)
			{
				double		sum = 0.0;

				if (interrupt && (s & 255) == 0)
					interrupt();
				/* deg values drawn without replacement: a partial Fisher–Yates */
				for (size_t t = 0; t < deg; t++)
				{
					size_t		r = t + (size_t) sc_rng_below(&rng, last - t);
					uint32_t	a = pool[t],
								b = pool[r];

					pool[t] = b;
					pos[b] = (uint32_t) t;
					pool[r] = a;
					pos[a] = (uint32_t) r;
					sum += z[b];
				}
				larger += coef * sum >= out[i].ii;
			}
			if (perms - larger < larger)
				larger = perms - larger;
			out[i].p_sim = (double) (larger + 1) / (double) (perms + 1);
		}
	}
	lagmean /= dn;
	for (size_t i = 0; i < n; i++)
	{
		bool		hx = x[i] * scale > mean,
					hl = out[i].lag > lagmean;

		out[i].quadrant = (int8_t) (hx ? (hl ? SC_LM_HH : SC_LM_HL) : (hl ? SC_LM_LH : SC_LM_LL));
		out[i].lag /= scale;
	}
	sc_free(alloc, z);
	sc_free(alloc, pool);
	sc_free(alloc, pos);
	return SC_OK;
}
