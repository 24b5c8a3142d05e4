"""Hostile argument values per SQL type, and a sane baseline per argument.

Every value is a self-contained SQL expression (no parameters), so a failing
call prints as SQL that reproduces it in psql.  Names under public.fuzz_* are
the fixtures of fixtures.sql.
"""

# --- building blocks -------------------------------------------------------

def ev_agg(point, time, extra="", rows=60):
    """an events value aggregated from generate_series g (point/time use g)"""
    return (f"(SELECT safety.events_agg({point}, {time}{extra}) "
            f"FROM generate_series(1, {rows}) g)")


BASE_POINT = "ST_SetSRID(ST_MakePoint(1000 + (g * 37) % 500, 2000 + (g * 53) % 400), 32616)"
BASE_TIME = "'2018-01-01'::timestamptz + g * interval '23 hours'"
BASE_EVENTS = ev_agg(BASE_POINT, BASE_TIME, ", g::int8")
BASE_GRID = "'SRID=32616;SQUARE(250){(4,8,3),(4,9,1),(5,8,2),(5,9,7),(6,8,1),(6,9,4)}'::safety.grid"
AREA = "'SRID=32616;POLYGON((900 1900,1600 1900,1600 2500,900 2500,900 1900))'::geometry"


def grid(text):
    return f"'{text}'::safety.grid"


def events(text):
    return f"'{text}'::safety.events"


def big_array(elem, n, typ):
    return f"(SELECT array_agg({elem})::{typ}[] FROM generate_series(1, {n}) g)"


# --- hostile values per type (format_type spelling) -----------------------

FLOAT8 = ["0::float8", "'-0'::float8", "1e-300::float8", "'4.9e-324'::float8", "1e300::float8",
          "1e308::float8", "(-1e308)::float8", "(-1)::float8", "0.5::float8", "1::float8",
          "'NaN'::float8", "'Infinity'::float8", "'-Infinity'::float8", "9.3e18::float8"]

INT4 = ["0", "1", "(-1)", "2", "3", "2147483647", "(-2147483648)::int4", "1000000", "5000", "99999"]
INT2 = ["0::int2", "1::int2", "(-1)::int2", "3::int2", "(-3)::int2", "4::int2", "32767::int2",
        "(-32768)::int2"]
INT8 = ["0::int8", "1::int8", "(-1)::int8", "9223372036854775807::int8",
        "(-9223372036854775808)::int8", "4294967295::int8",
        # cell ids: i just past ±2^30, j at the int32 edge
        "(1073741825::int8 << 32)", "((-1073741825)::int8 << 32)", "((1073741824::int8 << 32) + 2147483647)"]

TEXT = ["''", "' '", "repeat('x', 100000)", "U&'\\+01F600'", "U&'\\202E' || 'naive'",
        "E'\\t\\n\\r'", "'e' || U&'\\0301'", "U&'\\FEFF' || 'quartic'", "'''); DROP TABLE fuzz_incidents; --'",
        "'\"; SELECT 1; --'", "'%s%n%x'", "E'\\\\'", "'NULL'", "'DEFAULT'", "' naive'", "'naive '",
        "'counts 0 days'", "'counts -1 days'", "'counts 2147483648 days'", "'counts NaN days'",
        "'kde 0 days'", "'kde 1e-300 days'", "'kde 100000000 days'", "'euclidean'", "'fixed'",
        "'uniform'", "'burglary'"]

INTERVAL = ["'0'::interval", "'-1 day'::interval", "'1 microsecond'::interval",
            "'-1 microsecond'::interval", "'1 month'::interval", "'1 mon -30 days'::interval",
            "'178000000 years'::interval", "'-178000000 years'::interval",
            "'2147483647 days'::interval", "'9223372036854775807 microseconds'::interval"]

TIMESTAMPTZ = ["'-infinity'::timestamptz", "'infinity'::timestamptz", "'0001-01-01 00:00+00'::timestamptz",
               "'4713-01-01 00:00+00 BC'::timestamptz", "'294276-12-31 23:59:59+00'::timestamptz",
               "'9999-12-31 23:59:59.999999+00'::timestamptz", "'10000-01-01 00:00+00'::timestamptz",
               "'1970-01-01 00:00+00'::timestamptz", "'2018-01-01 00:00+00'::timestamptz"]

BOOL = ["true", "false"]

GEOMETRY = [
    "'POINT(1200 2200)'::geometry",                       # SRID 0
    "'SRID=4326;POINT(-84.5 39.1)'::geometry",
    "'SRID=3857;POINT(-9406000 4740000)'::geometry",
    "'SRID=32616;POINT EMPTY'::geometry",
    "'SRID=32616;POINT(1e300 1e300)'::geometry",
    "'SRID=32616;POINT(-1.7e308 1.7e308)'::geometry",
    "ST_SetSRID(ST_MakePoint('NaN', 'NaN'), 32616)",
    "ST_SetSRID(ST_MakePoint('Infinity', 0), 32616)",
    "'SRID=32616;POINT Z (1200 2200 5)'::geometry",
    "'SRID=32616;POINT M (1200 2200 5)'::geometry",
    "'SRID=32616;POINT ZM (1200 2200 5 6)'::geometry",
    "'SRID=32616;LINESTRING(1000 2000,1500 2400)'::geometry",
    AREA,
    "'SRID=32616;POLYGON((0 0,1e300 0,1e300 1e300,0 1e300,0 0))'::geometry",
    "'SRID=32616;POLYGON((900 1900,1600 2500,1600 1900,900 2500,900 1900))'::geometry",   # bow-tie
    "'SRID=32616;POLYGON((900 1900,1600 1900,1600 2500,900 2500,900 1900),(1000 2000,1100 2000,1100 2100,1000 2000))'::geometry",
    "'SRID=32616;POLYGON EMPTY'::geometry",
    "'SRID=32616;MULTIPOINT((1000 2000),(1200 2200))'::geometry",
    "'SRID=32616;MULTILINESTRING((1000 2000,1500 2400))'::geometry",
    "'SRID=32616;MULTIPOLYGON(((900 1900,1600 1900,1600 2500,900 1900)),((0 0,1 0,1 1,0 0)))'::geometry",
    "'SRID=32616;MULTIPOLYGON EMPTY'::geometry",
    "'SRID=32616;GEOMETRYCOLLECTION(POINT(1000 2000),POLYGON((0 0,1 0,1 1,0 0)))'::geometry",
    "'SRID=32616;GEOMETRYCOLLECTION EMPTY'::geometry",
    "'SRID=32616;CIRCULARSTRING(0 0,1 1,2 0)'::geometry",
    "'SRID=32616;CURVEPOLYGON(CIRCULARSTRING(900 1900,1600 2500,900 1900))'::geometry",
    "'SRID=32616;TRIANGLE((0 0,0 9,9 0,0 0))'::geometry",
    "'SRID=32616;TIN(((0 0 0,0 0 1,0 1 0,0 0 0)))'::geometry",
    "'SRID=32616;POLYHEDRALSURFACE(((0 0 0,0 0 1,0 1 1,0 1 0,0 0 0)))'::geometry",
    "ST_Buffer('SRID=32616;POINT(1200 2200)'::geometry, 500, 2000)",   # 8,000 vertices
]

EVENTS = [
    "'SRID=32616;{}'::safety.events",
    "'SRID=0;{}'::safety.events",
    "(SELECT safety.events_agg(NULL::geometry, NULL::timestamptz) WHERE false)",
    "(SELECT safety.events_agg(NULL::geometry, NULL::timestamptz) FROM generate_series(1, 3))",
    events("SRID=32616;{(1000,2000,2018-02-01T00:00:00Z,,1,1)}"),
    events("SRID=32616;{(1000,2000,2018-02-01T00:00:00Z,,1,1),(1000,2000,2018-02-01T00:00:00Z,,1,2)}"),
    ev_agg("'SRID=32616;POINT(1000 2000)'::geometry", "'2018-02-01'::timestamptz", rows=50),
    ev_agg("ST_SetSRID(ST_MakePoint(1000, 2000 + g), 32616)", BASE_TIME),          # collinear
    ev_agg("ST_SetSRID(ST_MakePoint(-84.5 + g * 1e-3, 39.1), 4326)", BASE_TIME),
    ev_agg("ST_MakePoint(g, g)", BASE_TIME),                                        # SRID 0
    events("SRID=32616;{(1e300,1e300,2018-02-01T00:00:00Z,,1,),(-1e300,-1e300,2018-02-02T00:00:00Z,,1,)}"),
    events("SRID=32616;{(1.7e308,0,2018-02-01T00:00:00Z,,1,),(-1.7e308,0,2018-02-02T00:00:00Z,,1,)}"),
    events("SRID=32616;{(0,0,2018-02-01T00:00:00Z,,1,),(1e-300,1e-300,2018-02-01T00:00:00Z,,1,)}"),
    events("SRID=32616;{(1000,2000,0001-01-01T00:00:00Z,,1,),(1100,2100,9999-12-31T23:59:59.999999Z,,1,)}"),
    events("SRID=32616;{(1000,2000,0001-01-01T00:00:00Z,9999-12-31T23:59:59.999999Z,1,-9223372036854775808),"
           "(1100,2000,2018-01-01T00:00:00Z,,1,9223372036854775807)}"),
    ev_agg(BASE_POINT, BASE_TIME, ", g::int8, 1e308"),
    ev_agg(BASE_POINT, BASE_TIME, ", g::int8, -1e308"),
    ev_agg(BASE_POINT, BASE_TIME, ", g::int8, 0"),
    ev_agg(BASE_POINT, BASE_TIME, ", g::int8, 1e-300"),
    ev_agg("ST_SetSRID(ST_MakePoint(1000 + (g * 37) % 5000, 2000 + (g * 53) % 4000), 32616)",
           "'2015-01-01'::timestamptz + g * interval '1 hour'", ", g::int8", rows=3000),
    ev_agg(BASE_POINT, "'2018-01-01'::timestamptz + g * interval '1 microsecond'"),
]

GRID = [
    grid("SRID=32616;SQUARE(250){}"),
    grid("SRID=32616;HEX(250){}"),
    grid("SRID=32616;SQUARE(250){(0,0,1)}"),
    grid("SRID=32616;HEX(250){(1,-1,3),(1,0,1),(2,0,5)}"),
    grid("SRID=0;SQUARE(1){(0,0,1),(0,1,2)}"),
    grid("SRID=4326;SQUARE(0.01){(-8450,3910,1),(-8450,3911,2)}"),
    grid("SRID=32616;SQUARE(1e-300){(0,0,1),(0,1,2)}"),
    grid("SRID=32616;SQUARE(4.9e-324){(0,0,1)}"),
    grid("SRID=32616;SQUARE(1e300){(0,0,1),(1,1,2)}"),
    grid("SRID=32616;HEX(1e300){(0,0,1),(1,0,2)}"),
    grid("SRID=32616;SQUARE(250){(0,0,1e300),(0,1,1e300),(1,0,-1e300)}"),
    grid("SRID=32616;SQUARE(250){(0,0,1.7e308),(0,1,1.7e308),(1,0,1.7e308)}"),
    grid("SRID=32616;SQUARE(250){(0,0,0),(0,1,0),(1,0,0)}"),
    grid("SRID=32616;SQUARE(250){(0,0,-5),(0,1,-1),(1,0,-2)}"),
    grid("SRID=32616;SQUARE(250){(-1073741824,-1073741824,1),(-1073741824,1073741824,2),"
         "(1073741824,-1073741824,3),(1073741824,1073741824,4)}"),
    grid("SRID=32616;HEX(250){(-1073741824,-1073741824,1),(1073741824,1073741824,4)}"),
    "(SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(g % 100 * 250 + 1, g / 100 * 250 + 1), 32616), 250) "
    "FROM generate_series(0, 9999) g)",
    "(SELECT safety.grid_agg(NULL::geometry, 250) FROM generate_series(1, 3))",
]

FLOAT8_ARRAY = ["'{}'::float8[]", "'{NULL}'::float8[]", "'{100,NULL}'::float8[]", "'{NaN}'::float8[]",
                "'{Infinity}'::float8[]", "'{-Infinity,100}'::float8[]", "'{0}'::float8[]", "'{-1}'::float8[]",
                "'{1e308}'::float8[]", "'{1e-300}'::float8[]", "'{300,200,100}'::float8[]",
                "'{100,100}'::float8[]", "'{{100,200},{300,400}}'::float8[]", "'[5:6]={100,200}'::float8[]",
                "'{0.5,0.5,0.5}'::float8[]", "'{1.5}'::float8[]",
                big_array("g::float8", 254, "float8"), big_array("g::float8", 300, "float8"),
                big_array("g::float8", 100000, "float8")]

INT8_ARRAY = ["'{}'::int8[]", "'{NULL}'::int8[]", "'{0}'::int8[]", "'{-1}'::int8[]", "'{1,NULL,3}'::int8[]",
              "'{9223372036854775807}'::int8[]", "'{-9223372036854775808}'::int8[]", "'{3,2,1}'::int8[]",
              "'{{1,2},{3,4}}'::int8[]", big_array("g::int8", 100000, "int8")]

TEXT_ARRAY = ["'{}'::text[]", "'{NULL}'::text[]", "'{\"\"}'::text[]", "'{default}'::text[]",
              "'{naive,naive}'::text[]", "'{bogus}'::text[]", "'{\"counts 0 days\"}'::text[]",
              "'{\"kde 0 days\"}'::text[]", "'{\"counts 2147483648 days\"}'::text[]",
              "'{{naive},{prospective}}'::text[]", "ARRAY[repeat('x', 100000)]",
              big_array("'naive'", 2000, "text")]

NAME = ["''::name", "'x'::name", "'fuzz_hot'::name", "'public'::name", "'safety'::name", "'pg_catalog'::name",
        "repeat('n', 100)::name", "'geom'::name", "'occurred_at'::name", "'id'::name", "'offense'::name",
        "'odd \"name'::name", "'a;b'::name", "U&'\\+01F600'::name"]

NAME_ARRAY = ["'{}'::name[]", "'{NULL}'::name[]", "'{\"\"}'::name[]", "'{a}'::name[]", "'{a,a}'::name[]",
              big_array("('c' || g)::name", 2000, "name")]

REGCLASS = ["'public.fuzz_incidents'::regclass", "'public.fuzz_hot'::regclass", "'public.fuzz_nr'::regclass",
            "'public.fuzz_tier'::regclass", "'public.fuzz_empty'::regclass", "'public.fuzz_nulls'::regclass",
            "'pg_class'::regclass", "'safety.views'::regclass", "0::oid::regclass", "4294967295::oid::regclass"]

PARAMS = "(SELECT parameters FROM safety.views WHERE name = 'fuzz_hot')"
JSONB = ["'{}'::jsonb", "'null'::jsonb", "'[]'::jsonb", "'1'::jsonb", "'\"x\"'::jsonb",
         "(SELECT parameters FROM safety.views WHERE name = 'fuzz_nr')",
         "(SELECT parameters FROM safety.views WHERE name = 'fuzz_tier')",
         f"{PARAMS} || '{{\"cell_size\": 0}}'", f"{PARAMS} || '{{\"cell_size\": \"NaN\"}}'",
         f"{PARAMS} || '{{\"cell_size\": 1e400}}'", f"{PARAMS} || '{{\"window\": \"-1 day\"}}'",
         f"{PARAMS} || '{{\"srid\": -1}}'", f"{PARAMS} || '{{\"srid\": \"x\"}}'",
         f"{PARAMS} || '{{\"as_of\": \"infinity\"}}'", f"{PARAMS} || '{{\"as_of\": \"garbage\"}}'",
         f"{PARAMS} || '{{\"filter\": \"true) OR (true\"}}'", f"{PARAMS} || '{{\"geom_column\": \"x\\\\\"y\"}}'",
         f"{PARAMS} - 'cell_size'", f"{PARAMS} || '{{\"min_count\": 2147483648}}'",
         "(repeat('[', 5000) || repeat(']', 5000))::jsonb"]

VIEWS_ROW = ["(SELECT v FROM safety.views v WHERE v.name = 'fuzz_nr')",
             "(SELECT v FROM safety.views v WHERE v.name = 'fuzz_hot')",
             "ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL)::safety.views",
             "ROW('public', 'nope', 'hotspot', NULL, '{}', NULL, '{x,y}')::safety.views"]

HOSTILE = {
    "double precision": FLOAT8, "integer": INT4, "smallint": INT2, "bigint": INT8, "text": TEXT,
    "interval": INTERVAL, "timestamp with time zone": TIMESTAMPTZ, "boolean": BOOL,
    "geometry": GEOMETRY, "safety.events": EVENTS, "safety.grid": GRID,
    "double precision[]": FLOAT8_ARRAY, "bigint[]": INT8_ARRAY, "text[]": TEXT_ARRAY,
    "name": NAME, "name[]": NAME_ARRAY, "regclass": REGCLASS, "jsonb": JSONB,
    "safety.views": VIEWS_ROW,
    "cstring": [f"({v})::cstring" for v in TEXT if "repeat" not in v] +
               [f"{v[:v.rindex('::')]}::cstring" for v in EVENTS + GRID if v.startswith("'")],
}

# --- baselines -------------------------------------------------------------

BASE_BY_TYPE = {
    "double precision": "250::float8", "integer": "3", "smallint": "3::int2", "bigint": "1::int8",
    "text": "'x'", "interval": "'7 days'::interval", "timestamp with time zone": "'2018-02-01 00:00+00'::timestamptz",
    "boolean": "false", "geometry": "'SRID=32616;POINT(1200 2200)'::geometry", "safety.events": BASE_EVENTS,
    "safety.grid": BASE_GRID, "double precision[]": "'{100,200}'::float8[]", "bigint[]": "'{1,2}'::int8[]",
    "text[]": "'{naive}'::text[]", "name": "'fuzz_hot'::name", "name[]": "'{a}'::name[]",
    "regclass": "'public.fuzz_incidents'::regclass", "jsonb": PARAMS,
    "safety.views": VIEWS_ROW[0], "cstring": "'SRID=32616;SQUARE(250){(0,0,1)}'::cstring",
}

# by argument name; (function, argument) pairs take precedence
BASE_BY_NAME = {
    "cell_size": "250::float8", "bandwidth": "500::float8", "distance": "750::float8", "area": "160000::float8",
    "tolerance": "0::float8", "within": "'1 year'::interval", "as_of": "'2018-03-01 00:00+00'::timestamptz",
    "start": "'2018-02-15 00:00+00'::timestamptz", "stop": "'2018-03-01 00:00+00'::timestamptz",
    "from_as_of": "'2018-02-15 00:00+00'::timestamptz", "to_as_of": "'2018-03-01 00:00+00'::timestamptz",
    "step": "'7 days'::interval", "horizon": "'7 days'::interval", "window": "'1 year'::interval",
    "history": "'1 year'::interval", "baseline": "'3 years'::interval", "half_life": "'14 days'::interval",
    "distance_bands": "'{100,200}'::float8[]", "time_bands": "'{7,14}'::float8[]", "days": "14::float8",
    "permutations": "99", "seed": "1::int8", "metric": "'manhattan'", "same_location": "0::float8",
    "alpha": "0.05::float8", "min_ratio": "1.2::float8", "kernel": "'quartic'", "model": "'default'",
    "models": "'{default,naive,\"counts 28 days\",\"kde 365 days\",prospective}'::text[]",
    "coverages": "'{0.01,0.1}'::float8[]", "shares": "'{0.01,0.05,0.15}'::float8[]", "caps": "NULL::int8[]",
    "keep": "0.8::float8", "lookback": "4", "method": "'quantile'", "red": "NULL::float8",
    "orange": "NULL::float8", "yellow": "NULL::float8", "w_harm": "0.4::float8", "w_recency": "0.3::float8",
    "w_seasonal": "0.2::float8", "w_trend": "0.1::float8", "weight": "1::float8", "study_area": AREA,
    "fdr": "true", "e": BASE_EVENTS, "g": BASE_GRID, "geom": "'SRID=32616;POINT(1200 2200)'::geometry",
    "occurred_at": "'2018-02-01 00:00+00'::timestamptz", "occurred_from": "'2018-02-01 00:00+00'::timestamptz",
    "occurred_to": "'2018-02-02 00:00+00'::timestamptz", "id": "1::int8", "offense": "'burglary'",
    "unknown": "1::float8", "observed": "5::float8", "expected": "2::float8", "dispersion": "0::float8",
    "score": "0.5::float8", "class": "3", "density": "1::float8", "cell_id": "((4::int8 << 32) + 8)",
    "source": "'public.fuzz_incidents'::regclass", "view": "'public.fuzz_hot'::regclass",
    "geom_column": "'geom'::name", "time_column": "'occurred_at'::name", "id_column": "'id'::name",
    "offense_column": "'offense'::name", "col": "'geom'::name", "schema": "'public'::name",
    "filter": "NULL::text", "min_count": "3", "fn": "'safety.fuzz'", "what": "'cell size'",
    "size": "250::float8", "srid": "32616", "call": "'SELECT 1'", "expr": "'id > 1'",
    "names": "'{fuzz_x}'::text[]", "parameters": PARAMS, "columns": "'count(*)'",
    "relation": "'table'", "query": "'SELECT 1 AS a, NULL::geometry AS geom'",
    "unique_columns": "'{a}'::name[]", "gist_column": "'geom'::name", "description": "'fuzz'",
    "z": "14", "x": "4028", "y": "8191", "layer": "'hotspots'", "v": VIEWS_ROW[0],
}

BASE_BY_FUNC = {
    ("utm_srid", "geom"): "'SRID=4326;POINT(-84.5 39.1)'::geometry",
    ("record_tiers", "name"): "'fuzz-tiers'", ("tier_changes", "name"): "'fuzz-tiers'",
    ("create_hotspot_view", "name"): "'fuzz_new'", ("create_near_repeat_view", "name"): "'fuzz_new'",
    ("create_tier_view", "name"): "'fuzz_new'", ("_create_view_relation", "name"): "'fuzz_rel'",
    ("drop_view", "name"): "'fuzz_hot'", ("refresh", "name"): "'fuzz_hot'", ("_view_entry", "name"): "'fuzz_hot'",
    ("_owns_view", "name"): "'fuzz_hot'::name", ("repeat_windows", "distance"): "200::float8",
    ("_near_repeat_view_sql", "parameters"): "(SELECT parameters FROM safety.views WHERE name = 'fuzz_nr')",
    ("_tier_view_sql", "parameters"): "(SELECT parameters FROM safety.views WHERE name = 'fuzz_tier')",
    ("_tier_view_args", "parameters"): "(SELECT parameters FROM safety.views WHERE name = 'fuzz_tier')",
    ("create_hotspot_view", "window"): "'1 year'::interval", ("_check_view_window", "window"): "'1 year'::interval",
    ("_view_gi_star", "distance"): "750::float8", ("gi_star", "distance"): "750::float8",
    ("_check_view_call", "call"): "'safety.num_events($1) AS n'",
    ("events_in", ""): "'SRID=32616;{(1000,2000,2018-02-01T00:00:00Z,,1,1)}'::cstring",
}


def baseline(func, argname, argtype):
    if (func, argname) in BASE_BY_FUNC:
        return BASE_BY_FUNC[(func, argname)]
    if argname in BASE_BY_NAME:
        return BASE_BY_NAME[argname]
    return BASE_BY_TYPE.get(argtype)
