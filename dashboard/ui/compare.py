"""Compare mode: choose dates A and B; the land that changed hands between them, how much, and who says so.

Reads its widgets, asks ``core.diff`` for the comparison and renders it: the map (``compare_map`` over the
atlas's base map), a side panel (km² per side, settlements, the control changes with their sources, what
else differs, the clicked area) and the exports (the same code as ``python -m dashboard diff``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from ..core import changes, diff, diff_export
from ..core.atlas import Atlas
from ..core.diff_render import render_comparison_png
from ..core.palette import CONTROLLER_COLOURS
from ..core.permalink import decode
from ..core.registry import parse_ref
from ..core.vocab import CONTROLLER_LABELS, CONTROLLERS
from ..core.words import plural
from ..map import compare as compare_map
from ..map.markup import esc, sources_html
from . import labels as L
from . import state as S
from .labels import Widget
from .mapcomponent import atlas_map

ON = Widget("compare_on", "Compare two dates",
            "Show the land that changed hands between date A and date B, how much, and who says so.")
DAY_A = Widget("compare_from", "A (from)", "Either order: the sides swap with the dates.")
DAY_B = Widget("compare_to", "B (to)")
SHOW = Widget("compare_show", "The map shows")
SWAP = Widget("compare_swap", "⇄ Swap A and B")
MAP_KEY = "compare_map"
MAP_HEIGHT = 680
INIT = "_compare_init"
SELECTED = "_compare_selected"  # id of the clicked changed area
LAST_POPUP = "_compare_last_popup"
SHORTCUTS = (("Previous change", None), ("War start", "2020-09-27"), ("Ceasefire", "2020-11-10"),
             ("Sep 2023 offensive", "2023-09-19"))
"""Quick choices for A (the issue's list); ``None`` = the last change day before B."""


def restore(atlas: Atlas) -> None:
    """On a session's first run: compare mode and its dates from the link (``?compare=A..B``).

    ``state.restore`` has already reported an invalid ``compare`` among the link's notices.
    """
    ss = st.session_state
    if ss.get(INIT):
        return
    ss[INIT] = True
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    first, last = changes.day_range(atlas)
    state, _ = decode(params, S.defaults(atlas), first_day=first, last_day=last)
    if state.compare:
        ss[ON.key] = True
        ss[DAY_A.key], ss[DAY_B.key] = (date.fromisoformat(d) for d in state.compare)


def _on_toggle(atlas: Atlas) -> None:
    """Turning compare mode on: B is the slider's date, A the change before it (unless already chosen)."""
    ss = st.session_state
    if not ss.get(ON.key) or (ss.get(DAY_A.key) and ss.get(DAY_B.key)):
        return
    day = (ss.get(L.DAY.key) or date.fromisoformat(S.defaults(atlas).day)).isoformat()
    ss[DAY_B.key] = date.fromisoformat(day)
    ss[DAY_A.key] = date.fromisoformat(changes.previous_change(atlas, day) or changes.day_range(atlas)[0])


def toggle(atlas: Atlas) -> bool:
    """The compare-mode switch; whether compare mode is on."""
    return st.toggle(ON.label, key=ON.key, help=ON.help, on_change=_on_toggle, args=(atlas,))


def _set_a(atlas: Atlas, day: str | None) -> None:
    ss = st.session_state
    if day is None:
        day = changes.previous_change(atlas, ss[DAY_B.key].isoformat())
    if day:
        first, last = changes.day_range(atlas)
        ss[DAY_A.key] = date.fromisoformat(min(max(day, first), last))


def _swap() -> None:
    ss = st.session_state
    ss[DAY_A.key], ss[DAY_B.key] = ss[DAY_B.key], ss[DAY_A.key]


def _controls(atlas: Atlas) -> None:
    first, last = (date.fromisoformat(d) for d in changes.day_range(atlas))
    left, right, swap = st.columns([3, 3, 1.2], vertical_alignment="bottom")
    left.date_input(DAY_A.label, min_value=first, max_value=last, key=DAY_A.key, help=DAY_A.help)
    right.date_input(DAY_B.label, min_value=first, max_value=last, key=DAY_B.key)
    swap.button(SWAP.label, key=SWAP.key, on_click=_swap, width="stretch")
    columns = st.columns(len(SHORTCUTS) + 2, vertical_alignment="bottom")
    columns[0].caption("A =")
    for column, (label, day) in zip(columns[1:], SHORTCUTS, strict=False):
        column.button(f"{label}" + (f" ({day})" if day else ""), key=f"compare_a_{day or 'previous'}",
                      on_click=_set_a, args=(atlas, day), width="stretch")
    columns[-1].radio(SHOW.label, list(compare_map.SHOWS), key=SHOW.key, format_func=compare_map.SHOWS.get,
                      horizontal=True, label_visibility="collapsed")


def legend_html(comparison: diff.Comparison) -> str:
    """The compare map's key: direction colours, hatching, faded territory, titled with both dates."""
    items = "".join(
        f'<span class="cmp-key"><i style="background:{CONTROLLER_COLOURS[c]}"></i>{esc(compare_map.direction(c))}'
        f"</span>" for c in CONTROLLERS)
    items += ('<span class="cmp-key"><i class="cmp-hatch"></i>Change rests on a claim (hatched)</span>'
              f'<span class="cmp-key"><i class="cmp-faded"></i>Unchanged (as held on {esc(comparison.day_to)})'
              "</span>")
    return (f'<div class="cmp-legend"><b>Changes from {esc(comparison.day_from)} to {esc(comparison.day_to)}'
            f"</b> {items}</div>")


def area_html(area: diff.ChangedArea | None) -> str:
    """The clicked changed area: from/to, km², its settlements (both names) with dates, every source."""
    out = '<div class="side-h2">Selected area</div>'
    if area is None:
        return out + '<p class="side-empty">Click a changed area on the map for its settlements and sources.</p>'
    desc = compare_map.describe_area(area)
    rows = "".join(f"<li>{esc(compare_map.settlement_line(s))} ({esc(s.claim_status)})</li>"
                   for s in area.settlements) or "<li>No gazetteer settlement inside.</li>"
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in desc.facts[:3] + desc.facts[4:])
    return (out + f'<div class="atlas-side cmp-area" data-area="{esc(area.id)}">'
            f'<div class="side-title">{esc(desc.title)}</div><dl class="side-facts">{facts}</dl>'
            f'<div class="side-h">Settlements ({len(area.settlements)}), the day each changed hands</div>'
            f'<ul class="cmp-settlements">{rows}</ul>'
            f'<div class="side-h">Sources ({len(area.sources)})</div>{sources_html(area.sources)}</div>')


def summary_html(comparison: diff.Comparison) -> str:
    """km² per side (the method stated), settlements, the control changes with sources, what else differs."""
    km2 = comparison.km2
    gains = "".join(f"<dt>Gained by {esc(CONTROLLER_LABELS[c])}</dt><dd>{km2[c]:,.1f} km²</dd>" for c in CONTROLLERS)
    out = (f'<div class="side-h2">From {esc(comparison.day_from)} to {esc(comparison.day_to)}</div>'
           f'<div class="atlas-side cmp-summary"><dl class="side-facts">{gains}'
           f"<dt>Settlements that changed hands</dt><dd>{len(comparison.settlements)}</dd></dl>"
           f'<p class="side-empty">{esc(diff.AREA_METHOD)}</p></div>')
    others = [d for d in comparison.differences if d["changed"] and not d["key"].startswith("held_")]
    out += '<div class="side-h2">What else differs</div>'
    out += ("<ul>" + "".join(f"<li>{esc(d['what'])}: {esc(d['from'])} → {esc(d['to'])}</li>" for d in others)
            + "</ul>") if others else '<p class="side-empty">Corridor, posts and peacekeeping stage: no difference.</p>'
    out += f'<div class="side-h2">Control changes between the dates ({len(comparison.changes)})</div>'
    if not comparison.changes:
        out += '<p class="side-empty">No control change between these dates.</p>'
    for c in comparison.changes:
        what = (f"to {CONTROLLER_LABELS[c.controller]}" if c.controller
                else ("joins" if c.peacekeeping_zone else "leaves") + " the Russian peacekeeping zone")
        moved = f", {plural(c.settlements_changed, 'settlement')} changed hands" if c.settlements_changed else ""
        out += (f'<div class="atlas-change cmp-change"><div class="change-title">{esc(c.date)}: {esc(c.change_id)}'
                f"</div><ul class=\"change-details\"><li>{esc(what)} ({esc(c.claim_status)}{esc(moved)})</li>"
                + (f"<li>{esc(c.note)}</li>" if c.note else "") + "</ul>" + sources_html(c.sources) + "</div>")
    return out


def _remember(result: dict | None) -> None:
    selected = (result or {}).get("selected")
    ss = st.session_state
    if isinstance(selected, str) and selected != ss.get(LAST_POPUP):
        ss[LAST_POPUP] = selected
        ref = parse_ref(f"ref {selected}")
        if ref and ref[0] == compare_map.LAYER:
            ss[SELECTED] = ref[1]


def _exports(atlas: Atlas, comparison: diff.Comparison) -> None:
    st.markdown("**Export the comparison**")
    stem = f"karabakh-atlas-{comparison.day_from}-to-{comparison.day_to}"
    st.download_button("PNG (map, legend with both dates)", lambda: render_comparison_png(atlas, comparison),
                       file_name=f"{stem}.png", mime="image/png", key="compare_png", on_click="ignore",
                       width="stretch")
    st.download_button("GeoJSON of the changed areas",
                       lambda: diff_export.dumps(diff_export.comparison_geojson(comparison)),
                       file_name=f"{stem}.geojson", mime="application/geo+json", key="compare_geojson",
                       on_click="ignore", width="stretch")
    st.download_button("CSV of the settlements that changed hands",
                       lambda: diff_export.settlements_csv(comparison), file_name=f"{stem}-settlements.csv",
                       mime="text/csv", key="compare_csv", on_click="ignore", width="stretch")


def render(atlas: Atlas) -> None:
    """Compare mode in place of the single-date map."""
    ss = st.session_state
    for key in (L.DAY.key,):  # the single-date map's widgets are not drawn: keep their values
        if key in ss:
            ss[key] = ss[key]
    if not (ss.get(DAY_A.key) and ss.get(DAY_B.key)):
        _on_toggle(atlas)
    _controls(atlas)
    a, b = ss[DAY_A.key].isoformat(), ss[DAY_B.key].isoformat()
    try:
        comparison = diff.compare(atlas, a, b)
    except diff.DateError as exc:
        st.error(str(exc))
        return
    view = S.current(atlas)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        layers = compare_map.compare_view(atlas, comparison, ss.get(SHOW.key, "changes"), view.options,
                                          view.event_window)
        result = atlas_map(atlas, view.basemap, layers, key=MAP_KEY, height=MAP_HEIGHT)
        st.html(legend_html(comparison))
    _remember(result)
    selected = next((x for x in comparison.areas if x.id == ss.get(SELECTED)), None)
    with side_col:
        st.html(f'<div class="atlas-panel cmp-panel">{area_html(selected)}<hr class="side-rule">'
                f"{summary_html(comparison)}</div>")
        _exports(atlas, comparison)
    S.sync_url(atlas, replace(view, compare=(a, b)))


COMPARE_CSS = """
<style>
.cmp-legend { font-size: .85rem; display: flex; flex-wrap: wrap; gap: .3rem 1rem; align-items: center; }
.cmp-key i { display: inline-block; width: 14px; height: 14px; margin-right: .3rem; vertical-align: -2px;
             border: 1px solid #222; opacity: .8; }
.cmp-key i.cmp-hatch { background: repeating-linear-gradient(45deg, #222 0 2px, #fff 2px 6px); }
.cmp-key i.cmp-faded { background: #ddd; border-color: #bbb; }
.cmp-settlements, .cmp-panel ul { font-size: .85rem; }
</style>
"""
