/*
 * sc_knox.h — the Knox space-time table behind near-repeat analysis.
 *
 * For every unordered pair of events the table counts in which distance band
 * (row) and time band (column) the pair falls, as the Near Repeat Calculator
 * (Ratcliffe) does, and compares each count with its Monte Carlo distribution
 * when event times are permuted over the fixed locations (Knox 1964; Johnson
 * et al. 2007).  See docs/methods-near-repeat.md.
 *
 * Rows, for same_location = s and distance band edges d_1 < … < d_k:
 *   row 0        d ≤ s                ("same location")
 *   row 1        s < d < d_1
 *   row r        d_{r-1} ≤ d < d_r     (2 ≤ r ≤ k)
 *   row k+1      d ≥ d_k               (open-ended)
 * Columns, for time band edges τ_1 < … < τ_m in days:
 *   [0, τ_1), [τ_1, τ_2), …, [τ_m, ∞)  on |t_i − t_j| in microseconds,
 *   so a pair exactly 7 days apart falls in [7, 14).
 *
 * Only pairs closer than d_k are ever enumerated (a uniform grid of cell
 * size ≥ d_k), so memory is O(n + close pairs), never O(n²); the open row is
 * the all-pairs time histogram, from sorted times, minus the finite rows.
 */
#ifndef SC_KNOX_H
#define SC_KNOX_H

#include "sc_common.h"

typedef enum sc_metric
{
	SC_METRIC_MANHATTAN = 0,	/* |dx| + |dy| */
	SC_METRIC_EUCLIDEAN = 1		/* sqrt(dx² + dy²) */
} sc_metric;

/* distance bands are stored as a uint8 row, so k + 2 ≤ 256 */
#define SC_KNOX_MAX_DIST_BANDS 254
#define SC_KNOX_MAX_TIME_BANDS 1000
/* event indices are stored as uint32 */
#define SC_KNOX_MAX_EVENTS ((size_t) UINT32_MAX)

typedef struct sc_knox_params
{
	sc_metric	metric;
	double		same_location;	/* ≥ 0, < dist_bands[0] */
	const double *dist_bands;	/* d_1 < … < d_k, finite, projected units */
	size_t		n_dist_bands;	/* k ≥ 1 */
	const double *time_bands;	/* τ_1 < … < τ_m, in days, > 0 */
	size_t		n_time_bands;	/* m ≥ 1 */
	uint32_t	permutations;	/* P ≥ 0 */
	uint64_t	seed;
	size_t		max_pairs;		/* refuse (SC_ELIMIT) past this many close pairs; 0 = none */
	sc_interrupt_fn interrupt;	/* may be NULL */
	/* optional: called after each permutation with (done, P) */
	void		(*progress) (void *ctx, uint32_t done, uint32_t total);
	void	   *progress_ctx;
} sc_knox_params;

/*
 * All per-cell arrays have n_rows × n_cols entries, row-major:
 * cell (r, c) is at r * n_cols + c (sc_knox_cell).
 */
typedef struct sc_knox_result
{
	size_t		n_rows;			/* k + 2 */
	size_t		n_cols;			/* m + 1 */
	uint32_t	permutations;	/* P */
	size_t		close_pairs;	/* pairs with d < d_k */
	int64_t    *observed;		/* pairs in the cell */
	double	   *expected;		/* mean count over permutations (NaN when P = 0) */
	double	   *median;			/* median count over permutations (NaN when P = 0) */
	int64_t    *n_ge;			/* permutations whose count ≥ observed */
	sc_alloc	alloc;			/* frees the arrays */
} sc_knox_result;

static inline size_t
sc_knox_cell(const sc_knox_result *res, size_t row, size_t col)
{
	return row * res->n_cols + col;
}

/* Monte Carlo p-value (1 + #{perm ≥ obs}) / (1 + P) (North et al. 2002) */
static inline double
sc_knox_p_value(const sc_knox_result *res, size_t cell)
{
	return (1.0 + (double) res->n_ge[cell]) / (1.0 + (double) res->permutations);
}

/* --- reading the table (sc_knox_table.c) --- */

/*
 * Edges of row r (distance) / column c (time) of the table of p: row 0 is
 * the same location [0, same_location], row 1 [same_location, d_1], row
 * r ≥ 2 [d_{r−1}, d_r]; column c [τ_c, τ_{c+1}] (τ_0 = 0).  *has_to is
 * false for the open-ended last row and column.
 */
void		sc_knox_row_edges(const sc_knox_params *p, size_t r, double *from, double *to, bool *has_to);
void		sc_knox_col_edges(const sc_knox_params *p, size_t c, double *from, double *to, bool *has_to);
/* a cell's Knox ratio O / E; false (no ratio) when E is not > 0 */
bool		sc_knox_ratio(const sc_knox_result *res, size_t cell, double *ratio);
/* a ratio, p < alpha and ratio ≥ min_ratio */
bool		sc_knox_significant(const sc_knox_result *res, size_t cell, double alpha, double min_ratio);

/*
 * The near-repeat zone: the distance and time reach of the significant cells
 * next to the origin of the table.
 *
 * Rows run over the finite distance bands 0 (same location) … k, columns over
 * the finite time bands 0 … m−1; the open-ended row and column never count.
 *   1. The run of rows starts at row 0 when its cell in the first time band
 *      is significant, else at row 1, and extends over the following rows
 *      while their cell in the first time band is significant.  No such
 *      row: no zone (false).
 *   2. The time reach is the largest column C such that every cell of the
 *      run's rows in columns 0 … C is significant (C ≥ 0 by step 1).
 * distance = upper edge of the run's last row (same_location for row 0),
 * days = upper edge of column C.
 */
bool		sc_knox_zone(const sc_knox_params *p, const sc_knox_result *res, double alpha,
						 double min_ratio, double *distance, double *days);

/* why a list of band edges is refused (the SQL layer gives each its hint) */
typedef enum sc_band_problem
{
	SC_BANDS_OK = 0,
	SC_BANDS_EMPTY,				/* no edge */
	SC_BANDS_TOO_MANY,			/* more than max_bands */
	SC_BANDS_NOT_FINITE,
	SC_BANDS_NEGATIVE,
	SC_BANDS_FIRST,				/* the first edge not above lower */
	SC_BANDS_TWICE,				/* an edge listed twice */
	SC_BANDS_ORDER				/* not ascending */
} sc_band_problem;

/*
 * The rules of a list of band edges b[0..n): at least one and at most
 * max_bands edges, finite, not negative, the first greater than lower
 * (named lower_what in the message), strictly ascending.  The first broken
 * rule is returned, with a message naming argname (and the element) in err.
 */
sc_band_problem sc_check_band_edges(const double *b, size_t n, const char *argname, double lower,
									const char *lower_what, size_t max_bands, sc_err *err);

/* check parameters alone (the SQL layer can call this before reading data) */
sc_status	sc_knox_validate(const sc_knox_params *params, sc_err *err);

/*
 * Fill *res (zeroed first; free with sc_knox_result_free, also after errors).
 * x, y: projected coordinates (finite); t: microseconds since any epoch.
 * Deterministic: one seed gives one result on every platform and for every
 * order of the input rows.  With a non-returning interrupt hook the memory
 * taken so far is left to the allocator's owner (e.g. a memory context).
 * Errors: SC_EINVAL (bad input), SC_ELIMIT (max_pairs or size limits),
 * SC_ERANGE (coordinate extent not finite), SC_ENOMEM.
 */
sc_status	sc_knox_compute(const double *x, const double *y, const int64_t *t, size_t n,
							const sc_knox_params *params, const sc_alloc *alloc,
							sc_knox_result *res, sc_err *err);
void		sc_knox_result_free(sc_knox_result *res);

/*
 * Number of pairs closer than max_distance (strictly), counted with the same
 * grid but without storing them: cheap to report before a long run.
 */
sc_status	sc_knox_count_close_pairs(const double *x, const double *y, size_t n,
									  sc_metric metric, double max_distance,
									  const sc_alloc *alloc, sc_interrupt_fn interrupt,
									  uint64_t *count, sc_err *err);

/*
 * General close-pair enumeration on the same grid: calls fn(ctx, i, j, d)
 * with i < j (input indices) for every pair at distance d < radius, or
 * d ≤ radius when inclusive.  A non-OK status from fn stops the walk and is
 * returned.  Pairs come in grid order, not sorted.
 */
typedef sc_status (*sc_pair_fn) (void *ctx, uint32_t i, uint32_t j, double d);

sc_status	sc_close_pairs(const double *x, const double *y, size_t n,
						   sc_metric metric, double radius, bool inclusive,
						   sc_pair_fn fn, void *ctx, const sc_alloc *alloc,
						   sc_interrupt_fn interrupt, sc_err *err);

#endif
