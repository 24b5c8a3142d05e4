/*
 * sc_nni.c — k-nearest-neighbour distances (k-d tree), convex hull and
 * minimum-rectangle areas, and the Average Nearest Neighbour index.
 */
#include "sc_nni.h"
#include "sc_gistar.h"			/* sc_p_two_sided */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KD_LEAF 8
#define KD_STACK 160

typedef struct kd_node
{
	double		minx,
				miny,
				maxx,
				maxy;
	size_t		lo;				/* points [lo, hi) in tree order */
	size_t		hi;
	size_t		left;			/* child nodes; 0 for a leaf */
	size_t		right;
} kd_node;

typedef struct kd_tree
{
	size_t		n;
	double	   *px;				/* coordinates in tree order */
	double	   *py;
	size_t	   *perm;			/* tree order -> input index */
	kd_node    *nodes;
	size_t		nnodes;
	const sc_alloc *alloc;
} kd_tree;

static void
kd_free(kd_tree *t)
{
	sc_free(t->alloc, t->px);
	sc_free(t->alloc, t->py);
	sc_free(t->alloc, t->perm);
	sc_free(t->alloc, t->nodes);
	memset(t, 0, sizeof(*t));
}

/*
 * Distances and areas are computed on coordinates divided by the power of
 * two at their largest magnitude (an exact scaling, undone on the results):
 * squares of coordinates near 1e300 would overflow, of tiny ones vanish.
 */
static double
coord_scale(size_t n, const double *x, const double *y, const sc_alloc *alloc)
{
	double		m = 0;
	int			e;

	for (size_t i = 0; i < n; i++)
	{
		sc_alloc_poll(alloc, i);
		m = fmax(m, fmax(fabs(x[i]), fabs(y[i])));
	}
	if (!(m > 0) || !isfinite(m))
		return 1;
	frexp(m, &e);
	return ldexp(1.0, -(e < -1000 ? -1000 : e));	/* 2^1000 at most: finite */
}

/*
 * Put the element of rank kth (by c[perm[.]]) at perm[kth], smaller ones
 * before and larger after.  Three-way partitioning keeps runs of equal
 * coordinates (coincident events) linear.
 */
static void
select_kth(size_t *perm, const double *c, size_t lo, size_t hi, size_t kth,
		   const sc_alloc *alloc)
{
	while (hi - lo > 1)
	{
		size_t		mid = lo + (hi - lo) / 2;
		double		a = c[perm[lo]],
					b = c[perm[mid]],
					d = c[perm[hi - 1]],
					pivot;
		size_t		lt = lo,
					gt = hi,
					k = lo;

		/* median of three */
		if ((a <= b && b <= d) || (d <= b && b <= a))
			pivot = b;
		else if ((b <= a && a <= d) || (d <= a && a <= b))
			pivot = a;
		else
			pivot = d;

		while (k < gt)
		{
			double		v = c[perm[k]];

			sc_alloc_poll(alloc, k);
			if (v < pivot)
			{
				size_t		tmp = perm[k];

				perm[k++] = perm[lt];
				perm[lt++] = tmp;
			}
			else if (v > pivot)
			{
				size_t		tmp = perm[k];

				perm[k] = perm[--gt];
				perm[gt] = tmp;
			}
			else
				k++;
		}
		if (kth < lt)
			hi = lt;
		else if (kth >= gt)
			lo = gt;
		else
			return;
	}
}

/* the tree holds the coordinates times scale (a power of two) */
static sc_status
kd_build(kd_tree *t, size_t n, const double *x, const double *y, double scale,
		 const sc_alloc *alloc, sc_err *err)
{
	size_t		cap = n / 2 + 8,
				stack[KD_STACK],
				sp = 0;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->alloc = alloc;
	t->perm = sc_alloc_array(alloc, n, sizeof(size_t), err, "points");
	t->px = t->perm ? sc_alloc_array(alloc, n, sizeof(double), err, "points") : NULL;
	t->py = t->px ? sc_alloc_array(alloc, n, sizeof(double), err, "points") : NULL;
	t->nodes = t->py ? sc_alloc_array(alloc, cap, sizeof(kd_node), err, "tree nodes") : NULL;
	if (!t->nodes)
	{
		kd_free(t);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
	{
		sc_alloc_poll(alloc, i);
		t->perm[i] = i;
	}

	t->nodes[0].lo = 0;
	t->nodes[0].hi = n;
	t->nnodes = 1;
	stack[sp++] = 0;
	while (sp)
	{
		kd_node    *nd = &t->nodes[stack[--sp]];
		size_t		lo = nd->lo,
					hi = nd->hi,
					mid;

		nd->minx = nd->miny = INFINITY;
		nd->maxx = nd->maxy = -INFINITY;
		for (size_t k = lo; k < hi; k++)
		{
			double		px = x[t->perm[k]] * scale,
						py = y[t->perm[k]] * scale;

			sc_alloc_poll(alloc, k);
			nd->minx = fmin(nd->minx, px);
			nd->maxx = fmax(nd->maxx, px);
			nd->miny = fmin(nd->miny, py);
			nd->maxy = fmax(nd->maxy, py);
		}
		nd->left = nd->right = 0;
		if (hi - lo <= KD_LEAF)
			continue;
		/* halves of n > KD_LEAF points hold >= KD_LEAF/2, so nodes <= n/2 */
		if (t->nnodes + 2 > cap || sp + 2 > KD_STACK)
		{
			kd_free(t);
			return sc_fail(err, SC_ENOMEM, "k-d tree outgrew its bound");
		}
		mid = lo + (hi - lo) / 2;
		select_kth(t->perm, nd->maxx - nd->minx >= nd->maxy - nd->miny ? x : y,
				   lo, hi, mid, alloc);
		nd->left = t->nnodes;
		nd->right = t->nnodes + 1;
		t->nodes[nd->left].lo = lo;
		t->nodes[nd->left].hi = mid;
		t->nodes[nd->right].lo = mid;
		t->nodes[nd->right].hi = hi;
		stack[sp++] = t->nnodes++;
		stack[sp++] = t->nnodes++;
	}
	for (size_t k = 0; k < n; k++)
	{
		sc_alloc_poll(alloc, k);
		t->px[k] = x[t->perm[k]] * scale;
		t->py[k] = y[t->perm[k]] * scale;
	}
	return SC_OK;
}

static inline double
box_d2(const kd_node *nd, double qx, double qy)
{
	double		dx = qx < nd->minx ? nd->minx - qx : (qx > nd->maxx ? qx - nd->maxx : 0.0);
	double		dy = qy < nd->miny ? nd->miny - qy : (qy > nd->maxy ? qy - nd->maxy : 0.0);

	return dx * dx + dy * dy;
}

/*
 * The k smallest squared distances from input point self to the other
 * points, ascending, into best[0..k-1].
 */
static void
kd_knn(const kd_tree *t, size_t self, double qx, double qy, size_t k, double *best)
{
	size_t		stack[KD_STACK],
				sp = 0,
				have = 0;

	stack[sp++] = 0;
	while (sp)
	{
		const kd_node *nd = &t->nodes[stack[--sp]];

		if (have == k && box_d2(nd, qx, qy) >= best[k - 1])
			continue;
		if (!nd->left)
		{
			for (size_t pos = nd->lo; pos < nd->hi; pos++)
			{
				double		dx,
							dy,
							d2;
				size_t		m;

				if (t->perm[pos] == self)
					continue;
				dx = t->px[pos] - qx;
				dy = t->py[pos] - qy;
				d2 = dx * dx + dy * dy;
				if (have == k && d2 >= best[k - 1])
					continue;
				/* insertion into the sorted list of the k best */
				m = have < k ? have++ : k - 1;
				while (m > 0 && best[m - 1] > d2)
				{
					best[m] = best[m - 1];
					m--;
				}
				best[m] = d2;
			}
		}
		else
		{
			size_t		a = nd->left,
						b = nd->right;

			/* visit the nearer child first: push it last */
			if (box_d2(&t->nodes[a], qx, qy) < box_d2(&t->nodes[b], qx, qy))
			{
				size_t		tmp = a;

				a = b;
				b = tmp;
			}
			stack[sp++] = a;
			stack[sp++] = b;
		}
	}
}

static sc_status
check_coords(size_t n, const double *x, const double *y, const sc_alloc *alloc, sc_err *err)
{
	for (size_t i = 0; i < n; i++)
	{
		sc_alloc_poll(alloc, i);
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sc_fail(err, SC_EINVAL, "point coordinates must be finite");
	}
	return SC_OK;
}

static sc_status
knn_run(size_t n, const double *x, const double *y, size_t k, double *dist,
		bool all, sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err)
{
	kd_tree		t;
	double	   *best,
				scale;
	sc_status	st = SC_OK;

	if (k < 1)
		return sc_fail(err, SC_EINVAL, "k must be at least 1");
	if (n <= k)
		return sc_fail(err, SC_EINVAL,
					   "%zu nearest neighbours need at least %zu points, got %zu", k, k + 1, n);
	if ((st = check_coords(n, x, y, alloc, err)) != SC_OK)
		return st;
	scale = coord_scale(n, x, y, alloc);
	if ((st = kd_build(&t, n, x, y, scale, alloc, err)) != SC_OK)
		return st;
	best = sc_alloc_array(alloc, k, sizeof(double), err, "neighbours");
	if (!best)
	{
		kd_free(&t);
		return SC_ENOMEM;
	}

	/* query in tree order: consecutive queries walk the same nodes */
	for (size_t pos = 0; pos < n; pos++)
	{
		size_t		i = t.perm[pos];

		kd_knn(&t, i, t.px[pos], t.py[pos], k, best);
		if (all)
			for (size_t m = 0; m < k; m++)
				dist[i * k + m] = sqrt(best[m]) / scale;
		else
			dist[i] = sqrt(best[k - 1]) / scale;
		/* only points ±1.8e308 apart are farther than a double holds */
		if (!isfinite(dist[all ? i * k + k - 1 : i]))
		{
			st = sc_fail(err, SC_ERANGE, "the distance from point %zu to its neighbour is beyond double precision",
						 i + 1);
			break;
		}
		if (interrupt && (pos + 1) % SC_INTERRUPT_EVERY == 0)
			interrupt();
	}
	sc_free(alloc, best);
	kd_free(&t);
	return st;
}

sc_status
sc_knn_distances(size_t n, const double *x, const double *y, size_t k,
				 double *dist, sc_interrupt_fn interrupt,
				 const sc_alloc *alloc, sc_err *err)
{
	return knn_run(n, x, y, k, dist, false, interrupt, alloc, err);
}

sc_status
sc_knn_all_distances(size_t n, const double *x, const double *y, size_t k,
					 double *dist, sc_interrupt_fn interrupt,
					 const sc_alloc *alloc, sc_err *err)
{
	if (k && n > SIZE_MAX / k)
		return sc_fail(err, SC_ENOMEM, "too many points");
	return knn_run(n, x, y, k, dist, true, interrupt, alloc, err);
}

typedef struct pt
{
	double		x;
	double		y;
} pt;

static int
pt_cmp(const void *a, const void *b)
{
	const pt   *p = a,
			   *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

static inline double
cross(pt o, pt a, pt b)
{
	return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/*
 * Convex hull, counter-clockwise without collinear points (Andrew 1979,
 * monotone chain), of the points times scale (a power of two).  *hull is
 * allocated (caller frees); *h its size.
 */
static sc_status
convex_hull(size_t n, const double *x, const double *y, double scale, pt **hull, size_t *h,
			const sc_alloc *alloc, sc_err *err)
{
	pt		   *p,
			   *H;
	size_t		k = 0;
	sc_status	st;

	if (n < 3)
		return sc_fail(err, SC_EINVAL, "a study area needs at least 3 points, got %zu", n);
	if ((st = check_coords(n, x, y, alloc, err)) != SC_OK)
		return st;
	p = sc_alloc_array(alloc, n, sizeof(pt), err, "points");
	H = p ? sc_alloc_array(alloc, 2 * n, sizeof(pt), err, "hull vertices") : NULL;
	if (!H)
	{
		sc_free(alloc, p);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
	{
		sc_alloc_poll(alloc, i);
		p[i].x = x[i] * scale;
		p[i].y = y[i] * scale;
	}
	/* H is the sort's room: equal points are interchangeable */
	sc_sort(p, H, n, sizeof(pt), pt_cmp, alloc->interrupt);
	for (size_t i = 0; i < n; i++)		/* lower hull */
	{
		sc_alloc_poll(alloc, i);
		while (k >= 2 && cross(H[k - 2], H[k - 1], p[i]) <= 0)
			k--;
		H[k++] = p[i];
	}
	for (size_t i = n - 1, t = k + 1; i-- > 0;)	/* upper hull */
	{
		sc_alloc_poll(alloc, i);
		while (k >= t && cross(H[k - 2], H[k - 1], p[i]) <= 0)
			k--;
		H[k++] = p[i];
	}
	sc_free(alloc, p);
	*hull = H;
	*h = k > 0 ? k - 1 : 0;		/* the last point repeats the first */
	return SC_OK;
}

/* an area of scaled coordinates in the units of the data, if a double holds it */
static sc_status
unscale_area(double a, double scale, const char *what, double *area, sc_err *err)
{
	double		u = a / scale / scale;

	if (a > 0 && !(u > 0 && isfinite(u)))
		return sc_fail(err, SC_ERANGE, "the points' %s has an area outside the range of double precision (%g × 2^%d)",
					   what, a, -2 * ilogb(scale));
	*area = u;
	return SC_OK;
}

/* shoelace, relative to the first vertex to spare large coordinates */
static double
polygon_area(const pt *H, size_t h)
{
	double		a = 0.0;

	for (size_t i = 1; i + 1 < h; i++)
		a += (H[i].x - H[0].x) * (H[i + 1].y - H[0].y)
			- (H[i + 1].x - H[0].x) * (H[i].y - H[0].y);
	return 0.5 * a;
}

sc_status
sc_convex_hull_area(size_t n, const double *x, const double *y, double *area,
					const sc_alloc *alloc, sc_err *err)
{
	pt		   *H;
	size_t		h;
	double		a,
				scale = n >= 3 ? coord_scale(n, x, y, alloc) : 1;
	sc_status	st = convex_hull(n, x, y, scale, &H, &h, alloc, err);

	if (st != SC_OK)
		return st;
	a = h >= 3 ? polygon_area(H, h) : 0.0;
	sc_free(alloc, H);
	if (!(a > 0))
		return sc_fail(err, SC_EINVAL,
					   "the points' convex hull has no area (they are collinear or coincide); "
					   "give the study area explicitly");
	return unscale_area(a, scale, "convex hull", area, err);
}

/*
 * Minimum-area enclosing rectangle: one side lies on a hull edge (Freeman &
 * Shapira 1975), so try every edge, tracking the extreme vertices along and
 * across it with rotating calipers (Toussaint 1983) in O(h).
 */
sc_status
sc_min_rectangle_area(size_t n, const double *x, const double *y, double *area,
					  const sc_alloc *alloc, sc_err *err)
{
	pt		   *H;
	size_t		h,
				r = 1,
				top = 1,
				l = 1;
	double		best = INFINITY,
				scale = n >= 3 ? coord_scale(n, x, y, alloc) : 1;
	sc_status	st = convex_hull(n, x, y, scale, &H, &h, alloc, err);

	if (st != SC_OK)
		return st;
	if (h < 3)
	{
		sc_free(alloc, H);
		return sc_fail(err, SC_EINVAL,
					   "the points' enclosing rectangle has no area (they are collinear or coincide); "
					   "give the study area explicitly");
	}
	for (size_t i = 0; i < h; i++)
	{
		pt			a = H[i],
					b = H[(i + 1) % h];
		double		len = hypot(b.x - a.x, b.y - a.y),
					ux = (b.x - a.x) / len,
					uy = (b.y - a.y) / len,
					along_r,
					along_l,
					across;

#define ALONG(q) (((q).x - a.x) * ux + ((q).y - a.y) * uy)
#define ACROSS(q) (ux * ((q).y - a.y) - uy * ((q).x - a.x))
		if (i == 0)
			r = top = l = 1;
		for (size_t s = 0; s < h && ALONG(H[(r + 1) % h]) >= ALONG(H[r % h]); s++)
			r++;
		if (i == 0)
			top = r;
		for (size_t s = 0; s < h && ACROSS(H[(top + 1) % h]) >= ACROSS(H[top % h]); s++)
			top++;
		if (i == 0)
			l = top;
		for (size_t s = 0; s < h && ALONG(H[(l + 1) % h]) <= ALONG(H[l % h]); s++)
			l++;
		along_r = ALONG(H[r % h]);
		along_l = ALONG(H[l % h]);
		across = ACROSS(H[top % h]);
#undef ALONG
#undef ACROSS
		if ((along_r - along_l) * across < best)
			best = (along_r - along_l) * across;
		r %= h;
		top %= h;
		l %= h;
	}
	sc_free(alloc, H);
	if (!(best > 0) || !isfinite(best))
		return sc_fail(err, SC_EINVAL, "the points' enclosing rectangle has no area");
	return unscale_area(best, scale, "enclosing rectangle", area, err);
}

sc_status
sc_nni(size_t n, const double *x, const double *y, double area,
	   sc_nni_result *res, double *nn, sc_interrupt_fn interrupt,
	   const sc_alloc *alloc, sc_err *err)
{
	double	   *d = nn,
				sum = 0.0,
				mean,
				dn = (double) n;
	sc_status	st;

	if (n < 2)
		return sc_fail(err, SC_EINVAL, "average nearest neighbour needs at least 2 points, got %zu", n);
	if (!(area > 0))
	{
		if ((st = sc_convex_hull_area(n, x, y, &area, alloc, err)) != SC_OK)
			return st;
	}
	else if (!isfinite(area))
		return sc_fail(err, SC_EINVAL, "study area must be finite");
	if (!d && !(d = sc_alloc_array(alloc, n, sizeof(double), err, "distances")))
		return SC_ENOMEM;
	st = sc_knn_distances(n, x, y, 1, d, interrupt, alloc, err);
	if (st == SC_OK)
		for (size_t i = 0; i < n; i++)
		{
			sc_alloc_poll(alloc, i);
			sum += d[i];
		}
	mean = sum / dn;
	/* distances near 1e308 add up past it: average them piecewise instead */
	if (st == SC_OK && !isfinite(sum))
	{
		mean = 0;
		for (size_t i = 0; i < n; i++)
			mean += d[i] / dn;
	}
	if (d != nn)
		sc_free(alloc, d);
	if (st != SC_OK)
		return st;

	/*
	 * Clark & Evans (1954); SE and z as in ArcGIS Average Nearest Neighbor,
	 * with sqrt(A) outside so that areas near the ends of double's range
	 * keep their quotients
	 */
	res->n = n;
	res->area = area;
	res->observed = mean;
	res->expected = 0.5 * sqrt(area / dn);
	res->ratio = res->observed / res->expected;
	res->se = 0.26136 * sqrt(area) / dn;
	res->z = (res->observed - res->expected) / res->se;
	res->p = sc_p_two_sided(res->z);
	if (!isfinite(res->observed) || !isfinite(res->ratio) || !isfinite(res->z) || !(res->se > 0))
		return sc_fail(err, SC_ERANGE,
					   "the index is beyond double precision for these coordinates and study area (%g)", area);
	return SC_OK;
}
