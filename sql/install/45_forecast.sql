-- Forecasts: expected events per square cell in [as_of, as_of + horizon)
-- from the events before as_of, by the baselines an analyst would use and by
-- a self-exciting point process fitted to the data, and the like-for-like
-- back-test that grades every model on the same number of cells.
-- Formulas and sources: docs/methods-forecast.md.

CREATE FUNCTION @extschema@.forecast(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default', "window" pg_catalog.interval DEFAULT NULL,
	bandwidth pg_catalog.float8 DEFAULT NULL)
	RETURNS TABLE (cell_id pg_catalog.int8, i pg_catalog.int4, j pg_catalog.int4,
		expected pg_catalog.float8, geom geometry)
	AS 'MODULE_PATHNAME', 'safety_forecast'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.forecast(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.interval, pg_catalog.float8) IS
	'Expected events in [as_of, as_of + horizon) for each square cell holding an event before as_of (cell_id, i, j as safety.cells), from events before as_of only; models default (= sepp), sepp, naive, counts, kde, prospective';

CREATE FUNCTION @extschema@.forecast_fit(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	history pg_catalog.interval DEFAULT NULL,
	OUT events pg_catalog.int8, OUT cells pg_catalog.int8, OUT theta pg_catalog.float8,
	OUT omega pg_catalog.float8, OUT prior_strength pg_catalog.float8, OUT bandwidth pg_catalog.float8,
	OUT history pg_catalog.interval,	OUT background pg_catalog.float8,
	OUT expected_total pg_catalog.float8, OUT iterations pg_catalog.int4,
	OUT averaged pg_catalog.int4, OUT level pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_forecast_fit'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.forecast_fit(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval) IS
	'What the default model (sepp) fits at as_of: events used, study cells, theta (offspring per event; 0 when the model without triggering won the hold-out), omega (decay per day), prior_strength (events the neighbourhood prior of the empirical Bayes background is worth; Infinity: the neighbourhood alone) and the neighbourhood kernel''s bandwidth, the history chosen, background (events per day over all cells), expected events in the horizon, EM iterations, candidates averaged, city-wide level of the last 28 days (1: as the background expects)';

CREATE FUNCTION @extschema@.backtest(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}',
	OUT origin pg_catalog.timestamptz, OUT model pg_catalog.text, OUT coverage pg_catalog.float8,
	OUT cells pg_catalog.int8, OUT study_cells pg_catalog.int8, OUT captured pg_catalog.int8,
	OUT events pg_catalog.int8, OUT best pg_catalog.int8, OUT hit_rate pg_catalog.float8,
	OUT pai pg_catalog.float8, OUT pei pg_catalog.float8, OUT stability pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_forecast_backtest'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'Rolling-origin back-test at equal coverage: at each origin every model forecasts the study cells (cells with an event before start), its top ceil(coverage * study_cells) cells (ties to the lower cell_id) are graded on the next horizon: captured, hit rate, PAI, PEI (captured / best possible), stability (share of the top cells also top at the previous origin)';

CREATE FUNCTION @extschema@.backtest_summary(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}')
	RETURNS TABLE (coverage pg_catalog.float8, model pg_catalog.text, rank pg_catalog.int8,
		origins pg_catalog.int8, cells pg_catalog.int8, captured pg_catalog.int8,
		events pg_catalog.int8, hit_rate pg_catalog.float8, pai pg_catalog.float8,
		pei pg_catalog.float8, stability pg_catalog.float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT s.coverage, s.model,
	       pg_catalog.rank() OVER (PARTITION BY s.coverage ORDER BY s.captured DESC),
	       s.origins, s.cells, s.captured, s.events,
	       s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.events, 0)::pg_catalog.float8,
	       (s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.events, 0)::pg_catalog.float8)
	         OPERATOR(pg_catalog./) (s.cells::pg_catalog.float8 OPERATOR(pg_catalog./) s.study_cells::pg_catalog.float8),
	       s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.best, 0)::pg_catalog.float8,
	       s.stability
	FROM (SELECT b.coverage, b.model, pg_catalog.count(*) AS origins, pg_catalog.max(b.cells) AS cells,
	             pg_catalog.max(b.study_cells) AS study_cells,
	             pg_catalog.sum(b.captured)::pg_catalog.int8 AS captured,
	             pg_catalog.sum(b.events)::pg_catalog.int8 AS events,
	             pg_catalog.sum(b.best)::pg_catalog.int8 AS best,
	             pg_catalog.avg(b.stability) AS stability
	      FROM @extschema@.backtest(e, cell_size, start, stop, step, horizon, models, coverages) b
	      GROUP BY b.coverage, b.model) s
	ORDER BY 1, 3, 2;
END;
COMMENT ON FUNCTION @extschema@.backtest_summary(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'safety.backtest pooled over origins per coverage and model: rank by events captured, hit rate (captured / events), PAI, PEI (captured / best possible), mean stability';

CREATE FUNCTION @extschema@.calibrate(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}')
	RETURNS TABLE (coverage pg_catalog.float8, model pg_catalog.text, rank pg_catalog.int8,
		hit_rate pg_catalog.float8, pai pg_catalog.float8, pei pg_catalog.float8,
		stability pg_catalog.float8, best_baseline pg_catalog.text,
		over_best_baseline pg_catalog.float8, history pg_catalog.interval,
		theta pg_catalog.float8, prior_strength pg_catalog.float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	WITH s AS (
		SELECT * FROM @extschema@.backtest_summary(e, cell_size, start, stop, step, horizon, models, coverages)
	), b AS (
		SELECT DISTINCT ON (s.coverage) s.coverage, s.model, s.hit_rate FROM s
		WHERE s.model OPERATOR(pg_catalog.<>) ALL (ARRAY['default', 'sepp'])
		  AND s.model OPERATOR(pg_catalog.!~~) 'sepp %'
		ORDER BY s.coverage, s.hit_rate DESC NULLS LAST, s.model
	), f AS (
		SELECT * FROM @extschema@.forecast_fit(e, stop, cell_size, horizon)
	)
	SELECT s.coverage, s.model, s.rank, s.hit_rate, s.pai, s.pei, s.stability, b.model,
	       -- NULLIF's = is looked up (at CREATE EXTENSION): exact types find pg_catalog's
	       s.hit_rate OPERATOR(pg_catalog./) NULLIF(b.hit_rate, 0::pg_catalog.float8),
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.history END,
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.theta END,
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.prior_strength END
	FROM s JOIN b ON b.coverage OPERATOR(pg_catalog.=) s.coverage, f
	ORDER BY 1, 3, 2;
END;
COMMENT ON FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'Out-of-sample scores of every model (safety.backtest_summary) with the best baseline per coverage and each model''s hit rate over it; for default, the settings its internal back-test chooses on the data before stop (history, theta, prior_strength)';
