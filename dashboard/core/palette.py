"""The atlas's colours and symbols, and the legend as data: one source for the Leaflet map and the PNG."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .vocab import CONTROLLER_LABELS

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
CONTROLLER_COLOURS = {"AZ": "#0072B2", "ARM": "#E69F00"}
PEACEKEEPING_COLOUR = "#009E73"
OUTLINE_COLOUR = "#555555"
CORRIDOR_STYLES = {  # status -> (colour, dash pattern)
    "open": ("#009E73", None),
    "checkpoint": ("#CC79A7", "10 5"),
    "blockaded": ("#D55E00", "3 6"),
    "closed": ("#000000", "1 5"),
}
EVENT_FAMILIES = {  # family -> (label, colour, event types)
    "fighting": ("Fighting", "#D55E00", ("clash", "shelling", "strike")),
    "territory": ("Territory", "#CC79A7", ("capture", "handover", "withdrawal")),
    "peace": ("Ceasefire, deployment, diplomacy", "#009E73", ("ceasefire", "deployment", "diplomatic")),
    "access": ("Blockade, checkpoint", "#000000", ("blockade", "checkpoint")),
    "civilians": ("Displacement, protest", "#56B4E9", ("displacement", "protest")),
    "other": ("Incident, other", "#7F7F7F", ("incident", "other")),
}
EVENT_COLOURS = {t: colour for _, colour, types in EVENT_FAMILIES.values() for t in types}
OTHER_COLOUR = "#7F7F7F"
HALO_METRES = {"exact": 0, "settlement": 3_000, "district": 12_000, "region": 30_000}
"""Radius of the uncertainty halo drawn around an event, by ``geo_precision``."""
POST_GLYPHS = {"temporary_post": "△", "base": "■", "command_post": "■", "monitoring_centre": "■"}
POST_GLYPH = "▲"
INCIDENT_GLYPHS = {True: "◆", False: "◇"}  # confirmed or not


def event_colour(event_type) -> str:
    return EVENT_COLOURS.get(event_type, OTHER_COLOUR)


def post_glyph(kind) -> str:
    return POST_GLYPHS.get(kind, POST_GLYPH)


# --- styles: computed per feature, read by the Leaflet map (as ``_s``) and by the PNG ---------------------------


def zone_style(props: Mapping) -> dict:
    colour = CONTROLLER_COLOURS.get(props.get("controller"), "#999999")
    style = {"color": colour, "weight": 1.2, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.35}
    if (props.get("claim_status") or "confirmed") != "confirmed":  # and hatched in the browser (``_h``)
        style.update(weight=2.5, dashArray="6 4", fillOpacity=0.15)
    return style


def corridor_style(props: Mapping) -> dict:
    colour, dash = CORRIDOR_STYLES.get(props.get("status"), ("#000000", None))
    if props.get("kind") == "route":
        return {"color": colour, "weight": 4, "opacity": 0.95, "dashArray": dash, "lineCap": "butt"}
    return {"color": colour, "weight": 1.5, "opacity": 0.8, "fillColor": colour, "fillOpacity": 0.12,
            "dashArray": dash or "4 3"}


def event_style(props: Mapping) -> dict:
    """Filled when confirmed, hollow when claimed, hollow and dashed when disputed; colour by type."""
    colour = event_colour(props.get("event_type"))
    claim = props.get("claim_status")
    if claim == "confirmed":
        return {"radius": 6, "color": "#222222", "weight": 1, "opacity": 1, "fill": True, "fillColor": colour,
                "fillOpacity": 0.9}
    return {"radius": 6, "color": colour, "weight": 2.5, "opacity": 1, "fill": True, "fillColor": "#ffffff",
            "fillOpacity": 0.35, "dashArray": "3 3" if claim == "disputed" else None}


def user_event_style(props: Mapping) -> dict:
    """Uploaded events: the event styling in a heavier black ring, so they never pass for the atlas's own."""
    style = event_style(props)
    style.update(radius=7, color="#000000", weight=3, opacity=1)
    return style


def halo_style(props: Mapping) -> dict:
    """The uncertainty ring around an approximately placed event or area marker (radius in metres).

    A ring, not a disc: one per place and precision, unfilled, so the halos of many events placed at one
    town never pile up into a dark disc over it.
    """
    colour = event_colour(props.get("event_type")) if props.get("event_type") else OUTLINE_COLOUR
    return {"radius": HALO_METRES.get(props.get("geo_precision"), 0), "color": colour, "weight": 1,
            "opacity": 0.7, "dashArray": "2 4", "fill": False, "interactive": False}


def area_style(count: int, precision: str) -> dict:
    """The marker of the district- or region-level events placed at one point: a dashed ring with their number."""
    return {"label": str(count), "className": f"event-area event-area-{precision}", "iconSize": [24, 24],
            "iconAnchor": [12, 12], "zIndexOffset": 500}  # over the place labels, whose text starts at the point


def peacekeeping_style(thin: bool) -> dict:
    """The peacekeeping zone's outline: thinner and dotted while its posts close (drawdown, withdrawal)."""
    return {"color": PEACEKEEPING_COLOUR, "weight": 2 if thin else 3, "dashArray": "2 6" if thin else "8 6",
            "opacity": 0.8 if thin else 0.95, "fill": False}


# --- the legend as data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendRow:
    """One legend line: a mark (``fill``, ``line``, ``dot`` or ``glyph``) in a style, and its label."""

    mark: str
    label: str
    colour: str = "#888888"
    edge: str = "#444444"
    dash: str | None = None
    hollow: bool = False
    hatched: bool = False
    glyph: str = ""
    hint: str = ""


LEGEND_SECTIONS: dict[str, str] = {"control": "Control", "corridor": "Lachin corridor", "points": "Points",
                                   "events": "Events"}


def legend(view_layers: tuple[str, ...] | None = None) -> dict[str, list[LegendRow]]:
    """The legend's sections and rows; with ``view_layers``, only the rows of those view layers."""
    on = set(view_layers) if view_layers is not None else None

    def want(key: str) -> bool:
        return on is None or key in on

    control, corridor, points, events = [], [], [], []
    if want("zones"):
        control += [LegendRow("fill", CONTROLLER_LABELS[k], c, c) for k, c in CONTROLLER_COLOURS.items()]
        control.append(LegendRow("fill", "Claimed or disputed control (hatched)", "#777777", "#777777", "6 4",
                                 hatched=True))
    if want("peacekeeping"):
        control.append(LegendRow("outline", "Russian peacekeeping zone", PEACEKEEPING_COLOUR, PEACEKEEPING_COLOUR,
                                 "8 6"))
        control.append(LegendRow("outline", "… posts closing or withdrawing (Sep 2023 – May 2024)",
                                 PEACEKEEPING_COLOUR, PEACEKEEPING_COLOUR, "2 6"))
    if on is None:
        control.append(LegendRow("outline", "Mapped area (approximate)", OUTLINE_COLOUR, OUTLINE_COLOUR, "4 4"))
    if want("corridor"):
        corridor = [LegendRow("line", status, c, c, d) for status, (c, d) in CORRIDOR_STYLES.items()]
    if want("posts"):
        points.append(LegendRow("glyph", "Peacekeeper post (△ temporary, ■ base)", "#00654a", glyph=POST_GLYPH))
    if want("incidents"):
        points.append(LegendRow("glyph", "Border incident (◇ claimed)", "#222222", glyph=INCIDENT_GLYPHS[True]))
    if want("events"):
        events = [LegendRow("dot", label, c, "#222222", hint=", ".join(types))
                  for label, c, types in EVENT_FAMILIES.values()]
        events += [
            LegendRow("dot", "confirmed (filled)", "#888888", "#222222"),
            LegendRow("dot", "claimed (hollow)", "#888888", "#888888", hollow=True),
            LegendRow("dot", "disputed (hollow, dashed)", "#888888", "#888888", "3 3", hollow=True),
            LegendRow("halo", "halo: approximate place; a dashed circle with a number: that many events "
                              "somewhere in a district or region", "#888888", "#888888", "2 4",
                      hint="settlement 3 km, district 12 km, region 30 km"),
        ]
    rows = {"control": control, "corridor": corridor, "points": points, "events": events}
    return {k: v for k, v in rows.items() if v}
