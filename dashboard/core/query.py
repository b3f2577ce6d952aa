"""Questions asked of an atlas: the state on a day, a point on a day, events joined in space and time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import registry
from .describe import clean, source_list
from .geodesy import distance_km
from .memo import AtlasMemo
from .timemodel import EventWindow, change_days, is_visible, overlap_mask, overlaps, valid_to_after, visible_mask
from .view import LAYER_TITLES, MapOptions, filter_events, window_text
from .vocab import CONTROLLER_LABELS, PARTY_SOURCE_KINDS

if TYPE_CHECKING:
    from .atlas import Atlas

_memo = AtlasMemo()
JOIN_COLUMNS = ("controller", "zone_id", "peacekeeping_zone", "lachin_corridor", "nearest_post_id",
                "nearest_post_km")


@dataclass
class State:
    """What the map shows on one day."""

    day: str
    layers: dict[str, gpd.GeoDataFrame]
    events: gpd.GeoDataFrame
    window: tuple[str, str]


def state_on(atlas: Atlas, day: str, window: EventWindow | None = None) -> State:
    """Every feature of every layer visible on ``day`` and the events in the window ending on it."""
    window = window or EventWindow()
    first, last = window.bounds(day)
    layers = {}
    for spec in registry.geojson_layers():
        k = spec.key
        if spec.windowed:  # incidents last a day or a few: they follow the event window (same rule, a span)
            layers[k] = atlas.layers[k][overlap_mask(atlas.layers[k], first, last)]
        else:
            layers[k] = _visible(atlas, k, day)
    events = atlas.joined_events.iloc[atlas.event_index.window(first, last)]
    return State(day, layers, events, (first, last))


def not_shown(layer: str, record: dict, day: str, window: EventWindow | None = None,
              options: MapOptions | None = None) -> str | None:
    """Why the map on ``day`` does not show a feature (the side panel says so), or None when it does.

    The same rules as ``state_on`` and ``map.layers.date_view``: windowed layers (incidents, events) follow
    the event window, other layers the one time rule; switched-off layers and event filters hide features.
    """
    spec = registry.get(layer)
    on = set((options or MapOptions()).layers)
    toggle = spec.view_key or ("peacekeeping" if layer == "peacekeeping" else None)
    if options is not None and toggle and toggle not in on:
        return f"Not on the map: its layer ({LAYER_TITLES.get(toggle, toggle)}) is switched off."
    first, last = (window or EventWindow()).bounds(day)
    if layer in ("events", "user_events"):
        end = clean(record.get("date_end")) or record["date"]
        if not overlaps(record["date"], valid_to_after(end), first, last):
            return f"Not on the map: outside the event window ({window_text((first, last))})."
        if options is not None and filter_events(pd.DataFrame([record]), options).empty:
            return "Not on the map: hidden by the event filters."
        return None
    if "valid_from" not in record:
        return None
    valid_to = clean(record.get("valid_to"))
    if spec.windowed:  # shown over the event window, like state_on
        if not overlaps(record["valid_from"], valid_to, first, last):
            return f"Not on the map: outside the event window ({window_text((first, last))})."
        return None
    if not is_visible(record["valid_from"], valid_to, day):
        return "Not on the map on this date."
    return None


def _visible(atlas: Atlas, layer: str, day: str) -> gpd.GeoDataFrame:
    """The features of a layer visible on ``day``, computed once per period between the layer's change days.

    Scrubbing asks for the same few periods again and again; slicing a GeoDataFrame costs milliseconds.
    """
    frame = atlas.layers[layer]
    bounds = _memo.get(atlas, ("change_days", layer),
                       lambda: np.asarray(change_days([frame]), dtype=object).astype(str))
    period = int(np.searchsorted(bounds, day, side="right"))
    return _memo.get(atlas, ("visible", layer, period), lambda: frame[visible_mask(frame, day)])


def _period_groups(days: np.ndarray, boundaries: list[str]):
    """Group positions of ``days`` (ISO strings) by the period between consecutive boundaries."""
    if len(days) == 0:
        return
    keys = np.searchsorted(np.asarray(boundaries, dtype=object).astype(str), days.astype(str), side="right")
    for key in np.unique(keys):
        positions = np.flatnonzero(keys == key)
        yield positions, str(days[positions[0]])


def _containing(frame: gpd.GeoDataFrame, points: np.ndarray) -> np.ndarray:
    """For each point, the position in ``frame`` of the first polygon containing it, or -1."""
    found = np.full(len(points), -1)
    if frame.empty or len(points) == 0:
        return found
    tree = shapely.STRtree(frame.geometry.values)
    pt_idx, poly_idx = tree.query(points, predicate="within")
    order = np.lexsort((poly_idx, pt_idx))
    pt_idx, poly_idx = pt_idx[order], poly_idx[order]
    first = np.unique(pt_idx, return_index=True)[1]
    found[pt_idx[first]] = poly_idx[first]
    return found


# Points measured against every post at once: pyproj holds several points x posts arrays of floats, so a
# 100,000-point upload measured in one go against 78 posts took ~130 MB more at its peak.
DISTANCE_CHUNK = 4096


def join_points(atlas: Atlas, days: np.ndarray, lats: np.ndarray, lons: np.ndarray) -> pd.DataFrame:
    """Controller, zone, peacekeeping zone, corridor flag and nearest post for points on their own days."""
    n = len(days)
    out = {
        "controller": np.full(n, None, dtype=object),
        "zone_id": np.full(n, None, dtype=object),
        "peacekeeping_zone": np.zeros(n, dtype=bool),
        "lachin_corridor": np.zeros(n, dtype=bool),
        "nearest_post_id": np.full(n, None, dtype=object),
        "nearest_post_km": np.full(n, np.nan),
        "_zone_pos": np.full(n, -1),
    }
    points = shapely.points(lons, lats)
    zones = atlas.layers["control_zones"]
    for pos, day in _period_groups(days, change_days([zones])):
        visible = zones[visible_mask(zones, day)]
        hit = _containing(visible, points[pos])
        inside = hit >= 0
        rows = visible.iloc[hit[inside]]
        out["controller"][pos[inside]] = rows["controller"].to_numpy()
        out["zone_id"][pos[inside]] = rows["id"].to_numpy()
        out["peacekeeping_zone"][pos[inside]] = rows["peacekeeping_zone"].fillna(False).astype(bool).to_numpy()
        out["_zone_pos"][pos[inside]] = visible.index.to_numpy()[hit[inside]]

    corridor = atlas.layers["lachin_corridor"]
    corridor = corridor[corridor["kind"] == "zone"]
    for pos, day in _period_groups(days, change_days([corridor])):
        visible = corridor[visible_mask(corridor, day)]
        out["lachin_corridor"][pos] = _containing(visible, points[pos]) >= 0

    posts = atlas.layers["peacekeeper_posts"]
    for pos, day in _period_groups(days, change_days([posts])):
        visible = posts[visible_mask(posts, day)]
        if visible.empty:
            continue
        post_lats, post_lons = visible.geometry.y.to_numpy()[None, :], visible.geometry.x.to_numpy()[None, :]
        for start in range(0, len(pos), DISTANCE_CHUNK):  # points x posts matrices, a slice of points at a time
            part = pos[start:start + DISTANCE_CHUNK]
            km = distance_km(lats[part][:, None], lons[part][:, None], post_lats, post_lons)
            best = km.argmin(axis=1)
            out["nearest_post_km"][part] = np.round(km[np.arange(len(part)), best], 2)
            out["nearest_post_id"][part] = visible["id"].to_numpy()[best]
    return pd.DataFrame({k: pd.Series(v, dtype=v.dtype) for k, v in out.items()})


def join_events(atlas: Atlas, events: gpd.GeoDataFrame, *, in_place: bool = False) -> gpd.GeoDataFrame:
    """``events`` with the controller of the zone each fell in on its own date, corridor flag and nearest post.

    ``in_place``: add the columns to ``events`` itself (an upload's frame, which nobody else holds: a copy of
    200,000 rows would cost tens of MB at the upload's peak).
    """
    frame = events if in_place else events.copy()
    joined = join_points(atlas, frame["date"].to_numpy(dtype=object), frame["lat"].to_numpy(float),
                         frame["lon"].to_numpy(float))
    for col in JOIN_COLUMNS:
        values = joined[col].to_numpy()
        frame[col] = pd.Series(values, index=frame.index, dtype=values.dtype)
    frame["controller_label"] = frame["controller"].map(CONTROLLER_LABELS)
    frame["party_only"] = party_only(atlas.sources, frame["source_ids"])
    return frame


def party_only(sources: dict[str, dict], source_ids: pd.Series) -> np.ndarray:
    """For each row's sources: whether every one is a party's official statement or a party's media.

    A row with no source, or with any source of another or unknown kind, is not party-only.
    """
    party = {sid for sid, s in sources.items() if s.get("source_kind") in PARTY_SOURCE_KINDS}
    return np.array([bool(ids) and all(i in party for i in ids) for ids in source_ids.map(source_list)],
                    dtype=bool)


def joined_events(atlas: Atlas) -> gpd.GeoDataFrame:
    """The atlas's events joined (computed when the atlas loads)."""
    return atlas.joined_events


def point_query(atlas: Atlas, day: str, lat: float, lon: float) -> dict:
    """Who controlled a point on a day, in which zone, corridor and post context, and who says so."""
    row = join_points(atlas, np.array([day], dtype=object), np.array([lat], float), np.array([lon], float)).iloc[0]
    source_ids: list[str] = []
    if row["_zone_pos"] >= 0:
        source_ids += list(atlas.layers["control_zones"].loc[row["_zone_pos"], "source_ids"])
    if row["lachin_corridor"]:
        corridor = atlas.layers["lachin_corridor"]
        visible = corridor[visible_mask(corridor, day) & (corridor["kind"] == "zone").to_numpy()]
        hit = _containing(visible, shapely.points([lon], [lat]))[0]
        source_ids += list(visible.iloc[hit]["source_ids"])
    if row["nearest_post_id"] is not None:
        posts = atlas.layers["peacekeeper_posts"]
        source_ids += list(posts.loc[posts["id"] == row["nearest_post_id"], "source_ids"].iloc[0])
    km = row["nearest_post_km"]
    decided = deciding_change(atlas, day, lat, lon) if row["controller"] is not None else None
    if decided is not None and decided["controller"] == row["controller"]:
        source_ids = [*decided["source_ids"], *source_ids]  # who says so about this place, before the whole zone
    else:
        decided = None
    return {
        "date": day,
        "lat": lat,
        "lon": lon,
        "controller": row["controller"],
        "zone_id": row["zone_id"],
        "decided_by": None if decided is None else {k: v for k, v in decided.items() if k != "source_ids"},
        "peacekeeping_zone": bool(row["peacekeeping_zone"]),
        "lachin_corridor": bool(row["lachin_corridor"]),
        "nearest_post_km": None if pd.isna(km) else float(km),
        "sources": atlas.resolve_sources(source_ids),
    }


def deciding_change(atlas: Atlas, day: str, lat: float, lon: float) -> dict | None:
    """The control change in force on ``day`` for the settlement whose cell holds the point.

    Zones are built from the settlements' Voronoi cells (``build/zones.py``), so the nearest settlement of the
    mapped area decides a point inside it: its change is the specific "who says so", where the zone's sources
    are every change that ever shaped the zone. None outside the mapped area's settlements' history.
    """
    from .diff import holder_on, settlement_history  # diff builds on this module

    history = settlement_history(atlas)
    places = atlas.places[atlas.places["place_id"].isin(list(history))]
    if places.empty:
        return None
    km = distance_km(lat, lon, places.geometry.y.to_numpy(), places.geometry.x.to_numpy())
    nearest = int(np.argmin(km))
    place_id = str(places["place_id"].iloc[nearest])
    steps = [step for step in history[place_id] if step.day <= day]
    if not steps or holder_on(steps, day) is None:
        return None
    run = [steps[-1]]  # the changes since the holder took the place: the one that gave it, then confirmations
    while len(run) < len(steps) and steps[-len(run) - 1].controller == run[0].controller:
        run.insert(0, steps[-len(run) - 1])
    first = run[0]
    return {"place_id": place_id, "place_km": round(float(km[nearest]), 2), "change_id": first.change_id,
            "date": first.day, "controller": first.controller, "claim_status": run[-1].claim_status,
            "change_ids": [step.change_id for step in run],  # the one that gave it, then confirmations
            "source_ids": list(dict.fromkeys(i for step in run for i in step.source_ids))}
