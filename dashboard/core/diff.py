"""Two dates compared: the land that changed hands between A and B, how much, and who says so.

Pure (no streamlit, no folium). The changed land is the overlay of the control zones visible on A and on B
(one time rule: ``timemodel.visible_mask``), kept where the controller differs. The settlements that changed
hands, their dates and sources come from ``geodata/control_changes.csv`` replayed over the gazetteer with
the build's own rules (``build.zones.apply_change``), so a settlement's story is the one its cell was drawn
from. A before B and B before A are both valid: ``from`` is always A's side, ``to`` B's, so swapping the
dates swaps the sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from . import tables
from .atlas import Atlas
from .build import tables as build_tables
from .build.zones import CellState, apply_change, area_settlements
from .geodesy import EQUAL_AREA, area_km2
from .memo import AtlasMemo
from .problems import Report
from .timemodel import visible_mask
from .vocab import CONTROLLER_LABELS, CONTROLLERS

AREA_METHOD = (f"Areas in km² are measured in a Lambert azimuthal equal-area projection centred on the mapped "
               f"area (lat 39.8° N, lon 46.6° E, WGS84; {EQUAL_AREA}). The zones they are cut from are "
               f"approximations: see docs/METHODOLOGY.md.")
MIN_AREA_KM2 = 0.01  # pieces smaller than this are slivers of coordinate rounding, not land that changed hands
MAX_CACHED = 32
# A few gazetteer villages on the Araz lie just across Natural Earth's generalised border, so their clipped
# cells do not contain them: such a settlement belongs to the nearest changed piece with its sides within this.
NEAR_DEGREES = 0.03


class DateError(ValueError):
    """A date that is malformed or outside the atlas's range."""


def check_day(atlas: Atlas, value: str, label: str = "date") -> str:
    """``value`` if it is a YYYY-MM-DD date within the atlas's range; otherwise a ``DateError`` saying why."""
    try:
        day = tables.parse_date(str(value).strip())
    except tables.Invalid as exc:
        raise DateError(f"{label}: {exc}") from None
    first, last = _range(atlas)
    if not first <= day <= last:
        raise DateError(f"{label}: {day} is outside the atlas ({first} to {last})")
    return day


def _range(atlas: Atlas) -> tuple[str, str]:
    return atlas.day_range


_memo = AtlasMemo()


# --- each settlement's history, from the changes table ---------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One control_changes row that set a settlement's controller (``flipped``: the holder changed)."""

    day: str
    change_id: str
    controller: str
    claim_status: str
    date_precision: str
    source_ids: tuple[str, ...]
    flipped: bool


def control_changes(atlas: Atlas) -> list[dict]:
    """The valid rows of ``geodata/control_changes.csv``, in the order the build applies them (cached)."""
    def build() -> list[dict]:
        rows = tables.validate_table(build_tables.CONTROL_CHANGES, atlas.data_dir, Report(), set(atlas.sources))
        return sorted(rows, key=lambda c: (c["date"], c["_line"]))

    return _memo.get(atlas, "control_changes", build)


def _replay(atlas: Atlas) -> tuple[dict[str, list[Step]], dict[str, int]]:
    """Settlement -> its controller steps, and change id -> how many settlements it changed hands (cached)."""
    return _memo.get(atlas, "control_history", lambda: _history(atlas))


def _history(atlas: Atlas) -> tuple[dict[str, list[Step]], dict[str, int]]:
    records = atlas.places.drop(columns=["geometry"]).to_dict("records")
    inside = area_settlements(records)
    state = {p["place_id"]: CellState() for p in inside}
    history: dict[str, list[Step]] = {pid: [] for pid in state}
    flips: dict[str, int] = {}
    for change in control_changes(atlas):
        before = {pid: s.controller for pid, s in state.items()}
        targets, _ = apply_change(change, inside, state)
        if change["controller"] is None:
            continue
        for pid in sorted(targets):
            flipped = before[pid] is not None and before[pid] != change["controller"]
            flips[change["change_id"]] = flips.get(change["change_id"], 0) + flipped
            history[pid].append(Step(change["date"], change["change_id"], change["controller"],
                                     change["claim_status"], change["date_precision"],
                                     tuple(change["source_ids"]), flipped))
    return history, flips


def settlement_history(atlas: Atlas) -> dict[str, list[Step]]:
    """Every settlement of the mapped area -> the steps that set its controller, oldest first."""
    return _replay(atlas)[0]


def holder_on(steps: list[Step], day: str) -> Step | None:
    """The step in force on ``day`` (the last one dated on or before it: the one time rule)."""
    found = None
    for step in steps:
        if step.day > day:
            break
        found = step
    return found


# --- the comparison --------------------------------------------------------------------------------------------


@dataclass
class SettlementChange:
    """A settlement held by one side on A and the other on B."""

    place_id: str
    name_en: str
    name_az: str | None
    name_hy: str | None
    from_controller: str
    to_controller: str
    date: str  # the last day between A and B on which its holder changed
    date_precision: str
    claim_status: str  # as it stood on the later of the two dates
    change_ids: list[str]
    sources: list[dict]
    lat: float
    lon: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ChangedArea:
    """One connected piece of land whose controller differs between A and B."""

    id: str
    from_controller: str
    to_controller: str
    claim_status: str
    area_km2: float
    geometry: object = field(repr=False)
    settlements: list[SettlementChange] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)

    def properties(self) -> dict:
        days = sorted(s.date for s in self.settlements)
        return {"id": self.id, "from_controller": self.from_controller, "to_controller": self.to_controller,
                "from_label": CONTROLLER_LABELS[self.from_controller],
                "to_label": CONTROLLER_LABELS[self.to_controller], "area_km2": round(self.area_km2, 2),
                "claim_status": self.claim_status, "first_change": days[0] if days else None,
                "last_change": days[-1] if days else None,
                "settlements": [{k: s.as_dict()[k] for k in ("place_id", "name_en", "name_az", "name_hy", "date")}
                                for s in self.settlements],
                "source_ids": [s["source_id"] for s in self.sources], "sources": self.sources}


@dataclass
class ControlChange:
    """A control_changes row dated between A and B."""

    change_id: str
    date: str
    date_precision: str
    controller: str | None
    peacekeeping_zone: bool | None
    claim_status: str
    scope: str
    note: str | None
    settlements_changed: int
    sources: list[dict]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Comparison:
    """Everything that differs between two dates, ``day_from`` (A) and ``day_to`` (B)."""

    day_from: str
    day_to: str
    areas: list[ChangedArea]
    settlements: list[SettlementChange]
    changes: list[ControlChange]
    differences: list[dict]

    @property
    def km2(self) -> dict[str, float]:
        """km² gained by each side from A to B (what one gains, the other loses)."""
        return {c: round(sum(a.area_km2 for a in self.areas if a.to_controller == c), 1) for c in CONTROLLERS}

    def area_at(self, lat: float, lon: float) -> ChangedArea | None:
        """The changed area containing a point, or None (unchanged land, or outside the mapped area)."""
        point = shapely.points(lon, lat)
        return next((a for a in self.areas if shapely.covers(a.geometry, point)), None)

    def sources(self) -> list[dict]:
        """Every source behind the comparison, in order of first use."""
        seen: dict[str, dict] = {}
        for change in self.changes:
            for s in change.sources:
                seen.setdefault(s["source_id"], s)
        return list(seen.values())


def compare(atlas: Atlas, day_from: str, day_to: str) -> Comparison:
    """Compare the atlas on ``day_from`` and ``day_to`` (checked with ``check_day``; cached per pair)."""
    day_from, day_to = check_day(atlas, day_from, "from"), check_day(atlas, day_to, "to")
    cache = _memo.table(atlas, "comparisons")
    key = (day_from, day_to)
    if key not in cache:
        if len(cache) >= MAX_CACHED:
            cache.pop(next(iter(cache)))
        cache[key] = _compare(atlas, day_from, day_to)
    return cache[key]


def _compare(atlas: Atlas, a: str, b: str) -> Comparison:
    lo, hi = min(a, b), max(a, b)
    places = atlas.places.set_index("place_id")
    history = settlement_history(atlas)
    settlements = []
    for pid, steps in history.items():
        was, now = holder_on(steps, a), holder_on(steps, b)
        if was is None or now is None or was.controller == now.controller:
            continue
        between = [s for s in steps if lo < s.day <= hi]
        last_flip = [s for s in between if s.flipped][-1]
        later = now if b >= a else was
        place = places.loc[pid]
        settlements.append(SettlementChange(
            pid, _text(place["name_en"]) or pid, _text(place["name_az"]), _text(place["name_hy"]),
            was.controller, now.controller, last_flip.day, last_flip.date_precision, later.claim_status,
            [s.change_id for s in between], atlas.resolve_sources([i for s in between for i in s.source_ids]),
            float(place["lat"]), float(place["lon"])))
    settlements.sort(key=lambda s: (s.date, s.name_en))
    areas = _areas(atlas, a, b, settlements)
    flips = _replay(atlas)[1]
    changes = [ControlChange(c["change_id"], c["date"], c["date_precision"], c["controller"], c["peacekeeping_zone"],
                             c["claim_status"], c["scope"], c.get("note"), flips.get(c["change_id"], 0),
                             atlas.resolve_sources(c["source_ids"]))
               for c in control_changes(atlas) if lo < c["date"] <= hi]
    return Comparison(a, b, areas, settlements, changes, other_differences(atlas, a, b))


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _areas(atlas: Atlas, a: str, b: str, settlements: list[SettlementChange]) -> list[ChangedArea]:
    """The zones of A and B overlaid: the connected pieces whose controller differs, largest first per side."""
    zones = atlas.layers["control_zones"]
    if zones.empty:
        return []
    za, zb = zones[visible_mask(zones, a)], zones[visible_mask(zones, b)]
    later = zb if b >= a else za  # the claim that counts is the latest word on the land
    claims = dict(zip(later["id"], later["claim_status"].fillna("confirmed"), strict=True))
    later_sources = dict(zip(later["id"], later["source_ids"], strict=True))
    pieces: dict[tuple[str, str, str], list] = {}
    piece_sources: dict[tuple[str, str, str], list[str]] = {}
    if len(za) and len(zb):
        left, right = shapely.STRtree(zb.geometry.values).query(za.geometry.values, predicate="intersects")
        for i, j in zip(left, right, strict=True):
            ra, rb = za.iloc[i], zb.iloc[j]
            if ra["controller"] == rb["controller"]:
                continue
            later_id = rb["id"] if b >= a else ra["id"]
            key = (ra["controller"], rb["controller"], claims[later_id])
            pieces.setdefault(key, []).append(shapely.intersection(ra.geometry, rb.geometry))
            piece_sources.setdefault(key, []).extend(later_sources[later_id])
    found: list[tuple[tuple, object]] = []
    for key, geoms in pieces.items():
        for part in shapely.get_parts(shapely.union_all(geoms)):
            if part.geom_type == "Polygon":
                found.append((key, part))
    if not found:
        return []
    km2 = area_km2(gpd.GeoSeries([g for _, g in found], crs="EPSG:4326"))
    points = shapely.points([s.lon for s in settlements], [s.lat for s in settlements]) if settlements \
        else np.array([], dtype=object)
    order = [k for k in sorted(range(len(found)), key=lambda k: (found[k][0][1], found[k][0][0], found[k][0][2],
                                                                   -km2[k])) if km2[k] >= MIN_AREA_KM2]
    home = _homes(settlements, points, [found[k] for k in order])
    areas, counters = [], {}
    for n, k in enumerate(order):
        (was, now, claim), geom = found[k]
        inside = [s for s, h in zip(settlements, home, strict=True) if h == n]
        ids = [i for s in inside for i in (x["source_id"] for x in s.sources)] or piece_sources[(was, now, claim)]
        counters[(was, now)] = counters.get((was, now), 0) + 1
        areas.append(ChangedArea(f"{was.lower()}-to-{now.lower()}-{counters[(was, now)]}", was, now, claim,
                                 float(km2[k]), geom, inside, atlas.resolve_sources(ids)))
    return areas


def _homes(settlements: list[SettlementChange], points, pieces: list[tuple[tuple, object]]) -> list[int | None]:
    """For each settlement, the position of the piece (same sides) that covers it, else the nearest close one."""
    out: list[int | None] = []
    for s, point in zip(settlements, points, strict=True):
        same = [n for n, ((was, now, _), _) in enumerate(pieces) if (was, now) == (s.from_controller, s.to_controller)]
        covering = [n for n in same if shapely.covers(pieces[n][1], point)]
        if covering:
            out.append(covering[0])
            continue
        near = sorted((shapely.distance(pieces[n][1], point), n) for n in same)
        out.append(near[0][1] if near and near[0][0] <= NEAR_DEGREES else None)
    return out


# --- what else differs -----------------------------------------------------------------------------------------


def _corridor(atlas: Atlas, day: str) -> str:
    frame = atlas.layers["lachin_corridor"]
    routes = frame[visible_mask(frame, day)] if len(frame) else frame
    routes = routes[routes["kind"] == "route"] if len(routes) else routes
    if not len(routes):
        return "none"
    return "; ".join(f"{r} route, {s}" for r, s in sorted(set(zip(routes["route"], routes["status"], strict=True))))


def _posts(atlas: Atlas, day: str) -> int:
    frame = atlas.layers["peacekeeper_posts"]
    return int(visible_mask(frame, day).sum()) if len(frame) else 0


def _stage(atlas: Atlas, day: str) -> str:
    zones = atlas.layers["control_zones"]
    if zones.empty or "peacekeeping_stage" not in zones:
        return "none"
    visible = zones[visible_mask(zones, day)]
    pk = visible[visible["peacekeeping_zone"].fillna(False).astype(bool)]
    stages = sorted({s for s in pk["peacekeeping_stage"] if isinstance(s, str)})
    return ", ".join(stages) if stages else "none"


def _held(atlas: Atlas, day: str, controller: str) -> float:
    zones = atlas.layers["control_zones"]
    mine = zones[visible_mask(zones, day) & (zones["controller"] == controller).to_numpy()] if len(zones) else zones
    return round(float(area_km2(mine.geometry).sum()), 1) if len(mine) else 0.0


OTHER = (
    ("corridor", "Lachin corridor (route, status)", _corridor),
    ("posts", "Peacekeeper posts shown", _posts),
    ("peacekeeping_stage", "Peacekeeping mission stage", _stage),
    *((f"held_{c}", f"Area held by {CONTROLLER_LABELS[c]} (km²)", lambda atlas, day, c=c: _held(atlas, day, c))
      for c in CONTROLLERS),
)


def other_differences(atlas: Atlas, a: str, b: str) -> list[dict]:
    """Corridor, posts, peacekeeping stage and the area each side holds, on A and on B, and whether they differ."""
    out = []
    for key, label, measure in OTHER:
        was, now = measure(atlas, a), measure(atlas, b)
        out.append({"key": key, "what": label, "from": was, "to": now, "changed": was != now})
    return out
