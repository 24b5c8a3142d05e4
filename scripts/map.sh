#!/usr/bin/env bash
# map.sh — render docs/hotspots.png: Gi* hot and cold spots (FDR-corrected)
# of the bundled burglaries on 250 m cells with a 750 m band, drawn from the
# extension's own output (safety.gi_star over safety.grid_agg).  psql writes
# an SVG (ST_AsSVG of the cell polygons, coloured by class) and rsvg-convert
# (Debian package librsvg2-bin) turns it into a PNG.
# Usage: scripts/map.sh [out.png]   (needs a server with the data: make demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
out=${1:-docs/hotspots.png}
command -v rsvg-convert >/dev/null || {
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq librsvg2-bin >/dev/null; else sudo apt-get install -y -qq librsvg2-bin >/dev/null; fi
}
[ "$(psql -X -qtAc "SELECT count(*) FROM pg_class WHERE relname = 'incidents'")" = 1 ] ||
	psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql
svg=$(mktemp --suffix=.svg)
trap 'rm -f "$svg"' EXIT
psql -X -qtA -v ON_ERROR_STOP=1 >"$svg" <<'SQL'
SET client_min_messages = warning;
WITH hs AS (
  SELECT r.* FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, fdr => true) r),
ext AS (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1
        FROM (SELECT ST_Extent(geom) e FROM hs WHERE value > 0) s),
colours(class, fill, label) AS (VALUES
  (3, '#b2182b', 'Hot spot, 99% confidence'), (2, '#ef8a62', 'Hot spot, 95%'), (1, '#fddbc7', 'Hot spot, 90%'),
  (0, '#e0e0e0', 'Not significant (cells with incidents)'),
  (-1, '#d1e5f0', 'Cold spot, 90%'), (-2, '#67a9cf', 'Cold spot, 95%'), (-3, '#2166ac', 'Cold spot, 99%')),
dims AS (SELECT x0, y0, x1, y1, 900.0 / (x1 - x0) AS k FROM ext)
SELECT format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s">',
              1200, round((y1 - y0) * k + 80), x0 - 1000, -y1 - 3000, (x1 - x0) * 1200 / 900 + 1000, (y1 - y0) + 3000 + 80 / k)
    || format('<rect x="%s" y="%s" width="100%%" height="100%%" fill="white"/>', x0 - 1000, -y1 - 3000)
    || (SELECT string_agg(format('<path d="%s" fill="%s" stroke="none"/>', ST_AsSVG(h.geom, 0, 1), c.fill), '' ORDER BY abs(h.class), h.cell_id)
        FROM hs h JOIN colours c USING (class) WHERE h.value > 0 OR h.class <> 0)
    || format('<text x="%s" y="%s" font-family="sans-serif" font-size="%s">Cincinnati burglaries 2016-2018: Getis-Ord Gi* hot spots (250 m cells, 750 m band, FDR)</text>',
              x0, -y1 - 1500, 24 / k)
    || (SELECT string_agg(format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" font-family="sans-serif" font-size="%s">%s</text>',
                                 x1 + 300, -y1 + (3 - class) * 30 / k, 18 / k, 18 / k, fill,
                                 x1 + 300 + 26 / k, -y1 + (3 - class) * 30 / k + 15 / k, 16 / k, label), '' ORDER BY class DESC)
        FROM colours)
    || format('<text x="%s" y="%s" font-family="sans-serif" font-size="%s">UTM 16N; drawn by scripts/map.sh from safety.gi_star</text>',
              x1 + 300, -y1 + 8 * 30 / k, 13 / k)
    || '</svg>'
FROM dims;
SQL
rsvg-convert -w 1200 -b white "$svg" -o "$out"
echo "wrote $out"
