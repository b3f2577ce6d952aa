"""The map as a Streamlit component of its own (``dashboard/map/static``: index.html and atlas/component.js).

The base map is sent as folium built it, and the history of the dated layers (``dashboard.map.history``) as
data, each only until the browser's value says its frame holds them (``has``): the browser then changes the
date itself, and each run sends only the date and the event window. Compare mode sends one date's layers
instead (``atlas_map``). The component returns the clicked feature's reference, the map's view and the date.
"""

from __future__ import annotations

import hashlib

import streamlit as st
import streamlit.components.v1 as components

from ..core.atlas import Atlas
from ..core.timemodel import EventWindow
from ..map.assets import STATIC_DIR
from ..map.component import base_args
from ..map.history import history_key
from ..map.layers import DateView

_component = components.declare_component("atlas_map", path=str(STATIC_DIR))
FRAME_TITLE = "dashboard.ui.mapcomponent.atlas_map"
"""The title of the component's iframe (Streamlit names it after this module and the component)."""


def _fly(fly_to: tuple[float, float, float, int] | None) -> dict | None:
    return None if fly_to is None else {"lat": fly_to[0], "lng": fly_to[1], "zoom": fly_to[2], "n": fly_to[3]}


def atlas_map(atlas: Atlas, basemap: str, view: DateView, *, key: str, height: int,
              fly_to: tuple[float, float, float, int] | None = None) -> dict | None:
    """Draw one date's layers; return what the browser reported: ``{"selected", "center", "zoom"}`` (or None)."""
    base = base_args(atlas, basemap)
    date_json = view.to_json()
    date_key = hashlib.blake2b(date_json.encode(), digest_size=12).hexdigest()
    return _component(base={k: v for k, v in base.items() if k != "bounds"}, base_key=base["key"], date=date_json,
                      date_key=date_key, view=_fly(fly_to), height=height, key=key, default=None)


def held(key: str) -> dict:
    """What the browser's frame of the component ``key`` said it holds: ``{"base": key, "history": key}``."""
    value = st.session_state.get(key)
    has = value.get("has") if isinstance(value, dict) else None
    return has if isinstance(has, dict) else {}


def time_map(atlas: Atlas, basemap: str, history: str, *, day: str, day_seq: int, window: EventWindow, key: str,
             height: int, fly_to: tuple[float, float, float, int] | None = None,
             has: dict | None = None) -> dict | None:
    """Draw the map with its time engine; return ``{"selected", "center", "zoom", "date", "has"}`` (or None).

    ``day`` is applied in the browser only when ``day_seq`` changes (the date was set on this side); the
    date the user moves to in the browser comes back as ``date``. ``has``: what the frame holds (default: what
    its value says, ``held``).
    """
    base = base_args(atlas, basemap)
    has, hkey = held(key) if has is None else has, history_key(history)
    base_sent = None if has.get("base") == base["key"] else {k: v for k, v in base.items() if k != "bounds"}
    return _component(base=base_sent, base_key=base["key"], history=None if has.get("history") == hkey else history,
                      history_key=hkey, day=day, day_seq=day_seq,
                      window={"since": window.since, "last_days": window.last_days}, view=_fly(fly_to),
                      height=height, key=key, default=None)
