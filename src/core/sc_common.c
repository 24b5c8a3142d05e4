/*
 * sc_common.c — allocator for tests/tools, error formatting, size checks,
 * allocation helpers and the int64 sort that several modules share.
 */
#include "sc_common.h"

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
