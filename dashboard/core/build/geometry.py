"""Geometry helpers shared by the builders: projection, Voronoi cells, GeoJSON output."""

from __future__ import annotations

import json

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import box

from ..geodesy import METRIC

_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC, "EPSG:4326", always_xy=True)
# 1e-5 degrees is about 1 m here: far below what the data can claim, and keeps files small.
GRID = 1e-5
SETTLEMENT_KINDS = ("city", "town", "village")


def to_metric(geom):
    return shapely.transform(geom, _TO_METRIC.transform, interleaved=False)


def to_wgs84(geom):
    return shapely.transform(geom, _TO_WGS84.transform, interleaved=False)


def project_points(lons, lats) -> np.ndarray:
    x, y = _TO_METRIC.transform(np.asarray(lons, float), np.asarray(lats, float))
    return shapely.points(x, y)


def voronoi_cells(points: np.ndarray, margin_m: float = 50_000) -> np.ndarray:
    """One Voronoi cell per point, in input order (points must be distinct)."""
    hull = shapely.multipoints(points)
    minx, miny, maxx, maxy = hull.bounds
    frame = box(minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    cells = shapely.voronoi_polygons(hull, extend_to=frame, ordered=True)
    return np.array([c.intersection(frame) for c in shapely.get_parts(cells)], dtype=object)


def finish(geom_metric):
    """Metric geometry to WGS84 on a 1e-5 degree grid, valid and with RFC 7946 ring orientation."""
    geom = shapely.set_precision(to_wgs84(geom_metric), GRID)
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polys)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom)
    return geom


def geojson_geometry(geom) -> dict:
    return json.loads(shapely.to_geojson(geom))


def feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geojson_geometry(geom)}


def collection(name: str, features: list[dict], note: str) -> dict:
    return {"type": "FeatureCollection", "name": name,
            "properties": {"generated_by": "python -m dashboard build", "note": note},
            "features": features}
