"""The map fragment: the key dates, the map with its date control, the selected feature, what changed, charts.

The map holds the whole history of the dated layers and changes the date in the browser (drag, keys, play:
``dashboard/map/static/atlas/control.js``). When the user pauses, the browser's date comes back as the
component's value and reruns only this fragment: the side panel, what changed, the charts, the counts and
the link follow; the map is neither re-sent nor re-mounted. A date set here (key date, link) goes to the map
as a small argument with a new sequence number.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..core import changes, mapreturn
from ..core.atlas import Atlas
from ..core.permalink import ViewState
from ..core.query import state_on
from ..core.view import visible_counts, window_text
from ..core.words import plural
from ..map.history import history_json
from . import labels as L
from . import notices as plain
from . import panels, upload
from . import state as S
from .mapcomponent import time_map

MAP_HEIGHT = 720


def _set_day(day: str | None) -> None:
    if day:
        st.session_state[L.DAY.key] = date.fromisoformat(day)


def _on_key_date() -> None:
    _set_day(st.session_state.get(L.KEY_DATE.key))
    st.session_state[L.KEY_DATE.key] = None


def date_controls(atlas: Atlas, names: str) -> None:
    """The key dates (the slider, steps and play are the map's own, above it)."""
    keys = changes.key_dates(atlas, names)
    labels = {k.day: f"{k.day}: {k.label}" for k in keys}
    st.selectbox(L.KEY_DATE.label, list(labels), index=None, key=L.KEY_DATE.key, format_func=labels.get,
                 placeholder="Choose a key date…", help=L.KEY_DATE.help, on_change=_on_key_date)


def take_browser_date(atlas: Atlas) -> None:
    """The date the user moved to in the map (its last value), into the session, once per new date."""
    ss = st.session_state
    value = ss.get(L.MAP)
    day = value.get("date") if isinstance(value, dict) else None
    if not isinstance(day, str) or day == ss.get(S.BROWSER_DAY):
        return
    try:
        date.fromisoformat(day)
    except ValueError:
        return
    ss[S.BROWSER_DAY] = day
    ss[S.MAP_DAY] = S.clamp_day(atlas, day)  # the map shows it already: nothing to send
    ss[L.DAY.key] = date.fromisoformat(ss[S.MAP_DAY])


def day_sequence(day: str) -> int:
    """The number that tells the map to go to ``day``: it changes only when the date was set on this side."""
    ss = st.session_state
    if ss.get(S.MAP_DAY) != day:
        ss[S.DAY_SEQ] = ss.get(S.DAY_SEQ, 0) + 1
        ss[S.MAP_DAY] = day
    return ss.get(S.DAY_SEQ, 0)


def _map(atlas: Atlas, view: ViewState) -> dict | None:
    """Draw the map for ``view``; return what the browser reported (clicked popup, centre, zoom)."""
    state = state_on(atlas, view.day, view.event_window)
    history = history_json(atlas, view.options, upload.current())
    fly = st.session_state.pop(S.FLY, None)
    if fly is not None:  # the count makes a repeated fly-to the same place differ from the last one sent
        fly = (*fly, st.session_state.get(S.FLY_COUNT, 0))
    result = time_map(atlas, view.basemap, history, day=view.day, day_seq=day_sequence(view.day),
                      window=view.event_window, key=L.MAP, height=MAP_HEIGHT, fly_to=fly)
    counts = visible_counts(state, view.options, upload.current())
    yours = f" and {counts['uploaded']:,} of your events" if "uploaded" in counts else ""
    st.caption(f"{plural(counts['zones'], 'control zone')}, {plural(counts['posts'], 'peacekeeper post')}, "
               f"{plural(counts['incidents'], 'border incident')} and {plural(counts['events'], 'event')}{yours} "
               f"({window_text(state.window)}) match the date and filters.")
    return result


def _remember(result: dict | None) -> None:
    """Keep the clicked feature and the map's view for the side panel and the link."""
    if not result:
        return
    ss = st.session_state
    checked = mapreturn.read(result)  # the browser's values, checked like link parameters
    for notice in checked.notices:
        plain.warning(notice)
    if checked.selected and checked.selected != ss.get(S.LAST_POPUP):
        ss[S.LAST_POPUP] = checked.selected
        ss[S.SELECTED] = checked.selected
    if checked.view is not None:
        ss[S.VIEW] = checked.view


def fragment(atlas: Atlas) -> None:
    """Body of the map fragment (wrapped by ``st.fragment`` in app.py)."""
    take_browser_date(atlas)
    view = S.current(atlas)
    date_controls(atlas, view.names)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        result = _map(atlas, view)
    _remember(result)
    view = S.current(atlas)
    with side_col:
        user = upload.current()
        chosen = user if user and (view.selected or "").startswith("user_events:") else atlas
        panels.side_panel(chosen, atlas, view)
    chart_left, chart_right = st.columns(2)
    with chart_left:
        panels.events_chart(atlas, view)
    with chart_right:
        panels.area_chart(atlas, view.day)
    S.sync_url(atlas, view)
