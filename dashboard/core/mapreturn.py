"""What the map sends back from the browser (clicked feature, centre, zoom), checked like link parameters.

A visitor can send the component any JSON (``center: {"lat": "abc"}``); what is not a usable value is
ignored with a notice, as a bad link parameter is, and never reaches ``float()`` unchecked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import registry

MAX_ID_CHARS = 200
EXTRA_SELECTABLE = ("compare",)
"""References the map sends that are not layers of the registry (compare mode's changed areas)."""


@dataclass
class MapReturn:
    """The usable part of one map message: the clicked feature and the view."""

    selected: str | None = None  # "layer:id"
    view: tuple[float, float, int] | None = None
    notices: list[str] = field(default_factory=list)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def map_view(center, zoom) -> tuple[float, float, int] | None:
    """``(lat, lon, zoom)`` from the map's centre and zoom, or None if they are not numbers in range.

    Longitude is wrapped into -180..180 (Leaflet reports it unwrapped after panning round the world)."""
    if not isinstance(center, dict):
        return None
    lat, lon, z = _number(center.get("lat")), _number(center.get("lng")), _number(zoom)
    if lat is None or lon is None or z is None or not -90 <= lat <= 90 or not 0 <= z <= 30:
        return None
    lon = (lon + 180.0) % 360.0 - 180.0
    return (round(lat, 4), round(lon, 4), int(min(max(round(z), 1), 18)))


def read(result) -> MapReturn:
    """Check a map message; every ignored value gives a notice."""
    out = MapReturn()
    if result is None:
        return out
    if not isinstance(result, dict):
        out.notices.append(f"map: ignored a message that is not an object ({_short(result)})")
        return out
    selected = result.get("selected")
    if selected is not None:
        layer, _, fid = selected.partition(":") if isinstance(selected, str) else ("", "", "")
        known = layer in registry.LAYERS or layer in EXTRA_SELECTABLE
        if known and fid and len(selected) <= MAX_ID_CHARS:
            out.selected = selected
        else:
            out.notices.append(f"map: ignored a click on an unknown feature ({_short(selected)})")
    center, zoom = result.get("center"), result.get("zoom")
    if center is not None or zoom is not None:
        out.view = map_view(center, zoom)
        if out.view is None and center is not None:
            out.notices.append(f"map: ignored a view that is not a position and zoom "
                               f"(center {_short(center)}, zoom {_short(zoom)})")
    return out
