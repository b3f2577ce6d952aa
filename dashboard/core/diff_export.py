"""A comparison of two dates as files: GeoJSON of the changed areas, JSON of everything, CSV of the settlements."""

from __future__ import annotations

import csv
import io
import json

import shapely

from .diff import AREA_METHOD, Comparison
from .snapshot import plain, safe_cell

SETTLEMENT_COLUMNS = (
    "place_id", "name_en", "name_az", "name_hy", "from_controller", "to_controller", "date", "date_precision",
    "claim_status", "change_ids", "lat", "lon", "source_ids", "source_outlets", "source_titles", "source_urls",
)


def comparison_geojson(comparison: Comparison) -> dict:
    """A FeatureCollection of the areas whose controller differs between A and B (unchanged land is not in it)."""
    features = [{"type": "Feature", "id": area.id, "properties": plain_dict(area.properties()),
                 "geometry": json.loads(shapely.to_geojson(area.geometry))} for area in comparison.areas]
    return {"type": "FeatureCollection",
            "properties": {"from": comparison.day_from, "to": comparison.day_to, "km2": comparison.km2,
                           "area_method": AREA_METHOD},
            "features": features}


def comparison_json(comparison: Comparison) -> dict:
    """From, to, km² gained by each side, the settlements that changed hands, the control changes between them
    (oldest first) and what else differs."""
    return plain_dict({
        "from": comparison.day_from, "to": comparison.day_to, "km2": comparison.km2, "area_method": AREA_METHOD,
        "settlements": [s.as_dict() for s in comparison.settlements],
        "changes": [c.as_dict() for c in comparison.changes],
        "areas": [a.properties() for a in comparison.areas],
        "differences": comparison.differences,
    })


def settlements_csv(comparison: Comparison) -> str:
    """The settlements that changed hands, one per line, with their sources; formula-safe cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SETTLEMENT_COLUMNS)
    for s in comparison.settlements:
        record = s.as_dict()
        record["source_ids"] = [x["source_id"] for x in s.sources]
        record["source_outlets"] = [x["outlet"] for x in s.sources]
        record["source_titles"] = [x["title"] for x in s.sources]
        record["source_urls"] = [x["url"] for x in s.sources]
        writer.writerow([safe_cell(record.get(c)) for c in SETTLEMENT_COLUMNS])
    return out.getvalue()


def plain_dict(value):
    """``value`` with numpy scalars and NaN made JSON-safe, recursively."""
    if isinstance(value, dict):
        return {k: plain_dict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_dict(v) for v in value]
    return plain(value)


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)
