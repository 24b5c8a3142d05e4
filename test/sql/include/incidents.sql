\set ECHO none
-- incidents.sql — what every test file needs, so that each also runs alone
-- (make installcheck REGRESS=NAME): the extension and the bundled
-- Cincinnati burglaries as table "incidents".  After 00_setup both exist
-- and nothing is done.  Not echoed, so the output is the same either way.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS safety CASCADE;
SELECT pg_catalog.to_regclass('incidents') IS NULL AS need_incidents \gset
\if :need_incidents
\i scripts/load-data.sql
-- load-data stops at its first error; the tests raise errors on purpose
\unset ON_ERROR_STOP
\endif
RESET client_min_messages;
\set ECHO all
