/*
 * kde_floor.c — the arithmetic floor of an exact quartic KDE, for
 * bench/kde.sh: the simplest exact method on a dense raster (every event
 * adds 3/π (1 − d²/h²)² / h² to each cell centre strictly within h), in a
 * tight loop with no hashing, no tiles and no output: the box of rows and
 * columns whose centres lie within h, each cell clamped at 0 without a
 * branch so that the compiler vectorises the row loop.  What remains of
 * kde_agg's time beyond this and the table scan is its own overhead.
 *
 *   kde_floor POINTS CELL H [CELLS]
 *
 * POINTS: "x y" per line.  Prints the number of (event, cell) pairs within h,
 * the best of 3 timed passes in ms, and ns per pair.  With CELLS (lines
 * "i j value", e.g. kde_agg's cells), also the largest difference from them
 * relative to the largest density, and the cells only one side has: an
 * independent check that both compute the same estimate.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	double	   *x = NULL,
			   *y = NULL,
			   *raster;
	size_t		n = 0,
				cap = 0,
				pairs = 0;
	double		s,
				h,
				h2,
				scale,
				inv_h2,
				inv_s,
				best = INFINITY,
				xmin = INFINITY,
				ymin = INFINITY,
				xmax = -INFINITY,
				ymax = -INFINITY;
	long		i0,
				j0,
				ni,
				nj;

	if (argc < 4)
	{
		fprintf(stderr, "usage: kde_floor POINTS CELL H [CELLS]\n");
		return 2;
	}
	s = atof(argv[2]);
	h = atof(argv[3]);
	if (!(f = fopen(argv[1], "r")))
	{
		perror(argv[1]);
		return 1;
	}
	for (;;)
	{
		double		a,
					b;

		if (fscanf(f, "%lf %lf", &a, &b) != 2)
			break;
		if (n == cap)
		{
			cap = cap ? 2 * cap : 1 << 16;
			x = realloc(x, cap * sizeof(double));
			y = realloc(y, cap * sizeof(double));
			if (!x || !y)
				return 1;
		}
		x[n] = a;
		y[n] = b;
		n++;
		xmin = fmin(xmin, a);
		xmax = fmax(xmax, a);
		ymin = fmin(ymin, b);
		ymax = fmax(ymax, b);
	}
	fclose(f);
	if (n == 0)
		return 1;
	/* cells whose centre ((i+½)s, (j+½)s) may lie within h of an event */
	i0 = (long) floor((xmin - h) / s) - 1;
	j0 = (long) floor((ymin - h) / s) - 1;
	ni = (long) floor((xmax + h) / s) + 2 - i0;
	nj = (long) floor((ymax + h) / s) + 2 - j0;
	raster = malloc((size_t) ni * nj * sizeof(double));
	if (!raster)
		return 1;
	h2 = h * h;
	inv_h2 = 1.0 / h2;
	inv_s = 1.0 / s;
	scale = 3.0 / 3.14159265358979323846 / h2;

	/* the pairs within h, counted outside the timed passes */
	for (size_t k = 0; k < n; k++)
	{
		long		ia = (long) ceil((x[k] - h) / s - 0.5),
					ib = (long) floor((x[k] + h) / s - 0.5),
					ja = (long) ceil((y[k] - h) / s - 0.5),
					jb = (long) floor((y[k] + h) / s - 0.5);

		for (long i = ia; i <= ib; i++)
			for (long j = ja; j <= jb; j++)
			{
				double		dx = (i + 0.5) * s - x[k],
							dy = (j + 0.5) * s - y[k];

				pairs += dx * dx + dy * dy < h2;
			}
	}

	for (int pass = 0; pass < 3; pass++)
	{
		double		t0 = now_ms(),
					t;

		memset(raster, 0, (size_t) ni * nj * sizeof(double));
		for (size_t k = 0; k < n; k++)
		{
			long		ia = (long) ceil((x[k] - h) * inv_s - 0.5) - i0,
						ib = (long) floor((x[k] + h) * inv_s - 0.5) - i0,
						ja = (long) ceil((y[k] - h) * inv_s - 0.5) - j0,
						jb = (long) floor((y[k] + h) * inv_s - 0.5) - j0;

			for (long i = ia; i <= ib; i++)
			{
				double		dx = (i + i0 + 0.5) * s - x[k],
							dx2 = dx * dx;
				double	   *row = raster + (size_t) i * nj;

				/* branch-free, so the compiler vectorises it (-O3 -march=native) */
				for (long j = ja; j <= jb; j++)
				{
					double		dy = (j + j0 + 0.5) * s - y[k],
								u = 1.0 - (dx2 + dy * dy) * inv_h2;

					u = u > 0 ? u : 0;
					row[j] += scale * u * u;
				}
			}
		}
		t = now_ms() - t0;
		if (t < best)
			best = t;
	}
	printf("events %zu, cells in the raster %ld, pairs within h %zu, best of 3: %.1f ms, %.2f ns per pair\n",
		   n, ni * nj, pairs, best, best * 1e6 / (double) pairs);

	if (argc > 4)
	{
		long		i,
					j;
		double		v,
					maxv = 0,
					maxd = 0;
		size_t		theirs = 0,
					only_theirs = 0,
					ours = 0;

		if (!(f = fopen(argv[4], "r")))
		{
			perror(argv[4]);
			return 1;
		}
		for (long c = 0; c < ni * nj; c++)
			maxv = fmax(maxv, raster[c]);
		while (fscanf(f, "%ld %ld %lf", &i, &j, &v) == 3)
		{
			theirs++;
			i -= i0;
			j -= j0;
			if (i < 0 || i >= ni || j < 0 || j >= nj || raster[(size_t) i * nj + j] == 0)
			{
				only_theirs++;
				continue;
			}
			maxd = fmax(maxd, fabs(raster[(size_t) i * nj + j] - v));
			raster[(size_t) i * nj + j] = -1;	/* seen */
		}
		fclose(f);
		for (long c = 0; c < ni * nj; c++)
			if (raster[c] > 0)
				ours++;
		printf("check against %s: %zu cells, %zu only there, %zu only here, largest difference %.3g of the largest density\n",
			   argv[4], theirs, only_theirs, ours, maxd / maxv);
	}
	return 0;
}
