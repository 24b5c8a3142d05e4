/*
 * sc_text.h — the text forms of grids and event collections.
 *
 *   grid:   SRID=32616;SQUARE(250){(12,34,5),(12,35,1.5)}
 *           SRID=32616;HEX(100){(3,-2,7)}
 *   events: SRID=32616;{(x,y,from,to,weight,id),...}
 *           e.g. (1000.5,2000,2016-01-01T05:00:00Z,,1,17); an empty field
 *           means "no window end" / "no id"; times are ISO 8601 UTC.
 *
 * Numbers are written with the fewest digits that read back exactly.
 * Readers accept exactly this form (white space allowed between tokens).
 */
#ifndef SC_TEXT_H
#define SC_TEXT_H

#include "sc_common.h"
#include "sc_events.h"
#include "sc_grid.h"

typedef struct sc_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	sc_alloc	alloc;
	bool		failed;
} sc_buf;

void		sc_buf_init(sc_buf *b, const sc_alloc *alloc);
void		sc_buf_appendf(sc_buf *b, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 2, 3)))
#endif
			;
/* shortest decimal text that strtod reads back to the same double */
void		sc_format_double(double v, char *buf, size_t buflen);

/* write text into b (b->failed set on allocation failure) */
void		sc_grid_text_write(sc_buf *b, sc_grid_kind kind, int32_t srid, double cell_size,
							   const sc_cell *cells, size_t ncells);
/* parse into an initialised empty hash grid; kind/srid/size come from text */
sc_status	sc_grid_text_read(const char *s, sc_grid *g, sc_err *err);

void		sc_events_text_write(sc_buf *b, const sc_events *e);
sc_status	sc_events_text_read(const char *s, sc_events *e, sc_err *err);

#endif
