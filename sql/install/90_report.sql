-- Reports (issue #17 item 5): safety.report writes the weekly screening, the
-- monthly analysis and the quarterly review as one self-contained HTML
-- document (tables, inline SVG: a map of tiers and hot spots, a data clock of
-- hour x weekday, trend charts; inline CSS, no script, no external asset),
-- built from the extension's own functions (docs/reference-report.md).
--
-- The report runs as its caller, so its helpers (prefix _report_) stay
-- executable by PUBLIC: a role that may call safety.report may call them;
-- they read nothing but their arguments.  PL/pgSQL ones pin search_path;
-- those that call PostGIS are BEGIN ATOMIC, bound when the extension is
-- created.

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
	caption pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	WITH ext AS (
		SELECT ST_XMin(b) AS x0, ST_YMax(b) AS y1, ST_XMax(b) OPERATOR(pg_catalog.-) ST_XMin(b) AS w,
		       ST_YMax(b) OPERATOR(pg_catalog.-) ST_YMin(b) AS h
		FROM (SELECT ST_Extent(g)::geometry AS b
		      FROM (SELECT pg_catalog.unnest(cells) AS g UNION ALL SELECT pg_catalog.unnest(hot)) u) x),
	c AS (SELECT u.g, u.t, u.n FROM ROWS FROM (pg_catalog.unnest(cells), pg_catalog.unnest(tiers)) WITH ORDINALITY AS u(g, t, n)),
	hs AS (SELECT u.g, u.n FROM pg_catalog.unnest(hot) WITH ORDINALITY AS u(g, n))
	SELECT CASE WHEN ext.w IS NULL THEN '<p class="note">No cells to map.</p>' ELSE
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
		OPERATOR(pg_catalog.||) ' <span class="key" style="background:#d73027"></span> red <span class="key" style="background:#fc8d59"></span> orange '
		OPERATOR(pg_catalog.||) '<span class="key" style="background:#fee08b"></span> yellow <span class="key" style="background:#d9d9d9"></span> untiered study cell '
		OPERATOR(pg_catalog.||) '<span class="key" style="border:2px solid #1a1a1a"></span> hot spot</figcaption></figure>' END
	FROM ext;
END;
COMMENT ON FUNCTION @extschema@._report_map(geometry[], pg_catalog.text[], geometry[], pg_catalog.text) IS
	'Internal: an inline SVG map of the cells (ST_AsSVG, viewBox from their extent) filled by tier red / orange / yellow, untiered grey, with the hot cells outlined';

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
CREATE FUNCTION @extschema@._report_clock(e @extschema@.events, time_zone pg_catalog.text, caption pg_catalog.text)
	RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	mx float8;
	tot float8;
	cells text;
	legend text := '';
	days text[] := ARRAY['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
	colour text;
	i int4;
BEGIN
	-- a NULL collection is no input (the report says so instead of a clock)
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT pg_catalog.max(a.weight), sum(a.weight) INTO mx, tot FROM @extschema@.aoristic(e, time_zone, 'hour_of_week') a;
	-- white to dark blue by weight / the largest weight
	SELECT string_agg(pg_catalog.format('<rect x="%s" y="%s" width="20" height="20" fill="rgb(%s,%s,%s)"><title>%s %s:00 %s</title></rect>',
			40 + 20 * a.hour, 10 + 20 * ((a.dow + 6) % 7),
			round(247 - 239 * s.f), round(251 - 203 * s.f), round(255 - 148 * s.f),
			days[a.dow + 1], lpad(a.hour::text, 2, '0'), @extschema@._report_num(a.weight, 2)), '' ORDER BY (a.dow + 6) % 7, a.hour)
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
		|| '</svg><svg class="legend" viewBox="0 0 340 34" width="408" height="41" role="img" aria-label="colour scale of the data clock">'
		|| legend || '</svg><figcaption>' || @extschema@._report_html_escape(caption)
		|| pg_catalog.format(' Rows: weekday; columns: local hour (%s). %s events, spread over the hours their time windows cover (safety.aoristic).',
			@extschema@._report_html_escape(time_zone), @extschema@._report_num(tot, 1))
		|| '</figcaption></figure>';
END $$;
COMMENT ON FUNCTION @extschema@._report_clock(@extschema@.events, pg_catalog.text, pg_catalog.text) IS
	'Internal: the data clock of the report, an inline SVG of 7 x 24 rects (weekday x local hour) coloured by safety.aoristic weight, with a colour legend';

-- a trend chart: counts per period as a polyline, with axes and labels
CREATE FUNCTION @extschema@._report_chart(labels pg_catalog.text[], counts pg_catalog.int8[], caption pg_catalog.text)
	RETURNS pg_catalog.text
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
		RETURN '<p class="note">Too few periods for a trend chart.</p>';
	END IF;
	SELECT greatest(pg_catalog.max(c), 1) INTO mx FROM unnest(counts) c;
	SELECT string_agg(pg_catalog.format('%s,%s', round((60 + w * (u.k - 1) / (n - 1))::numeric, 1),
			round((10 + h - h * u.c / mx)::numeric, 1)), ' ' ORDER BY u.k) INTO pts
	FROM unnest(counts) WITH ORDINALITY AS u(c, k);
	SELECT string_agg(pg_catalog.format('<circle cx="%s" cy="%s" r="2.5"><title>%s: %s</title></circle>',
			round((60 + w * (u.k - 1) / (n - 1))::numeric, 1), round((10 + h - h * u.c / mx)::numeric, 1),
			@extschema@._report_html_escape(labels[u.k]), u.c), '' ORDER BY u.k)
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
		|| pg_catalog.format('<text x="14" y="%s" transform="rotate(-90 14 %s)" text-anchor="middle">events</text>', 10 + h / 2, 10 + h / 2)
		|| '</svg><figcaption>' || @extschema@._report_html_escape(caption) || '</figcaption></figure>';
END $$;
COMMENT ON FUNCTION @extschema@._report_chart(pg_catalog.text[], pg_catalog.int8[], pg_catalog.text) IS
	'Internal: an inline SVG trend chart of counts per period (polyline, y axis with gridlines, period labels)';

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
	area_id pg_catalog.int8[], area_geom geometry[], area_name pg_catalog.text[]) RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	h text := '';
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
BEGIN
	IF e IS NULL THEN
		RETURN NULL;
	END IF;
	IF kind = 'weekly' THEN
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'week', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || pg_catalog.format('<section id="weekly"><h2>Weekly screening: week of %s to %s</h2>',
			to_char(timezone(time_zone, p_start), 'YYYY-MM-DD'), to_char(timezone(time_zone, p_end) - interval '1 day', 'YYYY-MM-DD'));
		-- incidents against the forecast made at the start of the week
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'week', time_zone);
		BEGIN
			SELECT sum(t.expected), array_agg(t.cell_id), array_agg(t.tier::text), array_agg(t.expected)
			INTO expd, o_cell, o_tier, o_expected FROM @extschema@.risk_tiers(e, p_start, cell_size) t;
		EXCEPTION WHEN data_exception THEN expd := NULL;
		END;
		h := h || '<h3>Incidents against the forecast</h3>' || tab
			|| @extschema@._report_row(ARRAY['week', 'incidents', 'expected (forecast at the week''s start)', 'P(at least as many | expected)',
				'week before', 'change %', 'p (exact rate test)', '52 weeks earlier', 'change %', 'p'], true)
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
		h := h || '<h3>Busiest cells of the week</h3>' || tab
			|| @extschema@._report_row(ARRAY['cell_id', 'incidents', 'expected', 'tier at the week''s start'], true)
			|| coalesce(rows_html, '') || '</table>';
		-- new and growing hot spots
		SELECT string_agg(@extschema@._report_row(ARRAY[u.c::text, u.cat, t.tier::text]), '' ORDER BY u.cat, u.c), pg_catalog.count(*)
		INTO rows_html, cnt
		FROM unnest(hot_cell, hot_category) AS u(c, cat)
		LEFT JOIN unnest(t_cell, t_tier) AS t(cell_id, tier) ON t.cell_id = u.c
		WHERE u.cat IN ('new hot spot', 'consecutive hot spot', 'intensifying hot spot');
		h := h || '<h3>New and growing hot spots</h3>'
			|| pg_catalog.format('<p>%s cells are new, consecutive or intensifying hot spots over the last 12 weeks (safety.emerging_hotspots, weekly steps, Gi* within %s).</p>',
				cnt, @extschema@._report_num(3 * cell_size, 0))
			|| tab || @extschema@._report_row(ARRAY['cell_id', 'category', 'tier now'], true) || coalesce(rows_html, '') || '</table>';
		-- open repeat-risk windows
		BEGIN
			SELECT pg_catalog.count(*), string_agg(CASE WHEN w.k <= 10 THEN @extschema@._report_row(ARRAY[w.id::text,
					to_char(timezone(time_zone, w.occurred_at), 'YYYY-MM-DD HH24:MI'),
					to_char(timezone(time_zone, w.window_end), 'YYYY-MM-DD HH24:MI'), @extschema@._report_num(w.days_left, 1)]) END, '' ORDER BY w.k)
			INTO cnt, rows_html
			FROM (SELECT x.*, row_number() OVER (ORDER BY x.occurred_at DESC, x.id) AS k
			      FROM @extschema@.repeat_windows(e, as_of, ARRAY[100, 200, 400]::float8[], ARRAY[7, 14, 21, 28]::float8[], 99, 1) x) w;
			h := h || '<h3>Open repeat-risk windows</h3>'
				|| pg_catalog.format('<p>%s risk windows are open at the as-of time (safety.repeat_windows: the significant near-repeat zone of bands 100, 200, 400 m and 7, 14, 21, 28 days, 99 permutations); the latest 10:</p>', cnt)
				|| tab || @extschema@._report_row(ARRAY['event id', 'occurred', 'window ends', 'days left'], true) || coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>Open repeat-risk windows</h3><p class="note">Not available: ' || @extschema@._report_html_escape(SQLERRM) || '</p>';
		END;
		-- tier changes since the start of the week
		BEGIN
			IF o_cell IS NULL THEN
				RAISE EXCEPTION 'no tiers at the week''s start' USING ERRCODE = '22023';
			END IF;
			SELECT string_agg(@extschema@._report_row(ARRAY[x.f, x.t, x.n::text]), '' ORDER BY x.f, x.t), sum(x.n)
			INTO rows_html, cnt
			FROM (SELECT coalesce(o.tier::text, 'none') AS f, coalesce(c.tier, 'none') AS t, pg_catalog.count(*) AS n
			      FROM unnest(t_cell, t_tier) AS c(cell_id, tier)
			      FULL JOIN unnest(o_cell, o_tier) AS o(cell_id, tier) USING (cell_id)
			      WHERE coalesce(o.tier::text, 'none') <> coalesce(c.tier, 'none')
			      GROUP BY 1, 2) x;
			h := h || '<h3>Tier changes</h3>'
				|| pg_catalog.format('<p>%s cells changed tier between the tiers of the week''s start and those of the as-of time:</p>', coalesce(cnt, 0))
				|| tab || @extschema@._report_row(ARRAY['from', 'to', 'cells'], true) || coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>Tier changes</h3><p class="note">Not available: ' || @extschema@._report_html_escape(SQLERRM) || '</p>';
		END;
		-- the tiers and their actions
		SELECT string_agg(@extschema@._report_row(ARRAY[x.tier, x.cells::text, @extschema@._report_num(x.expected, 1), x.respond::text, x.action]), '' ORDER BY x.o)
		INTO rows_html
		FROM (SELECT u.tier, pg_catalog.count(*) AS cells, sum(u.ex) AS expected, p.respond_within AS respond, p.action,
		             CASE u.tier WHEN 'red' THEN 1 WHEN 'orange' THEN 2 ELSE 3 END AS o
		      FROM unnest(t_tier, t_expected) AS u(tier, ex)
		      LEFT JOIN @extschema@.tier_policy p ON p.tier::text = u.tier
		      WHERE u.tier IS NOT NULL GROUP BY u.tier, p.respond_within, p.action) x;
		h := h || '<h3>The tiers and their actions</h3>' || tab
			|| @extschema@._report_row(ARRAY['tier', 'cells', 'expected events, next 7 days', 'respond within', 'action'], true)
			|| coalesce(rows_html, '') || '</table>';
		SELECT string_agg(@extschema@._report_row(ARRAY[x.cell_id::text, x.tier, @extschema@._report_num(x.ex, 3)]), '' ORDER BY x.n)
		INTO rows_html
		FROM unnest(t_cell, t_tier, t_expected) WITH ORDINALITY AS x(cell_id, tier, ex, n) WHERE x.tier = 'red' AND x.n <= 10;
		h := h || '<h4>Top red cells</h4>' || tab || @extschema@._report_row(ARRAY['cell_id', 'tier', 'expected'], true) || coalesce(rows_html, '') || '</table>';
		-- patrol posts
		BEGIN
			SELECT string_agg(@extschema@._report_row(ARRAY[c.k::text, @extschema@._report_num(100 * c.share, 1), @extschema@._report_num(100 * c.gap, 2)]), '' ORDER BY c.k)
			INTO rows_html FROM @extschema@._report_cover(t_geom, t_expected, 800) c;
		EXCEPTION WHEN data_exception THEN rows_html := NULL;
		END;
		h := h || '<h3>Patrol posts: covered share</h3><p>Share of the next 7 days'' expected events within 800 m of k posts (safety.patrol_cover_curve over the study cells'' centres; gap: how far from the best k posts the plan can be at most).</p>'
			|| tab || @extschema@._report_row(ARRAY['posts', 'covered %', 'gap %'], true) || coalesce(rows_html, '') || '</table>';
		h := h || '<h3>Map of tiers and hot spots</h3>' || map_svg;
		-- trend of weeks and the data clock of the last 12 weeks
		n := @extschema@._report_periods(as_of, 'week', time_zone, first_at, 26);
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'week', n, time_zone);
			SELECT array_agg(to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '7 days', 'MM-DD') ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || '<h3>Weekly trend</h3>' || @extschema@._report_chart(labels, tr.counts,
				pg_catalog.format('Incidents per week, the last %s weeks; Mann-Kendall p = %s, Sen''s slope %s per week.', n,
					@extschema@._report_p(tr.p), @extschema@._report_num(tr.sen_slope, 2)));
		END IF;
		h := h || '<h3>Data clock</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, as_of - interval '84 days', as_of), time_zone,
			'Incidents of the last 12 weeks by weekday and hour.'),
			'<p class="note">No events in the window of the data clock.</p>');
		RETURN h || '</section>';
	ELSIF kind = 'monthly' THEN
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'month', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || pg_catalog.format('<section id="monthly"><h2>Monthly analysis: %s</h2>', to_char(timezone(time_zone, p_start), 'FMMonth YYYY'));
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'month', time_zone);
		n := @extschema@._report_periods(as_of, 'month', time_zone, first_at, 24);
		h := h || '<h3>Offense trends</h3>' || tab
			|| @extschema@._report_row(ARRAY['month', 'incidents', 'month before', 'change %', 'p (exact rate test)', 'a year earlier', 'change %', 'p'], true)
			|| @extschema@._report_row(ARRAY[to_char(timezone(time_zone, p_start), 'YYYY-MM'), pc.events::text, pc.previous_events::text,
				@extschema@._report_num(pc.previous_change_pct, 1), @extschema@._report_p(pc.previous_p),
				pc.year_ago_events::text, @extschema@._report_num(pc.year_ago_change_pct, 1), @extschema@._report_p(pc.year_ago_p)])
			|| '</table>';
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'month', n, time_zone);
			SELECT array_agg(to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '1 month', 'YYYY-MM') ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || tab || @extschema@._report_row(ARRAY['months', 'Mann-Kendall S', 'z', 'p', 'Kendall''s tau', 'Sen''s slope per month'], true)
				|| @extschema@._report_row(ARRAY[n::text, @extschema@._report_num(tr.s, 0), @extschema@._report_num(tr.z, 2), @extschema@._report_p(tr.p),
					@extschema@._report_num(tr.tau, 3), @extschema@._report_num(tr.sen_slope, 2)]) || '</table>'
				|| @extschema@._report_chart(labels, tr.counts, pg_catalog.format('Incidents per month, the last %s months (safety.trend).', n));
		END IF;
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'month', time_zone, 11);
		h := h || '<h3>Time profile</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, b.period_start, p_end), time_zone,
			'Incidents of the last 12 months by weekday and hour.'),
			'<p class="note">No events in the window of the data clock.</p>');
		h := h || '<h3>Hot-spot map</h3>' || map_svg;
		-- the tiers' back-test: 4 weekly origins, the last 4 weeks
		day_end := timezone(time_zone, date_trunc('day', timezone(time_zone, as_of)));
		BEGIN
			SELECT string_agg(@extschema@._report_row(ARRAY[x.tier, @extschema@._report_num(x.cells, 1), x.events::text,
					@extschema@._report_num(x.per_cell, 4), @extschema@._report_num(100 * x.share, 1), @extschema@._report_num(x.expected, 1),
					@extschema@._report_num(x.changed, 3)]), '' ORDER BY x.o)
			INTO rows_html
			FROM (SELECT coalesce(t.tier::text, 'untiered') AS tier, avg(t.cells) AS cells, sum(t.events) AS events,
			             sum(t.events)::float8 / nullif(sum(t.cells), 0) AS per_cell,
			             sum(t.events)::float8 / nullif(sum(sum(t.events)) OVER (), 0) AS share, sum(t.expected) AS expected,
			             sum(t.changed)::float8 / nullif(sum(t.cells) FILTER (WHERE t.changed IS NOT NULL), 0) AS changed,
			             CASE t.tier::text WHEN 'red' THEN 1 WHEN 'orange' THEN 2 WHEN 'yellow' THEN 3 ELSE 4 END AS o
			      FROM @extschema@.tier_backtest(e, cell_size, day_end - interval '28 days', day_end) t
			      GROUP BY t.tier) x;
			h := h || '<h3>Back-test of the tiers</h3><p>The tiers as they would have been set at each of 4 weekly origins (the last 4 weeks; fewer origins than a full back-test so that the report renders in seconds) against the next week''s incidents (safety.tier_backtest):</p>'
				|| tab || @extschema@._report_row(ARRAY['tier', 'cells (mean)', 'next-week incidents', 'per cell', 'share %', 'expected', 'weekly change share'], true)
				|| coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>Back-test of the tiers</h3><p class="note">Not available: ' || @extschema@._report_html_escape(SQLERRM) || '</p>';
		END;
		RETURN h || '</section>';
	ELSE
		SELECT * INTO b FROM @extschema@._period_bounds(as_of, 'quarter', time_zone, 0);
		p_start := b.period_start; p_end := b.period_end;
		h := h || pg_catalog.format('<section id="quarterly"><h2>Quarterly review: %s</h2>', to_char(timezone(time_zone, p_start), 'YYYY "Q"Q'));
		SELECT * INTO pc FROM @extschema@.period_change(e, as_of, 'quarter', time_zone);
		h := h || '<h3>Change against the same quarter a year earlier</h3>' || tab
			|| @extschema@._report_row(ARRAY['quarter', 'incidents', 'a year earlier', 'change %', 'p (exact rate test)', 'quarter before', 'change %', 'p'], true)
			|| @extschema@._report_row(ARRAY[to_char(timezone(time_zone, p_start), 'YYYY "Q"Q'), pc.events::text, pc.year_ago_events::text,
				@extschema@._report_num(pc.year_ago_change_pct, 1), @extschema@._report_p(pc.year_ago_p),
				pc.previous_events::text, @extschema@._report_num(pc.previous_change_pct, 1), @extschema@._report_p(pc.previous_p)])
			|| '</table>';
		n := @extschema@._report_periods(as_of, 'quarter', time_zone, first_at, 12);
		IF n >= 3 THEN
			SELECT * INTO tr FROM @extschema@.trend(e, as_of, 'quarter', n, time_zone);
			SELECT array_agg(to_char(timezone(time_zone, tr.first_start) + (k - 1) * interval '3 months', 'YYYY "Q"Q') ORDER BY k) INTO labels
			FROM generate_series(1, n) k;
			h := h || @extschema@._report_chart(labels, tr.counts, pg_catalog.format('Incidents per quarter, the last %s quarters; Mann-Kendall p = %s.', n, @extschema@._report_p(tr.p)));
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
			     g AS (SELECT 'red (the places)' AS grp, 1 AS o, pg_catalog.count(*) AS cells, sum(nb)::int8 AS nb, sum(na)::int8 AS na FROM c WHERE tier = 'red'
			           UNION ALL
			           SELECT 'orange (comparison)', 2, pg_catalog.count(*), sum(nb)::int8, sum(na)::int8 FROM c WHERE tier = 'orange'
			           UNION ALL
			           SELECT 'not red, as many before as the lower quartile of the red cells (comparison)', 3, pg_catalog.count(*), sum(nb)::int8, sum(na)::int8
			           FROM c, lo WHERE c.tier IS DISTINCT FROM 'red' AND c.nb >= lo.m)
			SELECT string_agg(@extschema@._report_row(ARRAY[g.grp, g.cells::text, g.nb::text, g.na::text,
					@extschema@._report_num(100.0 * (g.na - g.nb) / nullif(g.nb, 0), 1),
					@extschema@._report_p(@extschema@.rate_test(g.na, g.nb, len_after, len_before)),
					CASE WHEN g.o > 1 THEN @extschema@._report_num((r.na - r.nb)::float8 / nullif(r.cells, 0) - (g.na - g.nb)::float8 / nullif(g.cells, 0), 3) END,
					CASE WHEN g.o > 1 AND g.na > 0 AND g.nb > 0 THEN @extschema@._report_p(@extschema@.rate_test(r.na, r.nb, g.na, g.nb)) END]), '' ORDER BY g.o)
			INTO rows_html
			FROM g, (SELECT * FROM g WHERE o = 1) r;
			h := h || '<h3>Before and after: places that were red</h3>'
				|| pg_catalog.format('<p>Cells red in the tiers of %s (the start of the quarter): incidents in the quarter before (%s to %s) and in the quarter after, against comparable cells that were not red. Difference in differences: the change per red cell minus the change per comparison cell. Its test: the exact conditional test that the red cells'' after/before ratio equals the comparison''s (safety.rate_test with the comparison counts as exposures; it treats the comparison ratio as known). This describes, it does not prove: a tier is not a treatment (what was done in each cell is not recorded), and cells picked for high counts fall back by regression to the mean, which the comparison of cells with as many incidents before (at least the red cells'' lower quartile, and at least one) only partly removes.</p>',
					to_char(timezone(time_zone, t0), 'YYYY-MM-DD'), to_char(timezone(time_zone, before_start), 'YYYY-MM-DD'),
					to_char(timezone(time_zone, t0) - interval '1 day', 'YYYY-MM-DD'))
				|| tab || @extschema@._report_row(ARRAY['cells', 'count', 'incidents before', 'incidents after', 'change %', 'p (after vs before, exact)',
					'difference in differences per cell', 'p (red vs comparison, exact)'], true)
				|| coalesce(rows_html, '') || '</table>';
		EXCEPTION WHEN data_exception THEN
			h := h || '<h3>Before and after: places that were red</h3><p class="note">Not available: ' || @extschema@._report_html_escape(SQLERRM) || '</p>';
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
			h := h || '<h3>Ranking of units</h3><p>Areas by incidents in the quarter (safety.area_counts), with the same quarter a year earlier:</p>'
				|| tab || @extschema@._report_row(ARRAY['rank', 'area', 'incidents', 'a year earlier', 'change %', 'p (exact rate test)', 'km²'], true)
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
			h := h || '<h3>Ranking of units</h3><p>No areas were given: the 10 cells with the most incidents in the quarter, with the same quarter a year earlier.</p>'
				|| tab || @extschema@._report_row(ARRAY['rank', 'cell_id', 'incidents', 'a year earlier', 'change %', 'p (exact rate test)'], true)
				|| coalesce(rows_html, '') || '</table>';
		END IF;
		h := h || '<h3>Map of tiers and hot spots</h3>' || map_svg;
		h := h || '<h3>Data clock</h3>' || coalesce(@extschema@._report_clock(@extschema@._report_subset(e, p_start, p_end), time_zone,
			'Incidents of the quarter by weekday and hour.'),
			'<p class="note">No events in the window of the data clock.</p>');
		RETURN h || '</section>';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._report_section(@extschema@.events, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text,
	pg_catalog.timestamptz, pg_catalog.int8[], pg_catalog.text[], pg_catalog.float8[], geometry[], pg_catalog.text, pg_catalog.int8[], pg_catalog.text[],
	pg_catalog.int8[], geometry[], pg_catalog.text[]) IS
	'Internal: one section of safety.report (weekly screening, monthly analysis or quarterly review) as HTML';

CREATE FUNCTION @extschema@.report(e @extschema@.events, kind pg_catalog.text DEFAULT 'weekly',
	as_of pg_catalog.timestamptz DEFAULT NULL, cell_size pg_catalog.float8 DEFAULT 250,
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	title pg_catalog.text DEFAULT NULL, area_id pg_catalog.int8[] DEFAULT NULL,
	area_geom geometry[] DEFAULT NULL, area_name pg_catalog.text[] DEFAULT NULL) RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	fn constant text := 'safety.report';
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
	IF kind IS NULL OR cell_size IS NULL OR time_zone IS NULL THEN
		RAISE EXCEPTION '%: % must not be NULL', fn,
			CASE WHEN kind IS NULL THEN 'kind' WHEN cell_size IS NULL THEN 'cell_size' ELSE 'time_zone' END
			USING ERRCODE = '22004', HINT = 'kind is weekly, monthly, quarterly or all; cell_size is in the units of the SRID (metres for UTM).';
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
	map_svg := @extschema@._report_map(t_geom, t_tier, coalesce(hot_geom, t_geom[0:-1]),
		pg_catalog.format('Tiers at %s, %s m cells; outlined: new, consecutive, intensifying and persistent hot spots of the last 12 weeks.',
			to_char(timezone(time_zone, as_of), 'YYYY-MM-DD HH24:MI'), @extschema@._report_num(cell_size, 0)));
	title := coalesce(title, 'Safety report');
	head := '<!DOCTYPE html>' || E'\n' || '<html lang="en"><head><meta charset="utf-8"><title>' || @extschema@._report_html_escape(title) || '</title>'
		|| '<style>body{font-family:sans-serif;margin:2em;color:#222;max-width:1000px}h1{font-size:1.6em}h2{border-bottom:2px solid #444;margin-top:2em}'
		|| 'table{border-collapse:collapse;margin:0.5em 0 1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:0.9em}'
		|| 'th{background:#eee}td:first-child,th:first-child{text-align:left}.note{color:#666;font-style:italic}.meta{color:#555}'
		|| 'figure{margin:0.5em 0}figcaption{font-size:0.85em;color:#444}.key{display:inline-block;width:12px;height:12px;margin:0 3px 0 8px;vertical-align:middle}'
		|| 'svg text{font-size:10px;fill:#333}</style></head><body>'
		|| '<h1>' || @extschema@._report_html_escape(title) || '</h1>'
		|| pg_catalog.format('<p class="meta">%s events (SRID %s) from %s to %s; as of %s (%s); %s m cells. Made by safety.report on %s.</p>',
			n_events, @extschema@.srid(e), @extschema@._report_html_escape(to_char(timezone(time_zone, first_at), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(to_char(timezone(time_zone, last_at), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(to_char(timezone(time_zone, as_of), 'YYYY-MM-DD HH24:MI')),
			@extschema@._report_html_escape(time_zone), @extschema@._report_num(cell_size, 0),
			to_char(timezone(time_zone, now()), 'YYYY-MM-DD'));
	doc := head;
	FOREACH k IN ARRAY kinds LOOP
		doc := doc || @extschema@._report_section(e, k, as_of, cell_size, time_zone, first_at, t_cell, t_tier, t_expected, t_geom,
			map_svg, hot_cell, hot_category, area_id, area_geom, names);
	END LOOP;
	RETURN doc || '</body></html>' || E'\n';
END $$;
COMMENT ON FUNCTION @extschema@.report(@extschema@.events, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text,
	pg_catalog.text, pg_catalog.int8[], geometry[], pg_catalog.text[]) IS
	'The weekly screening, monthly analysis or quarterly review (or all three) of a collection as one self-contained HTML document: tables, an SVG map of tiers and hot spots, a data clock, trend charts; no script, no external asset';
