"""Extract the country outlines around the mapped area from Natural Earth (maintainer tool, not run by the app).

Input: ``countries-10m.json`` from the npm package ``world-atlas@2.0.2`` (Natural Earth 1:10m admin-0
countries, version 4.1.0, public domain, as quantized TopoJSON). Get it with
``npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz``, then run::

    python tools/extract_countries.py package/countries-10m.json geodata/countries.geojson

The output is committed; the build reads it to cut the mapped-area outline along the international
borders (Armenia, Iran) instead of approximating them from settlements.
"""

from __future__ import annotations

import json
import sys

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

COUNTRIES = ("Azerbaijan", "Armenia", "Iran", "Georgia", "Turkey", "Russia")
BBOX = box(43.0, 37.5, 50.5, 42.5)  # the region the dashboard shows
SOURCE_ID = "naturalearth-10m-admin0"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points if not out else points[1:])
    return out


def geometry(geom: dict, arcs):
    polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    parts = [Polygon(ring(p[0], arcs), [ring(h, arcs) for h in p[1:]]) for p in polygons]
    return shapely.make_valid(MultiPolygon(parts))


def main(src: str, dst: str) -> None:
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name")
        if name not in COUNTRIES:
            continue
        shape = shapely.set_precision(geometry(g, arcs).intersection(BBOX), 1e-5)
        features.append({"type": "Feature", "properties": {"id": name.lower(), "name": name,
                                                           "source_ids": [SOURCE_ID]},
                         "geometry": mapping(shapely.orient_polygons(shape))})
    features.sort(key=lambda f: f["properties"]["id"])
    doc = {"type": "FeatureCollection", "name": "countries",
           "properties": {"note": "Natural Earth 1:10m admin-0 countries v4.1.0, clipped to the region; "
                                  "de facto generalised boundaries, positional error a few hundred metres"},
           "features": features}
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
