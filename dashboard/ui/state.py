"""Session state <-> the view: restore it from the link on open, read it from the widgets, write the link."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from ..core import changes
from ..core.atlas import Atlas
from ..core.permalink import ViewState, decode, encode, event_window, window_spec
from ..core.timemodel import EventWindow
from ..core.view import LAYER_KEYS, SOURCINGS, chosen
from ..core.vocab import CLAIM_STATUSES, EVENT_TYPES
from . import labels as L

DEFAULT_DAY = "2020-11-10"
DEFAULT_WINDOW_DAYS = 30

# Session keys that are not widgets.
INIT = "_init"
NOTICES = "_notices"
FLY = "_fly"  # (lat, lon, zoom) to send to the map once
FLY_COUNT = "_fly_count"
VIEW = "_view"  # (lat, lon, zoom) last reported by the map
SELECTED = "_selected"  # "layer:id"
LAST_POPUP = "_last_popup"
MAP_DAY = "_map_day"  # the day the map shows, as far as the server knows
DAY_SEQ = "_day_seq"  # bumped when the server sets the date: the map goes there
BROWSER_DAY = "_browser_day"  # the last date the map reported


def clamp_day(atlas: Atlas, day: str) -> str:
    first, last = changes.day_range(atlas)
    return min(max(day, first), last)


def defaults(atlas: Atlas) -> ViewState:
    return ViewState(day=clamp_day(atlas, DEFAULT_DAY))


def actors_of(atlas: Atlas) -> list[str]:
    ev = atlas.events
    if ev.empty:
        return []
    return sorted({a for a in ev["actor1"].dropna()} | {a for a in ev["actor2"].dropna()})


def apply(state: ViewState) -> None:
    """Write ``state`` into the widgets' session state (before they are drawn)."""
    ss = st.session_state
    ss[L.DAY.key] = date.fromisoformat(state.day)
    for key in LAYER_KEYS:
        ss[L.LAYERS[key].key] = key in state.layers
    ss[L.EVENT_TYPES.key] = list(state.event_types or [])
    ss[L.ACTORS.key] = list(state.actors or [])
    ss[L.CLAIMS.key] = list(state.claims or [])
    ss[L.SOURCING.key] = state.sourcing or "all"
    for name, widget in L.FIELD_FILTERS.items():
        ss[widget.key] = list(getattr(state, name) or [])
    ss[L.NAMES.key] = state.names
    ss[L.BASEMAP.key] = state.basemap
    window = event_window(state.window)
    if window.last_days is not None:
        ss[L.WINDOW_MODE.key], ss[L.WINDOW_DAYS.key] = "last", window.last_days
    elif window.since:
        ss[L.WINDOW_MODE.key] = "since"
        ss[L.WINDOW_SINCE.key] = date.fromisoformat(window.since)
    else:
        ss[L.WINDOW_MODE.key] = "all"
    ss.setdefault(L.WINDOW_DAYS.key, DEFAULT_WINDOW_DAYS)
    ss.setdefault(L.WINDOW_SINCE.key, date(2020, 9, 27))
    ss[SELECTED] = state.selected
    if state.view is not None:
        fly_to(*state.view)


def restore(atlas: Atlas) -> None:
    """On a session's first run: the view the link describes (invalid parameters become notices)."""
    ss = st.session_state
    if ss.get(INIT):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    first, last = changes.day_range(atlas)
    state, notices = decode(params, defaults(atlas), first_day=first, last_day=last, actors=actors_of(atlas))
    apply(state)
    ss[NOTICES] = notices
    ss[INIT] = True


def fly_to(lat: float, lon: float, zoom: int) -> None:
    """Ask the map to move once (on its next draw)."""
    count = st.session_state.get(FLY_COUNT, 0) + 1
    st.session_state[FLY_COUNT] = count
    st.session_state[FLY] = (lat, lon, zoom)


def current(atlas: Atlas) -> ViewState:
    """The view the widgets describe now."""
    ss = st.session_state
    mode = ss.get(L.WINDOW_MODE.key, "last")
    if mode == "last":
        window = EventWindow(last_days=int(ss.get(L.WINDOW_DAYS.key) or DEFAULT_WINDOW_DAYS))
    elif mode == "since":
        window = EventWindow(since=ss[L.WINDOW_SINCE.key].isoformat())
    else:
        window = EventWindow()
    day = ss.get(L.DAY.key)
    return ViewState(
        day=day.isoformat() if day else defaults(atlas).day,
        layers=tuple(k for k in LAYER_KEYS if ss.get(L.LAYERS[k].key, True)),
        event_types=chosen(ss.get(L.EVENT_TYPES.key), EVENT_TYPES),
        actors=chosen(ss.get(L.ACTORS.key), actors_of(atlas)),
        claims=chosen(ss.get(L.CLAIMS.key), CLAIM_STATUSES),
        sourcing=ss.get(L.SOURCING.key) if ss.get(L.SOURCING.key) in SOURCINGS else None,
        # Values from the data: every one chosen is still a filter (it leaves out events without the field).
        **{name: tuple(ss.get(widget.key) or ()) or None for name, widget in L.FIELD_FILTERS.items()},
        names=ss.get(L.NAMES.key, "both"),
        window=window_spec(window),
        basemap=ss.get(L.BASEMAP.key, "none"),
        view=ss.get(VIEW),
        selected=ss.get(SELECTED),
    )


def sync_url(atlas: Atlas, state: ViewState) -> None:
    """Write ``state`` into the page's query parameters (only when they differ)."""
    wanted = encode(state, replace(defaults(atlas), day=state.day))
    now = {k: (st.query_params.get_all(k) if isinstance(wanted.get(k), list) else st.query_params.get(k))
           for k in st.query_params}
    if now != wanted:
        st.query_params.from_dict(wanted)
