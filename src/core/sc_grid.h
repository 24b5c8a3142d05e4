/*
 * sc_grid.h — sparse grids of float8 values over square or hexagonal cells.
 *
 * Square cell (i, j) covers [i·s, (i+1)·s) × [j·s, (j+1)·s), as PostGIS
 * ST_SquareGrid.  Hexagonal cells are flat-topped with edge length s, laid
 * out as PostGIS ST_HexagonGrid: centre (1.5·s·i, √3·s·(j + |i mod 2|/2)).
 *
 * A grid in memory is a hash map (i, j) → value; its flat form (the on-disk
 * value of safety.grid) lists the cells sorted by (i, j), so equal grids have
 * equal bytes whatever order the cells arrived in.
 */
#ifndef SC_GRID_H
#define SC_GRID_H

#include "sc_common.h"
#include <string.h>

typedef enum sc_grid_kind
{
	SC_GRID_SQUARE = 0,
	SC_GRID_HEX = 1
} sc_grid_kind;

/* cell indices must lie in [-SC_CELL_INDEX_MAX, SC_CELL_INDEX_MAX] */
#define SC_CELL_INDEX_MAX 1073741824	/* 2^30 */

typedef struct sc_grid_slot
{
	uint64_t	key;
	double		value;
} sc_grid_slot;

typedef struct sc_grid
{
	sc_grid_kind kind;
	int32_t		srid;
	double		cell_size;
	size_t		max_cells;		/* limit on non-empty cells (0 = none) */
	/*
	 * open-addressing hash map; key UINT64_MAX marks an empty slot.  Key
	 * and value share a slot, so a lookup touches one cache line.
	 */
	struct sc_grid_slot *slots;
	size_t		capacity;		/* power of two, or 0 */
	size_t		count;
	sc_alloc	alloc;
} sc_grid;

/* one cell, as listed by sc_grid_sorted() */
typedef struct sc_cell
{
	int32_t		i;
	int32_t		j;
	double		value;
} sc_cell;

void		sc_grid_init(sc_grid *g, sc_grid_kind kind, int32_t srid,
						 double cell_size, size_t max_cells, const sc_alloc *alloc);
void		sc_grid_free(sc_grid *g);

/* cell of a point; SC_ERANGE when an index would leave the allowed range */
sc_status	sc_square_cell(double x, double y, double s, int32_t *i, int32_t *j, sc_err *err);
sc_status	sc_hex_cell(double x, double y, double s, int32_t *i, int32_t *j, sc_err *err);
sc_status	sc_grid_cell_of(const sc_grid *g, double x, double y, int32_t *i, int32_t *j, sc_err *err);

/* centre of a cell */
void		sc_grid_cell_center(sc_grid_kind kind, double s, int32_t i, int32_t j,
								double *cx, double *cy);

/* stable 64-bit id of a cell: i in the high 32 bits, j in the low 32 bits */
int64_t		sc_cell_id(int32_t i, int32_t j);
void		sc_cell_id_split(int64_t id, int32_t *i, int32_t *j);

/*
 * add v to cell (i, j), creating it; SC_ELIMIT past max_cells, SC_ERANGE
 * when v or the cell's new value is not finite (the cell keeps its value)
 */
sc_status	sc_grid_add(sc_grid *g, int32_t i, int32_t j, double v, sc_err *err);
/*
 * add cells[k].value to cell (cells[k].i, cells[k].j) for each k, in order:
 * the same as n calls of sc_grid_add, faster for cells in random order
 */
#define SC_GRID_BATCH 64
sc_status	sc_grid_add_many(sc_grid *g, const sc_cell *cells, size_t n, sc_err *err);
/*
 * fill an empty grid with n distinct cells (any order) at once; SC_ELIMIT
 * past max_cells.  Values are taken as they are (the caller checks them).
 */
sc_status	sc_grid_load_distinct(sc_grid *g, const sc_cell *cells, size_t n, sc_err *err);
/* value of a cell, or false when the cell is absent */
bool		sc_grid_get(const sc_grid *g, int32_t i, int32_t j, double *v);
/* add every cell of src into dst (same kind, SRID and cell size required) */
sc_status	sc_grid_merge(sc_grid *dst, const sc_grid *src, sc_err *err);

/* cells sorted by (i, j) into a new array from g's allocator (caller frees) */
sc_status	sc_grid_sorted(const sc_grid *g, sc_cell **cells, sc_err *err);

/*
 * Flat form: header then value[n] (float8), i[n], j[n] (int32), all
 * little-endian-agnostic native layout (the binary send/recv form is
 * separate, see sc_grid_wire_*).
 */
size_t		sc_grid_flat_size(size_t ncells);
/* write a flat grid; cells must be sorted (sc_grid_sorted) */
void		sc_grid_flat_write(void *dst, sc_grid_kind kind, int32_t srid, double cell_size,
							   const sc_cell *cells, size_t ncells);
/*
 * The same form written cell by cell: sc_grid_flat_begin writes the header
 * of ncells cells into dst, then sc_grid_flat_put the k-th cell (in (i, j)
 * order) for every k < ncells.
 */
typedef struct sc_grid_flat_writer
{
	unsigned char *values;
	unsigned char *is;
	unsigned char *js;
} sc_grid_flat_writer;
sc_grid_flat_writer sc_grid_flat_begin(void *dst, sc_grid_kind kind, int32_t srid, double cell_size,
									   size_t ncells);
static inline void
sc_grid_flat_put(const sc_grid_flat_writer *w, size_t k, int32_t i, int32_t j, double value)
{
	memcpy(w->values + k * sizeof(double), &value, sizeof(double));
	memcpy(w->is + k * sizeof(int32_t), &i, sizeof(int32_t));
	memcpy(w->js + k * sizeof(int32_t), &j, sizeof(int32_t));
}

/* read the header and check the whole buffer; cells read with sc_grid_flat_cell */
typedef struct sc_grid_view
{
	sc_grid_kind kind;
	int32_t		srid;
	double		cell_size;
	size_t		ncells;
	const unsigned char *values;	/* unaligned: use sc_grid_flat_cell */
	const unsigned char *is;
	const unsigned char *js;
} sc_grid_view;
sc_status	sc_grid_flat_read(const void *src, size_t len, size_t max_cells,
							  sc_grid_view *view, sc_err *err);
sc_cell		sc_grid_flat_cell(const sc_grid_view *view, size_t k);
/* validation shared by the flat, text and wire readers */
sc_status	sc_grid_check_header(int kind, int32_t srid, double cell_size, sc_err *err);
sc_status	sc_grid_check_cells(const sc_grid_view *view, sc_err *err);
/* add a flat grid's cells into a hash grid of the same kind, SRID and size */
sc_status	sc_grid_load(sc_grid *g, const sc_grid_view *view, sc_err *err);

#endif
