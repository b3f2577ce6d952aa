"""The comparison of two dates drawn for the map: changed land by direction, hatched where it rests on a claim.

Compare mode draws on the atlas's base map with the same helpers as a single date (static/atlas/atlas.js:
styles on the features, hatching from ``_h``, popups built from data with text nodes only): it only decides
which features, as a ``DateView``.
"""

from __future__ import annotations

from ..core.atlas import Atlas
from ..core.describe import Description
from ..core.diff import ChangedArea, Comparison
from ..core.palette import CONTROLLER_COLOURS
from ..core.query import state_on
from ..core.registry import popup_data
from ..core.timemodel import visible_mask
from ..core.view import MapOptions
from ..core.vocab import CONTROLLER_LABELS
from .features import SIMPLIFY_DEGREES, geometry, js_json
from .layers import DateView, LayerData, date_view

LAYER = "compare"
"""The layer name in a changed area's feature id (``compare:arm-to-az-1``), read back by ``parse_ref``."""
FADED_OPACITY = 0.08
SHOWS = {"changes": "What changed hands", "from": "The map on A", "to": "The map on B"}


def direction(controller: str) -> str:
    return f"To {CONTROLLER_LABELS[controller]}"


def settlement_line(s) -> str:
    """A settlement with both of its names and the day its holder changed."""
    others = [n for n in (s.name_az, s.name_hy) if n and n not in s.name_en]
    return f"{s.name_en}{' (' + ' / '.join(others) + ')' if others else ''}: {s.date}"


def describe_area(area: ChangedArea) -> Description:
    """Title, facts and sources of a changed area (the popup and the side panel share them)."""
    names = [settlement_line(s) for s in area.settlements]
    facts = [("From", CONTROLLER_LABELS[area.from_controller]), ("To", CONTROLLER_LABELS[area.to_controller]),
             ("Area", f"{area.area_km2:,.1f} km² (equal-area projection)"),
             ("Settlements", f"{len(names)}: " + "; ".join(names[:6]) + (" …" if len(names) > 6 else "")
              if names else "none inside"),
             ("Claim status", area.claim_status)]
    return Description(LAYER, area.id, direction(area.to_controller), facts, area.sources, key_facts=5)


def area_style(area: ChangedArea) -> dict:
    colour = CONTROLLER_COLOURS.get(area.to_controller, "#999999")
    style = {"color": "#222222", "weight": 1.5, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.7}
    if area.claim_status != "confirmed":  # hatched by atlas.each (``_h``)
        style.update(dashArray="6 4", weight=2.5)
    return style


def area_features(comparison: Comparison, outline_only: bool = False) -> list[dict]:
    """The changed areas as map features: style ``_s``, hatch ``_h`` where claimed, popup data ``_p``."""
    out = []
    for area in comparison.areas:
        style = area_style(area)
        if outline_only:  # over the map of A or B: where the land changed, without hiding what was there
            style.update(fillOpacity=0.0, color=style["fillColor"], weight=3)
        props = {"_s": style, "_p": popup_data(describe_area(area)), "to_controller": area.to_controller,
                 "claim_status": area.claim_status}
        if area.claim_status != "confirmed" and not outline_only:
            props["_h"] = area.to_controller
        shape = geometry(area.geometry, SIMPLIFY_DEGREES)
        out.append({"type": "Feature", "id": f"{LAYER}:{area.id}", "properties": props, "geometry": shape})
    return out


def faded_features(atlas: Atlas, day: str) -> list[dict]:
    """The control zones on ``day``, faded: the unchanged territory under the changed land."""
    zones = atlas.layers["control_zones"]
    out = []
    for _, row in zones[visible_mask(zones, day)].iterrows():
        colour = CONTROLLER_COLOURS.get(row["controller"], "#999999")
        out.append({"type": "Feature", "id": f"control_zones:{row['id']}",
                    "properties": {"_s": {"color": colour, "weight": 0.6, "opacity": 0.4, "fillColor": colour,
                                          "fillOpacity": FADED_OPACITY}},
                    "geometry": geometry(row.geometry, SIMPLIFY_DEGREES)})
    return out


def _json(features: list[dict]) -> str:
    return "[" + ",".join(js_json(f) for f in features) + "]"


def compare_view(atlas: Atlas, comparison: Comparison, show: str, options: MapOptions, window) -> DateView:
    """The map's layers in compare mode: the changes over faded territory, or the map of A or B with the
    changed land outlined on top."""
    if show in ("from", "to"):
        day = comparison.day_from if show == "from" else comparison.day_to
        view = date_view(atlas, state_on(atlas, day, window), options)
        view.layers.append(LayerData(LAYER, _json(area_features(comparison, outline_only=True))))
        return view
    view = DateView(comparison.day_to, options.names, "places" in options.layers,
                    text=f"{comparison.day_from} → {comparison.day_to}")
    view.layers.append(LayerData("faded", _json(faded_features(atlas, comparison.day_to)),
                                 popup=False, interactive=False))
    view.layers.append(LayerData(LAYER, _json(area_features(comparison))))
    return view


def area_by_ref(comparison: Comparison, ref: tuple[str, str] | None) -> ChangedArea | None:
    """The changed area a clicked popup names (``parse_ref``), if it is one of this comparison's."""
    if not ref or ref[0] != LAYER:
        return None
    return next((a for a in comparison.areas if a.id == ref[1]), None)

