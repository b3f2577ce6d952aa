"""What changed on the map, when: change days, key dates, the "what changed" diff and the chart series.

Pure (no streamlit). Everything is derived from the atlas's layers and events with the one time rule of
``timemodel`` (visible on D iff ``valid_from <= D < valid_to``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from . import registry
from .atlas import Atlas
from .describe import place_name, places_by_id
from .geodesy import to_equal_area
from .memo import AtlasMemo
from .registry import describe
from .timemodel import change_days as _change_days
from .timemodel import shift, visible_mask
from .vocab import CONTROLLER_LABELS

_memo = AtlasMemo()

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("1994-05-12", "1994 ceasefire (Bishkek Protocol): the line of contact"),
    ("2020-09-26", "Baseline: the day before the 2020 war"),
    ("2020-09-27", "2020 war begins"),
    ("2020-11-10", "Trilateral ceasefire statement takes effect"),
    ("2020-11-20", "Handover of Aghdam district"),
    ("2020-11-25", "Handover of Kalbajar district"),
    ("2020-12-01", "Handover of Lachin district"),
    ("2022-08-26", "Lachin, Sus and Zabukh handed over; new corridor route"),
    ("2022-12-12", "Blockade of the Lachin corridor begins"),
    ("2023-04-23", "Azerbaijani checkpoint on the Lachin corridor"),
    ("2023-09-19", "Azerbaijani offensive of 19-20 September 2023"),
    ("2024-06-12", "Russian peacekeepers' withdrawal completed"),
)
"""Dates users jump to; the days towns and cities changed hands and the corridor's status changes are added
from the control zones and the corridor layer (never from events, whose places may be stand-ins)."""
CAPTURE_KINDS = ("city", "town")


def day_range(atlas: Atlas) -> tuple[str, str]:
    """``(atlas.first_day, atlas.last_day)``, computed once (each property scans every layer)."""
    return atlas.day_range


def change_days(atlas: Atlas) -> list[str]:
    """Every day on which a feature of some layer appears or disappears, sorted (cached).

    A windowed layer's feature (a border incident) stays on the map over the event window after its
    ``valid_to``, so only the day it appears is a change: its end day had nothing to say in "what changed".
    """
    def build() -> list[str]:
        layers = registry.geojson_layers()
        days = set(_change_days(atlas.layers[s.key] for s in layers if not s.windowed))
        for spec in layers:
            if spec.windowed:
                days.update(atlas.layers[spec.key]["valid_from"].dropna())
        return sorted(days)

    return _memo.get(atlas, "change_days", build)


def previous_change(atlas: Atlas, day: str) -> str | None:
    """The last change day strictly before ``day``."""
    days = change_days(atlas)
    i = bisect.bisect_left(days, day)
    return days[i - 1] if i > 0 else None


def next_change(atlas: Atlas, day: str) -> str | None:
    """The first change day strictly after ``day``."""
    days = change_days(atlas)
    i = bisect.bisect_right(days, day)
    return days[i] if i < len(days) else None


def latest_change(atlas: Atlas, day: str) -> str | None:
    """The last change day on or before ``day``."""
    days = change_days(atlas)
    i = bisect.bisect_right(days, day)
    return days[i - 1] if i > 0 else None


@dataclass(frozen=True)
class KeyDate:
    day: str
    label: str


def key_dates(atlas: Atlas, names: str = "both") -> list[KeyDate]:
    """The fixed key dates, the days towns and cities changed hands and the corridor's status changes."""
    return _memo.get(atlas, ("key_dates", names), lambda: _key_dates(atlas, names))


def _key_dates(atlas: Atlas, names: str) -> list[KeyDate]:
    found: dict[str, list[str]] = {}
    for day, label in KEY_DATES:
        found.setdefault(day, []).append(label)
    for day, label in town_changes(atlas, names) + corridor_status_changes(atlas):
        found.setdefault(day, []).append(label)
    first, last = day_range(atlas)
    return [KeyDate(d, "; ".join(found[d])) for d in sorted(found) if first <= d <= last]


def town_changes(atlas: Atlas, names: str = "both") -> list[tuple[str, str]]:
    """``(day, label)`` for each control-zone change day on which towns or cities changed hands.

    Derived from the zones alone: a settlement changes hands when the controller of the zone it lies in
    differs from the day before (its first zone, at the start of the atlas, is not a change).
    """
    zones, known, out = atlas.layers["control_zones"], places_by_id(atlas), []
    towns = {p for p, r in known.items() if r.get("kind") in CAPTURE_KINDS}
    claims = dict(zip(zones["id"], zones["claim_status"].fillna("confirmed"), strict=True)) \
        if "claim_status" in zones else {}
    for day in _change_days([zones]):
        was = _holders(atlas, visible_mask(zones, shift(day, -1)))
        now = _holders(atlas, visible_mask(zones, day))
        moved: dict[tuple[str, str], list[str]] = {}
        for pid, (controller, zone_id, _) in now.items():
            old = was.get(pid)
            if pid in towns and old is not None and old[0] != controller:
                moved.setdefault((controller, claims.get(zone_id, "confirmed")), []).append(pid)
        for (controller, claim), pids in sorted(moved.items()):
            note = "" if claim == "confirmed" else f" ({claim})"
            out.append((day, f"{_names(known, pids, names, limit=6)}: to "
                             f"{CONTROLLER_LABELS.get(controller, controller)}{note}"))
    return out


def corridor_status_changes(atlas: Atlas) -> list[tuple[str, str]]:
    """``(day, label)`` for each day a Lachin corridor route's status changed (e.g. open -> blockaded)."""
    out = []
    for day in _change_days([atlas.layers["lachin_corridor"]]):
        started = _records_on(atlas, "lachin_corridor", "valid_from", day)
        ended = _records_on(atlas, "lachin_corridor", "valid_to", day)
        for route in sorted({r["route"] for r in started} & {r["route"] for r in ended}):
            new = {r["status"] for r in started if r["route"] == route}
            old = {r["status"] for r in ended if r["route"] == route}
            if len(new) == 1 and len(old) == 1 and new != old:
                out.append((day, f"Lachin corridor ({route} route): {old.pop()} → {new.pop()}"))
    return out


# --- what changed -------------------------------------------------------------------------------------------------


@dataclass
class Change:
    """One change that took effect on ``day``, with the sources that report it."""

    day: str
    layer: str
    title: str
    details: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    feature_ids: tuple[str, ...] = ()


def _zones_equal_area(atlas: Atlas) -> np.ndarray:
    """The control zones' geometries in the equal-area projection (metres), projected once."""
    return _memo.get(atlas, "zones_equal_area",
                     lambda: to_equal_area(atlas.layers["control_zones"].geometry).to_numpy())


SETTLEMENT_KINDS = ("city", "town", "village")


def _settlements(atlas: Atlas) -> pd.DataFrame:
    """Gazetteer settlements inside the mapped area (the places whose holder the zones decide)."""
    places = atlas.places
    return _memo.get(atlas, "settlements", lambda: places[
        places["kind"].isin(SETTLEMENT_KINDS) & places["area"].isin(("nkao", "districts"))].reset_index(drop=True))


def _holders(atlas: Atlas, mask: np.ndarray) -> dict[str, tuple[str, str, bool]]:
    """Settlement -> (controller, zone id, in the peacekeeping zone) under the zones selected by ``mask``."""
    cache = _memo.table(atlas, "holders")
    key = mask.tobytes()
    if key not in cache:
        zones = atlas.layers["control_zones"][mask]
        places = _settlements(atlas)
        points = shapely.points(places["lon"].to_numpy(float), places["lat"].to_numpy(float))
        point_idx, zone_idx = shapely.STRtree(zones.geometry.values).query(points, predicate="within")
        pk = zones["peacekeeping_zone"].fillna(False).astype(bool).to_numpy() if "peacekeeping_zone" in zones \
            else np.zeros(len(zones), dtype=bool)
        ids, controllers = zones["id"].to_numpy(), zones["controller"].to_numpy()
        pids = places["place_id"].to_numpy()
        cache[key] = {pids[p]: (controllers[z], ids[z], bool(pk[z])) for p, z in zip(point_idx, zone_idx, strict=True)}
    return cache[key]


def _zone_change(atlas: Atlas, day: str, names: str) -> Change | None:
    zones = atlas.layers["control_zones"]
    if zones.empty:
        return None
    started = _records_on(atlas, "control_zones", "valid_from", day)
    ended = _records_on(atlas, "control_zones", "valid_to", day)
    if not started and not ended:
        return None
    before_mask, after_mask = visible_mask(zones, shift(day, -1)), visible_mask(zones, day)
    projected, controllers = _zones_equal_area(atlas), zones["controller"].to_numpy()
    gains = []
    for controller in sorted(CONTROLLER_LABELS):
        new = projected[after_mask & (controllers == controller)]
        if not len(new):
            continue
        gained = shapely.difference(shapely.union_all(new),
                                    shapely.union_all(projected[before_mask & (controllers == controller)]))
        km2 = shapely.area(gained) / 1e6
        if km2 >= 0.5:
            gains.append((controller, km2))
    label = CONTROLLER_LABELS.get
    if gains:
        title = "Control: " + "; ".join(f"{km2:,.0f} km² to {label(c, c)}" for c, km2 in gains)
    else:
        title = "Control zones redrawn"
    details = []
    if not _settlements(atlas).empty:
        was, now = _holders(atlas, before_mask), _holders(atlas, after_mask)
        claims = dict(zip(zones["id"], zones["claim_status"].fillna("confirmed"), strict=True)) \
            if "claim_status" in zones else {}
        moved: dict[str, list[str]] = {}
        for pid, (controller, zone_id, pk) in now.items():
            old = was.get(pid)
            if old is None or old[0] != controller:
                moved.setdefault(f"Settlements now held by {label(controller, controller)}", []).append(pid)
            elif claims.get(old[1], "confirmed") != claims.get(zone_id, "confirmed"):
                moved.setdefault(f"Settlements whose status is now {claims.get(zone_id, 'confirmed')}",
                                 []).append(pid)
            if old is not None and old[2] != pk:
                moved.setdefault("Joined the Russian peacekeeping zone" if pk
                                 else "Left the Russian peacekeeping zone", []).append(pid)
        known = places_by_id(atlas)
        details = [f"{head} ({len(pids)}): " + _names(known, pids, names) for head, pids in moved.items()]
    old_ids = set(_ids_of(ended))
    new_ids = [s for s in _ids_of(started) if s not in old_ids]
    sources = atlas.resolve_sources(new_ids or _ids_of(started))
    return Change(day, "control_zones", title, details, sources, tuple(r["id"] for r in started))


def _names(known: dict, pids: list[str], names: str, limit: int = 25) -> str:
    labels = sorted(place_name(known[p], names) if p in known else p for p in pids)
    return ", ".join(labels[:limit]) + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _records_on(atlas: Atlas, layer: str, column: str, day: str) -> list[dict]:
    """The records (no geometry) of ``layer`` whose ``column`` (valid_from or valid_to) is ``day``; indexed once."""
    def build() -> dict[str, list[dict]]:
        index: dict[str, list[dict]] = {}
        for record in atlas.layers[layer].drop(columns=["geometry"]).to_dict("records"):
            if isinstance(record.get(column), str):
                index.setdefault(record[column], []).append(record)
        return index

    return _memo.get(atlas, ("records_by_day", layer, column), build).get(day, [])


def _ids_of(records: list[dict]) -> list[str]:
    out: dict[str, None] = {}
    for r in records:
        out.update((s, None) for s in (r.get("source_ids") or ()))
    return list(out)


def _feature_changes(atlas: Atlas, layer: str, day: str, names: str) -> list[Change]:
    started = _records_on(atlas, layer, "valid_from", day)
    ended = _records_on(atlas, layer, "valid_to", day)
    out: list[Change] = []
    if layer == "lachin_corridor":
        for route in sorted({r["route"] for r in started + ended}):
            new = [r for r in started if r["route"] == route]
            old = [r for r in ended if r["route"] == route]
            old_status = old[0]["status"] if old else None
            new_status = new[0]["status"] if new else None
            if new_status and old_status and new_status != old_status:
                title = f"Lachin corridor, {route} route: {old_status} → {new_status}"
            elif new_status and not old_status:
                title = f"Lachin corridor, {route} route: in use ({new_status})"
            elif old_status and not new_status:
                title = f"Lachin corridor, {route} route: no longer in use"
            else:
                title = f"Lachin corridor, {route} route redrawn ({new_status})"
            notes = list(dict.fromkeys(r["status_note"] for r in new if isinstance(r.get("status_note"), str)
                                       and r["status_note"]))
            out.append(Change(day, layer, title, notes, atlas.resolve_sources(_ids_of(new) or _ids_of(old)),
                              tuple(r["id"] for r in new + old)))
    elif layer == "peacekeeper_posts":
        for part, verb in ((started, "opened"), (ended, "closed")):
            if part:
                out.append(Change(day, layer, f"Peacekeeper posts {verb}: {len(part)}",
                                  [", ".join(str(r["name"]) for r in part)], atlas.resolve_sources(_ids_of(part)),
                                  tuple(r["id"] for r in part)))
    elif layer == "border_incidents":
        for record in started:
            desc = describe(atlas, layer, record, names)
            summary = record.get("summary")
            out.append(Change(day, layer, desc.title, [summary] if isinstance(summary, str) and summary else [],
                              desc.sources, (str(record["id"]),)))
    return out


def changes_between(atlas: Atlas, start: str | None, end: str, names: str = "both") -> list[Change]:
    """Every change that took effect on a day in (``start``, ``end``], oldest first."""
    days = [d for d in change_days(atlas) if (start is None or d > start) and d <= end]
    out: list[Change] = []
    for day in days:
        zone = _zone_change(atlas, day, names)
        if zone is not None:
            out.append(zone)
        for layer in ("lachin_corridor", "peacekeeper_posts", "border_incidents"):
            out += _feature_changes(atlas, layer, day, names)
    return out


def what_changed(atlas: Atlas, day: str, names: str = "both") -> tuple[str | None, str | None, list[Change]]:
    """``(since, on, changes)``: the changes of the last change day ``on`` <= ``day``, since the one before.

    ``on`` is None when nothing changed on or before ``day``.
    """
    on = latest_change(atlas, day)
    if on is None:
        return None, None, []
    since = previous_change(atlas, on)
    return since, on, _memo.get(atlas, ("what_changed", since, on, names),
                                lambda: changes_between(atlas, since, on, names))
