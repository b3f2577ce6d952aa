"""Border incidents as points valid over the days they lasted."""

from __future__ import annotations

from shapely.geometry import Point

from ..timemodel import valid_to_after
from .geometry import collection, feature

NOTE = "Each incident is visible from its first day to its last day (valid_to is the day after)."
FIELDS = ("date", "date_end", "date_precision", "incident_type", "location", "place_id", "geo_precision",
          "claim_status", "claim_az", "claim_arm", "casualties", "casualties_as_of", "summary")


def build_incidents(rows: list[dict]):
    """Return a FeatureCollection."""
    features = []
    for r in sorted(rows, key=lambda r: (r["date"], r["incident_id"])):
        last = r["date_end"] or r["date"]
        props = {"id": r["incident_id"], "valid_from": r["date"], "valid_to": valid_to_after(last),
                 **{f: r.get(f) for f in FIELDS}, "source_ids": list(r["source_ids"])}
        features.append(feature(props, Point(round(r["lon"], 5), round(r["lat"], 5))))
    return collection("border_incidents", features, NOTE)
