-- Text and binary round trips of safety.grid and safety.events, and
-- malformed input (text and bytes) giving errors, never a crash.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

-- text round trips
SELECT 'SRID=32616;SQUARE(250){(-3,4,1.5),(0,0,2),(0,1,0.1)}'::safety.grid;
SELECT ' SRID=0 ; HEX( 0.5 ) { ( 1 , -2 , 1e-3 ) } '::safety.grid;
SELECT 'SRID=32616;SQUARE(1){}'::safety.grid AS empty_grid;
SELECT 'SRID=32616;{(1.5,2,2016-01-01T00:00:00Z,,1,),(1,2,2016-01-01T00:00:00.000001Z,2016-01-02T00:00:00Z,2.5,-7)}'::safety.events;
SELECT 'SRID=32616;{}'::safety.events AS empty_events;
CREATE TEMP TABLE io AS
SELECT (SELECT safety.grid_agg(geom, 250) FROM incidents) AS g,
       (SELECT safety.hex_agg(geom, 123.456, id / 7.0) FROM incidents) AS h,
       (SELECT safety.events_agg(geom, occurred_at, occurred_at + (id % 5) * interval '1 hour', id, 1 + id % 3) FROM incidents) AS e;
SELECT g::text::safety.grid::text = g::text AS grid_text_round_trip,
       h::text::safety.grid::text = h::text AS hex_text_round_trip,
       e::text::safety.events::text = e::text AS events_text_round_trip,
       safety.num_events(e) AS events
FROM io;
-- the events keep every field
SELECT count(*) AS rows, count(*) FILTER (WHERE r.id = i.id AND r.x = ST_X(i.geom) AND r.y = ST_Y(i.geom)
            AND r.occurred_from = i.occurred_at
            AND r.occurred_to IS NOT DISTINCT FROM CASE WHEN i.id % 5 = 0 THEN NULL ELSE i.occurred_at + (i.id % 5) * interval '1 hour' END
            AND r.weight = 1 + i.id % 3) AS matching
FROM io, safety.event_rows(io.e) r JOIN incidents i ON i.id = r.id;

-- binary round trips through COPY BINARY (grid_send / grid_recv)
COPY io TO '/tmp/safety_regress_io.bin' WITH (FORMAT binary);
CREATE TEMP TABLE io2 (LIKE io);
COPY io2 FROM '/tmp/safety_regress_io.bin' WITH (FORMAT binary);
SELECT io.g::text = io2.g::text AS grid_binary_round_trip,
       io.h::text = io2.h::text AS hex_binary_round_trip,
       io.e::text = io2.e::text AS events_binary_round_trip
FROM io, io2;
SELECT length(safety.grid_send(g)) = 22 + 16 * safety.num_cells(g) AS grid_wire_size,
       length(safety.events_send(e)) = 14 + 49 * safety.num_events(e) AS events_wire_size
FROM io;

-- malformed text
SELECT 'SRID=32616;SQUARE(250){(0,0,1)'::safety.grid;
SELECT 'SRID=32616;SQUARE(250){(0,0,1),(0,0,2)}'::safety.grid;
SELECT 'SRID=32616;SQUARE(250){(1,0,1),(0,0,2)}'::safety.grid;
SELECT 'SRID=32616;SQUARE(-1){}'::safety.grid;
SELECT 'SRID=32616;SQUARE(nan){}'::safety.grid;
SELECT 'SRID=32616;SQUARE(1){(0,0,inf)}'::safety.grid;
SELECT 'SRID=32616;SQUARE(1){(0,0,0x10)}'::safety.grid;
SELECT 'SRID=32616;SQUARE(1){(2000000000,0,1)}'::safety.grid;
SELECT 'SRID=9999999;SQUARE(1){}'::safety.grid;
SELECT 'SRID=32616;TRIANGLE(1){}'::safety.grid;
SELECT 'SRID=32616;SQUARE(1){} trailing'::safety.grid;
SELECT ''::safety.grid;
SELECT 'SRID=32616;{(1,2,2016-13-01T00:00:00Z,,1,)}'::safety.events;
SELECT 'SRID=32616;{(1,2,2016-02-30T00:00:00Z,,1,)}'::safety.events;
SELECT 'SRID=32616;{(1,2,2016-01-01 00:00:00,,1,)}'::safety.events;
SELECT 'SRID=32616;{(1,2,2016-01-02T00:00:00Z,2016-01-01T00:00:00Z,1,)}'::safety.events;
SELECT 'SRID=32616;{(1,2,2016-01-01T00:00:00Z,,1,99999999999999999999)}'::safety.events;
SELECT 'SRID=32616;{(1,2,2016-01-01T00:00:00Z,,1,)'::safety.events;
-- truncated text of a real value, at many lengths: always an error, never a crash
DO $$
DECLARE
  full_text text := (SELECT g::text FROM io);
  ev_text text := (SELECT e::text FROM io);
  errors int := 0;
  n int;
BEGIN
  FOR n IN SELECT generate_series(1, length(full_text) - 1, 97) LOOP
    BEGIN
      PERFORM left(full_text, n)::safety.grid;
    EXCEPTION WHEN invalid_text_representation THEN errors := errors + 1;
    END;
  END LOOP;
  FOR n IN SELECT generate_series(1, length(ev_text) - 1, 997) LOOP
    BEGIN
      PERFORM left(ev_text, n)::safety.events;
    EXCEPTION WHEN invalid_text_representation THEN errors := errors + 1;
    END;
  END LOOP;
  RAISE NOTICE 'truncated texts rejected: %', errors;
END $$;
-- oversized text: more cells than safety.max_cells is refused
SELECT g::text AS big_grid_text FROM io \gset
SET safety.max_cells = 100;
SELECT :'big_grid_text'::safety.grid;
-- stored values stay readable whatever the limit
SELECT safety.num_cells(g) FROM io;
RESET safety.max_cells;

-- malformed bytes through the binary receive functions: a binary COPY file
-- is written with the payload and read back into a typed column
CREATE TEMP TABLE recv_target_grid (v safety.grid);
CREATE TEMP TABLE recv_target_events (v safety.events);
CREATE FUNCTION pg_temp.recv_bytes(typ text, payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  file bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
             || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea;
BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L', translate(encode(file, 'base64'), E'\n', ''),
                 '/tmp/safety_regress_recv.b64');
  EXECUTE format('TRUNCATE recv_target_%s', typ);
  EXECUTE format('COPY recv_target_%s FROM PROGRAM %L WITH (FORMAT binary)', typ,
                 'base64 -d /tmp/safety_regress_recv.b64');
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- valid payloads are accepted
SELECT pg_temp.recv_bytes('grid', safety.grid_send(g)) FROM io;
SELECT pg_temp.recv_bytes('events', safety.events_send(e)) FROM io;
-- hand-made bad payloads
SELECT pg_temp.recv_bytes('grid', '\x01'::bytea);
SELECT pg_temp.recv_bytes('grid', '\x0200000000000000000000000000000000000000000000'::bytea);
-- ncells claims 2^62 cells: refused before allocating
SELECT pg_temp.recv_bytes('grid', '\x0100' || int4send(32616) || float8send(250) || int8send(4611686018427387904) || '\x00000000000000003ff0000000000000'::bytea);
SELECT pg_temp.recv_bytes('grid', '\x0100' || int4send(32616) || float8send('NaN') || int8send(0));
SELECT pg_temp.recv_bytes('grid', '\x0100' || int4send(32616) || float8send(1) || int8send(2)
       || int4send(0) || int4send(1) || float8send(1) || int4send(0) || int4send(0) || float8send(1));
SELECT pg_temp.recv_bytes('events', '\x0100' || int4send(32616) || int8send(1000000));
SELECT pg_temp.recv_bytes('events', '\x0100' || int4send(32616) || int8send(1) || float8send('Infinity') || float8send(0)
       || int8send(0) || int8send(0) || float8send(1) || '\x00'::bytea || int8send(0));
-- random bytes and random mutations of valid payloads: every one is an
-- error or a valid value, and the server survives
DO $$
DECLARE
  g bytea := (SELECT safety.grid_send(g) FROM io LIMIT 1);
  e bytea := (SELECT safety.events_send(e) FROM (SELECT e FROM io) s);
  small_g bytea;
  small_e bytea;
  p bytea;
  r text;
  k int;
  accepted int := 0;
  rejected int := 0;
BEGIN
  PERFORM setseed(0.42);
  small_g := substring(g FROM 1 FOR 22) ;
  small_g := overlay(small_g PLACING int8send(3) FROM 15 FOR 8) || substring(g FROM 23 FOR 48);
  small_e := overlay(substring(e FROM 1 FOR 14) PLACING int8send(2) FROM 7 FOR 8) || substring(e FROM 15 FOR 98);
  FOR k IN 1..120 LOOP
    IF k % 3 = 0 THEN
      p := decode(substring(md5(random()::text) || md5(random()::text) FROM 1 FOR (2 * (1 + floor(random() * 30)))::int), 'hex');
    ELSIF k % 3 = 1 THEN
      p := set_byte(small_g, floor(random() * length(small_g))::int, floor(random() * 256)::int);
    ELSE
      p := set_byte(small_e, floor(random() * length(small_e))::int, floor(random() * 256)::int);
    END IF;
    r := pg_temp.recv_bytes(CASE WHEN k % 3 = 2 THEN 'events' ELSE 'grid' END, p);
    IF r = 'accepted' THEN accepted := accepted + 1;
    ELSIF r LIKE '22P03:%' OR r LIKE '54000:%' THEN rejected := rejected + 1;
    ELSE RAISE NOTICE 'unexpected: %', r;
    END IF;
  END LOOP;
  RAISE NOTICE 'random payloads: % accepted, % rejected with 22P03/54000', accepted, rejected;
END $$;
-- the small valid payloads used above are themselves valid
SELECT pg_temp.recv_bytes('grid', overlay(substring(g FROM 1 FOR 22) PLACING int8send(3) FROM 15 FOR 8) || substring(g FROM 23 FOR 48)) FROM (SELECT safety.grid_send(g) AS g FROM io) s;
