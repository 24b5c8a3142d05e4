-- Reports (issue #17 item 5): safety.report writes the weekly screening, the
-- monthly analysis and the quarterly review as one self-contained HTML
-- document (tables, inline SVG: a map of tiers and hot spots, a data clock of
-- hour x weekday, trend charts; inline CSS, no script, no external asset),
-- built from the extension's own functions (docs/reference-report.md).
--
-- Every text of the document is a row of safety.report_strings (language,
-- key, template), read through safety._report_text: English ships, other
-- languages are rows a database owner adds.
--
-- The report runs as its caller, so its helpers (prefix _report_) stay
-- executable by PUBLIC: a role that may call safety.report may call them;
-- they read nothing but their arguments and the (PUBLIC-readable) strings.
-- PL/pgSQL ones pin search_path; those that call PostGIS are BEGIN ATOMIC,
-- bound when the extension is created.

-- --- the texts of the document -----------------------------------------------

-- (the same DDL is in sql/upgrade/0.1.0--0.2.0.before.sql)
CREATE TABLE @extschema@.report_strings (
	lang pg_catalog.text NOT NULL,
	key pg_catalog.text NOT NULL,
	template pg_catalog.text NOT NULL,
	is_default pg_catalog.bool NOT NULL DEFAULT false,
	PRIMARY KEY (lang, key)
);
-- one row per language and key whatever the case (the guard compares so)
CREATE UNIQUE INDEX report_strings_lower_idx ON @extschema@.report_strings (pg_catalog.lower(lang), pg_catalog.lower(key));
COMMENT ON TABLE @extschema@.report_strings IS
	'The texts of safety.report per language (a format() template per key; en ships, en fills the keys a language lacks); edit or add languages freely: rows you add or change are kept by pg_dump';
COMMENT ON COLUMN @extschema@.report_strings.lang IS 'Language tag, as report(..., language) takes it and <html lang> shows it (en, de, fr-CA, ...)';
COMMENT ON COLUMN @extschema@.report_strings.key IS 'What the text is (docs/reference-report.md); keys th., td., caption., label. and msg. are plain text, HTML-escaped where they go; the others are HTML fragments';
COMMENT ON COLUMN @extschema@.report_strings.template IS 'The text, a format() template: %s (or %1$s, %2$s ... to reorder) takes the values the report passes, %% is a percent sign';
COMMENT ON COLUMN @extschema@.report_strings.is_default IS 'true for a shipped default row not changed since; such rows are re-created by CREATE EXTENSION, not dumped';
CREATE TRIGGER report_strings_guard BEFORE INSERT OR UPDATE ON @extschema@.report_strings
	FOR EACH ROW EXECUTE FUNCTION @extschema@._default_rows_guard('lang', 'key');
-- the report runs as its caller: every role that may report reads its texts
GRANT SELECT ON @extschema@.report_strings TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.report_strings', 'WHERE NOT is_default');

-- the shipped texts: CREATE EXTENSION and the upgrade insert them
CREATE FUNCTION @extschema@._report_default_strings(OUT lang pg_catalog.text, OUT key pg_catalog.text, OUT template pg_catalog.text)
	RETURNS SETOF record LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $strings$
	SELECT 'en', s.key, s.template FROM (VALUES
	-- the document
	('label.default_title', 'Safety report'),
	('doc.meta', '%s events (SRID %s) from %s to %s; as of %s (%s); %s %s cells. Made by safety.report on %s.'),
	('label.unit_m', 'm'),
	('label.unit_ft', 'ft'),
	('label.unit_srid', 'SRID units'),
	('note.not_available', 'Not available: %s'),
	('note.no_cells', 'No cells to map.'),
	('note.few_periods', 'Too few periods for a trend chart.'),
	('note.no_clock_events', 'No events in the window of the data clock.'),
	-- the map
	('caption.map', 'Tiers at %s, %s %s cells; outlined: new, consecutive, intensifying and persistent hot spots of the last 12 weeks.'),
	('map.red', 'red'),
	('map.orange', 'orange'),
	('map.yellow', 'yellow'),
	('map.untiered', 'untiered study cell'),
	('map.hot', 'hot spot'),
	-- the data clock
	('label.dow0', 'Sun'),
	('label.dow1', 'Mon'),
	('label.dow2', 'Tue'),
	('label.dow3', 'Wed'),
	('label.dow4', 'Thu'),
	('label.dow5', 'Fri'),
	('label.dow6', 'Sat'),
	('label.clock_cell', '%s %s:00 %s'),
	('label.clock_legend', 'colour scale of the data clock'),
	('clock.axes', 'Rows: weekday; columns: local hour (%s). %s events, spread over the hours their time windows cover (safety.aoristic).'),
	('caption.clock_weeks', 'Incidents of the last 12 weeks by weekday and hour.'),
	('caption.clock_months', 'Incidents of the last 12 months by weekday and hour.'),
	('caption.clock_quarter', 'Incidents of the quarter by weekday and hour.'),
	-- the trend charts
	('label.chart_point', '%s: %s'),
	('label.chart_axis', 'events'),
	-- calendar labels
	('label.month1', 'January'),
	('label.month2', 'February'),
	('label.month3', 'March'),
	('label.month4', 'April'),
	('label.month5', 'May'),
	('label.month6', 'June'),
	('label.month7', 'July'),
	('label.month8', 'August'),
	('label.month9', 'September'),
	('label.month10', 'October'),
	('label.month11', 'November'),
	('label.month12', 'December'),
	('label.quarter', '%s Q%s'),
	-- sections and their maps and clocks
	('section.map', 'Map of tiers and hot spots'),
	('section.clock', 'Data clock'),
	-- weekly screening
	('weekly.heading', 'Weekly screening: week of %s to %s'),
	('weekly.forecast', 'Incidents against the forecast'),
	('weekly.busiest', 'Busiest cells of the week'),
	('weekly.hot', 'New and growing hot spots'),
	('weekly.hot_text', '%s cells are new, consecutive or intensifying hot spots over the last 12 weeks (safety.emerging_hotspots, weekly steps, Gi* within %s).'),
	('weekly.repeat', 'Open repeat-risk windows'),
	('weekly.repeat_text', '%s risk windows are open at the as-of time (safety.repeat_windows: the significant near-repeat zone of bands %s %s and %s days, 99 permutations); the latest 10:'),
	('weekly.changes', 'Tier changes'),
	('weekly.changes_text', '%s cells changed tier between the tiers of the week''s start and those of the as-of time:'),
	('msg.no_tiers_week_start', 'no tiers at the week''s start'),
	('td.none', 'none'),
	('weekly.tiers', 'The tiers and their actions'),
	('weekly.top_red', 'Top red cells'),
	('weekly.patrol', 'Patrol posts: covered share'),
	('weekly.patrol_text', 'Share of the next 7 days'' expected events within %s %s of k posts (safety.patrol_cover_curve over the study cells'' centres; gap: how far from the best k posts the plan can be at most).'),
	('weekly.trend', 'Weekly trend'),
	('caption.weekly_trend', 'Incidents per week, the last %s weeks; Mann-Kendall p = %s, Sen''s slope %s per week.'),
	-- monthly analysis
	('monthly.heading', 'Monthly analysis: %s %s'),
	('monthly.trends', 'Offense trends'),
	('caption.monthly_trend', 'Incidents per month, the last %s months (safety.trend).'),
	('monthly.profile', 'Time profile'),
	('monthly.map', 'Hot-spot map'),
	('monthly.backtest', 'Back-test of the tiers'),
	('monthly.backtest_text', 'The tiers as they would have been set at each of 4 weekly origins (the last 4 weeks; fewer origins than a full back-test so that the report renders in seconds) against the next week''s incidents (safety.tier_backtest):'),
	('td.untiered', 'untiered'),
	-- quarterly review
	('quarterly.heading', 'Quarterly review: %s'),
	('quarterly.change', 'Change against the same quarter a year earlier'),
	('caption.quarterly_trend', 'Incidents per quarter, the last %s quarters; Mann-Kendall p = %s.'),
	('quarterly.before_after', 'Before and after: places that were red'),
	('quarterly.before_after_text', 'Cells red in the tiers of %s (the start of the quarter): incidents in the quarter before (%s to %s) and in the quarter after, against comparable cells that were not red. Difference in differences: the change per red cell minus the change per comparison cell. Its test: the exact conditional test that the red cells'' after/before ratio equals the comparison''s (safety.rate_test with the comparison counts as exposures; it treats the comparison ratio as known). This describes, it does not prove: a tier is not a treatment (what was done in each cell is not recorded), and cells picked for high counts fall back by regression to the mean, which the comparison of cells with as many incidents before (at least the red cells'' lower quartile, and at least one) only partly removes.'),
	('td.red_places', 'red (the places)'),
	('td.orange_comparison', 'orange (comparison)'),
	('td.similar_comparison', 'not red, as many before as the lower quartile of the red cells (comparison)'),
	('quarterly.ranking', 'Ranking of units'),
	('quarterly.ranking_areas_text', 'Areas by incidents in the quarter (safety.area_counts), with the same quarter a year earlier:'),
	('quarterly.ranking_cells_text', 'No areas were given: the 10 cells with the most incidents in the quarter, with the same quarter a year earlier.'),
	-- table headers
	('th.week', 'week'),
	('th.month', 'month'),
	('th.months', 'months'),
	('th.quarter', 'quarter'),
	('th.incidents', 'incidents'),
	('th.expected', 'expected'),
	('th.expected_forecast', 'expected (forecast at the week''s start)'),
	('th.expected_7d', 'expected events, next 7 days'),
	('th.p_at_least', 'P(at least as many | expected)'),
	('th.week_before', 'week before'),
	('th.month_before', 'month before'),
	('th.quarter_before', 'quarter before'),
	('th.weeks_52', '52 weeks earlier'),
	('th.year_earlier', 'a year earlier'),
	('th.change_pct', 'change %%'),
	('th.p_rate', 'p (exact rate test)'),
	('th.p', 'p'),
	('th.cell_id', 'cell_id'),
	('th.cells', 'cells'),
	('th.cells_mean', 'cells (mean)'),
	('th.tier', 'tier'),
	('th.tier_week_start', 'tier at the week''s start'),
	('th.tier_now', 'tier now'),
	('th.category', 'category'),
	('th.event_id', 'event id'),
	('th.occurred', 'occurred'),
	('th.window_ends', 'window ends'),
	('th.days_left', 'days left'),
	('th.from', 'from'),
	('th.to', 'to'),
	('th.respond_within', 'respond within'),
	('th.action', 'action'),
	('th.posts', 'posts'),
	('th.covered_pct', 'covered %%'),
	('th.gap_pct', 'gap %%'),
	('th.mk_s', 'Mann-Kendall S'),
	('th.z', 'z'),
	('th.tau', 'Kendall''s tau'),
	('th.sen_month', 'Sen''s slope per month'),
	('th.next_week', 'next-week incidents'),
	('th.per_cell', 'per cell'),
	('th.share_pct', 'share %%'),
	('th.weekly_change', 'weekly change share'),
	('th.count', 'count'),
	('th.incidents_before', 'incidents before'),
	('th.incidents_after', 'incidents after'),
	('th.p_after_before', 'p (after vs before, exact)'),
	('th.did', 'difference in differences per cell'),
	('th.p_red_comparison', 'p (red vs comparison, exact)'),
	('th.rank', 'rank'),
	('th.area', 'area'),
	('th.km2', 'km²')
	) AS s(key, template)
$strings$;
COMMENT ON FUNCTION @extschema@._report_default_strings() IS
	'Internal: the texts safety.report_strings ships (is_default rows), per language and key';

INSERT INTO @extschema@.report_strings (lang, key, template, is_default)
SELECT s.lang, s.key, s.template, true FROM @extschema@._report_default_strings() s;

-- a text of the document: the row of lang, else of en; an unknown key is a bug
CREATE FUNCTION @extschema@._report_text(lang pg_catalog.text, key pg_catalog.text,
	VARIADIC args pg_catalog.text[] DEFAULT '{}') RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t text;
BEGIN
	SELECT s.template INTO t FROM @extschema@.report_strings s
	WHERE s.key = _report_text.key AND lower(s.lang) IN (lower(_report_text.lang), 'en')
	ORDER BY lower(s.lang) = lower(_report_text.lang) DESC
	LIMIT 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'safety._report_text: no text "%" in safety.report_strings, neither for "%" nor for en', key, lang
			USING ERRCODE = '22023', HINT = 'The shipped rows are those of safety._report_default_strings(); re-insert the missing one.';
	END IF;
	RETURN pg_catalog.format(t, VARIADIC args);
END $$;
COMMENT ON FUNCTION @extschema@._report_text(pg_catalog.text, pg_catalog.text, pg_catalog.text[]) IS
	'Internal: format(template, args) of the safety.report_strings row of lang and key, else of en and key; a key in neither is an error (22023)';

-- the unit of a SRID's coordinates: m, ft or other
CREATE FUNCTION @extschema@._srid_unit(srid pg_catalog.int4) RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	wkt text;
	proj4 text;
	u text;
BEGIN
	IF srid IS NULL OR srid = 0 THEN
		RETURN 'other';
	END IF;
	-- spatial_ref_sys lives in PostGIS's schema, wherever that is
	EXECUTE pg_catalog.format('SELECT s.srtext::pg_catalog.text, s.proj4text::pg_catalog.text FROM %I.spatial_ref_sys s WHERE s.srid OPERATOR(pg_catalog.=) $1',
		@extschema@._postgis_schema()) INTO wkt, proj4 USING srid;
	-- the last UNIT (WKT 1) or LENGTHUNIT (WKT 2) is the projected system's
	-- (a geographic one's is an angle)
	SELECT m.u[1] INTO u FROM regexp_matches(coalesce(wkt, ''), 'UNIT\["([^"]*)"', 'g') WITH ORDINALITY AS m(u, n)
	ORDER BY m.n DESC LIMIT 1;
	IF u IS NULL THEN
		u := substring(proj4 FROM '\+units=([^ ]+)');
	END IF;
	u := lower(u);
	RETURN CASE WHEN u IN ('metre', 'meter', 'metres', 'meters', 'm') THEN 'm'
	            WHEN u IN ('ft', 'us-ft', 'ind-ft') OR u ~ '(^|[^a-z])(foot|feet)([^a-z]|$)' THEN 'ft'
	            ELSE 'other' END;
END $$;
COMMENT ON FUNCTION @extschema@._srid_unit(pg_catalog.int4) IS
	'Internal: the linear unit of a SRID from spatial_ref_sys (the WKT''s last UNIT, else proj4 +units=): m for metre, ft for a foot (international, US survey, ...), other for anything else, SRID 0 and unknown SRIDs';

-- distances or days for a text: at most 2 decimals, none when whole, comma-separated
CREATE FUNCTION @extschema@._report_list(xs pg_catalog.float8[]) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT pg_catalog.string_agg(pg_catalog.trim_scale(pg_catalog.round(u.x::pg_catalog.numeric, 2))::pg_catalog.text, ', ' ORDER BY u.n)
	FROM pg_catalog.unnest(xs) WITH ORDINALITY AS u(x, n);
END;
COMMENT ON FUNCTION @extschema@._report_list(pg_catalog.float8[]) IS
	'Internal: numbers (distances, days) for a report text, rounded to at most 2 decimals without trailing zeros, comma-separated';

CREATE FUNCTION @extschema@._report_html_escape(t pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
		t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
END;
COMMENT ON FUNCTION @extschema@._report_html_escape(pg_catalog.text) IS
	'Internal: text made safe for HTML content and attribute values (& < > " and '' as entities)';

CREATE FUNCTION @extschema@._report_num(x pg_catalog.float8, digits pg_catalog.int4 DEFAULT 2) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	-- (AS v: a body must not end in "END;" before its own END, see scripts/upgrade-replay.pl)
	SELECT CASE WHEN x IS NULL OR x OPERATOR(pg_catalog.<>) x
	              OR x OPERATOR(pg_catalog.=) 'infinity'::pg_catalog.float8
	              OR x OPERATOR(pg_catalog.=) '-infinity'::pg_catalog.float8 THEN '–'
	            ELSE pg_catalog.round(x::pg_catalog.numeric, digits)::pg_catalog.text END AS v;
END;
COMMENT ON FUNCTION @extschema@._report_num(pg_catalog.float8, pg_catalog.int4) IS
	'Internal: a number rounded to digits for a report table; – for NULL, NaN and infinities';

CREATE FUNCTION @extschema@._report_p(p pg_catalog.float8) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN p IS NULL OR p OPERATOR(pg_catalog.<>) p THEN '–'
	            WHEN p OPERATOR(pg_catalog.<) 0.001 THEN '< 0.001'
	            ELSE pg_catalog.round(p::pg_catalog.numeric, 3)::pg_catalog.text END AS v;
END;
COMMENT ON FUNCTION @extschema@._report_p(pg_catalog.float8) IS
	'Internal: a p-value for a report table (3 decimals, < 0.001 below that, – for none)';

-- a table row: every cell escaped; header cells when th
CREATE FUNCTION @extschema@._report_row(cells pg_catalog.text[], th pg_catalog.bool DEFAULT false) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT '<tr>' OPERATOR(pg_catalog.||) COALESCE(pg_catalog.string_agg(
		CASE WHEN th THEN '<th>' ELSE '<td>' END OPERATOR(pg_catalog.||)
		COALESCE(@extschema@._report_html_escape(c.v), '–') OPERATOR(pg_catalog.||)
		CASE WHEN th THEN '</th>' ELSE '</td>' END, '' ORDER BY c.n), '') OPERATOR(pg_catalog.||) '</tr>'
	FROM pg_catalog.unnest(cells) WITH ORDINALITY AS c(v, n);
END;
COMMENT ON FUNCTION @extschema@._report_row(pg_catalog.text[], pg_catalog.bool) IS
	'Internal: one HTML table row of the report, each cell HTML-escaped (th cells when th)';

-- the events whose window's middle lies in [start_at, stop_at), as a collection
CREATE FUNCTION @extschema@._report_subset(e @extschema@.events, start_at pg_catalog.timestamptz,
	stop_at pg_catalog.timestamptz) RETURNS @extschema@.events
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT @extschema@.events_agg(ST_SetSRID(ST_MakePoint(r.x, r.y), @extschema@.srid(e)),
		r.occurred_from, r.occurred_to, r.id, r.weight)
	FROM @extschema@.event_rows(e) r
	WHERE r.occurred_from OPERATOR(pg_catalog.+) ((COALESCE(r.occurred_to, r.occurred_from) OPERATOR(pg_catalog.-) r.occurred_from) OPERATOR(pg_catalog./) 2::pg_catalog.float8)
	        OPERATOR(pg_catalog.>=) start_at
	  AND r.occurred_from OPERATOR(pg_catalog.+) ((COALESCE(r.occurred_to, r.occurred_from) OPERATOR(pg_catalog.-) r.occurred_from) OPERATOR(pg_catalog./) 2::pg_catalog.float8)
	        OPERATOR(pg_catalog.<) stop_at;
END;
COMMENT ON FUNCTION @extschema@._report_subset(@extschema@.events, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'Internal: the events of e whose window''s middle (its time, without a window) lies in [start_at, stop_at), as a new collection; NULL when none';

-- events per square cell (cell_id as safety.cells) in [start_at, stop_at)
CREATE FUNCTION @extschema@._report_cell_counts(e @extschema@.events, cell_size pg_catalog.float8,
	start_at pg_catalog.timestamptz, stop_at pg_catalog.timestamptz)
	RETURNS TABLE (cell_id pg_catalog.int8, events pg_catalog.int8)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT ((pg_catalog.floor(r.x OPERATOR(pg_catalog./) cell_size)::pg_catalog.int8 OPERATOR(pg_catalog.<<) 32)
	        OPERATOR(pg_catalog.+) (pg_catalog.floor(r.y OPERATOR(pg_catalog./) cell_size)::pg_catalog.int8 OPERATOR(pg_catalog.&) 4294967295::pg_catalog.int8)) AS cell_id,
	       pg_catalog.count(*) AS events
	FROM @extschema@.event_rows(e) r
	WHERE r.occurred_from OPERATOR(pg_catalog.+) ((COALESCE(r.occurred_to, r.occurred_from) OPERATOR(pg_catalog.-) r.occurred_from) OPERATOR(pg_catalog./) 2::pg_catalog.float8)
	        OPERATOR(pg_catalog.>=) start_at
	  AND r.occurred_from OPERATOR(pg_catalog.+) ((COALESCE(r.occurred_to, r.occurred_from) OPERATOR(pg_catalog.-) r.occurred_from) OPERATOR(pg_catalog./) 2::pg_catalog.float8)
	        OPERATOR(pg_catalog.<) stop_at
	GROUP BY 1;
END;
COMMENT ON FUNCTION @extschema@._report_cell_counts(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'Internal: events per square cell of side cell_size (cell_id as safety.cells) whose window''s middle lies in [start_at, stop_at)';

-- the map: cells filled by tier (untiered grey), hot spots outlined; SVG
-- coordinates are the SRID's shifted to the top-left corner of the extent
CREATE FUNCTION @extschema@._report_map(cells geometry[], tiers pg_catalog.text[], hot geometry[],
	caption pg_catalog.text, lang pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	WITH ext AS (
		SELECT ST_XMin(b) AS x0, ST_YMax(b) AS y1, ST_XMax(b) OPERATOR(pg_catalog.-) ST_XMin(b) AS w,
		       ST_YMax(b) OPERATOR(pg_catalog.-) ST_YMin(b) AS h
		FROM (SELECT ST_Extent(g)::geometry AS b
		      FROM (SELECT pg_catalog.unnest(cells) AS g UNION ALL SELECT pg_catalog.unnest(hot)) u) x),
	c AS (SELECT u.g, u.t, u.n FROM ROWS FROM (pg_catalog.unnest(cells), pg_catalog.unnest(tiers)) WITH ORDINALITY AS u(g, t, n)),
	hs AS (SELECT u.g, u.n FROM pg_catalog.unnest(hot) WITH ORDINALITY AS u(g, n))
	SELECT CASE WHEN ext.w IS NULL THEN '<p class="note">' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'note.no_cells') OPERATOR(pg_catalog.||) '</p>' ELSE
		pg_catalog.format('<figure><svg class="map" viewBox="%s %s %s %s" width="720" height="%s" role="img" aria-label="%s">',
			-pg_catalog.round((ext.w OPERATOR(pg_catalog.*) 0.02)::pg_catalog.numeric),
			-pg_catalog.round((ext.h OPERATOR(pg_catalog.*) 0.02)::pg_catalog.numeric),
			pg_catalog.round((ext.w OPERATOR(pg_catalog.*) 1.04)::pg_catalog.numeric),
			pg_catalog.round((ext.h OPERATOR(pg_catalog.*) 1.04)::pg_catalog.numeric),
			pg_catalog.round((720 OPERATOR(pg_catalog.*) ext.h OPERATOR(pg_catalog./) GREATEST(ext.w, 1))::pg_catalog.numeric),
			@extschema@._report_html_escape(caption))
		OPERATOR(pg_catalog.||) '<rect class="bg" x="-1e9" y="-1e9" width="2e9" height="2e9" fill="#f8f8f4"/>'
		OPERATOR(pg_catalog.||) '<g class="cells" stroke="#ffffff" stroke-width="0.5" vector-effect="non-scaling-stroke">'
		OPERATOR(pg_catalog.||) COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format('<path class="%s" fill="%s" d="%s"/>',
				COALESCE(c.t, 'none'),
				CASE c.t WHEN 'red' THEN '#d73027' WHEN 'orange' THEN '#fc8d59' WHEN 'yellow' THEN '#fee08b' ELSE '#d9d9d9' END,
				ST_AsSVG(ST_Translate(c.g, -ext.x0, -ext.y1), 0, 0)), '' ORDER BY (c.t IS NOT NULL), c.n) FROM c), '')
		OPERATOR(pg_catalog.||) '</g><g class="hotspots" fill="none" stroke="#1a1a1a" stroke-width="2">'
		OPERATOR(pg_catalog.||) COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format('<path class="hot" vector-effect="non-scaling-stroke" d="%s"/>',
				ST_AsSVG(ST_Translate(hs.g, -ext.x0, -ext.y1), 0, 0)), '' ORDER BY hs.n) FROM hs), '')
		OPERATOR(pg_catalog.||) '</g></svg><figcaption>'
		OPERATOR(pg_catalog.||) @extschema@._report_html_escape(caption)
		OPERATOR(pg_catalog.||) ' <span class="key" style="background:#d73027"></span> ' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'map.red')
		OPERATOR(pg_catalog.||) ' <span class="key" style="background:#fc8d59"></span> ' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'map.orange')
		OPERATOR(pg_catalog.||) ' <span class="key" style="background:#fee08b"></span> ' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'map.yellow')
		OPERATOR(pg_catalog.||) ' <span class="key" style="background:#d9d9d9"></span> ' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'map.untiered')
		OPERATOR(pg_catalog.||) ' <span class="key" style="border:2px solid #1a1a1a"></span> ' OPERATOR(pg_catalog.||) @extschema@._report_text(lang, 'map.hot')
		OPERATOR(pg_catalog.||) '</figcaption></figure>' END
	FROM ext;
END;
COMMENT ON FUNCTION @extschema@._report_map(geometry[], pg_catalog.text[], geometry[], pg_catalog.text, pg_catalog.text) IS
	'Internal: an inline SVG map of the cells (ST_AsSVG, viewBox from their extent) filled by tier red / orange / yellow, untiered grey, with the hot cells outlined; caption (text) and legend in language lang';

-- the covered share of the next week's expected events within distance of k posts
CREATE FUNCTION @extschema@._report_cover(cells geometry[], expected pg_catalog.float8[], distance pg_catalog.float8)
	RETURNS TABLE (k pg_catalog.int4, share pg_catalog.float8, gap pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT c.k, c.share, c.gap
	FROM @extschema@.patrol_cover_curve(ARRAY(SELECT ST_Centroid(g) FROM pg_catalog.unnest(cells) WITH ORDINALITY AS u(g, n) ORDER BY u.n),
		expected, 20, distance) c
	WHERE c.k OPERATOR(pg_catalog.=) ANY (ARRAY[1, 5, 10, 20])
	ORDER BY c.k;
END;
COMMENT ON FUNCTION @extschema@._report_cover(geometry[], pg_catalog.float8[], pg_catalog.float8) IS
	'Internal: safety.patrol_cover_curve over the cells'' centres weighted by expected, for 1, 5, 10 and 20 posts';

-- the data clock: 7 weekday rows x 24 hour columns of aoristic weight
CREATE FUNCTION @extschema@._report_clock(e @extschema@.events, time_zone pg_catalog.text, caption pg_catalog.text,
	lang pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	mx float8;
	tot float8;
	cells text;
	legend text := '';
	days text[];
	colour text;
	i int4;
BEGIN
	-- a NULL collection is no input (the report says so instead of a clock)
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT pg_catalog.max(a.weight), sum(a.weight) INTO mx, tot FROM @extschema@.aoristic(e, time_zone, 'hour_of_week') a;
	-- Sunday first, as extract(dow)
	SELECT array_agg(@extschema@._report_html_escape(@extschema@._report_text(lang, 'label.dow' || d)) ORDER BY d) INTO days FROM generate_series(0, 6) d;
	-- white to dark blue by weight / the largest weight
	SELECT string_agg(pg_catalog.format('<rect x="%s" y="%s" width="20" height="20" fill="rgb(%s,%s,%s)"><title>%s</title></rect>',
			40 + 20 * a.hour, 10 + 20 * ((a.dow + 6) % 7),
			round(247 - 239 * s.f), round(251 - 203 * s.f), round(255 - 148 * s.f),
			@extschema@._report_html_escape(@extschema@._report_text(lang, 'label.clock_cell',
				@extschema@._report_text(lang, 'label.dow' || a.dow), lpad(a.hour::text, 2, '0'), @extschema@._report_num(a.weight, 2)))),
		'' ORDER BY (a.dow + 6) % 7, a.hour)
	INTO cells
	FROM @extschema@.aoristic(e, time_zone, 'hour_of_week') a,
	     LATERAL (SELECT CASE WHEN mx > 0 THEN a.weight / mx ELSE 0 END AS f) s;
	FOR i IN 0..4 LOOP
		colour := pg_catalog.format('rgb(%s,%s,%s)', round(247 - 239 * i / 4.0), round(251 - 203 * i / 4.0), round(255 - 148 * i / 4.0));
		legend := legend || pg_catalog.format('<rect x="%s" y="0" width="40" height="14" fill="%s"/><text x="%s" y="28">%s</text>',
			40 + 60 * i, colour, 40 + 60 * i, @extschema@._report_num(mx * i / 4.0, 1));
	END LOOP;
	RETURN '<figure><svg class="dataclock" viewBox="0 0 530 175" width="636" height="210" role="img" aria-label="'
		|| @extschema@._report_html_escape(caption) || '"><g class="clock-cells" stroke="#ffffff" stroke-width="0.5">' || cells || '</g>'
		|| (SELECT string_agg(pg_catalog.format('<text x="34" y="%s" text-anchor="end">%s</text>', 24 + 20 * d, days[(d + 1) % 7 + 1]), '' ORDER BY d)
		    FROM generate_series(0, 6) d)
		|| (SELECT string_agg(pg_catalog.format('<text x="%s" y="166" text-anchor="middle">%s</text>', 50 + 20 * h, h), '' ORDER BY h)
		    FROM generate_series(0, 23, 3) h)
		|| '</svg><svg class="legend" viewBox="0 0 340 34" width="408" height="41" role="img" aria-label="'
		|| @extschema@._report_html_escape(@extschema@._report_text(lang, 'label.clock_legend')) || '">'
		|| legend || '</svg><figcaption>' || @extschema@._report_html_escape(caption) || ' '
		|| @extschema@._report_text(lang, 'clock.axes', @extschema@._report_html_escape(time_zone), @extschema@._report_num(tot, 1))
		|| '</figcaption></figure>';
END $$;
COMMENT ON FUNCTION @extschema@._report_clock(@extschema@.events, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'Internal: the data clock of the report, an inline SVG of 7 x 24 rects (weekday x local hour) coloured by safety.aoristic weight, with a colour legend; caption (text) and labels in language lang';

-- a trend chart: counts per period as a polyline, with axes and labels
CREATE FUNCTION @extschema@._report_chart(labels pg_catalog.text[], counts pg_catalog.int8[], caption pg_catalog.text,
	lang pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	n int4 := coalesce(array_length(counts, 1), 0);
	mx float8;
	pts text;
	xl text;
	yl text;
	w float8 := 560;
	h float8 := 180;
BEGIN
	IF n < 2 THEN
		RETURN '<p class="note">' || @extschema@._report_text(lang, 'note.few_periods') || '</p>';
	END IF;
	SELECT greatest(pg_catalog.max(c), 1) INTO mx FROM unnest(counts) c;
	SELECT string_agg(pg_catalog.format('%s,%s', round((60 + w * (u.k - 1) / (n - 1))::numeric, 1),
			round((10 + h - h * u.c / mx)::numeric, 1)), ' ' ORDER BY u.k) INTO pts
	FROM unnest(counts) WITH ORDINALITY AS u(c, k);
	SELECT string_agg(pg_catalog.format('<circle cx="%s" cy="%s" r="2.5"><title>%s</title></circle>',
			round((60 + w * (u.k - 1) / (n - 1))::numeric, 1), round((10 + h - h * u.c / mx)::numeric, 1),
			@extschema@._report_html_escape(@extschema@._report_text(lang, 'label.chart_point', labels[u.k], u.c::text))), '' ORDER BY u.k)
		|| string_agg(CASE WHEN ((u.k - 1) % greatest(1, ceil(n / 6.0)::int4) = 0 AND n - u.k >= greatest(1, ceil(n / 6.0)::int4)) OR u.k = n THEN
			pg_catalog.format('<text x="%s" y="%s" text-anchor="middle">%s</text>', round((60 + w * (u.k - 1) / (n - 1))::numeric, 1),
				h + 28, @extschema@._report_html_escape(labels[u.k])) ELSE '' END, '' ORDER BY u.k)
	INTO xl
	FROM unnest(counts) WITH ORDINALITY AS u(c, k);
	SELECT string_agg(pg_catalog.format('<line x1="56" x2="%s" y1="%s" y2="%s" stroke="#dddddd"/><text x="52" y="%s" text-anchor="end">%s</text>',
			60 + w, round((10 + h - h * t / 4.0)::numeric, 1), round((10 + h - h * t / 4.0)::numeric, 1),
			round((14 + h - h * t / 4.0)::numeric, 1), @extschema@._report_num(mx * t / 4.0, 0)), '' ORDER BY t)
	INTO yl FROM generate_series(0, 4) t;
	RETURN pg_catalog.format('<figure><svg class="trend" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">',
			w + 80, h + 60, w + 80, h + 60, @extschema@._report_html_escape(caption))
		|| yl
		|| pg_catalog.format('<line x1="60" x2="60" y1="10" y2="%s" stroke="#333333"/><line x1="60" x2="%s" y1="%s" y2="%s" stroke="#333333"/>',
			10 + h, 60 + w, 10 + h, 10 + h)
		|| '<polyline fill="none" stroke="#2166ac" stroke-width="2" points="' || pts || '"/><g fill="#2166ac">' || xl || '</g>'
		|| pg_catalog.format('<text x="14" y="%s" transform="rotate(-90 14 %s)" text-anchor="middle">%s</text>', 10 + h / 2, 10 + h / 2,
			@extschema@._report_html_escape(@extschema@._report_text(lang, 'label.chart_axis')))
		|| '</svg><figcaption>' || @extschema@._report_html_escape(caption) || '</figcaption></figure>';
END $$;
COMMENT ON FUNCTION @extschema@._report_chart(pg_catalog.text[], pg_catalog.int8[], pg_catalog.text, pg_catalog.text) IS
	'Internal: an inline SVG trend chart of counts per period (polyline, y axis with gridlines, period labels); caption (text) and labels in language lang';

-- complete periods of a kind between the records' first day and as_of, at most cap
CREATE FUNCTION @extschema@._report_periods(as_of pg_catalog.timestamptz, period pg_catalog.text,
	time_zone pg_catalog.text, first_at pg_catalog.timestamptz, cap pg_catalog.int4) RETURNS pg_catalog.int4
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT pg_catalog.count(*)::int4 FROM generate_series(0, cap - 1) k,
	       LATERAL @extschema@._period_bounds(as_of, period, time_zone, k) b
	WHERE b.period_start >= timezone(time_zone, date_trunc('day', timezone(time_zone, first_at)))
$$;
COMMENT ON FUNCTION @extschema@._report_periods(pg_catalog.timestamptz, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.int4) IS
	'Internal: how many complete calendar periods (at most cap) end at or before as_of and start on or after the day of the first event';

-- one section of the report: weekly, monthly or quarterly
CREATE FUNCTION @extschema@._report_section(e @extschema@.events, kind pg_catalog.text, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, time_zone pg_catalog.text, first_at pg_catalog.timestamptz,
	t_cell pg_catalog.int8[], t_tier pg_catalog.text[], t_expected pg_catalog.float8[], t_geom geometry[],
	map_svg pg_catalog.text, hot_cell pg_catalog.int8[], hot_category pg_catalog.text[],
	area_id pg_catalog.int8[], area_geom geometry[], area_name pg_catalog.text[],
	lang pg_catalog.text, unit pg_catalog.text, repeat_bands pg_catalog.float8[], repeat_days pg_catalog.float8[],
	patrol_reach pg_catalog.float8) RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	h text := '';
	-- unit as HTML, for the paragraphs (the captions escape it with the rest)
	unit_html text := @extschema@._report_html_escape(unit);
	note_start constant text := '<p class="note">';
	pc record;
	tr record;
	b record;
	p_start timestamptz;
	p_end timestamptz;
	n int4;
	labels text[];
	obs int8;
	expd float8;
	rows_html text;
	cnt int8;
	day_end timestamptz;
	win_start timestamptz;
	t0 timestamptz;
	before_start timestamptz;
	len_before float8;
	len_after float8;
	e_cur @extschema@.events;
	e_old @extschema@.events;
	tab text := '<table>';
	o_cell int8[];
	o_tier text[];
	o_expected float8[];
	none_label text;
	untiered_label text;
BEGIN
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	IF kind = 'weekly' THEN
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'week', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || '<section id="weekly"><h2>' || @extschema@._report_text(lang, 'weekly.heading',
			to_char(timezone(time_zone, p_start), 'YYYY-MM-DD'), to_char(timezone(time_zone, p_end) - interval '1 day', 'YYYY-MM-DD')) || '</h2>';
		-- incidents against the forecast made at the start of the week
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'week', time_zone);
		BEGIN
			SELECT sum(t.expected), array_agg(t.cell_id), array_agg(t.tier::text), array_agg(t.expected)
			INTO expd, o_cell, o_tier, o_expected FROM @extschema@.risk_tiers(e, p_start, cell_size) t;
		EXCEPTION WHEN data_exception THEN expd := NULL;
		END;
		h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.forecast') || '</h3>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.week'), @extschema@._report_text(lang, 'th.incidents'), @extschema@._report_text(lang, 'th.expected_forecast'),
				@extschema@._report_text(lang, 'th.p_at_least'), @extschema@._report_text(lang, 'th.week_before'), @extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_rate'),
				@extschema@._report_text(lang, 'th.weeks_52'), @extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p')], true)
			|| @extschema@._report_row(ARRAY[to_char(timezone(time_zone, p_start), 'YYYY-MM-DD'), pc.events::text,
				@extschema@._report_num(expd, 1),
				CASE WHEN expd > 0 THEN @extschema@._report_p(@extschema@.seasonal_p(pc.events, expd)) END,
				pc.previous_events::text, @extschema@._report_num(pc.previous_change_pct, 1), @extschema@._report_p(pc.previous_p),
				pc.year_ago_events::text, @extschema@._report_num(pc.year_ago_change_pct, 1), @extschema@._report_p(pc.year_ago_p)])
			|| '</table>';
		-- the busiest cells of the week
		SELECT string_agg(@extschema@._report_row(ARRAY[c.cell_id::text, c.events::text, @extschema@._report_num(t.expected, 3), t.tier::text]), '' ORDER BY c.events DESC, c.cell_id)
		INTO rows_html
		FROM (SELECT * FROM @extschema@._report_cell_counts(e, cell_size, p_start, p_end) ORDER BY events DESC, cell_id LIMIT 10) c
		LEFT JOIN unnest(o_cell, o_tier, o_expected) AS t(cell_id, tier, expected) USING (cell_id);
		h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.busiest') || '</h3>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.cell_id'), @extschema@._report_text(lang, 'th.incidents'), @extschema@._report_text(lang, 'th.expected'),
				@extschema@._report_text(lang, 'th.tier_week_start')], true)
			|| coalesce(rows_html, '') || '</table>';
		-- new and growing hot spots
		SELECT string_agg(@extschema@._report_row(ARRAY[u.c::text, u.cat, t.tier::text]), '' ORDER BY u.cat, u.c), pg_catalog.count(*)
		INTO rows_html, cnt
		FROM unnest(hot_cell, hot_category) AS u(c, cat)
		LEFT JOIN unnest(t_cell, t_tier) AS t(cell_id, tier) ON t.cell_id = u.c
		WHERE u.cat IN ('new hot spot', 'consecutive hot spot', 'intensifying hot spot');
		h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.hot') || '</h3>'
			|| '<p>' || @extschema@._report_text(lang, 'weekly.hot_text', cnt::text, @extschema@._report_num(3 * cell_size, 0)) || '</p>'
			|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.cell_id'), @extschema@._report_text(lang, 'th.category'), @extschema@._report_text(lang, 'th.tier_now')], true)
			|| coalesce(rows_html, '') || '</table>';
		-- open repeat-risk windows
		BEGIN
			SELECT pg_catalog.count(*), string_agg(CASE WHEN w.k <= 10 THEN @extschema@._report_row(ARRAY[w.id::text,
					to_char(timezone(time_zone, w.occurred_at), 'YYYY-MM-DD HH24:MI'),
					to_char(timezone(time_zone, w.window_end), 'YYYY-MM-DD HH24:MI'), @extschema@._report_num(w.days_left, 1)]) END, '' ORDER BY w.k)
			INTO cnt, rows_html
			FROM (SELECT x.*, row_number() OVER (ORDER BY x.occurred_at DESC, x.id) AS k
			      FROM @extschema@.repeat_windows(e, as_of, repeat_bands, repeat_days, 99, 1) x) w;
			h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.repeat') || '</h3>'
				|| '<p>' || @extschema@._report_text(lang, 'weekly.repeat_text', cnt::text, @extschema@._report_list(repeat_bands), unit_html,
					@extschema@._report_list(repeat_days)) || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.event_id'), @extschema@._report_text(lang, 'th.occurred'), @extschema@._report_text(lang, 'th.window_ends'),
					@extschema@._report_text(lang, 'th.days_left')], true) || coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.repeat') || '</h3>' || note_start
				|| @extschema@._report_text(lang, 'note.not_available', @extschema@._report_html_escape(SQLERRM)) || '</p>';
		END;
		-- tier changes since the start of the week
		BEGIN
			IF o_cell IS NULL THEN
				RAISE EXCEPTION '%', @extschema@._report_text(lang, 'msg.no_tiers_week_start') USING ERRCODE = '22023';
			END IF;
			none_label := @extschema@._report_text(lang, 'td.none');
			SELECT string_agg(@extschema@._report_row(ARRAY[x.f, x.t, x.n::text]), '' ORDER BY x.f, x.t), sum(x.n)
			INTO rows_html, cnt
			FROM (SELECT coalesce(o.tier::text, none_label) AS f, coalesce(c.tier, none_label) AS t, pg_catalog.count(*) AS n
			      FROM unnest(t_cell, t_tier) AS c(cell_id, tier)
			      FULL JOIN unnest(o_cell, o_tier) AS o(cell_id, tier) USING (cell_id)
			      WHERE o.tier::text IS DISTINCT FROM c.tier
			      GROUP BY 1, 2) x;
			h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.changes') || '</h3>'
				|| '<p>' || @extschema@._report_text(lang, 'weekly.changes_text', coalesce(cnt, 0)::text) || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.from'), @extschema@._report_text(lang, 'th.to'), @extschema@._report_text(lang, 'th.cells')], true)
				|| coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.changes') || '</h3>' || note_start
				|| @extschema@._report_text(lang, 'note.not_available', @extschema@._report_html_escape(SQLERRM)) || '</p>';
		END;
		-- the tiers and their actions
		SELECT string_agg(@extschema@._report_row(ARRAY[x.tier, x.cells::text, @extschema@._report_num(x.expected, 1), x.respond::text, x.action]), '' ORDER BY x.o)
		INTO rows_html
		FROM (SELECT u.tier, pg_catalog.count(*) AS cells, sum(u.ex) AS expected, p.respond_within AS respond, p.action,
		             CASE u.tier WHEN 'red' THEN 1 WHEN 'orange' THEN 2 ELSE 3 END AS o
		      FROM unnest(t_tier, t_expected) AS u(tier, ex)
		      LEFT JOIN @extschema@.tier_policy p ON p.tier::text = u.tier
		      WHERE u.tier IS NOT NULL GROUP BY u.tier, p.respond_within, p.action) x;
		h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.tiers') || '</h3>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.tier'), @extschema@._report_text(lang, 'th.cells'), @extschema@._report_text(lang, 'th.expected_7d'),
				@extschema@._report_text(lang, 'th.respond_within'), @extschema@._report_text(lang, 'th.action')], true)
			|| coalesce(rows_html, '') || '</table>';
		SELECT string_agg(@extschema@._report_row(ARRAY[x.cell_id::text, x.tier, @extschema@._report_num(x.ex, 3)]), '' ORDER BY x.n)
		INTO rows_html
		FROM unnest(t_cell, t_tier, t_expected) WITH ORDINALITY AS x(cell_id, tier, ex, n) WHERE x.tier = 'red' AND x.n <= 10;
		h := h || '<h4>' || @extschema@._report_text(lang, 'weekly.top_red') || '</h4>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.cell_id'), @extschema@._report_text(lang, 'th.tier'), @extschema@._report_text(lang, 'th.expected')], true)
			|| coalesce(rows_html, '') || '</table>';
		-- patrol posts
		BEGIN
			SELECT string_agg(@extschema@._report_row(ARRAY[c.k::text, @extschema@._report_num(100 * c.share, 1), @extschema@._report_num(100 * c.gap, 2)]), '' ORDER BY c.k)
			INTO rows_html FROM @extschema@._report_cover(t_geom, t_expected, patrol_reach) c;
		EXCEPTION WHEN data_exception THEN rows_html := NULL;
		END;
		h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.patrol') || '</h3>'
			|| '<p>' || @extschema@._report_text(lang, 'weekly.patrol_text', @extschema@._report_list(ARRAY[patrol_reach]), unit_html) || '</p>'
			|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.posts'), @extschema@._report_text(lang, 'th.covered_pct'), @extschema@._report_text(lang, 'th.gap_pct')], true)
			|| coalesce(rows_html, '') || '</table>';
		h := h || '<h3>' || @extschema@._report_text(lang, 'section.map') || '</h3>' || map_svg;
		-- trend of weeks and the data clock of the last 12 weeks
		n := @extschema@._report_periods(as_of, 'week', time_zone, first_at, 26);
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'week', n, time_zone);
			SELECT array_agg(to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '7 days', 'MM-DD') ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || '<h3>' || @extschema@._report_text(lang, 'weekly.trend') || '</h3>' || @extschema@._report_chart(labels, tr.counts,
				@extschema@._report_text(lang, 'caption.weekly_trend', n::text, @extschema@._report_p(tr.p), @extschema@._report_num(tr.sen_slope, 2)), lang);
		END IF;
		h := h || '<h3>' || @extschema@._report_text(lang, 'section.clock') || '</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, as_of - interval '84 days', as_of), time_zone,
			@extschema@._report_text(lang, 'caption.clock_weeks'), lang),
			note_start || @extschema@._report_text(lang, 'note.no_clock_events') || '</p>');
		RETURN h || '</section>';
	ELSIF kind = 'monthly' THEN
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'month', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || '<section id="monthly"><h2>' || @extschema@._report_text(lang, 'monthly.heading',
			@extschema@._report_html_escape(@extschema@._report_text(lang, 'label.month' || extract(month FROM timezone(time_zone, p_start)))),
			to_char(timezone(time_zone, p_start), 'YYYY')) || '</h2>';
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'month', time_zone);
		n := @extschema@._report_periods(as_of, 'month', time_zone, first_at, 24);
		h := h || '<h3>' || @extschema@._report_text(lang, 'monthly.trends') || '</h3>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.month'), @extschema@._report_text(lang, 'th.incidents'), @extschema@._report_text(lang, 'th.month_before'),
				@extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_rate'), @extschema@._report_text(lang, 'th.year_earlier'), @extschema@._report_text(lang, 'th.change_pct'),
				@extschema@._report_text(lang, 'th.p')], true)
			|| @extschema@._report_row(ARRAY[to_char(timezone(time_zone, p_start), 'YYYY-MM'), pc.events::text, pc.previous_events::text,
				@extschema@._report_num(pc.previous_change_pct, 1), @extschema@._report_p(pc.previous_p),
				pc.year_ago_events::text, @extschema@._report_num(pc.year_ago_change_pct, 1), @extschema@._report_p(pc.year_ago_p)])
			|| '</table>';
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'month', n, time_zone);
			SELECT array_agg(to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '1 month', 'YYYY-MM') ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.months'), @extschema@._report_text(lang, 'th.mk_s'), @extschema@._report_text(lang, 'th.z'),
					@extschema@._report_text(lang, 'th.p'), @extschema@._report_text(lang, 'th.tau'), @extschema@._report_text(lang, 'th.sen_month')], true)
				|| @extschema@._report_row(ARRAY[n::text, @extschema@._report_num(tr.s, 0), @extschema@._report_num(tr.z, 2), @extschema@._report_p(tr.p),
					@extschema@._report_num(tr.tau, 3), @extschema@._report_num(tr.sen_slope, 2)]) || '</table>'
				|| @extschema@._report_chart(labels, tr.counts, @extschema@._report_text(lang, 'caption.monthly_trend', n::text), lang);
		END IF;
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'month', time_zone, 11);
		h := h || '<h3>' || @extschema@._report_text(lang, 'monthly.profile') || '</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, b.period_start, p_end), time_zone,
			@extschema@._report_text(lang, 'caption.clock_months'), lang),
			note_start || @extschema@._report_text(lang, 'note.no_clock_events') || '</p>');
		h := h || '<h3>' || @extschema@._report_text(lang, 'monthly.map') || '</h3>' || map_svg;
		-- the tiers' back-test: 4 weekly origins, the last 4 weeks
		day_end := timezone(time_zone, date_trunc('day', timezone(time_zone, as_of)));
		untiered_label := @extschema@._report_text(lang, 'td.untiered');
		BEGIN
			SELECT string_agg(@extschema@._report_row(ARRAY[x.tier, @extschema@._report_num(x.cells, 1), x.events::text,
					@extschema@._report_num(x.per_cell, 4), @extschema@._report_num(100 * x.share, 1), @extschema@._report_num(x.expected, 1),
					@extschema@._report_num(x.changed, 3)]), '' ORDER BY x.o)
			INTO rows_html
			FROM (SELECT coalesce(t.tier::text, untiered_label) AS tier, avg(t.cells) AS cells, sum(t.events) AS events,
			             sum(t.events)::float8 / nullif(sum(t.cells), 0) AS per_cell,
			             sum(t.events)::float8 / nullif(sum(sum(t.events)) OVER (), 0) AS share, sum(t.expected) AS expected,
			             sum(t.changed)::float8 / nullif(sum(t.cells) FILTER (WHERE t.changed IS NOT NULL), 0) AS changed,
			             CASE t.tier::text WHEN 'red' THEN 1 WHEN 'orange' THEN 2 WHEN 'yellow' THEN 3 ELSE 4 END AS o
			      FROM @extschema@.tier_backtest(e, cell_size, day_end - interval '28 days', day_end) t
			      GROUP BY t.tier) x;
			h := h || '<h3>' || @extschema@._report_text(lang, 'monthly.backtest') || '</h3><p>' || @extschema@._report_text(lang, 'monthly.backtest_text') || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.tier'), @extschema@._report_text(lang, 'th.cells_mean'), @extschema@._report_text(lang, 'th.next_week'),
					@extschema@._report_text(lang, 'th.per_cell'), @extschema@._report_text(lang, 'th.share_pct'), @extschema@._report_text(lang, 'th.expected'), @extschema@._report_text(lang, 'th.weekly_change')], true)
				|| coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>' || @extschema@._report_text(lang, 'monthly.backtest') || '</h3>' || note_start
				|| @extschema@._report_text(lang, 'note.not_available', @extschema@._report_html_escape(SQLERRM)) || '</p>';
		END;
		RETURN h || '</section>';
	ELSE
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'quarter', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || '<section id="quarterly"><h2>' || @extschema@._report_text(lang, 'quarterly.heading', @extschema@._report_html_escape(@extschema@._report_text(lang, 'label.quarter',
			to_char(timezone(time_zone, p_start), 'YYYY'), to_char(timezone(time_zone, p_start), 'Q')))) || '</h2>';
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'quarter', time_zone);
		h := h || '<h3>' || @extschema@._report_text(lang, 'quarterly.change') || '</h3>' || tab
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.quarter'), @extschema@._report_text(lang, 'th.incidents'), @extschema@._report_text(lang, 'th.year_earlier'),
				@extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_rate'), @extschema@._report_text(lang, 'th.quarter_before'), @extschema@._report_text(lang, 'th.change_pct'),
				@extschema@._report_text(lang, 'th.p')], true)
			|| @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'label.quarter', to_char(timezone(time_zone, p_start), 'YYYY'), to_char(timezone(time_zone, p_start), 'Q')),
				pc.events::text, pc.year_ago_events::text,
				@extschema@._report_num(pc.year_ago_change_pct, 1), @extschema@._report_p(pc.year_ago_p),
				pc.previous_events::text, @extschema@._report_num(pc.previous_change_pct, 1), @extschema@._report_p(pc.previous_p)])
			|| '</table>';
		n := @extschema@._report_periods(as_of, 'quarter', time_zone, first_at, 12);
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'quarter', n, time_zone);
			SELECT array_agg(@extschema@._report_text(lang, 'label.quarter', to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '3 months', 'YYYY'),
					to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '3 months', 'Q')) ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || @extschema@._report_chart(labels, tr.counts, @extschema@._report_text(lang, 'caption.quarterly_trend', n::text, @extschema@._report_p(tr.p)), lang);
		END IF;
		-- before / after of the places red at the quarter's start
		t0 := p_start;
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'quarter', time_zone, 1);
		before_start := b.period_start;
		len_before := extract(epoch FROM t0 - before_start);
		len_after := extract(epoch FROM p_end - t0);
		BEGIN
			WITH t AS (SELECT x.cell_id, x.tier::text AS tier FROM @extschema@.risk_tiers(e, t0, cell_size) x),
			     bf AS (SELECT * FROM @extschema@._report_cell_counts(e, cell_size, before_start, t0)),
			     af AS (SELECT * FROM @extschema@._report_cell_counts(e, cell_size, t0, p_end)),
			     c AS (SELECT t.cell_id, t.tier, coalesce(bf.events, 0) AS nb, coalesce(af.events, 0) AS na
			           FROM t LEFT JOIN bf USING (cell_id) LEFT JOIN af USING (cell_id)),
			     lo AS (SELECT greatest(1, pg_catalog.percentile_disc(0.25) WITHIN GROUP (ORDER BY nb)) AS m FROM c WHERE tier = 'red'),
			     g AS (SELECT @extschema@._report_text(lang, 'td.red_places') AS grp, 1 AS o, pg_catalog.count(*) AS cells, sum(nb)::int8 AS nb, sum(na)::int8 AS na FROM c WHERE tier = 'red'
			           UNION ALL
			           SELECT @extschema@._report_text(lang, 'td.orange_comparison'), 2, pg_catalog.count(*), sum(nb)::int8, sum(na)::int8 FROM c WHERE tier = 'orange'
			           UNION ALL
			           SELECT @extschema@._report_text(lang, 'td.similar_comparison'), 3, pg_catalog.count(*), sum(nb)::int8, sum(na)::int8
			           FROM c, lo WHERE c.tier IS DISTINCT FROM 'red' AND c.nb >= lo.m)
			SELECT string_agg(@extschema@._report_row(ARRAY[g.grp, g.cells::text, g.nb::text, g.na::text,
					@extschema@._report_num(100.0 * (g.na - g.nb) / nullif(g.nb, 0), 1),
					@extschema@._report_p(@extschema@.rate_test(g.na, g.nb, len_after, len_before)),
					CASE WHEN g.o > 1 THEN @extschema@._report_num((r.na - r.nb)::float8 / nullif(r.cells, 0) - (g.na - g.nb)::float8 / nullif(g.cells, 0), 3) END,
					CASE WHEN g.o > 1 AND g.na > 0 AND g.nb > 0 THEN @extschema@._report_p(@extschema@.rate_test(r.na, r.nb, g.na, g.nb)) END]), '' ORDER BY g.o)
			INTO rows_html
			FROM g, (SELECT * FROM g WHERE o = 1) r;
			h := h || '<h3>' || @extschema@._report_text(lang, 'quarterly.before_after') || '</h3><p>'
				|| @extschema@._report_text(lang, 'quarterly.before_after_text',
					to_char(timezone(time_zone, t0), 'YYYY-MM-DD'), to_char(timezone(time_zone, before_start), 'YYYY-MM-DD'),
					to_char(timezone(time_zone, t0) - interval '1 day', 'YYYY-MM-DD')) || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.cells'), @extschema@._report_text(lang, 'th.count'), @extschema@._report_text(lang, 'th.incidents_before'),
					@extschema@._report_text(lang, 'th.incidents_after'), @extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_after_before'),
					@extschema@._report_text(lang, 'th.did'), @extschema@._report_text(lang, 'th.p_red_comparison')], true)
				|| coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>' || @extschema@._report_text(lang, 'quarterly.before_after') || '</h3>' || note_start
				|| @extschema@._report_text(lang, 'note.not_available', @extschema@._report_html_escape(SQLERRM)) || '</p>';
		END;
		-- a ranking of units: the areas when given, else the cells
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'quarter', time_zone, 4);
		IF area_id IS NOT NULL THEN
			e_cur := @extschema@._report_subset(e, p_start, p_end);
			e_old := @extschema@._report_subset(e, b.period_start, b.period_end);
			SELECT string_agg(@extschema@._report_row(ARRAY[x.rk::text, x.name, x.n::text, x.o::text,
					@extschema@._report_num(100.0 * (x.n - x.o) / nullif(x.o, 0), 1),
					@extschema@._report_p(@extschema@.rate_test(x.n, x.o, extract(epoch FROM p_end - p_start), extract(epoch FROM b.period_end - b.period_start))),
					@extschema@._report_num(x.km2, 2)]), '' ORDER BY x.rk)
			INTO rows_html
			FROM (SELECT pg_catalog.rank() OVER (ORDER BY coalesce(cu.events, 0) DESC) AS rk,
			             coalesce(a.name, a.id::text) AS name, coalesce(cu.events, 0) AS n, coalesce(ol.events, 0) AS o,
			             coalesce(cu.area_km2, ol.area_km2) AS km2, a.id
			      FROM unnest(_report_section.area_id, _report_section.area_name) AS a(id, name)
			      LEFT JOIN @extschema@.area_counts(e_cur, _report_section.area_id, _report_section.area_geom) cu ON cu.area_id = a.id
			      LEFT JOIN @extschema@.area_counts(e_old, _report_section.area_id, _report_section.area_geom) ol ON ol.area_id = a.id) x;
			h := h || '<h3>' || @extschema@._report_text(lang, 'quarterly.ranking') || '</h3><p>' || @extschema@._report_text(lang, 'quarterly.ranking_areas_text') || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.rank'), @extschema@._report_text(lang, 'th.area'), @extschema@._report_text(lang, 'th.incidents'),
					@extschema@._report_text(lang, 'th.year_earlier'), @extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_rate'), @extschema@._report_text(lang, 'th.km2')], true)
				|| coalesce(rows_html, '') || '</table>';
		ELSE
			SELECT string_agg(@extschema@._report_row(ARRAY[x.rk::text, x.cell_id::text, x.n::text, x.o::text,
					@extschema@._report_num(100.0 * (x.n - x.o) / nullif(x.o, 0), 1),
					@extschema@._report_p(@extschema@.rate_test(x.n, x.o, extract(epoch FROM p_end - p_start), extract(epoch FROM b.period_end - b.period_start)))]), '' ORDER BY x.rk, x.cell_id)
			INTO rows_html
			FROM (SELECT pg_catalog.rank() OVER (ORDER BY cu.events DESC) AS rk, cu.cell_id, cu.events AS n, coalesce(ol.events, 0) AS o
			      FROM @extschema@._report_cell_counts(e, cell_size, p_start, p_end) cu
			      LEFT JOIN @extschema@._report_cell_counts(e, cell_size, b.period_start, b.period_end) ol USING (cell_id)
			      ORDER BY cu.events DESC, cu.cell_id LIMIT 10) x;
			h := h || '<h3>' || @extschema@._report_text(lang, 'quarterly.ranking') || '</h3><p>' || @extschema@._report_text(lang, 'quarterly.ranking_cells_text') || '</p>'
				|| tab || @extschema@._report_row(ARRAY[@extschema@._report_text(lang, 'th.rank'), @extschema@._report_text(lang, 'th.cell_id'), @extschema@._report_text(lang, 'th.incidents'),
					@extschema@._report_text(lang, 'th.year_earlier'), @extschema@._report_text(lang, 'th.change_pct'), @extschema@._report_text(lang, 'th.p_rate')], true)
				|| coalesce(rows_html, '') || '</table>';
		END IF;
		h := h || '<h3>' || @extschema@._report_text(lang, 'section.map') || '</h3>' || map_svg;
		h := h || '<h3>' || @extschema@._report_text(lang, 'section.clock') || '</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, p_start, p_end), time_zone,
			@extschema@._report_text(lang, 'caption.clock_quarter'), lang),
			note_start || @extschema@._report_text(lang, 'note.no_clock_events') || '</p>');
		RETURN h || '</section>';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._report_section(@extschema@.events, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text,
	pg_catalog.timestamptz, pg_catalog.int8[], pg_catalog.text[], pg_catalog.float8[], geometry[], pg_catalog.text, pg_catalog.int8[], pg_catalog.text[],
	pg_catalog.int8[], geometry[], pg_catalog.text[], pg_catalog.text, pg_catalog.text, pg_catalog.float8[], pg_catalog.float8[], pg_catalog.float8) IS
	'Internal: one section of safety.report (weekly screening, monthly analysis or quarterly review) as HTML, in language lang, distances in unit';

CREATE FUNCTION @extschema@.report(e @extschema@.events, kind pg_catalog.text DEFAULT 'weekly',
	as_of pg_catalog.timestamptz DEFAULT NULL, cell_size pg_catalog.float8 DEFAULT 250,
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	title pg_catalog.text DEFAULT NULL, area_id pg_catalog.int8[] DEFAULT NULL,
	area_geom geometry[] DEFAULT NULL, area_name pg_catalog.text[] DEFAULT NULL,
	repeat_bands pg_catalog.float8[] DEFAULT NULL, repeat_days pg_catalog.float8[] DEFAULT '{7,14,21,28}',
	patrol_reach pg_catalog.float8 DEFAULT NULL, language pg_catalog.text DEFAULT 'en') RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	fn constant text := 'safety.report';
	arr float8[];
	arr_name text;
	langs text;
	unit text;
	kinds text[];
	k text;
	first_at timestamptz;
	last_at timestamptz;
	n_events int8;
	t_cell int8[];
	t_tier text[];
	t_expected float8[];
	t_geom area_geom%TYPE;
	hot_geom area_geom%TYPE;
	hot_cell int8[];
	hot_category text[];
	map_svg text;
	names text[] := area_name;
	doc text;
	head text;
BEGIN
	-- a NULL collection is no input, whatever the other arguments
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	IF kind IS NULL OR cell_size IS NULL OR time_zone IS NULL OR language IS NULL THEN
		RAISE EXCEPTION '%: % must not be NULL', fn,
			CASE WHEN kind IS NULL THEN 'kind' WHEN cell_size IS NULL THEN 'cell_size' WHEN time_zone IS NULL THEN 'time_zone' ELSE 'language' END
			USING ERRCODE = '22004', HINT = 'kind is weekly, monthly, quarterly or all; cell_size is in the units of the SRID (metres for UTM); language is a language of safety.report_strings, such as en.';
	END IF;
	IF kind NOT IN ('weekly', 'monthly', 'quarterly', 'all') THEN
		RAISE EXCEPTION '%: kind must be weekly, monthly, quarterly or all, not "%"', fn, kind
			USING ERRCODE = '22023', HINT = 'weekly: the screening of the last week; monthly: the analysis of the last month; quarterly: the review of the last quarter; all: the three in one document.';
	END IF;
	IF NOT (cell_size > 0 AND cell_size < 'infinity'::float8) THEN
		RAISE EXCEPTION '%: cell_size must be positive and finite, not %', fn, cell_size
			USING ERRCODE = '22023', HINT = 'The side of the square cells in the units of the SRID, e.g. 250 (metres).';
	END IF;
	PERFORM @extschema@._require_time_zone(fn, time_zone);
	IF NOT EXISTS (SELECT FROM @extschema@.report_strings s WHERE lower(s.lang) = lower(language)) THEN
		SELECT string_agg(DISTINCT s.lang, ', ' ORDER BY s.lang) INTO langs FROM @extschema@.report_strings s;
		RAISE EXCEPTION '%: language "%" has no texts in safety.report_strings', fn, language
			USING ERRCODE = '22023', HINT = pg_catalog.format('The languages there: %s. Add one with INSERT INTO safety.report_strings (lang, key, template) (docs/reference-report.md).', coalesce(langs, 'none'));
	END IF;
	-- the near-repeat bands and the patrol reach scale with the cells (100,
	-- 200, 400 and 800 at 250: metres for a metre SRID); days as given
	IF patrol_reach IS NOT NULL AND NOT (patrol_reach > 0 AND patrol_reach < 'infinity'::float8) THEN
		RAISE EXCEPTION '%: patrol_reach must be positive and finite, not %', fn, patrol_reach
			USING ERRCODE = '22023', HINT = 'The distance from a post that counts as covered, in the units of the SRID; NULL: 3.2 x cell_size (800 at 250).';
	END IF;
	patrol_reach := coalesce(patrol_reach, cell_size * 16 / 5);
	repeat_bands := coalesce(repeat_bands, ARRAY[cell_size * 2 / 5, cell_size * 4 / 5, cell_size * 8 / 5]);
	repeat_days := coalesce(repeat_days, ARRAY[7, 14, 21, 28]::float8[]);
	FOREACH arr_name IN ARRAY ARRAY['repeat_bands', 'repeat_days'] LOOP
		arr := CASE arr_name WHEN 'repeat_bands' THEN repeat_bands ELSE repeat_days END;
		IF array_ndims(arr) IS DISTINCT FROM 1 OR array_position(arr, NULL) IS NOT NULL
		   OR EXISTS (SELECT FROM unnest(arr) WITH ORDINALITY AS u(x, n)
		              WHERE NOT (u.x > 0 AND u.x < 'infinity'::float8) OR u.x <= arr[array_lower(arr, 1) + u.n::int4 - 2]) THEN
			RAISE EXCEPTION '%: % must be a one-dimensional array of positive, finite, increasing numbers, not %', fn, arr_name, arr
				USING ERRCODE = '22023', HINT = CASE arr_name WHEN 'repeat_bands'
					THEN 'The near-repeat distance bands in the units of the SRID, e.g. {100,200,400} (metres); NULL: 0.4, 0.8 and 1.6 x cell_size.'
					ELSE 'The near-repeat time bands in days, e.g. {7,14,21,28} (the default).' END;
		END IF;
	END LOOP;
	IF area_id IS NOT NULL OR area_geom IS NOT NULL OR area_name IS NOT NULL THEN
		IF area_id IS NULL OR area_geom IS NULL THEN
			RAISE EXCEPTION '%: area_id and area_geom must be given together', fn
				USING ERRCODE = '2202E', HINT = 'Pass area_id and area_geom (and optionally area_name) of the same length, or none of them.';
		END IF;
		IF array_ndims(area_id) IS DISTINCT FROM 1 OR array_ndims(area_geom) IS DISTINCT FROM 1
		   OR (area_name IS NOT NULL AND array_ndims(area_name) IS DISTINCT FROM 1)
		   OR cardinality(area_id) <> cardinality(area_geom)
		   OR (area_name IS NOT NULL AND cardinality(area_name) <> cardinality(area_id)) THEN
			RAISE EXCEPTION '%: area_id, area_geom and area_name must be one-dimensional arrays of the same length, not %, % and %', fn,
				coalesce(cardinality(area_id), 0), coalesce(cardinality(area_geom), 0), coalesce(cardinality(area_name), 0)
				USING ERRCODE = '2202E', HINT = 'One element per area in each array: array_agg(id ORDER BY id), array_agg(geom ORDER BY id), array_agg(name ORDER BY id).';
		END IF;
		IF names IS NULL THEN
			names := array_fill(NULL::text, ARRAY[cardinality(area_id)]);
		END IF;
	END IF;
	SELECT pg_catalog.min(r.occurred_from), pg_catalog.max(coalesce(r.occurred_to, r.occurred_from)), pg_catalog.count(*)
	INTO first_at, last_at, n_events FROM @extschema@.event_rows(e) r;
	IF as_of IS NULL THEN
		-- the start of the local day after the last event
		as_of := timezone(time_zone, date_trunc('day', timezone(time_zone, last_at)) + interval '1 day');
	END IF;
	IF as_of IN ('infinity'::timestamptz, '-infinity'::timestamptz) THEN
		RAISE EXCEPTION '%: as_of must be finite', fn USING ERRCODE = '22023', HINT = 'NULL: the day after the last event.';
	END IF;
	IF as_of <= timezone(time_zone, date_trunc('day', timezone(time_zone, first_at)) + interval '7 days') THEN
		RAISE EXCEPTION '%: as_of (%) is before the data: the first event is at %', fn, as_of, first_at
			USING ERRCODE = '22023', HINT = 'The report looks back from as_of: give a time at least a week after the first event, or NULL for the day after the last event.';
	END IF;
	kinds := CASE kind WHEN 'all' THEN ARRAY['weekly', 'monthly', 'quarterly'] ELSE ARRAY[kind] END;
	-- the tiers at the as-of time and the hot spots of the last 12 weeks, for every section
	SELECT array_agg(t.cell_id ORDER BY t.rank, t.cell_id), array_agg(t.tier::text ORDER BY t.rank, t.cell_id),
	       array_agg(t.expected ORDER BY t.rank, t.cell_id), array_agg(t.geom ORDER BY t.rank, t.cell_id)
	INTO t_cell, t_tier, t_expected, t_geom
	FROM @extschema@.risk_tiers(e, as_of, cell_size) t;
	BEGIN
		SELECT array_agg(h.cell_id ORDER BY h.cell_id), array_agg(h.category ORDER BY h.cell_id), array_agg(h.geom ORDER BY h.cell_id)
		INTO hot_cell, hot_category, hot_geom
		FROM @extschema@.emerging_hotspots(e, cell_size, '7 days', 3 * cell_size, start => as_of - interval '84 days', stop => as_of) h
		WHERE h.category IN ('new hot spot', 'consecutive hot spot', 'intensifying hot spot', 'persistent hot spot');
	EXCEPTION WHEN data_exception THEN
		hot_cell := NULL;
	END;
	unit := @extschema@._report_text(language, CASE @extschema@._srid_unit(@extschema@.srid(e))
		WHEN 'm' THEN 'label.unit_m' WHEN 'ft' THEN 'label.unit_ft' ELSE 'label.unit_srid' END);
	map_svg := @extschema@._report_map(t_geom, t_tier, coalesce(hot_geom, t_geom[0:-1]),
		@extschema@._report_text(language, 'caption.map',
			to_char(timezone(time_zone, as_of), 'YYYY-MM-DD HH24:MI'), @extschema@._report_num(cell_size, 0), unit), language);
	title := coalesce(title, @extschema@._report_text(language, 'label.default_title'));
	head := '<!DOCTYPE html>' || E'\n' || '<html lang="' || @extschema@._report_html_escape(language) || '"><head><meta charset="utf-8"><title>'
		|| @extschema@._report_html_escape(title) || '</title>'
		|| '<style>body{font-family:sans-serif;margin:2em;color:#222;max-width:1000px}h1{font-size:1.6em}h2{border-bottom:2px solid #444;margin-top:2em}'
		|| 'table{border-collapse:collapse;margin:0.5em 0 1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:0.9em}'
		|| 'th{background:#eee}td:first-child,th:first-child{text-align:left}.note{color:#666;font-style:italic}.meta{color:#555}'
		|| 'figure{margin:0.5em 0}figcaption{font-size:0.85em;color:#444}.key{display:inline-block;width:12px;height:12px;margin:0 3px 0 8px;vertical-align:middle}'
		|| 'svg text{font-size:10px;fill:#333}</style></head><body>'
		|| '<h1>' || @extschema@._report_html_escape(title) || '</h1>'
		|| '<p class="meta">' || @extschema@._report_text(language, 'doc.meta',
			n_events::text, @extschema@.srid(e)::text, @extschema@._report_html_escape(to_char(timezone(time_zone, first_at), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(to_char(timezone(time_zone, last_at), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(to_char(timezone(time_zone, as_of), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(time_zone), @extschema@._report_num(cell_size, 0), @extschema@._report_html_escape(unit),
			to_char(timezone(time_zone, now()), 'YYYY-MM-DD')) || '</p>';
	doc := head;
	FOREACH k IN ARRAY kinds LOOP
		doc := doc || @extschema@._report_section(e, k, as_of, cell_size, time_zone, first_at, t_cell, t_tier, t_expected, t_geom,
			map_svg, hot_cell, hot_category, area_id, area_geom, names, language, unit, repeat_bands, repeat_days, patrol_reach);
	END LOOP;
	RETURN doc || '</body></html>' || E'\n';
END $$;
COMMENT ON FUNCTION @extschema@.report(@extschema@.events, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text,
	pg_catalog.text, pg_catalog.int8[], geometry[], pg_catalog.text[], pg_catalog.float8[], pg_catalog.float8[], pg_catalog.float8, pg_catalog.text) IS
	'The weekly screening, monthly analysis or quarterly review (or all three) of a collection as one self-contained HTML document: tables, an SVG map of tiers and hot spots, a data clock, trend charts; no script, no external asset';
