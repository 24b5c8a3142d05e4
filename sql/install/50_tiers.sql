-- Risk tiers (red / orange / yellow): configuration tables kept by pg_dump,
-- the tier window function, seasonal tiers, risk components and scores,
-- tiers graded from the forecast, their back-test, and tier history.
-- Formulas: docs/methods-tiers.md.
--
-- SQL function bodies are BEGIN ATOMIC, so every name in them is resolved
-- once, at CREATE EXTENSION time (dump/restore and search_path safe).

CREATE TYPE @extschema@.tier AS ENUM ('yellow', 'orange', 'red');
COMMENT ON TYPE @extschema@.tier IS
	'Risk tier, ordered yellow < orange < red (NULL: no tier)';

-- --- offense weights -----------------------------------------------------

CREATE TABLE @extschema@.offense_weights (
	offense pg_catalog.text PRIMARY KEY,
	weight pg_catalog.float8 NOT NULL
		CHECK (weight OPERATOR(pg_catalog.>) 0 AND weight OPERATOR(pg_catalog.<) 'Infinity'::pg_catalog.float8),
	source pg_catalog.text,
	notes pg_catalog.text,
	is_default pg_catalog.bool NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX offense_weights_lower_idx ON @extschema@.offense_weights (pg_catalog.lower(offense));
COMMENT ON TABLE @extschema@.offense_weights IS
	'Harm weight per offense category (days of custody, CCHI-style); edit freely: rows you add or change are kept by pg_dump';
COMMENT ON COLUMN @extschema@.offense_weights.offense IS 'Offense category, matched case-insensitively';
COMMENT ON COLUMN @extschema@.offense_weights.weight IS 'Harm weight (> 0), in days of custody equivalent';
COMMENT ON COLUMN @extschema@.offense_weights.source IS 'Where the weight comes from';
COMMENT ON COLUMN @extschema@.offense_weights.notes IS 'Free notes';
COMMENT ON COLUMN @extschema@.offense_weights.is_default IS 'true for a shipped default row not changed since; such rows are re-created by CREATE EXTENSION, not dumped';

-- One trigger for every editable table with shipped defaults; its arguments
-- name the key columns.  A user row replaces the shipped default with the
-- same key (also on restore; keys compare case-insensitively), and a changed
-- default becomes the user's row, which pg_dump keeps.
CREATE FUNCTION @extschema@._default_rows_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	-- operators qualified: a trigger runs with the search_path of whoever
	-- writes the row
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		IF NOT NEW.is_default THEN
			EXECUTE pg_catalog.format('DELETE FROM %I.%I t WHERE t.is_default%s', TG_TABLE_SCHEMA, TG_TABLE_NAME,
				(SELECT pg_catalog.string_agg(pg_catalog.format(
					' AND pg_catalog.lower(t.%I::pg_catalog.text) OPERATOR(pg_catalog.=) pg_catalog.lower($1 OPERATOR(pg_catalog.->>) %L)', k.col, k.col), '' ORDER BY k.n)
				 FROM pg_catalog.unnest(TG_ARGV) WITH ORDINALITY AS k(col, n)))
			USING pg_catalog.to_jsonb(NEW);
		END IF;
	-- composite values compare field by field, NULLs equal (what IS
	-- DISTINCT FROM means here, with a qualified operator)
	ELSIF NOT (NEW OPERATOR(pg_catalog.=) OLD) THEN
		NEW.is_default := false;
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@._default_rows_guard() IS
	'Trigger of safety.offense_weights, safety.tier_policy and safety.report_strings (arguments: the key columns): user rows replace shipped defaults and changed defaults become user rows (kept by pg_dump)';
-- fired by its triggers only: no role needs to call it
REVOKE EXECUTE ON FUNCTION @extschema@._default_rows_guard() FROM PUBLIC;
CREATE TRIGGER offense_weights_guard BEFORE INSERT OR UPDATE ON @extschema@.offense_weights
	FOR EACH ROW EXECUTE FUNCTION @extschema@._default_rows_guard('offense');

INSERT INTO @extschema@.offense_weights (offense, weight, source, notes, is_default) VALUES
	('homicide', 5475, 'CCHI method: E&W Sentencing Council starting point', 'murder: 15-year minimum term starting point', true),
	('sexual offences', 1825, 'CCHI method: E&W Sentencing Council starting point', 'rape, lowest category: 5 years', true),
	('aggravated burglary', 730, 'CCHI method: E&W Sentencing Council starting point', 'lowest category: 2 years', true),
	('robbery', 365, 'CCHI method: E&W Sentencing Council starting point', 'street robbery, lowest category: 1 year', true),
	('burglary', 40, 'safety default, CCHI-style estimate', 'dwelling burglary, lowest category (community order equivalent)', true),
	('assault', 20, 'safety default, CCHI-style estimate', 'assault occasioning actual bodily harm, lowest category', true),
	('vehicle crime', 10, 'safety default, CCHI-style estimate', 'theft of or from a vehicle', true),
	('fraud', 10, 'safety default, CCHI-style estimate', 'fraud against a person', true),
	('theft', 5, 'safety default, CCHI-style estimate', 'theft from the person or other theft', true),
	('criminal damage', 5, 'safety default, CCHI-style estimate', 'criminal damage other than arson', true),
	('drugs', 5, 'safety default, CCHI-style estimate', 'possession; the CCHI leaves out proactively detected crime', true),
	('public order', 3, 'safety default, CCHI-style estimate', 'public order offences', true);

SELECT pg_catalog.pg_extension_config_dump('@extschema@.offense_weights', 'WHERE NOT is_default');

CREATE FUNCTION @extschema@.offense_weight(offense pg_catalog.text, "unknown" pg_catalog.float8 DEFAULT 1)
	RETURNS pg_catalog.float8 LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	w pg_catalog.float8;
BEGIN
	IF "unknown" IS NULL OR NOT ("unknown" OPERATOR(pg_catalog.>) 0)
	   OR "unknown" OPERATOR(pg_catalog.=) 'Infinity'::pg_catalog.float8
	   OR "unknown" OPERATOR(pg_catalog.=) 'NaN'::pg_catalog.float8 THEN
		RAISE EXCEPTION 'safety.offense_weight: unknown must be a finite number > 0 (got %)', "unknown"
			USING ERRCODE = '22023', HINT = 'It is the weight of offenses missing from safety.offense_weights; 1 counts them as events.';
	END IF;
	SELECT ow.weight INTO w FROM @extschema@.offense_weights ow
	WHERE pg_catalog.lower(ow.offense) OPERATOR(pg_catalog.=) pg_catalog.lower(offense_weight.offense);
	RETURN COALESCE(w, "unknown");
END $$;
COMMENT ON FUNCTION @extschema@.offense_weight(pg_catalog.text, pg_catalog.float8) IS
	'Harm weight of an offense from safety.offense_weights (case-insensitive); "unknown" (default 1) when it is not listed or NULL';

-- --- response policy per tier ------------------------------------------

CREATE TABLE @extschema@.tier_policy (
	tier @extschema@.tier PRIMARY KEY,
	action pg_catalog.text NOT NULL,
	respond_within pg_catalog.interval NOT NULL,
	review_every pg_catalog.interval NOT NULL,
	lead pg_catalog.text NOT NULL,
	is_default pg_catalog.bool NOT NULL DEFAULT false,
	-- added in 0.2.0, hence after is_default (an upgraded table has them there too)
	share pg_catalog.float8 NOT NULL
		CHECK (share OPERATOR(pg_catalog.>) 0 AND share OPERATOR(pg_catalog.<=) 1),
	max_cells pg_catalog.int8 CHECK (max_cells OPERATOR(pg_catalog.>) 0)
);
COMMENT ON TABLE @extschema@.tier_policy IS
	'Response policy per risk tier; edit freely: rows you change are kept by pg_dump';
COMMENT ON COLUMN @extschema@.tier_policy.tier IS 'The tier';
COMMENT ON COLUMN @extschema@.tier_policy.action IS 'What to do in units of this tier';
COMMENT ON COLUMN @extschema@.tier_policy.respond_within IS 'Time from tiering to the first action';
COMMENT ON COLUMN @extschema@.tier_policy.review_every IS 'How often the tier and the response are reviewed';
COMMENT ON COLUMN @extschema@.tier_policy.lead IS 'Who leads the response';
COMMENT ON COLUMN @extschema@.tier_policy.share IS 'Cumulative share of the study cells in this tier or above in an ordinary horizon: sets the tier''s cut-off (red < orange < yellow)';
COMMENT ON COLUMN @extschema@.tier_policy.max_cells IS 'Most cells this tier may hold (the units a team can handle); the lowest-priority cells beyond it move down a tier; NULL: no cap';
COMMENT ON COLUMN @extschema@.tier_policy.is_default IS 'true for a shipped default row not changed since; such rows are re-created by CREATE EXTENSION, not dumped';

CREATE TRIGGER tier_policy_guard BEFORE INSERT OR UPDATE ON @extschema@.tier_policy
	FOR EACH ROW EXECUTE FUNCTION @extschema@._default_rows_guard('tier');

INSERT INTO @extschema@.tier_policy (tier, action, respond_within, review_every, lead, share, is_default) VALUES
	('red', 'Joint multi-agency operation (police, council, housing, victim services) with a problem-solving plan', '24 hours', '7 days', 'Area commander with partner agencies', 0.01, true),
	('orange', 'Raise patrol density (short, frequent hot-spot visits) and camera coverage', '72 hours', '14 days', 'Neighbourhood policing inspector', 0.05, true),
	('yellow', 'Routine patrol; open an entry in the issue log and watch the trend', '7 days', '28 days', 'Neighbourhood sergeant', 0.15, true);
-- every role that may tier may read how (the tier functions read these tables)
GRANT SELECT ON @extschema@.tier_policy, @extschema@.offense_weights TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.tier_policy', 'WHERE NOT is_default');

-- --- sensitive places ----------------------------------------------------

CREATE TABLE @extschema@.sensitive_places (
	name pg_catalog.text PRIMARY KEY,
	kind pg_catalog.text,
	geom geometry NOT NULL,
	weight pg_catalog.float8 NOT NULL
		CHECK (weight OPERATOR(pg_catalog.>) 0 AND weight OPERATOR(pg_catalog.<) 'Infinity'::pg_catalog.float8),
	radius pg_catalog.float8 NOT NULL
		CHECK (radius OPERATOR(pg_catalog.>) 0 AND radius OPERATOR(pg_catalog.<) 'Infinity'::pg_catalog.float8)
);
COMMENT ON TABLE @extschema@.sensitive_places IS
	'Schools, hospitals, transport hubs...: events within radius (SRID units) of a place get impact 1 + the sum of the weights of such places (safety.place_impact)';
COMMENT ON COLUMN @extschema@.sensitive_places.name IS 'Name of the place';
COMMENT ON COLUMN @extschema@.sensitive_places.kind IS 'Kind of place (school, hospital, ...)';
COMMENT ON COLUMN @extschema@.sensitive_places.geom IS 'Location, in the SRID of the incidents';
COMMENT ON COLUMN @extschema@.sensitive_places.weight IS 'Added impact (> 0) of events near this place';
COMMENT ON COLUMN @extschema@.sensitive_places.radius IS 'Reach of the place, in SRID units (metres)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sensitive_places', '');
-- safety.place_impact reads it as its caller: every role may read the places
-- (keep secret addresses out, or revoke and grant to the analysts)
GRANT SELECT ON @extschema@.sensitive_places TO PUBLIC;

CREATE FUNCTION @extschema@.place_impact(geom geometry) RETURNS pg_catalog.float8
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT 1 OPERATOR(pg_catalog.+) COALESCE(pg_catalog.sum(p.weight), 0)
	FROM @extschema@.sensitive_places p
	WHERE ST_SRID(p.geom) OPERATOR(pg_catalog.=) ST_SRID(place_impact.geom)
	  AND ST_DWithin(p.geom, place_impact.geom, p.radius);
END;
COMMENT ON FUNCTION @extschema@.place_impact(geometry) IS
	'Impact multiplier of an event at geom: 1 + the sum of the weights of the sensitive places within their radius (same SRID)';

-- --- tiering ---------------------------------------------------------------

CREATE FUNCTION @extschema@.tier(score pg_catalog.float8, method pg_catalog.text DEFAULT 'quantile',
	red pg_catalog.float8 DEFAULT NULL, orange pg_catalog.float8 DEFAULT NULL,
	yellow pg_catalog.float8 DEFAULT NULL)
	RETURNS @extschema@.tier AS 'MODULE_PATHNAME', 'safety_tier'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tier(pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Window function: tier of each unit''s score within its partition; quantile (cumulative shares of the units, default 0.01/0.05/0.15, scores > 0 only, ties share the tier of the first of them) or threshold (score >= cut-off)';

CREATE FUNCTION @extschema@.seasonal_p(observed pg_catalog.float8, expected pg_catalog.float8,
	dispersion pg_catalog.float8 DEFAULT 0) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_seasonal_p' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.seasonal_p(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'P(X >= ceil(observed)) for X Poisson with mean expected (dispersion 0) or negative binomial with variance expected + dispersion * expected^2';

CREATE FUNCTION @extschema@.seasonal_tier(observed pg_catalog.float8, expected pg_catalog.float8,
	dispersion pg_catalog.float8 DEFAULT 0) RETURNS @extschema@.tier
	AS 'MODULE_PATHNAME', 'safety_seasonal_tier' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.seasonal_tier(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'red / orange / yellow when observed exceeds the 99 / 95 / 90 % upper quantile of the seasonal expectation (seasonal_p <= 0.01 / 0.05 / 0.10); NULL otherwise';

CREATE FUNCTION @extschema@.tier_from_gi(class pg_catalog.int4) RETURNS @extschema@.tier
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF class OPERATOR(pg_catalog.<) -3 OR class OPERATOR(pg_catalog.>) 3 THEN
		RAISE EXCEPTION 'safety.tier_from_gi: class must lie in -3..3 (got %)', class
			USING ERRCODE = '22023', HINT = 'Gi* classes are +3/+2/+1 for hot spots at 99/95/90 %, 0 for none, negative for cold spots.';
	END IF;
	-- not "CASE class WHEN": its = would be looked up on the caller's search_path
	RETURN CASE WHEN class OPERATOR(pg_catalog.=) 3 THEN 'red'
	            WHEN class OPERATOR(pg_catalog.=) 2 THEN 'orange'
	            WHEN class OPERATOR(pg_catalog.=) 1 THEN 'yellow' END::@extschema@.tier;
END $$;
CREATE FUNCTION @extschema@.tier_from_gi(class pg_catalog.int2) RETURNS @extschema@.tier
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT @extschema@.tier_from_gi(class::pg_catalog.int4);
END;
COMMENT ON FUNCTION @extschema@.tier_from_gi(pg_catalog.int4) IS
	'Tier of a Gi* hot-spot class: +3 red, +2 orange, +1 yellow; 0 and cold spots (negative) NULL';
COMMENT ON FUNCTION @extschema@.tier_from_gi(pg_catalog.int2) IS
	'Tier of a Gi* hot-spot class: +3 red, +2 orange, +1 yellow; 0 and cold spots (negative) NULL';

-- --- risk components and scores --------------------------------------------

CREATE FUNCTION @extschema@.risk_components(e @extschema@.events, as_of pg_catalog.timestamptz,
	"window" pg_catalog.interval DEFAULT '28 days', baseline pg_catalog.interval DEFAULT '3 years',
	half_life pg_catalog.interval DEFAULT '14 days',
	OUT events pg_catalog.int8, OUT harm pg_catalog.float8, OUT recency_harm pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT years pg_catalog.int4, OUT ratio pg_catalog.float8,
	OUT weeks pg_catalog.int4, OUT trend_s pg_catalog.float8, OUT trend_z pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_risk_components'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.risk_components(@extschema@.events, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval) IS
	'Risk components of a collection at as_of: events and harm (sum of weights) in [as_of - window, as_of), recency-weighted harm (2^(-age/half_life)), seasonal expectation (mean count in the same window 52, 104, ... weeks earlier within baseline), ratio, Mann-Kendall trend of weekly counts';

CREATE FUNCTION @extschema@.risk_scores(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, method pg_catalog.text DEFAULT 'quantile',
	red pg_catalog.float8 DEFAULT NULL, orange pg_catalog.float8 DEFAULT NULL, yellow pg_catalog.float8 DEFAULT NULL,
	w_harm pg_catalog.float8 DEFAULT 0.4, w_recency pg_catalog.float8 DEFAULT 0.3,
	w_seasonal pg_catalog.float8 DEFAULT 0.2, w_trend pg_catalog.float8 DEFAULT 0.1,
	"window" pg_catalog.interval DEFAULT '28 days', baseline pg_catalog.interval DEFAULT '3 years',
	half_life pg_catalog.interval DEFAULT '14 days',
	OUT cell_id pg_catalog.int8, OUT geom geometry,
	OUT events pg_catalog.int8, OUT harm pg_catalog.float8, OUT recency_harm pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT ratio pg_catalog.float8, OUT trend_z pg_catalog.float8,
	OUT harm_n pg_catalog.float8, OUT recency_n pg_catalog.float8, OUT seasonal_n pg_catalog.float8,
	OUT trend_n pg_catalog.float8,
	OUT w_harm_used pg_catalog.float8, OUT w_recency_used pg_catalog.float8,
	OUT w_seasonal_used pg_catalog.float8, OUT w_trend_used pg_catalog.float8,
	OUT score pg_catalog.float8, OUT rank pg_catalog.int8, OUT tier @extschema@.tier,
	OUT years pg_catalog.int4, OUT weeks pg_catalog.int4)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_risk_scores'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.risk_scores(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval) IS
	'Per square cell with events in the last max(window, baseline) before as_of: risk components, components normalised to [0, 1], their weights, score, rank and tier';

CREATE FUNCTION @extschema@.forecast_tiers(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	shares pg_catalog.float8[] DEFAULT '{0.01,0.05,0.15}', caps pg_catalog.int8[] DEFAULT NULL,
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (cell_id pg_catalog.int8, geom geometry, events pg_catalog.int8,
		expected pg_catalog.float8, typical pg_catalog.float8, severity pg_catalog.float8,
		priority pg_catalog.float8, rank pg_catalog.int8, tier @extschema@.tier)
	AS 'MODULE_PATHNAME', 'safety_forecast_tiers'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.forecast_tiers(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8[], pg_catalog.int8[], pg_catalog.float8, pg_catalog.int4) IS
	'Tiers of every study cell (events: its events of the last year) from the forecast: priority = expected events in the horizon x severity (shrunk relative harm, 1/2..2); a tier''s cut-off is the priority at its cumulative share of the typical (ordinary-horizon) priorities, so busy horizons tier more cells and quiet ones fewer; a cell keeps its tier while its priority stays above keep x the cut-off (lookback earlier horizons replayed); caps move the lowest-priority cells beyond them down a tier';

CREATE FUNCTION @extschema@.risk_tiers(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (cell_id pg_catalog.int8, geom geometry, events pg_catalog.int8,
		expected pg_catalog.float8, typical pg_catalog.float8, severity pg_catalog.float8,
		priority pg_catalog.float8, rank pg_catalog.int8, tier @extschema@.tier,
		action pg_catalog.text, respond_within pg_catalog.interval,
		review_every pg_catalog.interval, lead pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
BEGIN ATOMIC
	SELECT f.cell_id, f.geom, f.events, f.expected, f.typical, f.severity, f.priority, f.rank, f.tier,
	       p.action, p.respond_within, p.review_every, p.lead
	FROM @extschema@.forecast_tiers(e, as_of, cell_size, horizon, model,
		ARRAY[COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'red'::@extschema@.tier), 0.01),
		      COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'orange'::@extschema@.tier), 0.05),
		      COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'yellow'::@extschema@.tier), 0.15)],
		ARRAY[(SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'red'::@extschema@.tier),
		      (SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'orange'::@extschema@.tier),
		      (SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'yellow'::@extschema@.tier)],
		keep, lookback) f
	LEFT JOIN @extschema@.tier_policy p ON p.tier OPERATOR(pg_catalog.=) f.tier
	ORDER BY f.rank, f.cell_id;
END;
COMMENT ON FUNCTION @extschema@.risk_tiers(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.int4) IS
	'safety.forecast_tiers with the shares, caps and response policy of safety.tier_policy, ordered by rank (priority)';

CREATE FUNCTION @extschema@.tier_backtest(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	shares pg_catalog.float8[] DEFAULT '{0.01,0.05,0.15}', caps pg_catalog.int8[] DEFAULT NULL,
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (origin pg_catalog.timestamptz, tier @extschema@.tier, cells pg_catalog.int8,
		events pg_catalog.int8, mean_events pg_catalog.float8, expected pg_catalog.float8,
		changed pg_catalog.int8)
	AS 'MODULE_PATHNAME', 'safety_tier_backtest'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.tier_backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8[], pg_catalog.int8[], pg_catalog.float8, pg_catalog.int4) IS
	'How the tiers of safety.forecast_tiers fared: per origin and tier (NULL: untiered study cells), the cells, the events of the next horizon in them and per cell, their forecast, and the cells whose tier changed since the previous origin';

-- --- history ---------------------------------------------------------------

CREATE TABLE @extschema@.tier_history (
	name pg_catalog.text NOT NULL,
	as_of pg_catalog.timestamptz NOT NULL,
	unit pg_catalog.int8 NOT NULL,
	tier @extschema@.tier NOT NULL,
	score pg_catalog.float8,
	PRIMARY KEY (name, as_of, unit)
);
COMMENT ON TABLE @extschema@.tier_history IS
	'Stored tier snapshots (safety.record_tiers): one row per tiered unit (cell_id) per named series and as_of; kept by pg_dump';
COMMENT ON COLUMN @extschema@.tier_history.name IS 'Name of the series of snapshots';
COMMENT ON COLUMN @extschema@.tier_history.as_of IS 'Time the snapshot describes';
COMMENT ON COLUMN @extschema@.tier_history.unit IS 'Unit id (cell_id for grid tiers)';
COMMENT ON COLUMN @extschema@.tier_history.tier IS 'Tier of the unit';
COMMENT ON COLUMN @extschema@.tier_history.score IS 'Score of the unit';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tier_history', '');

CREATE FUNCTION @extschema@.record_tiers(name pg_catalog.text, e @extschema@.events,
	as_of pg_catalog.timestamptz, cell_size pg_catalog.float8,
	horizon pg_catalog.interval DEFAULT '7 days', model pg_catalog.text DEFAULT 'default')
	RETURNS pg_catalog.int8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	-- a NULL collection is no input: nothing is stored, nor replaced
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	IF record_tiers.name IS NULL THEN
		RAISE EXCEPTION 'safety.record_tiers: name must not be NULL'
			USING ERRCODE = '22004', HINT = 'Name the series of snapshots, e.g. ''burglary-250m''.';
	END IF;
	-- the history is shared: writing it is the administrator's to grant
	IF NOT (pg_catalog.has_table_privilege('@extschema@.tier_history', 'INSERT')
	        AND pg_catalog.has_table_privilege('@extschema@.tier_history', 'DELETE')) THEN
		RAISE EXCEPTION 'safety.record_tiers: permission denied to record tiers in safety.tier_history'
			USING ERRCODE = 'insufficient_privilege',
			HINT = 'Its owner can allow it: GRANT SELECT, INSERT, DELETE ON safety.tier_history TO the role.';
	END IF;
	DELETE FROM @extschema@.tier_history h
	WHERE h.name OPERATOR(pg_catalog.=) record_tiers.name AND h.as_of OPERATOR(pg_catalog.=) record_tiers.as_of;
	INSERT INTO @extschema@.tier_history (name, as_of, unit, tier, score)
	SELECT record_tiers.name, record_tiers.as_of, s.cell_id, s.tier, s.priority
	FROM @extschema@.risk_tiers(e, record_tiers.as_of, cell_size, horizon, model) s
	WHERE s.tier IS NOT NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;
COMMENT ON FUNCTION @extschema@.record_tiers(pg_catalog.text, @extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text) IS
	'Store the tiered cells of safety.risk_tiers at as_of (score: their priority) in safety.tier_history under name (replacing a snapshot of the same name and as_of); returns the rows stored; a NULL e stores and replaces nothing and returns NULL';

CREATE FUNCTION @extschema@.tier_changes(name pg_catalog.text, from_as_of pg_catalog.timestamptz,
	to_as_of pg_catalog.timestamptz)
	RETURNS TABLE (unit pg_catalog.int8, change pg_catalog.text,
		from_tier @extschema@.tier, to_tier @extschema@.tier,
		from_score pg_catalog.float8, to_score pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT COALESCE(a.unit, b.unit),
	       CASE WHEN a.unit IS NULL THEN 'entered'
	            WHEN b.unit IS NULL THEN 'left'
	            WHEN b.tier OPERATOR(pg_catalog.>) a.tier THEN 'escalated'
	            ELSE 'de-escalated' END,
	       a.tier, b.tier, a.score, b.score
	FROM (SELECT h.unit, h.tier, h.score FROM @extschema@.tier_history h
	      WHERE h.name OPERATOR(pg_catalog.=) tier_changes.name AND h.as_of OPERATOR(pg_catalog.=) tier_changes.from_as_of) a
	FULL JOIN (SELECT h.unit, h.tier, h.score FROM @extschema@.tier_history h
	      WHERE h.name OPERATOR(pg_catalog.=) tier_changes.name AND h.as_of OPERATOR(pg_catalog.=) tier_changes.to_as_of) b
	  ON a.unit OPERATOR(pg_catalog.=) b.unit
	WHERE a.unit IS NULL OR b.unit IS NULL OR a.tier OPERATOR(pg_catalog.<>) b.tier
	ORDER BY 2, 1;
END;
COMMENT ON FUNCTION @extschema@.tier_changes(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'Units whose tier changed between two snapshots of safety.tier_history: entered, left, escalated, de-escalated';
