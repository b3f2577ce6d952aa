"""The atlas from Python: load it, ask what is visible on a day, ask about a point (docs/API.md).

The surface is small and stable: ``load_atlas``, ``state_on``, ``point_query`` and ``diff``. It imports
neither streamlit nor folium.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd

from .core import query
from .core.atlas import Atlas
from .core.atlas import load_atlas as _load_atlas
from .core.registry import geojson_keys
from .core.tables import parse_date
from .core.timemodel import EventWindow

LAYER_NAMES: tuple[str, ...] = (*geojson_keys(), "events")
"""The keys of ``state_on``'s answer, bottom layer first."""
_INTERNAL = ("_line", "_index", "_zone_pos")

Day = str | dt.date


def load_atlas(path: str | Path | None = None) -> Atlas:
    """Read and validate an atlas folder (``events.csv`` + ``geodata/``); default: the bundled data.

    Invalid rows are left out and listed in ``atlas.report``; ``atlas.report.ok`` says whether there were any.
    """
    return _load_atlas(None if path is None else Path(path))


def _day(day: Day) -> str:
    """``YYYY-MM-DD`` from a date or an ISO string (ValueError otherwise)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.isoformat() if isinstance(day, dt.date) else parse_date(str(day))


def state_on(atlas: Atlas, day: Day, *, last_days: int | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Layer name -> the features visible on ``day`` (the map's rule: ``valid_from <= day < valid_to``).

    ``"events"`` holds the events up to ``day`` (or of the last ``last_days`` days, ``day`` included), joined
    with the controller of the zone they fell in on their own date; border incidents follow the same window,
    as on the map. Each frame is a copy: change it freely.
    """
    state = query.state_on(atlas, _day(day), EventWindow(last_days=last_days))
    frames = {**state.layers, "events": state.events}
    return {name: frames[name].drop(columns=[c for c in _INTERNAL if c in frames[name].columns])
            .reset_index(drop=True) for name in LAYER_NAMES}


def point_query(atlas: Atlas, day: Day, lat: float, lon: float) -> dict:
    """Who controlled a point on ``day``, in which zone, corridor and post context, and who says so.

    The same answer as ``python -m dashboard at``: ``controller`` (``"AZ"``, ``"ARM"`` or None outside the
    mapped area), ``zone_id``, ``peacekeeping_zone``, ``lachin_corridor``, ``nearest_post_km`` and ``sources``.
    """
    return query.point_query(atlas, _day(day), float(lat), float(lon))


def diff(atlas: Atlas, day_a: Day, day_b: Day):
    """What changed hands between two dates (either order): ``core.diff.Comparison``.

    ``km2`` (gained by ``"AZ"`` and ``"ARM"``, equal-area projection), ``areas`` (each with from/to controller,
    ``area_km2``, claim status, sources), ``settlements`` (both names, the day each changed, sources) and
    ``changes`` (the control changes between the dates). A date outside the atlas raises ``ValueError``.
    """
    from .core.diff import compare

    return compare(atlas, _day(day_a), _day(day_b))
