"""What the atlas covers (the mapped area, its first and last day), and the brought events that fall outside it.

Such events are the user's data: they are kept and drawn, but said, counted and listed by row, because a point
off the map or a date off the timeline is most often a mistake (latitude and longitude swapped, a typo).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from .geojson import read_feature_collection
from .words import plural

MAX_ROWS_LISTED = 12


@dataclass(frozen=True)
class Reach:
    """The mapped area (None when its file is absent) and the atlas's first and last day."""

    area: shapely.Geometry | None
    first: str
    last: str


def mapped_area(data_dir: Path) -> shapely.Geometry | None:
    """The outline in ``geodata/mapped_area.geojson`` as one geometry; None if absent or unreadable."""
    doc = read_feature_collection(Path(data_dir) / "geodata" / "mapped_area.geojson")
    if doc is None:
        return None
    try:
        shapes = [shapely.geometry.shape(f["geometry"]) for f in doc["features"]]
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
        return None
    return shapely.union_all(shapes) if shapes else None


def layer_days(layers) -> tuple[str, str] | None:
    """First and last day of the atlas's dated layers (not of its events: brought events must not stretch it)."""
    starts = [f["valid_from"].min() for f in layers.values() if not f.empty]
    ends = [f["valid_to"].dropna().max() for f in layers.values() if f["valid_to"].notna().any()]
    return (min(starts), max(ends + starts)) if starts else None


def atlas_reach(atlas) -> Reach | None:
    """The reach of a loaded atlas: its mapped area and its layers' days."""
    days = layer_days(atlas.layers)
    return None if days is None else Reach(mapped_area(atlas.data_dir), *days)


def reach_of(data_dir: Path) -> Reach | None:
    """The reach of an atlas folder read from its GeoJSON files alone (for commands that load no atlas)."""
    from . import registry
    from .geojson import read_feature_collection as read

    days = [(f["properties"].get("valid_from"), f["properties"].get("valid_to")) for spec in registry.geojson_layers()
            for f in (read(Path(data_dir) / spec.path) or {"features": []})["features"]
            if isinstance(f, dict) and isinstance(f.get("properties"), dict)]
    starts = [a for a, _ in days if isinstance(a, str)]
    ends = [b for _, b in days if isinstance(b, str)] + starts
    return Reach(mapped_area(data_dir), min(starts), max(ends)) if starts else None


def _rows(lines: list) -> str:
    lines = sorted(lines, key=lambda x: (not isinstance(x, int), x if isinstance(x, int) else 0, str(x)))
    shown = ", ".join(str(x) for x in lines[:MAX_ROWS_LISTED])
    more = f" and {len(lines) - MAX_ROWS_LISTED:,} more" if len(lines) > MAX_ROWS_LISTED else ""
    return f"{'row' if len(lines) == 1 else 'rows'} {shown}{more}"


def outside_warnings(reach: Reach | None, rows: Iterable[tuple]) -> list[str]:
    """One sentence per way events fall outside ``reach``; ``rows`` are (line, lat, lon, date, date_end)."""
    if reach is None:
        return []
    rows = list(rows)
    if not rows:
        return []
    lines, lat, lon, days, ends = (list(c) for c in zip(*rows, strict=True))
    off_map, swapped = [], []
    if reach.area is not None:  # one vectorised test per file (a call per row took ~0.5 s for 100,000 rows)
        lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        outside = ~shapely.contains_xy(reach.area, lon, lat)
        inside_swapped = outside & shapely.contains_xy(reach.area, lat, lon)
        off_map = [lines[i] for i in np.flatnonzero(outside)]
        swapped = [lines[i] for i in np.flatnonzero(inside_swapped)]
    before = [line for line, day, end in zip(lines, days, ends, strict=True) if (end or day) < reach.first]
    after = [line for line, day, end in zip(lines, days, ends, strict=True)
             if not (end or day) < reach.first and day > reach.last]
    out = []
    if off_map:
        hint = f"; lat/lon swapped? With them swapped, {_rows(swapped)} would lie inside it" if swapped else ""
        out.append(f"{plural(len(off_map), 'event')} {'lies' if len(off_map) == 1 else 'lie'} outside the mapped "
                   f"area (the former NKAO and the seven surrounding districts): {_rows(off_map)}{hint}. Kept.")
    if before:
        out.append(f"{plural(len(before), 'event')} dated before the atlas begins ({reach.first}): "
                   f"{_rows(before)}. Kept.")
    if after:
        out.append(f"{plural(len(after), 'event')} dated after the atlas ends ({reach.last}): {_rows(after)}. Kept.")
    return out


def frame_rows(frame) -> Iterable[tuple]:
    """(line, lat, lon, date, date_end) of each event in an events frame (``_line`` as read from the file)."""
    lines = frame["_line"] if "_line" in frame else frame.index
    return zip(lines, frame["lat"], frame["lon"], frame["date"], frame["date_end"], strict=True)
