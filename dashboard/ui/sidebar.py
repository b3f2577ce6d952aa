"""The sidebar: layers, event window and filters, place names, basemap and place search."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..core import changes
from ..core.atlas import Atlas
from ..core.describe import place_name, places_by_id
from ..core.permalink import MAX_FIELD_VALUES, MAX_WINDOW_DAYS
from ..core.view import BASEMAPS, LAYER_KEYS, NAME_MODES, SOURCINGS, field_values
from ..core.vocab import CLAIM_STATUSES, EVENT_TYPES
from . import exports, upload
from . import labels as L
from . import state as S

SEARCH_ZOOM = 12


def _search_label(place: dict) -> str:
    """Every name of a place in one option, so typing any of them finds it."""
    names = [place_name(place, "both")]
    for key in ("name_az", "name_hy", "name_ru"):
        value = place.get(key)
        if isinstance(value, str) and value.strip() and value.strip() not in names:
            names.append(value.strip())
    return f"{names[0]} ({' · '.join(names[1:])})" if len(names) > 1 else names[0]


def _on_place(atlas: Atlas) -> None:
    place_id = st.session_state.get(L.PLACE.key)
    place = places_by_id(atlas).get(place_id)
    if place is not None:
        S.fly_to(float(place["lat"]), float(place["lon"]), SEARCH_ZOOM)
        st.session_state[S.SELECTED] = f"places:{place_id}"


def field_filters(slot, atlas: Atlas) -> None:
    """The source-data filters: one multiselect per field some loaded event (atlas or upload) carries, its options
    the values found, and how many events have none (they are left out once values are chosen)."""
    user = upload.current()
    owners = [atlas] if user is None else [atlas, user]
    for name, widget in L.FIELD_FILTERS.items():
        found = field_values(owners, name)
        picked = [v for v in st.session_state.get(widget.key) or () if isinstance(v, str)]
        absent = [v for v in picked if v not in found.values]
        if not found.values and not picked:
            continue  # a link's values stay visible (and removable) until their file is loaded
        # no more choices than a link can carry back (permalink.MAX_FIELD_VALUES): a cited view must reopen
        slot.multiselect(widget.label, [*found.values, *absent], key=widget.key, help=widget.help, placeholder="All",
                         max_selections=MAX_FIELD_VALUES)
        notes = [f"{found.missing:,} of {found.total:,} loaded events have none (left out once you choose)"
                 ] if found.missing else []
        if absent:
            notes.append(f"{len(absent)} chosen value(s) in no loaded event (load the file the link was made with)")
        if notes:
            slot.caption("; ".join(notes) + ".")


def render(atlas: Atlas) -> None:
    sb = st.sidebar
    places = places_by_id(atlas)
    options = sorted(places, key=lambda p: place_name(places[p], "both").lower())
    sb.selectbox(L.PLACE.label, options, index=None, key=L.PLACE.key, help=L.PLACE.help,
                 format_func=lambda p: _search_label(places[p]), placeholder="Type a name…",
                 on_change=_on_place, args=(atlas,))

    sb.subheader("Layers")
    for key in LAYER_KEYS:
        sb.checkbox(L.LAYERS[key].label, key=L.LAYERS[key].key)

    sb.subheader("Events")
    sb.radio(L.WINDOW_MODE.label, list(L.WINDOW_MODES), key=L.WINDOW_MODE.key, help=L.WINDOW_MODE.help,
             format_func=L.WINDOW_MODES.get)
    mode = st.session_state.get(L.WINDOW_MODE.key)
    if mode == "last":
        sb.number_input(L.WINDOW_DAYS.label, min_value=1, max_value=MAX_WINDOW_DAYS, step=1, key=L.WINDOW_DAYS.key)
    elif mode == "since":
        first, last = changes.day_range(atlas)
        sb.date_input(L.WINDOW_SINCE.label, min_value=date.fromisoformat(first), max_value=date.fromisoformat(last),
                      key=L.WINDOW_SINCE.key)
    sb.multiselect(L.EVENT_TYPES.label, list(EVENT_TYPES), key=L.EVENT_TYPES.key, help=L.EVENT_TYPES.help,
                   placeholder="All types")
    sb.multiselect(L.ACTORS.label, S.actors_of(atlas), key=L.ACTORS.key, help=L.ACTORS.help,
                   placeholder="All actors")
    sb.multiselect(L.CLAIMS.label, list(CLAIM_STATUSES), key=L.CLAIMS.key, help=L.CLAIMS.help,
                   placeholder="All")
    sourcings = {**L.SOURCINGS, **SOURCINGS}
    sb.radio(L.SOURCING.label, list(sourcings), key=L.SOURCING.key, help=L.SOURCING.help, format_func=sourcings.get)
    fields = sb.container()  # filled once the upload below is read: its values are options too

    sb.subheader("Display")
    sb.radio(L.NAMES.label, list(NAME_MODES), key=L.NAMES.key, help=L.NAMES.help, format_func=NAME_MODES.get)
    sb.selectbox(L.BASEMAP.label, list(BASEMAPS), key=L.BASEMAP.key, help=L.BASEMAP.help,
                 format_func=BASEMAPS.get)

    with sb:
        st.divider()
        upload.panel(atlas)
        field_filters(fields, atlas)
        st.divider()
        exports.panel(atlas, S.current(atlas), upload.current())

    problems = atlas.report.problems
    if problems:
        with sb.expander(f"Data problems ({len(problems)})"):
            st.caption("Rows and features left out because they did not validate (`python -m dashboard validate`).")
            st.code("\n".join(str(p) for p in problems[:200]), language=None)
