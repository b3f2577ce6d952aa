"""The layer registry: every layer of the atlas declared once.

A declaration says what a layer's features carry (its property spec), how they are identified, whether they
follow the date or the event window, how they look (a style from ``palette``), which legend section they
belong to, and how a feature is described (title, facts, sources). Loading, validation, the state on a day,
the map, the PNG, the exports, permalinks and the side panel loop over it. docs/LAYERS.md shows how to add one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import describe as d
from . import palette, vocab
from .source_labels import date_label, remarks_label
from .tables import Column, choice, parse_bool, safe_url, text

if TYPE_CHECKING:
    from .atlas import Atlas

POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point",)


@dataclass(frozen=True)
class LayerDef:
    """One layer of the atlas."""

    key: str  # data key, e.g. "control_zones" (file geodata/<key>.geojson when ``geojson``)
    title: str
    columns: tuple[Column, ...] = ()  # properties besides id, valid_from, valid_to and source_ids
    geometry_types: tuple[str, ...] = POINTS
    describe: Callable[[Atlas, Mapping, str], d.Description] | None = None
    style: Callable[[Mapping], dict] | None = None
    style_props: tuple[str, ...] = ()  # the properties ``style`` reads
    marker: str = "circlemarker"  # how a point is drawn: circlemarker (pixels), circle (metres), div (a glyph)
    id_column: str = "id"
    windowed: bool = False  # visible over the event window (a span of days), not on one day
    geojson: bool = True  # one of the dated GeoJSON layers of geodata/
    view_key: str | None = None  # the toggle (and permalink key) that shows it
    legend: str = ""  # legend section (palette.LEGEND_SECTIONS)

    @property
    def filename(self) -> str:
        return f"{self.key}.geojson"

    @property
    def path(self) -> str:
        return f"geodata/{self.filename}"

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _incident_style(props: Mapping) -> dict:
    glyph = palette.INCIDENT_GLYPHS[props.get("claim_status") == "confirmed"]
    return _glyph(glyph, "border-incident", 16)


def _post_style(props: Mapping) -> dict:
    glyph = palette.post_glyph(props.get("kind"))
    stack = props.get("stack") or 1
    if stack > 1:  # posts reported as a count at one place: one marker with the count, not a pile
        return {"glyph": glyph, "count": int(stack), "className": "pk-post", "iconSize": [30, 14],
                "iconAnchor": [7, 7]}
    return _glyph(glyph, "pk-post", 14)


def _place_style(props: Mapping) -> dict:
    return {"label": props.get("label") or "", "className": f"place-label place-{props.get('kind') or ''}",
            "iconSize": [0, 0], "iconAnchor": [-4, 7]}


def _glyph(glyph: str, cls: str, size: int) -> dict:
    return {"glyph": glyph, "className": cls, "iconSize": [size, size], "iconAnchor": [size // 2, size // 2]}


LAYERS: dict[str, LayerDef] = {}
"""Every layer by data key, in drawing order (bottom first)."""


def register(layer: LayerDef) -> LayerDef:
    """Add a layer (or replace the one with its key)."""
    LAYERS[layer.key] = layer
    return layer


@contextmanager
def registered(layer: LayerDef) -> Iterator[LayerDef]:
    """A layer added for the duration of a ``with`` block (tests, plug-ins)."""
    before = dict(LAYERS)
    register(layer)
    try:
        yield layer
    finally:
        LAYERS.clear()
        LAYERS.update(before)


register(LayerDef(
    "control_zones", "Control zones", (
        Column("controller", choice(vocab.CONTROLLERS)), Column("peacekeeping_zone", parse_bool, False),
        Column("peacekeeping_stage", choice(vocab.PEACEKEEPING_STAGES), False),
        Column("peacekeeping_note", text, False), Column("claim_status", choice(vocab.CLAIM_STATUSES), False),
        Column("method", text, False), Column("precision_note", text, False)),
    POLYGONS, d.describe_zone, palette.zone_style, ("controller", "claim_status"), view_key="zones",
    legend="control"))
register(LayerDef(
    "lachin_corridor", "Lachin corridor", (
        Column("kind", choice(vocab.CORRIDOR_KINDS)), Column("route"),
        Column("status", choice(vocab.CORRIDOR_STATUSES)), Column("precision_note", text, False)),
    POLYGONS + LINES, d.describe_corridor, palette.corridor_style, ("kind", "status"), view_key="corridor",
    legend="corridor"))
register(LayerDef(
    "peacekeeper_posts", "Peacekeeper posts", (
        Column("kind", choice(vocab.POST_KINDS)), Column("name"), Column("zone", choice(vocab.POST_ZONES), False),
        Column("geo_precision", choice(vocab.GEO_PRECISIONS))),
    POINTS, d.describe_post, _post_style, ("kind", "stack"), marker="div", view_key="posts", legend="points"))
register(LayerDef(
    "border_incidents", "Border incidents", (
        Column("incident_type", choice(vocab.INCIDENT_TYPES)), Column("claim_status", choice(vocab.CLAIM_STATUSES)),
        Column("geo_precision", choice(vocab.GEO_PRECISIONS)), Column("summary", text, False)),
    POINTS, d.describe_incident, _incident_style, ("claim_status",), marker="div", windowed=True,
    view_key="incidents", legend="points"))
register(LayerDef("events", "Events", describe=d.describe_event, style=palette.event_style,
                  style_props=("event_type", "claim_status", "geo_precision"), id_column="event_id", windowed=True,
                  geojson=False, view_key="events", legend="events"))
register(LayerDef("user_events", "Your events", describe=d.describe_user_event, style=palette.user_event_style,
                  style_props=("event_type", "claim_status", "geo_precision"), id_column="event_id", windowed=True,
                  geojson=False))
register(LayerDef("peacekeeping", "Russian peacekeeping zone", describe=d.describe_peacekeeping, geojson=False,
                  legend="control"))  # drawn from the control zones (DERIVED_VIEWS); no toggle of its own here
register(LayerDef("places", "Place names", describe=d.describe_place, style=_place_style, style_props=("kind",),
                  marker="div", id_column="place_id", geojson=False, view_key="places"))

DERIVED_VIEWS = {"peacekeeping": "control_zones"}
"""Toggles drawn from another layer's features: the peacekeeping zone is the outline of some control zones."""
DERIVED_TITLES = {"peacekeeping": "Peacekeeping zone"}


def view_layers() -> tuple[tuple[str, str], ...]:
    """The toggles (permalink key, title), bottom first: each layer's, and a derived one after its source."""
    out: list[tuple[str, str]] = []
    for layer in LAYERS.values():
        if layer.view_key:
            out.append((layer.view_key, layer.title))
        out += [(view, DERIVED_TITLES[view]) for view, key in DERIVED_VIEWS.items() if key == layer.key]
    events_last = sorted(out, key=lambda kv: kv[0] == "places")  # place names are drawn on top of everything
    return tuple(events_last)


VIEW_LAYERS = view_layers()
"""The toggles as registered when the package loads (what the sidebar and permalinks offer)."""


def geojson_layers() -> list[LayerDef]:
    """The dated GeoJSON layers, in drawing order."""
    return [layer for layer in LAYERS.values() if layer.geojson]


def geojson_keys() -> tuple[str, ...]:
    return tuple(layer.key for layer in geojson_layers())


def data_layers(view_layers) -> tuple[str, ...]:
    """The data layers behind a choice of toggles, in drawing order, without repeats (places are labels)."""
    on = set(view_layers)
    keys = [layer.key for layer in LAYERS.values() if layer.view_key in on and layer.key != "places"]
    keys += [key for view, key in DERIVED_VIEWS.items() if view in on]
    order = list(LAYERS)
    return tuple(sorted(dict.fromkeys(keys), key=order.index))


def layer_names() -> dict[str, tuple[str, ...]]:
    """Every name a layer goes by -> the toggles it turns on: the app's and permalinks' toggles (``zones``,
    ``peacekeeping``, ``corridor``…) and the data layers' keys (``control_zones`` turns on its derived toggles too)."""
    out = {view: (view,) for view, _ in VIEW_LAYERS}
    for layer in LAYERS.values():
        if layer.view_key and layer.key != layer.view_key:
            out[layer.key] = (layer.view_key, *(v for v, key in DERIVED_VIEWS.items() if key == layer.key))
    return out


def get(key: str) -> LayerDef:
    try:
        return LAYERS[key]
    except KeyError:
        raise ValueError(f"unknown layer {key!r}") from None


def describe(atlas: Atlas, layer: str, row: Mapping, names: str = d.DEFAULT_NAMES) -> d.Description:
    """Title, facts and sources of one feature of ``layer``."""
    describer = get(layer).describe
    if describer is None:
        raise ValueError(f"layer {layer!r} declares no description")
    return describer(atlas, row, names)


def find_feature(atlas: Atlas, layer: str, feature_id: str) -> dict | None:
    """The record of one feature (any date) of a layer; None if unknown."""
    if layer not in LAYERS:
        return None
    spec = LAYERS[layer]
    if spec.key in ("events", "user_events"):  # user events: ``atlas`` is the upload's own (core.user_events)
        frame = atlas.joined_events
    elif spec.key == "places":
        frame = atlas.places
    elif spec.key == "peacekeeping":
        return d.peacekeeping_record(atlas, feature_id)
    elif spec.key in atlas.layers:
        frame = atlas.layers[spec.key]
    else:
        return None
    rows = frame[frame[spec.id_column].astype(str) == str(feature_id)]
    if rows.empty:
        return None
    return rows.drop(columns=["geometry"], errors="ignore").iloc[0].to_dict()


MAX_POPUP_SOURCES = 5
REF_RE = re.compile(r"ref ([a-z_]+):(\S+)")


def parse_ref(popup_text: str | None) -> tuple[str, str] | None:
    """``(layer, feature id)`` from the text of a popup (what the map returns on a click), or None."""
    if not popup_text:
        return None
    found = REF_RE.findall(popup_text)
    return found[-1] if found else None


def popup_data(desc: d.Description, limit: int | None = MAX_POPUP_SOURCES) -> dict:
    """What a popup shows, as data: title, key facts, up to ``limit`` sources (None: every source).

    The browser builds the popup from it with text nodes: no text is parsed as HTML, and only http(s) URLs
    become links. The popup ends with the feature's reference (``layer:feature-id``), which ``parse_ref``
    reads back from a click.
    """
    shown = desc.sources if limit is None else desc.sources[:limit]
    return {
        "t": desc.title,
        "f": [list(kv) for kv in desc.facts[: desc.key_facts]],
        "s": [[s.get("title") or s.get("url") or s.get("source_id") or "", s.get("outlet") or "",
               date_label(s), safe_url(s.get("url")) or "", remarks_label(s)] for s in shown],
        "m": len(desc.sources) - len(shown),
    }
