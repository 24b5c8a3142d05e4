/*
 * sc_common.h — shared conventions of the safety core.
 *
 * The core is plain C (no PostgreSQL headers) so it can be unit-tested and
 * fuzzed alone.  Every core routine that can fail returns an sc_status and,
 * where useful, writes a human-readable reason into an sc_err.  Memory comes
 * from a caller-supplied allocator (palloc in the server, malloc in tests);
 * long loops call the caller's interrupt hook so the server can cancel them:
 * the one passed as an argument, or else the one the allocator carries.
 */
#ifndef SC_COMMON_H
#define SC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum sc_status
{
	SC_OK = 0,
	SC_ENOMEM,		/* allocation failed */
	SC_EINVAL,		/* invalid argument or malformed input */
	SC_ERANGE,		/* value out of the representable range */
	SC_ELIMIT,		/* a configured size limit would be exceeded */
	SC_EUNDEFINED	/* the statistic is undefined for these data (too few, no variation) */
} sc_status;

typedef struct sc_err
{
	char		msg[256];
} sc_err;

/* Interrupt hook: may not return (the server longjmps on cancel). */
typedef void (*sc_interrupt_fn) (void);

/*
 * Allocator: alloc/realloc return NULL on failure (also when a memory budget
 * refuses the request); ctx is passed back.  interrupt (may be NULL) is for
 * the loops of routines that take no interrupt argument (type I/O, sorting,
 * loading, validation): whoever can allocate can also be cancelled.
 */
typedef struct sc_alloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *(*realloc) (void *ctx, void *ptr, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
	sc_interrupt_fn interrupt;
} sc_alloc;

/* malloc-backed allocator for tests and tools */
extern const sc_alloc sc_malloc_allocator;

/* printf into err (NULL-safe); always returns status for one-line returns */
sc_status	sc_fail(sc_err *err, sc_status status, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 3, 4)))
#endif
			;

/* src[0..n) into buf as a C string, cut to buflen - 1 characters */
void		sc_copy_truncated(char *buf, size_t buflen, const char *src, size_t n);

/* size arithmetic that reports overflow instead of wrapping */
bool		sc_mul_size(size_t a, size_t b, size_t *out);

/*
 * n elements of size bytes (at least one element, so n = 0 still gives a
 * pointer); NULL with an SC_ENOMEM reason naming what on overflow or failure.
 */
void	   *sc_alloc_array(const sc_alloc *alloc, size_t n, size_t size, sc_err *err,
						   const char *what);

/* free through alloc; NULL is ignored */
void		sc_free(const sc_alloc *alloc, void *ptr);

/* ascending in-place heapsort; interrupt (may be NULL) as in sc_heapsort.h */
void		sc_sort_i64(int64_t *a, size_t n, sc_interrupt_fn interrupt);

/*
 * Stable sort of n elements of size bytes by cmp, tmp having room for n
 * elements: a merge sort that calls interrupt (may be NULL) every
 * SC_INTERRUPT_EVERY elements it moves.  qsort cannot be cancelled, and is
 * stable only in some C libraries.
 */
void		sc_sort(void *a, void *tmp, size_t n, size_t size,
					int (*cmp) (const void *, const void *), sc_interrupt_fn interrupt);

/* a 64-bit sort key with a payload (an index, or a value's bits) */
typedef struct sc_keyed
{
	uint64_t	key;
	uint64_t	payload;
} sc_keyed;

/*
 * Stable ascending sort of a[0..n) by key, tmp having room for n: LSD radix
 * a byte at a time, skipping the bytes every key shares.  n log n
 * comparisons through qsort cost several times more on large inputs.
 */
void		sc_radix_sort(sc_keyed *a, sc_keyed *tmp, size_t n, sc_interrupt_fn interrupt);

/* loop iterations between interrupt checks: a cancel lands within microseconds */
#define SC_INTERRUPT_EVERY 4096

/* the interrupt hook of alloc on every SC_INTERRUPT_EVERY-th value of k */
static inline void
sc_alloc_poll(const sc_alloc *alloc, size_t k)
{
	if (alloc->interrupt && k % SC_INTERRUPT_EVERY == 0)
		alloc->interrupt();
}

#endif
