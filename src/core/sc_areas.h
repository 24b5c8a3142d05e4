/*
 * sc_areas.h — areas (districts, beats, community grids) as analysis units:
 * neighbour lists (contiguity from shared boundary vertices, a centroid
 * distance band, k nearest centroids), Getis–Ord Gi* over any neighbour
 * list, and local Moran's I with conditional-permutation pseudo p-values.
 *
 * Neighbour lists are compressed rows (CSR): the neighbours of i are
 * nbr[start[i] .. start[i+1]), ascending, never i itself.  Every builder
 * costs O(m log m) in the number m of vertices or areas (a block index or a
 * sort), never a comparison of every pair.
 */
#ifndef SC_AREAS_H
#define SC_AREAS_H

#include "sc_common.h"
#include "sc_gistar.h"

/* spdep::poly2nb's default snap: sqrt(.Machine$double.eps) */
#define SC_AREAS_SNAP 1.4901161193847656e-08

typedef struct sc_nb
{
	size_t		n;
	size_t	   *start;			/* n + 1 offsets into nbr */
	uint32_t   *nbr;
	size_t		islands;		/* areas without a neighbour */
	bool		symmetric;
} sc_nb;

void		sc_nb_free(sc_nb *nb, const sc_alloc *alloc);

/*
 * Contiguity of n areas from their boundary vertices: vertex v (x[v], y[v])
 * belongs to area va[v] (0 .. n-1).  Two areas are neighbours when at least
 * one (queen) or at least two (rook) pairs of their vertices lie within snap
 * of each other, as spdep::poly2nb(queen = TRUE / FALSE, snap) counts them;
 * give each area's distinct vertices (a ring's closing point once).  The
 * vertices are hashed into blocks of at least snap, so only vertices in
 * adjacent blocks are compared.  Errors: SC_EINVAL (non-finite vertex,
 * area index out of range, snap < 0), SC_ENOMEM.
 */
sc_status	sc_nb_contiguity(size_t n, size_t nv, const uint32_t *va, const double *x,
							 const double *y, bool queen, double snap, sc_nb *nb,
							 sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * Distance band on points (centroids): j is a neighbour of i when
 * 0 < d_ij <= band (with the tolerance of sc_gistar.h), as
 * spdep::dnearneigh(coords, 0, band) with its default bounds ("GT", "LE"):
 * points at the same place are not neighbours.  Errors: SC_EINVAL for a band
 * not positive and finite, or non-finite points.
 */
sc_status	sc_nb_distance(size_t n, const double *x, const double *y, double band, sc_nb *nb,
						   sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * The k nearest other points of each point, as spdep::knn2nb(knearneigh(
 * coords, k)) with its default sym = FALSE: j in the list of i need not mean
 * i in the list of j.  Ties at the k-th distance go to the lower index.
 * A grid of blocks holding about k points each is searched ring by ring.
 * Errors: SC_EINVAL for k < 1 or k >= n, non-finite points.
 */
sc_status	sc_nb_knn(size_t n, const double *x, const double *y, size_t k, sc_nb *nb,
					  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * Gi* with binary weights over nb plus each area itself, as
 * spdep::localG(x, nb2listw(include.self(nb), style = "B")): for an area
 * without neighbours its own value alone.  out[i].nneigh counts i itself.
 * Errors and FDR bins as sc_gistar.
 */
sc_status	sc_gistar_nb(const sc_nb *nb, const double *x, bool fdr, sc_gistar_cell *out,
						 sc_gistar_info *info, sc_interrupt_fn interrupt,
						 const sc_alloc *alloc, sc_err *err);

/* quadrants of local Moran's I (spdep's "mean" rule, see sc_local_moran) */
enum
{
	SC_LM_LL = 1,				/* value <= mean, lag <= mean of lags */
	SC_LM_HL = 2,
	SC_LM_LH = 3,
	SC_LM_HH = 4
};

typedef struct sc_lmoran_cell
{
	double		ii;				/* I_i */
	double		e_ii;			/* E[I_i] (conditional, spdep's default) */
	double		var_ii;			/* Var[I_i] */
	double		z;				/* (I_i - E) / sqrt(Var); NaN when Var = 0 */
	double		p;				/* two-sided normal p of z */
	double		p_sim;			/* folded pseudo p of the permutations; NaN without */
	double		lag;			/* the spatial lag of the values */
	uint32_t	nneigh;
	int8_t		quadrant;		/* SC_LM_* */
} sc_lmoran_cell;

/*
 * Local Moran's I (Anselin 1995) over nb, with row-standardised ("W") or
 * binary ("B") weights, as spdep::localmoran(x, nb2listw(nb, style,
 * zero.policy = TRUE)) with its defaults (mlvar = TRUE, conditional = TRUE):
 * z_i = x_i - x̄, m2 = Σz²/n, I_i = z_i/m2 · Σ_j w_ij z_j.  An area without
 * neighbours has lag 0 and I_i = 0 (zero.policy).  Quadrant: High when
 * x_i > x̄, and High lag when the lag of x exceeds the mean of the lags
 * (spdep's attr(, "quadr")$mean).  With perms > 0, each area's neighbours'
 * values are drawn perms times at random from the other n - 1 values
 * (conditional permutation, seeded sc_rng); p_sim = (min(#I_sim >= I_i,
 * perms - #I_sim >= I_i) + 1) / (perms + 1), the folded pseudo p of
 * PySAL/GeoDa.  Errors: SC_EUNDEFINED for n < 3 or all values equal,
 * SC_EINVAL for non-finite values.
 */
sc_status	sc_local_moran(const sc_nb *nb, const double *x, bool row_standardize,
						   size_t perms, uint64_t seed, sc_lmoran_cell *out,
						   sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

#endif
