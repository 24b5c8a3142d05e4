/*
 * sc_heapsort.h — in-place heapsort, instantiated once per element type.
 *
 * Heapsort needs no memory beyond the array and stays O(n log n) in the
 * worst case, which suits arrays sized by the user's data.  As with
 * PostgreSQL's sort_template.h, define before each #include:
 *
 *   SH_NAME              the sort function to define
 *   SH_ELEM              element type
 *   SH_ARG               type of an extra argument handed to SH_LESS
 *   SH_LESS(arg, a, b)   true when element a sorts before element b
 *   SH_SCOPE             optional storage class, static by default
 *
 * which defines
 *
 *   SH_SCOPE void SH_NAME(SH_ARG arg, SH_ELEM *a, size_t n, sc_interrupt_fn interrupt)
 *
 * calling interrupt (when not NULL) every SC_INTERRUPT_EVERY sifts.
 * The parameter macros are undefined again at the end.
 */
#include "sc_common.h"

#ifndef SH_SCOPE
#define SH_SCOPE static
#endif

#define SH_CAT_(a, b) a##b
#define SH_CAT(a, b) SH_CAT_(a, b)
#define SH_SIFT SH_CAT(SH_NAME, _sift)

static void
SH_SIFT(SH_ARG arg, SH_ELEM *a, size_t root, size_t n)
{
	SH_ELEM		v = a[root];

	(void) arg;
	for (;;)
	{
		size_t		child = 2 * root + 1;

		if (child >= n)
			break;
		if (child + 1 < n && SH_LESS(arg, a[child], a[child + 1]))
			child++;
		if (!SH_LESS(arg, v, a[child]))
			break;
		a[root] = a[child];
		root = child;
	}
	a[root] = v;
}

SH_SCOPE void
SH_NAME(SH_ARG arg, SH_ELEM *a, size_t n, sc_interrupt_fn interrupt)
{
	for (size_t i = n / 2; i > 0; i--)
	{
		if (interrupt && i % SC_INTERRUPT_EVERY == 0)
			interrupt();
		SH_SIFT(arg, a, i - 1, n);
	}
	for (size_t end = n; end > 1; end--)
	{
		SH_ELEM		tmp = a[0];

		if (interrupt && end % SC_INTERRUPT_EVERY == 0)
			interrupt();
		a[0] = a[end - 1];
		a[end - 1] = tmp;
		SH_SIFT(arg, a, 0, end - 1);
	}
}

#undef SH_NAME
#undef SH_ELEM
#undef SH_ARG
#undef SH_LESS
#undef SH_SCOPE
#undef SH_SIFT
#undef SH_CAT
#undef SH_CAT_
