-- Managed views (3/4): drop_view, refresh and refresh_all, with the
-- refresh history in safety.refresh_log.

CREATE FUNCTION @extschema@._view_relations(v @extschema@.views) RETURNS pg_catalog.text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN (SELECT pg_catalog.array_agg(pg_catalog.format('%I.%I', v.schema, r) ORDER BY k)
		FROM pg_catalog.unnest(ARRAY[v.name] OPERATOR(pg_catalog.||) v.companions) WITH ORDINALITY AS u(r, k));
COMMENT ON FUNCTION @extschema@._view_relations(@extschema@.views) IS
	'The qualified names of the materialized views of a safety.views entry: its own, then its companions';

CREATE FUNCTION @extschema@.drop_view(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@._view_entry(drop_view.name, drop_view.schema);
	qname pg_catalog.text := pg_catalog.format('%I.%I', v.schema, v.name);
	-- the owner of the view, else the caller: a companion dropped behind
	-- safety's back may since name another role's view, which stays
	view_owner pg_catalog.oid := coalesce(
		(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(qname)),
		(SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER));
	rels pg_catalog.text[] := '{}';
	rel pg_catalog.text;
BEGIN
	IF NOT @extschema@._owns_view(v.schema, v.name) AND pg_catalog.to_regclass(qname) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.drop_view: must be owner of materialized view %', qname
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- the entry first: its row-level policy asks whether the caller owns the view
	DELETE FROM @extschema@.views e WHERE e.schema OPERATOR(pg_catalog.=) v.schema AND e.name OPERATOR(pg_catalog.=) v.name;
	FOREACH rel IN ARRAY @extschema@._view_relations(v) LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(rel)
		           AND c.relkind OPERATOR(pg_catalog.=) 'm' AND c.relowner OPERATOR(pg_catalog.=) view_owner) THEN
			rels := rels OPERATOR(pg_catalog.||) rel;
		ELSIF pg_catalog.to_regclass(rel) IS NOT NULL THEN
			RAISE WARNING 'safety.drop_view: % is not a materialized view of the owner of %; it stays', rel, qname
				USING HINT = 'It took the name of a companion dropped without safety.drop_view: drop it yourself if it should go.';
		END IF;
	END LOOP;
	-- the view and its companions (DROP checks that the caller owns each)
	IF rels OPERATOR(pg_catalog.<>) '{}' THEN
		EXECUTE pg_catalog.format('DROP MATERIALIZED VIEW IF EXISTS %s', pg_catalog.array_to_string(rels, ', '));
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@.drop_view(pg_catalog.text, pg_catalog.name) IS
	'Drop a view made by safety.create_hotspot_view, safety.create_near_repeat_view, safety.create_tier_view, safety.create_emerging_view or safety.create_area_view, its companion views and its safety.views entry (its refresh history stays)';

-- refresh -----------------------------------------------------------------

CREATE PROCEDURE @extschema@.refresh(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@._view_entry(refresh.name, refresh.schema);
	qname pg_catalog.text := pg_catalog.format('%I.%I', v.schema, v.name);
	rels pg_catalog.text[] := @extschema@._view_relations(v);
	names pg_catalog.name[] := ARRAY[v.name] OPERATOR(pg_catalog.||) v.companions;
	log_ids pg_catalog.int8[] := '{}';
	counts pg_catalog.int8[] := '{}';
	t0 pg_catalog.timestamptz;
	t1 pg_catalog.timestamptz;
	n pg_catalog.int8;
	k pg_catalog.int4;
	msg pg_catalog.text;
	state pg_catalog.text;
	window_note pg_catalog.text;
BEGIN
	IF NOT @extschema@._owns_view(v.schema, v.name) AND pg_catalog.to_regclass(qname) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.refresh: must be owner of materialized view %', qname USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- a relation dropped behind safety's back: a role bound by refresh_log's
	-- policy may not log its refresh (a superuser logs the failure below)
	FOR k IN 1 .. pg_catalog.array_length(rels, 1) LOOP
		IF pg_catalog.to_regclass(rels[k]) IS NULL AND pg_catalog.row_security_active('@extschema@.refresh_log') THEN
			RAISE EXCEPTION 'safety.refresh: materialized view % does not exist', rels[k] OPERATOR(pg_catalog.||)
				CASE WHEN k OPERATOR(pg_catalog.>) 1 THEN ' (a companion of ' OPERATOR(pg_catalog.||) qname OPERATOR(pg_catalog.||) ')' ELSE '' END
				USING ERRCODE = 'undefined_table', HINT = 'It was dropped without safety.drop_view, which removes the entry.';
		END IF;
	END LOOP;
	-- one refresh of a view at a time: a second one waits here
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('safety.refresh'), pg_catalog.hashtext(qname));
	t0 := pg_catalog.clock_timestamp();
	-- a log row per relation: the view, then its companions
	FOR k IN 1 .. pg_catalog.array_length(names, 1) LOOP
		INSERT INTO @extschema@.refresh_log (schema, view, started, status)
		VALUES (v.schema, names[k], t0, 'running') RETURNING id INTO n;
		log_ids := log_ids OPERATOR(pg_catalog.||) n;
	END LOOP;
	BEGIN
		-- a subtransaction: the relations are refreshed together (with one
		-- now()); when one fails the old contents of all stay and the log
		-- rows above survive
		FOR k IN 1 .. pg_catalog.array_length(rels, 1) LOOP
			IF (SELECT c.relispopulated FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(rels[k])) THEN
				EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', rels[k]);
			ELSE
				EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s', rels[k]);
			END IF;
			EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', rels[k]) INTO n;
			counts := counts OPERATOR(pg_catalog.||) n;
		END LOOP;
		-- a window without events (as_of past the data): said, and logged
		window_note := @extschema@._view_window_note(v.source, v.parameters);
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, rows = u.n, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'ok',
			note = window_note
		FROM ROWS FROM (pg_catalog.unnest(log_ids), pg_catalog.unnest(counts)) AS u(id, n)
		WHERE l.id OPERATOR(pg_catalog.=) u.id;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
		window_note := NULL;
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'failed',
			error = state OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) msg
		WHERE l.id OPERATOR(pg_catalog.=) ANY (log_ids);
		RAISE WARNING 'safety.refresh: refresh of % failed: %', qname, msg
			USING HINT = 'The previous contents stay readable; safety.refresh_log has the error.';
	END;
	IF window_note IS NOT NULL THEN
		RAISE NOTICE 'safety.refresh: %: %', qname, window_note USING HINT = @extschema@._view_window_hint();
	END IF;
END $$;
COMMENT ON PROCEDURE @extschema@.refresh(pg_catalog.text, pg_catalog.name) IS
	'Refresh a safety view and its companions together (concurrently once populated, one refresh per view at a time), logged in safety.refresh_log (a row per relation); a failure is logged and leaves the old contents; a window without events is noticed and noted in the log';

CREATE PROCEDURE @extschema@.refresh_all()
	LANGUAGE plpgsql AS $$
DECLARE
	v record;
	msg pg_catalog.text;
	state pg_catalog.text;
BEGIN
	-- every view the caller owns, each in its own transaction; one that
	-- fails outside its refresh's own logging (dropped since the list was
	-- read, say) is skipped with a warning, and the others still refresh
	FOR v IN SELECT e.schema, e.name FROM @extschema@.views e
	         WHERE @extschema@._owns_view(e.schema, e.name) ORDER BY e.schema, e.name LOOP
		BEGIN
			CALL @extschema@.refresh(v.name, v.schema);
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
			RAISE WARNING 'safety.refresh_all: skipped %: % (SQLSTATE %)', pg_catalog.format('%I.%I', v.schema, v.name), msg, state
				USING HINT = 'The view changed or went away while refresh_all ran; the other views are refreshed.';
		END;
		COMMIT;
	END LOOP;
END $$;
COMMENT ON PROCEDURE @extschema@.refresh_all() IS
	'Refresh every safety view the caller owns, each in its own transaction (CALL it outside a transaction block, e.g. from pg_cron); a view that cannot be refreshed (dropped meanwhile) is skipped with a warning';
