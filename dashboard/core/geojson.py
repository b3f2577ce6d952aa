"""The one GeoJSON reader: a FeatureCollection from a file, with the reason when it cannot be read."""

from __future__ import annotations

from pathlib import Path

from .inputfile import Refused, read_json

Unreadable = Refused
"""A file that is not a readable GeoJSON FeatureCollection; the message says why."""


def load_feature_collection(path: Path) -> dict:
    """The FeatureCollection in ``path`` (a regular file, bounded and not nested deeply: ``inputfile``)."""
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise Unreadable("not a GeoJSON FeatureCollection")
    return doc


def read_feature_collection(path: Path) -> dict | None:
    """The FeatureCollection in ``path``, or None when the file is absent or unreadable (optional layers)."""
    try:
        return load_feature_collection(path)
    except Unreadable:
        return None
