/*
 * two_cores.c — how much of a second CPU this machine gives: three loops,
 * each run by one process alone and then by two processes at once, and the
 * time of the slower of the two over the time alone (1.00: a full second
 * core; 2.00: none).  A parallel query can only speed up as much as the
 * kind of work it does scales here.
 *   compute  a chain of floating-point multiply-adds (registers only)
 *   cache    a random walk over 256 kB (a hash table that fits L2)
 *   memory   a read of 128 MB, one load per 64-byte line (a table scan)
 * Build and run: cc -O2 -o /tmp/two_cores bench/two_cores.c && /tmp/two_cores
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CACHE_BYTES (256u * 1024u)
#define MEMORY_BYTES (128u * 1024u * 1024u)

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double
compute(void)
{
	volatile double x = 1.0;

	for (long i = 0; i < 150000000; i++)
		x = x * 1.0000001 + 1e-9;
	return x;
}

static size_t *walk;
static uint64_t *big;

static double
cache(void)
{
	size_t		p = 0;

	for (long k = 0; k < 30000000; k++)
		p = walk[p];
	return (double) p;
}

static double
memory(void)
{
	uint64_t	sum = 0;
	size_t		n = MEMORY_BYTES / sizeof(uint64_t);

	for (int r = 0; r < 4; r++)
		for (size_t i = 0; i < n; i += 8)
			sum += big[i];
	return (double) sum;
}

/* wall time of f in this process, in ms */
static double
timed(double (*f) (void))
{
	double		t0 = now_ms();
	volatile double sink = f();

	(void) sink;
	return now_ms() - t0;
}

/* the slower of two processes running f at once, in ms */
static double
timed_pair(double (*f) (void))
{
	int			fd[2][2];
	double		worst = 0;

	for (int k = 0; k < 2; k++)
	{
		if (pipe(fd[k]) != 0)
			exit(1);
		if (fork() == 0)
		{
			double		ms = timed(f);

			if (write(fd[k][1], &ms, sizeof ms) != sizeof ms)
				_exit(1);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++)
	{
		double		ms = 0;

		if (read(fd[k][0], &ms, sizeof ms) != sizeof ms)
			exit(1);
		if (ms > worst)
			worst = ms;
		wait(NULL);
	}
	return worst;
}

int
main(void)
{
	size_t		n = CACHE_BYTES / sizeof(size_t);
	double		compute_ratio = 1.0;
	struct
	{
		const char *name;
		double		(*f) (void);
	}			loops[] = {{"compute", compute}, {"cache", cache}, {"memory", memory}};

	/* one random cycle through all slots (Sattolo), so the walk visits each */
	walk = malloc(CACHE_BYTES);
	big = malloc(MEMORY_BYTES);
	if (!walk || !big)
		return 1;
	for (size_t i = 0; i < n; i++)
		walk[i] = i;
	srand(1);
	for (size_t i = n - 1; i > 0; i--)
	{
		size_t		j = (size_t) rand() % i,
					t = walk[i];

		walk[i] = walk[j];
		walk[j] = t;
	}
	memset(big, 1, MEMORY_BYTES);
	printf("two processes at once: time of the slower one over one process alone (median of 5 tries)\n");
	for (size_t l = 0; l < sizeof loops / sizeof loops[0]; l++)
	{
		double		r[5];

		for (int k = 0; k < 5; k++)
		{
			double		alone = timed(loops[l].f);

			r[k] = timed_pair(loops[l].f) / alone;
		}
		/* median of five */
		for (int a = 0; a < 5; a++)
			for (int b = a + 1; b < 5; b++)
				if (r[b] < r[a])
				{
					double		t = r[a];

					r[a] = r[b];
					r[b] = t;
				}
		printf("  %-8s %.2f  (tries: %.2f .. %.2f)\n", loops[l].name, r[2], r[0], r[4]);
		if (l == 0)
			compute_ratio = r[2];
	}
	/* registers-only work must not slow down unless the vCPU is taken */
	if (compute_ratio > 1.15)
		printf("  WARNING: even the compute loop ran %.2fx slower: the second CPU was busy elsewhere;\n"
			   "  parallel speed-ups measured meanwhile say little about the queries\n", compute_ratio);
	return 0;
}
