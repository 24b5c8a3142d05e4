-- Set-up shared by every suite: the extension (PostGIS comes with CASCADE)
-- and the bundled Cincinnati burglaries as table "incidents".
SET client_min_messages = warning;
-- readable times in every suite
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'UTC'); END $$;
SET timezone = 'UTC';
CREATE EXTENSION safety CASCADE;
SELECT extname, extnamespace::regnamespace FROM pg_extension WHERE extname IN ('postgis', 'safety') ORDER BY 1;
\i scripts/load-data.sql
SELECT count(*) AS incidents, count(geom) AS located,
       min(occurred_at) AS first, max(occurred_at) AS last
FROM incidents;
-- every SQL object of the extension carries a comment
SELECT count(*) AS objects_without_comment
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'safety'
WHERE d.deptype = 'e'
  AND pg_catalog.obj_description(d.objid, d.classid::regclass::text) IS NULL
  AND d.classid <> 'pg_type'::regclass;  -- array types have no comment of their own
SELECT t.typname FROM pg_type t JOIN pg_depend d ON d.objid = t.oid AND d.classid = 'pg_type'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'safety'
WHERE t.typelem = 0 AND obj_description(t.oid, 'pg_type') IS NULL;
