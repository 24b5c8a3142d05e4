/* sc_grid.c — cell arithmetic, the hash grid, and the flat (stored) form. */
#include "sc_grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SC_EMPTY_KEY UINT64_MAX
#define SC_HEX_H 0.8660254037844387	/* cos(pi/6), as PostGIS rounds it */

void
sc_grid_init(sc_grid *g, sc_grid_kind kind, int32_t srid, double cell_size,
			 size_t max_cells, const sc_alloc *alloc)
{
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->srid = srid;
	g->cell_size = cell_size;
	g->max_cells = max_cells;
	g->alloc = *alloc;
}

void
sc_grid_free(sc_grid *g)
{
	sc_free(&g->alloc, g->slots);
	g->slots = NULL;
	g->capacity = g->count = 0;
}

static inline sc_status
index_of(double q, const char *axis, int32_t *out, sc_err *err)
{
	double		f;

	/* in range: floor by truncation (cheaper than floor() on every row) */
	if (q >= -SC_CELL_INDEX_MAX && q < SC_CELL_INDEX_MAX + 1.0)
	{
		int32_t		t = (int32_t) q;

		*out = t > q ? t - 1 : t;
		return SC_OK;
	}
	f = floor(q);

	if (!(f >= -SC_CELL_INDEX_MAX && f <= SC_CELL_INDEX_MAX))
		return sc_fail(err, SC_ERANGE,
					   "cell index %s = %g is outside ±%d; the coordinate is too far from the origin for this cell size",
					   axis, f, SC_CELL_INDEX_MAX);
	*out = (int32_t) f;
	return SC_OK;
}

sc_status
sc_square_cell(double x, double y, double s, int32_t *i, int32_t *j, sc_err *err)
{
	sc_status	st = index_of(x / s, "i", i, err);

	return st != SC_OK ? st : index_of(y / s, "j", j, err);
}

void
sc_grid_cell_center(sc_grid_kind kind, double s, int32_t i, int32_t j,
					double *cx, double *cy)
{
	if (kind == SC_GRID_SQUARE)
	{
		*cx = (i + 0.5) * s;
		*cy = (j + 0.5) * s;
	}
	else
	{
		/* the same arithmetic as PostGIS's hexagon vertices, so centres agree */
		double		height = s * 2 * SC_HEX_H;

		*cx = s * (1.5 * i);
		*cy = height * (j + 0.5 * (i % 2 != 0));
	}
}

/*
 * Hexagons tile the plane as the Voronoi cells of their centres, so the cell
 * of a point is the nearest centre.  The column x-ranges overlap only between
 * neighbours, so the nearest centre is in column floor(x/1.5s) or the next;
 * in each column only the nearest row can win.  Ties (points on an edge) go
 * to the smaller (i, j).
 */
sc_status
sc_hex_cell(double x, double y, double s, int32_t *i, int32_t *j, sc_err *err)
{
	double		height = s * 2 * SC_HEX_H;
	int32_t		i0 = 0;
	double		best = INFINITY;
	sc_status	st;

	if (!isfinite(height))
		return sc_fail(err, SC_EINVAL, "cell_size %g is too large for hexagons: their height overflows double precision", s);
	if ((st = index_of(x / (1.5 * s), "i", &i0, err)) != SC_OK)
		return st;
	if (i0 == SC_CELL_INDEX_MAX)
		return sc_fail(err, SC_ERANGE, "cell index i = %d is outside ±%d", i0 + 1,
					   SC_CELL_INDEX_MAX);
	for (int32_t ci = i0; ci <= i0 + 1; ci++)
	{
		double		off = height * (0.5 * (ci % 2 != 0));
		int32_t		r0 = 0;

		if ((st = index_of((y - off) / height, "j", &r0, err)) != SC_OK)
			return st;
		for (int32_t cj = r0; cj <= r0 + 1 && cj <= SC_CELL_INDEX_MAX; cj++)
		{
			double		cx,
						cy,
						d;

			sc_grid_cell_center(SC_GRID_HEX, s, ci, cj, &cx, &cy);
			d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
			if (d < best)
			{
				best = d;
				*i = ci;
				*j = cj;
			}
		}
	}
	return SC_OK;
}

sc_status
sc_grid_cell_of(const sc_grid *g, double x, double y, int32_t *i, int32_t *j, sc_err *err)
{
	if (g->kind == SC_GRID_SQUARE)
		return sc_square_cell(x, y, g->cell_size, i, j, err);
	return sc_hex_cell(x, y, g->cell_size, i, j, err);
}

int64_t
sc_cell_id(int32_t i, int32_t j)
{
	return (int64_t) (((uint64_t) (uint32_t) i << 32) | (uint32_t) j);
}

void
sc_cell_id_split(int64_t id, int32_t *i, int32_t *j)
{
	*i = (int32_t) (uint32_t) ((uint64_t) id >> 32);
	*j = (int32_t) (uint32_t) ((uint64_t) id & 0xffffffffu);
}

/*
 * Hash keys offset both indices by 2^31, so that with |i|, |j| <= 2^30 no
 * cell, not even (-1, -1), has the all-ones key that marks an empty slot.
 */
static inline uint64_t
key_of(int32_t i, int32_t j)
{
	return ((uint64_t) ((uint32_t) i + 0x80000000u) << 32) | ((uint32_t) j + 0x80000000u);
}

static inline void
key_split(uint64_t key, int32_t *i, int32_t *j)
{
	*i = (int32_t) ((uint32_t) (key >> 32) - 0x80000000u);
	*j = (int32_t) ((uint32_t) key - 0x80000000u);
}

/* splitmix64 finaliser: spreads neighbouring cells over the table */
static inline uint64_t
hash_of(uint64_t key)
{
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return key;
}

static inline size_t
slot_of(uint64_t key, size_t mask)
{
	return (size_t) hash_of(key) & mask;
}

/* the table holds at most 70 % of its slots: more and it doubles */
static inline bool
over_load(size_t count, size_t capacity)
{
	return count * 10 > capacity * 7;
}

static sc_status
grow(sc_grid *g, sc_err *err)
{
	size_t		newcap = g->capacity ? g->capacity * 2 : 64;
	size_t		bytes;
	sc_grid_slot *slots;

	if (!sc_mul_size(newcap, sizeof(sc_grid_slot), &bytes))
		return sc_fail(err, SC_ENOMEM, "grid hash table too large");
	slots = g->alloc.alloc(g->alloc.ctx, bytes);
	if (!slots)
		return sc_fail(err, SC_ENOMEM, "out of memory growing a grid to %zu slots", newcap);
	for (size_t k = 0; k < newcap; k++)
		slots[k].key = SC_EMPTY_KEY;
	for (size_t k = 0; k < g->capacity; k++)
	{
		size_t		s;

		sc_alloc_poll(&g->alloc, k);
		if (g->slots[k].key == SC_EMPTY_KEY)
			continue;
		s = slot_of(g->slots[k].key, newcap - 1);
		while (slots[s].key != SC_EMPTY_KEY)
			s = (s + 1) & (newcap - 1);
		slots[s] = g->slots[k];
	}
	sc_free(&g->alloc, g->slots);
	g->slots = slots;
	g->capacity = newcap;
	return SC_OK;
}

/*
 * A sum that left the range of double: refused here, so no grid ever holds
 * an infinite value (stored grids with one could not be read back).
 */
static sc_status
overflow(uint64_t key, double have, double v, sc_err *err)
{
	int32_t		i,
				j;

	key_split(key, &i, &j);
	if (!isfinite(v))
		return sc_fail(err, SC_ERANGE, "the value of cell (%d,%d) is beyond double precision", i, j);
	return sc_fail(err, SC_ERANGE,
				   "the value of cell (%d,%d) overflows: %g + %g is beyond double precision",
				   i, j, have, v);
}

/* add v to the cell with this key, whose hash_of() is hash */
static sc_status
add_hashed(sc_grid *g, uint64_t key, uint64_t hash, double v, sc_err *err)
{
	size_t		s;

	if (!isfinite(v))
		return overflow(key, 0, v, err);
	if (g->capacity)
	{
		s = (size_t) hash & (g->capacity - 1);
		while (g->slots[s].key != SC_EMPTY_KEY)
		{
			if (g->slots[s].key == key)
			{
				double		sum = g->slots[s].value + v;

				if (!isfinite(sum))
					return overflow(key, g->slots[s].value, v, err);
				g->slots[s].value = sum;
				return SC_OK;
			}
			s = (s + 1) & (g->capacity - 1);
		}
	}
	/* a new cell: check the limit before any allocation */
	if (g->max_cells && g->count >= g->max_cells)
		return sc_fail(err, SC_ELIMIT, "grid would exceed %zu cells", g->max_cells);
	if (over_load(g->count + 1, g->capacity))
	{
		sc_status	st = grow(g, err);

		if (st != SC_OK)
			return st;
	}
	s = (size_t) hash & (g->capacity - 1);
	while (g->slots[s].key != SC_EMPTY_KEY)
		s = (s + 1) & (g->capacity - 1);
	g->slots[s].key = key;
	g->slots[s].value = v;
	g->count++;
	return SC_OK;
}

sc_status
sc_grid_add(sc_grid *g, int32_t i, int32_t j, double v, sc_err *err)
{
	uint64_t	key = key_of(i, j);

	return add_hashed(g, key, hash_of(key), v, err);
}

sc_status
sc_grid_add_many(sc_grid *g, const sc_cell *cells, size_t n, sc_err *err)
{
	uint64_t	keys[SC_GRID_BATCH],
				hashes[SC_GRID_BATCH];

	for (size_t start = 0; start < n; start += SC_GRID_BATCH)
	{
		size_t		m = n - start < SC_GRID_BATCH ? n - start : SC_GRID_BATCH;

		/*
		 * Cells arrive in random order, so each lookup misses the cache;
		 * asking for all of a batch's slots first overlaps those misses.
		 */
		for (size_t k = 0; k < m; k++)
		{
			keys[k] = key_of(cells[start + k].i, cells[start + k].j);
			hashes[k] = hash_of(keys[k]);
#if defined(__GNUC__) || defined(__clang__)
			if (g->capacity)
				__builtin_prefetch(&g->slots[hashes[k] & (g->capacity - 1)], 1);
#endif
		}
		for (size_t k = 0; k < m; k++)
		{
			sc_status	st = add_hashed(g, keys[k], hashes[k], cells[start + k].value, err);

			if (st != SC_OK)
				return st;
		}
	}
	return SC_OK;
}

/*
 * An empty grid takes n distinct cells: the table is sized once for all of
 * them (the capacity the one-by-one adds would end with) and, the keys being
 * distinct, each goes into the first free slot without comparing keys.
 */
sc_status
sc_grid_load_distinct(sc_grid *g, const sc_cell *cells, size_t n, sc_err *err)
{
	size_t		cap = 64,
				bytes;
	sc_grid_slot *slots;

	if (g->count != 0)
		return sc_fail(err, SC_EINVAL, "sc_grid_load_distinct needs an empty grid");
	if (g->max_cells && n > g->max_cells)
		return sc_fail(err, SC_ELIMIT, "grid would exceed %zu cells", g->max_cells);
	while (over_load(n, cap))
		cap *= 2;
	if (!sc_mul_size(cap, sizeof(sc_grid_slot), &bytes))
		return sc_fail(err, SC_ENOMEM, "grid hash table too large");
	if (!(slots = g->alloc.alloc(g->alloc.ctx, bytes)))
		return sc_fail(err, SC_ENOMEM, "out of memory for a grid of %zu slots", cap);
	for (size_t k = 0; k < cap; k++)
		slots[k].key = SC_EMPTY_KEY;
	for (size_t k = 0; k < n; k++)
	{
		uint64_t	key = key_of(cells[k].i, cells[k].j);
		size_t		s = slot_of(key, cap - 1);

		sc_alloc_poll(&g->alloc, k);
		while (slots[s].key != SC_EMPTY_KEY)
			s = (s + 1) & (cap - 1);
		slots[s].key = key;
		slots[s].value = cells[k].value;
	}
	sc_free(&g->alloc, g->slots);
	g->slots = slots;
	g->capacity = cap;
	g->count = n;
	return SC_OK;
}

bool
sc_grid_get(const sc_grid *g, int32_t i, int32_t j, double *v)
{
	uint64_t	key = key_of(i, j);
	size_t		s;

	if (!g->capacity)
		return false;
	s = slot_of(key, g->capacity - 1);
	while (g->slots[s].key != SC_EMPTY_KEY)
	{
		if (g->slots[s].key == key)
		{
			*v = g->slots[s].value;
			return true;
		}
		s = (s + 1) & (g->capacity - 1);
	}
	return false;
}

static sc_status
check_compatible(int kind_a, int32_t srid_a, double size_a,
				 int kind_b, int32_t srid_b, double size_b, sc_err *err)
{
	if (kind_a != kind_b)
		return sc_fail(err, SC_EINVAL, "cannot combine a square grid with a hexagonal grid");
	if (srid_a != srid_b)
		return sc_fail(err, SC_EINVAL, "cannot combine grids with different SRIDs: %d and %d",
					   (int) srid_a, (int) srid_b);
	if (size_a != size_b)
		return sc_fail(err, SC_EINVAL, "cannot combine grids with different cell sizes: %.17g and %.17g",
					   size_a, size_b);
	return SC_OK;
}

sc_status
sc_grid_merge(sc_grid *dst, const sc_grid *src, sc_err *err)
{
	sc_status	st = check_compatible(dst->kind, dst->srid, dst->cell_size,
									  src->kind, src->srid, src->cell_size, err);

	for (size_t k = 0; st == SC_OK && k < src->capacity; k++)
	{
		int32_t		i,
					j;

		sc_alloc_poll(&dst->alloc, k);
		if (src->slots[k].key == SC_EMPTY_KEY)
			continue;
		key_split(src->slots[k].key, &i, &j);
		st = sc_grid_add(dst, i, j, src->slots[k].value, err);
	}
	return st;
}

static int
cell_cmp(const void *a, const void *b)
{
	const sc_cell *x = a,
			   *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	return 0;
}

/* the cells in (i, j) order: the unsigned order of key_of(i, j) */
sc_status
sc_grid_sorted(const sc_grid *g, sc_cell **cells, sc_err *err)
{
	size_t		n = 0;
	sc_keyed   *keyed,
			   *tmp;
	sc_cell    *out;

	keyed = sc_alloc_array(&g->alloc, g->count, sizeof(sc_keyed), err, "the grid's cells");
	tmp = keyed ? sc_alloc_array(&g->alloc, g->count, sizeof(sc_keyed), err, "the grid's cells") : NULL;
	if (!tmp)
	{
		sc_free(&g->alloc, keyed);
		return SC_ENOMEM;
	}
	for (size_t k = 0; k < g->capacity; k++)
	{
		sc_alloc_poll(&g->alloc, k);
		if (g->slots[k].key == SC_EMPTY_KEY)
			continue;
		keyed[n].key = g->slots[k].key;
		memcpy(&keyed[n].payload, &g->slots[k].value, sizeof(double));
		n++;
	}
	sc_radix_sort(keyed, tmp, n, g->alloc.interrupt);
	/* the cells go into tmp's memory (same size per element) */
	out = (sc_cell *) tmp;
	for (size_t k = 0; k < n; k++)
	{
		sc_cell		c;

		sc_alloc_poll(&g->alloc, k);
		key_split(keyed[k].key, &c.i, &c.j);
		memcpy(&c.value, &keyed[k].payload, sizeof(double));
		out[k] = c;
	}
	sc_free(&g->alloc, keyed);
	*cells = out;
	return SC_OK;
}

/*
 * Flat layout (native byte order; all offsets multiples of 8 from the start
 * of the header, which the caller places after its own 8-byte prefix):
 *   uint8 version, uint8 kind, uint16 reserved, int32 srid,
 *   float8 cell_size, uint64 ncells, float8 value[n], int32 i[n], int32 j[n]
 */
#define SC_GRID_FLAT_VERSION 1
#define SC_GRID_HEADER 24

size_t
sc_grid_flat_size(size_t ncells)
{
	return SC_GRID_HEADER + ncells * (sizeof(double) + 2 * sizeof(int32_t));
}

sc_grid_flat_writer
sc_grid_flat_begin(void *dst, sc_grid_kind kind, int32_t srid, double cell_size, size_t ncells)
{
	unsigned char *p = dst;
	uint8_t		version = SC_GRID_FLAT_VERSION,
				k = (uint8_t) kind;
	uint16_t	reserved = 0;
	uint64_t	n = ncells;
	sc_grid_flat_writer w;

	memcpy(p, &version, 1);
	memcpy(p + 1, &k, 1);
	memcpy(p + 2, &reserved, 2);
	memcpy(p + 4, &srid, 4);
	memcpy(p + 8, &cell_size, 8);
	memcpy(p + 16, &n, 8);
	w.values = p + SC_GRID_HEADER;
	w.is = w.values + ncells * sizeof(double);
	w.js = w.is + ncells * sizeof(int32_t);
	return w;
}

void
sc_grid_flat_write(void *dst, sc_grid_kind kind, int32_t srid, double cell_size,
				   const sc_cell *cells, size_t ncells)
{
	sc_grid_flat_writer w = sc_grid_flat_begin(dst, kind, srid, cell_size, ncells);

	for (size_t c = 0; c < ncells; c++)
		sc_grid_flat_put(&w, c, cells[c].i, cells[c].j, cells[c].value);
}

sc_cell
sc_grid_flat_cell(const sc_grid_view *view, size_t k)
{
	sc_cell		c;

	memcpy(&c.value, view->values + k * sizeof(double), sizeof(double));
	memcpy(&c.i, view->is + k * sizeof(int32_t), sizeof(int32_t));
	memcpy(&c.j, view->js + k * sizeof(int32_t), sizeof(int32_t));
	return c;
}

sc_status
sc_grid_check_header(int kind, int32_t srid, double cell_size, sc_err *err)
{
	if (kind != SC_GRID_SQUARE && kind != SC_GRID_HEX)
		return sc_fail(err, SC_EINVAL, "unknown grid kind %d", kind);
	if (srid < 0 || srid > 999999)
		return sc_fail(err, SC_EINVAL, "SRID %d is out of range", (int) srid);
	if (!(cell_size > 0) || !isfinite(cell_size))
		return sc_fail(err, SC_EINVAL, "cell size must be a positive finite number");
	return SC_OK;
}

/* every cell valid, sorted strictly by (i, j), values finite */
sc_status
sc_grid_check_cells(const sc_grid_view *view, sc_err *err)
{
	sc_cell		prev = {0, 0, 0};

	for (size_t k = 0; k < view->ncells; k++)
	{
		sc_cell		c = sc_grid_flat_cell(view, k);

		if (c.i < -SC_CELL_INDEX_MAX || c.i > SC_CELL_INDEX_MAX ||
			c.j < -SC_CELL_INDEX_MAX || c.j > SC_CELL_INDEX_MAX)
			return sc_fail(err, SC_EINVAL, "cell (%d,%d) is outside ±%d", c.i, c.j,
						   SC_CELL_INDEX_MAX);
		if (!isfinite(c.value))
			return sc_fail(err, SC_EINVAL, "cell (%d,%d) has a non-finite value", c.i, c.j);
		if (k > 0 && cell_cmp(&prev, &c) >= 0)
			return sc_fail(err, SC_EINVAL, "cells are not in strictly ascending (i, j) order at (%d,%d)",
						   c.i, c.j);
		prev = c;
	}
	return SC_OK;
}

sc_status
sc_grid_flat_read(const void *src, size_t len, size_t max_cells,
				  sc_grid_view *view, sc_err *err)
{
	const unsigned char *p = src;
	uint8_t		version,
				kind;
	uint16_t	reserved;
	uint64_t	n;
	sc_status	st;

	if (len < SC_GRID_HEADER)
		return sc_fail(err, SC_EINVAL, "grid value too short (%zu bytes)", len);
	memcpy(&version, p, 1);
	memcpy(&kind, p + 1, 1);
	memcpy(&reserved, p + 2, 2);
	memcpy(&view->srid, p + 4, 4);
	memcpy(&view->cell_size, p + 8, 8);
	memcpy(&n, p + 16, 8);
	if (version != SC_GRID_FLAT_VERSION)
		return sc_fail(err, SC_EINVAL, "unsupported grid format version %d", version);
	/* zero in this version: the flat form stays canonical (equal grids, equal bytes) */
	if (reserved != 0)
		return sc_fail(err, SC_EINVAL, "reserved bytes of the grid header are not zero");
	if ((st = sc_grid_check_header(kind, view->srid, view->cell_size, err)) != SC_OK)
		return st;
	if (max_cells && n > max_cells)
		return sc_fail(err, SC_ELIMIT, "grid has %llu cells, more than the limit of %zu",
					   (unsigned long long) n, max_cells);
	if (n > (len - SC_GRID_HEADER) / 16 || sc_grid_flat_size((size_t) n) != len)
		return sc_fail(err, SC_EINVAL, "grid length %zu does not match its %llu cells",
					   len, (unsigned long long) n);
	view->kind = (sc_grid_kind) kind;
	view->ncells = (size_t) n;
	view->values = p + SC_GRID_HEADER;
	view->is = view->values + n * sizeof(double);
	view->js = view->is + n * sizeof(int32_t);
	return sc_grid_check_cells(view, err);
}

sc_status
sc_grid_load(sc_grid *g, const sc_grid_view *view, sc_err *err)
{
	sc_status	st = check_compatible(g->kind, g->srid, g->cell_size,
									  view->kind, view->srid, view->cell_size, err);

	for (size_t k = 0; st == SC_OK && k < view->ncells; k++)
	{
		sc_cell		c = sc_grid_flat_cell(view, k);

		sc_alloc_poll(&g->alloc, k);
		st = sc_grid_add(g, c.i, c.j, c.value, err);
	}
	return st;
}
