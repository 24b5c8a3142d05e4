/*
 * forecast_pg.h — what the forecast and tier glue share: reading a model
 * argument, preparing a collection, the sepp fallback notice, array
 * arguments.
 */
#ifndef FORECAST_PG_H
#define FORECAST_PG_H

#include "safety_pg.h"
#include "sc_forecast.h"

/* a model as the user writes it: "counts" or "counts 28 days" */
sc_fc_spec	sp_fc_parse_model(const char *text, const char *fname);
/* the collection at events prepared for cell_size, study cells before area_before */
sc_fc_data *sp_fc_prepare(Datum events, double cell_size, int64 area_before, const char *fname,
						  const char *argname, int64 *data_start);
/* arguments 0..3 of the forecast functions: e (not NULL), as_of, cell_size, horizon */
void		sp_fc_common_args(FunctionCallInfo fcinfo, const char *fname, int64 *as_of,
							  double *cell_size, int64 *horizon);
/* the square of study cell c, in d's SRID (an error naming fname if it has none) */
Datum		sp_fc_cell_polygon(SpPolygonMaker *maker, const sc_fc_data *d, size_t c, const char *fname);
/* error unless start, stop, step and horizon give 1..max origins (before any data is read) */
void		sp_fc_check_origins(const char *fname, int64 start, int64 stop, int64 step,
								int64 horizon, size_t max);
/* NOTICE when sepp had too few events and fell back to counts */
void		sp_fc_fallback_notice(const sc_fc_fit *fit, const char *fname);
/* elements of a one-dimensional array argument without NULLs (1..64 of them) */
Datum	   *sp_array_arg(FunctionCallInfo fcinfo, int argno, Oid elemtype, const char *fname,
						 const char *argname, int *n);

#endif
