#!/usr/bin/python3
"""Dashboard queries from Python (psycopg 3) against a safety hotspot view.

Every answer is checked against an independent computation: the events per
250 m cell are counted here, in Python, from the raw incident rows.  Also
checks that two refreshes of one view wait for each other while dashboard
reads go on, and decodes a Mapbox Vector Tile by hand.

Usage: dashboard.py CONNINFO   (prints "python_client: N passed, N failed")
"""
import math
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg import sql

VIEW = "Dashboard Hotspots"          # a name that needs quoting
CELL, WINDOW_DAYS, MIN_COUNT = 250.0, 365, 3
AS_OF = datetime(2018, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def expected_cells(conn):
    """cell (i, j) -> events, computed from the raw rows in Python"""
    lo = AS_OF - timedelta(days=WINDOW_DAYS)
    rows = conn.execute(
        "SELECT ST_X(geom), ST_Y(geom), occurred_at FROM incidents WHERE geom IS NOT NULL").fetchall()
    counts = Counter((math.floor(x / CELL), math.floor(y / CELL)) for x, y, t in rows if lo < t <= AS_OF)
    return {c: n for c, n in counts.items() if n >= MIN_COUNT}


def cell_id(i, j):
    return (i << 32) + (j & 0xFFFFFFFF)


# --- a minimal protobuf reader for Mapbox Vector Tiles ----------------------
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        f, t = key >> 3, key & 7
        if t == 0:
            v, i = varint(b, i)
        elif t == 2:
            n, i = varint(b, i)
            v, i = bytes(b[i:i + n]), i + n
        elif t == 1:
            v, i = bytes(b[i:i + 8]), i + 8
        elif t == 5:
            v, i = bytes(b[i:i + 4]), i + 4
        else:
            raise ValueError(f"wire type {t}")
        yield f, v


def mvt_layers(tile):
    """{layer name: [ {property: value} per feature ]}"""
    out = {}
    for f, layer in fields(tile):
        if f != 3:
            continue
        name, keys, values, feats = None, [], [], []
        for lf, lv in fields(layer):
            if lf == 1:
                name = lv.decode()
            elif lf == 3:
                keys.append(lv.decode())
            elif lf == 4:
                for vf, vv in fields(lv):
                    if vf == 1:
                        values.append(vv.decode())
                    elif vf in (4, 5):
                        values.append(vv if vv < 1 << 63 else vv - (1 << 64))
                    elif vf == 6:
                        values.append((vv >> 1) ^ -(vv & 1))
                    else:
                        values.append(vv)
            elif lf == 2:
                feats.append(lv)
        props = []
        for feat in feats:
            tags = []
            for ff, fv in fields(feat):
                if ff == 2:
                    j = 0
                    while j < len(fv):
                        t, j = varint(fv, j)
                        tags.append(t)
            props.append({keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)})
        out[name] = props
    return out


def main(conninfo):
    conn = psycopg.connect(conninfo, autocommit=True)
    conn.execute("SET timezone = 'UTC'")
    conn.execute("SELECT safety.create_hotspot_view(%s, 'incidents', 'geom', 'occurred_at', %s, 500, %s, "
                 "min_count => %s, as_of => %s)",
                 (VIEW, CELL, timedelta(days=WINDOW_DAYS), MIN_COUNT, AS_OF))
    view = sql.Identifier("public", VIEW)
    conn.execute("CALL safety.refresh(%s)", (VIEW,))
    want = expected_cells(conn)

    # 1. all cells
    got = {r[0]: r[1] for r in conn.execute(sql.SQL("SELECT cell_id, events FROM {}").format(view))}
    check(f"every cell and count equal to the Python count ({len(want)} cells)", got == {cell_id(*c): n for c, n in want.items()},
          f"{len(got)} vs {len(want)} cells")
    check("no published cell below min_count", min(got.values()) >= MIN_COUNT)

    # 2. cells in a bounding box given in longitude/latitude, as a web map sends it
    bbox = (-84.53, 39.10, -84.49, 39.14)
    rows = conn.execute(sql.SQL(
        "SELECT cell_id, events FROM {} WHERE geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 32616) "
        "ORDER BY cell_id").format(view), bbox).fetchall()
    xmin, ymin, xmax, ymax = conn.execute(
        "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
        "(SELECT ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 32616)::box2d AS b) t", bbox).fetchone()
    inside = sorted(cell_id(i, j) for (i, j) in want
                    if i * CELL <= xmax and (i + 1) * CELL >= xmin and j * CELL <= ymax and (j + 1) * CELL >= ymin)
    check(f"cells in a bounding box ({len(inside)} cells)", [r[0] for r in rows] == inside and len(inside) > 0, f"{len(rows)} vs {len(inside)}")

    # 3. top 10 hotspots
    top = conn.execute(sql.SQL("SELECT cell_id, events FROM {} ORDER BY events DESC, cell_id LIMIT 10").format(view)).fetchall()
    exp = sorted(((cell_id(*c), n) for c, n in want.items()), key=lambda r: (-r[1], r[0]))[:10]
    check("top 10 hotspots", [tuple(r) for r in top] == exp, f"{top} vs {exp}")

    # 4. tier counts: the view's tier column against safety.gi_star (750 m band, FDR)
    # on the window's count grid, over the cells counted here
    tiers = dict(conn.execute(sql.SQL("SELECT tier, count(*) FROM {} GROUP BY tier").format(view)).fetchall())
    gi = dict(conn.execute(
        "SELECT z.cell_id, safety.tier_from_gi(z.class)::text FROM (SELECT safety.grid_agg(geom, %s) AS g FROM incidents "
        "WHERE geom IS NOT NULL AND occurred_at > %s AND occurred_at <= %s) t, safety.gi_star(t.g, %s, NULL, true) z",
        (CELL, AS_OF - timedelta(days=WINDOW_DAYS), AS_OF, 3 * CELL)).fetchall())
    exp_t = Counter(gi.get(cell_id(*c)) for c in want)
    check(f"tier counts {dict(sorted(exp_t.items(), key=str))}", tiers == dict(exp_t) and len(tiers) > 1, f"{tiers} vs {dict(exp_t)}")
    dens = conn.execute(sql.SQL("SELECT count(*) FILTER (WHERE density > 0 AND density_km2 = density * 1e6 AND gi_z IS NOT NULL) "
                                "FROM {}").format(view)).fetchone()[0]
    check("density, density_km2 and gi_z on every cell", dens == len(want), f"{dens} vs {len(want)}")

    # 5. GeoJSON FeatureCollection in longitude/latitude
    fc = conn.execute(sql.SQL(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', "
        "coalesce(json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json ORDER BY t.cell_id), '[]'::json)) "
        "FROM (SELECT cell_id, events, ST_Transform(geom, 4326) AS geom FROM {}) t").format(view)).fetchone()[0]
    feats = fc["features"]
    check("GeoJSON FeatureCollection", fc["type"] == "FeatureCollection" and
          {f["properties"]["cell_id"]: f["properties"]["events"] for f in feats} == got and
          all(f["geometry"]["type"] == "Polygon" and len(f["geometry"]["coordinates"][0]) == 5 for f in feats) and
          all(-85 < p[0] < -84 and 39 < p[1] < 40 for f in feats for p in f["geometry"]["coordinates"][0]))

    # 6. a vector tile over the top hotspot, decoded here
    lon, lat = conn.execute(sql.SQL(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_Centroid(geom), 4326) AS p FROM {} "
        "WHERE cell_id = %s) t").format(view), (top[0][0],)).fetchone()
    z = 13
    x = int((lon + 180) / 360 * 2 ** z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2 ** z)
    tile = conn.execute("SELECT safety.hotspot_tile(%s, %s, %s, %s)", (f'"{VIEW}"', z, x, y)).fetchone()[0]
    layers = mvt_layers(tile)
    in_tile = dict(conn.execute(sql.SQL(
        "SELECT cell_id, events FROM {} WHERE ST_Transform(geom, 3857) && ST_TileEnvelope(%s, %s, %s, margin => 64.0 / 4096)"
    ).format(view), (z, x, y)).fetchall())
    feats = layers.get("hotspots", [])
    check(f"vector tile {z}/{x}/{y}: one feature per cell in the tile, with its count ({len(feats)} features)",
          list(layers) == ["hotspots"] and len(feats) == len(in_tile) and
          all(in_tile.get(f["cell_id"]) == f["events"] for f in feats) and
          any(f["cell_id"] == top[0][0] for f in feats), f"{len(feats)} vs {len(in_tile)}")

    # 7. new events show after the next refresh (not before)
    conn.execute("INSERT INTO incidents SELECT 900000 + k, NULL, 'BURGLARY', '2018-12-30 12:00+00', "
                 "'SRID=32616;POINT(690010 4320010)' FROM generate_series(1, 5) k")
    hid = cell_id(math.floor(690010 / CELL), math.floor(4320010 / CELL))
    q = sql.SQL("SELECT events FROM {} WHERE cell_id = %s").format(view)
    before = conn.execute(q, (hid,)).fetchone()
    conn.execute("CALL safety.refresh(%s)", (VIEW,))
    after = conn.execute(q, (hid,)).fetchone()
    check("new events appear after refresh", before is None and after == (5,), f"{before} {after}")

    # 8. two refreshes of one view wait for each other; readers do not wait
    a = psycopg.connect(conninfo)            # a transaction holds the first refresh open
    a.execute("CALL safety.refresh(%s)", (VIEW,))
    b = psycopg.connect(conninfo, autocommit=True)
    bpid = b.info.backend_pid
    done = {}

    def second():
        t0 = time.monotonic()
        try:
            b.execute("CALL safety.refresh(%s)", (VIEW,))
            done["ok"] = True
        except Exception as e:          # noqa: BLE001 - reported below
            done["error"] = str(e)
        done["waited"] = time.monotonic() - t0

    th = threading.Thread(target=second)
    th.start()
    waiting = False
    for _ in range(100):
        r = conn.execute("SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", (bpid,)).fetchone()
        if r and r[0] == "Lock" and r[1] == "advisory":
            waiting = True
            break
        time.sleep(0.05)
    t0 = time.monotonic()
    n = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(view)).fetchone()[0]
    read_time = time.monotonic() - t0
    check("a second refresh waits on the advisory lock", waiting and th.is_alive())
    check("dashboard reads go on during a refresh", n == len(want) + 1 and read_time < 5, f"{n} {read_time}")
    time.sleep(0.3)
    a.commit()
    th.join(30)
    check("the waiting refresh completes once the first commits", done.get("ok") and done["waited"] >= 0.3, str(done))
    log = conn.execute("SELECT status, rows FROM safety.refresh_log WHERE view = %s ORDER BY id", (VIEW,)).fetchall()
    check("every refresh logged ok", len(log) == 4 and all(s == "ok" and r == len(want) + 1 for s, r in log[1:]), str(log))
    a.close()
    b.close()

    conn.execute("DELETE FROM incidents WHERE id > 899999")
    conn.execute("SELECT safety.drop_view(%s)", (VIEW,))
    check("drop_view removes view and entry",
          conn.execute("SELECT to_regclass(%s) IS NULL AND NOT EXISTS (SELECT FROM safety.views WHERE name = %s)",
                       (f'"{VIEW}"', VIEW)).fetchone()[0])
    conn.close()


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # noqa: BLE001 - a crash is one failure
        failed += 1
        print(f"FAIL {type(e).__name__}: {e}")
    print(f"python_client: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
