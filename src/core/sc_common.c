/*
 * sc_common.c — allocator for tests/tools, error formatting, size checks,
 * allocation helpers and the int64 sort that several modules share.
 */
#include "sc_common.h"

#include <string.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void *
malloc_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void *
malloc_realloc(void *ctx, void *ptr, size_t size)
{
	(void) ctx;
	return realloc(ptr, size ? size : 1);
}

static void
malloc_free(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

const sc_alloc sc_malloc_allocator = {malloc_alloc, malloc_realloc, malloc_free, NULL, NULL};

sc_status
sc_fail(sc_err *err, sc_status status, const char *fmt,...)
{
	if (err)
	{
		va_list		ap;

		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return status;
}

bool
sc_mul_size(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

void *
sc_alloc_array(const sc_alloc *alloc, size_t n, size_t size, sc_err *err, const char *what)
{
	size_t		bytes;
	void	   *p;

	if (!sc_mul_size(n ? n : 1, size, &bytes))
	{
		sc_fail(err, SC_ENOMEM, "too many %s", what);
		return NULL;
	}
	p = alloc->alloc(alloc->ctx, bytes);
	if (!p)
		sc_fail(err, SC_ENOMEM, "out of memory for %zu %s", n, what);
	return p;
}

void
sc_free(const sc_alloc *alloc, void *ptr)
{
	if (ptr)
		alloc->free(alloc->ctx, ptr);
}

#define SH_NAME sort_i64
#define SH_ELEM int64_t
#define SH_ARG const void *
#define SH_LESS(arg, a, b) ((a) < (b))
#include "sc_heapsort.h"

void
sc_sort_i64(int64_t *a, size_t n, sc_interrupt_fn interrupt)
{
	sort_i64(NULL, a, n, interrupt);
}

void
sc_radix_sort(sc_keyed *a, sc_keyed *tmp, size_t n, sc_interrupt_fn interrupt)
{
	size_t		count[8][256] = {{0}};
	sc_keyed   *src = a,
			   *dst = tmp;

	if (n < 2)
		return;
	for (size_t k = 0; k < n; k++)
	{
		if (interrupt && k % SC_INTERRUPT_EVERY == 0)
			interrupt();
		for (int b = 0; b < 8; b++)
			count[b][(a[k].key >> (8 * b)) & 0xff]++;
	}
	for (int b = 0; b < 8; b++)
	{
		size_t		pos = 0;
		sc_keyed   *swap;

		if (count[b][(a[0].key >> (8 * b)) & 0xff] == n)
			continue;			/* every key has this byte */
		for (int d = 0; d < 256; d++)
		{
			size_t		c = count[b][d];

			count[b][d] = pos;
			pos += c;
		}
		for (size_t k = 0; k < n; k++)
		{
			if (interrupt && k % SC_INTERRUPT_EVERY == 0)
				interrupt();
			dst[count[b][(src[k].key >> (8 * b)) & 0xff]++] = src[k];
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(sc_keyed));
}

/* runs sorted by insertion before merging: fewer passes over the data */
#define SORT_RUN 16

static void
insertion_sort(char *a, size_t n, size_t size, int (*cmp) (const void *, const void *),
			   char *scratch)
{
	for (size_t i = 1; i < n; i++)
	{
		size_t		j = i;

		memcpy(scratch, a + i * size, size);
		/* strictly greater moves: equal elements keep their order */
		while (j > 0 && cmp(a + (j - 1) * size, scratch) > 0)
			j--;
		if (j < i)
		{
			memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
			memcpy(a + j * size, scratch, size);
		}
	}
}

void
sc_sort(void *base, void *tmp, size_t n, size_t size,
		int (*cmp) (const void *, const void *), sc_interrupt_fn interrupt)
{
	char	   *src = base,
			   *dst = tmp;
	size_t		moved = 0;

	if (n < 2)
		return;
	for (size_t lo = 0; lo < n; lo += SORT_RUN)
	{
		if (interrupt && lo % SC_INTERRUPT_EVERY == 0)
			interrupt();
		insertion_sort(src + lo * size, n - lo < SORT_RUN ? n - lo : SORT_RUN, size, cmp, dst);
	}
	for (size_t width = SORT_RUN; width < n; width *= 2)
	{
		char	   *swap;

		for (size_t lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n,
						hi = lo + 2 * width < n ? lo + 2 * width : n,
						i = lo,
						j = mid,
						k = lo;

			/*
			 * The left element first on ties: stable.  The last passes
			 * merge millions of elements at once: the interrupt hook is
			 * called within a merge too.
			 */
			while (i < mid && j < hi)
			{
				size_t		stop = k + SC_INTERRUPT_EVERY;

				while (i < mid && j < hi && k < stop)
				{
					if (cmp(src + j * size, src + i * size) < 0)
						memcpy(dst + k++ * size, src + j++ * size, size);
					else
						memcpy(dst + k++ * size, src + i++ * size, size);
				}
				if (interrupt)
					interrupt();
			}
			memcpy(dst + k * size, src + i * size, (mid - i) * size);
			k += mid - i;
			memcpy(dst + k * size, src + j * size, (hi - j) * size);
			moved += hi - lo;
			if (moved >= SC_INTERRUPT_EVERY)
			{
				moved = 0;
				if (interrupt)
					interrupt();
			}
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != (char *) base)
		memcpy(base, src, n * size);
}

void
sc_copy_truncated(char *buf, size_t buflen, const char *src, size_t n)
{
	if (buflen == 0)
		return;
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
}
