/*
 * sc_test_moran.h — a reference Moran's I shared by the Gi* and the hot
 * spot distance band tests: the band rule and the statistic written out over
 * an explicit n×n weight matrix, independently of the library.
 */
#ifndef SC_TEST_MORAN_H
#define SC_TEST_MORAN_H

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sc_gistar.h"

/* the neighbour rule spelled out: d <= D + 8 ulps of (max |coord| + D) */
static double
ref_limit(size_t n, const double *cx, const double *cy, double D)
{
	double		m = 0;

	for (size_t i = 0; i < n; i++)
		m = fmax(m, fmax(fabs(cx[i]), fabs(cy[i])));
	return D + 8 * 2.220446049250313e-16 * (m + D);
}

/* Moran's I from an explicit n×n weight matrix */
static void
brute_moran(size_t n, const double *cx, const double *cy, const double *x, double D,
			bool row, sc_moran_result *r)
{
	double		lim = ref_limit(n, cx, cy, D);
	double	   *W = calloc(n * n, sizeof(double));
	bool	   *keep = calloc(n, sizeof(bool));
	double		nn = 0,
				mean = 0,
				m2 = 0,
				m4 = 0,
				S0 = 0,
				S1 = 0,
				S2 = 0,
				num = 0,
				E,
				ei2,
				b2;

	for (size_t i = 0; i < n; i++)
	{
		double		rs = 0;

		for (size_t j = 0; j < n; j++)
		{
			double		dx = cx[i] - cx[j],
						dy = cy[i] - cy[j];

			if (i != j && dx * dx + dy * dy <= lim * lim)
				W[i * n + j] = 1;
			rs += W[i * n + j];
		}
		keep[i] = rs > 0;
		if (row && rs > 0)
			for (size_t j = 0; j < n; j++)
				W[i * n + j] /= rs;
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
		{
			nn++;
			mean += x[i];
		}
	mean /= nn;
	for (size_t i = 0; i < n; i++)
		if (keep[i])
		{
			m2 += (x[i] - mean) * (x[i] - mean);
			m4 += pow(x[i] - mean, 4);
		}
	for (size_t i = 0; i < n; i++)
	{
		double		rsum = 0,
					csum = 0;

		for (size_t j = 0; j < n; j++)
		{
			S0 += W[i * n + j];
			S1 += 0.5 * pow(W[i * n + j] + W[j * n + i], 2);
			rsum += W[i * n + j];
			csum += W[j * n + i];
			if (keep[i] && keep[j])
				num += W[i * n + j] * (x[i] - mean) * (x[j] - mean);
		}
		S2 += (rsum + csum) * (rsum + csum);
	}
	r->n = (size_t) nn;
	r->s0 = S0;
	r->s1 = S1;
	r->s2 = S2;
	r->I = nn / S0 * num / m2;
	E = -1 / (nn - 1);
	r->expected = E;
	ei2 = (nn * nn * S1 - nn * S2 + 3 * S0 * S0) / ((nn * nn - 1) * S0 * S0);
	r->var_norm = ei2 - E * E;
	b2 = nn * m4 / (m2 * m2);
	ei2 = (nn * ((nn * nn - 3 * nn + 3) * S1 - nn * S2 + 3 * S0 * S0) -
		   b2 * ((nn * nn - nn) * S1 - 2 * nn * S2 + 6 * S0 * S0)) /
		((nn - 1) * (nn - 2) * (nn - 3) * S0 * S0);
	r->var_rand = ei2 - E * E;
	r->z_norm = (r->I - E) / sqrt(r->var_norm);
	r->z_rand = (r->I - E) / sqrt(r->var_rand);
	free(W);
	free(keep);
}

#endif
