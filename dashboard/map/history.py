"""Every version of every dated feature, once, for the browser's time engine (``static/atlas/engine.js``).

A history holds, per drawn layer, the features exactly as ``features.py`` builds them for a date (style
``_s``, hatch ``_h``, popup ``_p``), each with the half-open span of days ``[a, b)`` it covers and the ids it
stands for in the GeoJSON layers. The engine shows a feature on day D with the one time rule of
``core.timemodel``: ``a <= D < b``; windowed layers (incidents, events) overlap the event window
``[first, last]`` instead: ``a <= last and first < b`` (an event's ``b`` is the day after its last day, as
``EventIndex`` counts ``date_end`` in). Days are numbers: days since 1970-01-01; an open end is ``null``.

It is built once per atlas, layer set, filter set, name form and upload: changing the date sends nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..core import changes, registry
from ..core.atlas import Atlas
from ..core.describe import AREA_SOURCES, IMPRECISE, MAX_AREA_LOCATIONS, area_parts, human
from ..core.memo import AtlasMemo
from ..core.palette import EVENT_FAMILIES, HALO_METRES, area_style, halo_style
from ..core.timemodel import change_days, visible_mask
from ..core.view import MapOptions, filter_events, stack_posts
from .features import features, features_json, js_json
from .layers import CELL_DEGREES, MAX_EVENT_MARKERS, peacekeeping_outline

EPOCH = date(1970, 1, 1).toordinal()
COMPACT_EVENTS = 5_000
"""Above this many events in a layer, the history carries them as columns (id, days, place, kind) with no
popup text of their own: describing each of 100,000 events once would take half a minute and 90 MB. The
browser draws them counted by cell above ``MAX_EVENT_MARKERS``, and a marker's click still brings the event
with all its sources into the app's side panel."""
COMPACT_NOTE = ("in the side panel (click the event), and in the CSV/GeoJSON exports: with more than "
                f"{COMPACT_EVENTS:,} events the map carries no sources of its own")
_memo = AtlasMemo()


def day_number(day: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO day (None stays None: an open end)."""
    return None if day is None or pd.isna(day) else date.fromisoformat(str(day)).toordinal() - EPOCH


@dataclass
class HistoryLayer:
    """One drawn layer over time: features, their spans ``[a, b)`` and the GeoJSON ids each stands for."""

    name: str
    kind: str
    feats_json: str
    a: list[int]
    b: list[int | None]
    ids: list[list[str]]
    popup: bool = True
    interactive: bool = True
    windowed: bool = False
    follows: str | None = None  # halos, areas: shown with their events, only while those are drawn one by one
    compact: dict | None = None  # events as columns (``compact_events``), features made in the browser
    members: list[list[int]] | None = None  # a group layer: each feature's events (positions in ``follows``)
    undrawn: list[int] | None = None  # positions shown by a group layer instead (imprecise events: areas)

    def to_json(self) -> str:
        head = js_json({"name": self.name, "kind": self.kind, "popup": self.popup, "interactive": self.interactive,
                        "windowed": self.windowed, "follows": self.follows, "a": self.a, "b": self.b,
                        "ids": self.ids, "compact": self.compact, "members": self.members,
                        "undrawn": self.undrawn})
        return head[:-1] + ',"features":' + self.feats_json + "}"


def _spans(frame: pd.DataFrame) -> tuple[list[int], list[int | None]]:
    return ([day_number(d) for d in frame["valid_from"]], [day_number(d) for d in frame["valid_to"]])


def _layer(atlas: Atlas, key: str, frame, names: str, ids: list[list[str]] | None = None,
           all_sources: bool = False) -> HistoryLayer:
    spec = registry.get(key)
    feats = features(atlas, key, frame, names, all_sources)
    a, b = _spans(frame)
    ids = ids if ids is not None else [[str(i)] for i in frame[spec.id_column]]
    return HistoryLayer(key, spec.marker, features_json(atlas, feats), a, b, ids, windowed=spec.windowed)


def _posts(atlas: Atlas, names: str, all_sources: bool = False) -> HistoryLayer:
    """Posts stacked as on every date: a stack's members share place, kind, zone and period (``stack_posts``)."""
    posts = atlas.layers["peacekeeper_posts"]
    stacked = stack_posts(posts)
    members: dict[str, list[str]] = {str(i): [] for i in stacked["id"]}
    if not posts.empty:
        key = [posts.geometry.x.round(5), posts.geometry.y.round(5), posts["kind"], posts["zone"].astype(str),
               posts["valid_from"], posts["valid_to"].astype(str)]
        for _, group in posts.groupby(key, sort=False, dropna=False):
            members[str(group["id"].iloc[0])] = [str(i) for i in group["id"]]
    return _layer(atlas, "peacekeeper_posts", stacked, names, [members[str(i)] for i in stacked["id"]], all_sources)


def _corridor(atlas: Atlas, names: str, all_sources: bool = False) -> HistoryLayer:
    frame = atlas.layers["lachin_corridor"]
    if not frame.empty:  # zones under routes, as on every date: the road stays clickable
        frame = frame.iloc[np.argsort((frame["kind"] == "route").to_numpy(), kind="stable")]
    return _layer(atlas, "lachin_corridor", frame, names, all_sources=all_sources)


def peacekeeping_history(atlas: Atlas, all_sources: bool = False) -> HistoryLayer:
    """The peacekeeping outline of each period between the zones' change days (one feature per outline)."""
    zones = atlas.layers["control_zones"]
    bounds = change_days([zones])
    feats, a, b, ids = [], [], [], []
    for start, end in zip(bounds, bounds[1:] + [None], strict=True):
        outline = peacekeeping_outline(atlas, zones[visible_mask(zones, start)], all_sources)
        if outline is None:
            continue
        if feats and feats[-1]["id"] == outline["id"] and b[-1] == day_number(start):
            b[-1] = day_number(end)  # the same outline goes on
            continue
        feats.append(outline)
        a.append(day_number(start))
        b.append(day_number(end))
        ids.append([outline["id"].split(":", 1)[1]])
    return HistoryLayer("peacekeeping", "circlemarker", features_json(atlas, feats), a, b, ids)


def _event_days(events: pd.DataFrame) -> tuple[list[int], list[int]]:
    start = pd.to_datetime(events["date"]).to_numpy("datetime64[D]").astype(np.int64)
    ends = events["date_end"].where(events["date_end"].notna(), events["date"])
    end = pd.to_datetime(ends).to_numpy("datetime64[D]").astype(np.int64)
    return start.tolist(), (end + 1).tolist()  # the last day counts: [date, date_end + 1)


def compact_events(layer: str, events: pd.DataFrame) -> HistoryLayer:
    """Many events as columns: ids, days, coordinates and one of a few kinds (type, claim, precision, style)."""
    spec = registry.get(layer)
    a, b = _event_days(events)
    keys = ["event_type", "claim_status", "geo_precision"]
    kinds = events[keys].astype(object).where(events[keys].notna(), None)
    codes, combos = pd.factorize(pd.MultiIndex.from_frame(kinds))
    table = []
    for event_type, claim, precision in combos:
        props = {"event_type": event_type, "claim_status": claim, "geo_precision": precision}
        title = (human(event_type) or "event").capitalize() + (" (your data)" if layer == "user_events" else "")
        table.append([event_type, claim, precision, spec.style(props), title])
    columns = {"lon": np.round(events["lon"].to_numpy(float), 5).tolist(),
               "lat": np.round(events["lat"].to_numpy(float), 5).tolist(),
               "k": codes.tolist(), "combos": table, "note": COMPACT_NOTE}
    return HistoryLayer(layer, "circlemarker", "[]", a, b, [[str(i)] for i in events["event_id"]], windowed=True,
                        compact=columns)


def _groups(keys: list[tuple]) -> list[list[int]]:
    """Positions grouped by key, groups in order of their first member."""
    out: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        out.setdefault(key, []).append(i)
    return list(out.values())


def _group_layer(name: str, kind: str, feats_json: str, members: list[list[int]], a, b, ids, **kwargs) -> HistoryLayer:
    """A layer whose features stand for groups of events: each is shown while any of its events is."""
    return HistoryLayer(name, kind, feats_json, [min(a[i] for i in m) for m in members],
                        [max(b[i] for i in m) for m in members], [[ids[i][0] for i in m] for m in members],
                        windowed=True, follows="events", members=members, **kwargs)


def _point(feature: dict) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"][:2]
    return round(float(lon), 4), round(float(lat), 4)


def halo_history(owner, feats: list[dict], a, b, ids) -> HistoryLayer | None:
    """One uncertainty ring per point and precision, however many events share them (as a date's map draws)."""
    keep = [i for i, f in enumerate(feats) if HALO_METRES.get(f["properties"].get("geo_precision"), 0)]
    if not keep:
        return None
    members = [[keep[j] for j in group] for group in _groups(
        [(*_point(feats[i]), feats[i]["properties"].get("geo_precision")) for i in keep])]

    def halo(first: dict) -> dict:
        lon, lat = _point(first)
        key = (lon, lat, first["properties"].get("geo_precision"))
        return _memo.get(owner, ("halo", key, first["properties"].get("event_type")), lambda: {
            "type": "Feature", "id": "halo:{},{},{}".format(*key), "geometry": first["geometry"],
            "properties": {"_s": halo_style(first["properties"])}})

    return _group_layer("halos", "circle", features_json(owner, [halo(feats[m[0]]) for m in members]), members,
                        a, b, ids, popup=False, interactive=False)


def area_history(atlas: Atlas, owner, events: pd.DataFrame, feats: list[dict], positions: list[int], a, b, ids,
                 names: str) -> HistoryLayer | None:
    """District- and region-level events as one marker per point and precision (``layers.area_features``).

    The marker's count, title and list depend on which of its events the date and window show: the browser
    composes them (engine.js ``areaFeature``) from the fixed parts given here (``describe.area_parts``).
    """
    if not positions:
        return None
    members = [[positions[j] for j in group] for group in _groups(
        [(*_point(feats[i]), feats[i]["properties"].get("geo_precision")) for i in positions])]
    records = events.drop(columns=["geometry"], errors="ignore").to_dict("records")
    out = []
    for group in members:
        parts = area_parts(atlas, [records[i] for i in group], names)
        lon, lat = _point(feats[group[0]])
        out.append({"type": "Feature", "id": "areas:", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"geo_precision": parts.precision, "_s": area_style(len(group), parts.precision),
                                   "_a": {"precision": parts.precision, "where": parts.where_many,
                                          "fact": parts.where_fact, "locs": parts.locations,
                                          "sources": AREA_SOURCES, "most": MAX_AREA_LOCATIONS}}})
    return _group_layer("areas", "div", features_json(owner, out), members, a, b, ids)


def event_history(owner, source, layer: str, events: pd.DataFrame, names: str,
                  all_sources: bool = False) -> list[HistoryLayer]:
    """Events (``layer``: ``events`` or ``user_events``); for the atlas's own, their uncertainty rings and the
    markers of district- and region-level events (drawn as areas, not as markers on a town)."""
    if len(events) > COMPACT_EVENTS:
        return [compact_events(layer, events)]
    feats = features(source, layer, events, names, all_sources)
    a, b = _event_days(events)
    ids = [[str(i)] for i in events["event_id"]]
    if layer != "events":
        return [HistoryLayer(layer, "circlemarker", features_json(owner, feats), a, b, ids, windowed=True)]
    imprecise = np.flatnonzero(events["geo_precision"].isin(IMPRECISE).to_numpy()).tolist()
    drawn = HistoryLayer(layer, "circlemarker", features_json(owner, feats), a, b, ids, windowed=True,
                         undrawn=imprecise or None)
    halos = halo_history(owner, feats, a, b, ids)
    areas = area_history(source, owner, events, feats, imprecise, a, b, ids, names)
    return [layer for layer in (halos, drawn, areas) if layer is not None]


def history_layers(atlas: Atlas, options: MapOptions, user=None, all_sources: bool = False) -> list[HistoryLayer]:
    """The drawn layers, bottom first, in the order ``layers.date_view`` draws a date (``all_sources``: popups
    list every source, for a page with no side panel)."""
    names, on = options.names, set(options.layers)
    out: list[HistoryLayer] = []
    for spec in registry.geojson_layers():
        if spec.view_key in on:
            if spec.key == "peacekeeper_posts":
                out.append(_posts(atlas, names, all_sources))
            elif spec.key == "lachin_corridor":
                out.append(_corridor(atlas, names, all_sources))
            else:
                out.append(_layer(atlas, spec.key, atlas.layers[spec.key], names, all_sources=all_sources))
        if spec.key == "control_zones" and "peacekeeping" in on:
            out.append(peacekeeping_history(atlas, all_sources))
    if "events" in on:
        out += event_history(atlas, atlas, "events", filter_events(atlas.joined_events, options), names,
                             all_sources)
        if user is not None:
            out += event_history(user, user, "user_events", filter_events(user.joined_events, options), names,
                                 all_sources)
    return out


def history_json(atlas: Atlas, options: MapOptions, user=None, all_sources: bool = False) -> str:
    """The history as JSON text (with its ``key``: a hash of the content), built once per atlas and options.

    ``all_sources``: every popup lists every source (the one-page atlas has no side panel to list the rest).
    """
    def build() -> str:
        first, last = changes.day_range(atlas)
        head = {"first": first, "last": last, "changes": changes.change_days(atlas),
                "keyDates": [[k.day, k.label] for k in changes.key_dates(atlas, options.names)],
                "names": {"mode": options.names, "show": "places" in options.layers},
                "maxMarkers": MAX_EVENT_MARKERS, "cell": CELL_DEGREES,
                "families": [[label, colour, list(types)] for label, colour, types in EVENT_FAMILIES.values()]}
        body = js_json(head)[:-1] + ',"layers":[' + ",".join(
            layer.to_json() for layer in history_layers(atlas, options, user, all_sources)) + "]}"
        key = hashlib.blake2b(body.encode("utf-8"), digest_size=12).hexdigest()
        return '{"key":"' + key + '",' + body[1:]

    owner = user if user is not None else atlas
    return _memo.get(owner, ("history", id(atlas), options, all_sources), build)


def history_key(history: str) -> str:
    """The content key at the head of a history's JSON text."""
    return history[8:32]
