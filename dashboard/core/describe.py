"""The facts of a feature, shared by popups, the side panel and the changes list: title, facts, sources."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .cells import plain
from .geodesy import area_km2
from .memo import AtlasMemo
from .vocab import CONTROLLER_LABELS

if TYPE_CHECKING:
    from .atlas import Atlas

DEFAULT_NAMES = "both"
_memo = AtlasMemo()


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


def clean(value):
    """A plain value, or None for empty text, NaN and missing values."""
    value = plain(value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) or (isinstance(value, float) and np.isnan(value)) else value


def human(value: str | None) -> str | None:
    return None if value is None else str(value).replace("_", " ")


def period(valid_from, valid_to) -> str:
    if valid_to:
        return f"{valid_from} to {valid_to} (exclusive)"
    return f"from {valid_from}, no end date recorded"


def facts(pairs: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    """Label/value pairs as text, leaving out empty values."""
    out = []
    for label, value in pairs:
        value = clean(value)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out.append((label, str(value)))
    return out


def source_list(value) -> list[str]:
    """Source ids from a list or a ``;``-separated text."""
    if isinstance(value, str):
        return [s.strip() for s in value.split(";") if s.strip()]
    return list(value) if value is not None else []


# --- names ----------------------------------------------------------------------------------------------------


def place_name(place: Mapping, mode: str = DEFAULT_NAMES) -> str:
    """A place's name in a name mode: ``both`` -> "Shusha / Shushi", ``az``/``hy`` -> that form."""
    en = clean(place.get("name_en")) or clean(place.get("place_id")) or ""
    if mode == "az":
        return clean(place.get("name_az")) or en
    if mode == "hy":
        return clean(place.get("name_hy")) or en
    return en


def places_by_id(atlas: Atlas) -> dict[str, dict]:
    """The gazetteer as ``place_id -> record``."""
    def build():
        frame = atlas.places.drop(columns=["geometry"], errors="ignore")
        return {r["place_id"]: r for r in frame.to_dict("records")}

    return _memo.get(atlas, "places_by_id", build)


def event_location(atlas: Atlas, row: Mapping, mode: str) -> str:
    """The event's location; when it is its gazetteer place's name, in the chosen name mode."""
    location = clean(row.get("location")) or ""
    place = places_by_id(atlas).get(clean(row.get("place_id")) or "")
    if place is not None and location == clean(place.get("name_en")):
        return place_name(place, mode)
    return location


def place_list(atlas: Atlas, ids: list, names: str, limit: int = 12) -> str:
    known = places_by_id(atlas)
    labels = [place_name(known[i], names) if i in known else str(i) for i in ids]
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def feature_km2(atlas: Atlas, layer: str, feature_id: str) -> float | None:
    """Area in km² (equal-area projection) of one polygon feature of ``layer``; the layer's are computed once."""
    def build():
        frame = atlas.layers[layer]
        polygons = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        return dict(zip(polygons["id"], area_km2(polygons.geometry), strict=True)) if len(polygons) else {}

    km2 = _memo.get(atlas, ("feature_km2", layer), build).get(feature_id)
    return None if km2 is None else float(km2)


# --- one describer per layer (the registry names them) -----------------------------------------------------------


def _dataset_facts(get) -> list[tuple[str, object]]:
    """What an imported dataset (ACLED, UCDP) says in its own terms; nothing for the atlas's own events."""
    def joined(*names, sep=" / "):
        return sep.join(str(v) for v in (clean(get(n)) for n in names) if v is not None) or None

    low, high = clean(get("fatalities_low")), clean(get("fatalities_high"))
    return [("Type in the source data", joined("source_event_type", "sub_event_type")),
            ("Associated actors", get("assoc_actors")),
            ("Area (source data)", joined("admin3", "admin2", "admin1", "country", sep=", ")),
            ("Civilian targeting", get("civilian_targeting")), ("Source scale", get("source_scale")),
            ("Fatalities range", f"{low}–{high}" if low is not None and high is not None else None)]


def describe_event(atlas: Atlas, row: Mapping, names: str, layer: str = "events") -> Description:
    get = row.get
    fid = str(get("event_id"))
    when = get("date") + (f" to {get('date_end')}" if clean(get("date_end")) else "")
    actors = " / ".join(a for a in (clean(get("actor1")), clean(get("actor2"))) if a)
    deaths = clean(get("fatalities"))
    if deaths is not None and clean(get("fatalities_note")):
        deaths = f"{deaths} ({get('fatalities_note')})"
    title = f"{human(get('event_type')).capitalize()}: {event_location(atlas, row, names)}"
    if layer == "user_events":
        title = f"Your data · {title}"
    pairs = facts([
        ("Date", f"{when} (precision: {get('date_precision')})"), ("Claim status", get("claim_status")),
        ("Summary", get("summary")), ("Location precision", location_meaning(atlas, row, names)), ("Actors", actors),
        ("Fatalities", deaths), ("Held by at the time", get("controller_label")),
        ("In the Lachin corridor zone", True if get("lachin_corridor") else None), ("Tags", get("tags")),
        *_dataset_facts(get), ("Event id", fid),
    ])
    return Description(layer, fid, title, pairs, atlas.resolve_sources(get("source_ids")), key_facts=4)


IMPRECISE = ("district", "region")
"""Location precisions whose point is a stand-in for an area (the map draws them as one marker per area)."""


def location_meaning(atlas: Atlas, row: Mapping, names: str) -> str | None:
    """What an event's location means, in words: ``settlement: in or near Fuzuli (within about 3 km)``."""
    precision = clean(row.get("geo_precision"))
    if precision is None:
        return None
    where = event_location(atlas, row, names) or "the place named"
    if precision in IMPRECISE:
        place = places_by_id(atlas).get(clean(row.get("place_id")) or "")
        point = f"{place_name(place, names)}'s coordinates" if place is not None else "its coordinates"
        return (f"{precision}: somewhere in {where}; the map marks the area at {point}, not the place it "
                "happened")
    if precision == "settlement":
        return f"settlement: in or near {where} (within about 3 km)"
    return precision


@dataclass(frozen=True)
class AreaParts:
    """What an area marker says that does not depend on which of its events are shown (the time engine
    composes the rest in the browser: ``map/static/atlas/engine.js``, ``areaFeature``)."""

    precision: str
    locations: list[str]  # each row's location, in row order
    where_many: str  # where the events are when they name more than one location
    where_fact: str


def area_parts(atlas: Atlas, rows: list[Mapping], names: str) -> AreaParts:
    """The fixed parts of the marker of district- or region-level events placed at one point."""
    first = rows[0]
    precision = clean(first.get("geo_precision")) or "region"
    place = places_by_id(atlas).get(clean(first.get("place_id")) or "")
    point = place_name(place, names) if place is not None else f"{first.get('lat')}, {first.get('lon')}"
    where_many = (f"the {place.get('district')} area" if precision == "district" and place is not None
                  and clean(place.get("district")) else f"the region around {point}")
    where_fact = (f"Each event happened somewhere in the {precision} its location names; the marker sits at "
                  f"{point} only to stand for that area.")
    return AreaParts(precision, [event_location(atlas, r, names) for r in rows], where_many, where_fact)


AREA_SOURCES = "each event's own: choose an event"
MAX_AREA_LOCATIONS = 8


def area_description(atlas: Atlas, rows: list[Mapping], names: str) -> Description:
    """One marker for the district- or region-level events placed at one point (title, facts; no sources:
    each event keeps its own)."""
    parts = area_parts(atlas, rows, names)
    locations = list(dict.fromkeys(parts.locations))
    where = locations[0] if len(locations) == 1 else parts.where_many
    n = len(rows)
    days = sorted(str(r.get("date")) for r in rows)
    title = f"{n} {'event' if n == 1 else 'events'} somewhere in {where} ({parts.precision}-level)"
    shown, more = locations[:MAX_AREA_LOCATIONS], len(locations) - MAX_AREA_LOCATIONS
    pairs = facts([
        ("Where", parts.where_fact),
        ("Locations", "; ".join(shown) + (f" and {more} more" if more > 0 else "")),
        ("Dates", days[0] if days[0] == days[-1] else f"{days[0]} to {days[-1]}"),
        ("Sources", AREA_SOURCES),
    ])
    fid = "+".join(str(r.get("event_id")) for r in rows)
    return Description("areas", fid, title, pairs, [], key_facts=4)


def describe_user_event(atlas: Atlas, row: Mapping, names: str) -> Description:
    return describe_event(atlas, row, names, layer="user_events")


def describe_place(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    pairs = facts([
        ("Azerbaijani", get("name_az")), ("Armenian", get("name_hy")), ("Russian", get("name_ru")),
        ("District", get("district")), ("Kind", get("kind")), ("Coordinates", f"{get('lat')}, {get('lon')}"),
    ])
    return Description("places", str(get("place_id")), place_name(row, names), pairs,
                       atlas.resolve_sources(get("source_ids")), 3)


def _layer_description(atlas: Atlas, layer: str, row: Mapping, title: str, pairs) -> Description:
    return Description(layer, str(row.get("id")), title, facts(pairs),
                       atlas.resolve_sources(source_list(row.get("source_ids"))))


def describe_zone(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    fid = str(get("id"))
    controller = clean(get("controller"))
    claim = clean(get("claim_status")) or "confirmed"
    title = CONTROLLER_LABELS.get(controller, controller or "Unknown")
    if claim != "confirmed":
        title += f" ({claim})"
    area = feature_km2(atlas, "control_zones", fid)
    zone_places = get("places")
    stage = " — ".join(x for x in (clean(get("peacekeeping_stage")), clean(get("peacekeeping_note"))) if x)
    return _layer_description(atlas, "control_zones", row, title, [
        ("Held by", CONTROLLER_LABELS.get(controller, controller)), ("Claim status", claim),
        ("Valid", period(get("valid_from"), clean(get("valid_to")))),
        ("Russian peacekeeping zone", bool(get("peacekeeping_zone"))), ("Peacekeeping stage", stage or None),
        ("Area", None if area is None else f"{area:,.0f} km²"),
        ("Settlements", place_list(atlas, zone_places, names) if isinstance(zone_places, list)
         else get("settlements")),
        ("Method", get("method")), ("Precision", get("precision_note")), ("Zone id", fid),
    ])


def describe_corridor(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    kind = "road" if get("kind") == "route" else "5 km zone"
    return _layer_description(atlas, "lachin_corridor", row,
                              f"Lachin corridor, {get('route')} route ({kind}): {get('status')}", [
        ("Status", get("status")), ("Valid", period(get("valid_from"), clean(get("valid_to")))),
        ("Note", get("status_note")), ("Precision", get("precision_note")), ("Feature id", get("id")),
    ])


def describe_post(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    return _layer_description(atlas, "peacekeeper_posts", row, f"Russian peacekeepers: {get('name')}", [
        ("Kind", human(get("kind"))), ("Valid", period(get("valid_from"), clean(get("valid_to")))),
        ("Zone", get("zone")), ("Count", get("count")), ("Location precision", get("geo_precision")),
        ("Note", get("note")), ("Post id", get("id")),
    ])


def describe_incident(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    casualties = clean(get("casualties"))
    if casualties and clean(get("casualties_as_of")):
        casualties = f"{casualties} (as of {get('casualties_as_of')})"
    title = f"Border incident: {human(get('incident_type'))}"
    if clean(get("location")):
        title += f", {get('location')}"
    return _layer_description(atlas, "border_incidents", row, title, [
        ("Date", get("valid_from")), ("Claim status", get("claim_status")), ("Summary", get("summary")),
        ("Azerbaijani side", get("claim_az")), ("Armenian side", get("claim_arm")), ("Casualties", casualties),
        ("Location precision", get("geo_precision")), ("Incident id", get("id")),
    ])


def describer(layer: str, title: Callable[[Mapping], str], fields: tuple[tuple[str, str], ...] = ()):
    """A describer for a simple layer: a title from the row, then ``(label, column)`` facts, validity, id.

    What a new layer's registry entry uses unless it needs a describer of its own (docs/LAYERS.md).
    """
    def describe(atlas: Atlas, row: Mapping, names: str) -> Description:
        get = row.get
        pairs = [(label, get(column)) for label, column in fields]
        pairs += [("Valid", period(get("valid_from"), clean(get("valid_to")))), ("Feature id", get("id"))]
        return _layer_description(atlas, layer, row, title(row), pairs)

    return describe


def peacekeeping_record(atlas: Atlas, feature_id: str) -> dict | None:
    """The Russian peacekeeping zone drawn for a date, as one record: the union of the zones ``a+b+...``.

    Valid while all of them are; its sources are theirs (the stages' sources ride on the zones).
    """
    zones = atlas.layers.get("control_zones")
    ids = [i for i in str(feature_id).split("+") if i]
    if zones is None or not ids:
        return None
    rows = zones[zones["id"].isin(ids)].drop(columns=["geometry"]).to_dict("records")
    if len(rows) != len(set(ids)) or not all(r.get("peacekeeping_zone") for r in rows):
        return None
    ends = [r["valid_to"] for r in rows if clean(r.get("valid_to"))]
    sources: dict[str, None] = {}
    for r in rows:
        sources.update((s, None) for s in source_list(r.get("source_ids")))
    return {"id": "+".join(ids), "zone_ids": ids, "valid_from": max(r["valid_from"] for r in rows),
            "valid_to": min(ends) if ends else None, "source_ids": list(sources),
            "peacekeeping_stage": ", ".join(dict.fromkeys(str(r["peacekeeping_stage"]) for r in rows
                                                          if clean(r.get("peacekeeping_stage")))),
            "peacekeeping_note": next((r["peacekeeping_note"] for r in rows if clean(r.get("peacekeeping_note"))),
                                      None)}


def describe_peacekeeping(atlas: Atlas, row: Mapping, names: str) -> Description:
    get = row.get
    ids = list(get("zone_ids") or [])
    area = sum(feature_km2(atlas, "control_zones", i) or 0.0 for i in ids)
    return _layer_description(atlas, "peacekeeping", row, "Russian peacekeeping zone", [
        ("Stage", get("peacekeeping_stage")), ("Valid", period(get("valid_from"), clean(get("valid_to")))),
        ("Note", get("peacekeeping_note")), ("Area", f"{area:,.0f} km²" if area else None),
        ("Outline of", ", ".join(ids)),
    ])
