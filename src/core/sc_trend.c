/* sc_trend.c — the Mann–Kendall trend test in O(m log m) (see sc_trend.h). */
#include "sc_trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Sort a[0..m) ascending (a merge sort, tmp of m) and count its inversions:
 * the pairs i < j with a[i] > a[j].  Returns the array that holds the sorted
 * values (a or tmp).
 */
static double *
sort_counting_inversions(double *a, double *tmp, size_t m, const sc_alloc *alloc,
						 uint64_t *inversions)
{
	uint64_t	inv = 0;
	size_t		moved = 0;

	for (size_t width = 1; width < m; width *= 2)
	{
		double	   *swap;

		for (size_t lo = 0; lo < m; lo += 2 * width)
		{
			size_t		mid = lo + width < m ? lo + width : m,
						hi = lo + 2 * width < m ? lo + 2 * width : m,
						i = lo,
						j = mid,
						k = lo;

			while (i < mid && j < hi)
			{
				if (a[j] < a[i])
				{
					inv += mid - i; /* a[j] is below every a[i..mid) */
					tmp[k++] = a[j++];
				}
				else
					tmp[k++] = a[i++];
			}
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
			moved += hi - lo;
			if (moved >= SC_INTERRUPT_EVERY)
			{
				moved = 0;
				sc_alloc_poll(alloc, 0);
			}
		}
		swap = a;
		a = tmp;
		tmp = swap;
	}
	*inversions = inv;
	return a;
}

/*
 * Mann–Kendall S and its normal score over x[0..m-1] (chronological), in
 * O(m log m): with P the pairs, T the tied pairs and D the decreasing ones
 * (inversions), S = (P − T − D) − D.  Weekly series of far-away as_of
 * values run to millions of weeks, where the pairwise sum took days.
 */
sc_status
sc_mann_kendall(const double *x, size_t m, const sc_alloc *alloc, double *s_out, double *z_out,
			 sc_err *err)
{
	double		var;

	return sc_mann_kendall_var(x, m, alloc, s_out, &var, z_out, NULL, err);
}

sc_status
sc_mann_kendall_var(const double *x, size_t m, const sc_alloc *alloc, double *s_out,
					double *var_out, double *z_out, double *tied_pairs, sc_err *err)
{
	double	   *a = sc_alloc_array(alloc, m, sizeof(double), err, "weekly counts to rank"),
			   *tmp = a ? sc_alloc_array(alloc, m, sizeof(double), err, "weekly counts to rank") : NULL,
			   *sorted;
	uint64_t	inv,
				tied = 0;
	double		s,
				var,
				ties = 0;

	if (!tmp)
	{
		sc_free(alloc, a);
		return SC_ENOMEM;
	}
	memcpy(a, x, m * sizeof(double));
	sorted = sort_counting_inversions(a, tmp, m, alloc, &inv);
	/* tie groups: runs of equal values (x are counts, so compare exactly) */
	for (size_t g = 0, end; g < m; g = end)
	{
		double		t;

		for (end = g + 1; end < m && sorted[end] == sorted[g]; end++)
			;
		t = (double) (end - g);
		tied += (uint64_t) (end - g) * (end - g - 1) / 2;
		if (t > 1)
			ties += t * (t - 1) * (2 * t + 5);
	}
	sc_free(alloc, a);
	sc_free(alloc, tmp);
	s = (double) ((int64_t) ((uint64_t) m * (m - 1) / 2 - tied - inv) - (int64_t) inv);
	var = ((double) m * (m - 1) * (2.0 * m + 5) - ties) / 18.0;
	*s_out = s;
	*var_out = var;
	if (tied_pairs)
		*tied_pairs = (double) tied;
	if (var <= 0 || s == 0)
		*z_out = 0;
	else
		*z_out = (s > 0 ? s - 1 : s + 1) / sqrt(var);
	return SC_OK;
}

/* ascending doubles for qsort */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

sc_status
sc_sen_slope(const double *x, size_t m, const sc_alloc *alloc, double *slope, sc_err *err)
{
	size_t		np,
				k = 0;
	double	   *d;

	if (m < 2)
		return sc_fail(err, SC_EUNDEFINED, "Sen's slope needs at least 2 values");
	if (m > SC_SEN_MAX)
		return sc_fail(err, SC_ELIMIT, "Sen's slope takes at most %d values", SC_SEN_MAX);
	np = m * (m - 1) / 2;
	if (!(d = sc_alloc_array(alloc, np, sizeof(double), err, "the pairwise slopes")))
		return SC_ENOMEM;
	for (size_t i = 0; i < m; i++)
	{
		sc_alloc_poll(alloc, i);
		for (size_t j = i + 1; j < m; j++)
			d[k++] = (x[j] - x[i]) / (double) (j - i);
	}
	qsort(d, np, sizeof(double), cmp_double);
	*slope = np % 2 ? d[np / 2] : (d[np / 2 - 1] + d[np / 2]) / 2;
	sc_free(alloc, d);
	return SC_OK;
}
