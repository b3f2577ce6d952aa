"""The dashboard's map as folium objects: a date-independent base map and the date-dependent layers.

Pure: no streamlit here. The app builds a *fresh* ``base_map`` on every run (nothing in it depends on the
date, the filters or the name mode, so streamlit-folium keeps the same map in the browser) and hands
``date_layers`` to ``st_folium(feature_group_to_add=...)``, which swaps them in place.

No data text is ever parsed as HTML unescaped: popups are built in the browser from data with DOM text
nodes (``MapSupport.atlasPopup``); the HTML made here (labels, legend, the app's panels via ``sources_html``)
escapes every text with ``html.escape``. Only http(s) URLs become links, opening in a new tab.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from .atlas import Atlas
from .geodesy import area_km2
from .inputfile import Refused, read_json
from .query import State, joined_events
from .snapshot import plain
from .vocab import CONTROLLER_LABELS

# --- vocabulary of the view ---------------------------------------------------------------------------------

LAYER_TITLES = {
    "zones": "Control zones",
    "peacekeeping": "Peacekeeping zone",
    "corridor": "Lachin corridor",
    "posts": "Peacekeeper posts",
    "incidents": "Border incidents",
    "events": "Events",
    "places": "Place names",
}
"""The toggleable layers (permalink key -> title), bottom first."""
LAYER_KEYS = tuple(LAYER_TITLES)
DEFAULT_LAYERS = LAYER_KEYS

NAME_MODES = {"both": "Both (Shusha / Shushi)", "az": "Azerbaijani", "hy": "Armenian"}
DEFAULT_NAMES = "both"

BASEMAPS = {
    "none": ("No tiles (offline vector basemap)", None),
    "osm": ("OpenStreetMap", xyz.OpenStreetMap.Mapnik),
    "carto": ("CARTO Positron", xyz.CartoDB.Positron),
    "esri": ("Esri World Imagery", xyz.Esri.WorldImagery),
    "topo": ("OpenTopoMap", xyz.OpenTopoMap),
}
"""Basemap key -> (label, xyzservices provider or None). Tiles are optional pictures fetched by the browser."""
DEFAULT_BASEMAP = "none"

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
HALO_METRES = {"exact": 0, "settlement": 3_000, "district": 12_000, "region": 30_000}
"""Radius of the uncertainty halo drawn around an event, by ``geo_precision``."""

LEAFLET_ASSETS = ("leaflet", "leaflet_default_icon", "leaflet_css")
"""The entries of folium.Map.default_js/default_css (as served locally or from CDNs) the map needs."""
DEFAULT_BOUNDS = ((38.75, 45.35), (40.65, 47.85))
"""South-west and north-east corners of the default view when the atlas has no geometry."""
LABELLED_KINDS = ("city", "town")
MAX_POPUP_SOURCES = 5
COORD_DECIMALS = 5
SIMPLIFY_DEGREES = 0.0002
"""Zones and routes are drawn simplified by this much (~20 m; their own precision is kilometres)."""


@dataclass(frozen=True)
class MapOptions:
    """What the user chose to see; ``None`` filters mean "all"."""

    layers: tuple[str, ...] = DEFAULT_LAYERS
    names: str = DEFAULT_NAMES
    event_types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None


# --- text helpers ---------------------------------------------------------------------------------------------


def esc(value) -> str:
    """HTML-escaped text of a value (None -> empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def link(url, text) -> str:
    """An escaped link that opens in a new tab, or escaped text when the URL is not http(s)."""
    target = safe_url(url)
    if target is None:
        return esc(text)
    return f'<a href="{esc(target)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


def source_item_html(source: Mapping) -> str:
    """One source as ``Title — Outlet, date`` with the title linked."""
    title = source.get("title") or source.get("url") or source.get("source_id")
    meta = ", ".join(esc(v) for v in (source.get("outlet"), source.get("published")) if v)
    return f"{link(source.get('url'), title)}" + (f" — {meta}" if meta else "")


def sources_html(sources: list[Mapping], limit: int | None = None) -> str:
    """An ordered list of sources; with ``limit``, the rest are counted, not listed."""
    if not sources:
        return '<p class="pp-nosrc">No source resolved.</p>'
    shown = sources if limit is None else sources[:limit]
    items = "".join(f"<li>{source_item_html(s)}</li>" for s in shown)
    more = len(sources) - len(shown)
    extra = f'<p class="pp-more">+ {more} more in the side panel</p>' if more > 0 else ""
    return f'<ol class="pp-sources">{items}</ol>{extra}'


def _clean(value):
    value = plain(value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) or (isinstance(value, float) and np.isnan(value)) else value


def _human(value: str | None) -> str | None:
    return None if value is None else str(value).replace("_", " ")


def _period(valid_from, valid_to) -> str:
    if valid_to:
        return f"{valid_from} to {valid_to} (exclusive)"
    return f"from {valid_from}, no end date recorded"


# --- names ----------------------------------------------------------------------------------------------------


def place_name(place: Mapping, mode: str = DEFAULT_NAMES) -> str:
    """A place's name in a name mode: ``both`` -> "Shusha / Shushi", ``az``/``hy`` -> that form."""
    en = _clean(place.get("name_en")) or _clean(place.get("place_id")) or ""
    if mode == "az":
        return _clean(place.get("name_az")) or en
    if mode == "hy":
        return _clean(place.get("name_hy")) or en
    return en


def places_by_id(atlas: Atlas) -> dict[str, dict]:
    """The gazetteer as ``place_id -> record`` (cached on the atlas)."""
    if "places_by_id" not in atlas._cache:
        frame = atlas.places.drop(columns=["geometry"], errors="ignore")
        atlas._cache["places_by_id"] = {r["place_id"]: r for r in frame.to_dict("records")}
    return atlas._cache["places_by_id"]


def event_location(atlas: Atlas, row: Mapping, mode: str) -> str:
    """The event's location; when it is its gazetteer place's name, in the chosen name mode."""
    location = _clean(row.get("location")) or ""
    place = places_by_id(atlas).get(_clean(row.get("place_id")) or "")
    if place is not None and location == _clean(place.get("name_en")):
        return place_name(place, mode)
    return location


# --- descriptions: the facts of a feature, shared by popups and the side panel ----------------------------------


@dataclass
class Description:
    """A feature's title, key facts and full sources."""

    layer: str
    feature_id: str
    title: str
    facts: list[tuple[str, str]]
    sources: list[dict]
    key_facts: int = 4  # how many facts the popup shows

    @property
    def ref(self) -> str:
        return f"{self.layer}:{self.feature_id}"


REF_RE = re.compile(r"ref ([a-z_]+):(\S+)")


def parse_ref(popup_text: str | None) -> tuple[str, str] | None:
    """``(layer, feature id)`` from the text of a popup (what the map returns on a click), or None."""
    if not popup_text:
        return None
    found = REF_RE.findall(popup_text)
    return found[-1] if found else None


def _facts(pairs: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    out = []
    for label, value in pairs:
        value = _clean(value)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out.append((label, str(value)))
    return out


def zone_area(atlas: Atlas, layer: str, feature_id: str) -> float | None:
    """Area in km² (equal-area projection) of one polygon feature of ``layer``; the layer's are computed once."""
    cache = atlas._cache.setdefault("feature_km2", {})
    if layer not in cache:
        frame = atlas.layers[layer]
        polygons = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        cache[layer] = dict(zip(polygons["id"], area_km2(polygons.geometry), strict=True)) if len(polygons) else {}
    km2 = cache[layer].get(feature_id)
    return None if km2 is None else float(km2)


def _dataset_facts(get) -> list[tuple[str, object]]:
    """What an imported dataset (ACLED, UCDP) says in its own terms; nothing for the atlas's own events."""
    def joined(*names, sep=" / "):
        return sep.join(str(v) for v in (_clean(get(n)) for n in names) if v is not None) or None

    low, high = _clean(get("fatalities_low")), _clean(get("fatalities_high"))
    return [("Type in the source data", joined("source_event_type", "sub_event_type")),
            ("Associated actors", get("assoc_actors")),
            ("Area (source data)", joined("admin3", "admin2", "admin1", "country", sep=", ")),
            ("Civilian targeting", get("civilian_targeting")), ("Source scale", get("source_scale")),
            ("Fatalities range", f"{low}–{high}" if low is not None and high is not None else None)]


def describe(atlas: Atlas, layer: str, row: Mapping, names: str = DEFAULT_NAMES) -> Description:
    """Title, facts and sources of one feature of ``layer`` (a layer key, ``events`` or ``places``)."""
    get = row.get
    if layer in ("events", "user_events"):
        fid = str(get("event_id"))
        when = get("date") + (f" to {get('date_end')}" if _clean(get("date_end")) else "")
        actors = " / ".join(a for a in (_clean(get("actor1")), _clean(get("actor2"))) if a)
        deaths = _clean(get("fatalities"))
        if deaths is not None and _clean(get("fatalities_note")):
            deaths = f"{deaths} ({get('fatalities_note')})"
        title = f"{_human(get('event_type')).capitalize()}: {event_location(atlas, row, names)}"
        if layer == "user_events":
            title = f"Your data · {title}"
        facts = _facts([
            ("Date", f"{when} (precision: {get('date_precision')})"), ("Claim status", get("claim_status")),
            ("Summary", get("summary")), ("Location precision", get("geo_precision")), ("Actors", actors),
            ("Fatalities", deaths), ("Held by at the time", get("controller_label")),
            ("In the Lachin corridor zone", True if get("lachin_corridor") else None), ("Tags", get("tags")),
            *_dataset_facts(get), ("Event id", fid),
        ])
        return Description(layer, fid, title, facts, atlas.resolve_sources(get("source_ids")), key_facts=4)
    if layer == "places":
        fid = str(get("place_id"))
        facts = _facts([
            ("Azerbaijani", get("name_az")), ("Armenian", get("name_hy")), ("Russian", get("name_ru")),
            ("District", get("district")), ("Kind", get("kind")), ("Coordinates", f"{get('lat')}, {get('lon')}"),
        ])
        return Description(layer, fid, place_name(row, names), facts, atlas.resolve_sources(get("source_ids")), 3)
    fid = str(get("id"))
    period = _period(get("valid_from"), _clean(get("valid_to")))
    if layer == "control_zones":
        controller = _clean(get("controller"))
        claim = _clean(get("claim_status")) or "confirmed"
        title = CONTROLLER_LABELS.get(controller, controller or "Unknown")
        if claim != "confirmed":
            title += f" ({claim})"
        area = zone_area(atlas, layer, fid)
        zone_places = get("places")
        facts = _facts([
            ("Held by", CONTROLLER_LABELS.get(controller, controller)), ("Claim status", claim),
            ("Valid", period), ("Russian peacekeeping zone", bool(get("peacekeeping_zone"))),
            ("Peacekeeping stage", " — ".join(x for x in (_clean(get("peacekeeping_stage")),
                                                           _clean(get("peacekeeping_note"))) if x) or None),
            ("Area", None if area is None else f"{area:,.0f} km²"),
            ("Settlements", _place_list(atlas, zone_places, names) if isinstance(zone_places, list)
             else get("settlements")),
            ("Method", get("method")), ("Precision", get("precision_note")), ("Zone id", fid),
        ])
    elif layer == "lachin_corridor":
        kind = "road" if get("kind") == "route" else "5 km zone"
        title = f"Lachin corridor, {get('route')} route ({kind}): {get('status')}"
        facts = _facts([
            ("Status", get("status")), ("Valid", period), ("Note", get("status_note")),
            ("Precision", get("precision_note")), ("Feature id", fid),
        ])
    elif layer == "peacekeeper_posts":
        title = f"Russian peacekeepers: {get('name')}"
        facts = _facts([
            ("Kind", _human(get("kind"))), ("Valid", period), ("Zone", get("zone")), ("Count", get("count")),
            ("Location precision", get("geo_precision")), ("Note", get("note")), ("Post id", fid),
        ])
    elif layer == "border_incidents":
        casualties = _clean(get("casualties"))
        if casualties and _clean(get("casualties_as_of")):
            casualties = f"{casualties} (as of {get('casualties_as_of')})"
        title = f"Border incident: {_human(get('incident_type'))}"
        if _clean(get("location")):
            title += f", {get('location')}"
        facts = _facts([
            ("Date", get("valid_from")), ("Claim status", get("claim_status")), ("Summary", get("summary")),
            ("Azerbaijani side", get("claim_az")), ("Armenian side", get("claim_arm")), ("Casualties", casualties),
            ("Location precision", get("geo_precision")), ("Incident id", fid),
        ])
    else:
        raise ValueError(f"unknown layer {layer!r}")
    sources = get("source_ids")
    if isinstance(sources, str):
        sources = [s.strip() for s in sources.split(";") if s.strip()]
    return Description(layer, fid, title, facts, atlas.resolve_sources(sources))


def _place_list(atlas: Atlas, ids: list, names: str, limit: int = 12) -> str:
    known = places_by_id(atlas)
    labels = [place_name(known[i], names) if i in known else str(i) for i in ids]
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def popup_data(desc: Description) -> dict:
    """What a popup shows, as data: title, key facts, up to MAX_POPUP_SOURCES sources.

    The browser builds the popup from it with text nodes (``MapSupport.atlasPopup``): no text is parsed as
    HTML, and only http(s) URLs become links. The popup ends with the feature's GeoJSON ``id``
    (``layer:feature-id``), which ``parse_ref`` reads back from a click. Compact, as it travels on every
    slider step.
    """
    shown = desc.sources[:MAX_POPUP_SOURCES]
    return {
        "t": desc.title,
        "f": [list(kv) for kv in desc.facts[: desc.key_facts]],
        "s": [[s.get("title") or s.get("url") or s.get("source_id") or "", s.get("outlet") or "",
               s.get("published") or "", safe_url(s.get("url")) or ""] for s in shown],
        "m": len(desc.sources) - len(shown),
    }


def find_feature(atlas: Atlas, layer: str, feature_id: str) -> dict | None:
    """The record of one feature (any date) of a layer, ``events`` or ``places``; None if unknown."""
    if layer in ("events", "user_events"):  # user events: ``atlas`` is the upload's view (core.user_events)
        frame, column = joined_events(atlas), "event_id"
    elif layer == "places":
        frame, column = atlas.places, "place_id"
    elif layer in atlas.layers:
        frame, column = atlas.layers[layer], "id"
    else:
        return None
    rows = frame[frame[column].astype(str) == str(feature_id)]
    if rows.empty:
        return None
    return rows.drop(columns=["geometry"], errors="ignore").iloc[0].to_dict()


# --- styles (computed in Python, shipped with each feature as ``_s``) ---------------------------------------------


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
    colour = EVENT_COLOURS.get(props.get("event_type"), "#7F7F7F")
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
    """The uncertainty circle around an approximately placed event (radius in metres)."""
    colour = EVENT_COLOURS.get(props.get("event_type"), "#7F7F7F")
    return {"radius": HALO_METRES.get(props.get("geo_precision"), 0), "color": colour, "weight": 1,
            "opacity": 0.6, "dashArray": "2 4", "fill": True, "fillColor": colour, "fillOpacity": 0.04,
            "interactive": False}


def _glyph_icon(glyph: str, cls: str, size: int) -> dict:
    return {"html": f'<span aria-hidden="true">{glyph}</span>', "className": cls, "iconSize": [size, size],
            "iconAnchor": [size // 2, size // 2]}


def post_style(props: Mapping) -> dict:
    kind = props.get("kind")
    glyph = "△" if kind == "temporary_post" else ("■" if kind in ("base", "command_post", "monitoring_centre")
                                                  else "▲")
    stack = props.get("stack") or 1
    if stack > 1:  # posts reported as a count at one place: one marker with the count, not a pile
        return {"html": f'<span aria-hidden="true">{glyph}</span><b class="pk-count">{int(stack)}</b>',
                "className": "pk-post", "iconSize": [30, 14], "iconAnchor": [7, 7]}
    return _glyph_icon(glyph, "pk-post", 14)


def stack_posts(posts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Posts at the same place, of the same kind, zone and period, as one row with their number (``stack``).

    The reported counts put up to 23 posts on one point; drawing each as its own DivIcon cost DOM work on
    every slider step and showed a pile that looks like one post.
    """
    if posts.empty:
        return posts.assign(stack=pd.Series(dtype=int))
    key = [posts.geometry.x.round(5), posts.geometry.y.round(5), posts["kind"], posts["zone"].astype(str),
           posts["valid_from"], posts["valid_to"].astype(str)]
    grouped = posts.groupby(key, sort=False, dropna=False)
    first = posts.loc[grouped.head(1).index].copy()
    first["stack"] = grouped.size().to_numpy()
    first["count"] = first["stack"]  # shown in the popup and the side panel
    return first


def incident_style(props: Mapping) -> dict:
    return _glyph_icon("◆" if props.get("claim_status") == "confirmed" else "◇", "border-incident", 16)


def place_style(props: Mapping) -> dict:
    return {"html": esc(props.get("label")), "className": f"place-label place-{esc(props.get('kind'))}",
            "iconSize": [0, 0], "iconAnchor": [-4, 7]}


LAYER_STYLES = {
    "control_zones": zone_style,
    "lachin_corridor": corridor_style,
    "peacekeeper_posts": post_style,
    "border_incidents": incident_style,
    "events": event_style,
    "user_events": user_event_style,
    "places": place_style,
}
STYLE_PROPS = {
    "control_zones": ("controller", "claim_status"),
    "lachin_corridor": ("kind", "status"),
    "peacekeeper_posts": ("kind", "stack"),
    "border_incidents": ("claim_status",),
    "events": ("event_type", "claim_status", "geo_precision"),
    "user_events": ("event_type", "claim_status", "geo_precision"),
    "places": ("kind",),
}


# --- GeoJSON of features, cached per feature -------------------------------------------------------------------

FEATURE_KEYS = {"events": "event_id", "user_events": "event_id", "places": "place_id"}
"""The id column of the events and the places (the layers' is ``id``)."""


def _geometry(geom, simplify: float = 0.0, decimals: int | None = None) -> dict:
    """GeoJSON geometry for display: simplified by ``simplify`` degrees, coordinates rounded (~1-10 m)."""
    if geom.geom_type == "Point":
        decimals = decimals or COORD_DECIMALS
    else:
        decimals = decimals or COORD_DECIMALS - 1
        if simplify:
            geom = shapely.simplify(geom, simplify, preserve_topology=True)
    geom = shapely.transform(geom, lambda c: np.round(c, decimals))
    return json.loads(json.dumps(mapping(geom)))


def _feature(atlas: Atlas, layer: str, row: Mapping, geom, names: str) -> dict:
    """One GeoJSON feature for the map: the properties the style reads, its style ``_s``, popup data ``_p``."""
    key = (layer, str(row[FEATURE_KEYS.get(layer, "id")]), names)
    cache = atlas._cache.setdefault("map_features", {})
    if key not in cache:
        desc = describe(atlas, layer, row, names)
        props = {p: _clean(row.get(p)) for p in STYLE_PROPS[layer]}
        if layer == "places":
            props["label"] = desc.title
        props["_s"] = LAYER_STYLES[layer](props)
        if layer == "control_zones" and (props.get("claim_status") or "confirmed") != "confirmed":
            props["_h"] = props.get("controller") or "?"  # hatch colour key, see MapSupport.atlasEach
        props["_p"] = popup_data(desc)
        cache[key] = {"type": "Feature", "id": desc.ref, "properties": props,
                      "geometry": _geometry(geom, SIMPLIFY_DEGREES)}
    return cache[key]


def features(atlas: Atlas, layer: str, frame: gpd.GeoDataFrame, names: str = DEFAULT_NAMES) -> list[dict]:
    """The map features of the rows of ``frame`` (a slice of a layer, the events or the places)."""
    if frame.empty:
        return []
    cache = atlas._cache.setdefault("map_features", {})
    ids = frame[FEATURE_KEYS.get(layer, "id")].astype(str).tolist()
    missing = [i for i, fid in enumerate(ids) if (layer, fid, names) not in cache]
    if missing:  # only rows never drawn before are turned into records
        part = frame.iloc[missing]
        records = part.drop(columns=["geometry"]).to_dict("records")
        for record, geom in zip(records, part.geometry.values, strict=True):
            _feature(atlas, layer, record, geom, names)
    return [cache[(layer, fid, names)] for fid in ids]


def js_json(value) -> str:
    """JSON that is safe inside an HTML ``<script>`` and in JavaScript source (like Jinja's ``tojson``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _features_js(atlas: Atlas, feats: list[dict]) -> str:
    """The features as a JS array literal, each feature's text computed once per atlas.

    Keyed by the (cached, long-lived) feature dict itself: an event and its halo share a GeoJSON id.
    """
    cache = atlas._cache.setdefault("map_features_js", {})
    parts = []
    for f in feats:
        key = id(f)
        hit = cache.get(key)
        if hit is None or hit[0] is not f:
            hit = cache[key] = (f, js_json(f))
        parts.append(hit[1])
    return "[" + ",".join(parts) + "]"


# --- custom elements ----------------------------------------------------------------------------------------------


class Text(Element):
    """Text put into the page as it is.

    branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which compiles that
    text as a Jinja template: for a layer carrying 100 KB of GeoJSON that is most of a slider step's
    server time. Elements here render through ``Text`` instead.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class FastMacroElement(MacroElement):
    """A MacroElement whose rendered macros are added to the page as ``Text`` (not re-compiled)."""

    def render(self, **kwargs):
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Text(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class AtlasGroup(folium.FeatureGroup):
    """A FeatureGroup (what streamlit-folium's ``feature_group_to_add`` takes) that renders as ``Text``."""

    def render(self, **kwargs):
        script = self._template.module.__dict__["script"](self, kwargs)
        if self.show and self._parent is not None:
            script += f"\n{self.get_name()}.addTo({self._parent.get_name()});"
        self.get_root().script.add_child(Text(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class AtlasLayer(FastMacroElement):
    """A GeoJSON layer drawn with the helpers ``MapSupport`` puts in the page (styles ride on the features).

    ``kind`` says what a point becomes: ``circlemarker`` (pixels), ``circle`` (metres) or ``div`` (a
    DivIcon). With ``popup`` a click opens the popup built by ``atlasPopup``.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson({"type": "FeatureCollection", "features": {{ this.features_js }}}, {
    style: window.atlasStyle, pointToLayer: window.atlasPoint({{ this.kind|tojson }}),
    onEachFeature: window.atlasEach, interactive: {{ this.interactive|tojson }}
});
{%- if this.popup %}
{{ this.get_name() }}.bindPopup(window.atlasPopup, {"maxWidth": 360, "autoPanPadding": [20, 20]});
{%- endif %}
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, features_js: str, *, kind: str = "circlemarker", popup: bool = True,
                 interactive: bool = True):
        super().__init__()
        self._name = "AtlasLayer"
        self.features_js = features_js
        self.kind = kind
        self.popup = popup
        self.interactive = interactive


class DateTag(FastMacroElement):
    """A label in the map's top centre showing the date the layers are drawn for (the ``.datetag``).

    It is a Leaflet layer, so removing the feature group that holds it removes the label; it is added
    last, so when it shows a new date every other layer of that date is already on the map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new (L.Layer.extend({
    onAdd: function (map) {
        this._div = L.DomUtil.create("div", "datetag", map.getContainer());
        this._div.setAttribute("role", "status");
        this._div.setAttribute("data-date", {{ this.day|tojson }});
        this._div.textContent = {{ this.text|tojson }};
    },
    onRemove: function () { L.DomUtil.remove(this._div); }
}))();
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, day: str, text: str):
        super().__init__()
        self._name = "DateTag"
        self.day = day
        self.text = text


class PlaceLabels(FastMacroElement):
    """Place labels in the base map, every name form aboard (``_n``): drawn once per map, not per step.

    Re-creating some sixty DivIcons on every slider step cost about 80 ms in the browser; the labels are
    date-independent, and the name mode is applied by ``PlaceNames`` (a date-layer switch) in place.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
window.atlasPlaceLabels = L.geoJson({"type": "FeatureCollection", "features": {{ this.features_js }}}, {
    style: window.atlasStyle, pointToLayer: window.atlasPoint("div"), onEachFeature: window.atlasEach
});
window.atlasPlaceLabels.bindPopup(window.atlasPopup, {"maxWidth": 360, "autoPanPadding": [20, 20]});
{% endmacro %}
""")

    def __init__(self, features_js: str):
        super().__init__()
        self._name = "PlaceLabels"
        self.features_js = features_js


class PlaceNames(FastMacroElement):
    """The date-layer switch for the base map's place labels: shown or not, and in which name form."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new (L.Layer.extend({
    onAdd: function (map) {
        var labels = window.atlasPlaceLabels, mode = {{ this.mode|tojson }};
        if (!labels) return;
        if (!{{ this.show|tojson }}) { if (map.hasLayer(labels)) map.removeLayer(labels); return; }
        if (!map.hasLayer(labels)) map.addLayer(labels);
        labels.eachLayer(function (m) {
            var names = m.feature.properties._n, text = names[mode] || names.both, el = m.getElement();
            m.options.icon.options.html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
            if (el && el.textContent !== text) el.textContent = text;
        });
    },
    onRemove: function () {}  // the labels stay: the next step's switch decides
}))();
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, mode: str, show: bool):
        super().__init__()
        self._name = "PlaceNames"
        self.mode = mode
        self.show = show


def place_labels_js(atlas: Atlas) -> str:
    """The labelled places as features with every name form (``_n``), built once per atlas."""
    cache = atlas._cache
    if "place_labels_js" not in cache:
        places = atlas.places[atlas.places["kind"].isin(LABELLED_KINDS)]
        out = []
        for feat, (_, row) in zip(features(atlas, "places", places, "both"), places.iterrows(), strict=True):
            record = row.drop(labels=["geometry"]).to_dict()
            out.append({**feat, "properties": {**feat["properties"], "_n": {
                mode: place_name(record, mode) for mode in NAME_MODES}}})
        cache["place_labels_js"] = js_json(out)
    return cache["place_labels_js"]


class MapSupport(FastMacroElement):
    """Date-independent script of the base map: the legend, the attribution and the drawing helpers.

    ``atlasStyle``/``atlasPoint`` read the style each feature carries (``_s``); ``atlasEach`` hatches
    claimed zones (``_h``, a canvas pattern); ``atlasPopup`` builds a popup from ``_p`` with DOM text nodes
    only, so no text is ever parsed as HTML, and links only http(s) URLs (already checked by ``safe_url``).

    ``L.Browser.ie3d`` makes Leaflet place markers with 2D ``translate()`` instead of ``translate3d()``: a 3D
    transform gives every place label and post its own compositing layer, and Chromium then spent about
    80 ms per slider step re-layerizing the page (traced: 882 -> 299 ms over 10 steps; browser scrub p50
    about 300 -> 235 ms). Zoom animation is unaffected.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
L.Browser.ie3d = true;  // 2D transforms: see the docstring
window.atlasStyle = function (feature) { return feature.properties._s; };
window.atlasPoint = function (kind) {
    return function (feature, latlng) {
        var s = feature.properties._s;
        if (kind === "div") return L.marker(latlng, {icon: L.divIcon(s), interactive: s.interactive !== false});
        if (kind === "circle") return L.circle(latlng, s);
        return L.circleMarker(latlng, s);
    };
};
window.atlasHatch = (function (colours) {
    var cache = {};
    return function (key) {
        if (!(key in cache)) {
            var tile = document.createElement("canvas"), g = tile.getContext("2d");
            tile.width = tile.height = 8;
            g.strokeStyle = colours[key] || "#999999";
            g.lineWidth = 2;
            g.beginPath();
            g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6);
            g.stroke();
            cache[key] = g.createPattern(tile, "repeat");
        }
        return cache[key];
    };
})({{ this.colours|tojson }});
window.atlasEach = function (feature, layer) {
    var h = feature.properties._h;
    if (h && layer instanceof L.Path && L.Browser.canvas)
        layer.setStyle({fillColor: window.atlasHatch(h), fillOpacity: 0.85});
};
window.atlasPopup = function (layer) {
    var p = layer.feature.properties._p, div = L.DomUtil.create("div", "atlas-popup");
    var add = function (tag, cls, parent, text) {
        var el = L.DomUtil.create(tag, cls, parent);
        if (text !== undefined) el.textContent = text;
        return el;
    };
    add("div", "pp-title", div, p.t);
    var table = add("table", "pp-facts", div);
    p.f.forEach(function (kv) {
        var tr = add("tr", "", table);
        add("th", "", tr, kv[0]);
        add("td", "", tr, kv[1]);
    });
    add("div", "pp-h", div, "Sources");
    if (!p.s.length) add("p", "pp-nosrc", div, "No source resolved.");
    var ol = add("ol", "pp-sources", div);
    p.s.forEach(function (s) {
        var li = add("li", "", ol);
        if (/^https?:/i.test(s[3])) {
            var a = add("a", "", li, s[0]);
            a.href = s[3]; a.target = "_blank"; a.rel = "noopener noreferrer";
        } else {
            add("span", "", li, s[0]);
        }
        var meta = [s[1], s[2]].filter(Boolean).join(", ");
        if (meta) li.appendChild(document.createTextNode(" \\u2014 " + meta));
    });
    if (p.m > 0) add("p", "pp-more", div, "+ " + p.m + " more in the side panel");
    add("div", "pp-ref", div, "ref " + layer.feature.id);
    return div;
};
var {{ this.get_name() }} = L.control({position: "bottomleft"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "atlas-legend");
    div.innerHTML = {{ this.legend|tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
{% endmacro %}
""")

    def __init__(self, legend: str, attribution: str):
        super().__init__()
        self._name = "MapSupport"
        self.legend = legend
        self.attribution = attribution
        self.colours = CONTROLLER_COLOURS


MAP_CSS = """
<style>
.leaflet-container.leaflet-container { background: #dfe6ec;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; }
.datetag { position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 800;
  background: rgba(255,255,255,.92); color: #111; padding: 3px 12px; border-radius: 4px; font-weight: 600;
  font-size: 16px; box-shadow: 0 1px 4px rgba(0,0,0,.3); pointer-events: none; }
.atlas-legend { background: rgba(255,255,255,.94); padding: 3px 7px; border-radius: 4px; max-width: 420px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 10.5px; line-height: 1.2; max-height: 60%; overflow-y: auto; }
.lg-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); column-gap: 10px; }
.atlas-legend summary { cursor: pointer; font-weight: 600; }
.atlas-legend ul { list-style: none; margin: 0 0 2px; padding: 0; }
.atlas-legend li { margin: 0; }
.atlas-legend .h { font-weight: 600; margin-top: 3px; }
.lg { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle;
  border: 1px solid #444; box-sizing: border-box; }
.lg-glyph { display: inline-block; width: 14px; margin-right: 5px; text-align: center; }
.lg-line { height: 0; border: 0; border-top-width: 4px; border-top-style: solid; }
.lg-dot { border-radius: 50%; width: 10px; }
.pk-post, .border-incident { background: none; border: none; text-align: center; line-height: 14px;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.pk-post { color: #00654a; font-size: 14px; }
.pk-post .pk-count { font-size: 11px; margin-left: 2px; white-space: nowrap; }
.border-incident { color: #222; font-size: 16px; }
.place-label { background: none; border: none; white-space: nowrap; color: #222; font-size: 11px;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; width: auto !important; height: auto !important; }
.place-city { font-weight: 700; font-size: 12px; }
.atlas-popup { font-size: 12px; }
.atlas-popup .pp-title { font-weight: 700; margin-bottom: 4px; }
.atlas-popup table { border-collapse: collapse; margin-bottom: 4px; }
.atlas-popup th { text-align: left; padding: 1px 6px 1px 0; vertical-align: top; white-space: nowrap; color: #444; }
.atlas-popup td { padding: 1px 0; }
.atlas-popup .pp-h { font-weight: 600; }
.atlas-popup ol { margin: 2px 0; padding-left: 18px; }
.atlas-popup .pp-ref { color: #888; font-size: 10px; margin-top: 4px; }
</style>
"""


def legend_html() -> str:
    """The legend's HTML (static text, escaped): a collapsible box in the map's corner."""

    def swatch(style: str, cls: str = "lg") -> str:
        return f'<span class="{cls}" style="{esc(style)}"></span>'

    def item(mark: str, text: str, title: str | None = None) -> str:
        hint = f' title="{esc(title)}"' if title else ""
        return f"<li{hint}>{mark}{esc(text)}</li>"

    control = [item(swatch(f"background:{c}59;border-color:{c}"), CONTROLLER_LABELS[k])
               for k, c in CONTROLLER_COLOURS.items()]
    control += [
        item(swatch("border:2px dashed #777;background:repeating-linear-gradient(-45deg,#777 0 2px,#fff 2px 5px)"),
             "Claimed or disputed control (hatched)"),
        item(swatch(f"border:2px dashed {PEACEKEEPING_COLOUR};background:none"), "Russian peacekeeping zone"),
        item(swatch(f"border:1px dotted {PEACEKEEPING_COLOUR};background:none"),
             "… posts closing or withdrawing (Sep 2023 – May 2024)"),
        item(swatch(f"border:1px dashed {OUTLINE_COLOUR};background:none"), "Mapped area (approximate)"),
    ]
    corridor = [item(swatch(f"border-top-color:{c};border-top-style:{'dashed' if d else 'solid'}", "lg lg-line"),
                     status) for status, (c, d) in CORRIDOR_STYLES.items()]
    points = [
        item('<span class="lg-glyph pk-post">▲</span>', "Peacekeeper post (△ temporary, ■ base)"),
        item('<span class="lg-glyph border-incident">◆</span>', "Border incident (◇ claimed)"),
    ]
    events = [item(swatch(f"background:{c};border-color:#222", "lg lg-dot"), label, ", ".join(types))
              for label, c, types in EVENT_FAMILIES.values()]
    events += [
        item(swatch("background:#888;border-color:#222", "lg lg-dot"), "confirmed (filled)"),
        item(swatch("background:#fff;border:2px solid #888", "lg lg-dot"), "claimed (hollow)"),
        item(swatch("background:#fff;border:2px dashed #888", "lg lg-dot"), "disputed (hollow, dashed)"),
        item(swatch("background:#8881;border:1px dashed #888", "lg lg-dot"), "halo: approximate place",
             "settlement 3 km, district 12 km, region 30 km"),
    ]

    def block(title: str, rows: list[str]) -> str:
        return f'<div class="h">{esc(title)}</div><ul>{"".join(rows)}</ul>'

    return ('<details open><summary>Legend</summary><div class="lg-grid"><div>' + block("Control", control)
            + block("Lachin corridor", corridor) + "</div><div>" + block("Points", points)
            + block("Events", events) + "</div></div></details>")


ATTRIBUTION = ("Karabakh Conflict Atlas: every feature cites its sources (click it). Zone boundaries are "
               "approximations. Borders: Natural Earth.")


# --- the base map -------------------------------------------------------------------------------------------------


def _read_geojson(path: Path) -> dict | None:
    try:
        doc = read_json(path)  # regular files only, bounded, nesting checked
    except Refused:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        return None
    return doc


def _static_layer(atlas: Atlas, name: str, style: dict, boundary: bool, simplify: float,
                  decimals: int | None = None) -> list[dict]:
    """The features of ``geodata/<name>.geojson`` (optional, date-independent), simplified, styled; cached."""
    key = ("static_layer", name)
    if key not in atlas._cache:
        doc = _read_geojson(atlas.data_dir / "geodata" / f"{name}.geojson") or {"features": []}
        feats = []
        for f in doc["features"]:
            try:
                geom = shapely.geometry.shape(f["geometry"])
            except Exception:  # noqa: BLE001 - an unreadable feature only loses a background line
                continue
            geom = geom.boundary if boundary else geom
            feats.append({"type": "Feature", "id": f"{name}:{len(feats)}",
                          "properties": {"_s": {**style, "interactive": False}},
                          "geometry": _geometry(geom, simplify, decimals)})
        atlas._cache[key] = feats
    return atlas._cache[key]


def mapped_area(atlas: Atlas) -> list[dict]:
    """The outline of the mapped area (``geodata/mapped_area.geojson``) as line features; [] if absent."""
    return _static_layer(atlas, "mapped_area", {"color": OUTLINE_COLOUR, "weight": 1.2, "dashArray": "4 4",
                                                "opacity": 0.9}, boundary=True, simplify=0.001)


def countries(atlas: Atlas) -> list[dict]:
    """Land and international borders (``geodata/countries.geojson``, Natural Earth); [] if absent."""
    return _static_layer(atlas, "countries", {"color": "#8a8a8a", "weight": 1, "opacity": 1,
                                              "fillColor": "#f6f5f0", "fillOpacity": 1}, boundary=False,
                         simplify=0.005, decimals=3)


def default_bounds(atlas: Atlas) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the mapped area, else of the control zones, else a fixed box."""
    outline = mapped_area(atlas)
    if outline:
        minx, miny, maxx, maxy = shapely.total_bounds([shapely.geometry.shape(f["geometry"]) for f in outline])
    elif not atlas.layers["control_zones"].empty:
        minx, miny, maxx, maxy = atlas.layers["control_zones"].total_bounds
    else:
        (miny, minx), (maxy, maxx) = DEFAULT_BOUNDS
    return [[round(float(miny), 4), round(float(minx), 4)], [round(float(maxy), 4), round(float(maxx), 4)]]


def base_map(atlas: Atlas, basemap: str = DEFAULT_BASEMAP) -> folium.Map:
    """A fresh map with only date-independent content: tiles (optional), borders, the mapped area, the legend.

    Never draw the date layers into it: streamlit-folium identifies the map in the browser by a hash of
    this base map's script, so it must be the same on every date (the app renders it once per atlas).
    """
    (south, west), (north, east) = bounds = default_bounds(atlas)
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=8, tiles=None,
                      prefer_canvas=True, control_scale=True, min_zoom=5, max_zoom=17)
    # Only Leaflet: folium's jQuery, Bootstrap and Font Awesome are unused here (and ~600 KB to load).
    fmap.default_js = [a for a in folium.Map.default_js if a[0] in LEAFLET_ASSETS]
    fmap.default_css = [a for a in folium.Map.default_css if a[0] in LEAFLET_ASSETS]
    fmap.get_root().header.add_child(Text(MAP_CSS))
    MapSupport(legend_html(), ATTRIBUTION).add_to(fmap)
    provider = BASEMAPS.get(basemap, BASEMAPS[DEFAULT_BASEMAP])[1]
    if provider is not None:
        with warnings.catch_warnings():  # xyzservices warns on every use that CARTO may want an API key
            warnings.simplefilter("ignore", UserWarning)
            folium.TileLayer(provider, name=BASEMAPS[basemap][0], max_zoom=17).add_to(fmap)
    else:  # the bundled vector basemap: land and borders
        land = countries(atlas)
        if land:
            AtlasLayer(_features_js(atlas, land), popup=False, interactive=False).add_to(fmap)
    outline = mapped_area(atlas)
    if outline:
        AtlasLayer(_features_js(atlas, outline), popup=False, interactive=False).add_to(fmap)
    PlaceLabels(place_labels_js(atlas)).add_to(fmap)
    fmap.fit_bounds(bounds)
    return fmap


# --- the date layers ----------------------------------------------------------------------------------------------


def filter_events(events: pd.DataFrame, options: MapOptions) -> pd.DataFrame:
    """Events matching the type, actor and claim-status filters (None = no filter)."""
    mask = np.ones(len(events), dtype=bool)
    if options.event_types is not None:
        mask &= events["event_type"].isin(options.event_types).to_numpy()
    if options.claims is not None:
        mask &= events["claim_status"].isin(options.claims).to_numpy()
    if options.actors is not None:
        mask &= (events["actor1"].isin(options.actors) | events["actor2"].isin(options.actors)).to_numpy()
    return events[mask]


PEACEKEEPING_WINDING_DOWN = ("drawdown", "withdrawal")
"""Stages drawn with a thinner, dotted outline: the zone as last defined, while the posts closed."""


def peacekeeping_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones in ``zones`` that lie in the peacekeepers' zone of responsibility."""
    if zones.empty or "peacekeeping_zone" not in zones:
        return zones.iloc[:0]
    return zones[zones["peacekeeping_zone"].fillna(False).astype(bool)]


def winding_down(pk: gpd.GeoDataFrame) -> bool:
    """Whether the peacekeeping zones ``pk`` (one date's) are in a drawdown or withdrawal stage."""
    stages = set(pk["peacekeeping_stage"].dropna()) if "peacekeeping_stage" in pk else set()
    return bool(stages) and stages <= set(PEACEKEEPING_WINDING_DOWN)


def peacekeeping_outline(atlas: Atlas, zones: gpd.GeoDataFrame) -> dict | None:
    """One outline feature of the union of the peacekeeping zones in ``zones`` (None if there are none)."""
    pk = peacekeeping_zones(zones)
    if pk.empty:
        return None
    key = ("peacekeeping_outline", tuple(sorted(pk["id"])))
    if key not in atlas._cache:
        union = shapely.union_all(pk.geometry.values)
        thin = winding_down(pk)
        style = {"color": PEACEKEEPING_COLOUR, "weight": 2 if thin else 3, "dashArray": "2 6" if thin else "8 6",
                 "opacity": 0.8 if thin else 0.95, "fill": False, "interactive": False}
        atlas._cache[key] = {"type": "Feature", "id": "peacekeeping:" + "+".join(key[1]),
                             "properties": {"_s": style}, "geometry": _geometry(union.boundary, SIMPLIFY_DEGREES)}
    return atlas._cache[key]


def date_text(day: str) -> str:
    """The label of the date tag, e.g. ``10 Nov 2020``."""
    return pd.Timestamp(day).strftime("%-d %b %Y")


def date_layers(atlas: Atlas, state: State, options: MapOptions = MapOptions()) -> list[folium.FeatureGroup]:
    """The feature groups drawn for ``state.day``, bottom first; the last one holds the date tag."""
    names, on = options.names, set(options.layers)
    groups: list[folium.FeatureGroup] = []

    def add(key: str, *layers: AtlasLayer) -> None:
        fg = AtlasGroup(name=LAYER_TITLES.get(key, key))
        for layer in layers:
            layer.add_to(fg)
        groups.append(fg)

    def layer(frame_layer: str, frame, **kwargs) -> AtlasLayer:
        return AtlasLayer(_features_js(atlas, features(atlas, frame_layer, frame, names)), **kwargs)

    zones = state.layers["control_zones"]
    if "zones" in on:
        add("zones", layer("control_zones", zones))
    if "peacekeeping" in on:
        outline = peacekeeping_outline(atlas, zones)
        if outline:
            add("peacekeeping", AtlasLayer(_features_js(atlas, [outline]), popup=False, interactive=False))
    if "corridor" in on:
        corridor = state.layers["lachin_corridor"]
        if not corridor.empty:  # zones under routes, so the road stays clickable
            corridor = corridor.iloc[np.argsort((corridor["kind"] == "route").to_numpy(), kind="stable")]
        add("corridor", layer("lachin_corridor", corridor))
    names_group = AtlasGroup(name=LAYER_TITLES["places"])  # labels live in the base map: this sets them
    PlaceNames(names, "places" in on).add_to(names_group)
    groups.append(names_group)
    if "incidents" in on:
        add("incidents", layer("border_incidents", state.layers["border_incidents"], kind="div"))
    if "posts" in on:
        posts = state.layers["peacekeeper_posts"]
        stacks = atlas._cache.setdefault("stacked_posts", {})  # state_on hands out one frame per period
        hit = stacks.get(id(posts))
        if hit is None or hit[0] is not posts:
            hit = stacks[id(posts)] = (posts, stack_posts(posts))
        add("posts", layer("peacekeeper_posts", hit[1], kind="div"))
    if "events" in on:
        add("events", *event_layers(atlas, "events", filter_events(state.events, options), names))
    date_group = AtlasGroup(name="Date")
    DateTag(state.day, date_text(state.day)).add_to(date_group)
    groups.append(date_group)
    return groups


MAX_EVENT_MARKERS = 1_500
"""Above this many events in the window, events are drawn as counts per cell (payload and drawing stay small)."""
CELL_DEGREES = 0.1  # about 9 x 11 km here
_FAMILIES = list(EVENT_FAMILIES.values())
_FAMILY_INDEX = {t: k for k, (_, _, types) in enumerate(_FAMILIES) for t in types}


def aggregate_events(atlas: Atlas, events: pd.DataFrame) -> list[dict]:
    """Events as one circle per ~10 km grid cell: how many, of which kinds and claim statuses, over which dates.

    Vectorised, as it runs on slider steps with tens of thousands of events in the window. The circle sits
    at the mean position of its events and says it is an aggregate; each event keeps its sources (in the
    CSV/GeoJSON exports, and on the map once the window or filters bring it under ``MAX_EVENT_MARKERS``).
    """
    if events.empty:
        return []
    lat, lon = events["lat"].to_numpy(float), events["lon"].to_numpy(float)
    i, j = np.floor(lat / CELL_DEGREES).astype(np.int64), np.floor(lon / CELL_DEGREES).astype(np.int64)
    cells, inverse, counts = np.unique(i * 100_000 + j, return_inverse=True, return_counts=True)
    n_cells, n_fam = len(cells), len(_FAMILIES)
    mean_lat = np.bincount(inverse, lat, n_cells) / counts
    mean_lon = np.bincount(inverse, lon, n_cells) / counts
    family = events["event_type"].map(_FAMILY_INDEX).fillna(n_fam - 1).to_numpy(int)
    by_family = np.bincount(inverse * n_fam + family, minlength=n_cells * n_fam).reshape(n_cells, n_fam)
    claims = pd.crosstab(inverse, events["claim_status"].to_numpy())
    dates = pd.Series(events["date"].to_numpy(dtype=object)).groupby(inverse).agg(["min", "max"])
    out = []
    for c in range(n_cells):
        fam = by_family[c]
        top = int(fam.argmax())
        kinds = "; ".join(f"{_FAMILIES[k][0]}: {fam[k]}" for k in np.argsort(-fam, kind="stable") if fam[k])
        claim = "; ".join(f"{name}: {int(k)}" for name, k in claims.iloc[c].items() if k)
        out.append({"type": "Feature", "id": f"cells:{cells[c]}", "geometry": {
            "type": "Point", "coordinates": [round(float(mean_lon[c]), 4), round(float(mean_lat[c]), 4)]},
            "properties": {
                "_s": {"radius": float(min(22, 5 + 2.2 * np.sqrt(counts[c]))), "color": "#ffffff", "weight": 1.5,
                       "opacity": 1, "fill": True, "fillColor": _FAMILIES[top][1], "fillOpacity": 0.75},
                "_p": {"t": f"{counts[c]:,} events around here (aggregated)",
                       "f": [["Kinds", kinds], ["Claim status", claim],
                             ["Dates", f"{dates.iloc[c]['min']} to {dates.iloc[c]['max']}"],
                             ["Sources", "each event's own: narrow the window or the filters to see them, or "
                                         "export CSV/GeoJSON"]],
                       "s": [], "m": 0}}})
    return out


USER_EVENTS_TITLE = "Your events"


def user_events_layer(view: Atlas, events: gpd.GeoDataFrame, options: MapOptions = MapOptions()) -> folium.FeatureGroup:
    """Uploaded events as their own group (``view`` is ``UserEvents.atlas_view``: its events and sources)."""
    group = AtlasGroup(name=USER_EVENTS_TITLE)
    for layer in event_layers(view, "user_events", filter_events(events, options), options.names):
        layer.add_to(group)
    return group


def event_layers(atlas: Atlas, layer: str, events: pd.DataFrame, names: str) -> list[AtlasLayer]:
    """Events as markers (with uncertainty halos), or as counted cells above ``MAX_EVENT_MARKERS``.

    ``layer`` is ``events`` or ``user_events``; the uploaded layer keeps its black ring when aggregated too.
    """
    if len(events) > MAX_EVENT_MARKERS:
        cells = aggregate_events(atlas, events)
        if layer == "user_events":
            for cell in cells:
                cell["properties"]["_s"].update(color="#000000", weight=3)
                cell["id"] = "user_" + cell["id"]
        return [AtlasLayer(js_json(cells))]
    data = features(atlas, layer, events, names)
    out = [AtlasLayer(_features_js(atlas, data))]
    if layer == "events":
        halos = [_halo(atlas, f) for f in data if HALO_METRES.get(f["properties"].get("geo_precision"), 0)]
        out.insert(0, AtlasLayer(_features_js(atlas, halos), kind="circle", popup=False, interactive=False))
    return out


def _halo(atlas: Atlas, event_feature: dict) -> dict:
    cache = atlas._cache.setdefault("halos", {})
    key = event_feature["id"]
    if key not in cache:
        props = event_feature["properties"]
        cache[key] = {"type": "Feature", "id": key, "geometry": event_feature["geometry"],
                      "properties": {"_s": halo_style(props)}}
    return cache[key]


def visible_counts(atlas: Atlas, state: State, options: MapOptions) -> dict[str, int]:
    """How many features of each layer the map shows for ``state`` (for a caption)."""
    return {
        "zones": len(state.layers["control_zones"]),
        "posts": len(state.layers["peacekeeper_posts"]),
        "incidents": len(state.layers["border_incidents"]),
        "events": len(filter_events(state.events, options)),
    }
