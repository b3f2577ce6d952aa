"""The map as a Streamlit component of its own (``dashboard/map/static``: index.html and atlas/component.js).

The base map is sent as folium built it, once per atlas and basemap; each run sends the date's layers as
data (``dashboard.map.layers``), which the browser swaps in place. The component returns the clicked
feature's reference and the map's view.
"""

from __future__ import annotations

import hashlib

import streamlit.components.v1 as components

from ..core.atlas import Atlas
from ..map.assets import STATIC_DIR
from ..map.component import base_args
from ..map.layers import DateView

_component = components.declare_component("atlas_map", path=str(STATIC_DIR))
FRAME_TITLE = "dashboard.ui.mapcomponent.atlas_map"
"""The title of the component's iframe (Streamlit names it after this module and the component)."""


def atlas_map(atlas: Atlas, basemap: str, view: DateView, *, key: str, height: int,
              fly_to: tuple[float, float, float, int] | None = None) -> dict | None:
    """Draw the map; return what the browser reported: ``{"selected", "center", "zoom"}`` (or None)."""
    base = base_args(atlas, basemap)
    date_json = view.to_json()
    fly = None if fly_to is None else {"lat": fly_to[0], "lng": fly_to[1], "zoom": fly_to[2], "n": fly_to[3]}
    date_key = hashlib.blake2b(date_json.encode(), digest_size=12).hexdigest()
    return _component(base={k: v for k, v in base.items() if k != "bounds"}, date=date_json, date_key=date_key,
                      view=fly, height=height, key=key, default=None)
