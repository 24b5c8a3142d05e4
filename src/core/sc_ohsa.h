/*
 * sc_ohsa.h — the scale rules of ArcGIS Pro "Optimized Hot Spot Analysis"
 * for incident points aggregated to a fishnet (or hexagon) grid, as pure
 * functions:
 *
 *  1. sc_ohsa_cell_size: grid cell size from the incidents' nearest-neighbour
 *     distances (unique locations, locational outliers removed).
 *  2. sc_ohsa_distance_band: the distance band for Gi* over the aggregated
 *     cells, from the first peak of the Incremental Spatial Autocorrelation
 *     z-score, or the k-nearest-neighbour fallback.
 *  3. Gi* with that band and FDR: sc_gistar(..., fdr = true).
 *
 * The rules follow Esri's documentation ("How Optimized Hot Spot Analysis
 * works", "Incremental Spatial Autocorrelation") and the published
 * OptimizedHotSpotAnalysis.py / MoransI_Increment.py / SSUtilities.py
 * scripts; docs/methods-hotspots.md gives every step and its source.
 * Distances are in the (projected) coordinate units; ArcGIS rounds some of
 * them up to the next whole unit (round_up), which assumes metres or feet.
 */
#ifndef SC_OHSA_H
#define SC_OHSA_H

#include "sc_common.h"
#include "sc_gistar.h"
#include "sc_moran.h"

#define SC_OHSA_MAX_INCREMENTS 30

typedef struct sc_ohsa_params
{
	double		outlier_sd;		/* locational outlier: NN distance >= mean + this·SD (3) */
	double		min_cell_size;	/* lower bound on the cell size (0: none) */
	int			n_increments;	/* ISA distance bands (10; at most SC_OHSA_MAX_INCREMENTS) */
	double		peak_z_min;		/* a peak must have z > this (1.65) */
	bool		row_standardize;	/* ISA weights row-standardised (true, as ArcGIS) */
	bool		round_up;		/* ArcGIS's roof(): floor(d) + 1 on derived distances (true) */
} sc_ohsa_params;

/* the ArcGIS defaults listed above */
sc_ohsa_params sc_ohsa_params_default(void);

/* ArcGIS roof(): truncate and add one unit (5.0 -> 6, 5.3 -> 6) */
double		sc_ohsa_roof(double d);

/*
 * Nearest-neighbour summary of a point set with locational outliers set
 * aside (SSUtilities LocationInfo.getNearestNeighborInfo): NN distances of
 * the unique locations; outliers have (d − mean)/SD >= outlier_sd, SD the
 * population standard deviation (none when SD = 0).
 */
typedef struct sc_ohsa_nn_info
{
	size_t		n;				/* points given */
	size_t		n_unique;		/* distinct locations */
	size_t		n_outliers;		/* unique locations set aside */
	double		mean_all;		/* mean NN distance, all unique locations */
	double		sd_all;			/* its population SD (0: a regular grid) */
	double		mean;			/* mean NN distance without outliers */
	double		median;			/* median NN distance without outliers */
	double		max;			/* largest NN distance without outliers */
	double		width;			/* extent of the points */
	double		height;
} sc_ohsa_nn_info;

sc_status	sc_ohsa_nn_info_compute(size_t n, const double *x, const double *y, double outlier_sd,
									sc_ohsa_nn_info *info, sc_interrupt_fn interrupt,
									const sc_alloc *alloc, sc_err *err);

typedef struct sc_ohsa_cell_result
{
	sc_ohsa_nn_info nn;
	double		raw;			/* 2 · max(mean, median) */
	double		cell_size;		/* fishnet cell side: roof(raw) within [min, max] */
	double		max_cell_size;	/* roof(0.1 · max(width, height)) */
	bool		clamped;		/* raw hit min_cell_size or max_cell_size */
	double		hex_edge;		/* hexagon edge with the same height: cell_size/√3 */
} sc_ohsa_cell_result;

/*
 * Cell size for COUNT_INCIDENTS_WITHIN_FISHNET_POLYGONS (and _HEXAGON_:
 * hexagons of edge cell_size/√3, i.e. cell_size from flat side to flat
 * side).  Needs at least 2 distinct locations (SC_EINVAL).  ArcGIS also
 * requires 60 incidents without a study-area boundary (30 with one); that
 * check is the caller's.
 */
sc_status	sc_ohsa_cell_size(size_t n, const double *x, const double *y,
							  const sc_ohsa_params *params, sc_ohsa_cell_result *res,
							  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

/*
 * First and highest peak of an ISA z-score series (SSUtilities
 * returnPeakIndices): index c is a peak when z[c+1] < z[c], the series has
 * risen somewhere before c (z[m+1] > z[m] for some m < c) and z[c] > level.
 * Returns the first peak index or -1; *max_peak (may be NULL) gets the
 * peak with the largest z (the first of equals) or -1.
 */
int			sc_ohsa_peaks(const double *z, int n, double level, int *max_peak);

typedef struct sc_ohsa_band_result
{
	sc_ohsa_nn_info nn;			/* of the cell centres */
	double		start;			/* first band: roof(max non-outlier NN distance) */
	double		increment;		/* mean non-outlier NN distance */
	double		max_distance;	/* standard distance of the unique centres */
	bool		rescaled;		/* bands spread over [start, max_distance] instead */
	bool		grid_data;		/* all NN distances equal: bands + 0.001 */
	int			n_increments;
	sc_moran_result isa[SC_OHSA_MAX_INCREMENTS];	/* z_rand is the ISA z */
	int			first_peak;		/* index into isa, or -1 */
	int			max_peak;
	bool		peak_found;
	int			knn_k;			/* fallback: clamp(⌊0.05 N⌋, 3, 30) */
	double		knn_mean;		/* mean distance to the k-th neighbour */
	double		std_distance;	/* standard distance of the centres */
	bool		used_std_distance;	/* knn_mean exceeded it */
	double		min_band;		/* 0.001 · max(width, height) */
	double		band;			/* the distance band for Gi* */
} sc_ohsa_band_result;

/*
 * Distance band for n >= 4 analysis cells (centres cx, cy, counts v; ArcGIS
 * drops cells with no incident when no study-area boundary is given, and
 * refuses fewer than 30 cells — both the caller's choice):
 *
 *  ISA bands start at roof(max NN distance without outliers) and step by
 *  the mean NN distance without outliers, n_increments of them; if any band
 *  passes the standard distance of the centres, the bands spread evenly
 *  from the start (or 0.2·SD when the start is beyond SD) towards SD.
 *  Moran's I (row-standardised, randomization z) at each band; the band at
 *  the first peak of z is chosen.  Without a peak: the mean distance to the
 *  k-th nearest neighbour, k = clamp(⌊0.05 n⌋, 3, 30), capped by the
 *  standard distance, then roof().  Finally at least 0.001·max extent.
 *
 * SC_EINVAL for too few cells or all values equal; SC_ENOMEM.
 */
sc_status	sc_ohsa_distance_band(size_t n, const double *cx, const double *cy, const double *v,
								  const sc_ohsa_params *params, sc_ohsa_band_result *res,
								  sc_interrupt_fn interrupt, const sc_alloc *alloc, sc_err *err);

#endif
