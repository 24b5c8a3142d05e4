/*
 * sc_nni.h — nearest-neighbour distances and the Average Nearest Neighbour
 * index (Clark & Evans 1954) as ArcGIS "Average Nearest Neighbor" reports it.
 *
 * Distances come from a k-d tree (O(n log n)), not an all-pairs scan.  Every
 * other point counts as a neighbour, so coincident points are at distance 0.
 */
#ifndef SC_NNI_H
#define SC_NNI_H

#include "sc_common.h"

/*
 * dist[i] = distance from point i to its k-th nearest other point
 * (k = 1: the nearest).  Needs n > k >= 1 and finite coordinates.
 * interrupt (may be NULL) is called every SC_INTERRUPT_EVERY points.
 */
sc_status	sc_knn_distances(size_t n, const double *x, const double *y, size_t k,
							 double *dist, sc_interrupt_fn interrupt,
							 const sc_alloc *alloc, sc_err *err);

/*
 * dist[i*k + m] = distance from point i to its (m+1)-th nearest other point,
 * m = 0..k-1 (ascending).  Same requirements as sc_knn_distances.
 */
sc_status	sc_knn_all_distances(size_t n, const double *x, const double *y, size_t k,
								 double *dist, sc_interrupt_fn interrupt,
								 const sc_alloc *alloc, sc_err *err);

/* area of the convex hull (Andrew's monotone chain); SC_EINVAL if 0 */
sc_status	sc_convex_hull_area(size_t n, const double *x, const double *y, double *area,
								const sc_alloc *alloc, sc_err *err);

/*
 * area of the minimum-area enclosing rectangle (any orientation; rotating
 * calipers over the hull), the default study area of ArcGIS Average
 * Nearest Neighbor (RECTANGLE_BY_AREA); SC_EINVAL if 0
 */
sc_status	sc_min_rectangle_area(size_t n, const double *x, const double *y, double *area,
								  const sc_alloc *alloc, sc_err *err);

typedef struct sc_nni_result
{
	size_t		n;
	double		area;			/* study area used */
	double		observed;		/* mean nearest-neighbour distance */
	double		expected;		/* 0.5 / sqrt(n / A) */
	double		ratio;			/* observed / expected */
	double		se;				/* 0.26136 / sqrt(n² / A) */
	double		z;				/* (observed − expected) / se */
	double		p;				/* two-sided normal p-value */
} sc_nni_result;

/*
 * Average nearest neighbour of n >= 2 points.  area > 0 is the study area;
 * area <= 0 (or NaN) means the convex hull of the points (SC_EINVAL when it
 * is degenerate: all points collinear).  ArcGIS uses the minimum enclosing
 * rectangle instead: pass sc_min_rectangle_area() to reproduce it.  nn
 * (n entries, may be NULL) receives each point's nearest-neighbour distance.
 */
sc_status	sc_nni(size_t n, const double *x, const double *y, double area,
				   sc_nni_result *res, double *nn, sc_interrupt_fn interrupt,
				   const sc_alloc *alloc, sc_err *err);

#endif
