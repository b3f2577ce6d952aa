"""The one GeoJSON reader: a FeatureCollection from a file, with the reason when it cannot be read."""

from __future__ import annotations

import json
from pathlib import Path


class Unreadable(ValueError):
    """A file that is not a readable GeoJSON FeatureCollection; the message says why."""


def load_feature_collection(path: Path) -> dict:
    """The FeatureCollection in ``path``; ``Unreadable`` with the reason otherwise."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable(f"not a JSON document: {exc}") from None
    except RecursionError:
        raise Unreadable("not a JSON document: nested too deeply") from None
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
