"""The map fragment: date controls, the map, the selected feature, what changed and the charts.

Scrubbing reruns only this fragment. The base map is date-free (rendered once, see ``mapcomponent``), so
streamlit-folium keeps the same Leaflet map in the browser (zoom and centre stay where the user left
them) and swaps the date layers in place (its ``feature_group`` argument).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import streamlit as st

from ..core import changes, mapreturn
from ..core.atlas import Atlas
from ..core.permalink import ViewState
from ..core.query import state_on
from ..core.view import visible_counts, window_text
from ..map.layers import date_view
from . import labels as L
from . import notices as plain
from . import panels, upload
from . import state as S
from .mapcomponent import atlas_map

MAP_HEIGHT = 680
PLAY_INTERVAL_S = 1.5


def _set_day(day: str | None) -> None:
    if day:
        st.session_state[L.DAY.key] = date.fromisoformat(day)


def _on_key_date() -> None:
    _set_day(st.session_state.get(L.KEY_DATE.key))
    st.session_state[L.KEY_DATE.key] = None


def _toggle_play() -> None:
    st.session_state[S.PLAYING] = not st.session_state.get(S.PLAYING, False)
    st.session_state[S.LAST_TICK] = time.monotonic()


def _advance(atlas: Atlas, day: str) -> str | None:
    """The next date while playing, or None at the end."""
    step = st.session_state.get(L.PLAY_STEP.key, "change")
    nxt = changes.next_change(atlas, day) if step == "change" else (
        date.fromisoformat(day) + timedelta(days=int(step))).isoformat()
    last = changes.day_range(atlas)[1]
    if nxt is None or day >= last:
        return None
    return min(nxt, last)


def _tick(atlas: Atlas) -> None:
    """While playing, move the date on once per interval (a timer run of the fragment)."""
    ss = st.session_state
    if not ss.get(S.PLAYING):
        return
    now = time.monotonic()
    if now - ss.get(S.LAST_TICK, 0.0) < 0.8 * PLAY_INTERVAL_S:
        return
    ss[S.LAST_TICK] = now
    nxt = _advance(atlas, ss[L.DAY.key].isoformat())
    if nxt is None:
        ss[S.PLAYING] = False
    else:
        _set_day(nxt)


def date_controls(atlas: Atlas, day: str, names: str) -> None:
    first, last = (date.fromisoformat(d) for d in changes.day_range(atlas))
    prev_day, next_day = changes.previous_change(atlas, day), changes.next_change(atlas, day)
    left, middle, right = st.columns([1.3, 6, 1.3], vertical_alignment="bottom")
    left.button(L.PREV_CHANGE.label, key=L.PREV_CHANGE.key, help=f"{L.PREV_CHANGE.help} ({prev_day or 'none'})",
                on_click=_set_day, args=(prev_day,), disabled=prev_day is None, shortcut=L.PREV_CHANGE.shortcut,
                width="stretch")
    middle.slider(L.DAY.label, min_value=first, max_value=last, step=timedelta(days=1), format="D MMM YYYY",
                  key=L.DAY.key, help=L.DAY.help)
    right.button(L.NEXT_CHANGE.label, key=L.NEXT_CHANGE.key, help=f"{L.NEXT_CHANGE.help} ({next_day or 'none'})",
                 on_click=_set_day, args=(next_day,), disabled=next_day is None, shortcut=L.NEXT_CHANGE.shortcut,
                 width="stretch")
    keys = changes.key_dates(atlas, names)
    labels = {k.day: f"{k.day}: {k.label}" for k in keys}
    c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="bottom")
    c1.selectbox(L.KEY_DATE.label, list(labels), index=None, key=L.KEY_DATE.key, format_func=labels.get,
                 placeholder="Choose a key date…", help=L.KEY_DATE.help, on_change=_on_key_date)
    playing = st.session_state.get(S.PLAYING, False)
    c2.button(L.PAUSE_LABEL if playing else L.PLAY.label, key=L.PLAY.key, help=L.PLAY.help, on_click=_toggle_play,
              shortcut=L.PLAY.shortcut, width="stretch")
    c3.selectbox(L.PLAY_STEP.label, list(L.PLAY_STEPS), key=L.PLAY_STEP.key, format_func=L.PLAY_STEPS.get)


def _map(atlas: Atlas, view: ViewState) -> dict | None:
    """Draw the map for ``view``; return what the browser reported (clicked popup, centre, zoom)."""
    state = state_on(atlas, view.day, view.event_window)
    layers = date_view(atlas, state, view.options, upload.current())
    fly = st.session_state.pop(S.FLY, None)
    if fly is not None:  # the count makes a repeated fly-to the same place differ from the last one sent
        fly = (*fly, st.session_state.get(S.FLY_COUNT, 0))
    result = atlas_map(atlas, view.basemap, layers, key=L.MAP, height=MAP_HEIGHT, fly_to=fly)
    counts = visible_counts(state, view.options)
    st.caption(f"{counts['zones']} control zones, {counts['posts']} peacekeeper posts, "
               f"{counts['incidents']} border incidents and {counts['events']} events "
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


def fragment(atlas: Atlas, registered_playing: bool) -> None:
    """Body of the map fragment (wrapped by ``st.fragment`` in app.py)."""
    if st.session_state.get(S.PLAYING, False) != registered_playing:
        st.rerun(scope="app")  # play/pause changes the fragment's timer, which only an app run can do
    _tick(atlas)
    view = S.current(atlas)
    # The map's message goes out first; the controls (drawn above it), panels and charts follow. Sending
    # them first let the browser render them during the server's map work, but their server time delayed
    # the map more than that saved: browser scrub p50 about 300 ms with the map last, 225 ms with it first.
    controls = st.container()
    map_col, side_col = st.columns([3, 1])
    with map_col:
        result = _map(atlas, view)
    with controls:
        date_controls(atlas, view.day, view.names)
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
