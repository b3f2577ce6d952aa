"""The GeoJSON layers of the data contract: reading and validation."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

from .geodesy import to_equal_area
from .geojson import Unreadable, load_feature_collection
from .problems import Problem, Report
from .registry import LayerDef
from .tables import Column, Invalid, parse_date

CRS = "EPSG:4326"
# Zones with different controllers may touch; a shared area above this is an overlap.
OVERLAP_TOLERANCE_M2 = 1_000.0


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _source_list(value) -> list[str]:
    if isinstance(value, list):
        ids = [str(v).strip() for v in value if str(v).strip()]
    elif isinstance(value, str):
        ids = [s.strip() for s in value.split(";") if s.strip()]
    else:
        ids = []
    if not ids:
        raise Invalid("no source_id given")
    return ids


def _check_geometry(geom_json, allowed: tuple[str, ...]):
    if not isinstance(geom_json, dict) or "type" not in geom_json:
        raise Invalid("missing geometry")
    if geom_json["type"] not in allowed:
        raise Invalid(f"{geom_json['type']} is not allowed here (expected {' or '.join(allowed)})")
    try:
        geom = shape(geom_json)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise Invalid(f"unreadable coordinates: {exc}") from None
    if geom.is_empty:
        raise Invalid("empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise Invalid("coordinates outside lon -180..180 / lat -90..90 (RFC 7946 order is lon, lat)")
    if not geom.is_valid:
        raise Invalid(f"invalid geometry: {shapely.is_valid_reason(geom)}")
    return geom


TIME_COLUMNS = (Column("valid_from", parse_date), Column("valid_to", parse_date, False))
"""Every layer's time columns (the rule that reads them is core.timemodel's)."""


def _parse_columns(columns, props: dict, rec: dict, problems: list[tuple[str, str]]) -> None:
    """Each column's value parsed into ``rec``, or a problem; empty optional values become None."""
    for col in columns:
        value = _as_text(props.get(col.name))
        rec[col.name] = None
        if not value:
            if col.required:
                problems.append((col.name, "missing value"))
            continue
        try:
            rec[col.name] = col.parse(value)
        except Invalid as exc:
            problems.append((col.name, str(exc)))


def _parse_sources(value, known_sources: set[str] | None, rec: dict, problems: list[tuple[str, str]]) -> None:
    try:
        rec["source_ids"] = _source_list(value)
    except Invalid as exc:
        problems.append(("source_ids", str(exc)))
        return
    unknown = [s for s in rec["source_ids"] if known_sources is not None and s not in known_sources]
    if unknown:
        problems.append(("source_ids", f"unknown source_id {', '.join(unknown)}"))


def _parse_feature(spec: LayerDef, feature, known_sources: set[str] | None):
    """``(record, geometry, problems)`` of one feature (``record["_raw_id"]``: its id as given, for reports)."""
    feature = feature if isinstance(feature, dict) else {}
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    fid = props.get("id", feature.get("id"))
    problems: list[tuple[str, str]] = []
    rec: dict = {"_raw_id": fid}
    if fid is None or _as_text(fid) == "":
        problems.append(("id", "missing value"))
    else:
        rec["id"] = _as_text(fid)
    _parse_columns(TIME_COLUMNS, props, rec, problems)
    if rec["valid_from"] and rec["valid_to"] and rec["valid_to"] <= rec["valid_from"]:
        problems.append(("valid_to", f"{rec['valid_to']} is not after valid_from {rec['valid_from']}"))
    _parse_sources(props.get("source_ids"), known_sources, rec, problems)
    _parse_columns(spec.columns, props, rec, problems)
    rec.update({k: v for k, v in props.items() if k not in rec and k != "id"})
    geom = None
    try:
        geom = _check_geometry(feature.get("geometry"), spec.geometry_types)
    except Invalid as exc:
        problems.append(("geometry", str(exc)))
    return rec, geom, problems


def read_layer(
    spec: LayerDef,
    path: Path,
    report: Report,
    known_sources: set[str] | None,
    label: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer; return its valid features as a GeoDataFrame, report the rest."""
    label = label or spec.filename
    counter = report.file(spec.key, label)
    columns = ["id", "valid_from", "valid_to", "source_ids", *[p.name for p in spec.columns]]
    empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)
    if not path.exists():
        report.add(Problem(label, 0, "file", "file not found"))
        return empty
    try:
        doc = load_feature_collection(path)
    except Unreadable as exc:
        report.add(Problem(label, 0, "file", str(exc)))
        return empty

    rows, geoms, seen = [], [], {}
    for index, feature in enumerate(doc["features"]):
        rec, geom, problems = _parse_feature(spec, feature, known_sources)
        fid = rec.get("id")
        if fid is not None:
            if fid in seen:
                problems.insert(0, ("id", f"duplicate id {fid!r} (first at feature {seen[fid]})"))
            else:
                seen[fid] = index
        if problems:
            where = f"feature {index} ({rec.get('_raw_id')})" if rec.get("_raw_id") is not None \
                else f"feature {index}"
            for fld, msg in problems:
                report.add(Problem(label, where, fld, msg))
            counter.rejected += 1
            continue
        rec.pop("_raw_id", None)
        rec["_index"] = index
        rows.append(rec)
        geoms.append(geom)
        counter.valid += 1
    if not rows:
        return empty
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    return with_none(frame, ("valid_to",))


def with_none(frame, columns):
    """Object columns whose missing values are ``None`` (not NaN), so that comparisons stay simple."""
    for c in columns:
        values = frame[c].astype(object)
        frame[c] = values.where(values.notna(), None)
    return frame


def whole_numbers(frame, columns):
    """Integer columns with missing values as Python ints and ``None`` (pandas would make them 3.0 and NaN)."""
    for c in columns:
        frame[c] = pd.Series([None if v is None or v != v else int(v) for v in frame[c].tolist()],
                             index=frame.index, dtype=object)
    return frame


def overlaps_between(zones: gpd.GeoDataFrame) -> list[tuple[int, int, float, str, str]]:
    """Pairs of zones with different controllers that overlap in space on a common date.

    Returns ``(i, j, area_m2, first_day, last_day_exclusive)`` with positional indexes.
    """
    if len(zones) < 2:
        return []
    projected = to_equal_area(zones.geometry)
    tree = shapely.STRtree(projected.values)
    left, right = tree.query(projected.values, predicate="intersects")
    found = []
    vf, ctl = zones["valid_from"].tolist(), zones["controller"].tolist()
    vt = [None if pd.isna(v) else v for v in zones["valid_to"].tolist()]
    for i, j in zip(left, right, strict=True):
        if i >= j or ctl[i] == ctl[j]:
            continue
        start = max(vf[i], vf[j])
        ends = [e for e in (vt[i], vt[j]) if e]
        end = min(ends) if ends else None
        if end is not None and start >= end:
            continue
        area = projected.iloc[i].intersection(projected.iloc[j]).area
        if area > OVERLAP_TOLERANCE_M2:
            found.append((int(i), int(j), float(area), start, end or "open"))
    return found


def check_zone_overlaps(zones: gpd.GeoDataFrame, report: Report, label: str) -> gpd.GeoDataFrame:
    """Reject the later of two zones with different controllers that overlap on the same date."""
    bad: set[int] = set()
    for i, j, area, start, end in overlaps_between(zones):
        later = j if zones.iloc[j]["_index"] > zones.iloc[i]["_index"] else i
        other = i if later == j else j
        if later in bad or other in bad:
            continue
        a, b = zones.iloc[later], zones.iloc[other]
        report.add(Problem(
            label, f"feature {a['_index']} ({a['id']})", "geometry",
            f"overlaps zone {b['id']} (controller {b['controller']}) by {area / 1e6:.3f} km² "
            f"between {start} and {end}",
        ))
        bad.add(later)
    if bad:
        counter = report.files["control_zones"]
        counter.valid -= len(bad)
        counter.rejected += len(bad)
        zones = zones.drop(zones.index[sorted(bad)])
    return zones
