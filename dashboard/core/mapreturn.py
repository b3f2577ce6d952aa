"""What the map sends back from the browser (clicked popup, centre, zoom), checked like link parameters.

A visitor can send the component any JSON (``center: {"lat": "abc"}``); what is not a usable value is
ignored with a notice, as a bad link parameter is, and never reaches ``float()`` unchecked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .mapview import parse_ref

MAX_POPUP_CHARS = 100_000
MAX_ID_CHARS = 200
SELECTABLE = ("control_zones", "lachin_corridor", "peacekeeper_posts", "border_incidents", "events", "places",
              "user_events")


@dataclass
class MapReturn:
    """The usable part of one map message: the clicked popup's text, the clicked feature, the view."""

    popup: str | None = None
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
    popup = result.get("last_object_clicked_popup")
    if popup is not None:
        if not isinstance(popup, str) or len(popup) > MAX_POPUP_CHARS:
            out.notices.append(f"map: ignored a clicked popup that is not text ({_short(popup)})")
        else:
            out.popup = popup
            ref = parse_ref(popup)
            if ref is not None:
                if ref[0] in SELECTABLE and len(ref[1]) <= MAX_ID_CHARS:
                    out.selected = f"{ref[0]}:{ref[1]}"
                else:
                    out.notices.append(f"map: ignored a click on an unknown feature ({_short(':'.join(ref))})")
    center, zoom = result.get("center"), result.get("zoom")
    if center is not None or zoom is not None:
        out.view = map_view(center, zoom)
        if out.view is None and center is not None:
            out.notices.append(f"map: ignored a view that is not a position and zoom "
                               f"(center {_short(center)}, zoom {_short(zoom)})")
    return out
