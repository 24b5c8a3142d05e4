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

const sc_alloc sc_malloc_allocator = {malloc_alloc, malloc_realloc, malloc_free, NULL};

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
sc_radix_sort(sc_keyed *a, sc_keyed *tmp, size_t n)
{
	size_t		count[8][256] = {{0}};
	sc_keyed   *src = a,
			   *dst = tmp;

	if (n < 2)
		return;
	for (size_t k = 0; k < n; k++)
		for (int b = 0; b < 8; b++)
			count[b][(a[k].key >> (8 * b)) & 0xff]++;
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
			dst[count[b][(src[k].key >> (8 * b)) & 0xff]++] = src[k];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(sc_keyed));
}
