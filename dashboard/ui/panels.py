"""Panels next to and under the map: the selected feature's sources, what changed, the two charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..core import changes
from ..core import series as chart_series
from ..core.atlas import Atlas
from ..core.palette import CONTROLLER_COLOURS, EVENT_FAMILIES
from ..core.permalink import ViewState
from ..core.query import not_shown
from ..core.registry import describe, find_feature
from ..core.timemodel import EventWindow
from ..core.view import MapOptions
from ..core.vocab import CONTROLLER_LABELS
from ..map.markup import esc, sources_html
from . import labels as L


def _empty(text: str) -> str:
    return f'<p class="side-empty">{esc(text)}</p>'


def selected_html(atlas: Atlas, selected: str | None, day: str, names: str, window: EventWindow | None = None,
                  options: MapOptions | None = None) -> str:
    """The last clicked feature: its facts and every source (HTML, all text escaped)."""
    out = f'<div class="side-h2">{esc(L.SELECTED_HEADER)}</div>'
    if not selected:
        return out + _empty(L.SELECTED_EMPTY)
    layer, _, fid = selected.partition(":")
    record = find_feature(atlas, layer, fid)
    if record is None:
        return out + _empty(f"No feature {selected!r} in this atlas.")
    desc = describe(atlas, layer, record, names)
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in desc.facts)
    out += (f'<div class="atlas-side"><div class="side-title">{esc(desc.title)}</div>'
            f'<dl class="side-facts">{facts}</dl>'
            f'<div class="side-h">Sources ({len(desc.sources)})</div>{sources_html(desc.sources)}</div>')
    absent = not_shown(layer, record, day, window, options)
    if absent:
        out += _empty(absent)
    return out


def changes_html(atlas: Atlas, day: str, names: str) -> str:
    """The changes of the last change date up to ``day``, each with its sources (HTML, all text escaped)."""
    since, on, found = changes.what_changed(atlas, day, names)
    out = f'<div class="side-h2">{esc(L.CHANGES_HEADER)}</div>'
    if on is None:
        return out + _empty("Nothing has changed yet on this date.")
    out += _empty(f"Changes on {on}" + (f" (previous change: {since})." if since else "."))
    if not found:
        out += _empty("No change described for that day.")
    for change in found:
        details = "".join(f"<li>{esc(d)}</li>" for d in change.details)
        out += (f'<div class="atlas-change"><div class="change-title">{esc(change.title)}</div>'
                + (f'<ul class="change-details">{details}</ul>' if details else "")
                + sources_html(change.sources) + "</div>")
    return out


def side_panel(selected_atlas: Atlas, atlas: Atlas, view: ViewState) -> None:
    """The selected feature and what changed, as one element.

    One ``st.html`` rather than a dozen Markdown elements: on a slider step the browser handles every
    element of the fragment before the map gets its update, and ``st.html`` skips its work when its
    text is unchanged, which it is on most steps (nothing in it depends on the day except at changes).
    """
    selected = selected_html(selected_atlas, view.selected, view.day, view.names, view.event_window, view.options)
    st.html(f'<div class="atlas-panel">{selected}'
            f'<hr class="side-rule">{changes_html(atlas, view.day, view.names)}</div>')


def _marker(day: str) -> pd.DataFrame:
    return pd.DataFrame({"date": [day], "label": [day]})


MARKER_LAYER = {
    "data": {"name": "marker"},
    "mark": {"type": "rule", "color": "#222222", "strokeWidth": 2, "strokeDash": [4, 2]},
    "encoding": {"x": {"field": "date", "type": "temporal"},
                 "tooltip": [{"field": "label", "type": "nominal", "title": "Slider date"}]},
}
"""The slider date on a chart. Charts are Vega-Lite specs with named datasets: between two dates only the
``marker`` dataset changes, so the browser updates the chart's data instead of rebuilding the chart."""


MONTH_AXIS = {"format": "%b %Y", "labelOverlap": True}
"""Every date label of a chart carries its year ("Oct 2020"): the charts span 1994 or 2020 to 2024."""


def events_chart(atlas: Atlas, state: ViewState) -> None:
    series = chart_series.events_series(atlas, state.options)  # memoised per atlas and filters, in the core
    st.markdown(f"**{L.CHART_EVENTS}**")
    if series.empty:
        st.caption("No event matches the filters.")
        return
    families = list(EVENT_FAMILIES)
    bars = {
        "data": {"name": "weeks"},
        "mark": {"type": "bar", "width": 3},
        "encoding": {
            "x": {"field": "week", "type": "temporal", "title": None, "axis": MONTH_AXIS},
            "y": {"aggregate": "sum", "field": "count", "type": "quantitative", "title": "events"},
            "color": {"field": "label", "type": "nominal", "title": None,
                      "scale": {"domain": [EVENT_FAMILIES[f][0] for f in families],
                                "range": [EVENT_FAMILIES[f][1] for f in families]},
                      "legend": {"orient": "bottom", "columns": 2, "labelLimit": 0}},
            "tooltip": [{"field": "week", "type": "temporal", "title": "week of"},
                        {"field": "label", "type": "nominal", "title": "type"},
                        {"field": "count", "type": "quantitative", "title": "events"}],
        },
    }
    spec = {"height": 220, "layer": [bars, MARKER_LAYER], "datasets": {"weeks": series, "marker": _marker(state.day)}}
    st.vega_lite_chart(spec, width="stretch", key="chart_events")


def area_chart(atlas: Atlas, day: str) -> None:
    series = chart_series.area_series(atlas)
    st.markdown(f"**{L.CHART_AREA}**")
    if series.empty:
        st.caption("No control zones in this atlas.")
        return
    held = chart_series.area_on(atlas, day)
    st.caption(" · ".join(f"{CONTROLLER_LABELS[c]}: {km2:,.0f} km²" for c, km2 in held.items())
               + f" on {day} (equal-area projection; zones are approximations).")
    lines = {
        "data": {"name": "area"},
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None, "axis": MONTH_AXIS},
            "y": {"field": "km2", "type": "quantitative", "title": "km²"},
            "color": {"field": "label", "type": "nominal", "title": None,
                      "scale": {"domain": [CONTROLLER_LABELS[c] for c in CONTROLLER_COLOURS],
                                "range": list(CONTROLLER_COLOURS.values())},
                      "legend": {"orient": "bottom", "labelLimit": 0}},
            "strokeDash": {"field": "label", "type": "nominal", "legend": None},
            "tooltip": [{"field": "date", "type": "temporal", "title": "from"},
                        {"field": "label", "type": "nominal", "title": "held by"},
                        {"field": "km2", "type": "quantitative", "title": "km²", "format": ",.0f"}],
        },
    }
    spec = {"height": 220, "layer": [lines, MARKER_LAYER], "datasets": {"area": series, "marker": _marker(day)}}
    st.vega_lite_chart(spec, width="stretch", key="chart_area")


PANEL_CSS = """
<style>
.block-container { padding-top: 2.2rem; }
.atlas-side dl { font-size: .85rem; margin: 0 0 .4rem; }
.atlas-side dt { font-weight: 600; color: #555; margin-top: .25rem; }
.atlas-side dd { margin: 0; }
.side-title, .change-title { font-weight: 600; }
.side-h { font-weight: 600; margin-top: .3rem; }
.atlas-side ol, .atlas-change ol { font-size: .85rem; padding-left: 1.2rem; margin: 0 0 .5rem; }
.atlas-change ul { font-size: .85rem; margin: 0 0 .2rem; }
.atlas-change { margin-bottom: .6rem; }
.pp-more, .pp-nosrc { font-size: .8rem; color: #666; }
.atlas-panel { font-size: .9rem; }
.stHtml .atlas-panel dl { padding-left: 0; }
.stHtml .atlas-panel ol, .stHtml .atlas-panel ul { padding-left: 1.2rem; }
.side-h2 { font-weight: 700; margin: .2rem 0 .3rem; }
.side-empty { font-size: .85rem; color: #666; margin: 0 0 .4rem; }
.side-rule { margin: .6rem 0; }
</style>
"""
