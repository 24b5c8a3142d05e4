-- Privileges (issue #12, findings 6-8): the catalog safety.views cannot be
-- forged to make an administrator's drop_view drop another role's view or
-- to squat a name; refresh_all skips a view dropped while it runs and goes
-- on; the tier functions and the tier view work for an ordinary role with
-- no grants on safety's objects, whose configuration stays read-only to it.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';

CREATE TABLE hp_incidents AS SELECT id, offense, occurred_at, geom FROM incidents
WHERE occurred_at >= '2018-01-01' AND occurred_at < '2018-07-01';
ALTER TABLE hp_incidents ADD PRIMARY KEY (id);
-- two analysts sharing a schema, and a role with no grants on safety at all
CREATE ROLE regress_hp_alice;
CREATE ROLE regress_hp_mallory;
CREATE ROLE regress_hp_plain;
CREATE SCHEMA hp_shared;
GRANT USAGE, CREATE ON SCHEMA hp_shared TO regress_hp_alice, regress_hp_mallory;
CREATE SCHEMA hp_plain AUTHORIZATION regress_hp_plain;
GRANT SELECT ON hp_incidents TO regress_hp_alice, regress_hp_mallory, regress_hp_plain;

-- === 6. catalog forgery =====================================================
SET ROLE regress_hp_alice;
SELECT safety.create_hotspot_view('alice_hot', 'hp_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  schema => 'hp_shared', as_of => '2018-06-30 00:00+00');
RESET ROLE;
SET ROLE regress_hp_mallory;
CREATE MATERIALIZED VIEW hp_shared.mallory_mv AS SELECT 1 AS x;
-- a. alice's view as the companion of mallory's entry
INSERT INTO safety.views (schema, name, kind, source, parameters, companions)
VALUES ('hp_shared', 'mallory_mv', 'hotspot', 'hp_incidents', '{}', '{alice_hot}');
-- b. a name alice has not created yet
INSERT INTO safety.views (schema, name, kind, source, parameters, companions)
VALUES ('hp_shared', 'mallory_mv', 'hotspot', 'hp_incidents', '{}', '{alice_next}');
-- c. an entry whose name is not a materialized view
CREATE TABLE hp_shared.mallory_table (x int);
INSERT INTO safety.views (schema, name, kind, source, parameters)
VALUES ('hp_shared', 'mallory_table', 'hotspot', 'hp_incidents', '{}');
-- d. her own materialized views only: allowed
CREATE MATERIALIZED VIEW hp_shared.mallory_mv2 AS SELECT 2 AS x;
INSERT INTO safety.views (schema, name, kind, source, parameters, companions)
VALUES ('hp_shared', 'mallory_mv', 'hotspot', 'hp_incidents', '{}', '{mallory_mv2}');
-- e. a companion dropped behind safety's back, its name then taken by alice
SELECT safety.create_near_repeat_view('mallory_nr', 'hp_incidents', 'geom', 'occurred_at', 'id',
  '{100,200}', '{7,14}', permutations => 9, schema => 'hp_shared', as_of => '2018-06-30 00:00+00');
DROP MATERIALIZED VIEW hp_shared.mallory_nr_windows;
RESET ROLE;
SET ROLE regress_hp_alice;
CREATE MATERIALIZED VIEW hp_shared.mallory_nr_windows AS SELECT 'alice''s' AS data;
-- the name mallory tried to squat is free
SELECT safety.create_hotspot_view('alice_next', 'hp_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  schema => 'hp_shared', as_of => '2018-06-30 00:00+00');
RESET ROLE;
-- nor may mallory remove alice's entry, or drop her view
SET ROLE regress_hp_mallory;
DELETE FROM safety.views WHERE name = 'alice_hot';
SELECT safety.drop_view('alice_hot', 'hp_shared');
RESET ROLE;
SELECT name, companions FROM safety.views WHERE schema = 'hp_shared' ORDER BY name;
-- an administrator cleans up mallory's entries: alice's views stay
SELECT safety.drop_view('mallory_mv', 'hp_shared');
SELECT safety.drop_view('mallory_nr', 'hp_shared');
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
WHERE c.relnamespace = 'hp_shared'::regnamespace AND c.relkind = 'm' ORDER BY 1;
SELECT name FROM safety.views WHERE schema = 'hp_shared' ORDER BY name;

-- === 7. refresh_all and views that vanish while it runs ====================
-- Four views, refreshed in name order; refreshing the first drops the second
-- with safety.drop_view (as a concurrent session would) and the third behind
-- safety's back: refresh_all skips both and still refreshes the fourth.
CREATE SCHEMA hp_refresh;
SELECT safety.create_hotspot_view(v, 'hp_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  schema => 'hp_refresh', as_of => '2018-06-30 00:00+00')
FROM unnest(ARRAY['rv_a', 'rv_b', 'rv_c', 'rv_d']) v;
CREATE FUNCTION hp_drop_while_refreshing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.view = 'rv_a' AND NEW.status = 'running' THEN
    PERFORM safety.drop_view('rv_b', NEW.schema);
    EXECUTE format('DROP MATERIALIZED VIEW %I.rv_c', NEW.schema);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER hp_drop_while_refreshing AFTER INSERT ON safety.refresh_log
  FOR EACH ROW EXECUTE FUNCTION hp_drop_while_refreshing();
SET client_min_messages = warning;
CALL safety.refresh_all();
SELECT view, status, rows IS NOT NULL AS counted, error FROM safety.refresh_log
WHERE schema = 'hp_refresh' ORDER BY id;
SELECT name FROM safety.views WHERE schema = 'hp_refresh' ORDER BY name;
SELECT safety.drop_view('rv_c', 'hp_refresh');
-- the same for an ordinary role, which may not log a refresh of a relation
-- that no longer exists: skipped with a warning
CREATE SCHEMA hp_refresh_plain AUTHORIZATION regress_hp_plain;
SET ROLE regress_hp_plain;
SELECT safety.create_hotspot_view(v, 'hp_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  schema => 'hp_refresh_plain', as_of => '2018-06-30 00:00+00')
FROM unnest(ARRAY['rv_a', 'rv_b', 'rv_c', 'rv_d']) v;
CALL safety.refresh_all();
SELECT view, status, error FROM safety.refresh_log WHERE schema = 'hp_refresh_plain' ORDER BY id;
-- refreshing a view dropped behind safety's back names the problem
CALL safety.refresh('rv_c', 'hp_refresh_plain');
SELECT safety.drop_view('rv_c', 'hp_refresh_plain');
SELECT name FROM safety.views WHERE schema = 'hp_refresh_plain' ORDER BY name;
RESET ROLE;
DROP TRIGGER hp_drop_while_refreshing ON safety.refresh_log;
DROP FUNCTION hp_drop_while_refreshing();

-- === 8. tiers for an ordinary role with no grants on safety ================
SET ROLE regress_hp_plain;
SELECT has_table_privilege('safety.offense_weights', 'SELECT') AS weights,
       has_table_privilege('safety.tier_policy', 'SELECT') AS policy,
       has_table_privilege('safety.sensitive_places', 'SELECT') AS places,
       has_table_privilege('safety.tier_history', 'SELECT') AS history,
       has_table_privilege('safety.report_strings', 'SELECT') AS report_texts;
SELECT safety.offense_weight('Burglary') AS burglary, safety.offense_weight('no such offense', 2) AS unknown;
SELECT safety.place_impact('SRID=32616;POINT(700000 4330000)') AS impact;
-- the same tiers as the superuser gets
CREATE TEMP TABLE hp_tiers_plain AS
SELECT r.* FROM (SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS e FROM hp_incidents) g,
  safety.risk_tiers(g.e, '2018-06-30', 500, model => 'naive') r;
SELECT tier, count(*) AS cells, min(action) IS NOT NULL AS has_action FROM hp_tiers_plain GROUP BY tier ORDER BY tier DESC NULLS LAST;
SELECT safety.create_tier_view('tv_plain', 'hp_incidents', 'geom', 'occurred_at', 'offense', 500,
  model => 'naive', schema => 'hp_plain', as_of => '2018-06-30', min_count => 1);
CALL safety.refresh('tv_plain');
CALL safety.refresh_all();
SELECT view, status, error FROM safety.refresh_log WHERE schema = 'hp_plain' ORDER BY id;
SELECT (SELECT count(*) FROM hp_plain.tv_plain) AS view_cells,
       (SELECT count(*) FROM hp_tiers_plain WHERE events >= 1) AS direct_cells,
       (SELECT count(*) FROM hp_plain.tv_plain v JOIN hp_tiers_plain d USING (cell_id)
        WHERE v.tier IS NOT DISTINCT FROM d.tier AND v.priority = d.priority) AS same_cells;
-- history is the administrator's to grant: a clear error without it, and
-- with INSERT alone; snapshots and changes once granted
SELECT safety.record_tiers('plain', g.e, '2018-06-30', 500, model => 'naive')
FROM (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM hp_incidents) g;
RESET ROLE;
GRANT SELECT, INSERT ON safety.tier_history TO regress_hp_plain;
SET ROLE regress_hp_plain;
SELECT safety.record_tiers('plain', g.e, '2018-06-30', 500, model => 'naive')
FROM (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM hp_incidents) g;
RESET ROLE;
GRANT DELETE ON safety.tier_history TO regress_hp_plain;
SET ROLE regress_hp_plain;
SELECT safety.record_tiers('plain', g.e, t, 500, model => 'naive') AS recorded
FROM (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM hp_incidents) g,
  unnest(ARRAY['2018-06-23', '2018-06-30']::timestamptz[]) t;
SELECT change, count(*) FROM safety.tier_changes('plain', '2018-06-23', '2018-06-30') GROUP BY 1 ORDER BY 1;
RESET ROLE;
DELETE FROM safety.tier_history WHERE name = 'plain';
REVOKE ALL ON safety.tier_history FROM regress_hp_plain;
SET ROLE regress_hp_plain;
-- the configuration stays read-only
UPDATE safety.offense_weights SET weight = 1 WHERE offense = 'burglary';
INSERT INTO safety.offense_weights (offense, weight) VALUES ('mine', 1);
DELETE FROM safety.offense_weights;
TRUNCATE safety.offense_weights;
UPDATE safety.tier_policy SET share = 0.5;
DELETE FROM safety.tier_policy;
UPDATE safety.report_strings SET template = '<script>' WHERE key = 'weekly.hot';
INSERT INTO safety.report_strings (lang, key, template) VALUES ('xx', 'weekly.hot', '<script>');
INSERT INTO safety.sensitive_places VALUES ('mine', 'school', 'SRID=32616;POINT(0 0)', 1, 1);
UPDATE safety.sensitive_places SET weight = 9;
INSERT INTO safety.tier_history VALUES ('mine', now(), 1, 'red', 1);
UPDATE safety.views SET companions = '{}';
DELETE FROM safety.refresh_log;
SELECT safety.drop_view('tv_plain', 'hp_plain');
DROP TABLE hp_tiers_plain;
RESET ROLE;
SELECT count(*) AS weights, count(*) FILTER (WHERE is_default) AS defaults FROM safety.offense_weights;

-- clean up
SELECT safety.drop_view(name, schema) FROM safety.views WHERE schema IN ('hp_shared', 'hp_refresh', 'hp_refresh_plain');
DELETE FROM safety.refresh_log WHERE schema IN ('hp_shared', 'hp_refresh', 'hp_refresh_plain', 'hp_plain');
DROP SCHEMA hp_shared, hp_refresh, hp_refresh_plain, hp_plain CASCADE;
DROP TABLE hp_incidents;
DROP ROLE regress_hp_alice, regress_hp_mallory, regress_hp_plain;
